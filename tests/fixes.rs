//! `check --fix`, `--unsafe-fixes` and `--diff` through the real binary: each shipped fix on a
//! fixture project (tests/fix_fixtures/project), safe versus unsafe, idempotence, the diff,
//! overlapping fixes, standard input, and a write killed half way.

use assert_cmd::Command;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn inboxlint(dir: &Path) -> Command {
    let mut cmd = Command::cargo_bin("inboxlint").expect("binary builds");
    cmd.current_dir(dir)
        .env_remove("INBOXLINT_FORMAT")
        .env_remove("INBOXLINT_TEST_PAUSE_WRITE")
        .env("NO_COLOR", "1");
    cmd
}

/// A copy of the fixture project in a temp dir (the fixture itself is never written).
fn project() -> tempfile::TempDir {
    let tmp = tempfile::tempdir().expect("tempdir");
    let src = root().join("tests/fix_fixtures/project");
    for entry in std::fs::read_dir(&src).expect("fixture dir") {
        let entry = entry.expect("entry");
        std::fs::copy(entry.path(), tmp.path().join(entry.file_name())).expect("copy");
    }
    tmp
}

/// Every file of `dir` by name.
fn files(dir: &Path) -> BTreeMap<String, String> {
    std::fs::read_dir(dir)
        .expect("dir")
        .map(|e| e.expect("entry"))
        .filter(|e| e.path().is_file())
        .map(|e| {
            (
                e.file_name().to_string_lossy().into_owned(),
                std::fs::read_to_string(e.path()).expect("utf-8"),
            )
        })
        .collect()
}

fn run(dir: &Path, args: &[&str]) -> (i32, String, String) {
    let out = inboxlint(dir).arg("check").args(args).output().expect("runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn rules_left(dir: &Path) -> Vec<String> {
    let (_, out, _) = run(dir, &["--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&out).expect("json");
    v["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .map(|d| {
            format!(
                "{} {}",
                d["path"].as_str().unwrap_or(""),
                d["rule"].as_str().unwrap_or("")
            )
        })
        .collect()
}

#[test]
fn safe_fixes_only_by_default_then_unsafe_ones_and_a_second_run_changes_nothing() {
    let tmp = project();
    let dir = tmp.path();
    let before = files(dir);

    let (code, _, err) = run(dir, &["--fix", "--format", "concise"]);
    assert!(err.contains("Fixed 4 findings in 4 files."), "{err}");
    assert!(err.contains("6 more fixes are available with --unsafe-fixes."), "{err}");
    // What is left is reported: the insecure-transport errors.
    assert_eq!(code, 1);
    let after = files(dir);
    assert_eq!(
        after["footer.html"],
        before["footer.html"].replace(r##"<a href="#">Unsubscribe"##, r#"<a href="*|UNSUB|*">Unsubscribe"#),
        "the unsubscribe link gets Mailchimp's tag; the http links (unsafe) stay"
    );
    assert_eq!(
        after["campaign.yaml"],
        "subject: Spring sale\ntemplate: footer.html\nfrom: \"Acme <news@acme.example>\"\nheaders:\n  \
         List-Unsubscribe: \"<https://acme.example/u/abc>, <mailto:u@acme.example>\"\n  \
         List-Unsubscribe-Post: \"List-Unsubscribe=One-Click\"\n  X-Campaign: spring\n"
    );
    assert!(
        after["campaign.json"].contains(
            "\"List-Unsubscribe\": \"<https://acme.example/u/abc>\",\n    \"List-Unsubscribe-Post\": \"List-Unsubscribe=One-Click\"\n  }"
        ),
        "{}",
        after["campaign.json"]
    );
    assert!(
        after["campaign.toml"].ends_with(
            "List-Unsubscribe = \"<https://acme.example/u/abc>\"\nList-Unsubscribe-Post = \"List-Unsubscribe=One-Click\"\n"
        ),
        "{}",
        after["campaign.toml"]
    );
    assert_eq!(after["database.toml"], before["database.toml"]);
    assert_eq!(after["smtp.yml"], before["smtp.yml"]);

    let (code, _, err) = run(dir, &["--fix", "--unsafe-fixes", "--format", "concise"]);
    assert!(err.contains("Fixed 6 findings in 3 files."), "{err}");
    let after = files(dir);
    assert!(after["footer.html"].contains(r#"<a href="https://acme.example/sale">"#));
    assert!(after["footer.html"].contains(r#"<img src="https://cdn.acme.example/logo.png""#));
    assert_eq!(
        after["database.toml"],
        "[db]\nhost = \"db.internal.example\"\nssl_mode = \"require\"\nurl = \"postgres://app@db.internal.example/app?sslmode=require\"\n"
    );
    assert_eq!(
        after["smtp.yml"],
        "smtp:\n  host: smtp.acme.example\n  tls: true\n  secure: true\n"
    );
    assert_eq!(code, 0, "nothing is left: {err}");
    assert_eq!(
        rules_left(dir),
        Vec::<String>::new(),
        "the unsubscribe tag settles canspam/unsubscribe-missing too"
    );

    // Idempotent: nothing more to fix, nothing written, an empty diff.
    let (_, _, err) = run(dir, &["--fix", "--unsafe-fixes"]);
    assert!(err.contains("Fixed 0 findings in 0 files."), "{err}");
    assert_eq!(files(dir), after);
    let (code, out, _) = run(dir, &["--diff", "--unsafe-fixes"]);
    assert_eq!((code, out.as_str()), (0, ""));
}

#[test]
fn diff_shows_every_fix_and_writes_nothing() {
    let tmp = project();
    let dir = tmp.path();
    let before = files(dir);
    let (code, out, err) = run(dir, &["--diff", "--unsafe-fixes"]);
    assert_eq!(code, 1, "changes to show exit 1, as ruff's --diff: {err}");
    assert!(err.contains("Would fix 10 findings in 6 files."), "{err}");
    assert_eq!(files(dir), before, "--diff writes nothing");
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path(root().join("snapshots"));
    settings.set_prepend_module_to_snapshot(false);
    settings.bind(|| insta::assert_snapshot!("fix_diff", out));
    // Without --unsafe-fixes only the safe ones.
    let (_, safe, _) = run(dir, &["--diff"]);
    assert!(safe.contains("+  List-Unsubscribe-Post") && !safe.contains("https://acme.example/sale"));
}

#[test]
fn fixes_that_edit_the_same_text_are_not_applied() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let dir = tmp.path();
    std::fs::create_dir(dir.join("rules")).expect("mkdir");
    // A house rule whose fix rewrites the same URL as security/insecure-link's.
    std::fs::write(
        dir.join("rules/cdn.yaml"),
        r#"id: house/use-cdn
title: Images come from the CDN
severity: warning
kinds: [html]
forbid:
  link: { element: img, href: '^http://static\.acme\.example/' }
message: "`{href}` is not on the CDN"
help: "Use cdn.acme.example."
fix:
  description: "Use the CDN"
  applicability: unsafe
  rewrite: [{ find: '^http://static\.acme\.example/', replace: 'https://cdn.acme.example/' }]
examples:
  invalid: ['<img src="http://static.acme.example/a.png" alt="">']
  valid: ['<img src="https://cdn.acme.example/a.png" alt="">']
"#,
    )
    .expect("rule");
    std::fs::write(dir.join(".inboxlint.yaml"), "rule-dirs: [rules]\n").expect("config");
    let page =
        "<p><img src=\"http://static.acme.example/a.png\" alt=\"\"> <a href=\"http://acme.example/\">Shop</a></p>\n";
    std::fs::write(dir.join("page.html"), page).expect("page");
    let (_, _, err) = run(
        dir,
        &[
            "--fix",
            "--unsafe-fixes",
            "--select",
            "security,house",
            "--format",
            "concise",
        ],
    );
    assert!(err.contains("Fixed 1 finding in 1 file."), "{err}");
    assert!(err.contains("2 fixes were not applied"), "{err}");
    assert_eq!(
        std::fs::read_to_string(dir.join("page.html")).expect("page"),
        page.replace("http://acme.example/", "https://acme.example/"),
        "the link without a rival fix is fixed; the image, claimed by two fixes, is left alone"
    );
}

#[test]
fn standard_input_gets_the_fixed_text_back_and_the_findings_on_stderr() {
    let tmp = project();
    let dir = tmp.path();
    let html = std::fs::read_to_string(dir.join("footer.html")).expect("footer");
    let out = inboxlint(dir)
        .args([
            "check",
            "--fix",
            "--format",
            "concise",
            "--stdin-filename",
            "footer.html",
            "-",
        ])
        .write_stdin(html.clone())
        .output()
        .expect("runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(stdout, html.replace(r##"href="#""##, r#"href="*|UNSUB|*""#));
    assert!(
        stderr.contains("security/insecure-link") && stderr.contains("Fixed 1 finding"),
        "{stderr}"
    );
    assert_eq!(
        std::fs::read_to_string(dir.join("footer.html")).expect("footer"),
        html,
        "the file named by --stdin-filename is not written"
    );
    // Nothing to fix: the text comes back as it was.
    let out = inboxlint(dir)
        .args(["check", "--fix", "--quiet", "--stdin-filename", "smtp.yml", "-"])
        .write_stdin("smtp:\n  tls: true\n")
        .output()
        .expect("runs");
    assert_eq!(String::from_utf8_lossy(&out.stdout), "smtp:\n  tls: true\n");
}

#[test]
fn without_one_configured_esp_the_unsubscribe_link_gets_no_fix() {
    let tmp = project();
    let dir = tmp.path();
    std::fs::write(dir.join(".inboxlint.yaml"), "esp: [mailchimp, klaviyo]\n").expect("config");
    let (_, out, _) = run(dir, &["--diff", "--select", "template/unsubscribe-href-placeholder"]);
    assert_eq!(out, "");
    std::fs::remove_file(dir.join(".inboxlint.yaml")).expect("rm");
    let (_, out, _) = run(dir, &["--diff", "--select", "template/unsubscribe-href-placeholder"]);
    assert_eq!(out, "");
    std::fs::write(dir.join(".inboxlint.yaml"), "esp: [klaviyo]\n").expect("config");
    let (_, out, _) = run(dir, &["--diff", "--select", "template/unsubscribe-href-placeholder"]);
    assert!(
        out.contains(r#"+  <p><a href="{% unsubscribe_link %}">Unsubscribe</a></p>"#),
        "{out}"
    );
}

#[test]
fn json_and_sarif_carry_the_applicability() {
    let tmp = project();
    let (_, out, _) = run(tmp.path(), &["--format", "json", "footer.html"]);
    let v: serde_json::Value = serde_json::from_str(&out).expect("json");
    let fixes: Vec<(String, String)> = v["diagnostics"]
        .as_array()
        .expect("list")
        .iter()
        .filter(|d| !d["fix"].is_null())
        .map(|d| {
            (
                d["rule"].as_str().unwrap_or("").to_string(),
                d["fix"]["applicability"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect();
    assert_eq!(
        fixes,
        vec![
            ("security/insecure-link".to_string(), "unsafe".to_string()),
            ("security/insecure-link".to_string(), "unsafe".to_string()),
            ("template/unsubscribe-href-placeholder".to_string(), "safe".to_string()),
        ]
    );
    let (_, out, _) = run(tmp.path(), &["--format", "sarif", "footer.html"]);
    let v: serde_json::Value = serde_json::from_str(&out).expect("sarif");
    let results = v["runs"][0]["results"].as_array().expect("results");
    let unsub = results
        .iter()
        .find(|r| r["ruleId"] == "template/unsubscribe-href-placeholder")
        .expect("finding");
    assert_eq!(unsub["fixes"][0]["properties"]["applicability"], "safe");
    assert_eq!(
        unsub["fixes"][0]["artifactChanges"][0]["replacements"][0]["insertedContent"]["text"],
        "*|UNSUB|*"
    );
}

/// A `--fix` killed while it writes the file (the test hook stops the writer half way through
/// and waits to be killed) leaves the original file whole. A writer that wrote into the file
/// itself would leave it half written here, and one that bypassed the atomic writer would
/// never reach the hook (the wait below then fails).
#[test]
fn a_fix_killed_in_mid_write_leaves_the_original_intact() {
    let tmp = project();
    let dir = tmp.path();
    let target = dir.join("smtp.yml");
    let original = std::fs::read_to_string(&target).expect("smtp.yml");
    let marker = dir.join("paused");
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_inboxlint"))
        .current_dir(dir)
        .args(["check", "--fix", "--unsafe-fixes", "--quiet", "smtp.yml"])
        .env("INBOXLINT_TEST_PAUSE_WRITE", &marker)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("spawn");
    let start = Instant::now();
    while !marker.exists() {
        if start.elapsed() > Duration::from_secs(30) || child.try_wait().expect("wait").is_some() {
            let _ = child.kill();
            panic!("the fix never reached the atomic writer's pause");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    child.kill().expect("kill");
    child.wait().expect("reap");
    assert_eq!(std::fs::read_to_string(&target).expect("smtp.yml"), original);
    // The half-written text went to a temp file beside it, never to the file.
    let temps: Vec<String> = files(dir)
        .into_iter()
        .filter(|(name, _)| name.starts_with(".smtp.yml.") && name.ends_with(".tmp"))
        .map(|(_, text)| text)
        .collect();
    assert_eq!(temps.len(), 1, "one temp file, half written");
    let fixed = "smtp:\n  host: smtp.acme.example\n  tls: true\n  secure: true\n";
    assert_eq!(temps[0], fixed[..fixed.len() / 2]);
    // Without the hook the same run completes.
    let (_, _, err) = run(dir, &["--fix", "--unsafe-fixes", "--quiet", "smtp.yml"]);
    assert!(err.contains("Fixed 2 findings"), "{err}");
    assert_eq!(std::fs::read_to_string(&target).expect("smtp.yml"), fixed);
}
