//! `--format gitlab`: a GitLab Code Quality report (a JSON array of issues), which merge
//! requests show as a diff widget. GitLab matches issues across pipelines by `fingerprint`,
//! the same line-independent hash SARIF uses. Suppressed findings are left out: the format
//! has no way to mark them.

use super::{FileReport, Severity, fingerprint};
use serde::Serialize;

#[derive(Serialize)]
struct Issue<'a> {
    #[serde(rename = "type")]
    ty: &'static str,
    check_name: &'a str,
    description: String,
    categories: [&'static str; 1],
    severity: &'static str,
    fingerprint: String,
    location: Location<'a>,
}

#[derive(Serialize)]
struct Location<'a> {
    path: &'a str,
    positions: Positions,
}

#[derive(Serialize)]
struct Positions {
    begin: Position,
    end: Position,
}

#[derive(Serialize)]
struct Position {
    line: usize,
    column: usize,
}

fn severity(s: Severity) -> &'static str {
    match s {
        Severity::Error => "major",
        Severity::Warning => "minor",
        Severity::Info => "info",
    }
}

fn category(rule: &str) -> &'static str {
    match rule.split('/').next().unwrap_or_default() {
        "security" | "privacy" => "Security",
        "canspam" | "casl" | "gdpr" => "Compatibility",
        _ => "Style",
    }
}

pub fn render(reports: &[FileReport]) -> String {
    let mut issues = Vec::new();
    for report in reports {
        let fingerprints = fingerprint::of_report(report);
        for (d, fp) in report.diagnostics.iter().zip(fingerprints) {
            if d.suppressed.is_some() {
                continue;
            }
            let (start, end) = (report.source.line_col(d.span.start), report.source.line_col(d.span.end));
            issues.push(Issue {
                ty: "issue",
                check_name: &d.rule,
                description: format!("{}: {}", d.rule, d.message),
                categories: [category(&d.rule)],
                severity: severity(d.severity),
                fingerprint: fp,
                location: Location {
                    path: &report.path,
                    positions: Positions {
                        begin: Position {
                            line: start.line,
                            column: start.column,
                        },
                        end: Position {
                            line: end.line,
                            column: end.column,
                        },
                    },
                },
            });
        }
    }
    let mut out = serde_json::to_string_pretty(&issues).unwrap_or_else(|_| "[]".into());
    out.push('\n');
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::tests::{sample_reports, snapshot_settings};

    #[test]
    fn gitlab_basic() {
        let out = render(&sample_reports());
        snapshot_settings().bind(|| insta::assert_snapshot!("report_gitlab_basic", out));
    }

    #[test]
    fn fingerprints_are_unique_and_suppressed_findings_left_out() {
        let v: serde_json::Value = serde_json::from_str(&render(&sample_reports())).unwrap();
        let all = v.as_array().unwrap();
        assert_eq!(all.len(), 4);
        let mut fps: Vec<_> = all.iter().map(|i| i["fingerprint"].as_str().unwrap()).collect();
        fps.sort_unstable();
        fps.dedup();
        assert_eq!(fps.len(), 4);
    }
}
