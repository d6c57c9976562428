//! `inboxlint test [PATH...]`: run the examples of the built-in rules, the config's `rule-dirs`
//! and the rule directories or files given, and report like `cargo test`.

use super::{EXIT_ERROR, EXIT_FINDINGS, EXIT_OK};
use crate::engine::examples::{ExampleFailure, check_rule};
use crate::engine::{LintSetup, Linter, Overrides};
use crate::knowledge::Knowledge;
use crate::knowledge::yaml::LoadError;
use crate::rules::{Rule, RuleSet, UserRules, load};
use crate::workspace::config::Resolved;
use crate::workspace::rule_files;
use std::fmt::Write as _;
use std::path::PathBuf;
use std::sync::Arc;

#[derive(Debug, clap::Args)]
pub struct TestArgs {
    /// Rule directories or rule files to test besides the built-in rules and `rule-dirs`.
    pub paths: Vec<PathBuf>,
    /// Use this config (for its `rule-dirs`) instead of the nearest `.inboxlint.yaml`.
    #[arg(long)]
    pub config: Option<PathBuf>,
    /// Only print failures and the result line.
    #[arg(long, short)]
    pub quiet: bool,
}

/// Built-in rules, then user rules (a user rule with a built-in id replaces it), and the
/// dialect files found beside them.
fn collect(args: &TestArgs) -> Result<UserRules, Vec<LoadError>> {
    let mut rules = RuleSet::builtin().map_err(|e| vec![e])?.rules.clone();
    let linter = Linter::new(Overrides {
        config: args.config.clone(),
        ..Overrides::default()
    });
    let setup = linter.setup_for(&PathBuf::from("inboxlint-test"))?;
    let config_dirs = setup.config.rule_dirs.clone();
    let mut user = Vec::new();
    let mut dialects = Vec::new();
    let mut errors = Vec::new();
    // Directories from the config are the repository's and stay in its project; those named on
    // the command line are the user's own.
    let dirs = config_dirs
        .iter()
        .map(|d| (d, Some(&setup.config.project)))
        .chain(args.paths.iter().map(|d| (d, None)));
    for (path, project) in dirs {
        if path.is_dir() {
            match rule_files::collect(path, project, &rule_files::LIMITS).and_then(RuleSet::load_files) {
                Ok((r, d)) => {
                    user.extend(r);
                    dialects.extend(d);
                }
                Err(e) => errors.extend(e),
            }
        } else {
            let shown = path.display().to_string();
            match std::fs::read_to_string(path) {
                Ok(text) => match load::compile(&shown, &text, false) {
                    Ok(r) => user.push(r),
                    Err(e) => errors.push(e),
                },
                Err(e) => errors.push(LoadError::at(&shown, "", 0, 0, format!("cannot read rule file: {e}"))),
            }
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    for rule in user {
        rules.retain(|r| r.id != rule.id);
        rules.push(rule);
    }
    rules.sort_by(|a, b| a.id.cmp(&b.id));
    Ok((rules, dialects))
}

fn describe(f: &ExampleFailure) -> String {
    let which = match (f.fix, f.valid) {
        (true, _) => "fix",
        (false, true) => "valid",
        (false, false) => "invalid",
    };
    let what = if f.valid {
        format!("reported {}", f.detail)
    } else {
        f.detail.clone()
    };
    let code: String = f.code.trim_end().lines().map(|l| format!("        {l}\n")).collect();
    format!("    {which} example #{}: {what}\n{code}", f.index + 1)
}

pub fn run(args: TestArgs) -> u8 {
    let (rules, dialects) = match collect(&args) {
        Ok(x) => x,
        Err(errors) => {
            for e in errors {
                eprintln!("{}", e.render());
            }
            return EXIT_ERROR;
        }
    };
    let knowledge = if dialects.is_empty() {
        Knowledge::builtin()
    } else {
        Knowledge::load(&dialects).map(Arc::new)
    };
    let knowledge = match knowledge {
        Ok(k) => k,
        Err(e) => {
            eprintln!("{}", e.render());
            return EXIT_ERROR;
        }
    };
    let linter = Linter::new(Overrides {
        isolated: true,
        ..Overrides::default()
    });
    // Examples run under the default config, so they mean the same in every project.
    let setup = LintSetup {
        config: Resolved::defaults(std::env::current_dir().unwrap_or_default()),
        knowledge,
        rules: Arc::new(RuleSet::new(rules.clone())),
    };
    let examples: usize = rules.iter().map(|r| r.invalid.len() + r.valid.len()).sum();
    let mut out = String::new();
    if !args.quiet {
        let _ = writeln!(out, "running {} rules ({examples} examples)", rules.len());
    }
    let mut failed: Vec<(&Rule, Vec<String>)> = Vec::new();
    for rule in &rules {
        let mut problems: Vec<String> = Vec::new();
        if rule.invalid.is_empty() || rule.valid.is_empty() {
            problems.push("    needs at least one invalid and one valid example\n".into());
        }
        problems.extend(check_rule(&linter, &setup, rule).iter().map(describe));
        if !args.quiet || !problems.is_empty() {
            let _ = writeln!(
                out,
                "rule {} ... {}",
                rule.id,
                if problems.is_empty() { "ok" } else { "FAILED" }
            );
        }
        if !problems.is_empty() {
            failed.push((rule, problems));
        }
    }
    if !failed.is_empty() {
        let _ = writeln!(out, "\nfailures:\n");
        for (rule, problems) in &failed {
            let _ = writeln!(out, "---- {} ({}) ----", rule.id, rule.origin);
            for p in problems {
                out.push_str(p);
            }
            out.push('\n');
        }
    }
    let _ = writeln!(
        out,
        "\ntest result: {}. {} passed, {} failed",
        if failed.is_empty() { "ok" } else { "FAILED" },
        rules.len() - failed.len(),
        failed.len()
    );
    print!("{out}");
    if failed.is_empty() { EXIT_OK } else { EXIT_FINDINGS }
}
