//! Config formats (YAML, JSON, TOML, .env, INI) turned into located settings.
//!
//! Every parser keeps exact byte spans into the original text, never panics on any input, and
//! reports a syntax error as a located [`Problem`] while keeping the settings found before it.

pub mod env;
pub mod ini;
pub mod json;
pub mod json_schema;
pub mod toml;
pub mod yaml;

use crate::document::{Comment, Problem, Setting, Value};
use crate::source::Span;

/// Nesting deeper than this is reported instead of walked: real configs stay far below it, and
/// it keeps recursive walkers and drops well inside a 2 MiB thread stack.
pub(crate) const MAX_DEPTH: usize = 512;

/// What a config file says, with spans.
#[derive(Debug, Clone, Default)]
pub struct ConfigFacts {
    pub settings: Vec<Setting>,
    pub comments: Vec<Comment>,
    pub problems: Vec<Problem>,
}

pub fn parse_yaml(text: &str) -> ConfigFacts {
    yaml::parse(text)
}

pub fn parse_json(text: &str) -> ConfigFacts {
    let (root, comments, problems) = json::parse(text);
    let mut facts = ConfigFacts {
        settings: Vec::new(),
        comments,
        problems,
    };
    if let Some(root) = &root {
        json::settings(root, &mut facts.settings);
    }
    facts
}

pub fn parse_toml(text: &str) -> ConfigFacts {
    toml::parse(text)
}

/// `.env`, `.env.*` and docker `env_file` files.
pub fn parse_env(text: &str) -> ConfigFacts {
    env::parse(text)
}

/// `.ini` / `.cnf`: `[section]`, `key = value`, `;` and `#` comments.
pub fn parse_ini(text: &str) -> ConfigFacts {
    ini::parse(text)
}

/// `${VAR}`, `$VAR`, `${VAR:-default}`, `env(X)`, `%env(X)%`, `{{ x }}`, `<%= x %>`, `%(x)s`... : the value comes from elsewhere.
pub fn is_indirect(value: &str) -> bool {
    let v = value.trim();
    if v.is_empty() {
        return false;
    }
    const MARKERS: [&str; 12] = [
        "${",
        "$(",
        "{{",
        "{%",
        "<%",
        "#{",
        "%env(",
        "env(",
        "ENV[",
        "ENV.fetch(",
        "process.env.",
        "getenv(",
    ];
    if MARKERS.iter().any(|m| v.contains(m)) {
        return true;
    }
    if let Some(rest) = v.strip_prefix('$')
        && is_identifier(rest)
    {
        return true;
    }
    // Symfony/Windows style `%NAME%` parameters, only as the whole value: a `%` in a literal
    // password must not hide it.
    if let Some(inner) = v.strip_prefix('%').and_then(|r| r.strip_suffix('%'))
        && !inner.is_empty()
        && inner
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'-'))
    {
        return true;
    }
    has_python_format(v) || has_upper_dollar_var(v)
}

fn is_identifier(s: &str) -> bool {
    let mut bytes = s.bytes();
    matches!(bytes.next(), Some(b) if b.is_ascii_alphabetic() || b == b'_')
        && bytes.all(|b| b.is_ascii_alphanumeric() || b == b'_')
}

/// `%(name)s` (configparser, Python logging).
fn has_python_format(v: &str) -> bool {
    let b = v.as_bytes();
    let mut i = 0;
    while let Some(p) = memchr::memmem::find(&b[i..], b"%(") {
        let start = i + p + 2;
        if let Some(close) = memchr::memchr(b')', &b[start..]) {
            let name = &v[start..start + close];
            let conv = b.get(start + close + 1);
            if is_identifier(name) && conv.is_some_and(|c| c.is_ascii_alphabetic()) {
                return true;
            }
        }
        i = start;
    }
    false
}

/// `$DB_PASSWORD` inside a larger value (`postgres://u:$DB_PASSWORD@db`). Only upper-case names
/// after a non-alphanumeric byte count: literal secrets often contain a `$` followed by letters.
fn has_upper_dollar_var(v: &str) -> bool {
    let b = v.as_bytes();
    for (i, _) in b.iter().enumerate().filter(|(_, c)| **c == b'$') {
        if i > 0 && b[i - 1].is_ascii_alphanumeric() {
            continue;
        }
        let name: Vec<u8> = b[i + 1..]
            .iter()
            .copied()
            .take_while(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || *c == b'_')
            .collect();
        let next = b.get(i + 1 + name.len());
        if name.len() >= 2
            && !name[0].is_ascii_digit()
            && name.iter().any(u8::is_ascii_uppercase)
            && !next.is_some_and(|c| c.is_ascii_alphanumeric())
        {
            return true;
        }
    }
    false
}

/// `parent.key`, lower-cased; the root has an empty path.
pub(crate) fn join_path(parent: &str, key: &str) -> String {
    if parent.is_empty() {
        key.to_lowercase()
    } else {
        let mut p = String::with_capacity(parent.len() + 1 + key.len());
        p.push_str(parent);
        p.push('.');
        p.push_str(&key.to_lowercase());
        p
    }
}

/// The path of a sequence's items.
pub(crate) fn item_path(parent: &str) -> String {
    format!("{parent}[*]")
}

/// A scalar setting; `text` is the value as the program will see it (decoded).
pub(crate) fn scalar(path: String, key: &str, key_span: Span, value: Value, value_span: Span) -> Setting {
    let indirect = match &value {
        Value::String(s) | Value::Number(s) => is_indirect(s),
        _ => false,
    };
    Setting {
        path,
        key: key.to_string(),
        value,
        key_span,
        value_span,
        indirect,
    }
}

pub(crate) fn composite(path: String, key: &str, key_span: Span, value_span: Span) -> Setting {
    Setting {
        path,
        key: key.to_string(),
        value: Value::Composite,
        key_span,
        value_span,
        indirect: false,
    }
}

/// docker-compose `environment:` list items (`- KEY=VALUE`) as settings of their own, so
/// `services.app.environment.db_password` is checked like any other key.
///
/// `raw_start` is the byte offset of `item` in the source when the source bytes equal the
/// decoded item (plain or escape-free quoted scalars); otherwise both spans are `whole`.
pub(crate) fn env_list_item(parent_path: &str, item: &str, raw_start: Option<usize>, whole: Span) -> Option<Setting> {
    let (key, value, key_range, value_range) = match item.find('=') {
        Some(eq) => {
            let key = item[..eq].trim();
            let key_off = eq - item[..eq].trim_start().len();
            let value = &item[eq + 1..];
            (key, Some(value), (key_off, key_off + key.len()), (eq + 1, item.len()))
        }
        None => {
            let key = item.trim();
            let key_off = item.len() - item.trim_start().len();
            (key, None, (key_off, key_off + key.len()), (item.len(), item.len()))
        }
    };
    if key.is_empty() || key.bytes().any(|b| b.is_ascii_whitespace()) {
        return None;
    }
    let locate = |(s, e): (usize, usize)| match raw_start {
        Some(base) => Span::new(base + s, base + e),
        None => whole,
    };
    let path = join_path(parent_path, key);
    Some(match value {
        Some(v) => scalar(
            path,
            key,
            locate(key_range),
            Value::String(v.to_string()),
            locate(value_range),
        ),
        // A bare `KEY` passes the variable through from the host environment.
        None => Setting {
            path,
            key: key.to_string(),
            value: Value::Null,
            key_span: locate(key_range),
            value_span: locate(value_range),
            indirect: true,
        },
    })
}

/// A `#` comment from `hash` to the end of its line.
pub(crate) fn line_comment(text: &str, start: usize, marker_len: usize) -> (Comment, usize) {
    let bytes = text.as_bytes();
    let mut end = memchr::memchr(b'\n', &bytes[start..]).map_or(bytes.len(), |p| start + p);
    let next = end;
    if end > start && bytes[end - 1] == b'\r' {
        end -= 1;
    }
    let inner = text.get(start + marker_len..end).unwrap_or("").trim();
    (
        Comment {
            text: inner.to_string(),
            span: Span::new(start, end),
        },
        next,
    )
}

pub(crate) fn problem(rule: &'static str, message: impl Into<String>, at: usize, text: &str) -> Problem {
    let mut at = at.min(text.len());
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    // One character reads best in an editor; at the end of the text the span must be empty.
    let mut end = at;
    if at < text.len() {
        end = at + 1;
        while end < text.len() && !text.is_char_boundary(end) {
            end += 1;
        }
    }
    Problem {
        rule,
        message: message.into(),
        span: Span::new(at, end.min(text.len())),
    }
}

/// Lookups the parsers' tests share.
#[cfg(test)]
pub(crate) mod test_support {
    use super::ConfigFacts;
    use crate::document::Setting;
    use crate::source::Span;

    pub fn get<'a>(facts: &'a ConfigFacts, path: &str) -> &'a Setting {
        facts
            .settings
            .iter()
            .find(|s| s.path == path)
            .unwrap_or_else(|| panic!("no {path} in {:#?}", facts.settings))
    }

    pub fn slice(text: &str, s: Span) -> &str {
        &text[s.range()]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn indirect_values() {
        for v in [
            "${DB_PASSWORD}",
            "${SMTP_PASS:-changeme}",
            "$SECRET",
            "%env(MAILER_DSN)%",
            "%env(resolve:DATABASE_URL)%",
            "env(API_KEY)",
            "{{ .Values.password }}",
            "{{password}}",
            "<%= ENV['SMTP_PASSWORD'] %>",
            "%(here)s/data",
            "postgres://user:$DB_PASSWORD@db/app",
            "#{ENV['X']}",
            "%kernel.secret%",
        ] {
            assert!(is_indirect(v), "{v}");
        }
        for v in [
            "",
            "hunter2",
            "pa$sw0rd",
            "$2y$10$abcdefghijklmnopqrstuv",
            "100%",
            "abc$DEFg",
            "50% off",
            "disable",
        ] {
            assert!(!is_indirect(v), "{v}");
        }
    }

    #[test]
    fn env_items_split_inside_the_string() {
        let s = env_list_item(
            "services.app.environment",
            "DB_PASSWORD=x1",
            Some(10),
            Span::new(10, 24),
        )
        .expect("item");
        assert_eq!(s.path, "services.app.environment.db_password");
        assert_eq!(s.key, "DB_PASSWORD");
        assert_eq!(s.key_span, Span::new(10, 21));
        assert_eq!(s.value_span, Span::new(22, 24));
        assert_eq!(s.value, Value::String("x1".into()));
        let bare = env_list_item("e", "HOME", None, Span::new(3, 7)).expect("bare");
        assert!(bare.indirect);
        assert_eq!(bare.value, Value::Null);
        assert!(env_list_item("e", "not a var=1", None, Span::new(0, 1)).is_none());
    }

    #[test]
    fn problem_spans_stay_on_char_boundaries() {
        let p = problem("syntax/json", "x", 0, "é");
        assert_eq!(p.span, Span::new(0, 2));
        let p = problem("syntax/json", "x", 1, "é");
        assert_eq!(p.span, Span::new(0, 2));
        let p = problem("syntax/json", "x", 9, "abc");
        assert_eq!(p.span, Span::new(3, 3));
    }
}
