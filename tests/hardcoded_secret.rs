//! `security/hardcoded-secret` end to end: known key formats are errors, other literal
//! credentials warnings, and values from elsewhere or placeholders nothing at all.

use inboxlint::document::{FileKind, SourceFormat};
use inboxlint::engine::{LintAs, Linter, Overrides};
use inboxlint::report::Severity;
use std::path::Path;

fn secret_findings(file: &str, text: &str) -> Vec<(Severity, String)> {
    let linter = Linter::new(Overrides {
        isolated: true,
        ..Overrides::default()
    });
    let setup = linter.setup_for(Path::new(file)).expect("default setup");
    let format = if file.ends_with(".env") {
        SourceFormat::Env
    } else {
        SourceFormat::Yaml
    };
    linter
        .lint_as(Path::new(file), text, &setup, &LintAs::new(FileKind::Config, format))
        .into_iter()
        .filter(|d| d.rule == "security/hardcoded-secret")
        .map(|d| (d.severity, text[d.span.start..d.span.end].to_string()))
        .collect()
}

#[test]
fn known_key_formats_are_errors() {
    let cases = [
        (
            "SENDGRID_API_KEY",
            "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",
        ),
        ("MAILGUN_KEY", "key-3a6f9d2c4b8e1f7a0c5d9e2b6a4f8c1d"),
        ("MAILCHIMP_KEY", "0123456789abcdef0123456789abcdef-us12"),
        ("AWS_ACCESS_KEY_ID", "AKIAIOSFODNN7EXAMPLF"),
        ("STRIPE_KEY", "sk_live_4eC39HqLyjWDarjtT1zdp7dc"),
        ("POSTMARK_SERVER_TOKEN", "b4e3c1f2-9a7d-4c1e-8f2a-6d5e4c3b2a19"),
        (
            "SLACK_TOKEN",
            "xoxb-263594206564-2343594206574-FGqddMF8t08v8N7Oq4i57vs1",
        ),
        (
            "NOTIFY_WEBHOOK",
            "xoxp-263594206564-2343594206574-FGqddMF8t08v8N7Oq4i57vs1",
        ),
    ];
    for (key, value) in cases {
        let found = secret_findings(".env", &format!("{key}={value}\n"));
        assert_eq!(found, vec![(Severity::Error, value.to_string())], "{key}");
    }
}

#[test]
fn other_literal_credentials_are_warnings() {
    let text = "smtp:\n  password: hunter2\ndatabase:\n  url: postgres://app:s3cr3t@db.acme.example/app\n";
    let found = secret_findings("config.yaml", text);
    assert_eq!(
        found,
        vec![
            (Severity::Warning, "hunter2".to_string()),
            (
                Severity::Warning,
                "postgres://app:s3cr3t@db.acme.example/app".to_string()
            ),
        ]
    );
}

#[test]
fn indirect_placeholder_and_empty_values_are_never_secrets() {
    let text = "\
SENDGRID_API_KEY=${SENDGRID_API_KEY}
MAILGUN_API_KEY=env(MAILGUN_API_KEY)
SMTP_PASSWORD=<placeholder>
DB_PASSWORD=changeme
API_TOKEN=xxxx
STRIPE_SECRET_KEY=
AWS_SECRET_ACCESS_KEY=<your-key>
DATABASE_URL=postgres://app:${DB_PASSWORD}@db/app
";
    assert_eq!(secret_findings(".env", text), Vec::new());
    let yaml = "mail:\n  api_key: null\n  password: ''\n  token: ~\n";
    assert_eq!(secret_findings("mail.yaml", yaml), Vec::new());
}
