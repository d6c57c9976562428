//! `--format github`: GitHub Actions workflow commands, one annotation per finding, e.g.
//! `::error file=a.html,line=3,col=5,endLine=3,endColumn=9,title=inboxlint (security/insecure-link)::…`.
//! Suppressed findings are left out: an annotation cannot say it is suppressed.

use super::{FileReport, RenderOptions, Severity};
use std::fmt::Write as _;

fn command(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "notice",
    }
}

/// Escaping of the message part, as the runner's `toolkit/core` `escapeData` does.
pub fn escape_data(s: &str) -> String {
    s.replace('%', "%25").replace('\r', "%0D").replace('\n', "%0A")
}

/// Property values additionally may not contain the `:` and `,` that delimit them.
pub fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

pub fn render(reports: &[FileReport], opts: &RenderOptions) -> String {
    let mut out = String::new();
    for report in reports {
        for d in report.diagnostics.iter().filter(|d| d.suppressed.is_none()) {
            let (start, end) = (report.source.line_col(d.span.start), report.source.line_col(d.span.end));
            let mut message = d.message.clone();
            if let Some(help) = &d.help {
                message = format!("{message}\n{help}");
            }
            let _ = writeln!(
                out,
                "::{} file={},line={},col={},endLine={},endColumn={},title={}::{}",
                command(d.severity),
                escape_property(&report.path),
                start.line,
                start.column,
                end.line,
                end.column,
                escape_property(&format!("inboxlint ({})", d.rule)),
                escape_data(&message),
            );
        }
    }
    // The annotations are for the runner; the count is for whoever reads the raw log.
    if !opts.quiet {
        let findings: usize = reports
            .iter()
            .map(|r| r.diagnostics.iter().filter(|d| d.suppressed.is_none()).count())
            .sum();
        let _ = writeln!(
            out,
            "inboxlint: {findings} finding{}",
            if findings == 1 { "" } else { "s" }
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::tests::{sample_reports, snapshot_settings};

    #[test]
    fn github_basic() {
        let out = render(&sample_reports(), &RenderOptions::default());
        snapshot_settings().bind(|| insta::assert_snapshot!("report_github_basic", out));
    }

    #[test]
    fn escaping_follows_the_runner() {
        assert_eq!(escape_data("100% a\r\nb: c, d"), "100%25 a%0D%0Ab: c, d");
        assert_eq!(escape_property("a:b,c%\n"), "a%3Ab%2Cc%25%0A");
    }

    #[test]
    fn every_finding_is_one_line() {
        let reports = sample_reports();
        let opts = RenderOptions {
            quiet: true,
            ..RenderOptions::default()
        };
        let out = render(&reports, &opts);
        let lines: Vec<_> = out.lines().collect();
        assert_eq!(lines.len(), 4, "four unsuppressed findings: {out}");
        assert!(lines.iter().all(|l| l.starts_with("::")), "{out}");
        assert!(lines[0].starts_with("::error file=campaigns/spring.yaml,line=5,col=8,endLine=5,endColumn=13,title=inboxlint (security/insecure-transport)::"), "{}", lines[0]);
        assert!(lines[1].starts_with("::notice "), "{}", lines[1]);
    }
}
