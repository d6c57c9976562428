//! A span-preserving JSON parser that also reads JSONC: `//` and `/* */` comments (recorded) and
//! trailing commas. Iterative, so nesting depth costs heap, not stack; nesting beyond
//! [`MAX_DEPTH`] is a problem, which also bounds every recursive walk over the tree.

use super::{MAX_DEPTH, composite, env_list_item, item_path, join_path, problem, scalar};
use crate::document::{Comment, Problem, Setting, Value};
use crate::source::Span;

const RULE: &str = "syntax/json";

/// A value with the span of its text as written (strings include their quotes).
#[derive(Debug, Clone, PartialEq)]
pub struct JsonNode {
    pub value: JsonValue,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub enum JsonValue {
    Null,
    Bool(bool),
    /// The number as written.
    Number(String),
    /// The decoded string.
    String(String),
    Array(Vec<JsonNode>),
    /// Members in source order; duplicates are kept.
    Object(Vec<(JsonKey, JsonNode)>),
}

/// An object key: decoded name, span of its text without the quotes.
#[derive(Debug, Clone, PartialEq)]
pub struct JsonKey {
    pub name: String,
    pub span: Span,
}

impl JsonNode {
    /// The member named `key`, if this is an object (first one when duplicated).
    pub fn get(&self, key: &str) -> Option<&JsonNode> {
        match &self.value {
            JsonValue::Object(members) => members.iter().find(|(k, _)| k.name == key).map(|(_, v)| v),
            _ => None,
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match &self.value {
            JsonValue::String(s) => Some(s),
            _ => None,
        }
    }

    pub fn members(&self) -> &[(JsonKey, JsonNode)] {
        match &self.value {
            JsonValue::Object(m) => m,
            _ => &[],
        }
    }

    /// For strings, the span of the content between the quotes; otherwise the node's span.
    pub fn content_span(&self) -> Span {
        match self.value {
            JsonValue::String(_) if self.span.len() >= 2 => Span::new(self.span.start + 1, self.span.end - 1),
            _ => self.span,
        }
    }
}

/// Parse a JSON/JSONC document. On a syntax error the tree built so far is returned (open
/// arrays and objects end at the error) with one problem at the error.
pub fn parse(text: &str) -> (Option<JsonNode>, Vec<Comment>, Vec<Problem>) {
    let mut p = Parser {
        text,
        bytes: text.as_bytes(),
        pos: 0,
        comments: Vec::new(),
    };
    if text.starts_with('\u{feff}') {
        p.pos = 3;
    }
    let (root, error) = p.document();
    let problems = error
        .map(|(msg, at)| vec![problem(RULE, msg, at, text)])
        .unwrap_or_default();
    (root, p.comments, problems)
}

enum Open {
    Array {
        start: usize,
        items: Vec<JsonNode>,
    },
    Object {
        start: usize,
        members: Vec<(JsonKey, JsonNode)>,
        key: Option<JsonKey>,
    },
}

#[derive(Clone, Copy)]
enum State {
    Value,
    /// Just after `[` or a `,` in an array: a value or `]`.
    ArrayItem,
    /// Just after `{` or a `,` in an object: a key or `}`.
    ObjectKey,
    /// After a complete value inside a container: `,` or the closer.
    AfterValue,
    Done,
}

type Error = (String, usize);

struct Parser<'a> {
    text: &'a str,
    bytes: &'a [u8],
    pos: usize,
    comments: Vec<Comment>,
}

impl Parser<'_> {
    fn document(&mut self) -> (Option<JsonNode>, Option<Error>) {
        let mut stack: Vec<Open> = Vec::new();
        let mut root: Option<JsonNode> = None;
        let mut state = State::Value;
        if let Err(e) = self.skip_trivia() {
            return (None, Some(e));
        }
        if self.pos >= self.bytes.len() {
            // An empty file says nothing; there is nothing to lint and nothing to fix.
            return (None, None);
        }
        let error = loop {
            if let Err(e) = self.skip_trivia() {
                break Some(e);
            }
            let Some(&b) = self.bytes.get(self.pos) else {
                break match state {
                    State::Done => None,
                    _ => Some(("unexpected end of JSON".to_string(), self.pos)),
                };
            };
            match state {
                State::Done => {
                    break Some(("unexpected content after the JSON value".to_string(), self.pos));
                }
                State::ArrayItem if b == b']' => {
                    self.pos += 1;
                    let node = close(&mut stack, self.pos);
                    state = attach(&mut stack, &mut root, node);
                }
                State::ObjectKey if b == b'}' => {
                    self.pos += 1;
                    let node = close(&mut stack, self.pos);
                    state = attach(&mut stack, &mut root, node);
                }
                State::ObjectKey => {
                    if b != b'"' {
                        break Some(("expected a string key or '}'".to_string(), self.pos));
                    }
                    let key = match self.string() {
                        Ok((name, span)) => JsonKey {
                            name,
                            span: Span::new(span.start + 1, span.end - 1),
                        },
                        Err(e) => break Some(e),
                    };
                    if let Err(e) = self.skip_trivia() {
                        break Some(e);
                    }
                    if self.bytes.get(self.pos) != Some(&b':') {
                        break Some(("expected ':' after the key".to_string(), self.pos));
                    }
                    self.pos += 1;
                    if let Some(Open::Object { key: k, .. }) = stack.last_mut() {
                        *k = Some(key);
                    }
                    state = State::Value;
                }
                State::Value | State::ArrayItem => {
                    if b == b'[' || b == b'{' {
                        if stack.len() >= MAX_DEPTH {
                            break Some((format!("nesting deeper than {MAX_DEPTH} levels"), self.pos));
                        }
                        let start = self.pos;
                        self.pos += 1;
                        if b == b'[' {
                            stack.push(Open::Array {
                                start,
                                items: Vec::new(),
                            });
                            state = State::ArrayItem;
                        } else {
                            stack.push(Open::Object {
                                start,
                                members: Vec::new(),
                                key: None,
                            });
                            state = State::ObjectKey;
                        }
                    } else {
                        match self.scalar(b) {
                            Ok(node) => state = attach(&mut stack, &mut root, node),
                            Err(e) => break Some(e),
                        }
                    }
                }
                State::AfterValue => {
                    let is_array = matches!(stack.last(), Some(Open::Array { .. }));
                    match b {
                        b',' => {
                            self.pos += 1;
                            state = if is_array { State::ArrayItem } else { State::ObjectKey };
                        }
                        b']' if is_array => {
                            self.pos += 1;
                            let node = close(&mut stack, self.pos);
                            state = attach(&mut stack, &mut root, node);
                        }
                        b'}' if !is_array => {
                            self.pos += 1;
                            let node = close(&mut stack, self.pos);
                            state = attach(&mut stack, &mut root, node);
                        }
                        _ => {
                            let expected = if is_array { "',' or ']'" } else { "',' or '}'" };
                            break Some((format!("expected {expected}"), self.pos));
                        }
                    }
                }
            }
        };
        if error.is_some() {
            // Keep what was read: open containers end where the error is.
            let at = self.pos.min(self.bytes.len());
            while !stack.is_empty() {
                let node = close(&mut stack, at);
                attach(&mut stack, &mut root, node);
            }
        }
        (root, error)
    }

    /// Whitespace and comments; comments are recorded.
    fn skip_trivia(&mut self) -> Result<(), Error> {
        loop {
            while let Some(b) = self.bytes.get(self.pos) {
                if matches!(b, b' ' | b'\t' | b'\n' | b'\r') {
                    self.pos += 1;
                } else {
                    break;
                }
            }
            if self.bytes.get(self.pos) != Some(&b'/') {
                return Ok(());
            }
            let start = self.pos;
            match self.bytes.get(self.pos + 1) {
                Some(b'/') => {
                    let (comment, next) = super::line_comment(self.text, start, 2);
                    self.comments.push(comment);
                    self.pos = next;
                }
                Some(b'*') => {
                    let body = start + 2;
                    let Some(close) = memchr::memmem::find(&self.bytes[body..], b"*/") else {
                        return Err(("unterminated block comment".to_string(), start));
                    };
                    let end = body + close + 2;
                    self.comments.push(Comment {
                        text: self.text.get(body..body + close).unwrap_or("").trim().to_string(),
                        span: Span::new(start, end),
                    });
                    self.pos = end;
                }
                _ => return Err(("unexpected '/'".to_string(), start)),
            }
        }
    }

    fn scalar(&mut self, b: u8) -> Result<JsonNode, Error> {
        let start = self.pos;
        let value = match b {
            b'"' => {
                let (s, span) = self.string()?;
                return Ok(JsonNode {
                    value: JsonValue::String(s),
                    span,
                });
            }
            b't' => self.literal("true", JsonValue::Bool(true))?,
            b'f' => self.literal("false", JsonValue::Bool(false))?,
            b'n' => self.literal("null", JsonValue::Null)?,
            b'-' | b'0'..=b'9' => self.number()?,
            _ => return Err(("expected a JSON value".to_string(), start)),
        };
        Ok(JsonNode {
            value,
            span: Span::new(start, self.pos),
        })
    }

    fn literal(&mut self, word: &str, value: JsonValue) -> Result<JsonValue, Error> {
        let end = self.pos + word.len();
        let whole = self.bytes.get(self.pos..end) == Some(word.as_bytes())
            && !self.bytes.get(end).is_some_and(|c| c.is_ascii_alphanumeric());
        if !whole {
            return Err(("expected a JSON value".to_string(), self.pos));
        }
        self.pos = end;
        Ok(value)
    }

    fn number(&mut self) -> Result<JsonValue, Error> {
        let start = self.pos;
        let b = self.bytes;
        let mut i = self.pos;
        let digits = |i: &mut usize| {
            let s = *i;
            while b.get(*i).is_some_and(u8::is_ascii_digit) {
                *i += 1;
            }
            *i - s
        };
        if b.get(i) == Some(&b'-') {
            i += 1;
        }
        let int_start = i;
        let n = digits(&mut i);
        let bad = |at: usize| Err(("invalid number".to_string(), at));
        if n == 0 || (n > 1 && b[int_start] == b'0') {
            return bad(start);
        }
        if b.get(i) == Some(&b'.') {
            i += 1;
            if digits(&mut i) == 0 {
                return bad(start);
            }
        }
        if matches!(b.get(i), Some(b'e' | b'E')) {
            i += 1;
            if matches!(b.get(i), Some(b'+' | b'-')) {
                i += 1;
            }
            if digits(&mut i) == 0 {
                return bad(start);
            }
        }
        if b.get(i).is_some_and(|c| c.is_ascii_alphanumeric() || *c == b'.') {
            return bad(start);
        }
        self.pos = i;
        Ok(JsonValue::Number(self.text[start..i].to_string()))
    }

    /// A string at `self.pos` (on the opening quote): decoded text and the span with quotes.
    fn string(&mut self) -> Result<(String, Span), Error> {
        let start = self.pos;
        let b = self.bytes;
        let mut i = start + 1;
        let mut out = String::new();
        let unterminated = || Err(("unterminated string".to_string(), start));
        loop {
            // Long values (a 20 MB line) are scanned with memchr, not byte by byte.
            let Some(rel) = memchr::memchr3(b'"', b'\\', b'\n', &b[i..]) else {
                return unterminated();
            };
            out.push_str(&self.text[i..i + rel]);
            i += rel;
            match b[i] {
                b'"' => {
                    i += 1;
                    break;
                }
                b'\n' => return unterminated(),
                _ => {
                    let esc_at = i;
                    let Some(&e) = b.get(i + 1) else {
                        return unterminated();
                    };
                    i += 2;
                    match e {
                        b'"' => out.push('"'),
                        b'\\' => out.push('\\'),
                        b'/' => out.push('/'),
                        b'b' => out.push('\u{8}'),
                        b'f' => out.push('\u{c}'),
                        b'n' => out.push('\n'),
                        b'r' => out.push('\r'),
                        b't' => out.push('\t'),
                        b'u' => {
                            let hi = hex4(b, i).ok_or(("invalid \\u escape".to_string(), esc_at))?;
                            i += 4;
                            let c = if (0xD800..0xDC00).contains(&hi)
                                && b.get(i) == Some(&b'\\')
                                && b.get(i + 1) == Some(&b'u')
                                && let Some(lo) = hex4(b, i + 2)
                                && (0xDC00..0xE000).contains(&lo)
                            {
                                i += 6;
                                char::from_u32(0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00))
                            } else {
                                char::from_u32(hi)
                            };
                            // A lone surrogate is legal JSON but not a Rust char.
                            out.push(c.unwrap_or('\u{fffd}'));
                        }
                        _ => return Err(("invalid escape in string".to_string(), esc_at)),
                    }
                }
            }
        }
        self.pos = i;
        Ok((out, Span::new(start, i)))
    }
}

fn hex4(b: &[u8], at: usize) -> Option<u32> {
    let digits = b.get(at..at + 4)?;
    // from_str_radix alone would take a sign: `\u+123`.
    if !digits.iter().all(u8::is_ascii_hexdigit) {
        return None;
    }
    u32::from_str_radix(std::str::from_utf8(digits).ok()?, 16).ok()
}

fn close(stack: &mut Vec<Open>, end: usize) -> JsonNode {
    match stack.pop() {
        Some(Open::Array { start, items }) => JsonNode {
            value: JsonValue::Array(items),
            span: Span::new(start, end),
        },
        Some(Open::Object { start, members, .. }) => JsonNode {
            value: JsonValue::Object(members),
            span: Span::new(start, end),
        },
        None => JsonNode {
            value: JsonValue::Null,
            span: Span::empty(end),
        },
    }
}

fn attach(stack: &mut [Open], root: &mut Option<JsonNode>, node: JsonNode) -> State {
    match stack.last_mut() {
        None => {
            *root = Some(node);
            State::Done
        }
        Some(Open::Array { items, .. }) => {
            items.push(node);
            State::AfterValue
        }
        Some(Open::Object { members, key, .. }) => {
            // A value without its key only happens while unwinding after an error.
            if let Some(k) = key.take() {
                members.push((k, node));
            }
            State::AfterValue
        }
    }
}

/// Settings for a parsed document: scalars, one composite per keyed object/array, `[*]` items.
pub fn settings(root: &JsonNode, out: &mut Vec<Setting>) {
    let key_span = Span::empty(root.span.start);
    walk(root, "", "", key_span, false, out);
}

fn walk(node: &JsonNode, path: &str, key: &str, key_span: Span, env_list: bool, out: &mut Vec<Setting>) {
    match &node.value {
        JsonValue::Object(members) => {
            for (k, v) in members {
                let child = join_path(path, &k.name);
                if matches!(v.value, JsonValue::Object(_) | JsonValue::Array(_)) {
                    out.push(composite(child.clone(), &k.name, k.span, v.span));
                }
                let env = k.name.eq_ignore_ascii_case("environment");
                walk(v, &child, &k.name, k.span, env, out);
            }
        }
        JsonValue::Array(items) => {
            let child = item_path(path);
            for item in items {
                walk(item, &child, key, key_span, false, out);
                if env_list && let JsonValue::String(s) = &item.value {
                    let span = item.content_span();
                    let raw_matches = s.len() == span.len();
                    if let Some(setting) = env_list_item(path, s, raw_matches.then_some(span.start), span) {
                        out.push(setting);
                    }
                }
            }
        }
        _ if path.is_empty() => {}
        JsonValue::Null => out.push(scalar(path.to_string(), key, key_span, Value::Null, node.span)),
        JsonValue::Bool(b) => out.push(scalar(path.to_string(), key, key_span, Value::Bool(*b), node.span)),
        JsonValue::Number(n) => out.push(scalar(
            path.to_string(),
            key,
            key_span,
            Value::Number(n.clone()),
            node.span,
        )),
        JsonValue::String(s) => out.push(scalar(
            path.to_string(),
            key,
            key_span,
            Value::String(s.clone()),
            node.content_span(),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::syntax::config::parse_json;
    use crate::syntax::config::test_support::slice;

    #[test]
    fn settings_with_exact_spans() {
        let text = r#"{"smtp": {"host": "mail.example.com", "port": 587, "tls": false, "auth": null},
  "servers": [{"url": "http://a"}, "b\"c"], "Key\u0041": "x"}"#;
        let facts = parse_json(text);
        assert!(facts.problems.is_empty(), "{:?}", facts.problems);
        let get = |p: &str| {
            facts
                .settings
                .iter()
                .find(|s| s.path == p)
                .unwrap_or_else(|| panic!("{p}"))
        };
        let host = get("smtp.host");
        assert_eq!(slice(text, host.value_span), "mail.example.com");
        assert_eq!(slice(text, host.key_span), "host");
        assert_eq!(get("smtp.port").value, Value::Number("587".into()));
        assert_eq!(get("smtp.tls").value, Value::Bool(false));
        assert_eq!(slice(text, get("smtp.tls").value_span), "false");
        assert_eq!(get("smtp.auth").value, Value::Null);
        assert_eq!(get("smtp").value, Value::Composite);
        assert!(slice(text, get("smtp").value_span).starts_with("{\"host\""));
        assert!(slice(text, get("smtp").value_span).ends_with("null}"));
        assert_eq!(slice(text, get("servers[*].url").value_span), "http://a");
        assert_eq!(get("servers[*]").value, Value::String("b\"c".into()));
        assert_eq!(slice(text, get("servers[*]").value_span), "b\\\"c");
        let k = get("keya");
        assert_eq!(k.key, "KeyA");
        assert_eq!(slice(text, k.key_span), "Key\\u0041");
    }

    #[test]
    fn jsonc_comments_and_trailing_commas() {
        let text = "// top\n{\n  /* block\n */ \"a\": [1, 2,], // inboxlint-ignore x: y\n  \"b\": {\"c\": true,},\n}\n";
        let (root, comments, problems) = parse(text);
        assert!(problems.is_empty(), "{problems:?}");
        assert!(root.is_some());
        let texts: Vec<_> = comments.iter().map(|c| c.text.as_str()).collect();
        assert_eq!(texts, ["top", "block", "inboxlint-ignore x: y"]);
        assert_eq!(slice(text, comments[2].span), "// inboxlint-ignore x: y");
        assert_eq!(slice(text, comments[1].span), "/* block\n */");
    }

    #[test]
    fn errors_keep_what_came_before() {
        let text = "{\"password\": \"hunter2\", \"port\": 25 \"x\": 1}";
        let facts = parse_json(text);
        assert_eq!(facts.problems.len(), 1);
        assert_eq!(facts.problems[0].rule, "syntax/json");
        assert_eq!(facts.problems[0].span.start, text.find("\"x\"").expect("x"));
        assert!(facts.settings.iter().any(|s| s.path == "password"));
        assert!(facts.settings.iter().any(|s| s.path == "port"));
    }

    #[test]
    fn garbage_never_panics() {
        let deep = "[".repeat(200_000);
        let deep_obj = "{\"a\":".repeat(200_000);
        let long = format!("{{\"k\": \"{}\"}}", "x".repeat(20 << 20));
        let inputs: Vec<&str> = vec![
            "",
            "   ",
            "\0",
            "\u{feff}{}",
            "{",
            "}",
            "[1,",
            "\"abc",
            "\"\\u12",
            "\"\\ud800\"",
            "\"\\",
            "/*",
            "/",
            "{\"a\" 1}",
            "{\"a\":}",
            "[01]",
            "[-]",
            "[1.]",
            "[1e]",
            "tru",
            "nullx",
            "{\"é\":\"ü\"}x",
            "[\"a\nb\"]",
            &deep,
            &deep_obj,
            &long,
        ];
        for input in inputs {
            let facts = parse_json(input);
            for p in &facts.problems {
                assert!(p.span.end <= input.len());
                assert!(input.is_char_boundary(p.span.start) && input.is_char_boundary(p.span.end));
            }
        }
        let facts = parse_json(&deep);
        assert!(facts.problems[0].message.contains("512"));
        let facts = parse_json(&long);
        assert!(facts.problems.is_empty());
        assert_eq!(facts.settings[0].value_span.len(), 20 << 20);
        let (_, _, problems) = parse("\"\\ud800\"");
        assert!(problems.is_empty());
    }

    #[test]
    fn compose_environment_items() {
        let text = r#"{"services": {"app": {"environment": ["SMTP_PASSWORD=s3cr3t", "HOME"]}}}"#;
        let facts = parse_json(text);
        let s = facts
            .settings
            .iter()
            .find(|s| s.path == "services.app.environment.smtp_password")
            .expect("env item");
        assert_eq!(slice(text, s.value_span), "s3cr3t");
        assert_eq!(slice(text, s.key_span), "SMTP_PASSWORD");
    }
}
