//! Hover on a finding: the rule's title, message, help, longer docs, references and a link,
//! as markdown. Only ranges that carry a finding answer; elsewhere the server stays quiet.

use super::convert;
use super::documents::Document;
use crate::report::Diagnostic;
use lsp_types::{Hover, HoverContents, MarkupContent, MarkupKind, Position};

fn covers(d: &Diagnostic, offset: usize) -> bool {
    d.span.start <= offset && offset <= d.span.end
}

pub fn hover(doc: &Document, pos: Position) -> Option<Hover> {
    let offset = convert::offset(&doc.source, pos);
    let hits: Vec<&Diagnostic> = doc.linted.diagnostics.iter().filter(|d| covers(d, offset)).collect();
    let first = hits.first()?;
    let sections: Vec<String> = hits.iter().map(|d| section(doc, d)).collect();
    Some(Hover {
        contents: HoverContents::Markup(MarkupContent {
            kind: MarkupKind::Markdown,
            value: sections.join("\n\n---\n\n"),
        }),
        range: Some(convert::range(&doc.source, first.span)),
    })
}

fn section(doc: &Document, d: &Diagnostic) -> String {
    let rule = doc.linted.rules.as_ref().and_then(|set| set.get(&d.rule));
    let mut out = String::new();
    match rule {
        Some(r) => out.push_str(&format!("**{}** (`{}`)\n\n", r.title.trim(), r.id)),
        None => out.push_str(&format!("**`{}`**\n\n", d.rule)),
    }
    out.push_str(d.message.trim());
    if let Some(help) = d.help.as_deref().filter(|h| !h.trim().is_empty()) {
        out.push_str("\n\n");
        out.push_str(help.trim());
    }
    if let Some(r) = rule {
        if let Some(docs) = r.docs.as_deref().filter(|t| !t.trim().is_empty()) {
            out.push_str("\n\n");
            out.push_str(docs.trim());
        }
        if !r.refs.is_empty() {
            out.push_str("\n\nReferences:");
            for reference in &r.refs {
                if reference.starts_with("https://") || reference.starts_with("http://") {
                    out.push_str(&format!("\n- <{reference}>"));
                } else {
                    out.push_str(&format!("\n- {reference}"));
                }
            }
        }
    }
    if let Some(url) = d.url.as_deref().and_then(convert::docs_uri) {
        out.push_str(&format!("\n\n[Rule documentation]({})", url.as_str()));
    }
    out
}
