//! Composition must not make a run quadratic in the number of templates: N synthetic entry
//! templates that share one layout and a few partials (a footer, a header, a product card),
//! for N = 250, 1000 and 4000. Each iteration builds the include graph over all N files, as
//! `inboxlint check` does once per run, and lints every entry over its composed message. The
//! throughput is per template, so criterion's per-element time must stay roughly flat as N
//! grows. Files are written to a temporary directory, so the figures do not depend on files
//! outside the repository.

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use inboxlint::engine::{Linter, Overrides};
use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::time::Duration;

const LAYOUT: &str = "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>{{ title }}</title></head>\n\
<body style=\"margin:0\">{{> header}}\n<table role=\"presentation\" width=\"600\" align=\"center\">\n\
<tr><td style=\"padding:24px\">{{> @partial-block}}</td></tr>\n</table>\n{{> footer}}\n</body></html>\n";

const HEADER: &str = "<table width=\"600\"><tr><td><img src=\"https://cdn.acme.example/logo.png\" alt=\"Acme\" width=\"120\"></td></tr></table>\n";

const FOOTER: &str = "<p style=\"font-size:12px;color:#777\">Acme Outdoor Co., 1200 Harbor Blvd, Oakland, CA 94607<br>\n\
<a href=\"{{ unsubscribe_url }}\">Unsubscribe</a> · <a href=\"{{ preferences_url }}\">Preferences</a></p>\n";

const CARD: &str = "<table width=\"100%\"><tr><td><img src=\"https://cdn.acme.example/p/{{ sku }}.jpg\" width=\"260\" alt=\"{{ name }}\">\n\
<p>{{ name }}: {{ price }}</p><a href=\"https://shop.acme.example/p/{{ sku }}?utm_source=email\">Shop now</a></td></tr></table>\n";

/// Entry `i`: a sale email in the shared layout, with product cards.
fn entry(i: usize) -> String {
    let mut s = format!(
        "{{{{#> layout title=\"Sale {i}\"}}}}\n<h1>Spring sale, week {i}</h1>\n<p>Hi {{{{ first_name }}}}, up to {}% off this week.</p>\n",
        10 + i % 40
    );
    for card in 0..4 {
        s.push_str(&format!("{{{{> card sku=\"{i}-{card}\" name=\"Item {card}\"}}}}\n"));
    }
    s.push_str("{{/layout}}\n");
    s
}

/// A project of `n` entries and the shared partials; the paths of every template.
fn project(dir: &Path, n: usize) -> Vec<PathBuf> {
    let write = |rel: &str, text: &str| -> PathBuf {
        let p = dir.join(rel);
        let Some(parent) = p.parent() else {
            panic!("{rel} has a parent")
        };
        if let Err(e) = std::fs::create_dir_all(parent).and_then(|()| std::fs::write(&p, text)) {
            panic!("writing {}: {e}", p.display());
        }
        p
    };
    let mut paths = vec![
        write("emails/partials/layout.hbs", LAYOUT),
        write("emails/partials/header.hbs", HEADER),
        write("emails/partials/footer.hbs", FOOTER),
        write("emails/partials/card.hbs", CARD),
    ];
    for i in 0..n {
        paths.push(write(
            &format!("emails/campaigns/{:02}/sale-{i}.hbs", i % 50),
            &entry(i),
        ));
    }
    paths
}

fn bench(c: &mut Criterion) {
    let mut group = c.benchmark_group("include_graph_build_and_lint");
    group.sample_size(10);
    group.warm_up_time(Duration::from_secs(1));
    group.measurement_time(Duration::from_secs(8));
    for n in [250usize, 1000, 4000] {
        let Ok(dir) = tempfile::tempdir() else {
            panic!("a temporary directory")
        };
        let paths = project(dir.path(), n);
        // The project's directory is the working directory, as when `inboxlint check .` runs.
        if let Err(e) = std::env::set_current_dir(dir.path()) {
            panic!("cd {}: {e}", dir.path().display());
        }
        let texts: Vec<String> = paths
            .iter()
            .map(|p| std::fs::read_to_string(p).unwrap_or_default())
            .collect();
        let linter = Linter::new(Overrides::default());
        let Ok(setup) = linter.setup_for(&paths[0]) else {
            panic!("the built-in rules load")
        };
        // Every entry composes with the shared footer: no message-level finding.
        linter.set_include_graph(&paths);
        let first = linter.lint_source(&paths[4], &texts[4], &setup);
        assert!(
            !first.iter().any(|d| d.rule.starts_with("canspam/")),
            "the footer composes: {first:?}"
        );
        group.throughput(Throughput::Elements(n as u64));
        group.bench_with_input(BenchmarkId::from_parameter(n), &n, |b, _| {
            b.iter(|| {
                linter.set_include_graph(&paths);
                let mut findings = 0;
                for (p, t) in paths.iter().zip(&texts) {
                    findings += linter.lint_source(p, t, &setup).len();
                }
                black_box(findings)
            })
        });
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
