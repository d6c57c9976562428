//! File discovery (ignore's parallel walker: .gitignore aware) and careful reading: size limits,
//! binary and non-UTF-8 files become located notes instead of aborting the run.

use crate::diagnostic::{Diagnostic, Severity};
use crate::source::Span;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

#[derive(Debug, Clone)]
pub struct Found {
    pub path: PathBuf,
    /// Named on the command line (binary files are then reported, not skipped).
    pub explicit: bool,
}

/// A path that could not be walked (permission denied, symlink loop, missing).
#[derive(Debug, Clone)]
pub struct WalkError {
    pub path: PathBuf,
    pub message: String,
}

/// Walk `roots`; `accept` decides which files to lint (by kind and config excludes).
pub fn discover(
    roots: &[PathBuf],
    respect_ignore: bool,
    threads: usize,
    accept: &(dyn Fn(&Path, bool) -> bool + Sync),
) -> (Vec<Found>, Vec<WalkError>) {
    let found = Mutex::new(Vec::new());
    let errors = Mutex::new(Vec::new());
    let mut dirs = Vec::new();
    for root in roots {
        match std::fs::metadata(root) {
            Ok(m) if m.is_file() => {
                if accept(root, true) {
                    found.lock().unwrap_or_else(|p| p.into_inner()).push(Found {
                        path: root.clone(),
                        explicit: true,
                    });
                }
            }
            Ok(m) if m.is_dir() => dirs.push(root.clone()),
            // A FIFO or device named on the command line would block or never end if read.
            Ok(_) => {
                if accept(root, true) {
                    errors.lock().unwrap_or_else(|p| p.into_inner()).push(WalkError {
                        path: root.clone(),
                        message: "not a regular file (a FIFO, socket or device); not linted".into(),
                    });
                }
            }
            Err(e) => errors.lock().unwrap_or_else(|p| p.into_inner()).push(WalkError {
                path: root.clone(),
                message: format!("cannot read path: {e}"),
            }),
        }
    }
    if let Some((first, rest)) = dirs.split_first() {
        let mut builder = ignore::WalkBuilder::new(first);
        for d in rest {
            builder.add(d);
        }
        builder
            .hidden(false)
            .git_ignore(respect_ignore)
            .git_global(respect_ignore)
            .git_exclude(respect_ignore)
            .ignore(respect_ignore)
            .parents(respect_ignore)
            .require_git(false)
            .follow_links(false)
            .threads(threads)
            .filter_entry(|e| e.file_name() != ".git");
        builder.build_parallel().run(|| {
            Box::new(|entry| {
                match entry {
                    Ok(e) => {
                        if e.file_type().is_some_and(|t| t.is_file()) && accept(e.path(), false) {
                            found.lock().unwrap_or_else(|p| p.into_inner()).push(Found {
                                path: e.into_path(),
                                explicit: false,
                            });
                        }
                    }
                    Err(err) => {
                        let path = err_path(&err).unwrap_or_default();
                        errors.lock().unwrap_or_else(|p| p.into_inner()).push(WalkError {
                            path,
                            message: err.to_string(),
                        });
                    }
                }
                ignore::WalkState::Continue
            })
        });
    }
    let mut found = found.into_inner().unwrap_or_else(|p| p.into_inner());
    for f in &mut found {
        f.path = normalize(&f.path);
    }
    // Explicit first, so a file both walked and named keeps `explicit`.
    found.sort_by(|a, b| a.path.cmp(&b.path).then(b.explicit.cmp(&a.explicit)));
    found.dedup_by(|a, b| a.path == b.path);
    let mut errors = errors.into_inner().unwrap_or_else(|p| p.into_inner());
    errors.sort_by(|a, b| a.path.cmp(&b.path));
    (found, errors)
}

/// `./a/./b.html` → `a/b.html`: one file, one name, however it was reached.
pub fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in path.components() {
        if c != std::path::Component::CurDir {
            out.push(c);
        }
    }
    if out.as_os_str().is_empty() {
        PathBuf::from(".")
    } else {
        out
    }
}

fn err_path(err: &ignore::Error) -> Option<PathBuf> {
    match err {
        ignore::Error::WithPath { path, .. } => Some(path.clone()),
        ignore::Error::WithDepth { err, .. } | ignore::Error::WithLineNumber { err, .. } => err_path(err),
        ignore::Error::Loop { child, .. } => Some(child.clone()),
        ignore::Error::Partial(errs) => errs.first().and_then(err_path),
        _ => None,
    }
}

/// Why a file's text is not linted.
#[derive(Debug, Clone)]
pub struct InputProblem {
    pub rule: &'static str,
    pub message: String,
    /// Text to show the problem in (lossy for non-UTF-8), and where.
    pub display_text: String,
    pub offset: usize,
}

impl InputProblem {
    fn new(rule: &'static str, message: String) -> Self {
        InputProblem {
            rule,
            message,
            display_text: String::new(),
            offset: 0,
        }
    }

    /// The one wording of `input/too-large`, whether the text came from disk or an editor.
    pub fn too_large(len: u64, max_size: u64) -> Self {
        InputProblem::new(
            "input/too-large",
            format!("file is {len} bytes, over max-file-size ({max_size} bytes); not linted"),
        )
    }

    /// The finding this problem is, placed in its display text.
    pub fn diagnostic(&self) -> Diagnostic {
        Diagnostic::new(
            self.rule,
            Severity::Error,
            self.message.clone(),
            Span::empty(self.offset.min(self.display_text.len())),
        )
    }
}

pub enum Read {
    Text(String),
    /// A binary file found by walking: skipped silently, as ripgrep does.
    SkipBinary,
    Problem(InputProblem),
}

pub fn read(path: &Path, max_size: u64, explicit: bool) -> Read {
    let problem = |rule, message: String| Read::Problem(InputProblem::new(rule, message));
    let too_large = |len: u64| Read::Problem(InputProblem::too_large(len, max_size));
    let mut file = match std::fs::File::open(path) {
        Ok(f) => f,
        Err(e) => return problem("input/unreadable", format!("cannot read file: {e}")),
    };
    let len = match file.metadata() {
        Ok(m) if !m.is_file() => {
            return problem("input/unreadable", "not a regular file; not linted".into());
        }
        Ok(m) => m.len(),
        Err(e) => return problem("input/unreadable", format!("cannot read file: {e}")),
    };
    if len > max_size {
        return too_large(len);
    }
    // The size can change between the check and the read (a growing log, a file being written):
    // never read more than the limit allows.
    let mut bytes = Vec::with_capacity(usize::try_from(len).unwrap_or(0));
    if let Err(e) = std::io::Read::read_to_end(&mut std::io::Read::take(&mut file, max_size + 1), &mut bytes) {
        return problem("input/unreadable", format!("cannot read file: {e}"));
    }
    if bytes.len() as u64 > max_size {
        return too_large(bytes.len() as u64);
    }
    decode(bytes, explicit)
}

/// Largest file another file may pull in (a campaign config's template).
const MAX_REFERENCED: u64 = 10 * 1024 * 1024;

/// A file that a linted file refers to (a campaign config's template), read whole for the
/// linter. `Err` says why it cannot be read; the rule that asked reports it where the reference
/// is written, so a missing or binary file is an answer, not an input note like [`read`]'s.
pub fn read_referenced(path: &Path) -> Result<String, String> {
    match std::fs::metadata(path) {
        Ok(meta) if meta.len() > MAX_REFERENCED => return Err("larger than 10 MiB".into()),
        Ok(_) => {}
        Err(e) => return Err(e.to_string()),
    }
    let bytes = std::fs::read(path).map_err(|e| e.to_string())?;
    String::from_utf8(bytes).map_err(|_| "not UTF-8 text".into())
}

/// Binary and encoding checks for bytes from a file or stdin.
pub fn decode(bytes: Vec<u8>, explicit: bool) -> Read {
    let head = &bytes[..bytes.len().min(8192)];
    if let Some(nul) = memchr::memchr(0, head) {
        if !explicit {
            return Read::SkipBinary;
        }
        return Read::Problem(InputProblem {
            rule: "input/binary",
            message: "file looks binary (it has a NUL byte); not linted".into(),
            display_text: String::from_utf8_lossy(&bytes[..nul]).into_owned(),
            offset: nul,
        });
    }
    match String::from_utf8(bytes) {
        // A BOM stays: removing it would shift every byte offset.
        Ok(text) => Read::Text(text),
        Err(e) => {
            let at = e.utf8_error().valid_up_to();
            let bytes = e.into_bytes();
            Read::Problem(InputProblem {
                rule: "input/not-utf8",
                message: format!(
                    "file is not valid UTF-8 (invalid byte 0x{:02x} at offset {at}); save it as UTF-8 to lint it",
                    bytes.get(at).copied().unwrap_or(0)
                ),
                display_text: String::from_utf8_lossy(&bytes[..at]).into_owned(),
                offset: at,
            })
        }
    }
}
