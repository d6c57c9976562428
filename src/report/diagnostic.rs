//! A run's findings as the renderers get them: per file, with the source, and counted.

pub use crate::diagnostic::{Diagnostic, Fix, Label, Severity, Suppression};
use crate::source::SourceText;
use serde::Serialize;
use std::sync::Arc;

/// All findings of one file, with the source they point into. In `inboxlint check` the source
/// is an excerpt by the time a report is rendered (see `cli::check`).
#[derive(Debug, Clone)]
pub struct FileReport {
    /// Path as shown to the user: relative to the working directory where possible.
    pub path: String,
    pub source: Arc<SourceText>,
    pub diagnostics: Vec<Diagnostic>,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Summary {
    pub files: usize,
    pub errors: usize,
    pub warnings: usize,
    pub infos: usize,
}

impl Summary {
    pub fn of(reports: &[FileReport], files: usize) -> Summary {
        let mut s = Summary {
            files,
            ..Summary::default()
        };
        for d in reports
            .iter()
            .flat_map(|r| &r.diagnostics)
            .filter(|d| d.suppressed.is_none())
        {
            match d.severity {
                Severity::Error => s.errors += 1,
                Severity::Warning => s.warnings += 1,
                Severity::Info => s.infos += 1,
            }
        }
        s
    }
}
