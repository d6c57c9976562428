//! Go `html/template` and `text/template`: `{{template "name" .}}` calls, `{{define "name"}}`
//! and `{{block "name" .}}` regions, all resolved by defined name across the set of files.

use super::lex::{self, Closer};
use super::{Directive, DirectiveKind, Language, Via};
use crate::source::Span;

enum Open {
    Define(String, Span),
    Block(String, Span),
    /// `if`, `range`, `with`: closed by `{{end}}` too, so they are tracked to pair ends right.
    Other,
}

pub fn scan(text: &str, out: &mut Vec<Directive>) {
    let bytes = text.as_bytes();
    let (mut action, mut comment) = (Closer::new("}}"), Closer::new("*/"));
    let mut stack: Vec<Open> = Vec::new();
    let push = |out: &mut Vec<Directive>, span, kind| {
        out.push(Directive {
            span,
            language: Language::Go,
            kind,
        })
    };
    let mut i = 0;
    while let Some(off) = memchr::memmem::find(&bytes[i..], b"{{") {
        let at = i + off;
        let head = text[at + 2..].trim_start_matches('-').trim_start();
        let from = if head.starts_with("/*") {
            // A comment may hold `}}`; its action ends at the first `}}` after `*/`.
            match comment.find(text, at + 2) {
                Some(c) => c + 2,
                None => {
                    i = at + 2;
                    continue;
                }
            }
        } else {
            at + 2
        };
        let Some(close) = action.find(text, from) else {
            i = at + 2;
            continue;
        };
        let span = Span::new(at, close + 2);
        i = span.end;
        let inner = text[at + 2..close].trim_start_matches('-').trim_end_matches('-').trim();
        let (word, args) = lex::first_word(inner);
        let name = || lex::string_literal(args).map(|(n, _)| n.to_string());
        match word {
            "template" => {
                let names = name().into_iter().collect();
                push(
                    out,
                    span,
                    DirectiveKind::Include {
                        via: Via::Template,
                        names,
                        optional: false,
                    },
                );
            }
            "define" => stack.push(name().map_or(Open::Other, |n| Open::Define(n, span))),
            "block" => stack.push(name().map_or(Open::Other, |n| Open::Block(n, span))),
            "if" | "range" | "with" => stack.push(Open::Other),
            "end" => {
                // A `define` renders only where it is called; a `block` also where it stands.
                let (name, open, in_place) = match stack.pop() {
                    Some(Open::Define(name, open)) => (name, open, false),
                    Some(Open::Block(name, open)) => (name, open, true),
                    _ => continue,
                };
                let body = Span::new(open.end, span.start);
                push(
                    out,
                    Span::new(open.start, span.end),
                    DirectiveKind::Block { name, body, in_place },
                );
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defines_blocks_and_calls_pair_with_end() {
        let t = r#"{{define "layout"}}<b>{{if .X}}x{{end}}{{block "content" .}}D{{end}}{{- template "footer" . -}}</b>{{end}}{{/* {{template "no"}} */}}{{template `base.html`}}"#;
        let mut d = Vec::new();
        scan(t, &mut d);
        d.sort_by_key(|d| d.span.start);
        let DirectiveKind::Block { name, body, in_place } = &d[0].kind else {
            panic!("{:?}", d[0])
        };
        assert_eq!((name.as_str(), *in_place), ("layout", false));
        assert!(t[body.range()].starts_with("<b>{{if"));
        assert!(matches!(&d[1].kind, DirectiveKind::Block { name, in_place: true, .. } if name == "content"));
        assert_eq!(d[2].names(), ["footer"]);
        assert_eq!(d[3].names(), ["base.html"]);
        assert_eq!(d.len(), 4);
    }
}
