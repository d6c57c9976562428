//! Fingerprints that survive edits elsewhere in a file: code scanning (SARIF
//! `partialFingerprints`) and GitLab Code Quality match alerts across runs by them, so a line
//! number must not be part of them, or every insertion above a finding re-opens it.

use super::FileReport;
use std::collections::HashMap;

/// One fingerprint per diagnostic of `report`, in order: a hash of rule, path, the offending
/// text with whitespace collapsed (the message when the span is empty), and the occurrence
/// number among identical (rule, path, text) findings so repeated snippets stay distinct.
pub fn of_report(report: &FileReport) -> Vec<String> {
    let mut seen: HashMap<(String, String), usize> = HashMap::new();
    report
        .diagnostics
        .iter()
        .map(|d| {
            let snippet = report.source.slice(d.span);
            let basis = if snippet.trim().is_empty() {
                d.message.as_str()
            } else {
                snippet
            };
            let normalised = basis.split_whitespace().collect::<Vec<_>>().join(" ");
            let n = seen.entry((d.rule.clone(), normalised.clone())).or_insert(0);
            *n += 1;
            let key = format!("{}\u{0}{}\u{0}{}\u{0}{}", d.rule, report.path, normalised, n);
            hex128(&key)
        })
        .collect()
}

/// FNV-1a over two different offset bases, as 32 hex digits. std's `DefaultHasher` is not
/// promised to stay the same across Rust releases, and a changed hash would re-open alerts.
fn hex128(s: &str) -> String {
    const PRIME: u64 = 0x0000_0100_0000_01b3;
    let fnv = |basis: u64| s.bytes().fold(basis, |h, b| (h ^ u64::from(b)).wrapping_mul(PRIME));
    format!("{:016x}{:016x}", fnv(0xcbf2_9ce4_8422_2325), fnv(0x6c62_272e_07bb_0142))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::{Diagnostic, Severity};
    use crate::source::{SourceText, Span};
    use std::sync::Arc;

    fn report(text: &str, needles: &[&str]) -> FileReport {
        let diagnostics = needles
            .iter()
            .map(|n| {
                let start = text.find(n).unwrap();
                Diagnostic {
                    rule: "security/insecure-link".into(),
                    severity: Severity::Warning,
                    message: "m".into(),
                    help: None,
                    url: None,
                    span: Span::new(start, start + n.len()),
                    labels: vec![],
                    fix: None,
                    suppressed: None,
                }
            })
            .collect();
        FileReport {
            path: "a.html".into(),
            source: Arc::new(SourceText::new(text)),
            diagnostics,
        }
    }

    #[test]
    fn moving_lines_keeps_fingerprints() {
        let before = report("<p>\n<a href=\"http://x\">x</a>\n", &["http://x"]);
        let after = report("<p>\n\n\n\n  <a  href=\"http://x\">x</a>\n", &["http://x"]);
        assert_eq!(of_report(&before), of_report(&after));
    }

    #[test]
    fn identical_snippets_get_distinct_fingerprints() {
        let mut r = report("http://x http://x", &["http://x"]);
        let mut second = r.diagnostics[0].clone();
        second.span = Span::new(9, 17);
        r.diagnostics.push(second);
        let f = of_report(&r);
        assert_eq!(f.len(), 2);
        assert_ne!(f[0], f[1]);
        assert_eq!(f[0].len(), 32);
    }

    #[test]
    fn known_value_does_not_drift() {
        // Pinned: a change here would re-open every code-scanning alert of every user.
        assert_eq!(hex128(""), "cbf29ce4842223256c62272e07bb0142");
    }
}
