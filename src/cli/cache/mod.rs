//! The check cache (`.inboxlint_cache/`, like ruff's `.ruff_cache`): a file's findings are
//! reused when nothing they depend on changed since the run that stored them. What they
//! depend on, all hashed into the entry's key or checked before it is used:
//! - the build of inboxlint (version, embedded rules, the executable itself);
//! - the working directory and the command-line options that change findings;
//! - the resolved config: every config file merged into it and every file of its rule-dirs;
//! - the file's path and bytes, and its kind as decided (a bare `.txt` by its directory);
//! - for a template, its part in the include graph: whether it is a partial, and every file
//!   its message pulls in with where each of their references leads;
//! - for a text part, its sibling parts (its class is its HTML part's);
//! - files read while linting it (a campaign config's template): their paths are stored with
//!   the entry and their contents checked on the next run.
//!
//! A cache file that cannot be decoded is ignored with a note; one written by another build is
//! rebuilt silently. The file is rewritten atomically, so of two concurrent runs one complete
//! file wins. Standard input and the language server never come through here.

mod codec;
mod record;

pub use record::recording_reader;

use crate::content_hash::{KeyHasher, content_hash};
use crate::diagnostic::Diagnostic;
use crate::document::{ClassInfo, FileKind, SourceFormat};
use crate::engine::{CheckedFile, FileDetails, FileOutcome, Input, LintSetup, Linter, guard};
use crate::workspace::walk::{self, Read};
use std::borrow::Cow;
use std::collections::HashMap;
use std::hash::Hash;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

/// The directory name, in the project root.
pub const DIR_NAME: &str = ".inboxlint_cache";

/// Set (to anything) to print the cache's hit and miss counts on standard error.
pub const LOG_ENV: &str = "INBOXLINT_LOG";

/// One file's stored findings and what they were computed from.
#[derive(Debug, Clone, PartialEq)]
struct Entry {
    key: u128,
    /// Files read through the linter's reader while linting this one.
    deps: Vec<PathBuf>,
    /// Their contents (or read errors) when the entry was stored.
    deps_hash: u128,
    value: Value,
}

#[derive(Debug, Clone, PartialEq)]
enum Value {
    /// Read but not linted (a `.txt` in a mail directory without a merge tag).
    Skipped,
    Linted {
        diagnostics: Vec<Diagnostic>,
        kind: FileKind,
        format: SourceFormat,
        class: ClassInfo,
    },
}

/// Where the cache lives, from the command line.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// `--cache-dir`: instead of `.inboxlint_cache/` in the project root.
    pub dir: Option<PathBuf>,
}

pub struct Cache {
    root: PathBuf,
    file: PathBuf,
    build: u128,
    /// [`global_key`]: part of every entry's key.
    global: u128,
    old: HashMap<String, Entry>,
    /// Entries of the files linted this run, reused or new.
    new: Mutex<HashMap<String, Entry>>,
    setups: Mutex<HashMap<Option<PathBuf>, u128>>,
    hits: AtomicUsize,
    misses: AtomicUsize,
    changed: AtomicBool,
}

impl Cache {
    /// The cache for a run of `linter` from `cwd`; None (after a note when logging) when its
    /// directory cannot be made.
    pub fn open(options: &Options, linter: &Linter, cwd: &Path) -> Option<Cache> {
        let root = project_root(linter, cwd);
        let dir = match &options.dir {
            Some(d) => cwd.join(d),
            None => root.join(DIR_NAME),
        };
        if let Err(e) = prepare_dir(&dir) {
            log(&format!("cache: not used, cannot create {}: {e}", dir.display()));
            return None;
        }
        let global = global_key(linter, cwd);
        let file = dir.join(format!("check-{:016x}.bin", global as u64));
        let build = build_id();
        let old = match std::fs::read(&file) {
            Ok(bytes) => match codec::decode(&bytes, build) {
                Ok(entries) => entries,
                Err(codec::DecodeError::OtherVersion) => HashMap::new(),
                Err(codec::DecodeError::Corrupt(why)) => {
                    eprintln!(
                        "inboxlint: note: ignoring the cache file {} ({why}); it will be rebuilt",
                        file.display()
                    );
                    HashMap::new()
                }
            },
            Err(_) => HashMap::new(),
        };
        Some(Cache {
            root,
            file,
            build,
            global,
            old,
            new: Mutex::new(HashMap::new()),
            setups: Mutex::new(HashMap::new()),
            hits: AtomicUsize::new(0),
            misses: AtomicUsize::new(0),
            changed: AtomicBool::new(false),
        })
    }

    /// [`Linter::lint_input`] for a file found on disk, from the cache when its entry is still
    /// good, else linted and stored.
    pub fn lint(&self, linter: &Linter, path: &Path, explicit: bool) -> FileOutcome<'static> {
        let uncached = || linter.lint_input(path, Input::Disk { explicit }, false);
        let Ok(setup) = linter.setup_for(path) else {
            return uncached();
        };
        // Input problems (too large, binary, not UTF-8) are cheap to find again: not stored.
        let text = match walk::read(path, setup.config.max_file_size, explicit) {
            Read::Text(text) => text,
            Read::SkipBinary | Read::Problem(_) => return uncached(),
        };
        let Some(key) = self.key(linter, &setup, path, &text) else {
            return uncached();
        };
        let name = self.name(path);
        if let Some(e) = self.old.get(&name)
            && e.key == key
            && deps_hash(&e.deps) == e.deps_hash
        {
            self.hits.fetch_add(1, Ordering::Relaxed);
            let outcome = outcome_of(e.value.clone(), text, &setup);
            lock(&self.new).insert(name, e.clone());
            return outcome;
        }
        self.misses.fetch_add(1, Ordering::Relaxed);
        let (outcome, deps) = record::reads_of(|| linter.lint_input_with(&setup, path, Input::Text(&text), false));
        let value = match &outcome {
            FileOutcome::SkippedBinary => Some(Value::Skipped),
            FileOutcome::Linted(CheckedFile {
                diagnostics,
                details: Some(d),
                ..
            }) if !diagnostics.iter().any(|d| d.rule == guard::RULE) => Some(Value::Linted {
                diagnostics: diagnostics.clone(),
                kind: d.kind,
                format: d.format,
                class: d.class.clone(),
            }),
            _ => None,
        };
        let (mut outcome, linted_input) = detach(outcome);
        if linted_input && let FileOutcome::Linted(c) = &mut outcome {
            c.text = Cow::Owned(text);
        }
        if let Some(value) = value {
            let deps_hash = deps_hash(&deps);
            lock(&self.new).insert(
                name,
                Entry {
                    key,
                    deps,
                    deps_hash,
                    value,
                },
            );
            self.changed.store(true, Ordering::Relaxed);
        }
        outcome
    }

    /// Writes the entries of this run's files, and keeps those of files it did not lint that
    /// still exist (a run on a few files must not throw away the whole project's). Entries of
    /// deleted files go. Nothing is written when nothing changed.
    pub fn save(self) {
        let hits = self.hits.load(Ordering::Relaxed);
        let misses = self.misses.load(Ordering::Relaxed);
        log(&format!("cache: {hits} hits, {misses} misses"));
        let mut all = self.new.into_inner().unwrap_or_else(|p| p.into_inner());
        let mut changed = self.changed.into_inner();
        for (name, e) in self.old {
            if all.contains_key(&name) {
                continue;
            }
            if self.root.join(&name).is_file() {
                all.insert(name, e);
            } else {
                changed = true;
            }
        }
        if !changed {
            return;
        }
        let mut entries: Vec<(&str, &Entry)> = all.iter().map(|(k, v)| (k.as_str(), v)).collect();
        entries.sort_by(|a, b| a.0.cmp(b.0));
        let bytes = codec::encode(self.build, &entries);
        if let Err(e) = crate::atomic_write::write(&self.file, &bytes) {
            log(&format!("cache: cannot write {}: {e}", self.file.display()));
        }
    }

    /// The entry's name: the path relative to the project root, else as given.
    fn name(&self, path: &Path) -> String {
        let p = path.strip_prefix(&self.root).unwrap_or(path);
        p.to_string_lossy().replace('\\', "/")
    }

    /// Everything but the files read while linting: None when the file is not linted at all.
    fn key(&self, linter: &Linter, setup: &LintSetup, path: &Path, text: &str) -> Option<u128> {
        let (kind, format, needs_tag) = linter.kind_decision(path, setup)?;
        let abs = linter.absolute(path);
        let mut h = KeyHasher::new();
        h.u128(self.global)
            .u128(self.setup_hash(setup))
            .path(&abs)
            .u128(content_hash(text.as_bytes()))
            .u64(u64::from(needs_tag));
        kind.hash(&mut h);
        format.hash(&mut h);
        if kind.is_template() {
            let graphed = linter.with_include_graph(|g| {
                let g = g?;
                g.hash_message_inputs(&abs, text, &mut h);
                if kind == FileKind::Text {
                    for part in crate::message::parts::sibling_parts(&abs) {
                        h.path(&part);
                        match std::fs::read_to_string(&part) {
                            Ok(t) => {
                                h.u128(content_hash(t.as_bytes()));
                                g.hash_message_inputs(&part, &t, &mut h);
                            }
                            Err(_) => {
                                h.u64(0);
                            }
                        }
                    }
                }
                Some(())
            });
            // Without the run's graph, composition reads files no key covers.
            graphed?;
        }
        Some(h.finish())
    }

    /// The config files and rule-dirs behind a setup, hashed once per run.
    fn setup_hash(&self, setup: &LintSetup) -> u128 {
        let id = setup.config.path.clone();
        if let Some(h) = lock(&self.setups).get(&id) {
            return *h;
        }
        let mut h = KeyHasher::new();
        for src in &setup.config.sources {
            h.path(src).bytes(&std::fs::read(src).unwrap_or_default());
        }
        for dir in &setup.config.rule_dirs {
            h.path(dir);
            let limits = &crate::workspace::rule_files::LIMITS;
            match crate::workspace::rule_files::collect(dir, Some(&setup.config.project), limits) {
                Ok(files) => {
                    for (p, t) in files {
                        h.str(&p).str(&t);
                    }
                }
                Err(_) => {
                    h.u64(u64::MAX);
                }
            }
        }
        let sum = h.finish();
        lock(&self.setups).insert(id, sum);
        sum
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

fn log(line: &str) {
    if std::env::var_os(LOG_ENV).is_some_and(|v| !v.is_empty()) {
        eprintln!("inboxlint: {line}");
    }
}

/// The outcome without its borrow of the input text, and whether the text it carried was the
/// input (then it is left empty for the caller to move the input in, instead of copying it):
/// with details it is the input; without, an input problem's or a crash's own text.
fn detach(outcome: FileOutcome<'_>) -> (FileOutcome<'static>, bool) {
    match outcome {
        FileOutcome::Linted(CheckedFile {
            text,
            diagnostics,
            details,
        }) => {
            let linted_input = details.is_some();
            let text = if linted_input { String::new() } else { text.into_owned() };
            let c = CheckedFile {
                text: Cow::Owned(text),
                diagnostics,
                details,
            };
            (FileOutcome::Linted(c), linted_input)
        }
        FileOutcome::SkippedBinary => (FileOutcome::SkippedBinary, false),
        FileOutcome::NotLinted => (FileOutcome::NotLinted, false),
        FileOutcome::ConfigErrors(e) => (FileOutcome::ConfigErrors(e), false),
    }
}

fn outcome_of(value: Value, text: String, setup: &LintSetup) -> FileOutcome<'static> {
    match value {
        Value::Skipped => FileOutcome::SkippedBinary,
        Value::Linted {
            diagnostics,
            kind,
            format,
            class,
        } => FileOutcome::Linted(CheckedFile {
            text: Cow::Owned(text),
            diagnostics,
            details: Some(FileDetails {
                kind,
                format,
                class,
                rules: Arc::clone(&setup.rules),
            }),
        }),
    }
}

/// The contents (or read errors) of the files a lint read through its reader.
fn deps_hash(deps: &[PathBuf]) -> u128 {
    let mut h = KeyHasher::new();
    for d in deps {
        h.path(d);
        match walk::read_referenced(d) {
            Ok(t) => h.u64(1).u128(content_hash(t.as_bytes())),
            Err(e) => h.u64(2).str(&e),
        };
    }
    h.finish()
}

/// What a run's findings depend on besides its files: the working directory (paths are shown
/// and resolved from it), the options that select rules and configs, and `HOME`, which bounds
/// the project root of a file outside any repository.
fn global_key(linter: &Linter, cwd: &Path) -> u128 {
    let o = &linter.overrides;
    let mut h = KeyHasher::new();
    h.path(cwd);
    match &o.config {
        Some(c) => h.u64(1).path(c),
        None => h.u64(0),
    };
    for list in [&o.select, &o.ignore] {
        h.u64(list.len() as u64);
        for s in list {
            h.str(s);
        }
    }
    match &o.profiles {
        Some(p) => {
            h.u64(p.len() as u64 + 1);
            for s in p {
                h.str(s);
            }
        }
        None => {
            h.u64(0);
        }
    }
    h.u64(u64::from(o.isolated));
    h.bytes(std::env::var_os("HOME").unwrap_or_default().as_encoded_bytes());
    h.finish()
}

/// This build of inboxlint: its version, its embedded rules and knowledge, and the executable
/// file itself (size and modification time), so a rebuilt binary never reads a cache written by
/// the one before it, even at the same version.
fn build_id() -> u128 {
    let mut h = KeyHasher::new();
    h.str(env!("CARGO_PKG_VERSION"));
    for (path, text) in crate::knowledge::embedded::EMBEDDED {
        h.str(path).str(text);
    }
    let exe = std::env::current_exe().and_then(std::fs::metadata);
    match exe {
        Ok(m) => {
            h.u64(m.len());
            let mtime = m
                .modified()
                .ok()
                .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
                .map(|d| d.as_nanos())
                .unwrap_or(0);
            h.u128(mtime);
        }
        Err(_) => {
            h.u64(u64::MAX);
        }
    }
    h.finish()
}

/// The directory the run's config speaks for (`--config`'s, else the nearest up from the
/// working directory), else the working directory: where `.inboxlint_cache/` goes.
fn project_root(linter: &Linter, cwd: &Path) -> PathBuf {
    let config = match &linter.overrides.config {
        Some(c) => Some(cwd.join(c)),
        None => crate::workspace::config::find_config(cwd),
    };
    let Some(dir) = config.as_deref().and_then(Path::parent) else {
        return cwd.to_path_buf();
    };
    if dir.file_name().is_some_and(|n| n == ".config") {
        return dir.parent().unwrap_or(dir).to_path_buf();
    }
    dir.to_path_buf()
}

/// The cache directory with a `.gitignore` that ignores all of it (so no repository needs a
/// line for it) and a `CACHEDIR.TAG`, which backup tools skip.
fn prepare_dir(dir: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    let ignore = dir.join(".gitignore");
    if !ignore.exists() {
        crate::atomic_write::write(&ignore, b"# Created by inboxlint automatically.\n*\n")?;
    }
    let tag = dir.join("CACHEDIR.TAG");
    if !tag.exists() {
        crate::atomic_write::write(
            &tag,
            b"Signature: 8a477f597d28d172789f06886806bc55\n# This file is a cache directory tag created by inboxlint.\n# For information about cache directory tags see https://bford.info/cachedir/\n",
        )?;
    }
    Ok(())
}
