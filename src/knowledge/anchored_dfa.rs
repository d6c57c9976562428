//! An anchored, leftmost-first lazy DFA over several patterns that is stepped by hand, so a
//! failed attempt costs only the bytes it needed and an attempt that would run far is cut off.
//!
//! The tag scanner confirms each literal candidate with an anchored search. Most candidates die
//! within a byte or two (`100%` is not `%NAME%`), but an unclosed `{{` keeps a `[\s\S]*?` body
//! alive to the end of the file; with a regex's own search every such opener would rescan the
//! rest of the file. Stepping the DFA ourselves lets the scanner give up after [`LIMIT`] bytes
//! and fall back to a linear unanchored search.

use regex_automata::hybrid::dfa::{Cache, DFA};
use regex_automata::util::pool::Pool;
use regex_automata::{Anchored, Input, MatchKind, PatternID};
use std::panic::{RefUnwindSafe, UnwindSafe};

/// How far one anchored attempt may read before the caller must decide another way.
pub const LIMIT: usize = 4096;

type CacheFn = Box<dyn Fn() -> Cache + Send + Sync + UnwindSafe + RefUnwindSafe>;

pub struct AnchoredDfa {
    dfa: DFA,
    /// One cache per thread, kept from file to file so the DFA's states are built once.
    caches: Pool<Cache, CacheFn>,
}

impl std::fmt::Debug for AnchoredDfa {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AnchoredDfa").finish_non_exhaustive()
    }
}

/// What an anchored attempt found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Attempt {
    /// The leftmost-first match starting at the position: its end and pattern.
    Match(usize, PatternID),
    /// No pattern matches at the position.
    NoMatch,
    /// Undecided within [`LIMIT`] bytes (or the DFA gave up, e.g. on its cache budget).
    Unknown,
}

impl AnchoredDfa {
    /// `None` when the patterns need what a lazy DFA cannot do (the caller then searches with a
    /// full regex engine).
    pub fn new(patterns: &[&str]) -> Option<AnchoredDfa> {
        let dfa = DFA::builder()
            .configure(DFA::config().match_kind(MatchKind::LeftmostFirst))
            .build_many(patterns)
            .ok()?;
        let for_caches = dfa.clone();
        let caches: Pool<Cache, CacheFn> = Pool::new(Box::new(move || for_caches.create_cache()));
        Some(AnchoredDfa { dfa, caches })
    }

    /// The leftmost-first match of any pattern that starts exactly at `at`.
    pub fn attempt(&self, text: &str, at: usize) -> Attempt {
        let mut cache = self.caches.get();
        self.run(&mut cache, text, at).unwrap_or(Attempt::Unknown)
    }

    fn run(&self, cache: &mut Cache, text: &str, at: usize) -> Option<Attempt> {
        let bytes = text.as_bytes();
        let input = Input::new(text).range(at..).anchored(Anchored::Yes);
        let mut sid = self.dfa.start_state_forward(cache, &input).ok()?;
        let mut last = None;
        let stop = bytes.len().min(at.saturating_add(LIMIT));
        for (i, &b) in bytes.iter().enumerate().take(stop).skip(at) {
            sid = self.dfa.next_state(cache, sid, b).ok()?;
            if sid.is_tagged() {
                if sid.is_match() {
                    // Matches are reported one byte late: this one ended before byte `i`.
                    last = Some((i, self.dfa.match_pattern(cache, sid, 0)));
                } else if sid.is_dead() {
                    return Some(last.map_or(Attempt::NoMatch, |(end, p)| Attempt::Match(end, p)));
                } else if sid.is_quit() {
                    return None;
                }
            }
        }
        if stop < bytes.len() {
            // Still alive at the limit: a longer match could yet win, or none at all.
            return Some(Attempt::Unknown);
        }
        sid = self.dfa.next_eoi_state(cache, sid).ok()?;
        if sid.is_match() {
            last = Some((bytes.len(), self.dfa.match_pattern(cache, sid, 0)));
        }
        Some(last.map_or(Attempt::NoMatch, |(end, p)| Attempt::Match(end, p)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use regex_automata::meta;

    #[test]
    fn attempts_equal_an_anchored_regex_search() {
        let patterns = [
            r"\{\{-?(?P<body>[\s\S]*?)-?\}\}",
            r"%(?P<body>[A-Z]{3,})%",
            r"\{\{!(?P<body>[^}]*)\}\}",
        ];
        let dfa = AnchoredDfa::new(&patterns).expect("builds");
        let re = meta::Regex::new_many(&patterns).expect("builds");
        let texts = [
            "{{ a }} %ABC% 100% {{!x}} {{- y -}}",
            "%AB% {{ no end",
            "x{{}}y{{!}}",
            "",
        ];
        for text in texts {
            for at in 0..=text.len() {
                let want = re.search(&Input::new(text).range(at..).anchored(Anchored::Yes));
                let got = dfa.attempt(text, at);
                let want = want.map_or(Attempt::NoMatch, |m| Attempt::Match(m.end(), m.pattern()));
                assert_eq!(got, want, "{text:?} at {at}");
            }
        }
    }

    #[test]
    fn a_far_undecided_attempt_is_unknown() {
        let dfa = AnchoredDfa::new(&[r"\{\{(?P<body>[\s\S]*?)\}\}"]).expect("builds");
        let text = format!("{{{{ {}", "x".repeat(LIMIT * 2));
        assert_eq!(dfa.attempt(&text, 0), Attempt::Unknown);
        let text = format!("{{{{ {} }}}}", "x".repeat(LIMIT * 2));
        assert_eq!(dfa.attempt(&text, 0), Attempt::Unknown);
        let short = "{{ unclosed";
        assert_eq!(dfa.attempt(short, 0), Attempt::NoMatch);
    }
}
