//! `set-setting` fixes: a key set beside another in a config's own syntax (YAML, JSON, TOML),
//! written the way the neighbour is written: same indentation, same key and value quoting,
//! same line ending, inline in a flow mapping or inline table, on its own line otherwise.

use crate::document::{Document, SourceFormat, Value};
use crate::source::Span;

/// The edit that gives the mapping holding setting `anchor` the key `key` with `value`: its
/// value replaced when the key is there (compared without case, as header names are), else a
/// new entry after the anchor. None where the syntax is not one this knows how to extend.
pub fn set_beside(doc: &Document, text: &str, anchor: usize, key: &str, value: &str) -> Option<(Span, String)> {
    let format = doc.format;
    if !matches!(format, SourceFormat::Yaml | SourceFormat::Json | SourceFormat::Toml) {
        return None;
    }
    let a = doc.settings.get(anchor)?;
    let parent = a.path.rsplit_once('.').map(|(p, _)| p).unwrap_or("");
    let wanted = if parent.is_empty() {
        key.to_ascii_lowercase()
    } else {
        format!("{parent}.{}", key.to_ascii_lowercase())
    };
    if let Some(existing) = doc.settings.iter().find(|s| s.path.eq_ignore_ascii_case(&wanted)) {
        // Only a plain string is rewritten in place: its span is the text between quotes.
        return matches!(existing.value, Value::String(_))
            .then(|| (existing.value_span, value.to_string()))
            .filter(|(span, _)| !span.is_empty() && text.get(span.range()) != Some(value));
    }
    let key_q = quoted(text, a.key_span)?;
    if !key_q.inner(text).eq_ignore_ascii_case(&a.key) {
        // The key was not written as such (a header given as `{name, value}`).
        return None;
    }
    let value_q = quoted(text, a.value_span)?;
    let new_key = key_q.write(key, format);
    let new_value = match format {
        SourceFormat::Yaml => value_q.write(value, format),
        _ => format!("\"{}\"", value.replace('\\', "\\\\").replace('"', "\\\"")),
    };
    let sep = match format {
        SourceFormat::Toml => " = ",
        _ => ": ",
    };
    let entry = format!("{new_key}{sep}{new_value}");
    let after = value_q.outer.end;
    let line_start = text[..key_q.outer.start].rfind('\n').map_or(0, |i| i + 1);
    let prefix = &text[line_start..key_q.outer.start];
    let rest_of_line = text[after..].split('\n').next().unwrap_or("");
    let closes_inline = rest_of_line.trim_start().starts_with([',', '}']) && format != SourceFormat::Json;
    let indent = block_indent(prefix, format);
    match indent {
        Some(indent) if !closes_inline => {
            let newline = if rest_of_line.ends_with('\r') { "\r\n" } else { "\n" };
            if format == SourceFormat::Json {
                return Some((Span::empty(after), format!(",{newline}{indent}{entry}")));
            }
            let line_end = after + rest_of_line.len();
            match text[line_end..].starts_with('\n') {
                true => Some((Span::empty(line_end + 1), format!("{indent}{entry}{newline}"))),
                false => Some((Span::empty(line_end), format!("{newline}{indent}{entry}"))),
            }
        }
        // A flow mapping, inline table, or JSON object on one line.
        _ => Some((Span::empty(after), format!(", {entry}"))),
    }
}

/// What goes before a new key on its own line, from what is before the neighbour's key: its
/// indentation, with a YAML sequence dash (`- key: v`) turned into spaces, or a TOML dotted
/// prefix (`headers."List-Unsubscribe" = ...`) kept. None when the key does not start its
/// line.
fn block_indent(prefix: &str, format: SourceFormat) -> Option<String> {
    let ws: String = prefix.chars().take_while(|c| *c == ' ' || *c == '\t').collect();
    let rest = &prefix[ws.len()..];
    if rest.is_empty() {
        return Some(ws);
    }
    match format {
        SourceFormat::Yaml if rest.trim_end().chars().all(|c| c == '-' || c == ' ') && rest.ends_with(' ') => {
            Some(format!("{ws}{}", " ".repeat(rest.chars().count())))
        }
        SourceFormat::Toml if rest.ends_with('.') && !rest.contains(['{', '=', ',']) => Some(prefix.to_string()),
        _ => None,
    }
}

/// A key or value with the quotes around it, whether its span includes them or not.
struct Quoted {
    inner: Span,
    outer: Span,
    quote: Option<char>,
}

impl Quoted {
    fn inner<'t>(&self, text: &'t str) -> &'t str {
        text.get(self.inner.range()).unwrap_or("")
    }

    /// `s` quoted as this one is; JSON keys and TOML keys that need it are always quoted.
    fn write(&self, s: &str, format: SourceFormat) -> String {
        let bare_ok = s.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
        let quote = match (self.quote, format) {
            (Some(q), _) => Some(q),
            (None, SourceFormat::Json) => Some('"'),
            (None, SourceFormat::Toml) if !bare_ok => Some('"'),
            (None, _) => None,
        };
        match quote {
            Some(q) => format!("{q}{s}{q}"),
            None => s.to_string(),
        }
    }
}

fn quoted(text: &str, span: Span) -> Option<Quoted> {
    let body = text.get(span.range())?;
    let first = body.chars().next();
    if let Some(q @ ('"' | '\'')) = first
        && body.len() >= 2
        && body.ends_with(q)
    {
        return Some(Quoted {
            inner: Span::new(span.start + 1, span.end - 1),
            outer: span,
            quote: Some(q),
        });
    }
    let before = text.get(..span.start)?.chars().next_back();
    let after = text.get(span.end..)?.chars().next();
    match (before, after) {
        (Some(q @ ('"' | '\'')), Some(a)) if a == q => Some(Quoted {
            inner: span,
            outer: Span::new(span.start - 1, span.end + 1),
            quote: Some(q),
        }),
        _ => Some(Quoted {
            inner: span,
            outer: span,
            quote: None,
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::FileKind;
    use crate::knowledge::Knowledge;

    const KEY: &str = "List-Unsubscribe-Post";
    const VALUE: &str = "List-Unsubscribe=One-Click";

    fn set(text: &str, format: SourceFormat) -> Option<String> {
        let knowledge = Knowledge::builtin().expect("knowledge");
        let doc = crate::engine::facts::build(text, FileKind::Config, format, &knowledge);
        let anchor = doc
            .settings
            .iter()
            .position(|s| s.key.eq_ignore_ascii_case("list-unsubscribe"))?;
        let (span, new) = set_beside(&doc, text, anchor, KEY, VALUE)?;
        let mut out = text.to_string();
        out.replace_range(span.range(), &new);
        Some(out)
    }

    #[test]
    fn yaml_block_flow_and_sequence_items() {
        assert_eq!(
            set(
                "headers:\n  List-Unsubscribe: \"<https://a.example/u>\"\n  X: 1\n",
                SourceFormat::Yaml
            )
            .as_deref(),
            Some(
                "headers:\n  List-Unsubscribe: \"<https://a.example/u>\"\n  List-Unsubscribe-Post: \"List-Unsubscribe=One-Click\"\n  X: 1\n"
            )
        );
        assert_eq!(
            set(
                "headers:\r\n    'List-Unsubscribe': <https://a.example/u> # one-click\r\n",
                SourceFormat::Yaml
            )
            .as_deref(),
            Some(
                "headers:\r\n    'List-Unsubscribe': <https://a.example/u> # one-click\r\n    'List-Unsubscribe-Post': List-Unsubscribe=One-Click\r\n"
            )
        );
        assert_eq!(
            set(
                "headers: {List-Unsubscribe: \"<https://a.example/u>\"}\n",
                SourceFormat::Yaml
            )
            .as_deref(),
            Some(
                "headers: {List-Unsubscribe: \"<https://a.example/u>\", List-Unsubscribe-Post: \"List-Unsubscribe=One-Click\"}\n"
            )
        );
        assert_eq!(
            set(
                "campaigns:\n  - headers:\n      List-Unsubscribe: <https://a.example/u>",
                SourceFormat::Yaml
            )
            .as_deref(),
            Some(
                "campaigns:\n  - headers:\n      List-Unsubscribe: <https://a.example/u>\n      List-Unsubscribe-Post: List-Unsubscribe=One-Click"
            )
        );
    }

    #[test]
    fn json_on_its_own_line_and_inline() {
        assert_eq!(
            set(
                "{\n  \"headers\": {\n    \"List-Unsubscribe\": \"<https://a.example/u>\",\n    \"X\": 1\n  }\n}\n",
                SourceFormat::Json
            )
            .as_deref(),
            Some(
                "{\n  \"headers\": {\n    \"List-Unsubscribe\": \"<https://a.example/u>\",\n    \"List-Unsubscribe-Post\": \"List-Unsubscribe=One-Click\",\n    \"X\": 1\n  }\n}\n"
            )
        );
        assert_eq!(
            set(
                "{\"headers\": {\"List-Unsubscribe\": \"<https://a.example/u>\"}}",
                SourceFormat::Json
            )
            .as_deref(),
            Some(
                "{\"headers\": {\"List-Unsubscribe\": \"<https://a.example/u>\", \"List-Unsubscribe-Post\": \"List-Unsubscribe=One-Click\"}}"
            )
        );
    }

    #[test]
    fn toml_tables_dotted_keys_and_inline_tables() {
        assert_eq!(
            set(
                "[headers]\n\"List-Unsubscribe\" = \"<https://a.example/u>\"\n",
                SourceFormat::Toml
            )
            .as_deref(),
            Some(
                "[headers]\n\"List-Unsubscribe\" = \"<https://a.example/u>\"\n\"List-Unsubscribe-Post\" = \"List-Unsubscribe=One-Click\"\n"
            )
        );
        assert_eq!(
            set(
                "headers.List-Unsubscribe = \"<https://a.example/u>\"\n",
                SourceFormat::Toml
            )
            .as_deref(),
            Some(
                "headers.List-Unsubscribe = \"<https://a.example/u>\"\nheaders.List-Unsubscribe-Post = \"List-Unsubscribe=One-Click\"\n"
            )
        );
        assert_eq!(
            set(
                "headers = { List-Unsubscribe = \"<https://a.example/u>\" }\n",
                SourceFormat::Toml
            )
            .as_deref(),
            Some(
                "headers = { List-Unsubscribe = \"<https://a.example/u>\", List-Unsubscribe-Post = \"List-Unsubscribe=One-Click\" }\n"
            )
        );
    }

    #[test]
    fn an_existing_key_gets_its_value_replaced_not_a_twin() {
        assert_eq!(
            set(
                "headers:\n  List-Unsubscribe: \"<https://a.example/u>\"\n  list-unsubscribe-post: \"One-Click\"\n",
                SourceFormat::Yaml
            )
            .as_deref(),
            Some(
                "headers:\n  List-Unsubscribe: \"<https://a.example/u>\"\n  list-unsubscribe-post: \"List-Unsubscribe=One-Click\"\n"
            )
        );
    }

    #[test]
    fn env_files_get_no_edit() {
        assert_eq!(set("LIST_UNSUBSCRIBE=<https://a.example/u>\n", SourceFormat::Env), None);
    }
}
