pub mod config;
pub mod schema;
