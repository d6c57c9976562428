//! A hand-labelled slice of the real corpus: for each file, `tests/labels.yaml` records which
//! headline rules must fire (`expect`), which must not (`reject`), and where inboxlint is known to
//! disagree with the truth today (`known-fp`: reports though it should not; `known-fn`: misses).
//! `expect` and `reject` are asserted; precision and recall per headline rule are computed from
//! the truth (expect + known-fn are positives, reject + known-fp negatives) and printed.
//! Skips cleanly when `../shared/corpus` is absent.

use inboxlint::document::MessageClass;
use inboxlint::engine::{LintAs, Linter, Overrides};
use inboxlint::workspace::kind;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

mod common;
use common::corpus;

const HEADLINE: &[&str] = &[
    "canspam/unsubscribe-missing",
    "canspam/physical-address-missing",
    "template/unsubscribe-href-placeholder",
    "privacy/pii-in-url",
    "security/insecure-link",
    "security/insecure-transport",
    "security/hardcoded-secret",
    "security/pii-field-unencrypted",
    "canspam/placeholder-address",
    "canspam/from-missing",
];

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct Label {
    path: String,
    /// What the file is, as a `transactional:` glob would say (default: marketing).
    #[serde(default)]
    class: Option<String>,
    #[serde(default)]
    expect: Vec<String>,
    #[serde(default)]
    reject: Vec<String>,
    #[serde(default)]
    known_fp: Vec<String>,
    #[serde(default)]
    known_fn: Vec<String>,
    /// Why the file is labelled so (what a reviewer saw).
    #[allow(dead_code)]
    note: String,
}

fn labels() -> Vec<Label> {
    let text = std::fs::read_to_string(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/labels.yaml"))
        .expect("tests/labels.yaml is readable");
    serde_saphyr::from_str(&text).expect("tests/labels.yaml parses")
}

#[derive(Default)]
struct Counts {
    tp: usize,
    fp: usize,
    fn_: usize,
}

#[test]
fn labelled_corpus_files_produce_what_a_reviewer_expects() {
    let labels = labels();
    assert!(labels.len() >= 40, "label at least 40 files, found {}", labels.len());
    for l in &labels {
        for r in l.expect.iter().chain(&l.reject).chain(&l.known_fp).chain(&l.known_fn) {
            assert!(
                HEADLINE.contains(&r.as_str()),
                "{}: `{r}` is not a headline rule",
                l.path
            );
        }
    }
    let Some(root) = corpus() else { return };
    let linter = Linter::new(Overrides {
        isolated: true,
        ..Overrides::default()
    });
    let mut failures = Vec::new();
    let mut counts: BTreeMap<&str, Counts> = HEADLINE.iter().map(|r| (*r, Counts::default())).collect();
    for l in &labels {
        let path = root.join(&l.path);
        let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", l.path));
        let setup = linter.setup_for(&path).expect("default setup");
        let (k, f) = kind::classify(Path::new(&l.path)).unwrap_or_else(|| panic!("{}: not a linted kind", l.path));
        let class = match l.class.as_deref() {
            Some("transactional") => Some(MessageClass::Transactional),
            Some(_) => Some(MessageClass::Marketing),
            None => None,
        };
        let found: Vec<String> = linter
            .lint_as(&path, &text, &setup, &LintAs::new(k, f).class(class))
            .into_iter()
            .filter(|d| d.suppressed.is_none())
            .map(|d| d.rule)
            .collect();
        let fired = |r: &str| found.iter().any(|x| x == r);
        for r in &l.expect {
            if !fired(r) {
                failures.push(format!("{}: expected {r}, got none", l.path));
            }
        }
        for r in &l.reject {
            if fired(r) {
                failures.push(format!("{}: {r} must not fire", l.path));
            }
        }
        for r in HEADLINE {
            let positive = l.expect.iter().chain(&l.known_fn).any(|x| x == r);
            let negative = l.reject.iter().chain(&l.known_fp).any(|x| x == r);
            let c = counts.get_mut(r).expect("headline rule");
            match (positive, negative, fired(r)) {
                (true, _, true) => c.tp += 1,
                (true, _, false) => c.fn_ += 1,
                (false, true, true) => c.fp += 1,
                _ => {}
            }
        }
    }
    println!(
        "\n{:<40} {:>4} {:>4} {:>4} {:>10} {:>8}",
        "rule", "tp", "fp", "fn", "precision", "recall"
    );
    for (rule, c) in &counts {
        let ratio = |num: usize, den: usize| {
            if den == 0 {
                "n/a".to_string()
            } else {
                format!("{:.2}", num as f64 / den as f64)
            }
        };
        println!(
            "{rule:<40} {:>4} {:>4} {:>4} {:>10} {:>8}",
            c.tp,
            c.fp,
            c.fn_,
            ratio(c.tp, c.tp + c.fp),
            ratio(c.tp, c.tp + c.fn_)
        );
    }
    assert!(failures.is_empty(), "labelled corpus:\n{}", failures.join("\n"));
}
