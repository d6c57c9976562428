//! The Linter: resolves each path's config (cached per config file), then lints a source with
//! the rules that apply to it. `lint_source` is the one entry point for the CLI and the LSP.

use super::eval::Evaluator;
use super::message_rules::{Role, include_facts};
use super::{facts, fix, suppress};
use crate::diagnostic::{Diagnostic, Severity};
use crate::document::{ClassInfo, Document, FileKind, Include, SourceFormat};
use crate::knowledge::Knowledge;
use crate::knowledge::yaml::LoadError;
use crate::message::graph::IncludeGraph;
use crate::message::path::normalize;
use crate::message::resolve::Roots;
use crate::rules::{Mode, Rule, RuleSet, Scope};
use crate::workspace::config::{self, Resolved};
use crate::workspace::confine::ProjectRoot;
use crate::workspace::{kind, rule_files, walk};
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, RwLock};

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
    /// Directory listings that decide whether a bare `.txt` is the text part of an email.
    dirs: kind::DirListings,
    cwd: PathBuf,
    /// How the run's templates include each other, built once by the front end over the files
    /// it lints (see [`Linter::set_include_graph`]). Without one, a template's includes are
    /// followed from the file alone, and whether it is itself a partial is known only by its
    /// directory (`partials/`, `layouts/`...).
    graph: RwLock<Option<IncludeGraph>>,
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
            dirs: kind::DirListings::default(),
            cwd: std::env::current_dir().unwrap_or_default(),
            graph: RwLock::new(None),
        }
    }

    /// The include graph of the templates among `paths` (read from disk, within the size
    /// limit), for the run that lints them. Built once: composition then never rescans.
    pub fn set_include_graph(&self, paths: &[PathBuf]) {
        // The run's templates may all sit under one config below the working directory
        // (`inboxlint check site/` with site/.inboxlint.yaml): its template roots then apply.
        let mut configs: Vec<Option<PathBuf>> = paths.iter().map(|p| self.config_path_for(p)).collect();
        configs.sort();
        configs.dedup();
        let governing = match (configs.as_slice(), paths.first()) {
            ([Some(_)], Some(first)) => self.absolute(first),
            _ => self.cwd.clone(),
        };
        let setup = self.setup_for(&governing).ok();
        let (roots, project) = match &setup {
            Some(s) => (template_roots(&s.config), s.config.project.clone()),
            None => (Roots::new(self.cwd.clone()), ProjectRoot::of_dir(&self.cwd)),
        };
        let abs: Vec<PathBuf> = paths.iter().map(|p| self.absolute(p)).collect();
        let listed: HashSet<PathBuf> = abs.iter().map(|p| normalize(p)).collect();
        let read = confined_reader(&project, &listed);
        let graph = IncludeGraph::build(&abs, roots, &read);
        *self.graph.write().unwrap_or_else(|p| p.into_inner()) = Some(graph);
    }

    /// An editor changed (or saved) a template: its directives are read again from `text`.
    pub fn update_template(&self, path: &Path, text: &str) {
        let abs = self.absolute(path);
        let (roots, project) = match self.setup_for(&abs) {
            Ok(s) => (template_roots(&s.config), s.config.project.clone()),
            Err(_) => (Roots::new(self.cwd.clone()), ProjectRoot::of_dir(&self.cwd)),
        };
        let none = HashSet::new();
        let read = confined_reader(&project, &none);
        let mut graph = self.graph.write().unwrap_or_else(|p| p.into_inner());
        match graph.as_mut() {
            Some(g) => g.update(&abs, text, &read),
            None => *graph = Some(IncludeGraph::build(&[], roots, &read)),
        }
        if let Some(g) = graph.as_mut()
            && !g.contains(&abs)
        {
            g.update(&abs, text, &read);
        }
    }

    /// The class of the message `doc` (the file at `abs`) belongs to: a config glob, a marker,
    /// else inferred. An entry template's class is its composed message's; a text part's is
    /// its HTML part's.
    fn decide_class(&self, abs: &Path, text: &str, doc: &Document, role: &Role, setup: &LintSetup) -> ClassInfo {
        let glob = setup.config.class_glob(abs);
        let project_path = project_path(&setup.config.relative(abs));
        let inference = || {
            setup.config.infer_class.then(|| facts::Inference {
                path: &project_path,
                esp: &setup.config.esp,
                knowledge: &setup.knowledge,
            })
        };
        match role {
            // The class is the message's: a layout's wording and a footer's links count.
            Role::Entry(view) => {
                let mut info = facts::classify(&view.doc, &view.composed.text, glob, inference());
                if let crate::document::ClassSource::Marker { span } = &mut info.source {
                    let at = view.composed.to_entry(crate::source::Span::new(span.0, span.1));
                    *span = (at.start, at.end);
                }
                info
            }
            // A text part is a part of its HTML part's message and has that message's class.
            _ if doc.kind == FileKind::Text && glob.is_none() => self
                .html_part_class(abs, setup)
                .unwrap_or_else(|| facts::classify(doc, text, None, inference())),
            _ => facts::classify(doc, text, glob, inference()),
        }
    }

    /// The class of the message whose HTML (or MJML) part sits beside the text part at `abs`,
    /// decided as when that part is linted, without running its rules.
    fn html_part_class(&self, abs: &Path, setup: &LintSetup) -> Option<ClassInfo> {
        let html = crate::message::parts::sibling_parts(abs)
            .into_iter()
            .find(|p| kind::classify(p).is_some_and(|(k, _)| matches!(k, FileKind::Html | FileKind::Mjml)))?;
        let text = read_template(&html)?;
        let (kind, format) = kind::classify(&html)?;
        let mut doc = facts::build(&text, kind, format, &setup.knowledge);
        facts::apply_configured_esp(&mut doc, &setup.config.esp, &setup.knowledge);
        let (role, _) = self.message_role(&html, &text, &doc, setup, &[]);
        Some(self.decide_class(&html, &text, &doc, &role, setup))
    }

    /// Read access to the run's include graph (for `explain`).
    pub fn with_include_graph<R>(&self, f: impl FnOnce(Option<&IncludeGraph>) -> R) -> R {
        let graph = self.graph.read().unwrap_or_else(|p| p.into_inner());
        f(graph.as_ref())
    }

    /// Entry templates whose message includes `path`, directly or through other partials.
    pub fn includers_of(&self, path: &Path) -> Vec<PathBuf> {
        let graph = self.graph.read().unwrap_or_else(|p| p.into_inner());
        graph
            .as_ref()
            .map(|g| g.includers_of(&self.absolute(path)))
            .unwrap_or_default()
    }

    /// The role of a template in the run's messages, with its composed message when it is an
    /// entry; `files` stands in for the disk (rule examples).
    fn message_role(
        &self,
        abs: &Path,
        text: &str,
        doc: &Document,
        setup: &LintSetup,
        files: &[(String, String)],
    ) -> (Role, Vec<Include>) {
        if !doc.kind.is_template() {
            return (Role::Standalone, Vec::new());
        }
        let graph = self.graph.read().unwrap_or_else(|p| p.into_inner());
        if let Some(g) = graph.as_ref().filter(|_| files.is_empty()) {
            let role = Role::of(g, abs, text, doc.kind, doc.format, &setup.knowledge);
            let includes = include_facts(g, abs, text, &role);
            return (role, includes);
        }
        drop(graph);
        // No run-wide graph (one buffer, a rule example): follow this file's own includes.
        let base = abs.parent().map(Path::to_path_buf).unwrap_or_default();
        let example_file = |p: &Path| -> Option<String> {
            let rel = p.strip_prefix(&base).ok()?.to_string_lossy().replace('\\', "/");
            files
                .iter()
                .find(|(name, _)| name.trim_start_matches("./") == rel)
                .map(|(_, t)| t.clone())
        };
        // The file being linted is read as given (an unsaved buffer, an example's code).
        let none = HashSet::new();
        let from_disk = confined_reader(&setup.config.project, &none);
        let read = |p: &Path| -> Option<String> {
            if p == abs {
                Some(text.to_string())
            } else if files.is_empty() {
                from_disk(p)
            } else {
                example_file(p)
            }
        };
        let roots = if files.is_empty() {
            template_roots(&setup.config)
        } else {
            Roots::new(base.clone())
        };
        let g = IncludeGraph::build(&[abs.to_path_buf()], roots, &read);
        let role = Role::of(&g, abs, text, doc.kind, doc.format, &setup.knowledge);
        let includes = include_facts(&g, abs, text, &role);
        (role, includes)
    }

    /// Read the files documents refer to with `reader` instead of from disk.
    pub fn with_reader(self, reader: FileReader) -> Linter {
        Linter { reader, ..self }
    }

    /// Forget cached configs and rules (the LSP calls this when a config or rule file changes).
    pub fn reload(&self) {
        lock(&self.setups).clear();
        lock(&self.nearest).clear();
        self.dirs.clear();
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
            let knowledge = builtin_knowledge.map_err(|e| vec![e])?;
            let unknown = config::unknown_esp_errors(&config, &knowledge.registry);
            if !unknown.is_empty() {
                return Err(unknown);
            }
            return Ok(LintSetup {
                config,
                knowledge,
                rules: builtin_rules,
            });
        }
        let mut rules = builtin_rules.rules.clone();
        let mut dialects = Vec::new();
        let mut errors = Vec::new();
        for dir in &config.rule_dirs {
            if !dir.is_dir() {
                let (shown, text) = config.source();
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
        let unknown = config::unknown_esp_errors(&config, &knowledge.registry);
        if !unknown.is_empty() {
            return Err(unknown);
        }
        rules.sort_by(|a, b| a.id.cmp(&b.id));
        Ok(LintSetup {
            config,
            knowledge,
            rules: Arc::new(RuleSet::new(rules)),
        })
    }

    /// Kind and format of a path under its setup, or None when inboxlint does not read it.
    /// A `.txt` in a mail directory is accepted here and read only if its text has a merge tag.
    pub fn kind_of(&self, path: &Path, setup: &LintSetup) -> Option<(FileKind, SourceFormat)> {
        self.kind_decision(path, setup).map(|(k, f, _)| (k, f))
    }

    /// [`Linter::kind_of`], and whether the file is a text part only if it holds a merge tag.
    pub fn kind_decision(&self, path: &Path, setup: &LintSetup) -> Option<(FileKind, SourceFormat, bool)> {
        let abs = self.absolute(path);
        if let Some(k) = setup.config.kind_override(&abs) {
            return Some((k, kind::default_format(k, path), false));
        }
        // A bare text file's name leaves its kind open; its directory decides (read only then).
        if let Some(evidence) = self.dirs.text_evidence(&abs) {
            let needs_tag = evidence == kind::TextEvidence::MailDir;
            return Some((FileKind::Text, SourceFormat::Text, needs_tag));
        }
        kind::classify(path).map(|(k, f)| (k, f, false))
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
        let (kind, format, needs_tag) = self.kind_decision(path, setup)?;
        // A `.txt` in `emails/` without a single merge tag is a note, not a template.
        if needs_tag && crate::syntax::merge_tags::scan(text, &setup.knowledge).is_empty() {
            return None;
        }
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
        facts::apply_configured_esp(&mut doc, &setup.config.esp, &setup.knowledge);
        doc.meta.profiles = setup.config.profiles.clone();
        let (mut role, includes) = self.message_role(&abs, text, &doc, setup, files);
        doc.includes = includes;
        doc.meta.class = match class {
            Some(c) => crate::document::ClassInfo {
                class: c,
                source: crate::document::ClassSource::Default,
            },
            None => self.decide_class(&abs, text, &doc, &role, setup),
        };
        if let Role::Entry(view) = &mut role {
            view.doc.meta.profiles = doc.meta.profiles.clone();
            view.doc.meta.class = doc.meta.class.clone();
        }
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
        // The class of a template a campaign config names, decided as when it is linted itself
        // (its glob, its marker, else inferred), without composing its includes.
        let related_class = |reference: &str| {
            let text = read_related(reference).ok()?;
            let path = base.join(reference);
            let (kind, format) = kind::classify(&path)?;
            let mut doc = facts::build(&text, kind, format, &setup.knowledge);
            facts::apply_configured_esp(&mut doc, &setup.config.esp, &setup.knowledge);
            let project_path = project_path(&setup.config.relative(&path));
            let inference = setup.config.infer_class.then(|| facts::Inference {
                path: &project_path,
                esp: &setup.config.esp,
                knowledge: &setup.knowledge,
            });
            Some(facts::classify(&doc, &text, setup.config.class_glob(&path), inference).class)
        };
        let evaluator = Evaluator::new(&doc, text, &setup.knowledge, setup.config.address.as_deref())
            .with_esp(&setup.config.esp)
            .with_sender_domains(&setup.config.sender_domains)
            .with_related(&read_related)
            .with_related_class(&related_class)
            .with_setting_patterns(&setup.rules);
        let message = match &role {
            Role::Entry(view) => Some(
                Evaluator::new(
                    &view.doc,
                    &view.composed.text,
                    &setup.knowledge,
                    setup.config.address.as_deref(),
                )
                .with_esp(&setup.config.esp)
                .with_sender_domains(&setup.config.sender_domains)
                .with_related(&read_related)
                .with_setting_patterns(&setup.rules),
            ),
            _ => None,
        };
        let mut ran: Vec<String> = out.iter().map(|d| d.rule.clone()).collect();
        for rule in &setup.rules.rules {
            let Some(severity) = self.applies(rule, &doc, setup, &abs) else {
                continue;
            };
            let on_message = rule.scope == Scope::Message && doc.kind.is_template();
            let before = out.len();
            match (&role, &message) {
                // A partial is judged as part of the messages that include it.
                (Role::Partial, _) if on_message => continue,
                (Role::Entry(view), Some(ev)) if on_message => {
                    ran.push(rule.id.clone());
                    let mut found = Vec::new();
                    self.run_rule(rule, severity, ev, &mut found);
                    out.extend(found.into_iter().map(|d| view.on_entry(d, rule.mode)));
                }
                _ => {
                    ran.push(rule.id.clone());
                    self.run_rule(rule, severity, &evaluator, &mut out);
                }
            }
            if doc.meta.class.class.as_str() == UNKNOWN_CLASS && !rule.classes.is_empty() {
                for d in &mut out[before..] {
                    d.message.push_str(UNKNOWN_CLASS_NOTE);
                }
            }
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
        let class = doc.meta.class.class.as_str();
        let mut ceiling = Severity::Error;
        if !rule.classes.is_empty() && !rule.classes.iter().any(|c| c == class) {
            // A message inboxlint cannot class is still held to the marketing rules (the
            // fail-safe), but as a warning that says how to declare the class.
            if !(class == UNKNOWN_CLASS && rule.classes.iter().any(|c| c == "marketing")) {
                return None;
            }
            ceiling = Severity::Warning;
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
        setup
            .config
            .level(&rule.id, rule.severity, path)
            .map(|l| l.min(ceiling))
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
            Diagnostic::new(&rule.id, severity, interpolate(message, captures), span)
                .with_help(interpolate(&rule.help, captures))
                .with_url(rule.docs_url())
        };
        match rule.mode {
            Mode::Forbid => {
                for m in ev.eval(&rule.matcher) {
                    let mut d = diag(m.span, m.message.as_deref().unwrap_or(&rule.message), &m.captures);
                    d.fix = rule.fix.as_ref().and_then(|f| fix::build::for_match(f, &m, ev));
                    // A `warning:`/`info:` branch lowers the severity, never raises it.
                    if let Some(lower) = m.severity {
                        d.severity = d.severity.min(lower);
                    }
                    out.push(d);
                }
            }
            Mode::Require => {
                if ev.eval(&rule.matcher).is_empty() {
                    let fix = match (&rule.fix, &anchor_match) {
                        (Some(f), Some(m)) => fix::build::for_require(f, m, ev),
                        _ => None,
                    };
                    let (span, caps) = match anchor_match {
                        Some(m) => (m.span, m.captures),
                        None => (ev.doc.anchor, Vec::new()),
                    };
                    let mut d = diag(span, &rule.message, &caps);
                    d.fix = fix;
                    if let Some(note) = rule.footer.and_then(|role| configured_footer(ev, role)) {
                        d.severity = d.severity.min(Severity::Info);
                        d.message = format!("{} ({note})", d.message);
                    }
                    out.push(d);
                }
            }
        }
    }
}

/// The path as the project names it, for class evidence: relative to the config root, or,
/// for a file outside it, its directory and name only (the directories above a project, like
/// `~/work/transactional-mailer/`, say nothing about one message).
fn project_path(rel: &Path) -> PathBuf {
    if !rel.is_absolute() {
        return rel.to_path_buf();
    }
    let parts: Vec<_> = rel.components().rev().take(2).collect();
    parts.into_iter().rev().collect()
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

const UNKNOWN_CLASS: &str = "unknown";
const UNKNOWN_CLASS_NOTE: &str = " (if this is marketing mail; inboxlint could not tell whether it is marketing or transactional: declare it with `<!-- inboxlint: marketing -->` or `<!-- inboxlint: transactional -->`, or a `classes:` glob in .inboxlint.yaml)";

/// Where templates live for composition: the config's directory, with its `template-roots`
/// and `partials` (both checked when the config loaded).
fn template_roots(config: &Resolved) -> Roots {
    let roots = Roots::new(config.root.clone()).with_template_roots(config.template_roots.iter().cloned());
    match roots.clone().with_partials(&config.partials) {
        Ok(r) => r,
        Err(_) => roots,
    }
}

/// Reads what templates refer to (partials, layouts, a Jekyll `_config.yml`) only when it
/// resolves inside the project after symlinks, as every path a repository names; the files the
/// run was given (`listed`) are the user's own and read wherever they are.
fn confined_reader<'a>(
    project: &'a ProjectRoot,
    listed: &'a HashSet<PathBuf>,
) -> impl Fn(&Path) -> Option<String> + Sync + 'a {
    move |p: &Path| {
        if listed.contains(p) || project.admit(p).is_ok() {
            read_template(p)
        } else {
            None
        }
    }
}

/// A template as composition reads it: text within the size limit a file is linted with.
fn read_template(path: &Path) -> Option<String> {
    let meta = std::fs::metadata(path).ok()?;
    if !meta.is_file() || meta.len() > 10 * 1024 * 1024 {
        return None;
    }
    std::fs::read_to_string(path).ok()
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

/// What a configured ESP does about a missing footer part (`role`): it adds its own, or it
/// refuses to send without it. The first configured ESP that does either speaks.
fn configured_footer(ev: &Evaluator<'_>, role: crate::document::Role) -> Option<String> {
    ev.esp
        .iter()
        .filter_map(|e| ev.knowledge.registry.dialect(e))
        .find_map(|d| d.footer_behaviour(role))
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
