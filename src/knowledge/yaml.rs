//! Strict loading of inboxlint's own YAML (rules, dialects, lexicons, config): unknown fields
//! and duplicate keys are errors, and every error keeps its location for a rendered report.

use serde::de::DeserializeOwned;
use serde_saphyr::{DuplicateKeyPolicy, Options};
use std::sync::Arc;

/// A YAML file inboxlint could not accept: which file, where, and why. It is rendered (a
/// miette snippet with a caret) only when shown, from the file's text it shares.
#[derive(Debug, Clone, thiserror::Error)]
#[error("{}", self.render())]
pub struct LoadError {
    pub path: String,
    pub source_text: Arc<str>,
    pub kind: LoadErrorKind,
    /// Byte offset and length of the offending token, when known.
    pub offset: Option<usize>,
    pub len: usize,
}

#[derive(Debug, Clone, thiserror::Error)]
pub enum LoadErrorKind {
    /// Not YAML, or not of the expected shape (an unknown field, a duplicate key, a wrong type):
    /// the parser's own error, rendered with its own snippet.
    #[error("{0}")]
    Syntax(Arc<serde_saphyr::Error>),
    /// Of the right shape, with a value inboxlint cannot use (a bad regex, an unknown name).
    #[error("{0}")]
    Value(String),
}

impl LoadError {
    /// An error found after deserializing (a bad regex, an unknown dialect...), located at `offset`.
    pub fn at(path: &str, source_text: &str, offset: usize, len: usize, message: String) -> Self {
        LoadError {
            path: path.to_string(),
            source_text: Arc::from(source_text),
            kind: LoadErrorKind::Value(message),
            offset: Some(offset),
            len,
        }
    }

    /// Why, in one line (no snippet).
    pub fn message(&self) -> String {
        self.kind.to_string()
    }

    /// The error as printed: the offending line with a caret under the token.
    pub fn render(&self) -> String {
        match &self.kind {
            LoadErrorKind::Value(message) => {
                render_plain(&self.path, &self.source_text, self.offset.unwrap_or(0), message)
            }
            LoadErrorKind::Syntax(err) => render_syntax(&self.path, &self.source_text, err),
        }
    }

    /// 1-based line and column of the error, for one-line renderings.
    pub fn line_col(&self) -> Option<(usize, usize)> {
        let off = self.offset?;
        let src = crate::source::SourceText::new(self.source_text.to_string());
        let lc = src.line_col(off);
        Some((lc.line, lc.column))
    }
}

fn render_plain(path: &str, text: &str, offset: usize, message: &str) -> String {
    use miette::{GraphicalReportHandler, GraphicalTheme, LabeledSpan, MietteDiagnostic, NamedSource};
    let diag = MietteDiagnostic::new(message.to_string())
        .with_code("inboxlint::invalid-file")
        .with_label(LabeledSpan::at(
            offset..offset.saturating_add(1).min(text.len().max(offset)),
            "here",
        ));
    let report = miette::Report::new(diag).with_source_code(NamedSource::new(path, text.to_string()));
    let mut out = String::new();
    let handler = GraphicalReportHandler::new_themed(GraphicalTheme::unicode_nocolor());
    if handler.render_report(&mut out, report.as_ref()).is_err() {
        return format!("{path}: {message}");
    }
    out
}

fn options() -> Options {
    let mut o = Options::default();
    o.duplicate_keys = DuplicateKeyPolicy::Error;
    o
}

pub fn from_str<T: DeserializeOwned>(path: &str, text: &str) -> Result<T, LoadError> {
    serde_saphyr::from_str_with_options(text, options()).map_err(|err| {
        let (offset, len) = err
            .location()
            .map(|loc| {
                let span = loc.span();
                (
                    span.byte_offset().map(|o| o as usize),
                    span.byte_len().map(|l| l as usize).unwrap_or(1),
                )
            })
            .unwrap_or((None, 1));
        LoadError {
            path: path.to_string(),
            source_text: Arc::from(text),
            kind: LoadErrorKind::Syntax(Arc::new(err)),
            offset,
            len,
        }
    })
}

fn render_syntax(path: &str, text: &str, err: &serde_saphyr::Error) -> String {
    // Without source_name the snippet header would say `<input>` instead of the file.
    let mut options = serde_saphyr::RenderOptions::default();
    options.source_name = Some(path);
    let report = serde_saphyr::miette::to_miette_report_with_options(err, text, path, options);
    let mut rendered = String::new();
    let handler = miette::GraphicalReportHandler::new_themed(miette::GraphicalTheme::unicode_nocolor());
    if handler.render_report(&mut rendered, report.as_ref()).is_err() {
        rendered = format!("{path}: {err}");
    }
    rendered
}
