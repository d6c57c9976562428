//! The built-in rule packs, dialects and lexicons, embedded at build time from `rules/`.

include!(concat!(env!("OUT_DIR"), "/embedded_rules.rs"));

/// Embedded files whose path starts with `prefix` (`esp/`, `lexicon/`, or a rule group).
pub fn files_under(prefix: &str) -> impl Iterator<Item = (&'static str, &'static str)> {
    EMBEDDED.iter().copied().filter(move |(p, _)| p.starts_with(prefix))
}

pub fn file(path: &str) -> Option<&'static str> {
    EMBEDDED.iter().find(|(p, _)| *p == path).map(|(_, c)| *c)
}
