//! `docs/rules.md` is generated from the rule files; this fails when it is stale.

use inboxlint::rules::{RuleSet, docs};
use std::path::PathBuf;

#[test]
fn docs_rules_md_is_up_to_date() {
    let rules = RuleSet::builtin().expect("built-in rules compile");
    let expected = docs::markdown(&rules.rules);
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("docs/rules.md");
    if std::env::var_os("INBOXLINT_UPDATE_DOCS").is_some() {
        std::fs::write(&path, &expected).expect("write docs/rules.md");
    }
    let actual = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        actual == expected,
        "docs/rules.md is stale: regenerate it with\n    {}\n(or INBOXLINT_UPDATE_DOCS=1 cargo test --test rule_docs)",
        docs::REGENERATE
    );
}

#[test]
fn every_rule_url_points_at_its_section() {
    let rules = RuleSet::builtin().expect("built-in rules compile");
    let md = docs::markdown(&rules.rules);
    for rule in &rules.rules {
        let url = rule.docs_url();
        let (page, anchor) = url.split_once('#').expect("url has an anchor");
        assert!(page.ends_with("/docs/rules.md"), "{url}");
        assert!(
            md.contains(&format!("<a id=\"{anchor}\"></a>\n\n### {}\n", rule.id)),
            "{url}"
        );
        assert!(md.contains(&format!("[`{}`](#{anchor})", rule.id)));
    }
}
