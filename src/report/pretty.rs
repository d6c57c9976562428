//! miette's graphical report, one block per finding, with the file's path in each header.

use super::line_indexed::LineIndexedSource;
use super::{Diagnostic, FileReport, RenderOptions, Severity, Summary, summary_line};
use miette::{GraphicalReportHandler, GraphicalTheme, LabeledSpan, SourceCode};
use rayon::prelude::*;
use std::fmt;

/// Files rendered in parallel before their text is appended to the output. Collecting every
/// file's text first and concatenating it held the whole output twice.
const FILES_PER_BATCH: usize = 128;

pub fn render(reports: &[FileReport], summary: &Summary, opts: &RenderOptions) -> String {
    let handler = handler(opts);
    let mut out = String::new();
    for batch in reports.chunks(FILES_PER_BATCH) {
        // Each file is independent, and miette's layout work dominates for large outputs.
        let files: Vec<String> = batch
            .par_iter()
            .map(|report| render_file(&handler, report, opts))
            .collect();
        for file in files {
            out.push_str(&file);
        }
    }
    if !opts.quiet {
        out.push_str(&summary_line(reports, summary));
        out.push('\n');
    }
    out
}

fn handler(opts: &RenderOptions) -> GraphicalReportHandler {
    let theme = if opts.color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    // Terminal hyperlinks hide the URL in logs and make snapshots depend on the terminal, so
    // they are only used when the output is styled for a terminal anyway.
    GraphicalReportHandler::new_themed(theme)
        .with_links(opts.color)
        .with_width(opts.effective_width())
}

fn render_file(handler: &GraphicalReportHandler, report: &FileReport, opts: &RenderOptions) -> String {
    let mut out = String::new();
    let mut shown = report.diagnostics.iter().filter(|d| opts.shows(d)).peekable();
    if shown.peek().is_none() {
        return out;
    }
    // One source per file: the lone-CR check and the line index are paid once, not per finding.
    let source = LineIndexedSource::named(&report.path, report.source.clone()).with_char_columns();
    for d in shown {
        let lint = Lint::new(d, &source);
        // Writing to a String cannot fail, and miette's other error, an unreadable span, is
        // ruled out by `Lint::clamp`.
        let _ = handler.render_report(&mut out, &lint);
        out.push('\n');
    }
    out
}

/// The bridge to miette's `Diagnostic` trait, which our rule-driven model cannot derive.
struct Lint<'a> {
    d: &'a Diagnostic,
    source: &'a LineIndexedSource,
    message: String,
}

impl<'a> Lint<'a> {
    fn new(d: &'a Diagnostic, source: &'a LineIndexedSource) -> Self {
        let message = match &d.suppressed {
            None => d.message.clone(),
            Some(s) => format!("{} ({})", d.message, super::suppression_note(s)),
        };
        Lint { d, source, message }
    }

    /// A span that starts or ends inside a UTF-8 sequence would make miette slice through a
    /// character; widen it to whole characters and keep it inside the text.
    fn clamp(&self, span: crate::source::Span) -> (usize, usize) {
        let text = self.source.source();
        let start = text.floor_boundary(span.start);
        let mut end = span.end.clamp(start, text.len());
        while !text.is_char_boundary(end) {
            end += 1;
        }
        (start, end - start)
    }
}

impl fmt::Debug for Lint<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.d, f)
    }
}

impl fmt::Display for Lint<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Lint<'_> {}

impl miette::Diagnostic for Lint<'_> {
    fn code<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        Some(Box::new(&self.d.rule))
    }

    fn severity(&self) -> Option<miette::Severity> {
        Some(match self.d.severity {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
            Severity::Info => miette::Severity::Advice,
        })
    }

    fn help<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        self.d.help.as_ref().map(|h| Box::new(h) as Box<dyn fmt::Display>)
    }

    fn url<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        self.d.url.as_ref().map(|u| Box::new(u) as Box<dyn fmt::Display>)
    }

    fn source_code(&self) -> Option<&dyn SourceCode> {
        Some(self.source)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        // The header already carries the message, so a lone underline needs no text; next to
        // other labels it gets the rule's name, or miette draws a bar that leads nowhere.
        let text = (!self.d.labels.is_empty()).then(|| {
            let name = self.d.rule.rsplit('/').next().unwrap_or(&self.d.rule);
            name.to_string()
        });
        let primary = LabeledSpan::new_primary_with_span(text, self.clamp(self.d.span));
        let extra = self
            .d
            .labels
            .iter()
            .map(|l| LabeledSpan::new_with_span(Some(l.message.clone()), self.clamp(l.span)));
        Some(Box::new(std::iter::once(primary).chain(extra)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::tests::{files_checked, sample_reports};
    use crate::report::{OutputFormat, render};
    use crate::source::{SourceText, Span};
    use std::sync::Arc;
    use std::time::Instant;

    fn settings() -> insta::Settings {
        crate::report::tests::snapshot_settings()
    }

    #[test]
    fn pretty_basic() {
        let reports = sample_reports();
        let summary = Summary::of(&reports, files_checked());
        let out = render(OutputFormat::Pretty, &reports, &summary, &RenderOptions::default());
        settings().bind(|| insta::assert_snapshot!("report_pretty_basic", out));
    }

    #[test]
    fn pretty_show_suppressed() {
        let reports = sample_reports();
        let summary = Summary::of(&reports, files_checked());
        let opts = RenderOptions {
            show_suppressed: true,
            ..RenderOptions::default()
        };
        let out = render(OutputFormat::Pretty, &reports, &summary, &opts);
        settings().bind(|| insta::assert_snapshot!("report_pretty_show_suppressed", out));
    }

    #[test]
    fn pretty_clean_run() {
        let summary = Summary {
            files: 12,
            ..Summary::default()
        };
        let out = render(OutputFormat::Pretty, &[], &summary, &RenderOptions::default());
        assert_eq!(out, "All checks passed (12 files checked).\n");
    }

    #[test]
    fn color_mode_styles_and_links() {
        let reports = sample_reports();
        let summary = Summary::of(&reports, files_checked());
        let opts = RenderOptions {
            color: true,
            ..RenderOptions::default()
        };
        let out = render(OutputFormat::Pretty, &reports, &summary, &opts);
        assert!(out.contains("\u{1b}["), "ANSI styles expected");
        assert!(out.contains("\u{1b}]8;;https://"), "terminal hyperlink expected");
        let plain = render(OutputFormat::Pretty, &reports, &summary, &RenderOptions::default());
        assert!(!plain.contains('\u{1b}'));
    }

    /// The same diagnostic rendered through the line-indexed source and through miette's stock
    /// `String` source must give the same bytes, wherever the spans fall.
    #[test]
    fn line_indexed_render_is_byte_identical_to_stock() {
        struct Stock<'a>(Lint<'a>, miette::NamedSource<String>);
        impl fmt::Debug for Stock<'_> {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                fmt::Debug::fmt(&self.0, f)
            }
        }
        impl fmt::Display for Stock<'_> {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                fmt::Display::fmt(&self.0, f)
            }
        }
        impl std::error::Error for Stock<'_> {}
        impl miette::Diagnostic for Stock<'_> {
            fn code<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
                self.0.code()
            }
            fn severity(&self) -> Option<miette::Severity> {
                self.0.severity()
            }
            fn help<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
                self.0.help()
            }
            fn url<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
                self.0.url()
            }
            fn source_code(&self) -> Option<&dyn SourceCode> {
                Some(&self.1)
            }
            fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
                self.0.labels()
            }
        }

        let mut text = String::new();
        for i in 0..60 {
            text.push_str(&format!("<p>ligne {i}: café crème 😀 <a href=\"x{i}\">ok</a></p>\n"));
        }
        text.push_str("<footer>fin — no newline</footer>");
        let source = Arc::new(SourceText::new(text.clone()));
        let at = |needle: &str| text.find(needle).unwrap();
        let middle = at("ligne 30:");
        let spans = [
            Span::new(middle, middle + "ligne 30: café".len()),
            Span::new(at("😀 <a href=\"x31\""), at("😀 <a href=\"x31\"") + 4),
            Span::empty(at("<p>ligne 40")),
            Span::empty(at("crème 😀 <a href=\"x45\"")),
            Span::new(at("ligne 10"), at("ligne 12")),
            Span::empty(text.len()),
            Span::new(text.len() - 6, text.len()),
            Span::new(0, 3),
        ];
        let ours = LineIndexedSource::named("emails/fr.html", source.clone());
        for opts in [
            RenderOptions::default(),
            RenderOptions {
                width: 40,
                ..RenderOptions::default()
            },
        ] {
            let handler = handler(&opts);
            for (i, span) in spans.iter().enumerate() {
                let d = Diagnostic {
                    rule: "template/test".into(),
                    severity: Severity::Warning,
                    message: format!("span {i}"),
                    help: Some("a help text".into()),
                    url: Some("https://inboxlint.dev/rules/template/test".into()),
                    span: *span,
                    labels: vec![crate::report::Label {
                        span: spans[(i + 3) % spans.len()],
                        message: "related place".into(),
                    }],
                    fix: None,
                    suppressed: None,
                };
                let mut got = String::new();
                handler.render_report(&mut got, &Lint::new(&d, &ours)).unwrap();
                let stock = Stock(
                    Lint::new(&d, &ours),
                    miette::NamedSource::new("emails/fr.html", text.clone()),
                );
                let mut want = String::new();
                handler.render_report(&mut want, &stock).unwrap();
                assert_eq!(got, want, "span {i}: {span:?}");
                assert!(got.contains("emails/fr.html:"), "{got}");
            }
        }
    }

    /// 1,000 findings in a 1 MB file: every one must render with its own line in the header.
    #[test]
    fn large_file_renders_every_finding() {
        let line = "<tr><td class=\"c\">Prénom {{ first_name }} — <a href=\"http://x.example/p\">lien</a></td></tr>\n";
        let lines = 1_000_000 / line.len() + 1;
        let text = line.repeat(lines);
        assert!(text.len() >= 1_000_000);
        let source = Arc::new(SourceText::new(text));
        let step = lines / 1000;
        let href = line.find("http://").unwrap();
        let diagnostics: Vec<Diagnostic> = (0..1000)
            .map(|i| {
                let start = source.line_starts()[i * step] + href;
                Diagnostic {
                    rule: "security/insecure-link".into(),
                    severity: Severity::Error,
                    message: "link uses http://".into(),
                    help: Some("use https://".into()),
                    url: Some("https://inboxlint.dev/rules/security/insecure-link".into()),
                    span: Span::new(start, start + "http://x.example/p".len()),
                    labels: vec![],
                    fix: None,
                    suppressed: None,
                }
            })
            .collect();
        let reports = vec![FileReport {
            path: "big.html".into(),
            source,
            diagnostics,
        }];
        let summary = Summary::of(&reports, 1);
        let started = Instant::now();
        let out = render(OutputFormat::Pretty, &reports, &summary, &RenderOptions::default());
        let elapsed = started.elapsed();
        eprintln!("pretty: 1,000 diagnostics in a 1 MB file rendered in {elapsed:?}");
        let column = line[..href].chars().count() + 1;
        for i in [0, 1, 499, 999] {
            let header = format!("[big.html:{}:{column}]", i * step + 1);
            assert!(out.contains(&header), "missing {header}");
        }
        assert_eq!(out.matches("× link uses http://").count(), 1000);
        assert!(out.ends_with("Found 1000 errors, 0 warnings and 0 infos in 1 file (1 file checked).\n"));
    }
}
