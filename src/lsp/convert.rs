//! Conversions between inboxlint's model (byte spans, paths) and the LSP's (UTF-16 ranges, URIs).
//! LSP positions count UTF-16 code units, so every range goes through the document's
//! [`SourceText`], never through byte or char arithmetic here.

use crate::knowledge::yaml::LoadError;
use crate::report::{Diagnostic, Severity};
use crate::source::{SourceText, Span};
use lsp_types::{
    CodeDescription, DiagnosticRelatedInformation, DiagnosticSeverity, Location, NumberOrString, Position, Range, Uri,
};
use std::path::{Path, PathBuf};
use std::str::FromStr;

pub const SOURCE: &str = "inboxlint";

pub fn position(src: &SourceText, offset: usize) -> Position {
    let (line, character) = src.utf16_position(offset);
    Position { line, character }
}

pub fn range(src: &SourceText, span: Span) -> Range {
    Range {
        start: position(src, span.start),
        end: position(src, span.end.max(span.start)),
    }
}

pub fn offset(src: &SourceText, pos: Position) -> usize {
    src.offset_of_utf16(pos.line, pos.character)
}

pub fn span(src: &SourceText, range: Range) -> Span {
    let start = offset(src, range.start);
    let end = offset(src, range.end);
    Span::new(start.min(end), end.max(start))
}

pub fn severity(s: Severity) -> DiagnosticSeverity {
    match s {
        Severity::Error => DiagnosticSeverity::ERROR,
        Severity::Warning => DiagnosticSeverity::WARNING,
        Severity::Info => DiagnosticSeverity::INFORMATION,
    }
}

/// A docs link as an LSP URI: web links as they are, user rule files (an absolute path) as
/// `file://` URIs so the editor can open the rule.
pub fn docs_uri(url: &str) -> Option<Uri> {
    if url.starts_with("https://") || url.starts_with("http://") {
        return Uri::from_str(url).ok();
    }
    let p = Path::new(url);
    if p.is_absolute() { file_uri(p) } else { None }
}

/// One inboxlint diagnostic as the LSP shows it. `uri` is the document's, for labels.
pub fn diagnostic(src: &SourceText, uri: &Uri, d: &Diagnostic) -> lsp_types::Diagnostic {
    // An empty message makes VS Code drop every diagnostic of the file (ast-grep #969).
    let message = if d.message.trim().is_empty() {
        d.rule.clone()
    } else {
        d.message.clone()
    };
    let related: Vec<DiagnosticRelatedInformation> = d
        .labels
        .iter()
        .filter_map(|l| {
            let location = match &l.file {
                None => Location {
                    uri: uri.clone(),
                    range: range(src, l.span),
                },
                // The linter saw the partial by its absolute path; LSP positions are UTF-16,
                // so the partial is read to convert the label's bytes.
                Some(f) => {
                    let text = std::fs::read_to_string(&f.path).unwrap_or_default();
                    Location {
                        uri: file_uri(Path::new(&f.path))?,
                        range: range(&SourceText::new(text.as_str()), l.span),
                    }
                }
            };
            Some((l, location))
        })
        .map(|(l, location)| DiagnosticRelatedInformation {
            location,
            message: if l.message.is_empty() {
                d.rule.clone()
            } else {
                l.message.clone()
            },
        })
        .collect();
    lsp_types::Diagnostic {
        range: range(src, d.span),
        severity: Some(severity(d.severity)),
        code: Some(NumberOrString::String(d.rule.clone())),
        code_description: d.url.as_deref().and_then(docs_uri).map(|href| CodeDescription { href }),
        source: Some(SOURCE.to_string()),
        message,
        related_information: (!related.is_empty()).then_some(related),
        tags: None,
        data: None,
    }
}

/// A config or rule file inboxlint could not load, as a diagnostic on that file.
pub fn load_error(e: &LoadError) -> lsp_types::Diagnostic {
    let src = SourceText::new(&*e.source_text);
    let start = e.offset.unwrap_or(0);
    let span = Span::new(start, start.saturating_add(e.len).min(e.source_text.len()).max(start));
    lsp_types::Diagnostic {
        range: range(&src, span),
        severity: Some(DiagnosticSeverity::ERROR),
        code: Some(NumberOrString::String(load_error_rule(Path::new(&e.path)).to_string())),
        code_description: None,
        source: Some(SOURCE.to_string()),
        message: if e.message().trim().is_empty() {
            "inboxlint cannot load this file".to_string()
        } else {
            e.message()
        },
        related_information: None,
        tags: None,
        data: None,
    }
}

/// The pseudo-rule id for a file that failed to load: a config file, or a rule/dialect file.
pub fn load_error_rule(path: &Path) -> &'static str {
    let name = path.file_name().map(|n| n.to_string_lossy()).unwrap_or_default();
    if crate::workspace::config::CONFIG_NAMES
        .iter()
        .any(|c| c.rsplit('/').next() == Some(&*name))
    {
        "input/invalid-config"
    } else {
        "input/invalid-rule-file"
    }
}

/// The local path of a `file:` URI, percent-decoded; None for other schemes.
pub fn uri_to_path(uri: &Uri) -> Option<PathBuf> {
    let s = uri.as_str();
    let rest = s.strip_prefix("file://").or_else(|| s.strip_prefix("FILE://"))?;
    // `file://host/path`: the authority ends at the first slash; localhost and empty mean here.
    let path_part = match rest.find('/') {
        Some(i) => &rest[i..],
        None => return None,
    };
    let path_part = path_part.split(['?', '#']).next().unwrap_or(path_part);
    let decoded = percent_decode(path_part)?;
    #[cfg(windows)]
    {
        // `/C:/dir/file` → `C:/dir/file`
        let trimmed = decoded.strip_prefix('/').unwrap_or(&decoded);
        return Some(PathBuf::from(trimmed));
    }
    #[cfg(not(windows))]
    Some(PathBuf::from(decoded))
}

fn percent_decode(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = s.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// `file://` URI for an absolute path, percent-encoding everything but unreserved characters
/// and `/` (what Python's `Path.as_uri` and VS Code produce).
pub fn file_uri(path: &Path) -> Option<Uri> {
    let s = path.to_string_lossy().replace('\\', "/");
    let mut out = String::from("file://");
    if !s.starts_with('/') {
        out.push('/');
    }
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b'/') || (b == b':' && cfg!(windows)) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    Uri::from_str(&out).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_count_utf16_units() {
        let src = SourceText::new("é😀 <a href=\"http://x\">\n😀x");
        // `<` is after é (2 bytes, 1 unit), 😀 (4 bytes, 2 units) and a space.
        let r = range(&src, Span::new(7, 9));
        assert_eq!((r.start.line, r.start.character), (0, 4));
        assert_eq!((r.end.line, r.end.character), (0, 6));
        let lt = src.text().rfind('x').unwrap_or(0);
        let r = range(&src, Span::new(lt, lt + 1));
        assert_eq!(r.start, Position { line: 1, character: 2 });
        assert_eq!(span(&src, r), Span::new(lt, lt + 1));
    }

    #[test]
    fn file_uris_round_trip_with_spaces_and_accents() {
        let p = Path::new("/tmp/my mails/café #1.html");
        let uri = file_uri(p).expect("valid uri");
        assert_eq!(uri.as_str(), "file:///tmp/my%20mails/caf%C3%A9%20%231.html");
        assert_eq!(uri_to_path(&uri).as_deref(), Some(p));
        let host = Uri::from_str("file://localhost/tmp/a.html").expect("uri");
        assert_eq!(uri_to_path(&host).as_deref(), Some(Path::new("/tmp/a.html")));
        let untitled = Uri::from_str("untitled:Untitled-1").expect("uri");
        assert_eq!(uri_to_path(&untitled), None);
        let not_utf8 = Uri::from_str("file:///tmp/%FF.html").expect("uri");
        assert_eq!(uri_to_path(&not_utf8), None);
    }

    #[test]
    fn load_errors_name_the_kind_of_file() {
        assert_eq!(load_error_rule(Path::new("/p/.inboxlint.yaml")), "input/invalid-config");
        assert_eq!(
            load_error_rule(Path::new("/p/.config/inboxlint.yaml")),
            "input/invalid-config"
        );
        assert_eq!(load_error_rule(Path::new("/p/rules/x.yaml")), "input/invalid-rule-file");
    }
}
