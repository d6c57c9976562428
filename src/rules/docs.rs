//! Rule documentation rendered from the rule files themselves: `docs/rules.md`, and the text
//! `inboxlint explain` prints. Anchors match [`Rule::docs_url`] (`#<group>-<name>`).

use super::Rule;
use crate::document::FileKind;
use crate::rules::load::default_filename;
use std::fmt::Write as _;

/// How to regenerate `docs/rules.md`; the staleness test prints it.
pub const REGENERATE: &str = "cargo run -q -- rules --builtin --format markdown > docs/rules.md";

pub fn anchor(rule: &Rule) -> String {
    rule.id.replace('/', "-")
}

fn or_all(list: &[String], all: &str) -> String {
    if list.is_empty() {
        all.to_string()
    } else {
        list.join(", ")
    }
}

pub fn kinds(rule: &Rule) -> String {
    rule.kinds.iter().map(|k| k.as_str()).collect::<Vec<_>>().join(", ")
}

/// Classes the rule runs for (`marketing, transactional` when it does not say).
pub fn classes(rule: &Rule) -> String {
    or_all(&rule.classes, "marketing, transactional")
}

/// Profiles the rule runs under (`all` when it does not say).
pub fn profiles(rule: &Rule) -> String {
    or_all(&rule.profiles, "all")
}

fn fence_lang(filename: &str) -> &str {
    let ext = filename.rsplit_once('.').map(|(_, e)| e).unwrap_or("");
    match ext {
        "hbs" | "handlebars" | "mustache" | "liquid" | "j2" | "jinja" | "njk" | "twig" | "htm" | "mjml" => "html",
        "yml" => "yaml",
        "" if filename.contains(".env") => "sh",
        "env" => "sh",
        e => e,
    }
}

fn example(out: &mut String, ex: &super::compiled::Example, kind: FileKind) {
    let fence = if ex.code.contains("```") { "````" } else { "```" };
    let mut notes = Vec::new();
    if ex.filename != default_filename(kind) {
        notes.push(format!("`{}`", ex.filename));
    }
    if let Some(c) = &ex.class {
        notes.push(format!("as {c}"));
    }
    if !ex.profiles.is_empty() {
        notes.push(format!("profiles {}", ex.profiles.join(", ")));
    }
    if !notes.is_empty() {
        let _ = writeln!(out, "{}:\n", notes.join(", "));
    }
    let _ = writeln!(
        out,
        "{fence}{}\n{}\n{fence}\n",
        fence_lang(&ex.filename),
        ex.code.trim_end()
    );
}

/// One rule's section: heading, facts line, docs, message, help, refs and examples.
pub fn section(rule: &Rule, heading: &str) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "{heading} {}\n", rule.id);
    let _ = writeln!(out, "**{}**\n", rule.title.trim());
    let _ = writeln!(
        out,
        "Severity: {} · kinds: {} · classes: {} · profiles: {}\n",
        rule.severity.as_str(),
        kinds(rule),
        classes(rule),
        profiles(rule)
    );
    if let Some(docs) = &rule.docs {
        let _ = writeln!(out, "{}\n", docs.trim());
    }
    let _ = writeln!(out, "Message: {}\n", rule.message.trim());
    let _ = writeln!(out, "Help: {}\n", rule.help.trim());
    if let Some(fix) = &rule.fix {
        let _ = writeln!(
            out,
            "Fix ({}, `{}`; {}): {}\n",
            fix.applicability.as_str(),
            fix.action.kind(),
            match fix.applicability {
                crate::diagnostic::Applicability::Safe => "applied by `check --fix`",
                crate::diagnostic::Applicability::Unsafe => "applied by `check --fix --unsafe-fixes`",
            },
            fix.description.trim()
        );
    }
    if !rule.refs.is_empty() {
        let _ = writeln!(out, "References:\n");
        for r in &rule.refs {
            if r.starts_with("http://") || r.starts_with("https://") {
                let _ = writeln!(out, "- <{r}>");
            } else {
                let _ = writeln!(out, "- {r}");
            }
        }
        out.push('\n');
    }
    let kind = rule.kinds.first().copied().unwrap_or(FileKind::Html);
    for (title, list) in [("Reported", &rule.invalid), ("Not reported", &rule.valid)] {
        if list.is_empty() {
            continue;
        }
        let _ = writeln!(out, "{title}:\n");
        for ex in list {
            example(&mut out, ex, kind);
        }
    }
    out
}

/// The ESP and template-language registry as a markdown section: each dialect, whether its
/// tags were checked against the vendor's docs (and where), and what it does about footers.
pub fn esp_markdown(registry: &crate::knowledge::dialects::Registry) -> String {
    let mut dialects: Vec<_> = registry.dialects.iter().collect();
    dialects.sort_by(|a, b| a.id.cmp(b.id));
    let verified = dialects.iter().filter(|d| d.unverified.is_none()).count();
    let mut out = String::new();
    let _ = writeln!(
        out,
        "## ESPs and template languages
"
    );
    let _ = writeln!(
        out,
        "{} dialects in `rules/esp/*.yaml` ({verified} checked against the vendor's documentation). \
         Name yours with `esp:` in `.inboxlint.yaml`. Tags of an unverified dialect can satisfy a \
         rule (an unsubscribe or address tag counts) but never raise an error on their own.\n",
        dialects.len()
    );
    let _ = writeln!(
        out,
        "| dialect | name | tokens | footer | verified against |\n|---|---|---|---|---|"
    );
    for d in dialects {
        let footer = match (d.auto_footer.is_empty(), d.blocks_send.is_empty()) {
            (false, _) => "adds its own",
            (true, false) => "refuses to send without",
            (true, true) => "",
        };
        let source = match &d.unverified {
            Some(why) => format!("unverified: {}", why.replace('|', "\\|")),
            None => d.refs.iter().map(|r| format!("<{r}>")).collect::<Vec<_>>().join(" "),
        };
        let _ = writeln!(
            out,
            "| `{}` | {} | {} | {footer} | {source} |",
            d.id,
            d.name.replace('|', "\\|"),
            d.tokens
        );
    }
    if !registry.languages.is_empty() {
        let _ = writeln!(
            out,
            "\n{} template languages whose composition inboxlint follows (an entry template with its \
             layout and partials is one message; see README \"Messages, not files\"), each looked up \
             with the rules of the page it was written from:\n",
            registry.languages.len()
        );
        let _ = writeln!(out, "| language | composes with | documented at |\n|---|---|---|");
        for l in &registry.languages {
            let docs = l.docs.iter().map(|r| format!("<{r}>")).collect::<Vec<_>>().join(" ");
            let _ = writeln!(
                out,
                "| {} | {} | {docs} |",
                l.name.replace('|', "\\|"),
                l.composes.replace('|', "\\|")
            );
        }
    }
    out
}

/// `safe` or `unsafe` for a rule with a fix, else empty: for listings.
pub fn fix_applicability(rule: &Rule) -> &'static str {
    rule.fix.as_ref().map(|f| f.applicability.as_str()).unwrap_or("")
}

/// The whole `docs/rules.md`: an index, then every rule by group.
pub fn markdown(rules: &[Rule]) -> String {
    let mut rules: Vec<&Rule> = rules.iter().collect();
    rules.sort_by(|a, b| a.id.cmp(&b.id));
    let mut out = String::new();
    let _ = writeln!(out, "# Rules\n");
    let _ = writeln!(
        out,
        "<!-- Generated from rules/**/*.yaml; do not edit by hand. Regenerate with:\n     {REGENERATE} -->\n"
    );
    let _ = writeln!(
        out,
        "{} rules. Each is a YAML file under `rules/<group>/<name>.yaml`; \
         its examples are run by `inboxlint test` and `cargo test`. Turn a rule off or change its \
         severity with `rules:` in `.inboxlint.yaml`, or silence one finding with an \
         `inboxlint-ignore` comment (see the README).\n",
        rules.len()
    );
    let _ = writeln!(out, "| rule | severity | fix | kinds | title |\n|---|---|---|---|---|");
    for r in &rules {
        let _ = writeln!(
            out,
            "| [`{}`](#{}) | {} | {} | {} | {} |",
            r.id,
            anchor(r),
            r.severity.as_str(),
            fix_applicability(r),
            kinds(r),
            r.title.trim().replace('|', "\\|")
        );
    }
    out.push('\n');
    let mut group = "";
    for r in &rules {
        if r.group() != group {
            group = r.group();
            let _ = writeln!(out, "## {group}\n");
        }
        let _ = writeln!(out, "<a id=\"{}\"></a>\n", anchor(r));
        out.push_str(&section(r, "###"));
    }
    if let Ok(knowledge) = crate::knowledge::Knowledge::builtin() {
        out.push_str(&esp_markdown(&knowledge.registry));
    }
    while out.ends_with("\n\n") {
        out.pop();
    }
    out
}
