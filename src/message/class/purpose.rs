//! Purpose wording: what the message says it is for, where a message says so.

use super::reading::{Place, Reading, spell_out_keys};
use super::{Evidence, EvidenceKind};
use crate::knowledge::class_lexicon::ClassLexicon;
use regex::Regex;
use std::sync::LazyLock;

/// Quoted strings inside a merge tag: where translation keys sit (`{{ t "email.reset.subject" }}`).
static QUOTED: LazyLock<Option<Regex>> = LazyLock::new(|| Regex::new(r#""([^"]{3,120})"|'([^']{3,120})'"#).ok());

pub fn evidence(reading: &Reading, lexicon: &ClassLexicon) -> Vec<Evidence> {
    let purpose = &lexicon.purpose;
    let w = purpose.weights;
    let mut found: Vec<(i32, String)> = Vec::new();
    let mut seen: Vec<(&str, &str)> = Vec::new();
    let mut consider = |weight: i32, place: &'static str, text: &str, quoted_from: Option<&str>| {
        for kind in &purpose.kinds {
            if seen.contains(&(kind.id.as_str(), place)) {
                continue;
            }
            let Ok(re) = kind.regex.try_get() else { continue };
            let Some(m) = re.captures(text).and_then(|c| c.get(1)) else {
                continue;
            };
            seen.push((kind.id.as_str(), place));
            let detail = match quoted_from {
                Some(key) => format!(
                    "the translation key \"{key}\" reads \"{}\" ({})",
                    m.as_str(),
                    kind.reason
                ),
                None => format!("{place} says \"{}\" ({})", m.as_str(), kind.reason),
            };
            found.push((weight, detail));
        }
    };
    for (place, text) in &reading.places {
        let weight = match place {
            Place::Title => w.title,
            Place::Heading => w.heading,
            Place::Preheader => w.preheader,
            Place::Opening => w.opening,
        };
        consider(weight, place.as_str(), text, None);
    }
    if let Some(quoted) = QUOTED.as_ref() {
        for tag in &reading.tag_texts {
            for c in quoted.captures_iter(tag) {
                let Some(key) = c.get(1).or_else(|| c.get(2)).map(|m| m.as_str()) else {
                    continue;
                };
                // Only keys: a quoted sentence in a tag is a default value, already in the text.
                if key.contains(char::is_whitespace) {
                    continue;
                }
                consider(w.merge_tag, "a translation key", &spell_out_keys(key), Some(key));
            }
        }
    }
    capped(found, purpose.cap, EvidenceKind::Purpose)
}

/// Heaviest first, counting no more than `cap` in all: several pieces saying the same thing
/// are not several times the evidence.
pub fn capped(mut found: Vec<(i32, String)>, cap: i32, kind: EvidenceKind) -> Vec<Evidence> {
    found.sort_by_key(|(w, _)| std::cmp::Reverse(w.abs()));
    let mut left = cap;
    let mut out = Vec::new();
    for (weight, detail) in found {
        if left <= 0 {
            break;
        }
        let counted = weight.abs().min(left);
        left -= counted;
        out.push(Evidence {
            kind,
            weight: counted * weight.signum(),
            detail,
        });
    }
    out
}
