//! The rule file format (DESIGN.md §4): what users write. Unknown fields are errors.

use super::rule_schema;
use crate::document::{Emits, Purpose, Role, TagContext, TagKind};
use schemars::JsonSchema;
use serde::Deserialize;
use std::collections::BTreeMap;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum SeverityDef {
    /// A breach: `check` fails.
    Error,
    /// Likely wrong, or a risk.
    Warning,
    /// Worth knowing.
    Info,
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
#[schemars(
    title = "inboxlint rule",
    description = "One rule: what it judges, when it applies, the finding it reports, and examples that `inboxlint test` checks. Exactly one of `forbid` and `require`.",
    transform = rule_schema::finish_rule
)]
pub struct RuleDef {
    /// `group/name`, e.g. `canspam/unsubscribe-missing`; a built-in rule's group is its directory.
    #[schemars(schema_with = "rule_schema::rule_id")]
    pub id: String,
    /// One line: what is wrong.
    pub title: String,
    /// The level of its findings (the config can change it per project and per file).
    pub severity: SeverityDef,
    /// The kinds of file it judges (at least one).
    #[schemars(schema_with = "rule_schema::kinds")]
    pub kinds: Vec<String>,
    /// Only files of these concrete formats (default: every format of its kinds).
    #[serde(default)]
    #[schemars(schema_with = "rule_schema::formats")]
    pub formats: Vec<String>,
    /// When the rule applies: message classes, profiles, a precondition.
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
    /// Every match is a finding.
    #[serde(default)]
    pub forbid: Option<MatcherDef>,
    /// No match in the document is one finding (at `when.matches`' first match, else the end
    /// of the document).
    #[serde(default)]
    pub require: Option<MatcherDef>,
    /// The finding's message (`{name}` interpolates a capture).
    pub message: String,
    /// How to fix it, in a sentence or two.
    pub help: String,
    /// Longer explanation for `inboxlint explain` and docs/rules.md.
    #[serde(default)]
    pub docs: Option<String>,
    /// References: the law's section, the vendor's page.
    #[serde(default)]
    pub refs: Vec<String>,
    /// An automatic fix of the matched span.
    #[serde(default)]
    pub fix: Option<FixDef>,
    /// The footer part this rule requires (`unsubscribe` or `address`): where a configured ESP
    /// adds that part itself or refuses to send without it, the finding is information.
    #[serde(default)]
    pub footer: Option<crate::document::Role>,
    /// Snippets the rule must flag (`invalid`) and must not flag (`valid`).
    pub examples: ExamplesDef,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum ScopeDef {
    /// Each entry template, over the message it composes (partials and layout included).
    Message,
    /// Each file's own bytes.
    File,
}

#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct WhenDef {
    /// Only messages of these classes.
    #[serde(default)]
    #[schemars(schema_with = "rule_schema::classes")]
    pub class: Vec<String>,
    /// Only when one of these profiles is active.
    #[serde(default)]
    #[schemars(schema_with = "rule_schema::profiles")]
    pub profiles: Vec<String>,
    /// The rule applies only where this matches; `require` findings anchor at its first match.
    #[serde(default)]
    pub matches: Option<MatcherDef>,
}

/// How a finding can be fixed: exactly one of `replace`, `rewrite`, `esp-tag` or
/// `set-setting`, with whether the fix is safe to apply unasked.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
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

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RewriteDef {
    /// A regex over the matched text.
    pub find: String,
    /// What its first match becomes (`$1`, `${name}` expand).
    pub replace: String,
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SetSettingDef {
    /// The key, as the file should show it (`List-Unsubscribe-Post`).
    pub key: String,
    /// Its value.
    pub value: String,
}

/// `code` (a file named `filename`, else a snippet of the rule's first kind) becomes `fixed`.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FixExampleDef {
    /// The file the code stands for (its kind and syntax); default: the rule's first kind.
    #[serde(default)]
    pub filename: Option<String>,
    /// The text before fixing.
    pub code: String,
    /// The text after every fix of the rule is applied.
    pub fixed: String,
    /// The project's configured ESPs (`esp:`) for this example.
    #[serde(default)]
    pub esp: Vec<String>,
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ExamplesDef {
    /// Each must produce at least one finding of this rule.
    pub invalid: Vec<ExampleDef>,
    /// Each must produce none.
    pub valid: Vec<ExampleDef>,
}

/// A bare string is a snippet of the rule's first kind; a map names the file it stands for.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum ExampleDef {
    /// A snippet of the rule's first kind.
    Code(String),
    File(ExampleFile),
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ExampleFile {
    /// The file the example stands for; its extension decides kind and format.
    pub filename: String,
    /// The file's text.
    pub code: String,
    /// Override the message class (`transactional`) or profiles for this example.
    #[serde(default)]
    pub class: Option<String>,
    /// The profiles active for this example.
    #[serde(default)]
    #[schemars(schema_with = "rule_schema::profiles")]
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

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub enum MatcherDef {
    /// Every matcher matches: the first one's matches that the others also match.
    All(Vec<MatcherDef>),
    /// Any of the matchers matches.
    Any(Vec<MatcherDef>),
    /// The inner matcher does not match anywhere: one document-level match.
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
    /// A link (`href`, `src`, `action`...) of a template.
    Link(LinkDef),
    /// A merge tag (`{{ unsubscribe_url }}`, `*|UNSUB|*`).
    MergeTag(MergeTagDef),
    /// Text of a template, by regex or named detector.
    #[schemars(transform = rule_schema::finish_text)]
    Text(TextDef),
    /// A setting of a config file, by dotted path, key and value.
    Setting(SettingDef),
    /// A field of a data schema (SQL, Prisma, JSON Schema).
    Field(FieldDef),
    /// An element of a template, by CSS selector.
    Element(ElementDef),
    /// A composition directive (`{% include %}`, `{{> partial}}`), by where it leads.
    Include(IncludeDef),
}

/// A composition directive of the file by where it leads.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct IncludeDef {
    /// Where the directive leads.
    pub status: OneOrMany<crate::document::IncludeStatus>,
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct WithMessageDef {
    /// The message for these findings.
    pub message: String,
    /// The matcher whose matches get it.
    pub matcher: Box<MatcherDef>,
}

#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct LinkDef {
    /// What the link is for, from its tags' roles or its text.
    pub purpose: Option<OneOrMany<Purpose>>,
    /// The link is (true) or is not (false) visible to the recipient.
    pub visible: Option<bool>,
    /// The URL goes nowhere: empty, `#`, `javascript:`, `about:blank`.
    pub placeholder: Option<bool>,
    /// URL schemes (`http`, `mailto`), case-insensitive; `$name` stands for a named list.
    pub scheme: Option<OneOrMany<String>>,
    /// Regex over the URL as written (case-insensitive).
    pub href: Option<String>,
    /// Regex over the link's visible text (case-insensitive).
    pub text: Option<String>,
    /// Element names (`a`, `img`, `mj-button`).
    pub element: Option<OneOrMany<String>>,
    /// Attribute names holding the URL (`href`, `src`, `action`).
    pub attr: Option<OneOrMany<String>>,
    /// Only facts that start at or after this byte offset of the file.
    pub after_byte: Option<usize>,
    /// Only facts that start before this byte offset.
    pub before_byte: Option<usize>,
}

/// `any` (there is a value), `none` (there is none), or one value or a list of them.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(untagged)]
#[schemars(rename = "AnyOr{T}")]
pub enum AnyOr<T> {
    Keyword(AnyKeyword),
    Values(OneOrMany<T>),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum AnyKeyword {
    /// Any value, but there is one.
    Any,
    /// There is no value.
    None,
}

#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct MergeTagDef {
    /// The tag's role in the ESP registry (`unsubscribe`, `address`...).
    pub role: Option<AnyOr<Role>>,
    /// The PII category of the tag's name, from the lexicon (`email`, `name`...).
    pub pii: Option<AnyOr<String>>,
    /// The tag's PII category is a sensitive one.
    pub sensitive: Option<bool>,
    /// Regex over the tag's normalised name (case-insensitive).
    pub name: Option<String>,
    /// Dialects (ESP ids) whose registry names the tag.
    pub dialect: Option<OneOrMany<String>>,
    /// Syntax families (`liquid`, `handlebars`, `mailchimp`).
    pub syntax: Option<OneOrMany<String>>,
    /// Where in the markup the tag sits.
    pub context: Option<OneOrMany<TagContext>>,
    /// What a link-emitting tag produces.
    pub emits: Option<OneOrMany<Emits>>,
    /// Whether the tag prints, controls flow or is a comment.
    pub kind: Option<OneOrMany<TagKind>>,
    /// The tag is (true) or is not (false) visible to the recipient.
    pub visible: Option<bool>,
    /// true: the tag belongs to an ESP named in config `esp:`; false: the registry knows the
    /// tag, but only from other dialects. Neither matches when `esp:` is not configured.
    pub configured_esp: Option<bool>,
    /// Regex over the whole URL (href/src/action) the tag sits in: who receives the value.
    pub url: Option<String>,
    /// Who receives the URL the tag sits in: `tracker`, `third-party`, `first-party` (the
    /// sender's `sender-domains:` or its ESP's click hosts), `own-mailbox`, `unknown`.
    #[serde(default)]
    #[schemars(schema_with = "rule_schema::receivers")]
    pub receiver: Option<OneOrMany<String>>,
    /// Only tags that start at or after this byte offset.
    pub after_byte: Option<usize>,
    /// Only tags that start before this byte offset.
    pub before_byte: Option<usize>,
}

#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct TextDef {
    /// Regex over the text (case-insensitive).
    pub regex: Option<String>,
    /// A named detector: `postal-address`, `placeholder-address`, `configured-address`, `title-claim`.
    #[serde(default)]
    #[schemars(schema_with = "rule_schema::text_detector")]
    pub detector: Option<String>,
    /// Only visible text (default true).
    pub visible: Option<bool>,
    /// Only text that starts at or after this byte offset.
    pub after_byte: Option<usize>,
    /// Only text that starts before this byte offset.
    pub before_byte: Option<usize>,
}

#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct SettingDef {
    /// Glob over the dotted path: `*` is one key, `**` any number (`**.ssl_mode`).
    pub path: Option<OneOrMany<String>>,
    /// Regex over the last key (case-insensitive).
    pub key: Option<String>,
    /// The value is exactly this.
    pub equals: Option<String>,
    /// Case-insensitive set of values.
    #[serde(rename = "in")]
    pub one_of: Option<Vec<String>>,
    /// Regex over the value (case-sensitive).
    pub regex: Option<String>,
    /// The value is this boolean.
    pub bool: Option<bool>,
    /// The value is a URL with one of these schemes.
    pub scheme: Option<OneOrMany<String>>,
    /// The value is written in the file, not `${VAR}` or a template.
    pub literal: Option<bool>,
    /// The value is a URL whose host is this machine or a single-label (container) name.
    pub local: Option<bool>,
    /// The value's type: `string`, `bool`, `number`, `null`, `composite` (a list or map).
    #[serde(rename = "type")]
    pub ty: Option<OneOrMany<String>>,
    /// A named detector over the value: `secret` (known key format or high entropy),
    /// `credential` (any literal under a secret-like key, or a URL with a password),
    /// `placeholder-address`, `malformed-list-unsubscribe` (RFC 2369 / RFC 8058 syntax),
    /// `unused-in-template` (personal data the config's template never uses),
    /// `missing-template` (a template reference that cannot be read), `subject-claim`,
    /// `reply-prefix`.
    #[serde(default)]
    #[schemars(schema_with = "rule_schema::value_detector")]
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
    #[serde(default)]
    #[schemars(schema_with = "rule_schema::template_classes")]
    pub template_class: Option<OneOrMany<String>>,
}

#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct FieldDef {
    /// Regex over the field's name (case-insensitive).
    pub name: Option<String>,
    /// The PII category of the field's name, from the lexicon.
    pub pii: Option<AnyOr<String>>,
    /// The field's PII category is a sensitive one.
    pub sensitive: Option<bool>,
    /// Regex over the field's declared type (case-insensitive).
    #[serde(rename = "type")]
    pub ty: Option<String>,
    /// Whether an encryption marker is present in the type or annotations.
    pub encrypted: Option<bool>,
    /// Regex over the table (or model, or schema) name (case-insensitive).
    pub table: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct ElementDef {
    /// Compound selector: `a`, `img[alt]`, `a.button`, `td[style*="display:none"]`, `*` (a list with `,`).
    pub selector: String,
    /// The element is (true) or is not (false) visible to the recipient.
    pub visible: Option<bool>,
}
