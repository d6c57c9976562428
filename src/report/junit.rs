//! `--format junit`: JUnit XML for CI test-report widgets. One test suite per checked file;
//! each finding is a failing test case, a suppressed one a skipped case, and a clean file one
//! passing case, so the report also shows what was checked.

use super::FileReport;
use std::fmt::Write as _;

/// XML 1.0 text and attribute escaping; control characters XML cannot carry are dropped.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\n' => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            '\t' => out.push_str("&#9;"),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => {}
            c => out.push(c),
        }
    }
    out
}

pub fn render(reports: &[FileReport]) -> String {
    let mut suites = String::new();
    let (mut tests, mut failures, mut skipped) = (0usize, 0usize, 0usize);
    for report in reports {
        let path = escape(&report.path);
        let mut cases = String::new();
        let (mut n, mut failed, mut skip) = (0usize, 0usize, 0usize);
        for d in &report.diagnostics {
            n += 1;
            let at = report.source.line_col(d.span.start);
            let name = escape(&format!("{} at {}:{}", d.rule, at.line, at.column));
            let _ = write!(
                cases,
                "    <testcase name=\"{name}\" classname=\"{path}\" file=\"{path}\" line=\"{}\">",
                at.line
            );
            match &d.suppressed {
                Some(s) => {
                    skip += 1;
                    let why = match &s.reason {
                        Some(r) => format!("suppressed ({}): {r}", s.kind),
                        None => format!("suppressed ({})", s.kind),
                    };
                    let _ = write!(cases, "<skipped message=\"{}\"/>", escape(&why));
                }
                None => {
                    failed += 1;
                    let mut body = format!("{}:{}:{}: {}", report.path, at.line, at.column, d.message);
                    if let Some(help) = &d.help {
                        body = format!("{body}\nhelp: {help}");
                    }
                    let _ = write!(
                        cases,
                        "<failure message=\"{}\" type=\"{}\">{}</failure>",
                        escape(&d.message),
                        d.severity.as_str(),
                        escape(&body)
                    );
                }
            }
            cases.push_str("</testcase>\n");
        }
        if n == 0 {
            n = 1;
            let _ = writeln!(
                cases,
                "    <testcase name=\"inboxlint\" classname=\"{path}\" file=\"{path}\"/>"
            );
        }
        let _ = write!(
            suites,
            "  <testsuite name=\"{path}\" tests=\"{n}\" failures=\"{failed}\" errors=\"0\" skipped=\"{skip}\">\n{cases}  </testsuite>\n"
        );
        tests += n;
        failures += failed;
        skipped += skip;
    }
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"inboxlint\" tests=\"{tests}\" failures=\"{failures}\" errors=\"0\" skipped=\"{skipped}\">\n{suites}</testsuites>\n"
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::tests::{sample_reports, snapshot_settings};

    #[test]
    fn junit_basic() {
        let out = render(&sample_reports());
        snapshot_settings().bind(|| insta::assert_snapshot!("report_junit_basic", out));
    }

    #[test]
    fn escapes_markup_and_control_characters() {
        assert_eq!(
            escape("<a href=\"x\">&'\u{1}\n"),
            "&lt;a href=&quot;x&quot;&gt;&amp;&apos;&#10;"
        );
    }
}
