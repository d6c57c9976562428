//! TOML settings from `toml`'s spanned, error-recovering parser.

use super::{ConfigFacts, MAX_DEPTH, composite, item_path, join_path, problem, scalar};
use crate::document::{Comment, Setting, Value};
use crate::source::Span;
use toml::Spanned;
use toml::de::{DeTable, DeValue};

const RULE: &str = "syntax/toml";
/// The parser recovers and may report one error per line of a broken file; a handful located
/// ones say enough.
const MAX_PROBLEMS: usize = 20;

pub fn parse(text: &str) -> ConfigFacts {
    let mut facts = ConfigFacts::default();
    let (root, errors) = DeTable::parse_recoverable(text);
    for e in &errors {
        // Errors without a span (the recursion limit) point at the start.
        let p = problem(RULE, e.message(), e.span().map_or(0, |r| r.start), text);
        // Recovery reports some errors twice (an unclosed array at the end of the input).
        let repeated = facts
            .problems
            .iter()
            .any(|q| q.span == p.span && q.message == p.message);
        if !repeated && facts.problems.len() < MAX_PROBLEMS {
            facts.problems.push(p);
        }
    }
    let mut walker = Walker {
        text,
        out: Vec::new(),
        too_deep: None,
    };
    walker.table(root.get_ref(), "", 0);
    if let Some(at) = walker.too_deep {
        let message = format!("nesting deeper than {MAX_DEPTH} levels");
        facts.problems.push(problem(RULE, message, at, text));
    }
    facts.settings = walker.out;
    // Tables come back ordered by key, not by position.
    facts.settings.sort_by_key(|s| (s.key_span.start, s.value_span.start));
    facts.comments = comments(text);
    facts
}

struct Walker<'a> {
    text: &'a str,
    out: Vec<Setting>,
    too_deep: Option<usize>,
}

impl Walker<'_> {
    fn table(&mut self, table: &DeTable<'_>, path: &str, depth: usize) {
        for (k, v) in table.iter() {
            let key: &str = k.get_ref();
            let key_span = self.key_span(k.span().into());
            let child = join_path(path, key);
            self.value(v, child, key, key_span, depth + 1);
        }
    }

    fn value(&mut self, v: &Spanned<DeValue<'_>>, path: String, key: &str, key_span: Span, depth: usize) {
        if depth > MAX_DEPTH {
            self.too_deep.get_or_insert(key_span.start);
            return;
        }
        let span: Span = v.span().into();
        let raw = self.text.get(span.range()).unwrap_or("");
        let setting = match v.get_ref() {
            DeValue::String(s) => scalar(
                path,
                key,
                key_span,
                Value::String(s.to_string()),
                string_content(span, raw),
            ),
            DeValue::Integer(i) => scalar(path, key, key_span, Value::Number(i.as_str().into()), span),
            DeValue::Float(f) => scalar(path, key, key_span, Value::Number(f.as_str().into()), span),
            DeValue::Boolean(b) => scalar(path, key, key_span, Value::Bool(*b), span),
            DeValue::Datetime(d) => scalar(path, key, key_span, Value::String(d.to_string()), span),
            DeValue::Table(t) => {
                let extent = Span::new(span.start.min(key_span.start), extent_end(v, span.end, 0));
                self.out.push(composite(path.clone(), key, key_span, extent));
                self.table(t, &path, depth);
                return;
            }
            DeValue::Array(items) => {
                let extent = Span::new(span.start, extent_end(v, span.end, 0));
                self.out.push(composite(path.clone(), key, key_span, extent));
                let item = item_path(&path);
                for it in items.iter() {
                    match it.get_ref() {
                        // `[[smtp]]` entries: their keys, not the entry, are the settings.
                        DeValue::Table(t) => self.table(t, &item, depth + 1),
                        _ => self.value(it, item.clone(), key, key_span, depth + 1),
                    }
                }
                return;
            }
        };
        self.out.push(setting);
    }

    fn key_span(&self, span: Span) -> Span {
        let raw = self.text.as_bytes().get(span.range()).unwrap_or(&[]);
        match raw {
            [q, .., l] if (*q == b'"' || *q == b'\'') && l == q => Span::new(span.start + 1, span.end - 1),
            _ => span,
        }
    }
}

/// Where a table or array really ends: its header or brackets, or its last nested value.
fn extent_end(v: &Spanned<DeValue<'_>>, mut end: usize, depth: usize) -> usize {
    end = end.max(v.span().end);
    if depth > MAX_DEPTH {
        return end;
    }
    match v.get_ref() {
        DeValue::Table(t) => {
            for (k, child) in t.iter() {
                end = end.max(k.span().end);
                end = extent_end(child, end, depth + 1);
            }
        }
        DeValue::Array(items) => {
            for child in items.iter() {
                end = extent_end(child, end, depth + 1);
            }
        }
        _ => {}
    }
    end
}

/// Spans of string values without their delimiters (`"`, `'`, `"""`, `'''`).
fn string_content(span: Span, raw: &str) -> Span {
    for delim in ["\"\"\"", "'''", "\"", "'"] {
        let n = delim.len();
        if raw.len() >= 2 * n && raw.starts_with(delim) && raw.ends_with(delim) {
            return Span::new(span.start + n, span.end - n);
        }
    }
    span
}

/// `#` comments: TOML has no other place a `#` can be outside a string.
fn comments(text: &str) -> Vec<Comment> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        let Some(rel) = memchr::memchr3(b'#', b'"', b'\'', &b[i..]) else {
            break;
        };
        i += rel;
        match b[i] {
            b'#' => {
                let (comment, next) = super::line_comment(text, i, 1);
                out.push(comment);
                i = next;
            }
            q => {
                let triple = b.get(i..i + 3) == Some(&[q, q, q][..]);
                i = if triple {
                    skip_multiline(b, i + 3, q)
                } else {
                    skip_line_string(b, i + 1, q)
                };
            }
        }
    }
    out
}

fn skip_line_string(b: &[u8], mut i: usize, q: u8) -> usize {
    while let Some(&c) = b.get(i) {
        match c {
            b'\\' if q == b'"' => i += 2,
            b'\n' => return i,
            c if c == q => return i + 1,
            _ => i += 1,
        }
    }
    b.len()
}

fn skip_multiline(b: &[u8], mut i: usize, q: u8) -> usize {
    while let Some(rel) = memchr::memchr2(q, b'\\', &b[i.min(b.len())..]) {
        i += rel;
        if b[i] == b'\\' && q == b'"' {
            i += 2;
            continue;
        }
        if b[i] == q && b.get(i..i + 3) == Some(&[q, q, q][..]) {
            // Up to two more quotes may close the string as content (`""""` ends with a `"`).
            let mut end = i + 3;
            while end < b.len() && b[end] == q && end < i + 5 {
                end += 1;
            }
            return end;
        }
        i += 1;
    }
    b.len()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::syntax::config::test_support::{get, slice};

    #[test]
    fn listmonk_db_ssl_mode() {
        let text = "[app]\naddress = \"0.0.0.0:9000\"\n\n[db]\nhost = \"localhost\"\nport = 5432\nssl_mode = \"disable\"\nmax_open = 25\n";
        let facts = parse(text);
        assert!(facts.problems.is_empty(), "{:?}", facts.problems);
        let ssl = get(&facts, "db.ssl_mode");
        assert_eq!(ssl.value, Value::String("disable".into()));
        assert_eq!(slice(text, ssl.value_span), "disable");
        assert_eq!(slice(text, ssl.key_span), "ssl_mode");
        assert_eq!(ssl.key, "ssl_mode");
        assert_eq!(get(&facts, "db.port").value, Value::Number("5432".into()));
        let db = get(&facts, "db");
        assert_eq!(db.value, Value::Composite);
        assert_eq!(slice(text, db.key_span), "db");
        assert!(slice(text, db.value_span).starts_with("[db]"));
        assert!(slice(text, db.value_span).ends_with("max_open = 25"));
        // Document order, not key order.
        let paths: Vec<_> = facts.settings.iter().map(|s| s.path.as_str()).collect();
        assert_eq!(
            paths,
            [
                "app",
                "app.address",
                "db",
                "db.host",
                "db.port",
                "db.ssl_mode",
                "db.max_open"
            ]
        );
    }

    #[test]
    fn arrays_of_tables_and_string_forms() {
        let text = "[[smtp]]\nhost = 'h1'\ntls_enabled = false\n[[smtp]]\nhost = \"\"\"\nh2\"\"\"\n\"Odd.Key\" = 1.5\narr = [\"a\", 2]\ninl = { user = \"${SMTP_USER}\" }\nwhen = 1979-05-27\n";
        let facts = parse(text);
        assert!(facts.problems.is_empty(), "{:?}", facts.problems);
        let hosts: Vec<_> = facts
            .settings
            .iter()
            .filter(|s| s.path == "smtp[*].host")
            .map(|s| slice(text, s.value_span))
            .collect();
        assert_eq!(hosts, ["h1", "\nh2"]);
        assert_eq!(get(&facts, "smtp[*].tls_enabled").value, Value::Bool(false));
        let odd = get(&facts, "smtp[*].odd.key");
        assert_eq!(odd.key, "Odd.Key");
        assert_eq!(slice(text, odd.key_span), "Odd.Key");
        assert_eq!(get(&facts, "smtp[*].arr[*]").key, "arr");
        assert!(get(&facts, "smtp[*].inl.user").indirect);
        assert_eq!(get(&facts, "smtp[*].when").value, Value::String("1979-05-27".into()));
        assert_eq!(get(&facts, "smtp").value, Value::Composite);
    }

    #[test]
    fn comments_skip_strings() {
        let text = "# top\na = \"x # y\" # inboxlint-ignore a/b: c\nb = '''\n# no\n''' #after\nc = \"\\\"#\" #z\n";
        let facts = parse(text);
        assert!(facts.problems.is_empty(), "{:?}", facts.problems);
        let got: Vec<_> = facts
            .comments
            .iter()
            .map(|c| (c.text.as_str(), slice(text, c.span)))
            .collect();
        assert_eq!(
            got,
            [
                ("top", "# top"),
                ("inboxlint-ignore a/b: c", "# inboxlint-ignore a/b: c"),
                ("after", "#after"),
                ("z", "#z"),
            ]
        );
    }

    #[test]
    fn errors_are_located_and_recoverable() {
        let text = "[db]\npassword = \"x\"\nbroken = \nport = 1\n";
        let facts = parse(text);
        assert!(!facts.problems.is_empty());
        assert_eq!(facts.problems[0].rule, "syntax/toml");
        assert_eq!(facts.problems[0].span.start / 10, text.find("broken").expect("b") / 10);
        assert!(facts.settings.iter().any(|s| s.path == "db.password"));
    }

    #[test]
    fn garbage_never_panics() {
        let deep = format!("x = {}", "[".repeat(200_000));
        let deep_inline = format!("x = {}", "{a=".repeat(200_000));
        let dotted = format!("{} = 1", vec!["a"; 200_000].join("."));
        let header = format!("[{}]", vec!["a"; 200_000].join("."));
        let long = format!("k = \"{}\"", "x".repeat(20 << 20));
        let inputs: Vec<&str> = vec![
            "",
            "\0",
            "=",
            "[",
            "[[",
            "a = \"",
            "a = '''",
            "a = \"\"\"x",
            "\u{feff}a = 1",
            "a = 1\na = 2",
            "é = 1",
            "a = \"é",
            "[a]\n[a]",
            "a = [1,",
            "a = {",
            "a.b = 1\na = 2",
            &deep,
            &deep_inline,
            &dotted,
            &header,
            &long,
        ];
        for input in inputs {
            let facts = parse(input);
            for p in &facts.problems {
                assert!(input.is_char_boundary(p.span.start) && input.is_char_boundary(p.span.end));
            }
            for s in &facts.settings {
                assert!(input.get(s.value_span.range()).is_some(), "{s:?}");
            }
        }
        assert!(!parse(&dotted).problems.is_empty());
        assert_eq!(parse(&long).settings[0].value_span.len(), 20 << 20);
    }
}
