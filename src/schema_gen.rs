//! How inboxlint's JSON Schemas (`schemas/`) are generated from the serde types of the files
//! users write: one set of settings, one text form, so the committed files compare byte for byte.

use schemars::transform::RecursiveTransform;
use schemars::{Schema, SchemaGenerator};
use serde_json::Value;

/// Where editors fetch a committed schema: the raw file at this version's release tag, so a
/// config written by one release is checked against that release's schema.
pub fn release_url(file: &str) -> String {
    format!(
        "https://raw.githubusercontent.com/inboxlint/inboxlint/v{}/schemas/{file}",
        env!("CARGO_PKG_VERSION")
    )
}

/// The settings both schemas are generated with: JSON Schema 2020-12, as the loaders read.
pub fn generator() -> SchemaGenerator {
    schemars::generate::SchemaSettings::draft2020_12()
        .for_deserialize()
        .with_transform(RecursiveTransform(unwrap_description))
        .into_generator()
}

/// Doc comments wrap at 100 columns; a description is one paragraph per blank line, so an
/// editor's hover reflows it.
fn unwrap_description(schema: &mut Schema) {
    if let Some(Value::String(text)) = schema.get_mut("description") {
        *text = text
            .split("\n\n")
            .map(|para| para.split('\n').map(str::trim).collect::<Vec<_>>().join(" "))
            .collect::<Vec<_>>()
            .join("\n\n");
    }
}

/// Two-space JSON with a final newline, as the committed schema files are written.
pub fn pretty(schema: &Schema) -> String {
    let mut text = serde_json::to_string_pretty(schema.as_value()).unwrap_or_default();
    text.push('\n');
    text
}
