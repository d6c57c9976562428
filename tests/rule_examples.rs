//! Every built-in rule's own examples: invalid ones must trigger it, valid ones must not.

use inboxlint::engine::examples::check_rule;
use inboxlint::engine::{Linter, Overrides};
use inboxlint::rules::RuleSet;
use std::path::Path;

#[test]
fn every_builtin_rule_passes_its_examples() {
    let rules = RuleSet::builtin().expect("built-in rules compile");
    assert!(
        rules.rules.len() >= 32,
        "expected the full catalogue, found {}",
        rules.rules.len()
    );
    let linter = Linter::new(Overrides {
        isolated: true,
        ..Overrides::default()
    });
    let setup = linter.setup_for(Path::new("example.html")).expect("default setup");
    let mut failures = Vec::new();
    for rule in &rules.rules {
        assert!(
            rule.invalid.len() >= 2 && rule.valid.len() >= 2,
            "{} needs at least two valid and two invalid examples",
            rule.id
        );
        assert!(!rule.help.trim().is_empty(), "{} needs a help text", rule.id);
        assert!(!rule.refs.is_empty(), "{} needs refs", rule.id);
        failures.extend(check_rule(&linter, &setup, rule));
    }
    let report: Vec<String> = failures
        .iter()
        .map(|f| {
            format!(
                "{} {} example #{}: {}\n    {}",
                f.rule,
                match (f.fix, f.valid) {
                    (true, _) => "fix",
                    (false, true) => "valid",
                    (false, false) => "invalid",
                },
                f.index + 1,
                f.detail,
                f.code
            )
        })
        .collect();
    assert!(failures.is_empty(), "rule examples failed:\n{}", report.join("\n"));
}

#[test]
fn a_broken_rule_example_is_caught() {
    // The harness itself must fail when a rule misbehaves: a rule whose valid example triggers it.
    let text = r#"
id: test/always
title: Always fires
severity: error
kinds: [html]
forbid:
  link: {}
message: "a link"
help: "none"
refs: ["x"]
examples:
  invalid: ['<a href="https://x">x</a>']
  valid: ['<a href="https://y">y</a>']
"#;
    let rule = inboxlint::rules::load::compile("test/always.yaml", text, false).expect("compiles");
    let linter = Linter::new(Overrides {
        isolated: true,
        ..Overrides::default()
    });
    let base = linter.setup_for(Path::new("example.html")).expect("default setup");
    let setup = inboxlint::engine::LintSetup {
        config: inboxlint::workspace::config::Resolved::defaults(std::env::temp_dir()),
        knowledge: base.knowledge.clone(),
        rules: std::sync::Arc::new(RuleSet::new(vec![rule.clone()])),
    };
    let failures = check_rule(&linter, &setup, &rule);
    assert_eq!(failures.len(), 1);
    assert!(failures[0].valid);
}
