//! `--format json`: the document described in DESIGN.md §6. Its shape is a contract for CI
//! scripts and the GitHub Action, so it is spelled out as structs here rather than derived from
//! the internal model, which may grow fields that must not leak into the output.

use super::{Diagnostic, FileReport, Summary};
use crate::source::{SourceText, Span};
use serde::Serialize;

const VERSION: u32 = 1;

#[derive(Serialize)]
struct Document<'a> {
    version: u32,
    summary: JsonSummary,
    diagnostics: Vec<JsonDiagnostic<'a>>,
}

#[derive(Serialize)]
struct JsonSummary {
    files: usize,
    errors: usize,
    warnings: usize,
    infos: usize,
}

#[derive(Serialize)]
struct JsonDiagnostic<'a> {
    rule: &'a str,
    severity: &'static str,
    path: &'a str,
    message: &'a str,
    help: Option<&'a str>,
    url: Option<&'a str>,
    span: JsonSpan,
    labels: Vec<JsonLabel<'a>>,
    fix: Option<JsonFix<'a>>,
    suppressed: Option<JsonSuppression<'a>>,
}

#[derive(Serialize)]
struct JsonSpan {
    offset: usize,
    length: usize,
    start: Position,
    end: Position,
}

#[derive(Serialize)]
struct Position {
    line: usize,
    column: usize,
}

#[derive(Serialize)]
struct JsonLabel<'a> {
    message: &'a str,
    span: JsonSpan,
}

#[derive(Serialize)]
struct JsonFix<'a> {
    description: &'a str,
    span: JsonSpan,
    replacement: &'a str,
}

#[derive(Serialize)]
struct JsonSuppression<'a> {
    kind: &'a str,
    reason: Option<&'a str>,
}

impl JsonSpan {
    fn new(source: &SourceText, span: Span) -> Self {
        let (start, end) = (source.line_col(span.start), source.line_col(span.end));
        JsonSpan {
            offset: span.start,
            length: span.len(),
            start: Position {
                line: start.line,
                column: start.column,
            },
            end: Position {
                line: end.line,
                column: end.column,
            },
        }
    }
}

impl<'a> JsonDiagnostic<'a> {
    fn new(report: &'a FileReport, d: &'a Diagnostic) -> Self {
        let source = &report.source;
        JsonDiagnostic {
            rule: &d.rule,
            severity: d.severity.as_str(),
            path: &report.path,
            message: &d.message,
            help: d.help.as_deref(),
            url: d.url.as_deref(),
            span: JsonSpan::new(source, d.span),
            labels: d
                .labels
                .iter()
                .map(|l| JsonLabel {
                    message: &l.message,
                    span: JsonSpan::new(source, l.span),
                })
                .collect(),
            fix: d.fix.as_ref().map(|f| JsonFix {
                description: &f.description,
                span: JsonSpan::new(source, f.span),
                replacement: &f.replacement,
            }),
            suppressed: d.suppressed.as_ref().map(|s| JsonSuppression {
                kind: s.kind,
                reason: s.reason.as_deref(),
            }),
        }
    }
}

/// Suppressed findings are always included (marked) so tools can audit suppressions; the
/// summary, computed by the caller, does not count them.
pub fn render(reports: &[FileReport], summary: &Summary) -> String {
    let doc = Document {
        version: VERSION,
        summary: JsonSummary {
            files: summary.files,
            errors: summary.errors,
            warnings: summary.warnings,
            infos: summary.infos,
        },
        diagnostics: reports
            .iter()
            .flat_map(|r| r.diagnostics.iter().map(move |d| JsonDiagnostic::new(r, d)))
            .collect(),
    };
    let mut out = serde_json::to_string_pretty(&doc).expect("plain structs always serialize");
    out.push('\n');
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::tests::{files_checked, sample_reports, snapshot_settings};
    use crate::report::{Format, RenderOptions, render};

    #[test]
    fn json_basic() {
        let reports = sample_reports();
        let summary = Summary::of(&reports, files_checked());
        let out = render(Format::Json, &reports, &summary, &RenderOptions::default());
        assert!(out.ends_with("}\n"));
        snapshot_settings().bind(|| insta::assert_snapshot!("report_json_basic", out));
    }

    #[test]
    fn json_shape_is_the_contract() {
        let reports = sample_reports();
        let summary = Summary::of(&reports, files_checked());
        let out = render(Format::Json, &reports, &summary, &RenderOptions::default());
        let v: serde_json::Value = serde_json::from_str(&out).unwrap();
        // serde_json's map is sorted, so this checks the member names; the snapshot the order.
        let keys = |v: &serde_json::Value| v.as_object().unwrap().keys().cloned().collect::<Vec<_>>();
        fn sorted(mut k: Vec<&str>) -> Vec<&str> {
            k.sort_unstable();
            k
        }
        assert_eq!(keys(&v), sorted(vec!["version", "summary", "diagnostics"]));
        assert_eq!(v["version"], 1);
        assert_eq!(
            keys(&v["summary"]),
            sorted(vec!["files", "errors", "warnings", "infos"])
        );
        let all = v["diagnostics"].as_array().unwrap();
        // Suppressed findings are listed even without show_suppressed, but not counted.
        let total: usize = reports.iter().map(|r| r.diagnostics.len()).sum();
        assert_eq!(all.len(), total);
        assert_eq!(all.iter().filter(|d| !d["suppressed"].is_null()).count(), 1);
        let diagnostic = vec![
            "rule",
            "severity",
            "path",
            "message",
            "help",
            "url",
            "span",
            "labels",
            "fix",
            "suppressed",
        ];
        let span = vec!["offset", "length", "start", "end"];
        for d in all {
            assert_eq!(keys(d), sorted(diagnostic.clone()));
            assert_eq!(keys(&d["span"]), sorted(span.clone()));
            assert_eq!(keys(&d["span"]["start"]), sorted(vec!["line", "column"]));
            assert_eq!(keys(&d["span"]["end"]), sorted(vec!["line", "column"]));
            for label in d["labels"].as_array().unwrap() {
                assert_eq!(keys(label), sorted(vec!["message", "span"]));
                assert_eq!(keys(&label["span"]), sorted(span.clone()));
            }
            if !d["fix"].is_null() {
                let fix = vec!["description", "span", "replacement"];
                assert_eq!(keys(&d["fix"]), sorted(fix));
            }
            if !d["suppressed"].is_null() {
                assert_eq!(keys(&d["suppressed"]), sorted(vec!["kind", "reason"]));
            }
        }
        assert_eq!(all.iter().filter(|d| !d["fix"].is_null()).count(), 1);
        let position = |member: &str| out.find(&format!("\"{member}\":")).unwrap();
        assert!(position("version") < position("summary"));
        assert!(position("summary") < position("diagnostics"));
        let show = RenderOptions {
            show_suppressed: true,
            ..RenderOptions::default()
        };
        assert_eq!(render(Format::Json, &reports, &summary, &show), out);
    }

    #[test]
    fn columns_count_scalars_offsets_count_bytes() {
        let source = SourceText::new("ab\né😀x\n");
        let span = JsonSpan::new(&source, Span::new(3, 10));
        let v = serde_json::to_value(&span).unwrap();
        assert_eq!(
            v,
            serde_json::json!({"offset": 3, "length": 7,
                "start": {"line": 2, "column": 1}, "end": {"line": 2, "column": 4}})
        );
    }
}
