//! Handlebars and Mustache: partials `{{> name}}`, block partials `{{#> layout}}...{{/layout}}`
//! whose layout takes the body at `{{> @partial-block}}`, inline partials
//! `{{#*inline "name"}}...{{/inline}}`, and the `{{{body}}}` slot of express-handlebars layouts.

use super::lex::{self, Closer};
use super::{Directive, DirectiveKind, Fill, Language, Via};
use crate::source::Span;

struct Open {
    inline: bool,
    name: String,
    span: Span,
}

pub fn scan(text: &str, out: &mut Vec<Directive>) {
    let bytes = text.as_bytes();
    let (mut double, mut triple, mut long_comment) = (Closer::new("}}"), Closer::new("}}}"), Closer::new("--}}"));
    let mut stack: Vec<Open> = Vec::new();
    let push = |out: &mut Vec<Directive>, span, kind| {
        out.push(Directive {
            span,
            language: Language::Handlebars,
            kind,
        })
    };
    let mut i = 0;
    while let Some(off) = memchr::memmem::find(&bytes[i..], b"{{") {
        let at = i + off;
        let rest = &text[at..];
        let (closer, open_len, close_len) = if rest.starts_with("{{!--") {
            (&mut long_comment, 5, 4)
        } else if rest.starts_with("{{{") {
            (&mut triple, 3, 3)
        } else {
            (&mut double, 2, 2)
        };
        let Some(close) = closer.find(text, at + open_len) else {
            i = at + open_len;
            continue;
        };
        let span = Span::new(at, close + close_len);
        i = span.end;
        let inner = text[at + open_len..close].trim_matches('~').trim();
        if open_len == 5 || inner.starts_with('!') {
            continue;
        }
        if open_len == 3 {
            if inner == "body" {
                push(out, span, DirectiveKind::Slot);
            }
            continue;
        }
        if let Some(p) = inner.strip_prefix('>') {
            let p = p.trim_start();
            if p.starts_with("@partial-block") {
                push(out, span, DirectiveKind::Slot);
            } else {
                let names = partial_name(p).into_iter().collect();
                push(
                    out,
                    span,
                    DirectiveKind::Include {
                        via: Via::Partial,
                        names,
                        optional: false,
                    },
                );
            }
        } else if let Some(p) = inner.strip_prefix("#>") {
            stack.push(Open {
                inline: false,
                name: partial_name(p.trim_start()).unwrap_or_default(),
                span,
            });
        } else if let Some(p) = inner.strip_prefix("#*inline") {
            if let Some((n, _)) = lex::string_literal(p) {
                stack.push(Open {
                    inline: true,
                    name: n.to_string(),
                    span,
                });
            }
        } else if let Some(closing) = inner.strip_prefix('/') {
            let closing = closing.trim();
            let matches = |o: &Open| {
                if o.inline {
                    closing == "inline"
                } else {
                    closing == o.name || closing.is_empty()
                }
            };
            let Some(pos) = stack.iter().rposition(matches) else {
                continue;
            };
            let open = stack.swap_remove(pos);
            stack.truncate(pos);
            let body = Span::new(open.span.end, span.start);
            let whole = Span::new(open.span.start, span.end);
            let kind = if open.inline {
                DirectiveKind::Block {
                    name: open.name,
                    body,
                    in_place: false,
                }
            } else {
                DirectiveKind::Wrap {
                    via: Via::BlockPartial,
                    name: open.name,
                    body,
                    fill: Fill::Slot,
                    optional: false,
                }
            };
            push(out, whole, kind);
        }
    }
}

/// The partial named at the start of `s`: `footer`, `"footer"`, `partials/footer`. A
/// sub-expression (`(lookup . 'x')`) computes the name: None.
fn partial_name(s: &str) -> Option<String> {
    if let Some((lit, _)) = lex::string_literal(s) {
        return Some(lit.to_string());
    }
    let end = s
        .find(|c: char| c.is_whitespace() || c == '}' || c == '~')
        .unwrap_or(s.len());
    let name = &s[..end];
    (!name.is_empty() && !name.starts_with('(')).then(|| name.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(text: &str) -> Vec<Directive> {
        let mut out = Vec::new();
        scan(text, &mut out);
        out.sort_by_key(|d| d.span.start);
        out
    }

    #[test]
    fn partials_in_every_spelling() {
        let t = r#"{{> footer}} {{~> "partials/foot" title="x" ~}} {{>x this}} {{> (lookup . 'p')}}"#;
        let d = run(t);
        assert_eq!(d.len(), 4);
        assert_eq!(&t[d[0].span.range()], "{{> footer}}");
        assert_eq!(d[0].names(), ["footer"]);
        assert_eq!(d[1].names(), ["partials/foot"]);
        assert_eq!(d[2].names(), ["x"]);
        assert!(d[3].names().is_empty());
    }

    #[test]
    fn block_partial_inline_and_slots() {
        let t = r#"{{#> layout title="t"}}{{#*inline "main"}}M{{/inline}}{{#if a}}B{{/if}}{{/layout}}<i>{{> @partial-block}}{{{ body }}}</i>{{!-- {{> hidden}} --}}{{! {{> gone}} }}"#;
        let d = run(t);
        let DirectiveKind::Wrap { name, body, .. } = &d[0].kind else {
            panic!("{:?}", d[0])
        };
        assert_eq!(name, "layout");
        assert_eq!(&t[body.range()], r#"{{#*inline "main"}}M{{/inline}}{{#if a}}B{{/if}}"#);
        assert!(matches!(&d[1].kind, DirectiveKind::Block { name, in_place: false, .. } if name == "main"));
        assert_eq!(d[2].kind, DirectiveKind::Slot);
        assert_eq!(d[3].kind, DirectiveKind::Slot);
        assert_eq!(d.len(), 4, "{d:?}");
    }
}
