//! From source text to a Document: merge tags, markup, plain-text parts, configs and schemas.

use crate::document::{
    ClassInfo, ClassSource, Comment, Document, Emits, FileKind, MessageClass, SourceFormat, TagKind,
};
use crate::knowledge::Knowledge;
use crate::message::class;
use crate::source::Span;
use crate::syntax::{config, html, links, merge_tags, schema};
use regex::Regex;
use std::path::Path;
use std::sync::LazyLock;

/// A tag several ESPs register takes the configured ESP's role (`{{ unsubscribe_link }}` opts out
/// in Drip and Shopify, opens HubSpot's preferences); tags whose role holds only where their ESP is
/// configured (Kit's `{{ address }}`) lose the role elsewhere. Links they sit in are classified again.
pub fn apply_configured_esp(doc: &mut Document, esp: &[String], knowledge: &Knowledge) {
    let mut changed = false;
    for t in &mut doc.merge_tags {
        let configured = |d: &str| esp.iter().any(|e| e == d);
        if t.dialects.len() > 1 && t.dialects.iter().any(|d| configured(d)) {
            let infos = knowledge.registry.lookup(t.syntax, &t.name);
            let own = infos
                .iter()
                .filter(|i| i.role.is_some() && configured(i.dialect))
                .max_by_key(|i| i.verified);
            if let Some(own) = own {
                let role = merge_tags::effective_role(own);
                if role != t.role {
                    t.role = role;
                    t.verified = own.verified;
                    // As in the scan: an unverified "renders a whole link" claim reads as a URL.
                    t.emits = match own.emits {
                        Some(Emits::Anchor) if !own.verified => Some(Emits::Url),
                        e => e,
                    };
                    changed = true;
                }
                continue;
            }
        }
        if t.role_needs_esp && !t.dialects.iter().any(|d| configured(d)) {
            t.role = None;
            changed = true;
        }
    }
    if changed {
        for i in 0..doc.links.len() {
            doc.links[i].purpose = links::link_purpose(doc, i, knowledge);
        }
    }
}

/// Parse `text` as `kind`/`format` into the facts rules see.
pub fn build(text: &str, kind: FileKind, format: SourceFormat, knowledge: &Knowledge) -> Document {
    let mut doc = Document::new(kind, format, text.len());
    match format {
        SourceFormat::Html | SourceFormat::Mjml => {
            let masked = merge_tags::scan_and_mask(text, knowledge);
            html::parse(text, &masked.text, masked.tags, &mut doc);
            finish_links_and_dialects(&mut doc, knowledge);
        }
        SourceFormat::Text => {
            let tags = merge_tags::scan(text, knowledge);
            crate::syntax::text::parse(text, tags, &mut doc);
            finish_links_and_dialects(&mut doc, knowledge);
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

/// Link purposes (from tags, text and URL) and the dialects the tags belong to.
fn finish_links_and_dialects(doc: &mut Document, knowledge: &Knowledge) {
    for i in 0..doc.links.len() {
        doc.links[i].purpose = links::link_purpose(doc, i, knowledge);
    }
    let mut dialects: Vec<&'static str> = doc.merge_tags.iter().flat_map(|t| t.dialects.iter().copied()).collect();
    dialects.sort_unstable();
    dialects.dedup();
    doc.meta.dialects = dialects;
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

/// What class inference needs beyond the document: the path relative to the project (so the
/// directories above it say nothing), the configured ESPs, and the class lexicon.
#[derive(Debug, Clone, Copy)]
pub struct Inference<'a> {
    pub path: &'a Path,
    pub esp: &'a [String],
    pub knowledge: &'a Knowledge,
}

/// Decide the class: a config glob, then an in-file marker, then (unless inference is off) the
/// scored decision of `message::class`, else the marketing default.
pub fn classify(
    doc: &Document,
    text: &str,
    glob: Option<(MessageClass, &str)>,
    infer: Option<Inference<'_>>,
) -> ClassInfo {
    if let Some((class, g)) = glob {
        return ClassInfo {
            class,
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
    match infer {
        Some(i) if matches!(doc.kind, FileKind::Html | FileKind::Mjml | FileKind::Text) => {
            let decision = class::decide(doc, i.path, i.esp, i.knowledge);
            ClassInfo {
                class: decision.class,
                source: ClassSource::Inferred {
                    reason: decision.reason(),
                },
            }
        }
        _ => ClassInfo::default(),
    }
}

/// An empty span at a place: for findings about something missing.
pub fn at(offset: usize) -> Span {
    Span::empty(offset)
}
