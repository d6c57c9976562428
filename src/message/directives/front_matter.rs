//! Front matter `layout: name` at the top of a file (Jekyll, Eleventy, Maizzle). The directive
//! spans the whole front matter block, which is metadata and never part of the message.

use super::{Directive, DirectiveKind, Fill, Language};
use crate::source::Span;

/// Front matter longer than this is not front matter but a document that starts with `---`.
const MAX_FRONT_MATTER: usize = 64 * 1024;

/// Adds the `layout:` directive, if any; returns the span of the front matter block when the
/// text opens with a terminated one (what makes Jekyll render a file rather than copy it).
pub fn scan(text: &str, out: &mut Vec<Directive>) -> Option<Span> {
    let start = if text.starts_with('\u{feff}') { 3 } else { 0 };
    let body = &text[start..];
    let first = body.strip_prefix("---")?;
    if !(first.starts_with('\n') || first.starts_with("\r\n")) {
        return None;
    }
    let mut layout: Option<Option<String>> = None;
    let mut offset = start + 3 + (first.len() - first.trim_start_matches(['\r', '\n']).len()).min(2);
    for line in text[offset..].split_inclusive('\n') {
        if offset - start > MAX_FRONT_MATTER {
            return None;
        }
        let content = line.trim_end();
        if content == "---" || content == "..." {
            let end = offset + line.len();
            if let Some(name) = layout {
                out.push(Directive {
                    span: Span::new(0, end),
                    // Plain: a front-matter layout resolves by its own rules, whatever the file's language.
                    language: Language::Plain,
                    kind: DirectiveKind::Layout { name, fill: Fill::Slot },
                });
            }
            return Some(Span::new(0, end));
        }
        if let Some(value) = content.strip_prefix("layout:") {
            let v = value.trim().trim_matches(['"', '\'']);
            let none = v.is_empty() || matches!(v, "null" | "none" | "false" | "~");
            layout = Some((!none).then(|| v.to_string()));
        }
        offset += line.len();
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(t: &str) -> Vec<Directive> {
        let mut out = Vec::new();
        scan(t, &mut out);
        out
    }

    #[test]
    fn front_matter_is_told_apart_from_text() {
        let mut out = Vec::new();
        assert_eq!(scan("---\ntitle: x\n---\nbody", &mut out), Some(Span::new(0, 17)));
        assert_eq!(scan("---\ntitle: x\n", &mut out), None);
        assert_eq!(scan("<p>---</p>", &mut out), None);
        assert!(out.is_empty());
    }

    #[test]
    fn layout_key_spans_the_block() {
        let t = "---\ntitle: Hi\nlayout: \"default\"\n---\n<p>x</p>";
        let d = run(t);
        assert_eq!(d[0].span, Span::new(0, 36));
        assert_eq!(d[0].names(), ["default"]);
        assert!(matches!(
            run("---\nlayout: null\n---\n")[0].kind,
            DirectiveKind::Layout { name: None, .. }
        ));
        assert!(run("---\ntitle: x\n---\n").is_empty());
        assert!(run("---\nlayout: x\n").is_empty(), "unterminated front matter is text");
        assert!(run("x\n---\nlayout: x\n---\n").is_empty());
    }
}
