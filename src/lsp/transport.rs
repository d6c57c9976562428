//! The stdio transport, in place of lsp-server's own: that one trusts its peer. A header
//! `Content-Length: 1000000000000` made it allocate that much, and one body that was not JSON
//! ended the connection. Here every frame is bounded ([`DEFAULT_MAX_MESSAGE`], set with
//! `inboxlint lsp --max-message-size`), a frame that cannot be accepted is answered or logged
//! and skipped, and the server lives on. End of input ends the server cleanly.

use lsp_server::{Connection, ErrorCode, Message, Notification};
use serde_json::{Value, json};
use std::io::{self, BufRead, Read, Write};

/// Far above any real document (max-file-size is 10 MiB by default), far below trouble.
pub const DEFAULT_MAX_MESSAGE: usize = 64 * 1024 * 1024;
/// A header line longer than this is not a header.
const MAX_HEADER_LINE: usize = 8 * 1024;
/// Content-Length and Content-Type are all LSP defines.
const MAX_HEADERS: usize = 32;
const NAME: &[u8] = b"content-length:";

/// Why a frame was not read.
#[derive(Debug)]
pub enum FrameError {
    /// The declared body is over the limit; it is skipped unread.
    TooLarge {
        declared: u64,
        max: usize,
    },
    /// The header block has no usable Content-Length (missing, negative, not a number), or a
    /// header line is malformed or too long. The stream is searched for the next header.
    BadHeader(String),
    /// Input ended inside a frame.
    Truncated,
    Io(io::Error),
}

impl std::fmt::Display for FrameError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            FrameError::TooLarge { declared, max } => write!(
                f,
                "a message of {declared} bytes is over the limit of {max} bytes (inboxlint lsp --max-message-size); skipped"
            ),
            FrameError::BadHeader(why) => write!(f, "malformed message header: {why}; skipped to the next header"),
            FrameError::Truncated => f.write_str("input ended in the middle of a message"),
            FrameError::Io(e) => write!(f, "cannot read input: {e}"),
        }
    }
}

/// Reads `Content-Length` framed bodies from `input`, never holding more than `max` bytes of
/// one body or [`MAX_HEADER_LINE`] of one header line.
pub struct FrameReader<R> {
    input: R,
    max: usize,
    /// Bytes of an oversized body still to be thrown away.
    skip: u64,
    /// After a bad header, the next frame starts at the next `Content-Length:`.
    resync: bool,
}

enum Line {
    Text(Vec<u8>),
    Eof { partial: bool },
}

impl<R: BufRead> FrameReader<R> {
    pub fn new(input: R, max: usize) -> Self {
        FrameReader {
            input,
            max,
            skip: 0,
            resync: false,
        }
    }

    /// The next body; `Ok(None)` at the end of input between frames.
    pub fn next_frame(&mut self) -> Result<Option<Vec<u8>>, FrameError> {
        if self.skip > 0 {
            let skipped = io::copy(&mut (&mut self.input).take(self.skip), &mut io::sink()).map_err(FrameError::Io)?;
            let short = skipped < self.skip;
            self.skip = 0;
            if short {
                return Ok(None);
            }
        }
        let mut first: Option<Vec<u8>> = None;
        if self.resync {
            if !self.find_header()? {
                return Ok(None);
            }
            self.resync = false;
            let mut line = NAME.to_vec();
            match self.line()? {
                Line::Text(rest) => line.extend(rest),
                Line::Eof { .. } => return Err(FrameError::Truncated),
            }
            first = Some(line);
        }
        let length = self.headers(first).inspect_err(|e| {
            if matches!(e, FrameError::BadHeader(_)) {
                self.resync = true;
            }
        })?;
        let Some(length) = length else { return Ok(None) };
        if length > self.max as u64 {
            self.skip = length;
            return Err(FrameError::TooLarge {
                declared: length,
                max: self.max,
            });
        }
        // `length` is at most `max`: the allocation is bounded by the setting, not the peer.
        let mut body = Vec::with_capacity(length as usize);
        (&mut self.input)
            .take(length)
            .read_to_end(&mut body)
            .map_err(FrameError::Io)?;
        if (body.len() as u64) < length {
            return Err(FrameError::Truncated);
        }
        Ok(Some(body))
    }

    /// The header block's Content-Length; `Ok(None)` when input ends before a frame starts.
    fn headers(&mut self, mut first: Option<Vec<u8>>) -> Result<Option<u64>, FrameError> {
        let mut length: Option<u64> = None;
        let mut seen = 0;
        loop {
            let line = match first.take() {
                Some(l) => l,
                None => match self.line()? {
                    Line::Text(l) => l,
                    Line::Eof { partial } if seen == 0 && !partial => return Ok(None),
                    Line::Eof { .. } => return Err(FrameError::Truncated),
                },
            };
            if line.is_empty() {
                if seen == 0 {
                    // Stray blank lines between frames carry nothing.
                    continue;
                }
                return match length {
                    Some(l) => Ok(Some(l)),
                    None => Err(FrameError::BadHeader("no Content-Length".into())),
                };
            }
            seen += 1;
            if seen > MAX_HEADERS {
                return Err(FrameError::BadHeader(format!("more than {MAX_HEADERS} header lines")));
            }
            let text = String::from_utf8_lossy(&line);
            let Some((name, value)) = text.split_once(':') else {
                return Err(FrameError::BadHeader(format!("`{}` is not a header", shorten(&text))));
            };
            if name.trim().eq_ignore_ascii_case("content-length") {
                let value = value.trim();
                let parsed = value.parse::<u64>().map_err(|_| {
                    FrameError::BadHeader(format!("Content-Length `{}` is not a byte count", shorten(value)))
                })?;
                if length.is_some_and(|l| l != parsed) {
                    return Err(FrameError::BadHeader("two different Content-Length headers".into()));
                }
                length = Some(parsed);
            }
        }
    }

    /// One header line without its `\r\n` (or `\n`), at most [`MAX_HEADER_LINE`] bytes.
    fn line(&mut self) -> Result<Line, FrameError> {
        let mut line = Vec::new();
        loop {
            let buf = fill(&mut self.input)?;
            if buf.is_empty() {
                return Ok(Line::Eof {
                    partial: !line.is_empty(),
                });
            }
            let (take, done) = match memchr::memchr(b'\n', buf) {
                Some(i) => (i + 1, true),
                None => (buf.len(), false),
            };
            line.extend_from_slice(&buf[..take]);
            self.input.consume(take);
            if line.len() > MAX_HEADER_LINE + 2 {
                self.resync = true;
                return Err(FrameError::BadHeader(format!(
                    "a header line is longer than {MAX_HEADER_LINE} bytes"
                )));
            }
            if done {
                line.pop();
                if line.last() == Some(&b'\r') {
                    line.pop();
                }
                return Ok(Line::Text(line));
            }
        }
    }

    /// Skip to just after the next `Content-Length:` (any case); false at end of input.
    fn find_header(&mut self) -> Result<bool, FrameError> {
        let mut matched = 0;
        loop {
            let buf = fill(&mut self.input)?;
            if buf.is_empty() {
                return Ok(false);
            }
            let mut used = 0;
            for &b in buf {
                used += 1;
                let b = b.to_ascii_lowercase();
                // `c` occurs in the name only at its start, so a mismatch restarts the match
                // at this byte without backtracking further.
                matched = if b == NAME[matched] {
                    matched + 1
                } else if b == NAME[0] {
                    1
                } else {
                    0
                };
                if matched == NAME.len() {
                    self.input.consume(used);
                    return Ok(true);
                }
            }
            self.input.consume(used);
        }
    }
}

/// The buffered input, read again when a signal interrupted the read.
fn fill<R: BufRead>(input: &mut R) -> Result<&[u8], FrameError> {
    loop {
        match input.fill_buf() {
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(FrameError::Io(e)),
            Ok(_) => break,
        }
    }
    // Data is buffered now (or the input ended): this call does not read.
    input.fill_buf().map_err(FrameError::Io)
}

fn shorten(s: &str) -> String {
    if s.len() <= 40 {
        return s.to_string();
    }
    let mut end = 40;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}…", &s[..end])
}

/// A body that is not a JSON-RPC message: the error response owed for it.
#[derive(Debug, Clone, PartialEq)]
pub struct Rejected {
    /// The request's id when the body has one, else null (JSON-RPC 2.0 §5).
    pub id: Value,
    pub code: i32,
    pub message: String,
}

impl Rejected {
    pub fn response(&self) -> Value {
        json!({"jsonrpc": "2.0", "id": self.id, "error": {"code": self.code, "message": self.message}})
    }
}

/// Parse one body into a message.
pub fn decode(body: &[u8]) -> Result<Message, Rejected> {
    let value: Value = serde_json::from_slice(body).map_err(|e| Rejected {
        id: Value::Null,
        code: ErrorCode::ParseError as i32,
        message: format!("the message is not JSON: {e}"),
    })?;
    let id = match value.get("id") {
        Some(id @ (Value::Number(_) | Value::String(_))) => id.clone(),
        _ => Value::Null,
    };
    let valid_shape = value.is_object() && (value.get("method").is_some() || value.get("id").is_some());
    let parsed = if valid_shape {
        serde_json::from_value::<Message>(value).ok()
    } else {
        None
    };
    parsed.ok_or(Rejected {
        id,
        code: ErrorCode::InvalidRequest as i32,
        message: "the message is not a JSON-RPC request, response or notification".into(),
    })
}

/// One frame, written whole under the stdout lock so the reader's error answers and the
/// server's messages never interleave.
fn write_frame(text: &str) -> io::Result<()> {
    let mut out = io::stdout().lock();
    write!(out, "Content-Length: {}\r\n\r\n", text.len())?;
    out.write_all(text.as_bytes())?;
    out.flush()
}

fn log_message(text: &str) -> Message {
    eprintln!("inboxlint lsp: {text}");
    Notification::new("window/logMessage".into(), json!({"type": 1, "message": text})).into()
}

/// The writer thread; join it to be sure every queued message was written.
pub struct Writer(std::thread::JoinHandle<()>);

impl Writer {
    pub fn join(self) {
        if self.0.join().is_err() {
            eprintln!("inboxlint lsp: the writer thread panicked");
        }
    }
}

/// A connection over stdin/stdout through the bounded reader. The reader thread is not
/// returned: it ends by itself at `exit` or the end of input, and the process does not wait
/// for a client that keeps stdin open.
pub fn stdio(max_message: usize) -> io::Result<(Connection, Writer)> {
    // An in-memory pair: the server gets one end, the reader and writer threads the other.
    let (server, wire) = Connection::memory();
    let Connection {
        sender: to_server,
        receiver: from_server,
    } = wire;
    let writer = std::thread::Builder::new().name("lsp-writer".into()).spawn(move || {
        for msg in from_server {
            if msg.write(&mut io::stdout().lock()).is_err() {
                // The client is gone; the server learns it when stdin ends.
                return;
            }
        }
    })?;
    let logs = server.sender.clone();
    std::thread::Builder::new().name("lsp-reader".into()).spawn(move || {
        read_loop(
            io::stdin().lock(),
            max_message,
            |msg| to_server.send(msg).is_ok(),
            |msg| {
                let _ = logs.send(msg);
            },
            |text| write_frame(text).is_ok(),
        )
    })?;
    Ok((server, Writer(writer)))
}

/// Frames from `input` to the server until `exit` or the end of input; what cannot be
/// accepted is answered (`ParseError`, `InvalidRequest`) or logged, and reading goes on.
/// `to_server` and `raw` return false when their side is gone.
pub fn read_loop(
    input: impl BufRead,
    max_message: usize,
    to_server: impl Fn(Message) -> bool,
    to_client: impl Fn(Message),
    raw: impl Fn(&str) -> bool,
) {
    let mut frames = FrameReader::new(input, max_message);
    loop {
        match frames.next_frame() {
            Ok(Some(body)) => match decode(&body) {
                Ok(msg) => {
                    let exit = matches!(&msg, Message::Notification(n) if n.method == "exit");
                    if !to_server(msg) || exit {
                        return;
                    }
                }
                Err(rejected) => {
                    to_client(log_message(&rejected.message));
                    // A null id cannot be expressed as an lsp-server Response: written as is.
                    if !raw(&rejected.response().to_string()) {
                        return;
                    }
                }
            },
            Ok(None) => return,
            Err(e @ (FrameError::TooLarge { .. } | FrameError::BadHeader(_))) => {
                to_client(log_message(&e.to_string()));
            }
            Err(e @ (FrameError::Truncated | FrameError::Io(_))) => {
                to_client(log_message(&e.to_string()));
                return;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frames(input: &[u8], max: usize) -> Vec<Result<Vec<u8>, String>> {
        let mut r = FrameReader::new(input, max);
        let mut out = Vec::new();
        for _ in 0..32 {
            match r.next_frame() {
                Ok(Some(b)) => out.push(Ok(b)),
                Ok(None) => break,
                Err(e @ (FrameError::Truncated | FrameError::Io(_))) => {
                    out.push(Err(e.to_string()));
                    break;
                }
                Err(e) => out.push(Err(e.to_string())),
            }
        }
        out
    }

    #[test]
    fn reads_frames_with_either_line_ending_and_any_header_case() {
        let got = frames(b"Content-Length: 2\r\n\r\n{}content-length:3\n\n[1]", 100);
        assert_eq!(got, vec![Ok(b"{}".to_vec()), Ok(b"[1]".to_vec())]);
    }

    #[test]
    fn an_oversized_frame_is_skipped_unread_and_the_next_one_read() {
        let mut input = b"Content-Length: 20\r\n\r\n".to_vec();
        input.extend([b'x'; 20]);
        input.extend(b"Content-Length: 2\r\n\r\n{}");
        let got = frames(&input, 10);
        assert!(
            got[0]
                .as_ref()
                .unwrap_err()
                .contains("20 bytes is over the limit of 10")
        );
        assert_eq!(got[1], Ok(b"{}".to_vec()));
        // A huge declared length allocates nothing and ends with the input.
        let got = frames(b"Content-Length: 1000000000000\r\n\r\nabc", 10);
        assert_eq!(got.len(), 1);
    }

    #[test]
    fn bad_lengths_resync_at_the_next_header() {
        for bad in ["-5", "abc", "", "18446744073709551616", "1e3"] {
            let input = format!("Content-Length: {bad}\r\n\r\n{{\"a\":1}}Content-Length: 2\r\n\r\n{{}}");
            let got = frames(input.as_bytes(), 100);
            assert!(
                got[0].as_ref().unwrap_err().contains("not a byte count"),
                "{bad}: {got:?}"
            );
            assert_eq!(got[1], Ok(b"{}".to_vec()), "{bad}");
        }
        let got = frames(b"Content-Type: x\r\n\r\n{\"a\":1}\r\nContent-Length: 2\r\n\r\n{}", 100);
        assert!(got[0].as_ref().unwrap_err().contains("no Content-Length"));
        assert_eq!(got[1], Ok(b"{}".to_vec()));
    }

    #[test]
    fn a_header_line_without_end_is_cut_off() {
        let mut input = vec![b'a'; 100_000];
        input.extend(b"\r\nContent-Length: 2\r\n\r\n{}");
        let got = frames(&input, 100);
        assert!(got[0].as_ref().unwrap_err().contains("longer than"));
        assert_eq!(got[1], Ok(b"{}".to_vec()));
    }

    #[test]
    fn input_ending_mid_frame_is_truncated_and_between_frames_is_the_end() {
        assert_eq!(frames(b"", 100), vec![]);
        assert_eq!(frames(b"Content-Length: 2\r\n\r\n{}", 100), vec![Ok(b"{}".to_vec())]);
        for cut in ["Content-Len", "Content-Length: 5\r\n", "Content-Length: 5\r\n\r\n{}"] {
            let got = frames(cut.as_bytes(), 100);
            assert_eq!(
                got,
                vec![Err("input ended in the middle of a message".into())],
                "{cut:?}"
            );
        }
    }

    #[test]
    fn bodies_that_are_not_messages_get_the_right_error() {
        let e = decode(b"not json").unwrap_err();
        assert_eq!((e.id.clone(), e.code), (Value::Null, -32700));
        let e = decode(br#"{"id": 7, "method": 5}"#).unwrap_err();
        assert_eq!((e.id.clone(), e.code), (json!(7), -32600));
        let e = decode(br#"[1, 2]"#).unwrap_err();
        assert_eq!((e.id.clone(), e.code), (Value::Null, -32600));
        let e = decode(br#"{"foo": 1}"#).unwrap_err();
        assert_eq!(e.code, -32600);
        assert!(matches!(
            decode(br#"{"jsonrpc":"2.0","id":"a","method":"shutdown"}"#),
            Ok(Message::Request(_))
        ));
    }
}
