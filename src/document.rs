//! The Document: what every rule sees, whatever the file kind. Facts carry exact byte spans
//! into the original source (merge tags are masked for parsing, never for spans).

use crate::source::Span;
use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, PartialOrd, Ord)]
#[serde(rename_all = "lowercase")]
pub enum FileKind {
    Html,
    Mjml,
    Config,
    Schema,
    /// The plain-text part of an email (`welcome.txt`, `welcome.text.erb`, ...). Last, so the
    /// order of the older kinds (and everything sorted by it) stays as it was.
    Text,
}

impl FileKind {
    pub fn as_str(self) -> &'static str {
        match self {
            FileKind::Html => "html",
            FileKind::Mjml => "mjml",
            FileKind::Text => "text",
            FileKind::Config => "config",
            FileKind::Schema => "schema",
        }
    }
    /// A part of an email message (markup or text), as opposed to a config or schema.
    pub fn is_template(self) -> bool {
        !matches!(self, FileKind::Config | FileKind::Schema)
    }

    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "html" => FileKind::Html,
            "mjml" => FileKind::Mjml,
            "text" => FileKind::Text,
            "config" => FileKind::Config,
            "schema" => FileKind::Schema,
            _ => return None,
        })
    }
}

/// Where a composition directive leads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum IncludeStatus {
    /// To a file that exists.
    Found,
    /// To nothing: no candidate path exists.
    Missing,
    /// Back to a file already being composed.
    Cycle,
    /// Outside what inboxlint can read (a vendor component, a computed name).
    External,
}

/// A composition directive of a file, at its exact bytes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Include {
    pub span: Span,
    /// The name as written (`footer`, `emails/base.html`).
    pub name: String,
    pub status: IncludeStatus,
    /// For a missing target, the paths tried; for a cycle, the chain of files.
    pub detail: String,
}

/// The concrete syntax a file is parsed with; decides comment syntax for suppressions too.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum SourceFormat {
    Html,
    Mjml,
    /// Plain text with merge tags: lines, bare URLs.
    Text,
    Yaml,
    Json,
    Toml,
    Env,
    Ini,
    Sql,
    Prisma,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum MessageClass {
    Marketing,
    Transactional,
    /// The evidence is weak either way: the user should declare the class.
    Unknown,
}

impl MessageClass {
    pub fn as_str(self) -> &'static str {
        match self {
            MessageClass::Marketing => "marketing",
            MessageClass::Transactional => "transactional",
            MessageClass::Unknown => "unknown",
        }
    }
}

/// Where a document's class came from, so `explain` and json can say why a rule did not run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "source", rename_all = "kebab-case")]
pub enum ClassSource {
    /// A `classes:` (or `transactional:`) glob in the config matched the path.
    Config { glob: String },
    /// An in-file `inboxlint: transactional|marketing` comment.
    Marker { span: (usize, usize) },
    /// Decided from the evidence in the message, its path and its ESP context.
    Inferred { reason: String },
    /// Nothing said otherwise: marketing is the fail-safe default.
    Default,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ClassInfo {
    pub class: MessageClass,
    #[serde(flatten)]
    pub source: ClassSource,
}

impl Default for ClassInfo {
    fn default() -> Self {
        ClassInfo {
            class: MessageClass::Marketing,
            source: ClassSource::Default,
        }
    }
}

/// What a merge tag is for, from the dialect registry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, serde::Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Role {
    /// Unsubscribes the recipient.
    Unsubscribe,
    /// Opens a preference centre.
    Preferences,
    /// The sender's street or PO box line (or a whole address block).
    Address,
    /// Only a city, state, postcode or country of the sender: not a postal address on its own.
    Locality,
    /// The sender's name or identity.
    Sender,
    /// A link to the message as a web page.
    WebView,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Unsubscribe => "unsubscribe",
            Role::Preferences => "preferences",
            Role::Address => "address",
            Role::Locality => "locality",
            Role::Sender => "sender",
            Role::WebView => "web-view",
        }
    }
}

/// Whether a tag prints a value, controls flow, or is a template comment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, serde::Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum TagKind {
    /// Prints a value.
    Output,
    /// Controls flow (`{% if %}`, `{{#each}}`).
    Block,
    /// A template comment.
    Comment,
}

/// Where in the markup a merge tag sits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, serde::Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum TagContext {
    /// Inside an href/src/action/background URL.
    Url,
    /// Inside another attribute value, or between attributes of a start tag.
    Attribute,
    /// Element content a recipient reads.
    Text,
    /// Inside `<style>` or a style attribute.
    Style,
    /// Inside an HTML comment: never rendered to the recipient as content.
    Comment,
    /// Configs and schemas: no markup context.
    Value,
}

impl TagContext {
    pub fn as_str(self) -> &'static str {
        match self {
            TagContext::Url => "url",
            TagContext::Attribute => "attribute",
            TagContext::Text => "text",
            TagContext::Style => "style",
            TagContext::Comment => "comment",
            TagContext::Value => "value",
        }
    }
}

/// What a link-emitting token produces: a bare URL (goes in href) or a whole anchor (must not).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, serde::Deserialize, schemars::JsonSchema, Default)]
#[serde(rename_all = "lowercase")]
pub enum Emits {
    /// A bare URL, for an `href`.
    #[default]
    Url,
    /// A whole `<a>` element.
    Anchor,
    /// Text.
    Text,
}

#[derive(Debug, Clone, Serialize)]
pub struct MergeTag {
    pub span: Span,
    /// The syntax family that matched (`liquid`, `handlebars`, `mailchimp`, ...).
    pub syntax: &'static str,
    /// Dialects whose registry names this tag (empty for plain variables).
    pub dialects: Vec<&'static str>,
    /// Normalised name: first identifier of the tag body, lower-cased (`customer.email`).
    pub name: String,
    pub kind: TagKind,
    pub role: Option<Role>,
    pub emits: Option<Emits>,
    /// PII category from the lexicon (`email`, `name`, `government-id`, ...).
    pub pii: Option<String>,
    /// Sensitive categories are a subset of PII that a message should rarely render.
    pub sensitive: bool,
    pub context: TagContext,
    /// False inside hidden elements (display:none, aria-hidden, ...).
    pub visible: bool,
    /// The role holds only where one of `dialects` is a configured ESP (Kit's `{{ address }}`).
    pub role_needs_esp: bool,
    /// The registry entry giving the role was checked against the vendor's docs.
    pub verified: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct Attribute {
    pub name: String,
    pub value: String,
    pub name_span: Span,
    pub value_span: Option<Span>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Element {
    pub name: String,
    /// The start tag.
    pub span: Span,
    pub attrs: Vec<Attribute>,
    pub visible: bool,
    /// Index of the parent element in `Document::elements`.
    pub parent: Option<usize>,
}

impl Element {
    pub fn attr(&self, name: &str) -> Option<&Attribute> {
        self.attrs.iter().find(|a| a.name.eq_ignore_ascii_case(name))
    }
}

/// What a link is for, decided from its tags' roles or its text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, serde::Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Purpose {
    /// Unsubscribes the recipient.
    Unsubscribe,
    /// Opens a preference centre.
    Preferences,
    /// Shows the message as a web page.
    WebView,
}

#[derive(Debug, Clone, Serialize)]
pub struct Link {
    /// Element name (`a`, `img`, `form`, `mj-button`, `v:roundrect`, ...).
    pub element: String,
    /// Attribute holding the URL (`href`, `src`, `action`, `background`).
    pub attr: String,
    /// Raw URL as written, merge tags included.
    pub href: String,
    pub href_span: Span,
    /// The start tag.
    pub span: Span,
    /// Visible text of the link (merge tags kept as written); alt/title for images.
    pub text: String,
    pub visible: bool,
    pub purpose: Option<Purpose>,
    /// Index of the element in `Document::elements`.
    pub element_index: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct TextRun {
    pub text: String,
    pub span: Span,
    pub visible: bool,
}

/// A typed config value.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "type", content = "value", rename_all = "lowercase")]
pub enum Value {
    Null,
    Bool(bool),
    Number(String),
    String(String),
    /// A mapping or sequence; settings are also emitted for its children.
    Composite,
}

impl Value {
    pub fn as_text(&self) -> Option<&str> {
        match self {
            Value::String(s) | Value::Number(s) => Some(s),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Setting {
    /// Dotted key path, lower-cased as written (`database.ssl_mode`, `servers[*].host`).
    pub path: String,
    /// The last key of the path as written.
    pub key: String,
    pub value: Value,
    pub key_span: Span,
    pub value_span: Span,
    /// True when the value comes from the environment or a template (`${VAR}`, `env(X)`, `{{ x }}`).
    pub indirect: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct Field {
    /// Table, model or JSON Schema object path.
    pub table: String,
    pub name: String,
    /// Declared type as written (`varchar(255)`, `string`), lower-cased.
    pub ty: String,
    /// Constraints, comments, annotations, `format`, `x-*` keywords: where encryption markers live.
    pub annotations: String,
    pub span: Span,
    pub name_span: Span,
}

/// A source comment, kept for suppressions and class markers.
#[derive(Debug, Clone, Serialize)]
pub struct Comment {
    /// The comment's inner text.
    pub text: String,
    pub span: Span,
}

/// A problem found while reading or parsing; becomes an `input/...` or `syntax/...` finding.
#[derive(Debug, Clone, Serialize)]
pub struct Problem {
    pub rule: &'static str,
    pub message: String,
    pub span: Span,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct Meta {
    pub class: ClassInfo,
    pub profiles: Vec<String>,
    pub dialects: Vec<&'static str>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Document {
    pub kind: FileKind,
    pub format: SourceFormat,
    /// The file's composition directives (`{{> footer}}`, `{% extends %}`, `<mj-include>`...)
    /// and where each leads; filled by the linter from the run's include graph.
    pub includes: Vec<Include>,
    pub links: Vec<Link>,
    pub elements: Vec<Element>,
    pub text: Vec<TextRun>,
    pub merge_tags: Vec<MergeTag>,
    pub settings: Vec<Setting>,
    pub fields: Vec<Field>,
    pub comments: Vec<Comment>,
    pub problems: Vec<Problem>,
    pub meta: Meta,
    /// Where a `require` finding is anchored: the `</body>` (or `</mjml>`) tag, else the end.
    pub anchor: Span,
    pub len: usize,
}

impl Document {
    pub fn new(kind: FileKind, format: SourceFormat, len: usize) -> Self {
        Document {
            kind,
            format,
            includes: Vec::new(),
            links: Vec::new(),
            elements: Vec::new(),
            text: Vec::new(),
            merge_tags: Vec::new(),
            settings: Vec::new(),
            fields: Vec::new(),
            comments: Vec::new(),
            problems: Vec::new(),
            meta: Meta::default(),
            anchor: Span::empty(len),
            len,
        }
    }
}

impl Document {
    /// Every span the facts carry: the fuzz targets and property tests check each lies inside
    /// the text and on char boundaries, since a renderer slicing off one would panic.
    pub fn all_spans(&self) -> Vec<Span> {
        let mut out = vec![self.anchor];
        for l in &self.links {
            out.extend([l.span, l.href_span]);
        }
        for e in &self.elements {
            out.push(e.span);
            for a in &e.attrs {
                out.push(a.name_span);
                out.extend(a.value_span);
            }
        }
        out.extend(self.text.iter().map(|t| t.span));
        out.extend(self.merge_tags.iter().map(|t| t.span));
        for s in &self.settings {
            out.extend([s.key_span, s.value_span]);
        }
        for f in &self.fields {
            out.extend([f.span, f.name_span]);
        }
        out.extend(self.comments.iter().map(|c| c.span));
        out.extend(self.problems.iter().map(|p| p.span));
        out
    }

    /// The first span that is not a valid slice of `text`, if any.
    pub fn bad_span(&self, text: &str) -> Option<Span> {
        self.all_spans()
            .into_iter()
            .find(|s| s.start > s.end || text.get(s.range()).is_none())
    }
}
