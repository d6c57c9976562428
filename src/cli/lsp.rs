//! `inboxlint lsp`: the language server on stdin/stdout (see `crate::lsp`).

use crate::lsp::transport::DEFAULT_MAX_MESSAGE;
use crate::workspace::config::parse_size_text;

#[derive(Debug, clap::Args)]
pub struct LspArgs {
    /// Accepted for editors that pass it; stdio is the only transport.
    #[arg(long)]
    pub stdio: bool,
    /// Largest message accepted from the client (bytes, or e.g. 64MiB); a larger one is
    /// skipped unread and logged. Default 64MiB.
    #[arg(long, env = "INBOXLINT_LSP_MAX_MESSAGE", value_parser = parse_max_message)]
    pub max_message_size: Option<usize>,
}

fn parse_max_message(s: &str) -> Result<usize, String> {
    parse_size_text(s)
        .and_then(|n| usize::try_from(n).ok())
        .filter(|n| *n > 0)
        .ok_or_else(|| format!("`{s}` is not a size (use bytes or e.g. 64MiB)"))
}

pub fn run(args: LspArgs) -> u8 {
    crate::lsp::run(args.max_message_size.unwrap_or(DEFAULT_MAX_MESSAGE))
}
