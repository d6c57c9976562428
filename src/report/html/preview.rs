//! The rendered preview of an email: its markup made inert and marked up with the findings.
//!
//! The page shows it in an `<iframe sandbox="" srcdoc=...>`: the sandbox stops scripts and
//! forms, and a CSP inside the document stops every fetch. Both are nets; the rewrite below
//! keeps the preview from even trying (a blocked attempt is a console error the browser test
//! would rightly count): scripts, embeds, stylesheets, `<base>` and refresh tags go, event
//! handler attributes go, URL attributes lose their URL (images get a grey placeholder), and
//! CSS `url()` and `@import` are disarmed.

use super::escape;
use lol_html::html_content::ContentType;
use lol_html::{HtmlRewriter, MemorySettings, Settings, element, end, text};
use std::cell::RefCell;
use std::rc::Rc;

/// The CSP and the outline style, first in the preview's `<head>`.
const HEAD: &str = concat!(
    "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:\">",
    "<style>[data-inboxlint-finding]{outline:3px solid #d0021b!important;outline-offset:1px}",
    ".inboxlint-missing{all:initial;display:block;margin:12px;padding:8px 12px;border:3px dashed #d0021b;",
    "font:14px/1.4 system-ui,sans-serif;color:#7a0010;background:#fff5f5}",
    ".inboxlint-missing li{display:list-item;margin-left:18px}</style>"
);

/// A grey box where a remote image would be.
const IMAGE_PLACEHOLDER: &str = "data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg' width='8' height='8'%3E%3Crect width='8' height='8' fill='%23d9d9d9'/%3E%3C/svg%3E";

/// Elements that fetch, run or navigate by themselves: gone from the preview with their content.
const REMOVED: &[&str] = &[
    "script",
    "noscript",
    "link",
    "base",
    "iframe",
    "frame",
    "frameset",
    "object",
    "embed",
    "applet",
    "audio",
    "video",
    "source",
    "track",
    "portal",
    "fencedframe",
];

/// Attributes whose value a browser fetches or navigates to.
const URL_ATTRIBUTES: &[&str] = &[
    "src",
    "srcset",
    "background",
    "poster",
    "data",
    "href",
    "action",
    "formaction",
    "xlink:href",
    "lowsrc",
    "dynsrc",
    "longdesc",
    "cite",
    "ping",
    "manifest",
    "codebase",
    "archive",
    "classid",
    "profile",
    "imagesrcset",
];

/// A finding the preview shows: a span to outline, or (an empty span, or one on an end tag) a
/// line in the box of things the email lacks.
#[derive(Debug, Clone)]
pub struct Mark {
    /// The finding's number on the page, shown in the outline's tooltip.
    pub number: usize,
    pub start: usize,
    pub end: usize,
    pub rule: String,
    pub message: String,
}

/// The preview document (raw HTML, to be attribute-escaped into `srcdoc`) and how many
/// findings have an element outlined; None when the markup cannot be rewritten.
pub fn build(text: &str, marks: &[Mark]) -> Option<(String, usize)> {
    let elements = element_extents(text)?;
    let mut by_start: std::collections::BTreeMap<usize, Vec<&Mark>> = std::collections::BTreeMap::new();
    let mut missing = Vec::new();
    for m in marks {
        // A rule that requires something anchors its finding at the end of `<body>` (or of the
        // document): there is no element to outline, only a thing to list as missing.
        let at_end_tag = text.get(m.start..).is_some_and(|rest| rest.starts_with("</"));
        if m.start == m.end || at_end_tag {
            missing.push(m);
        } else if let Some(start) = innermost(&elements, m.start) {
            by_start.entry(start).or_default().push(m);
        } else {
            missing.push(m);
        }
    }
    let outlined = by_start.values().map(Vec::len).sum();
    let banner = missing_banner(&missing);
    let head_done = Rc::new(RefCell::new(false));
    let banner_done = Rc::new(RefCell::new(banner.is_empty()));
    let css = Rc::new(RefCell::new(String::new()));
    let mut out = Vec::with_capacity(text.len() + 1024);
    let (head_flag, body_flag, end_flag, end_banner) = (
        Rc::clone(&head_done),
        Rc::clone(&banner_done),
        Rc::clone(&banner_done),
        banner.clone(),
    );
    let settings = Settings::new()
        .with_strict(false)
        .with_memory_settings(MemorySettings::new().with_max_allowed_memory_usage(64 * 1024 * 1024))
        .append_element_content_handler(element!("*", |el| {
            let name = el.tag_name();
            if REMOVED.contains(&name.as_str()) || (name == "meta" && el.has_attribute("http-equiv")) {
                el.remove();
                return Ok(());
            }
            let start = el.source_location().bytes().start;
            if let Some(found) = by_start.get(&start) {
                let numbers: Vec<String> = found.iter().map(|m| m.number.to_string()).collect();
                let title: Vec<String> = found.iter().map(|m| format!("#{} {}", m.number, m.rule)).collect();
                el.set_attribute("data-inboxlint-finding", &numbers.join(" "))?;
                el.set_attribute("title", &title.join("; "))?;
            }
            disarm_attributes(el, &name)?;
            if name == "head" && !*head_flag.borrow() {
                el.prepend(HEAD, ContentType::Html);
                *head_flag.borrow_mut() = true;
            }
            if name == "body" && !*body_flag.borrow() {
                el.append(&banner, ContentType::Html);
                *body_flag.borrow_mut() = true;
            }
            Ok(())
        }))
        .append_element_content_handler(text!("style", |t| {
            // Chunks may split `url(`: disarm the whole text once it is complete.
            css.borrow_mut().push_str(t.as_str());
            if t.last_in_text_node() {
                let whole = std::mem::take(&mut *css.borrow_mut());
                t.replace(&disarm_css(&whole), ContentType::Html);
            } else {
                t.remove();
            }
            Ok(())
        }))
        .append_document_content_handler(end!(|e| {
            if !*end_flag.borrow() {
                e.append(&end_banner, ContentType::Html);
            }
            Ok(())
        }));
    let mut rewriter = HtmlRewriter::new(settings, |c: &[u8]| out.extend_from_slice(c));
    rewriter.write(text.as_bytes()).ok()?;
    rewriter.end().ok()?;
    let mut html = String::from_utf8_lossy(&out).into_owned();
    if !*head_done.borrow() {
        html.insert_str(0, HEAD);
    }
    Some((html, outlined))
}

/// Each element's start and the end of its end tag (of its start tag when it has none), in
/// document order; None when the markup cannot be read.
fn element_extents(text: &str) -> Option<Vec<(usize, usize)>> {
    let extents: Rc<RefCell<Vec<(usize, usize)>>> = Rc::new(RefCell::new(Vec::new()));
    let collect = Rc::clone(&extents);
    let settings = Settings::new()
        .with_strict(false)
        .with_memory_settings(MemorySettings::new().with_max_allowed_memory_usage(64 * 1024 * 1024))
        .append_element_content_handler(element!("*", move |el| {
            let tag = el.source_location().bytes();
            let index = {
                let mut v = collect.borrow_mut();
                v.push((tag.start, tag.end));
                v.len() - 1
            };
            if let Some(handlers) = el.end_tag_handlers() {
                let close = Rc::clone(&collect);
                let handler: lol_html::EndTagHandler<'static> = Box::new(move |end| {
                    if let Some(e) = close.borrow_mut().get_mut(index) {
                        e.1 = end.source_location().bytes().end;
                    }
                    Ok(())
                });
                handlers.push(handler);
            }
            Ok(())
        }));
    let mut rewriter = HtmlRewriter::new(settings, |_: &[u8]| {});
    rewriter.write(text.as_bytes()).ok()?;
    // `end` consumes the rewriter and with it the handlers' clones of `extents`.
    rewriter.end().ok()?;
    Rc::try_unwrap(extents).ok().map(RefCell::into_inner)
}

/// The start of the innermost element holding `offset`: the last one to start at or before it
/// whose extent reaches past it.
fn innermost(elements: &[(usize, usize)], offset: usize) -> Option<usize> {
    let before = elements.partition_point(|&(s, _)| s <= offset);
    elements[..before]
        .iter()
        .rev()
        .find(|&&(s, e)| offset < e || s == offset)
        .map(|&(s, _)| s)
}

fn disarm_attributes(el: &mut lol_html::html_content::Element<'_, '_>, name: &str) -> lol_html::HandlerResult {
    let attributes: Vec<(String, String)> = el.attributes().iter().map(|a| (a.name(), a.value())).collect();
    for (attr, value) in attributes {
        if attr.starts_with("on") {
            el.remove_attribute(&attr);
        } else if attr == "style" {
            el.set_attribute("style", &disarm_css(&value))?;
        } else if URL_ATTRIBUTES.contains(&attr.as_str()) && !value.trim_start().starts_with('#') {
            el.remove_attribute(&attr);
            match (name, attr.as_str()) {
                ("img" | "input", "src") => el.set_attribute("src", IMAGE_PLACEHOLDER)?,
                // Kept for the reader's tooltip: where the link would have gone.
                ("a" | "area", "href") => el.set_attribute("data-inboxlint-href", &value)?,
                _ => {}
            }
        }
    }
    Ok(())
}

/// CSS with every fetch made invalid, so the browser drops those declarations quietly.
fn disarm_css(css: &str) -> String {
    let lower = css.to_ascii_lowercase();
    let mut out = String::with_capacity(css.len() + 16);
    let mut last = 0;
    let mut i = 0;
    while i < lower.len() {
        let rest = &lower[i..];
        let hit = ["url(", "@import", "image-set(", "expression("]
            .iter()
            .find(|p| rest.starts_with(**p));
        if let Some(p) = hit {
            out.push_str(&css[last..i]);
            // `@import` becomes an unknown at-rule, which CSS skips up to its `;`.
            out.push_str(if p.starts_with('@') {
                "@inboxlint-blocked-"
            } else {
                "inboxlint-blocked-"
            });
            out.push_str(p.trim_start_matches('@'));
            i += p.len();
            last = i;
        } else {
            i += rest.chars().next().map_or(1, char::len_utf8);
        }
    }
    out.push_str(&css[last..]);
    out
}

/// The box appended to the body that lists what the email lacks (findings with no span to
/// outline); empty when there is nothing to list.
fn missing_banner(missing: &[&Mark]) -> String {
    if missing.is_empty() {
        return String::new();
    }
    let mut out = String::from("<div class=\"inboxlint-missing\" data-inboxlint-missing=\"");
    out.push_str(&missing.len().to_string());
    out.push_str("\"><strong>inboxlint: not found in this email</strong><ul>");
    for m in missing {
        out.push_str("<li>#");
        out.push_str(&m.number.to_string());
        out.push(' ');
        escape::push(&mut out, &m.message);
        out.push_str(" (");
        escape::push(&mut out, &m.rule);
        out.push_str(")</li>");
    }
    out.push_str("</ul></div>");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mark(text: &str, needle: &str, number: usize) -> Mark {
        let start = text.find(needle).unwrap();
        Mark {
            number,
            start,
            end: start + needle.len(),
            rule: "security/insecure-link".into(),
            message: "link over http".into(),
        }
    }

    #[test]
    fn outlines_the_element_holding_the_span() {
        let text =
            r#"<html><head><title>t</title></head><body><p>Hi <a href="http://x.example/">there</a></p></body></html>"#;
        let (html, outlined) = build(text, &[mark(text, "http://x.example/", 1), mark(text, "Hi", 2)]).unwrap();
        assert_eq!(outlined, 2);
        assert!(
            html.contains(r##"<a data-inboxlint-finding="1" title="#1 security/insecure-link" data-inboxlint-href="http://x.example/">"##),
            "{html}"
        );
        assert!(html.contains(r#"<p data-inboxlint-finding="2""#), "{html}");
        assert!(!html.contains(" href="), "{html}");
        assert!(
            html.starts_with("<html><head><meta http-equiv=\"Content-Security-Policy\""),
            "{html}"
        );
    }

    #[test]
    fn nothing_left_that_fetches_or_runs() {
        let text = concat!(
            "<!DOCTYPE html><html><head><link rel=stylesheet href=https://fonts.example/css>",
            "<meta http-equiv=refresh content=\"0;url=https://evil.example/\"><base href=https://evil.example/>",
            "<style>@import 'https://a.example/x.css'; td{background:URL(https://b.example/bg.png)}</style></head>",
            "<body background=\"https://c.example/bg.gif\" onload=\"alert(1)\"><script>alert(2)</script>",
            "<img src=\"https://d.example/logo.png\" srcset=\"https://d.example/2x.png 2x\">",
            "<div style=\"background-image:url('https://e.example/e.png')\">x</div>",
            "<iframe src=\"https://f.example/\"></iframe><svg><script>alert(3)</script></svg></body></html>"
        );
        let (html, _) = build(text, &[]).unwrap();
        let html = html.replace("inboxlint-blocked-url(", "");
        for bad in [
            "<script",
            "<link",
            "<base",
            "refresh",
            "onload",
            "url(",
            "@import ",
            "<iframe",
            "src=\"https",
            "srcset",
            "background=",
            "href=",
        ] {
            assert!(
                !html.to_ascii_lowercase().contains(&bad.to_ascii_lowercase()),
                "{bad} left in {html}"
            );
        }
        assert!(html.contains(IMAGE_PLACEHOLDER));
    }

    #[test]
    fn empty_spans_are_listed_in_the_body() {
        let text = "<html><body><p>Sale!</p></body></html>";
        let end = text.find("</body>").unwrap();
        let m = Mark {
            number: 4,
            start: end,
            end,
            rule: "canspam/unsubscribe-missing".into(),
            message: "no <unsubscribe> link".into(),
        };
        let (html, outlined) = build(text, &[m]).unwrap();
        assert_eq!(outlined, 0);
        assert!(
            html.contains("#4 no &lt;unsubscribe&gt; link (canspam/unsubscribe-missing)</li></ul></div></body>"),
            "{html}"
        );
    }

    #[test]
    fn fragments_get_the_head_and_the_banner_too() {
        let text = "<table><tr><td>{{> footer}}</td></tr></table>";
        let m = Mark {
            number: 1,
            start: text.len(),
            end: text.len(),
            rule: "r".into(),
            message: "m".into(),
        };
        let (html, _) = build(text, &[m]).unwrap();
        assert!(html.starts_with("<meta http-equiv=\"Content-Security-Policy\""));
        assert!(html.ends_with("</ul></div>"));
    }
}
