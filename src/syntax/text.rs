//! The plain-text part of an email as facts: every line is text the recipient reads, every bare
//! URL (`https://…`, `mailto:…`, or a URL-valued merge tag such as `{{ unsubscribe_url }}`
//! written on its own) is a link whose text is the words before it ("Unsubscribe: https://…",
//! or a line "To stop receiving these emails, visit:" above it), and merge tags sit in `url` or
//! `text` context. Template comment tags are the only comments: their words are blanked out of
//! the lines, so nothing in them counts as text.

use crate::document::{Attribute, Document, Element, Emits, Link, MergeTag, TagContext, TagKind, TextRun};
use crate::source::Span;

/// The element name of a bare URL in plain text (there is no markup element to name).
pub const LINK_ELEMENT: &str = "url";

const SCHEMES: &[&str] = &["https://", "http://", "mailto:"];

/// Parse `text` into `doc`; `tags` are the merge tags scanned from it, in order.
pub fn parse(text: &str, mut tags: Vec<MergeTag>, doc: &mut Document) {
    tags.sort_by_key(|t| t.span.start);
    let urls = find_urls(text, &tags);
    for tag in &mut tags {
        tag.visible = true;
        tag.context = if tag.kind == TagKind::Comment {
            TagContext::Comment
        } else if urls.iter().any(|u| u.contains(tag.span)) {
            TagContext::Url
        } else {
            TagContext::Text
        };
    }
    let comments: Vec<Span> = tags
        .iter()
        .filter(|t| t.kind == TagKind::Comment)
        .map(|t| t.span)
        .collect();
    for (i, &url) in urls.iter().enumerate() {
        let href = text[url.range()].to_string();
        let label = link_text(text, &urls, i, &comments);
        doc.elements.push(Element {
            name: LINK_ELEMENT.to_string(),
            span: url,
            attrs: vec![Attribute {
                name: "href".into(),
                value: href.clone(),
                name_span: Span::empty(url.start),
                value_span: Some(url),
            }],
            visible: true,
            parent: None,
        });
        doc.links.push(Link {
            element: LINK_ELEMENT.to_string(),
            attr: "href".into(),
            href,
            href_span: url,
            span: url,
            text: label,
            visible: true,
            purpose: None,
            element_index: i,
        });
    }
    doc.text = lines(text, &comments);
    doc.merge_tags = tags;
    doc.anchor = Span::empty(text.trim_end().len());
}

/// Whether a tag prints a URL: the registry says so, or (for plain variables) its name does
/// (`reset_url`, `confirmation_link`, `order.href`).
fn url_valued(tag: &MergeTag) -> bool {
    match tag.emits {
        Some(e) => e == Emits::Url && tag.kind != TagKind::Comment,
        None => {
            let last = tag.name.rsplit(['.', ':']).next().unwrap_or(&tag.name);
            tag.kind == TagKind::Output && ["url", "uri", "href", "link"].iter().any(|s| last.ends_with(s))
        }
    }
}

fn starts_with_scheme(s: &str) -> Option<usize> {
    SCHEMES
        .iter()
        .find(|p| s.len() > p.len() && s.as_bytes()[..p.len()].eq_ignore_ascii_case(p.as_bytes()))
        .map(|p| p.len())
}

/// The tag starting exactly at `at`, if any (`tags` sorted by start).
fn tag_at(tags: &[MergeTag], at: usize) -> Option<&MergeTag> {
    let i = tags.partition_point(|t| t.span.start < at);
    tags.get(i).filter(|t| t.span.start == at)
}

/// Whitespace-separated words, merge tags kept whole (`{{ x | default: "a b" }}` is one piece of
/// a word) and comment tags treated as space.
fn words(text: &str, tags: &[MergeTag]) -> Vec<Span> {
    let mut out = Vec::new();
    let mut start: Option<usize> = None;
    let mut i = 0;
    while i < text.len() {
        if let Some(tag) = tag_at(tags, i) {
            if tag.kind == TagKind::Comment {
                if let Some(s) = start.take() {
                    out.push(Span::new(s, i));
                }
            } else {
                start.get_or_insert(i);
            }
            i = tag.span.end.max(i + 1);
            continue;
        }
        let Some(c) = text[i..].chars().next() else { break };
        if c.is_whitespace() {
            if let Some(s) = start.take() {
                out.push(Span::new(s, i));
            }
        } else {
            start.get_or_insert(i);
        }
        i += c.len_utf8();
    }
    if let Some(s) = start {
        out.push(Span::new(s, text.len()));
    }
    out
}

/// Bare URLs with exact spans, in order.
fn find_urls(text: &str, tags: &[MergeTag]) -> Vec<Span> {
    words(text, tags)
        .into_iter()
        .filter_map(|w| url_in_word(text, tags, w))
        .collect()
}

fn url_in_word(text: &str, tags: &[MergeTag], word: Span) -> Option<Span> {
    let mut at = word.start;
    let mut found = None;
    while at < word.end {
        let prev = text[..at].chars().next_back();
        let fresh = at == word.start || prev.is_some_and(|c| !c.is_alphanumeric());
        if let Some(tag) = tag_at(tags, at) {
            let opener = at == word.start || prev.is_some_and(|c| "<([{\"'=:".contains(c));
            if opener && url_valued(tag) {
                found = Some((at, tag.span.end));
                break;
            }
            at = tag.span.end.max(at + 1);
            continue;
        }
        if fresh && let Some(len) = starts_with_scheme(&text[at..word.end]) {
            found = Some((at, at + len + 1));
            break;
        }
        at += text[at..].chars().next().map_or(1, char::len_utf8);
    }
    let (start, min_end) = found?;
    let mut end = word.end;
    // Sentence punctuation and wrapping brackets after a URL are not part of it; a merge tag's
    // own closing characters are.
    while end > min_end {
        if tags.iter().any(|t| t.span.end == end && t.span.start >= start) {
            break;
        }
        let Some(c) = text[..end].chars().next_back() else {
            break;
        };
        let strip = match c {
            '.' | ',' | ';' | ':' | '!' | '?' | '\'' | '"' | '>' | '*' => true,
            ')' | ']' | '}' => {
                let open = match c {
                    ')' => '(',
                    ']' => '[',
                    _ => '{',
                };
                let body = &text[start..end];
                body.matches(open).count() < body.matches(c).count()
            }
            _ => false,
        };
        if !strip {
            break;
        }
        end -= c.len_utf8();
    }
    Some(Span::new(start, end))
}

fn line_start(text: &str, at: usize) -> usize {
    text[..at].rfind('\n').map_or(0, |i| i + 1)
}

fn line_end(text: &str, at: usize) -> usize {
    text[at..].find('\n').map_or(text.len(), |i| at + i)
}

/// `text[from..to]` with comment tags blanked, trimmed of the punctuation that joins a label to
/// its URL (`Unsubscribe: `, `[Unsubscribe](`, `| Preferences –`).
fn label(text: &str, from: usize, to: usize, comments: &[Span]) -> String {
    let raw = blank(text, Span::new(from, to), comments);
    raw.trim_start_matches(|c: char| c.is_whitespace() || "|)]>-–—•·".contains(c))
        .trim_end_matches(|c: char| c.is_whitespace() || ":-–—>([<=,".contains(c))
        .to_string()
}

fn has_words(s: &str) -> bool {
    s.chars().any(char::is_alphanumeric)
}

/// The words before URL `i` on its line (after any earlier URL there), else the line above it
/// (after any URL on that line), else the words after it on its line.
fn link_text(text: &str, urls: &[Span], i: usize, comments: &[Span]) -> String {
    let url = urls[i];
    let ls = line_start(text, url.start);
    let from = urls[..i].iter().rev().map(|u| u.end).find(|&e| e >= ls).unwrap_or(ls);
    let before = label(text, from, url.start, comments);
    if has_words(&before) {
        return before;
    }
    if ls > 0 {
        let prev_end = ls - 1;
        let prev_start = line_start(text, prev_end);
        let from = urls
            .iter()
            .map(|u| u.end)
            .filter(|&e| e >= prev_start && e <= prev_end)
            .max()
            .unwrap_or(prev_start);
        let above = label(text, from, prev_end, comments);
        if has_words(&above) {
            return above;
        }
    }
    let le = line_end(text, url.end);
    let to = urls.get(i + 1).map(|u| u.start).filter(|&s| s < le).unwrap_or(le);
    label(text, url.end, to, comments)
}

/// `text[span]` with the bytes of comment tags replaced by spaces: same length, so offsets into
/// it are offsets into the source.
fn blank(text: &str, span: Span, comments: &[Span]) -> String {
    let mut out = text[span.range()].to_string();
    for c in comments.iter().filter(|c| c.start < span.end && c.end > span.start) {
        let from = c.start.max(span.start) - span.start;
        let to = c.end.min(span.end) - span.start;
        // Tags start and end on char boundaries; a line cut through one does too (at `\n`).
        if out.is_char_boundary(from) && out.is_char_boundary(to) {
            out.replace_range(from..to, &" ".repeat(to - from));
        }
    }
    out
}

/// One visible run per non-blank line, trimmed, with comment tags blanked.
fn lines(text: &str, comments: &[Span]) -> Vec<TextRun> {
    let mut out = Vec::new();
    let mut start = 0;
    for line in text.split_inclusive('\n') {
        let content = line.trim_end_matches(['\n', '\r']);
        let lead = content.len() - content.trim_start().len();
        let span = Span::new(start + lead, start + content.trim_end().len());
        start += line.len();
        if span.is_empty() {
            continue;
        }
        let run = blank(text, span, comments);
        if run.trim().is_empty() {
            continue;
        }
        out.push(TextRun {
            text: run,
            span,
            visible: true,
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::{FileKind, Role, SourceFormat};
    use crate::knowledge::Knowledge;
    use crate::syntax::merge_tags;

    fn doc(src: &str) -> Document {
        let k = Knowledge::builtin().expect("knowledge");
        let mut d = Document::new(FileKind::Text, SourceFormat::Text, src.len());
        parse(src, merge_tags::scan(src, &k), &mut d);
        assert_eq!(d.bad_span(src), None);
        d
    }

    fn links(src: &str) -> Vec<(String, String)> {
        let d = doc(src);
        for l in &d.links {
            assert_eq!(&src[l.href_span.range()], l.href);
            assert_eq!(l.span, l.href_span);
            assert_eq!(d.elements[l.element_index].span, l.span);
        }
        d.links.into_iter().map(|l| (l.href, l.text)).collect()
    }

    fn pair(href: &str, text: &str) -> (String, String) {
        (href.to_string(), text.to_string())
    }

    #[test]
    fn bare_urls_take_the_words_before_them() {
        let src = "Hi {{ first_name }},\n\nYour order shipped: https://shop.example/o/1?x=2.\n\nUnsubscribe: https://shop.example/u/9f2c\n";
        assert_eq!(
            links(src),
            vec![
                pair("https://shop.example/o/1?x=2", "Your order shipped"),
                pair("https://shop.example/u/9f2c", "Unsubscribe"),
            ]
        );
    }

    #[test]
    fn a_url_on_its_own_line_takes_the_line_above() {
        let src = "To stop receiving these emails, visit:\n   https://acme.example/unsub?t=1\r\n";
        assert_eq!(
            links(src),
            vec![pair(
                "https://acme.example/unsub?t=1",
                "To stop receiving these emails, visit"
            )]
        );
        // A blank line between them cuts the label off.
        let src = "Unsubscribe here\n\nhttps://acme.example/x (see above)\n";
        assert_eq!(links(src), vec![pair("https://acme.example/x", "(see above)")]);
    }

    #[test]
    fn two_urls_on_a_line_each_take_their_own_words() {
        let src = "Unsubscribe: *|UNSUB|* | Preferences: *|UPDATE_PROFILE|*";
        assert_eq!(
            links(src),
            vec![
                pair("*|UNSUB|*", "Unsubscribe"),
                pair("*|UPDATE_PROFILE|*", "Preferences")
            ]
        );
    }

    #[test]
    fn url_valued_tags_written_bare_are_links() {
        let src = "Unsubscribe: {{ unsubscribe_url }}\nOpt out <%asm_group_unsubscribe_raw_url%>\n{{ base_url }}/account (your account)\nReset: {{reset_url}}.";
        assert_eq!(
            links(src),
            vec![
                pair("{{ unsubscribe_url }}", "Unsubscribe"),
                pair("<%asm_group_unsubscribe_raw_url%>", "Opt out"),
                // The line above ends in a URL: the words after this one label it.
                pair("{{ base_url }}/account", "(your account)"),
                pair("{{reset_url}}", "Reset"),
            ]
        );
        // A tag that is not a URL is not a link; neither is one glued into a word.
        assert!(links("Hello {{ first_name }}, code{{ reset_url }}").is_empty());
    }

    #[test]
    fn punctuation_and_brackets_around_urls() {
        let src = "See <https://a.example/x>, (https://b.example/y) and [Unsubscribe](https://c.example/wiki_(z)). Mail mailto:stop@d.example!";
        let hrefs: Vec<String> = links(src).into_iter().map(|(h, _)| h).collect();
        assert_eq!(
            hrefs,
            vec![
                "https://a.example/x",
                "https://b.example/y",
                "https://c.example/wiki_(z)",
                "mailto:stop@d.example"
            ]
        );
        assert_eq!(links("[Unsubscribe](https://c.example/u)")[0].1, "[Unsubscribe]");
        // A scheme alone or inside a word is no link.
        assert!(links("https:// and xhttps://a.example").is_empty());
    }

    #[test]
    fn tags_in_urls_have_url_context() {
        let src = "Track: https://t.example/c?e={{ email }}&n={{ first_name | default: \"a b\" }} Hi {{ first_name }}";
        let d = doc(src);
        assert_eq!(d.links.len(), 1);
        assert!(d.links[0].href.ends_with("\"a b\" }}"));
        let ctx: Vec<_> = d.merge_tags.iter().map(|t| (t.name.as_str(), t.context)).collect();
        assert_eq!(
            ctx,
            vec![
                ("email", TagContext::Url),
                ("first_name", TagContext::Url),
                ("first_name", TagContext::Text)
            ]
        );
        let d = doc("Unsubscribe: {{ unsubscribe_url }}");
        assert_eq!(d.merge_tags[0].context, TagContext::Url);
        assert_eq!(d.merge_tags[0].role, Some(Role::Unsubscribe));
        // A tag that renders a whole link sits in the text.
        let d = doc("{% unsubscribe %}");
        assert!(d.links.is_empty());
        assert_eq!(d.merge_tags[0].context, TagContext::Text);
    }

    #[test]
    fn lines_are_runs_with_exact_spans() {
        let src = "  Acme Inc.\r\n\n2261 Market Street #4109 {{!-- old: 1 Main St --}}\nSan Francisco, CA 94114";
        let d = doc(src);
        let runs: Vec<(String, &str)> = d.text.iter().map(|r| (r.text.clone(), &src[r.span.range()])).collect();
        assert_eq!(
            runs,
            vec![
                ("Acme Inc.".to_string(), "Acme Inc."),
                (
                    format!("2261 Market Street #4109 {}", " ".repeat(25)),
                    "2261 Market Street #4109 {{!-- old: 1 Main St --}}"
                ),
                ("San Francisco, CA 94114".to_string(), "San Francisco, CA 94114"),
            ]
        );
        assert!(d.text.iter().all(|r| r.visible && r.text.len() == r.span.len()));
        assert_eq!(d.anchor, Span::empty(src.len()));
        assert_eq!(d.merge_tags[0].context, TagContext::Comment);
    }

    #[test]
    fn commented_out_urls_and_lines_are_nothing() {
        let src =
            "Sale!\n{# Unsubscribe: https://a.example/u #}\n{% comment %}\nhttps://b.example/u\n{% endcomment %}\n";
        let d = doc(src);
        assert!(d.links.is_empty());
        let runs: Vec<&str> = d.text.iter().map(|r| r.text.as_str()).collect();
        assert_eq!(runs, vec!["Sale!"]);
        assert_eq!(d.anchor, Span::empty(src.trim_end().len()));
    }

    #[test]
    fn hostile_input_keeps_spans_valid() {
        for src in [
            "",
            "\n\n",
            "https://",
            "{{",
            "{{ unsubscribe_url",
            "é https://é.example/é… «https://x.example/»",
            "{{!-- https://a\nb --}}https://c.example",
            "*|UNSUB|**|UNSUB|*",
            "((((https://a.example))))",
            "\u{a0}https://a.example\u{a0}",
        ] {
            doc(src);
        }
    }
}
