//! MJML `<mj-include path="..." />`, of type mjml (the default), html or css. HTML comments
//! hide includes, as in MJML's own parser.

use super::lex::{self, Closer};
use super::{Directive, DirectiveKind, Language, Via};
use crate::source::Span;

pub fn scan(text: &str, out: &mut Vec<Directive>) {
    let bytes = text.as_bytes();
    let mut comment_end = Closer::new("-->");
    let mut i = 0;
    while let Some(off) = memchr::memchr(b'<', &bytes[i..]) {
        let at = i + off;
        let rest = &text[at..];
        if rest.starts_with("<!--") {
            match comment_end.find(text, at + 4) {
                Some(c) => i = c + 3,
                None => break,
            }
            continue;
        }
        i = at + 1;
        if !rest.starts_with("<mj-include")
            || !rest[11..].starts_with(|c: char| c.is_whitespace() || c == '/' || c == '>')
        {
            continue;
        }
        let Some(end) = lex::tag_end(text, at) else { continue };
        let tag = &text[at..end];
        let mut span_end = end;
        // `<mj-include ...></mj-include>` is the same include as the self-closing form.
        if !tag.ends_with("/>") {
            let after = &text[end..];
            let trimmed = after.trim_start();
            if trimmed.starts_with("</mj-include>") {
                span_end = end + (after.len() - trimmed.len()) + "</mj-include>".len();
            }
        }
        i = span_end;
        let Some(path) = lex::attribute(tag, "path") else {
            continue;
        };
        let via = match lex::attribute(tag, "type") {
            Some("html") => Via::RawHtml,
            Some("css") => Via::Style,
            _ => Via::Mjml,
        };
        out.push(Directive {
            span: Span::new(at, span_end),
            language: Language::Mjml,
            kind: DirectiveKind::Include {
                via,
                names: vec![path.to_string()],
                optional: false,
            },
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn includes_of_each_type_and_commented_ones() {
        let t = r#"<mj-include path="./partials/footer" /><mj-include path="h.html" type="html"></mj-include><mj-include type="css" path="s.css"/><!-- <mj-include path="no"/> --><mj-includes path="x"/>"#;
        let mut d = Vec::new();
        scan(t, &mut d);
        assert_eq!(d.len(), 3);
        assert_eq!(d[0].names(), ["./partials/footer"]);
        assert_eq!(d[0].via(), Some(Via::Mjml));
        assert_eq!(
            &t[d[1].span.range()],
            r#"<mj-include path="h.html" type="html"></mj-include>"#
        );
        assert_eq!(d[1].via(), Some(Via::RawHtml));
        assert_eq!(d[2].via(), Some(Via::Style));
    }
}
