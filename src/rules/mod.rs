//! Rule files: their schema, compilation to matchers, and the embedded built-in packs.

pub mod compiled;
pub mod docs;
pub mod load;
pub mod rule_schema;
pub mod schema;
pub mod selector;
pub mod setting_patterns;

pub use compiled::{Matcher, Mode, Rule, Scope};

use crate::knowledge::embedded;
use crate::knowledge::yaml::LoadError;
use setting_patterns::SettingPatterns;
use std::path::Path;
use std::sync::{Arc, LazyLock, OnceLock};

/// Rules from a user directory, and the (path, text) of its `esp/*.yaml` dialect files.
pub type UserRules = (Vec<Rule>, Vec<(String, String)>);

/// A compiled, ordered set of rules.
#[derive(Debug, Clone, Default)]
pub struct RuleSet {
    pub rules: Vec<Rule>,
    /// Built on the first config a profile lints; templates never need it.
    setting_patterns: OnceLock<Arc<SettingPatterns>>,
}

impl RuleSet {
    pub fn new(rules: Vec<Rule>) -> RuleSet {
        RuleSet {
            rules,
            setting_patterns: OnceLock::new(),
        }
    }

    pub fn setting_patterns(&self) -> &SettingPatterns {
        self.setting_patterns
            .get_or_init(|| Arc::new(SettingPatterns::of(&self.rules)))
    }

    pub fn builtin() -> Result<Arc<RuleSet>, LoadError> {
        static BUILTIN: LazyLock<Result<Arc<RuleSet>, LoadError>> = LazyLock::new(|| {
            let mut rules = Vec::new();
            for (path, text) in embedded::EMBEDDED {
                let group = path.split('/').next().unwrap_or_default();
                if load::GROUPS.contains(&group) {
                    rules.push(load::compile(&format!("rules/{path}"), text, true)?);
                }
            }
            rules.sort_by(|a, b| a.id.cmp(&b.id));
            Ok(Arc::new(RuleSet::new(rules)))
        });
        BUILTIN.clone()
    }

    /// User rules from the (path, text) of a rule directory's files (see
    /// `workspace::rule_files`), added after the built-ins. Dialect files (`esp/*.yaml`) among
    /// them are returned for the registry instead.
    pub fn load_files(files: Vec<(String, String)>) -> Result<UserRules, Vec<LoadError>> {
        let mut rules = Vec::new();
        let mut dialects = Vec::new();
        let mut errors = Vec::new();
        for (shown, text) in files {
            if Path::new(&shown)
                .parent()
                .and_then(|p| p.file_name())
                .is_some_and(|n| n == "esp")
            {
                dialects.push((shown, text));
                continue;
            }
            match load::compile(&shown, &text, false) {
                Ok(r) => rules.push(r),
                Err(e) => errors.push(e),
            }
        }
        if errors.is_empty() {
            Ok((rules, dialects))
        } else {
            Err(errors)
        }
    }

    pub fn get(&self, id: &str) -> Option<&Rule> {
        self.rules.iter().find(|r| r.id == id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Built-in patterns compile lazily at run time, so this is where a broken one must show:
    /// compiling each built-in rule file as a user file compiles every pattern now.
    #[test]
    fn every_builtin_pattern_compiles() {
        let mut checked = 0;
        for (path, text) in embedded::EMBEDDED {
            if load::GROUPS.contains(&path.split('/').next().unwrap_or_default()) {
                if let Err(e) = load::compile(&format!("rules/{path}"), text, false) {
                    panic!("{e:?}");
                }
                checked += 1;
            }
        }
        assert!(checked >= 30, "only {checked} built-in rules found");
    }
}
