//! The rule file format (DESIGN.md §4): what users write. Unknown fields are errors.

use crate::document::{Emits, Purpose, Role, TagContext, TagKind};
use serde::Deserialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SeverityDef {
    Error,
    Warning,
    Info,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct RuleDef {
    pub id: String,
    pub title: String,
    pub severity: SeverityDef,
    pub kinds: Vec<String>,
    #[serde(default)]
    pub formats: Vec<String>,
    #[serde(default)]
    pub when: Option<WhenDef>,
    #[serde(default)]
    pub forbid: Option<MatcherDef>,
    #[serde(default)]
    pub require: Option<MatcherDef>,
    pub message: String,
    pub help: String,
    #[serde(default)]
    pub docs: Option<String>,
    #[serde(default)]
    pub refs: Vec<String>,
    #[serde(default)]
    pub fix: Option<FixDef>,
    pub examples: ExamplesDef,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct WhenDef {
    #[serde(default)]
    pub class: Vec<String>,
    #[serde(default)]
    pub profiles: Vec<String>,
    /// The rule applies only where this matches; `require` findings anchor at its first match.
    #[serde(default)]
    pub matches: Option<MatcherDef>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct FixDef {
    /// Replace the matched span with this text (captures interpolated).
    pub replace: String,
    pub description: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExamplesDef {
    pub invalid: Vec<ExampleDef>,
    pub valid: Vec<ExampleDef>,
}

/// A bare string is a snippet of the rule's first kind; a map names the file it stands for.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum ExampleDef {
    Code(String),
    File(ExampleFile),
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExampleFile {
    pub filename: String,
    pub code: String,
    /// Override the message class (`transactional`) or profiles for this example.
    #[serde(default)]
    pub class: Option<String>,
    #[serde(default)]
    pub profiles: Vec<String>,
}

/// One of a list, or a single value.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum OneOrMany<T> {
    One(T),
    Many(Vec<T>),
}

impl<T: Clone> OneOrMany<T> {
    pub fn to_vec(&self) -> Vec<T> {
        match self {
            OneOrMany::One(t) => vec![t.clone()],
            OneOrMany::Many(v) => v.clone(),
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub enum MatcherDef {
    All(Vec<MatcherDef>),
    Any(Vec<MatcherDef>),
    Not(Box<MatcherDef>),
    Link(LinkDef),
    MergeTag(MergeTagDef),
    Text(TextDef),
    Setting(SettingDef),
    Field(FieldDef),
    Element(ElementDef),
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct LinkDef {
    pub purpose: Option<OneOrMany<Purpose>>,
    pub visible: Option<bool>,
    /// The URL goes nowhere: empty, `#`, `javascript:`, `about:blank`.
    pub placeholder: Option<bool>,
    pub scheme: Option<OneOrMany<String>>,
    pub href: Option<String>,
    pub text: Option<String>,
    pub element: Option<OneOrMany<String>>,
    pub attr: Option<OneOrMany<String>>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum AnyOr<T> {
    Keyword(AnyKeyword),
    Values(OneOrMany<T>),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum AnyKeyword {
    Any,
    None,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct MergeTagDef {
    pub role: Option<AnyOr<Role>>,
    pub pii: Option<AnyOr<String>>,
    pub sensitive: Option<bool>,
    pub name: Option<String>,
    pub dialect: Option<OneOrMany<String>>,
    pub syntax: Option<OneOrMany<String>>,
    pub context: Option<OneOrMany<TagContext>>,
    pub emits: Option<OneOrMany<Emits>>,
    pub kind: Option<OneOrMany<TagKind>>,
    pub visible: Option<bool>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct TextDef {
    pub regex: Option<String>,
    /// A named detector: `postal-address`, `placeholder-address`, `configured-address`.
    pub detector: Option<String>,
    /// Only visible text (default true).
    pub visible: Option<bool>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct SettingDef {
    /// Glob over the dotted path: `*` is one key, `**` any number (`**.ssl_mode`).
    pub path: Option<OneOrMany<String>>,
    /// Regex over the last key (case-insensitive).
    pub key: Option<String>,
    pub equals: Option<String>,
    /// Case-insensitive set of values.
    #[serde(rename = "in")]
    pub one_of: Option<Vec<String>>,
    pub regex: Option<String>,
    pub bool: Option<bool>,
    /// The value is a URL with one of these schemes.
    pub scheme: Option<OneOrMany<String>>,
    /// The value is written in the file, not `${VAR}` or a template.
    pub literal: Option<bool>,
    /// The value is a URL whose host is this machine or a single-label (container) name.
    pub local: Option<bool>,
    #[serde(rename = "type")]
    pub ty: Option<OneOrMany<String>>,
    /// A named detector over the value: `secret` (known key format or high entropy),
    /// `placeholder-address`.
    pub detector: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct FieldDef {
    pub name: Option<String>,
    pub pii: Option<AnyOr<String>>,
    pub sensitive: Option<bool>,
    #[serde(rename = "type")]
    pub ty: Option<String>,
    /// Whether an encryption marker is present in the type or annotations.
    pub encrypted: Option<bool>,
    pub table: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct ElementDef {
    /// Compound selector: `a`, `img[alt]`, `a.button`, `td[style*="display:none"]`, `*` (a list with `,`).
    pub selector: String,
    pub visible: Option<bool>,
}
