//! From rule files to compiled rules. Every mistake is reported at the field that holds it.

use super::compiled::*;
use super::schema::*;
use super::selector::Selector;
use crate::diagnostic::Severity;
use crate::document::{FileKind, SourceFormat};
use crate::knowledge::hosts::Receiver;
use crate::knowledge::yaml::{self, LoadError};
use crate::lazy_regex::LazyRegex;
use std::cell::RefCell;
use std::collections::BTreeMap;
use std::sync::LazyLock;

pub const GROUPS: &[&str] = &[
    "canspam",
    "casl",
    "gdpr",
    "privacy",
    "security",
    "deliverability",
    "template",
];
pub const PROFILES: &[&str] = &["us", "ca", "eu", "uk"];

const LISTS_PATH: &str = "rules/lexicon/lists.yaml";

/// The named lists of `rules/lexicon/lists.yaml` that matchers refer to as `$name`.
type Lists = BTreeMap<String, Vec<String>>;

fn named_lists() -> Result<&'static Lists, LoadError> {
    static LISTS: LazyLock<Result<Lists, LoadError>> = LazyLock::new(|| {
        let text = crate::knowledge::embedded::file("lexicon/lists.yaml").unwrap_or_default();
        yaml::from_str(LISTS_PATH, text)
    });
    LISTS.as_ref().map_err(Clone::clone)
}

const MATCHERS_PATH: &str = "rules/lexicon/matchers.yaml";

/// The named matchers of `rules/lexicon/matchers.yaml` that rules use as `matches: name`.
type Utils = BTreeMap<String, MatcherDef>;

fn shared_matchers() -> Result<&'static Utils, LoadError> {
    static UTILS: LazyLock<Result<Utils, LoadError>> = LazyLock::new(|| {
        let text = crate::knowledge::embedded::file("lexicon/matchers.yaml").unwrap_or_default();
        yaml::from_str(MATCHERS_PATH, text)
    });
    UTILS.as_ref().map_err(Clone::clone)
}

struct Ctx<'a> {
    path: &'a str,
    text: &'a str,
    /// Built-in patterns compile on first use (tests compile them all); a user's compile now,
    /// so their mistakes are reported at load, at the field that holds them.
    builtin: bool,
    /// The rule file's own named matchers.
    utils: &'a Utils,
    /// Named matchers being compiled, outermost first: one that uses itself is an error, not
    /// an endless expansion.
    expanding: RefCell<Vec<String>>,
}

impl Ctx<'_> {
    /// Locate `needle` (a value the user wrote) for the error; serde already located syntax errors.
    fn err(&self, needle: &str, message: String) -> LoadError {
        let off = if needle.is_empty() {
            None
        } else {
            self.text.find(needle)
        };
        LoadError::at(self.path, self.text, off.unwrap_or(0), needle.len(), message)
    }

    fn regex(&self, pattern: &str, case_insensitive: bool) -> Result<LazyRegex, LoadError> {
        let full = if case_insensitive && !pattern.starts_with("(?") {
            format!("(?i){pattern}")
        } else {
            pattern.to_string()
        };
        self.compile(full, pattern, "invalid regular expression")
    }

    fn compile(&self, full: String, written: &str, what: &str) -> Result<LazyRegex, LoadError> {
        if self.builtin {
            return Ok(LazyRegex::new(full));
        }
        LazyRegex::eager(full).map_err(|e| self.err(written, format!("{what}: {e}")))
    }

    fn lower_list(&self, v: &Option<OneOrMany<String>>) -> Result<Option<Vec<String>>, LoadError> {
        let Some(v) = v else {
            return Ok(None);
        };
        let items = self.expand(&v.to_vec())?;
        Ok(Some(items.into_iter().map(|s| s.to_ascii_lowercase()).collect()))
    }

    /// Values as written, with each `$name` replaced by the items of that named list.
    fn expand(&self, values: &[String]) -> Result<Vec<String>, LoadError> {
        let mut out = Vec::with_capacity(values.len());
        for value in values {
            let Some(name) = value.strip_prefix('$') else {
                out.push(value.clone());
                continue;
            };
            let lists = named_lists()?;
            match lists.get(name) {
                Some(items) => out.extend(items.iter().cloned()),
                None => {
                    let known: Vec<String> = lists.keys().map(|k| format!("${k}")).collect();
                    return Err(self.err(
                        value,
                        format!(
                            "unknown list `{value}` (the lists of {LISTS_PATH} are {})",
                            known.join(", ")
                        ),
                    ));
                }
            }
        }
        Ok(out)
    }

    /// [`Ctx::set`] over strings, with named lists expanded.
    fn name_set(&self, v: &Option<AnyOr<String>>) -> Result<Option<Set<String>>, LoadError> {
        Ok(match v {
            None => None,
            Some(AnyOr::Keyword(AnyKeyword::Any)) => Some(Set::Any),
            Some(AnyOr::Keyword(AnyKeyword::None)) => Some(Set::None),
            Some(AnyOr::Values(list)) => Some(Set::Of(self.expand(&list.to_vec())?)),
        })
    }

    fn set<T: Clone, U>(&self, v: &Option<AnyOr<T>>, map: impl Fn(T) -> U) -> Option<Set<U>> {
        v.as_ref().map(|v| match v {
            AnyOr::Keyword(AnyKeyword::Any) => Set::Any,
            AnyOr::Keyword(AnyKeyword::None) => Set::None,
            AnyOr::Values(list) => Set::Of(list.to_vec().into_iter().map(&map).collect()),
        })
    }

    /// `matches: name`: the rule's own util of that name, else the shared one, compiled in place.
    fn named_matcher(&self, name: &str) -> Result<Matcher, LoadError> {
        let shared = shared_matchers()?;
        // Located at the reference (`matches: name`), not at the name's first use in the file.
        let written = format!("matches: {name}");
        let at = if self.text.contains(&written) {
            written.as_str()
        } else {
            name
        };
        let Some(def) = self.utils.get(name).or_else(|| shared.get(name)) else {
            let known: Vec<&str> = self.utils.keys().chain(shared.keys()).map(String::as_str).collect();
            return Err(self.err(
                at,
                format!(
                    "unknown matcher `{name}` (the rule's `utils` and {MATCHERS_PATH} name {})",
                    known.join(", ")
                ),
            ));
        };
        if self.expanding.borrow().iter().any(|n| n == name) {
            let chain = self.expanding.borrow().join(" → ");
            return Err(self.err(at, format!("matcher `{name}` uses itself ({chain} → {name})")));
        }
        self.expanding.borrow_mut().push(name.to_string());
        let compiled = self.matcher(def);
        self.expanding.borrow_mut().pop();
        compiled
    }

    fn matcher(&self, def: &MatcherDef) -> Result<Matcher, LoadError> {
        Ok(match def {
            MatcherDef::All(v) => Matcher::All(v.iter().map(|m| self.matcher(m)).collect::<Result<_, _>>()?),
            MatcherDef::Any(v) => Matcher::Any(v.iter().map(|m| self.matcher(m)).collect::<Result<_, _>>()?),
            MatcherDef::Not(m) => Matcher::Not(Box::new(self.matcher(m)?)),
            MatcherDef::Warning(m) => Matcher::Severity(Severity::Warning, Box::new(self.matcher(m)?)),
            MatcherDef::Info(m) => Matcher::Severity(Severity::Info, Box::new(self.matcher(m)?)),
            MatcherDef::Anywhere(m) => Matcher::Anywhere(Box::new(self.matcher(m)?)),
            MatcherDef::WithMessage(w) => Matcher::Message(w.message.clone(), Box::new(self.matcher(&w.matcher)?)),
            MatcherDef::Matches(name) => self.named_matcher(name)?,
            MatcherDef::Link(l) => Matcher::Link(LinkM {
                purpose: l.purpose.as_ref().map(OneOrMany::to_vec),
                visible: l.visible,
                placeholder: l.placeholder,
                scheme: self.lower_list(&l.scheme)?,
                href: l.href.as_deref().map(|p| self.regex(p, true)).transpose()?,
                text: l.text.as_deref().map(|p| self.regex(p, true)).transpose()?,
                element: self.lower_list(&l.element)?,
                attr: self.lower_list(&l.attr)?,
                offsets: Offsets {
                    after: l.after_byte,
                    before: l.before_byte,
                },
            }),
            MatcherDef::MergeTag(t) => Matcher::Tag(TagM {
                role: self.set(&t.role, |r| r),
                pii: self.name_set(&t.pii)?,
                sensitive: t.sensitive,
                name: t.name.as_deref().map(|p| self.regex(p, true)).transpose()?,
                dialect: self.lower_list(&t.dialect)?,
                syntax: self.lower_list(&t.syntax)?,
                context: t.context.as_ref().map(OneOrMany::to_vec),
                emits: t.emits.as_ref().map(OneOrMany::to_vec),
                kind: t.kind.as_ref().map(OneOrMany::to_vec),
                visible: t.visible,
                configured_esp: t.configured_esp,
                url: t.url.as_deref().map(|p| self.regex(p, true)).transpose()?,
                receiver: t
                    .receiver
                    .as_ref()
                    .map(|r| {
                        r.to_vec()
                            .iter()
                            .map(|name| {
                                Receiver::parse(name).ok_or_else(|| {
                                    self.err(
                                        name,
                                        format!("unknown receiver `{name}` (expected tracker, third-party, first-party, own-mailbox or unknown)"),
                                    )
                                })
                            })
                            .collect::<Result<Vec<_>, _>>()
                    })
                    .transpose()?,
                offsets: Offsets {
                    after: t.after_byte,
                    before: t.before_byte,
                },
            }),
            MatcherDef::Text(t) => {
                let detector = match t.detector.as_deref() {
                    None => None,
                    Some("postal-address") => Some(TextDetector::PostalAddress),
                    Some("placeholder-address") => Some(TextDetector::PlaceholderAddress),
                    Some("configured-address") => Some(TextDetector::ConfiguredAddress),
                    Some("title-claim") => Some(TextDetector::TitleClaim),
                    Some(other) => {
                        return Err(self.err(
                            other,
                            format!("unknown text detector `{other}` (expected postal-address, placeholder-address, configured-address or title-claim)"),
                        ));
                    }
                };
                if detector.is_none() && t.regex.is_none() {
                    return Err(self.err("text:", "a `text` matcher needs `regex` or `detector`".into()));
                }
                Matcher::Text(TextM {
                    regex: t.regex.as_deref().map(|p| self.regex(p, true)).transpose()?,
                    detector,
                    visible: t.visible.unwrap_or(true),
                    offsets: Offsets {
                        after: t.after_byte,
                        before: t.before_byte,
                    },
                })
            }
            MatcherDef::Setting(s) => {
                let detector = match s.detector.as_deref() {
                    None => None,
                    Some("secret") => Some(ValueDetector::Secret),
                    Some("credential") => Some(ValueDetector::Credential),
                    Some("placeholder-address") => Some(ValueDetector::PlaceholderAddress),
                    Some("malformed-list-unsubscribe") => Some(ValueDetector::MalformedListUnsubscribe),
                    Some("unused-in-template") => Some(ValueDetector::UnusedInTemplate),
                    Some("missing-template") => Some(ValueDetector::MissingTemplate),
                    Some("subject-claim") => Some(ValueDetector::SubjectClaim),
                    Some("reply-prefix") => Some(ValueDetector::ReplyPrefix),
                    Some(other) => {
                        return Err(self.err(
                            other,
                            format!(
                                "unknown value detector `{other}` (expected secret, credential, placeholder-address, \
                                 malformed-list-unsubscribe, unused-in-template, missing-template, subject-claim or reply-prefix)"
                            ),
                        ));
                    }
                };
                Matcher::Setting(SettingM {
                    path: s
                        .path
                        .as_ref()
                        .map(|p| self.path_globs(&self.expand(&p.to_vec())?))
                        .transpose()?,
                    key: s.key.as_deref().map(|p| self.regex(p, true)).transpose()?,
                    equals: s.equals.clone(),
                    one_of: s.one_of.as_ref().map(|v| v.iter().map(|x| x.to_lowercase()).collect()),
                    regex: s.regex.as_deref().map(|p| self.regex(p, false)).transpose()?,
                    boolean: s.bool,
                    scheme: self.lower_list(&s.scheme)?,
                    literal: s.literal,
                    local: s.local,
                    ty: self.lower_list(&s.ty)?,
                    detector,
                    pii: self.name_set(&s.pii)?,
                    tag_pii: self.name_set(&s.tag_pii)?,
                    tag_sensitive: s.tag_sensitive,
                    tag_role: self.set(&s.tag_role, |r| r),
                    template_class: s
                        .template_class
                        .as_ref()
                        .map(|c| {
                            c.to_vec()
                                .iter()
                                .map(|name| {
                                    TemplateClass::parse(name).ok_or_else(|| {
                                        self.err(
                                            name,
                                            format!("unknown template class `{name}` (expected marketing, transactional, unknown or none)"),
                                        )
                                    })
                                })
                                .collect::<Result<Vec<_>, _>>()
                        })
                        .transpose()?,
                })
            }
            MatcherDef::Field(f) => Matcher::Field(FieldM {
                name: f.name.as_deref().map(|p| self.regex(p, true)).transpose()?,
                pii: self.name_set(&f.pii)?,
                sensitive: f.sensitive,
                ty: f.ty.as_deref().map(|p| self.regex(p, true)).transpose()?,
                encrypted: f.encrypted,
                table: f.table.as_deref().map(|p| self.regex(p, true)).transpose()?,
            }),
            MatcherDef::Element(e) => Matcher::Element(ElementM {
                selector: Selector::parse(&e.selector).map_err(|m| self.err(&e.selector, m))?,
                visible: e.visible,
            }),
            MatcherDef::Include(i) => Matcher::Include(IncludeM {
                statuses: i.status.to_vec(),
            }),
        })
    }

    /// `['**.ssl_mode', 'db.*']` → one case-insensitive regex for any path ending in `.ssl_mode`
    /// (or equal to `ssl_mode`) or one level under `db`. One alternation, not a regex per glob:
    /// settings × rules × globs was the biggest cost of linting a large JSON file.
    fn path_globs(&self, globs: &[String]) -> Result<LazyRegex, LoadError> {
        if globs.is_empty() {
            // An empty list selects no setting, as an empty alternation must not select `""`.
            return Ok(LazyRegex::new(r"[^\s\S]"));
        }
        let mut re = String::from("(?i)^(?:");
        for (i, glob) in globs.iter().enumerate() {
            if i > 0 {
                re.push('|');
            }
            let mut rest = glob.as_str();
            while !rest.is_empty() {
                if let Some(r) = rest.strip_prefix("**.") {
                    re.push_str("(?:.*\\.)?");
                    rest = r;
                } else if let Some(r) = rest.strip_prefix("**") {
                    re.push_str(".*");
                    rest = r;
                } else if let Some(r) = rest.strip_prefix('*') {
                    re.push_str("[^.]*");
                    rest = r;
                } else {
                    let c = rest.chars().next().unwrap_or_default();
                    re.push_str(&regex::escape(&c.to_string()));
                    rest = &rest[c.len_utf8()..];
                }
            }
        }
        re.push_str(")$");
        self.compile(
            re,
            globs.first().map(String::as_str).unwrap_or_default(),
            "invalid path glob",
        )
    }

    /// A rule's `fix:`: exactly one action, one that fits the rule's mode and kinds, with
    /// regexes that compile.
    fn fix(&self, def: &FixDef, kinds: &[FileKind], mode: Mode) -> Result<FixSpec, LoadError> {
        let mut actions = Vec::new();
        if let Some(r) = &def.replace {
            actions.push(FixAction::Replace(r.clone()));
        }
        if let Some(list) = &def.rewrite {
            if list.is_empty() {
                return Err(self.err("rewrite", "`rewrite` needs at least one `{find, replace}`".into()));
            }
            let mut edits = Vec::with_capacity(list.len());
            for r in list {
                edits.push((
                    self.compile(r.find.clone(), &r.find, "invalid regular expression")?,
                    r.replace.clone(),
                ));
            }
            actions.push(FixAction::Rewrite(edits));
        }
        if let Some(role) = def.esp_tag {
            actions.push(FixAction::EspTag(role));
        }
        if let Some(s) = &def.set_setting {
            actions.push(FixAction::SetSetting {
                key: s.key.clone(),
                value: s.value.clone(),
            });
        }
        let action = match actions.len() {
            1 => actions.remove(0),
            n => {
                return Err(self.err(
                    "fix:",
                    format!(
                        "a fix needs exactly one of `replace`, `rewrite`, `esp-tag` or `set-setting` (this one has {n})"
                    ),
                ));
            }
        };
        match (&action, mode) {
            (FixAction::SetSetting { .. }, _) if kinds.iter().any(|k| *k != FileKind::Config) => {
                return Err(self.err(
                    "set-setting",
                    "`set-setting` fixes config files: the rule's kinds must be [config]".into(),
                ));
            }
            (FixAction::SetSetting { .. }, Mode::Forbid) => {
                return Err(self.err(
                    "set-setting",
                    "`set-setting` adds what a `require` rule misses, beside its `when: matches` setting".into(),
                ));
            }
            (FixAction::SetSetting { .. }, Mode::Require) | (_, Mode::Forbid) => {}
            (_, Mode::Require) => {
                return Err(self.err(
                    "fix:",
                    "a `require` rule has no matched text to replace: its fix can only be `set-setting`".into(),
                ));
            }
        }
        let examples = def
            .examples
            .iter()
            .map(|e| FixExample {
                example: Example {
                    filename: e.filename.clone().unwrap_or_else(|| {
                        default_filename(kinds.first().copied().unwrap_or(FileKind::Html)).to_string()
                    }),
                    code: e.code.clone(),
                    class: None,
                    profiles: Vec::new(),
                    esp: e.esp.iter().map(|x| x.to_ascii_lowercase()).collect(),
                    files: Vec::new(),
                },
                fixed: e.fixed.clone(),
            })
            .collect();
        Ok(FixSpec {
            description: def.description.clone(),
            applicability: def.applicability,
            action,
            examples,
        })
    }

    fn example(&self, def: &ExampleDef, kinds: &[FileKind]) -> Example {
        match def {
            ExampleDef::Code(code) => Example {
                filename: default_filename(kinds.first().copied().unwrap_or(FileKind::Html)).to_string(),
                code: code.clone(),
                class: None,
                profiles: Vec::new(),
                esp: Vec::new(),
                files: Vec::new(),
            },
            ExampleDef::File(f) => Example {
                filename: f.filename.clone(),
                code: match f.pad {
                    Some(bytes) => f.code.replacen("<!-- pad -->", &filler(bytes), 1),
                    None => f.code.clone(),
                },
                class: f.class.clone(),
                profiles: f.profiles.clone(),
                esp: f.esp.iter().map(|e| e.to_ascii_lowercase()).collect(),
                files: f.files.iter().map(|(k, v)| (k.clone(), v.clone())).collect(),
            },
        }
    }
}

/// At least `bytes` bytes of ordinary paragraphs.
fn filler(bytes: usize) -> String {
    const LINE: &str = "<p>Lorem ipsum dolor sit amet, consectetur adipiscing elit.</p>\n";
    LINE.repeat(bytes.div_ceil(LINE.len()))
}

pub fn default_filename(kind: FileKind) -> &'static str {
    match kind {
        FileKind::Html => "example.html",
        FileKind::Mjml => "example.mjml",
        FileKind::Text => "example.txt",
        FileKind::Config => "example.yaml",
        FileKind::Schema => "example.sql",
    }
}

fn parse_format(s: &str) -> Option<SourceFormat> {
    Some(match s {
        "html" => SourceFormat::Html,
        "mjml" => SourceFormat::Mjml,
        "text" => SourceFormat::Text,
        "yaml" => SourceFormat::Yaml,
        "json" => SourceFormat::Json,
        "toml" => SourceFormat::Toml,
        "env" => SourceFormat::Env,
        "ini" => SourceFormat::Ini,
        "sql" => SourceFormat::Sql,
        "prisma" => SourceFormat::Prisma,
        _ => return None,
    })
}

/// Compile one rule file. `builtin` rules must live in a known group and match their path.
pub fn compile(path: &str, text: &str, builtin: bool) -> Result<Rule, LoadError> {
    let def: RuleDef = yaml::from_str(path, text)?;
    let cx = Ctx {
        path,
        text,
        builtin,
        utils: &def.utils,
        expanding: RefCell::new(Vec::new()),
    };
    let group = def.id.split('/').next().unwrap_or_default();
    if !def.id.contains('/') || def.id.split('/').any(|p| p.is_empty()) {
        return Err(cx.err(&def.id, format!("rule id `{}` must look like `group/name`", def.id)));
    }
    if builtin && !GROUPS.contains(&group) {
        return Err(cx.err(
            &def.id,
            format!("unknown rule group `{group}` (expected one of {})", GROUPS.join(", ")),
        ));
    }
    let mut kinds = Vec::new();
    for k in &def.kinds {
        kinds.push(FileKind::parse(k).ok_or_else(|| {
            cx.err(
                k,
                format!("unknown kind `{k}` (expected html, mjml, text, config or schema)"),
            )
        })?);
    }
    if kinds.is_empty() {
        return Err(cx.err("kinds", "a rule needs at least one kind".into()));
    }
    let mut formats = Vec::new();
    for f in &def.formats {
        formats.push(parse_format(f).ok_or_else(|| cx.err(f, format!("unknown format `{f}`")))?);
    }
    let (mode, matcher) = match (&def.forbid, &def.require) {
        (Some(m), None) => (Mode::Forbid, cx.matcher(m)?),
        (None, Some(m)) => (Mode::Require, cx.matcher(m)?),
        _ => return Err(cx.err("id:", "a rule needs exactly one of `forbid` or `require`".into())),
    };
    let when = def.when.clone().unwrap_or_default();
    for c in &when.class {
        if c != "marketing" && c != "transactional" {
            return Err(cx.err(c, format!("unknown class `{c}` (expected marketing or transactional)")));
        }
    }
    for p in &when.profiles {
        if !PROFILES.contains(&p.as_str()) {
            return Err(cx.err(
                p,
                format!("unknown profile `{p}` (expected one of {})", PROFILES.join(", ")),
            ));
        }
    }
    let precondition = when.matches.as_ref().map(|m| cx.matcher(m)).transpose()?;
    let scope = match def.scope {
        Some(ScopeDef::Message) => Scope::Message,
        Some(ScopeDef::File) => Scope::File,
        None => Scope::default_for(&kinds, mode, !when.class.is_empty()),
    };
    let fix = def.fix.as_ref().map(|f| cx.fix(f, &kinds, mode)).transpose()?;
    if fix
        .as_ref()
        .is_some_and(|f| matches!(f.action, FixAction::SetSetting { .. }))
        && precondition.is_none()
    {
        return Err(cx.err(
            "set-setting",
            "`set-setting` sets a key beside the setting of `when: matches`, which this rule lacks".into(),
        ));
    }
    let invalid: Vec<Example> = def.examples.invalid.iter().map(|e| cx.example(e, &kinds)).collect();
    let valid: Vec<Example> = def.examples.valid.iter().map(|e| cx.example(e, &kinds)).collect();
    Ok(Rule {
        id: def.id.clone(),
        title: def.title,
        severity: match def.severity {
            SeverityDef::Error => Severity::Error,
            SeverityDef::Warning => Severity::Warning,
            SeverityDef::Info => Severity::Info,
        },
        kinds,
        formats,
        classes: when.class,
        profiles: when.profiles,
        precondition,
        mode,
        scope,
        matcher,
        message: def.message,
        help: def.help,
        docs: def.docs,
        refs: def.refs,
        fix,
        footer: def.footer,
        invalid,
        valid,
        origin: path.to_string(),
        builtin,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(forbid: &str) -> Result<Rule, LoadError> {
        let text = format!(
            "id: acme/x\ntitle: t\nseverity: error\nkinds: [config]\nforbid: {forbid}\nmessage: m\nhelp: h\n\
             examples: {{invalid: [], valid: []}}\n"
        );
        compile("x.yaml", &text, false)
    }

    #[test]
    fn a_named_list_stands_for_its_items_among_other_values() {
        let lists = named_lists().expect("lists.yaml loads");
        let personal = &lists["personal-data-but-email"];
        let r = rule("{setting: {pii: [email, $personal-data-but-email]}}").expect("compiles");
        let Matcher::Setting(s) = r.matcher else {
            panic!("a setting matcher");
        };
        let Some(Set::Of(names)) = s.pii else {
            panic!("a list of categories");
        };
        assert_eq!(names.len(), personal.len() + 1);
        assert_eq!(names[0], "email");
        assert_eq!(&names[1..], personal.as_slice());
    }

    #[test]
    fn an_unknown_list_is_an_error_at_its_name() {
        let e = rule("{merge-tag: {pii: $no-such-list}}").expect_err("unknown list");
        assert!(e.message().contains("unknown list `$no-such-list`"), "{}", e.message());
        assert_eq!(e.line_col(), Some((5, 27)));
    }

    #[test]
    fn named_matchers_come_from_the_rule_then_the_shared_file() {
        let shared =
            rule("{all: [{link: {scheme: http}}, {not: {matches: working-unsubscribe-link}}]}").expect("compiles");
        let Matcher::All(parts) = &shared.matcher else {
            panic!("an all");
        };
        // The name stands for its matcher, so `all` still intersects link by link.
        assert!(matches!(&parts[1], Matcher::Not(inner) if matches!(**inner, Matcher::Link(_))));
        let own = "id: acme/x\ntitle: t\nseverity: error\nkinds: [html]\nutils:\n  working-unsubscribe-link: { text: { regex: stop } }\nforbid: { matches: working-unsubscribe-link }\nmessage: m\nhelp: h\nexamples: { invalid: [stop], valid: [go] }\n";
        let r = compile("own.yaml", own, false).expect("compiles");
        assert!(
            matches!(r.matcher, Matcher::Text(_)),
            "the rule's util shadows the shared one"
        );
    }

    #[test]
    fn an_unknown_or_self_using_named_matcher_is_a_located_error() {
        let e = rule("{matches: no-such-matcher}").expect_err("unknown");
        assert!(
            e.message().contains("unknown matcher `no-such-matcher`"),
            "{}",
            e.message()
        );
        assert!(
            e.message().contains("working-unsubscribe-link"),
            "names the known ones: {}",
            e.message()
        );
        let looped = "id: acme/x\ntitle: t\nseverity: error\nkinds: [html]\nutils:\n  a: { any: [{matches: b}] }\n  b: { not: {matches: a} }\nforbid: { matches: a }\nmessage: m\nhelp: h\nexamples: { invalid: [boom], valid: [fine] }\n";
        let e = compile("loop.yaml", looped, false).expect_err("a cycle");
        assert!(
            e.message().contains("matcher `a` uses itself (a → b → a)"),
            "{}",
            e.message()
        );
        assert_eq!(e.offset, looped.find("matches: a"), "located at the reference");
    }
}
