//! The check cache on the real binary: a second run is served from `.inboxlint_cache/` with
//! byte-identical output in every format, and every input a file's findings depend on (its
//! partials, the config, rule files, a campaign's template) makes it miss. A corrupt cache is
//! a note, never a wrong result; concurrent runs leave a valid cache; `--no-cache` and
//! standard input write nothing. `--shard K/N` splits the files exactly.

use assert_cmd::Command;
use std::collections::BTreeSet;
use std::path::Path;

const FORMATS: &[&str] = &[
    "pretty", "concise", "json", "sarif", "github", "junit", "gitlab", "markdown",
];

fn inboxlint(dir: &Path) -> Command {
    let mut cmd = Command::cargo_bin("inboxlint").expect("binary builds");
    cmd.current_dir(dir)
        .env_remove("INBOXLINT_FORMAT")
        .env_remove("INBOXLINT_NO_CACHE")
        .env_remove("INBOXLINT_CACHE_DIR")
        .env("INBOXLINT_LOG", "1")
        .env("NO_COLOR", "1");
    cmd
}

struct Run {
    stdout: String,
    stderr: String,
}

impl Run {
    /// (hits, misses) from the `cache:` line.
    fn stats(&self) -> (usize, usize) {
        let line = self
            .stderr
            .lines()
            .find_map(|l| l.strip_prefix("inboxlint: cache: "))
            .unwrap_or_else(|| panic!("no cache line in: {}", self.stderr));
        let nums: Vec<usize> = line
            .split(|c: char| !c.is_ascii_digit())
            .filter_map(|n| n.parse().ok())
            .collect();
        (nums[0], nums[1])
    }
}

fn check(dir: &Path, args: &[&str]) -> Run {
    let out = inboxlint(dir).arg("check").args(args).output().expect("runs");
    let code = out.status.code();
    assert!(
        matches!(code, Some(0 | 1)),
        "exit {code:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    Run {
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

fn write(dir: &Path, rel: &str, text: &str) {
    let p = dir.join(rel);
    std::fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
    std::fs::write(p, text).expect("write");
}

/// A project with message-level findings labelled into a partial, an inline suppression, a
/// class marker, a fixable finding, a campaign config and a custom rule.
fn project() -> tempfile::TempDir {
    let tmp = tempfile::tempdir().expect("tempdir");
    let d = tmp.path();
    write(d, ".inboxlint.yaml", "profiles: [us]\nrule-dirs: [house-rules]\n");
    write(
        d,
        "house-rules/no-example.yaml",
        "id: acme/no-example-links\ntitle: Example links\nseverity: warning\nkinds: [html]\nforbid:\n  link: { href: 'example\\.org' }\nmessage: FIRST WORDING\nhelp: h\nexamples: { invalid: ['<a href=\"https://example.org\">x</a>'], valid: ['<p>x</p>'] }\n",
    );
    write(
        d,
        "emails/welcome.hbs",
        "<!-- inboxlint: marketing -->\n<html><body>\n<p>Hi {{ first_name }}</p>\n<a href=\"http://example.org/sale\">Sale</a>\n<!-- inboxlint-ignore security/insecure-link: vendor page without TLS -->\n<a href=\"http://vendor.example.com/\">Vendor</a>\n{{> footer}}\n</body></html>\n",
    );
    write(
        d,
        "emails/partials/footer.hbs",
        "<p>Acme Inc, 1 Main St, Springfield, IL 62701</p>\n",
    );
    write(
        d,
        "emails/campaign.yaml",
        "campaign:\n  template: welcome.hbs\n  merge_fields:\n    first_name: Ada\n    phone: \"+1 555 0100\"\n",
    );
    write(
        d,
        "emails/receipt.html",
        "<html><body><p>Your receipt for order 1234: total $10.00</p></body></html>\n",
    );
    tmp
}

fn cache_files(dir: &Path) -> Vec<std::path::PathBuf> {
    match std::fs::read_dir(dir.join(".inboxlint_cache")) {
        Ok(rd) => rd
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|e| e == "bin"))
            .collect(),
        Err(_) => Vec::new(),
    }
}

#[test]
fn second_run_is_served_from_the_cache_byte_identical_in_every_format() {
    let tmp = project();
    let d = tmp.path();
    for format in FORMATS {
        let fresh = check(d, &["--no-cache", "--format", format]);
        let first = check(d, &["--format", format]);
        let second = check(d, &["--format", format]);
        assert_eq!(fresh.stdout, first.stdout, "{format}: first cached run");
        assert_eq!(first.stdout, second.stdout, "{format}: run served from the cache");
        let (hits, misses) = second.stats();
        assert_eq!((hits, misses), (6, 0), "{format}: {}", second.stderr);
    }
    let json = check(d, &["--format", "json"]).stdout;
    for expected in [
        "acme/no-example-links",
        "\"inline\"",
        "searched: this file is part of the message",
        "privacy/unused-pii-merge-field",
    ] {
        assert!(json.contains(expected), "the project exercises {expected}: {json}");
    }
    let dir = d.join(".inboxlint_cache");
    assert_eq!(
        std::fs::read_to_string(dir.join(".gitignore"))
            .expect("gitignore")
            .lines()
            .last(),
        Some("*")
    );
    assert!(
        std::fs::read_to_string(dir.join("CACHEDIR.TAG"))
            .expect("tag")
            .starts_with("Signature: 8a477f597d28d172789f06886806bc55")
    );
}

#[test]
fn editing_only_a_partial_changes_the_entrys_findings() {
    let tmp = project();
    let d = tmp.path();
    let before = check(d, &["--format", "json"]);
    assert!(
        before.stdout.contains("canspam/unsubscribe-missing"),
        "{}",
        before.stdout
    );
    write(
        d,
        "emails/partials/footer.hbs",
        "<p>Acme Inc, 1 Main St, Springfield, IL 62701</p>\n<a href=\"{{unsubscribe_url}}\">Unsubscribe</a>\n",
    );
    let after = check(d, &["--format", "json"]);
    assert!(
        !after.stdout.contains("canspam/unsubscribe-missing"),
        "{}",
        after.stdout
    );
    assert_eq!(after.stdout, check(d, &["--no-cache", "--format", "json"]).stdout);
    // The partial and the entry that includes it; the receipt, the campaign and the config files
    // stay cached.
    assert_eq!(after.stats(), (4, 2), "{}", after.stderr);
}

#[test]
fn a_file_that_becomes_a_partial_is_linted_again() {
    let tmp = project();
    let d = tmp.path();
    write(d, "emails/card.hbs", "<p>Card</p>\n");
    let alone = check(d, &["--format", "json"]);
    assert!(alone.stdout.contains("emails/card.hbs\""), "{}", alone.stdout);
    write(d, "emails/promo.hbs", "<!-- inboxlint: transactional -->\n{{> card}}\n");
    let included = check(d, &["--format", "json"]);
    assert_eq!(included.stdout, check(d, &["--no-cache", "--format", "json"]).stdout);
    assert_ne!(alone.stdout, included.stdout);
}

#[test]
fn config_and_rule_file_changes_miss() {
    let tmp = project();
    let d = tmp.path();
    let first = check(d, &["--format", "json"]);
    assert!(first.stdout.contains("FIRST WORDING"));
    let rule = std::fs::read_to_string(d.join("house-rules/no-example.yaml")).expect("read");
    write(
        d,
        "house-rules/no-example.yaml",
        &rule.replace("FIRST WORDING", "SECOND WORDING"),
    );
    let reworded = check(d, &["--format", "json"]);
    assert!(reworded.stdout.contains("SECOND WORDING"), "{}", reworded.stdout);
    assert_eq!(reworded.stats().0, 0, "{}", reworded.stderr);
    write(
        d,
        ".inboxlint.yaml",
        "profiles: [us]\nrule-dirs: [house-rules]\nrules:\n  acme/no-example-links: off\n",
    );
    let off = check(d, &["--format", "json"]);
    assert!(!off.stdout.contains("acme/no-example-links"), "{}", off.stdout);
    assert_eq!(off.stats().0, 0, "{}", off.stderr);
    assert_eq!(off.stdout, check(d, &["--no-cache", "--format", "json"]).stdout);
    // Options that change findings are part of the key too.
    let selected = check(d, &["--format", "json", "--select", "security"]);
    assert_eq!(selected.stats().0, 0, "{}", selected.stderr);
    assert_eq!(
        selected.stdout,
        check(d, &["--no-cache", "--format", "json", "--select", "security"]).stdout
    );
}

#[test]
fn a_campaign_is_linted_again_when_its_template_changes() {
    let tmp = project();
    let d = tmp.path();
    let before = check(d, &["--format", "json"]);
    assert!(before.stdout.contains("`phone`"), "{}", before.stdout);
    let welcome = std::fs::read_to_string(d.join("emails/welcome.hbs")).expect("read");
    write(
        d,
        "emails/welcome.hbs",
        &welcome.replace("{{ first_name }}", "{{ first_name }} ({{ phone }})"),
    );
    let after = check(d, &["--format", "json"]);
    assert_eq!(after.stdout, check(d, &["--no-cache", "--format", "json"]).stdout);
    assert!(!after.stdout.contains("unused-pii-merge-field"), "{}", after.stdout);
}

#[test]
fn a_corrupt_cache_is_ignored_with_a_note_and_rebuilt() {
    let tmp = project();
    let d = tmp.path();
    let expected = check(d, &["--no-cache", "--format", "json"]).stdout;
    check(d, &["--format", "json"]);
    let files = cache_files(d);
    assert_eq!(files.len(), 1, "{files:?}");
    let good = std::fs::read(&files[0]).expect("read");
    for bad in [b"\x00garbage\xff".to_vec(), good[..good.len() / 2].to_vec(), {
        let mut flipped = good.clone();
        let mid = flipped.len() / 2;
        flipped[mid] ^= 0x55;
        flipped
    }] {
        std::fs::write(&files[0], &bad).expect("write");
        let run = check(d, &["--format", "json"]);
        assert_eq!(run.stdout, expected);
        assert!(run.stderr.contains("ignoring the cache file"), "{}", run.stderr);
        assert_eq!(run.stats(), (0, 6));
        let again = check(d, &["--format", "json"]);
        assert_eq!(again.stdout, expected);
        assert_eq!(again.stats(), (6, 0), "rebuilt: {}", again.stderr);
    }
}

#[test]
fn two_concurrent_runs_are_both_right_and_leave_a_valid_cache() {
    let tmp = project();
    let d = tmp.path();
    for i in 0..20 {
        write(
            d,
            &format!("emails/extra/t{i}.html"),
            &format!("<p>Offer {i} <a href=\"http://example.net/{i}\">x</a></p>\n"),
        );
    }
    let expected = check(d, &["--no-cache", "--format", "json"]).stdout;
    let spawn = || {
        std::process::Command::new(assert_cmd::cargo::cargo_bin("inboxlint"))
            .current_dir(d)
            .args(["check", "--format", "json"])
            .env_remove("INBOXLINT_NO_CACHE")
            .env("INBOXLINT_LOG", "1")
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("spawns")
    };
    let (a, b) = (spawn(), spawn());
    for child in [a, b] {
        let out = child.wait_with_output().expect("waits");
        assert_eq!(String::from_utf8_lossy(&out.stdout), expected);
        assert!(
            !String::from_utf8_lossy(&out.stderr).contains("ignoring"),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let after = check(d, &["--format", "json"]);
    assert_eq!(after.stdout, expected);
    assert_eq!(after.stats(), (26, 0), "{}", after.stderr);
    assert!(!after.stderr.contains("ignoring"));
}

#[test]
fn no_cache_and_standard_input_write_nothing() {
    let tmp = project();
    let d = tmp.path();
    check(d, &["--no-cache"]);
    assert!(!d.join(".inboxlint_cache").exists());
    inboxlint(d)
        .args(["check"])
        .env("INBOXLINT_NO_CACHE", "1")
        .output()
        .expect("runs");
    assert!(!d.join(".inboxlint_cache").exists(), "INBOXLINT_NO_CACHE=1");
    let out = inboxlint(d)
        .args(["check", "-", "--stdin-filename", "emails/welcome.hbs"])
        .write_stdin("<p>hi</p>")
        .output()
        .expect("runs");
    assert!(out.status.code().is_some());
    assert!(!d.join(".inboxlint_cache").exists(), "stdin");
}

#[test]
fn cache_dir_puts_the_cache_elsewhere() {
    let tmp = project();
    let d = tmp.path();
    let elsewhere = tempfile::tempdir().expect("tempdir");
    let dir = elsewhere.path().join("c");
    let dir_arg = dir.to_string_lossy().into_owned();
    check(d, &["--cache-dir", &dir_arg]);
    let second = check(d, &["--cache-dir", &dir_arg]);
    assert_eq!(second.stats(), (6, 0));
    assert!(!d.join(".inboxlint_cache").exists());
    assert!(dir.join("CACHEDIR.TAG").is_file());
}

fn diagnostics(json: &str) -> Vec<String> {
    let v: serde_json::Value = serde_json::from_str(json).expect("json");
    v["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .map(|d| d.to_string())
        .collect()
}

#[test]
fn shards_are_disjoint_and_together_are_the_whole_run() {
    let tmp = project();
    let d = tmp.path();
    for i in 0..12 {
        write(
            d,
            &format!("emails/extra/t{i}.html"),
            &format!("<p>Offer {i} <a href=\"http://example.net/{i}\">x</a></p>\n"),
        );
    }
    let whole = diagnostics(&check(d, &["--no-cache", "--format", "json"]).stdout);
    let mut union: Vec<String> = Vec::new();
    let mut files_seen: Vec<BTreeSet<String>> = Vec::new();
    for k in 1..=3 {
        let shard = format!("{k}/3");
        let part = diagnostics(&check(d, &["--no-cache", "--format", "json", "--shard", &shard]).stdout);
        let files: BTreeSet<String> = part
            .iter()
            .map(|s| serde_json::from_str::<serde_json::Value>(s).expect("json")["path"].to_string())
            .collect();
        for earlier in &files_seen {
            assert!(earlier.is_disjoint(&files), "shard {shard} repeats a file");
        }
        files_seen.push(files);
        union.extend(part);
    }
    let mut whole_sorted = whole.clone();
    whole_sorted.sort();
    union.sort();
    assert_eq!(union, whole_sorted);
    // The entry's message-level findings still see the partial from another shard.
    assert!(
        union
            .iter()
            .any(|s| s.contains("searched: this file is part of the message"))
    );
}

#[test]
fn a_bad_shard_is_a_usage_error() {
    let tmp = project();
    let out = inboxlint(tmp.path())
        .args(["check", "--shard", "4/3"])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("K/N"));
}
