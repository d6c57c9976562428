//! `inboxlint lsp`: a synchronous language server over stdio (lsp-server + lsp-types).
//!
//! Diagnostics come from the same config resolution and `lint_source` as `inboxlint check`
//! ([`lint::lint_document`]), converted to UTF-16 ranges. Nothing but JSON-RPC is written to
//! stdout; logs go to stderr and `window/logMessage`.

pub mod actions;
pub mod convert;
pub mod documents;
pub mod hover;
pub mod lint;
pub mod server;
mod watch;

/// Serve the Language Server Protocol on stdin/stdout until `exit`. Returns the process exit
/// code the protocol asks for: 0 after a `shutdown` request, 1 otherwise.
pub fn run() -> u8 {
    let (connection, io_threads) = lsp_server::Connection::stdio();
    let code = match server::serve(&connection) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("inboxlint lsp: {e}");
            return 1;
        }
    };
    // Dropping the connection lets the writer thread finish flushing what is queued.
    drop(connection);
    if let Err(e) = io_threads.join() {
        eprintln!("inboxlint lsp: {e}");
    }
    code
}
