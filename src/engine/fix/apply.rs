//! Applying fixes to a file's text: in rounds, each applying the fixes that touch no other
//! fix's bytes, then linting again (a fix can uncover or settle other findings), until a round
//! has nothing left to apply or [`MAX_ROUNDS`] have run.

use crate::diagnostic::{Applicability, Diagnostic, Fix};
use std::fmt;

/// Rounds before giving up on reaching a text with nothing left to fix: fixes that keep
/// undoing each other would otherwise never stop.
pub const MAX_ROUNDS: usize = 10;

/// What fixing one text came to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fixed {
    pub text: String,
    /// Fixes applied, over all rounds.
    pub applied: usize,
    /// Fixes left out because another fix edits the same bytes (counted in the last round
    /// that had any).
    pub overlapping: usize,
    /// False when [`MAX_ROUNDS`] ran and there was still something to apply.
    pub converged: bool,
}

/// A fix that cannot be applied to the text it was made for: its bytes are outside the text
/// or cut a character. The text must then not be written at all.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FixError {
    pub rule: String,
    pub message: String,
}

impl fmt::Display for FixError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "the fix of {} does not apply cleanly: {}", self.rule, self.message)
    }
}

/// Fix `text` with every fix up to `wanted` of the findings `lint` gives, round after round.
/// `first` is the findings of `text` when the caller has them already. `lint` returns None
/// when the text can no longer be linted (the caller then keeps the last good text).
pub fn fix_text(
    text: &str,
    first: Option<Vec<Diagnostic>>,
    wanted: Applicability,
    mut lint: impl FnMut(&str) -> Option<Vec<Diagnostic>>,
) -> Result<Fixed, FixError> {
    let mut current = text.to_string();
    let mut findings = first;
    let mut applied = 0;
    let mut overlapping = 0;
    for _ in 0..MAX_ROUNDS {
        let diagnostics = match findings.take() {
            Some(d) => d,
            None => match lint(&current) {
                Some(d) => d,
                None => break,
            },
        };
        let round = choose(&diagnostics, wanted);
        if round.overlapping > 0 {
            overlapping = round.overlapping;
        }
        if round.fixes.is_empty() {
            return Ok(Fixed {
                text: current,
                applied,
                overlapping,
                converged: true,
            });
        }
        current = apply(&current, &round.fixes)?;
        applied += round.fixes.len();
    }
    // The last round's text may still have fixes to give.
    let left = lint(&current)
        .map(|d| !choose(&d, wanted).fixes.is_empty())
        .unwrap_or(false);
    Ok(Fixed {
        text: current,
        applied,
        overlapping,
        converged: !left,
    })
}

/// One round's fixes: in text order, none touching another's bytes.
#[derive(Debug)]
pub struct Round<'d> {
    pub fixes: Vec<(&'d str, &'d Fix)>,
    /// Fixes left out because they would edit the same bytes as another.
    pub overlapping: usize,
}

/// The fixes to apply in one round: those of findings not suppressed, up to `wanted`, the same
/// edit offered by two findings once, and none of any two that overlap. Of two edits of the
/// same bytes neither is right by default (which wins would decide what the file says), so both
/// wait; an insertion at the edge of another edit counts as overlapping, as the order of the
/// two would be a guess.
pub fn choose(diagnostics: &[Diagnostic], wanted: Applicability) -> Round<'_> {
    let mut fixes: Vec<(&str, &Fix)> = diagnostics
        .iter()
        .filter(|d| d.suppressed.is_none())
        .filter_map(|d| Some((d.rule.as_str(), d.fix.as_ref()?)))
        .filter(|(_, f)| f.applicability <= wanted)
        .collect();
    fixes.sort_by(|a, b| {
        (a.1.span.start, a.1.span.end, &a.1.replacement).cmp(&(b.1.span.start, b.1.span.end, &b.1.replacement))
    });
    fixes.dedup_by(|a, b| a.1.span == b.1.span && a.1.replacement == b.1.replacement);
    let mut clash = vec![false; fixes.len()];
    for i in 0..fixes.len() {
        for j in i + 1..fixes.len() {
            let (a, b) = (fixes[i].1.span, fixes[j].1.span);
            if b.start > a.end {
                break;
            }
            let touching = b.start == a.end && (a.is_empty() || b.is_empty()) || a.start == b.start;
            if b.start < a.end || touching {
                clash[i] = true;
                clash[j] = true;
            }
        }
    }
    let overlapping = clash.iter().filter(|c| **c).count();
    let fixes = fixes
        .into_iter()
        .zip(clash)
        .filter_map(|(f, c)| (!c).then_some(f))
        .collect();
    Round { fixes, overlapping }
}

/// `text` with non-overlapping `fixes` (in text order) applied, or the first that does not fit.
pub fn apply(text: &str, fixes: &[(&str, &Fix)]) -> Result<String, FixError> {
    let mut out = String::with_capacity(text.len() + 64);
    let mut at = 0;
    for (rule, fix) in fixes {
        let span = fix.span;
        let fail = |message: String| FixError {
            rule: rule.to_string(),
            message,
        };
        if span.start < at || span.end < span.start {
            return Err(fail(format!(
                "bytes {}..{} overlap an earlier fix",
                span.start, span.end
            )));
        }
        let Some(kept) = text.get(at..span.start) else {
            return Err(fail(format!(
                "bytes {}..{} are not on character boundaries of the {}-byte text",
                span.start,
                span.end,
                text.len()
            )));
        };
        if text.get(span.range()).is_none() {
            return Err(fail(format!(
                "bytes {}..{} are outside the {}-byte text or cut a character",
                span.start,
                span.end,
                text.len()
            )));
        }
        out.push_str(kept);
        out.push_str(&fix.replacement);
        at = span.end;
    }
    out.push_str(&text[at..]);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::Severity;
    use crate::source::Span;

    fn finding(rule: &str, start: usize, end: usize, new: &str, applicability: Applicability) -> Diagnostic {
        Diagnostic::new(rule, Severity::Error, "m", Span::new(start, end)).with_fix(Fix {
            description: "d".into(),
            span: Span::new(start, end),
            replacement: new.into(),
            applicability,
        })
    }

    #[test]
    fn overlapping_fixes_are_both_left_out_and_the_rest_applied() {
        let text = "aaa bbb ccc";
        let d = vec![
            finding("r/a", 0, 3, "AAA", Applicability::Safe),
            finding("r/b", 4, 7, "BBB", Applicability::Safe),
            finding("r/c", 5, 9, "xx", Applicability::Safe),
            // The same edit from a second rule is applied once.
            finding("r/d", 0, 3, "AAA", Applicability::Safe),
        ];
        let round = choose(&d, Applicability::Safe);
        assert_eq!(round.overlapping, 2);
        assert_eq!(apply(text, &round.fixes).unwrap(), "AAA bbb ccc");
    }

    #[test]
    fn insertions_at_the_same_place_or_an_edit_edge_overlap_adjacent_edits_do_not() {
        let d = vec![
            finding("r/a", 3, 3, "X", Applicability::Safe),
            finding("r/b", 3, 3, "Y", Applicability::Safe),
        ];
        assert_eq!(choose(&d, Applicability::Safe).overlapping, 2);
        let d = vec![
            finding("r/a", 0, 3, "X", Applicability::Safe),
            finding("r/b", 3, 3, "Y", Applicability::Safe),
        ];
        assert_eq!(choose(&d, Applicability::Safe).overlapping, 2);
        let d = vec![
            finding("r/a", 0, 3, "X", Applicability::Safe),
            finding("r/b", 3, 5, "Y", Applicability::Safe),
        ];
        let round = choose(&d, Applicability::Safe);
        assert_eq!(round.overlapping, 0);
        assert_eq!(apply("abcdef", &round.fixes).unwrap(), "XYf");
    }

    #[test]
    fn unsafe_fixes_and_suppressed_findings_wait() {
        let mut suppressed = finding("r/s", 0, 1, "S", Applicability::Safe);
        suppressed.suppressed = Some(crate::diagnostic::Suppression {
            kind: "inline",
            reason: None,
        });
        let d = vec![suppressed, finding("r/u", 2, 3, "U", Applicability::Unsafe)];
        assert!(choose(&d, Applicability::Safe).fixes.is_empty());
        assert_eq!(choose(&d, Applicability::Unsafe).fixes.len(), 1);
    }

    #[test]
    fn a_fix_outside_the_text_or_inside_a_character_is_an_error() {
        let d = [finding("r/a", 5, 9, "x", Applicability::Safe)];
        assert!(apply("abc", &choose(&d, Applicability::Safe).fixes).is_err());
        let d = [finding("r/a", 1, 2, "x", Applicability::Safe)];
        let e = apply("é", &choose(&d, Applicability::Safe).fixes).unwrap_err();
        assert_eq!(e.rule, "r/a");
    }

    #[test]
    fn rounds_run_until_nothing_is_left_and_stop_at_the_cap() {
        // Each round's lint finds one more `a` to upper-case.
        let lint = |t: &str| {
            Some(
                t.find('a')
                    .map(|i| vec![finding("r/a", i, i + 1, "A", Applicability::Safe)])
                    .unwrap_or_default(),
            )
        };
        let fixed = fix_text("a-a-a", None, Applicability::Safe, lint).unwrap();
        assert_eq!(
            (fixed.text.as_str(), fixed.applied, fixed.converged),
            ("A-A-A", 3, true)
        );
        let endless = |t: &str| Some(vec![finding("r/grow", t.len(), t.len(), "+", Applicability::Safe)]);
        let fixed = fix_text("", None, Applicability::Safe, endless).unwrap();
        assert_eq!(fixed.applied, MAX_ROUNDS);
        assert!(!fixed.converged);
    }
}
