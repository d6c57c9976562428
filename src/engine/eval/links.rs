//! `link:` matchers: each link, image and form URL of a document with its purpose,
//! visibility and text. The YAML shape is `LinkDef` (rules/schema.rs), compiled in
//! rules/load.rs to `LinkM` (rules/compiled.rs); the purpose itself is a fact
//! (`syntax::links::link_purpose`).

use super::{Evaluator, Fact, Match};
use crate::rules::compiled::LinkM;
use crate::syntax::links::is_placeholder_href;

/// `http://x` → `https://x` (other URLs unchanged), for the insecure-link fix.
fn https_version(href: &str) -> String {
    let trimmed = href.trim_start();
    match trimmed.get(..7) {
        Some(p) if p.eq_ignore_ascii_case("http://") => format!("https://{}", &trimmed[7..]),
        _ => href.to_string(),
    }
}

impl Evaluator<'_> {
    /// An ESP tag fills the href (`href="#SPCUSTOMOPTOUT"`, `href="#unsubscribeLink#"`): it is
    /// not a placeholder even when it starts with `#`.
    fn href_has_tag(&self, link: &crate::document::Link) -> bool {
        !link.href_span.is_empty()
            && self
                .doc
                .merge_tags
                .iter()
                .any(|t| t.kind == crate::document::TagKind::Output && link.href_span.contains(t.span))
    }

    pub(super) fn links(&self, l: &LinkM) -> Vec<Match> {
        let mut out = Vec::new();
        for (i, link) in self.doc.links.iter().enumerate() {
            if let Some(p) = &l.purpose
                && !link.purpose.is_some_and(|x| p.contains(&x))
            {
                continue;
            }
            if l.visible.is_some_and(|v| v != link.visible) {
                continue;
            }
            if l.placeholder
                .is_some_and(|v| v != (is_placeholder_href(&link.href) && !self.href_has_tag(link)))
            {
                continue;
            }
            if let Some(schemes) = &l.scheme {
                let h = link.href.trim().to_ascii_lowercase();
                if !schemes
                    .iter()
                    .any(|s| h.starts_with(s.as_str()) && h[s.len()..].starts_with(':'))
                {
                    continue;
                }
            }
            if l.href.as_ref().is_some_and(|r| !r.is_match(&link.href)) {
                continue;
            }
            if l.text.as_ref().is_some_and(|r| !r.is_match(&link.text)) {
                continue;
            }
            if l.element.as_ref().is_some_and(|e| !e.contains(&link.element)) {
                continue;
            }
            if l.attr.as_ref().is_some_and(|a| !a.contains(&link.attr)) {
                continue;
            }
            if !l.offsets.accepts(link.span.start) {
                continue;
            }
            let span = if link.href_span.is_empty() {
                link.span
            } else {
                link.href_span
            };
            out.push(Match {
                span,
                fact: Fact::Link(i),
                severity: None,
                message: None,
                captures: vec![
                    ("href_https", https_version(&link.href)),
                    ("href", link.href.clone()),
                    ("text", link.text.clone()),
                    ("element", link.element.clone()),
                ],
            });
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::{Context, capture, matched, matches_in};
    use crate::document::SourceFormat::Html;

    #[test]
    fn purpose_visibility_and_placeholder_pick_links() {
        let html = r##"<a href="https://x.example/unsubscribe?u=1">Leave</a>
<div style="display:none"><a href="https://x.example/optout">Opt out</a></div>
<a href="#">Unsubscribe</a>
<a href="https://x.example/shop">Shop</a>"##;
        assert_eq!(
            matched(
                html,
                Html,
                "{link: {purpose: unsubscribe, visible: true, placeholder: false}}"
            ),
            vec!["https://x.example/unsubscribe?u=1"]
        );
        assert_eq!(
            matched(html, Html, "{link: {purpose: unsubscribe, visible: false}}"),
            vec!["https://x.example/optout"]
        );
        assert_eq!(matched(html, Html, "{link: {placeholder: true}}"), vec!["#"]);
    }

    #[test]
    fn scheme_href_and_text_filter_and_capture() {
        let html = r#"<a href="HTTP://a.example/x">Deals</a><a href="mailto:u@a.example">Mail</a><img src="http://a.example/i.png" alt="">"#;
        let found = matches_in(html, Html, "{link: {scheme: http}}", Context::default());
        let hrefs: Vec<&str> = found.iter().map(|m| capture(m, "href")).collect();
        assert_eq!(hrefs, vec!["HTTP://a.example/x", "http://a.example/i.png"]);
        assert_eq!(capture(&found[0], "href_https"), "https://a.example/x");
        assert_eq!(capture(&found[1], "element"), "img");
        assert_eq!(
            matched(html, Html, "{link: {scheme: http, element: a}}"),
            vec!["HTTP://a.example/x"]
        );
        assert_eq!(
            matched(html, Html, "{link: {attr: src}}"),
            vec!["http://a.example/i.png"]
        );
        assert_eq!(
            matched(html, Html, r#"{link: {text: "^Mail$"}}"#),
            vec!["mailto:u@a.example"]
        );
        assert_eq!(
            matched(html, Html, r#"{link: {href: "i\\.png$"}}"#),
            vec!["http://a.example/i.png"]
        );
    }

    #[test]
    fn byte_offsets_bound_where_a_link_starts() {
        let html = r#"<a href="https://a.example/1">One</a><a href="https://a.example/2">Two</a>"#;
        let second = html.rfind("<a").expect("two links");
        let after = format!("{{link: {{after-byte: {second}}}}}");
        assert_eq!(matched(html, Html, &after), vec!["https://a.example/2"]);
        let before = format!("{{link: {{before-byte: {second}}}}}");
        assert_eq!(matched(html, Html, &before), vec!["https://a.example/1"]);
    }

    #[test]
    fn only_http_urls_get_an_https_version() {
        assert_eq!(super::https_version("http://a.example"), "https://a.example");
        assert_eq!(super::https_version(" HTTP://a.example"), "https://a.example");
        assert_eq!(super::https_version("ftp://a.example"), "ftp://a.example");
    }
}
