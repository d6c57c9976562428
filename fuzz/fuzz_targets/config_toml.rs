#![no_main]
//! facts::build as `Toml`: no panic, and every fact's span is a valid slice of the input.

use inboxlint::document::{FileKind, SourceFormat};
use inboxlint::engine::facts;
use inboxlint::knowledge::Knowledge;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let Ok(knowledge) = Knowledge::builtin() else { return };
    let doc = facts::build(text, FileKind::Config, SourceFormat::Toml, &knowledge);
    assert_eq!(doc.bad_span(text), None);
});
