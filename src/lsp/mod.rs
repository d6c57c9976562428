//! `inboxlint lsp`: a synchronous language server over stdio (lsp-server + lsp-types).
//!
//! Diagnostics come from the same config resolution and `lint_source` as `inboxlint check`
//! ([`lint::lint_document`]), converted to UTF-16 ranges. Nothing but JSON-RPC is written to
//! stdout; logs go to stderr and `window/logMessage`.

pub mod actions;
pub mod config_keys;
pub mod convert;
pub mod documents;
pub mod hover;
pub mod lint;
pub mod server;
pub mod transport;
mod watch;

/// Serve the Language Server Protocol on stdin/stdout until `exit` or the end of input, with
/// no message over `max_message` bytes. Returns the process exit code the protocol asks for:
/// 0 after a `shutdown` request, 1 otherwise.
pub fn run(max_message: usize) -> u8 {
    let (connection, writer) = match transport::stdio(max_message) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("inboxlint lsp: cannot start: {e}");
            return 1;
        }
    };
    let code = server::serve(&connection).unwrap_or_else(|e| {
        eprintln!("inboxlint lsp: {e}");
        1
    });
    // Dropping the connection lets the writer thread finish flushing what is queued.
    drop(connection);
    writer.join();
    code
}
