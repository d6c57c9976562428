//! Issue 10's acceptance, through the real binary: the two examples a new user tried
//! (`emails/sale.hbs` with `{{> footer}}`, `emails/sale.mjml` with
//! `<mj-include path="./partials/footer.mjml" />`, each footer holding a street address and
//! `{{unsubscribe_url}}`) give no finding; without the footer's unsubscribe link exactly one
//! `canspam/unsubscribe-missing` appears on each entry template that includes it, located in
//! the entry, with a related label in the partial (json `labels[].path`, SARIF
//! `relatedLocations`, and in the pretty and concise text).

use assert_cmd::Command;
use serde_json::Value;
use std::path::{Path, PathBuf};

const ADDRESS: &str = "Northwind Bicycle Co. &middot; 418 Alder Street, Portland, OR 97204";
const UNSUBSCRIBE: &str = r#"<a href="{{unsubscribe_url}}">Unsubscribe</a>"#;

const SALE_HBS: &str = r#"<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>Spring sale: 25% off touring bikes</title></head>
<body>
  <h1>Spring sale starts now</h1>
  <p>Take 25% off every touring bike until Sunday.</p>
  <p><a href="https://northwind-bikes.example/sale">Shop the sale</a></p>
  {{> footer}}
</body>
</html>
"#;

/// A second entry on the same partial: the finding belongs to each message, once.
const NEWSLETTER_HBS: &str = r#"<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>The Northwind Dispatch</title></head>
<body>
  <h1>The Northwind Dispatch</h1>
  <p>New bikes, a gravel loop, and 15% off racks this month.</p>
  {{> footer}}
</body>
</html>
"#;

const SALE_MJML: &str = r#"<mjml>
  <mj-head><mj-title>Gear Swap Sale: up to 40% off tents</mj-title></mj-head>
  <mj-body>
    <mj-section>
      <mj-column>
        <mj-text>Save up to 40% on tents, sleeping bags and stoves through Sunday.</mj-text>
        <mj-button href="https://northwind-bikes.example/sale">Shop the sale</mj-button>
      </mj-column>
    </mj-section>
    <mj-include path="./partials/footer.mjml" />
  </mj-body>
</mjml>
"#;

fn footer_hbs(unsubscribe: &str) -> String {
    format!(
        "<table role=\"presentation\"><tr><td class=\"footer\">\n  <p>{ADDRESS}</p>\n  <p>{unsubscribe}</p>\n</td></tr></table>\n"
    )
}

fn footer_mjml(unsubscribe: &str) -> String {
    format!(
        "<mj-section>\n  <mj-column>\n    <mj-text font-size=\"12px\">{ADDRESS}<br />{unsubscribe}</mj-text>\n  </mj-column>\n</mj-section>\n"
    )
}

/// The two examples in a fresh directory; `unsubscribe` is what the footers hold as the link.
fn project(unsubscribe: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    let files = [
        ("emails/sale.hbs", SALE_HBS.to_string()),
        ("emails/newsletter.hbs", NEWSLETTER_HBS.to_string()),
        ("emails/partials/footer.hbs", footer_hbs(unsubscribe)),
        ("emails/sale.mjml", SALE_MJML.to_string()),
        ("emails/partials/footer.mjml", footer_mjml(unsubscribe)),
    ];
    for (path, text) in files {
        let p = dir.path().join(path);
        std::fs::create_dir_all(p.parent().expect("has a parent")).expect("mkdir");
        std::fs::write(p, text).expect("write");
    }
    dir
}

fn complete() -> tempfile::TempDir {
    project(UNSUBSCRIBE)
}

/// The footers keep the address and lose the unsubscribe link.
fn without_unsubscribe() -> tempfile::TempDir {
    project("Questions? Reply to this email.")
}

fn check(dir: &Path, format: &str) -> (String, Option<i32>) {
    let out = Command::cargo_bin("inboxlint")
        .expect("binary builds")
        .current_dir(dir)
        .env_remove("INBOXLINT_FORMAT")
        .env("NO_COLOR", "1")
        .args(["check", ".", "--format", format])
        .output()
        .expect("runs");
    (String::from_utf8_lossy(&out.stdout).into_owned(), out.status.code())
}

fn json(dir: &Path) -> (Value, Option<i32>) {
    let (text, code) = check(dir, "json");
    let v = serde_json::from_str(&text).unwrap_or_else(|e| panic!("json ({e}): {text}"));
    (v, code)
}

fn diagnostics(v: &Value) -> Vec<&Value> {
    v["diagnostics"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|d| d["suppressed"].is_null())
        .collect()
}

fn of_rule<'a>(ds: &[&'a Value], rule: &str) -> Vec<&'a Value> {
    ds.iter().copied().filter(|d| d["rule"] == rule).collect()
}

/// Each entry and the partial it pulls its footer from.
const ENTRIES: &[(&str, &str)] = &[
    ("emails/sale.hbs", "emails/partials/footer.hbs"),
    ("emails/newsletter.hbs", "emails/partials/footer.hbs"),
    ("emails/sale.mjml", "emails/partials/footer.mjml"),
];

#[test]
fn the_two_examples_give_no_finding() {
    let dir = complete();
    let (v, code) = json(dir.path());
    let ds = diagnostics(&v);
    assert!(
        ds.is_empty(),
        "{}",
        serde_json::to_string_pretty(&ds).unwrap_or_default()
    );
    assert_eq!(code, Some(0));
}

#[test]
fn without_the_footers_unsubscribe_each_entry_gets_one_finding_labelled_in_the_partial() {
    let dir = without_unsubscribe();
    let (v, code) = json(dir.path());
    let ds = diagnostics(&v);
    let missing = of_rule(&ds, "canspam/unsubscribe-missing");
    for (entry, partial) in ENTRIES {
        let here: Vec<_> = missing.iter().filter(|d| d["path"] == *entry).collect();
        assert_eq!(
            here.len(),
            1,
            "{entry}: {}",
            serde_json::to_string_pretty(&missing).unwrap_or_default()
        );
        assert_eq!(
            here[0]["severity"], "error",
            "{entry}: the partial was found, so it is a real error"
        );
        let labels = here[0]["labels"].as_array().cloned().unwrap_or_default();
        assert!(
            labels.iter().any(|l| l["path"] == *partial),
            "{entry}: a label in {partial}: {labels:?}"
        );
    }
    assert_eq!(missing.len(), ENTRIES.len(), "partials are not messages: {missing:?}");
    // The address is still in the footers: nothing else is wrong with these messages.
    assert_eq!(
        ds.len(),
        ENTRIES.len(),
        "{}",
        serde_json::to_string_pretty(&ds).unwrap_or_default()
    );
    assert_eq!(code, Some(1));
}

#[test]
fn sarif_relates_each_finding_to_the_partial() {
    let dir = without_unsubscribe();
    let (text, _) = check(dir.path(), "sarif");
    let v: Value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("sarif ({e}): {text}"));
    let results = v["runs"][0]["results"].as_array().cloned().unwrap_or_default();
    for (entry, partial) in ENTRIES {
        let here: Vec<_> = results
            .iter()
            .filter(|r| {
                r["ruleId"] == "canspam/unsubscribe-missing"
                    && r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == *entry
            })
            .collect();
        assert_eq!(here.len(), 1, "{entry}: {results:?}");
        let related = here[0]["relatedLocations"].as_array().cloned().unwrap_or_default();
        assert!(
            related
                .iter()
                .any(|l| l["physicalLocation"]["artifactLocation"]["uri"] == *partial),
            "{entry}: relatedLocations into {partial}: {related:?}"
        );
    }
}

fn settings(suffix: &str) -> insta::Settings {
    let mut s = insta::Settings::clone_current();
    s.set_snapshot_path(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("snapshots"));
    s.set_prepend_module_to_snapshot(false);
    s.set_snapshot_suffix(suffix);
    s
}

#[test]
fn pretty_and_concise_show_the_entry_and_the_partial() {
    let dir = without_unsubscribe();
    for format in ["pretty", "concise"] {
        let (text, code) = check(dir.path(), format);
        assert_eq!(code, Some(1), "{format}: {text}");
        for (entry, partial) in ENTRIES {
            assert!(text.contains(entry), "{format} names {entry}:\n{text}");
            if format == "pretty" {
                assert!(text.contains(partial), "pretty shows the label in {partial}:\n{text}");
            }
        }
        settings(format).bind(|| insta::assert_snapshot!("messages_footer_without_unsubscribe", text));
    }
}

#[test]
fn a_missing_footer_is_an_include_finding_and_only_an_info_on_the_message() {
    let dir = complete();
    for (_, partial) in ENTRIES {
        let _ = std::fs::remove_file(dir.path().join(partial));
    }
    let (v, _) = json(dir.path());
    let ds = diagnostics(&v);
    for (entry, partial) in ENTRIES {
        let on =
            |rule: &str| -> Vec<&Value> { of_rule(&ds, rule).into_iter().filter(|d| d["path"] == *entry).collect() };
        assert_eq!(
            on("template/include-missing").len(),
            1,
            "{entry} includes the missing {partial}: {ds:?}"
        );
        for rule in ["canspam/unsubscribe-missing", "canspam/physical-address-missing"] {
            let here = on(rule);
            assert_eq!(here.len(), 1, "{entry}: {rule}: {ds:?}");
            assert_eq!(
                here[0]["severity"], "info",
                "{entry}: {rule} cannot be judged, so it says so"
            );
        }
    }
}
