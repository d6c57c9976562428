//! `--format json`: the document described in DESIGN.md §6. Its shape is a contract for CI
//! scripts and the GitHub Action, so it is spelled out as structs here rather than derived from
//! the internal model, which may grow fields that must not leak into the output.

use super::{Diagnostic, FileReport, Summary};
use crate::document::{ClassInfo, ClassSource, FileKind};
use crate::source::{LineCol, SourceText, Span};
use serde::Serialize;
use std::collections::HashMap;

/// What the linter decided about one file: listed in json's `files` so CI can see why a rule
/// did or did not run (a template inferred transactional skips marketing-only rules).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileInfo {
    pub path: String,
    pub kind: FileKind,
    pub class: ClassInfo,
}

const VERSION: u32 = 1;

#[derive(Serialize)]
struct Document<'a> {
    version: u32,
    summary: JsonSummary,
    files: Vec<JsonFile<'a>>,
    diagnostics: Vec<JsonDiagnostic<'a>>,
}

#[derive(Serialize)]
struct JsonFile<'a> {
    path: &'a str,
    kind: &'static str,
    class: JsonClass<'a>,
}

#[derive(Serialize)]
struct JsonClass<'a> {
    name: &'static str,
    /// `config`, `marker`, `inferred` or `default`.
    source: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    glob: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    reason: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    span: Option<JsonSpan>,
}

impl<'a> JsonFile<'a> {
    fn new(info: &'a FileInfo, sources: &HashMap<&str, &SourceText>) -> Self {
        let source = sources.get(info.path.as_str());
        let c = &info.class;
        let (name, glob, reason, span) = match &c.source {
            ClassSource::Config { glob } => ("config", Some(glob.as_str()), None, None),
            ClassSource::Marker { span } => (
                "marker",
                None,
                None,
                source.map(|s| JsonSpan::new(s, Span::new(span.0, span.1))),
            ),
            ClassSource::Inferred { reason } => ("inferred", None, Some(reason.as_str()), None),
            ClassSource::Default => ("default", None, None, None),
        };
        JsonFile {
            path: &info.path,
            kind: info.kind.as_str(),
            class: JsonClass {
                name: c.class.as_str(),
                source: name,
                glob,
                reason,
                span,
            },
        }
    }
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
    /// Only for a label in another file (a partial searched for a message-level rule).
    #[serde(skip_serializing_if = "Option::is_none")]
    path: Option<&'a str>,
    message: &'a str,
    span: JsonSpan,
}

#[derive(Serialize)]
struct JsonFix<'a> {
    description: &'a str,
    span: JsonSpan,
    replacement: &'a str,
    applicability: &'static str,
}

#[derive(Serialize)]
struct JsonSuppression<'a> {
    kind: &'a str,
    reason: Option<&'a str>,
}

impl JsonSpan {
    fn new(source: &SourceText, span: Span) -> Self {
        Self::at(source.line_col(span.start), source.line_col(span.end), span)
    }

    fn at(start: LineCol, end: LineCol, span: Span) -> Self {
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
                    path: l.file.as_ref().map(|f| f.path.as_str()),
                    message: &l.message,
                    span: match &l.file {
                        None => JsonSpan::new(source, l.span),
                        Some(f) => JsonSpan::at(f.start, f.end, l.span),
                    },
                })
                .collect(),
            fix: d.fix.as_ref().map(|f| JsonFix {
                description: &f.description,
                span: JsonSpan::new(source, f.span),
                replacement: &f.replacement,
                applicability: f.applicability.as_str(),
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
    render_with_files(reports, summary, &[])
}

/// [`render`] with the `files` member filled: each linted file's kind and class, and why.
pub fn render_with_files(reports: &[FileReport], summary: &Summary, files: &[FileInfo]) -> String {
    // Looked up once per file: a scan of the reports for each would be quadratic.
    let mut sources: HashMap<&str, &SourceText> = HashMap::with_capacity(reports.len());
    for r in reports {
        // The first report of a path wins, as a front-to-back search would find it.
        sources.entry(r.path.as_str()).or_insert(&r.source);
    }
    let doc = Document {
        version: VERSION,
        summary: JsonSummary {
            files: summary.files,
            errors: summary.errors,
            warnings: summary.warnings,
            infos: summary.infos,
        },
        files: files.iter().map(|f| JsonFile::new(f, &sources)).collect(),
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
    use crate::report::{OutputFormat, RenderOptions, render};

    #[test]
    fn json_basic() {
        let reports = sample_reports();
        let summary = Summary::of(&reports, files_checked());
        let out = render(OutputFormat::Json, &reports, &summary, &RenderOptions::default());
        assert!(out.ends_with("}\n"));
        snapshot_settings().bind(|| insta::assert_snapshot!("report_json_basic", out));
    }

    #[test]
    fn json_shape_is_the_contract() {
        let reports = sample_reports();
        let summary = Summary::of(&reports, files_checked());
        let out = render(OutputFormat::Json, &reports, &summary, &RenderOptions::default());
        let v: serde_json::Value = serde_json::from_str(&out).unwrap();
        // serde_json's map is sorted, so this checks the member names; the snapshot the order.
        let keys = |v: &serde_json::Value| v.as_object().unwrap().keys().cloned().collect::<Vec<_>>();
        fn sorted(mut k: Vec<&str>) -> Vec<&str> {
            k.sort_unstable();
            k
        }
        assert_eq!(keys(&v), sorted(vec!["version", "summary", "files", "diagnostics"]));
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
                let fix = vec!["description", "span", "replacement", "applicability"];
                assert_eq!(keys(&d["fix"]), sorted(fix));
            }
            if !d["suppressed"].is_null() {
                assert_eq!(keys(&d["suppressed"]), sorted(vec!["kind", "reason"]));
            }
        }
        assert_eq!(all.iter().filter(|d| !d["fix"].is_null()).count(), 1);
        let position = |member: &str| out.find(&format!("\"{member}\":")).unwrap();
        assert!(position("version") < position("summary"));
        assert!(position("summary") < position("files"));
        assert!(position("files") < position("diagnostics"));
        let show = RenderOptions {
            show_suppressed: true,
            ..RenderOptions::default()
        };
        assert_eq!(render(OutputFormat::Json, &reports, &summary, &show), out);
    }

    #[test]
    fn files_carry_class_and_why() {
        let reports = sample_reports();
        let summary = Summary::of(&reports, files_checked());
        let html = &reports[1];
        let marker_at = html.source.text().find("<html>").unwrap();
        let files = vec![
            FileInfo {
                path: "campaigns/spring.yaml".into(),
                kind: FileKind::Config,
                class: ClassInfo::default(),
            },
            FileInfo {
                path: "emails/welcome.html".into(),
                kind: FileKind::Html,
                class: ClassInfo {
                    class: crate::document::MessageClass::Transactional,
                    source: ClassSource::Marker {
                        span: (marker_at, marker_at + 6),
                    },
                },
            },
            FileInfo {
                path: "emails/reset.html".into(),
                kind: FileKind::Html,
                class: ClassInfo {
                    class: crate::document::MessageClass::Transactional,
                    source: ClassSource::Inferred {
                        reason: "password reset: the title says \"Reset your password\"".into(),
                    },
                },
            },
            FileInfo {
                path: "emails/receipt.html".into(),
                kind: FileKind::Html,
                class: ClassInfo {
                    class: crate::document::MessageClass::Transactional,
                    source: ClassSource::Config {
                        glob: "emails/receipt*".into(),
                    },
                },
            },
        ];
        let out = render_with_files(&reports, &summary, &files);
        let v: serde_json::Value = serde_json::from_str(&out).unwrap();
        assert_eq!(
            v["files"],
            serde_json::json!([
                {"path": "campaigns/spring.yaml", "kind": "config", "class": {"name": "marketing", "source": "default"}},
                {"path": "emails/welcome.html", "kind": "html", "class": {"name": "transactional", "source": "marker",
                  "span": {"offset": 0, "length": 6, "start": {"line": 1, "column": 1}, "end": {"line": 1, "column": 7}}}},
                {"path": "emails/reset.html", "kind": "html", "class": {"name": "transactional", "source": "inferred",
                  "reason": "password reset: the title says \"Reset your password\""}},
                {"path": "emails/receipt.html", "kind": "html", "class": {"name": "transactional", "source": "config",
                  "glob": "emails/receipt*"}}
            ])
        );
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
