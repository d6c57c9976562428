//! Re-lint latency in the editor: one keystroke's `didChange` on a 100 KB template, through
//! the same path the server takes (apply the incremental edit, rebuild the source, lint with
//! the cached profile, convert to LSP diagnostics with UTF-16 ranges). Target: ≤ 5 ms.

use criterion::{Criterion, criterion_group, criterion_main};
use inboxlint::engine::{Linter, Overrides};
use inboxlint::lsp::{documents, lint};
use inboxlint::source::SourceText;
use lsp_types::{Position, Range, TextDocumentContentChangeEvent};
use std::hint::black_box;
use std::path::PathBuf;

/// A realistic marketing template of about 100 KB: table layout, product rows with images,
/// tracked links (some over http, some with PII merge tags), accented text and emoji.
fn template(target: usize) -> String {
    let mut s = String::from(
        "<!DOCTYPE html>\n<html xmlns=\"http://www.w3.org/1999/xhtml\"><head><meta charset=\"utf-8\">\n\
         <style>td{font-family:Arial} .hide{display:none}</style></head>\n<body>\n\
         <div class=\"hide\" style=\"display:none\">Spring offers — crème brûlée 🍮 inside</div>\n\
         <table role=\"presentation\" width=\"100%\">\n",
    );
    let mut i = 0;
    while s.len() < target {
        let scheme = if i % 7 == 0 { "http" } else { "https" };
        let tag = if i % 11 == 0 {
            "{{ email }}"
        } else {
            "{{ recipient_id }}"
        };
        s.push_str(&format!(
            "<tr><td class=\"product\" style=\"padding:12px\">\n\
             <img src=\"https://cdn.acme.example/p/{i}.jpg\" width=\"160\" alt=\"Product {i} — Zoë's pick 😀\">\n\
             <p>Hi {{{{ first_name }}}}, item №{i} is back: déjà vu pricing at €{i}.99 👩\u{200d}👩\u{200d}👧</p>\n\
             <a href=\"{scheme}://click.acme.example/t?r={tag}&amp;p={i}\" style=\"color:#0a66c2\">Shop now</a>\n\
             </td></tr>\n"
        ));
        i += 1;
    }
    s.push_str(
        "</table>\n<p>Acme Inc. · PO Box 1234, Springfield, IL 62701</p>\n\
         <p><a href=\"{{ unsubscribe_url }}\">Unsubscribe</a></p>\n</body></html>\n",
    );
    s
}

fn relint(c: &mut Criterion) {
    let text = template(100 * 1024);
    let dir = std::env::temp_dir().join("inboxlint-bench-relint");
    let _ = std::fs::create_dir_all(&dir);
    let path: PathBuf = dir.join("spring.html");
    let uri = inboxlint::lsp::convert::file_uri(&path).expect("uri");
    let linter = Linter::new(Overrides::default());
    let fallback = Linter::new(Overrides {
        isolated: true,
        ..Overrides::default()
    });
    // The first lint resolves and caches the profile, as didOpen does in the server.
    let first = lint::lint_document(&linter, &fallback, &path, &SourceText::new(text.as_str()), &uri);
    eprintln!("template: {} bytes, {} findings", text.len(), first.lsp.len());
    // One typed character in the middle of the file.
    let middle = SourceText::new(text.as_str());
    let (line, _) = middle.utf16_position(text.len() / 2);
    let change = TextDocumentContentChangeEvent {
        range: Some(Range {
            start: Position { line, character: 0 },
            end: Position { line, character: 0 },
        }),
        range_length: None,
        text: " ".into(),
    };
    c.bench_function("didChange → diagnostics, 100 KB template", |b| {
        b.iter(|| {
            let next = documents::apply_changes(&text, std::slice::from_ref(&change));
            let src = SourceText::new(next);
            let linted = lint::lint_document(&linter, &fallback, &path, &src, &uri);
            black_box(linted.lsp.len())
        })
    });
}

criterion_group!(benches, relint);
criterion_main!(benches);
