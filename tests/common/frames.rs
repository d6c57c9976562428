//! The client side of LSP framing, shared by the LSP tests: what the server writes to stdout,
//! parsed strictly (only headers and JSON-RPC bodies may appear there).

use serde_json::Value;
use std::io::{BufRead, BufReader, Read};

/// Read `Content-Length` framed JSON-RPC messages from `stdout` into `tx` until it closes.
pub fn read_frames(stdout: impl Read, tx: std::sync::mpsc::Sender<Value>) {
    let mut reader = BufReader::new(stdout);
    loop {
        let mut length = None;
        loop {
            let mut line = String::new();
            match reader.read_line(&mut line) {
                Ok(0) | Err(_) => return,
                Ok(_) => {}
            }
            let line = line.trim_end();
            if line.is_empty() {
                break;
            }
            let (name, value) = line
                .split_once(':')
                .unwrap_or_else(|| panic!("stdout carried a non-header line: {line:?}"));
            if name.eq_ignore_ascii_case("content-length") {
                length = Some(value.trim().parse::<usize>().expect("numeric Content-Length"));
            }
        }
        let mut body = vec![0; length.expect("every frame has a Content-Length")];
        if reader.read_exact(&mut body).is_err() {
            return;
        }
        let msg: Value = serde_json::from_slice(&body).expect("every frame the server writes is JSON");
        assert_eq!(msg["jsonrpc"], "2.0");
        if tx.send(msg).is_err() {
            return;
        }
    }
}
