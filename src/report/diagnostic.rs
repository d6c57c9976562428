//! The diagnostic model every renderer, the LSP and the baseline share.

use crate::source::{SourceText, Span};
use serde::{Deserialize, Serialize};
use std::sync::Arc;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Label {
    pub span: Span,
    pub message: String,
}

/// A replacement the user (or an editor) can apply.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Fix {
    pub description: String,
    pub span: Span,
    pub replacement: String,
}

/// Why a finding is not counted: an inline comment or the baseline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Suppression {
    /// `inline` or `baseline`.
    pub kind: &'static str,
    pub reason: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    pub rule: String,
    pub severity: Severity,
    pub message: String,
    pub help: Option<String>,
    /// The rule's documentation.
    pub url: Option<String>,
    pub span: Span,
    pub labels: Vec<Label>,
    pub fix: Option<Fix>,
    pub suppressed: Option<Suppression>,
}

/// All findings of one file, with the source they point into.
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
