//! `rules`, `explain` and `test` through the real binary, a user rule directory end to end, and
//! message classes (inferred, or not) in json.

use assert_cmd::Command;
use std::path::Path;

fn inboxlint(dir: &Path) -> Command {
    let mut cmd = Command::cargo_bin("inboxlint").expect("binary builds");
    cmd.current_dir(dir).env_remove("INBOXLINT_FORMAT").env("NO_COLOR", "1");
    cmd
}

fn write(dir: &Path, rel: &str, text: &str) {
    let p = dir.join(rel);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, text).unwrap();
}

const USER_RULE: &str = r#"id: acme/tracking-domain
title: Links must use our tracking domain
severity: error
kinds: [html]
forbid:
  all:
    - link: { element: [a], scheme: https }
    - not: { link: { href: '^https://t\.acme\.example/' } }
message: "`{href}` bypasses click tracking"
help: "Wrap links with https://t.acme.example/."
refs: ["https://wiki.acme.example/email"]
examples:
  invalid: ['<a href="https://acme.example">x</a>']
  valid: ['<a href="https://t.acme.example/r/1">x</a>']
"#;

/// A project with a config, a user rule dir and a template that breaks the user rule.
fn project() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), ".inboxlint.yaml", "rule-dirs: [lint-rules]\n");
    write(dir.path(), "lint-rules/acme/tracking-domain.yaml", USER_RULE);
    write(
        dir.path(),
        "emails/news.html",
        "<!-- inboxlint: transactional -->\n<html><body>\n<a href=\"https://acme.example/shoes\">Shoes</a>\n<!-- inboxlint-ignore acme/tracking-domain: help centre links are not tracked -->\n<a href=\"https://help.acme.example/\">Help</a>\n<a href=\"https://t.acme.example/r/2\">Sale</a>\n</body></html>\n",
    );
    dir
}

fn json_of(out: &std::process::Output) -> serde_json::Value {
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("json ({e}): {}", String::from_utf8_lossy(&out.stdout)))
}

#[test]
fn user_rule_dir_end_to_end_check() {
    let dir = project();
    let out = inboxlint(dir.path())
        .args(["check", "--format", "json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let v = json_of(&out);
    let acme: Vec<_> = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["rule"] == "acme/tracking-domain")
        .collect();
    assert_eq!(acme.len(), 2, "{v:#}");
    assert_eq!(
        acme[0]["message"],
        "`https://acme.example/shoes` bypasses click tracking"
    );
    assert_eq!(acme[0]["span"]["start"]["line"], 3);
    assert!(acme[0]["suppressed"].is_null());
    // A user rule's documentation is its file.
    assert!(acme[0]["url"].as_str().unwrap().ends_with("tracking-domain.yaml"));
    assert_eq!(acme[1]["span"]["start"]["line"], 5);
    assert_eq!(
        acme[1]["suppressed"],
        serde_json::json!({"kind": "inline", "reason": "help centre links are not tracked"})
    );
    assert_eq!(v["summary"]["errors"], 1);
}

#[test]
fn user_rule_dir_end_to_end_test_command() {
    let dir = project();
    let out = inboxlint(dir.path()).args(["test"]).output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}");
    assert!(stdout.contains("rule acme/tracking-domain ... ok\n"), "{stdout}");
    assert!(stdout.contains("rule canspam/unsubscribe-missing ... ok\n"), "{stdout}");
    let last = stdout.trim_end().lines().last().unwrap();
    assert!(
        last.starts_with("test result: ok. ") && last.ends_with(" passed, 0 failed"),
        "{last}"
    );

    // A rule file given on the command line whose valid example fires: a clear failure.
    write(
        dir.path(),
        "broken/acme-broken.yaml",
        &USER_RULE
            .replace("acme/tracking-domain", "acme/broken")
            .replace("https://t.acme.example/r/1", "https://elsewhere.example/"),
    );
    let out = inboxlint(dir.path())
        .args(["test", "-q", "broken/acme-broken.yaml"])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    let expected = "rule acme/broken ... FAILED\n\nfailures:\n\n---- acme/broken (broken/acme-broken.yaml) ----\n    valid example #1: reported `https://elsewhere.example/` bypasses click tracking at 9..35\n        <a href=\"https://elsewhere.example/\">x</a>\n\n";
    assert!(stdout.starts_with(expected), "{stdout}");
    let last = stdout.trim_end().lines().last().unwrap();
    assert!(
        last.starts_with("test result: FAILED. ") && last.ends_with(" passed, 1 failed"),
        "{last}"
    );

    // A broken rule file is a located error, exit 2.
    write(dir.path(), "bad/x.yaml", "id: acme/x\ntitle: t\nseverity: fatal\n");
    let out = inboxlint(dir.path()).args(["test", "bad"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("x.yaml"));
}

#[test]
fn rules_lists_builtin_and_user_rules() {
    let dir = project();
    let out = inboxlint(dir.path())
        .args(["rules", "--format", "json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let v = json_of(&out);
    let rules = v["rules"].as_array().unwrap();
    let builtin = inboxlint::rules::RuleSet::builtin().unwrap().rules.len();
    assert_eq!(rules.len(), builtin + 1);
    let mut ids: Vec<&str> = rules.iter().map(|r| r["id"].as_str().unwrap()).collect();
    let sorted = {
        let mut s = ids.clone();
        s.sort_unstable();
        s
    };
    assert_eq!(ids, sorted);
    ids.retain(|i| *i == "acme/tracking-domain");
    assert_eq!(ids.len(), 1);
    for r in rules {
        for key in [
            "id", "title", "severity", "kinds", "classes", "profiles", "refs", "help", "url",
        ] {
            assert!(!r[key].is_null(), "{key} in {r}");
        }
        assert!(r["examples"]["invalid"].as_u64().unwrap() >= 1);
        assert!(r["examples"]["valid"].as_u64().unwrap() >= 1);
    }
    let user = rules.iter().find(|r| r["id"] == "acme/tracking-domain").unwrap();
    assert_eq!(user["builtin"], false);
    assert_eq!(user["profiles"], serde_json::json!(["us", "ca", "eu", "uk"]));
    let unsub = rules.iter().find(|r| r["id"] == "canspam/unsubscribe-missing").unwrap();
    assert_eq!(unsub["classes"], serde_json::json!(["marketing"]));

    let out = inboxlint(dir.path()).args(["rules", "--builtin"]).output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(!text.contains("acme/"));
    assert!(text.contains(&format!("\n{builtin} rules.")), "{text}");
}

#[test]
fn explain_rules_groups_and_files() {
    let dir = project();
    let out = inboxlint(dir.path())
        .args(["explain", "canspam/unsubscribe-missing"])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0));
    assert!(text.starts_with("# canspam/unsubscribe-missing\n"), "{text}");
    for part in [
        "References:",
        "Reported:",
        "Not reported:",
        "Help: ",
        "15 U.S.C.",
        "#canspam-unsubscribe-missing",
    ] {
        assert!(text.contains(part), "{part} missing from {text}");
    }
    let out = inboxlint(dir.path())
        .args(["explain", "acme/tracking-domain"])
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&out.stdout).contains("Defined in: "));
    let out = inboxlint(dir.path())
        .args(["explain", "suppression/unused"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let out = inboxlint(dir.path()).args(["explain", "canspam"]).output().unwrap();
    assert!(String::from_utf8_lossy(&out.stdout).contains("canspam/unsubscribe-missing"));
    let out = inboxlint(dir.path())
        .args(["explain", "unsubscribe-missing"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("did you mean `canspam/unsubscribe-missing`"));

    let out = inboxlint(dir.path())
        .args(["explain", "emails/news.html"])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("class:    transactional (the comment `inboxlint: transactional` on line 1)"),
        "{text}"
    );
    assert!(text.contains("  acme/tracking-domain  (1 finding)\n"), "{text}");
    assert!(text.contains("canspam/unsubscribe-missing: marketing mail only; this file is transactional"));
}

#[test]
fn inferred_class_shows_in_json_and_explain_and_can_be_turned_off() {
    let dir = tempfile::tempdir().unwrap();
    let reset = "<html><head><title>Reset your password</title></head><body><p>Someone asked to reset the password of your Acme account.</p><a href=\"https://acme.example/reset?t=abc\">Choose a new password</a></body></html>\n";
    let promo = "<html><head><title>Your receipt</title></head><body><p>Thanks! Use code SAVE20 for 20% off.</p></body></html>\n";
    write(dir.path(), "emails/reset.html", reset);
    write(dir.path(), "emails/receipt-promo.html", promo);
    let out = inboxlint(dir.path())
        .args(["check", "--format", "json", "emails"])
        .output()
        .unwrap();
    let v = json_of(&out);
    let files = v["files"].as_array().unwrap();
    assert_eq!(files.len(), 2);
    let (promo, reset) = (&files[0], &files[1]);
    assert_eq!(promo["path"], "emails/receipt-promo.html");
    assert_eq!(promo["class"]["name"], "marketing");
    assert_eq!(promo["class"]["source"], "inferred");
    assert!(
        promo["class"]["reason"].as_str().unwrap().starts_with(
            "promotional content makes it marketing whatever else it says (score -2): the text says \"Use code\" (an offer) (-3)"
        ),
        "{promo}"
    );
    assert_eq!(reset["path"], "emails/reset.html");
    assert_eq!(
        reset["class"],
        serde_json::json!({"name": "transactional", "source": "inferred",
          "reason": "score +9: the title says \"Reset your password\" (password reset) (+4); the file name \"reset.html\" says \"reset\" (+3); the opening text says \"reset the password\" (password reset) (+2)"})
    );
    let rules_for = |path: &str| -> Vec<String> {
        v["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|d| d["path"] == path)
            .map(|d| d["rule"].as_str().unwrap().to_string())
            .collect()
    };
    assert!(!rules_for("emails/reset.html").iter().any(|r| r.starts_with("canspam/")));
    assert!(rules_for("emails/receipt-promo.html").contains(&"canspam/unsubscribe-missing".to_string()));

    let out = inboxlint(dir.path())
        .args(["explain", "emails/reset.html"])
        .output()
        .unwrap();
    assert!(
        String::from_utf8_lossy(&out.stdout)
            .contains("class:    transactional (inferred from score +9: the title says \"Reset your password\"")
    );

    write(dir.path(), ".inboxlint.yaml", "infer-class: false\n");
    let out = inboxlint(dir.path())
        .args(["check", "--format", "json", "emails/reset.html"])
        .output()
        .unwrap();
    let v = json_of(&out);
    assert_eq!(
        v["files"][0]["class"],
        serde_json::json!({"name": "marketing", "source": "default"})
    );
    assert!(
        v["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .any(|d| d["rule"] == "canspam/unsubscribe-missing")
    );
}

/// A project as a new user has it: `init` decides each template's class and writes the globs,
/// grouped by directory where the templates agree, each with its reason, for the user to confirm.
#[test]
fn init_writes_the_inferred_classes() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    write(
        p,
        "emails/orders/order-confirmation.liquid",
        "<html><body><h2>Order {{ order.name }} confirmed</h2><table><tr><td>Discount</td><td>-{{ order.total_discounts | money }}</td></tr></table>{% if transaction.kind == 'sale' %}<p>Paid</p>{% endif %}</body></html>\n",
    );
    write(
        p,
        "emails/orders/shipped.liquid",
        "<html><body><h2>Your order is on its way</h2><a href=\"{{ fulfillment.tracking_url }}\">Track</a></body></html>\n",
    );
    write(
        p,
        "emails/auth/password-reset.html",
        "<html><head><title>Reset your password</title></head><body><a href=\"{{ reset_url }}\">Reset</a></body></html>\n",
    );
    write(
        p,
        "emails/auth/LoginNotification/index.mjml",
        "<mjml><mj-body><mj-section><mj-column><mj-text>New sign-in from {{ device }}</mj-text></mj-column></mj-section></mj-body></mjml>\n",
    );
    write(
        p,
        "emails/newsletters/may.html",
        "<html><body><h1>May news</h1><p>New arrivals: shop now and get 20% off.</p></body></html>\n",
    );
    write(
        p,
        "emails/newsletters/june.html",
        "<html><body><h1>June news</h1><p>Our summer sale starts today.</p></body></html>\n",
    );
    write(
        p,
        "emails/welcome.html",
        "<html><body><h1>Welcome, {{ name }}!</h1><p>Glad you are here.</p></body></html>\n",
    );
    write(
        p,
        "emails/receipt.html",
        "<html><body><h1>Your receipt</h1><p>Use code SPRING for 10% off your next order.</p></body></html>\n",
    );
    let out = inboxlint(p).arg("init").output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "wrote .inboxlint.yaml\nclassified 8 templates (1 undecided): confirm the `classes:` globs\n"
    );
    let written = std::fs::read_to_string(p.join(".inboxlint.yaml")).unwrap();
    // The first line maps the file to the schema committed at this version's release tag.
    let first = written.lines().next().unwrap();
    let url = first.strip_prefix("# yaml-language-server: $schema=").expect(first);
    let tagged = format!("/v{}/", env!("CARGO_PKG_VERSION"));
    let (repo, committed) = url.split_once(&tagged).expect(url);
    assert_eq!(repo, "https://raw.githubusercontent.com/inboxlint/inboxlint");
    assert!(
        Path::new(env!("CARGO_MANIFEST_DIR")).join(committed).is_file(),
        "{committed}"
    );
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path(Path::new(env!("CARGO_MANIFEST_DIR")).join("snapshots"));
    // The release tag changes with every version; the snapshot is about the rest.
    let shown = written.replacen(&tagged, "/v[VERSION]/", 1);
    settings.bind(|| insta::assert_snapshot!("init_inferred_classes", shown));

    // The written file is a working config: every template now has its class from a glob.
    let out = inboxlint(p)
        .args(["check", "--format", "json", "emails"])
        .output()
        .unwrap();
    let v = json_of(&out);
    let class_of = |path: &str| {
        v["files"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["path"] == path)
            .map(|f| f["class"].clone())
            .unwrap()
    };
    assert_eq!(
        class_of("emails/orders/shipped.liquid"),
        serde_json::json!({"name": "transactional", "source": "config", "glob": "emails/orders/**"})
    );
    assert_eq!(class_of("emails/newsletters/june.html")["name"], "marketing");
    assert_eq!(class_of("emails/welcome.html")["source"], "inferred");

    // An existing config is not overwritten.
    let out = inboxlint(p).arg("init").output().unwrap();
    assert_eq!(out.status.code(), Some(2));
}
