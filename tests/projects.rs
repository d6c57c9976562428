//! Fixture projects laid out like real repositories keep their mail (tests/projects/<name>/),
//! linted by the real binary the way a user runs it: `inboxlint check . --format json` from
//! the project's root. Each project's `expect.yaml` says, for every template file, its role
//! (entry, text part, partial, layout), its true message class, and which headline rules must
//! fire there (with why); every headline rule it does not list must stay quiet on that file.
//!
//! `projects_measure_*` runs always and prints precision and recall per headline rule and the
//! class confusion table (issue 10 asks for both); it checks the expectations are well formed,
//! not that inboxlint meets them. `projects_agree_*` asserts exact agreement.

use assert_cmd::Command;
use serde::Deserialize;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// Message-level rules judged on the composed message, the composition rules themselves, and
/// the token-level rules the projects exercise in partials.
const HEADLINE: &[&str] = &[
    "canspam/unsubscribe-missing",
    "canspam/physical-address-missing",
    "template/include-missing",
    "template/include-cycle",
    "privacy/pii-in-url",
    "security/insecure-link",
    "privacy/sensitive-merge-field",
];

/// Extensions of files that are (or could be taken for) mail templates: each such file in a
/// project must be listed in its expect.yaml, so nothing is linted unseen.
const TEMPLATE_SUFFIXES: &[&str] = &[
    ".html",
    ".htm",
    ".hbs",
    ".handlebars",
    ".mustache",
    ".liquid",
    ".j2",
    ".jinja",
    ".jinja2",
    ".njk",
    ".twig",
    ".tmpl",
    ".gohtml",
    ".erb",
    ".ejs",
    ".mjml",
    ".txt",
    ".text",
    ".blade.php",
];

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct Expectations {
    /// What the project is and how it assembles mail.
    #[allow(dead_code)]
    about: String,
    files: Vec<FileExpectation>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct FileExpectation {
    path: String,
    role: Role,
    /// The class a compliance reviewer gives the message; entries and text parts only.
    #[serde(default)]
    class: Option<Class>,
    /// The HTML part a text part belongs to (documentation of the pairing by name).
    #[serde(default)]
    pairs_with: Option<String>,
    /// Headline rules that must fire on this file.
    #[serde(default)]
    fire: BTreeMap<String, Firing>,
    /// Headline rules worth a word on why they stay quiet (all unlisted ones must, too).
    #[serde(default)]
    quiet: BTreeMap<String, String>,
    /// What the file is, as a reviewer sees it.
    #[allow(dead_code)]
    note: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
enum Role {
    /// A template a mailer sends: message-level rules judge its composed message.
    Entry,
    /// The plain-text part of a message, paired with its HTML entry by name.
    TextPart,
    /// A file other templates include: only token-level findings may point into it.
    Partial,
    /// A partial that wraps entries (`layouts/mailer`, `{% extends %}` bases, Blade layouts).
    Layout,
    /// A file a linter may meet that is not mail at all (`requirements.txt`).
    Other,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Deserialize)]
#[serde(rename_all = "kebab-case")]
enum Class {
    Marketing,
    Transactional,
}

impl Class {
    fn as_str(self) -> &'static str {
        match self {
            Class::Marketing => "marketing",
            Class::Transactional => "transactional",
        }
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct Firing {
    /// What a compliance reviewer would say.
    #[allow(dead_code)]
    why: String,
    /// When it matters: an unresolved include turns a message-level error into an info.
    #[serde(default)]
    severity: Option<String>,
    #[serde(default = "one")]
    count: usize,
}

fn one() -> usize {
    1
}

/// One unsuppressed finding of a headline rule, as json reports it.
#[derive(Debug)]
struct Finding {
    path: String,
    rule: String,
    severity: String,
}

/// What the binary said about one project.
struct Run {
    findings: Vec<Finding>,
    /// Path → inferred class name, for every file json lists.
    classes: BTreeMap<String, String>,
}

fn projects_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/projects")
}

fn projects() -> Vec<(String, PathBuf)> {
    let mut out: Vec<(String, PathBuf)> = std::fs::read_dir(projects_root())
        .expect("tests/projects is readable")
        .filter_map(Result::ok)
        .filter(|e| e.path().join("expect.yaml").is_file())
        .map(|e| (e.file_name().to_string_lossy().into_owned(), e.path()))
        .collect();
    out.sort();
    out
}

fn load(dir: &Path) -> Expectations {
    let path = dir.join("expect.yaml");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_saphyr::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn run(dir: &Path) -> Run {
    let out = Command::cargo_bin("inboxlint")
        .expect("binary builds")
        .current_dir(dir)
        .env_remove("INBOXLINT_FORMAT")
        .env("NO_COLOR", "1")
        .args(["check", ".", "--format", "json"])
        .output()
        .expect("inboxlint runs");
    let code = out.status.code();
    assert!(
        matches!(code, Some(0 | 1)),
        "{}: exit {code:?}\n{}",
        dir.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "{}: json ({e}): {}",
            dir.display(),
            String::from_utf8_lossy(&out.stdout)
        )
    });
    let clean = |p: &serde_json::Value| p.as_str().unwrap_or_default().trim_start_matches("./").to_string();
    let findings = v["diagnostics"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|d| d["suppressed"].is_null() && HEADLINE.contains(&d["rule"].as_str().unwrap_or_default()))
        .map(|d| Finding {
            path: clean(&d["path"]),
            rule: d["rule"].as_str().unwrap_or_default().to_string(),
            severity: d["severity"].as_str().unwrap_or_default().to_string(),
        })
        .collect();
    let classes = v["files"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|f| {
            (
                clean(&f["path"]),
                f["class"]["name"].as_str().unwrap_or("none").to_string(),
            )
        })
        .collect();
    Run { findings, classes }
}

/// Problems with the expectations themselves (not with inboxlint): they fail either test.
fn check_well_formed(name: &str, dir: &Path, exp: &Expectations) -> Vec<String> {
    let mut problems = Vec::new();
    let listed: BTreeSet<&str> = exp.files.iter().map(|f| f.path.as_str()).collect();
    if listed.len() != exp.files.len() {
        problems.push(format!("{name}: a path is listed twice"));
    }
    for f in &exp.files {
        let at = format!("{name}/{}", f.path);
        if !dir.join(&f.path).is_file() {
            problems.push(format!("{at}: no such file"));
        }
        let needs_class = matches!(f.role, Role::Entry | Role::TextPart);
        if needs_class != f.class.is_some() {
            problems.push(format!("{at}: entries and text parts have a class, nothing else does"));
        }
        if (f.role == Role::TextPart) != f.pairs_with.is_some() {
            problems.push(format!(
                "{at}: a text part names its HTML part (pairs-with), nothing else does"
            ));
        }
        if let Some(html) = &f.pairs_with
            && !listed.contains(html.as_str())
        {
            problems.push(format!("{at}: pairs with unlisted {html}"));
        }
        for rule in f.fire.keys().chain(f.quiet.keys()) {
            if !HEADLINE.contains(&rule.as_str()) {
                problems.push(format!("{at}: `{rule}` is not a headline rule"));
            }
        }
        for rule in f.fire.keys().filter(|r| f.quiet.contains_key(*r)) {
            problems.push(format!("{at}: `{rule}` both fires and stays quiet"));
        }
    }
    for file in template_files(dir) {
        if !listed.contains(file.as_str()) {
            problems.push(format!("{name}/{file}: a template file missing from expect.yaml"));
        }
    }
    problems
}

/// Every file under `dir` whose name looks like a template, relative and `/`-separated.
fn template_files(dir: &Path) -> Vec<String> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d)
            .expect("project dir is readable")
            .filter_map(Result::ok)
        {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else if TEMPLATE_SUFFIXES.iter().any(|s| path.to_string_lossy().ends_with(s)) {
                let rel = path.strip_prefix(dir).expect("under the project");
                out.push(rel.to_string_lossy().replace('\\', "/"));
            }
        }
    }
    out.sort();
    out
}

#[derive(Default)]
struct Counts {
    tp: usize,
    fp: usize,
    fn_: usize,
}

/// The comparison of one project's run with its expectations.
#[derive(Default)]
struct Comparison {
    /// Each way inboxlint disagrees with the reviewer, one line each.
    disagreements: Vec<String>,
    /// Per headline rule, over (file, rule) pairs.
    counts: BTreeMap<&'static str, Counts>,
    /// (true class, inferred class) → number of entries and text parts.
    classes: BTreeMap<(&'static str, String), usize>,
}

/// Precision and recall count a rule on a file as found whatever its severity and count; a
/// wrong severity or count is a disagreement of its own. The class is measured, not asserted:
/// a misjudged class shows up as wrong findings anyway.
fn compare(name: &str, exp: &Expectations, run: &Run, into: &mut Comparison) {
    let mut found: BTreeMap<(&str, &str), Vec<&str>> = BTreeMap::new();
    for f in &run.findings {
        found
            .entry((f.path.as_str(), f.rule.as_str()))
            .or_default()
            .push(f.severity.as_str());
    }
    let by_path: BTreeMap<&str, &FileExpectation> = exp.files.iter().map(|f| (f.path.as_str(), f)).collect();
    for rule in HEADLINE {
        let c = into.counts.entry(rule).or_default();
        for f in &exp.files {
            let want = f.fire.get(*rule);
            let got = found.get(&(f.path.as_str(), *rule));
            let at = format!("{name}/{}", f.path);
            match (want, got) {
                (Some(w), Some(sev)) => {
                    c.tp += 1;
                    if sev.len() != w.count {
                        into.disagreements.push(format!(
                            "{at}: {rule} fired {} times, expected {}",
                            sev.len(),
                            w.count
                        ));
                    }
                    if let Some(s) = &w.severity
                        && sev.iter().any(|x| x != s)
                    {
                        into.disagreements
                            .push(format!("{at}: {rule} at {sev:?}, expected {s}"));
                    }
                }
                (Some(_), None) => {
                    c.fn_ += 1;
                    into.disagreements.push(format!("{at}: expected {rule}, got none"));
                }
                (None, Some(_)) => {
                    c.fp += 1;
                    into.disagreements.push(format!("{at}: {rule} must not fire"));
                }
                (None, None) => {}
            }
        }
        // Findings on files the expectations do not list (configs, READMEs): never expected.
        for (path, r) in found.keys().filter(|(p, r)| r == rule && !by_path.contains_key(p)) {
            c.fp += 1;
            into.disagreements
                .push(format!("{name}/{path}: {r} on an unlisted file"));
        }
    }
    for f in &exp.files {
        if let Some(class) = f.class {
            let inferred = run.classes.get(&f.path).cloned().unwrap_or_else(|| "not linted".into());
            *into.classes.entry((class.as_str(), inferred)).or_default() += 1;
        }
    }
}

/// Lints every project and compares; panics on malformed expectations.
fn measure() -> (Comparison, String) {
    let mut cmp = Comparison::default();
    let mut problems = Vec::new();
    let mut roles: BTreeMap<String, usize> = BTreeMap::new();
    let mut names = Vec::new();
    for (name, dir) in projects() {
        let exp = load(&dir);
        problems.extend(check_well_formed(&name, &dir, &exp));
        for f in &exp.files {
            *roles.entry(format!("{:?}", f.role)).or_default() += 1;
        }
        compare(&name, &exp, &run(&dir), &mut cmp);
        names.push(name);
    }
    assert!(
        problems.is_empty(),
        "tests/projects expectations:\n{}",
        problems.join("\n")
    );
    assert!(
        names.len() >= 6,
        "expected at least six fixture projects, found {names:?}"
    );
    (cmp, summary(&names, &roles))
}

fn summary(names: &[String], roles: &BTreeMap<String, usize>) -> String {
    format!(
        "projects: {} ({})\nfiles by role: {roles:?}",
        names.len(),
        names.join(", ")
    )
}

fn ratio(num: usize, den: usize) -> String {
    if den == 0 {
        "n/a".into()
    } else {
        format!("{:.2}", num as f64 / den as f64)
    }
}

fn report(cmp: &Comparison, head: &str) -> String {
    let mut s = format!(
        "\n{head}\n\n{:<36} {:>4} {:>4} {:>4} {:>9} {:>7}\n",
        "rule", "tp", "fp", "fn", "precision", "recall"
    );
    for (rule, c) in &cmp.counts {
        let _ = writeln!(
            s,
            "{rule:<36} {:>4} {:>4} {:>4} {:>9} {:>7}",
            c.tp,
            c.fp,
            c.fn_,
            ratio(c.tp, c.tp + c.fp),
            ratio(c.tp, c.tp + c.fn_)
        );
    }
    let inferred: BTreeSet<&str> = cmp.classes.keys().map(|(_, i)| i.as_str()).collect();
    let _ = write!(s, "\nclass (rows: true, columns: inferred)\n{:<14}", "");
    for i in &inferred {
        let _ = write!(s, " {i:>13}");
    }
    for truth in ["marketing", "transactional"] {
        let _ = write!(s, "\n{truth:<14}");
        for i in &inferred {
            let n = cmp.classes.get(&(truth, (*i).to_string())).copied().unwrap_or(0);
            let _ = write!(s, " {n:>13}");
        }
    }
    let _ = writeln!(s, "\n\ndisagreements: {}", cmp.disagreements.len());
    for d in &cmp.disagreements {
        let _ = writeln!(s, "  {d}");
    }
    s
}

#[test]
fn projects_measure_precision_recall_and_class_confusion() {
    let (cmp, head) = measure();
    println!("{}", report(&cmp, &head));
}

#[test]
fn projects_agree_with_their_expectations() {
    let (cmp, head) = measure();
    assert!(cmp.disagreements.is_empty(), "{}", report(&cmp, &head));
}
