//! The one way a front end lints a file. The CLI (disk and stdin) and the LSP (editor buffers)
//! both come through here, so config resolution, exclusion, kind, the size limit, the crash
//! guard and the input-problem findings are decided once and agree everywhere: a CLI/editor
//! mismatch is the most common bug class in peers.

use super::guard;
use super::linter::{LintSetup, Linter};
use crate::diagnostic::Diagnostic;
use crate::document::{ClassInfo, ClassSource, FileKind, SourceFormat};
use crate::knowledge::yaml::LoadError;
use crate::rules::RuleSet;
use crate::source::Span;
use crate::workspace::walk::{self, InputProblem, Read};
use std::borrow::Cow;
use std::path::Path;
use std::sync::Arc;

/// Where the text of a file comes from.
pub enum Input<'a> {
    /// Read it from disk, within max-file-size; `explicit` when named on the command line (a
    /// binary file found by walking is skipped, one named is reported).
    Disk { explicit: bool },
    /// Bytes that still need the binary and UTF-8 checks (standard input).
    Bytes(Vec<u8>),
    /// Text already in memory (an editor buffer).
    Text(&'a str),
}

/// What the linter decided about a file it read.
#[derive(Debug, Clone)]
pub struct FileDetails {
    pub kind: FileKind,
    pub format: SourceFormat,
    pub class: ClassInfo,
    pub rules: Arc<RuleSet>,
}

/// One file as a front end gets it back.
#[derive(Debug)]
pub struct CheckedFile<'a> {
    /// The text linted, or the text an input problem is shown in.
    pub text: Cow<'a, str>,
    pub diagnostics: Vec<Diagnostic>,
    /// None when the file was not linted: an input problem or a crash.
    pub details: Option<FileDetails>,
}

impl CheckedFile<'_> {
    /// The class marker comment, which json's `files` entry locates by line and column.
    pub fn marker(&self) -> Option<Span> {
        match self.details.as_ref()?.class.source {
            ClassSource::Marker { span: (start, end) } => Some(Span::new(start, end)),
            _ => None,
        }
    }

    fn problem(problem: &InputProblem) -> Self {
        CheckedFile {
            text: Cow::Owned(problem.display_text.clone()),
            diagnostics: vec![problem.diagnostic()],
            details: None,
        }
    }
}

#[derive(Debug)]
pub enum FileOutcome<'a> {
    Linted(CheckedFile<'a>),
    /// A binary file met while walking: not a file inboxlint checked.
    SkippedBinary,
    /// Not a file inboxlint reads (unknown kind) or excluded by config.
    NotLinted,
    /// The config or a rule file that governs the path failed to load.
    ConfigErrors(Vec<LoadError>),
}

impl Linter {
    /// Whether `path` is a file inboxlint lints under its config; `apply_excludes` is false for
    /// files named on the command line without `--force-exclude`.
    pub fn accepts(&self, path: &Path, apply_excludes: bool) -> Result<bool, Vec<LoadError>> {
        let setup = self.setup_for(path)?;
        Ok(self.accepts_with(&setup, path, apply_excludes))
    }

    fn accepts_with(&self, setup: &LintSetup, path: &Path, apply_excludes: bool) -> bool {
        self.kind_of(path, setup).is_some() && !(apply_excludes && setup.config.is_excluded(&self.absolute(path)))
    }

    /// Lint one file under the config that governs it.
    pub fn lint_input<'a>(&self, path: &Path, input: Input<'a>, apply_excludes: bool) -> FileOutcome<'a> {
        match self.setup_for(path) {
            Ok(setup) => self.lint_input_with(&setup, path, input, apply_excludes),
            Err(errors) => FileOutcome::ConfigErrors(errors),
        }
    }

    /// [`Linter::lint_input`] under a given setup (the LSP's defaults when a config is broken).
    pub fn lint_input_with<'a>(
        &self,
        setup: &LintSetup,
        path: &Path,
        input: Input<'a>,
        apply_excludes: bool,
    ) -> FileOutcome<'a> {
        if !self.accepts_with(setup, path, apply_excludes) {
            return FileOutcome::NotLinted;
        }
        let outcome = guard::guarded(|| {
            guard::panic_if_forced(path);
            let max = setup.config.max_file_size;
            let too_large = |len: usize| Some(CheckedFile::problem(&InputProblem::too_large(len as u64, max)));
            let text = match input {
                Input::Text(text) if text.len() as u64 > max => return too_large(text.len()),
                Input::Bytes(bytes) if bytes.len() as u64 > max => return too_large(bytes.len()),
                Input::Text(text) => Cow::Borrowed(text),
                Input::Disk { explicit } => match walk::read(path, max, explicit) {
                    Read::Text(text) => Cow::Owned(text),
                    Read::SkipBinary => return None,
                    Read::Problem(p) => return Some(CheckedFile::problem(&p)),
                },
                Input::Bytes(bytes) => match walk::decode(bytes, true) {
                    Read::Text(text) => Cow::Owned(text),
                    Read::SkipBinary => return None,
                    Read::Problem(p) => return Some(CheckedFile::problem(&p)),
                },
            };
            let linted = self.lint_file(path, &text, setup)?;
            Some(CheckedFile {
                diagnostics: linted.diagnostics,
                details: Some(FileDetails {
                    kind: linted.kind,
                    format: linted.format,
                    class: linted.class,
                    rules: Arc::clone(&setup.rules),
                }),
                text,
            })
        });
        match outcome {
            Ok(Some(linted)) => FileOutcome::Linted(linted),
            Ok(None) => FileOutcome::SkippedBinary,
            Err(message) => FileOutcome::Linted(CheckedFile {
                text: Cow::Borrowed(""),
                diagnostics: vec![guard::panic_diagnostic(&message)],
                details: None,
            }),
        }
    }
}
