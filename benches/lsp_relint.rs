//! Re-lint latency in the editor: one keystroke's `didChange` on a 100 KB template, through
//! the same path the server takes (apply the incremental edit, rebuild the source, lint with
//! the cached setup, convert to LSP diagnostics with UTF-16 ranges). Target: ≤ 5 ms.

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
    // The first lint resolves and caches the setup, as didOpen does in the server.
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
    // The same path split in two, to show where the time goes: the shared engine
    // (`lint_source`, what `inboxlint check` runs per file) and the LSP's own conversion.
    let setup = linter.setup_for(&path).expect("default setup");
    let src = SourceText::new(text.as_str());
    c.bench_function("lint_source only, 100 KB template", |b| {
        b.iter(|| black_box(linter.lint_source(&path, src.text(), &setup).len()))
    });
    let diagnostics = linter.lint_source(&path, &text, &setup);
    c.bench_function("edit + UTF-16 conversion only, 100 KB template", |b| {
        b.iter(|| {
            let next = documents::apply_changes(&text, std::slice::from_ref(&change));
            let src = SourceText::new(next);
            let lsp: Vec<_> = diagnostics
                .iter()
                .map(|d| inboxlint::lsp::convert::diagnostic(&src, &uri, d))
                .collect();
            black_box(lsp.len())
        })
    });
}

/// On-CPU time of this thread in nanoseconds (Linux), to tell lint cost from waiting for a
/// core on a busy machine, which wall-clock samples include.
fn thread_cpu_ns() -> Option<u64> {
    let stat = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    stat.split_whitespace().next()?.parse().ok()
}

fn cpu_time_per_relint(_: &mut Criterion) {
    let text = template(100 * 1024);
    let path = std::env::temp_dir().join("inboxlint-bench-relint").join("spring.html");
    let Some(uri) = inboxlint::lsp::convert::file_uri(&path) else {
        return;
    };
    let linter = Linter::new(Overrides::default());
    let fallback = Linter::new(Overrides {
        isolated: true,
        ..Overrides::default()
    });
    let _ = lint::lint_document(&linter, &fallback, &path, &SourceText::new(text.as_str()), &uri);
    let runs = 200u32;
    let (Some(cpu0), wall0) = (thread_cpu_ns(), std::time::Instant::now()) else {
        return;
    };
    for _ in 0..runs {
        let linted = lint::lint_document(&linter, &fallback, &path, &SourceText::new(text.as_str()), &uri);
        black_box(linted.lsp.len());
    }
    if let Some(cpu1) = thread_cpu_ns() {
        eprintln!(
            "re-lint of the 100 KB template: {:.2} ms on-CPU, {:.2} ms wall (mean of {runs})",
            (cpu1 - cpu0) as f64 / 1e6 / f64::from(runs),
            wall0.elapsed().as_secs_f64() * 1e3 / f64::from(runs)
        );
    }
}

criterion_group!(benches, relint, cpu_time_per_relint);
criterion_main!(benches);
