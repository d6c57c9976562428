//! The one lint path of the server: the same config resolution (`Linter::profile_for`) and the
//! same `lint_source` as `inboxlint check`, then conversion to LSP diagnostics. When the
//! config or a rule file is broken, the document is still linted (with the built-in defaults)
//! and says why, and the broken files' errors are handed back to be shown on those files.

use super::convert;
use crate::document::Format;
use crate::engine::Linter;
use crate::knowledge::yaml::LoadError;
use crate::report::{Diagnostic, Severity};
use crate::rules::RuleSet;
use crate::source::{SourceText, Span};
use lsp_types::Uri;
use std::path::Path;
use std::sync::Arc;

/// Rule id of the note shown on a document linted with the defaults because its config failed.
pub const FALLBACK_RULE: &str = "input/invalid-config";

#[derive(Debug, Default)]
pub struct Linted {
    /// Findings that are shown (suppressed ones are left out), in source order.
    pub diagnostics: Vec<Diagnostic>,
    /// The same findings as the editor gets them.
    pub lsp: Vec<lsp_types::Diagnostic>,
    /// The rules the document was linted with, for hover.
    pub rules: Option<Arc<RuleSet>>,
    /// The document's format, for the comment syntax of ignore actions.
    pub format: Option<Format>,
    /// Config and rule files that failed to load while resolving this document's config.
    pub load_errors: Vec<LoadError>,
}

/// Lint an editor buffer as `inboxlint check` would lint the file at `path`.
pub fn lint_document(linter: &Linter, fallback: &Linter, path: &Path, src: &SourceText, uri: &Uri) -> Linted {
    let mut linted = match linter.profile_for(path) {
        Ok(profile) => {
            if profile.config.is_excluded(path) {
                return Linted::default();
            }
            lint_with(linter, &profile, path, src)
        }
        Err(errors) => {
            let mut linted = match fallback.profile_for(path) {
                Ok(profile) => lint_with(fallback, &profile, path, src),
                Err(more) => Linted {
                    load_errors: more,
                    ..Linted::default()
                },
            };
            linted.diagnostics.insert(0, fallback_note(&errors));
            linted.load_errors.extend(errors);
            linted
        }
    };
    linted.lsp = linted
        .diagnostics
        .iter()
        .map(|d| convert::diagnostic(src, uri, d))
        .collect();
    linted
}

fn lint_with(linter: &Linter, profile: &crate::engine::Profile, path: &Path, src: &SourceText) -> Linted {
    let Some((_, format)) = linter.kind_of(path, profile) else {
        return Linted::default();
    };
    let text = src.text();
    let max = profile.config.max_file_size;
    let diagnostics = if text.len() as u64 > max {
        vec![problem(
            "input/too-large",
            format!(
                "file is {} bytes, over max-file-size ({max} bytes); not linted",
                text.len()
            ),
        )]
    } else {
        // A panic in a rule must not take the editor's server down with it.
        match std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| linter.lint_source(path, text, profile))) {
            Ok(d) => d.into_iter().filter(|d| d.suppressed.is_none()).collect(),
            Err(_) => vec![problem(
                "input/internal-error",
                "inboxlint failed on this file (a bug: please report it); no findings are shown".into(),
            )],
        }
    };
    Linted {
        diagnostics,
        lsp: Vec::new(),
        rules: Some(Arc::clone(&profile.rules)),
        format: Some(format),
        load_errors: Vec::new(),
    }
}

fn problem(rule: &str, message: String) -> Diagnostic {
    Diagnostic {
        rule: rule.to_string(),
        severity: Severity::Error,
        message,
        help: None,
        url: None,
        span: Span::empty(0),
        labels: Vec::new(),
        fix: None,
        suppressed: None,
    }
}

fn fallback_note(errors: &[LoadError]) -> Diagnostic {
    let first = errors.first();
    let file = first.map(|e| e.path.as_str()).unwrap_or("the config");
    let at = first
        .and_then(LoadError::line_col)
        .map(|(l, c)| format!(" (line {l}, column {c})"))
        .unwrap_or_default();
    let why = first.map(|e| e.message.as_str()).unwrap_or("it could not be loaded");
    let more = match errors.len() {
        0 | 1 => String::new(),
        n => format!(" and {} more error(s)", n - 1),
    };
    Diagnostic {
        rule: FALLBACK_RULE.to_string(),
        severity: Severity::Warning,
        message: format!(
            "`{file}` cannot be loaded{at}: {why}{more}. This file is linted with the built-in defaults until it is fixed."
        ),
        help: Some("Open that file to see each error where it is; inboxlint re-reads it when it is saved.".into()),
        url: None,
        span: Span::empty(0),
        labels: Vec::new(),
        fix: None,
        suppressed: None,
    }
}
