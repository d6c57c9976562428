//! Parse + lint of one large template, one campaign config and one schema: the per-file cost
//! behind `inboxlint check`, without discovery, reading or rendering. Inputs are built here so
//! the figures do not depend on files outside the repository.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use inboxlint::engine::{Linter, Overrides};
use std::hint::black_box;
use std::path::Path;

/// A ~100 KB table-layout marketing email: preheader, MSO conditionals, product grid, merge
/// tags of several ESPs, tracking links and a footer with the address and unsubscribe link.
fn large_template() -> String {
    let mut s = String::from(concat!(
        "<!DOCTYPE html PUBLIC \"-//W3C//DTD XHTML 1.0 Transitional//EN\" \"http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd\">\n",
        "<html xmlns=\"http://www.w3.org/1999/xhtml\"><head><meta charset=\"utf-8\"><title>Spring sale</title>\n",
        "<style>.preheader { display:none !important; } @media (max-width:600px) { .col { width:100% !important; } }</style></head>\n",
        "<body style=\"margin:0;padding:0\"><span class=\"preheader\">Up to 40% off, {{ first_name }}</span>\n",
        "<!--[if mso]><table role=\"presentation\" width=\"600\"><tr><td><![endif]-->\n",
    ));
    let mut i = 0;
    while s.len() < 100_000 {
        s.push_str(&format!(
            concat!(
                "<table role=\"presentation\" width=\"100%\" cellpadding=\"0\" cellspacing=\"0\" style=\"border-collapse:collapse\"><tr>\n",
                "<td class=\"col\" style=\"padding:12px;font-family:Arial,sans-serif;font-size:14px;color:#333333\">\n",
                "<a href=\"https://click.example.com/ls/click?upn=abc{i}&amp;u={{{{ contact.id }}}}&amp;utm_source=email\" style=\"color:#0066cc\">",
                "<img src=\"https://cdn.example.com/products/{i}.jpg\" width=\"260\" alt=\"Product {i}\" style=\"display:block;border:0\"></a>\n",
                "<p style=\"margin:0 0 8px 0\">Hi *|FNAME|*, product {i} is back for %%FirstName%%. {{% if vip %}}VIP price{{% endif %}}</p>\n",
                "<!--[if mso]><v:roundrect href=\"https://click.example.com/b/{i}\" style=\"height:40px\"><![endif]-->",
                "<a href=\"https://click.example.com/b/{i}?e={{{{ email }}}}\" style=\"background:#ff6600;color:#ffffff;padding:10px 20px\">Shop now</a>\n",
                "</td></tr></table>\n",
            ),
            i = i
        ));
        i += 1;
    }
    s.push_str(concat!(
        "<!--[if mso]></td></tr></table><![endif]-->\n",
        "<p style=\"font-size:12px;color:#999999\">Acme Outdoor Co., 1200 Harbor Blvd, Oakland, CA 94607<br>",
        "<a href=\"{{ unsubscribe_url }}\">Unsubscribe</a> | <a href=\"{{ preferences_url }}\">Preferences</a></p>\n",
        "<img src=\"https://t.example.com/open.gif?e={{ email }}\" width=\"1\" height=\"1\" alt=\"\"></body></html>\n",
    ));
    s
}

/// A campaign config with many blocks, the shape `gen_corpus.py` writes.
fn config() -> String {
    let mut s = String::from("name: Spring sale\nfrom: news@example.com\nreply_to: help@example.com\n");
    s.push_str("smtp:\n  host: smtp.example.com\n  port: 587\n  tls: false\n  username: mailer\n  password: ${SMTP_PASSWORD}\n");
    s.push_str("headers:\n  List-Unsubscribe: <https://example.com/u/{{ contact.id }}>\n");
    s.push_str("segments:\n");
    for i in 0..400 {
        s.push_str(&format!(
            "  - name: segment-{i}\n    template: templates/sale-{i}.html\n    send_at: 2026-03-{:02}T09:00:00Z\n    tracking:\n      url: http://t.example.com/{i}\n      pixel: true\n",
            i % 28 + 1
        ));
    }
    s
}

/// A subscriber schema with many tables, each with an unencrypted SSN column, so the
/// personal-data rule's reporting path is measured too.
fn schema() -> String {
    let mut s = String::new();
    for i in 0..150 {
        s.push_str(&format!(
            "CREATE TABLE subscribers_{i} (\n  id BIGSERIAL PRIMARY KEY,\n  email VARCHAR(64) NOT NULL,\n  first_name TEXT,\n  consent_at TIMESTAMP,\n  phone VARCHAR(20),\n  ssn VARCHAR(11)\n);\nCREATE INDEX idx_{i} ON subscribers_{i} (email);\n"
        ));
    }
    s
}

fn bench(c: &mut Criterion) {
    let linter = Linter::new(Overrides {
        isolated: true,
        ..Overrides::default()
    });
    let cases = [
        ("template_100kb", "email.html", large_template()),
        ("config_yaml", "campaign.yaml", config()),
        ("schema_sql", "subscribers.sql", schema()),
    ];
    let mut group = c.benchmark_group("parse_and_lint");
    for (name, file, text) in &cases {
        let path = Path::new(file);
        let Ok(setup) = linter.setup_for(path) else {
            panic!("the built-in rules load");
        };
        // Compile lazily built matchers (address detector, lexicons) outside the measurement.
        assert!(
            !linter.lint_source(path, text, &setup).is_empty(),
            "{name} has findings"
        );
        group.throughput(Throughput::Bytes(text.len() as u64));
        group.bench_function(*name, |b| {
            b.iter(|| black_box(linter.lint_source(path, black_box(text), &setup)))
        });
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
