//! JSON Schema and OpenAPI documents as schema fields, so the same `field` rules that read SQL
//! columns read API and form schemas.

use super::json::{JsonNode, JsonValue};
use crate::document::Field;

/// True when a parsed JSON document looks like a JSON Schema / OpenAPI doc (has "$schema", or top-level "properties"/"definitions"/"components.schemas"/"$defs").
pub fn looks_like_schema(root: &JsonNode) -> bool {
    if !matches!(root.value, JsonValue::Object(_)) {
        return false;
    }
    ["$schema", "properties", "definitions", "$defs"]
        .iter()
        .any(|k| root.get(k).is_some())
        || root.get("components").and_then(|c| c.get("schemas")).is_some()
}

/// One Field per property under any `properties` object (recursing through definitions, $defs, components.schemas, items, allOf/anyOf/oneOf): table = the dotted path of the owning object (e.g. `components.schemas.Contact`), name = property key, ty = its "type" (or "$ref" target, or ""), annotations = the lower-cased "format", "description", "contentEncoding", and every key starting with `x-` with its value (`x-encrypted: true`), joined by spaces; span = the property's value node span, name_span = the key span.
///
/// OpenAPI documents also hold schemas inline (request bodies, responses, parameters), so any
/// object that looks like a schema is read as one, wherever it sits. Example payloads
/// (`example`, `examples`, `default`, `enum`, `const`) are data, not schemas, and are skipped.
pub fn fields(root: &JsonNode) -> Vec<Field> {
    let mut out = Vec::new();
    any(root, "", &mut out);
    out
}

/// Keywords whose values are instance data that may look like schemas.
const DATA_KEYWORDS: [&str; 5] = ["example", "examples", "default", "enum", "const"];

fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_string()
    } else {
        format!("{path}.{key}")
    }
}

fn is_schema(node: &JsonNode) -> bool {
    node.get("properties")
        .is_some_and(|p| matches!(p.value, JsonValue::Object(_)))
        || [
            "items",
            "allOf",
            "anyOf",
            "oneOf",
            "$defs",
            "definitions",
            "additionalProperties",
        ]
        .iter()
        .any(|k| node.get(k).is_some())
        || node.get("type").is_some_and(|t| match &t.value {
            JsonValue::String(_) => true,
            JsonValue::Array(items) => items.iter().all(|i| i.as_str().is_some()),
            _ => false,
        })
}

/// Anywhere that is not known to be a schema: find the schemas inside.
fn any(node: &JsonNode, path: &str, out: &mut Vec<Field>) {
    match &node.value {
        JsonValue::Object(members) => {
            if is_schema(node) {
                schema(node, path, out);
                return;
            }
            for (k, v) in members {
                if !DATA_KEYWORDS.contains(&k.name.as_str()) {
                    any(v, &join(path, &k.name), out);
                }
            }
        }
        JsonValue::Array(items) => {
            for item in items {
                any(item, path, out);
            }
        }
        _ => {}
    }
}

fn schema(node: &JsonNode, path: &str, out: &mut Vec<Field>) {
    for (k, v) in node.members() {
        match k.name.as_str() {
            "properties" | "patternProperties" => {
                let map_path = join(path, &k.name);
                for (name, prop) in v.members() {
                    if k.name == "properties" {
                        out.push(Field {
                            table: path.to_string(),
                            name: name.name.clone(),
                            ty: type_of(prop),
                            annotations: annotations(prop),
                            span: prop.span,
                            name_span: name.span,
                        });
                    }
                    sub(prop, &join(&map_path, &name.name), out);
                }
            }
            "definitions" | "$defs" | "dependentSchemas" => {
                let map_path = join(path, &k.name);
                for (name, def) in v.members() {
                    sub(def, &join(&map_path, &name.name), out);
                }
            }
            // Combined schemas describe the same object: their properties belong to its table.
            "allOf" | "anyOf" | "oneOf" | "prefixItems" => {
                if let JsonValue::Array(items) = &v.value {
                    for item in items {
                        sub(item, path, out);
                    }
                }
            }
            "items"
            | "additionalProperties"
            | "additionalItems"
            | "contains"
            | "not"
            | "if"
            | "then"
            | "else"
            | "propertyNames"
            | "unevaluatedProperties"
            | "unevaluatedItems" => match &v.value {
                JsonValue::Array(items) => {
                    for item in items {
                        sub(item, &join(path, &k.name), out);
                    }
                }
                _ => sub(v, &join(path, &k.name), out),
            },
            name if DATA_KEYWORDS.contains(&name) => {}
            // Vendor keywords and OpenAPI wrappers around a schema (rare, but real) still
            // hide schemas: read them as unknown territory.
            _ if matches!(v.value, JsonValue::Object(_) | JsonValue::Array(_)) => any(v, &join(path, &k.name), out),
            _ => {}
        }
    }
}

fn sub(node: &JsonNode, path: &str, out: &mut Vec<Field>) {
    if matches!(node.value, JsonValue::Object(_)) {
        schema(node, path, out);
    }
}

fn type_of(prop: &JsonNode) -> String {
    if let Some(t) = prop.get("type") {
        match &t.value {
            JsonValue::String(s) => return s.to_lowercase(),
            JsonValue::Array(items) => {
                let names: Vec<String> = items.iter().filter_map(|i| i.as_str()).map(str::to_lowercase).collect();
                return names.join("|");
            }
            _ => {}
        }
    }
    if let Some(r) = prop.get("$ref").and_then(JsonNode::as_str) {
        return r.to_lowercase();
    }
    // `allOf: [{$ref}]` is how OpenAPI 3.0 attaches a description to a reference.
    for combinator in ["allOf", "oneOf", "anyOf"] {
        if let Some(JsonValue::Array(items)) = prop.get(combinator).map(|c| &c.value) {
            for item in items {
                let t = type_of_shallow(item);
                if !t.is_empty() {
                    return t;
                }
            }
        }
    }
    String::new()
}

fn type_of_shallow(node: &JsonNode) -> String {
    node.get("type")
        .and_then(JsonNode::as_str)
        .or_else(|| node.get("$ref").and_then(JsonNode::as_str))
        .map(str::to_lowercase)
        .unwrap_or_default()
}

fn annotations(prop: &JsonNode) -> String {
    let mut parts: Vec<String> = Vec::new();
    for (k, v) in prop.members() {
        let name = k.name.as_str();
        if matches!(name, "format" | "description" | "contentEncoding") {
            parts.push(render(v));
        } else if name.len() > 2 && name.as_bytes()[..2].eq_ignore_ascii_case(b"x-") {
            parts.push(format!("{}: {}", name, render(v)));
        }
    }
    parts.retain(|p| !p.is_empty());
    parts.join(" ").to_lowercase()
}

/// Compact text of a value; long composites are cut, they only feed keyword matching.
fn render(node: &JsonNode) -> String {
    const LIMIT: usize = 512;
    let mut s = String::new();
    render_into(node, &mut s, LIMIT);
    if s.len() > LIMIT {
        let mut cut = LIMIT;
        while !s.is_char_boundary(cut) {
            cut -= 1;
        }
        s.truncate(cut);
    }
    s
}

fn render_into(node: &JsonNode, s: &mut String, limit: usize) {
    if s.len() > limit {
        return;
    }
    match &node.value {
        JsonValue::Null => s.push_str("null"),
        JsonValue::Bool(b) => s.push_str(if *b { "true" } else { "false" }),
        JsonValue::Number(n) | JsonValue::String(n) => s.push_str(n),
        JsonValue::Array(items) => {
            s.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    s.push_str(", ");
                }
                render_into(item, s, limit);
            }
            s.push(']');
        }
        JsonValue::Object(members) => {
            s.push('{');
            for (i, (k, v)) in members.iter().enumerate() {
                if i > 0 {
                    s.push_str(", ");
                }
                s.push_str(&k.name);
                s.push_str(": ");
                render_into(v, s, limit);
            }
            s.push('}');
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::syntax::config::json::parse;

    fn root(text: &str) -> JsonNode {
        let (root, _, problems) = parse(text);
        assert!(problems.is_empty(), "{problems:?}");
        root.expect("root")
    }

    #[test]
    fn detects_schemas() {
        assert!(looks_like_schema(&root(r#"{"$schema": "x"}"#)));
        assert!(looks_like_schema(&root(r#"{"properties": {}}"#)));
        assert!(looks_like_schema(&root(
            r#"{"openapi": "3.0.0", "components": {"schemas": {}}}"#
        )));
        assert!(!looks_like_schema(&root(r#"{"name": "pkg", "version": "1"}"#)));
        assert!(!looks_like_schema(&root(r#"[{"properties": {}}]"#)));
    }

    #[test]
    fn openapi_properties_become_fields() {
        let text = r##"{"openapi": "3.1.0",
 "components": {"schemas": {"Contact": {"type": "object", "properties": {
   "email": {"type": "string", "format": "Email", "description": "The contact's email"},
   "ssn": {"type": "string", "x-encrypted": true, "x-Pii": {"category": "gov-id"}},
   "address": {"$ref": "#/components/schemas/Address"},
   "tags": {"type": "array", "items": {"type": "object", "properties": {"label": {"type": ["string", "null"]}}}},
   "properties": {"type": "object", "example": {"properties": {"fake": 1}}}
 }},
 "Extended": {"allOf": [{"$ref": "#/components/schemas/Contact"}, {"properties": {"phone": {"allOf": [{"$ref": "#/x/Phone"}]}}}]}}},
 "paths": {"/c": {"post": {"requestBody": {"content": {"application/json": {"schema": {"properties": {"dob": {"type": "string", "format": "date"}}}}}}}}}
}"##;
        let r = root(text);
        assert!(looks_like_schema(&r));
        let fields = fields(&r);
        let get = |n: &str| fields.iter().find(|f| f.name == n).unwrap_or_else(|| panic!("{n}"));
        let email = get("email");
        assert_eq!(email.table, "components.schemas.Contact");
        assert_eq!(email.ty, "string");
        assert_eq!(email.annotations, "email the contact's email");
        assert_eq!(&text[email.name_span.range()], "email");
        assert!(text[email.span.range()].starts_with("{\"type\": \"string\""));
        assert_eq!(get("ssn").annotations, "x-encrypted: true x-pii: {category: gov-id}");
        assert_eq!(get("address").ty, "#/components/schemas/address");
        let label = get("label");
        assert_eq!(label.table, "components.schemas.Contact.properties.tags.items");
        assert_eq!(label.ty, "string|null");
        assert_eq!(get("properties").ty, "object");
        assert!(fields.iter().all(|f| f.name != "fake"));
        let phone = get("phone");
        assert_eq!(phone.table, "components.schemas.Extended");
        assert_eq!(phone.ty, "#/x/phone");
        let dob = get("dob");
        assert_eq!(dob.table, "paths./c.post.requestBody.content.application/json.schema");
        assert_eq!(fields.len(), 8);
    }

    #[test]
    fn json_schema_definitions() {
        let text = r##"{"$schema": "https://json-schema.org/draft/2020-12/schema",
 "properties": {"name": {"type": "string"}},
 "$defs": {"Card": {"properties": {"pan": {"type": "string", "contentEncoding": "base64"}}}},
 "definitions": {"Old": {"properties": {"x": {}}}}}"##;
        let fields = fields(&root(text));
        let tables: Vec<(&str, &str)> = fields.iter().map(|f| (f.table.as_str(), f.name.as_str())).collect();
        assert_eq!(tables, [("", "name"), ("$defs.Card", "pan"), ("definitions.Old", "x")]);
        assert_eq!(fields[1].annotations, "base64");
        assert_eq!(fields[2].ty, "");
    }
}
