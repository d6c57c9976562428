//! The server loop: one thread reads messages, lints, and answers. Changes are debounced:
//! a `didChange` only marks its document, which is re-linted once the client has been quiet
//! for [`DEBOUNCE`] (or [`MAX_DELAY`] after the first unlinted change while typing goes on), so
//! a burst of queued keystrokes costs one lint. Open, save and any request about a document
//! lint it at once.

use super::documents::{self, Document, Documents};
use super::lint::{self, BufferFindings};
use super::{actions, config_keys, convert, hover, watch};
use crate::engine::{Linter, Overrides};
use crate::knowledge::yaml::LoadError;
use crate::source::SourceText;
use lsp_server::{Connection, ErrorCode, Message, Notification, Request, RequestId, Response};
use lsp_types::{
    CodeActionParams, CompletionParams, DidChangeTextDocumentParams, DidChangeWatchedFilesParams,
    DidCloseTextDocumentParams, DidOpenTextDocumentParams, DidSaveTextDocumentParams, DocumentDiagnosticParams,
    HoverParams, Uri,
};
use serde_json::{Value, json};
use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

pub const DEBOUNCE: Duration = Duration::from_millis(15);
pub const MAX_DELAY: Duration = Duration::from_millis(150);

/// What the client said it can do, as far as this server cares.
#[derive(Debug, Clone, Copy, Default)]
struct ClientFlags {
    /// `textDocument/diagnostic`: the client pulls, so the server does not push for documents.
    pull: bool,
    /// `workspace/diagnostic/refresh`: the server may ask the client to pull again.
    refresh: bool,
    /// The client lets the server register file watchers.
    watch: bool,
}

impl ClientFlags {
    fn from_initialize(params: &Value) -> ClientFlags {
        let caps = &params["capabilities"];
        ClientFlags {
            pull: caps["textDocument"]["diagnostic"].is_object(),
            refresh: caps["workspace"]["diagnostics"]["refreshSupport"] == json!(true),
            watch: caps["workspace"]["didChangeWatchedFiles"]["dynamicRegistration"] == json!(true),
        }
    }
}

pub fn capabilities(pull: bool) -> Value {
    let mut caps = json!({
        "positionEncoding": "utf-16",
        "textDocumentSync": {"openClose": true, "change": 2, "save": {"includeText": false}},
        "hoverProvider": true,
        // Keys and values of `.inboxlint.yaml`, from its JSON Schema.
        "completionProvider": {"triggerCharacters": [" ", "-", "[", ","], "resolveProvider": false},
        "codeActionProvider": {"codeActionKinds": ["quickfix"], "resolveProvider": false},
    });
    if pull {
        caps["diagnosticProvider"] = json!({
            "identifier": "inboxlint",
            "interFileDependencies": false,
            "workspaceDiagnostics": false,
        });
    }
    caps
}

struct Server<'c> {
    conn: &'c Connection,
    flags: ClientFlags,
    linter: Linter,
    /// Built-in defaults, for documents whose config or rules are broken.
    fallback: Linter,
    cwd: PathBuf,
    docs: Documents,
    /// Config and rule files that failed to load, with their errors, as last published.
    broken: BTreeMap<PathBuf, Vec<LoadError>>,
    pending: HashSet<Uri>,
    pending_since: Option<Instant>,
    last_change: Instant,
    shutdown: bool,
    next_id: i32,
    graph_built: bool,
}

/// Initialize, then serve until `exit`. The result is the process exit code.
pub fn serve(conn: &Connection) -> Result<u8, String> {
    // Compile the built-in rules and dialects while the client is still starting up, so the
    // first didOpen does not pay for it. A failure here resurfaces, located, on first use.
    std::thread::spawn(|| {
        let _ = crate::rules::RuleSet::builtin();
        let _ = crate::knowledge::Knowledge::builtin();
    });
    let (id, params) = wait_for_initialize(conn)?;
    let flags = ClientFlags::from_initialize(&params);
    let result = json!({
        "capabilities": capabilities(flags.pull),
        "serverInfo": {"name": "inboxlint", "version": env!("CARGO_PKG_VERSION")},
    });
    conn.sender
        .send(Response::new_ok(id, result).into())
        .map_err(|e| e.to_string())?;
    let cwd = std::env::current_dir().unwrap_or_default();
    let mut server = Server {
        conn,
        flags,
        linter: Linter::new(Overrides::default()),
        fallback: Linter::new(Overrides {
            isolated: true,
            ..Overrides::default()
        }),
        cwd,
        docs: Documents::default(),
        broken: BTreeMap::new(),
        pending: HashSet::new(),
        pending_since: None,
        last_change: Instant::now(),
        shutdown: false,
        next_id: 0,
        graph_built: false,
    };
    server.run()
}

/// The `initialize` request. Requests before it are answered ServerNotInitialized and
/// notifications dropped, as the protocol says; the server lives on.
fn wait_for_initialize(conn: &Connection) -> Result<(RequestId, Value), String> {
    loop {
        match conn.receiver.recv() {
            Ok(Message::Request(req)) if req.method == "initialize" => return Ok((req.id, req.params)),
            Ok(Message::Request(req)) => {
                let resp = Response::new_err(
                    req.id,
                    ErrorCode::ServerNotInitialized as i32,
                    format!(
                        "`{}` before `initialize`: the server is not initialized yet",
                        req.method
                    ),
                );
                conn.sender.send(resp.into()).map_err(|e| e.to_string())?;
            }
            Ok(Message::Notification(n)) if n.method == "exit" => {
                return Err("`exit` before `initialize`".into());
            }
            Ok(_) => {}
            Err(_) => return Err("the client closed the connection before `initialize`".into()),
        }
    }
}

impl Server<'_> {
    fn deadline(&self) -> Option<Instant> {
        let since = self.pending_since?;
        Some((self.last_change + DEBOUNCE).min(since + MAX_DELAY))
    }

    fn run(&mut self) -> Result<u8, String> {
        loop {
            let received = match self.deadline() {
                None => self.conn.receiver.recv().map_err(|_| ()),
                Some(deadline) => match self.conn.receiver.recv_deadline(deadline) {
                    Ok(m) => Ok(m),
                    Err(e) if e.is_timeout() => {
                        self.flush_pending();
                        continue;
                    }
                    Err(_) => Err(()),
                },
            };
            let Ok(msg) = received else {
                // The client went away without `exit`.
                return Ok(if self.shutdown { 0 } else { 1 });
            };
            match msg {
                Message::Request(req) => self.on_request(req),
                Message::Notification(n) if n.method == "exit" => return Ok(if self.shutdown { 0 } else { 1 }),
                Message::Notification(n) => self.on_notification(n),
                // Answers to our registerCapability / refresh requests need no action.
                Message::Response(_) => {}
            }
        }
    }

    fn send(&self, msg: Message) {
        if self.conn.sender.send(msg).is_err() {
            eprintln!("inboxlint lsp: the client connection is closed");
        }
    }

    fn notify(&self, method: &str, params: impl serde::Serialize) {
        self.send(Notification::new(method.to_string(), params).into());
    }

    fn log(&self, kind: u8, message: &str) {
        eprintln!("inboxlint lsp: {message}");
        self.notify("window/logMessage", json!({"type": kind, "message": message}));
    }

    fn request_client(&mut self, method: &str, params: Value) {
        self.next_id += 1;
        let req = Request::new(RequestId::from(self.next_id), method.to_string(), params);
        self.send(req.into());
    }

    fn on_request(&mut self, req: Request) {
        if self.shutdown {
            self.send(
                Response::new_err(
                    req.id,
                    ErrorCode::InvalidRequest as i32,
                    "the server is shutting down".into(),
                )
                .into(),
            );
            return;
        }
        let id = req.id.clone();
        let result: Result<Value, (ErrorCode, String)> = match req.method.as_str() {
            "shutdown" => {
                self.shutdown = true;
                Ok(Value::Null)
            }
            "textDocument/codeAction" => self.code_action(req.params),
            "textDocument/hover" => self.hover(req.params),
            "textDocument/completion" => self.completion(req.params),
            "textDocument/diagnostic" => self.pull_diagnostics(req.params),
            other => Err((
                ErrorCode::MethodNotFound,
                format!("inboxlint does not handle `{other}`"),
            )),
        };
        let resp = match result {
            Ok(v) => Response::new_ok(id, v),
            Err((code, message)) => Response::new_err(id, code as i32, message),
        };
        self.send(resp.into());
    }

    fn on_notification(&mut self, n: Notification) {
        let outcome = match n.method.as_str() {
            "initialized" => {
                if self.flags.watch {
                    self.next_id += 1;
                    let req = watch::registration(self.next_id);
                    self.send(req.into());
                }
                Ok(())
            }
            "textDocument/didOpen" => parse::<DidOpenTextDocumentParams>(n.params).map(|p| self.did_open(p)),
            "textDocument/didChange" => parse::<DidChangeTextDocumentParams>(n.params).map(|p| self.did_change(p)),
            "textDocument/didSave" => parse::<DidSaveTextDocumentParams>(n.params).map(|p| self.did_save(p)),
            "textDocument/didClose" => parse::<DidCloseTextDocumentParams>(n.params).map(|p| self.did_close(p)),
            "workspace/didChangeWatchedFiles" => {
                parse::<DidChangeWatchedFilesParams>(n.params).map(|p| self.did_change_watched(p))
            }
            _ => Ok(()),
        };
        if let Err((_, message)) = outcome {
            self.log(1, &format!("ignored `{}`: {message}", n.method));
        }
    }

    // ---- documents

    fn did_open(&mut self, p: DidOpenTextDocumentParams) {
        let item = p.text_document;
        let path = documents::path_for(&item.uri, &item.language_id, &self.cwd);
        self.pending.remove(&item.uri);
        self.docs.open(Document {
            uri: item.uri.clone(),
            path,
            version: item.version,
            source: SourceText::new(item.text),
            linted: BufferFindings::default(),
        });
        self.lint_and_publish(&[item.uri]);
    }

    fn did_change(&mut self, p: DidChangeTextDocumentParams) {
        let uri = p.text_document.uri;
        let Some(doc) = self.docs.get_mut(&uri) else {
            return;
        };
        let text = documents::apply_changes(doc.source.text(), &p.content_changes);
        doc.source = SourceText::new(text);
        doc.version = p.text_document.version;
        self.pending.insert(uri);
        let now = Instant::now();
        self.last_change = now;
        self.pending_since.get_or_insert(now);
    }

    fn did_save(&mut self, p: DidSaveTextDocumentParams) {
        let uri = p.text_document.uri;
        // Clients without file watchers (Neovim 0.7, many minimal ones) still reload on save.
        if let Some(path) = self.docs.get(&uri).map(|d| d.path.clone())
            && watch::affects_config(&path)
        {
            self.reload(&format!("{} was saved", path.display()));
            return;
        }
        self.pending.remove(&uri);
        self.lint_and_publish(&[uri]);
    }

    fn did_close(&mut self, p: DidCloseTextDocumentParams) {
        let uri = p.text_document.uri;
        self.pending.remove(&uri);
        if let Some(doc) = self.docs.close(&uri) {
            if !self.flags.pull {
                // A closed broken config keeps its errors; anything else is cleared.
                let items = self.load_error_items(&doc.path);
                self.notify(
                    "textDocument/publishDiagnostics",
                    json!({"uri": uri, "diagnostics": items}),
                );
            }
            self.sync_broken();
        }
    }

    fn did_change_watched(&mut self, p: DidChangeWatchedFilesParams) {
        let changed: Vec<PathBuf> = p
            .changes
            .iter()
            .filter_map(|c| convert::uri_to_path(&c.uri))
            .filter(|path| watch::affects_config(path))
            .collect();
        if let Some(first) = changed.first() {
            self.reload(&format!("{} changed", first.display()));
        }
    }

    fn reload(&mut self, why: &str) {
        self.log(3, &format!("reloading configs and rules: {why}"));
        self.linter.reload();
        // `template-roots` and `partials` may have changed: the graph is built again on use.
        self.graph_built = false;
        self.pending.clear();
        self.pending_since = None;
        let uris = self.docs.uris();
        self.lint_and_publish(&uris);
        if self.flags.pull && self.flags.refresh {
            self.request_client("workspace/diagnostic/refresh", Value::Null);
        }
    }

    fn flush_pending(&mut self) {
        let mut uris: Vec<Uri> = self.pending.drain().collect();
        uris.sort();
        self.pending_since = None;
        self.lint_and_publish(&uris);
    }

    /// Requests about a document see its current text, not the one before a pending change.
    fn ensure_fresh(&mut self, uri: &Uri) {
        if self.pending.remove(uri) {
            if self.pending.is_empty() {
                self.pending_since = None;
            }
            self.lint_and_publish(std::slice::from_ref(uri));
        }
    }

    /// The include graph of the workspace's templates, built on first use: which entry
    /// templates a partial belongs to is known before any buffer is linted.
    fn ensure_include_graph(&mut self) {
        if self.graph_built {
            return;
        }
        self.graph_built = true;
        let accept =
            |path: &Path, _explicit: bool| crate::workspace::kind::classify(path).is_some_and(|(k, _)| k.is_template());
        let (found, _) = crate::workspace::walk::discover(std::slice::from_ref(&self.cwd), true, 0, &accept);
        let paths: Vec<PathBuf> = found.into_iter().map(|f| f.path).collect();
        self.linter.set_include_graph(&paths);
    }

    /// `uris` and every open entry template whose message includes one of them: a footer
    /// partial's edit changes the findings of the emails that use it.
    fn with_includers(&mut self, uris: &[Uri]) -> Vec<Uri> {
        self.ensure_include_graph();
        let mut all = uris.to_vec();
        for uri in uris {
            let Some(doc) = self.docs.get(uri) else { continue };
            if !crate::workspace::kind::classify(&doc.path).is_some_and(|(k, _)| k.is_template()) {
                continue;
            }
            self.linter.update_template(&doc.path, doc.source.text());
            for entry in self.linter.includers_of(&doc.path) {
                if let Some(open) = self.docs.by_path(&entry)
                    && !all.contains(&open.uri)
                {
                    all.push(open.uri.clone());
                }
            }
        }
        all
    }

    fn lint_and_publish(&mut self, uris: &[Uri]) {
        let uris = &self.with_includers(uris)[..];
        for uri in uris {
            let Some(doc) = self.docs.get_mut(uri) else { continue };
            doc.linted = lint::lint_document(&self.linter, &self.fallback, &doc.path, &doc.source, &doc.uri);
        }
        self.sync_broken();
        if self.flags.pull {
            return;
        }
        for uri in uris {
            self.publish_document(uri);
        }
    }

    fn load_error_items(&self, path: &Path) -> Vec<lsp_types::Diagnostic> {
        self.broken
            .get(path)
            .map(|errors| errors.iter().map(convert::load_error).collect())
            .unwrap_or_default()
    }

    fn document_items(&self, doc: &Document) -> Vec<lsp_types::Diagnostic> {
        let mut items = self.load_error_items(&doc.path);
        items.extend(doc.linted.lsp.iter().cloned());
        items
    }

    fn publish_document(&self, uri: &Uri) {
        let Some(doc) = self.docs.get(uri) else { return };
        self.notify(
            "textDocument/publishDiagnostics",
            json!({"uri": uri, "version": doc.version, "diagnostics": self.document_items(doc)}),
        );
    }

    /// Recompute which config and rule files are broken from the open documents' last lints,
    /// and publish the files whose errors changed (clearing fixed ones).
    fn sync_broken(&mut self) {
        let mut now: BTreeMap<PathBuf, Vec<LoadError>> = BTreeMap::new();
        for doc in self.docs.iter() {
            for e in &doc.linted.load_errors {
                let p = Path::new(&e.path);
                let path = if p.is_absolute() {
                    p.to_path_buf()
                } else {
                    self.cwd.join(p)
                };
                let list = now.entry(path).or_default();
                if !list.iter().any(|x| x.offset == e.offset && x.message() == e.message()) {
                    list.push(e.clone());
                }
            }
        }
        let key = |errors: &Vec<LoadError>| -> Vec<(Option<usize>, String)> {
            errors.iter().map(|e| (e.offset, e.message())).collect()
        };
        let mut changed = BTreeSet::new();
        for (path, errors) in &now {
            if self.broken.get(path).map(key) != Some(key(errors)) {
                changed.insert(path.clone());
            }
        }
        changed.extend(self.broken.keys().filter(|p| !now.contains_key(*p)).cloned());
        for path in &changed {
            if let Some(errors) = now.get(path)
                && let Some(first) = errors.first()
            {
                let at = first.line_col().map(|(l, c)| format!(":{l}:{c}")).unwrap_or_default();
                self.log(2, &format!("cannot load {}{at}: {}", path.display(), first.message()));
            }
        }
        self.broken = now;
        if self.flags.pull {
            return;
        }
        for path in changed {
            if let Some(doc) = self.docs.by_path(&path) {
                let uri = doc.uri.clone();
                self.publish_document(&uri);
            } else if let Some(uri) = convert::file_uri(&path) {
                let items = self.load_error_items(&path);
                self.notify(
                    "textDocument/publishDiagnostics",
                    json!({"uri": uri, "diagnostics": items}),
                );
            }
        }
    }

    // ---- requests

    fn code_action(&mut self, params: Value) -> Result<Value, (ErrorCode, String)> {
        let p: CodeActionParams = parse(params)?;
        let uri = p.text_document.uri;
        self.ensure_fresh(&uri);
        let Some(doc) = self.docs.get(&uri) else {
            return Ok(json!([]));
        };
        let acts = actions::code_actions(doc, p.range, p.context.only.as_deref());
        serde_json::to_value(acts).map_err(internal)
    }

    fn hover(&mut self, params: Value) -> Result<Value, (ErrorCode, String)> {
        let p: HoverParams = parse(params)?;
        let uri = p.text_document_position_params.text_document.uri;
        self.ensure_fresh(&uri);
        let Some(doc) = self.docs.get(&uri) else {
            return Ok(Value::Null);
        };
        let pos = p.text_document_position_params.position;
        match hover::hover(doc, pos) {
            Some(finding) => serde_json::to_value(finding).map_err(internal),
            None if config_keys::is_config(&doc.path) => Ok(config_keys::hover(doc, pos).unwrap_or(Value::Null)),
            None => Ok(Value::Null),
        }
    }

    fn completion(&mut self, params: Value) -> Result<Value, (ErrorCode, String)> {
        let p: CompletionParams = parse(params)?;
        let uri = p.text_document_position.text_document.uri;
        let items = match self.docs.get(&uri) {
            Some(doc) if config_keys::is_config(&doc.path) => {
                config_keys::completion(doc, p.text_document_position.position)
            }
            _ => Vec::new(),
        };
        Ok(json!({"isIncomplete": false, "items": items}))
    }

    fn pull_diagnostics(&mut self, params: Value) -> Result<Value, (ErrorCode, String)> {
        let p: DocumentDiagnosticParams = parse(params)?;
        let uri = p.text_document.uri;
        self.ensure_fresh(&uri);
        let items = match self.docs.get(&uri) {
            Some(doc) => self.document_items(doc),
            None => convert::uri_to_path(&uri)
                .map(|path| self.load_error_items(&path))
                .unwrap_or_default(),
        };
        Ok(json!({"kind": "full", "items": items}))
    }
}

fn parse<T: serde::de::DeserializeOwned>(params: Value) -> Result<T, (ErrorCode, String)> {
    serde_json::from_value(params).map_err(|e| (ErrorCode::InvalidParams, format!("invalid params: {e}")))
}

fn internal(e: serde_json::Error) -> (ErrorCode, String) {
    (ErrorCode::InternalError, e.to_string())
}
