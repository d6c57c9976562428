//! A compound CSS selector subset for `element` matchers: type, `.class`, `#id`, and attribute
//! tests (`[a]`, `=`, `^=`, `$=`, `*=`, `~=`), in comma-separated lists. No combinators: rules
//! that need ancestry use `visible` or the link matcher's own facts.

use crate::document::Element;

#[derive(Debug, Clone)]
enum AttrOp {
    Exists,
    Equals(String),
    Prefix(String),
    Suffix(String),
    Contains(String),
    Word(String),
}

#[derive(Debug, Clone, Default)]
struct Compound {
    tag: Option<String>,
    attrs: Vec<(String, AttrOp)>,
}

#[derive(Debug, Clone)]
pub struct Selector {
    alternatives: Vec<Compound>,
}

fn ident_end(s: &str) -> usize {
    s.find(|c: char| !(c.is_alphanumeric() || c == '-' || c == '_' || c == ':'))
        .unwrap_or(s.len())
}

fn parse_compound(src: &str) -> Result<Compound, String> {
    let mut c = Compound::default();
    let mut rest = src.trim();
    if rest.is_empty() {
        return Err("empty selector".into());
    }
    if let Some(r) = rest.strip_prefix('*') {
        rest = r;
    } else {
        let end = ident_end(rest);
        if end > 0 {
            c.tag = Some(rest[..end].to_ascii_lowercase());
            rest = &rest[end..];
        }
    }
    while !rest.is_empty() {
        if let Some(r) = rest.strip_prefix('.') {
            let end = ident_end(r);
            c.attrs.push(("class".into(), AttrOp::Word(r[..end].to_string())));
            rest = &r[end..];
        } else if let Some(r) = rest.strip_prefix('#') {
            let end = ident_end(r);
            c.attrs.push(("id".into(), AttrOp::Equals(r[..end].to_string())));
            rest = &r[end..];
        } else if let Some(r) = rest.strip_prefix('[') {
            let close = r.find(']').ok_or("unclosed `[` in selector")?;
            let inner = &r[..close];
            rest = &r[close + 1..];
            let unquote = |v: &str| v.trim().trim_matches(['"', '\'']).to_string();
            let op_at = inner.find(['=', '^', '$', '*', '~']);
            let Some(at) = op_at else {
                c.attrs.push((inner.trim().to_ascii_lowercase(), AttrOp::Exists));
                continue;
            };
            let name = inner[..at].trim().to_ascii_lowercase();
            let op = &inner[at..];
            let attr = if let Some(v) = op.strip_prefix("^=") {
                AttrOp::Prefix(unquote(v))
            } else if let Some(v) = op.strip_prefix("$=") {
                AttrOp::Suffix(unquote(v))
            } else if let Some(v) = op.strip_prefix("*=") {
                AttrOp::Contains(unquote(v))
            } else if let Some(v) = op.strip_prefix("~=") {
                AttrOp::Word(unquote(v))
            } else if let Some(v) = op.strip_prefix('=') {
                AttrOp::Equals(unquote(v))
            } else {
                return Err(format!("unsupported attribute test `[{inner}]`"));
            };
            c.attrs.push((name, attr));
        } else {
            return Err(format!(
                "unsupported selector syntax at `{rest}` (combinators and pseudo-classes are not supported)"
            ));
        }
    }
    Ok(c)
}

impl Selector {
    pub fn parse(src: &str) -> Result<Selector, String> {
        let alternatives = src.split(',').map(parse_compound).collect::<Result<Vec<_>, _>>()?;
        Ok(Selector { alternatives })
    }

    pub fn matches(&self, el: &Element) -> bool {
        self.alternatives.iter().any(|c| {
            c.tag.as_ref().is_none_or(|t| *t == el.name)
                && c.attrs.iter().all(|(name, op)| {
                    let Some(a) = el.attr(name) else { return false };
                    let v = a.value.as_str();
                    match op {
                        AttrOp::Exists => true,
                        AttrOp::Equals(x) => v == x,
                        AttrOp::Prefix(x) => v.starts_with(x.as_str()),
                        AttrOp::Suffix(x) => v.ends_with(x.as_str()),
                        AttrOp::Contains(x) => v.contains(x.as_str()),
                        AttrOp::Word(x) => v.split_whitespace().any(|w| w == x),
                    }
                })
        })
    }
}
