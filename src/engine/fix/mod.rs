//! Fixes: building them from a rule's `fix:` (build, setting), applying them in rounds
//! (apply). The CLI's `--fix`/`--diff` and the LSP's code actions and fix-all use these.

pub mod apply;
pub mod build;
pub mod setting;

pub use apply::{FixError, Fixed, MAX_ROUNDS, fix_text};
