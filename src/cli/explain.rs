//! `inboxlint explain RULE|GROUP|FILE`: a rule's documentation, refs, examples and help; the
//! rules of a group; or, for a file, what inboxlint decided about it (kind, class and why,
//! profiles) and which rules ran on it or why not.

use super::rules::current_rules;
use super::{EXIT_ERROR, EXIT_OK};
use crate::document::{ClassInfo, ClassSource};
use crate::engine::suppress::META_RULES;
use crate::engine::{Linter, Overrides};
use crate::message::directives::Via;
use crate::message::graph::{IncludeGraph, Target};
use crate::rules::{Rule, docs};
use crate::source::SourceText;
use crate::workspace::kind;
use crate::workspace::walk::{self, Read};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

#[derive(Debug, clap::Args)]
pub struct ExplainArgs {
    /// A rule id (`privacy/pii-in-url`), a group (`privacy`), or a file to explain.
    pub target: String,
    /// Use this config instead of the nearest `.inboxlint.yaml`.
    #[arg(long)]
    pub config: Option<PathBuf>,
}

/// A class and where it came from, in words.
pub fn describe_class(class: &ClassInfo, text: &str) -> String {
    let why = match &class.source {
        ClassSource::Config { glob } => format!("the config's `{}` glob `{glob}` matches", class.class.as_str()),
        ClassSource::Marker { span } => {
            let at = SourceText::new(text).line_col(span.0);
            let marker = text.get(span.0..span.1).unwrap_or_default();
            format!("the comment `{marker}` on line {}", at.line)
        }
        ClassSource::Inferred { reason } => format!("inferred from {reason}"),
        ClassSource::Default => {
            "nothing marks it transactional, so it is treated as marketing (the fail-safe default)".into()
        }
    };
    format!("{} ({why})", class.class.as_str())
}

/// The file's role in the project's messages and the tree of what it includes.
fn composition(graph: Option<&IncludeGraph>, path: &Path) -> String {
    let Some(graph) = graph else {
        return String::new();
    };
    let abs = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let root = graph.roots.project_root.clone();
    let shown = |p: &Path| p.strip_prefix(&root).unwrap_or(p).display().to_string();
    let mut out = String::new();
    if graph.is_partial(&abs) {
        let users = graph.includers_of(&abs);
        let _ = writeln!(
            out,
            "  message:  a partial: message-level rules run on the {} entry template(s) that include it",
            users.len()
        );
        for u in users.iter().take(20) {
            let _ = writeln!(out, "            - {}", shown(u));
        }
        if users.len() > 20 {
            let _ = writeln!(out, "            ... and {} more", users.len() - 20);
        }
        return out;
    }
    let _ = writeln!(out, "  message:  an entry template; its message is composed of:");
    let mut seen = vec![crate::message::path::normalize(&abs)];
    tree(graph, &abs, 1, &mut seen, &shown, &mut out);
    out
}

fn via_word(via: Via) -> &'static str {
    match via {
        Via::Partial => "include",
        Via::Import => "import",
        Via::Section => "section",
        Via::Mjml => "mj-include",
        Via::RawHtml => "mj-include (html)",
        Via::Style => "mj-include (css)",
        Via::Template => "template",
        Via::Component => "component",
        Via::Layout => "layout",
        Via::Embed => "embed",
        Via::BlockPartial => "block partial",
    }
}

/// One level of the include tree, depth-first; a file already on the path is a cycle.
fn tree(
    graph: &IncludeGraph,
    file: &Path,
    depth: usize,
    seen: &mut Vec<PathBuf>,
    shown: &dyn Fn(&Path) -> String,
    out: &mut String,
) {
    let indent = "  ".repeat(depth + 5);
    if depth == 1 {
        let _ = writeln!(out, "{indent}{}", shown(file));
    }
    if depth > 16 {
        let _ = writeln!(out, "{indent}  ...");
        return;
    }
    for r in graph.references(file) {
        let how = via_word(r.via);
        match &r.target {
            Target::File(p) if seen.contains(p) => {
                let _ = writeln!(out, "{indent}  {how} {} → {} (a cycle)", r.name, shown(p));
            }
            Target::File(p) => {
                let _ = writeln!(out, "{indent}  {how} {} → {}", r.name, shown(p));
                seen.push(p.clone());
                tree(graph, p, depth + 1, seen, shown, out);
                seen.pop();
            }
            Target::Missing { tried } => {
                let tried: Vec<String> = tried.iter().take(4).map(|p| shown(p)).collect();
                let _ = writeln!(
                    out,
                    "{indent}  {how} {} → not found (tried {})",
                    r.name,
                    tried.join(", ")
                );
            }
            Target::External { reason } => {
                let _ = writeln!(out, "{indent}  {how} {} → not read ({reason})", r.name);
            }
        }
    }
}

fn explain_rule(rule: &Rule) -> String {
    let mut out = docs::section(rule, "#");
    let _ = writeln!(out, "Documentation: {}", rule.docs_url());
    if !rule.builtin {
        let _ = writeln!(out, "Defined in: {}", rule.origin);
    }
    out
}

fn explain_file(path: &Path, config: Option<PathBuf>, rules: &[Rule]) -> Result<String, String> {
    let linter = Linter::new(Overrides {
        config,
        ..Overrides::default()
    });
    let setup = linter
        .setup_for(path)
        .map_err(|errors| errors.iter().map(|e| e.render()).collect::<Vec<_>>().join("\n"))?;
    let text = match walk::read(path, setup.config.max_file_size, true) {
        Read::Text(t) => t,
        Read::SkipBinary => return Err(format!("{} is a binary file", path.display())),
        Read::Problem(p) => return Err(format!("{}: {}", path.display(), p.message)),
    };
    // Whether the file is a partial, and what its message holds, depends on the project's
    // other templates.
    let accept = |p: &Path, _explicit: bool| kind::classify(p).is_some_and(|(k, _)| k.is_template());
    let (found, _) = walk::discover(std::slice::from_ref(&setup.config.root), true, 0, &accept);
    let templates: Vec<PathBuf> = found.into_iter().map(|f| f.path).collect();
    linter.set_include_graph(&templates);
    let Some(linted) = linter.lint_file(path, &text, &setup) else {
        return Err(format!(
            "inboxlint does not read {} (see `kinds:` in the config to force a kind)",
            path.display()
        ));
    };
    let mut out = String::new();
    let _ = writeln!(out, "{}", path.display());
    let _ = writeln!(
        out,
        "  kind:     {} (read as {})",
        linted.kind.as_str(),
        serde_json::to_value(linted.format)
            .ok()
            .and_then(|v| v.as_str().map(String::from))
            .unwrap_or_default()
    );
    let _ = writeln!(
        out,
        "  config:   {}",
        setup
            .config
            .path
            .as_ref()
            .map_or("none (built-in defaults)".to_string(), |p| p.display().to_string())
    );
    let _ = writeln!(out, "  profiles: {}", setup.config.profiles.join(", "));
    let _ = writeln!(out, "  class:    {}", describe_class(&linted.class, &text));
    if linted.kind.is_template() {
        let _ = write!(out, "{}", linter.with_include_graph(|g| composition(g, path)));
    }
    if !setup.config.infer_class {
        let _ = writeln!(out, "            (class inference is off: `infer-class: false`)");
    }
    let for_kind: Vec<&Rule> = rules.iter().filter(|r| r.kinds.contains(&linted.kind)).collect();
    let ran: Vec<&&Rule> = for_kind.iter().filter(|r| linted.ran.contains(&r.id)).collect();
    let _ = writeln!(out, "\nRules that ran ({}):", ran.len());
    for r in &ran {
        let found = linted
            .diagnostics
            .iter()
            .filter(|d| d.rule == r.id && d.suppressed.is_none())
            .count();
        let _ = writeln!(
            out,
            "  {}{}",
            r.id,
            if found > 0 {
                format!("  ({found} finding{})", if found == 1 { "" } else { "s" })
            } else {
                String::new()
            }
        );
    }
    let skipped: Vec<(&Rule, String)> = for_kind
        .iter()
        .filter(|r| !linted.ran.contains(&r.id))
        .map(|r| {
            let why = if !r.formats.is_empty() && !r.formats.contains(&linted.format) {
                "not for this file format".to_string()
            } else if !r.classes.is_empty() && !r.classes.iter().any(|c| c == linted.class.class.as_str()) {
                format!(
                    "{} mail only; this file is {}",
                    r.classes.join("/"),
                    linted.class.class.as_str()
                )
            } else if !r.profiles.is_empty() && !r.profiles.iter().any(|p| setup.config.profiles.contains(p)) {
                format!("needs profile {}", r.profiles.join(" or "))
            } else {
                "turned off by config or --select/--ignore".to_string()
            };
            (*r, why)
        })
        .collect();
    if !skipped.is_empty() {
        let _ = writeln!(out, "\nRules that did not run ({}):", skipped.len());
        for (r, why) in skipped {
            let _ = writeln!(out, "  {}: {why}", r.id);
        }
    }
    let suppressed = linted.diagnostics.iter().filter(|d| d.suppressed.is_some()).count();
    let _ = writeln!(
        out,
        "\n{} finding{} ({suppressed} suppressed); `inboxlint check {}` shows them.",
        linted.diagnostics.len(),
        if linted.diagnostics.len() == 1 { "" } else { "s" },
        path.display()
    );
    Ok(out)
}

pub fn run(args: ExplainArgs) -> u8 {
    let rules = match current_rules(args.config.clone(), false) {
        Ok(r) => r,
        Err(code) => return code,
    };
    let target = args.target.trim_end_matches("/*");
    if let Some(rule) = rules.iter().find(|r| r.id == target) {
        print!("{}", explain_rule(rule));
        return EXIT_OK;
    }
    if let Some((id, severity, what)) = META_RULES.iter().find(|(id, _, _)| *id == target) {
        println!("# {id}\n\nSeverity: {}\n\nReported when {what}.", severity.as_str());
        println!("\nSee \"Suppressions\" in the README: https://github.com/inboxlint/inboxlint#suppressions");
        return EXIT_OK;
    }
    let in_group: Vec<&Rule> = rules.iter().filter(|r| r.group() == target).collect();
    if !in_group.is_empty() {
        let owned: Vec<Rule> = in_group.into_iter().cloned().collect();
        print!("{}", super::rules::text(&owned));
        return EXIT_OK;
    }
    let path = Path::new(&args.target);
    if path.is_file() {
        return match explain_file(path, args.config, &rules) {
            Ok(text) => {
                print!("{text}");
                EXIT_OK
            }
            Err(e) => {
                eprintln!("error: {e}");
                EXIT_ERROR
            }
        };
    }
    let close: Vec<&str> = rules
        .iter()
        .filter(|r| {
            let name = r.id.rsplit('/').next().unwrap_or(&r.id);
            r.id.contains(target) || target.contains(name)
        })
        .map(|r| r.id.as_str())
        .take(5)
        .collect();
    if close.is_empty() {
        eprintln!(
            "error: `{}` is not a rule, group or file (`inboxlint rules` lists the rules)",
            args.target
        );
    } else {
        eprintln!(
            "error: `{}` is not a rule, group or file; did you mean {}?",
            args.target,
            close.iter().map(|c| format!("`{c}`")).collect::<Vec<_>>().join(", ")
        );
    }
    EXIT_ERROR
}
