//! `{% tag %}` languages: Jinja, Nunjucks, Twig and Django (`include`, `extends`, `import`,
//! `from`, `embed`, `block`), and Liquid (`include`, `render`, `layout`, `section`), plus the
//! `{{ content }}` / `{{ content_for_layout }}` slots of Jekyll, Eleventy and Shopify layouts.

use super::lex::{self, Closer};
use super::{Directive, DirectiveKind, Fill, Language, Via};
use crate::source::Span;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flavor {
    Jinja,
    Liquid,
}

struct Open {
    tag: &'static str,
    name: String,
    span: Span,
    optional: bool,
}

pub fn scan(text: &str, flavor: Flavor, out: &mut Vec<Directive>) {
    let language = match flavor {
        Flavor::Jinja => Language::Jinja,
        Flavor::Liquid => Language::Liquid,
    };
    let bytes = text.as_bytes();
    let (mut tag_close, mut out_close, mut comment_close) = (Closer::new("%}"), Closer::new("}}"), Closer::new("#}"));
    let mut stack: Vec<Open> = Vec::new();
    // Inside `{% raw %}` / `{% comment %}`: the tag name that ends it.
    let mut skipping: Option<String> = None;
    let mut i = 0;
    while let Some(off) = memchr::memchr(b'{', &bytes[i..]) {
        let at = i + off;
        let closer = match bytes.get(at + 1) {
            Some(b'%') => &mut tag_close,
            Some(b'{') => &mut out_close,
            Some(b'#') if flavor == Flavor::Jinja => &mut comment_close,
            _ => {
                i = at + 1;
                continue;
            }
        };
        let Some(close) = closer.find(text, at + 2) else {
            i = at + 2;
            continue;
        };
        let span = Span::new(at, close + 2);
        i = close + 2;
        let inner = lex::trim_controls(&text[at + 2..close]);
        match bytes[at + 1] {
            b'%' => {
                let (name, args) = lex::first_word(inner);
                if let Some(end) = &skipping {
                    if name == end {
                        skipping = None;
                    }
                    continue;
                }
                tag(
                    name,
                    args.trim(),
                    span,
                    flavor,
                    language,
                    &mut stack,
                    &mut skipping,
                    out,
                );
            }
            b'{' if skipping.is_none() && is_content_slot(inner) => {
                out.push(Directive {
                    span,
                    language,
                    kind: DirectiveKind::Slot,
                });
            }
            _ => {}
        }
    }
}

#[allow(clippy::too_many_arguments)]
fn tag(
    name: &str,
    args: &str,
    span: Span,
    flavor: Flavor,
    language: Language,
    stack: &mut Vec<Open>,
    skipping: &mut Option<String>,
    out: &mut Vec<Directive>,
) {
    let push = |out: &mut Vec<Directive>, kind| out.push(Directive { span, language, kind });
    match name {
        "raw" | "verbatim" | "comment" => *skipping = Some(format!("end{name}")),
        "include" | "render" | "section" | "include_relative" => {
            let via = if name == "section" { Via::Section } else { Via::Partial };
            let mut names = names_of(args, flavor);
            if name == "include_relative" {
                names.iter_mut().for_each(|n| *n = format!("./{n}"));
            }
            let optional = ignores_missing(args);
            push(out, DirectiveKind::Include { via, names, optional });
        }
        "import" | "from" => {
            let names = names_of(args, Flavor::Jinja);
            push(
                out,
                DirectiveKind::Include {
                    via: Via::Import,
                    names,
                    optional: false,
                },
            );
        }
        "extends" => {
            // A computed parent cannot be followed: the file then reads as itself.
            if let Some(n) = names_of(args, Flavor::Jinja).into_iter().next() {
                push(
                    out,
                    DirectiveKind::Layout {
                        name: Some(n),
                        fill: Fill::Blocks,
                    },
                );
            }
        }
        "layout" => {
            let n = names_of(args, Flavor::Liquid).into_iter().next();
            let n = n.filter(|n| n != "none");
            push(
                out,
                DirectiveKind::Layout {
                    name: n,
                    fill: Fill::Slot,
                },
            );
        }
        "embed" => {
            if let Some(n) = names_of(args, Flavor::Jinja).into_iter().next() {
                stack.push(Open {
                    tag: "embed",
                    name: n,
                    span,
                    optional: ignores_missing(args),
                });
            }
        }
        "block" => {
            let (n, _) = lex::first_word(args);
            let n = n.trim_matches(['"', '\'']);
            if !n.is_empty() {
                stack.push(Open {
                    tag: "block",
                    name: n.to_string(),
                    span,
                    optional: false,
                });
            }
        }
        "endembed" | "endblock" => {
            let want = &name[3..];
            let Some(pos) = stack.iter().rposition(|o| o.tag == want) else {
                return;
            };
            let open = stack.swap_remove(pos);
            stack.truncate(pos);
            let body = Span::new(open.span.end, span.start);
            let whole = Span::new(open.span.start, span.end);
            let kind = if want == "embed" {
                DirectiveKind::Wrap {
                    via: Via::Embed,
                    name: open.name,
                    body,
                    fill: Fill::Blocks,
                    optional: open.optional,
                }
            } else {
                DirectiveKind::Block {
                    name: open.name,
                    body,
                    in_place: true,
                }
            };
            out.push(Directive {
                span: whole,
                language,
                kind,
            });
        }
        _ => {}
    }
}

/// Target names of a tag's arguments: a string, a list of strings (first existing wins), or
/// for Liquid a bare file name (`{% include footer.html %}` in Jekyll). Anything else is a
/// computed name: none.
fn names_of(args: &str, flavor: Flavor) -> Vec<String> {
    let args = args.trim_start();
    if args.starts_with('[') {
        let end = args.find(']').unwrap_or(args.len());
        return lex::string_literals(&args[..end]);
    }
    if let Some((lit, _)) = lex::string_literal(args) {
        return vec![lit.to_string()];
    }
    if flavor == Flavor::Liquid {
        let bare = args.split(|c: char| c.is_whitespace() || c == ',').next().unwrap_or("");
        if !bare.is_empty() && !bare.starts_with('{') {
            return vec![bare.to_string()];
        }
    }
    Vec::new()
}

/// Whether a tag's arguments say `ignore missing` (Jinja, Nunjucks and Twig): as two words
/// outside string literals, however they are spaced, so a template named `'ignore missing'`
/// does not count.
fn ignores_missing(args: &str) -> bool {
    let mut words: Vec<&str> = Vec::new();
    let mut rest = args;
    while !rest.is_empty() {
        match rest.find(['\'', '"']) {
            Some(at) => {
                words.extend(rest[..at].split_whitespace());
                words.push("\"\"");
                rest = match lex::string_literal(&rest[at..]) {
                    Some((_, used)) => &rest[at + used..],
                    None => "",
                };
            }
            None => {
                words.extend(rest.split_whitespace());
                rest = "";
            }
        }
    }
    words.windows(2).any(|w| w == ["ignore", "missing"])
}

/// `{{ content }}`, `{{ content | safe }}`, `{{ content_for_layout }}`.
fn is_content_slot(inner: &str) -> bool {
    let head = inner.split('|').next().unwrap_or("").trim();
    head == "content" || head == "content_for_layout"
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(text: &str, flavor: Flavor) -> Vec<Directive> {
        let mut out = Vec::new();
        scan(text, flavor, &mut out);
        out.sort_by_key(|d| d.span.start);
        out
    }

    #[test]
    fn jinja_includes_with_options_and_whitespace_control() {
        let t = r#"a{%- include "x.html" ignore missing with context -%}b{% include ['m.html', "n.html"] %}{% include tpl %}"#;
        let d = run(t, Flavor::Jinja);
        assert_eq!(d.len(), 3);
        assert_eq!(
            &t[d[0].span.range()],
            r#"{%- include "x.html" ignore missing with context -%}"#
        );
        assert_eq!(
            d[0].kind,
            DirectiveKind::Include {
                via: Via::Partial,
                names: vec!["x.html".into()],
                optional: true
            }
        );
        assert_eq!(d[1].names(), ["m.html", "n.html"]);
        assert!(d[2].names().is_empty(), "a computed name cannot be followed");
    }

    #[test]
    fn jinja_extends_blocks_embed_import() {
        let t = "{% extends 'base.html' %}{% import 'm.html' as m %}{% from 'f.html' import x %}\
                 {% block body %}A{% block inner %}B{% endblock inner %}{% endblock %}\
                 {% embed 'card.twig' %}{% block c %}C{% endblock %}{% endembed %}";
        let d = run(t, Flavor::Jinja);
        let kinds: Vec<_> = d.iter().map(|d| &t[d.span.range()]).collect();
        assert_eq!(kinds[0], "{% extends 'base.html' %}");
        assert!(matches!(d[0].kind, DirectiveKind::Layout { fill: Fill::Blocks, .. }));
        assert_eq!(d[1].via(), Some(Via::Import));
        assert_eq!(d[2].names(), ["f.html"]);
        let DirectiveKind::Block { name, body, in_place } = &d[3].kind else {
            panic!("{:?}", d[3])
        };
        assert_eq!((name.as_str(), *in_place), ("body", true));
        assert_eq!(&t[body.range()], "A{% block inner %}B{% endblock inner %}");
        assert!(matches!(&d[4].kind, DirectiveKind::Block { name, .. } if name == "inner"));
        assert!(matches!(&d[5].kind, DirectiveKind::Wrap { via: Via::Embed, name, .. } if name == "card.twig"));
        assert!(matches!(&d[6].kind, DirectiveKind::Block { name, .. } if name == "c"));
    }

    #[test]
    fn twig_ignore_missing_on_include_lists_and_embed() {
        let t = "{% include ['a.twig', 'b.twig'] ignore  missing only %}{% include 'ignore missing' %}\
                 {% embed 'card.twig' ignore missing with {x: 1} %}{% block c %}C{% endblock %}{% endembed %}\
                 {% embed 'row.twig' %}{% endembed %}";
        let d = run(t, Flavor::Jinja);
        assert!(d[0].is_optional());
        assert_eq!(d[0].names(), ["a.twig", "b.twig"]);
        assert!(!d[1].is_optional(), "the words inside a name are not the option");
        assert!(matches!(&d[2].kind, DirectiveKind::Wrap { name, optional: true, .. } if name == "card.twig"));
        assert!(matches!(&d[4].kind, DirectiveKind::Wrap { optional: false, .. }));
    }

    #[test]
    fn liquid_tags_and_slots() {
        let t = "{% layout 'alt' %}{% render 'footer', x: 1 %}{% include footer.html %}\
                 {% section 'header' %}{{ content_for_layout }}{{ content | strip }}{% layout none %}";
        let d = run(t, Flavor::Liquid);
        assert!(matches!(&d[0].kind, DirectiveKind::Layout { name: Some(n), fill: Fill::Slot } if n == "alt"));
        assert_eq!(d[1].names(), ["footer"]);
        assert_eq!(d[2].names(), ["footer.html"]);
        assert_eq!(d[3].via(), Some(Via::Section));
        assert_eq!(d[4].kind, DirectiveKind::Slot);
        assert_eq!(d[5].kind, DirectiveKind::Slot);
        assert!(matches!(&d[6].kind, DirectiveKind::Layout { name: None, .. }));
    }

    #[test]
    fn raw_comments_and_unclosed_tags_are_not_directives() {
        let t = "{% raw %}{% include 'a' %}{% endraw %}{# {% include 'b' %} #}{% comment %}{% render 'c' %}{% endcomment %}{% include 'd'";
        assert!(run(t, Flavor::Jinja).is_empty());
        assert!(run("{% block a %}never closed", Flavor::Jinja).is_empty());
    }
}
