//! `inboxlint lsp` against a hostile or broken peer, through the real binary: oversized
//! frames stay bounded in memory (peak RSS measured from /proc), malformed headers and bodies
//! are answered or logged and the server keeps serving, requests before `initialize` get
//! ServerNotInitialized, and closing stdin mid-frame ends the server cleanly.

use serde_json::{Value, json};
use std::io::{BufRead, BufReader, Read, Write};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{Receiver, channel};
use std::time::{Duration, Instant};

const WAIT: Duration = Duration::from_secs(30);

struct Peer {
    child: Child,
    stdin: Option<ChildStdin>,
    inbox: Receiver<Value>,
    seen: Vec<Value>,
    name: &'static str,
    /// The server's working directory, removed when the peer is dropped.
    dir: tempfile::TempDir,
}

fn read_frames(stdout: impl Read, tx: std::sync::mpsc::Sender<Value>) {
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
            let (name, value) = line.split_once(':').expect("stdout carries only headers and bodies");
            if name.eq_ignore_ascii_case("content-length") {
                length = Some(value.trim().parse::<usize>().expect("numeric Content-Length"));
            }
        }
        let mut body = vec![0; length.expect("every frame has a Content-Length")];
        if reader.read_exact(&mut body).is_err() {
            return;
        }
        let msg: Value = serde_json::from_slice(&body).expect("every frame the server writes is JSON");
        if tx.send(msg).is_err() {
            return;
        }
    }
}

fn frame(body: &str) -> Vec<u8> {
    format!("Content-Length: {}\r\n\r\n{body}", body.len()).into_bytes()
}

fn request(id: i64, method: &str, params: Value) -> Vec<u8> {
    frame(&json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}).to_string())
}

fn notification(method: &str, params: Value) -> Vec<u8> {
    frame(&json!({"jsonrpc": "2.0", "method": method, "params": params}).to_string())
}

impl Peer {
    fn start(name: &'static str, args: &[&str]) -> Peer {
        let dir = tempfile::tempdir().expect("tempdir");
        let mut child = Command::new(env!("CARGO_BIN_EXE_inboxlint"))
            .arg("lsp")
            .args(args)
            .current_dir(dir.path())
            .env_remove("INBOXLINT_LSP_MAX_MESSAGE")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn inboxlint lsp");
        let stdout = child.stdout.take().expect("stdout");
        let (tx, inbox) = channel();
        std::thread::spawn(move || read_frames(stdout, tx));
        // stderr is drained so the server never blocks on a full pipe.
        let mut stderr = child.stderr.take().expect("stderr");
        std::thread::spawn(move || {
            let mut sink = String::new();
            let _ = stderr.read_to_string(&mut sink);
            assert!(!sink.contains("panicked"), "the server panicked: {sink}");
        });
        let stdin = child.stdin.take();
        Peer {
            child,
            stdin,
            inbox,
            seen: Vec::new(),
            name,
            dir,
        }
    }

    fn send(&mut self, bytes: &[u8]) {
        let stdin = self.stdin.as_mut().expect("stdin open");
        stdin.write_all(bytes).expect("server reads");
        stdin.flush().expect("flush");
    }

    fn initialize(&mut self) {
        self.send(&request(1, "initialize", json!({"capabilities": {}})));
        self.response(1);
        self.send(&notification("initialized", json!({})));
    }

    /// The next message satisfying `want`, keeping the others in `seen`.
    fn wait_for(&mut self, what: &str, want: impl Fn(&Value) -> bool) -> Value {
        if let Some(i) = self.seen.iter().position(&want) {
            return self.seen.remove(i);
        }
        let deadline = Instant::now() + WAIT;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.inbox.recv_timeout(left) {
                Ok(m) if want(&m) => return m,
                Ok(m) => self.seen.push(m),
                Err(_) => panic!("{}: no {what} within {WAIT:?}; got {:?}", self.name, self.seen),
            }
        }
    }

    fn response(&mut self, id: i64) -> Value {
        self.wait_for(&format!("response {id}"), |m| {
            m["id"] == json!(id) && m.get("method").is_none()
        })
    }

    fn log_containing(&mut self, text: &str) -> Value {
        self.wait_for(&format!("a log with `{text}`"), |m| {
            m["method"] == "window/logMessage" && m["params"]["message"].as_str().is_some_and(|s| s.contains(text))
        })
    }

    /// A request answered after whatever came before: proof the server still serves.
    fn still_serves(&mut self, id: i64) {
        self.send(&request(
            id,
            "textDocument/hover",
            json!({
                "textDocument": {"uri": "file:///nowhere/a.html"},
                "position": {"line": 0, "character": 0},
            }),
        ));
        let r = self.response(id);
        assert_eq!(r["result"], Value::Null, "{}: {r}", self.name);
    }

    /// Peak resident set of the server so far, in KiB (VmHWM).
    fn peak_rss_kib(&self) -> u64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id())).expect("proc status");
        let line = status.lines().find(|l| l.starts_with("VmHWM:")).expect("VmHWM line");
        line.split_whitespace()
            .nth(1)
            .and_then(|n| n.parse().ok())
            .expect("VmHWM number")
    }

    fn report_peak(&self) -> u64 {
        let kib = self.peak_rss_kib();
        eprintln!("peak RSS (VmHWM) of `{}`: {kib} KiB", self.name);
        kib
    }

    /// Close stdin; the server must end by itself, promptly. Returns its exit code.
    fn close_and_wait(mut self) -> i32 {
        drop(self.stdin.take());
        let deadline = Instant::now() + WAIT;
        loop {
            if let Some(status) = self.child.try_wait().expect("wait") {
                return status.code().expect("exited, not killed by a signal");
            }
            if Instant::now() > deadline {
                let _ = self.child.kill();
                panic!("{}: the server did not end after stdin closed", self.name);
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    fn shutdown_and_exit(mut self, id: i64) -> i32 {
        self.send(&request(id, "shutdown", Value::Null));
        self.response(id);
        self.send(&notification("exit", Value::Null));
        self.close_and_wait()
    }
}

/// What a server that read the whole body into memory would need at least.
const STREAMED: usize = 256 * 1024 * 1024;

#[test]
fn a_huge_content_length_is_skipped_in_bounded_memory() {
    let mut peer = Peer::start("Content-Length: 10^12, 256 MiB streamed", &[]);
    peer.initialize();
    peer.send(b"Content-Length: 1000000000000\r\n\r\n");
    peer.log_containing("over the limit");
    let chunk = vec![b'x'; 1024 * 1024];
    for _ in 0..STREAMED / chunk.len() {
        peer.send(&chunk);
    }
    // Still skipping the declared body; the server answers nothing but stays small.
    let peak = peer.report_peak();
    assert!(
        peak < 128 * 1024,
        "peak RSS {peak} KiB while skipping a 10^12-byte frame"
    );
    assert_eq!(peer.close_and_wait(), 1);
}

#[test]
fn a_frame_over_the_configured_cap_is_skipped_and_the_next_answered() {
    let mut peer = Peer::start(
        "4 KiB body over --max-message-size 1KiB",
        &["--max-message-size", "1KiB"],
    );
    peer.initialize();
    let text = "<p>x</p>".repeat(512);
    peer.send(&notification(
        "textDocument/didOpen",
        json!({"textDocument": {
            "uri": "file:///nowhere/big.html", "languageId": "html", "version": 1, "text": text,
        }}),
    ));
    peer.log_containing("over the limit of 1024 bytes");
    peer.still_serves(2);
    peer.report_peak();
    assert_eq!(peer.shutdown_and_exit(3), 0);
}

#[test]
fn bad_content_lengths_are_logged_and_the_server_goes_on() {
    let cases: [(&'static str, &[u8]); 4] = [
        (
            "negative Content-Length",
            b"Content-Length: -5\r\n\r\n{\"jsonrpc\":\"2.0\"}",
        ),
        (
            "non-numeric Content-Length",
            b"Content-Length: lots\r\n\r\n{\"jsonrpc\":\"2.0\"}",
        ),
        (
            "missing Content-Length",
            b"Content-Type: application/json\r\n\r\n{\"jsonrpc\":\"2.0\"}",
        ),
        ("header line without end", &[b'h'; 64 * 1024]),
    ];
    for (name, bad) in cases {
        let mut peer = Peer::start(name, &[]);
        peer.initialize();
        peer.send(bad);
        peer.log_containing("malformed message header");
        peer.still_serves(2);
        peer.report_peak();
        assert_eq!(peer.shutdown_and_exit(3), 0, "{name}");
    }
}

#[test]
fn bodies_that_are_not_messages_are_answered_and_the_server_goes_on() {
    let mut peer = Peer::start("non-JSON body, then non-message JSON", &[]);
    peer.initialize();
    peer.send(&frame("this is {not json"));
    let err = peer.wait_for("a ParseError", |m| m["error"]["code"] == json!(-32700));
    assert_eq!(err["id"], Value::Null);
    peer.still_serves(2);
    peer.send(&frame(r#"{"jsonrpc":"2.0","id":7,"method":42}"#));
    let err = peer.response(7);
    assert_eq!(err["error"]["code"], json!(-32600), "{err}");
    peer.send(&frame("[1,2,3]"));
    let err = peer.wait_for("an InvalidRequest", |m| m["error"]["code"] == json!(-32600));
    assert_eq!(err["id"], Value::Null);
    peer.still_serves(3);
    peer.report_peak();
    assert_eq!(peer.shutdown_and_exit(4), 0);
}

#[test]
fn requests_before_initialize_get_server_not_initialized() {
    let mut peer = Peer::start("request before initialize", &[]);
    peer.send(&request(5, "textDocument/hover", json!({})));
    let err = peer.response(5);
    assert_eq!(err["error"]["code"], json!(-32002), "{err}");
    peer.send(&notification("textDocument/didOpen", json!({})));
    peer.initialize();
    peer.still_serves(2);
    peer.report_peak();
    assert_eq!(peer.shutdown_and_exit(3), 0);
}

#[test]
fn stdin_closed_mid_frame_ends_the_server() {
    for (name, cut) in [
        (
            "stdin closed mid-body",
            &b"Content-Length: 100\r\n\r\n{\"jsonrpc\":"[..],
        ),
        ("stdin closed mid-header", &b"Content-Len"[..]),
    ] {
        let mut peer = Peer::start(name, &[]);
        peer.initialize();
        peer.send(cut);
        peer.report_peak();
        assert_eq!(peer.close_and_wait(), 1, "{name}");
    }
}

#[test]
fn config_errors_sent_to_the_editor_show_nothing_outside_the_project() {
    const CANARY: &str = "Zq9SECRETBYTES";
    let mut peer = Peer::start("config extending a file outside the project", &[]);
    let top = std::fs::canonicalize(peer.dir.path()).expect("canonical");
    std::fs::create_dir_all(top.join("proj")).expect("mkdir");
    std::fs::create_dir_all(top.join("outside")).expect("mkdir");
    std::fs::write(top.join("outside/secret.yaml"), format!("root:{CANARY}:0:0\n")).expect("write");
    std::fs::write(top.join("proj/.inboxlint.yaml"), "extends: ../outside/secret.yaml\n").expect("write");
    peer.initialize();
    let uri = format!("file://{}", top.join("proj/a.html").display());
    peer.send(&notification(
        "textDocument/didOpen",
        json!({"textDocument": {
            "uri": uri, "languageId": "html", "version": 1, "text": "<p>x</p>",
        }}),
    ));
    let config_error = peer.wait_for("the config error", |m| {
        m["method"] == "textDocument/publishDiagnostics"
            && m["params"]["uri"]
                .as_str()
                .is_some_and(|u| u.ends_with(".inboxlint.yaml"))
    });
    assert!(
        config_error.to_string().contains("outside the project root"),
        "{config_error}"
    );
    peer.wait_for("the document's diagnostics", |m| {
        m["method"] == "textDocument/publishDiagnostics" && m["params"]["uri"] == json!(uri)
    });
    peer.still_serves(2);
    let everything = format!("{config_error} {:?}", peer.seen);
    assert!(!everything.contains(CANARY), "{everything}");
    assert_eq!(peer.shutdown_and_exit(3), 0);
}
