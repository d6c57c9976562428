//! `--write-baseline` through the real binary: a run killed at any moment leaves a baseline
//! that parses (the old one or the new one), and two runs writing the same file at once leave
//! one of their two complete files.

use inboxlint::engine::baseline::Baseline;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const RUNS: usize = 50;

fn project(dir: &Path, files: usize, tag: &str) {
    std::fs::create_dir_all(dir).expect("mkdir");
    for i in 0..files {
        let links: String = (0..20)
            .map(|j| format!("<a href=\"http://{tag}{i}-{j}.example.com\">l</a>\n"))
            .collect();
        std::fs::write(
            dir.join(format!("{tag}{i:04}.html")),
            format!("<html><body>{links}</body></html>\n"),
        )
        .expect("write");
    }
}

fn write_baseline(cwd: &Path, target: &str, path: &str) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_inboxlint"));
    cmd.current_dir(cwd)
        .args([
            "check",
            "--quiet",
            "--format",
            "json",
            "--threads",
            "1",
            "--write-baseline",
            target,
            path,
            // Every run must take as long as the timed one, or the kills miss the write.
            "--no-cache",
        ])
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    cmd
}

/// xorshift: the kill points only need to spread, not to be unpredictable.
struct Spread(u64);

impl Spread {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}

#[test]
fn a_killed_baseline_write_never_leaves_a_broken_file() {
    let tmp = tempfile::tempdir().expect("tempdir");
    project(&tmp.path().join("emails"), 100, "a");
    let target = tmp.path().join("baseline.json");
    // A full run, timed, gives the window to kill in; its file is the one a kill may leave.
    let start = Instant::now();
    let status = write_baseline(tmp.path(), "baseline.json", "emails")
        .status()
        .expect("runs");
    let full = start.elapsed();
    assert_eq!(status.code(), Some(0));
    let complete = std::fs::read_to_string(&target).expect("written");
    assert!(Baseline::parse(&complete).expect("parses").findings() >= 2000);

    let mut spread = Spread(0x9e37_79b9_7f4a_7c15 ^ u64::from(std::process::id()));
    // Kills spread over the second half of a run and a little past it, where the write is.
    let (from, window) = (full.as_micros() as u64 / 2, full.as_micros() as u64 * 7 / 10);
    let mut killed = 0;
    for run in 0..RUNS {
        let mut child = write_baseline(tmp.path(), "baseline.json", "emails")
            .spawn()
            .expect("spawn");
        std::thread::sleep(Duration::from_micros(from + spread.next() % window.max(1)));
        if child.try_wait().expect("wait").is_none() {
            killed += 1;
        }
        let _ = child.kill();
        let _ = child.wait();
        let text = std::fs::read_to_string(&target).expect("the baseline is still there");
        assert_eq!(text, complete, "run {run}: the baseline is not the complete file");
    }
    let leftovers = std::fs::read_dir(tmp.path())
        .expect("list")
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().ends_with(".tmp"))
        .count();
    eprintln!(
        "killed {killed} of {RUNS} runs before they finished (a full run takes {full:?}); {leftovers} temp files left by kills"
    );
    assert!(killed > 0, "no run was killed: the test proved nothing");
}

#[test]
fn two_concurrent_writers_leave_one_complete_file() {
    let tmp = tempfile::tempdir().expect("tempdir");
    project(&tmp.path().join("a"), 60, "a");
    project(&tmp.path().join("b"), 90, "b");
    let solo = |dir: &str| {
        let name = format!("{dir}.json");
        let status = write_baseline(tmp.path(), &name, dir).status().expect("runs");
        assert_eq!(status.code(), Some(0));
        std::fs::read_to_string(tmp.path().join(name)).expect("written")
    };
    // Keys are relative to the baseline's directory, so each solo file is what that writer
    // would leave at the shared path too.
    let (only_a, only_b) = (solo("a"), solo("b"));
    assert_ne!(only_a, only_b);
    let shared = tmp.path().join("shared.json");
    for round in 0..5 {
        let mut a = write_baseline(tmp.path(), "shared.json", "a").spawn().expect("spawn");
        let mut b = write_baseline(tmp.path(), "shared.json", "b").spawn().expect("spawn");
        assert!(a.wait().expect("a").success());
        assert!(b.wait().expect("b").success());
        let left = std::fs::read_to_string(&shared).expect("written");
        assert!(
            left == only_a || left == only_b,
            "round {round}: the file is neither writer's complete output ({} bytes)",
            left.len()
        );
    }
    let temps: Vec<_> = std::fs::read_dir(tmp.path())
        .expect("list")
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().ends_with(".tmp"))
        .collect();
    assert!(temps.is_empty(), "temp files left behind: {temps:?}");
}
