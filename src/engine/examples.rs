//! Runs a rule's own examples: every `invalid` example must yield the rule, every `valid` one
//! must not. `cargo test` and `inboxlint test` share this.

use super::linter::{LintAs, LintSetup, Linter};
use crate::document::{FileKind, MessageClass, SourceFormat};
use crate::rules::Rule;
use crate::workspace::kind;
use std::path::Path;

#[derive(Debug, Clone)]
pub struct ExampleFailure {
    pub rule: String,
    pub valid: bool,
    pub index: usize,
    pub code: String,
    /// What the rule reported (for a valid example) or that it reported nothing.
    pub detail: String,
}

/// Check the examples of `rule` under `setup` (whose rule set must contain the rule).
pub fn check_rule(linter: &Linter, setup: &LintSetup, rule: &Rule) -> Vec<ExampleFailure> {
    let mut failures = Vec::new();
    for (valid, list) in [(false, &rule.invalid), (true, &rule.valid)] {
        for (index, ex) in list.iter().enumerate() {
            let path = Path::new(&ex.filename);
            // An example named `x.txt` is a mail part by declaration: there is no directory to ask.
            let by_name = kind::classify(path)
                .or_else(|| kind::is_bare_text(path).then_some((FileKind::Text, SourceFormat::Text)));
            let Some((k, f)) = by_name else {
                failures.push(ExampleFailure {
                    rule: rule.id.clone(),
                    valid,
                    index,
                    code: ex.code.clone(),
                    detail: format!("inboxlint does not read files named `{}`", ex.filename),
                });
                continue;
            };
            // An example of a schema rule may be JSON Schema: facts::build decides by content.
            let k = if rule.kinds.contains(&k) {
                k
            } else {
                rule.kinds.first().copied().unwrap_or(k)
            };
            let class = ex.class.as_deref().map(|c| {
                if c == "transactional" {
                    MessageClass::Transactional
                } else {
                    MessageClass::Marketing
                }
            });
            let mut local;
            let setup = if ex.profiles.is_empty() && ex.esp.is_empty() {
                setup
            } else {
                local = LintSetup {
                    config: crate::workspace::config::Resolved::defaults(setup.config.root.clone()),
                    knowledge: setup.knowledge.clone(),
                    rules: setup.rules.clone(),
                };
                if !ex.profiles.is_empty() {
                    local.config.profiles = ex.profiles.clone();
                }
                local.config.esp = ex.esp.clone();
                &local
            };
            let found: Vec<_> = linter
                .lint_as(path, &ex.code, setup, &LintAs::new(k, f).class(class).files(&ex.files))
                .into_iter()
                .filter(|d| d.rule == rule.id && d.suppressed.is_none())
                .collect();
            let ok = if valid { found.is_empty() } else { !found.is_empty() };
            if !ok {
                failures.push(ExampleFailure {
                    rule: rule.id.clone(),
                    valid,
                    index,
                    code: ex.code.clone(),
                    detail: if valid {
                        found
                            .iter()
                            .map(|d| format!("{} at {}..{}", d.message, d.span.start, d.span.end))
                            .collect::<Vec<_>>()
                            .join("; ")
                    } else {
                        "the rule reported nothing".into()
                    },
                });
            }
        }
    }
    failures
}
