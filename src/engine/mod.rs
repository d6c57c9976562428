//! Evaluation: one parse and one pass of every applicable rule per file, the same for the CLI
//! and the LSP.

pub mod baseline;
pub mod comment_syntax;
pub mod eval;
pub mod examples;
pub mod facts;
pub mod fix;
pub mod front_door;
pub mod guard;
pub mod linter;
pub mod message_rules;
pub mod related;
pub mod suppress;

pub use front_door::{CheckedFile, FileDetails, FileOutcome, Input};
pub use linter::{FileReader, LintAs, LintSetup, Linter, Overrides, SourceFindings};
