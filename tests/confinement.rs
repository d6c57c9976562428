//! A repository's config cannot read the rest of the machine: every config key that takes a
//! path (`extends`, `rule-dirs`, `baseline`, `include`, `template-roots`, a campaign's template
//! reference, what a template includes, a Jekyll `_config.yml`), written
//! as an absolute path, with `..`, through a symlink out of the project, or from a symlinked
//! project root, is refused with an error that names the key and the path, and no output
//! format shows a byte of the outside file. Paths given on the command line still go anywhere.

use assert_cmd::Command;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// In every outside file. Not part of any path, so seeing it means a byte leaked.
const CANARY: &str = "Zq9SECRETBYTES";
const FORMATS: &[&str] = &[
    "pretty", "concise", "json", "sarif", "github", "junit", "gitlab", "markdown",
];
const TEMPLATE: &str = "<html><body><p>Sale</p><a href=\"http://shop.example.com\">Shop</a></body></html>\n";

fn inboxlint(dir: &Path) -> Command {
    let mut cmd = Command::cargo_bin("inboxlint").expect("binary builds");
    cmd.current_dir(dir)
        .env_remove("INBOXLINT_FORMAT")
        .env("NO_COLOR", "1")
        .timeout(Duration::from_secs(120));
    cmd
}

/// `tmp/outside/…` holds what an attacker would like printed; `tmp/proj` is the repository.
struct Layout {
    _tmp: tempfile::TempDir,
    top: PathBuf,
    proj: PathBuf,
    outside: PathBuf,
}

fn layout() -> Layout {
    let tmp = tempfile::tempdir().expect("tempdir");
    let top = std::fs::canonicalize(tmp.path()).expect("canonical");
    let proj = top.join("proj");
    let outside = top.join("outside");
    std::fs::create_dir_all(proj.join("emails")).expect("mkdir");
    std::fs::create_dir_all(outside.join("rules/esp")).expect("mkdir");
    std::fs::write(proj.join("emails/a.html"), TEMPLATE).expect("write");
    // Each looks enough like its kind of file that a parser error would quote its first line.
    let secret = format!("root:{CANARY}:19000:0:99999:7:::\nkey: {CANARY}\n");
    std::fs::write(outside.join("secret.yaml"), &secret).expect("write");
    std::fs::write(outside.join("rules/leak.yaml"), &secret).expect("write");
    std::fs::write(outside.join("rules/esp/leak.yaml"), &secret).expect("write");
    std::fs::write(outside.join("baseline.json"), format!("{{\"{CANARY}\": 1,\n")).expect("write");
    std::fs::write(outside.join("template.html"), format!("<p>{{{{ {CANARY} }}}}</p>")).expect("write");
    Layout {
        _tmp: tmp,
        top,
        proj,
        outside,
    }
}

fn symlink(target: &Path, link: &Path) {
    std::os::unix::fs::symlink(target, link).expect("symlink");
}

/// Runs `check` in `dir` in every format; none may show the canary, and the config error must
/// name `key` and `written` and exit 2.
fn refused(dir: &Path, key: &str, written: &str) {
    for format in FORMATS {
        let out = inboxlint(dir)
            .args(["check", "--format", format, "."])
            .output()
            .expect("runs");
        let stdout = String::from_utf8_lossy(&out.stdout);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            !stdout.contains(CANARY) && !stderr.contains(CANARY),
            "{key}: {written} leaked in {format}:\n{stdout}\n{stderr}"
        );
        assert_eq!(out.status.code(), Some(2), "{key}: {written} ({format}): {stderr}");
        assert!(stderr.contains(&format!("`{key}`")), "names the key: {stderr}");
        assert!(stderr.contains(written), "names the path: {stderr}");
        assert!(stderr.contains("outside the project root"), "{stderr}");
    }
}

/// The run loaded its config (which turns `security/insecure-link` off) and linted the template.
fn linted_with_insecure_link_off(out: &std::process::Output) {
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_ne!(out.status.code(), Some(2), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(stdout.contains("emails/a.html"), "{stdout}");
    assert!(!stdout.contains("security/insecure-link"), "{stdout}");
}

fn config(dir: &Path, text: &str) {
    std::fs::write(dir.join(".inboxlint.yaml"), text).expect("write config");
}

#[test]
fn extends_stays_in_the_project() {
    let l = layout();
    let abs = l.outside.join("secret.yaml").display().to_string();
    config(&l.proj, &format!("extends: {abs}\n"));
    refused(&l.proj, "extends", &abs);
    config(&l.proj, "extends: ../outside/secret.yaml\n");
    refused(&l.proj, "extends", "../outside/secret.yaml");
    config(&l.proj, "extends: emails/../../outside/secret.yaml\n");
    refused(&l.proj, "extends", "emails/../../outside/secret.yaml");
    symlink(&l.outside.join("secret.yaml"), &l.proj.join("base.yaml"));
    config(&l.proj, "extends: base.yaml\n");
    refused(&l.proj, "extends", "base.yaml");
    // Deeper in a chain: an in-project base that extends out is refused at its own key.
    std::fs::remove_file(l.proj.join("base.yaml")).expect("rm");
    std::fs::write(l.proj.join("base.yaml"), "extends: ../outside/secret.yaml\n").expect("write");
    config(&l.proj, "extends: base.yaml\n");
    refused(&l.proj, "extends", "../outside/secret.yaml");
}

#[test]
fn rule_dirs_stay_in_the_project() {
    let l = layout();
    let abs = l.outside.join("rules").display().to_string();
    config(&l.proj, &format!("rule-dirs: [{abs}]\n"));
    refused(&l.proj, "rule-dirs", &abs);
    config(&l.proj, "rule-dirs: [../outside/rules]\n");
    refused(&l.proj, "rule-dirs", "../outside/rules");
    symlink(&l.outside.join("rules"), &l.proj.join("linked-rules"));
    config(&l.proj, "rule-dirs: [linked-rules]\n");
    refused(&l.proj, "rule-dirs", "linked-rules");
}

#[test]
fn a_symlinked_file_inside_a_rule_dir_is_not_read() {
    let l = layout();
    std::fs::create_dir_all(l.proj.join("rules")).expect("mkdir");
    symlink(&l.outside.join("rules/leak.yaml"), &l.proj.join("rules/leak.yaml"));
    config(&l.proj, "rule-dirs: [rules]\n");
    for format in FORMATS {
        let out = inboxlint(&l.proj)
            .args(["check", "--format", format, "."])
            .output()
            .expect("runs");
        let all = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(!all.contains(CANARY), "leaked in {format}: {all}");
        assert_eq!(out.status.code(), Some(2), "{all}");
        assert!(all.contains("leak.yaml") && all.contains("symlink"), "{all}");
    }
}

#[test]
fn baseline_stays_in_the_project() {
    let l = layout();
    let abs = l.outside.join("baseline.json").display().to_string();
    config(&l.proj, &format!("baseline: {abs}\n"));
    refused(&l.proj, "baseline", &abs);
    config(&l.proj, "baseline: ../outside/baseline.json\n");
    refused(&l.proj, "baseline", "../outside/baseline.json");
    symlink(&l.outside.join("baseline.json"), &l.proj.join("baseline.json"));
    config(&l.proj, "baseline: baseline.json\n");
    refused(&l.proj, "baseline", "baseline.json");
}

#[test]
fn include_patterns_cannot_start_outside() {
    let l = layout();
    for pattern in ["../outside/**", "/etc/**", "emails/../../outside/*"] {
        config(&l.proj, &format!("include: [\"{pattern}\"]\n"));
        let out = inboxlint(&l.proj)
            .args(["check", "--format", "json", "."])
            .output()
            .expect("runs");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{pattern}: {stderr}");
        assert!(stderr.contains("`include`") && stderr.contains(pattern), "{stderr}");
    }
}

#[test]
fn a_discovered_config_that_links_out_is_not_read() {
    let l = layout();
    symlink(&l.outside.join("secret.yaml"), &l.proj.join(".inboxlint.yaml"));
    for format in FORMATS {
        let out = inboxlint(&l.proj)
            .args(["check", "--format", format, "."])
            .output()
            .expect("runs");
        let stderr = String::from_utf8_lossy(&out.stderr);
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(
            !stderr.contains(CANARY) && !stdout.contains(CANARY),
            "{format}: {stderr}"
        );
        assert_eq!(out.status.code(), Some(2), "{stderr}");
        assert!(stderr.contains("symlink"), "{stderr}");
    }
}

#[test]
fn a_symlinked_project_root_keeps_its_own_files_and_refuses_others() {
    let l = layout();
    std::fs::write(l.proj.join("base.yaml"), "profiles: [us, eu]\n").expect("write");
    config(&l.proj, "extends: base.yaml\nbaseline: base.json\n");
    let link = l.top.join("link");
    symlink(&l.proj, &link);
    let out = inboxlint(&link)
        .args(["check", "--format", "json", "--write-baseline", "base.json", "."])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let out = inboxlint(&link)
        .args(["check", "--format", "json", "."])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    // From inside the link, `..` is the link's parent: still outside the (real) project.
    config(&l.proj, "extends: ../outside/secret.yaml\n");
    refused(&link, "extends", "../outside/secret.yaml");
}

#[test]
fn a_git_work_tree_is_the_project_for_configs_in_its_subdirectories() {
    let l = layout();
    std::fs::create_dir_all(l.proj.join(".git")).expect("mkdir");
    std::fs::create_dir_all(l.proj.join("shared/rules")).expect("mkdir");
    std::fs::write(
        l.proj.join("shared/base.yaml"),
        "rules: { security/insecure-link: off }\n",
    )
    .expect("write");
    config(
        &l.proj.join("emails"),
        "extends: ../shared/base.yaml\nrule-dirs: [../shared/rules]\n",
    );
    let out = inboxlint(&l.proj)
        .args(["check", "--format", "json", "emails"])
        .output()
        .expect("runs");
    linted_with_insecure_link_off(&out);
    // Past the work tree is still outside.
    config(&l.proj.join("emails"), "extends: ../../outside/secret.yaml\n");
    refused(&l.proj, "extends", "../../outside/secret.yaml");
}

#[test]
fn a_campaign_template_reference_that_leaves_the_project_is_not_read() {
    let l = layout();
    config(&l.proj, "profiles: [us]\n");
    for reference in [
        "../outside/template.html".to_string(),
        l.outside.join("template.html").display().to_string(),
    ] {
        std::fs::write(
            l.proj.join("campaign.yaml"),
            format!("campaign:\n  subject: Sale\n  template: {reference}\n  merge_fields:\n    first_name: Ada\n    phone: \"+1 555 0100\"\n"),
        )
        .expect("write");
        let out = inboxlint(&l.proj)
            .args(["check", "--format", "json", "campaign.yaml"])
            .output()
            .expect("runs");
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(!stdout.contains(CANARY), "{stdout}");
        assert!(stdout.contains("outside the project root"), "{stdout}");
    }
}

#[test]
fn paths_on_the_command_line_still_go_anywhere() {
    let l = layout();
    std::fs::write(
        l.outside.join("config.yaml"),
        "rules: { security/insecure-link: off }\n",
    )
    .expect("write");
    std::fs::write(l.outside.join("a.html"), TEMPLATE).expect("write");
    // --config outside the project.
    let out = inboxlint(&l.proj)
        .args(["check", "--format", "json", "--config"])
        .arg(l.outside.join("config.yaml"))
        .arg(".")
        .output()
        .expect("runs");
    linted_with_insecure_link_off(&out);
    // A file outside named on the command line is linted.
    let out = inboxlint(&l.proj)
        .args(["check", "--format", "json", "../outside/a.html"])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(1), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stdout).contains("security/insecure-link"));
    // --write-baseline and --baseline outside the project.
    let out = inboxlint(&l.proj)
        .args([
            "check",
            "--format",
            "json",
            "--write-baseline",
            "../outside/b.json",
            ".",
        ])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let out = inboxlint(&l.proj)
        .args(["check", "--format", "json", "--baseline", "../outside/b.json", "."])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    // `inboxlint test DIR` with a rule directory the user names.
    let out = inboxlint(&l.proj)
        .args(["test", "--quiet"])
        .arg(l.outside.join("rules"))
        .output()
        .expect("runs");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("outside the project root"), "{stderr}");
}

#[test]
fn template_roots_stay_in_the_project() {
    let l = layout();
    config(&l.proj, "template-roots: [/etc]\n");
    refused(&l.proj, "template-roots", "/etc");
    symlink(&l.outside, &l.proj.join("shared"));
    config(&l.proj, "template-roots: [shared]\n");
    refused(&l.proj, "template-roots", "shared");
}

#[test]
fn jekyll_config_and_partials_that_link_out_are_not_read() {
    let l = layout();
    config(&l.proj, "profiles: [us]\n");
    for dir in ["_newsletters", "_includes"] {
        std::fs::create_dir_all(l.proj.join(dir)).expect("mkdir");
    }
    // Read, the outside config would name the letter's layout after the canary, and an info
    // finding would say the footer may be in it.
    std::fs::write(
        l.outside.join("_config.yml"),
        format!("collections: [newsletters]\ndefaults:\n  - scope: {{ type: newsletters }}\n    values: {{ layout: {CANARY} }}\n"),
    )
    .expect("write");
    symlink(&l.outside.join("_config.yml"), &l.proj.join("_config.yml"));
    symlink(&l.outside.join("template.html"), &l.proj.join("_includes/footer.html"));
    std::fs::write(
        l.proj.join("_newsletters/sale.html"),
        "---\ntitle: Sale\n---\n<p>Sale</p>{% include footer.html %}\n",
    )
    .expect("write");
    for format in FORMATS {
        let out = inboxlint(&l.proj)
            .args(["check", "--format", format, "."])
            .output()
            .expect("runs");
        let stdout = String::from_utf8_lossy(&out.stdout);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            !stdout.contains(CANARY) && !stderr.contains(CANARY),
            "leaked in {format}:\n{stdout}\n{stderr}"
        );
        assert_ne!(out.status.code(), Some(2), "{format}: {stderr}");
        if *format == "json" {
            // The include is reported as not found rather than read through the link.
            assert!(stdout.contains("template/include-missing"), "{stdout}");
        }
    }
}
