//! The JSON Schema of rule files, from the serde types of [`super::schema`]. Where the loader
//! checks a string after serde (kinds, formats, profiles, detectors, receivers), the schema
//! lists the same names, so an editor rejects what `inboxlint test` would and nothing more.

use super::load::PROFILES;
use super::schema::{OneOrMany, RuleDef};
use crate::schema_gen;
use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde_json::{Value, json};
use std::borrow::Cow;

/// The rule file schema (JSON Schema 2020-12).
pub fn schema() -> Schema {
    schema_gen::generator().into_root_schema_for::<RuleDef>()
}

/// [`schema`] as the text of `schemas/rule.schema.json`.
pub fn json() -> String {
    schema_gen::pretty(&schema())
}

/// `{"oneOf": [{"const": name, "description": ...}]}`: a closed set of names, each explained
/// where an editor completes or hovers it.
fn choices(names: &[(&str, &str)]) -> Value {
    let one_of: Vec<Value> = names
        .iter()
        .map(|(name, what)| json!({"const": name, "description": what}))
        .collect();
    json!({ "oneOf": one_of })
}

/// What each profile stands for, in the order of [`PROFILES`].
const PROFILE_LAWS: [&str; 4] = [
    "United States: CAN-SPAM (the default)",
    "Canada: CASL",
    "European Union: GDPR and the ePrivacy Directive",
    "United Kingdom: PECR and UK GDPR",
];

/// One profile name, with the law it stands for (the config's `profiles:` too).
pub fn profile_item() -> Value {
    let names: Vec<(&str, &str)> = PROFILES.iter().copied().zip(PROFILE_LAWS).collect();
    choices(&names)
}

/// The kinds of file, as `FileKind::parse` reads them (the config's `kinds:` too).
pub const KINDS: [(&str, &str); 5] = [
    ("html", "An HTML email template."),
    ("mjml", "An MJML template."),
    ("text", "A plain-text template."),
    ("config", "A campaign or ESP config (YAML, JSON, TOML, .env, INI)."),
    ("schema", "A data schema (SQL, Prisma, JSON Schema)."),
];

pub fn kind_item() -> Value {
    choices(&KINDS)
}

/// The concrete formats `formats:` accepts.
pub const FORMATS: [&str; 10] = [
    "html", "mjml", "text", "yaml", "json", "toml", "env", "ini", "sql", "prisma",
];

pub const MESSAGE_CLASSES: [(&str, &str); 2] = [
    ("marketing", "Commercial mail: newsletters, offers, campaigns."),
    ("transactional", "Receipts, password resets, account notices."),
];

pub const TEXT_DETECTORS: [(&str, &str); 4] = [
    ("postal-address", "A postal address."),
    (
        "placeholder-address",
        "A placeholder address (`123 Main St`, `Your address here`).",
    ),
    ("configured-address", "The `address:` of the config."),
    (
        "title-claim",
        "A transaction or reply claim in the `<title>` of a marketing message.",
    ),
];

pub const VALUE_DETECTORS: [(&str, &str); 8] = [
    ("secret", "A known key format, or a high-entropy literal."),
    (
        "credential",
        "Any literal under a secret-like key, or a URL with a password.",
    ),
    ("placeholder-address", "A placeholder postal address."),
    (
        "malformed-list-unsubscribe",
        "A List-Unsubscribe value that breaks RFC 2369 / RFC 8058.",
    ),
    ("unused-in-template", "Personal data the config's template never uses."),
    ("missing-template", "A template reference that cannot be read."),
    ("subject-claim", "The value claims a transaction or a conversation."),
    (
        "reply-prefix",
        "The value starts with a reply or forward marker (`RE:`).",
    ),
];

pub const RECEIVERS: [(&str, &str); 5] = [
    ("tracker", "A tracking or analytics host."),
    ("third-party", "Any other party's host."),
    (
        "first-party",
        "The sender's `sender-domains:` or its ESP's click hosts.",
    ),
    (
        "own-mailbox",
        "A `mailto:` to the sender's own mailbox: no URL is fetched.",
    ),
    ("unknown", "A host that cannot be judged."),
];

pub const TEMPLATE_CLASSES: [(&str, &str); 4] = [
    ("marketing", "The named template is marketing mail."),
    ("transactional", "The named template is transactional mail."),
    ("unknown", "Named, but unreadable or of undecided class."),
    ("none", "The config names no template."),
];

/// `group/name`, as the loader requires: a `/` and no empty part.
pub fn rule_id(_: &mut SchemaGenerator) -> Schema {
    json_schema!({"type": "string", "pattern": "^[^/]+(?:/[^/]+)+$"})
}

pub fn kinds(_: &mut SchemaGenerator) -> Schema {
    json_schema!({"type": "array", "minItems": 1, "items": kind_item()})
}

pub fn formats(_: &mut SchemaGenerator) -> Schema {
    json_schema!({"type": "array", "items": {"enum": FORMATS}})
}

pub fn classes(_: &mut SchemaGenerator) -> Schema {
    json_schema!({"type": "array", "items": choices(&MESSAGE_CLASSES)})
}

pub fn profiles(_: &mut SchemaGenerator) -> Schema {
    json_schema!({"type": "array", "items": profile_item()})
}

/// An optional name from a closed set.
fn optional(item: Value) -> Schema {
    json_schema!({"anyOf": [item, {"type": "null"}]})
}

/// An optional name, or a list of names, from a closed set.
fn optional_one_or_many(item: Value) -> Schema {
    json_schema!({"anyOf": [item, {"type": "array", "items": item}, {"type": "null"}]})
}

pub fn text_detector(_: &mut SchemaGenerator) -> Schema {
    optional(choices(&TEXT_DETECTORS))
}

pub fn value_detector(_: &mut SchemaGenerator) -> Schema {
    optional(choices(&VALUE_DETECTORS))
}

pub fn receivers(_: &mut SchemaGenerator) -> Schema {
    optional_one_or_many(choices(&RECEIVERS))
}

pub fn template_classes(_: &mut SchemaGenerator) -> Schema {
    optional_one_or_many(choices(&TEMPLATE_CLASSES))
}

/// A rule has exactly one of `forbid` and `require` (a matcher is always a map).
pub fn finish_rule(schema: &mut Schema) {
    schema.insert(
        "oneOf".into(),
        json!([
            {"required": ["forbid"], "properties": {"forbid": {"type": "object"}}},
            {"required": ["require"], "properties": {"require": {"type": "object"}}},
        ]),
    );
}

/// A `text` matcher needs a `regex` or a `detector`.
pub fn finish_text(schema: &mut Schema) {
    if let Some(Value::Object(props)) = schema.get_mut("properties")
        && let Some(text) = props.get_mut("text")
    {
        let need = json!([
            {"required": ["regex"], "properties": {"regex": {"type": "string"}}},
            {"required": ["detector"], "properties": {"detector": {"type": "string"}}},
        ]);
        if let Some(obj) = text.as_object_mut() {
            obj.insert("anyOf".into(), need);
        }
    }
}

/// One value or a list of them: the two shapes cannot overlap (a value is never a list), so
/// `oneOf`. Inlined, so hover shows the values rather than a definition name.
impl<T: JsonSchema> JsonSchema for OneOrMany<T> {
    fn inline_schema() -> bool {
        true
    }

    fn schema_name() -> Cow<'static, str> {
        format!("OneOrMany_{}", T::schema_name()).into()
    }

    fn json_schema(generator: &mut SchemaGenerator) -> Schema {
        let item = generator.subschema_for::<T>();
        json_schema!({"oneOf": [item, {"type": "array", "items": item}]})
    }
}
