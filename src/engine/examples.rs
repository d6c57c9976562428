//! Runs a rule's own examples: every `invalid` example must yield the rule, every `valid` one
//! must not. `cargo test` and `inboxlint test` share this.

use super::fix;
use super::linter::{LintAs, LintSetup, Linter};
use crate::diagnostic::{Applicability, Diagnostic};
use crate::document::{FileKind, MessageClass, SourceFormat};
use crate::rules::Rule;
use crate::rules::compiled::Example;
use crate::workspace::kind;
use std::path::Path;

#[derive(Debug, Clone)]
pub struct ExampleFailure {
    pub rule: String,
    pub valid: bool,
    /// A fix example (`fix: examples:`) rather than an invalid or valid one.
    pub fix: bool,
    pub index: usize,
    pub code: String,
    /// What the rule reported (for a valid example) or that it reported nothing.
    pub detail: String,
}

/// Check the examples of `rule` under `setup` (whose rule set must contain the rule), and its
/// fix examples: each becomes its `fixed` text when every fix of the rule is applied (unsafe
/// ones too), and fixing that text again changes nothing.
pub fn check_rule(linter: &Linter, setup: &LintSetup, rule: &Rule) -> Vec<ExampleFailure> {
    let mut failures = Vec::new();
    for (valid, list) in [(false, &rule.invalid), (true, &rule.valid)] {
        for (index, ex) in list.iter().enumerate() {
            let fail = |detail: String| ExampleFailure {
                rule: rule.id.clone(),
                valid,
                fix: false,
                index,
                code: ex.code.clone(),
                detail,
            };
            let found = match lint_example(linter, setup, rule, ex, &ex.code) {
                Ok(found) => found,
                Err(detail) => {
                    failures.push(fail(detail));
                    continue;
                }
            };
            let ok = if valid { found.is_empty() } else { !found.is_empty() };
            if !ok {
                failures.push(fail(if valid {
                    found
                        .iter()
                        .map(|d| format!("{} at {}..{}", d.message, d.span.start, d.span.end))
                        .collect::<Vec<_>>()
                        .join("; ")
                } else {
                    "the rule reported nothing".into()
                }));
            }
        }
    }
    let fix_examples = rule.fix.as_ref().map(|f| f.examples.as_slice()).unwrap_or_default();
    for (index, fx) in fix_examples.iter().enumerate() {
        let ex = &fx.example;
        let fail = |detail: String| ExampleFailure {
            rule: rule.id.clone(),
            valid: false,
            fix: true,
            index,
            code: ex.code.clone(),
            detail,
        };
        let fix_all = |text: &str| {
            fix::fix_text(text, None, Applicability::Unsafe, |t| {
                lint_example(linter, setup, rule, ex, t).ok()
            })
        };
        match fix_all(&ex.code) {
            Err(e) => failures.push(fail(e.to_string())),
            Ok(done) if done.text != fx.fixed => {
                failures.push(fail(format!("fixed to\n{}\ninstead of\n{}", done.text, fx.fixed)))
            }
            Ok(_) => match fix_all(&fx.fixed) {
                Ok(again) if again.applied == 0 => {}
                Ok(again) => failures.push(fail(format!(
                    "fixing the fixed text again applied {} more fixes:\n{}",
                    again.applied, again.text
                ))),
                Err(e) => failures.push(fail(e.to_string())),
            },
        }
    }
    failures
}

/// The unsuppressed findings of `rule` on `code`, linted as example `ex` (its file name,
/// class, profiles, ESPs and files); Err says why the example cannot be linted.
fn lint_example(
    linter: &Linter,
    setup: &LintSetup,
    rule: &Rule,
    ex: &Example,
    code: &str,
) -> Result<Vec<Diagnostic>, String> {
    let path = Path::new(&ex.filename);
    // An example named `x.txt` is a mail part by declaration: there is no directory to ask.
    let by_name =
        kind::classify(path).or_else(|| kind::is_bare_text(path).then_some((FileKind::Text, SourceFormat::Text)));
    let Some((k, f)) = by_name else {
        return Err(format!("inboxlint does not read files named `{}`", ex.filename));
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
    Ok(linter
        .lint_as(path, code, setup, &LintAs::new(k, f).class(class).files(&ex.files))
        .into_iter()
        .filter(|d| d.rule == rule.id && d.suppressed.is_none())
        .collect())
}
