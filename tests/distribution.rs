//! The install channels as a user meets them, against the real binary: the release archive
//! scripts/dist.sh makes, the Action's install script fetching it from a loopback HTTP server
//! (good, tampered and missing-platform releases), and the npm launcher with its platform
//! package. Tools a channel needs (tar, curl, python3, npm) that are absent skip that test.

#![cfg(unix)]

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The test build without its debug info (161 MB -> 17 MB), so packing it takes seconds like a
/// release binary would; the unstripped build where `strip` is missing.
fn bin() -> &'static Path {
    static STRIPPED: std::sync::OnceLock<PathBuf> = std::sync::OnceLock::new();
    STRIPPED.get_or_init(|| {
        let full = PathBuf::from(env!("CARGO_BIN_EXE_inboxlint"));
        let dir = std::env::temp_dir().join(format!("inboxlint-dist-test-{}", std::process::id()));
        let stripped = dir.join("inboxlint");
        let ok = std::fs::create_dir_all(&dir).is_ok()
            && Command::new("strip")
                .arg("-o")
                .arg(&stripped)
                .arg(&full)
                .status()
                .is_ok_and(|s| s.success());
        if ok { stripped } else { full }
    })
}

fn have(tool: &str) -> bool {
    let found = Command::new("sh")
        .args(["-c", &format!("command -v {tool}")])
        .stdout(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !found {
        eprintln!("skipping: {tool} is not installed");
    }
    found
}

fn text(out: &Output) -> String {
    format!(
        "status {:?}\nstdout:\n{}\nstderr:\n{}",
        out.status.code(),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

/// scripts/dist.sh packaging the test build as the archive of `target`.
fn dist(target: &str, out: &Path) -> PathBuf {
    let run = Command::new("bash")
        .arg(root().join("scripts/dist.sh"))
        .env("DIST_GZIP_LEVEL", "1")
        .args(["--target", target, "--bin"])
        .arg(bin())
        .arg("--out")
        .arg(out)
        .output()
        .expect("bash runs");
    assert!(run.status.success(), "dist.sh: {}", text(&run));
    PathBuf::from(String::from_utf8_lossy(&run.stdout).trim())
}

fn sha256(path: &Path) -> String {
    let out = Command::new("sha256sum").arg(path).output().expect("sha256sum");
    String::from_utf8_lossy(&out.stdout)
        .split_whitespace()
        .next()
        .unwrap_or_default()
        .to_string()
}

const BAD_TEMPLATE: &str = "<html><body><p>Sale!</p>\
    <a href=\"https://shop.example.com/?e={{ email }}\">Shop</a></body></html>\n";

#[test]
fn dist_archive_holds_binary_completions_and_man_pages() {
    if !have("tar") || !have("sha256sum") {
        return;
    }
    let tmp = tempfile::tempdir().expect("tempdir");
    let archive = dist("x86_64-unknown-linux-musl", tmp.path());
    assert!(
        archive.ends_with("inboxlint-x86_64-unknown-linux-musl.tar.gz"),
        "{}",
        archive.display()
    );
    let list = Command::new("tar").arg("tzf").arg(&archive).output().expect("tar");
    let list = String::from_utf8_lossy(&list.stdout);
    for entry in [
        "inboxlint-x86_64-unknown-linux-musl/inboxlint",
        "inboxlint-x86_64-unknown-linux-musl/README.md",
        "inboxlint-x86_64-unknown-linux-musl/completions/inboxlint.bash",
        "inboxlint-x86_64-unknown-linux-musl/completions/_inboxlint",
        "inboxlint-x86_64-unknown-linux-musl/completions/inboxlint.fish",
        "inboxlint-x86_64-unknown-linux-musl/man/inboxlint.1",
        "inboxlint-x86_64-unknown-linux-musl/man/inboxlint-check.1",
    ] {
        assert!(list.lines().any(|l| l == entry), "{entry} in\n{list}");
    }
    let sum = sha256(&archive);
    let checksums = std::fs::read_to_string(tmp.path().join("checksums.txt")).expect("checksums.txt");
    assert_eq!(
        checksums,
        format!("{sum}  inboxlint-x86_64-unknown-linux-musl.tar.gz\n")
    );
    let own =
        std::fs::read_to_string(tmp.path().join("inboxlint-x86_64-unknown-linux-musl.tar.gz.sha256")).expect(".sha256");
    assert_eq!(own, checksums);

    // cargo binstall finds the same archive and the binary inside it.
    let manifest: toml::Table =
        toml::from_str(&std::fs::read_to_string(root().join("Cargo.toml")).expect("Cargo.toml")).expect("toml");
    let binstall = &manifest["package"]["metadata"]["binstall"];
    let fill = |template: &str| {
        template
            .replace("{ repo }", "https://github.com/inboxlint/inboxlint")
            .replace("{ version }", env!("CARGO_PKG_VERSION"))
            .replace("{ name }", "inboxlint")
            .replace("{ target }", "x86_64-unknown-linux-musl")
            .replace("{ archive-suffix }", ".tar.gz")
            .replace("{ bin }", "inboxlint")
            .replace("{ binary-ext }", "")
    };
    let url = fill(binstall["pkg-url"].as_str().expect("pkg-url"));
    assert_eq!(
        url,
        format!(
            "https://github.com/inboxlint/inboxlint/releases/download/v{}/inboxlint-x86_64-unknown-linux-musl.tar.gz",
            env!("CARGO_PKG_VERSION")
        )
    );
    let bin_dir = fill(binstall["bin-dir"].as_str().expect("bin-dir"));
    assert!(list.lines().any(|l| l == bin_dir), "{bin_dir} in the archive");
    assert_eq!(binstall["pkg-fmt"].as_str(), Some("tgz"));
    assert_eq!(
        binstall["overrides"]["x86_64-pc-windows-msvc"]["pkg-fmt"].as_str(),
        Some("zip")
    );

    // A second target joins the same checksums.txt, sorted by name.
    dist("aarch64-apple-darwin", tmp.path());
    let checksums = std::fs::read_to_string(tmp.path().join("checksums.txt")).expect("checksums.txt");
    let names: Vec<&str> = checksums.lines().filter_map(|l| l.split("  ").nth(1)).collect();
    assert_eq!(
        names,
        [
            "inboxlint-aarch64-apple-darwin.tar.gz",
            "inboxlint-x86_64-unknown-linux-musl.tar.gz"
        ]
    );
}

/// `python3 -m http.server` on 127.0.0.1 and a free port, serving `dir`; stopped on drop.
struct Server {
    child: Child,
    url: String,
}

impl Server {
    fn start(dir: &Path) -> Server {
        let mut child = Command::new("python3")
            .args(["-u", "-m", "http.server", "0", "--bind", "127.0.0.1", "--directory"])
            .arg(dir)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("python3 starts");
        let stdout = child.stdout.take().expect("piped");
        let mut line = String::new();
        BufReader::new(stdout)
            .read_line(&mut line)
            .expect("server prints its address");
        // "Serving HTTP on 127.0.0.1 port 41234 (http://127.0.0.1:41234/) ..."
        let port = line
            .split_whitespace()
            .skip_while(|w| *w != "port")
            .nth(1)
            .unwrap_or_else(|| panic!("no port in {line:?}"))
            .to_string();
        Server {
            child,
            url: format!("http://127.0.0.1:{port}"),
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The Action's install step as the runner calls it.
fn install(url: &str, install_root: &Path, env: &[(&str, &str)]) -> Output {
    let mut cmd = Command::new("bash");
    cmd.arg(root().join("scripts/action-install.sh"))
        .env("VERSION", env!("CARGO_PKG_VERSION"))
        .env("INSTALL_ROOT", install_root)
        .env("INBOXLINT_RELEASE_URL", url)
        .env("RUNNER_OS", "Linux")
        .env("RUNNER_ARCH", "X64")
        .env_remove("CARGO_FALLBACK");
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.output().expect("bash runs")
}

fn release_tools() -> bool {
    have("tar") && have("sha256sum") && have("curl") && have("python3")
}

#[test]
fn action_installs_the_verified_archive_then_reuses_the_cache() {
    if !release_tools() {
        return;
    }
    let release = tempfile::tempdir().expect("tempdir");
    dist("x86_64-unknown-linux-musl", release.path());
    let server = Server::start(release.path());
    let tool_cache = tempfile::tempdir().expect("tempdir");
    let root_dir = tool_cache.path().join("inboxlint/0.1.0");

    let out = install(&server.url, &root_dir, &[]);
    let log = text(&out);
    assert!(out.status.success(), "{log}");
    assert!(
        log.contains("inboxlint-x86_64-unknown-linux-musl.tar.gz SHA-256 "),
        "{log}"
    );
    assert!(log.contains("matches checksums.txt"), "{log}");
    assert!(
        log.contains(&format!("installed inboxlint {}", env!("CARGO_PKG_VERSION"))),
        "{log}"
    );
    assert!(
        root_dir.join("share/man/man1/inboxlint.1").is_file(),
        "man pages come along"
    );

    // The installed binary is the one packaged: it lints.
    let work = tempfile::tempdir().expect("tempdir");
    std::fs::write(work.path().join("sale.html"), BAD_TEMPLATE).expect("write");
    let lint = Command::new(root_dir.join("bin/inboxlint"))
        .args(["check", "--format", "concise", "sale.html"])
        .current_dir(work.path())
        .output()
        .expect("installed binary runs");
    assert_eq!(lint.status.code(), Some(1), "{}", text(&lint));
    assert!(
        String::from_utf8_lossy(&lint.stdout).contains("privacy/pii-in-url"),
        "{}",
        text(&lint)
    );

    // What actions/cache restores is used as is, without touching the network.
    drop(server);
    let out = install("http://127.0.0.1:9/unreachable", &root_dir, &[]);
    let log = text(&out);
    assert!(out.status.success(), "{log}");
    assert!(log.contains("restored from cache"), "{log}");
}

#[test]
fn action_refuses_a_tampered_archive() {
    if !release_tools() {
        return;
    }
    let release = tempfile::tempdir().expect("tempdir");
    let archive = dist("x86_64-unknown-linux-musl", release.path());
    // Same name and size class, different bytes: what a swapped or corrupted download looks like.
    let mut bytes = std::fs::read(&archive).expect("read");
    let mid = bytes.len() / 2;
    bytes[mid] ^= 0x5a;
    std::fs::write(&archive, &bytes).expect("write");
    let server = Server::start(release.path());
    let tool_cache = tempfile::tempdir().expect("tempdir");
    let root_dir = tool_cache.path().join("inboxlint");

    // Even with the cargo fallback on: a bad checksum is never something to work around.
    let out = install(&server.url, &root_dir, &[("CARGO_FALLBACK", "true")]);
    let log = text(&out);
    assert_eq!(out.status.code(), Some(1), "{log}");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let annotation = stdout
        .lines()
        .find(|l| l.starts_with("::error title=inboxlint action::"))
        .unwrap_or_else(|| panic!("an error annotation: {log}"));
    assert!(
        annotation.contains("SHA-256 mismatch for inboxlint-x86_64-unknown-linux-musl.tar.gz"),
        "{annotation}"
    );
    assert!(
        annotation.contains(&format!("the download is {}", sha256(&archive))),
        "{annotation}"
    );
    assert!(annotation.contains("nothing from it ran"), "{annotation}");
    assert!(!root_dir.join("bin/inboxlint").exists(), "nothing installed");
}

#[test]
fn action_names_the_platforms_a_release_has() {
    if !release_tools() {
        return;
    }
    let release = tempfile::tempdir().expect("tempdir");
    dist("x86_64-unknown-linux-musl", release.path());
    dist("aarch64-apple-darwin", release.path());
    let server = Server::start(release.path());
    let tool_cache = tempfile::tempdir().expect("tempdir");
    let root_dir = tool_cache.path().join("inboxlint");

    let out = install(&server.url, &root_dir, &[("RUNNER_ARCH", "ARM64")]);
    let log = text(&out);
    assert_eq!(out.status.code(), Some(1), "{log}");
    assert!(
        log.contains(
            "::error title=inboxlint action::inboxlint 0.1.0 has no prebuilt archive for this runner \
             (Linux ARM64, target aarch64-unknown-linux-musl); the release has: \
             aarch64-apple-darwin, x86_64-unknown-linux-musl"
        ),
        "{log}"
    );
    assert!(log.contains("set cargo-fallback: true"), "{log}");

    // Asked to fall back, with no cargo to do it: says so instead of half-installing.
    let out = install(
        &server.url,
        &root_dir,
        &[
            ("RUNNER_ARCH", "ARM64"),
            ("CARGO_FALLBACK", "true"),
            ("PATH", "/usr/bin:/bin"),
        ],
    );
    let log = text(&out);
    assert_eq!(out.status.code(), Some(1), "{log}");
    assert!(
        log.contains("cargo is not installed to build inboxlint instead"),
        "{log}"
    );

    let out = install(
        &server.url,
        &root_dir,
        &[("RUNNER_ARCH", "ARM64"), ("CARGO_FALLBACK", "maybe")],
    );
    assert!(
        text(&out).contains("cargo-fallback must be true or false"),
        "{}",
        text(&out)
    );

    // A version that was never released: the checksums file is not there.
    let out = install(
        &server.url,
        &root_dir,
        &[("INBOXLINT_RELEASE_URL", &format!("{}/nope", server.url))],
    );
    let log = text(&out);
    assert_eq!(out.status.code(), Some(1), "{log}");
    assert!(log.contains("cannot download"), "{log}");
    assert!(log.contains("is a published release"), "{log}");
}

#[test]
fn npm_launcher_runs_the_platform_package() {
    let this_platform = cfg!(target_os = "linux") && cfg!(target_arch = "x86_64");
    if !(this_platform && have("npm") && have("node")) {
        return;
    }
    let tmp = tempfile::tempdir().expect("tempdir");
    let stage = tmp.path().join("stage");
    let run = Command::new("bash")
        .arg(root().join("scripts/npm-stage.sh"))
        .arg("--out")
        .arg(&stage)
        .arg(format!("linux-x64={}", bin().display()))
        .output()
        .expect("bash");
    assert!(run.status.success(), "{}", text(&run));
    let mut tarballs = Vec::new();
    for pkg in ["inboxlint", "cli-linux-x64"] {
        let pack = Command::new("npm")
            .args(["pack", "--silent", "--pack-destination"])
            .arg(tmp.path())
            .current_dir(stage.join(pkg))
            .output()
            .expect("npm pack");
        assert!(pack.status.success(), "{}", text(&pack));
        tarballs.push(tmp.path().join(String::from_utf8_lossy(&pack.stdout).trim()));
    }
    let project = tmp.path().join("project");
    std::fs::create_dir(&project).expect("mkdir");
    std::fs::write(
        project.join("package.json"),
        "{\"name\": \"scratch\", \"private\": true}\n",
    )
    .expect("write");
    // --offline: the other platforms' optional packages are skipped, not fetched.
    let add = Command::new("npm")
        .args(["install", "--offline", "--no-audit", "--no-fund", "--loglevel=error"])
        .args(&tarballs)
        .current_dir(&project)
        .output()
        .expect("npm install");
    assert!(add.status.success(), "{}", text(&add));

    std::fs::write(project.join("sale.html"), BAD_TEMPLATE).expect("write");
    let launcher = project.join("node_modules/.bin/inboxlint");
    let lint = Command::new(&launcher)
        .args(["check", "--format", "concise", "sale.html"])
        .current_dir(&project)
        .output()
        .expect("launcher runs");
    assert_eq!(lint.status.code(), Some(1), "exit code passes through: {}", text(&lint));
    assert!(
        String::from_utf8_lossy(&lint.stdout).contains("privacy/pii-in-url"),
        "{}",
        text(&lint)
    );

    // Without the platform package the launcher says what is missing.
    std::fs::remove_dir_all(project.join("node_modules/@inboxlint")).expect("rm");
    let lint = Command::new(&launcher)
        .arg("--version")
        .current_dir(&project)
        .output()
        .expect("runs");
    assert_eq!(lint.status.code(), Some(2), "{}", text(&lint));
    assert!(
        String::from_utf8_lossy(&lint.stderr).contains("@inboxlint/cli-linux-x64"),
        "{}",
        text(&lint)
    );
}
