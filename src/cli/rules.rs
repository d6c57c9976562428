//! `inboxlint rules`: the rules that apply here (built-in and `rule-dirs`), as text, json, or
//! the markdown of `docs/rules.md`.

use super::{EXIT_ERROR, EXIT_OK};
use crate::engine::{Linter, Overrides};
use crate::rules::{Rule, RuleSet, docs, load};
use serde::Serialize;
use std::path::PathBuf;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum RulesFormat {
    Text,
    Json,
    Markdown,
}

#[derive(Debug, clap::Args)]
pub struct RulesArgs {
    /// Output format: text, json, or markdown (the source of docs/rules.md).
    #[arg(long, value_enum, default_value = "text")]
    pub format: RulesFormat,
    /// Use this config (for its `rule-dirs`) instead of the nearest `.inboxlint.yaml`.
    #[arg(long)]
    pub config: Option<PathBuf>,
    /// Only the built-in rules, whatever the config adds.
    #[arg(long)]
    pub builtin: bool,
}

#[derive(Serialize)]
struct JsonRules<'a> {
    version: u32,
    rules: Vec<JsonRule<'a>>,
    esps: Vec<JsonEsp<'a>>,
}

#[derive(Serialize)]
struct JsonRule<'a> {
    id: &'a str,
    title: &'a str,
    severity: &'static str,
    kinds: Vec<&'static str>,
    classes: Vec<&'a str>,
    profiles: Vec<&'a str>,
    refs: &'a [String],
    help: &'a str,
    url: String,
    builtin: bool,
    origin: &'a str,
    examples: JsonExamples,
    /// The rule's fix, or null.
    fix: Option<JsonRuleFix<'a>>,
}

#[derive(Serialize)]
struct JsonRuleFix<'a> {
    applicability: &'static str,
    /// `replace`, `rewrite`, `esp-tag` or `set-setting`.
    action: &'static str,
    description: &'a str,
}

#[derive(Serialize)]
struct JsonExamples {
    invalid: usize,
    valid: usize,
}

fn json_rule(r: &Rule) -> JsonRule<'_> {
    JsonRule {
        id: &r.id,
        title: r.title.trim(),
        severity: r.severity.as_str(),
        kinds: r.kinds.iter().map(|k| k.as_str()).collect(),
        classes: if r.classes.is_empty() {
            vec!["marketing", "transactional"]
        } else {
            r.classes.iter().map(String::as_str).collect()
        },
        profiles: if r.profiles.is_empty() {
            load::PROFILES.to_vec()
        } else {
            r.profiles.iter().map(String::as_str).collect()
        },
        refs: &r.refs,
        help: r.help.trim(),
        url: r.docs_url(),
        builtin: r.builtin,
        origin: &r.origin,
        examples: JsonExamples {
            invalid: r.invalid.len(),
            valid: r.valid.len(),
        },
        fix: r.fix.as_ref().map(|f| JsonRuleFix {
            applicability: f.applicability.as_str(),
            action: f.action.kind(),
            description: f.description.trim(),
        }),
    }
}

/// The rules `inboxlint check` would load in the current directory.
pub fn current_rules(config: Option<PathBuf>, builtin_only: bool) -> Result<Vec<Rule>, u8> {
    if builtin_only {
        return match RuleSet::builtin() {
            Ok(set) => Ok(set.rules.clone()),
            Err(e) => {
                eprintln!("{}", e.render());
                Err(EXIT_ERROR)
            }
        };
    }
    let linter = Linter::new(Overrides {
        config,
        ..Overrides::default()
    });
    // The setup for a file in the current directory: nearest config, its rule-dirs.
    match linter.setup_for(&PathBuf::from("inboxlint-rules")) {
        Ok(p) => Ok(p.rules.rules.clone()),
        Err(errors) => {
            for e in errors {
                eprintln!("{}", e.render());
            }
            Err(EXIT_ERROR)
        }
    }
}

pub fn text(rules: &[Rule]) -> String {
    let width = rules.iter().map(|r| r.id.len()).max().unwrap_or(0);
    let mut out = String::new();
    for r in rules {
        out.push_str(&format!(
            "{:width$}  {:7}  {:6}  {:18}  {}\n",
            r.id,
            r.severity.as_str(),
            docs::fix_applicability(r),
            docs::kinds(r),
            r.title.trim()
        ));
    }
    out.push_str(&format!(
        "\n{} rules. `inboxlint explain RULE` shows one in full. The third column says which \
         can fix: `safe` fixes apply with `check --fix`, `unsafe` ones with `--unsafe-fixes` too.\n",
        rules.len()
    ));
    if let Ok(knowledge) = crate::knowledge::Knowledge::builtin() {
        let dialects = &knowledge.registry.dialects;
        out.push_str(&format!(
            "\n{} ESPs and template languages (`esp:` in .inboxlint.yaml):\n",
            dialects.len()
        ));
        let mut ids: Vec<_> = dialects.iter().collect();
        ids.sort_by(|a, b| a.id.cmp(b.id));
        for d in ids {
            let source = match (&d.unverified, d.refs.first()) {
                (Some(_), _) => "unverified".to_string(),
                (None, Some(r)) => r.clone(),
                (None, None) => String::new(),
            };
            out.push_str(&format!("  {:16}  {:44}  {}\n", d.id, d.name, source));
        }
    }
    out
}

#[derive(Serialize)]
struct JsonEsp<'a> {
    id: &'a str,
    name: &'a str,
    refs: &'a [String],
    verified: bool,
    unverified: Option<&'a str>,
    auto_footer: Vec<&'static str>,
    blocks_send: Vec<&'static str>,
}

pub fn run(args: RulesArgs) -> u8 {
    let rules = match current_rules(args.config, args.builtin) {
        Ok(r) => r,
        Err(code) => return code,
    };
    let out = match args.format {
        RulesFormat::Text => text(&rules),
        RulesFormat::Markdown => docs::markdown(&rules),
        RulesFormat::Json => {
            let knowledge = crate::knowledge::Knowledge::builtin().ok();
            let esps = knowledge
                .as_ref()
                .map(|k| {
                    k.registry
                        .dialects
                        .iter()
                        .map(|d| JsonEsp {
                            id: d.id,
                            name: &d.name,
                            refs: &d.refs,
                            verified: d.unverified.is_none(),
                            unverified: d.unverified.as_deref(),
                            auto_footer: d.auto_footer.iter().map(|r| r.as_str()).collect(),
                            blocks_send: d.blocks_send.iter().map(|r| r.as_str()).collect(),
                        })
                        .collect()
                })
                .unwrap_or_default();
            let doc = JsonRules {
                version: 1,
                rules: rules.iter().map(json_rule).collect(),
                esps,
            };
            match serde_json::to_string_pretty(&doc) {
                Ok(s) => s + "\n",
                Err(e) => {
                    eprintln!("error: {e}");
                    return EXIT_ERROR;
                }
            }
        }
    };
    print!("{out}");
    EXIT_OK
}
