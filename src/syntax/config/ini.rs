//! INI-style files (`.ini`, MySQL `.cnf`, php.ini): `[section]`, `key = value` or `key: value`,
//! `;` and `#` comments (whole-line, or inline after a blank), and bare flag keys such as
//! `skip-ssl`, which MySQL reads as "on".

use super::{ConfigFacts, composite, join_path, line_comment, problem, scalar};
use crate::document::{Setting, Value};
use crate::source::Span;

const RULE: &str = "syntax/ini";
const MAX_PROBLEMS: usize = 20;

pub fn parse(text: &str) -> ConfigFacts {
    let mut facts = ConfigFacts::default();
    let b = text.as_bytes();
    let mut pos = if text.starts_with('\u{feff}') { 3 } else { 0 };
    let mut section = String::new();
    // The open section's composite setting, extended as its keys are read.
    let mut section_setting: Option<usize> = None;
    while pos < b.len() {
        let line_end = memchr::memchr(b'\n', &b[pos..]).map_or(b.len(), |p| pos + p);
        let next = (line_end + 1).min(b.len());
        let start = skip_blanks(b, pos, line_end);
        let end = trim_end(b, start, line_end);
        let line_start = pos;
        pos = next;
        if start == end {
            continue;
        }
        match b[start] {
            b';' | b'#' => facts.comments.push(line_comment(text, start, 1).0),
            b'[' => {
                let Some(close) = memchr::memchr(b']', &b[start..end]).map(|p| start + p) else {
                    facts
                        .problems
                        .push(problem(RULE, "unterminated section header", start, text));
                    continue;
                };
                let name_start = skip_blanks(b, start + 1, close);
                let name_end = trim_end(b, name_start, close);
                let name = &text[name_start..name_end];
                section = name.to_lowercase();
                let name_span = Span::new(name_start, name_end);
                facts
                    .settings
                    .push(composite(section.clone(), name, name_span, Span::new(start, close + 1)));
                section_setting = Some(facts.settings.len() - 1);
                inline_comment(text, close + 1, end, &mut facts);
            }
            // MySQL `!include` / `!includedir` name other files; nothing to check here.
            b'!' => {}
            _ if start > line_start && facts.settings.last().is_some() && !has_separator(b, start, end) => {
                // An indented line without `=` continues the previous value (configparser).
            }
            _ => {
                if let Some(setting) = entry(text, start, end, &section, &mut facts) {
                    if let Some(s) = section_setting.and_then(|i| facts.settings.get_mut(i)) {
                        s.value_span.end = s.value_span.end.max(setting.value_span.end);
                    }
                    facts.settings.push(setting);
                }
            }
        }
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

fn trim_end(b: &[u8], start: usize, mut end: usize) -> usize {
    while end > start && is_blank(b[end - 1]) {
        end -= 1;
    }
    end
}

fn has_separator(b: &[u8], start: usize, end: usize) -> bool {
    memchr::memchr2(b'=', b':', &b[start..end]).is_some()
}

/// Where an inline comment starts: `;` or `#` after a blank, outside quotes.
fn comment_start(b: &[u8], from: usize, end: usize) -> Option<usize> {
    (from..end).find(|&i| matches!(b[i], b';' | b'#') && (i == from || is_blank(b[i - 1])))
}

fn inline_comment(text: &str, from: usize, end: usize, facts: &mut ConfigFacts) {
    if let Some(c) = comment_start(text.as_bytes(), from, end) {
        facts.comments.push(line_comment(text, c, 1).0);
    }
}

fn entry(text: &str, start: usize, end: usize, section: &str, facts: &mut ConfigFacts) -> Option<Setting> {
    let b = text.as_bytes();
    let sep = memchr::memchr2(b'=', b':', &b[start..end]).map(|p| start + p);
    let key_end_limit = sep.unwrap_or_else(|| comment_start(b, start, end).unwrap_or(end));
    let key_end = trim_end(b, start, key_end_limit);
    let key = &text[start..key_end];
    let key_span = Span::new(start, key_end);
    let Some(sep) = sep else {
        if key.is_empty() || key.bytes().any(|c| c == b' ' || c == b'\t') {
            facts
                .problems
                .push(problem(RULE, "expected `key = value` or `[section]`", start, text));
            return None;
        }
        inline_comment(text, key_end, end, facts);
        return Some(scalar(
            join_path(section, key),
            key,
            key_span,
            Value::Null,
            Span::empty(key_end),
        ));
    };
    if key.is_empty() {
        facts
            .problems
            .push(problem(RULE, "missing key before `=`", start, text));
        return None;
    }
    let vstart = skip_blanks(b, sep + 1, end);
    let (value, span) = match b.get(vstart) {
        Some(&q) if vstart < end && (q == b'"' || q == b'\'') => {
            match memchr::memchr(q, &b[vstart + 1..end]).map(|p| vstart + 1 + p) {
                Some(close) => {
                    inline_comment(text, close + 1, end, facts);
                    (&text[vstart + 1..close], Span::new(vstart + 1, close))
                }
                None => {
                    facts
                        .problems
                        .push(problem(RULE, "unterminated quoted value", vstart, text));
                    (&text[vstart + 1..end], Span::new(vstart + 1, end))
                }
            }
        }
        _ => {
            let vend = match comment_start(b, vstart, end) {
                Some(c) => {
                    facts.comments.push(line_comment(text, c, 1).0);
                    trim_end(b, vstart, c)
                }
                None => end,
            };
            (&text[vstart..vend], Span::new(vstart, vend))
        }
    };
    Some(scalar(
        join_path(section, key),
        key,
        key_span,
        Value::String(value.to_string()),
        span,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::syntax::config::test_support::{get, slice};

    #[test]
    fn mysql_cnf() {
        let text = "; global\n[client]\nssl-mode=DISABLED\nuser = root ; inline\npassword=\"p;w #x\"\n\n[mysqld]\nskip-ssl\n!includedir /etc/mysql/conf.d/\n# inboxlint-ignore security/insecure-transport: local only\nbind-address: 127.0.0.1\n  continued line\n";
        let facts = parse(text);
        assert!(facts.problems.is_empty(), "{:?}", facts.problems);
        let ssl = get(&facts, "client.ssl-mode");
        assert_eq!(ssl.key, "ssl-mode");
        assert_eq!(slice(text, ssl.key_span), "ssl-mode");
        assert_eq!(slice(text, ssl.value_span), "DISABLED");
        assert_eq!(ssl.value, Value::String("DISABLED".into()));
        assert_eq!(slice(text, get(&facts, "client.user").value_span), "root");
        assert_eq!(slice(text, get(&facts, "client.password").value_span), "p;w #x");
        let client = get(&facts, "client");
        assert_eq!(client.value, Value::Composite);
        assert_eq!(slice(text, client.key_span), "client");
        assert!(slice(text, client.value_span).ends_with("p;w #x"));
        assert_eq!(get(&facts, "mysqld.skip-ssl").value, Value::Null);
        assert_eq!(slice(text, get(&facts, "mysqld.bind-address").value_span), "127.0.0.1");
        let comments: Vec<_> = facts.comments.iter().map(|c| c.text.as_str()).collect();
        assert_eq!(
            comments,
            [
                "global",
                "inline",
                "inboxlint-ignore security/insecure-transport: local only"
            ]
        );
        assert_eq!(slice(text, facts.comments[1].span), "; inline");
    }

    #[test]
    fn keys_before_any_section_and_problems() {
        let text = "top = 1\n[broken\nbad line here\n= nokey\n[ok]\nk=v\n";
        let facts = parse(text);
        assert_eq!(get(&facts, "top").key, "top");
        assert_eq!(slice(text, get(&facts, "ok.k").value_span), "v");
        assert_eq!(facts.problems.len(), 3, "{:?}", facts.problems);
        assert!(facts.problems.iter().all(|p| p.rule == "syntax/ini"));
        assert_eq!(facts.problems[0].span.start, text.find("[broken").expect("b"));
    }

    #[test]
    fn garbage_never_panics() {
        let long = format!("k={}", "x".repeat(20 << 20));
        for input in [
            "",
            "\0",
            "[",
            "]",
            "=",
            "[é]",
            "k=\"",
            "k='é",
            "\u{feff}[a]",
            "  x",
            ";",
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
    }
}
