//! The diagnostic model and the renderers that turn a run's findings into text.

pub mod concise;
pub mod diagnostic;
pub mod fingerprint;
pub mod github;
pub mod gitlab;
pub mod html;
pub mod json;
pub mod junit;
pub mod line_indexed;
pub mod markdown;
pub mod meta;
pub mod pretty;
pub mod sarif;

pub use diagnostic::{Diagnostic, FileReport, Fix, Label, Severity, Summary, Suppression};
pub use meta::{RuleCatalog, RuleMeta};

use std::fmt;
use std::str::FromStr;

/// An output format of `inboxlint check`. Adding one: a variant here, its name in
/// [`OutputFormat::ALL`] and [`OutputFormat::as_str`], a module, and an arm in [`render`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutputFormat {
    Pretty,
    Concise,
    Json,
    Sarif,
    Github,
    Junit,
    Gitlab,
    Markdown,
}

impl OutputFormat {
    pub const ALL: &'static [OutputFormat] = &[
        OutputFormat::Pretty,
        OutputFormat::Concise,
        OutputFormat::Json,
        OutputFormat::Sarif,
        OutputFormat::Github,
        OutputFormat::Junit,
        OutputFormat::Gitlab,
        OutputFormat::Markdown,
    ];

    /// The name used by `--format` and `INBOXLINT_FORMAT`.
    pub fn as_str(self) -> &'static str {
        match self {
            OutputFormat::Pretty => "pretty",
            OutputFormat::Concise => "concise",
            OutputFormat::Json => "json",
            OutputFormat::Sarif => "sarif",
            OutputFormat::Github => "github",
            OutputFormat::Junit => "junit",
            OutputFormat::Gitlab => "gitlab",
            OutputFormat::Markdown => "markdown",
        }
    }
}

impl fmt::Display for OutputFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownFormat(pub String);

impl fmt::Display for UnknownFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let names: Vec<_> = OutputFormat::ALL.iter().map(|f| f.as_str()).collect();
        write!(f, "unknown format `{}` (expected one of: {})", self.0, names.join(", "))
    }
}

impl std::error::Error for UnknownFormat {}

impl FromStr for OutputFormat {
    type Err = UnknownFormat;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        OutputFormat::ALL
            .iter()
            .copied()
            .find(|f| f.as_str() == s)
            .ok_or_else(|| UnknownFormat(s.to_string()))
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RenderOptions {
    /// ANSI styles (and terminal hyperlinks in pretty output).
    pub color: bool,
    /// Terminal width for wrapping; 0 means [`DEFAULT_WIDTH`].
    pub width: usize,
    /// Also show findings silenced by an inline comment or the baseline (json always has them).
    pub show_suppressed: bool,
    /// Leave out the closing summary line (`--quiet`).
    pub quiet: bool,
}

pub const DEFAULT_WIDTH: usize = 100;

impl RenderOptions {
    pub fn effective_width(&self) -> usize {
        if self.width == 0 { DEFAULT_WIDTH } else { self.width }
    }

    fn shows(&self, d: &Diagnostic) -> bool {
        self.show_suppressed || d.suppressed.is_none()
    }
}

/// Render everything to one String. `reports` are expected sorted by path, and each file's
/// diagnostics by span; `summary` counts only unsuppressed findings.
pub fn render(format: OutputFormat, reports: &[FileReport], summary: &Summary, opts: &RenderOptions) -> String {
    render_with_rules(format, reports, summary, opts, &RuleCatalog::default())
}

/// [`render`] with the rule documentation that SARIF's `tool.driver.rules[]` publishes; rules
/// missing from `catalog` are described from their findings.
pub fn render_with_rules(
    format: OutputFormat,
    reports: &[FileReport],
    summary: &Summary,
    opts: &RenderOptions,
    catalog: &RuleCatalog,
) -> String {
    match format {
        OutputFormat::Pretty => pretty::render(reports, summary, opts),
        OutputFormat::Concise => concise::render(reports, summary, opts),
        OutputFormat::Json => json::render(reports, summary),
        OutputFormat::Sarif => sarif::render(reports, catalog, env!("CARGO_PKG_VERSION")),
        OutputFormat::Github => github::render(reports, opts),
        OutputFormat::Junit => junit::render(reports),
        OutputFormat::Gitlab => gitlab::render(reports),
        OutputFormat::Markdown => markdown::render(reports, summary),
    }
}

/// The closing line of the text formats, e.g.
/// `Found 3 errors, 1 warning and 0 infos in 2 files (12 files checked).`
pub fn summary_line(reports: &[FileReport], summary: &Summary) -> String {
    let checked = count(summary.files, "file", "files");
    let (mut suppressed, mut baselined) = (0usize, 0usize);
    for s in reports
        .iter()
        .flat_map(|r| &r.diagnostics)
        .filter_map(|d| d.suppressed.as_ref())
    {
        if s.kind == "baseline" {
            baselined += 1;
        } else {
            suppressed += 1;
        }
    }
    let mut tail = format!("({checked} checked");
    if suppressed > 0 {
        tail.push_str(&format!(", {suppressed} suppressed"));
    }
    if baselined > 0 {
        tail.push_str(&format!(", {baselined} baselined"));
    }
    tail.push(')');
    if summary.errors + summary.warnings + summary.infos == 0 {
        return format!("All checks passed {tail}.");
    }
    let with_findings = reports
        .iter()
        .filter(|r| r.diagnostics.iter().any(|d| d.suppressed.is_none()))
        .count();
    format!(
        "Found {}, {} and {} in {} {tail}.",
        count(summary.errors, "error", "errors"),
        count(summary.warnings, "warning", "warnings"),
        count(summary.infos, "info", "infos"),
        count(with_findings, "file", "files"),
    )
}

fn count(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// How a suppressed finding is marked in the text formats.
fn suppression_note(s: &Suppression) -> String {
    match &s.reason {
        Some(reason) => format!("suppressed, {}: {reason}", s.kind),
        None => format!("suppressed, {}", s.kind),
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::source::{SourceText, Span};
    use std::sync::Arc;

    /// Snapshots live in the crate's `snapshots/` and are named without the module path, so
    /// their file names do not depend on the crate's name.
    pub(crate) fn snapshot_settings() -> insta::Settings {
        let mut settings = insta::Settings::clone_current();
        settings.set_snapshot_path(concat!(env!("CARGO_MANIFEST_DIR"), "/snapshots"));
        settings.set_prepend_module_to_snapshot(false);
        settings
    }

    pub(crate) fn files_checked() -> usize {
        5
    }

    fn span_of(text: &str, needle: &str) -> Span {
        let start = text.find(needle).unwrap_or_else(|| panic!("{needle:?} not in fixture"));
        Span::new(start, start + needle.len())
    }

    /// Two files, sorted by path: an error with help, url and an extra label, a warning with a
    /// fix, an info at an empty span at EOF, and a suppressed finding.
    pub(crate) fn sample_reports() -> Vec<FileReport> {
        let yaml =
            "name: Spring sale\nsubject: \"Économisez 20 % 🌸\"\nsmtp:\n  host: smtp.example.com\n  tls: false\n";
        let html = concat!(
            "<html>\n<body>\n",
            "  <p>Bonjour {{ first_name }}, ça va ? 😀</p>\n",
            "  <a href=\"https://t.example.com/café?e={{ email }}\">Offre spéciale</a>\n",
            "  <img src=\"http://cdn.example.com/logo.png\" alt=\"Logo\">\n",
            "  <!-- inboxlint-ignore security/insecure-link: legacy CDN, tracked in #12 -->\n",
            "  <img src=\"http://cdn.example.com/old.png\">\n",
            "</body>\n</html>\n",
        );
        let yaml_diagnostics = vec![
            Diagnostic {
                rule: "security/insecure-transport".into(),
                severity: Severity::Error,
                message: "`smtp.tls` is false: mail and credentials travel in clear text".into(),
                help: Some("Set `tls: true` (or use port 465/587 with STARTTLS).".into()),
                url: Some("https://inboxlint.dev/rules/security/insecure-transport".into()),
                span: span_of(yaml, "false"),
                labels: vec![Label::new(span_of(yaml, "smtp:"), "in this SMTP block")],
                fix: None,
                suppressed: None,
            },
            Diagnostic {
                rule: "deliverability/list-unsubscribe-missing".into(),
                severity: Severity::Info,
                message: "the campaign sets no List-Unsubscribe header".into(),
                help: None,
                url: None,
                span: Span::empty(yaml.len()),
                labels: vec![],
                fix: None,
                suppressed: None,
            },
        ];
        let email = span_of(html, "{{ email }}");
        let logo = span_of(html, "http://cdn.example.com/logo.png");
        let old = span_of(html, "http://cdn.example.com/old.png");
        let html_diagnostics = vec![
            Diagnostic {
                rule: "privacy/pii-in-url".into(),
                severity: Severity::Error,
                message: "{{ email }} puts contact data into a URL, where trackers and server logs keep it".into(),
                help: Some("Identify the recipient with an opaque id or the ESP's tracking token instead.".into()),
                url: Some("https://inboxlint.dev/rules/privacy/pii-in-url".into()),
                span: email,
                labels: vec![Label::new(
                    span_of(html, "Offre spéciale"),
                    "link text seen by the recipient",
                )],
                fix: None,
                suppressed: None,
            },
            Diagnostic {
                rule: "security/insecure-link".into(),
                severity: Severity::Warning,
                message: "image loaded over http://".into(),
                help: None,
                url: Some("https://inboxlint.dev/rules/security/insecure-link".into()),
                span: logo,
                labels: vec![],
                fix: Some(Fix {
                    description: "use https://".into(),
                    span: Span::new(logo.start, logo.start + "http".len()),
                    replacement: "https".into(),
                    applicability: crate::diagnostic::Applicability::Unsafe,
                }),
                suppressed: None,
            },
            Diagnostic {
                rule: "security/insecure-link".into(),
                severity: Severity::Warning,
                message: "image loaded over http://".into(),
                help: None,
                url: Some("https://inboxlint.dev/rules/security/insecure-link".into()),
                span: old,
                labels: vec![],
                fix: None,
                suppressed: Some(Suppression {
                    kind: "inline",
                    reason: Some("legacy CDN, tracked in #12".into()),
                }),
            },
        ];
        vec![
            FileReport {
                path: "campaigns/spring.yaml".into(),
                source: Arc::new(SourceText::new(yaml)),
                diagnostics: yaml_diagnostics,
            },
            FileReport {
                path: "emails/welcome.html".into(),
                source: Arc::new(SourceText::new(html)),
                diagnostics: html_diagnostics,
            },
        ]
    }

    #[test]
    fn summary_line_wording() {
        let reports = sample_reports();
        let summary = Summary::of(&reports, files_checked());
        assert_eq!(
            summary_line(&reports, &summary),
            "Found 2 errors, 1 warning and 1 info in 2 files (5 files checked, 1 suppressed)."
        );
        let clean = Summary {
            files: 1,
            ..Summary::default()
        };
        assert_eq!(summary_line(&[], &clean), "All checks passed (1 file checked).");
    }

    /// `inboxlint check` renders from excerpts cut by `Diagnostic::source_extents`: every format
    /// must come out as from the full texts, with far-apart labels (which miette may join into
    /// one snippet), fixes, spans at 0 and EOF, multi-byte text and CRLF line breaks.
    #[test]
    fn every_format_renders_the_same_from_excerpts() {
        fn compact(reports: &[FileReport]) -> Vec<FileReport> {
            reports
                .iter()
                .map(|r| FileReport {
                    source: Arc::new(SourceText::excerpt(
                        r.source.text().to_string(),
                        r.diagnostics.iter().flat_map(Diagnostic::source_extents),
                    )),
                    ..r.clone()
                })
                .collect()
        }
        let mut lf = String::new();
        for i in 0..80 {
            lf.push_str(&format!(
                "<p>ligne {i}: café 😀 <a href=\"http://x{i}.example/\">ok</a></p>\n"
            ));
        }
        lf.push_str("<footer>fin — no newline</footer>");
        let crlf = lf.replace('\n', "\r\n");
        let mut reports = sample_reports();
        for (path, text) in [("emails/lf.html", &lf), ("emails/crlf.html", &crlf)] {
            let at = |needle: &str| text.find(needle).unwrap_or(0);
            let spans = [
                span_of(text, "ligne 30: café"),
                span_of(text, "😀 <a href=\"http://x31"),
                Span::empty(at("<p>ligne 40")),
                span_of(text, "http://x70.example/"),
                Span::new(at("ligne 10"), at("ligne 12")),
                Span::empty(text.len()),
                Span::new(text.len() - 6, text.len()),
                Span::new(0, 3),
                Span::empty(at("\n<p>ligne 55")),
            ];
            // Labels join places between lines 10 and 70 only: one joining the first line to the
            // last would make the excerpt the whole text.
            let middle = [0, 1, 2, 3, 4, 8];
            let mut diagnostics = Vec::new();
            for (i, span) in spans.iter().enumerate() {
                let label = |k: usize| Label::new(spans[middle[(i + k) % middle.len()]], format!("related place {k}"));
                let labels = match i % 3 {
                    _ if !middle.contains(&i) => vec![],
                    0 => vec![],
                    1 => vec![label(3)],
                    _ => vec![label(2), label(5)],
                };
                diagnostics.push(Diagnostic {
                    rule: "template/test".into(),
                    severity: [Severity::Error, Severity::Warning, Severity::Info][i % 3],
                    message: format!("span {i}"),
                    help: Some("a help text".into()),
                    url: Some("https://inboxlint.dev/rules/template/test".into()),
                    span: *span,
                    labels,
                    fix: (i % 2 == 0).then(|| Fix {
                        description: "replace".into(),
                        span: spans[(i + 4) % spans.len()],
                        replacement: "x".into(),
                        applicability: crate::diagnostic::Applicability::Safe,
                    }),
                    suppressed: None,
                });
            }
            reports.push(FileReport {
                path: path.into(),
                source: Arc::new(SourceText::new(text.as_str())),
                diagnostics,
            });
        }
        let excerpts = compact(&reports);
        assert!(
            excerpts[2..].iter().all(|r| r.source.is_excerpt()),
            "the test must cut something"
        );
        let summary = Summary::of(&reports, files_checked());
        for opts in [
            RenderOptions::default(),
            RenderOptions {
                show_suppressed: true,
                width: 60,
                ..RenderOptions::default()
            },
        ] {
            for &format in OutputFormat::ALL {
                let want = render(format, &reports, &summary, &opts);
                let got = render(format, &excerpts, &summary, &opts);
                assert_eq!(got, want, "{format:?}");
            }
        }
    }

    #[test]
    fn format_names_round_trip() {
        for f in OutputFormat::ALL {
            assert_eq!(f.as_str().parse::<OutputFormat>(), Ok(*f));
        }
        let err = "xml".parse::<OutputFormat>().unwrap_err();
        assert_eq!(
            err.to_string(),
            "unknown format `xml` (expected one of: pretty, concise, json, sarif, github, junit, gitlab, markdown)"
        );
    }
}
