#![no_main]
//! The language server's front end on arbitrary client bytes: the bounded frame reader, body
//! decoding and the server's dispatch of whatever messages come out, after a real
//! `initialize`. Never a panic, and the server ends when the input does.

use inboxlint::lsp::{server, transport};
use libfuzzer_sys::fuzz_target;
use lsp_server::{Connection, Message, Request, RequestId};

fuzz_target!(|data: &[u8]| {
    let (server_end, client_end) = Connection::memory();
    let init = Request::new(
        RequestId::from(0),
        "initialize".into(),
        serde_json::json!({"capabilities": {"textDocument": {"diagnostic": {}}}}),
    );
    if client_end.sender.send(Message::Request(init)).is_err() {
        return;
    }
    let serving = std::thread::spawn(move || server::serve(&server_end));
    let to_server = client_end.sender.clone();
    transport::read_loop(
        data,
        64 * 1024,
        |msg| to_server.send(msg).is_ok(),
        drop,
        |_| true,
    );
    drop(to_server);
    drop(client_end.sender);
    let result = serving.join();
    assert!(result.is_ok(), "the server panicked");
    // Everything the server sent is well-formed JSON-RPC.
    for msg in client_end.receiver.try_iter() {
        assert!(serde_json::to_string(&msg).is_ok());
    }
});
