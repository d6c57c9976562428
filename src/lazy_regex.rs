//! Regexes that compile on first use.
//!
//! Compiling the built-in rules, dialects and lexicons eagerly cost ~30 ms per process, most of
//! it building Unicode classes (`\w`, `(?i)`) into automata: more than linting a typical template,
//! and paid again on every pre-commit run. A run over one HTML file needs none of the config or
//! schema patterns, and the default profile none of the CASL/GDPR ones, so those never compile.
//!
//! Patterns a user wrote are compiled eagerly ([`LazyRegex::eager`]) so a mistake is reported at
//! load time, located in the user's file. Built-in patterns are compiled by tests
//! (`every_builtin_pattern_compiles`); should a broken one ship anyway it matches nothing.

use regex::Regex;
use std::fmt;
use std::sync::{Arc, LazyLock, OnceLock};

/// Cheap to clone: clones share one compiled regex, so a rule set copied for a user profile
/// does not compile its patterns twice.
#[derive(Clone)]
pub struct LazyRegex(Arc<Inner>);

struct Inner {
    pattern: String,
    compiled: OnceLock<Result<Regex, String>>,
}

static NEVER: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"[^\s\S]").expect("a constant, valid pattern"));

impl LazyRegex {
    /// A pattern compiled on first use.
    pub fn new(pattern: impl Into<String>) -> Self {
        LazyRegex(Arc::new(Inner {
            pattern: pattern.into(),
            compiled: OnceLock::new(),
        }))
    }

    /// A pattern compiled now, for patterns whose errors must be reported where they were written.
    pub fn eager(pattern: impl Into<String>) -> Result<Self, regex::Error> {
        let pattern = pattern.into();
        let re = Regex::new(&pattern)?;
        let compiled = OnceLock::new();
        let _ = compiled.set(Ok(re));
        Ok(LazyRegex(Arc::new(Inner { pattern, compiled })))
    }

    /// Identifies this regex and its clones (not equal patterns compiled apart).
    pub fn id(&self) -> usize {
        Arc::as_ptr(&self.0) as usize
    }

    pub fn as_str(&self) -> &str {
        &self.0.pattern
    }

    /// The compiled regex, or why the pattern does not compile.
    pub fn try_get(&self) -> Result<&Regex, &str> {
        self.0
            .compiled
            .get_or_init(|| Regex::new(&self.0.pattern).map_err(|e| e.to_string()))
            .as_ref()
            .map_err(String::as_str)
    }
}

impl std::ops::Deref for LazyRegex {
    type Target = Regex;
    fn deref(&self) -> &Regex {
        self.try_get().unwrap_or(&NEVER)
    }
}

impl fmt::Debug for LazyRegex {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("LazyRegex").field(&self.0.pattern).finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compiles_on_first_use_and_clones_share_it() {
        let re = LazyRegex::new(r"(?i)\bunsubscribe\b");
        let copy = re.clone();
        assert!(re.0.compiled.get().is_none(), "nothing compiled before use");
        assert!(copy.is_match("Click to UNSUBSCRIBE."));
        assert!(re.0.compiled.get().is_some(), "the clone's compile is shared");
        assert_eq!(re.as_str(), r"(?i)\bunsubscribe\b");
    }

    #[test]
    fn a_broken_pattern_says_why_and_matches_nothing() {
        let re = LazyRegex::new("(unclosed");
        assert!(re.try_get().is_err_and(|e| e.contains("unclosed")));
        assert!(!re.is_match("(unclosed"));
        assert!(!re.is_match(""));
        assert!(LazyRegex::eager("(unclosed").is_err());
        assert!(LazyRegex::eager("ok").is_ok_and(|r| r.0.compiled.get().is_some()));
    }
}
