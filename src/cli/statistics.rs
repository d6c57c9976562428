//! `check --statistics`: how many findings each rule produced, in place of the findings
//! themselves (ruff's `--statistics`), to size a clean-up or pick what to ignore first.

use crate::report::{FileReport, RuleCatalog, Severity};
use serde::Serialize;
use std::collections::BTreeMap;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RuleCount {
    pub rule: String,
    pub severity: Severity,
    pub count: usize,
    /// The rule's title; empty for findings of no rule file (`input/...`, `syntax/...`).
    pub title: String,
}

/// Unsuppressed findings counted per rule and severity, most frequent first, then by rule id
/// so equal counts always print in the same order.
pub fn count(reports: &[FileReport], catalog: &RuleCatalog) -> Vec<RuleCount> {
    let mut counts: BTreeMap<(&str, Severity), usize> = BTreeMap::new();
    for d in reports.iter().flat_map(|r| &r.diagnostics) {
        if d.suppressed.is_none() {
            *counts.entry((d.rule.as_str(), d.severity)).or_default() += 1;
        }
    }
    let mut rows: Vec<RuleCount> = counts
        .into_iter()
        .map(|((rule, severity), count)| RuleCount {
            rule: rule.to_string(),
            severity,
            count,
            title: catalog.get(rule).map(|m| m.title.clone()).unwrap_or_default(),
        })
        .collect();
    rows.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.rule.cmp(&b.rule)));
    rows
}

/// One aligned line per rule: count, rule id, severity, title.
pub fn render_text(rows: &[RuleCount]) -> String {
    let count_width = rows.iter().map(|r| r.count.to_string().len()).max().unwrap_or(1);
    let rule_width = rows.iter().map(|r| r.rule.len()).max().unwrap_or(0);
    let mut out = String::new();
    for r in rows {
        let line = format!(
            "{:>cw$}  {:<rw$}  {:<7}  {}",
            r.count,
            r.rule,
            r.severity.as_str(),
            r.title,
            cw = count_width,
            rw = rule_width
        );
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

pub fn render_json(rows: &[RuleCount]) -> String {
    // Serializing plain strings and numbers cannot fail.
    let mut s = serde_json::to_string_pretty(rows).unwrap_or_else(|_| "[]".to_string());
    s.push('\n');
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::{Diagnostic, RuleMeta};
    use crate::source::{SourceText, Span};
    use std::sync::Arc;

    fn report(path: &str, rules: &[(&str, Severity)]) -> FileReport {
        FileReport {
            path: path.to_string(),
            source: Arc::new(SourceText::new(String::new())),
            diagnostics: rules
                .iter()
                .map(|(r, s)| Diagnostic::new(*r, *s, "m", Span::empty(0)))
                .collect(),
        }
    }

    #[test]
    fn counts_per_rule_most_frequent_first() {
        let reports = [
            report(
                "a.html",
                &[("security/insecure-link", Severity::Warning), ("b/x", Severity::Error)],
            ),
            report(
                "b.html",
                &[("security/insecure-link", Severity::Warning), ("a/y", Severity::Error)],
            ),
        ];
        let mut catalog = RuleCatalog::default();
        catalog.insert(RuleMeta {
            id: "security/insecure-link".into(),
            title: "Link over plain HTTP".into(),
            help: String::new(),
            docs: None,
            docs_url: None,
            default_severity: Severity::Warning,
            refs: vec![],
        });
        let rows = count(&reports, &catalog);
        let text = render_text(&rows);
        assert_eq!(
            text,
            "2  security/insecure-link  warning  Link over plain HTTP\n\
             1  a/y                     error\n\
             1  b/x                     error\n"
        );
        let json: serde_json::Value = serde_json::from_str(&render_json(&rows)).unwrap();
        assert_eq!(json[0]["rule"], "security/insecure-link");
        assert_eq!(json[0]["count"], 2);
        assert_eq!(json[0]["severity"], "warning");
    }

    #[test]
    fn suppressed_findings_are_not_counted() {
        let mut r = report("a.html", &[("x/y", Severity::Error), ("x/y", Severity::Error)]);
        r.diagnostics[0].suppressed = Some(crate::report::Suppression {
            kind: "inline",
            reason: Some("ok".into()),
        });
        let rows = count(&[r], &RuleCatalog::default());
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].count, 1);
        assert!(render_text(&[]).is_empty());
    }
}
