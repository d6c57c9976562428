//! Command-line interface: clap arguments and one module per command.

pub mod cache;
pub mod check;
pub mod ci;
pub mod completions;
pub mod explain;
pub mod fix;
pub mod init;
pub mod lsp;
pub mod progress;
pub mod report;
pub mod rules;
pub mod schema;
pub mod shard;
pub mod statistics;
pub mod test;

use clap::{Parser, Subcommand};
use std::process::ExitCode;

/// Exit codes: 0 clean, 1 findings that fail the run, 2 usage, config or rule-file errors.
pub const EXIT_OK: u8 = 0;
pub const EXIT_FINDINGS: u8 = 1;
pub const EXIT_ERROR: u8 = 2;

#[derive(Debug, Parser)]
#[command(
    name = "inboxlint",
    version,
    about = "Keep email marketing legal and safe: lint templates, campaign configs and schemas for CAN-SPAM, CASL, GDPR and bulk-sender rules."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

// Built once per process from argv: the size of the check variant costs nothing.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Lint files and directories (default: the current directory).
    Check(check::CheckArgs),
    /// Write the compliance report: one self-contained HTML page (`--html FILE`) with findings
    /// per regulation and per message, email previews and charts.
    Report(report::ReportArgs),
    /// Write a commented starter `.inboxlint.yaml` in the current directory.
    Init(init::InitArgs),
    /// List the rules: id, severity, kinds and title (`--format json|markdown` for more).
    Rules(rules::RulesArgs),
    /// Show a rule's documentation, refs and examples; or, for a file, its class and rules.
    Explain(explain::ExplainArgs),
    /// Run the examples of the built-in rules, `rule-dirs` and the rule dirs or files given.
    Test(test::TestArgs),
    /// Run the language server on stdin/stdout for editors.
    Lsp(lsp::LspArgs),
    /// Print the JSON Schema of `.inboxlint.yaml`, of rule files or of ESP dialect files.
    Schema(schema::SchemaArgs),
    /// Print shell completions: `inboxlint completions bash > /etc/bash_completion.d/inboxlint`.
    Completions(completions::CompletionsArgs),
    /// Print the man page (roff), or write one per command with `--dir`.
    Man(completions::ManArgs),
}

pub fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let code = if e.use_stderr() { EXIT_ERROR } else { EXIT_OK };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    let code = match cli.command {
        Command::Check(args) => check::run(args),
        Command::Report(args) => report::run(args),
        Command::Init(args) => init::run(args),
        Command::Rules(args) => rules::run(args),
        Command::Explain(args) => explain::run(args),
        Command::Test(args) => test::run(args),
        Command::Lsp(args) => lsp::run(args),
        Command::Schema(args) => schema::run(args),
        Command::Completions(args) => completions::completions(args),
        Command::Man(args) => completions::man(args),
    };
    ExitCode::from(code)
}
