//! Open documents: the editor's in-memory text (never the file on disk), its version, and
//! the last lint of it, which code actions, hover and pull requests answer from.

use super::convert;
use super::lint::BufferFindings;
use crate::source::SourceText;
use lsp_types::{TextDocumentContentChangeEvent, Uri};
use std::collections::HashMap;
use std::path::{Path, PathBuf};

#[derive(Debug)]
pub struct Document {
    pub uri: Uri,
    /// The path that decides config, kind and globs (a stand-in name for unsaved buffers).
    pub path: PathBuf,
    pub version: i32,
    pub source: SourceText,
    pub linted: BufferFindings,
}

#[derive(Debug, Default)]
pub struct Documents {
    docs: HashMap<Uri, Document>,
}

impl Documents {
    pub fn open(&mut self, doc: Document) {
        self.docs.insert(doc.uri.clone(), doc);
    }

    pub fn close(&mut self, uri: &Uri) -> Option<Document> {
        self.docs.remove(uri)
    }

    pub fn get(&self, uri: &Uri) -> Option<&Document> {
        self.docs.get(uri)
    }

    pub fn get_mut(&mut self, uri: &Uri) -> Option<&mut Document> {
        self.docs.get_mut(uri)
    }

    pub fn uris(&self) -> Vec<Uri> {
        let mut v: Vec<Uri> = self.docs.keys().cloned().collect();
        v.sort();
        v
    }

    pub fn iter(&self) -> impl Iterator<Item = &Document> {
        self.docs.values()
    }

    pub fn by_path(&self, path: &Path) -> Option<&Document> {
        self.docs.values().find(|d| d.path == path)
    }
}

/// The text after applying an editor's changes in order: ranged edits (incremental sync) or
/// whole-text replacements. Each edit's range refers to the text left by the previous one.
pub fn apply_changes(text: &str, changes: &[TextDocumentContentChangeEvent]) -> String {
    let mut current = text.to_string();
    for change in changes {
        match change.range {
            None => current = change.text.clone(),
            Some(range) => {
                let src = SourceText::new(std::mem::take(&mut current));
                let span = convert::span(&src, range);
                let old = src.text();
                let mut next = String::with_capacity(old.len() + change.text.len());
                next.push_str(&old[..span.start]);
                next.push_str(&change.text);
                next.push_str(&old[span.end..]);
                current = next;
            }
        }
    }
    current
}

/// The path a buffer is linted as. Files are themselves; unsaved buffers (`untitled:`) are
/// named after their language in the working directory, so they pick up its config.
pub fn path_for(uri: &Uri, language_id: &str, cwd: &Path) -> PathBuf {
    if let Some(p) = convert::uri_to_path(uri) {
        return p;
    }
    let name = match language_id.to_ascii_lowercase().as_str() {
        "html" => "untitled.html",
        "mjml" => "untitled.mjml",
        "handlebars" => "untitled.hbs",
        "jinja" | "jinja-html" | "jinja2" => "untitled.j2",
        "nunjucks" => "untitled.njk",
        "liquid" => "untitled.liquid",
        "twig" => "untitled.twig",
        "yaml" => "untitled.yaml",
        "json" | "jsonc" => "untitled.json",
        "toml" => "untitled.toml",
        "ini" => "untitled.ini",
        "dotenv" | "env" | "sh" => ".env",
        "sql" => "untitled.sql",
        "prisma" => "untitled.prisma",
        _ => "untitled.txt",
    };
    cwd.join(name)
}

#[cfg(test)]
mod tests {
    use super::*;
    use lsp_types::{Position, Range};
    use std::str::FromStr;

    fn edit(l0: u32, c0: u32, l1: u32, c1: u32, text: &str) -> TextDocumentContentChangeEvent {
        TextDocumentContentChangeEvent {
            range: Some(Range {
                start: Position {
                    line: l0,
                    character: c0,
                },
                end: Position {
                    line: l1,
                    character: c1,
                },
            }),
            range_length: None,
            text: text.to_string(),
        }
    }

    #[test]
    fn incremental_edits_use_utf16_positions_in_sequence() {
        let text = "é😀 http://a\nnext";
        // `http` starts at UTF-16 column 4 (é = 1 unit, 😀 = 2 units, space = 1).
        let out = apply_changes(text, &[edit(0, 8, 0, 8, "s"), edit(1, 0, 1, 4, "last")]);
        assert_eq!(out, "é😀 https://a\nlast");
        let whole = TextDocumentContentChangeEvent {
            range: None,
            range_length: None,
            text: "new".into(),
        };
        assert_eq!(apply_changes(text, &[whole, edit(0, 3, 0, 3, "!")]), "new!");
        // Ranges past the end clamp instead of panicking.
        assert_eq!(apply_changes("ab", &[edit(5, 0, 9, 9, "c")]), "abc");
    }

    #[test]
    fn unsaved_buffers_are_named_by_language() {
        let uri = Uri::from_str("untitled:Untitled-1").expect("uri");
        assert_eq!(path_for(&uri, "html", Path::new("/w")), Path::new("/w/untitled.html"));
        let file = Uri::from_str("file:///w/a.sql").expect("uri");
        assert_eq!(path_for(&file, "html", Path::new("/x")), Path::new("/w/a.sql"));
    }
}
