//! The config keys that tell composition where templates live, through the real binary:
//! `template-roots` (where includes are looked up, relative to the config file) and `partials`
//! (files that are partials though nothing includes them), with located errors for bad values.

use assert_cmd::Command;
use std::path::Path;

const FOOTER: &str =
    "<p>Acme Inc., 1 Market St, Springfield, IL 62701 · <a href=\"{{ unsubscribe_url }}\">Unsubscribe</a></p>\n";

fn inboxlint(dir: &Path) -> Command {
    let mut cmd = Command::cargo_bin("inboxlint").expect("binary builds");
    cmd.current_dir(dir).env_remove("INBOXLINT_FORMAT").env("NO_COLOR", "1");
    cmd
}

fn write(dir: &Path, rel: &str, text: &str) {
    let p = dir.join(rel);
    std::fs::create_dir_all(p.parent().expect("has a parent")).expect("mkdir");
    std::fs::write(p, text).expect("write");
}

/// Rule ids by path from `check --format json ARGS` in `dir`, and the exit code.
fn findings(dir: &Path, args: &[&str]) -> (Vec<(String, String)>, i32) {
    let out = inboxlint(dir)
        .args(["check", "--format", "json"])
        .args(args)
        .output()
        .expect("runs");
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "json output ({e}): {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    });
    let mut found: Vec<(String, String)> = v["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .map(|d| {
            (
                d["path"].as_str().unwrap_or_default().to_string(),
                d["rule"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect();
    found.sort();
    (found, out.status.code().unwrap_or(-1))
}

fn has(found: &[(String, String)], path: &str, rule: &str) -> bool {
    found.iter().any(|(p, r)| p == path && r == rule)
}

/// A Jinja newsletter that includes `footer.html` from a shared template directory that is
/// not itself linted (only `emails/` is named on the command line).
fn shared_footer_project(config: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    write(dir.path(), ".inboxlint.yaml", config);
    write(
        dir.path(),
        "emails/sale.j2",
        "<html><body><h1>Spring sale</h1><p>20% off everything.</p>{% include 'footer.html' %}</body></html>\n",
    );
    write(dir.path(), "shared/mail-templates/footer.html", FOOTER);
    dir
}

#[test]
fn template_roots_are_where_includes_are_found() {
    let without = shared_footer_project("profiles: [us]\n");
    let (found, code) = findings(without.path(), &["emails"]);
    assert!(has(&found, "emails/sale.j2", "template/include-missing"), "{found:?}");
    assert_eq!(code, 0, "unresolved: the message rules say so at info, not as errors");

    let with = shared_footer_project("profiles: [us]\ntemplate-roots: [shared/mail-templates]\n");
    let (found, code) = findings(with.path(), &["emails"]);
    assert!(
        found.is_empty(),
        "the footer is found under the template root: {found:?}"
    );
    assert_eq!(code, 0);
}

#[test]
fn template_roots_apply_from_a_config_below_the_working_directory() {
    let top = tempfile::tempdir().expect("tempdir");
    let site = shared_footer_project("template-roots: [./shared/mail-templates/]\n");
    let site_path = top.path().join("site");
    std::fs::rename(site.path(), &site_path).expect("move");
    let (found, _) = findings(top.path(), &["site/emails"]);
    assert!(found.is_empty(), "{found:?}");
}

#[test]
fn partials_globs_make_files_partials_though_nothing_includes_them() {
    let dir = tempfile::tempdir().expect("tempdir");
    // A block the ESP pastes into campaigns: no footer of its own, and none needed.
    write(
        dir.path(),
        "emails/blocks/promo.html",
        "<table><tr><td><h2>Shop the sale</h2><a href=\"https://shop.example.com\">Shop now</a></td></tr></table>\n",
    );
    write(dir.path(), ".inboxlint.yaml", "profiles: [us]\n");
    let (found, _) = findings(dir.path(), &["."]);
    assert!(
        has(&found, "emails/blocks/promo.html", "canspam/unsubscribe-missing"),
        "an entry by default: {found:?}"
    );
    for config in ["partials: [\"blocks/\"]\n", "partials: [\"emails/blocks/*.html\"]\n"] {
        write(dir.path(), ".inboxlint.yaml", config);
        let (found, code) = findings(dir.path(), &["."]);
        assert!(
            !found.iter().any(|(_, r)| r.starts_with("canspam/")),
            "{config}: a partial is judged in the messages that include it: {found:?}"
        );
        assert_eq!(code, 0, "{config}");
    }
}

/// `check` with `config` exits 2 and its error names `needles` and the line of the value.
fn config_error(config: &str, needles: &[&str], line: usize) {
    let dir = tempfile::tempdir().expect("tempdir");
    write(dir.path(), ".inboxlint.yaml", config);
    write(dir.path(), "emails/a.html", "<p>Hi</p>\n");
    let out = inboxlint(dir.path())
        .args(["check", "--format", "json", "."])
        .output()
        .expect("runs");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{config}: {stderr}");
    for n in needles {
        assert!(stderr.contains(n), "{config}: wants {n:?} in {stderr}");
    }
    assert!(
        stderr.contains(&format!(".inboxlint.yaml:{line}:")),
        "{config}: located on line {line}: {stderr}"
    );
}

#[test]
fn bad_template_roots_and_partials_are_located_errors() {
    config_error(
        "profiles: [us]\ntemplate-roots: [no-such-dir]\n",
        &["template-roots", "no-such-dir", "not a directory"],
        2,
    );
    config_error(
        "profiles: [us]\ntemplate-roots: [../outside]\n",
        &["template-roots", "../outside", "outside the project root"],
        2,
    );
    config_error("profiles: [us]\npartials: [\"emails/[z-a\"]\n", &["emails/[z-a"], 2);
    config_error(
        "profiles: [us]\npartials: [\"../elsewhere/*.html\"]\n",
        &["partials", "leaves the project"],
        2,
    );
    config_error("profiles: [us]\ntemplate-roots: 3\n", &["template-roots"], 2);
}
