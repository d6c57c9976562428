//! `inboxlint lsp`: the language server on stdin/stdout (see `crate::lsp`).

#[derive(Debug, clap::Args)]
pub struct LspArgs {
    /// Accepted for editors that pass it; stdio is the only transport.
    #[arg(long)]
    pub stdio: bool,
}

pub fn run(_args: LspArgs) -> u8 {
    crate::lsp::run()
}
