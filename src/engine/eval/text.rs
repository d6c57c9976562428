//! `text:` matchers: regexes and named detectors (postal, placeholder and configured
//! addresses) over a document's text runs, joined so a match can cross runs. The YAML shape is
//! `TextDef` (rules/schema.rs), compiled in rules/load.rs to `TextM` (rules/compiled.rs).

use super::{Evaluator, Fact, Match};
use crate::document::{Document, MessageClass, TextRun};
use crate::knowledge::address;
use crate::rules::compiled::{TextDetector, TextM};
use crate::source::Span;

/// Visible (or all) text runs joined with newlines, with where each run starts in the source.
pub(super) struct Joined {
    text: String,
    /// (offset in `text`, run index)
    starts: Vec<(usize, usize)>,
}

impl Evaluator<'_> {
    fn joined(&self, visible: bool) -> &Joined {
        let cell = if visible { &self.visible_text } else { &self.all_text };
        cell.get_or_init(|| {
            let mut text = String::new();
            let mut starts = Vec::new();
            for (i, run) in self.doc.text.iter().enumerate() {
                if visible && !run.visible {
                    continue;
                }
                if !text.is_empty() {
                    text.push('\n');
                }
                starts.push((text.len(), i));
                // Runs are decoded; a run's source span still covers the whole run.
                text.push_str(&run.text);
            }
            Joined { text, starts }
        })
    }

    /// Map a range of the joined text back to a source span (whole runs where decoding moved bytes).
    fn joined_span(&self, joined: &Joined, start: usize, end: usize) -> Span {
        let run_at = |o: usize| {
            let i = joined.starts.partition_point(|&(s, _)| s <= o).saturating_sub(1);
            joined.starts.get(i).copied()
        };
        let (Some((s0, r0)), Some((s1, r1))) = (run_at(start), run_at(end.saturating_sub(1).max(start))) else {
            return self.doc.anchor;
        };
        let a = &self.doc.text[r0];
        let b = &self.doc.text[r1];
        let exact = |run: &TextRun| run.text.len() == run.span.len();
        let from = if exact(a) {
            a.span.start + (start - s0)
        } else {
            a.span.start
        };
        let to = if exact(b) {
            (b.span.start + (end - s1)).min(b.span.end)
        } else {
            b.span.end
        };
        Span::new(from, to.max(from))
    }

    pub(super) fn text(&self, t: &TextM) -> Vec<Match> {
        let joined = self.joined(t.visible);
        let mut ranges: Vec<(usize, usize)> = Vec::new();
        match t.detector {
            Some(TextDetector::PostalAddress) => {
                ranges.extend(
                    address::find_postal_addresses(&joined.text)
                        .into_iter()
                        .map(|m| (m.range.start, m.range.end)),
                );
            }
            Some(TextDetector::PlaceholderAddress) => {
                ranges.extend(
                    address::find_placeholder_addresses(&joined.text)
                        .into_iter()
                        .map(|r| (r.start, r.end)),
                );
            }
            Some(TextDetector::ConfiguredAddress) => {
                if let Some(addr) = self.address {
                    ranges.extend(find_configured_address(&joined.text, addr));
                }
            }
            // The title is the subject line a template sets; a claim there misleads only about
            // a marketing message.
            Some(TextDetector::TitleClaim) if self.doc.meta.class.class == MessageClass::Marketing => {
                let claims = &self.knowledge.class.subject_claims;
                for &(at, run) in &joined.starts {
                    let Some(r) = self.doc.text.get(run) else { continue };
                    if in_title(self.doc, r.span.start)
                        && let Some(found) = claims.find(&r.text)
                    {
                        ranges.push((at + found.start, at + found.end));
                    }
                }
            }
            Some(TextDetector::TitleClaim) | None => {}
        }
        if let Some(re) = &t.regex {
            if t.detector.is_some() {
                ranges.retain(|&(s, e)| re.is_match(&joined.text[s..e]));
            } else {
                ranges.extend(re.find_iter(&joined.text).map(|m| (m.start(), m.end())));
            }
        }
        ranges
            .into_iter()
            .map(|(s, e)| (s, e, self.joined_span(joined, s, e)))
            .filter(|(_, _, span)| t.offsets.accepts(span.start))
            .map(|(s, e, span)| Match {
                span,
                fact: Fact::Text(s, e),
                severity: None,
                message: None,
                captures: vec![("text", joined.text[s..e].to_string())],
            })
            .collect()
    }
}

/// The configured sender address appears in the text when its words appear in order, ignoring
/// case, punctuation and spacing (`2261 Market St., #4109` ~ `2261 market st 4109`).
fn find_configured_address(text: &str, address: &str) -> Option<(usize, usize)> {
    let words: Vec<String> = address
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect();
    let first = words.first()?;
    let lower = text.to_lowercase();
    if lower.len() != text.len() {
        // Lower-casing changed byte lengths: fall back to a presence check over the whole text.
        return words
            .iter()
            .all(|w| lower.contains(w.as_str()))
            .then_some((0, text.len()));
    }
    let mut from = 0;
    while let Some(pos) = lower[from..].find(first.as_str()) {
        let start = from + pos;
        let mut at = start;
        let ok = words.iter().all(|w| match lower[at..].find(w.as_str()) {
            Some(p) if p <= 40 => {
                at += p + w.len();
                true
            }
            _ => false,
        });
        if ok {
            return Some((start, at));
        }
        from = start + first.len();
    }
    None
}

/// Whether the text at `offset` sits in the `<title>` (or MJML `<mj-title>`).
fn in_title(doc: &Document, offset: usize) -> bool {
    let i = doc.elements.partition_point(|e| e.span.start < offset);
    let mut cur = i.checked_sub(1);
    for _ in 0..4 {
        let Some(el) = cur.and_then(|c| doc.elements.get(c)) else {
            return false;
        };
        if el.name == "title" || el.name == "mj-title" {
            return true;
        }
        cur = el.parent;
    }
    false
}

#[cfg(test)]
mod tests {
    use super::super::testing::{Context, matched, matches_in};
    use super::find_configured_address;
    use crate::document::SourceFormat::Html;

    #[test]
    fn regex_runs_over_visible_text_unless_told_otherwise() {
        let html = r#"<p>Sale ends soon</p><div style="display:none">Sale hidden</div>"#;
        assert_eq!(
            matched(html, Html, r#"{text: {regex: "Sale \\w+"}}"#),
            vec!["Sale ends"]
        );
        assert_eq!(
            matched(html, Html, r#"{text: {regex: "Sale \\w+", visible: false}}"#),
            vec!["Sale ends", "Sale hidden"]
        );
    }

    #[test]
    fn a_match_may_cross_text_runs() {
        // Two runs joined with a newline: `(?s)` lets the pattern cross it.
        let html = "<p>Acme Inc.</p><p>2261 Market Street</p>";
        let found = matched(html, Html, r#"{text: {regex: "(?s)Inc\\..2261"}}"#);
        assert_eq!(found.len(), 1);
        assert!(found[0].starts_with("Inc.") && found[0].ends_with("2261"), "{found:?}");
    }

    #[test]
    fn the_postal_address_detector_finds_an_address_and_a_regex_narrows_it() {
        let html = "<p>Acme, 2261 Market Street #4109, San Francisco, CA 94114</p>";
        assert_eq!(matched(html, Html, "{text: {detector: postal-address}}").len(), 1);
        assert!(matched(html, Html, r#"{text: {detector: postal-address, regex: "Boston"}}"#).is_empty());
        assert!(matched("<p>Thanks for reading</p>", Html, "{text: {detector: postal-address}}").is_empty());
    }

    #[test]
    fn the_configured_address_is_found_in_any_spelling() {
        let html = "<p>Acme · 2261 market st. 4109 · San Francisco</p>";
        let none = matches_in(html, Html, "{text: {detector: configured-address}}", Context::default());
        assert!(none.is_empty(), "no address in config: nothing to look for");
        let cx = Context {
            address: Some("2261 Market St., #4109"),
            ..Context::default()
        };
        assert_eq!(
            matches_in(html, Html, "{text: {detector: configured-address}}", cx).len(),
            1
        );
        assert_eq!(
            find_configured_address("2261 Market St 4109", "2261 market st., #4109"),
            Some((0, 19))
        );
        assert_eq!(find_configured_address("2261 Mission St", "2261 Market St"), None);
    }
}
