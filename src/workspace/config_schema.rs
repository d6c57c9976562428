//! The JSON Schema of `.inboxlint.yaml`, from the serde types of [`super::config`]. Where the
//! loader checks a string after serde (profiles, ESP names, kinds, sizes, domains), the schema
//! says the same, so an editor flags what `inboxlint check` would reject and nothing it accepts.

use super::config::{ConfigFile, Size};
use crate::knowledge::Knowledge;
use crate::rules::rule_schema::{kind_item, profile_item};
use crate::schema_gen;
use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde_json::json;
use std::borrow::Cow;

/// The committed file of this schema, under `schemas/`.
pub const FILE: &str = "inboxlint.schema.json";

/// The `yaml-language-server` modeline `init` writes first: it maps the config to the schema
/// committed at this version's release tag.
pub fn modeline() -> String {
    format!("# yaml-language-server: $schema={}", schema_gen::release_url(FILE))
}

/// The `.inboxlint.yaml` schema (JSON Schema 2020-12).
pub fn schema() -> Schema {
    schema_gen::generator().into_root_schema_for::<ConfigFile>()
}

/// [`schema`] as the text of `schemas/inboxlint.schema.json`.
pub fn json() -> String {
    schema_gen::pretty(&schema())
}

/// `profiles:`: the loader rejects any other name.
pub fn profiles(_: &mut SchemaGenerator) -> Schema {
    json_schema!({
        "type": ["array", "null"],
        "items": profile_item(),
    })
}

/// The built-in dialect ids and names, `rules/esp/*.yaml`.
fn builtin_esps() -> Vec<(&'static str, String)> {
    Knowledge::builtin()
        .map(|k| k.registry.dialects.iter().map(|d| (d.id, d.name.clone())).collect())
        .unwrap_or_default()
}

/// `esp:`: any built-in dialect id; names from `rule-dirs` are allowed where the file (or one it
/// extends) has rule directories, which [`finish`] expresses.
pub fn esp(_: &mut SchemaGenerator) -> Schema {
    let ids: Vec<&str> = builtin_esps().into_iter().map(|(id, _)| id).collect();
    json_schema!({
        "type": ["array", "null"],
        "items": {
            "type": "string",
            "examples": ids,
        },
    })
}

/// A regex matching exactly these names, ignoring ASCII case (JSON Schema patterns have no
/// flags, and the loader lower-cases `esp:` before looking a dialect up).
fn case_insensitive_alternation(names: &[&str]) -> String {
    let alternatives: Vec<String> = names
        .iter()
        .map(|name| {
            name.chars()
                .map(|c| {
                    if c.is_ascii_alphabetic() {
                        format!("[{}{}]", c.to_ascii_lowercase(), c.to_ascii_uppercase())
                    } else if c.is_ascii_digit() || c == '-' || c == '_' {
                        // Literal: `\-` outside a class is an error in ECMA-262 `u` mode.
                        c.to_string()
                    } else {
                        regex::escape(&c.to_string())
                    }
                })
                .collect()
        })
        .collect();
    format!("^(?:{})$", alternatives.join("|"))
}

/// `kinds:` values, as `FileKind::parse` reads them.
pub fn kinds(_: &mut SchemaGenerator) -> Schema {
    json_schema!({"type": "object", "additionalProperties": kind_item()})
}

/// A bare domain name as `sender-domains:` accepts it: two or more labels of letters, digits and
/// inner hyphens, each at most 63 long, final dots, surrounding blanks ignored.
const DOMAIN_PATTERN: &str =
    r"^\s*(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.*\s*$";

pub fn sender_domains(_: &mut SchemaGenerator) -> Schema {
    json_schema!({
        "type": ["array", "null"],
        "items": {
            "type": "string",
            "pattern": DOMAIN_PATTERN,
        },
    })
}

/// What `parse_size_text` accepts: a whole number of bytes, or one with a KiB/MiB/GiB unit.
const SIZE_PATTERN: &str = r"^\s*\+?[0-9]+\s*(?:[kKmMgG][iI]?[bB])?\s*$";

impl JsonSchema for Size {
    fn schema_name() -> Cow<'static, str> {
        "Size".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "oneOf": [
                {"type": "integer", "minimum": 0, "description": "A number of bytes."},
                {
                    "type": "string",
                    "pattern": SIZE_PATTERN,
                    "description": "Bytes with an optional unit: `512 KiB`, `10MiB`, `1gb` (KB, MB, GB are binary units too).",
                },
            ],
        })
    }
}

/// Whole-file conditions: an `esp:` name must be a built-in dialect unless the file names rule
/// directories or extends a file that may.
pub fn finish(schema: &mut Schema) {
    let ids: Vec<&str> = builtin_esps().into_iter().map(|(id, _)| id).collect();
    schema.insert(
        "if".into(),
        json!({"not": {"anyOf": [{"required": ["rule-dirs"]}, {"required": ["extends"]}]}}),
    );
    schema.insert(
        "then".into(),
        json!({"properties": {"esp": {"items": {"pattern": case_insensitive_alternation(&ids)}}}}),
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_esp_pattern_ignores_case_and_nothing_else() {
        let re = regex::Regex::new(&case_insensitive_alternation(&["mailchimp", "sfmc"])).expect("regex");
        assert!(re.is_match("MailChimp") && re.is_match("sfmc"));
        assert!(!re.is_match("mailchimp2") && !re.is_match("xsfmc") && !re.is_match(""));
    }

    #[test]
    fn the_size_pattern_agrees_with_the_parser() {
        let re = regex::Regex::new(SIZE_PATTERN).expect("regex");
        for text in [
            "10MiB", "512 KiB", "1gb", " 42 ", "+7kb", "3MB", "10 mib", "x", "10 MiBs", "1.5MiB", "", "-1", "5 tb",
        ] {
            assert_eq!(
                re.is_match(text),
                super::super::config::parse_size_text(text).is_some(),
                "{text:?}"
            );
        }
    }

    #[test]
    fn the_domain_pattern_agrees_with_the_loader() {
        let re = regex::Regex::new(DOMAIN_PATTERN).expect("regex");
        let long = format!("{}.example", "a".repeat(64));
        for text in [
            "acme.example",
            "Mail.Acme.co.uk.",
            " acme.example ",
            "a.b..",
            "acme",
            "-a.example",
            "a-.example",
            "a_b.example",
            "https://acme.example",
            "news@acme.example",
            "acme.example:8080",
            "acme.example/x",
            &long,
            "xn--bcher-kva.example",
            ".acme.example",
            "acme..example",
        ] {
            assert_eq!(
                re.is_match(text),
                super::super::config::sender_domain(text).is_some(),
                "{text:?}"
            );
        }
    }
}
