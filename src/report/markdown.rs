//! `--format markdown`: a short Markdown report for a CI job summary (`$GITHUB_STEP_SUMMARY`):
//! totals, findings per rule, and the files with most findings. The details are in the
//! annotations or the SARIF upload; this page answers "how bad is it, and where".

use super::{FileReport, Severity, Summary};
use std::collections::BTreeMap;
use std::fmt::Write as _;

/// How many files the "Top files" table lists.
pub const TOP_FILES: usize = 10;

/// Inline code in a table cell: a `|` would end the cell, a backtick the code span.
fn code(s: &str) -> String {
    format!("`{}`", s.replace('|', "\\|").replace('`', "'"))
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

pub fn render(reports: &[FileReport], summary: &Summary) -> String {
    let mut out = String::from("## inboxlint\n\n");
    let (mut baselined, mut suppressed) = (0usize, 0usize);
    let mut rules: BTreeMap<&str, (Severity, usize)> = BTreeMap::new();
    let mut files: Vec<(&str, [usize; 3])> = Vec::new();
    for report in reports {
        let mut counts = [0usize; 3];
        for d in &report.diagnostics {
            match &d.suppressed {
                Some(s) if s.kind == "baseline" => baselined += 1,
                Some(_) => suppressed += 1,
                None => {
                    let entry = rules.entry(&d.rule).or_insert((d.severity, 0));
                    entry.0 = entry.0.max(d.severity);
                    entry.1 += 1;
                    counts[match d.severity {
                        Severity::Error => 0,
                        Severity::Warning => 1,
                        Severity::Info => 2,
                    }] += 1;
                }
            }
        }
        if counts.iter().sum::<usize>() > 0 {
            files.push((&report.path, counts));
        }
    }
    let mut notes = Vec::new();
    if baselined > 0 {
        notes.push(format!("{baselined} baselined"));
    }
    if suppressed > 0 {
        notes.push(format!("{suppressed} suppressed"));
    }
    let notes = if notes.is_empty() {
        String::new()
    } else {
        format!("; {}", notes.join(", "))
    };
    let checked = plural(summary.files, "file", "files");
    if rules.is_empty() {
        let _ = writeln!(out, "All checks passed ({checked} checked{notes}).");
        return out;
    }
    let _ = writeln!(
        out,
        "**{}, {} and {}** in {} ({checked} checked{notes}).\n",
        plural(summary.errors, "error", "errors"),
        plural(summary.warnings, "warning", "warnings"),
        plural(summary.infos, "info", "infos"),
        plural(files.len(), "file", "files"),
    );
    let mut by_count: Vec<_> = rules.into_iter().collect();
    by_count.sort_by(|a, b| b.1.1.cmp(&a.1.1).then_with(|| a.0.cmp(b.0)));
    out.push_str("| rule | severity | findings |\n|---|---|---:|\n");
    for (rule, (severity, n)) in by_count {
        let _ = writeln!(out, "| {} | {} | {n} |", code(rule), severity.as_str());
    }
    files.sort_by(|a, b| {
        let total = |c: &[usize; 3]| c.iter().sum::<usize>();
        total(&b.1).cmp(&total(&a.1)).then_with(|| a.0.cmp(b.0))
    });
    let shown = files.len().min(TOP_FILES);
    let title = if files.len() > TOP_FILES {
        format!("Top {TOP_FILES} of {} files", files.len())
    } else {
        "Files".to_string()
    };
    let _ = writeln!(
        out,
        "\n**{title}**\n\n| file | errors | warnings | infos |\n|---|---:|---:|---:|"
    );
    for (path, [e, w, i]) in &files[..shown] {
        let _ = writeln!(out, "| {} | {e} | {w} | {i} |", code(path));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::tests::{files_checked, sample_reports, snapshot_settings};

    #[test]
    fn markdown_basic() {
        let reports = sample_reports();
        let out = render(&reports, &Summary::of(&reports, files_checked()));
        snapshot_settings().bind(|| insta::assert_snapshot!("report_markdown_basic", out));
    }

    #[test]
    fn clean_run_and_cell_escaping() {
        let clean = Summary {
            files: 2,
            ..Summary::default()
        };
        assert_eq!(
            render(&[], &clean),
            "## inboxlint\n\nAll checks passed (2 files checked).\n"
        );
        assert_eq!(code("a|b`c"), "`a\\|b'c`");
    }
}
