//! Classes and profiles decide which rules run. CASL (profile `ca`) asks for sender
//! identification and an unsubscribe mechanism in transactional mail too; CAN-SPAM (`us`) does
//! not. A rule expresses that with `when.profiles` and no `when.class`.

use inboxlint::engine::{LintSetup, Linter, Overrides};
use inboxlint::rules::{RuleSet, load};
use inboxlint::workspace::config::Resolved;
use std::path::Path;
use std::sync::Arc;

const CASL_LIKE: &str = r#"
id: test/ca-unsubscribe
title: Every message needs an unsubscribe link under CASL
severity: error
kinds: [html]
when: { profiles: [ca] }
require:
  link: { purpose: unsubscribe, visible: true, placeholder: false }
message: "no unsubscribe"
help: "add one"
refs: ["CASL s.6(2)(c), s.11(1)"]
examples:
  invalid: ['<html><body><p>Receipt</p></body></html>']
  valid: ['<html><body><a href="https://x.example/unsubscribe">Unsubscribe</a></body></html>']
"#;

const US_LIKE: &str = r#"
id: test/us-unsubscribe
title: Marketing needs an unsubscribe link under CAN-SPAM
severity: error
kinds: [html]
when: { class: [marketing], profiles: [us] }
require:
  link: { purpose: unsubscribe, visible: true, placeholder: false }
message: "no unsubscribe"
help: "add one"
refs: ["15 U.S.C. §7704(a)(3)"]
examples:
  invalid: ['<html><body><p>Sale</p></body></html>']
  valid: ['<html><body><a href="https://x.example/unsubscribe">Unsubscribe</a></body></html>']
"#;

fn fired(profiles: &[&str], text: &str) -> Vec<String> {
    let linter = Linter::new(Overrides {
        isolated: true,
        ..Overrides::default()
    });
    let base = linter.setup_for(Path::new("x.html")).expect("default setup");
    let rules = vec![
        load::compile("ca.yaml", CASL_LIKE, false).expect("compiles"),
        load::compile("us.yaml", US_LIKE, false).expect("compiles"),
    ];
    let mut config = Resolved::defaults(std::env::temp_dir());
    config.profiles = profiles.iter().map(|p| p.to_string()).collect();
    let setup = LintSetup {
        config,
        knowledge: base.knowledge.clone(),
        rules: Arc::new(RuleSet::new(rules)),
    };
    let mut ids: Vec<String> = linter
        .lint_source(Path::new("mail.html"), text, &setup)
        .into_iter()
        .map(|d| d.rule)
        .collect();
    ids.sort();
    ids
}

#[test]
fn casl_reaches_transactional_mail_and_can_spam_does_not() {
    let transactional = "<!-- inboxlint: transactional -->\n<html><body><p>Your receipt</p></body></html>";
    let marketing = "<html><body><p>Spring sale</p></body></html>";
    assert_eq!(fired(&["us"], transactional), Vec::<String>::new());
    assert_eq!(fired(&["ca"], transactional), ["test/ca-unsubscribe"]);
    assert_eq!(fired(&["us", "ca"], transactional), ["test/ca-unsubscribe"]);
    assert_eq!(fired(&["us"], marketing), ["test/us-unsubscribe"]);
    assert_eq!(
        fired(&["us", "ca"], marketing),
        ["test/ca-unsubscribe", "test/us-unsubscribe"]
    );
    assert_eq!(fired(&["eu"], marketing), Vec::<String>::new());
    // An inferred class counts like a marker.
    let reset = "<html><head><title>Reset your password</title></head><body><p>Click below.</p></body></html>";
    assert_eq!(fired(&["us", "ca"], reset), ["test/ca-unsubscribe"]);
}
