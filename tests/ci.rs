//! The CI formats (sarif, github, junit, gitlab, markdown), the baseline, stdin and
//! `--force-exclude`, through the real binary.

use assert_cmd::Command;
use serde_json::Value;
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn fixtures() -> PathBuf {
    root().join("tests/fixtures")
}

fn inboxlint(dir: &Path) -> Command {
    let mut cmd = Command::cargo_bin("inboxlint").expect("binary builds");
    cmd.current_dir(dir).env_remove("INBOXLINT_FORMAT").env("NO_COLOR", "1");
    cmd
}

fn run(dir: &Path, args: &[&str]) -> (String, String, i32) {
    let out = inboxlint(dir).args(args).output().expect("runs");
    (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
        out.status.code().unwrap_or(-1),
    )
}

fn settings(name: &str) -> insta::Settings {
    let mut s = insta::Settings::clone_current();
    s.set_snapshot_path(root().join("snapshots"));
    s.set_prepend_module_to_snapshot(false);
    s.set_snapshot_suffix(name);
    s
}

/// The tool version is in SARIF; keep the snapshot valid across version bumps.
fn without_version(text: &str) -> String {
    text.replace(&format!("\"{}\"", env!("CARGO_PKG_VERSION")), "\"[version]\"")
}

#[test]
fn snapshots_of_every_ci_format() {
    // Same fixture set and command as `snapshots_of_every_human_and_machine_format` in cli.rs.
    for format in ["sarif", "github", "junit", "gitlab", "markdown"] {
        let (text, _, code) = run(&fixtures(), &["check", ".", "--format", format]);
        assert_eq!(code, 1, "fixtures have errors ({format})");
        settings(format).bind(|| insta::assert_snapshot!("cli_fixtures", without_version(&text)));
    }
}

#[test]
fn the_format_can_come_from_the_environment() {
    let out = inboxlint(&fixtures())
        .env("INBOXLINT_FORMAT", "github")
        .args(["check", "templates/pii-tracking.html"])
        .output()
        .expect("runs");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.starts_with("::error file=templates/pii-tracking.html,line=2,"),
        "{text}"
    );
}

/// The official schema, with one fix: the `language` patterns (of `run` and `toolComponent`) have a stray `]` that
/// ECMAScript's legacy syntax reads as a literal but the `jsonschema` crate's meta-schema check
/// rejects as an invalid regex. Escaping it keeps the meaning (a literal `]`).
fn sarif_validator() -> jsonschema::Validator {
    let text = std::fs::read_to_string(root().join("tests/schemas/sarif-schema-2.1.0.json")).expect("vendored schema");
    let stray = r#""^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}]?$""#;
    assert_eq!(text.matches(stray).count(), 2, "the schema changed: revisit this fix");
    let text = text.replace(stray, r#""^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}\\]?$""#);
    let schema: Value = serde_json::from_str(&text).expect("schema is JSON");
    jsonschema::options()
        .with_draft(jsonschema::Draft::Draft7)
        .should_validate_formats(false)
        .build(&schema)
        .expect("schema compiles")
}

fn assert_valid_sarif(text: &str) -> Value {
    let sarif: Value = serde_json::from_str(text).unwrap_or_else(|e| panic!("SARIF is JSON ({e}): {text}"));
    let validator = sarif_validator();
    let errors: Vec<String> = validator
        .iter_errors(&sarif)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "SARIF schema errors:\n{}", errors.join("\n"));
    sarif
}

#[test]
fn sarif_validates_against_the_official_schema_and_github_rules() {
    let tmp = tempfile::tempdir().expect("tempdir");
    std::fs::write(
        tmp.path().join("a.html"),
        concat!(
            "<p>Hi</p>\n",
            "<img src=\"http://cdn.example/x.png\" alt=\"\">\n",
            "<a href=\"#\">Unsubscribe</a>\n",
        ),
    )
    .expect("write");
    for dir in [fixtures(), tmp.path().to_path_buf()] {
        let (text, _, _) = run(&dir, &["check", ".", "--format", "sarif"]);
        let sarif = assert_valid_sarif(&text);
        let run = &sarif["runs"][0];
        let rules = run["tool"]["driver"]["rules"].as_array().expect("rules");
        let mut ids: Vec<&str> = rules.iter().filter_map(|r| r["id"].as_str()).collect();
        let n = ids.len();
        ids.dedup();
        assert_eq!(ids.len(), n, "rule ids are unique and sorted");
        assert!(ids.windows(2).all(|w| w[0] < w[1]));
        for rule in rules {
            for member in ["shortDescription", "fullDescription", "help", "defaultConfiguration"] {
                assert!(rule.get(member).is_some(), "{member} in {rule}");
            }
        }
        let results = run["results"].as_array().expect("results");
        assert!(!results.is_empty());
        for r in results {
            let uri = r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
                .as_str()
                .expect("uri");
            assert!(!uri.starts_with('/') && !uri.contains(".."), "{uri}");
            assert!(r["partialFingerprints"]["inboxlint/v1"].is_string(), "{r}");
            let i = r["ruleIndex"].as_u64().expect("ruleIndex") as usize;
            assert_eq!(rules[i]["id"], r["ruleId"]);
        }
    }
    // Baselined findings travel as `external` suppressions with their justification.
    let (_, _, code) = run(tmp.path(), &["check", ".", "--write-baseline", "baseline.json"]);
    assert_eq!(code, 0);
    std::fs::write(
        tmp.path().join("b.html"),
        "<a href=\"http://b.example\">Unsubscribe</a>\n",
    )
    .expect("write");
    let (text, _, _) = run(
        tmp.path(),
        &["check", ".", "--format", "sarif", "--baseline", "baseline.json"],
    );
    let sarif = assert_valid_sarif(&text);
    let results = sarif["runs"][0]["results"].as_array().expect("results");
    let uri = |r: &Value| r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"].clone();
    let (suppressed, open): (Vec<&Value>, Vec<&Value>) = results.iter().partition(|r| r.get("suppressions").is_some());
    assert_eq!(suppressed.len(), 4, "{text}");
    for r in &suppressed {
        assert_eq!(uri(r), "a.html");
        assert_eq!(r["suppressions"][0]["kind"], "external");
        assert_eq!(r["suppressions"][0]["justification"], "recorded in the baseline");
    }
    assert!(!open.is_empty() && open.iter().all(|r| uri(r) == "b.html"), "{text}");
}

#[test]
fn sarif_carries_inline_suppressions_with_their_reason() {
    let tmp = tempfile::tempdir().expect("tempdir");
    std::fs::write(
        tmp.path().join("a.html"),
        "<p>Hi</p>\n<!-- inboxlint-ignore security/insecure-link: legacy CDN -->\n<img src=\"http://cdn.example/x.png\" alt=\"\">\n",
    )
    .expect("write");
    let (text, _, _) = run(tmp.path(), &["check", "a.html", "--format", "sarif"]);
    let sarif = assert_valid_sarif(&text);
    let results = sarif["runs"][0]["results"].as_array().expect("results");
    let link: Vec<&Value> = results
        .iter()
        .filter(|r| r["ruleId"] == "security/insecure-link")
        .collect();
    assert_eq!(link.len(), 1, "{text}");
    assert_eq!(link[0]["suppressions"][0]["kind"], "inSource");
    assert_eq!(link[0]["suppressions"][0]["justification"], "legacy CDN");
}

#[test]
fn the_schema_check_is_not_a_rubber_stamp() {
    let (text, _, _) = run(&fixtures(), &["check", ".", "--format", "sarif"]);
    let mut sarif: Value = serde_json::from_str(&text).expect("json");
    sarif["runs"][0]["results"][0]["level"] = Value::from("fatal");
    sarif["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]["startLine"] = Value::from(0);
    let validator = sarif_validator();
    assert_eq!(validator.iter_errors(&sarif).count(), 2);
}

#[test]
fn fingerprints_survive_moved_lines() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let file = tmp.path().join("a.html");
    let fingerprints = |dir: &Path| -> Vec<String> {
        let (text, _, _) = run(dir, &["check", "a.html", "--format", "sarif"]);
        let v: Value = serde_json::from_str(&text).expect("json");
        let mut f: Vec<String> = v["runs"][0]["results"]
            .as_array()
            .expect("results")
            .iter()
            .map(|r| {
                r["partialFingerprints"]["inboxlint/v1"]
                    .as_str()
                    .unwrap_or_default()
                    .to_string()
            })
            .collect();
        f.sort();
        f
    };
    std::fs::write(
        &file,
        "<p>x</p>\n<a href=\"http://a.example\">a</a>\n<a href=\"#\">Unsubscribe</a>\n",
    )
    .expect("w");
    let before = fingerprints(tmp.path());
    std::fs::write(
        &file,
        "\n\n<a href=\"#\">Unsubscribe</a>\n<p>x</p>\n\n  <a href=\"http://a.example\">a</a>\n",
    )
    .expect("w");
    assert_eq!(fingerprints(tmp.path()), before);
    assert!(before.len() >= 2, "{before:?}");
}

const TEMPLATE: &str = "<html><body>
<p>Hello {{ first_name }}</p>
<a href=\"http://acme.example/a\">A</a>
<a href=\"http://acme.example/b\">B</a>
<img src=\"https://pixel.acme.example/o.gif?u={{ email }}\" alt=\"\">
<p>Acme Inc. · PO Box 1234, Springfield, IL 62701 · <a href=\"{{ unsubscribe_url }}\">Unsubscribe</a></p>
</body></html>
";

fn json_findings(dir: &Path, args: &[&str]) -> (Vec<(String, u64)>, i32) {
    let (text, _, code) = run(dir, &[&["check", "--format", "json"], args].concat());
    let v: Value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{e}: {text}"));
    let open = v["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .filter(|d| d["suppressed"].is_null())
        .map(|d| {
            (
                d["rule"].as_str().unwrap_or_default().to_string(),
                d["span"]["start"]["line"].as_u64().unwrap_or_default(),
            )
        })
        .collect();
    (open, code)
}

#[test]
fn baseline_reports_only_the_new_finding_after_lines_move() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let dir = tmp.path();
    std::fs::create_dir_all(dir.join("emails")).expect("mkdir");
    std::fs::write(dir.join("emails/a.html"), TEMPLATE).expect("write");
    let (before, _) = json_findings(dir, &["emails"]);
    assert!(before.len() >= 3, "the fixture has findings: {before:?}");

    let (out, err, code) = run(
        dir,
        &[
            "check",
            "emails",
            "--write-baseline",
            "baseline.json",
            "--format",
            "concise",
        ],
    );
    assert_eq!(code, 0, "everything is baselined: {out}{err}");
    assert!(err.contains("wrote baseline baseline.json"), "{err}");
    assert!(out.contains(&format!("{} baselined", before.len())), "{out}");
    let written = std::fs::read_to_string(dir.join("baseline.json")).expect("baseline written");
    assert!(written.contains("\"emails/a.html\""), "{written}");
    assert!(written.contains("\"security/insecure-link\": 2"), "{written}");

    // Move lines around, and add one more insecure link.
    let moved = TEMPLATE
        .replace("<p>Hello {{ first_name }}</p>\n", "")
        .replace(
            "</body>",
            "<p>Hello {{ first_name }}</p>\n\n\n<a href=\"http://acme.example/c\">C</a>\n</body>",
        )
        .replace(
            "<a href=\"http://acme.example/a\">A</a>\n<a href=\"http://acme.example/b\">B</a>\n",
            "<a href=\"http://acme.example/b\">B</a>\n\n<a href=\"http://acme.example/a\">A</a>\n",
        );
    std::fs::write(dir.join("emails/a.html"), &moved).expect("write");
    let (open, code) = json_findings(dir, &["emails", "--baseline", "baseline.json"]);
    assert_eq!(open.len(), 1, "exactly the new finding: {open:?}");
    assert_eq!(open[0].0, "security/insecure-link");
    assert_eq!(code, 0, "a new warning does not fail the run by itself");
    let (out, _, code) = run(
        dir,
        &[
            "check",
            "emails",
            "--baseline",
            "baseline.json",
            "--format",
            "concise",
            "--max-warnings",
            "0",
        ],
    );
    assert_eq!(code, 1, "one new warning is over --max-warnings 0: {out}");
    assert!(out.contains(&format!("{} baselined", before.len())), "{out}");
    let (_, _, code) = run(
        dir,
        &["check", "emails", "--baseline", "baseline.json", "--max-warnings", "1"],
    );
    assert_eq!(code, 0, "baselined warnings do not count toward --max-warnings");
    let (_, _, code) = run(dir, &["check", "emails", "--max-warnings", "0", "--exit-zero"]);
    assert_eq!(code, 0, "--exit-zero wins");

    // From another working directory, the paths in the baseline still resolve.
    let (open, _) = json_findings(&dir.join("emails"), &["a.html", "--baseline", "../baseline.json"]);
    assert_eq!(open.len(), 1, "{open:?}");

    // A fixed finding leaves the baseline with room to spare, never a false new finding.
    std::fs::write(
        dir.join("emails/a.html"),
        moved
            .replace("http://acme.example/c", "https://acme.example/c")
            .replace("http://acme.example/a", "https://acme.example/a"),
    )
    .expect("write");
    let (open, _) = json_findings(dir, &["emails", "--baseline", "baseline.json"]);
    assert!(open.is_empty(), "{open:?}");
}

#[test]
fn baseline_from_config_and_its_errors() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let dir = tmp.path();
    std::fs::write(dir.join("a.html"), TEMPLATE).expect("write");
    std::fs::write(dir.join(".inboxlint.yaml"), "baseline: .inboxlint-baseline.json\n").expect("write");
    let (_, err, code) = run(dir, &["check", "."]);
    assert_eq!(code, 2, "a configured baseline that does not exist is an error");
    assert!(
        err.contains(".inboxlint-baseline.json") && err.contains("--write-baseline"),
        "{err}"
    );

    let (_, _, code) = run(dir, &["check", ".", "--write-baseline", ".inboxlint-baseline.json"]);
    assert_eq!(code, 0);
    let first = std::fs::read(dir.join(".inboxlint-baseline.json")).expect("written");
    // Rewriting gives the same bytes (sorted, deterministic), even with the config baseline set.
    let (_, _, code) = run(dir, &["check", ".", "--write-baseline", ".inboxlint-baseline.json"]);
    assert_eq!(code, 0);
    assert_eq!(
        std::fs::read(dir.join(".inboxlint-baseline.json")).expect("written"),
        first
    );

    std::fs::write(dir.join("b.html"), "<a href=\"#\">Unsubscribe</a>").expect("write");
    let (open, code) = json_findings(dir, &["."]);
    assert_eq!(code, 1);
    assert!(open.iter().all(|(rule, _)| !rule.is_empty()));
    let (text, _, _) = run(dir, &["check", ".", "--format", "json"]);
    let v: Value = serde_json::from_str(&text).expect("json");
    let kinds: Vec<&str> = v["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .filter_map(|d| d["suppressed"]["kind"].as_str())
        .collect();
    assert!(!kinds.is_empty() && kinds.iter().all(|k| *k == "baseline"), "{kinds:?}");
    assert!(
        v["diagnostics"]
            .as_array()
            .expect("diagnostics")
            .iter()
            .filter(|d| d["suppressed"].is_null())
            .all(|d| d["path"] == "b.html"),
        "only the new file's findings are open: {text}"
    );

    std::fs::write(dir.join("bad.json"), "{\"version\": 7, \"files\": {}}").expect("write");
    let (_, err, code) = run(dir, &["check", ".", "--baseline", "bad.json"]);
    assert_eq!(code, 2);
    assert!(err.contains("version 7"), "{err}");
    let (_, err, code) = run(
        dir,
        &["check", ".", "--baseline", "x.json", "--write-baseline", "y.json"],
    );
    assert_eq!(code, 2, "{err}");
}

#[test]
fn stdin_with_every_format() {
    let input = "<p>Hi</p><a href=\"http://acme.example/x\">Unsubscribe</a>";
    let expect = [
        ("concise", "emails/x.html:1:19: warning[security/insecure-link]"),
        ("json", "\"path\": \"emails/x.html\""),
        ("github", "::warning file=emails/x.html,line=1,col=19,"),
        ("sarif", "\"uri\": \"emails/x.html\""),
        ("junit", "classname=\"emails/x.html\""),
        ("gitlab", "\"path\": \"emails/x.html\""),
        ("markdown", "| `emails/x.html` |"),
        ("pretty", "emails/x.html:1:19"),
    ];
    for (format, needle) in expect {
        let out = inboxlint(&fixtures())
            .args(["check", "-", "--stdin-filename", "emails/x.html", "--format", format])
            .write_stdin(input)
            .output()
            .expect("runs");
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(text.contains(needle), "{format}: {text}");
        if format == "sarif" {
            assert_valid_sarif(&text);
        }
    }
}

#[test]
fn stdin_follows_the_config_of_its_filename() {
    // templates/receipt-*.html is transactional in the fixtures' config: no marketing rules.
    let out = inboxlint(&fixtures())
        .args([
            "check",
            "-",
            "--stdin-filename",
            "templates/receipt-9.html",
            "--format",
            "concise",
            // Under CASL (`ca`) transactional mail has requirements of its own.
            "--profile",
            "us",
        ])
        .write_stdin("<p>Your receipt</p>")
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stdout));
    let out = inboxlint(&fixtures())
        .args([
            "check",
            "-",
            "--stdin-filename",
            "templates/promo.html",
            "--format",
            "concise",
        ])
        .write_stdin("<p>Sale</p>")
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stdout).contains("canspam/unsubscribe-missing"));
}

#[test]
fn force_exclude_applies_config_excludes_to_named_files() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let dir = tmp.path();
    std::fs::create_dir_all(dir.join("vendor")).expect("mkdir");
    std::fs::write(dir.join(".inboxlint.yaml"), "exclude: [\"vendor/**\"]\n").expect("write");
    std::fs::write(dir.join("vendor/x.html"), "<a href=\"#\">Unsubscribe</a>").expect("write");
    // A directory walk always skips it.
    let (_, _, code) = run(dir, &["check", "."]);
    assert_eq!(code, 0);
    // Named explicitly, it is linted, unless --force-exclude (what pre-commit passes).
    let (_, _, code) = run(dir, &["check", "vendor/x.html"]);
    assert_eq!(code, 1);
    let (out, _, code) = run(
        dir,
        &["check", "vendor/x.html", "--force-exclude", "--format", "concise"],
    );
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("(0 files checked)"), "{out}");
    // Also for standard input named into an excluded path.
    let out = inboxlint(dir)
        .args([
            "check",
            "-",
            "--stdin-filename",
            "vendor/y.html",
            "--force-exclude",
            "--format",
            "concise",
        ])
        .write_stdin("<a href=\"#\">Unsubscribe</a>")
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stdout));
}
