//! Plain-text parts of emails, through the real binary: which `.txt` files are read, that a text
//! part is held to the same message rules as its HTML part, and that each finding names the part
//! that lacks something.

use assert_cmd::Command;
use std::path::{Path, PathBuf};

fn inboxlint(dir: &Path) -> Command {
    let mut cmd = Command::cargo_bin("inboxlint").expect("binary builds");
    cmd.current_dir(dir).env_remove("INBOXLINT_FORMAT").env("NO_COLOR", "1");
    cmd
}

fn write(dir: &Path, files: &[(&str, &str)]) {
    for (path, text) in files {
        let p = dir.join(path);
        std::fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
        std::fs::write(p, text).expect("write");
    }
}

fn json(dir: &Path, args: &[&str]) -> serde_json::Value {
    let out = inboxlint(dir)
        .args(["check", "--format", "json"])
        .args(args)
        .output()
        .expect("runs");
    assert!(
        matches!(out.status.code(), Some(0 | 1)),
        "exit {:?}: {}",
        out.status.code(),
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("json output")
}

/// (rule, path, source text at the span) of every finding.
fn findings(dir: &Path, v: &serde_json::Value) -> Vec<(String, String, String)> {
    v["diagnostics"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|d| d["suppressed"].is_null())
        .map(|d| {
            let path = d["path"].as_str().unwrap_or_default().to_string();
            let text = std::fs::read_to_string(dir.join(&path)).unwrap_or_default();
            let off = d["span"]["offset"].as_u64().unwrap_or(0) as usize;
            let len = d["span"]["length"].as_u64().unwrap_or(0) as usize;
            let at = text.get(off..off + len).unwrap_or("<bad span>").to_string();
            (d["rule"].as_str().unwrap_or_default().to_string(), path, at)
        })
        .collect()
}

fn linted_files(v: &serde_json::Value) -> Vec<(String, String)> {
    v["files"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|f| {
            (
                f["path"].as_str().unwrap_or_default().to_string(),
                f["kind"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect()
}

const HTML_PART: &str = "<html><body><h1>Spring sale</h1><p>20% off everything this week.</p>\n<p>Acme Inc. · 2261 Market Street #4109, San Francisco, CA 94114 · <a href=\"{{ unsubscribe_url }}\">Unsubscribe</a></p></body></html>\n";
const TEXT_PART_WITHOUT_UNSUBSCRIBE: &str = "Spring sale\n\n20% off everything this week: https://acme.example/sale\n\nAcme Inc.\n2261 Market Street #4109\nSan Francisco, CA 94114\n";

/// A project with a marketing message in two parts, the text part lacking its unsubscribe link,
/// plus text files that are not mail.
fn project() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    write(
        dir.path(),
        &[
            ("emails/sale.html", HTML_PART),
            ("emails/sale.txt", TEXT_PART_WITHOUT_UNSUBSCRIBE),
            // Project documents and notes are never parts, even beside templates.
            (
                "emails/README.txt",
                "Templates for the Acme shop. Edit {{ first_name }} with care.\n",
            ),
            ("emails/notes.txt", "Remember to update the spring banner.\n"),
            ("requirements.txt", "requests==2.32.0\n"),
        ],
    );
    dir
}

#[test]
fn the_text_part_lacking_an_unsubscribe_gets_exactly_one_finding() {
    let dir = project();
    let v = json(dir.path(), &["."]);
    let found = findings(dir.path(), &v);
    let unsubscribe: Vec<_> = found
        .iter()
        .filter(|(rule, ..)| rule == "canspam/unsubscribe-missing")
        .collect();
    assert_eq!(
        unsubscribe,
        vec![&(
            "canspam/unsubscribe-missing".to_string(),
            "emails/sale.txt".to_string(),
            String::new()
        )],
        "{found:?}"
    );
    // The text part has its address: the address rule is satisfied there, as in the HTML part.
    assert!(
        !found
            .iter()
            .any(|(rule, ..)| rule == "canspam/physical-address-missing"),
        "{found:?}"
    );
    assert_eq!(
        linted_files(&v),
        vec![
            ("emails/sale.html".to_string(), "html".to_string()),
            ("emails/sale.txt".to_string(), "text".to_string()),
        ]
    );
    assert_eq!(v["summary"]["files"], 2);
}

#[test]
fn snapshot_of_a_message_with_a_text_part() {
    let dir = project();
    for format in ["pretty", "concise"] {
        let out = inboxlint(dir.path())
            .args(["check", ".", "--format", format])
            .output()
            .expect("runs");
        assert_eq!(out.status.code(), Some(1));
        let text = String::from_utf8_lossy(&out.stdout).to_string();
        let mut s = insta::Settings::clone_current();
        s.set_snapshot_path(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("snapshots"));
        s.set_prepend_module_to_snapshot(false);
        s.set_snapshot_suffix(format);
        s.bind(|| insta::assert_snapshot!("text_part", text));
    }
}

#[test]
fn a_text_part_with_a_bare_unsubscribe_url_or_tag_is_compliant() {
    let dir = tempfile::tempdir().expect("temp dir");
    let address = "Acme Inc.\n2261 Market Street #4109\nSan Francisco, CA 94114\n";
    write(
        dir.path(),
        &[
            ("emails/a.html", HTML_PART),
            (
                "emails/a.txt",
                &format!("Sale!\n\n{address}\nUnsubscribe: {{{{ unsubscribe_url }}}}\n"),
            ),
            ("emails/b.html", HTML_PART),
            (
                "emails/b.txt",
                &format!("Sale!\n\n{address}\nTo stop receiving these emails, visit:\nhttps://acme.example/u/9f2c\n"),
            ),
            (
                "emails/c.mjml",
                "<mjml><mj-body><mj-section><mj-column><mj-text>Acme Inc. · 2261 Market Street #4109, San Francisco, CA 94114 · <a href=\"*|UNSUB|*\">Unsubscribe</a></mj-text></mj-column></mj-section></mj-body></mjml>\n",
            ),
            ("emails/c.txt", &format!("Sale!\n{address}*|UNSUB|*\n")),
        ],
    );
    let v = json(dir.path(), &["."]);
    assert_eq!(findings(dir.path(), &v), Vec::new());
    let kinds = linted_files(&v);
    assert_eq!(kinds.iter().filter(|(_, k)| k == "text").count(), 3, "{kinds:?}");
}

#[test]
fn rails_text_templates_and_mail_directories() {
    let dir = tempfile::tempdir().expect("temp dir");
    write(
        dir.path(),
        &[
            (
                "app/views/user_mailer/digest.html.erb",
                "<p>Hi <%= @user.first_name %></p><p>Acme Inc. · 2261 Market Street #4109, San Francisco, CA 94114 · <a href=\"<%= unsubscribe_url %>\">Unsubscribe</a></p>\n",
            ),
            (
                "app/views/user_mailer/digest.text.erb",
                "Hi <%= @user.first_name %>\n\nAcme Inc. · 2261 Market Street #4109, San Francisco, CA 94114\n",
            ),
            // Alone in a mail directory, a `.txt` with a merge tag is a text part...
            (
                "notifications/weekly.txt",
                "Hi {{ first_name }}, here is your week.\nAcme Inc., 2261 Market Street #4109, San Francisco, CA 94114\nUnsubscribe: {{ unsubscribe_url }}\n",
            ),
            // ...one without any is a note.
            (
                "notifications/ideas.txt",
                "Write the weekly mail. http://wiki.example/mail\n",
            ),
            // Outside a mail directory and unpaired: not read.
            ("docs/weekly.txt", "Hi {{ first_name }}. http://insecure.example\n"),
        ],
    );
    let v = json(dir.path(), &["."]);
    let found = findings(dir.path(), &v);
    assert_eq!(
        found,
        vec![(
            "canspam/unsubscribe-missing".to_string(),
            "app/views/user_mailer/digest.text.erb".to_string(),
            String::new()
        )]
    );
    assert_eq!(
        linted_files(&v),
        vec![
            ("app/views/user_mailer/digest.html.erb".to_string(), "html".to_string()),
            ("app/views/user_mailer/digest.text.erb".to_string(), "text".to_string()),
            ("notifications/weekly.txt".to_string(), "text".to_string()),
        ]
    );
}

#[test]
fn config_kinds_force_a_text_part_and_token_rules_point_into_it() {
    let dir = tempfile::tempdir().expect("temp dir");
    write(
        dir.path(),
        &[
            (
                ".inboxlint.yaml",
                "kinds:\n  \"out/*.txt\": text\ntransactional: [\"out/**\"]\n",
            ),
            (
                "out/receipt.txt",
                "Your receipt\nTrack it: http://track.example/o?e={{ customer.email }}\n",
            ),
        ],
    );
    let v = json(dir.path(), &["."]);
    let mut found = findings(dir.path(), &v);
    found.sort();
    assert_eq!(
        found,
        vec![
            (
                "privacy/pii-in-url".to_string(),
                "out/receipt.txt".to_string(),
                "{{ customer.email }}".to_string()
            ),
            (
                "security/insecure-link".to_string(),
                "out/receipt.txt".to_string(),
                "http://track.example/o?e={{ customer.email }}".to_string()
            ),
        ]
    );
}

#[test]
fn a_text_part_named_on_the_command_line_and_suppressed_in_its_comment_syntax() {
    let dir = tempfile::tempdir().expect("temp dir");
    write(
        dir.path(),
        &[
            ("emails/promo.html.hbs", HTML_PART),
            (
                "emails/promo.text.hbs",
                "{{!-- inboxlint-ignore-file canspam/unsubscribe-missing: the ESP appends its footer to text parts --}}\nSale!\n2261 Market Street #4109, San Francisco, CA 94114\n",
            ),
        ],
    );
    let v = json(dir.path(), &["emails/promo.text.hbs"]);
    assert_eq!(findings(dir.path(), &v), Vec::new());
    assert_eq!(
        linted_files(&v),
        vec![("emails/promo.text.hbs".to_string(), "text".to_string())]
    );
}
