//! One streaming lol_html pass over masked HTML or MJML that records elements, links, visible
//! text and comments with byte spans into the original source, and places every merge tag in
//! its markup context.

use crate::document::{Attribute, Comment, Document, Element, Link, MergeTag, Problem, TagContext, TextRun};
use crate::source::Span;
use lol_html::html_content::{Element as LolElement, TextType};
use lol_html::{EndTagHandler, HtmlRewriter, MemorySettings, Settings, doc_comments, doc_text, element};
use std::cell::RefCell;
use std::collections::HashSet;
use std::rc::Rc;

/// Attributes that hold a URL the recipient's client will fetch or follow.
const URL_ATTRS: &[&str] = &["href", "src", "action", "background", "poster"];
/// Containers whose content a recipient never reads as body text.
const NON_VISIBLE_CONTAINERS: &[&str] = &[
    "head",
    "title",
    "style",
    "script",
    "template",
    "mj-head",
    "mj-style",
    "mj-attributes",
    "mj-preview",
    "mj-title",
    "mj-font",
    "mj-breakpoint",
];

#[derive(Default)]
struct State {
    elements: Vec<Element>,
    /// Open elements: (index, hides text through font-size:0).
    stack: Vec<(usize, bool)>,
    links: Vec<Link>,
    open_links: Vec<usize>,
    link_has_image: HashSet<usize>,
    /// Links with at least one readable (not font-size:0) text chunk.
    link_text_visible: HashSet<usize>,
    /// Every text chunk, whitespace included (masked tags become whitespace chunks).
    chunks: Vec<(Span, bool, bool)>, // span, visible, in style/script
    comments: Vec<Comment>,
    url_values: Vec<Span>,
    style_values: Vec<Span>,
    other_values: Vec<Span>,
    start_tags: Vec<Span>,
    hidden_classes: HashSet<String>,
    body_end: Option<Span>,
}

/// The declared style of an element, reduced to what decides visibility.
struct StyleFacts {
    hidden: bool,
    font_zero: Option<bool>,
}

/// `str::trim`, at ASCII speed for the ASCII-edged text inline CSS almost always is.
fn css_trim(s: &str) -> &str {
    let t = s.trim_ascii();
    match (t.as_bytes().first(), t.as_bytes().last()) {
        (Some(&a), Some(&b)) if a >= 0x80 || b >= 0x80 => t.trim(),
        _ => t,
    }
}

/// The properties that decide visibility, by their (ASCII) lengths: most declarations of an
/// inline style are none of them and are skipped after one comparison.
fn is_visibility_property_length(len: usize) -> bool {
    matches!(len, 7..=10)
}

fn style_facts(style: &str) -> StyleFacts {
    let mut hidden = false;
    let mut font_zero = None;
    let mut max_height_zero = false;
    let mut overflow_hidden = false;
    // Every inline style of every element passes through here (a tenth of a template's lint
    // once), so declarations are cut with plain byte loops, not `split` searchers, and
    // compared in place instead of lower-cased copies.
    let bytes = style.as_bytes();
    let mut start = 0;
    while start <= bytes.len() {
        let end = bytes[start..]
            .iter()
            .position(|&b| b == b';')
            .map_or(bytes.len(), |i| start + i);
        let decl = &style[start..end];
        start = end + 1;
        let Some(colon) = decl.bytes().position(|b| b == b':') else {
            continue;
        };
        let prop = css_trim(&decl[..colon]);
        if !is_visibility_property_length(prop.len()) {
            continue;
        }
        let value = &decl[colon + 1..];
        let is = |name: &str| prop.eq_ignore_ascii_case(name);
        if !(is("display")
            || is("visibility")
            || is("opacity")
            || is("max-height")
            || is("overflow")
            || is("font-size"))
        {
            continue;
        }
        // `!important` is stripped case-sensitively, before lower-casing, as it always was.
        let value = css_trim(css_trim(value).trim_end_matches("!important"));
        let starts = |p: &str| value.len() >= p.len() && value.as_bytes()[..p.len()].eq_ignore_ascii_case(p.as_bytes());
        let zero = value == "0" || starts("0px") || starts("0pt") || starts("0em") || value == "0%";
        let val = |v: &str| value.eq_ignore_ascii_case(v);
        if is("display") {
            hidden |= val("none");
        } else if is("visibility") {
            hidden |= val("hidden");
        } else if is("opacity") {
            hidden |= zero || val("0.0");
        } else if is("max-height") {
            max_height_zero |= zero;
        } else if is("overflow") {
            overflow_hidden |= val("hidden");
        } else {
            font_zero = Some(zero);
        }
    }
    StyleFacts {
        hidden: hidden || (max_height_zero && overflow_hidden),
        font_zero,
    }
}

/// Classes a `<style>` block hides (`.preheader { display: none }`), outside `@media` blocks.
fn collect_hidden_classes(css: &str, out: &mut HashSet<String>) {
    let mut depth = 0usize;
    let mut selector_start = 0usize;
    let mut in_media = Vec::new();
    let bytes = css.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'{' => {
                let selector = css[selector_start..i].trim();
                let Some(close) = css[i + 1..].find(['}', '{']) else {
                    break;
                };
                let is_block = selector.starts_with('@');
                if is_block || css.as_bytes()[i + 1 + close] == b'{' {
                    in_media.push(depth);
                    depth += 1;
                    selector_start = i + 1;
                    i += 1;
                    continue;
                }
                let body = &css[i + 1..i + 1 + close];
                if in_media.is_empty() && style_facts(body).hidden {
                    for sel in selector.split(',') {
                        let sel = sel.trim();
                        if let Some(class) = sel.strip_prefix('.').or_else(|| sel.split_once('.').map(|(_, c)| c))
                            && !class.is_empty()
                            && class.chars().all(|c| c.is_alphanumeric() || c == '-' || c == '_')
                        {
                            out.insert(class.to_string());
                        }
                    }
                }
                i += close + 2;
                selector_start = i;
                continue;
            }
            b'}' => {
                depth = depth.saturating_sub(1);
                if in_media.last() == Some(&depth) {
                    in_media.pop();
                }
                selector_start = i + 1;
            }
            _ => {}
        }
        i += 1;
    }
}

/// Elements whose href the recipient clicks: HTML anchors, MJML components, and Foundation
/// Inky's `<button href>` / `<item href>`, which compile to anchors.
pub const LINK_ELEMENTS: &[&str] = &[
    "a",
    "area",
    "mj-button",
    "mj-image",
    "mj-navbar-link",
    "mj-social-element",
    "button",
    "item",
    "menu-item",
];

fn is_link_element(name: &str, attr: &str) -> bool {
    attr == "href" && LINK_ELEMENTS.contains(&name)
}

fn on_element(state: &Rc<RefCell<State>>, el: &mut LolElement, original: &str, masked: &str) {
    // lol_html already lower-cases tag and attribute names.
    let name = el.tag_name();
    let span: Span = el.source_location().bytes().into();
    let mut st = state.borrow_mut();
    let st = &mut *st;
    let parent = st.stack.last().map(|&(i, _)| i);
    let parent_visible = parent.is_none_or(|p| st.elements[p].visible);
    let parent_font_zero = st.stack.last().is_some_and(|&(_, z)| z);

    let mut attrs = Vec::with_capacity(el.attributes().len());
    let mut self_hidden = NON_VISIBLE_CONTAINERS.contains(&name.as_str());
    let mut font_zero = parent_font_zero;
    for a in el.attributes() {
        let attr_name = a.name();
        let name_span: Span = a.name_source_location().map(|l| l.bytes().into()).unwrap_or(span);
        let value_span: Option<Span> = a.value_source_location().map(|l| l.bytes().into());
        // The masked value is the input lol_html read at that span: borrow it, don't copy it.
        let masked_value = || -> std::borrow::Cow<'_, str> {
            match value_span.and_then(|s| masked.get(s.range())) {
                Some(v) => v.into(),
                None => a.value().into(),
            }
        };
        let value = value_span
            .and_then(|s| original.get(s.range()))
            .unwrap_or_default()
            .to_string();
        if let Some(vs) = value_span {
            if URL_ATTRS.contains(&attr_name.as_str()) {
                st.url_values.push(vs);
            } else if attr_name == "style" {
                st.style_values.push(vs);
            } else {
                st.other_values.push(vs);
            }
        }
        match attr_name.as_str() {
            "hidden" => self_hidden = true,
            "aria-hidden" if masked_value().eq_ignore_ascii_case("true") => self_hidden = true,
            "style" => {
                // The masked value: merge tags inside a style are blanks here, not CSS.
                let facts = style_facts(&masked_value());
                self_hidden |= facts.hidden;
                if let Some(z) = facts.font_zero {
                    font_zero = z;
                }
            }
            "class"
                if !st.hidden_classes.is_empty()
                    && masked_value().split_whitespace().any(|c| st.hidden_classes.contains(c)) =>
            {
                self_hidden = true;
            }
            _ => {}
        }
        attrs.push(Attribute {
            name: attr_name,
            value,
            name_span,
            value_span,
        });
    }
    st.start_tags.push(span);
    let index = st.elements.len();
    let links_before = st.links.len();
    let visible = parent_visible && !self_hidden;

    for a in &attrs {
        let Some(value_span) = a.value_span else { continue };
        if !URL_ATTRS.contains(&a.name.as_str()) {
            continue;
        }
        let text = if name == "img" || name == "mj-image" && a.name == "src" {
            attrs
                .iter()
                .find(|x| x.name == "alt")
                .map(|x| x.value.clone())
                .unwrap_or_default()
        } else {
            String::new()
        };
        let link_index = st.links.len();
        if is_link_element(&name, &a.name) {
            st.open_links.push(link_index);
        }
        st.links.push(Link {
            element: name.clone(),
            attr: a.name.clone(),
            href: a.value.clone(),
            href_span: value_span,
            span,
            text,
            visible,
            purpose: None,
            element_index: index,
        });
    }
    if name == "img" || name == "mj-image" {
        let alt = attrs.iter().find(|x| x.name == "alt").map(|x| x.value.clone());
        for &l in &st.open_links {
            st.link_has_image.insert(l);
            if let Some(alt) = &alt {
                let t = &mut st.links[l].text;
                if !t.is_empty() {
                    t.push(' ');
                }
                t.push_str(alt);
            }
        }
    }
    st.elements.push(Element {
        name: name.clone(),
        span,
        attrs,
        visible,
        parent,
    });

    if !el.can_have_content() {
        return;
    }
    st.stack.push((index, font_zero));
    // Only links this element opened can close with it; searching all links made every
    // element cost O(links so far).
    let links_open_here = st.links[links_before..]
        .iter()
        .rposition(|l| l.element_index == index && is_link_element(&name, &l.attr))
        .map(|i| links_before + i);
    let state = Rc::clone(state);
    let is_body = name == "body" || name == "mj-body";
    if let Some(handlers) = el.end_tag_handlers() {
        let handler: EndTagHandler<'static> = Box::new(move |end| {
            let mut st = state.borrow_mut();
            // lol_html closes elements innermost first, so the top of our stack is this one.
            if let Some(pos) = st.stack.iter().rposition(|&(i, _)| i == index) {
                st.stack.truncate(pos);
            }
            if let Some(l) = links_open_here {
                st.open_links.retain(|&x| x != l);
            }
            if is_body {
                st.body_end = Some(end.source_location().bytes().into());
            }
            Ok(())
        });
        handlers.push(handler);
    }
}

/// Parse masked markup into `doc`; `original` is the unmasked text the spans point into.
pub fn parse(original: &str, masked: &str, tags: Vec<MergeTag>, doc: &mut Document) {
    let state = Rc::new(RefCell::new(State::default()));
    let (s_el, s_text, s_comment) = (Rc::clone(&state), Rc::clone(&state), Rc::clone(&state));
    let settings = Settings::new()
        .with_strict(false)
        .with_memory_settings(MemorySettings::new().with_max_allowed_memory_usage(64 * 1024 * 1024))
        .append_element_content_handler(element!("*", move |el| {
            on_element(&s_el, el, original, masked);
            Ok(())
        }))
        .append_document_content_handler(doc_text!(move |t| {
            let span: Span = t.source_location().bytes().into();
            if span.is_empty() {
                return Ok(());
            }
            let mut st = s_text.borrow_mut();
            let raw = matches!(
                t.text_type(),
                TextType::RawText | TextType::ScriptData | TextType::PlainText
            );
            let (visible, font_zero) = st
                .stack
                .last()
                .map(|&(i, z)| (st.elements[i].visible, z))
                .unwrap_or((true, false));
            if raw && st.stack.last().is_some_and(|&(i, _)| st.elements[i].name == "style") {
                let css = t.as_str().to_string();
                collect_hidden_classes(&css, &mut st.hidden_classes);
            }
            st.chunks.push((span, visible && !font_zero && !raw, raw));
            let text = original.get(span.range()).unwrap_or_default();
            if !raw {
                let readable = visible && !font_zero && !text.trim().is_empty();
                for i in 0..st.open_links.len() {
                    let l = st.open_links[i];
                    st.links[l].text.push_str(text);
                    if readable {
                        st.link_text_visible.insert(l);
                    }
                }
            }
            Ok(())
        }))
        .append_document_content_handler(doc_comments!(move |c| {
            let span: Span = c.source_location().bytes().into();
            let inner = original
                .get(span.range())
                .map(|s| s.trim_start_matches("<!--").trim_end_matches("-->"))
                .unwrap_or_default();
            s_comment.borrow_mut().comments.push(Comment {
                text: inner.to_string(),
                span,
            });
            Ok(())
        }));
    let mut rewriter = HtmlRewriter::new(settings, |_: &[u8]| {});
    let result = rewriter.write(masked.as_bytes()).and_then(|()| rewriter.end());
    if let Err(e) = result {
        doc.problems.push(Problem {
            rule: "syntax/html",
            message: format!("the markup could not be read to the end: {e}"),
            span: Span::empty(0),
        });
    }
    let Ok(cell) = Rc::try_unwrap(state) else {
        return;
    };
    finish(cell.into_inner(), original, tags, doc);
}

/// The entities email markup uses around link and body text, decoded in one pass (eight
/// chained `replace`s each copied the text, and decoded `&amp;lt;` twice, to `<`).
fn decode_entities(s: &str) -> String {
    const ENTITIES: &[(&str, &str)] = &[
        ("&nbsp;", " "),
        ("&#160;", " "),
        ("&amp;", "&"),
        ("&lt;", "<"),
        ("&gt;", ">"),
        ("&quot;", "\""),
        ("&#39;", "'"),
        ("&apos;", "'"),
    ];
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        rest = &rest[i..];
        match ENTITIES.iter().find(|(e, _)| rest.starts_with(e)) {
            Some((e, to)) => {
                out.push_str(to);
                rest = &rest[e.len()..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

fn finish(mut st: State, original: &str, mut tags: Vec<MergeTag>, doc: &mut Document) {
    for (i, link) in st.links.iter_mut().enumerate() {
        let has_text = !link.text.trim().is_empty();
        link.text = decode_entities(&link.text.split_whitespace().collect::<Vec<_>>().join(" "));
        // Text inside font-size:0 hides a link unless it has an image to click.
        if link.visible && has_text && !st.link_has_image.contains(&i) && !st.link_text_visible.contains(&i) {
            link.visible = false;
        }
    }
    for &(span, visible, raw) in &st.chunks {
        if raw {
            continue;
        }
        let text = original.get(span.range()).unwrap_or_default();
        if text.trim().is_empty() {
            continue;
        }
        doc.text.push(TextRun {
            text: decode_entities(text),
            span,
            visible,
        });
    }
    place_tags(&mut tags, &st);
    doc.elements = st.elements;
    doc.links = st.links;
    doc.comments = st.comments;
    doc.merge_tags = tags;
    if let Some(end) = st.body_end {
        doc.anchor = end;
    }
}

fn containing(spans: &[Span], at: usize) -> Option<Span> {
    // Spans come in document order and do not nest within one list.
    let i = spans.partition_point(|s| s.start <= at);
    let s = *spans.get(i.checked_sub(1)?)?;
    (at < s.end).then_some(s)
}

fn place_tags(tags: &mut [MergeTag], st: &State) {
    let mut chunks: Vec<(Span, bool, bool)> = st.chunks.clone();
    chunks.sort_by_key(|c| c.0.start);
    let chunk_spans: Vec<Span> = chunks.iter().map(|c| c.0).collect();
    let comment_spans: Vec<Span> = st.comments.iter().map(|c| c.span).collect();
    for tag in tags.iter_mut() {
        let at = tag.span.start;
        tag.context = if containing(&comment_spans, at).is_some() {
            TagContext::Comment
        } else if containing(&st.url_values, at).is_some() {
            TagContext::Url
        } else if containing(&st.style_values, at).is_some() {
            TagContext::Style
        } else if containing(&st.other_values, at).is_some() || containing(&st.start_tags, at).is_some() {
            TagContext::Attribute
        } else if let Some(i) = chunk_spans.partition_point(|s| s.start <= at).checked_sub(1)
            && chunks[i].0.end > at
        {
            let (_, visible, raw) = chunks[i];
            tag.visible = visible;
            if raw { TagContext::Style } else { TagContext::Text }
        } else {
            TagContext::Text
        };
        // Start tags do not nest: only the last one starting at or before the tag can hold it.
        if matches!(tag.context, TagContext::Url | TagContext::Attribute)
            && let Some(i) = st.elements.partition_point(|e| e.span.start <= at).checked_sub(1)
            && st.elements[i].span.contains(tag.span)
        {
            tag.visible = st.elements[i].visible;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::{FileKind, SourceFormat};
    use crate::knowledge::Knowledge;
    use crate::syntax::merge_tags;

    fn doc(src: &str) -> Document {
        let k = Knowledge::builtin().expect("knowledge");
        let m = merge_tags::scan_and_mask(src, &k);
        let mut d = Document::new(FileKind::Html, SourceFormat::Html, src.len());
        parse(src, &m.text, m.tags, &mut d);
        d
    }

    #[test]
    fn links_text_visibility_and_spans() {
        let src = r#"<html><body><div style="display: none"><a href="https://x/u">Unsubscribe</a></div>
<p>Hi <a href="{{ unsubscribe_url }}" title="t">Opt <b>out</b></a></p><!-- <a href="https://c">Unsubscribe</a> --></body></html>"#;
        let d = doc(src);
        assert_eq!(d.links.len(), 2, "commented-out links are not links");
        assert!(!d.links[0].visible);
        assert!(d.links[1].visible);
        assert_eq!(d.links[1].text, "Opt out");
        assert_eq!(&src[d.links[1].href_span.range()], "{{ unsubscribe_url }}");
        assert_eq!(d.merge_tags[0].context, TagContext::Url);
        assert_eq!(&src[d.anchor.range()], "</body>");
    }

    #[test]
    fn style_declarations_decide_visibility() {
        let f = style_facts("color:red; DISPLAY : none !important");
        assert!(f.hidden && f.font_zero.is_none());
        let f = style_facts("font-size:0px;line-height:0");
        assert_eq!((f.hidden, f.font_zero), (false, Some(true)));
        let f = style_facts("max-height:0;overflow:hidden;font-size:14px;");
        assert_eq!((f.hidden, f.font_zero), (true, Some(false)));
        assert!(style_facts("\u{a0}visibility:hidden\u{a0};").hidden);
        assert!(!style_facts("display:block;;:;opacity").hidden);
        assert!(style_facts("opacity: 0.0").hidden && !style_facts("opacity:0.5").hidden);
    }

    #[test]
    fn entities_decode_once() {
        assert_eq!(
            decode_entities("Opt&nbsp;out &amp; AT&T &lt;b&gt;"),
            "Opt out & AT&T <b>"
        );
        assert_eq!(
            decode_entities("&amp;lt; is how you write &lt;"),
            "&lt; is how you write <"
        );
        assert_eq!(
            decode_entities("&copy; 2026 &#39;x&apos; &quot;y&quot; &"),
            "&copy; 2026 'x' \"y\" &"
        );
        assert_eq!(decode_entities("plain é"), "plain é");
    }

    #[test]
    fn hidden_classes_from_style_blocks() {
        let d = doc(
            "<style>.preheader { display:none !important; } @media x { .m { display:none } }</style><span class=\"preheader\">Buy</span><span class=\"m\">Keep</span>",
        );
        let runs: Vec<_> = d.text.iter().map(|t| (t.text.as_str(), t.visible)).collect();
        assert_eq!(runs, vec![("Buy", false), ("Keep", true)]);
    }

    #[test]
    fn xmlns_and_doctype_are_not_links() {
        let d = doc(
            r#"<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd"><html xmlns="http://www.w3.org/1999/xhtml" xmlns:v="urn:schemas-microsoft-com:vml"><body></body></html>"#,
        );
        assert!(d.links.is_empty());
    }

    #[test]
    fn tags_in_comments_text_and_attributes() {
        let d = doc("<!-- {{ unsubscribe_url }} --><td {% if vip %}class=\"vip\"{% endif %}>{{ first_name }}</td>");
        let ctx: Vec<_> = d.merge_tags.iter().map(|t| t.context).collect();
        assert_eq!(
            ctx,
            vec![
                TagContext::Comment,
                TagContext::Attribute,
                TagContext::Attribute,
                TagContext::Text
            ]
        );
        assert_eq!(d.elements[0].attr("class").map(|a| a.value.as_str()), Some("vip"));
    }
}
