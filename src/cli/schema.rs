//! `inboxlint schema`: print a JSON Schema of the files users write, for editors and CI
//! validators that cannot fetch the copy in the repository.

use super::EXIT_OK;
use crate::knowledge::dialects::dialect_schema;
use crate::rules::rule_schema;
use crate::schema_gen;
use crate::workspace::config_schema;
use clap::{Args, ValueEnum};

#[derive(Debug, Args)]
pub struct SchemaArgs {
    /// Which file format.
    #[arg(value_enum)]
    pub of: SchemaOf,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum SchemaOf {
    /// `.inboxlint.yaml` (schemas/inboxlint.schema.json).
    Config,
    /// A rule file (schemas/rule.schema.json).
    Rule,
    /// An `esp/*.yaml` dialect file (schemas/esp-dialect.schema.json).
    EspDialect,
}

pub fn run(args: SchemaArgs) -> u8 {
    let text = match args.of {
        SchemaOf::Config => config_schema::json(),
        SchemaOf::Rule => rule_schema::json(),
        SchemaOf::EspDialect => schema_gen::pretty(&dialect_schema()),
    };
    print!("{text}");
    EXIT_OK
}
