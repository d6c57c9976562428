//! Real-world behaviour on the shared corpus of public templates, configs and schemas.
//! Skips cleanly when `../shared/corpus` is not beside the project.

use assert_cmd::Command;

mod common;
use common::corpus;

fn check_json(dir: &std::path::Path, sub: &str) -> serde_json::Value {
    let out = Command::cargo_bin("inboxlint")
        .expect("binary")
        .current_dir(dir)
        .args(["check", sub, "--format", "json", "--no-ignore"])
        .output()
        .expect("runs");
    assert!(
        matches!(out.status.code(), Some(0 | 1)),
        "{sub}: exit {:?}\n{}",
        out.status.code(),
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("json output")
}

fn findings<'a>(v: &'a serde_json::Value, path_part: &str, rule: &str) -> Vec<&'a serde_json::Value> {
    v["diagnostics"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter(|d| d["rule"] == rule && d["path"].as_str().is_some_and(|p| p.contains(path_part)))
                .collect()
        })
        .unwrap_or_default()
}

fn source_at(dir: &std::path::Path, d: &serde_json::Value) -> String {
    let text = std::fs::read(dir.join(d["path"].as_str().unwrap_or_default())).unwrap_or_default();
    let off = d["span"]["offset"].as_u64().unwrap_or(0) as usize;
    let len = d["span"]["length"].as_u64().unwrap_or(0) as usize;
    String::from_utf8_lossy(text.get(off..off + len).unwrap_or_default()).to_string()
}

#[test]
fn configs_find_listmonk_ssl_mode_and_postal_tls() {
    let Some(dir) = corpus() else { return };
    let v = check_json(&dir, "configs");
    let listmonk = findings(&v, "knadh__listmonk/dev__config.toml", "security/insecure-transport");
    assert!(
        listmonk.iter().any(|d| source_at(&dir, d) == "disable"),
        "listmonk ssl_mode: {listmonk:?}"
    );
    let postal: Vec<_> = findings(&v, "postalserver__postal", "security/insecure-transport")
        .into_iter()
        .filter(|d| source_at(&dir, d) == "false")
        .collect();
    assert!(!postal.is_empty(), "postal tls_enabled: false");
}

#[test]
fn templates_run_without_crash_and_findings_are_plausible() {
    let Some(dir) = corpus() else { return };
    let v = check_json(&dir, "templates");
    let files = v["summary"]["files"].as_u64().unwrap_or(0);
    assert!(files >= 300, "templates linted: {files}");
    // Foundation's templates ship `href="#"` unsubscribe links.
    assert!(
        !findings(
            &v,
            "foundation__foundation-emails",
            "template/unsubscribe-href-placeholder"
        )
        .is_empty()
    );
    // Every span lies inside its file and on char boundaries.
    for d in v["diagnostics"].as_array().into_iter().flatten() {
        let path = dir.join(d["path"].as_str().unwrap_or_default());
        let text = std::fs::read_to_string(&path).unwrap_or_default();
        let off = d["span"]["offset"].as_u64().unwrap_or(0) as usize;
        let end = off + d["span"]["length"].as_u64().unwrap_or(0) as usize;
        assert!(
            end <= text.len() && text.is_char_boundary(off) && text.is_char_boundary(end),
            "{d}"
        );
    }
}

#[test]
fn schemas_run_without_crash() {
    let Some(dir) = corpus() else { return };
    let v = check_json(&dir, "schemas");
    assert!(v["summary"]["files"].as_u64().unwrap_or(0) >= 20);
}
