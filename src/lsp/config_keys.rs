//! Completion and hover in `.inboxlint.yaml` buffers, from the config's JSON Schema (the one
//! in `schemas/`): the keys that fit where the cursor is, the values a key takes, and each
//! one's description. Rule ids come from the loaded rules, for `rules:` and `per-file:`.
//!
//! Configs are short block YAML, so the cursor's place is read from indentation rather than
//! a parse, which keeps working while the line being typed is not YAML yet.

use super::convert;
use super::documents::Document;
use crate::rules::RuleSet;
use crate::rules::load::GROUPS;
use crate::source::Span;
use crate::workspace::config_schema;
use lsp_types::Position;
use serde_json::{Value, json};
use std::path::Path;
use std::sync::LazyLock;

static SCHEMA: LazyLock<Value> = LazyLock::new(|| config_schema::schema().to_value());

/// LSP `CompletionItemKind`s.
const KIND_PROPERTY: u8 = 10;
const KIND_VALUE: u8 = 12;
const KIND_ENUM_MEMBER: u8 = 20;

/// Whether a buffer is an inboxlint config, by the names discovery looks for.
pub fn is_config(path: &Path) -> bool {
    path.file_name()
        .and_then(|n| n.to_str())
        .is_some_and(|n| n == ".inboxlint.yaml" || n == "inboxlint.yaml")
}

/// Where the cursor is in the YAML: the keys from the root to the mapping it writes in.
#[derive(Debug, PartialEq, Eq)]
enum Place {
    /// Writing a key of the mapping at `path`; `siblings` are the keys it already has.
    Key { path: Vec<String>, siblings: Vec<String> },
    /// Writing the value (or a list item) of the key at the end of `path`.
    Value { path: Vec<String> },
}

/// One parsed line: its indentation, whether it is a list item, and its key if it has one.
struct Line<'t> {
    indent: usize,
    item: bool,
    key: Option<&'t str>,
    /// The text after `key:` (comments included), or the whole content for a non-key line.
    rest: &'t str,
}

fn unquote(key: &str) -> &str {
    let k = key.trim();
    k.strip_prefix('"')
        .and_then(|k| k.strip_suffix('"'))
        .or_else(|| k.strip_prefix('\'').and_then(|k| k.strip_suffix('\'')))
        .unwrap_or(k)
}

/// The end of a key on a line: the first `:` followed by a blank or the end, outside quotes.
fn key_colon(content: &str) -> Option<usize> {
    let bytes = content.as_bytes();
    let mut quote = None;
    for (i, &b) in bytes.iter().enumerate() {
        match (quote, b) {
            (Some(q), _) if b == q => quote = None,
            (Some(_), _) => {}
            (None, b'"' | b'\'') if i == 0 => quote = Some(b),
            (None, b'#') if i == 0 || bytes[i - 1] == b' ' => return None,
            (None, b'{' | b'[') if i == 0 => return None,
            (None, b':') if bytes.get(i + 1).is_none_or(|n| *n == b' ' || *n == b'\t') => return Some(i),
            _ => {}
        }
    }
    None
}

fn parse_line(line: &str) -> Line<'_> {
    let indent = line.len() - line.trim_start_matches(' ').len();
    let mut content = &line[indent..];
    let mut item = false;
    if let Some(after) = content
        .strip_prefix("- ")
        .or(if content == "-" { Some("") } else { None })
    {
        item = true;
        content = after.trim_start_matches(' ');
    }
    match key_colon(content) {
        Some(colon) => Line {
            indent,
            item,
            key: Some(unquote(&content[..colon])),
            rest: &content[colon + 1..],
        },
        None => Line {
            indent,
            item,
            key: None,
            rest: content,
        },
    }
}

fn is_blank_or_comment(line: &str) -> bool {
    let t = line.trim();
    t.is_empty() || t.starts_with('#')
}

/// A line opens a nested block when nothing but a comment follows its key.
fn opens_block(rest: &str) -> bool {
    let t = rest.trim();
    t.is_empty() || t.starts_with('#')
}

/// The keys of the blocks that enclose a line of indentation `indent` (a list item's, one more
/// than its dash), outermost first, with the line index of the innermost parent.
fn parents(lines: &[&str], upto: usize, mut indent: usize) -> (Vec<String>, Option<usize>) {
    let mut path = Vec::new();
    let mut innermost = None;
    for i in (0..upto).rev() {
        if is_blank_or_comment(lines[i]) {
            continue;
        }
        let l = parse_line(lines[i]);
        if l.indent >= indent {
            continue;
        }
        match l.key {
            Some(key) if !l.item && opens_block(l.rest) => {
                path.push(key.to_string());
                innermost.get_or_insert(i);
                indent = l.indent;
                if indent == 0 {
                    break;
                }
            }
            // A list item's content is one level deeper than its dash (`esp:\n- a\n- b`: the
            // dashes sit at their key's indentation).
            _ if l.item => indent = indent.min(l.indent + 1),
            _ => indent = l.indent,
        }
    }
    path.reverse();
    (path, innermost)
}

/// Keys already written in the block that starts after line `parent` at indentation `indent`.
fn siblings(lines: &[&str], parent: Option<usize>, indent: usize, skip: usize) -> Vec<String> {
    let start = parent.map_or(0, |p| p + 1);
    let mut out = Vec::new();
    for (i, line) in lines.iter().enumerate().skip(start) {
        if is_blank_or_comment(line) {
            continue;
        }
        let l = parse_line(line);
        if l.indent < indent {
            break;
        }
        if i != skip
            && l.indent == indent
            && !l.item
            && let Some(k) = l.key
        {
            out.push(k.to_string());
        }
    }
    out
}

/// The flow collection (`[...]` or `{...}`) open at the end of `text`, if any: its opening
/// byte and whether a `:` follows the last separator (a value inside a `{}`).
fn open_flow(text: &str) -> Option<(u8, usize, bool)> {
    let mut stack: Vec<(u8, usize)> = Vec::new();
    let mut after_colon = false;
    let mut quote = None;
    for (i, b) in text.bytes().enumerate() {
        match (quote, b) {
            (Some(q), _) if b == q => quote = None,
            (Some(_), _) => {}
            (None, b'"' | b'\'') => quote = Some(b),
            (None, b'[' | b'{') => {
                stack.push((b, i));
                after_colon = false;
            }
            (None, b']' | b'}') => {
                stack.pop();
            }
            (None, b',') => after_colon = false,
            (None, b':') => after_colon = true,
            _ => {}
        }
    }
    stack.last().map(|&(b, i)| (b, i, after_colon))
}

/// The key a `{...}` entry is writing, from the text after the brace: `a: x, b` → `b`.
fn flow_key(inner: &str) -> Option<String> {
    let last = inner.rsplit(',').next()?;
    let (key, _) = last.split_once(':')?;
    Some(unquote(key.trim_start_matches(['{', ' '])).to_string())
}

fn place(text: &str, offset: usize) -> Place {
    let offset = offset.min(text.len());
    let line_start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
    let lines: Vec<&str> = text.split('\n').collect();
    let row = text[..line_start].matches('\n').count();
    let before = &text[line_start..offset];
    let cur = parse_line(before);
    let item_indent = if cur.item { cur.indent + 1 } else { cur.indent };
    let (mut path, parent) = parents(&lines, row, item_indent);
    if cur.item && cur.key.is_none() {
        return Place::Value { path };
    }
    match cur.key {
        Some(key) => {
            path.push(key.to_string());
            match open_flow(cur.rest) {
                Some((b'{', at, after_colon)) => {
                    let inner = &cur.rest[at + 1..];
                    if after_colon {
                        if let Some(k) = flow_key(inner) {
                            path.push(k);
                        }
                        Place::Value { path }
                    } else {
                        let siblings = inner
                            .split(',')
                            .filter_map(|e| e.split_once(':').map(|(k, _)| unquote(k).to_string()))
                            .collect();
                        Place::Key { path, siblings }
                    }
                }
                _ => Place::Value { path },
            }
        }
        None => {
            let siblings = siblings(&lines, parent, cur.indent, row);
            Place::Key { path, siblings }
        }
    }
}

// ---- the schema

fn resolve(schema: &Value) -> &Value {
    match schema
        .get("$ref")
        .and_then(Value::as_str)
        .and_then(|r| r.strip_prefix("#/$defs/"))
    {
        Some(name) => SCHEMA.get("$defs").and_then(|d| d.get(name)).unwrap_or(schema),
        None => schema,
    }
}

/// The schema and its alternatives (`anyOf`/`oneOf` branches, `$ref`s followed).
fn variants(schema: &Value) -> Vec<&Value> {
    let s = resolve(schema);
    let mut out = vec![s];
    for key in ["anyOf", "oneOf"] {
        if let Some(branches) = s.get(key).and_then(Value::as_array) {
            for b in branches {
                out.extend(variants(b));
            }
        }
    }
    out
}

/// The schema of `key` inside an object schema: a named property, else the value of a map.
fn child<'s>(schema: &'s Value, key: &str) -> Option<&'s Value> {
    let all = variants(schema);
    all.iter()
        .find_map(|s| s.get("properties").and_then(|p| p.get(key)))
        .or_else(|| {
            all.iter()
                .find_map(|s| s.get("additionalProperties").filter(|a| a.is_object()))
        })
}

fn at_path(path: &[String]) -> Option<&'static Value> {
    path.iter().try_fold(&*SCHEMA, |s, key| child(s, key))
}

fn description(schema: &Value) -> Option<&str> {
    schema
        .get("description")
        .or_else(|| resolve(schema).get("description"))
        .and_then(Value::as_str)
}

/// The values a schema names: consts, enums, examples, booleans; a list's item values.
fn values(schema: &Value) -> Vec<(String, Option<String>)> {
    let mut out: Vec<(String, Option<String>)> = Vec::new();
    let mut push = |v: &Value, desc: Option<&str>| {
        let text = match v {
            Value::String(s) => s.clone(),
            Value::Bool(b) => b.to_string(),
            Value::Number(n) => n.to_string(),
            _ => return,
        };
        if !out.iter().any(|(t, _)| *t == text) {
            out.push((text, desc.map(String::from)));
        }
    };
    for s in variants(schema) {
        if let Some(c) = s.get("const") {
            push(c, s.get("description").and_then(Value::as_str));
        }
        for key in ["enum", "examples"] {
            for v in s.get(key).and_then(Value::as_array).into_iter().flatten() {
                push(v, None);
            }
        }
        let ty = s.get("type");
        let is = |t: &str| ty.is_some_and(|ty| ty == t || ty.as_array().is_some_and(|a| a.iter().any(|x| x == t)));
        if is("boolean") {
            push(&json!(true), None);
            push(&json!(false), None);
        }
        if let Some(items) = s.get("items") {
            for (v, d) in values(items) {
                push(&json!(v), d.as_deref());
            }
        }
    }
    out
}

/// The keys of an object schema, with their descriptions.
fn keys(schema: &Value) -> Vec<(String, Option<String>)> {
    let mut out = Vec::new();
    for s in variants(schema) {
        if let Some(props) = s.get("properties").and_then(Value::as_object) {
            for (k, v) in props {
                out.push((k.clone(), description(v).map(String::from)));
            }
        }
    }
    out
}

/// `rules:` and each `per-file:` glob's map take rule ids and groups as keys.
fn takes_rule_ids(path: &[String]) -> bool {
    matches!(path, [r] if r == "rules") || matches!(path, [p, _] if p == "per-file")
}

fn rule_keys() -> Vec<(String, Option<String>)> {
    let mut out: Vec<(String, Option<String>)> = GROUPS
        .iter()
        .map(|g| (g.to_string(), Some(format!("Every `{g}/...` rule."))))
        .collect();
    if let Ok(rules) = RuleSet::builtin() {
        out.extend(rules.rules.iter().map(|r| {
            (
                r.id.clone(),
                Some(format!("**{}**\n\n{}", r.title.trim(), r.help.trim())),
            )
        }));
    }
    out
}

// ---- requests

/// The word being typed before `offset`: the span a completion replaces.
fn typed(text: &str, offset: usize) -> Span {
    let start = text[..offset]
        .rfind(|c: char| c.is_whitespace() || matches!(c, '[' | '{' | ',' | '"' | '\''))
        .map_or(0, |i| i + 1);
    Span::new(start, offset)
}

fn item(label: &str, kind: u8, doc: Option<&str>, new_text: String, range: lsp_types::Range) -> Value {
    let mut it = json!({
        "label": label,
        "kind": kind,
        "textEdit": {"range": range, "newText": new_text},
        "filterText": label,
    });
    if let Some(d) = doc {
        it["documentation"] = json!({"kind": "markdown", "value": d});
    }
    it
}

/// Completion items for a config buffer at `pos`.
pub fn completion(doc: &Document, pos: Position) -> Vec<Value> {
    let text = doc.source.text();
    let offset = convert::offset(&doc.source, pos).min(text.len());
    let range = convert::range(&doc.source, typed(text, offset));
    match place(text, offset) {
        Place::Key { path, siblings } => {
            let candidates = if takes_rule_ids(&path) {
                rule_keys()
            } else {
                at_path(&path).map(keys).unwrap_or_default()
            };
            candidates
                .iter()
                .filter(|(k, _)| !siblings.contains(k))
                .map(|(k, d)| item(k, KIND_PROPERTY, d.as_deref(), format!("{k}: "), range))
                .collect()
        }
        Place::Value { path } => at_path(&path)
            .map(values)
            .unwrap_or_default()
            .iter()
            .map(|(v, d)| {
                let kind = if d.is_some() { KIND_ENUM_MEMBER } else { KIND_VALUE };
                item(v, kind, d.as_deref(), v.clone(), range)
            })
            .collect(),
    }
}

/// The token under the cursor on its line, as a span.
fn word_at(text: &str, offset: usize) -> Span {
    let stop = |c: char| c.is_whitespace() || matches!(c, '[' | ']' | '{' | '}' | ',' | ':' | '"' | '\'' | '#');
    let start = text[..offset].rfind(stop).map_or(0, |i| i + 1);
    let end = text[offset..].find(stop).map_or(text.len(), |i| offset + i);
    Span::new(start, end)
}

/// Hover on a config key (its description) or on a value the schema explains (a profile, a
/// severity) or a rule id (the rule's title and help).
pub fn hover(doc: &Document, pos: Position) -> Option<Value> {
    let text = doc.source.text();
    let offset = convert::offset(&doc.source, pos).min(text.len());
    let span = word_at(text, offset);
    let word = text.get(span.start..span.end)?;
    if word.is_empty() {
        return None;
    }
    // Read the place as if the cursor stood just after the word.
    let markdown = match place(text, span.end) {
        Place::Key { path, .. } if takes_rule_ids(&path) => rule_keys()
            .into_iter()
            .find(|(k, _)| k == word)
            .and_then(|(k, d)| d.map(|d| format!("`{k}`: {d}"))),
        Place::Key { mut path, .. } => {
            path.push(word.to_string());
            let desc = at_path(&path).and_then(description)?;
            Some(format!("**`{word}`**\n\n{desc}"))
        }
        Place::Value { path } => {
            let (_, desc) = at_path(&path).map(values)?.into_iter().find(|(v, _)| v == word)?;
            Some(format!("`{word}`: {}", desc?))
        }
    }?;
    Some(json!({
        "contents": {"kind": "markdown", "value": markdown},
        "range": convert::range(&doc.source, span),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text_with_cursor: &str) -> Place {
        let offset = text_with_cursor.find('|').expect("cursor");
        place(&text_with_cursor.replacen('|', "", 1), offset)
    }

    fn key(path: &[&str], siblings: &[&str]) -> Place {
        Place::Key {
            path: path.iter().map(|s| s.to_string()).collect(),
            siblings: siblings.iter().map(|s| s.to_string()).collect(),
        }
    }

    fn value(path: &[&str]) -> Place {
        Place::Value {
            path: path.iter().map(|s| s.to_string()).collect(),
        }
    }

    #[test]
    fn the_cursor_place_follows_indentation_and_flow_collections() {
        assert_eq!(at("profiles: [us]\n|"), key(&[], &["profiles"]));
        assert_eq!(at("pro|"), key(&[], &[]));
        assert_eq!(
            at("rules:\n  template: off\n  |\nesp: [x]\n"),
            key(&["rules"], &["template"])
        );
        assert_eq!(at("rules:\n  template: |"), value(&["rules", "template"]));
        assert_eq!(at("classes:\n  # why\n  mar|"), key(&["classes"], &[]));
        assert_eq!(at("profiles: [us, |]"), value(&["profiles"]));
        assert_eq!(at("profiles:\n  - |"), value(&["profiles"]));
        assert_eq!(at("esp:\n- |"), value(&["esp"]));
        assert_eq!(at("rules: {template: off, |}"), key(&["rules"], &["template"]));
        assert_eq!(at("rules: {template: |}"), value(&["rules", "template"]));
        assert_eq!(
            at("per-file:\n  \"legacy/**\":\n    canspam: |\n"),
            value(&["per-file", "legacy/**", "canspam"])
        );
        assert_eq!(at("infer-class: |"), value(&["infer-class"]));
        assert_eq!(at("address: \"1 Main St: Suite 2\"\n|"), key(&[], &["address"]));
    }

    #[test]
    fn keys_and_values_come_from_the_schema() {
        let top: Vec<String> = keys(&SCHEMA).into_iter().map(|(k, _)| k).collect();
        for k in ["profiles", "esp", "rules", "classes", "per-file", "sender-domains"] {
            assert!(top.contains(&k.to_string()), "{k}");
        }
        let p = |path: &[&str]| at_path(&path.iter().map(|s| s.to_string()).collect::<Vec<_>>());
        let profiles: Vec<String> = values(p(&["profiles"]).expect("profiles"))
            .into_iter()
            .map(|v| v.0)
            .collect();
        assert_eq!(profiles, ["us", "ca", "eu", "uk"]);
        let levels: Vec<String> = values(p(&["rules", "x"]).expect("level"))
            .into_iter()
            .map(|v| v.0)
            .collect();
        assert_eq!(levels, ["error", "warning", "info", "off"]);
        let classes: Vec<String> = keys(p(&["classes"]).expect("classes"))
            .into_iter()
            .map(|v| v.0)
            .collect();
        assert_eq!(classes, ["marketing", "transactional"]);
        assert!(values(p(&["esp"]).expect("esp")).iter().any(|v| v.0 == "mailchimp"));
        assert_eq!(values(p(&["infer-class"]).expect("bool")).len(), 2);
    }
}
