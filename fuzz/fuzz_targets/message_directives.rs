#![no_main]
//! The composition directive scanners of every template language, and composing the scanned
//! file as an entry: spans on char boundaries and properly nested, no panic, no hang.

use inboxlint::message::directives;
use inboxlint::message::graph::IncludeGraph;
use inboxlint::message::resolve::Roots;
use libfuzzer_sys::fuzz_target;
use std::path::{Path, PathBuf};

const NAMES: &[&str] = &["a.hbs", "a.html", "a.mjml", "a.gohtml", "a.blade.php", "a.html.erb", "a.liquid", "a.njk"];

fuzz_target!(|data: &[u8]| {
    let Some((&pick, rest)) = data.split_first() else { return };
    let Ok(text) = std::str::from_utf8(rest) else { return };
    let path = Path::new(NAMES[usize::from(pick) % NAMES.len()]);
    let scan = directives::scan(path, text);
    let mut open: Vec<usize> = Vec::new();
    for d in &scan.directives {
        assert!(text.get(d.span.range()).is_some(), "directive span off the text");
        while open.last().is_some_and(|&e| e <= d.span.start) {
            open.pop();
        }
        assert!(open.last().is_none_or(|&e| d.span.end <= e), "directives straddle");
        open.push(d.span.end);
    }
    // The file includes itself and a sibling with the same text.
    let sibling = PathBuf::from(format!("b.{}", path.extension().map_or("html".into(), |e| e.to_string_lossy())));
    let read = |_: &Path| Some(text.to_string());
    let graph = IncludeGraph::build(&[path.to_path_buf(), sibling], Roots::new(""), &read);
    let composed = graph.compose(path, text);
    let covered: usize = composed.segments.iter().map(|s| s.composed.len()).sum();
    assert_eq!(covered, composed.text.len());
});
