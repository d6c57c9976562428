//! Parsers: merge tags, markup, plain-text parts, config formats and schemas, each producing facts with spans.

pub mod config;
pub mod html;
pub mod links;
pub mod merge_tags;
pub mod schema;
pub mod text;
