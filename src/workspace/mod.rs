//! Where files come from: config discovery, walking, reading, kind of a file.

pub mod config;
pub mod confine;
pub mod kind;
pub mod rule_files;
pub mod walk;
