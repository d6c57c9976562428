//! The real binary, end to end: exit codes, formats, located errors, input problems.

use assert_cmd::Command;
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn inboxlint(dir: &Path) -> Command {
    let mut cmd = Command::cargo_bin("inboxlint").expect("binary builds");
    cmd.current_dir(dir).env_remove("INBOXLINT_FORMAT").env("NO_COLOR", "1");
    cmd
}

fn json(dir: &Path, args: &[&str]) -> (serde_json::Value, i32) {
    let out = inboxlint(dir)
        .args(["check", "--format", "json"])
        .args(args)
        .output()
        .expect("runs");
    let v = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("json output ({e}): {}", String::from_utf8_lossy(&out.stdout)));
    (v, out.status.code().unwrap_or(-1))
}

fn rules_in(v: &serde_json::Value, path: &str) -> Vec<String> {
    v["diagnostics"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter(|d| d["path"] == path)
                .filter_map(|d| d["rule"].as_str().map(String::from))
                .collect()
        })
        .unwrap_or_default()
}

fn settings(name: &str) -> insta::Settings {
    let mut s = insta::Settings::clone_current();
    s.set_snapshot_path(root().join("snapshots"));
    s.set_prepend_module_to_snapshot(false);
    s.set_snapshot_suffix(name);
    s
}

#[test]
fn snapshots_of_every_human_and_machine_format() {
    let dir = root().join("tests/fixtures");
    for format in ["pretty", "concise", "json"] {
        let out = inboxlint(&dir)
            .args(["check", ".", "--format", format])
            .output()
            .expect("runs");
        assert_eq!(out.status.code(), Some(1), "fixtures have errors");
        let text = String::from_utf8_lossy(&out.stdout).to_string();
        settings(format).bind(|| insta::assert_snapshot!("cli_fixtures", text));
    }
}

#[test]
fn unsubscribe_links_in_comments_hidden_or_hash_do_not_count() {
    let dir = root().join("tests/fixtures");
    let (v, code) = json(&dir, &["templates"]);
    assert_eq!(code, 1);
    let hidden = rules_in(&v, "templates/hidden-unsubscribe.html");
    assert!(
        hidden.contains(&"canspam/unsubscribe-missing".to_string()),
        "{hidden:?}"
    );
    assert!(
        !hidden.contains(&"security/insecure-link".to_string()),
        "xmlns and DOCTYPE are not links: {hidden:?}"
    );
    assert!(!hidden.contains(&"canspam/physical-address-missing".to_string()));
    let good = rules_in(&v, "templates/good.mjml");
    assert!(good.is_empty(), "{good:?}");
    // Transactional by config glob: no marketing rules. CASL (profile `ca`) still asks a
    // transactional email for sender identification, contact details and an unsubscribe.
    let receipt = rules_in(&v, "templates/receipt-1001.html");
    assert!(receipt.iter().all(|r| r.starts_with("casl/")), "{receipt:?}");
    assert!(receipt.contains(&"casl/unsubscribe-missing".to_string()), "{receipt:?}");
}

#[test]
fn clean_file_exits_zero_and_errors_exit_one() {
    let dir = root().join("tests/fixtures");
    inboxlint(&dir).args(["check", "templates/good.mjml"]).assert().code(0);
    inboxlint(&dir)
        .args(["check", "templates/pii-tracking.html"])
        .assert()
        .code(1);
    inboxlint(&dir)
        .args(["check", "templates/pii-tracking.html", "--exit-zero"])
        .assert()
        .code(0);
}

#[test]
fn warnings_fail_only_over_max_warnings() {
    let tmp = tempfile::tempdir().expect("tempdir");
    std::fs::write(
        tmp.path().join("a.html"),
        "<!-- inboxlint: transactional --><a href=\"http://x.example/\">x</a>",
    )
    .expect("write");
    // Profile `us`: CAN-SPAM exempts transactional email, so only the http warning remains.
    inboxlint(tmp.path())
        .args(["check", "a.html", "--profile", "us"])
        .assert()
        .code(0);
    inboxlint(tmp.path())
        .args(["check", "a.html", "--profile", "us", "--max-warnings", "0"])
        .assert()
        .code(1);
}

#[test]
fn bad_rule_file_exits_two_with_a_located_message() {
    let tmp = tempfile::tempdir().expect("tempdir");
    std::fs::create_dir_all(tmp.path().join("rules")).expect("mkdir");
    std::fs::write(tmp.path().join(".inboxlint.yaml"), "rule-dirs: [rules]\n").expect("write");
    std::fs::write(
        tmp.path().join("rules/broken.yaml"),
        "id: acme/broken\ntitle: Broken\nseverity: fatal\nkinds: [html]\nforbid: { link: {} }\nmessage: m\nhelp: h\nexamples: { invalid: [], valid: [] }\n",
    )
    .expect("write");
    std::fs::write(tmp.path().join("a.html"), "<p>x</p>").expect("write");
    let out = inboxlint(tmp.path()).args(["check", "a.html"]).output().expect("runs");
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("broken.yaml"), "{err}");
    assert!(err.contains("severity") || err.contains("fatal"), "{err}");
    assert!(
        err.contains(":3:"),
        "points at line 3 where `severity: fatal` is: {err}"
    );
}

#[test]
fn bad_regex_in_rule_is_located_at_the_field() {
    let tmp = tempfile::tempdir().expect("tempdir");
    std::fs::create_dir_all(tmp.path().join("rules")).expect("mkdir");
    std::fs::write(tmp.path().join(".inboxlint.yaml"), "rule-dirs: [rules]\n").expect("write");
    std::fs::write(
        tmp.path().join("rules/regex.yaml"),
        "id: acme/regex\ntitle: R\nseverity: error\nkinds: [html]\nforbid:\n  link: { href: 'a(b' }\nmessage: m\nhelp: h\nexamples: { invalid: [], valid: [] }\n",
    )
    .expect("write");
    std::fs::write(tmp.path().join("a.html"), "<p>x</p>").expect("write");
    let out = inboxlint(tmp.path()).args(["check", "a.html"]).output().expect("runs");
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("regex.yaml:6:"), "{err}");
    assert!(err.contains("invalid regular expression"), "{err}");
}

#[test]
fn unknown_named_list_in_rule_is_located_where_written() {
    let tmp = tempfile::tempdir().expect("tempdir");
    std::fs::create_dir_all(tmp.path().join("rules")).expect("mkdir");
    std::fs::write(tmp.path().join(".inboxlint.yaml"), "rule-dirs: [rules]\n").expect("write");
    std::fs::write(
        tmp.path().join("rules/lists.yaml"),
        "id: acme/lists\ntitle: L\nseverity: error\nkinds: [config]\nforbid:\n  setting:\n    path: [a.b, $merge-data-path]\nmessage: m\nhelp: h\nexamples: { invalid: [], valid: [] }\n",
    )
    .expect("write");
    std::fs::write(tmp.path().join("a.html"), "<p>x</p>").expect("write");
    let out = inboxlint(tmp.path()).args(["check", "a.html"]).output().expect("runs");
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("lists.yaml:7:"), "{err}");
    assert!(err.contains("unknown list `$merge-data-path`"), "{err}");
    assert!(err.contains("$merge-data-paths"), "names the lists there are: {err}");
}

#[test]
fn bad_config_exits_two() {
    let tmp = tempfile::tempdir().expect("tempdir");
    std::fs::write(tmp.path().join(".inboxlint.yaml"), "profiles: [us]\nrulez: {}\n").expect("write");
    std::fs::write(tmp.path().join("a.html"), "<p>x</p>").expect("write");
    let out = inboxlint(tmp.path()).args(["check", "."]).output().expect("runs");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("rulez"));
}

#[test]
fn unreadable_input_is_a_located_finding_and_the_run_goes_on() {
    let tmp = tempfile::tempdir().expect("tempdir");
    std::fs::write(tmp.path().join("bad.html"), b"<p>caf\xe9</p>").expect("write");
    std::fs::write(tmp.path().join("bin.html"), b"\x00\x01\x02").expect("write");
    std::fs::write(tmp.path().join("ok.html"), "<!-- inboxlint: transactional --><p>ok</p>").expect("write");
    let (v, code) = json(tmp.path(), &[".", "bin.html"]);
    assert_eq!(code, 1);
    assert_eq!(rules_in(&v, "bad.html"), vec!["input/not-utf8"]);
    assert_eq!(
        v["diagnostics"].as_array().map(|a| a
            .iter()
            .find(|d| d["path"] == "bad.html")
            .map(|d| d["span"]["offset"].clone())),
        Some(Some(serde_json::json!(6)))
    );
    assert_eq!(
        rules_in(&v, "bin.html"),
        vec!["input/binary"],
        "named on the command line, so reported"
    );
    assert_eq!(v["summary"]["files"], 3);
}

#[test]
fn stdin_with_a_filename() {
    let dir = root().join("tests/fixtures");
    let out = inboxlint(&dir)
        .args([
            "check",
            "-",
            "--stdin-filename",
            "templates/new.html",
            "--format",
            "concise",
        ])
        .write_stdin("<p>Hi</p><a href=\"#\">Unsubscribe</a>")
        .output()
        .expect("runs");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("templates/new.html:1:19: error[template/unsubscribe-href-placeholder]"),
        "{text}"
    );
}

/// The class marker json reports for a file is located in the file's text even when the file
/// has no findings, whose text the run does not keep whole (it used to say line 1, column 1).
#[test]
fn class_marker_of_a_clean_file_is_located() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let marked = "<html>\n<body>\n  <!-- inboxlint: transactional -->\n<p>Your receipt</p>\n</body></html>\n";
    let filler = "<p>Thanks for your order.</p>\n".repeat(40);
    std::fs::write(tmp.path().join("ok.html"), format!("{filler}{marked}")).expect("write");
    let (v, code) = json(tmp.path(), &["."]);
    assert_eq!(
        v["diagnostics"],
        serde_json::json!([]),
        "the file must be clean for this test"
    );
    assert_eq!(code, 0);
    let class = &v["files"][0]["class"];
    assert_eq!(class["source"], "marker", "{v}");
    let offset = filler.len() + marked.find("inboxlint:").expect("marker");
    assert_eq!(class["span"]["offset"], offset);
    assert_eq!(class["span"]["start"], serde_json::json!({"line": 43, "column": 8}));
    assert_eq!(class["span"]["end"], serde_json::json!({"line": 43, "column": 32}));
}

/// privacy/pii-in-url decides by who receives the URL: a tracker or a host outside
/// `sender-domains:` gets an error, the sender's own host (or its ESP's click host) a warning that
/// says why, and a `mailto:` to the sender's own mailbox nothing.
#[test]
fn pii_in_url_tells_the_senders_hosts_from_third_parties() {
    let tmp = tempfile::tempdir().expect("tempdir");
    std::fs::write(
        tmp.path().join(".inboxlint.yaml"),
        "esp: [mailchimp]\nsender-domains: [acme.example]\nrules: {canspam: off, casl: off, gdpr: off}\n",
    )
    .expect("write");
    let html = r#"<html><body>
<a href="https://shop.acme.example/account?e=*|EMAIL|*">Your account</a>
<a href="https://partner.test/offer?e=*|EMAIL|*">Partner offer</a>
<img src="https://www.google-analytics.com/collect?uid=*|EMAIL|*" alt="">
<a href="https://acme.us1.list-manage.com/track/click?u=1&e=*|EMAIL|*">Tracked</a>
<a href="mailto:help@acme.example?body=*|EMAIL|*">Write to us</a>
</body></html>"#;
    std::fs::write(tmp.path().join("mail.html"), html).expect("write");
    let (v, code) = json(tmp.path(), &["mail.html"]);
    assert_eq!(code, 1);
    let found: Vec<(String, String, String)> = v["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .filter(|d| d["rule"] == "privacy/pii-in-url")
        .map(|d| {
            let at = d["span"]["offset"].as_u64().expect("offset") as usize;
            let line = html[..at].lines().last().unwrap_or_default().to_string();
            (
                line,
                d["severity"].as_str().unwrap_or_default().to_string(),
                d["message"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect();
    let level = |host: &str| {
        found
            .iter()
            .find(|(line, _, _)| line.contains(host))
            .map(|(_, s, m)| (s.as_str(), m.as_str()))
    };
    let own = level("shop.acme.example").expect("own host reported");
    assert_eq!(own.0, "warning");
    assert!(own.1.contains("your own host `shop.acme.example`"), "{}", own.1);
    let third = level("partner.test").expect("third party reported");
    assert_eq!(third.0, "error");
    assert!(third.1.contains("third party"), "{}", third.1);
    assert_eq!(level("google-analytics").map(|l| l.0), Some("error"));
    // Mailchimp's click host is the sender's processor when Mailchimp is the configured ESP.
    assert_eq!(level("list-manage").map(|l| l.0), Some("warning"));
    assert_eq!(level("mailto:"), None, "{found:#?}");
    assert_eq!(found.len(), 4, "{found:#?}");
}

/// canspam/deceptive-subject judges a campaign's subject by the class of the template it names,
/// and a template's `<title>` by its own message's class.
#[test]
fn deceptive_subject_compares_the_subject_with_the_message_class() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let write = |name: &str, text: &str| std::fs::write(tmp.path().join(name), text).expect("write");
    write(
        ".inboxlint.yaml",
        "rules: {canspam/deceptive-subject: warning, canspam: off, casl: off, gdpr: off, deliverability: off, privacy: off, security: off, template: off}\n",
    );
    write(
        "sale.html",
        "<html><body><h1>Spring sale</h1><p>30% off everything. Shop now with code SPRING.</p></body></html>",
    );
    write(
        "shipped.html",
        "<!-- inboxlint: transactional --><html><head><title>Your order has shipped</title></head><body><p>Order #1234 is on its way.</p></body></html>",
    );
    write(
        "promo.html",
        "<html><head><title>Your account: new arrivals</title></head><body><p>New arrivals: 20% off. Shop now!</p></body></html>",
    );
    write(
        "sale-campaign.yaml",
        "subject: \"Your order is waiting\"\ntemplate: sale.html\n",
    );
    write(
        "shipped-campaign.yaml",
        "subject: \"RE: your order #1234\"\ntemplate: shipped.html\n",
    );
    let (v, _) = json(tmp.path(), &["."]);
    let hits = |path: &str| {
        rules_in(&v, path)
            .iter()
            .filter(|r| *r == "canspam/deceptive-subject")
            .count()
    };
    assert_eq!(hits("sale-campaign.yaml"), 1, "{v:#}");
    assert_eq!(hits("promo.html"), 1, "{v:#}");
    assert_eq!(hits("shipped-campaign.yaml"), 0, "{v:#}");
    assert_eq!(hits("shipped.html"), 0, "{v:#}");
    assert_eq!(hits("sale.html"), 0, "{v:#}");
}
