#![no_main]
//! Config loading with `extends` chains, `rule-dirs` and `baseline` on arbitrary files: the
//! input is split at NUL bytes into a top `.inboxlint.yaml` and the files it may extend. A file
//! outside the project holds a canary: whatever the chain says, loading ends in a config or a
//! located error, never a panic, and no error ever shows the canary.

use inboxlint::workspace::config;
use libfuzzer_sys::fuzz_target;
use std::path::PathBuf;
use std::sync::OnceLock;

const CANARY: &str = "FUZZCANARYBYTES";
const NAMES: &[&str] = &[".inboxlint.yaml", "base.yaml", "sub/deep.yaml", "sub/.config/inboxlint.yaml"];

/// One directory per fuzzing process: `outside/` beside `proj/`, written once.
fn dirs() -> &'static (PathBuf, PathBuf) {
    static DIRS: OnceLock<(PathBuf, PathBuf)> = OnceLock::new();
    DIRS.get_or_init(|| {
        let top = std::env::temp_dir().join(format!("inboxlint-fuzz-extends-{}", std::process::id()));
        let proj = top.join("proj");
        let outside = top.join("outside");
        let _ = std::fs::create_dir_all(proj.join("sub/.config"));
        let _ = std::fs::create_dir_all(outside.join("rules"));
        let secret = format!("{CANARY}: [\n  address: {CANARY}\n");
        let _ = std::fs::write(outside.join("secret.yaml"), &secret);
        let _ = std::fs::write(outside.join("rules/r.yaml"), &secret);
        let _ = std::fs::write(outside.join("good.yaml"), format!("address: {CANARY}\n"));
        let _ = std::os::unix::fs::symlink(outside.join("secret.yaml"), proj.join("link.yaml"));
        let _ = std::os::unix::fs::symlink(outside.join("rules"), proj.join("rules-link"));
        (proj, outside)
    })
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    // The canary may only come from the outside files, not from the input itself.
    if text.contains(CANARY) {
        return;
    }
    let (proj, _) = dirs();
    let mut parts = text.split('\0');
    for name in NAMES {
        let _ = std::fs::write(proj.join(name), parts.next().unwrap_or(""));
    }
    match config::load(&proj.join(".inboxlint.yaml")) {
        Ok(resolved) => {
            assert!(resolved.address.as_deref().is_none_or(|a| !a.contains(CANARY)), "read an outside file");
            for dir in resolved.rule_dirs.iter().chain(&resolved.baseline) {
                assert!(resolved.project.admit(dir).is_ok(), "{} escapes the project", dir.display());
            }
        }
        Err(e) => {
            assert!(!e.rendered.contains(CANARY), "an error quoted an outside file: {}", e.rendered);
            assert!(!e.message.contains(CANARY), "an error quoted an outside file: {}", e.message);
        }
    }
});
