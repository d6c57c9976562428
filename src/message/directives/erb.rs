//! ERB in Rails: `<%= render 'shared/footer' %>`, `render partial: "x"`, `render "x"`, and the
//! layout slot `<%= yield %>`. The mailer layout convention is applied by the resolver, since it
//! depends on where the file is, not on what it says.

use super::lex::{self, Closer};
use super::{Directive, DirectiveKind, Language, Via};
use crate::source::Span;

pub fn scan(text: &str, out: &mut Vec<Directive>) {
    let bytes = text.as_bytes();
    let mut close = Closer::new("%>");
    let mut i = 0;
    while let Some(off) = memchr::memmem::find(&bytes[i..], b"<%") {
        let at = i + off;
        if bytes.get(at + 2) == Some(&b'%') {
            i = at + 3;
            continue;
        }
        let Some(end) = close.find(text, at + 2) else { break };
        let span = Span::new(at, end + 2);
        i = span.end;
        let inner = &text[at + 2..end];
        if inner.starts_with('#') {
            continue;
        }
        let code = inner.trim_start_matches(['=', '-']).trim_end_matches('-').trim();
        let push = |out: &mut Vec<Directive>, kind| {
            out.push(Directive {
                span,
                language: Language::Erb,
                kind,
            })
        };
        if code == "yield" {
            push(out, DirectiveKind::Slot);
        } else if let Some(call) = code.strip_prefix("render") {
            if call.starts_with(|c: char| c.is_alphanumeric() || c == '_') {
                continue;
            }
            let names = render_target(call).into_iter().collect();
            push(
                out,
                DirectiveKind::Include {
                    via: Via::Partial,
                    names,
                    optional: false,
                },
            );
        }
    }
}

/// The partial a `render` call names: `'x'`, `("x")`, `partial: 'x'`, `:partial => 'x'`,
/// `template: 'x'`. A collection or object (`render @items`) names none.
fn render_target(call: &str) -> Option<String> {
    let call = call.trim_start().trim_start_matches('(').trim_start();
    if let Some((lit, _)) = lex::string_literal(call) {
        return Some(lit.to_string());
    }
    for key in ["partial:", ":partial =>", ":partial=>", "template:"] {
        if let Some(rest) = call.strip_prefix(key) {
            return lex::string_literal(rest).map(|(l, _)| l.to_string());
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn render_spellings_and_yield() {
        let t = "<%= render 'shared/footer' %><%= render(partial: \"x\", locals: {a: 1}) %>\
                 <%- render :partial => 'y' -%><%= render @items %><%# render 'c' %><%%= render 'e' %><%= yield %><%= rendered %>";
        let mut d = Vec::new();
        scan(t, &mut d);
        assert_eq!(d[0].names(), ["shared/footer"]);
        assert_eq!(&t[d[0].span.range()], "<%= render 'shared/footer' %>");
        assert_eq!(d[1].names(), ["x"]);
        assert_eq!(d[2].names(), ["y"]);
        assert!(d[3].names().is_empty());
        assert_eq!(d[4].kind, DirectiveKind::Slot);
        assert_eq!(d.len(), 5, "{d:?}");
    }
}
