//! Hostile inputs through the real binary: none may panic or hang the run. Each yields a located
//! finding or a clear note, and the well-formed file next to it is still linted and counted.

use assert_cmd::Command;
use serde_json::Value;
use std::path::Path;
use std::time::Duration;

/// A template with findings of its own: proof the run went on past the hostile file.
const GOOD: &str = "<html><body><p>Spring sale</p><a href=\"http://shop.example.com\">Shop</a></body></html>\n";

fn inboxlint(dir: &Path) -> Command {
    let mut cmd = Command::cargo_bin("inboxlint").expect("binary builds");
    cmd.current_dir(dir)
        .env_remove("INBOXLINT_FORMAT")
        .env_remove("INBOXLINT_TEST_PANIC_FILE")
        .env("NO_COLOR", "1")
        // A hang is a failure, not a stuck CI job.
        .timeout(Duration::from_secs(120));
    cmd
}

struct Run {
    json: Value,
    code: i32,
    stderr: String,
}

impl Run {
    fn rules_for(&self, path: &str) -> Vec<String> {
        self.diagnostics()
            .filter(|d| d["path"] == path)
            .filter_map(|d| d["rule"].as_str().map(String::from))
            .collect()
    }

    fn diagnostics(&self) -> impl Iterator<Item = &Value> {
        self.json["diagnostics"].as_array().into_iter().flatten()
    }

    fn files(&self) -> u64 {
        self.json["summary"]["files"].as_u64().unwrap_or(0)
    }

    fn first(&self, path: &str, rule: &str) -> &Value {
        self.diagnostics()
            .find(|d| d["path"] == path && d["rule"] == rule)
            .unwrap_or_else(|| panic!("no {rule} on {path}: {}", self.json))
    }
}

fn check(dir: &Path, args: &[&str]) -> Run {
    let out = inboxlint(dir)
        .args(["check", "--format", "json"])
        .args(args)
        .output()
        .expect("runs");
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(!stderr.contains("panicked"), "a panic escaped: {stderr}");
    let json = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("json output ({e}): {}\n{stderr}", String::from_utf8_lossy(&out.stdout)));
    Run {
        json,
        code: out.status.code().unwrap_or(-1),
        stderr,
    }
}

/// A directory with `good.html` and whatever hostile files `setup` writes.
fn dir_with(setup: impl FnOnce(&Path)) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("good.html"), GOOD).expect("write");
    setup(dir.path());
    dir
}

fn assert_good_linted(run: &Run) {
    assert!(
        !run.rules_for("good.html").is_empty(),
        "good.html was not linted: {}",
        run.json
    );
    assert!(run.code == 0 || run.code == 1, "exit {} ({})", run.code, run.stderr);
}

fn offset(d: &Value) -> u64 {
    d["span"]["offset"].as_u64().unwrap_or(u64::MAX)
}

#[test]
fn binary_files_are_skipped_when_walked_and_reported_when_named() {
    let dir = dir_with(|d| {
        let mut bytes: Vec<u8> = (0..=255u8).cycle().take(40_000).collect();
        bytes[10] = 0;
        std::fs::write(d.join("logo.html"), &bytes).expect("write");
    });
    let walked = check(dir.path(), &[]);
    assert_good_linted(&walked);
    assert!(walked.rules_for("logo.html").is_empty());
    assert_eq!(walked.files(), 1, "a skipped binary file is not a checked file");

    let named = check(dir.path(), &["logo.html", "good.html"]);
    assert_good_linted(&named);
    let d = named.first("logo.html", "input/binary");
    assert_eq!(offset(d), 0, "the first NUL is at byte 0 of the cycle");
    assert_eq!(named.files(), 2);
}

#[test]
fn nul_bytes_late_in_a_file_are_text() {
    let dir = dir_with(|d| {
        let mut text = "<html><body>".to_string();
        text.push_str(&"<p>filler</p>\n".repeat(1000));
        text.push_str("<p>a\0b</p><a href=\"http://x.example.com\">x</a></body></html>");
        std::fs::write(d.join("late-nul.html"), text).expect("write");
    });
    let run = check(dir.path(), &[]);
    assert_good_linted(&run);
    assert!(
        !run.rules_for("late-nul.html").is_empty(),
        "linted as text past the 8 KiB sniff"
    );
    assert_eq!(run.files(), 2);
}

#[test]
fn invalid_utf8_is_located() {
    let dir = dir_with(|d| {
        std::fs::write(d.join("latin1.html"), b"<p>caf\xe9</p>").expect("write");
    });
    let run = check(dir.path(), &[]);
    assert_good_linted(&run);
    let d = run.first("latin1.html", "input/not-utf8");
    assert_eq!(offset(d), 6);
    assert_eq!(d["span"]["start"]["column"], 7);
    assert_eq!(run.files(), 2);
}

#[test]
fn empty_files_of_every_kind_are_checked() {
    let names = [
        "empty.html",
        "empty.mjml",
        "empty.yaml",
        "empty.json",
        "empty.toml",
        "empty.sql",
        ".env",
    ];
    let dir = dir_with(|d| {
        for n in names {
            std::fs::write(d.join(n), "").expect("write");
        }
    });
    let run = check(dir.path(), &[]);
    assert_good_linted(&run);
    assert_eq!(run.files(), names.len() as u64 + 1);
    for d in run.diagnostics().filter(|d| d["path"] != "good.html") {
        assert_eq!(offset(d), 0, "a finding in an empty file sits at 0: {d}");
    }
}

#[test]
fn a_20_mib_single_line_file_is_refused_by_default_and_linted_when_allowed() {
    let dir = dir_with(|d| {
        let mut line = String::from("<html><body><p>");
        line.push_str(&"{{ first_name }} Sale &amp; <b>more</b> ".repeat(20 * 1024 * 1024 / 40));
        line.push_str("</p></body></html>");
        assert!(line.len() > 20 * 1024 * 1024);
        std::fs::write(d.join("huge.html"), line).expect("write");
        std::fs::write(d.join("big.yaml"), "max-file-size: 33554432\n").expect("write");
    });
    let run = check(dir.path(), &[]);
    assert_good_linted(&run);
    run.first("huge.html", "input/too-large");

    let allowed = check(dir.path(), &["--config", "big.yaml"]);
    assert_good_linted(&allowed);
    let rules = allowed.rules_for("huge.html");
    assert!(rules.iter().any(|r| r == "canspam/unsubscribe-missing"), "{rules:?}");
    assert!(!rules.iter().any(|r| r.starts_with("input/")), "{rules:?}");
}

#[test]
fn deep_nesting_in_markup_and_data() {
    const DEPTH: usize = 200_000;
    let dir = dir_with(|d| {
        std::fs::write(d.join("deep.html"), "<div>".repeat(DEPTH)).expect("write");
        std::fs::write(
            d.join("closed.html"),
            format!(
                "{}x{}",
                "<table><tr><td>".repeat(DEPTH / 10),
                "</td></tr></table>".repeat(DEPTH / 10)
            ),
        )
        .expect("write");
        std::fs::write(d.join("deep.json"), "[".repeat(DEPTH)).expect("write");
        std::fs::write(d.join("deep-object.json"), "{\"a\":".repeat(DEPTH)).expect("write");
        std::fs::write(d.join("deep.yaml"), "[".repeat(DEPTH)).expect("write");
        std::fs::write(d.join("deep-block.yaml"), {
            let mut s = String::new();
            for i in 0..2_000 {
                s.push_str(&" ".repeat(i));
                s.push_str("k:\n");
            }
            s
        })
        .expect("write");
        std::fs::write(d.join("deep.toml"), format!("a = {}", "[".repeat(DEPTH))).expect("write");
    });
    let run = check(dir.path(), &[]);
    assert_good_linted(&run);
    assert_eq!(run.files(), 8);
    for (file, rule) in [
        ("deep.json", "syntax/json"),
        ("deep-object.json", "syntax/json"),
        ("deep.yaml", "syntax/yaml"),
        ("deep.toml", "syntax/toml"),
    ] {
        let d = run.first(file, rule);
        assert!(offset(d) > 0, "located past the start: {d}");
    }
    assert!(!run.rules_for("deep.html").is_empty(), "deep markup is still linted");
}

#[test]
fn unclosed_tags_comments_and_merge_tags() {
    let cases = [
        (
            "tag.html",
            "<html><body><a href=\"https://x.example.com/u\">Unsubscribe",
        ),
        (
            "comment.html",
            "<html><body><p>Hi</p><!-- <a href=\"https://x.example.com/u\">Unsubscribe</a>",
        ),
        ("curly.html", "<p>Hi {{ first_name </p>{{ unsubscribe_url"),
        ("liquid.html", "<p>{% if vip %}VIP{% for x in y %}"),
        ("mailchimp.html", "<a href=\"*|UNSUB\">x</a> *|FNAME"),
        ("attr.html", "<td {% if vip %}class=\"vip\"><a href=\"{{"),
        ("cdata.html", "<svg><![CDATA[ <a href=\"http://x\">"),
        ("script.html", "<script>var a = \"<!--\";"),
        ("mixed.mjml", "<mjml><mj-body><mj-button href=\"{{ unsub"),
    ];
    let dir = dir_with(|d| {
        for (name, text) in cases {
            std::fs::write(d.join(name), text).expect("write");
        }
        // Many unclosed openers in one file: scanning must stay linear, not quadratic.
        std::fs::write(d.join("openers.html"), "{{ {% *| %% [% <% ".repeat(200_000)).expect("write");
    });
    let run = check(dir.path(), &[]);
    assert_good_linted(&run);
    assert_eq!(run.files(), cases.len() as u64 + 2);
    for (name, text) in cases {
        for d in run.diagnostics().filter(|d| d["path"] == name) {
            assert!(offset(d) as usize <= text.len(), "{name}: span past the end: {d}");
        }
    }
}

#[test]
fn yaml_alias_bomb_is_bounded() {
    let mut bomb = String::from("a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n");
    let names: Vec<char> = ('b'..='j').collect();
    let mut prev = 'a';
    for n in &names {
        bomb.push_str(&format!("{n}: &{n} [{}]\n", vec![format!("*{prev}"); 9].join(",")));
        prev = *n;
    }
    bomb.push_str(&format!("smtp:\n  tls: false\n  payload: *{prev}\n"));
    let dir = dir_with(|d| {
        std::fs::write(d.join("bomb.yaml"), &bomb).expect("write");
        // The same text as a rule file, loaded through `rule-dirs`.
        std::fs::create_dir(d.join("rules")).expect("mkdir");
        std::fs::write(d.join("rules").join("bomb.yaml"), &bomb).expect("write");
    });
    let run = check(dir.path(), &["bomb.yaml", "good.html"]);
    assert_good_linted(&run);
    assert_eq!(run.files(), 2);

    // As a rule file: a located load error (exit 2), not an expansion that never ends.
    std::fs::write(dir.path().join("rules.yaml"), "rule-dirs: [rules]\n").expect("write");
    let out = inboxlint(dir.path())
        .args(["check", "--config", "rules.yaml", "good.html"])
        .output()
        .expect("runs");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("bomb.yaml"), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
}

#[test]
fn malformed_configs_and_schemas_are_located() {
    let cases = [
        ("bad.yaml", "a: [1, 2\n b: : :\n\t- x", "syntax/yaml"),
        ("bad.json", "{\"a\": [1, 2,, }", "syntax/json"),
        ("bad.toml", "[a\nb = = 1\n\"unterminated", "syntax/toml"),
        ("bad.sql", "CREATE TABLE users (email VARCHAR(", "syntax/sql"),
    ];
    let dir = dir_with(|d| {
        for (name, text, _) in cases {
            std::fs::write(d.join(name), text).expect("write");
        }
        std::fs::write(d.join("odd.ini"), "[section\nkey\n=value\n\u{feff}x=1").expect("write");
        std::fs::write(d.join(".env.production"), "export =\n'unterminated\nA=\"b\nB=${C").expect("write");
    });
    let run = check(dir.path(), &[]);
    assert_good_linted(&run);
    assert_eq!(run.files(), cases.len() as u64 + 3);
    for (name, text, rule) in cases {
        let d = run.first(name, rule);
        assert!(offset(d) as usize <= text.len(), "{name}: {d}");
        assert!(d["span"]["start"]["line"].as_u64().is_some_and(|l| l >= 1));
    }
}

#[cfg(unix)]
#[test]
fn symlink_loops_and_dangling_links() {
    use std::os::unix::fs::symlink;
    let dir = dir_with(|d| {
        symlink("loop-b.html", d.join("loop-a.html")).expect("symlink");
        symlink("loop-a.html", d.join("loop-b.html")).expect("symlink");
        symlink("/nonexistent/inboxlint/target.html", d.join("dangling.html")).expect("symlink");
        std::fs::create_dir(d.join("sub")).expect("mkdir");
        symlink("..", d.join("sub").join("up")).expect("symlink");
    });
    // Walking: links are not followed, so neither loops nor dangling links stop the run.
    let walked = check(dir.path(), &[]);
    assert_good_linted(&walked);
    assert_eq!(walked.files(), 1);

    // Named: each is a located note on that path, and the run goes on.
    let named = check(dir.path(), &["loop-a.html", "dangling.html", "good.html"]);
    assert_good_linted(&named);
    assert!(
        named.first("loop-a.html", "input/unreadable")["message"]
            .as_str()
            .is_some_and(|m| m.contains("symbolic links"))
    );
    named.first("dangling.html", "input/unreadable");
    assert_eq!(named.files(), 3);
}

#[cfg(unix)]
#[test]
fn unreadable_paths_fifos_and_directories_named_like_files() {
    use std::os::unix::fs::PermissionsExt;
    let dir = dir_with(|d| {
        let fifo = d.join("pipe.html");
        let made = std::process::Command::new("mkfifo").arg(&fifo).status();
        assert!(made.is_ok_and(|s| s.success()), "mkfifo");
        std::fs::create_dir(d.join("folder.html")).expect("mkdir");
        std::fs::write(d.join("locked.html"), GOOD).expect("write");
        std::fs::set_permissions(d.join("locked.html"), std::fs::Permissions::from_mode(0o000)).expect("chmod");
    });
    // Walked: a FIFO is skipped (reading it would block), a directory is walked.
    let walked = check(dir.path(), &[]);
    assert_good_linted(&walked);
    assert!(walked.rules_for("pipe.html").is_empty());

    let named = check(dir.path(), &["pipe.html", "folder.html", "locked.html", "good.html"]);
    assert_good_linted(&named);
    assert!(
        named.first("pipe.html", "input/unreadable")["message"]
            .as_str()
            .is_some_and(|m| m.contains("not a regular file"))
    );
    // chmod 000 does not stop root, who reads every file: then it is linted like good.html.
    // The unreadable case is still covered above by the FIFO and the dangling link test.
    let running_as_root = std::fs::read(dir.path().join("locked.html")).is_ok();
    if running_as_root {
        eprintln!("note: running as root, chmod 000 cannot make a file unreadable; checked it is linted instead");
        assert!(!named.rules_for("locked.html").is_empty());
    } else {
        named.first("locked.html", "input/unreadable");
    }
}

#[test]
fn a_panic_in_one_file_is_a_finding_and_exit_2() {
    let dir = dir_with(|d| {
        std::fs::write(d.join("boom.html"), GOOD).expect("write");
        std::fs::write(d.join("zzz.html"), GOOD).expect("write");
    });
    let out = inboxlint(dir.path())
        .env("INBOXLINT_TEST_PANIC_FILE", "boom.html")
        .args(["check", "--format", "json", "--exit-zero"])
        .output()
        .expect("runs");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("panicked"), "the default hook printed: {stderr}");
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    let json: Value = serde_json::from_slice(&out.stdout).expect("json");
    let run = Run {
        json,
        code: 1,
        stderr: stderr.into_owned(),
    };
    assert_eq!(run.rules_for("boom.html"), vec!["internal/panic"]);
    let message = run.first("boom.html", "internal/panic")["message"]
        .as_str()
        .unwrap_or_default();
    assert!(message.contains("forced by INBOXLINT_TEST_PANIC_FILE"), "{message}");
    assert!(!run.rules_for("good.html").is_empty());
    assert!(
        !run.rules_for("zzz.html").is_empty(),
        "files after the panic are linted"
    );
    assert_eq!(run.files(), 3);

    // Without the hook the same file is linted normally.
    let normal = check(dir.path(), &[]);
    assert!(normal.rules_for("boom.html").iter().all(|r| r != "internal/panic"));
}
