//! `check --fix`, `--unsafe-fixes` and `--diff`: each file is fixed in memory in rounds
//! (engine::fix), then written atomically, only when every fix applied, or shown as a unified
//! diff. What is reported afterwards is what the fixed text still has.

use crate::diagnostic::Applicability;
use crate::engine::fix::{self, Fixed};
use crate::engine::{CheckedFile, FileOutcome, Input, Linter};
use std::borrow::Cow;
use std::fmt::Write as _;
use std::path::Path;

/// What `check` does with fixes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Rewrite the files (standard input: print the fixed text).
    Write(Applicability),
    /// Print what would change; write nothing.
    Diff(Applicability),
}

impl Mode {
    fn wanted(self) -> Applicability {
        match self {
            Mode::Write(a) | Mode::Diff(a) => a,
        }
    }
}

/// What fixing one file did.
#[derive(Debug)]
pub struct FileFix {
    /// As shown to the user.
    pub path: String,
    pub applied: usize,
    /// Fixes held back because they overlap another.
    pub overlapping: usize,
    pub converged: bool,
    /// `--diff`: the unified diff.
    pub output: Option<String>,
    /// Why the file was left as it was.
    pub error: Option<String>,
}

/// Fixes of findings not applied because they are unsafe and `--unsafe-fixes` is off.
pub fn unsafe_left(outcome: &FileOutcome<'_>, mode: Mode) -> usize {
    match (outcome, mode.wanted()) {
        (FileOutcome::Linted(c), Applicability::Safe) => c
            .diagnostics
            .iter()
            .filter(|d| d.suppressed.is_none())
            .filter(|d| d.fix.as_ref().is_some_and(|f| f.applicability == Applicability::Unsafe))
            .count(),
        _ => 0,
    }
}

/// Lint `path` and fix it as `mode` says. The outcome is the lint of the fixed text (of the
/// original when nothing applied or the file could not be written).
pub fn lint_and_fix<'a>(
    linter: &Linter,
    path: &Path,
    shown: &str,
    input: Input<'a>,
    apply_excludes: bool,
    mode: Mode,
    stdin: bool,
) -> (FileOutcome<'a>, Option<FileFix>) {
    let outcome = linter.lint_input(path, input, apply_excludes);
    let FileOutcome::Linted(first) = outcome else {
        return (outcome, None);
    };
    let wanted = mode.wanted();
    let fixable = first.details.is_some()
        && first
            .diagnostics
            .iter()
            .any(|d| d.suppressed.is_none() && d.fix.as_ref().is_some_and(|f| f.applicability <= wanted));
    if !fixable {
        return (FileOutcome::Linted(first), None);
    }
    let relint = |text: &str| match linter.lint_input(path, Input::Text(text), false) {
        FileOutcome::Linted(c) if c.details.is_some() => Some(c.diagnostics),
        _ => None,
    };
    let mut record = FileFix {
        path: shown.to_string(),
        applied: 0,
        overlapping: 0,
        converged: true,
        output: None,
        error: None,
    };
    let fixed = match fix::fix_text(&first.text, Some(first.diagnostics.clone()), wanted, relint) {
        Ok(f) => f,
        Err(e) => {
            record.error = Some(format!("not fixed: {e}"));
            return (FileOutcome::Linted(first), Some(record));
        }
    };
    let Fixed {
        text,
        applied,
        overlapping,
        converged,
    } = fixed;
    record.overlapping = overlapping;
    record.converged = converged;
    if text == first.text {
        return (FileOutcome::Linted(first), Some(record));
    }
    match mode {
        Mode::Diff(_) => record.output = Some(unified_diff(shown, &first.text, &text)),
        // The caller prints standard input's fixed text: the file named for it is not touched.
        Mode::Write(_) if stdin => {}
        Mode::Write(_) => {
            if let Err(e) = crate::atomic_write::write(path, text.as_bytes()) {
                record.error = Some(format!("not fixed: cannot write the file: {e}"));
                return (FileOutcome::Linted(first), Some(record));
            }
        }
    }
    record.applied = applied;
    let after = match linter.lint_input(path, Input::Text(&text), false) {
        FileOutcome::Linted(c) => FileOutcome::Linted(CheckedFile {
            text: Cow::Owned(c.text.into_owned()),
            diagnostics: c.diagnostics,
            details: c.details,
        }),
        other => owned(other),
    };
    (after, Some(record))
}

/// An outcome that borrows nothing (the borrowed text is about to go).
fn owned<'a>(outcome: FileOutcome<'_>) -> FileOutcome<'a> {
    match outcome {
        FileOutcome::Linted(c) => FileOutcome::Linted(CheckedFile {
            text: Cow::Owned(c.text.into_owned()),
            diagnostics: c.diagnostics,
            details: c.details,
        }),
        FileOutcome::SkippedBinary => FileOutcome::SkippedBinary,
        FileOutcome::NotLinted => FileOutcome::NotLinted,
        FileOutcome::ConfigErrors(e) => FileOutcome::ConfigErrors(e),
    }
}

/// `git diff`-style: `--- a/path`, `+++ b/path`, hunks with three lines of context.
pub fn unified_diff(shown: &str, old: &str, new: &str) -> String {
    similar::TextDiff::from_lines(old, new)
        .unified_diff()
        .context_radius(3)
        .header(&format!("a/{shown}"), &format!("b/{shown}"))
        .missing_newline_hint(true)
        .to_string()
}

/// The stderr lines after a fixing run: how many findings were (or would be) fixed, and what
/// was held back.
pub fn summary(fixes: &[FileFix], mode: Mode, unsafe_left: usize) -> String {
    let applied: usize = fixes.iter().map(|f| f.applied).sum();
    let files = fixes.iter().filter(|f| f.applied > 0).count();
    let plural = |n: usize, one: &str, many: &str| if n == 1 { one.to_string() } else { many.to_string() };
    let mut out = String::new();
    let verb = match mode {
        Mode::Write(_) => "Fixed",
        Mode::Diff(_) => "Would fix",
    };
    let _ = writeln!(
        out,
        "{verb} {applied} {} in {files} {}.",
        plural(applied, "finding", "findings"),
        plural(files, "file", "files")
    );
    let overlapping: usize = fixes.iter().map(|f| f.overlapping).sum();
    if overlapping > 0 {
        let _ = writeln!(
            out,
            "{overlapping} {} not applied: {} the same text as another fix (which one is right is yours to decide).",
            plural(overlapping, "fix was", "fixes were"),
            plural(overlapping, "it edits", "each edits")
        );
    }
    if unsafe_left > 0 {
        let _ = writeln!(
            out,
            "{unsafe_left} more {} available with --unsafe-fixes.",
            plural(unsafe_left, "fix is", "fixes are")
        );
    }
    for f in fixes {
        if !f.converged {
            let _ = writeln!(
                out,
                "warning: {}: fixes were still changing the file after {} rounds; check the result",
                f.path,
                fix::MAX_ROUNDS
            );
        }
        if let Some(e) = &f.error {
            let _ = writeln!(out, "error: {}: {e}", f.path);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_diff_names_both_sides_and_marks_a_missing_newline() {
        let d = unified_diff("a.html", "x\nhttp\n", "x\nhttps\n");
        assert_eq!(d, "--- a/a.html\n+++ b/a.html\n@@ -1,2 +1,2 @@\n x\n-http\n+https\n");
        let d = unified_diff("a", "http", "https");
        assert!(d.contains("\\ No newline at end of file"), "{d}");
    }
}
