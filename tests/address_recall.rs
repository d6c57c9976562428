//! Recall of the postal-address detector on footer address lines from 19 countries
//! (tests/fixtures/addresses/lines.tsv). Prints the recall per country; run with
//! `cargo test --test address_recall -- --nocapture` to see it.

use inboxlint::knowledge::address::find_postal_addresses;
use std::collections::BTreeMap;

fn lines() -> Vec<(String, String)> {
    let text = include_str!("fixtures/addresses/lines.tsv");
    text.lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .filter_map(|l| l.split_once('\t'))
        .map(|(c, a)| (c.to_string(), a.to_string()))
        .collect()
}

#[test]
fn recall_per_country() {
    let lines = lines();
    assert!(lines.len() >= 200, "{} lines", lines.len());
    let mut per: BTreeMap<String, (usize, usize, Vec<String>)> = BTreeMap::new();
    for (country, line) in &lines {
        // As in a footer: the line among other text.
        let text = format!("You receive this because you subscribed.\n{line}\nUnsubscribe");
        let found = !find_postal_addresses(&text).is_empty();
        let e = per.entry(country.clone()).or_default();
        e.1 += 1;
        if found {
            e.0 += 1;
        } else {
            e.2.push(line.clone());
        }
    }
    assert!(per.len() >= 15, "{} countries", per.len());
    let (mut hit, mut all) = (0, 0);
    for (country, (h, n, missed)) in &per {
        eprintln!("{country}: {h}/{n} = {:.0}%", 100.0 * *h as f64 / *n as f64);
        for m in missed {
            eprintln!("    missed: {m}");
        }
        hit += h;
        all += n;
    }
    let recall = hit as f64 / all as f64;
    eprintln!("overall: {hit}/{all} = {:.1}%", 100.0 * recall);
    // Floors from the measured figures, so a regression fails the test.
    assert!(recall >= 0.85, "overall recall {recall:.3}");
    for (country, (h, n, _)) in &per {
        assert!(*h * 10 >= *n * 6, "{country}: {h}/{n}");
    }
}

#[test]
fn the_issue_examples_are_addresses() {
    for text in [
        "Bright Labs · 5776-D Lindero Cyn Rd, Westlake Village, CA 91362",
        "Atelier Lumière, 4 chemin de la Dhuy, 38240 Meylan - FRANCE",
        "Kangaroo Pty Ltd, Level 5, 55 Clarence Street, Sydney NSW 2000",
    ] {
        assert!(!find_postal_addresses(text).is_empty(), "{text}");
    }
}
