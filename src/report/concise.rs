//! One line per finding, `path:line:col: severity[rule] message`, for grep, editors' error
//! parsers and CI logs.

use super::{FileReport, RenderOptions, Severity, Summary, summary_line, suppression_note};
use std::fmt::Write as _;

pub fn render(reports: &[FileReport], summary: &Summary, opts: &RenderOptions) -> String {
    let mut out = String::new();
    for report in reports {
        for d in report.diagnostics.iter().filter(|d| opts.shows(d)) {
            let at = report.source.line_col(d.span.start);
            let location = format!("{}:{}:{}:", report.path, at.line, at.column);
            let severity = d.severity.as_str();
            if opts.color {
                let color = match d.severity {
                    Severity::Error => "31",
                    Severity::Warning => "33",
                    Severity::Info => "36",
                };
                let _ = write!(out, "\x1b[1m{location}\x1b[0m \x1b[1;{color}m{severity}\x1b[0m");
            } else {
                let _ = write!(out, "{location} {severity}");
            }
            // A message with a line break would split the finding over lines that no longer
            // start with `path:line:col:`.
            let _ = write!(out, "[{}] {}", d.rule, one_line(&d.message));
            if let Some(s) = &d.suppressed {
                let _ = write!(out, " ({})", one_line(&suppression_note(s)));
            }
            out.push('\n');
        }
    }
    if !opts.quiet {
        out.push_str(&summary_line(reports, summary));
        out.push('\n');
    }
    out
}

fn one_line(s: &str) -> String {
    s.split(['\r', '\n'])
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::tests::{files_checked, sample_reports, snapshot_settings};
    use crate::report::{OutputFormat, render};

    #[test]
    fn concise_basic() {
        let reports = sample_reports();
        let summary = Summary::of(&reports, files_checked());
        let out = render(OutputFormat::Concise, &reports, &summary, &RenderOptions::default());
        snapshot_settings().bind(|| insta::assert_snapshot!("report_concise_basic", out));
    }

    #[test]
    fn concise_show_suppressed() {
        let reports = sample_reports();
        let summary = Summary::of(&reports, files_checked());
        let opts = RenderOptions {
            show_suppressed: true,
            ..RenderOptions::default()
        };
        let out = render(OutputFormat::Concise, &reports, &summary, &opts);
        snapshot_settings().bind(|| insta::assert_snapshot!("report_concise_show_suppressed", out));
    }

    #[test]
    fn concise_color_keeps_the_line_shape() {
        let reports = sample_reports();
        let summary = Summary::of(&reports, files_checked());
        let opts = RenderOptions {
            color: true,
            ..RenderOptions::default()
        };
        let out = render(OutputFormat::Concise, &reports, &summary, &opts);
        let first = out.lines().next().unwrap();
        assert!(
            first.starts_with("\x1b[1mcampaigns/spring.yaml:5:8:\x1b[0m "),
            "{first:?}"
        );
        assert!(
            first.contains("\x1b[1;31merror\x1b[0m[security/insecure-transport]"),
            "{first:?}"
        );
    }

    #[test]
    fn messages_stay_on_one_line() {
        assert_eq!(one_line("a\nb\r\n\nc"), "a b c");
    }
}
