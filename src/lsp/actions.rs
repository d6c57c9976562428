//! Code actions for the findings under the cursor: the rule's own fix when it has one, and
//! "ignore <rule> on this line" / "ignore <rule> in this file", which insert an inboxlint
//! directive in the file's own comment syntax (a template comment where the ESP strips it,
//! `#` for YAML/TOML/.env, `--` for SQL; JSON has no comments, so it gets no ignore actions).

use super::convert;
use super::documents::Document;
use crate::diagnostic::Applicability;
use crate::document::SourceFormat;
use crate::engine::comment_syntax::{self, CommentStyle};
use crate::source::SourceText;
use lsp_types::{CodeAction, CodeActionKind, CodeActionOrCommand, Range, TextEdit, Uri, WorkspaceEdit};
use std::collections::{HashMap, HashSet};

/// What the inserted directives give as their reason, for the author to replace: the
/// suppression syntax expects a reason, and a greppable TODO keeps unexplained ones visible.
pub const REASON_PLACEHOLDER: &str = "TODO: say why";

pub fn line_directive(rule: &str) -> String {
    format!("inboxlint-ignore {rule}: {REASON_PLACEHOLDER}")
}

pub fn file_directive(rule: &str) -> String {
    format!("inboxlint-ignore-file {rule}: {REASON_PLACEHOLDER}")
}

pub fn code_actions(doc: &Document, range: Range, only: Option<&[CodeActionKind]>) -> Vec<CodeActionOrCommand> {
    // Every action here is a `quickfix`; the empty kind asks for everything.
    if let Some(kinds) = only
        && !kinds.iter().any(|k| k.as_str() == "quickfix" || k.as_str().is_empty())
    {
        return Vec::new();
    }
    let src = &doc.source;
    let wanted = convert::span(src, range);
    let style = doc.linted.format.and_then(|f| comment_syntax::style_for(&doc.path, f));
    let markup = matches!(doc.linted.format, Some(SourceFormat::Html | SourceFormat::Mjml));
    let mut fixes = Vec::new();
    let mut ignores = Vec::new();
    let mut seen_line: HashSet<(String, usize)> = HashSet::new();
    let mut seen_file: HashSet<String> = HashSet::new();
    for (d, lsp_diag) in doc.linted.diagnostics.iter().zip(&doc.linted.lsp) {
        if d.span.start > wanted.end || wanted.start > d.span.end {
            continue;
        }
        if let Some(fix) = &d.fix {
            // An unsafe fix is offered, marked, and never the one an editor applies unasked.
            let safe = fix.applicability == Applicability::Safe;
            let marker = if safe { "" } else { ", unsafe" };
            fixes.push(action(
                format!("{} ({}{marker})", fix.description, d.rule),
                &doc.uri,
                TextEdit {
                    range: convert::range(src, fix.span),
                    new_text: fix.replacement.clone(),
                },
                lsp_diag,
                safe,
            ));
        }
        // Findings about the file itself (config fallback, size) are not suppressible.
        if d.rule.starts_with("input/") {
            continue;
        }
        let Some(style) = style else { continue };
        let anchor = if markup {
            tag_start(src.text(), d.span.start)
        } else {
            d.span.start
        };
        let line = src.line_index(anchor);
        if seen_line.insert((d.rule.clone(), line)) {
            ignores.push(action(
                format!("Ignore {} on this line", d.rule),
                &doc.uri,
                line_edit(src, line, &style, &line_directive(&d.rule)),
                lsp_diag,
                false,
            ));
        }
        if seen_file.insert(d.rule.clone()) {
            ignores.push(action(
                format!("Ignore {} in this file", d.rule),
                &doc.uri,
                file_edit(src, markup, &style, &file_directive(&d.rule)),
                lsp_diag,
                false,
            ));
        }
    }
    fixes.extend(ignores);
    fixes
}

fn action(
    title: String,
    uri: &Uri,
    edit: TextEdit,
    diag: &lsp_types::Diagnostic,
    preferred: bool,
) -> CodeActionOrCommand {
    CodeActionOrCommand::CodeAction(CodeAction {
        title,
        kind: Some(CodeActionKind::QUICKFIX),
        diagnostics: Some(vec![diag.clone()]),
        edit: Some(WorkspaceEdit {
            changes: Some(HashMap::from([(uri.clone(), vec![edit])])),
            document_changes: None,
            change_annotations: None,
        }),
        command: None,
        is_preferred: preferred.then_some(true),
        disabled: None,
        data: None,
    })
}

/// A finding inside a start tag (an attribute value) is suppressed from above the tag: a
/// comment line in the middle of a tag's attributes would break the markup.
fn tag_start(text: &str, offset: usize) -> usize {
    let offset = offset.min(text.len());
    let Some(before) = text.get(..offset) else {
        return offset;
    };
    match before.rfind('<') {
        Some(lt) if !before[lt..].contains('>') => lt,
        _ => offset,
    }
}

fn newline_of(src: &SourceText, line: usize) -> &'static str {
    let starts = src.line_starts();
    let end = starts.get(line + 1).copied().unwrap_or(src.text().len());
    if src.text()[..end].ends_with("\r\n") {
        "\r\n"
    } else {
        "\n"
    }
}

/// The directive on its own line above `line`, indented like it.
fn line_edit(src: &SourceText, line: usize, style: &CommentStyle, directive: &str) -> TextEdit {
    let start = src.line_starts().get(line).copied().unwrap_or(0);
    let rest = &src.text()[start..];
    let indent: String = rest.chars().take_while(|c| *c == ' ' || *c == '\t').collect();
    let at = convert::position(src, start);
    TextEdit {
        range: Range { start: at, end: at },
        new_text: format!("{indent}{}{}", style.wrap(directive), newline_of(src, line)),
    }
}

/// The directive at the top of the file: after a byte-order mark, and in markup after an XML
/// declaration, which must stay first.
fn file_edit(src: &SourceText, markup: bool, style: &CommentStyle, directive: &str) -> TextEdit {
    let text = src.text();
    let mut at = if text.starts_with('\u{feff}') {
        '\u{feff}'.len_utf8()
    } else {
        0
    };
    if markup && text[at..].trim_start().starts_with("<?xml") {
        let line = src.line_index(at + text[at..].find("<?xml").unwrap_or(0));
        at = src.line_starts().get(line + 1).copied().unwrap_or(text.len());
    }
    let line = src.line_index(at);
    let pos = convert::position(src, at);
    let prefix = if at == text.len() && !text.is_empty() && !text.ends_with('\n') {
        "\n"
    } else {
        ""
    };
    TextEdit {
        range: Range { start: pos, end: pos },
        new_text: format!("{prefix}{}{}", style.wrap(directive), newline_of(src, line)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn directives_go_above_the_tag_with_its_indent() {
        let text = "<p>\n  <a class=\"x\"\n     href=\"http://a\">A</a>\n</p>\n";
        let src = SourceText::new(text);
        let href = text.find("http").unwrap_or(0);
        let anchor = tag_start(text, href);
        assert_eq!(src.line_index(anchor), 1);
        let e = line_edit(
            &src,
            1,
            &comment_syntax::HTML,
            &line_directive("security/insecure-link"),
        );
        assert_eq!((e.range.start.line, e.range.start.character), (1, 0));
        assert_eq!(
            e.new_text,
            "  <!-- inboxlint-ignore security/insecure-link: TODO: say why -->\n"
        );
        // Outside a tag (merge tag in text) the finding's own line is used.
        let t = "<p>Hi {{ ssn }}</p>";
        assert_eq!(tag_start(t, t.find("{{").unwrap_or(0)), t.find("{{").unwrap_or(0));
    }

    #[test]
    fn file_directives_respect_bom_xml_declaration_and_crlf() {
        let src = SourceText::new("\u{feff}<?xml version=\"1.0\"?>\r\n<mjml></mjml>\r\n");
        let e = file_edit(&src, true, &comment_syntax::HTML, &file_directive("r/x"));
        assert_eq!((e.range.start.line, e.range.start.character), (1, 0));
        assert_eq!(e.new_text, "<!-- inboxlint-ignore-file r/x: TODO: say why -->\r\n");
        let src = SourceText::new("a: 1\n");
        let e = file_edit(&src, false, &comment_syntax::HASH, &file_directive("r/x"));
        assert_eq!((e.range.start.line, e.range.start.character), (0, 0));
        assert_eq!(e.new_text, "# inboxlint-ignore-file r/x: TODO: say why\n");
    }
}
