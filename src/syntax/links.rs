//! What a link is for (unsubscribe, preferences, web view) and whether it goes anywhere: facts
//! about a parsed link that rules match on, decided once when the document is built.

use crate::document::{Document, Purpose, Role};
use crate::knowledge::Knowledge;

/// `#`, empty, `javascript:` and the like: a link that goes nowhere.
pub fn is_placeholder_href(href: &str) -> bool {
    let h = href.trim().to_ascii_lowercase();
    h.is_empty()
        || h.starts_with('#')
        || h.starts_with("javascript:")
        || h == "about:blank"
        || h == "http://"
        || h == "https://"
}

/// Purpose of a link from its tags' roles, its text and its URL.
pub fn link_purpose(doc: &Document, link_index: usize, knowledge: &Knowledge) -> Option<Purpose> {
    let link = &doc.links[link_index];
    let clickable =
        super::html::LINK_ELEMENTS.contains(&link.element.as_str()) || link.element == super::text::LINK_ELEMENT;
    if !clickable || link.attr != "href" {
        return None;
    }
    let roles = doc
        .merge_tags
        .iter()
        .filter(|t| link.href_span.contains(t.span))
        .filter_map(|t| t.role);
    let mut purpose = None;
    for r in roles {
        match r {
            Role::Unsubscribe => return Some(Purpose::Unsubscribe),
            Role::Preferences => purpose = Some(Purpose::Preferences),
            Role::WebView => purpose = purpose.or(Some(Purpose::WebView)),
            _ => {}
        }
    }
    // A registry token decides the link's purpose, not the words in its name or text: HubSpot's
    // `{{ unsubscribe_link }}` is its preference page.
    if purpose.is_some() {
        return purpose;
    }
    let lex = &knowledge.lexicon;
    if lex.unsubscribe_text.is_match(&link.text) {
        return Some(Purpose::Unsubscribe);
    }
    if lex.is_unsubscribe_url(&link.href.to_ascii_lowercase()) {
        return Some(Purpose::Unsubscribe);
    }
    if lex.preferences_text.is_match(&link.text) {
        return Some(Purpose::Preferences);
    }
    if lex.web_view_text.is_match(&link.text) {
        return Some(Purpose::WebView);
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::{FileKind, SourceFormat};
    use crate::syntax::{html, merge_tags};

    fn purposes(text: &str) -> Vec<Option<Purpose>> {
        let k = Knowledge::builtin().expect("built-in knowledge loads");
        let mut doc = Document::new(FileKind::Html, SourceFormat::Html, text.len());
        let masked = merge_tags::scan_and_mask(text, &k);
        html::parse(text, &masked.text, masked.tags, &mut doc);
        (0..doc.links.len()).map(|i| link_purpose(&doc, i, &k)).collect()
    }

    #[test]
    fn a_link_says_what_it_is_for_by_tag_text_or_url() {
        let html = r#"<a href="*|UNSUB|*">Leave</a><a href="https://x.example/u">Unsubscribe</a>
<a href="https://x.example/opt-out?id=1">here</a><a href="mailto:list@x.example?subject=unsubscribe">mail</a>
<a href="https://x.example/p">Manage your email preferences</a><a href="https://x.example/shop">Shop</a>"#;
        assert_eq!(
            purposes(html),
            vec![
                Some(Purpose::Unsubscribe),
                Some(Purpose::Unsubscribe),
                Some(Purpose::Unsubscribe),
                Some(Purpose::Unsubscribe),
                Some(Purpose::Preferences),
                None,
            ]
        );
    }

    #[test]
    fn images_and_plain_mailto_links_have_no_purpose() {
        let html = r#"<img src="https://x.example/unsubscribe.png"><a href="mailto:help@x.example">Help</a>"#;
        assert_eq!(purposes(html), vec![None, None]);
    }

    #[test]
    fn placeholder_hrefs_go_nowhere() {
        for h in [
            "",
            " # ",
            "#top",
            "javascript:void(0)",
            "JavaScript:;",
            "about:blank",
            "https://",
        ] {
            assert!(is_placeholder_href(h), "{h:?}");
        }
        for h in ["https://x.example", "/unsubscribe", "*|UNSUB|*", "mailto:a@x.example"] {
            assert!(!is_placeholder_href(h), "{h:?}");
        }
    }
}
