//! `inboxlint lsp`, end to end: the real binary spoken to over stdio with Content-Length
//! framed JSON-RPC, as an editor does.

use inboxlint::source::SourceText;
use serde_json::{Value, json};
use std::collections::BTreeSet;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{Receiver, RecvTimeoutError, channel};
use std::time::{Duration, Instant};

#[path = "common/frames.rs"]
mod frames;
use frames::read_frames;

const WAIT: Duration = Duration::from_secs(20);

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// `file://` URI as Python's `Path.as_uri` and VS Code write it.
fn uri_of(path: &Path) -> String {
    let mut out = String::from("file://");
    for b in path.to_string_lossy().bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

struct Client {
    child: Child,
    stdin: Option<ChildStdin>,
    inbox: Receiver<Value>,
    /// Notifications received while waiting for something else.
    seen: Vec<Value>,
    next_id: i64,
    pub init_result: Value,
}

impl Client {
    fn start(cwd: &Path, capabilities: Value) -> Client {
        Client::start_with_env(cwd, capabilities, &[])
    }

    fn start_with_env(cwd: &Path, capabilities: Value, env: &[(&str, &str)]) -> Client {
        let mut child = Command::new(env!("CARGO_BIN_EXE_inboxlint"))
            .arg("lsp")
            .env_remove("INBOXLINT_TEST_PANIC_FILE")
            .envs(env.iter().copied())
            .current_dir(cwd)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("spawn inboxlint lsp");
        let stdout = child.stdout.take().expect("stdout");
        let (tx, rx) = channel();
        std::thread::spawn(move || read_frames(stdout, tx));
        let stdin = child.stdin.take();
        let mut c = Client {
            child,
            stdin,
            inbox: rx,
            seen: Vec::new(),
            next_id: 0,
            init_result: Value::Null,
        };
        c.init_result = c.request(
            "initialize",
            json!({"processId": null, "rootUri": uri_of(cwd), "capabilities": capabilities}),
        );
        c.notify("initialized", json!({}));
        c
    }

    fn send(&mut self, msg: &Value) {
        let body = serde_json::to_vec(msg).expect("json");
        let stdin = self.stdin.as_mut().expect("stdin open");
        stdin
            .write_all(format!("Content-Length: {}\r\n\r\n", body.len()).as_bytes())
            .and_then(|()| stdin.write_all(&body))
            .and_then(|()| stdin.flush())
            .expect("write to server");
    }

    fn notify(&mut self, method: &str, params: Value) {
        self.send(&json!({"jsonrpc": "2.0", "method": method, "params": params}));
    }

    fn next(&mut self, deadline: Instant) -> Option<Value> {
        let left = deadline.saturating_duration_since(Instant::now());
        match self.inbox.recv_timeout(left) {
            Ok(msg) => {
                if msg.get("method").is_some() && msg.get("id").is_some() {
                    // A request from the server (registerCapability, refresh): accept it.
                    let answer = json!({"jsonrpc": "2.0", "id": msg["id"], "result": null});
                    self.send(&answer);
                }
                Some(msg)
            }
            Err(RecvTimeoutError::Timeout) => None,
            Err(RecvTimeoutError::Disconnected) => None,
        }
    }

    fn request_full(&mut self, method: &str, params: Value) -> Value {
        self.next_id += 1;
        let id = self.next_id;
        self.send(&json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}));
        let deadline = Instant::now() + WAIT;
        while let Some(msg) = self.next(deadline) {
            if msg["id"] == json!(id) && msg.get("method").is_none() {
                return msg;
            }
            if msg.get("id").is_none() {
                self.seen.push(msg);
            }
        }
        panic!("no answer to {method}");
    }

    fn request(&mut self, method: &str, params: Value) -> Value {
        let resp = self.request_full(method, params);
        assert!(resp.get("error").is_none(), "{method} failed: {resp}");
        resp["result"].clone()
    }

    /// The next publishDiagnostics for `uri` satisfying `pred` (earlier ones are skipped).
    fn diagnostics_where(&mut self, uri: &str, pred: impl Fn(&Value) -> bool) -> Value {
        let is_it = |m: &Value| m["method"] == "textDocument/publishDiagnostics" && m["params"]["uri"] == uri;
        if let Some(i) = self.seen.iter().position(|m| is_it(m) && pred(&m["params"])) {
            let m = self.seen.remove(i);
            self.seen.retain(|x| !is_it(x));
            return m["params"].clone();
        }
        self.seen.retain(|x| !is_it(x));
        let deadline = Instant::now() + WAIT;
        while let Some(msg) = self.next(deadline) {
            if is_it(&msg) && pred(&msg["params"]) {
                return msg["params"].clone();
            }
            if msg.get("id").is_none() && !is_it(&msg) {
                self.seen.push(msg);
            }
        }
        panic!("no matching diagnostics for {uri}");
    }

    fn diagnostics(&mut self, uri: &str) -> Value {
        self.diagnostics_where(uri, |_| true)
    }

    fn open(&mut self, path: &Path, language: &str, text: &str) -> String {
        let uri = uri_of(path);
        self.notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": uri, "languageId": language, "version": 1, "text": text}}),
        );
        uri
    }

    fn shutdown_and_exit(mut self) -> i32 {
        assert_eq!(self.request("shutdown", Value::Null), Value::Null);
        self.notify("exit", Value::Null);
        self.wait_exit()
    }

    fn wait_exit(&mut self) -> i32 {
        self.stdin.take();
        let deadline = Instant::now() + WAIT;
        loop {
            if let Some(status) = self.child.try_wait().expect("wait") {
                return status.code().unwrap_or(-1);
            }
            assert!(Instant::now() < deadline, "server did not exit");
            std::thread::sleep(Duration::from_millis(10));
        }
    }
}

impl Drop for Client {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

fn codes(params: &Value) -> BTreeSet<String> {
    params["diagnostics"]
        .as_array()
        .expect("diagnostics array")
        .iter()
        .filter_map(|d| d["code"].as_str().map(String::from))
        .collect()
}

fn find<'a>(params: &'a Value, code: &str) -> &'a Value {
    params["diagnostics"]
        .as_array()
        .and_then(|a| a.iter().find(|d| d["code"] == code))
        .unwrap_or_else(|| panic!("no {code} in {params}"))
}

fn push_capabilities() -> Value {
    json!({
        "textDocument": {"publishDiagnostics": {"codeDescriptionSupport": true},
                         "codeAction": {"codeActionLiteralSupport": {"codeActionKind": {"valueSet": ["quickfix"]}}}},
        "workspace": {"didChangeWatchedFiles": {"dynamicRegistration": true}}
    })
}

// Accents and emoji before the finding make UTF-16 columns differ from bytes and chars:
// line 2 is `<p>Crème brûlée 🍮 für Zoë 👩‍👩‍👧 — Sale: <a href="http://acme.example/sale">Shop</a></p>`.
const BAD: &str = "<html><body>\n<p>Crème brûlée 🍮 für Zoë 👩\u{200d}👩\u{200d}👧 — Sale: <a href=\"http://acme.example/sale\">Shop</a></p>\n<p>Acme Inc. · PO Box 1234, Springfield, IL 62701</p>\n</body></html>\n";
const GOOD: &str = "<html><body>\n<p>Crème brûlée 🍮 für Zoë 👩\u{200d}👩\u{200d}👧 — Sale: <a href=\"https://acme.example/sale\">Shop</a></p>\n<p>Acme Inc. · PO Box 1234, Springfield, IL 62701</p>\n<p><a href=\"https://acme.example/unsubscribe\">Unsubscribe</a></p>\n</body></html>\n";

#[test]
fn open_change_actions_hover_and_clean_exit() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("spring sale.html");
    let mut c = Client::start(dir.path(), push_capabilities());
    let caps = &c.init_result["capabilities"];
    assert_eq!(caps["positionEncoding"], "utf-16");
    assert_eq!(caps["hoverProvider"], true);
    assert!(
        caps.get("diagnosticProvider").is_none(),
        "no pull without client support"
    );
    assert_eq!(c.init_result["serverInfo"]["name"], "inboxlint");

    let uri = c.open(&path, "html", BAD);
    let d = c.diagnostics(&uri);
    assert_eq!(d["version"], 1);
    assert_eq!(
        codes(&d),
        BTreeSet::from([
            "canspam/unsubscribe-missing".to_string(),
            "security/insecure-link".to_string()
        ])
    );
    let link = find(&d, "security/insecure-link");
    // `http://acme.example/sale` starts 72 bytes, 49 chars but 53 UTF-16 units into line 1
    // (0-based): 🍮 is 2 units, the family emoji is 3 scalars joined by 2 ZWJs, 8 units.
    let line = BAD.lines().nth(1).expect("line 2");
    let col = line.find("http://").expect("href");
    assert_eq!(col, 72);
    assert_eq!(line[..col].chars().count(), 49);
    assert_eq!(line[..col].encode_utf16().count(), 53);
    assert_eq!(
        link["range"],
        json!({"start": {"line": 1, "character": 53}, "end": {"line": 1, "character": 77}})
    );
    assert_eq!(link["severity"], 2);
    assert_eq!(link["source"], "inboxlint");
    assert_eq!(
        link["codeDescription"]["href"],
        "https://github.com/inboxlint/inboxlint/blob/main/docs/rules.md#security-insecure-link"
    );
    assert!(
        link["message"]
            .as_str()
            .is_some_and(|m| m.contains("http://acme.example/sale"))
    );
    assert_eq!(find(&d, "canspam/unsubscribe-missing")["severity"], 1);

    // Code actions on the link: the rule's fix first, then both ignores.
    let actions = c.request(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": uri}, "range": link["range"], "context": {"diagnostics": [link]}}),
    );
    let titles: Vec<&str> = actions
        .as_array()
        .expect("actions")
        .iter()
        .filter_map(|a| a["title"].as_str())
        .collect();
    assert_eq!(
        titles,
        [
            "Use https:// (security/insecure-link, unsafe)",
            "Ignore security/insecure-link on this line",
            "Ignore security/insecure-link in this file"
        ]
    );
    let edit = |i: usize| actions[i]["edit"]["changes"][uri.as_str()][0].clone();
    assert_eq!(actions[0]["kind"], "quickfix");
    // Unsafe: offered, never preferred (an editor's "apply preferred" must not take it).
    assert_eq!(actions[0]["isPreferred"], Value::Null);
    let scheme_end = json!({"line": 1, "character": link["range"]["start"]["character"].as_u64().unwrap_or(0) + 7});
    assert_eq!(
        edit(0),
        json!({"range": {"start": link["range"]["start"], "end": scheme_end}, "newText": "https://"})
    );
    assert_eq!(
        edit(1),
        json!({"range": {"start": {"line": 1, "character": 0}, "end": {"line": 1, "character": 0}},
               "newText": "<!-- inboxlint-ignore security/insecure-link: TODO: say why -->\n"})
    );
    assert_eq!(
        edit(2),
        json!({"range": {"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 0}},
               "newText": "<!-- inboxlint-ignore-file security/insecure-link: TODO: say why -->\n"})
    );

    let source_only = c.request(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": uri}, "range": link["range"],
               "context": {"diagnostics": [link], "only": ["source.fixAll"]}}),
    );
    assert_eq!(source_only, json!([]));

    // Hover inside the finding shows the rule's docs.
    let hover = c.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": uri}, "position": {"line": 1, "character": 60}}),
    );
    let md = hover["contents"]["value"].as_str().expect("markdown hover");
    assert_eq!(hover["contents"]["kind"], "markdown");
    for needle in [
        "**Link or resource over plain http** (`security/insecure-link`)",
        "Use https://",
        "GDPR Art. 32",
        "<https://support.google.com/a/answer/81126>",
        "[Rule documentation](https://github.com/inboxlint/inboxlint/blob/main/docs/rules.md#security-insecure-link)",
    ] {
        assert!(md.contains(needle), "hover lacks {needle:?}:\n{md}");
    }
    assert_eq!(hover["range"], link["range"]);
    let nothing = c.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": uri}, "position": {"line": 2, "character": 3}}),
    );
    assert_eq!(nothing, Value::Null);

    // Apply the fix as an editor does (an incremental edit in UTF-16 units): the link is gone.
    c.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri, "version": 2},
               "contentChanges": [{"range": edit(0)["range"], "text": edit(0)["newText"]}]}),
    );
    let d = c.diagnostics_where(&uri, |p| p["version"] == 2);
    assert_eq!(codes(&d), BTreeSet::from(["canspam/unsubscribe-missing".to_string()]));

    // The whole fixed text: nothing left.
    c.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri, "version": 3}, "contentChanges": [{"text": GOOD}]}),
    );
    let d = c.diagnostics_where(&uri, |p| p["version"] == 3);
    assert_eq!(d["diagnostics"], json!([]));
    let none = c.request(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": uri}, "range": {"start": {"line": 1, "character": 0}, "end": {"line": 1, "character": 5}},
               "context": {"diagnostics": []}}),
    );
    assert_eq!(none, json!([]));

    assert_eq!(c.shutdown_and_exit(), 0);
}

#[test]
fn exit_without_shutdown_is_code_1_and_requests_after_shutdown_fail() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut c = Client::start(dir.path(), json!({}));
    c.notify("exit", Value::Null);
    assert_eq!(c.wait_exit(), 1);

    let mut c = Client::start(dir.path(), json!({}));
    assert_eq!(c.request("shutdown", Value::Null), Value::Null);
    let late = c.request_full(
        "textDocument/hover",
        json!({"textDocument": {"uri": "file:///x.html"}, "position": {"line": 0, "character": 0}}),
    );
    assert!(late.get("error").is_some());
    c.notify("exit", Value::Null);
    assert_eq!(c.wait_exit(), 0);
}

#[test]
fn pull_diagnostics_when_the_client_offers_them() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("a.html");
    let mut c = Client::start(
        dir.path(),
        json!({"textDocument": {"diagnostic": {"dynamicRegistration": false}}}),
    );
    assert_eq!(
        c.init_result["capabilities"]["diagnosticProvider"]["identifier"],
        "inboxlint"
    );
    let uri = c.open(&path, "html", BAD);
    let report = c.request("textDocument/diagnostic", json!({"textDocument": {"uri": uri}}));
    assert_eq!(report["kind"], "full");
    assert_eq!(
        codes(&json!({"diagnostics": report["items"]})),
        BTreeSet::from([
            "canspam/unsubscribe-missing".to_string(),
            "security/insecure-link".to_string()
        ])
    );
    // The pull sees an unsaved change at once, without waiting for the debounce.
    c.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri, "version": 2}, "contentChanges": [{"text": GOOD}]}),
    );
    let report = c.request("textDocument/diagnostic", json!({"textDocument": {"uri": uri}}));
    assert_eq!(report["items"], json!([]));
    assert!(
        !c.seen
            .iter()
            .any(|m| m["method"] == "textDocument/publishDiagnostics" && m["params"]["uri"] == uri),
        "a pulling client gets no pushed diagnostics for documents"
    );
    assert_eq!(c.shutdown_and_exit(), 0);
}

#[test]
fn queued_changes_are_linted_once() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("typing.html");
    let mut c = Client::start(dir.path(), push_capabilities());
    let uri = c.open(&path, "html", GOOD);
    assert_eq!(c.diagnostics(&uri)["diagnostics"], json!([]));
    // 30 keystrokes typing ` http://x` into an href, sent in one burst.
    let line = GOOD.lines().nth(1).expect("line");
    let col = line[..line.find("https").expect("href")].encode_utf16().count() as u64;
    let mut burst = Vec::new();
    for (i, ch) in "http://x.example/".chars().enumerate() {
        let at = col + i as u64;
        let msg = json!({"jsonrpc": "2.0", "method": "textDocument/didChange", "params": {
            "textDocument": {"uri": uri, "version": 2 + i},
            "contentChanges": [{"range": {"start": {"line": 1, "character": at}, "end": {"line": 1, "character": at}},
                                "text": ch.to_string()}]}});
        let body = serde_json::to_vec(&msg).expect("json");
        burst.extend_from_slice(format!("Content-Length: {}\r\n\r\n", body.len()).as_bytes());
        burst.extend_from_slice(&body);
    }
    let stdin = c.stdin.as_mut().expect("stdin");
    stdin.write_all(&burst).and_then(|()| stdin.flush()).expect("burst");
    let last = 2 + "http://x.example/".len() as u64 - 1;
    let d = c.diagnostics_where(&uri, |p| p["version"] == json!(last));
    assert_eq!(codes(&d), BTreeSet::from(["security/insecure-link".to_string()]));
    let publishes = c
        .seen
        .iter()
        .filter(|m| m["method"] == "textDocument/publishDiagnostics")
        .count();
    assert!(
        publishes <= 8,
        "{publishes} intermediate publishes for 17 queued changes"
    );
    assert_eq!(c.shutdown_and_exit(), 0);
}

#[test]
fn config_changes_reload_and_broken_configs_are_reported_not_fatal() {
    let dir = tempfile::tempdir().expect("tempdir");
    let config = dir.path().join(".inboxlint.yaml");
    std::fs::write(&config, "rules:\n  security/insecure-link: off\n").expect("config");
    let mut c = Client::start(dir.path(), push_capabilities());
    let uri = c.open(&dir.path().join("t.html"), "html", BAD);
    assert_eq!(
        codes(&c.diagnostics(&uri)),
        BTreeSet::from(["canspam/unsubscribe-missing".to_string()])
    );
    let changed = |c: &mut Client| {
        c.notify(
            "workspace/didChangeWatchedFiles",
            json!({"changes": [{"uri": uri_of(&config), "type": 2}]}),
        );
    };

    std::fs::write(&config, "rules:\n  security/insecure-link: error\n").expect("config");
    changed(&mut c);
    let d = c.diagnostics_where(&uri, |p| p["diagnostics"].as_array().is_some_and(|a| a.len() == 2));
    assert_eq!(find(&d, "security/insecure-link")["severity"], 1);

    // A typo in the config: an error on the config file, a note on the template, and the
    // template is still linted (with the defaults, so the link is a warning again).
    std::fs::write(&config, "rules:\n  security/insecure-link: error\nrulez: {}\n").expect("config");
    changed(&mut c);
    let config_uri = uri_of(&config);
    let cd = c.diagnostics_where(&config_uri, |p| !p["diagnostics"].as_array().is_some_and(Vec::is_empty));
    let err = find(&cd, "input/invalid-config");
    assert_eq!(err["severity"], 1);
    assert_eq!(err["range"]["start"], json!({"line": 2, "character": 0}));
    assert!(err["message"].as_str().is_some_and(|m| m.contains("rulez")), "{err}");
    let d = c.diagnostics_where(&uri, |p| codes(p).contains("input/invalid-config"));
    assert_eq!(
        codes(&d),
        BTreeSet::from([
            "canspam/unsubscribe-missing".to_string(),
            "input/invalid-config".to_string(),
            "security/insecure-link".to_string()
        ])
    );
    assert_eq!(find(&d, "security/insecure-link")["severity"], 2);
    let note = find(&d, "input/invalid-config")["message"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    assert!(note.contains(".inboxlint.yaml") && note.contains("line 3"), "{note}");

    // A broken rule file in a rule directory is reported on that file too.
    let rules = dir.path().join("rules");
    std::fs::create_dir(&rules).expect("rules dir");
    let rule = rules.join("mine.yaml");
    std::fs::write(&rule, "id: custom/x\ntitle: X\nseverity: fatal\n").expect("rule");
    std::fs::write(&config, "rule-dirs: [rules]\n").expect("config");
    changed(&mut c);
    let rd = c.diagnostics_where(&uri_of(&rule), |p| {
        !p["diagnostics"].as_array().is_some_and(Vec::is_empty)
    });
    assert_eq!(find(&rd, "input/invalid-rule-file")["range"]["start"]["line"], 2);
    // The config itself is fine again: its diagnostics are cleared.
    let cd = c.diagnostics_where(&config_uri, |_| true);
    assert_eq!(cd["diagnostics"], json!([]));

    // Fixed: every note goes away and the config applies again.
    std::fs::write(&config, "rules:\n  canspam: off\n").expect("config");
    changed(&mut c);
    let rd = c.diagnostics_where(&uri_of(&rule), |_| true);
    assert_eq!(rd["diagnostics"], json!([]));
    let d = c.diagnostics_where(&uri, |p| !codes(p).contains("input/invalid-config"));
    assert_eq!(codes(&d), BTreeSet::from(["security/insecure-link".to_string()]));
    assert_eq!(c.shutdown_and_exit(), 0);
}

#[test]
fn saving_an_open_config_reloads_without_file_watchers() {
    let dir = tempfile::tempdir().expect("tempdir");
    let config = dir.path().join(".inboxlint.yaml");
    std::fs::write(&config, "profiles: [us]\n").expect("config");
    let mut c = Client::start(dir.path(), json!({}));
    let uri = c.open(&dir.path().join("t.html"), "html", BAD);
    assert_eq!(codes(&c.diagnostics(&uri)).len(), 2);
    let text = "rules:\n  security: off\n";
    let config_uri = c.open(&config, "yaml", text);
    std::fs::write(&config, text).expect("config");
    c.notify("textDocument/didSave", json!({"textDocument": {"uri": config_uri}}));
    let d = c.diagnostics_where(&uri, |p| !codes(p).contains("security/insecure-link"));
    assert_eq!(codes(&d), BTreeSet::from(["canspam/unsubscribe-missing".to_string()]));
    assert_eq!(c.shutdown_and_exit(), 0);
}

/// Every fixture (and every file of the example project), opened in the editor, gets exactly
/// the findings `inboxlint check --format json` reports for it: same rule, severity, message
/// and range (bytes → UTF-16).
#[test]
fn lsp_diagnostics_equal_cli_json_for_every_fixture() {
    for dir in ["tests/fixtures", "examples"] {
        let (files, findings) = compare_with_cli(&root().join(dir));
        assert!(files >= 5 && findings > 0, "{dir}: {files} files, {findings} findings");
    }
}

fn compare_with_cli(base: &Path) -> (usize, usize) {
    let out = Command::new(env!("CARGO_BIN_EXE_inboxlint"))
        .args(["check", ".", "--format", "json"])
        .current_dir(base)
        .env_remove("INBOXLINT_FORMAT")
        .output()
        .expect("cli runs");
    let cli: Value = serde_json::from_slice(&out.stdout).expect("cli json");
    let reported: Vec<&Value> = cli["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .filter(|d| d["suppressed"].is_null())
        .collect();

    let mut files = Vec::new();
    let mut stack = vec![base.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).expect("read dir").flatten() {
            let p = entry.path();
            // The check cache other runs leave in the directory is not a fixture.
            if p.file_name().is_some_and(|n| n == ".inboxlint_cache") {
                continue;
            }
            if p.is_dir() {
                stack.push(p);
            } else {
                files.push(p);
            }
        }
    }
    files.sort();

    let mut c = Client::start(base, push_capabilities());
    let mut compared = 0;
    for file in &files {
        let rel = file
            .strip_prefix(base)
            .expect("under base")
            .to_string_lossy()
            .to_string();
        let text = std::fs::read_to_string(file).expect("text");
        let src = SourceText::new(text.as_str());
        let mut expected: Vec<Value> = reported
            .iter()
            .filter(|d| d["path"] == rel.as_str())
            .map(|d| {
                let start = d["span"]["offset"].as_u64().expect("offset") as usize;
                let end = start + d["span"]["length"].as_u64().expect("length") as usize;
                let (l0, c0) = src.utf16_position(start);
                let (l1, c1) = src.utf16_position(end);
                let severity = match d["severity"].as_str() {
                    Some("error") => 1,
                    Some("warning") => 2,
                    _ => 3,
                };
                json!({"code": d["rule"], "severity": severity, "message": d["message"],
                       "range": {"start": {"line": l0, "character": c0}, "end": {"line": l1, "character": c1}}})
            })
            .collect();
        let uri = c.open(file, "plaintext", &text);
        let got = c.diagnostics(&uri);
        let mut actual: Vec<Value> = got["diagnostics"]
            .as_array()
            .expect("array")
            .iter()
            .map(
                |d| json!({"code": d["code"], "severity": d["severity"], "message": d["message"], "range": d["range"]}),
            )
            .collect();
        let key = |v: &Value| v.to_string();
        expected.sort_by_key(key);
        actual.sort_by_key(key);
        assert_eq!(actual, expected, "LSP and CLI differ on {rel}");
        compared += expected.len();
    }
    // Every finding of the CLI belongs to a file that was opened and compared.
    assert_eq!(compared, reported.len(), "CLI findings outside the files opened");
    assert_eq!(c.shutdown_and_exit(), 0);
    (files.len(), compared)
}

#[test]
fn ignore_actions_use_the_files_comment_syntax() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut c = Client::start(dir.path(), push_capabilities());
    let cases = [
        (
            ".env",
            "dotenv",
            "MAIL_HOST=smtp.acme.example\nWEBHOOK_URL=http://hooks.acme.example/in\n",
            "security/insecure-transport",
            "# inboxlint-ignore security/insecure-transport: TODO: say why\n",
        ),
        (
            "offer.hbs",
            "handlebars",
            "<p>Acme Inc. · PO Box 1234, Springfield, IL 62701</p>\n  <a href=\"http://a.example/x\">x</a> <a href=\"{{unsubscribe}}\">Unsubscribe</a>\n",
            "security/insecure-link",
            "  {{!-- inboxlint-ignore security/insecure-link: TODO: say why --}}\n",
        ),
    ];
    for (name, language, text, rule, directive) in cases {
        let uri = c.open(&dir.path().join(name), language, text);
        let d = c.diagnostics(&uri);
        let diag = find(&d, rule).clone();
        let actions = c.request(
            "textDocument/codeAction",
            json!({"textDocument": {"uri": uri}, "range": diag["range"], "context": {"diagnostics": [diag]}}),
        );
        let line = actions
            .as_array()
            .and_then(|a| a.iter().find(|x| x["title"] == format!("Ignore {rule} on this line")))
            .unwrap_or_else(|| panic!("no line ignore in {actions}"));
        let edit = &line["edit"]["changes"][uri.as_str()][0];
        assert_eq!(edit["newText"], directive, "{name}");
        assert_eq!(edit["range"]["start"], json!({"line": 1, "character": 0}), "{name}");
    }
    assert_eq!(c.shutdown_and_exit(), 0);
}

/// The CLI and the server come through one front door: a crash and an oversized buffer are
/// the same findings, with the same ids and wording, as `inboxlint check` gives.
#[test]
fn panic_and_too_large_have_the_cli_ids() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join(".inboxlint.yaml"), "max-file-size: 64\n").expect("config");
    let mut c = Client::start_with_env(
        dir.path(),
        push_capabilities(),
        &[("INBOXLINT_TEST_PANIC_FILE", "boom.html")],
    );
    let boom = c.open(&dir.path().join("boom.html"), "html", "<p>hi</p>");
    let d = c.diagnostics(&boom);
    assert_eq!(codes(&d), BTreeSet::from(["internal/panic".to_string()]));
    let message = find(&d, "internal/panic")["message"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    assert!(message.contains("forced by INBOXLINT_TEST_PANIC_FILE"), "{message}");
    let big = c.open(&dir.path().join("big.html"), "html", &"x".repeat(100));
    let d = c.diagnostics(&big);
    assert_eq!(codes(&d), BTreeSet::from(["input/too-large".to_string()]));
    assert_eq!(
        find(&d, "input/too-large")["message"],
        "file is 100 bytes, over max-file-size (64 bytes); not linted"
    );
    // The server survived the crash and still lints.
    let ok = c.open(
        &dir.path().join("ok.html"),
        "html",
        r#"<a href="http://a.example">a</a>"#,
    );
    assert!(codes(&c.diagnostics(&ok)).contains("security/insecure-link"));
    assert_eq!(c.shutdown_and_exit(), 0);

    // The same two findings from the CLI, on disk and on standard input.
    let run = |args: &[&str], stdin: &str| {
        let mut child = Command::new(env!("CARGO_BIN_EXE_inboxlint"))
            .args(args)
            .current_dir(dir.path())
            .env("INBOXLINT_TEST_PANIC_FILE", "boom.html")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .expect("spawn check");
        child
            .stdin
            .take()
            .expect("stdin")
            .write_all(stdin.as_bytes())
            .expect("write");
        let out = child.wait_with_output().expect("check output");
        let json: Value = serde_json::from_slice(&out.stdout).expect("json");
        json["diagnostics"]
            .as_array()
            .expect("diagnostics")
            .iter()
            .map(|d| {
                (
                    d["path"].as_str().unwrap_or_default().to_string(),
                    d["rule"].as_str().unwrap_or_default().to_string(),
                    d["message"].as_str().unwrap_or_default().to_string(),
                )
            })
            .collect::<Vec<_>>()
    };
    std::fs::write(dir.path().join("boom.html"), "<p>hi</p>").expect("boom");
    std::fs::write(dir.path().join("big.html"), "x".repeat(100)).expect("big");
    let disk = run(&["check", "--format", "json", "boom.html", "big.html"], "");
    assert_eq!(disk.len(), 2, "{disk:?}");
    assert_eq!(disk[0].1, "input/too-large");
    assert_eq!(
        disk[0].2,
        "file is 100 bytes, over max-file-size (64 bytes); not linted"
    );
    assert_eq!(disk[1].1, "internal/panic");
    assert_eq!(disk[1].2, message);
    let stdin = run(
        &["check", "--format", "json", "--stdin-filename", "big.html", "-"],
        &"x".repeat(100),
    );
    assert_eq!(stdin, vec![disk[0].clone()]);
}

/// Messages, not files: an entry template's findings come from its composed message, and an
/// edit of a partial re-lints every open entry that includes it.
#[test]
fn editing_a_partial_relints_the_open_entries_that_include_it() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path().canonicalize().expect("canonical tempdir");
    std::fs::create_dir_all(root.join("emails/partials")).expect("mkdir");
    let entry = root.join("emails/sale.hbs");
    let footer = root.join("emails/partials/footer.hbs");
    let entry_text = "<html><body>\n<h1>Spring sale: 20% off</h1>\n{{> footer}}\n</body></html>\n";
    let footer_text = "<p>Acme Inc., 2261 Market Street #4109, San Francisco, CA 94114</p>\n<p><a href=\"{{unsubscribe_url}}\">Unsubscribe</a></p>\n";
    std::fs::write(&entry, entry_text).expect("write entry");
    std::fs::write(&footer, footer_text).expect("write footer");

    let mut c = Client::start(&root, push_capabilities());
    let entry_uri = c.open(&entry, "handlebars", entry_text);
    let d = c.diagnostics(&entry_uri);
    assert_eq!(
        d["diagnostics"],
        json!([]),
        "the footer partial holds the unsubscribe link and the address"
    );
    let footer_uri = c.open(&footer, "handlebars", footer_text);
    let d = c.diagnostics(&footer_uri);
    assert_eq!(
        d["diagnostics"],
        json!([]),
        "a partial is not judged as a message by itself"
    );

    // Take the link out of the partial, unsaved: the entry that includes it now lacks one.
    let without_link = footer_text.replace("<a href=\"{{unsubscribe_url}}\">Unsubscribe</a>", "Thanks");
    c.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": footer_uri, "version": 2}, "contentChanges": [{"text": without_link}]}),
    );
    let d = c.diagnostics_where(&entry_uri, |p| !p["diagnostics"].as_array().is_some_and(Vec::is_empty));
    assert_eq!(codes(&d), BTreeSet::from(["canspam/unsubscribe-missing".to_string()]));
    let related = &find(&d, "canspam/unsubscribe-missing")["relatedInformation"];
    assert_eq!(related[0]["location"]["uri"], json!(footer_uri), "{related}");
    let d = c.diagnostics(&footer_uri);
    assert_eq!(
        d["diagnostics"],
        json!([]),
        "the finding is on the entry, not on the partial"
    );
    assert_eq!(c.shutdown_and_exit(), 0);
}

#[test]
fn template_roots_and_partials_from_the_config_shape_messages_in_the_editor() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path().canonicalize().expect("canonical tempdir");
    for d in ["emails/blocks", "shared/mail"] {
        std::fs::create_dir_all(root.join(d)).expect("mkdir");
    }
    let config = root.join(".inboxlint.yaml");
    let with_roots = "template-roots: [shared/mail]\npartials: [\"blocks/\"]\n";
    std::fs::write(&config, with_roots).expect("config");
    let entry = root.join("emails/sale.j2");
    let entry_text = "<html><body>\n<h1>Spring sale: 20% off</h1>\n{% include 'footer.html' %}\n</body></html>\n";
    std::fs::write(&entry, entry_text).expect("write entry");
    // The loader's footer, and a stale copy beside the entry that the loader never sees.
    std::fs::write(
        root.join("shared/mail/footer.html"),
        "<p>Acme Inc., 2261 Market Street #4109, San Francisco, CA 94114</p>\n<p><a href=\"{{ unsubscribe_url }}\">Unsubscribe</a></p>\n",
    )
    .expect("write footer");
    std::fs::write(root.join("emails/footer.html"), "<p>Thanks for reading</p>\n").expect("write stale footer");
    let block = root.join("emails/blocks/promo.html");
    let block_text = "<table><tr><td><a href=\"https://shop.example.com\">Shop now</a></td></tr></table>\n";
    std::fs::write(&block, block_text).expect("write block");

    let mut c = Client::start(&root, push_capabilities());
    let entry_uri = c.open(&entry, "jinja", entry_text);
    let d = c.diagnostics(&entry_uri);
    assert_eq!(d["diagnostics"], json!([]), "the footer comes from the template root");
    let block_uri = c.open(&block, "html", block_text);
    let d = c.diagnostics(&block_uri);
    assert_eq!(
        d["diagnostics"],
        json!([]),
        "a `partials` block is not a message of its own"
    );

    // Without the template root the include finds the stale copy beside the entry.
    std::fs::write(&config, "profiles: [us]\n").expect("config");
    c.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [{"uri": uri_of(&config), "type": 2}]}),
    );
    let d = c.diagnostics_where(&entry_uri, |p| !p["diagnostics"].as_array().is_some_and(Vec::is_empty));
    assert!(codes(&d).contains("canspam/unsubscribe-missing"), "{d}");
    assert_eq!(c.shutdown_and_exit(), 0);
}

/// The labels of a completion answer.
fn labels(result: &Value) -> Vec<String> {
    result["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|i| i["label"].as_str().expect("label").to_string())
        .collect()
}

fn complete(c: &mut Client, uri: &str, line: u32, character: u32) -> Value {
    c.request(
        "textDocument/completion",
        json!({"textDocument": {"uri": uri}, "position": {"line": line, "character": character}}),
    )
}

fn hover_text(c: &mut Client, uri: &str, line: u32, character: u32) -> String {
    let h = c.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": uri}, "position": {"line": line, "character": character}}),
    );
    h["contents"]["value"].as_str().unwrap_or_default().to_string()
}

/// In `.inboxlint.yaml` the server completes keys and values and describes keys, from the
/// config's JSON Schema (schemas/inboxlint.schema.json), and rule ids from the loaded rules.
#[test]
fn config_keys_complete_and_hover_from_the_schema() {
    let dir = tempfile::tempdir().expect("tempdir");
    let config = dir.path().join(".inboxlint.yaml");
    let text = "profiles: [us, ]\nrules:\n  template: \n  \n\n";
    std::fs::write(&config, "profiles: [us]\n").expect("config");
    let mut c = Client::start(dir.path(), json!({}));
    let caps = &c.init_result["capabilities"];
    assert!(caps["completionProvider"].is_object(), "{caps}");
    let uri = c.open(&config, "yaml", text);

    // Top level, on the blank last line: every key but the ones already written.
    let top = labels(&complete(&mut c, &uri, 4, 0));
    for key in [
        "esp",
        "classes",
        "per-file",
        "sender-domains",
        "max-file-size",
        "exclude",
    ] {
        assert!(top.contains(&key.to_string()), "{key} in {top:?}");
    }
    assert!(
        !top.contains(&"profiles".to_string()) && !top.contains(&"rules".to_string()),
        "{top:?}"
    );
    let esp = complete(&mut c, &uri, 4, 0)["items"]
        .as_array()
        .expect("items")
        .iter()
        .find(|i| i["label"] == "esp")
        .cloned()
        .expect("esp");
    assert_eq!(esp["textEdit"]["newText"], "esp: ");
    assert!(
        esp["documentation"]["value"]
            .as_str()
            .expect("doc")
            .contains("ESPs your templates are written for"),
        "{esp}"
    );

    // Inside `profiles: [us, ]`: the profile names, each with its law.
    let profiles = complete(&mut c, &uri, 0, 15);
    assert_eq!(labels(&profiles), ["us", "ca", "eu", "uk"]);
    assert_eq!(profiles["items"][1]["documentation"]["value"], "Canada: CASL");

    // Under `rules:`: rule ids and groups; after `template: `, the severities.
    let ids = labels(&complete(&mut c, &uri, 3, 2));
    assert!(ids.contains(&"security/insecure-link".to_string()), "{ids:?}");
    assert!(
        ids.contains(&"canspam".to_string()) && !ids.contains(&"template".to_string()),
        "{ids:?}"
    );
    assert_eq!(
        labels(&complete(&mut c, &uri, 2, 12)),
        ["error", "warning", "info", "off"]
    );

    // Hover: a key's description, a profile's law, a rule id's title.
    let h = hover_text(&mut c, &uri, 0, 3);
    assert!(h.starts_with("**`profiles`**") && h.contains("CASL"), "{h}");
    assert!(hover_text(&mut c, &uri, 0, 12).contains("CAN-SPAM"));
    let h = hover_text(&mut c, &uri, 1, 2);
    assert!(h.contains("Severities by rule id"), "{h}");
    let h = hover_text(&mut c, &uri, 2, 4);
    assert!(h.contains("`template`"), "{h}");

    // Other buffers get no config completion.
    let html = c.open(&dir.path().join("a.html"), "html", "<p>hi</p>\n");
    assert!(labels(&complete(&mut c, &html, 0, 3)).is_empty());
    assert_eq!(c.shutdown_and_exit(), 0);
}

/// `source.fixAll.inboxlint` applies every safe fix of the buffer (the same fixes, in the same
/// rounds, as `check --fix`), and nothing unsafe; quick fixes carry the same edits.
#[test]
fn fix_all_applies_the_safe_fixes_of_the_buffer() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join(".inboxlint.yaml"), "esp: [mailchimp]\n").expect("config");
    let mut c = Client::start(dir.path(), push_capabilities());
    let kinds = &c.init_result["capabilities"]["codeActionProvider"]["codeActionKinds"];
    assert_eq!(kinds, &json!(["quickfix", "source.fixAll.inboxlint"]));
    let text = "<p>Acme Inc, 1 Main St, Springfield, IL 62701</p>\n<a href=\"http://acme.example/\">Shop</a>\n<a href=\"#\">Unsubscribe</a>\n";
    let uri = c.open(&dir.path().join("footer.html"), "html", text);
    let d = c.diagnostics(&uri);
    let unsub = find(&d, "template/unsubscribe-href-placeholder").clone();
    let whole = json!({"start": {"line": 0, "character": 0}, "end": {"line": 3, "character": 0}});
    let actions = c.request(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": uri}, "range": whole,
               "context": {"diagnostics": [], "only": ["source.fixAll"]}}),
    );
    let list = actions.as_array().expect("actions");
    assert_eq!(list.len(), 1, "{actions}");
    assert_eq!(list[0]["kind"], "source.fixAll.inboxlint");
    assert_eq!(list[0]["title"], "Fix all safe inboxlint findings (1 fix)");
    let edit = &list[0]["edit"]["changes"][uri.as_str()][0];
    assert_eq!(edit["range"], whole);
    assert_eq!(
        edit["newText"],
        text.replace("href=\"#\"", "href=\"*|UNSUB|*\""),
        "the unsafe http fix is left out"
    );
    // The quick fix on the finding is the same edit, preferred because it is safe.
    let quick = c.request(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": uri}, "range": unsub["range"],
               "context": {"diagnostics": [unsub], "only": ["quickfix"]}}),
    );
    let first = &quick[0];
    assert_eq!(
        first["title"],
        "Link to Mailchimp / Mandrill's unsubscribe tag `*|UNSUB|*` (template/unsubscribe-href-placeholder)"
    );
    assert_eq!(first["isPreferred"], true);
    assert_eq!(first["edit"]["changes"][uri.as_str()][0]["newText"], "*|UNSUB|*");
    // A buffer with nothing safe to fix offers no fix-all.
    let clean = c.open(
        &dir.path().join("clean.html"),
        "html",
        "<a href=\"http://acme.example/\">x</a>\n",
    );
    let _ = c.diagnostics(&clean);
    let none = c.request(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": clean}, "range": whole,
               "context": {"diagnostics": [], "only": ["source.fixAll.inboxlint"]}}),
    );
    assert_eq!(none, json!([]));
    assert_eq!(c.shutdown_and_exit(), 0);
}
