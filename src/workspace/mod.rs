//! Where files come from: config discovery, walking, reading, kind of a file.

pub mod config;
pub mod config_schema;
pub mod confine;
pub mod kind;
pub mod rule_files;
pub mod walk;
