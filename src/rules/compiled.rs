//! Rules compiled once when a rule set loads: regexes, globs and selectors are built here so
//! evaluation never parses a pattern.

use super::selector::Selector;
use crate::diagnostic::Severity;
use crate::document::{Emits, FileKind, Purpose, Role, SourceFormat, TagContext, TagKind};
use crate::knowledge::hosts::Receiver;
use crate::lazy_regex::LazyRegex;

#[derive(Debug, Clone)]
pub enum Set<T> {
    Any,
    None,
    Of(Vec<T>),
}

impl<T: PartialEq> Set<T> {
    pub fn accepts(&self, v: Option<&T>) -> bool {
        match self {
            Set::Any => v.is_some(),
            Set::None => v.is_none(),
            Set::Of(list) => v.is_some_and(|v| list.contains(v)),
        }
    }
}

#[derive(Debug, Clone, Default)]
pub struct LinkM {
    pub purpose: Option<Vec<Purpose>>,
    pub visible: Option<bool>,
    pub placeholder: Option<bool>,
    pub scheme: Option<Vec<String>>,
    pub href: Option<LazyRegex>,
    pub text: Option<LazyRegex>,
    pub element: Option<Vec<String>>,
    pub attr: Option<Vec<String>>,
    pub offsets: Offsets,
}

/// A byte window of the file a fact must start in (gmail clipping, top-of-message checks).
#[derive(Debug, Clone, Copy, Default)]
pub struct Offsets {
    pub after: Option<usize>,
    pub before: Option<usize>,
}

impl Offsets {
    pub fn accepts(&self, start: usize) -> bool {
        self.after.is_none_or(|a| start >= a) && self.before.is_none_or(|b| start < b)
    }
}

#[derive(Debug, Clone, Default)]
pub struct TagM {
    pub role: Option<Set<Role>>,
    pub pii: Option<Set<String>>,
    pub sensitive: Option<bool>,
    pub name: Option<LazyRegex>,
    pub dialect: Option<Vec<String>>,
    pub syntax: Option<Vec<String>>,
    pub context: Option<Vec<TagContext>>,
    pub emits: Option<Vec<Emits>>,
    pub kind: Option<Vec<TagKind>>,
    pub visible: Option<bool>,
    pub configured_esp: Option<bool>,
    pub url: Option<LazyRegex>,
    pub receiver: Option<Vec<Receiver>>,
    pub offsets: Offsets,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TextDetector {
    PostalAddress,
    PlaceholderAddress,
    ConfiguredAddress,
    /// A transaction or reply claim (rules/lexicon/class.yaml `subject-claims`) in the `<title>`
    /// of a message whose class is marketing.
    TitleClaim,
}

#[derive(Debug, Clone)]
pub struct TextM {
    pub regex: Option<LazyRegex>,
    pub detector: Option<TextDetector>,
    pub visible: bool,
    pub offsets: Offsets,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ValueDetector {
    Secret,
    Credential,
    PlaceholderAddress,
    MalformedListUnsubscribe,
    UnusedInTemplate,
    MissingTemplate,
    /// The value claims a transaction or a conversation (`subject-claims` in class.yaml).
    SubjectClaim,
    /// The value starts with a reply or forward marker (`RE:`).
    ReplyPrefix,
}

/// The class of the template a campaign config names (`template-class:`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TemplateClass {
    Marketing,
    Transactional,
    /// Named, but unreadable or of undecided class.
    Unknown,
    /// The config names no template.
    None,
}

impl TemplateClass {
    pub fn parse(s: &str) -> Option<TemplateClass> {
        match s {
            "marketing" => Some(TemplateClass::Marketing),
            "transactional" => Some(TemplateClass::Transactional),
            "unknown" => Some(TemplateClass::Unknown),
            "none" => Some(TemplateClass::None),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, Default)]
pub struct SettingM {
    pub path: Option<LazyRegex>,
    pub key: Option<LazyRegex>,
    pub equals: Option<String>,
    pub one_of: Option<Vec<String>>,
    pub regex: Option<LazyRegex>,
    pub boolean: Option<bool>,
    pub scheme: Option<Vec<String>>,
    pub literal: Option<bool>,
    pub local: Option<bool>,
    pub ty: Option<Vec<String>>,
    pub detector: Option<ValueDetector>,
    pub pii: Option<Set<String>>,
    pub tag_pii: Option<Set<String>>,
    pub tag_sensitive: Option<bool>,
    pub tag_role: Option<Set<Role>>,
    pub template_class: Option<Vec<TemplateClass>>,
}

#[derive(Debug, Clone, Default)]
pub struct FieldM {
    pub name: Option<LazyRegex>,
    pub pii: Option<Set<String>>,
    pub sensitive: Option<bool>,
    pub ty: Option<LazyRegex>,
    pub encrypted: Option<bool>,
    pub table: Option<LazyRegex>,
}

#[derive(Debug, Clone)]
pub struct ElementM {
    pub selector: Selector,
    pub visible: Option<bool>,
}

#[derive(Debug, Clone)]
pub struct IncludeM {
    pub statuses: Vec<crate::document::IncludeStatus>,
}

#[derive(Debug, Clone)]
pub enum Matcher {
    All(Vec<Matcher>),
    Any(Vec<Matcher>),
    Not(Box<Matcher>),
    /// Report the inner matcher's matches at this (lower) severity.
    Severity(Severity, Box<Matcher>),
    /// One document-level match when the inner matcher matches anywhere.
    Anywhere(Box<Matcher>),
    /// Report the inner matcher's matches with this message (captures interpolated) instead
    /// of the rule's: one rule, several ways to break it.
    Message(String, Box<Matcher>),
    Link(LinkM),
    Tag(TagM),
    Text(TextM),
    Setting(SettingM),
    Field(FieldM),
    Element(ElementM),
    Include(IncludeM),
}

impl Matcher {
    /// Which fact list a leaf matcher walks; combinators of one fact type intersect per item.
    pub fn fact(&self) -> Option<u8> {
        Some(match self {
            Matcher::Link(_) => 1,
            Matcher::Tag(_) => 2,
            Matcher::Text(_) => 3,
            Matcher::Setting(_) => 4,
            Matcher::Field(_) => 5,
            Matcher::Element(_) => 6,
            Matcher::Include(_) => 7,
            Matcher::Not(m) | Matcher::Severity(_, m) | Matcher::Message(_, m) => return m.fact(),
            Matcher::Anywhere(_) => return None,
            Matcher::All(v) | Matcher::Any(v) => {
                let first = v.first()?.fact()?;
                return v.iter().all(|m| m.fact() == Some(first)).then_some(first);
            }
        })
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Forbid,
    Require,
}

#[derive(Debug, Clone)]
pub struct Example {
    pub filename: String,
    pub code: String,
    pub class: Option<String>,
    pub profiles: Vec<String>,
    pub esp: Vec<String>,
    pub files: Vec<(String, String)>,
}

/// A rule's fix, checked when the rule loaded.
#[derive(Debug, Clone)]
pub struct FixSpec {
    pub description: String,
    pub applicability: crate::diagnostic::Applicability,
    pub action: FixAction,
    /// Before and after applying every fix of the rule: `inboxlint test` checks them.
    pub examples: Vec<FixExample>,
}

#[derive(Debug, Clone)]
pub enum FixAction {
    /// The matched text becomes this, captures interpolated.
    Replace(String),
    /// The first regex that matches the matched text replaces its first match.
    Rewrite(Vec<(LazyRegex, String)>),
    /// The configured ESP's tag of this role replaces the link's URL.
    EspTag(Role),
    /// Set `key` to `value` beside the matched setting.
    SetSetting { key: String, value: String },
}

impl FixAction {
    /// The YAML key, for listings.
    pub fn kind(&self) -> &'static str {
        match self {
            FixAction::Replace(_) => "replace",
            FixAction::Rewrite(_) => "rewrite",
            FixAction::EspTag(_) => "esp-tag",
            FixAction::SetSetting { .. } => "set-setting",
        }
    }
}

#[derive(Debug, Clone)]
pub struct FixExample {
    pub example: Example,
    pub fixed: String,
}

#[derive(Debug, Clone)]
pub struct Rule {
    pub id: String,
    pub title: String,
    pub severity: Severity,
    pub kinds: Vec<FileKind>,
    pub formats: Vec<SourceFormat>,
    pub classes: Vec<String>,
    pub profiles: Vec<String>,
    pub precondition: Option<Matcher>,
    pub mode: Mode,
    pub scope: Scope,
    pub matcher: Matcher,
    pub message: String,
    pub help: String,
    pub docs: Option<String>,
    pub refs: Vec<String>,
    pub fix: Option<FixSpec>,
    /// The footer part the rule requires, for ESPs that add it or block sends without it.
    pub footer: Option<crate::document::Role>,
    pub invalid: Vec<Example>,
    pub valid: Vec<Example>,
    /// Where the rule came from: `rules/canspam/x.yaml` or a user path.
    pub origin: String,
    pub builtin: bool,
}

/// What a rule judges. The law judges the message a recipient gets, so a rule about what a
/// message must carry (an unsubscribe link, the sender's address) runs on each entry template
/// over everything it pulls in, and never on a partial by itself; a rule about a token (a URL,
/// a merge tag, a setting) runs on each file and points at that file's bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    Message,
    File,
}

impl Scope {
    /// Unless a rule says: a template rule that requires something, or that depends on the
    /// message's class, judges the message; everything else judges files.
    pub fn default_for(kinds: &[FileKind], mode: Mode, class_gated: bool) -> Scope {
        let templates_only = kinds.iter().all(|k| k.is_template());
        if templates_only && (mode == Mode::Require || class_gated) {
            Scope::Message
        } else {
            Scope::File
        }
    }
}

impl Rule {
    pub fn group(&self) -> &str {
        self.id.split('/').next().unwrap_or(&self.id)
    }

    pub fn docs_url(&self) -> String {
        if self.builtin {
            format!(
                "https://github.com/inboxlint/inboxlint/blob/main/docs/rules.md#{}",
                self.id.replace('/', "-")
            )
        } else {
            self.origin.clone()
        }
    }
}
