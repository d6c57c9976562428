//! The path and key patterns of all setting matchers of a rule set, each kind in one regex set.
//!
//! A config with thousands of settings (a 1.3 MB JSON took 130 ms, two thirds of it here) was
//! checked pattern by pattern: every setting matcher of every rule ran its own path and key
//! regex over every setting. One set match per setting answers all of them at once.

use super::compiled::{Matcher, Rule};
use crate::document::Setting;
use crate::lazy_regex::LazyRegex;
use regex::{RegexSet, SetMatches};
use std::collections::HashMap;

#[derive(Debug, Default)]
pub struct SettingPatterns {
    paths: Slots,
    keys: Slots,
}

#[derive(Debug, Default)]
struct Slots {
    set: Option<RegexSet>,
    /// [`LazyRegex::id`] → index in `set`; equal patterns share one index.
    slot: HashMap<usize, usize>,
}

impl Slots {
    fn build(regexes: Vec<&LazyRegex>) -> Slots {
        let mut patterns: Vec<&str> = Vec::new();
        let mut slot = HashMap::new();
        for re in regexes {
            let i = match patterns.iter().position(|p| *p == re.as_str()) {
                Some(i) => i,
                None => {
                    patterns.push(re.as_str());
                    patterns.len() - 1
                }
            };
            slot.insert(re.id(), i);
        }
        // A pattern that does not compile matches nothing through its own regex; without a set
        // every pattern is simply run on its own, as before.
        match RegexSet::new(&patterns) {
            Ok(set) if !patterns.is_empty() => Slots { set: Some(set), slot },
            _ => Slots::default(),
        }
    }

    fn matches(&self, haystack: &str) -> Option<SetMatches> {
        self.set.as_ref().map(|s| s.matches(haystack))
    }
}

fn collect<'r>(m: &'r Matcher, paths: &mut Vec<&'r LazyRegex>, keys: &mut Vec<&'r LazyRegex>) {
    match m {
        Matcher::All(v) | Matcher::Any(v) => v.iter().for_each(|m| collect(m, paths, keys)),
        Matcher::Not(m) | Matcher::Severity(_, m) | Matcher::Anywhere(m) | Matcher::Message(_, m) => {
            collect(m, paths, keys)
        }
        Matcher::Setting(s) => {
            paths.extend(&s.path);
            keys.extend(&s.key);
        }
        Matcher::Link(_)
        | Matcher::Tag(_)
        | Matcher::Text(_)
        | Matcher::Field(_)
        | Matcher::Element(_)
        | Matcher::Include(_) => {}
    }
}

impl SettingPatterns {
    pub fn of(rules: &[Rule]) -> SettingPatterns {
        let (mut paths, mut keys) = (Vec::new(), Vec::new());
        for rule in rules {
            collect(&rule.matcher, &mut paths, &mut keys);
            if let Some(p) = &rule.precondition {
                collect(p, &mut paths, &mut keys);
            }
        }
        SettingPatterns {
            paths: Slots::build(paths),
            keys: Slots::build(keys),
        }
    }

    /// Which patterns each setting's path and key match, computed once per document.
    pub fn hits(&self, settings: &[Setting]) -> SettingHits {
        SettingHits {
            paths: settings.iter().map(|s| self.paths.matches(&s.path)).collect(),
            keys: settings.iter().map(|s| self.keys.matches(&s.key)).collect(),
        }
    }

    pub fn path_matches(&self, hits: &SettingHits, re: &LazyRegex, setting: usize, path: &str) -> bool {
        lookup(&self.paths, &hits.paths, re, setting).unwrap_or_else(|| re.is_match(path))
    }

    pub fn key_matches(&self, hits: &SettingHits, re: &LazyRegex, setting: usize, key: &str) -> bool {
        lookup(&self.keys, &hits.keys, re, setting).unwrap_or_else(|| re.is_match(key))
    }
}

/// The set's answer, or `None` for a pattern the set does not hold (a rule added after it was
/// built), which is then run on its own.
fn lookup(slots: &Slots, hits: &[Option<SetMatches>], re: &LazyRegex, setting: usize) -> Option<bool> {
    let slot = *slots.slot.get(&re.id())?;
    hits.get(setting)?.as_ref().map(|m| m.matched(slot))
}

/// Per setting of one document, the set matches of its path and its key.
#[derive(Debug)]
pub struct SettingHits {
    paths: Vec<Option<SetMatches>>,
    keys: Vec<Option<SetMatches>>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::load;

    const RULE: &str = r#"
id: test/two-globs
title: t
severity: warning
kinds: [config]
message: m
help: h
refs: [x]
examples: { invalid: [], valid: [] }
forbid:
  any:
    - setting: { path: ['**.smtp.tls', 'mail.*'], key: '^(tls|secure)$' }
    - setting: { path: '**.smtp.tls' }
"#;

    #[test]
    fn set_answers_equal_each_regex() {
        let rule = load::compile("t.yaml", RULE, false).expect("compiles");
        let patterns = SettingPatterns::of(std::slice::from_ref(&rule));
        assert_eq!(patterns.paths.set.as_ref().map(RegexSet::len), Some(2));
        let doc = crate::engine::facts::build(
            "mail:\n  secure: true\n  smtp:\n    tls: false\nother:\n  tls: 1\n",
            crate::document::FileKind::Config,
            crate::document::SourceFormat::Yaml,
            &crate::knowledge::Knowledge::builtin().expect("knowledge"),
        );
        assert!(doc.settings.len() >= 3);
        let hits = patterns.hits(&doc.settings);
        let (mut paths, mut keys) = (Vec::new(), Vec::new());
        collect(&rule.matcher, &mut paths, &mut keys);
        for (i, s) in doc.settings.iter().enumerate() {
            let cases = paths
                .iter()
                .map(|re| (re, &s.path, patterns.path_matches(&hits, re, i, &s.path)));
            let cases = cases.chain(
                keys.iter()
                    .map(|re| (re, &s.key, patterns.key_matches(&hits, re, i, &s.key))),
            );
            for (re, haystack, by_set) in cases {
                assert_eq!(by_set, re.is_match(haystack), "{} on {haystack}", re.as_str());
            }
        }
        // A regex the set does not know is run on its own.
        let stranger = LazyRegex::new("(?i)^mail\\.secure$");
        assert!(patterns.path_matches(&hits, &stranger, 0, "mail.secure"));
    }
}
