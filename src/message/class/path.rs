//! Path words: projects name and group their mail by purpose (`orders/order-confirmation.liquid`,
//! `LoginNotification/index.mjml`, `newsletters/`).

use super::purpose::capped;
use super::{Evidence, EvidenceKind};
use crate::knowledge::class_lexicon::{ClassLexicon, PathWord, split_words};
use std::path::{Component, Path};

/// The words of `words` found in `tokens`, longest first and not overlapping (`order
/// confirmation` is one word, not `order` and `confirmation`), a trailing plural "s" ignored.
fn find_words<'w>(tokens: &[String], words: &'w [PathWord]) -> Vec<&'w PathWord> {
    let same = |t: &str, w: &str| t == w || t.strip_suffix('s') == Some(w);
    let mut by_length: Vec<&PathWord> = words.iter().filter(|w| !w.is_empty()).collect();
    by_length.sort_by_key(|w| std::cmp::Reverse(w.len()));
    let mut found: Vec<&PathWord> = Vec::new();
    let mut i = 0;
    while i < tokens.len() {
        let hit = by_length.iter().find(|w| {
            tokens
                .get(i..i + w.len())
                .is_some_and(|win| win.iter().zip(w.iter()).all(|(t, w)| same(t, w)))
        });
        match hit {
            Some(w) => {
                if !found.contains(w) {
                    found.push(w);
                }
                i += w.len();
            }
            None => i += 1,
        }
    }
    found
}

pub fn evidence(path: &Path, lexicon: &ClassLexicon) -> Vec<Evidence> {
    let words = &lexicon.path;
    let parts: Vec<String> = path
        .components()
        .filter_map(|c| match c {
            Component::Normal(s) => Some(s.to_string_lossy().to_string()),
            _ => None,
        })
        .collect();
    let mut transactional = Vec::new();
    let mut marketing = Vec::new();
    for (i, part) in parts.iter().enumerate() {
        let is_file = i + 1 == parts.len();
        // `welcome.text.hbs` is named `welcome`: extensions say nothing about purpose.
        let name = if is_file {
            part.split('.').next().unwrap_or(part)
        } else {
            part.as_str()
        };
        let tokens = split_words(name);
        let (weight, what) = if is_file {
            (words.weights.file, format!("the file name \"{part}\""))
        } else {
            (words.weights.directory, format!("the directory \"{part}/\""))
        };
        for w in find_words(&tokens, &words.transactional) {
            transactional.push((weight, format!("{what} says \"{}\"", w.join(" "))));
        }
        for w in find_words(&tokens, &words.marketing) {
            marketing.push((-weight, format!("{what} says \"{}\"", w.join(" "))));
        }
    }
    let mut out = capped(transactional, words.cap, EvidenceKind::Path);
    out.extend(capped(marketing, words.cap, EvidenceKind::Path));
    out
}
