//! What a recipient reads, as the class decision needs it: the places that state a message's
//! purpose, the readable text with merge-tag syntax taken out (a Liquid `transaction.kind ==
//! 'sale'` is logic, not words anyone reads), and the full text of the merge tags themselves.

use crate::document::{Document, TagKind};
use crate::knowledge::Knowledge;
use crate::knowledge::class_lexicon::split_words;
use crate::source::Span;

/// Where purpose wording sits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Place {
    Title,
    Heading,
    Preheader,
    Opening,
}

impl Place {
    pub fn as_str(self) -> &'static str {
        match self {
            Place::Title => "the title",
            Place::Heading => "a heading",
            Place::Preheader => "the preheader",
            Place::Opening => "the opening text",
        }
    }
}

/// How much opening text counts as "first text", and how much hidden text as the preheader.
const OPENING_CHARS: usize = 300;
const PREHEADER_CHARS: usize = 200;

#[derive(Debug, Default)]
pub struct Reading {
    /// Title, headings, preheader and opening, tags removed and translation keys spelled out.
    pub places: Vec<(Place, String)>,
    /// Each visible text run and link text, tags removed: what promotion is judged on.
    pub readable: Vec<String>,
    /// Every merge tag's full text (`{% if transaction.kind == 'sale' %}`) where the tag's name
    /// alone would not say enough: tags in text and in link URLs.
    pub tag_texts: Vec<String>,
}

/// The element a text offset sits in, if it is the title, a heading or a preview.
fn place_of(doc: &Document, offset: usize) -> Option<Place> {
    let i = doc.elements.partition_point(|e| e.span.start < offset);
    let mut cur = i.checked_sub(1);
    for _ in 0..4 {
        let el = doc.elements.get(cur?)?;
        match el.name.as_str() {
            "title" | "mj-title" => return Some(Place::Title),
            "h1" | "h2" | "h3" => return Some(Place::Heading),
            "mj-preview" => return Some(Place::Preheader),
            _ => cur = el.parent,
        }
    }
    None
}

/// Spans of the document's merge tags, sorted, to tell which runs hold one.
struct TagSpans(Vec<Span>);

impl TagSpans {
    fn new(doc: &Document) -> Self {
        let mut spans: Vec<Span> = doc.merge_tags.iter().map(|t| t.span).collect();
        spans.sort_by_key(|s| s.start);
        TagSpans(spans)
    }

    fn any_within(&self, span: Span) -> bool {
        let i = self.0.partition_point(|s| s.start < span.start);
        self.0.get(i).is_some_and(|s| s.start < span.end)
    }
}

/// `text` with its merge tags blanked, and the tags' texts.
fn strip_tags(text: &str, knowledge: &Knowledge) -> (String, Vec<String>) {
    let mut out = String::with_capacity(text.len());
    let mut tags = Vec::new();
    let mut at = 0;
    for raw in knowledge.registry.scan(text) {
        let (Some(before), Some(tag)) = (text.get(at..raw.start), text.get(raw.start..raw.end)) else {
            continue;
        };
        out.push_str(before);
        out.push(' ');
        tags.push(tag.to_string());
        at = raw.end;
    }
    out.push_str(text.get(at..).unwrap_or_default());
    (out, tags)
}

/// Translation keys written as text (`pleaseConfirmSubscription`, `email.forgotPassword.subject`)
/// spelled out as words, so a localised template's purpose reads like its English strings.
pub fn spell_out_keys(text: &str) -> String {
    // Runs once per text run of every message: no allocation but the result's, except for keys.
    let mut out = String::with_capacity(text.len());
    let mut push = |w: &str| {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(w);
    };
    for word in text.split_whitespace() {
        if is_key(word) {
            split_words(word).iter().for_each(|w| push(w));
        } else {
            push(word);
        }
    }
    out
}

/// `forgotPassword`, `email.reset.subject`, `opt_in` but not `E-Mail-Adresse` or `Hello`.
fn is_key(word: &str) -> bool {
    let mut count = 0usize;
    let mut camel = false;
    let mut prev_lower = false;
    for c in word.chars() {
        if !(c.is_alphanumeric() || "._-".contains(c)) {
            return false;
        }
        // A lower-case letter then an upper-case one.
        camel |= prev_lower && c.is_uppercase();
        prev_lower = c.is_lowercase();
        count += 1;
    }
    count > 3 && (word.contains(['.', '_']) || camel)
}

pub fn read(doc: &Document, knowledge: &Knowledge) -> Reading {
    let spans = TagSpans::new(doc);
    let mut reading = Reading::default();
    let mut opening = String::new();
    let mut preheader = String::new();
    let mut seen_visible = false;
    let mut previous: Option<Place> = None;
    let mut comments: Vec<Span> = doc
        .merge_tags
        .iter()
        .filter(|t| t.kind == TagKind::Comment)
        .map(|t| t.span)
        .collect();
    comments.sort_by_key(|s| s.start);
    // Text inside a template comment (`{{!-- ... --}}`) is never sent.
    let comment_tag = |span: Span| {
        let i = comments.partition_point(|c| c.start <= span.start);
        i.checked_sub(1)
            .and_then(|i| comments.get(i))
            .is_some_and(|c| span.end <= c.end)
    };
    for run in &doc.text {
        let (text, tags) = if spans.any_within(run.span) {
            strip_tags(&run.text, knowledge)
        } else {
            (run.text.clone(), Vec::new())
        };
        if comment_tag(run.span) {
            continue;
        }
        reading.tag_texts.extend(tags);
        let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
        if text.is_empty() {
            continue;
        }
        let place = place_of(doc, run.span.start);
        match place {
            Some(Place::Preheader) => push_limited(&mut preheader, &text, PREHEADER_CHARS),
            // Runs of one heading split by inline markup (`Your <b>order</b> has shipped`).
            Some(p) if previous == Some(p) => {
                if let Some((_, last)) = reading.places.last_mut() {
                    last.push(' ');
                    last.push_str(&spell_out_keys(&text));
                }
            }
            Some(p) => reading.places.push((p, spell_out_keys(&text))),
            None if run.visible => {
                seen_visible = true;
                push_limited(&mut opening, &text, OPENING_CHARS);
            }
            // Hidden text before anything visible is the inbox preview text.
            None if !seen_visible => push_limited(&mut preheader, &text, PREHEADER_CHARS),
            None => {}
        }
        previous = place;
        if run.visible {
            reading.readable.push(text);
        }
    }
    for link in doc.links.iter().filter(|l| l.visible) {
        if spans.any_within(link.href_span) {
            let (_, tags) = strip_tags(&link.href, knowledge);
            reading.tag_texts.extend(tags);
        }
        // Link text is already counted among the text runs; an image's alt text is not.
        if link.element == "img" && !link.text.trim().is_empty() {
            reading.readable.push(strip_tags(&link.text, knowledge).0);
        }
    }
    if !preheader.trim().is_empty() {
        reading.places.push((Place::Preheader, spell_out_keys(&preheader)));
    }
    if !opening.trim().is_empty() {
        reading.places.push((Place::Opening, spell_out_keys(&opening)));
    }
    reading
}

fn push_limited(into: &mut String, text: &str, limit: usize) {
    let have = into.chars().count();
    if have >= limit {
        return;
    }
    into.extend(text.chars().take(limit - have));
    into.push(' ');
}
