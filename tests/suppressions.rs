//! Inline suppressions in every comment syntax (DESIGN.md §8): what they cover, that reasons
//! are recorded, and the findings about missing reasons, unused and invalid suppressions.

use inboxlint::Diagnostic;
use inboxlint::engine::{LintSetup, Linter, Overrides};
use inboxlint::rules::{RuleSet, load};
use inboxlint::workspace::config::{Resolved, RuleLevel};
use std::path::Path;
use std::sync::Arc;

/// A schema rule that needs no part of the built-in catalogue, so SQL and Prisma have a
/// finding to suppress.
const SSN_RULE: &str = r#"
id: test/ssn-column
title: SSN column
severity: error
kinds: [schema]
forbid:
  field: { name: '^ssn$' }
message: "ssn column"
help: "none"
refs: ["x"]
examples:
  invalid: ['CREATE TABLE t (ssn text);']
  valid: ['CREATE TABLE t (id int);']
"#;

fn setup(tweak: impl FnOnce(&mut Resolved)) -> (Linter, LintSetup) {
    let linter = Linter::new(Overrides {
        isolated: true,
        ..Overrides::default()
    });
    let base = linter.setup_for(Path::new("x.html")).expect("default setup");
    let mut rules = RuleSet::builtin().expect("built-ins").rules.clone();
    rules.push(load::compile("test/ssn-column.yaml", SSN_RULE, false).expect("test rule compiles"));
    let mut config = Resolved::defaults(std::env::temp_dir());
    tweak(&mut config);
    let setup = LintSetup {
        config,
        knowledge: base.knowledge.clone(),
        rules: Arc::new(RuleSet::new(rules)),
    };
    (linter, setup)
}

fn lint_with(name: &str, text: &str, tweak: impl FnOnce(&mut Resolved)) -> Vec<Diagnostic> {
    let (linter, setup) = setup(tweak);
    linter.lint_source(Path::new(name), text, &setup)
}

fn lint(name: &str, text: &str) -> Vec<Diagnostic> {
    lint_with(name, text, |_| {})
}

/// (rule, the text the finding points at, the suppression reason if suppressed)
fn summary<'a>(text: &'a str, found: &[Diagnostic], rule: &str) -> Vec<(&'a str, Option<Option<String>>)> {
    found
        .iter()
        .filter(|d| d.rule == rule)
        .map(|d| {
            let line_start = text[..d.span.start].rfind('\n').map_or(0, |p| p + 1);
            let line_end = text[d.span.start..].find('\n').map_or(text.len(), |p| d.span.start + p);
            (
                text[line_start..line_end].trim(),
                d.suppressed.as_ref().map(|s| {
                    assert_eq!(s.kind, "inline");
                    s.reason.clone()
                }),
            )
        })
        .collect()
}

fn rules_of(found: &[Diagnostic], prefix: &str) -> Vec<(String, String)> {
    found
        .iter()
        .filter(|d| d.rule.starts_with(prefix))
        .map(|d| (d.rule.clone(), d.message.clone()))
        .collect()
}

fn reason(r: &str) -> Option<Option<String>> {
    Some(Some(r.to_string()))
}

#[test]
fn html_next_line_trailing_and_multiline_start_tag() {
    let text = r#"<html><body>
<p>Hi</p>
<!-- inboxlint-ignore security/insecure-link: legacy CDN, tracked in #12 -->
<img src="http://cdn.example.com/old.png" alt="old">
<img src="http://cdn.example.com/new.png" alt="new">
<img src="http://cdn.example.com/t.png" alt="t"> <!-- inboxlint-ignore security: tracking pixel -->

<!-- inboxlint-ignore security/insecure-link: partner banner -->
<a class="banner"
   href="http://partner.example.com/">Partner</a>
</body></html>"#;
    let found = lint("a.html", text);
    assert_eq!(
        summary(text, &found, "security/insecure-link"),
        vec![
            (
                r#"<img src="http://cdn.example.com/old.png" alt="old">"#,
                reason("legacy CDN, tracked in #12")
            ),
            (r#"<img src="http://cdn.example.com/new.png" alt="new">"#, None),
            (
                r#"<img src="http://cdn.example.com/t.png" alt="t"> <!-- inboxlint-ignore security: tracking pixel -->"#,
                reason("tracking pixel")
            ),
            (
                r#"href="http://partner.example.com/">Partner</a>"#,
                reason("partner banner")
            ),
        ]
    );
    assert!(
        rules_of(&found, "suppression/").is_empty(),
        "{:?}",
        rules_of(&found, "suppression/")
    );
}

#[test]
fn html_require_findings_at_body_end_and_whole_file() {
    // `require` findings are anchored at `</body>`: a comment right before it covers them.
    let text = "<html><body><p>Big sale today!</p>\n<!-- inboxlint-ignore canspam/physical-address-missing: the ESP appends the address -->\n</body></html>";
    let found = lint("a.html", text);
    let address: Vec<_> = found
        .iter()
        .filter(|d| d.rule == "canspam/physical-address-missing")
        .collect();
    assert_eq!(address.len(), 1);
    assert_eq!(
        address[0].suppressed.as_ref().and_then(|s| s.reason.as_deref()),
        Some("the ESP appends the address")
    );
    let unsub: Vec<_> = found
        .iter()
        .filter(|d| d.rule == "canspam/unsubscribe-missing")
        .collect();
    assert_eq!(unsub.len(), 1);
    assert!(unsub[0].suppressed.is_none());

    // Or for the whole file, by group.
    let text = "<!-- inboxlint-ignore-file canspam: footer comes from the ESP layout -->\n<html><body><p>Big sale today!</p></body></html>";
    let found = lint("a.html", text);
    let canspam: Vec<_> = found.iter().filter(|d| d.rule.starts_with("canspam/")).collect();
    assert_eq!(canspam.len(), 2, "{found:?}");
    assert!(
        canspam.iter().all(
            |d| d.suppressed.as_ref().and_then(|s| s.reason.as_deref()) == Some("footer comes from the ESP layout")
        )
    );
}

#[test]
fn handlebars_comments() {
    let text = "<p>\n{{!-- inboxlint-ignore privacy/pii-in-url: hashed by the ESP --}}\n<a href=\"https://t.example.com/c?e={{ email }}\">A</a>\n{{! inboxlint-ignore privacy/pii-in-url: short form }}\n<a href=\"https://t.example.com/c?e={{ email }}\">B</a>\n<a href=\"https://t.example.com/c?e={{ email }}\">C</a>\n</p>";
    let found = lint("a.hbs", text);
    let s: Vec<_> = summary(text, &found, "privacy/pii-in-url")
        .into_iter()
        .map(|(_, r)| r)
        .collect();
    assert_eq!(s, vec![reason("hashed by the ESP"), reason("short form"), None]);
}

#[test]
fn jinja_ranges() {
    let text = "<p>\n{# inboxlint-ignore-start security/insecure-link: vendor block #}\n<img src=\"http://a.example/1.png\" alt=\"\">\n<img src=\"http://a.example/2.png\" alt=\"\">\n{# inboxlint-ignore-end #}\n<img src=\"http://a.example/3.png\" alt=\"\">\n</p>";
    let found = lint("a.j2", text);
    let s: Vec<_> = summary(text, &found, "security/insecure-link")
        .into_iter()
        .map(|(_, r)| r)
        .collect();
    assert_eq!(s, vec![reason("vendor block"), reason("vendor block"), None]);
    assert!(rules_of(&found, "suppression/").is_empty());
}

#[test]
fn liquid_comment_blocks() {
    let text = "<p>\n{% comment %} inboxlint-ignore privacy/pii-in-url: hashed upstream {% endcomment %}\n<a href=\"https://t.example.com/c?e={{ customer.email }}\">A</a>\n{%- comment -%}inboxlint-ignore privacy/pii-in-url{%- endcomment -%}\n<a href=\"https://t.example.com/c?e={{ customer.email }}\">B</a>\n</p>";
    let found = lint("a.liquid", text);
    let s: Vec<_> = summary(text, &found, "privacy/pii-in-url")
        .into_iter()
        .map(|(_, r)| r)
        .collect();
    assert_eq!(s, vec![reason("hashed upstream"), Some(None)]);
    // The second one gives no reason: still suppressed, and an info says so.
    let meta = rules_of(&found, "suppression/");
    assert_eq!(meta.len(), 1);
    assert_eq!(meta[0].0, "suppression/missing-reason");
    let d = found.iter().find(|d| d.rule == "suppression/missing-reason").unwrap();
    assert_eq!(d.severity, inboxlint::Severity::Info);
    assert_eq!(&text[d.span.range()], "inboxlint-ignore privacy/pii-in-url");
}

#[test]
fn yaml_comments() {
    let text = "smtp:\n  host: relay.local.example\n  # inboxlint-ignore security/insecure-transport: test relay on the private network\n  tls: false\n  verify_ssl: false  # inboxlint-ignore security/insecure-transport: self-signed test cert\ndatabase:\n  sslmode: disable\n";
    let found = lint("campaign.yaml", text);
    assert_eq!(
        summary(text, &found, "security/insecure-transport"),
        vec![
            ("tls: false", reason("test relay on the private network")),
            (
                "verify_ssl: false  # inboxlint-ignore security/insecure-transport: self-signed test cert",
                reason("self-signed test cert")
            ),
            ("sslmode: disable", None),
        ]
    );
}

#[test]
fn toml_comments() {
    let text = "# inboxlint-ignore-file security/storage-encryption-disabled: scratch bucket, no personal data\n[db]\nssl_mode = \"disable\" # inboxlint-ignore security/insecure-transport: sidecar proxy terminates TLS\n[backup]\nserver_side_encryption = \"none\"\n[other]\nssl_mode = \"disable\"\n";
    let found = lint("config.toml", text);
    let s: Vec<_> = summary(text, &found, "security/insecure-transport")
        .into_iter()
        .map(|(_, r)| r)
        .collect();
    assert_eq!(s, vec![reason("sidecar proxy terminates TLS"), None]);
    let s: Vec<_> = summary(text, &found, "security/storage-encryption-disabled")
        .into_iter()
        .map(|(_, r)| r)
        .collect();
    assert_eq!(s, vec![reason("scratch bucket, no personal data")]);
}

#[test]
fn env_comments() {
    let text = "MAIL_HOST=smtp.acme.example\n# inboxlint-ignore security/insecure-transport: internal hook, TLS at the mesh\n\nWEBHOOK_URL=http://hooks.acme.example/in\nAPI_URL=http://api.acme.example/v1\n";
    let found = lint(".env", text);
    assert_eq!(
        summary(text, &found, "security/insecure-transport"),
        vec![
            (
                "WEBHOOK_URL=http://hooks.acme.example/in",
                reason("internal hook, TLS at the mesh")
            ),
            ("API_URL=http://api.acme.example/v1", None),
        ]
    );
}

#[test]
fn sql_and_prisma_comments() {
    let text = "CREATE TABLE people (\n  id int,\n  -- inboxlint-ignore test/ssn-column: tokenised upstream\n  ssn text\n);\nCREATE TABLE other (\n  ssn text\n);\n";
    let found = lint("schema.sql", text);
    let s: Vec<_> = summary(text, &found, "test/ssn-column")
        .into_iter()
        .map(|(_, r)| r)
        .collect();
    assert_eq!(s, vec![reason("tokenised upstream"), None]);

    let text = "model Person {\n  id  Int @id\n  ssn String // inboxlint-ignore test/ssn-column: encrypted by the app layer\n}\n";
    let found = lint("schema.prisma", text);
    let s: Vec<_> = summary(text, &found, "test/ssn-column")
        .into_iter()
        .map(|(_, r)| r)
        .collect();
    assert_eq!(s, vec![reason("encrypted by the app layer")]);
}

#[test]
fn stacked_directives_cover_the_same_line() {
    let text = "<p>\n<!-- inboxlint-ignore security/insecure-link: legacy -->\n<!-- inboxlint-ignore privacy/pii-in-url: hashed -->\n<a href=\"http://t.example.com/c?e={{ email }}\">A</a>\n</p>";
    let found = lint("a.html", text);
    assert_eq!(summary(text, &found, "security/insecure-link")[0].1, reason("legacy"));
    assert_eq!(summary(text, &found, "privacy/pii-in-url")[0].1, reason("hashed"));
    assert!(rules_of(&found, "suppression/").is_empty());
}

#[test]
fn unused_unknown_and_unbalanced_suppressions_are_reported() {
    let text = "<p>\n<!-- inboxlint-ignore security/insecure-link, privacy/pii-in-url: legacy -->\n<img src=\"http://a.example/1.png\" alt=\"\">\n<!-- inboxlint-ignore acme/nope: typo -->\n<p>x</p>\n<!-- inboxlint-ignore-end -->\n<!-- inboxlint-ignore-start security/insecure-link: rest of file -->\n<img src=\"http://a.example/2.png\" alt=\"\">\n</p>";
    let found = lint("a.html", text);
    let meta: Vec<_> = found
        .iter()
        .filter(|d| d.rule.starts_with("suppression/"))
        .map(|d| (d.rule.as_str(), d.severity.as_str(), &text[d.span.range()]))
        .collect();
    assert_eq!(
        meta,
        vec![
            ("suppression/unused", "warning", "privacy/pii-in-url"),
            ("suppression/invalid", "warning", "acme/nope"),
            ("suppression/invalid", "warning", "inboxlint-ignore-end"),
            (
                "suppression/invalid",
                "warning",
                "inboxlint-ignore-start security/insecure-link: rest of file"
            ),
        ]
    );
    // The unclosed start still suppresses to the end of the file.
    let s: Vec<_> = summary(text, &found, "security/insecure-link")
        .into_iter()
        .map(|(_, r)| r)
        .collect();
    assert_eq!(s, vec![reason("legacy"), reason("rest of file")]);
}

#[test]
fn suppressions_of_rules_that_did_not_run_are_not_unused() {
    // Transactional by marker: the marketing-only rule does not run, so its suppression is idle,
    // not unused (it matters when the same template is linted as marketing).
    let text = "<!-- inboxlint: transactional -->\n<html><body><p>Receipt</p>\n<!-- inboxlint-ignore canspam/unsubscribe-missing: layout adds it -->\n</body></html>";
    let found = lint("a.html", text);
    assert!(rules_of(&found, "suppression/").is_empty(), "{found:?}");
    // Config can turn the meta rules off like any other.
    let text = "<p>\n<!-- inboxlint-ignore security/insecure-link -->\n<p>nothing here</p>\n</p>";
    let found = lint("a.html", text);
    let meta: Vec<_> = rules_of(&found, "suppression/").into_iter().map(|(r, _)| r).collect();
    assert_eq!(meta, ["suppression/missing-reason", "suppression/unused"]);
    let found = lint_with("a.html", text, |c| {
        c.rules.insert("suppression".into(), RuleLevel::Off);
    });
    assert!(rules_of(&found, "suppression/").is_empty());
}

#[test]
fn directives_in_strings_are_not_comments() {
    let text = "note: \"# inboxlint-ignore security/insecure-transport: no\"\ntls: false\n";
    let found = lint("a.yaml", text);
    assert_eq!(
        summary(text, &found, "security/insecure-transport"),
        vec![("tls: false", None)]
    );
}

#[test]
fn ini_erb_and_sql_block_comments() {
    let text = "[mail]\n; inboxlint-ignore security/insecure-transport: relay on localhost only\nsmtp_tls = false\n# inboxlint-ignore security/insecure-transport: same\nsmtp_secure = false\nuse_tls = false\n";
    let found = lint("app.ini", text);
    let s: Vec<_> = summary(text, &found, "security/insecure-transport")
        .into_iter()
        .map(|(_, r)| r)
        .collect();
    assert_eq!(s, vec![reason("relay on localhost only"), reason("same"), None]);

    let text = "<p>\n<%# inboxlint-ignore security/insecure-link: legacy %>\n<img src=\"http://a.example/1.png\" alt=\"\">\n</p>";
    let found = lint("a.erb", text);
    assert_eq!(summary(text, &found, "security/insecure-link")[0].1, reason("legacy"));

    let text = "CREATE TABLE people (\n  /* inboxlint-ignore test/ssn-column: tokenised */\n  ssn text\n);\n";
    let found = lint("schema.sql", text);
    assert_eq!(summary(text, &found, "test/ssn-column")[0].1, reason("tokenised"));
}

#[test]
fn every_prefix_of_odd_input_lints_without_panic() {
    let html = "<p>é\n<!-- inboxlint-ignore-start security: ü -->😀<img src=\"http://a/é.png\">\n{# inboxlint-ignore privacy #}{{!-- inboxlint-ignore-end --}}<a\n href=\"http://x?e={{ email }}\">é</a><!-- inboxlint-ignore-file x/y: z -->";
    let yaml = "a: 1 # inboxlint-ignore security/insecure-transport: é\n# inboxlint-ignore-start\ntls: false # é 😀\n# inboxlint-ignore-end security\n";
    for (name, text) in [
        ("a.html", html),
        ("a.yaml", yaml),
        (
            "a.sql",
            "-- inboxlint-ignore test: é\nCREATE TABLE t (ssn text); -- inboxlint-ignore-end",
        ),
    ] {
        for (i, _) in text.char_indices() {
            let _ = lint(name, &text[..i]);
        }
    }
}
