#![no_main]
//! The merge-tag scanner and masker: spans in order, on char boundaries, masking keeps length.

use inboxlint::knowledge::Knowledge;
use inboxlint::syntax::merge_tags;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let Ok(knowledge) = Knowledge::builtin() else { return };
    let masked = merge_tags::scan_and_mask(text, &knowledge);
    assert_eq!(masked.text.len(), text.len());
    let mut last_end = 0;
    for tag in &masked.tags {
        assert!(tag.span.start >= last_end, "tags overlap");
        assert!(text.get(tag.span.range()).is_some(), "tag span off the text");
        last_end = tag.span.end;
    }
});
