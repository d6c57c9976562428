//! Where files come from: config discovery, walking, reading, kind of a file.

pub mod config;
pub mod kind;
pub mod walk;
