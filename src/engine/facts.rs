//! From source text to a Document: merge tags, markup, configs and schemas.

use crate::document::{ClassInfo, ClassSource, Comment, Document, FileKind, MessageClass, SourceFormat, TagKind};
use crate::knowledge::Knowledge;
use crate::source::Span;
use crate::syntax::{config, html, links, merge_tags, schema};
use regex::Regex;
use std::sync::LazyLock;

/// Parse `text` as `kind`/`format` into the facts rules see.
pub fn build(text: &str, kind: FileKind, format: SourceFormat, knowledge: &Knowledge) -> Document {
    let mut doc = Document::new(kind, format, text.len());
    match format {
        SourceFormat::Html | SourceFormat::Mjml => {
            let masked = merge_tags::scan_and_mask(text, knowledge);
            html::parse(text, &masked.text, masked.tags, &mut doc);
            for i in 0..doc.links.len() {
                doc.links[i].purpose = links::link_purpose(&doc, i, knowledge);
            }
            let mut dialects: Vec<&'static str> =
                doc.merge_tags.iter().flat_map(|t| t.dialects.iter().copied()).collect();
            dialects.sort_unstable();
            dialects.dedup();
            doc.meta.dialects = dialects;
        }
        SourceFormat::Yaml | SourceFormat::Json | SourceFormat::Toml | SourceFormat::Env | SourceFormat::Ini => {
            if format == SourceFormat::Json {
                let (root, comments, problems) = config::json::parse(text);
                if let Some(root) = root
                    .as_ref()
                    .filter(|r| kind == FileKind::Schema || config::json_schema::looks_like_schema(r))
                {
                    doc.kind = FileKind::Schema;
                    doc.fields = config::json_schema::fields(root);
                    doc.comments = comments;
                    doc.problems = problems;
                    return doc;
                }
            }
            let facts = match format {
                SourceFormat::Yaml => config::parse_yaml(text),
                SourceFormat::Json => config::parse_json(text),
                SourceFormat::Toml => config::parse_toml(text),
                SourceFormat::Env => config::parse_env(text),
                _ => config::parse_ini(text),
            };
            doc.settings = facts.settings;
            doc.comments = facts.comments;
            doc.problems = facts.problems;
        }
        SourceFormat::Sql | SourceFormat::Prisma => {
            let facts = if format == SourceFormat::Sql {
                schema::parse_sql(text)
            } else {
                schema::parse_prisma(text)
            };
            doc.fields = facts.fields;
            doc.comments = facts.comments;
            doc.problems = facts.problems;
        }
    }
    doc
}

static MARKER: LazyLock<Option<Regex>> =
    LazyLock::new(|| Regex::new(r"(?i)\binboxlint:\s*(transactional|marketing)\b").ok());

/// Comments of every syntax in the file: markup comments and template comment tags.
pub fn all_comments(doc: &Document, text: &str) -> Vec<Comment> {
    let mut out = doc.comments.clone();
    for t in doc.merge_tags.iter().filter(|t| t.kind == TagKind::Comment) {
        out.push(Comment {
            text: text.get(t.span.range()).unwrap_or_default().to_string(),
            span: t.span,
        });
    }
    out.sort_by_key(|c| c.span.start);
    out
}

/// Decide marketing vs transactional: config glob, then an in-file marker, then (when `infer`)
/// strong signals in the template, then the marketing default.
pub fn classify(doc: &Document, text: &str, glob: Option<&str>, infer: bool) -> ClassInfo {
    if let Some(g) = glob {
        return ClassInfo {
            class: MessageClass::Transactional,
            source: ClassSource::Config { glob: g.to_string() },
        };
    }
    if let Some(re) = MARKER.as_ref() {
        for c in all_comments(doc, text) {
            if let Some(m) = re.captures(&c.text) {
                let class = if m[1].eq_ignore_ascii_case("transactional") {
                    MessageClass::Transactional
                } else {
                    MessageClass::Marketing
                };
                let whole = m.get(0).map(|g| (g.start(), g.end())).unwrap_or_default();
                let base = text.get(c.span.range()).and_then(|s| s.find(&c.text)).unwrap_or(0) + c.span.start;
                return ClassInfo {
                    class,
                    source: ClassSource::Marker {
                        span: (base + whole.0, base + whole.1),
                    },
                };
            }
        }
    }
    if infer && let Some(reason) = super::class::infer(doc) {
        return ClassInfo {
            class: MessageClass::Transactional,
            source: ClassSource::Inferred { reason },
        };
    }
    ClassInfo::default()
}

/// An empty span at a place: for findings about something missing.
pub fn at(offset: usize) -> Span {
    Span::empty(offset)
}
