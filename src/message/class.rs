//! A message's class as a scored decision.
//!
//! CAN-SPAM's primary-purpose test (16 CFR 316.3) makes a message transactional when its
//! primary purpose is to facilitate or confirm an agreed transaction, or to give account,
//! subscription or security information, and commercial when it advertises. Several kinds of
//! evidence speak to that, each weighed by `rules/lexicon/class.yaml`: what the message says it
//! is for (title, headings, preheader, opening), its path, the merge fields only transactional
//! mail carries, the ESP context its tags reveal, and its promotional content. The weights add
//! up to a score: transactional evidence counts up, marketing evidence down. Real promotional
//! content makes a message marketing whatever else it says (the fail-safe), and when the
//! evidence is weak either way the class is `unknown`, said as such.

mod path;
mod promotion;
mod purpose;
mod reading;
mod tags;

use crate::document::{Document, FileKind, MessageClass};
use crate::knowledge::Knowledge;
use serde::Serialize;
use std::path::Path;

/// Which kind of evidence a piece is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum EvidenceKind {
    /// Purpose wording in the title, headings, preheader, opening or translation keys.
    Purpose,
    /// Words of the path and file name.
    Path,
    /// Merge fields only transactional mail carries (order number, reset URL, ...).
    MergeField,
    /// A merge tag that only exists on one kind of ESP stream.
    Esp,
    /// Content that advertises.
    Promotion,
}

impl EvidenceKind {
    pub fn as_str(self) -> &'static str {
        match self {
            EvidenceKind::Purpose => "purpose",
            EvidenceKind::Path => "path",
            EvidenceKind::MergeField => "merge-field",
            EvidenceKind::Esp => "esp",
            EvidenceKind::Promotion => "promotion",
        }
    }
}

/// One piece of evidence: positive weight speaks for transactional, negative for marketing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Evidence {
    pub kind: EvidenceKind,
    pub weight: i32,
    pub detail: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ClassDecision {
    pub class: MessageClass,
    pub evidence: Vec<Evidence>,
    /// Real promotional content decided it: marketing whatever the rest of the score says.
    pub promotional: bool,
}

impl ClassDecision {
    /// Transactional weight minus marketing weight.
    pub fn score(&self) -> i32 {
        self.evidence.iter().map(|e| e.weight).sum()
    }

    /// One line for `ClassSource::Inferred`: the score and the evidence that weighs most.
    pub fn reason(&self) -> String {
        const SHOWN: usize = 3;
        if self.evidence.is_empty() {
            return "no evidence either way: nothing in the title, headings, opening text, path, \
                    merge fields or ESP tags says what the message is for"
                .into();
        }
        let mut by_weight: Vec<&Evidence> = self.evidence.iter().collect();
        // The evidence that decided comes first: promotion for a promotional message, else the
        // heaviest, in the decided direction.
        let toward = match self.class {
            MessageClass::Transactional => 1,
            MessageClass::Marketing => -1,
            MessageClass::Unknown => 0,
        };
        by_weight.sort_by_key(|e| {
            (
                std::cmp::Reverse(e.kind == EvidenceKind::Promotion && self.promotional),
                std::cmp::Reverse(e.weight.signum() == toward),
                std::cmp::Reverse(e.weight.abs()),
            )
        });
        let parts: Vec<String> = by_weight
            .iter()
            .take(SHOWN)
            .map(|e| format!("{} ({:+})", e.detail, e.weight))
            .collect();
        let more = by_weight.len().saturating_sub(SHOWN);
        let more = if more > 0 {
            format!(", and {more} more")
        } else {
            String::new()
        };
        if self.promotional {
            format!(
                "promotional content makes it marketing whatever else it says (score {:+}): {}{more}",
                self.score(),
                parts.join("; ")
            )
        } else {
            format!("score {:+}: {}{more}", self.score(), parts.join("; "))
        }
    }
}

/// Decide the class of a message from its own content, its path (relative to the project, so
/// the directories above it say nothing) and the ESPs the project is configured for (empty:
/// any). Only messages (HTML and MJML) have a class to infer; anything else is marketing, the
/// fail-safe.
pub fn decide(doc: &Document, path: &Path, esp: &[String], knowledge: &Knowledge) -> ClassDecision {
    if !matches!(doc.kind, FileKind::Html | FileKind::Mjml | FileKind::Text) {
        return ClassDecision {
            class: MessageClass::Marketing,
            evidence: Vec::new(),
            promotional: false,
        };
    }
    let lexicon = &knowledge.class;
    let reading = reading::read(doc, knowledge);
    let mut evidence = Vec::new();
    evidence.extend(purpose::evidence(&reading, lexicon));
    evidence.extend(path::evidence(path, lexicon));
    evidence.extend(tags::field_evidence(doc, &reading, lexicon));
    evidence.extend(tags::esp_evidence(doc, esp, lexicon));
    let promotion = promotion::evidence(doc, &reading, lexicon);
    let promoted: i32 = -promotion.iter().map(|e| e.weight).sum::<i32>();
    evidence.extend(promotion);
    let score: i32 = evidence.iter().map(|e| e.weight).sum();
    let thresholds = lexicon.decision;
    let promotional = promoted >= thresholds.promotion;
    let class = if promotional || score <= thresholds.marketing {
        MessageClass::Marketing
    } else if score >= thresholds.transactional {
        MessageClass::Transactional
    } else {
        MessageClass::Unknown
    };
    ClassDecision {
        class,
        evidence,
        promotional,
    }
}

#[cfg(test)]
mod tests;
