//! A rule's fix for one match: the edit its `fix:` describes, placed on the bytes the match
//! stands for (a link's URL, a setting's value) and checked to keep the file well formed.

use super::setting;
use crate::diagnostic::Fix;
use crate::document::{Document, Emits};
use crate::engine::eval::{Evaluator, Fact, Match};
use crate::engine::linter::interpolate;
use crate::rules::compiled::{FixAction, FixSpec};
use crate::source::Span;

/// The fix of a `forbid` rule's match, or None when the action does not fit this match (no
/// rewrite matches, no single ESP is configured, the new text would break the quoting).
pub fn for_match(spec: &FixSpec, m: &Match, ev: &Evaluator<'_>) -> Option<Fix> {
    let target = target_span(m, ev.doc, ev.source)?;
    let current = ev.source.get(target.range())?;
    let mut captures = m.captures.clone();
    let (span, replacement) = match &spec.action {
        FixAction::Replace(template) => (target, interpolate(template, &captures)),
        FixAction::Rewrite(edits) => edits.iter().find_map(|(find, with)| {
            let caps = find.captures(current)?;
            let whole = caps.get(0)?;
            let mut out = String::new();
            caps.expand(with, &mut out);
            Some((Span::new(target.start + whole.start(), target.start + whole.end()), out))
        })?,
        FixAction::EspTag(role) => {
            // Which ESP sends is a fact of the project, not of the template: with none or
            // several configured, any pick could be the wrong one.
            let [esp] = ev.esp else { return None };
            let dialect = ev.knowledge.registry.dialect(esp)?;
            let tag = dialect.verified_tag(*role, Emits::Url)?;
            captures.push(("esp", dialect.name.clone()));
            captures.push(("tag", tag.to_string()));
            (target, tag.to_string())
        }
        // Placed beside the anchor setting by `for_require`.
        FixAction::SetSetting { .. } => return None,
    };
    if span.range() == target.range() && replacement == current || !fits_quotes(ev.source, target, &replacement) {
        return None;
    }
    Some(Fix {
        description: interpolate(&spec.description, &captures),
        span,
        replacement,
        applicability: spec.applicability,
    })
}

/// The fix of a `require` rule that found nothing, beside the setting its `when: matches`
/// matched (`anchor`).
pub fn for_require(spec: &FixSpec, anchor: &Match, ev: &Evaluator<'_>) -> Option<Fix> {
    let FixAction::SetSetting { key, value } = &spec.action else {
        return None;
    };
    let Fact::Setting(i) = anchor.fact else {
        return None;
    };
    let (span, replacement) = setting::set_beside(ev.doc, ev.source, i, key, value)?;
    Some(Fix {
        description: interpolate(&spec.description, &anchor.captures),
        span,
        replacement,
        applicability: spec.applicability,
    })
}

/// The bytes a fix edits: a link's URL (an empty one is the empty span between its quotes,
/// where the match itself is the whole tag), a setting's value, else what matched. None when a
/// link's URL cannot be placed: replacing the whole tag instead would destroy it.
fn target_span(m: &Match, doc: &Document, text: &str) -> Option<Span> {
    match m.fact {
        Fact::Link(i) => {
            let href = doc.links.get(i)?.href_span;
            let quoted_empty = || {
                let before = text.get(..href.start)?.chars().next_back()?;
                let after = text.get(href.end..)?.chars().next()?;
                (matches!(before, '"' | '\'') && before == after).then_some(())
            };
            (m.span.contains(href) && (!href.is_empty() || quoted_empty().is_some())).then_some(href)
        }
        Fact::Setting(i) => Some(
            doc.settings
                .get(i)
                .map(|s| s.value_span)
                .filter(|v| !v.is_empty() && m.span.contains(*v))
                .unwrap_or(m.span),
        ),
        _ => Some(m.span),
    }
}

/// A value between quotes must not take the quote character in: `href="{{LINK "x"}}"` ends the
/// attribute early.
fn fits_quotes(text: &str, target: Span, replacement: &str) -> bool {
    match text.get(..target.start).and_then(|before| before.chars().next_back()) {
        Some(q @ ('"' | '\'')) if text[target.end..].starts_with(q) => !replacement.contains(q),
        _ => true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_around_the_target_must_survive_the_replacement() {
        let t = r#"<a href="">x</a>"#;
        let at = t.find("\"\"").unwrap_or(0) + 1;
        assert!(fits_quotes(t, Span::empty(at), "*|UNSUB|*"));
        assert!(!fits_quotes(t, Span::empty(at), r#"{{LINK "unsubscribe"}}"#));
        let single = "<a href='#'>x</a>";
        let at = single.find('#').unwrap_or(0);
        assert!(fits_quotes(single, Span::new(at, at + 1), r#"{{LINK "unsubscribe"}}"#));
        assert!(fits_quotes("a = b", Span::new(4, 5), "\"c\""));
    }
}
