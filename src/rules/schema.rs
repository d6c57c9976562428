//! The rule file format (DESIGN.md §4): what users write. Unknown fields are errors.

use crate::document::{Emits, Purpose, Role, TagContext, TagKind};
use serde::Deserialize;
use std::collections::BTreeMap;

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
    /// `message`: judged on each entry template over the message it composes (with its
    /// partials, layout); `file`: on each file's own bytes. Default: see `rules::Scope`.
    #[serde(default)]
    pub scope: Option<ScopeDef>,
    /// Named matchers this rule's matchers can use as `matches: name` (they shadow the shared
    /// ones of `rules/lexicon/matchers.yaml`).
    #[serde(default)]
    pub utils: BTreeMap<String, MatcherDef>,
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
    /// The footer part this rule requires (`unsubscribe` or `address`): where a configured ESP
    /// adds that part itself or refuses to send without it, the finding is information.
    #[serde(default)]
    pub footer: Option<crate::document::Role>,
    pub examples: ExamplesDef,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ScopeDef {
    Message,
    File,
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

/// How a finding can be fixed: exactly one of `replace`, `rewrite`, `esp-tag` or
/// `set-setting`, with whether the fix is safe to apply unasked.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct FixDef {
    /// Shown in editors and `--diff` summaries (captures interpolated).
    pub description: String,
    /// `safe`: `check --fix` applies it; `unsafe`: only with `--unsafe-fixes`.
    pub applicability: crate::diagnostic::Applicability,
    /// Replace the matched text (a link's URL, a setting's value) with this (captures interpolated).
    #[serde(default)]
    pub replace: Option<String>,
    /// Regex edits of the matched text: the first whose `find` matches replaces its first
    /// match (`$1`, `${name}` expand); none matching, no fix.
    #[serde(default)]
    pub rewrite: Option<Vec<RewriteDef>>,
    /// Replace the matched link's URL with the configured ESP's tag of this role (rules/esp):
    /// offered only when config `esp:` names exactly one ESP that has such a tag.
    #[serde(default)]
    pub esp_tag: Option<Role>,
    /// Set a setting beside the matched one (the `when: matches` setting of a `require` rule),
    /// in the file's own syntax: its value replaced when the key is there, else inserted.
    #[serde(default)]
    pub set_setting: Option<SetSettingDef>,
    /// Files before and after every fix of the rule is applied; `inboxlint test` checks them.
    #[serde(default)]
    pub examples: Vec<FixExampleDef>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RewriteDef {
    pub find: String,
    pub replace: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SetSettingDef {
    pub key: String,
    pub value: String,
}

/// `code` (a file named `filename`, else a snippet of the rule's first kind) becomes `fixed`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FixExampleDef {
    #[serde(default)]
    pub filename: Option<String>,
    pub code: String,
    pub fixed: String,
    /// The project's configured ESPs (`esp:`) for this example.
    #[serde(default)]
    pub esp: Vec<String>,
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
    /// The project's configured ESPs (`esp:` in .inboxlint.yaml) for this example.
    #[serde(default)]
    pub esp: Vec<String>,
    /// Other files of the example's project, by path relative to the example (a campaign
    /// config's template, for cross-file rules).
    #[serde(default)]
    pub files: std::collections::BTreeMap<String, String>,
    /// Replace the first `<!-- pad -->` in `code` with this many bytes of filler paragraphs,
    /// for rules about large messages (Gmail clipping) without megabytes of YAML.
    #[serde(default)]
    pub pad: Option<usize>,
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
    /// Matches of the inner matcher are reported at warning (never above the rule's level).
    Warning(Box<MatcherDef>),
    /// Matches of the inner matcher are reported at info.
    Info(Box<MatcherDef>),
    /// One document-level match when the inner matcher matches anywhere: inside `all`, a
    /// condition on the document rather than on the first matcher's items.
    Anywhere(Box<MatcherDef>),
    /// Matches of the inner matcher are reported with this message instead of the rule's.
    WithMessage(WithMessageDef),
    /// The named matcher of this name: the rule file's own `utils`, else the shared ones of
    /// `rules/lexicon/matchers.yaml`.
    Matches(String),
    Link(LinkDef),
    MergeTag(MergeTagDef),
    Text(TextDef),
    Setting(SettingDef),
    Field(FieldDef),
    Element(ElementDef),
    Include(IncludeDef),
}

/// A composition directive of the file by where it leads.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct IncludeDef {
    pub status: OneOrMany<crate::document::IncludeStatus>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WithMessageDef {
    pub message: String,
    pub matcher: Box<MatcherDef>,
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
    /// Only facts that start at or after this byte offset of the file.
    pub after_byte: Option<usize>,
    /// Only facts that start before this byte offset.
    pub before_byte: Option<usize>,
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
    /// true: the tag belongs to an ESP named in config `esp:`; false: the registry knows the
    /// tag, but only from other dialects. Neither matches when `esp:` is not configured.
    pub configured_esp: Option<bool>,
    /// Regex over the whole URL (href/src/action) the tag sits in: who receives the value.
    pub url: Option<String>,
    /// Who receives the URL the tag sits in: `tracker`, `third-party`, `first-party` (the
    /// sender's `sender-domains:` or its ESP's click hosts), `own-mailbox`, `unknown`.
    pub receiver: Option<OneOrMany<String>>,
    pub after_byte: Option<usize>,
    pub before_byte: Option<usize>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct TextDef {
    pub regex: Option<String>,
    /// A named detector: `postal-address`, `placeholder-address`, `configured-address`.
    pub detector: Option<String>,
    /// Only visible text (default true).
    pub visible: Option<bool>,
    pub after_byte: Option<usize>,
    pub before_byte: Option<usize>,
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
    /// `credential` (any literal under a secret-like key, or a URL with a password),
    /// `placeholder-address`, `malformed-list-unsubscribe` (RFC 2369 / RFC 8058 syntax),
    /// `unused-in-template` (personal data the config's template never uses),
    /// `missing-template` (a template reference that cannot be read).
    pub detector: Option<String>,
    /// PII category of the key (or, for list items, of the value) from the lexicon.
    pub pii: Option<AnyOr<String>>,
    /// PII category of a merge tag inside the value (`subject: "Hi {{ first_name }}"`).
    pub tag_pii: Option<AnyOr<String>>,
    /// The value contains a merge tag of a sensitive category.
    pub tag_sensitive: Option<bool>,
    /// The value contains a merge tag with this registry role (`List-Unsubscribe: <%%profile_center_url%%>`).
    pub tag_role: Option<AnyOr<Role>>,
    /// The class of the template the config names: `marketing`, `transactional`, `unknown`
    /// (named but unreadable or undecided), `none` (no template named).
    pub template_class: Option<OneOrMany<String>>,
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
