//! Laravel Blade: `@extends`, `@include` (and `@includeIf`, `@includeWhen`, `@includeUnless`,
//! `@includeFirst`), `@component(...)...@endcomponent`, `<x-name>` components, `@section` /
//! `@yield` blocks and the `{{ $slot }}` slot.

use super::lex::{self, Closer};
use super::{Directive, DirectiveKind, Fill, Language, Via};
use crate::source::Span;

enum Open {
    Component(String, Span),
    Tag(String, Span),
    Section(String, Span),
}

pub fn scan(text: &str, out: &mut Vec<Directive>) {
    let bytes = text.as_bytes();
    let (mut echo, mut raw_echo, mut comment, mut verbatim) = (
        Closer::new("}}"),
        Closer::new("!!}"),
        Closer::new("--}}"),
        Closer::new("@endverbatim"),
    );
    let mut stack: Vec<Open> = Vec::new();
    let mut i = 0;
    while let Some(off) = memchr::memchr3(b'@', b'{', b'<', &bytes[i..]) {
        let at = i + off;
        i = at + 1;
        let rest = &text[at..];
        if rest.starts_with("{{--") {
            match comment.find(text, at + 4) {
                Some(c) => i = c + 4,
                None => break,
            }
        } else if rest.starts_with("{{") || rest.starts_with("{!!") {
            let (closer, len) = if rest.starts_with("{{") {
                (&mut echo, 2)
            } else {
                (&mut raw_echo, 3)
            };
            let Some(c) = closer.find(text, at + len) else { continue };
            i = c + len;
            if text[at + len..c].trim() == "$slot" {
                out.push(directive(Span::new(at, c + len), DirectiveKind::Slot));
            }
        } else if let Some(directive_name) = rest.strip_prefix('@') {
            if lex::word_before(text, at) || rest.starts_with("@@") {
                // `@@include` is an escaped `@include`: skip both.
                i = at + if rest.starts_with("@@") { 2 } else { 1 };
                continue;
            }
            let name_len = directive_name
                .find(|c: char| !c.is_ascii_alphanumeric() && c != '_')
                .unwrap_or(directive_name.len());
            let name = &directive_name[..name_len];
            let after = at + 1 + name_len;
            i = after;
            if name == "verbatim" {
                match verbatim.find(text, after) {
                    Some(v) => i = v + "@endverbatim".len(),
                    None => break,
                }
                continue;
            }
            let args_at = after + (text[after..].len() - text[after..].trim_start_matches([' ', '\t']).len());
            let args = if text[args_at..].starts_with('(') {
                lex::balanced_parens(text, args_at).map(|end| (args_at + 1, end))
            } else {
                None
            };
            let span_end = args.map_or(after, |(_, end)| end);
            if args.is_some() {
                i = span_end;
            }
            at_directive(text, name, Span::new(at, span_end), args, &mut stack, out);
        } else if rest.starts_with("<x-") || rest.starts_with("</x-") {
            component_tag(text, at, &mut stack, out, &mut i);
        }
    }
}

fn directive(span: Span, kind: DirectiveKind) -> Directive {
    Directive {
        span,
        language: Language::Blade,
        kind,
    }
}

/// A component (`@component … @endcomponent`, `<x-name> … </x-name>`) from its opening and
/// closing tags: what lies between fills the component's slot.
fn component(name: String, open: Span, close: Span) -> Directive {
    directive(
        Span::new(open.start, close.end),
        DirectiveKind::Wrap {
            via: Via::Component,
            name,
            body: Span::new(open.end, close.start),
            fill: Fill::Slot,
            optional: false,
        },
    )
}

/// `args`: the argument text between the parentheses, as (start, end past the `)`).
fn at_directive(
    text: &str,
    name: &str,
    span: Span,
    args: Option<(usize, usize)>,
    stack: &mut Vec<Open>,
    out: &mut Vec<Directive>,
) {
    let arg_text = args.map_or("", |(s, e)| &text[s..e - 1]);
    let literals = || lex::string_literals(arg_text);
    let first = || lex::string_literal(arg_text).map(|(l, _)| l.to_string());
    let include = |names: Vec<String>, optional| DirectiveKind::Include {
        via: Via::Partial,
        names,
        optional,
    };
    match name {
        "include" | "includeIf" => out.push(directive(
            span,
            include(first().into_iter().collect(), name == "includeIf"),
        )),
        "includeWhen" | "includeUnless" => {
            // The view is the second argument; the first is a condition that may hold a string.
            let condition_is_literal = arg_text.trim_start().starts_with(['\'', '"']);
            let view = literals().into_iter().nth(usize::from(condition_is_literal));
            out.push(directive(span, include(view.into_iter().collect(), false)));
        }
        "includeFirst" => out.push(directive(span, include(literals(), false))),
        "extends" => {
            if let Some(n) = first() {
                out.push(directive(
                    span,
                    DirectiveKind::Layout {
                        name: Some(n),
                        fill: Fill::Blocks,
                    },
                ));
            }
        }
        "component" => {
            if let Some(n) = first() {
                stack.push(Open::Component(n, span));
            }
        }
        "endcomponent" => {
            if let Some(pos) = stack.iter().rposition(|o| matches!(o, Open::Component(..))) {
                let Open::Component(n, open) = stack.swap_remove(pos) else {
                    return;
                };
                stack.truncate(pos);
                out.push(component(n, open, span));
            }
        }
        "section" | "yield" => {
            let Some((lit, used)) = lex::string_literal(arg_text) else {
                return;
            };
            let Some((arg_start, _)) = args else { return };
            // A second argument is the content (`@section('title', 'Hi')`) or the default
            // (`@yield('title', 'Hi')`).
            let second = arg_text[used..].trim_start().strip_prefix(',').and_then(|s| {
                let lead = arg_text.len() - s.len();
                lex::string_literal(s).map(|(v, u)| {
                    let v_end = arg_start + lead + u - 1;
                    Span::new(v_end - v.len(), v_end)
                })
            });
            match (name, second) {
                ("yield", v) => {
                    let body = v.unwrap_or(Span::empty(span.end));
                    out.push(directive(
                        span,
                        DirectiveKind::Block {
                            name: lit.to_string(),
                            body,
                            in_place: true,
                        },
                    ));
                }
                (_, Some(body)) => {
                    out.push(directive(
                        span,
                        DirectiveKind::Block {
                            name: lit.to_string(),
                            body,
                            in_place: false,
                        },
                    ));
                }
                (_, None) => stack.push(Open::Section(lit.to_string(), span)),
            }
        }
        "endsection" | "stop" | "show" | "overwrite" | "append" => {
            if let Some(pos) = stack.iter().rposition(|o| matches!(o, Open::Section(..))) {
                let Open::Section(n, open) = stack.swap_remove(pos) else {
                    return;
                };
                stack.truncate(pos);
                let body = Span::new(open.end, span.start);
                let in_place = name == "show";
                out.push(directive(
                    Span::new(open.start, span.end),
                    DirectiveKind::Block {
                        name: n,
                        body,
                        in_place,
                    },
                ));
            }
        }
        _ => {}
    }
}

/// `<x-name ...>`, `<x-name ... />` and `</x-name>`. `x-slot` tags are parts of a component's
/// body, not components.
fn component_tag(text: &str, at: usize, stack: &mut Vec<Open>, out: &mut Vec<Directive>, i: &mut usize) {
    let closing = text[at..].starts_with("</");
    let name_start = at + if closing { 4 } else { 3 };
    let name_len = text[name_start..]
        .find(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | ':')))
        .unwrap_or(text.len() - name_start);
    let name = &text[name_start..name_start + name_len];
    if name.is_empty() || name == "slot" || name.starts_with("slot:") {
        return;
    }
    let Some(end) = lex::tag_end(text, at) else { return };
    *i = end;
    let span = Span::new(at, end);
    if closing {
        if let Some(pos) = stack.iter().rposition(|o| matches!(o, Open::Tag(n, _) if n == name)) {
            let Open::Tag(n, open) = stack.swap_remove(pos) else {
                return;
            };
            stack.truncate(pos);
            out.push(component(n, open, span));
        }
    } else if text[..end].ends_with("/>") {
        let names = if name == "dynamic-component" {
            Vec::new()
        } else {
            vec![name.to_string()]
        };
        out.push(directive(
            span,
            DirectiveKind::Include {
                via: Via::Component,
                names,
                optional: false,
            },
        ));
    } else {
        stack.push(Open::Tag(name.to_string(), span));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(t: &str) -> Vec<Directive> {
        let mut out = Vec::new();
        scan(t, &mut out);
        out.sort_by_key(|d| d.span.start);
        out
    }

    #[test]
    fn includes_extends_and_emails_are_not_directives() {
        let t = "@extends('layouts.mail') mail me at a@b.com @include('emails.partials.footer', ['x' => 1]) \
                 @includeWhen($vip, 'emails.vip') @includeFirst(['a.b', 'c']) @@include('no') {{-- @include('gone') --}}";
        let d = run(t);
        assert_eq!(&t[d[0].span.range()], "@extends('layouts.mail')");
        assert!(matches!(&d[0].kind, DirectiveKind::Layout { fill: Fill::Blocks, .. }));
        assert_eq!(d[1].names(), ["emails.partials.footer"]);
        assert_eq!(&t[d[1].span.range()], "@include('emails.partials.footer', ['x' => 1])");
        assert_eq!(d[2].names(), ["emails.vip"]);
        assert_eq!(d[3].names(), ["a.b", "c"]);
        assert_eq!(d.len(), 4);
    }

    #[test]
    fn sections_yields_components_and_slots() {
        let t = "@section('title', 'Hi')@section('content')<p>C</p>@endsection\n@yield('content')@yield('t', 'Dflt')\
                 @component('mail::message')M{{ $slot }}@endcomponent<x-mail::message>B<x-slot:footer>F</x-slot></x-mail::message><x-footer :a=\"1>0\" />{!! $slot !!}";
        let d = run(t);
        let block = |d: &Directive| match &d.kind {
            DirectiveKind::Block { name, body, in_place } => (name.clone(), t[body.range()].to_string(), *in_place),
            k => panic!("{k:?}"),
        };
        assert_eq!(block(&d[0]), ("title".into(), "Hi".into(), false));
        assert_eq!(block(&d[1]), ("content".into(), "<p>C</p>".into(), false));
        assert_eq!(block(&d[2]), ("content".into(), "".into(), true));
        assert_eq!(block(&d[3]), ("t".into(), "Dflt".into(), true));
        assert!(matches!(&d[4].kind, DirectiveKind::Wrap { name, .. } if name == "mail::message"));
        assert_eq!(d[5].kind, DirectiveKind::Slot);
        let DirectiveKind::Wrap { name, body, .. } = &d[6].kind else {
            panic!("{:?}", d[6])
        };
        assert_eq!(
            (name.as_str(), &t[body.range()]),
            ("mail::message", "B<x-slot:footer>F</x-slot>")
        );
        assert_eq!(d[7].names(), ["footer"]);
        assert_eq!(d[8].kind, DirectiveKind::Slot);
        assert_eq!(d.len(), 9);
    }
}
