//! `.env` files (dotenv, docker `env_file`, compose `.env`): `KEY=value` lines.
//!
//! Follows what dotenv loaders accept: optional `export`, `"double"` (escapes, may span lines),
//! `'single'` and `` `backtick` `` quotes, unquoted values ending at ` #`, and a bare `KEY`
//! line, which docker reads as "pass through from the host environment".

use super::{ConfigFacts, line_comment, problem, scalar};
use crate::document::{Setting, Value};
use crate::source::Span;

const RULE: &str = "syntax/env";
const MAX_PROBLEMS: usize = 20;

pub fn parse(text: &str) -> ConfigFacts {
    let mut facts = ConfigFacts::default();
    let b = text.as_bytes();
    let mut pos = if text.starts_with('\u{feff}') { 3 } else { 0 };
    while pos < b.len() {
        let line_end = memchr::memchr(b'\n', &b[pos..]).map_or(b.len(), |p| pos + p);
        pos = line(text, pos, line_end, &mut facts);
    }
    facts.problems.truncate(MAX_PROBLEMS);
    facts
}

fn is_blank(c: u8) -> bool {
    c == b' ' || c == b'\t' || c == b'\r'
}

fn skip_blanks(b: &[u8], mut i: usize, end: usize) -> usize {
    while i < end && is_blank(b[i]) {
        i += 1;
    }
    i
}

fn is_key_byte(c: u8) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, b'_' | b'.' | b'-')
}

/// One logical line starting at `start`; returns where the next one starts (a quoted value may
/// run over several physical lines).
fn line(text: &str, start: usize, line_end: usize, facts: &mut ConfigFacts) -> usize {
    let b = text.as_bytes();
    let next_line = (line_end + 1).min(b.len());
    let mut i = skip_blanks(b, start, line_end);
    if i == line_end {
        return next_line;
    }
    if b[i] == b'#' {
        facts.comments.push(line_comment(text, i, 1).0);
        return next_line;
    }
    if b[i..line_end].starts_with(b"export") && b.get(i + 6).is_some_and(|c| *c == b' ' || *c == b'\t') {
        i = skip_blanks(b, i + 6, line_end);
    }
    let key_start = i;
    while i < line_end && is_key_byte(b[i]) {
        i += 1;
    }
    let key_end = i;
    let key = &text[key_start..key_end];
    i = skip_blanks(b, i, line_end);
    let rest = b.get(i).copied();
    if key.is_empty() || !(rest == Some(b'=') || i == line_end || rest == Some(b'#')) {
        let message = "expected KEY=value";
        facts
            .problems
            .push(problem(RULE, message, key_end.max(key_start), text));
        return next_line;
    }
    let key_span = Span::new(key_start, key_end);
    let path = key.to_lowercase();
    if rest != Some(b'=') {
        // Bare `KEY`: docker takes the value from the host environment.
        facts.settings.push(Setting {
            path,
            key: key.to_string(),
            value: Value::Null,
            key_span,
            value_span: Span::empty(key_end),
            indirect: true,
        });
        trailing(text, i, line_end, facts);
        return next_line;
    }
    i = skip_blanks(b, i + 1, line_end);
    match b.get(i) {
        Some(&q) if i < line_end && (q == b'"' || q == b'\'' || q == b'`') => {
            let open = i;
            match closing_quote(b, open + 1, q) {
                Some(close) => {
                    let raw = &text[open + 1..close];
                    let value = if q == b'"' { unescape(raw) } else { raw.to_string() };
                    facts.settings.push(scalar(
                        path,
                        key,
                        key_span,
                        Value::String(value),
                        Span::new(open + 1, close),
                    ));
                    let after_end = memchr::memchr(b'\n', &b[close..]).map_or(b.len(), |p| close + p);
                    trailing(text, close + 1, after_end, facts);
                    (after_end + 1).min(b.len())
                }
                None => {
                    facts
                        .problems
                        .push(problem(RULE, "unterminated quoted value", open, text));
                    let end = trim_end(b, open + 1, line_end);
                    facts.settings.push(scalar(
                        path,
                        key,
                        key_span,
                        Value::String(text[open + 1..end].to_string()),
                        Span::new(open + 1, end),
                    ));
                    next_line
                }
            }
        }
        _ => {
            // Unquoted: ends at a ` #` comment or the end of the line.
            let mut end = i;
            let mut comment = None;
            while end < line_end {
                if b[end] == b'#' && (end == i || is_blank(b[end - 1])) {
                    comment = Some(end);
                    break;
                }
                end += 1;
            }
            let end = trim_end(b, i, end);
            facts.settings.push(scalar(
                path,
                key,
                key_span,
                Value::String(text[i..end].to_string()),
                Span::new(i, end),
            ));
            if let Some(c) = comment {
                facts.comments.push(line_comment(text, c, 1).0);
            }
            next_line
        }
    }
}

fn trim_end(b: &[u8], start: usize, mut end: usize) -> usize {
    while end > start && is_blank(b[end - 1]) {
        end -= 1;
    }
    end
}

/// After a value: blanks, then maybe a comment; anything else is ignored, as loaders do.
fn trailing(text: &str, from: usize, line_end: usize, facts: &mut ConfigFacts) {
    let b = text.as_bytes();
    let i = skip_blanks(b, from.min(line_end), line_end);
    if i < line_end && b[i] == b'#' {
        facts.comments.push(line_comment(text, i, 1).0);
    }
}

fn closing_quote(b: &[u8], mut i: usize, q: u8) -> Option<usize> {
    loop {
        let rel = if q == b'"' {
            memchr::memchr2(q, b'\\', &b[i..])?
        } else {
            memchr::memchr(q, &b[i..])?
        };
        i += rel;
        if b[i] == q {
            return Some(i);
        }
        i += 2;
        if i > b.len() {
            return None;
        }
    }
}

fn unescape(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    let mut chars = raw.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n') => out.push('\n'),
            Some('r') => out.push('\r'),
            Some('t') => out.push('\t'),
            Some(other) => out.push(other),
            None => out.push('\\'),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::syntax::config::test_support::{get, slice};

    #[test]
    fn quoting_export_and_comments() {
        let text = "# Mautic\nexport APP_ENV=prod\nKEY=\"a b\" # why\nSINGLE='x #y'\nDB_PASSWORD=hunter2 # inboxlint-ignore security/hardcoded-secret: test\nEMPTY=\nURL=http://x/#frag\n  SPACED = v  \r\nESC=\"l1\\nl2\\\"\"\nMULTI=\"line1\nline2\"\nAFTER=1\nPASSTHROUGH\nMAILER_DSN=${MAILER_DSN}\n";
        let facts = parse(text);
        assert!(facts.problems.is_empty(), "{:?}", facts.problems);
        let app = get(&facts, "app_env");
        assert_eq!(app.key, "APP_ENV");
        assert_eq!(slice(text, app.key_span), "APP_ENV");
        assert_eq!(slice(text, app.value_span), "prod");
        let key = get(&facts, "key");
        assert_eq!(key.value, Value::String("a b".into()));
        assert_eq!(slice(text, key.value_span), "a b");
        assert_eq!(get(&facts, "single").value, Value::String("x #y".into()));
        let pw = get(&facts, "db_password");
        assert_eq!(slice(text, pw.value_span), "hunter2");
        assert!(!pw.indirect);
        assert_eq!(get(&facts, "empty").value, Value::String(String::new()));
        assert_eq!(slice(text, get(&facts, "url").value_span), "http://x/#frag");
        assert_eq!(slice(text, get(&facts, "spaced").value_span), "v");
        assert_eq!(get(&facts, "esc").value, Value::String("l1\nl2\"".into()));
        assert_eq!(get(&facts, "multi").value, Value::String("line1\nline2".into()));
        assert_eq!(get(&facts, "after").value, Value::String("1".into()));
        let pass = get(&facts, "passthrough");
        assert!(pass.indirect);
        assert_eq!(pass.value, Value::Null);
        assert!(get(&facts, "mailer_dsn").indirect);
        let comments: Vec<_> = facts
            .comments
            .iter()
            .map(|c| (c.text.as_str(), slice(text, c.span)))
            .collect();
        assert_eq!(
            comments,
            [
                ("Mautic", "# Mautic"),
                ("why", "# why"),
                (
                    "inboxlint-ignore security/hardcoded-secret: test",
                    "# inboxlint-ignore security/hardcoded-secret: test"
                ),
            ]
        );
    }

    #[test]
    fn bad_lines_are_problems() {
        let text = "GOOD=1\nnot a line\nKEY=\"open\nLATER=2\n";
        let facts = parse(text);
        assert_eq!(facts.problems.len(), 2, "{:?}", facts.problems);
        assert!(facts.problems.iter().all(|p| p.rule == "syntax/env"));
        assert_eq!(facts.problems[0].span.start, text.find("not").expect("n") + 3);
        assert_eq!(facts.problems[1].span.start, text.find("\"open").expect("o"));
        assert!(facts.settings.iter().any(|s| s.path == "later"));
        assert!(facts.settings.iter().any(|s| s.path == "good"));
    }

    #[test]
    fn garbage_never_panics() {
        let long = format!("K={}", "x".repeat(20 << 20));
        for input in [
            "",
            "\0",
            "=",
            "=x",
            "\"",
            "K=\"\\",
            "K='",
            "é=1",
            "K=é #",
            "export",
            "export ",
            "\u{feff}A=1",
            "K=\"a\"b",
            &long,
        ] {
            let facts = parse(input);
            for s in &facts.settings {
                assert!(input.get(s.value_span.range()).is_some());
                assert!(input.get(s.key_span.range()).is_some());
            }
            for p in &facts.problems {
                assert!(input.get(p.span.range()).is_some());
            }
        }
        assert_eq!(parse(&long).settings[0].value_span.len(), 20 << 20);
        assert_eq!(parse("export").settings[0].path, "export");
    }
}
