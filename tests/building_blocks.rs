//! The matcher building blocks added for the rule catalogue, each through a small user rule:
//! per-branch severity, `anywhere`, byte windows, configured ESPs, tags inside config values,
//! and a campaign config's template read across files.

use inboxlint::engine::{LintAs, LintSetup, Linter, Overrides};
use inboxlint::knowledge::Knowledge;
use inboxlint::report::{Diagnostic, Severity};
use inboxlint::rules::{RuleSet, load};
use inboxlint::workspace::{config::Resolved, kind};
use std::path::Path;
use std::sync::Arc;

fn lint(rule: &str, file: &str, text: &str, esp: &[&str], files: &[(&str, &str)]) -> Vec<Diagnostic> {
    let rule = load::compile("test-rule.yaml", rule, false).expect("rule compiles");
    let mut config = Resolved::defaults(std::env::temp_dir());
    config.esp = esp.iter().map(|s| s.to_string()).collect();
    let setup = LintSetup {
        config,
        knowledge: Knowledge::builtin().expect("knowledge"),
        rules: Arc::new(RuleSet::new(vec![rule])),
    };
    let linter = Linter::new(Overrides {
        isolated: true,
        ..Overrides::default()
    });
    let (k, f) = kind::classify(Path::new(file)).expect("known kind");
    let files: Vec<(String, String)> = files.iter().map(|(a, b)| (a.to_string(), b.to_string())).collect();
    linter.lint_as(Path::new(file), text, &setup, &LintAs::new(k, f).files(&files))
}

const HEAD: &str = "id: t/x\ntitle: t\nseverity: error\nmessage: \"{key}\"\nhelp: h\nrefs: [x]\nexamples: { invalid: [], valid: [] }\n";

#[test]
fn a_warning_branch_lowers_severity_and_the_first_branch_wins() {
    let rule = format!(
        "{HEAD}kinds: [config]\nforbid:\n  any:\n    - setting: {{ key: '^a$' }}\n    - warning:\n        setting: {{ key: '^(a|b)$' }}\n"
    );
    let found = lint(&rule, "c.yaml", "a: 1\nb: 2\n", &[], &[]);
    let sev: Vec<(String, Severity)> = found.iter().map(|d| (d.message.clone(), d.severity)).collect();
    assert_eq!(
        sev,
        vec![("a".into(), Severity::Error), ("b".into(), Severity::Warning)]
    );
}

#[test]
fn anywhere_is_a_document_condition_inside_all() {
    let rule = format!(
        "{HEAD}kinds: [config]\nforbid:\n  all:\n    - setting: {{ key: '^headers$' }}\n    - anywhere: {{ setting: {{ key: '^subject$' }} }}\n"
    );
    assert_eq!(
        lint(&rule, "c.yaml", "subject: x\nheaders: {a: 1}\n", &[], &[]).len(),
        1
    );
    assert_eq!(lint(&rule, "c.yaml", "headers: {a: 1}\n", &[], &[]).len(), 0);
}

#[test]
fn byte_windows_select_facts_by_position() {
    let rule = format!("{HEAD}kinds: [html]\nforbid:\n  link: {{ after-byte: 10 }}\n");
    let text = "<a href=\"/a\">a</a> <a href=\"/b\">b</a>";
    let found = lint(&rule, "e.html", text, &[], &[]);
    assert_eq!(found.len(), 1);
    assert_eq!(&text[found[0].span.start..found[0].span.end], "/b");
}

#[test]
fn configured_esp_tells_native_from_foreign_tags() {
    let rule = format!("{HEAD}kinds: [html]\nforbid:\n  merge-tag: {{ role: any, configured-esp: false }}\n");
    let text = "<a href=\"{% unsubscribe_url %}\">u</a>";
    assert_eq!(lint(&rule, "e.html", text, &["klaviyo"], &[]).len(), 1);
    assert_eq!(lint(&rule, "e.html", text, &["customerio"], &[]).len(), 0);
    assert_eq!(lint(&rule, "e.html", text, &[], &[]).len(), 0, "no esp: configured");
}

#[test]
fn tags_inside_config_values_have_roles_and_pii() {
    let rule = format!(
        "{HEAD}kinds: [config]\nforbid:\n  any:\n    - setting: {{ tag-role: preferences }}\n    - setting: {{ tag-pii: [phone] }}\n"
    );
    let text = "a: \"<%%profile_center_url%%>\"\nb: \"call {{ phone }}\"\nc: \"<%%unsub_center_url%%>\"\n";
    let keys: Vec<String> = lint(&rule, "c.yaml", text, &[], &[])
        .into_iter()
        .map(|d| d.message)
        .collect();
    assert_eq!(keys, vec!["a", "b"]);
}

#[test]
fn the_template_of_a_campaign_is_read_relative_to_it() {
    let rule = format!(
        "{HEAD}kinds: [config]\nforbid:\n  any:\n    - setting: {{ path: '**.data.*', pii: any, detector: unused-in-template }}\n    - setting: {{ detector: missing-template }}\n"
    );
    let config = "template: t.html\ndata:\n  first_name: Ada\n  phone: '1'\n";
    let found = lint(&rule, "c.yaml", config, &[], &[("t.html", "<p>{{ first_name }}</p>")]);
    assert_eq!(
        found.iter().map(|d| d.message.as_str()).collect::<Vec<_>>(),
        vec!["phone"]
    );
    let missing = lint(&rule, "c.yaml", config, &[], &[("other.html", "")]);
    assert_eq!(missing.len(), 1);
    assert_eq!(&config[missing[0].span.start..missing[0].span.end], "t.html");
    // From disk: a real directory with the config and its template.
    let dir = std::env::temp_dir().join(format!("inboxlint-related-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    std::fs::write(dir.join("t.html"), "<p>{{ first_name }} {{ phone }}</p>").expect("write");
    let on_disk = lint(&rule, dir.join("c.yaml").to_str().expect("utf-8"), config, &[], &[]);
    assert!(on_disk.is_empty(), "{on_disk:?}");
    let _ = std::fs::remove_dir_all(&dir);
}
