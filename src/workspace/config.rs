//! `.inboxlint.yaml`: the file format, discovery (nearest up the tree) and resolution into what
//! the linter needs. One function resolves a path's config for the CLI and the LSP alike.

use crate::diagnostic::Severity;
use crate::document::{FileKind, MessageClass};
use crate::knowledge::yaml::{self, LoadError};
use crate::workspace::config_schema;
use crate::workspace::confine::ProjectRoot;
use globset::{Glob, GlobMatcher, GlobSet, GlobSetBuilder};
use schemars::JsonSchema;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

pub const CONFIG_NAMES: &[&str] = &[".inboxlint.yaml", "inboxlint.yaml", ".config/inboxlint.yaml"];
pub const DEFAULT_MAX_FILE_SIZE: u64 = 10 * 1024 * 1024;

/// The level a rule runs at.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum RuleLevel {
    /// Findings are errors: `check` fails.
    Error,
    /// Findings are warnings.
    Warning,
    /// Findings are information.
    Info,
    /// The rule does not run.
    Off,
}

impl RuleLevel {
    pub fn severity(self) -> Option<Severity> {
        match self {
            RuleLevel::Error => Some(Severity::Error),
            RuleLevel::Warning => Some(Severity::Warning),
            RuleLevel::Info => Some(Severity::Info),
            RuleLevel::Off => None,
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum Size {
    Bytes(u64),
    Text(String),
}

/// `.inboxlint.yaml`. The doc comments are the descriptions of the JSON Schema
/// (`schemas/inboxlint.schema.json`) and of the editor's hover, so they speak to users.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
#[schemars(
    title = "inboxlint configuration",
    description = "`.inboxlint.yaml`: the nearest one up the tree applies to a file. Globs and paths are relative to the config file's directory.",
    transform = config_schema::finish
)]
pub struct ConfigFile {
    /// Another config file to inherit from (a path inside the project); this file's keys win.
    pub extends: Option<String>,
    /// Jurisdictions whose rules apply: `us` (CAN-SPAM, the default), `ca` (CASL), `eu`
    /// (GDPR/ePrivacy), `uk` (PECR). List every jurisdiction you mail.
    #[serde(default)]
    #[schemars(schema_with = "config_schema::profiles")]
    pub profiles: Option<Vec<String>>,
    /// The ESPs your templates are written for (case-insensitive): their merge tags, footers
    /// and click hosts are known. A dialect of a `rule-dirs` directory's `esp/` also counts.
    #[serde(default)]
    #[schemars(schema_with = "config_schema::esp")]
    pub esp: Option<Vec<String>>,
    /// Lint only files matching these globs (default: everything inboxlint reads). Patterns
    /// stay inside the project: no absolute paths, no `..`.
    #[serde(default)]
    pub include: Vec<String>,
    /// Files and folders to leave out (`vendor/`, `**/*.min.html`); a bare name matches at any depth.
    #[serde(default)]
    pub exclude: Vec<String>,
    /// Globs of transactional mail: shorthand for `classes: {transactional: [...]}`.
    #[serde(default)]
    pub transactional: Vec<String>,
    /// Message classes by glob: marketing-only rules (unsubscribe, postal address) skip
    /// transactional mail. When globs of both classes match, the longer one wins.
    #[serde(default)]
    pub classes: ClassGlobs,
    /// Severities by rule id (`security/insecure-link`) or group (`template`, `template/*`):
    /// `error`, `warning`, `info` or `off`.
    #[serde(default)]
    pub rules: BTreeMap<String, RuleLevel>,
    /// Severities for the files a glob matches, after `rules`: `{"legacy/**": {canspam/physical-address-missing: off}}`.
    #[serde(default)]
    pub per_file: BTreeMap<String, BTreeMap<String, RuleLevel>>,
    /// Directories of your own rules (YAML files in the rule format, and `esp/*.yaml` dialects).
    #[serde(default)]
    pub rule_dirs: Vec<String>,
    /// The baseline file: findings recorded in it are reported as known, not new.
    pub baseline: Option<String>,
    /// Files larger than this are skipped: bytes (`10485760`) or with a unit (`10MiB`, `512 KiB`, `1gb`). Default 10MiB.
    pub max_file_size: Option<Size>,
    /// Your registered postal address, so templates can be checked for it.
    pub address: Option<String>,
    /// The sender's own domains (`acme.example` covers its subdomains), for telling its own
    /// links from third parties' (`privacy/pii-in-url`). Bare domain names: no scheme, path,
    /// port or `@`.
    #[serde(default)]
    #[schemars(schema_with = "config_schema::sender_domains")]
    pub sender_domains: Option<Vec<String>>,
    /// Force the kind of the files a glob matches (`"**/*.tpl": html`).
    #[serde(default)]
    #[schemars(schema_with = "config_schema::kinds")]
    pub kinds: BTreeMap<String, String>,
    /// Infer transactional mail from strong signals when no glob or marker says (default true).
    pub infer_class: Option<bool>,
    /// Directories where includes are looked up (a template loader's search path); each must
    /// be an existing directory inside the project.
    #[serde(default)]
    pub template_roots: Vec<String>,
    /// Globs of files that are partials even when nothing includes them.
    #[serde(default)]
    pub partials: Vec<String>,
}

/// `classes:`: globs that declare a message class, so nothing has to be inferred.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ClassGlobs {
    /// Globs of marketing mail.
    #[serde(default)]
    pub marketing: Vec<String>,
    /// Globs of transactional mail (receipts, password resets): marketing-only rules skip it.
    #[serde(default)]
    pub transactional: Vec<String>,
}

/// A config error, located in its file.
pub type ConfigError = LoadError;

#[derive(Debug)]
pub struct Resolved {
    /// The config file, if one was found.
    pub path: Option<PathBuf>,
    /// Globs are relative to this directory.
    pub root: PathBuf,
    /// Paths the config names must resolve inside this (see [`crate::workspace::confine`]).
    pub project: ProjectRoot,
    pub profiles: Vec<String>,
    pub esp: Vec<String>,
    pub include: Option<GlobSet>,
    pub exclude: GlobSet,
    /// Class globs (`classes:` and the `transactional:` shorthand), in the order written.
    pub classes: Vec<(MessageClass, String, GlobMatcher)>,
    pub rules: BTreeMap<String, RuleLevel>,
    pub per_file: Vec<(GlobMatcher, BTreeMap<String, RuleLevel>)>,
    pub rule_dirs: Vec<PathBuf>,
    pub baseline: Option<PathBuf>,
    pub max_file_size: u64,
    /// `template-roots`: directories inside the project where includes are looked up.
    pub template_roots: Vec<PathBuf>,
    /// `partials`: globs (relative to `root`, bare names at any depth) of files that are
    /// partials whatever includes them.
    pub partials: Vec<String>,
    pub address: Option<String>,
    /// `sender-domains:`, lower-case, without a trailing dot.
    pub sender_domains: Vec<String>,
    pub kinds: Vec<(GlobMatcher, FileKind)>,
    pub infer_class: bool,
    /// Every config file this one was merged from, `extends` first: what a cache of findings
    /// must hash to notice a change of config.
    pub sources: Vec<PathBuf>,
}

impl Resolved {
    /// The config file as its errors show it: the path and the text, both empty for the
    /// built-in defaults. Read again on demand: only an error needs it.
    pub fn source(&self) -> (String, String) {
        match &self.path {
            Some(p) => (p.display().to_string(), std::fs::read_to_string(p).unwrap_or_default()),
            None => (String::new(), String::new()),
        }
    }

    pub fn defaults(root: PathBuf) -> Resolved {
        Resolved {
            path: None,
            project: ProjectRoot::of_dir(&root),
            root,
            // CAN-SPAM is the floor every sender to US inboxes meets; CASL, GDPR and PECR add
            // duties (contact details, objection notices) that only apply to senders who mail
            // those countries, so they are opted into rather than guessed.
            profiles: vec!["us".into()],
            esp: Vec::new(),
            include: None,
            exclude: GlobSet::empty(),
            classes: Vec::new(),
            rules: BTreeMap::new(),
            per_file: Vec::new(),
            rule_dirs: Vec::new(),
            baseline: None,
            max_file_size: DEFAULT_MAX_FILE_SIZE,
            template_roots: Vec::new(),
            partials: Vec::new(),
            address: None,
            sender_domains: Vec::new(),
            kinds: Vec::new(),
            infer_class: true,
            sources: Vec::new(),
        }
    }

    /// Path relative to the config root, with `/` separators, for glob matching.
    pub fn relative<'p>(&self, path: &'p Path) -> std::borrow::Cow<'p, Path> {
        match path.strip_prefix(&self.root) {
            Ok(p) => std::borrow::Cow::Borrowed(p),
            Err(_) => std::borrow::Cow::Borrowed(path),
        }
    }

    /// The severity a rule runs at for `path`, or None when it is off.
    pub fn level(&self, rule_id: &str, default: Severity, path: &Path) -> Option<Severity> {
        let group = rule_id.split('/').next().unwrap_or(rule_id);
        let mut level = Some(default);
        let mut apply = |map: &BTreeMap<String, RuleLevel>| {
            if let Some(l) = map.get(group).or_else(|| map.get(&format!("{group}/*"))) {
                level = l.severity();
            }
            if let Some(l) = map.get(rule_id) {
                level = l.severity();
            }
        };
        apply(&self.rules);
        let rel = self.relative(path);
        for (glob, map) in &self.per_file {
            if glob.is_match(&rel) {
                apply(map);
            }
        }
        level
    }

    pub fn is_excluded(&self, path: &Path) -> bool {
        let rel = self.relative(path);
        self.exclude.is_match(&rel) || self.include.as_ref().is_some_and(|inc| !inc.is_match(&rel))
    }

    /// The class a config glob declares for `path`, with the glob. When globs of both classes
    /// match, the longer (more specific) glob wins, and marketing on a tie: the fail-safe.
    pub fn class_glob(&self, path: &Path) -> Option<(MessageClass, &str)> {
        let rel = self.relative(path);
        self.classes
            .iter()
            .filter(|(_, _, g)| g.is_match(&rel))
            .max_by_key(|(c, s, _)| (s.len(), *c == MessageClass::Marketing))
            .map(|(c, s, _)| (*c, s.as_str()))
    }

    pub fn kind_override(&self, path: &Path) -> Option<FileKind> {
        let rel = self.relative(path);
        self.kinds.iter().find(|(g, _)| g.is_match(&rel)).map(|(_, k)| *k)
    }
}

/// The nearest config file at or above `dir`.
pub fn find_config(dir: &Path) -> Option<PathBuf> {
    let mut cur = Some(dir);
    while let Some(d) = cur {
        for name in CONFIG_NAMES {
            let candidate = d.join(name);
            if candidate.is_file() {
                return Some(candidate);
            }
        }
        cur = d.parent();
    }
    None
}

fn glob(pattern: &str, path: &str, text: &str) -> Result<GlobMatcher, ConfigError> {
    // A bare name like `transactional/` or `*.html` matches at any depth, as in .gitignore.
    let p = pattern.trim_end_matches('/');
    let p = if p.contains('/') {
        p.trim_start_matches("./").to_string()
    } else {
        format!("**/{p}")
    };
    let p = if pattern.ends_with('/') { format!("{p}/**") } else { p };
    Glob::new(&p).map(|g| g.compile_matcher()).map_err(|e| {
        LoadError::at(
            path,
            text,
            text.find(pattern).unwrap_or(0),
            pattern.len(),
            format!("invalid glob `{pattern}`: {e}"),
        )
    })
}

fn glob_set(patterns: &[String], path: &str, text: &str) -> Result<GlobSet, ConfigError> {
    let mut b = GlobSetBuilder::new();
    for p in patterns {
        let trimmed = p.trim_end_matches('/');
        let g = if trimmed.contains('/') {
            trimmed.trim_start_matches("./").to_string()
        } else {
            format!("**/{trimmed}")
        };
        let g = if p.ends_with('/') { format!("{g}/**") } else { g };
        b.add(Glob::new(&g).map_err(|e| {
            LoadError::at(
                path,
                text,
                text.find(p.as_str()).unwrap_or(0),
                p.len(),
                format!("invalid glob `{p}`: {e}"),
            )
        })?);
        // `dir` also excludes everything under it.
        if !p.ends_with('/')
            && !p.contains('*')
            && let Ok(g2) = Glob::new(&format!("{g}/**"))
        {
            b.add(g2);
        }
    }
    b.build()
        .map_err(|e| LoadError::at(path, text, 0, 0, format!("invalid globs: {e}")))
}

/// `10485760`, `10MiB`, `512 KiB`, `1gb`: bytes; None when it is not a size or overflows.
pub fn parse_size_text(s: &str) -> Option<u64> {
    let t = s.trim().to_ascii_lowercase();
    let (num, mult) = if let Some(n) = t.strip_suffix("mib").or_else(|| t.strip_suffix("mb")) {
        (n, 1024 * 1024)
    } else if let Some(n) = t.strip_suffix("kib").or_else(|| t.strip_suffix("kb")) {
        (n, 1024)
    } else if let Some(n) = t.strip_suffix("gib").or_else(|| t.strip_suffix("gb")) {
        (n, 1024 * 1024 * 1024)
    } else {
        (t.as_str(), 1)
    };
    num.trim().parse::<u64>().ok()?.checked_mul(mult)
}

fn parse_size(size: &Size, path: &str, text: &str) -> Result<u64, ConfigError> {
    match size {
        Size::Bytes(b) => Ok(*b),
        Size::Text(s) => parse_size_text(s).ok_or_else(|| {
            LoadError::at(
                path,
                text,
                text.find(s.as_str()).unwrap_or(0),
                s.len(),
                format!("`{s}` is not a size (use bytes or e.g. 10MiB)"),
            )
        }),
    }
}

/// `esp:` names that no dialect file defines: a located error each, naming the closest known
/// dialects, so `esp: aweeber` is caught instead of silently disabling `template/wrong-esp-dialect`.
pub fn unknown_esp_errors(config: &Resolved, registry: &crate::knowledge::dialects::Registry) -> Vec<LoadError> {
    let unknown: Vec<&String> = config.esp.iter().filter(|e| registry.dialect(e).is_none()).collect();
    if unknown.is_empty() {
        return Vec::new();
    }
    let (shown, text) = config.source();
    let lower = text.to_ascii_lowercase();
    let esp_key = lower.find("esp:").unwrap_or(0);
    unknown
        .into_iter()
        .map(|name| {
            // The value as written after `esp:` (lower-cased for the search, same byte offsets).
            let (off, len) = match lower.get(esp_key..).and_then(|rest| rest.find(name.as_str())) {
                Some(at) if lower.len() == text.len() => (esp_key + at, name.len()),
                _ => (esp_key, 3.min(text.len())),
            };
            let closest = registry.closest_dialects(name);
            let hint = if closest.is_empty() {
                String::new()
            } else {
                format!(
                    "; did you mean {}?",
                    closest.iter().map(|c| format!("`{c}`")).collect::<Vec<_>>().join(", ")
                )
            };
            LoadError::at(
                &shown,
                &text,
                off,
                len,
                format!("unknown ESP `{name}` in `esp:` (no rules/esp/{name}.yaml){hint}"),
            )
        })
        .collect()
}

/// Load a config file found by discovery and everything it `extends`, merged (the extending
/// file wins). A discovered config is repository content: it must itself lie inside its project.
pub fn load(path: &Path) -> Result<Resolved, ConfigError> {
    load_top(path, true)
}

/// Load a config file the user named (`--config`): the file may be anywhere, but what it names
/// stays confined to its project, as it may still come from the repository.
pub fn load_named(path: &Path) -> Result<Resolved, ConfigError> {
    load_top(path, false)
}

fn load_top(path: &Path, discovered: bool) -> Result<Resolved, ConfigError> {
    let project = ProjectRoot::of_dir(&config_root(path));
    if discovered && let Err(outside) = project.admit(path) {
        return Err(LoadError::at(
            &path.display().to_string(),
            "",
            0,
            0,
            format!("config file not read: it is a symlink and {outside}"),
        ));
    }
    load_depth(path, 0, &project)
}

/// The directory a config file speaks for: its own, or the project above `.config/`.
fn config_root(path: &Path) -> PathBuf {
    let dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
    if dir.file_name().is_some_and(|n| n == ".config") {
        dir.parent().map(Path::to_path_buf).unwrap_or(dir)
    } else {
        dir
    }
}

/// Where `written` sits in the config text, for a located error: after its key when possible.
fn locate(text: &str, key: &str, written: &str) -> usize {
    let from = text.find(&format!("{key}:")).unwrap_or(0);
    text[from..]
        .find(written)
        .map(|at| from + at)
        .or_else(|| text.find(written))
        .unwrap_or(0)
}

/// The path a config key names (`extends`, `rule-dirs`, `baseline`, template roots...),
/// relative to `base`, if it resolves inside the project after symlinks; else a located error
/// that names the key and the path and reads nothing of the target.
pub fn confined_path(
    project: &ProjectRoot,
    base: &Path,
    key: &str,
    written: &str,
    shown: &str,
    text: &str,
) -> Result<PathBuf, ConfigError> {
    let joined = base.join(written);
    match project.resolve(base, Path::new(written)) {
        Ok(_) => Ok(joined),
        Err(outside) => Err(LoadError::at(
            shown,
            text,
            locate(text, key, written),
            written.len(),
            format!(
                "`{key}` path `{written}` is not read: {outside}. A repository's config may only name \
                 files inside its project; name other files on the command line"
            ),
        )),
    }
}

/// `include` globs select files under the project; one that starts outside it can only be a
/// mistake or a probe.
fn check_inside_glob(key: &str, pattern: &str, shown: &str, text: &str) -> Result<(), ConfigError> {
    let p = Path::new(pattern);
    if p.is_absolute() || p.components().any(|c| c == std::path::Component::ParentDir) {
        return Err(LoadError::at(
            shown,
            text,
            locate(text, key, pattern),
            pattern.len(),
            format!(
                "`{key}` pattern `{pattern}` leaves the project: use a path relative to the config file, without `..`"
            ),
        ));
    }
    Ok(())
}

fn load_depth(path: &Path, depth: usize, project: &ProjectRoot) -> Result<Resolved, ConfigError> {
    let shown = path.display().to_string();
    let text = std::fs::read_to_string(path)
        .map_err(|e| LoadError::at(&shown, "", 0, 0, format!("cannot read config: {e}")))?;
    let file: ConfigFile = if text.trim().is_empty() {
        ConfigFile::default()
    } else {
        yaml::from_str(&shown, &text)?
    };
    let dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
    let root = config_root(path);
    let mut base = match &file.extends {
        Some(ext) if depth < 8 => {
            let p = confined_path(project, &dir, "extends", ext, &shown, &text)?;
            let mut b = load_depth(&p, depth + 1, project)?;
            b.root = root.clone();
            b
        }
        Some(ext) => {
            return Err(LoadError::at(
                &shown,
                &text,
                text.find(ext.as_str()).unwrap_or(0),
                ext.len(),
                "`extends` nests too deep (a cycle?)".into(),
            ));
        }
        None => Resolved::defaults(root.clone()),
    };
    base.path = Some(path.to_path_buf());
    base.sources.push(path.to_path_buf());
    base.project = project.clone();
    if let Some(p) = &file.profiles {
        for prof in p {
            if !crate::rules::load::PROFILES.contains(&prof.as_str()) {
                return Err(LoadError::at(
                    &shown,
                    &text,
                    text.find(prof.as_str()).unwrap_or(0),
                    prof.len(),
                    format!("unknown profile `{prof}` (expected us, ca, eu or uk)"),
                ));
            }
        }
        base.profiles = p.clone();
    }
    if let Some(e) = &file.esp {
        base.esp = e.iter().map(|s| s.to_ascii_lowercase()).collect();
    }
    for pattern in &file.include {
        check_inside_glob("include", pattern, &shown, &text)?;
    }
    if !file.include.is_empty() {
        base.include = Some(glob_set(&file.include, &shown, &text)?);
    }
    if !file.exclude.is_empty() {
        base.exclude = glob_set(&file.exclude, &shown, &text)?;
    }
    let declared = [
        (MessageClass::Transactional, &file.transactional),
        (MessageClass::Transactional, &file.classes.transactional),
        (MessageClass::Marketing, &file.classes.marketing),
    ];
    for (class, globs) in declared {
        for g in globs {
            base.classes.push((class, g.clone(), glob(g, &shown, &text)?));
        }
    }
    for (k, v) in &file.rules {
        base.rules.insert(k.clone(), *v);
    }
    for (g, map) in &file.per_file {
        base.per_file.push((glob(g, &shown, &text)?, map.clone()));
    }
    for d in &file.rule_dirs {
        base.rule_dirs
            .push(confined_path(project, &root, "rule-dirs", d, &shown, &text)?);
    }
    if let Some(b) = &file.baseline {
        base.baseline = Some(confined_path(project, &root, "baseline", b, &shown, &text)?);
    }
    if let Some(s) = &file.max_file_size {
        base.max_file_size = parse_size(s, &shown, &text)?;
    }
    for d in &file.template_roots {
        let p = confined_path(project, &root, "template-roots", d, &shown, &text)?;
        if !p.is_dir() {
            return Err(LoadError::at(
                &shown,
                &text,
                locate(&text, "template-roots", d),
                d.len(),
                format!("`template-roots` path `{d}` is not a directory (paths are relative to the config file)"),
            ));
        }
        base.template_roots.push(p);
    }
    for g in &file.partials {
        check_inside_glob("partials", g, &shown, &text)?;
        glob(g, &shown, &text)?;
        base.partials.push(g.clone());
    }
    if file.address.is_some() {
        base.address = file.address.clone();
    }
    if let Some(domains) = &file.sender_domains {
        base.sender_domains = domains
            .iter()
            .map(|d| {
                sender_domain(d).ok_or_else(|| {
                    LoadError::at(
                        &shown,
                        &text,
                        locate(&text, "sender-domains", d),
                        d.len(),
                        format!(
                            "`{d}` in `sender-domains:` is not a domain name (write `acme.example`: no scheme, path, port or `@`)"
                        ),
                    )
                })
            })
            .collect::<Result<_, _>>()?;
    }
    for (g, k) in &file.kinds {
        let kind = FileKind::parse(k).ok_or_else(|| {
            LoadError::at(
                &shown,
                &text,
                text.find(k.as_str()).unwrap_or(0),
                k.len(),
                format!("unknown kind `{k}` (expected html, mjml, text, config or schema)"),
            )
        })?;
        base.kinds.push((glob(g, &shown, &text)?, kind));
    }
    if let Some(i) = file.infer_class {
        base.infer_class = i;
    }
    Ok(base)
}

/// A `sender-domains:` entry as a bare lower-case domain name: at least two dot-separated labels of
/// letters, digits and hyphens (IDNs in their `xn--` form); `None` for anything else.
pub(crate) fn sender_domain(written: &str) -> Option<String> {
    let d = written.trim().trim_end_matches('.').to_ascii_lowercase();
    let labels: Vec<&str> = d.split('.').collect();
    let label_ok = |l: &&str| {
        !l.is_empty()
            && l.len() <= 63
            && !l.starts_with('-')
            && !l.ends_with('-')
            && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
    };
    (labels.len() >= 2 && d.len() <= 253 && labels.iter().all(label_ok)).then_some(d)
}

/// The starter's `classes:` section, which `inboxlint init` replaces with the globs it infers.
pub const STARTER_CLASSES: &str = r#"# Message classes by glob: transactional mail (receipts, password resets) is skipped by
# marketing-only rules. `inboxlint init` fills this in from what it infers about your templates.
classes:
  transactional:
    - "emails/transactional/**"
  marketing: []
"#;

/// The starter file `inboxlint init` writes (with the inferred classes in place of
/// [`STARTER_CLASSES`]).
pub const STARTER: &str = r#"# inboxlint configuration: https://github.com/inboxlint/inboxlint#configuration
# Jurisdictions whose rules apply: us (CAN-SPAM, the default), ca (CASL), eu (GDPR/ePrivacy),
# uk (PECR). Add every jurisdiction you send to.
profiles: [us]
# ESPs your templates are written for (mailchimp, klaviyo, sendgrid, sfmc, hubspot, ...).
# esp: [mailchimp]
# Message classes by glob: transactional mail (receipts, password resets) is skipped by
# marketing-only rules. `inboxlint init` fills this in from what it infers about your templates.
classes:
  transactional:
    - "emails/transactional/**"
  marketing: []
# Files and folders to leave out.
exclude:
  - "node_modules/"
  - "dist/"
# Your registered postal address, so templates can be checked for it.
# address: "2261 Market Street #4109, San Francisco, CA 94114"
# Your own domains (subdomains included): personal data in a link to them is a warning, to any
# other host an error (privacy/pii-in-url).
# sender-domains: [acme.example]
# Severities by rule id or group: error, warning, info or off, e.g.
#   template: warning
#   security/insecure-link: off
rules: {}
# Your own rules (YAML files, same format as the built-in ones).
# rule-dirs: [".inboxlint/rules"]
"#;

#[cfg(test)]
mod class_glob_tests {
    use super::*;

    fn resolved(yaml: &str) -> Resolved {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join(".inboxlint.yaml");
        std::fs::write(&path, yaml).expect("write");
        load(&path).expect("config loads")
    }

    #[test]
    fn classes_and_the_transactional_shorthand() {
        let c = resolved(
            "transactional: [\"receipts/\"]\nclasses:\n  transactional: [\"emails/**\"]\n  marketing: [\"emails/news/**\", \"promo.html\"]\n",
        );
        let class = |p: &str| c.class_glob(&c.root.join(p)).map(|(k, g)| (k, g.to_string()));
        assert_eq!(
            class("receipts/a.html"),
            Some((MessageClass::Transactional, "receipts/".into()))
        );
        assert_eq!(
            class("emails/reset.html"),
            Some((MessageClass::Transactional, "emails/**".into()))
        );
        // The more specific glob wins.
        assert_eq!(
            class("emails/news/may.html"),
            Some((MessageClass::Marketing, "emails/news/**".into()))
        );
        assert_eq!(class("a/b/promo.html").map(|c| c.0), Some(MessageClass::Marketing));
        assert_eq!(class("other.html"), None);
        assert!(STARTER.contains(STARTER_CLASSES));
    }

    #[test]
    fn an_unknown_class_is_a_located_error() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join(".inboxlint.yaml");
        std::fs::write(&path, "classes:\n  promotional: [\"x/**\"]\n").expect("write");
        let e = load(&path).expect_err("unknown class");
        assert!(e.message().contains("promotional"), "{}", e.message());
    }
}

#[cfg(test)]
mod sender_domain_tests {
    use super::*;

    fn load_text(yaml: &str) -> Result<Resolved, ConfigError> {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join(".inboxlint.yaml");
        std::fs::write(&path, yaml).expect("write");
        load(&path)
    }

    #[test]
    fn sender_domains_are_bare_lower_case_names() {
        let c = load_text("sender-domains: [Acme.Example, mail.acme.co.uk.]\n").expect("loads");
        assert_eq!(c.sender_domains, vec!["acme.example", "mail.acme.co.uk"]);
    }

    #[test]
    fn a_url_or_address_in_sender_domains_is_a_located_error() {
        for bad in [
            "https://acme.example",
            "news@acme.example",
            "acme",
            "acme.example/x",
            "acme.example:8080",
        ] {
            let text = format!("profiles: [us]\nsender-domains: [\"{bad}\"]\n");
            let e = load_text(&text).expect_err(bad);
            assert!(
                e.message().contains(bad) && e.message().contains("sender-domains"),
                "{}",
                e.message()
            );
            let at = text.find(bad).expect("written");
            assert_eq!((e.offset, e.len), (Some(at), bad.len()), "{bad}");
        }
    }
}
