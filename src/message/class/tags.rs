//! Merge tags as evidence: fields only transactional mail carries (`order.number`,
//! `reset_url`, one-time codes), and tags that only exist on one kind of ESP stream.

use super::purpose::capped;
use super::reading::Reading;
use super::{Evidence, EvidenceKind};
use crate::document::{Document, TagKind};
use crate::knowledge::class_lexicon::ClassLexicon;
use regex::Regex;
use std::sync::LazyLock;

/// Dotted identifiers inside a tag's text: `transaction.kind`, `order.line_items`.
static IDENT: LazyLock<Option<Regex>> =
    LazyLock::new(|| Regex::new(r"[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*").ok());

/// Every name a field could be known by: the tags' own names and the identifiers inside the
/// full text of tags in text and URLs (block tags: `{% for item in order.line_items %}`).
fn field_names<'a>(doc: &'a Document, reading: &'a Reading) -> Vec<String> {
    let mut names: Vec<String> = doc
        .merge_tags
        .iter()
        .filter(|t| t.kind != TagKind::Comment && !t.name.is_empty())
        .map(|t| t.name.clone())
        .collect();
    if let Some(ident) = IDENT.as_ref() {
        for text in &reading.tag_texts {
            names.extend(ident.find_iter(text).map(|m| m.as_str().to_ascii_lowercase()));
        }
    }
    names.sort_unstable();
    names.dedup();
    names
}

pub fn field_evidence(doc: &Document, reading: &Reading, lexicon: &ClassLexicon) -> Vec<Evidence> {
    let fields = &lexicon.fields;
    let names = field_names(doc, reading);
    let mut found = Vec::new();
    for kind in &fields.kinds {
        let Ok(re) = kind.regex.try_get() else { continue };
        if let Some(name) = names.iter().find(|n| re.is_match(n)) {
            found.push((fields.weight, format!("the merge field \"{name}\" ({})", kind.reason)));
        }
    }
    capped(found, fields.cap, EvidenceKind::MergeField)
}

/// `esp`: the dialects the project is configured for; empty means any.
pub fn esp_evidence(doc: &Document, esp: &[String], lexicon: &ClassLexicon) -> Vec<Evidence> {
    let mut out = Vec::new();
    for signal in &lexicon.esp {
        if !esp.is_empty() && !esp.iter().any(|e| e.eq_ignore_ascii_case(&signal.dialect)) {
            continue;
        }
        let Ok(re) = signal.regex.try_get() else { continue };
        let tag = doc.merge_tags.iter().find(|t| {
            t.kind != TagKind::Comment && t.dialects.contains(&signal.dialect.as_str()) && re.is_match(&t.name)
        });
        if let Some(tag) = tag {
            out.push(Evidence {
                kind: EvidenceKind::Esp,
                weight: -signal.weight,
                detail: format!("the merge tag \"{}\" is {}", tag.name, signal.reason),
            });
        }
    }
    out
}
