//! inboxlint: a compliance and safety linter for email templates, campaign configs and schemas.
//!
//! The pipeline (see DESIGN.md): discover → read → classify → mask merge tags → parse to a
//! [`document::Document`] → evaluate compiled rules in one pass → suppress → render.
//! [`engine::Linter::lint_source`] is the entry point the CLI and the LSP share.

pub mod atomic_write;
pub mod cli;
pub mod content_hash;
pub mod diagnostic;
pub mod document;
pub mod engine;
pub mod knowledge;
pub mod lazy_regex;
pub mod lsp;
pub mod message;
pub mod report;
pub mod rules;
pub mod schema_gen;
pub mod source;
pub mod syntax;
pub mod workspace;

pub use diagnostic::{Diagnostic, Severity};
pub use engine::Linter;
pub use report::FileReport;
