#![no_main]
//! The rule compiler on arbitrary YAML: a rule or a located error, never a panic.

use inboxlint::rules::load;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    if let Err(e) = load::compile("fuzz/rule.yaml", text, false) {
        assert!(e.offset.is_none_or(|o| o <= text.len()), "error located past the end");
    }
});
