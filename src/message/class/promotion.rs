//! Promotional content, judged as the primary-purpose test judges it: an offer, a call to buy,
//! a product grid advertise; an order summary's own "Discount" line and template logic
//! (`transaction.kind == 'sale'`) do not.

use super::reading::Reading;
use super::{Evidence, EvidenceKind};
use crate::document::Document;
use crate::knowledge::class_lexicon::ClassLexicon;
use regex::Regex;
use std::sync::LazyLock;

/// A price as an order or a product card shows it: `$12.00`, `12,50 €`, `EUR 9`.
static PRICE: LazyLock<Option<Regex>> =
    LazyLock::new(|| Regex::new(r"[$€£¥]\s?\d|\d(?:[.,]\d{2})?\s?(?:€|EUR|USD|GBP|CHF)(?:$|[^A-Za-z])").ok());
/// The label of an order's total: with one, a list of prices is an order, not a shop window.
static TOTAL: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(
        r"(?i)(?:^|\W)(?:sub-?total|total|summe|gesamt(?:betrag)?|totale?|totaal|importe total|amount due)(?:$|\W)",
    )
    .ok()
});

/// A run that is nothing but an order-summary label (`Discount (WELCOME10) -$5.00`, `Coupon
/// code: SPRING`): the line item of a transaction, whatever word it uses.
fn is_line_item(text: &str, lexicon: &ClassLexicon) -> bool {
    let Ok(label) = lexicon.promotion.line_item.try_get() else {
        return false;
    };
    let mut cleaned = String::with_capacity(text.len());
    let mut depth = 0usize;
    for c in text.chars() {
        match c {
            '(' | '[' => depth += 1,
            ')' | ']' => depth = depth.saturating_sub(1),
            ':' if depth == 0 => break,
            c if depth == 0 && c.is_alphabetic() => cleaned.extend(c.to_lowercase()),
            _ if depth == 0 => cleaned.push(' '),
            _ => {}
        }
    }
    let words: Vec<&str> = cleaned.split_whitespace().collect();
    if words.is_empty() {
        return false;
    }
    // The label alone, or the label followed by the code it names (`Discount code SPRING`).
    label.is_match(&words.join(" ")) || words.len() > 1 && label.is_match(&words[..words.len() - 1].join(" "))
}

pub fn evidence(doc: &Document, reading: &Reading, lexicon: &ClassLexicon) -> Vec<Evidence> {
    let promo = &lexicon.promotion;
    let mut found: Vec<(i32, String)> = Vec::new();
    let mut seen: Vec<String> = Vec::new();
    let (Ok(strong), Ok(weak)) = (promo.strong.try_get(), promo.weak.try_get()) else {
        return Vec::new();
    };
    // A label like "Discount" or "Coupon code: X" is a line item only in an order summary.
    let order_summary = TOTAL
        .as_ref()
        .is_some_and(|t| reading.readable.iter().any(|r| t.is_match(r)));
    // Inline markup splits a phrase into runs (`ENJOY <span>15%</span> OFF`): judge the runs
    // joined, line items left out.
    let mut joined = String::new();
    for text in &reading.readable {
        if order_summary && is_line_item(text, lexicon) {
            joined.push_str(" | ");
            continue;
        }
        joined.push_str(text);
        joined.push(' ');
    }
    {
        let text = &joined;
        for (re, weight, what) in [
            (strong, promo.weights.strong, "an offer"),
            (weak, promo.weights.weak, "promotional wording"),
        ] {
            for c in re.captures_iter(text) {
                let Some(m) = c.get(1) else { continue };
                let phrase = m.as_str().to_lowercase();
                if seen.contains(&phrase) {
                    continue;
                }
                seen.push(phrase);
                found.push((weight, format!("the text says \"{}\" ({what})", m.as_str())));
            }
        }
    }
    if let Some(grid) = product_grid(doc, reading, order_summary) {
        found.push((promo.weights.product_grid, grid));
    }
    found.sort_by_key(|(w, _)| std::cmp::Reverse(*w));
    found
        .into_iter()
        .map(|(weight, detail)| Evidence {
            kind: EvidenceKind::Promotion,
            weight: -weight,
            detail,
        })
        .collect()
}

/// Three or more linked images beside three or more prices, and no total: products on
/// display, not an order summary.
fn product_grid(doc: &Document, reading: &Reading, has_total: bool) -> Option<String> {
    let price = PRICE.as_ref()?;
    if has_total {
        return None;
    }
    let linked_images = doc
        .elements
        .iter()
        .filter(|e| e.name == "img" || e.name == "mj-image")
        .filter(|e| {
            if e.name == "mj-image" && e.attr("href").is_some() {
                return true;
            }
            let mut cur = e.parent;
            for _ in 0..4 {
                match cur.and_then(|i| doc.elements.get(i)) {
                    Some(p) if p.name == "a" => return true,
                    Some(p) => cur = p.parent,
                    None => return false,
                }
            }
            false
        })
        .count();
    if linked_images < 3 {
        return None;
    }
    let prices: usize = reading.readable.iter().map(|t| price.find_iter(t).count()).sum();
    if prices < 3 {
        return None;
    }
    Some(format!(
        "a product grid: {linked_images} linked images and {prices} prices, no order total"
    ))
}
