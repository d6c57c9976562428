//! Finds every merge tag of every syntax in one leftmost-first pass, as if all syntaxes were one
//! alternation in file order, but fast.
//!
//! The alternation as one regex ran at ~250 MB/s on email HTML: one pattern whose only literal
//! prefix is a common byte (ActiveCampaign's `%FIRSTNAME%` starts with `%`, as does every
//! `width="100%"`) took the fast literal prefilter away from all of them, and each match paid a
//! backwards DFA run to find its start. Here candidates come from the syntaxes' literal
//! prefixes: the multi-byte ones through one Aho-Corasick searcher (SIMD, ~3 GB/s), the
//! one-byte ones through `memchr` (a one-byte literal among them made Aho-Corasick 5× slower).
//! A hand-stepped anchored DFA ([`AnchoredDfa`]) confirms each candidate, forward only. The
//! first candidate that matches is the leftmost match, and an anchored leftmost-first search
//! prefers the syntax listed first, as the alternation does. An attempt still undecided after a
//! few KB (an unclosed `{{`) is settled by the regex's unanchored search from that candidate,
//! and a file with many of them is scanned by that search alone, so the scan stays linear.

use super::anchored_dfa::{AnchoredDfa, Attempt};
use aho_corasick::{AhoCorasick, Input as AcInput, MatchKind};
use regex_automata::{Anchored, Input, PatternID, meta};
use std::sync::OnceLock;

#[derive(Debug)]
pub struct TagScanner {
    /// Pattern `i` is syntax `i`.
    regex: meta::Regex,
    /// The same patterns, for anchored attempts at candidates.
    anchored: Option<AnchoredDfa>,
    /// Where a tag of any syntax can start; `None` when some syntax has no finite set of start
    /// literals (or more one-byte ones than `memchr` takes), and the regex then scans alone.
    starts: Option<Starts>,
    /// Per syntax, its pattern alone, for the `body` group of a tag already found: captures
    /// through the multi-pattern regex cost microseconds a tag (its capture engine carries every
    /// pattern); one small pattern over the tag's few bytes is a fraction of that.
    bodies: Vec<BodyRegex>,
}

#[derive(Debug)]
struct BodyRegex {
    pattern: String,
    /// Compiled on the first tag of this syntax; `None` if it does not compile alone, which
    /// cannot happen for a pattern that compiled among the others.
    regex: OnceLock<Option<meta::Regex>>,
}

impl BodyRegex {
    fn body(&self, text: &str, start: usize, end: usize) -> Option<(usize, usize)> {
        let regex = self
            .regex
            .get_or_init(|| meta::Regex::new(&self.pattern).ok())
            .as_ref()?;
        let mut caps = regex.create_captures();
        regex.search_captures(&Input::new(text).range(start..end).anchored(Anchored::Yes), &mut caps);
        let body = caps.get_group_by_name("body")?;
        Some((body.start, body.end))
    }
}

/// Undecided attempts a file may have before the rest is scanned by the regex alone.
const MAX_UNDECIDED: usize = 8;

#[derive(Debug)]
struct Starts {
    /// The start literals of two bytes or more.
    long: Option<AhoCorasick>,
    /// The one-byte start literals, at most three.
    bytes: Vec<u8>,
}

impl Starts {
    fn build(literals: Vec<Vec<u8>>) -> Option<Starts> {
        let (short, long): (Vec<Vec<u8>>, Vec<Vec<u8>>) = literals.into_iter().partition(|l| l.len() == 1);
        let mut bytes: Vec<u8> = short.into_iter().map(|l| l[0]).collect();
        bytes.sort_unstable();
        bytes.dedup();
        if bytes.len() > 3 {
            return None;
        }
        let long = if long.is_empty() {
            None
        } else {
            // Only where a candidate starts matters, not which literal it is.
            Some(
                AhoCorasick::builder()
                    .match_kind(MatchKind::LeftmostFirst)
                    .build(long)
                    .ok()?,
            )
        };
        Some(Starts { long, bytes })
    }

    fn next_long(&self, text: &[u8], at: usize) -> Option<usize> {
        let ac = self.long.as_ref()?;
        ac.find(AcInput::new(text).span(at..text.len())).map(|m| m.start())
    }

    fn next_byte(&self, text: &[u8], at: usize) -> Option<usize> {
        let rest = text.get(at..)?;
        let found = match self.bytes[..] {
            [] => None,
            [a] => memchr::memchr(a, rest),
            [a, b] => memchr::memchr2(a, b, rest),
            [a, b, c, ..] => memchr::memchr3(a, b, c, rest),
        };
        found.map(|i| at + i)
    }
}

/// One tag: the syntax that matched, the whole tag and its `body` group.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Found {
    pub syntax: usize,
    pub start: usize,
    pub end: usize,
    pub body: (usize, usize),
}

/// Why a pattern set cannot be scanned: the syntax at fault (if one is) and the message.
#[derive(Debug)]
pub struct BuildError {
    pub syntax: Option<usize>,
    pub message: String,
}

/// The literals every match of `pattern` starts with, or `None` if there is no finite,
/// non-empty set of them.
fn start_literals(pattern: &str) -> Option<Vec<Vec<u8>>> {
    let hir = regex_syntax::parse(pattern).ok()?;
    let seq = regex_syntax::hir::literal::Extractor::new().extract(&hir);
    let literals = seq.literals()?;
    if literals.is_empty() || literals.iter().any(|l| l.is_empty()) {
        return None;
    }
    Some(literals.iter().map(|l| l.as_bytes().to_vec()).collect())
}

impl TagScanner {
    /// Every pattern must have a `body` group.
    pub fn new(patterns: &[&str]) -> Result<TagScanner, BuildError> {
        let regex = meta::Regex::new_many(patterns).map_err(|e| {
            // The multi-pattern error only knows an index: name the syntax at fault.
            let syntax = (0..patterns.len()).find(|&i| meta::Regex::new(patterns[i]).is_err());
            BuildError {
                syntax,
                message: e.to_string(),
            }
        })?;
        for i in 0..patterns.len() {
            let has_body = PatternID::new(i)
                .ok()
                .and_then(|pid| regex.group_info().to_index(pid, "body"))
                .is_some();
            if !has_body {
                return Err(BuildError {
                    syntax: Some(i),
                    message: "the pattern needs a `(?P<body>...)` group".into(),
                });
            }
        }
        let literals: Option<Vec<Vec<u8>>> = patterns
            .iter()
            .map(|p| start_literals(p))
            .collect::<Option<Vec<_>>>()
            .map(|sets| sets.into_iter().flatten().collect());
        let starts = literals.and_then(Starts::build);
        let bodies = patterns
            .iter()
            .map(|p| BodyRegex {
                pattern: p.to_string(),
                regex: OnceLock::new(),
            })
            .collect();
        Ok(TagScanner {
            regex,
            anchored: AnchoredDfa::new(patterns),
            starts,
            bodies,
        })
    }

    /// Every tag in `text`, in order, non-overlapping.
    pub fn scan(&self, text: &str) -> Vec<Found> {
        let mut out = Vec::new();
        let mut push = |m: regex_automata::Match| {
            let (start, end, syntax) = (m.start(), m.end(), m.pattern().as_usize());
            let body = self.bodies[syntax].body(text, start, end).unwrap_or((start, end));
            out.push(Found {
                syntax,
                start,
                end,
                body,
            });
        };
        let (Some(starts), Some(anchored)) = (&self.starts, &self.anchored) else {
            self.regex.find_iter(text).for_each(&mut push);
            return out;
        };
        let bytes = text.as_bytes();
        // Each source's next candidate, kept while it is not behind the scan.
        let (mut long, mut byte) = (starts.next_long(bytes, 0), starts.next_byte(bytes, 0));
        let mut undecided = 0;
        let mut at = 0;
        while at < text.len() {
            if undecided > MAX_UNDECIDED {
                // Many long-running attempts (unclosed openers): one linear pass for the rest.
                self.regex.find_iter(Input::new(text).range(at..)).for_each(&mut push);
                break;
            }
            if long.is_some_and(|p| p < at) {
                long = starts.next_long(bytes, at);
            }
            if byte.is_some_and(|p| p < at) {
                byte = starts.next_byte(bytes, at);
            }
            let Some(from) = long.into_iter().chain(byte).min() else {
                break;
            };
            match anchored.attempt(text, from) {
                // Every pattern has a non-empty start literal, so a match is never empty.
                Attempt::Match(end, pattern) if end > from => {
                    at = end;
                    push(regex_automata::Match::new(pattern, from..end));
                }
                Attempt::Match(..) | Attempt::NoMatch => at = from + 1,
                Attempt::Unknown => {
                    undecided += 1;
                    // No tag starts between the scan and this candidate, as no literal does:
                    // the leftmost match from here is the next tag.
                    match self.regex.search(&Input::new(text).range(from..)) {
                        Some(m) if m.end() > m.start() => {
                            at = m.end();
                            push(m);
                        }
                        _ => break,
                    }
                }
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The reference: all patterns as one alternation, each wrapped in a named group.
    fn alternation(patterns: &[&str], text: &str) -> Vec<Found> {
        let joined: Vec<String> = patterns.iter().map(|p| format!("(?:{p})")).collect();
        let re = meta::Regex::new_many(&joined.iter().map(String::as_str).collect::<Vec<_>>()).expect("valid");
        let mut caps = re.create_captures();
        let mut out = Vec::new();
        for m in re.find_iter(text) {
            let input = Input::new(text)
                .range(m.range())
                .anchored(Anchored::Pattern(m.pattern()));
            re.search_captures(&input, &mut caps);
            let body = caps.get_group_by_name("body").map(|b| (b.start, b.end)).expect("body");
            out.push(Found {
                syntax: m.pattern().as_usize(),
                start: m.start(),
                end: m.end(),
                body,
            });
        }
        out
    }

    const PATTERNS: &[&str] = &[
        r"\{\{(?P<body>[^}]*)\}\}",
        r"%%(?P<body>[A-Za-z_]+)%%",
        r"%(?P<body>[A-Z][A-Z0-9-]{2,})%",
        r"%(?P<body>[a-z]+)",
        r"\*\|(?P<body>[A-Z_]+)\|\*",
    ];

    #[test]
    fn without_start_literals_the_regex_scans_alone() {
        let patterns = [r"\{\{(?P<body>[^}]*)\}\}", r"(?P<body>[a-z]+)@"];
        let s = TagScanner::new(&patterns).expect("builds");
        assert!(s.starts.is_none());
        let text = "{{ a }} mail me@ here {{b}}";
        assert_eq!(s.scan(text), alternation(&patterns, text));
        assert_eq!(s.scan(text).len(), 3);
    }

    #[test]
    fn candidates_confirmed_in_order_equal_one_alternation() {
        let s = TagScanner::new(PATTERNS).expect("builds");
        assert!(s.starts.is_some());
        let texts = [
            "",
            "width=100% {{ name }} %%EMAIL%% %FIRSTNAME% *|FNAME|*",
            // Same start, different syntaxes: the one listed first wins.
            "%%ABC%% %ABC% %abc %%%ABCD%%",
            // Overlaps across groups: the leftmost wins and the other is dropped.
            "%ABCD{{x}}% {{%ABC%}} %ab{{c}}",
            "{{ unclosed %NAME% *|X|* 😀 %ÉTÉ% %%a%%b%%",
        ];
        for text in texts {
            assert_eq!(s.scan(text), alternation(PATTERNS, text), "{text:?}");
        }
    }

    /// The built-in syntaxes on random tag-like text: the same tags as one alternation.
    #[test]
    fn builtin_syntaxes_scan_like_one_alternation() {
        use proptest::prelude::*;
        let yaml = crate::knowledge::embedded::file("esp/_syntax.yaml").expect("embedded");
        let patterns: Vec<String> = yaml
            .lines()
            .filter_map(|l| l.split_once("pattern: '"))
            .map(|(_, p)| {
                p.trim_end()
                    .trim_end_matches('}')
                    .trim_end()
                    .trim_end_matches('\'')
                    .replace("''", "'")
            })
            .collect();
        let patterns: Vec<&str> = patterns.iter().map(String::as_str).collect();
        assert!(patterns.len() > 15, "{patterns:?}");
        let scanner = TagScanner::new(&patterns).expect("builds");
        assert!(scanner.starts.is_some(), "every built-in syntax starts with a literal");
        let pieces = prop::sample::select(vec![
            "{{",
            "}}",
            "{%",
            "%}",
            "{#",
            "#}",
            "%%",
            "%",
            "*|",
            "|*",
            "[",
            "]",
            "[[",
            "<",
            "</",
            ">",
            "<%",
            "%>",
            "=",
            "-",
            "!",
            "NAME",
            "x",
            "unsubscribe",
            "recipient.",
            "FIRST",
            "é",
            " ",
            "\n",
            "_",
            "&ALL",
        ]);
        proptest!(ProptestConfig::with_cases(2000), |(parts in prop::collection::vec(pieces, 0..24))| {
            let text = parts.concat();
            prop_assert_eq!(scanner.scan(&text), alternation(&patterns, &text), "{:?}", text);
        });
    }

    /// Unclosed openers far from their (missing) closers: undecided attempts, their fallback
    /// and the switch to the regex alone all give the alternation's tags.
    #[test]
    fn unclosed_openers_scan_like_one_alternation() {
        let s = TagScanner::new(PATTERNS).expect("builds");
        let few = format!("{{{{ *|A|* {} {{{{ ok }}}} %NAME%", "x".repeat(5000));
        let many = format!("{}{}{{{{ end }}}}", "{{ *|A|* %%B%% ".repeat(2000), "y".repeat(5000));
        for text in [few, many] {
            assert_eq!(s.scan(&text), alternation(PATTERNS, &text));
        }
    }

    #[test]
    fn a_pattern_without_body_is_named() {
        let e = TagScanner::new(&[r"\{\{(?P<body>x)\}\}", r"%[A-Z]+%"]).expect_err("no body");
        assert_eq!(e.syntax, Some(1));
        let e = TagScanner::new(&[r"\{\{(?P<body>x)\}\}", r"(unclosed"]).expect_err("invalid");
        assert_eq!(e.syntax, Some(1));
    }
}
