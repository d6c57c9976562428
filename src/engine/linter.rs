//! The Linter: resolves each path's config (cached per config file), then lints a source with
//! the rules that apply to it. `lint_source` is the one entry point for the CLI and the LSP.

use super::eval::Evaluator;
use super::{facts, suppress};
use crate::diagnostic::{Diagnostic, Fix, Severity};
use crate::document::{ClassInfo, Document, FileKind, SourceFormat};
use crate::knowledge::Knowledge;
use crate::knowledge::yaml::LoadError;
use crate::rules::{Mode, Rule, RuleSet};
use crate::workspace::config::{self, Resolved};
use crate::workspace::confine::ProjectRoot;
use crate::workspace::{kind, rule_files, walk};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

/// What the command line adds on top of config files.
#[derive(Debug, Clone, Default)]
pub struct Overrides {
    pub config: Option<PathBuf>,
    pub select: Vec<String>,
    pub ignore: Vec<String>,
    pub profiles: Option<Vec<String>>,
    /// Do not look for config files at all (rule tests).
    pub isolated: bool,
}

/// Everything linting a file under one config needs: the resolved config with the knowledge and
/// rules it implies. Not to be confused with jurisdiction profiles (`us`, `ca`, ...), which are
/// `config.profiles`.
#[derive(Debug)]
pub struct LintSetup {
    pub config: Resolved,
    pub knowledge: Arc<Knowledge>,
    pub rules: Arc<RuleSet>,
}

/// How the linter gets the files a document refers to (a campaign config's template), by path.
/// The linter reads no file's contents itself (it only confines the path to the project): the
/// front ends' default is the disk ([`walk::read_referenced`]); a caller may read editor
/// buffers or a fixture map instead.
#[derive(Clone)]
pub struct FileReader(Arc<ReadFn>);

/// A path → its text, or why it cannot be read.
type ReadFn = dyn Fn(&Path) -> Result<String, String> + Send + Sync;

impl FileReader {
    pub fn new(read: impl Fn(&Path) -> Result<String, String> + Send + Sync + 'static) -> Self {
        FileReader(Arc::new(read))
    }

    pub fn read(&self, path: &Path) -> Result<String, String> {
        (self.0)(path)
    }
}

impl std::fmt::Debug for FileReader {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("FileReader")
    }
}

#[derive(Debug)]
pub struct Linter {
    pub overrides: Overrides,
    reader: FileReader,
    setups: Mutex<HashMap<Option<PathBuf>, Arc<LintSetup>>>,
    nearest: Mutex<HashMap<PathBuf, Option<PathBuf>>>,
    cwd: PathBuf,
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

fn matches_selector(rule: &Rule, sel: &str) -> bool {
    selects(&rule.id, sel)
}

/// `--select`/`--ignore` matching by id: `ALL`, the id, its group, or `group/*`.
fn selects(id: &str, sel: &str) -> bool {
    let group = id.split('/').next().unwrap_or(id);
    sel == "ALL" || id == sel || group == sel || id.starts_with(&format!("{}/", sel.trim_end_matches("/*")))
}

/// One file's findings with what the linter decided about the file, for json and `explain`.
#[derive(Debug, Clone)]
pub struct SourceFindings {
    pub diagnostics: Vec<Diagnostic>,
    pub kind: FileKind,
    pub format: SourceFormat,
    pub class: ClassInfo,
    /// Ids of the rules that ran on the file (kind, class, profile and config allowed them).
    pub ran: Vec<String>,
}

/// How to read one source when its path does not decide it: kind and format, a forced message
/// class, and the files it refers to (path as written → text), looked up before the disk.
#[derive(Debug, Clone, Copy)]
pub struct LintAs<'a> {
    pub kind: FileKind,
    pub format: SourceFormat,
    pub class: Option<crate::document::MessageClass>,
    pub files: &'a [(String, String)],
}

impl<'a> LintAs<'a> {
    pub fn new(kind: FileKind, format: SourceFormat) -> Self {
        LintAs {
            kind,
            format,
            class: None,
            files: &[],
        }
    }

    pub fn class(self, class: Option<crate::document::MessageClass>) -> Self {
        LintAs { class, ..self }
    }

    pub fn files(self, files: &'a [(String, String)]) -> Self {
        LintAs { files, ..self }
    }
}

impl Linter {
    pub fn new(overrides: Overrides) -> Linter {
        Linter {
            overrides,
            reader: FileReader::new(walk::read_referenced),
            setups: Mutex::new(HashMap::new()),
            nearest: Mutex::new(HashMap::new()),
            cwd: std::env::current_dir().unwrap_or_default(),
        }
    }

    /// Read the files documents refer to with `reader` instead of from disk.
    pub fn with_reader(self, reader: FileReader) -> Linter {
        Linter { reader, ..self }
    }

    /// Forget cached configs and rules (the LSP calls this when a config or rule file changes).
    pub fn reload(&self) {
        lock(&self.setups).clear();
        lock(&self.nearest).clear();
    }

    pub(crate) fn absolute(&self, path: &Path) -> PathBuf {
        if path.is_absolute() {
            path.to_path_buf()
        } else {
            self.cwd.join(path)
        }
    }

    /// The config file that governs `path`: `--config`, else the nearest one up the tree.
    pub fn config_path_for(&self, path: &Path) -> Option<PathBuf> {
        if self.overrides.isolated {
            return None;
        }
        if let Some(c) = &self.overrides.config {
            return Some(self.absolute(c));
        }
        let abs = self.absolute(path);
        let dir = abs.parent().map(Path::to_path_buf).unwrap_or_default();
        if let Some(found) = lock(&self.nearest).get(&dir) {
            return found.clone();
        }
        let found = config::find_config(&dir);
        lock(&self.nearest).insert(dir, found.clone());
        found
    }

    /// The setup (config + knowledge + rules) for `path`. Errors are located in their files.
    pub fn setup_for(&self, path: &Path) -> Result<Arc<LintSetup>, Vec<LoadError>> {
        let key = self.config_path_for(path);
        if let Some(p) = lock(&self.setups).get(&key) {
            return Ok(Arc::clone(p));
        }
        let setup = Arc::new(self.build_setup(key.as_deref())?);
        lock(&self.setups).insert(key, Arc::clone(&setup));
        Ok(setup)
    }

    fn build_setup(&self, config_path: Option<&Path>) -> Result<LintSetup, Vec<LoadError>> {
        let mut config = match config_path {
            Some(p) if self.overrides.config.is_some() => config::load_named(p).map_err(|e| vec![e])?,
            Some(p) => config::load(p).map_err(|e| vec![e])?,
            None => Resolved::defaults(self.cwd.clone()),
        };
        if let Some(p) = &self.overrides.profiles {
            config.profiles = p.clone();
        }
        // The built-in rules and knowledge parse ~60 YAML files between them: on two threads,
        // a one-file run starts linting sooner.
        let (builtin_rules, builtin_knowledge) = rayon::join(RuleSet::builtin, Knowledge::builtin);
        let builtin_rules = builtin_rules.map_err(|e| vec![e])?;
        if config.rule_dirs.is_empty() {
            return Ok(LintSetup {
                config,
                knowledge: builtin_knowledge.map_err(|e| vec![e])?,
                rules: builtin_rules,
            });
        }
        let mut rules = builtin_rules.rules.clone();
        let mut dialects = Vec::new();
        let mut errors = Vec::new();
        for dir in &config.rule_dirs {
            if !dir.is_dir() {
                let shown = config
                    .path
                    .as_ref()
                    .map(|p| p.display().to_string())
                    .unwrap_or_default();
                let text = config
                    .path
                    .as_ref()
                    .and_then(|p| std::fs::read_to_string(p).ok())
                    .unwrap_or_default();
                let name = dir
                    .file_name()
                    .map(|n| n.to_string_lossy().to_string())
                    .unwrap_or_default();
                let off = text.find(&name).unwrap_or(0);
                errors.push(LoadError::at(
                    &shown,
                    &text,
                    off,
                    name.len(),
                    format!("rule directory `{}` does not exist", dir.display()),
                ));
                continue;
            }
            let loaded =
                rule_files::collect(dir, Some(&config.project), &rule_files::LIMITS).and_then(RuleSet::load_files);
            match loaded {
                Ok((r, d)) => {
                    for rule in r {
                        // A user rule with a built-in id replaces it: that is how users change one.
                        rules.retain(|x| x.id != rule.id);
                        rules.push(rule);
                    }
                    dialects.extend(d);
                }
                Err(e) => errors.extend(e),
            }
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        let knowledge = if dialects.is_empty() {
            Knowledge::builtin().map_err(|e| vec![e])?
        } else {
            Arc::new(Knowledge::load(&dialects).map_err(|e| vec![e])?)
        };
        rules.sort_by(|a, b| a.id.cmp(&b.id));
        Ok(LintSetup {
            config,
            knowledge,
            rules: Arc::new(RuleSet::new(rules)),
        })
    }

    /// Kind and format of a path under its setup, or None when inboxlint does not read it.
    pub fn kind_of(&self, path: &Path, setup: &LintSetup) -> Option<(FileKind, SourceFormat)> {
        let abs = self.absolute(path);
        if let Some(k) = setup.config.kind_override(&abs) {
            return Some((k, kind::default_format(k, path)));
        }
        kind::classify(path)
    }

    /// Lint one source. `path` decides config, kind and globs; files the source refers to come
    /// from the linter's [`FileReader`].
    pub fn lint_source(&self, path: &Path, text: &str, setup: &LintSetup) -> Vec<Diagnostic> {
        self.lint_file(path, text, setup)
            .map(|l| l.diagnostics)
            .unwrap_or_default()
    }

    /// [`Linter::lint_source`] with the file's kind and class; None when inboxlint does not read it.
    pub fn lint_file(&self, path: &Path, text: &str, setup: &LintSetup) -> Option<SourceFindings> {
        let (kind, format) = self.kind_of(path, setup)?;
        Some(self.lint_detailed(path, text, setup, &LintAs::new(kind, format)))
    }

    /// Lint with an explicit kind and format (and, for rule examples, a forced class and the
    /// files the document refers to).
    pub fn lint_as(&self, path: &Path, text: &str, setup: &LintSetup, how: &LintAs<'_>) -> Vec<Diagnostic> {
        self.lint_detailed(path, text, setup, how).diagnostics
    }

    /// [`Linter::lint_as`] with what was decided about the file.
    pub fn lint_detailed(&self, path: &Path, text: &str, setup: &LintSetup, how: &LintAs<'_>) -> SourceFindings {
        let LintAs {
            kind,
            format,
            class,
            files,
        } = *how;
        let abs = self.absolute(path);
        let mut doc = facts::build(text, kind, format, &setup.knowledge);
        doc.meta.profiles = setup.config.profiles.clone();
        doc.meta.class = match class {
            Some(c) => crate::document::ClassInfo {
                class: c,
                source: crate::document::ClassSource::Default,
            },
            None => facts::classify(
                &doc,
                text,
                setup.config.transactional_glob(&abs),
                setup.config.infer_class,
            ),
        };
        let mut out = Vec::new();
        for p in &doc.problems {
            if setup.config.level(p.rule, Severity::Warning, &abs).is_none() {
                continue;
            }
            out.push(
                Diagnostic::new(p.rule, Severity::Warning, p.message.clone(), p.span)
                    .with_help("inboxlint read what it could; findings in the rest of this file may be missing."),
            );
        }
        let base = abs.parent().map(Path::to_path_buf).unwrap_or_default();
        // The config's project when the file is in it; else (no config, or `--config` from
        // elsewhere) the git work tree or directory of the file.
        let read_related = |reference: &str| {
            let config_project = &setup.config.project;
            if setup.config.path.is_some() && config_project.admit(&base).is_ok() {
                read_related(&self.reader, &base, config_project, reference, files)
            } else {
                read_related(&self.reader, &base, &ProjectRoot::of_dir(&base), reference, files)
            }
        };
        let evaluator = Evaluator::new(&doc, text, &setup.knowledge, setup.config.address.as_deref())
            .with_esp(&setup.config.esp)
            .with_related(&read_related)
            .with_setting_patterns(&setup.rules);
        let mut ran: Vec<String> = out.iter().map(|d| d.rule.clone()).collect();
        for rule in &setup.rules.rules {
            let Some(severity) = self.applies(rule, &doc, setup, &abs) else {
                continue;
            };
            ran.push(rule.id.clone());
            self.run_rule(rule, severity, &evaluator, &mut out);
        }
        let known = |token: &str| {
            let t = token.trim_end_matches("/*");
            matches!(t, "input" | "syntax" | "suppression")
                || t.starts_with("input/")
                || t.starts_with("syntax/")
                || setup.rules.rules.iter().any(|r| r.id == t || r.group() == t)
        };
        let level = |id: &str, default: Severity| {
            let selected = self.overrides.select.is_empty() || self.overrides.select.iter().any(|s| selects(id, s));
            if !selected || self.overrides.ignore.iter().any(|s| selects(id, s)) {
                return None;
            }
            setup.config.level(id, default, &abs)
        };
        suppress::apply(
            &doc,
            text,
            &mut out,
            &suppress::Context {
                known: &known,
                ran: &ran,
                level: &level,
            },
        );
        out.sort_by(|a, b| {
            a.span
                .start
                .cmp(&b.span.start)
                .then_with(|| a.rule.cmp(&b.rule))
                .then_with(|| a.span.end.cmp(&b.span.end))
        });
        SourceFindings {
            diagnostics: out,
            kind: doc.kind,
            format: doc.format,
            class: doc.meta.class.clone(),
            ran,
        }
    }

    fn applies(&self, rule: &Rule, doc: &Document, setup: &LintSetup, path: &Path) -> Option<Severity> {
        if !rule.kinds.contains(&doc.kind) {
            return None;
        }
        if !rule.formats.is_empty() && !rule.formats.contains(&doc.format) {
            return None;
        }
        if !rule.classes.is_empty() && !rule.classes.iter().any(|c| c == doc.meta.class.class.as_str()) {
            return None;
        }
        if !rule.profiles.is_empty() && !rule.profiles.iter().any(|p| doc.meta.profiles.contains(p)) {
            return None;
        }
        if !self.overrides.select.is_empty() && !self.overrides.select.iter().any(|s| matches_selector(rule, s)) {
            return None;
        }
        if self.overrides.ignore.iter().any(|s| matches_selector(rule, s)) {
            return None;
        }
        setup.config.level(&rule.id, rule.severity, path)
    }

    fn run_rule(&self, rule: &Rule, severity: Severity, ev: &Evaluator<'_>, out: &mut Vec<Diagnostic>) {
        let anchor_match = match &rule.precondition {
            Some(pre) => match ev.eval(pre).into_iter().next() {
                Some(m) => Some(m),
                None => return,
            },
            None => None,
        };
        let diag = |span, message: &str, captures: &[(&'static str, String)]| {
            let d = Diagnostic::new(&rule.id, severity, interpolate(message, captures), span)
                .with_help(interpolate(&rule.help, captures))
                .with_url(rule.docs_url());
            match &rule.fix {
                Some((replace, description)) => d.with_fix(Fix {
                    description: interpolate(description, captures),
                    span,
                    replacement: interpolate(replace, captures),
                }),
                None => d,
            }
        };
        match rule.mode {
            Mode::Forbid => {
                for m in ev.eval(&rule.matcher) {
                    let mut d = diag(m.span, m.message.as_deref().unwrap_or(&rule.message), &m.captures);
                    // A `warning:`/`info:` branch lowers the severity, never raises it.
                    if let Some(lower) = m.severity {
                        d.severity = d.severity.min(lower);
                    }
                    out.push(d);
                }
            }
            Mode::Require => {
                if ev.eval(&rule.matcher).is_empty() {
                    let (span, caps) = match anchor_match {
                        Some(m) => (m.span, m.captures),
                        None => (ev.doc.anchor, Vec::new()),
                    };
                    let mut d = diag(span, &rule.message, &caps);
                    d.fix = None;
                    out.push(d);
                }
            }
        }
    }
}

/// A file a document refers to, relative to the document's directory: from `files` when the
/// source is a rule example (which has no directory), else from the linter's reader, and only
/// inside the project: the reference is repository content.
fn read_related(
    reader: &FileReader,
    base: &Path,
    project: &ProjectRoot,
    reference: &str,
    files: &[(String, String)],
) -> Result<String, String> {
    if files.is_empty() {
        let path = project
            .resolve(base, Path::new(reference))
            .map_err(|outside| format!("not read: {outside}"))?;
        return reader.read(&path);
    }
    let wanted = reference.trim_start_matches("./");
    match files.iter().find(|(p, _)| p.trim_start_matches("./") == wanted) {
        Some((_, text)) => Ok(text.clone()),
        None => Err("not among the example's files".into()),
    }
}

/// `{name}` → the capture's value; unknown names stay as written.
pub fn interpolate(template: &str, captures: &[(&'static str, String)]) -> String {
    if !template.contains('{') {
        return template.to_string();
    }
    let mut out = String::with_capacity(template.len());
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        match after.find('}') {
            Some(close) if after[..close].chars().all(|c| c.is_ascii_alphanumeric() || c == '_') => {
                let name = &after[..close];
                match captures.iter().find(|(k, _)| *k == name) {
                    Some((_, v)) => out.push_str(v),
                    None => {
                        out.push('{');
                        out.push_str(name);
                        out.push('}');
                    }
                }
                rest = &after[close + 1..];
            }
            _ => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_a_document_refers_to_come_from_the_linters_reader() {
        let asked: Arc<Mutex<Vec<PathBuf>>> = Arc::default();
        let log = Arc::clone(&asked);
        let reader = FileReader::new(move |path: &Path| {
            lock(&log).push(path.to_path_buf());
            match path.file_name().and_then(|n| n.to_str()) {
                Some("spring.html") => Ok("<p>Hi {{ first_name }}</p>".to_string()),
                _ => Err("not here".to_string()),
            }
        });
        let linter = Linter::new(Overrides {
            isolated: true,
            ..Overrides::default()
        })
        .with_reader(reader);
        // A directory that does not exist: only the reader can supply the template.
        let path = Path::new("/nonexistent-project/campaign.yaml");
        let setup = linter.setup_for(path).expect("built-in setup");
        let campaign =
            "campaign:\n  template: spring.html\n  merge_fields:\n    first_name: Ada\n    phone: \"+1 555 0100\"\n";
        let found = linter.lint_source(path, campaign, &setup);
        let unused: Vec<&str> = found
            .iter()
            .filter(|d| d.rule == "privacy/unused-pii-merge-field")
            .map(|d| d.message.as_str())
            .collect();
        assert_eq!(unused.len(), 1, "{found:#?}");
        assert!(unused[0].contains("`phone`"), "{}", unused[0]);
        assert_eq!(*lock(&asked), vec![PathBuf::from("/nonexistent-project/spring.html")]);
    }
}
