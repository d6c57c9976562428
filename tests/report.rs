//! `inboxlint report --html`: the real binary on a small project with a hostile template, a
//! transactional email, a campaign config and a baseline. The page's numbers must be the ones
//! `check --format json` gives, everything from a template must come out escaped, and the page
//! must load in headless Chromium with no request and no console error.

use assert_cmd::Command;
use serde_json::Value;
use std::path::{Path, PathBuf};

const HOSTILE: &str = r#"<!DOCTYPE html>
<html><head><title>Sale </iframe><script>document.title='PWNED'</script></title>
<link rel="stylesheet" href="https://fonts.example.com/x.css"></head>
<body onload="document.body.innerHTML='PWNED'">
<p>Hello {{ first_name }} "quoted" & 'single' </iframe><script>document.body.innerHTML='PWNED'</script></p>
<img src="https://tracker.example.com/open.gif?e={{ email }}" alt="">
<a href="http://shop.example.com/?email={{ email }}">Shop now</a>
<div style="background:url('https://cdn.example.com/bg.png')">Big sale: 20% off everything</div>
</body></html>
"#;

const RECEIPT: &str = r#"<html><head><title>Your receipt</title></head><body>
<h1>Thanks for your order {{ order.number }}</h1>
<p>Order total: {{ order.total }}. Your receipt is below.</p>
<a href="http://shop.example.com/orders/{{ order.id }}">View order</a>
</body></html>
"#;

const CAMPAIGN: &str = "name: Spring sale\nsubject: Spring sale\ntemplate: emails/sale.html\nsmtp:\n  host: smtp.example.com\n  tls: false\n";

/// Marketing mail without an unsubscribe link or address; baselined below.
const OLD: &str = "<html><body><h1>Our autumn sale</h1><p>50% off shoes this week only. <a href=\"https://shop.example.com/sale\">Shop the sale</a></p></body></html>\n";

fn bin() -> Command {
    Command::cargo_bin("inboxlint").unwrap()
}

/// The project, with `emails/old.html` baselined; returns the baseline's path.
fn project(dir: &Path) -> PathBuf {
    std::fs::create_dir_all(dir.join("emails")).unwrap();
    std::fs::create_dir_all(dir.join("campaigns")).unwrap();
    std::fs::write(dir.join("emails/old.html"), OLD).unwrap();
    let baseline = dir.join("baseline.json");
    bin()
        .current_dir(dir)
        .args(["check", "--exit-zero", "--write-baseline", "baseline.json", "emails"])
        .assert()
        .success();
    std::fs::write(dir.join("emails/sale.html"), HOSTILE).unwrap();
    std::fs::write(dir.join("emails/receipt.html"), RECEIPT).unwrap();
    std::fs::write(dir.join("campaigns/spring.yaml"), CAMPAIGN).unwrap();
    baseline
}

fn check_json(dir: &Path) -> Value {
    let out = bin()
        .current_dir(dir)
        .args(["check", "--format", "json", "--baseline", "baseline.json", "."])
        .output()
        .unwrap();
    serde_json::from_slice(&out.stdout).unwrap()
}

fn report(dir: &Path) -> String {
    bin()
        .current_dir(dir)
        .args([
            "report",
            "--html",
            "out/report.html",
            "--baseline",
            "baseline.json",
            ".",
        ])
        .assert()
        .success();
    std::fs::read_to_string(dir.join("out/report.html")).unwrap()
}

/// The number in `data-count="key">N<` of the summary section.
fn count(page: &str, key: &str) -> usize {
    let summary = &page[page.find("id=\"summary\"").unwrap()..];
    let needle = format!("data-count=\"{key}\">");
    let at = summary.find(&needle).unwrap_or_else(|| panic!("no {key} count")) + needle.len();
    summary[at..].split('<').next().unwrap().parse().unwrap()
}

fn expected_counts(json: &Value) -> Vec<(&'static str, usize)> {
    let s = &json["summary"];
    let n = |k: &str| s[k].as_u64().unwrap() as usize;
    let baselined = json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["suppressed"]["kind"] == "baseline")
        .count();
    let messages = json["files"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| matches!(f["kind"].as_str(), Some("html" | "mjml" | "text")))
        .count();
    vec![
        ("files", n("files")),
        ("errors", n("errors")),
        ("warnings", n("warnings")),
        ("infos", n("infos")),
        ("baselined", baselined),
        ("messages", messages),
    ]
}

#[test]
fn report_counts_match_check_json_and_everything_is_escaped() {
    let dir = tempfile::tempdir().unwrap();
    project(dir.path());
    let json = check_json(dir.path());
    let page = report(dir.path());

    let expected = expected_counts(&json);
    for (key, n) in &expected {
        assert_eq!(count(&page, key), *n, "{key}");
    }
    assert!(
        count(&page, "errors") > 0 && count(&page, "baselined") > 0,
        "the project must have new and baselined findings"
    );

    // Every finding is listed, in every state, each with its rule's references.
    let findings = json["diagnostics"].as_array().unwrap().len();
    assert_eq!(page.matches("<li class=\"finding ").count(), findings);
    assert!(page.contains("Legal basis and references: "));
    assert!(page.contains("15 U.S.C. §7704"));
    // Classes with their reasons, one row per message.
    assert_eq!(page.matches("<tr data-message>").count(), count(&page, "messages"));
    let receipt_class = json["files"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["path"] == "emails/receipt.html")
        .map(|f| f["class"]["name"].as_str().unwrap().to_string())
        .unwrap();
    let row = &page[page.find(">emails/receipt.html<").unwrap()..];
    let row = &row[..row.find("</tr>").unwrap()];
    assert!(
        row.contains(&format!("badge {receipt_class}\">{receipt_class}<")),
        "{row}"
    );
    // A regulation table row and a chart for each view.
    for slug in ["can-spam", "casl", "gdpr-pecr", "ccpa", "bulk-sender", "none"] {
        assert!(page.contains(&format!("data-regulation=\"{slug}\"")), "{slug}");
    }
    for chart in ["by-regulation", "by-rule", "by-state"] {
        assert!(page.contains(&format!("data-chart=\"{chart}\"")), "{chart}");
    }

    // Escaping: nothing from the templates is markup in the page.
    let lower = page.to_ascii_lowercase();
    assert!(!lower.contains("<script"), "a script element in the page");
    assert!(!lower.contains("</iframe><script"));
    assert!(
        page.contains("&lt;/iframe&gt;&lt;script&gt;"),
        "the hostile text is shown escaped"
    );
    assert!(!page.contains(" onload="));
    // Previews: sandboxed with no permission, a CSP of their own, remote URLs gone.
    let frames = page.matches("<iframe ").count();
    assert!(frames >= 2, "{frames} previews");
    assert_eq!(page.matches("<iframe sandbox=\"\" ").count(), frames);
    assert!(!lower.contains("allow-scripts") && !lower.contains("allow-same-origin"));
    assert_eq!(page.matches("Content-Security-Policy&quot;").count(), frames);
    assert!(page.contains("data-inboxlint-finding="));
    // CSS keeps the URL text but not as a `url()`, so the declaration is dropped.
    assert!(page.contains("background:inboxlint-blocked-url(&#39;https://cdn.example.com/bg.png"));
    for remote in [
        "https://tracker.example.com",
        "https://fonts.example.com",
        "background:url(",
    ] {
        let in_srcdoc = page
            .split("srcdoc=\"")
            .skip(1)
            .any(|s| s[..s.find('"').unwrap()].contains(remote));
        assert!(!in_srcdoc, "{remote} left in a preview");
    }
    // The page's own policy forbids every fetch.
    assert!(page.contains("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none';"));
    for tag in ["<link", "<img src=\"http", "<script", "@import", "@font-face"] {
        assert!(!lower.contains(tag), "{tag}");
    }
}

#[test]
fn report_preview_limits_are_said_on_the_page() {
    let dir = tempfile::tempdir().unwrap();
    project(dir.path());
    bin()
        .current_dir(dir.path())
        .args(["report", "--html", "r.html", "--max-previews", "1", "."])
        .assert()
        .success();
    let page = std::fs::read_to_string(dir.path().join("r.html")).unwrap();
    assert_eq!(page.matches("<iframe ").count(), 1);
    assert!(page.contains("No preview: only the 1 templates with the most findings are previewed."));
    bin()
        .current_dir(dir.path())
        .args(["report", "--html", "r.html", "--max-preview-kib", "0", "."])
        .assert()
        .success();
    let page = std::fs::read_to_string(dir.path().join("r.html")).unwrap();
    assert_eq!(page.matches("<iframe ").count(), 0);
    assert!(page.contains("KB, over the 0 KB preview limit."));
}

#[test]
fn report_needs_an_output_file_and_known_profiles() {
    bin().args(["report", "."]).assert().code(2);
    bin()
        .args(["report", "--html", "x.html", "--profile", "mars", "."])
        .assert()
        .code(2);
}

/// Chromium, or None after saying why the browser test cannot run; under CI (`CI=true`, or
/// `INBOXLINT_REQUIRE_BROWSER` which `.ci/run` sets after installing Debian's `chromium`) a
/// missing browser fails the test instead.
fn chromium() -> Option<()> {
    let found = ["chromium", "chromium-browser"].iter().any(|c| {
        std::process::Command::new(c)
            .arg("--version")
            .output()
            .is_ok_and(|o| o.status.success())
    });
    let python = std::process::Command::new("python3").arg("--version").output().is_ok();
    if found && python {
        return Some(());
    }
    let why = if found {
        "python3 is not installed"
    } else {
        "chromium is not installed (apt-get install chromium)"
    };
    let required =
        std::env::var("CI").is_ok_and(|v| v == "true") || std::env::var_os("INBOXLINT_REQUIRE_BROWSER").is_some();
    assert!(!required, "the browser test must run in CI, but {why}");
    eprintln!("skipping the headless Chromium test: {why}");
    None
}

fn load_in_chromium(page: &Path, screenshot: &Path) -> Value {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/browser/load_page.py");
    let out = std::process::Command::new("python3")
        .arg(script)
        .arg(page)
        .arg(screenshot)
        .args(["1280", "1600"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "load_page.py failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

fn strings(v: &Value) -> Vec<String> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|s| s.as_str().unwrap().to_string())
        .collect()
}

#[test]
fn report_loads_in_headless_chromium_with_no_request_and_no_console_error() {
    if chromium().is_none() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    project(dir.path());
    let json = check_json(dir.path());
    report(dir.path());
    let shots = Path::new(env!("CARGO_TARGET_TMPDIR"));
    let shot = shots.join("report-screenshot.png");

    // The harness itself: a page that fetches and logs must be caught, in a sandboxed frame too.
    let control = dir.path().join("control.html");
    std::fs::write(
        &control,
        "<!DOCTYPE html><html><head><title>c</title></head><body><img src=\"http://remote.invalid/a.png\">\
         <iframe sandbox=\"\" srcdoc=\"&lt;img src=&quot;http://remote.invalid/framed.png&quot;&gt;\"></iframe>\
         <script>console.error('control')</script></body></html>",
    )
    .unwrap();
    let seen = load_in_chromium(&control, &shots.join("report-control.png"));
    let console = strings(&seen["console"]).join("\n");
    assert!(
        strings(&seen["requests"])
            .iter()
            .any(|u| u.starts_with("http://remote.invalid/a.png"))
    );
    assert!(
        console.contains("control") && console.contains("framed.png"),
        "{console}"
    );

    let seen = load_in_chromium(&dir.path().join("out/report.html"), &shot);
    eprintln!("screenshot: {}", shot.display());
    let requests = strings(&seen["requests"]);
    let remote: Vec<&String> = requests
        .iter()
        .filter(|u| !(u.starts_with("file:") || u.starts_with("data:") || u.starts_with("about:")))
        .collect();
    assert!(remote.is_empty(), "the page made requests: {remote:?}");
    assert!(requests.iter().any(|u| u.ends_with("out/report.html")), "{requests:?}");
    let console = strings(&seen["console"]);
    assert!(console.is_empty(), "console errors: {console:#?}");
    assert_eq!(seen["title"], "inboxlint compliance report");
    assert_eq!(seen["scripts"], 0);
    assert!(seen["frames"].as_u64().unwrap() >= 2);
    assert_eq!(seen["sandboxed"], seen["frames"]);
    for (key, n) in expected_counts(&json) {
        let shown = &seen["counts"][key];
        assert_eq!(shown["text"], n.to_string(), "{key} as rendered");
        assert_eq!(shown["visible"], true, "{key} is visible");
    }
    let png = std::fs::read(&shot).unwrap();
    assert!(
        png.starts_with(b"\x89PNG") && png.len() > 10_000,
        "screenshot of {} bytes",
        png.len()
    );
}
