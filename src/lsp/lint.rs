//! The one lint path of the server: the same config resolution (`Linter::setup_for`) and the
//! same `lint_source` as `inboxlint check`, then conversion to LSP diagnostics. When the
//! config or a rule file is broken, the document is still linted (with the built-in defaults)
//! and says why, and the broken files' errors are handed back to be shown on those files.

use super::convert;
use crate::document::SourceFormat;
use crate::engine::{FileOutcome, Input, LintSetup, Linter};
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
pub struct BufferFindings {
    /// Findings that are shown (suppressed ones are left out), in source order.
    pub diagnostics: Vec<Diagnostic>,
    /// The same findings as the editor gets them.
    pub lsp: Vec<lsp_types::Diagnostic>,
    /// The rules the document was linted with, for hover.
    pub rules: Option<Arc<RuleSet>>,
    /// The document's format, for the comment syntax of ignore actions.
    pub format: Option<SourceFormat>,
    /// Config and rule files that failed to load while resolving this document's config.
    pub load_errors: Vec<LoadError>,
}

/// Lint an editor buffer as `inboxlint check` would lint the file at `path`.
pub fn lint_document(linter: &Linter, fallback: &Linter, path: &Path, src: &SourceText, uri: &Uri) -> BufferFindings {
    let mut linted = match linter.setup_for(path) {
        Ok(setup) => lint_with(linter, &setup, path, src),
        Err(errors) => {
            let mut linted = match fallback.setup_for(path) {
                Ok(setup) => lint_with(fallback, &setup, path, src),
                Err(more) => BufferFindings {
                    load_errors: more,
                    ..BufferFindings::default()
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

/// The front door the CLI uses, with excludes applied as for a file found by walking.
fn lint_with(linter: &Linter, setup: &LintSetup, path: &Path, src: &SourceText) -> BufferFindings {
    let FileOutcome::Linted(file) = linter.lint_input_with(setup, path, Input::Text(src.text()), true) else {
        return BufferFindings::default();
    };
    BufferFindings {
        diagnostics: file
            .diagnostics
            .into_iter()
            .filter(|d| d.suppressed.is_none())
            .collect(),
        lsp: Vec::new(),
        rules: Some(Arc::clone(&setup.rules)),
        // A buffer that was not linted (too large, a crash) still gets ignore actions in the
        // comment syntax its path implies.
        format: file
            .details
            .map(|d| d.format)
            .or_else(|| linter.kind_of(path, setup).map(|(_, f)| f)),
        load_errors: Vec::new(),
    }
}

fn fallback_note(errors: &[LoadError]) -> Diagnostic {
    let first = errors.first();
    let file = first.map(|e| e.path.as_str()).unwrap_or("the config");
    let at = first
        .and_then(LoadError::line_col)
        .map(|(l, c)| format!(" (line {l}, column {c})"))
        .unwrap_or_default();
    let why = first.map_or_else(|| "it could not be loaded".to_string(), LoadError::message);
    let more = match errors.len() {
        0 | 1 => String::new(),
        n => format!(" and {} more error(s)", n - 1),
    };
    Diagnostic::new(
        FALLBACK_RULE,
        Severity::Warning,
        format!(
            "`{file}` cannot be loaded{at}: {why}{more}. This file is linted with the built-in defaults until it is fixed."
        ),
        Span::empty(0),
    )
    .with_help("Open that file to see each error where it is; inboxlint re-reads it when it is saved.")
}
