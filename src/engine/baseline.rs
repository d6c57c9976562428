//! Baselines for gradual adoption: `--write-baseline FILE` records how many findings each rule
//! has in each file; `--baseline FILE` then silences that many per (file, rule) and reports
//! the rest. Counting instead of recording lines (as oxlint's bulk suppressions and ESLint's
//! RFC 119 do) means moved or edited lines do not break the baseline; only a new finding of a
//! rule in a file does.
//!
//! Paths in the file are relative to the baseline file's directory with `/` separators, so
//! the same baseline works from any working directory and on any OS.

use crate::diagnostic::Suppression;
use crate::report::FileReport;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::{Component, Path, PathBuf};

pub const VERSION: u32 = 1;

/// The baseline file. `BTreeMap`s keep it sorted, so rewriting an unchanged baseline gives the
/// same bytes and diffs of it are reviewable.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Baseline {
    pub version: u32,
    /// Relative path → rule id → number of findings.
    pub files: BTreeMap<String, BTreeMap<String, usize>>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BaselineError(pub String);

impl std::fmt::Display for BaselineError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for BaselineError {}

impl Baseline {
    /// Counts the findings not already suppressed inline. `key` maps a report to its key in
    /// the file (see [`key_for`]).
    pub fn record(reports: &[FileReport], key: impl Fn(&FileReport) -> String) -> Baseline {
        let mut files: BTreeMap<String, BTreeMap<String, usize>> = BTreeMap::new();
        for report in reports {
            for d in report.diagnostics.iter().filter(|d| d.suppressed.is_none()) {
                *files.entry(key(report)).or_default().entry(d.rule.clone()).or_default() += 1;
            }
        }
        Baseline {
            version: VERSION,
            files,
        }
    }

    pub fn findings(&self) -> usize {
        self.files.values().flat_map(|rules| rules.values()).sum()
    }

    pub fn to_json(&self) -> String {
        let mut s = serde_json::to_string_pretty(self).unwrap_or_default();
        s.push('\n');
        s
    }

    pub fn parse(text: &str) -> Result<Baseline, BaselineError> {
        let b: Baseline = serde_json::from_str(text).map_err(|e| BaselineError(format!("not a baseline file: {e}")))?;
        if b.version != VERSION {
            return Err(BaselineError(format!(
                "baseline version {} is not supported (expected {VERSION}); rewrite it with --write-baseline",
                b.version
            )));
        }
        Ok(b)
    }

    pub fn read(path: &Path) -> Result<Baseline, BaselineError> {
        let text = std::fs::read_to_string(path).map_err(|e| {
            BaselineError(format!(
                "cannot read baseline {}: {e} (create it with --write-baseline {0})",
                path.display()
            ))
        })?;
        Baseline::parse(&text).map_err(|e| BaselineError(format!("{}: {e}", path.display())))
    }

    pub fn write(&self, path: &Path) -> Result<(), BaselineError> {
        crate::atomic_write::write(path, self.to_json().as_bytes())
            .map_err(|e| BaselineError(format!("cannot write baseline {}: {e}", path.display())))
    }

    /// Marks, per rule, the first `count` unsuppressed findings of `report` (in position
    /// order) as baselined; returns how many it marked. `key` is the report's key in the file.
    pub fn apply(&self, report: &mut FileReport, key: &str) -> usize {
        let Some(rules) = self.files.get(key) else {
            return 0;
        };
        let mut left = rules.clone();
        let mut marked = 0;
        for d in report.diagnostics.iter_mut().filter(|d| d.suppressed.is_none()) {
            if let Some(n) = left.get_mut(&d.rule).filter(|n| **n > 0) {
                *n -= 1;
                marked += 1;
                d.suppressed = Some(Suppression {
                    kind: "baseline",
                    reason: Some("recorded in the baseline".into()),
                });
            }
        }
        marked
    }
}

/// `path` (absolute) relative to `base` (absolute), lexically, with `/` separators: `..` steps
/// when it lies outside. Both are normalised first so `a/./b` and `a/x/../b` agree.
pub fn key_for(path: &Path, base: &Path) -> String {
    let (p, b) = (normalise(path), normalise(base));
    let common = p.components().zip(b.components()).take_while(|(x, y)| x == y).count();
    if common == 0 && p.is_absolute() != b.is_absolute() {
        return p.to_string_lossy().replace('\\', "/");
    }
    let mut parts: Vec<String> = b.components().skip(common).map(|_| "..".to_string()).collect();
    parts.extend(
        p.components()
            .skip(common)
            .map(|c| c.as_os_str().to_string_lossy().into_owned()),
    );
    parts.join("/")
}

fn normalise(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                if !out.pop() {
                    out.push("..");
                }
            }
            c => out.push(c.as_os_str()),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::{Diagnostic, Severity};
    use crate::source::{SourceText, Span};
    use std::sync::Arc;

    fn report(path: &str, rules: &[&str]) -> FileReport {
        FileReport {
            path: path.into(),
            source: Arc::new(SourceText::new("x".repeat(rules.len()))),
            diagnostics: rules
                .iter()
                .enumerate()
                .map(|(i, r)| Diagnostic {
                    rule: r.to_string(),
                    severity: Severity::Warning,
                    message: "m".into(),
                    help: None,
                    url: None,
                    span: Span::new(i, i + 1),
                    labels: vec![],
                    fix: None,
                    suppressed: None,
                })
                .collect(),
        }
    }

    #[test]
    fn records_counts_sorted_and_round_trips() {
        let mut inline = report("b.html", &["r/one"]);
        inline.diagnostics[0].suppressed = Some(Suppression {
            kind: "inline",
            reason: None,
        });
        let reports = vec![report("z.html", &["r/two", "r/one", "r/two"]), inline];
        let b = Baseline::record(&reports, |r| r.path.clone());
        assert_eq!(
            b.to_json(),
            "{\n  \"version\": 1,\n  \"files\": {\n    \"z.html\": {\n      \"r/one\": 1,\n      \"r/two\": 2\n    }\n  }\n}\n"
        );
        assert_eq!(Baseline::parse(&b.to_json()), Ok(b.clone()));
        assert_eq!(b.findings(), 3);
    }

    #[test]
    fn applies_the_first_count_findings_per_rule() {
        let mut b = Baseline {
            version: VERSION,
            ..Baseline::default()
        };
        b.files.entry("a.html".into()).or_default().insert("r/two".into(), 1);
        let mut r = report("a.html", &["r/two", "r/one", "r/two"]);
        assert_eq!(b.apply(&mut r, "a.html"), 1);
        let kinds: Vec<_> = r
            .diagnostics
            .iter()
            .map(|d| d.suppressed.as_ref().map(|s| s.kind))
            .collect();
        assert_eq!(kinds, vec![Some("baseline"), None, None]);
        assert_eq!(b.apply(&mut report("b.html", &["r/two"]), "b.html"), 0);
    }

    #[test]
    fn rejects_other_versions_and_shapes() {
        assert!(
            Baseline::parse("{\"version\": 2, \"files\": {}}")
                .unwrap_err()
                .0
                .contains("version 2")
        );
        assert!(Baseline::parse("[]").is_err());
        assert!(Baseline::parse("{\"version\": 1, \"files\": {\"a\": {\"r\": -1}}}").is_err());
    }

    #[test]
    fn keys_are_relative_to_the_baseline_directory() {
        assert_eq!(
            key_for(Path::new("/w/p/emails/a.html"), Path::new("/w/p")),
            "emails/a.html"
        );
        assert_eq!(key_for(Path::new("/w/p/./x/../a.html"), Path::new("/w/p")), "a.html");
        assert_eq!(key_for(Path::new("/w/q/a.html"), Path::new("/w/p")), "../q/a.html");
    }
}
