//! `element:` matchers: markup elements by CSS selector (the lol_html subset) and visibility.
//! The YAML shape is `ElementDef` (rules/schema.rs), compiled in rules/load.rs to `ElementM`
//! (rules/compiled.rs) with its selector from rules/selector.rs.

use super::{Evaluator, Fact, Match};
use crate::rules::compiled::ElementM;

impl Evaluator<'_> {
    pub(super) fn elements(&self, m: &ElementM) -> Vec<Match> {
        self.doc
            .elements
            .iter()
            .enumerate()
            .filter(|(_, e)| m.visible.is_none_or(|v| v == e.visible) && m.selector.matches(e))
            .map(|(i, e)| Match {
                span: e.span,
                fact: Fact::Element(i),
                severity: None,
                message: None,
                captures: vec![("element", e.name.clone())],
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::matched;
    use crate::document::SourceFormat::Html;

    #[test]
    fn selector_and_visibility_pick_elements() {
        let html = r#"<img src="a.png"><img src="b.png" alt="B"><div style="display:none"><img src="c.png"></div>"#;
        assert_eq!(matched(html, Html, "{element: {selector: img}}").len(), 3);
        assert_eq!(
            matched(html, Html, "{element: {selector: 'img[alt]'}}"),
            vec![r#"<img src="b.png" alt="B">"#]
        );
        let no_alt = "{all: [{element: {selector: img, visible: true}}, {not: {element: {selector: 'img[alt]'}}}]}";
        assert_eq!(matched(html, Html, no_alt), vec![r#"<img src="a.png">"#]);
        assert_eq!(
            matched(
                html,
                Html,
                r#"{element: {selector: 'img[src$=".png"]', visible: false}}"#
            )
            .len(),
            1
        );
    }
}
