//! The command-line habits users bring from ruff and friends: shell completions, a man page,
//! `--output-file`, `--statistics`, and a progress bar only for a person at a terminal.

use assert_cmd::Command;
use std::path::Path;

fn inboxlint() -> Command {
    let mut cmd = Command::cargo_bin("inboxlint").expect("binary");
    cmd.env_remove("INBOXLINT_FORMAT").env("NO_COLOR", "1");
    cmd
}

fn stdout(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn project() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    let page = "<html><body><p>Sale</p><a href=\"http://shop.example.com/?e={{ email }}\">Shop</a>\
                <img src=\"https://x.example.com/a.png\"></body></html>\n";
    for name in ["a.html", "b.html"] {
        std::fs::write(dir.path().join(name), page).expect("write");
    }
    dir
}

#[test]
fn completions_are_valid_scripts_for_each_shell() {
    let bash = inboxlint().args(["completions", "bash"]).output().expect("runs");
    assert!(bash.status.success());
    let script = stdout(&bash);
    assert!(script.contains("_inboxlint()"), "{script}");
    for word in ["check", "explain", "--statistics", "--output-file"] {
        assert!(script.contains(word), "bash completes {word}");
    }
    let file = tempfile::NamedTempFile::new().expect("tmp");
    std::fs::write(file.path(), &script).expect("write");
    let syntax = std::process::Command::new("bash")
        .arg("-n")
        .arg(file.path())
        .output()
        .expect("bash");
    assert!(syntax.status.success(), "{}", String::from_utf8_lossy(&syntax.stderr));

    for (shell, marker) in [
        ("zsh", "#compdef inboxlint"),
        ("fish", "complete -c inboxlint"),
        ("powershell", "Register-ArgumentCompleter"),
        ("elvish", "edit:completion:arg-completer[inboxlint]"),
    ] {
        let out = inboxlint().args(["completions", shell]).output().expect("runs");
        assert!(out.status.success(), "{shell}");
        assert!(stdout(&out).contains(marker), "{shell}: {}", stdout(&out));
    }
    let bad = inboxlint().args(["completions", "tcsh"]).output().expect("runs");
    assert_eq!(bad.status.code(), Some(2));
}

#[test]
fn man_page_documents_every_command() {
    let out = inboxlint().arg("man").output().expect("runs");
    assert!(out.status.success());
    let page = stdout(&out);
    assert!(
        page.starts_with(".ie \\n(.g .ds Aq \\(aq"),
        "roff: {}",
        &page[..page.len().min(200)]
    );
    assert!(page.contains(".TH inboxlint 1"), "{page}");
    for cmd in [
        "inboxlint\\-check(1)",
        "inboxlint\\-completions(1)",
        "inboxlint\\-lsp(1)",
    ] {
        assert!(page.contains(cmd), "{cmd} in SEE ALSO: {page}");
    }

    let dir = tempfile::tempdir().expect("tempdir");
    let out = inboxlint()
        .args(["man", "--dir"])
        .arg(dir.path().join("man1"))
        .output()
        .expect("runs");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let check = std::fs::read_to_string(dir.path().join("man1/inboxlint-check.1")).expect("check page");
    assert!(check.contains("\\-\\-statistics"), "{check}");
    assert!(check.contains("\\-\\-max\\-warnings"), "{check}");
}

#[test]
fn output_file_takes_the_report_and_keeps_the_exit_code() {
    let dir = project();
    let out = inboxlint()
        .current_dir(dir.path())
        .args([
            "check",
            "--format",
            "json",
            "--output-file",
            "reports/lint.json",
            "a.html",
        ])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(1), "findings still fail the run");
    assert!(out.stdout.is_empty(), "nothing on stdout: {}", stdout(&out));
    let report = std::fs::read_to_string(dir.path().join("reports/lint.json")).expect("written, directory made");
    let v: serde_json::Value = serde_json::from_str(&report).expect("json");
    assert_eq!(v["summary"]["files"], 1);
    assert!(v["diagnostics"].as_array().is_some_and(|d| !d.is_empty()));

    // Pretty output to a file carries no colour codes, even when asked for colour on a terminal.
    let out = inboxlint()
        .current_dir(dir.path())
        .args(["check", "-o", "lint.txt", "a.html"])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(1));
    let pretty = std::fs::read_to_string(dir.path().join("lint.txt")).expect("written");
    assert!(pretty.contains("privacy/pii-in-url"), "{pretty}");
    assert!(!pretty.contains('\u{1b}'), "no ANSI escapes: {pretty}");

    // A path that cannot be written is a usage error, said plainly.
    std::fs::write(dir.path().join("file"), "").expect("write");
    let out = inboxlint()
        .current_dir(dir.path())
        .args(["check", "-o", "file/x.json", "a.html"])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("error: cannot write file/x.json"));
}

fn counts(text: &str) -> Vec<(usize, String)> {
    text.lines()
        .map(|l| {
            let mut parts = l.split_whitespace();
            let n = parts.next().and_then(|n| n.parse().ok()).expect("count first");
            (n, parts.next().expect("rule second").to_string())
        })
        .collect()
}

#[test]
fn statistics_count_findings_per_rule() {
    let dir = project();
    let full = inboxlint()
        .current_dir(dir.path())
        .args(["check", "--format", "json", "."])
        .output()
        .expect("runs");
    let v: serde_json::Value = serde_json::from_slice(&full.stdout).expect("json");
    let mut expected: std::collections::BTreeMap<String, usize> = Default::default();
    for d in v["diagnostics"].as_array().expect("diagnostics") {
        *expected
            .entry(d["rule"].as_str().expect("rule").to_string())
            .or_default() += 1;
    }
    assert!(
        expected.values().any(|&n| n == 2),
        "both files share findings: {expected:?}"
    );

    let out = inboxlint()
        .current_dir(dir.path())
        .args(["check", "--statistics", "."])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), full.status.code(), "same verdict as the full report");
    let text = stdout(&out);
    let rows = counts(&text);
    let got: std::collections::BTreeMap<String, usize> = rows.iter().map(|(n, r)| (r.clone(), *n)).collect();
    assert_eq!(got, expected, "{text}");
    assert!(rows.windows(2).all(|w| w[0].0 >= w[1].0), "most frequent first: {text}");
    assert!(text.contains("privacy/pii-in-url"), "{text}");

    let out = inboxlint()
        .current_dir(dir.path())
        .args(["check", "--statistics", "--format", "json", "."])
        .output()
        .expect("runs");
    let rows: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    let pii = rows
        .as_array()
        .and_then(|r| r.iter().find(|r| r["rule"] == "privacy/pii-in-url"))
        .expect("pii row");
    assert_eq!(pii["count"], 2);
    // The severity the full report gives the rule here (it depends on the message's class).
    let reported = v["diagnostics"]
        .as_array()
        .and_then(|d| d.iter().find(|d| d["rule"] == "privacy/pii-in-url"))
        .map(|d| d["severity"].clone())
        .expect("pii finding");
    assert_eq!(pii["severity"], reported);
    assert!(pii["title"].as_str().is_some_and(|t| !t.is_empty()));
}

/// Runs `inboxlint ARGS` with stdin, stdout and stderr on a pseudo-terminal (util-linux
/// `script`), so the binary sees what it sees in a person's shell.
fn on_terminal(dir: &Path, args: &str, env: &[(&str, &str)]) -> Option<String> {
    let script = std::process::Command::new("script").arg("--version").output();
    if !script.is_ok_and(|o| o.status.success()) {
        eprintln!("skipping: util-linux `script` is not installed");
        return None;
    }
    let log = dir.join("typescript");
    let mut cmd = std::process::Command::new("script");
    cmd.arg("-qec")
        .arg(format!("{} {args}", env!("CARGO_BIN_EXE_inboxlint")))
        .arg(&log)
        .current_dir(dir)
        .env_remove("CI")
        .env_remove("TF_BUILD")
        .env("TERM", "xterm")
        .env("NO_COLOR", "1");
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.output().expect("script runs");
    Some(String::from_utf8_lossy(&out.stdout).into_owned())
}

#[test]
fn progress_bar_only_on_a_terminal_outside_ci() {
    let dir = project();
    // At once instead of after a second, so a small run shows it.
    let fast = [("INBOXLINT_PROGRESS_DELAY_MS", "0")];
    let Some(screen) = on_terminal(dir.path(), "check --format concise .", &fast) else {
        return;
    };
    assert!(screen.contains("linting "), "a bar on a terminal: {screen:?}");
    assert!(screen.contains("files"), "{screen:?}");

    let screen = on_terminal(dir.path(), "check --format concise .", &[("CI", "true"), fast[0]]).expect("script");
    assert!(!screen.contains("linting "), "never in CI: {screen:?}");

    // The default delay: a quick run finishes before any bar appears.
    let screen = on_terminal(dir.path(), "check --format concise .", &[]).expect("script");
    assert!(!screen.contains("linting "), "not for a run under a second: {screen:?}");

    // Piped (as here, without a terminal): stderr carries no bar.
    let out = inboxlint()
        .current_dir(dir.path())
        .env("INBOXLINT_PROGRESS_DELAY_MS", "0")
        .env_remove("CI")
        .args(["check", "."])
        .output()
        .expect("runs");
    assert!(
        !String::from_utf8_lossy(&out.stderr).contains("linting "),
        "never when piped"
    );
}
