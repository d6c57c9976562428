//! The same input gives byte-identical output, run after run and whatever the thread count:
//! CI diffs, baselines and caches depend on it.

use assert_cmd::Command;
use std::path::{Path, PathBuf};

fn output(dir: &Path, args: &[&str]) -> Vec<u8> {
    let out = Command::cargo_bin("inboxlint")
        .expect("binary builds")
        .current_dir(dir)
        .env_remove("INBOXLINT_FORMAT")
        .env("NO_COLOR", "1")
        .arg("check")
        .args(args)
        .output()
        .expect("runs");
    assert!(
        matches!(out.status.code(), Some(0 | 1)),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

/// The fixtures, plus many small files so two threads really interleave, including findings at
/// equal positions in different files and files whose names sort differently as bytes and paths.
fn tree() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    let fixtures = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    copy_dir(&fixtures, dir.path());
    for i in 0..60 {
        let sub = dir
            .path()
            .join(format!("batch-{}", i % 4))
            .join(if i % 3 == 0 { "a-b" } else { "a" });
        std::fs::create_dir_all(&sub).expect("mkdir");
        let html = format!(
            "<html><body><p>Hi {{{{ first_name }}}}</p><a href=\"http://x{i}.example.com/?e={{{{ email }}}}\">Deal {i}</a>\n<img src=\"http://cdn.example.com/{i}.png\"></body></html>\n"
        );
        std::fs::write(sub.join(format!("t{i}.html")), html).expect("write");
        std::fs::write(
            sub.join(format!("c{i}.yaml")),
            format!("smtp:\n  tls: false\n  port: {i}\n"),
        )
        .expect("write");
    }
    dir
}

fn copy_dir(from: &Path, to: &Path) {
    for entry in std::fs::read_dir(from).expect("read_dir").flatten() {
        let target = to.join(entry.file_name());
        if entry.path().is_dir() {
            std::fs::create_dir_all(&target).expect("mkdir");
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).expect("copy");
        }
    }
}

#[test]
fn output_is_identical_across_runs_and_thread_counts() {
    let dir = tree();
    for format in ["json", "concise", "pretty"] {
        let one = output(dir.path(), &["--format", format, "--threads", "1"]);
        assert!(one.len() > 1000, "{format}: the tree has findings");
        for threads in ["2", "4", "1"] {
            for _ in 0..2 {
                let again = output(dir.path(), &["--format", format, "--threads", threads]);
                assert!(
                    again == one,
                    "{format} with --threads {threads} differs from --threads 1:\n{}",
                    String::from_utf8_lossy(&again)
                );
            }
        }
    }
}
