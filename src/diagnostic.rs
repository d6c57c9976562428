//! The diagnostic model: what a finding is, from the rules that set its severity to the
//! renderers, the LSP and the baseline. It sits at the bottom of the layers (beside `source`) so
//! rules, workspace and engine use it without importing the renderers.

use crate::source::{LineCol, SourceText, Span};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Label {
    /// Bytes in the finding's own file, or in `file` when it is set.
    pub span: Span,
    pub message: String,
    /// Set when the label points into another file: a partial or layout that a message-level
    /// rule searched on behalf of the entry template the finding is reported on.
    pub file: Option<LabelFile>,
}

/// Where a label in another file is. Its line and column are worked out when the finding is
/// made, since a report carries the text of its own file only.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LabelFile {
    /// As shown to the user: front ends make it relative to the working directory.
    pub path: String,
    pub start: LineCol,
    pub end: LineCol,
}

impl Label {
    pub fn new(span: Span, message: impl Into<String>) -> Label {
        Label {
            span,
            message: message.into(),
            file: None,
        }
    }

    /// A label on `span` of another file whose text is `text`.
    pub fn in_file(path: impl Into<String>, text: &str, span: Span, message: impl Into<String>) -> Label {
        let source = SourceText::new(text);
        Label {
            span,
            message: message.into(),
            file: Some(LabelFile {
                path: path.into(),
                start: source.line_col(span.start),
                end: source.line_col(span.end),
            }),
        }
    }

    /// Whether the label points into the finding's own file.
    pub fn is_local(&self) -> bool {
        self.file.is_none()
    }
}

/// Whether a fix keeps what the file means (`safe`: `check --fix` applies it) or may change it
/// in a way the author has to judge (`unsafe`: only with `--unsafe-fixes`). Ordered: a run that
/// takes unsafe fixes takes safe ones too.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Applicability {
    Safe,
    Unsafe,
}

impl Applicability {
    pub fn as_str(self) -> &'static str {
        match self {
            Applicability::Safe => "safe",
            Applicability::Unsafe => "unsafe",
        }
    }
}

/// A replacement the user (or an editor) can apply: `span` (empty for an insertion) becomes
/// `replacement`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Fix {
    pub description: String,
    pub span: Span,
    pub replacement: String,
    pub applicability: Applicability,
}

/// Why a finding is not counted: an inline comment or the baseline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Suppression {
    /// `inline` or `baseline`.
    pub kind: &'static str,
    pub reason: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    pub rule: String,
    pub severity: Severity,
    pub message: String,
    pub help: Option<String>,
    /// The rule's documentation.
    pub url: Option<String>,
    pub span: Span,
    pub labels: Vec<Label>,
    pub fix: Option<Fix>,
    pub suppressed: Option<Suppression>,
}

impl Diagnostic {
    /// A finding with no help, docs link, labels or fix yet: what input problems, notes and the
    /// crash guard report. Rules add the rest with the `with_*` methods.
    pub fn new(rule: impl Into<String>, severity: Severity, message: impl Into<String>, span: Span) -> Self {
        Diagnostic {
            rule: rule.into(),
            severity,
            message: message.into(),
            help: None,
            url: None,
            span,
            labels: Vec::new(),
            fix: None,
            suppressed: None,
        }
    }

    pub fn with_help(self, help: impl Into<String>) -> Self {
        Diagnostic {
            help: Some(help.into()),
            ..self
        }
    }

    /// The rule's documentation.
    pub fn with_url(self, url: impl Into<String>) -> Self {
        Diagnostic {
            url: Some(url.into()),
            ..self
        }
    }

    pub fn with_fix(self, fix: Fix) -> Self {
        Diagnostic { fix: Some(fix), ..self }
    }
}

impl Diagnostic {
    /// The stretches of the source renderers read for this finding, for cutting an excerpt
    /// ([`crate::source::SourceText::excerpt`]). The primary span and the labels come as one span covering
    /// them all: miette joins the snippets of labels whose contexts it deems to touch (a test
    /// that, far down a file, joins nearly any two) and then reads all the text between them.
    pub fn source_extents(&self) -> impl Iterator<Item = Span> + '_ {
        let ends = |s: &Span| (s.start.min(s.end), s.start.max(s.end));
        let (start, end) = self
            .labels
            .iter()
            .filter(|l| l.is_local())
            .map(|l| ends(&l.span))
            .fold(ends(&self.span), |(a, b), (c, d)| (a.min(c), b.max(d)));
        std::iter::once(Span::new(start, end)).chain(self.fix.as_ref().map(|f| f.span))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn source_extents_cover_labels_as_one_span_and_the_fix_apart() {
        let d = Diagnostic {
            rule: "r/x".into(),
            severity: Severity::Error,
            message: "m".into(),
            help: None,
            url: None,
            span: Span::new(50, 55),
            labels: vec![
                Label::new(Span::new(90, 95), "after"),
                // Reversed spans still count by their ends.
                Label::new(Span::new(20, 10), "before"),
            ],
            fix: Some(Fix {
                description: "f".into(),
                span: Span::new(300, 304),
                replacement: String::new(),
                applicability: Applicability::Safe,
            }),
            suppressed: None,
        };
        let extents: Vec<Span> = d.source_extents().collect();
        assert_eq!(extents, vec![Span::new(10, 95), Span::new(300, 304)]);
        let plain = Diagnostic {
            labels: vec![],
            fix: None,
            ..d
        };
        assert_eq!(plain.source_extents().collect::<Vec<_>>(), vec![Span::new(50, 55)]);
    }
}
