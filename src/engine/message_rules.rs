//! Message-level rules see the message a recipient gets, not one file: an entry template with
//! the partials, layout and components it pulls in (composed by `crate::message`). Their
//! findings are reported on the entry template, at its own bytes or at the directive that
//! brought the relevant bytes in, with labels into the partials that were searched. Partials
//! are never judged by themselves: a footer partial has no unsubscribe link of its own to miss.

use super::facts;
use crate::document::{Document, FileKind, Include, IncludeStatus, SourceFormat};
use crate::knowledge::Knowledge;
use crate::message::compose::{Composed, FileId};
use crate::message::graph::{IncludeGraph, Target};
use crate::report::{Diagnostic, Label, Severity};
use crate::rules::Mode;
use crate::source::Span;
use std::path::Path;
use std::sync::Arc;

/// How a template file takes part in messages.
pub enum Role {
    /// Nothing to compose: its own document is its message.
    Standalone,
    /// An entry template with partials or unresolved references: message rules run on this.
    Entry(Box<MessageView>),
    /// Included by other templates: message rules run on those, not here.
    Partial,
}

/// A composed message with its facts and what is needed to report on the entry.
pub struct MessageView {
    pub composed: Composed,
    pub doc: Document,
    /// Text of each composed file (by `FileId`), for the line and column of labels.
    texts: Vec<Option<Arc<str>>>,
}

impl Role {
    /// Decide the role of the template at `abs` (text `text`) in `graph`, composing its
    /// message when it is an entry with something to compose.
    pub fn of(
        graph: &IncludeGraph,
        abs: &Path,
        text: &str,
        kind: FileKind,
        format: SourceFormat,
        knowledge: &Knowledge,
    ) -> Role {
        if graph.is_partial(abs) {
            return Role::Partial;
        }
        let composed = graph.compose(abs, text);
        let nothing_to_compose = composed.is_single_file()
            && composed.missing.is_empty()
            && composed.cycles.is_empty()
            && composed.external.is_empty();
        if nothing_to_compose {
            return Role::Standalone;
        }
        let doc = facts::build(&composed.text, kind, format, knowledge);
        let texts = composed
            .files
            .iter()
            .enumerate()
            .map(|(i, p)| {
                if i == 0 {
                    Some(Arc::from(text))
                } else {
                    graph.text_of(p)
                }
            })
            .collect();
        Role::Entry(Box::new(MessageView { composed, doc, texts }))
    }
}

impl MessageView {
    fn label_in(&self, file: FileId, span: Span, message: impl Into<String>) -> Option<Label> {
        let text = self.texts.get(file.0 as usize)?.as_deref()?;
        let path = self.composed.path(file).to_string_lossy().into_owned();
        Some(Label::in_file(path, text, span, message))
    }

    /// A finding made on the composed message, as a finding on the entry template.
    pub fn on_entry(&self, mut d: Diagnostic, mode: Mode) -> Diagnostic {
        let composed = &self.composed;
        let (file, span) = composed.locate(d.span);
        let mut labels = Vec::new();
        if file != FileId::ENTRY
            && let Some(l) = self.label_in(file, span, "found here, in a file this message includes")
        {
            labels.push(l);
        }
        for l in std::mem::take(&mut d.labels) {
            let (file, span) = composed.locate(l.span);
            if file == FileId::ENTRY {
                labels.push(Label::new(composed.to_entry(l.span), l.message));
            } else {
                labels.extend(self.label_in(file, span, l.message));
            }
        }
        // A fix is bytes to replace in the entry: only one whose bytes are the entry's own.
        d.fix = d
            .fix
            .filter(|f| composed.locate(f.span).0 == FileId::ENTRY)
            .map(|mut f| {
                f.span = composed.to_entry(f.span);
                f
            });
        d.span = composed.to_entry(d.span);
        if mode == Mode::Require {
            // What was looked for and not found was looked for in every part of the message.
            for (i, _) in composed.files.iter().enumerate().skip(1) {
                labels.extend(self.label_in(
                    FileId(i as u32),
                    Span::empty(0),
                    "searched: this file is part of the message",
                ));
            }
            let unresolved: Vec<&str> = composed
                .missing
                .iter()
                .map(|m| m.name.as_str())
                .chain(composed.external.iter().map(|e| e.name.as_str()))
                .collect();
            if !unresolved.is_empty() {
                // What is missing may be in what could not be read: say so, not a false error.
                d.severity = d.severity.min(Severity::Info);
                let names = unresolved
                    .iter()
                    .map(|n| format!("`{n}`"))
                    .collect::<Vec<_>>()
                    .join(", ");
                d.message = format!("{} (it may be in {names}, which inboxlint could not read)", d.message);
            }
        }
        d.labels = labels;
        d
    }
}

/// The composition directives of the file at `abs` and where each leads, as facts for the
/// `include:` matcher (`template/include-missing`, `template/include-cycle`). A file's own
/// directives are judged on the file, whatever its role, so a broken include in a partial is
/// reported on the partial.
pub fn include_facts(graph: &IncludeGraph, abs: &Path, text: &str, role: &Role) -> Vec<Include> {
    let root = &graph.roots.project_root;
    let shown = |p: &Path| p.strip_prefix(root).unwrap_or(p).display().to_string();
    let mut out: Vec<Include> = graph
        .references_in(abs, text)
        .into_iter()
        // A convention no directive states (the Rails mailer layout) is not a broken include
        // when the layout is absent: the mail is sent without one.
        .filter(|r| !r.span.is_empty())
        // The template engine skips an optional include whose target is absent, as it should.
        .filter(|r| !(r.optional && matches!(r.target, Target::Missing { .. })))
        .map(|r| {
            let (status, detail) = match &r.target {
                Target::File(_) => (IncludeStatus::Found, String::new()),
                Target::Missing { tried } => (
                    IncludeStatus::Missing,
                    tried.iter().map(|p| shown(p)).collect::<Vec<_>>().join(", "),
                ),
                Target::External { reason } => (IncludeStatus::External, (*reason).to_string()),
            };
            Include {
                span: r.span,
                name: r.name,
                status,
                detail,
            }
        })
        .collect();
    let cycles_of = |composed: &Composed| -> Vec<(Span, String)> {
        composed
            .cycles
            .iter()
            .filter(|c| c.file == FileId::ENTRY)
            .map(|c| {
                let chain = c.chain.iter().map(|p| shown(p)).collect::<Vec<_>>().join(" → ");
                (c.directive_span, chain)
            })
            .collect()
    };
    let cycles = match role {
        Role::Entry(view) => cycles_of(&view.composed),
        // A partial's own loop shows when it is composed by itself.
        Role::Partial if out.iter().any(|i| i.status == IncludeStatus::Found) => cycles_of(&graph.compose(abs, text)),
        _ => Vec::new(),
    };
    for (span, chain) in cycles {
        match out.iter_mut().find(|i| i.span == span) {
            Some(i) => {
                i.status = IncludeStatus::Cycle;
                i.detail = chain;
            }
            None => out.push(Include {
                span,
                name: text.get(span.range()).unwrap_or_default().to_string(),
                status: IncludeStatus::Cycle,
                detail: chain,
            }),
        }
    }
    out
}
