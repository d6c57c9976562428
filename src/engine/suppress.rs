//! Inline suppressions (DESIGN.md §8), read from comments of every syntax a file can hold:
//!
//! - `inboxlint-ignore RULE[, RULE]: reason`: the line of a trailing comment, otherwise the
//!   next line with content that is not itself a comment; when that line starts with an HTML
//!   start tag, the whole start tag (which may span lines).
//! - `inboxlint-ignore-file RULE: reason`: the whole file.
//! - `inboxlint-ignore-start RULE: reason` … `inboxlint-ignore-end [RULE]`: the bytes between.
//!
//! RULE is an id (`privacy/pii-in-url`) or a group (`privacy`, `privacy/*`). Suppressed findings
//! stay in the output, marked with the reason; a missing reason, an unknown rule, a stray
//! `-end` and a suppression that silences nothing are findings of their own.

use super::comment_syntax::strip_close;
use super::facts;
use crate::diagnostic::{Diagnostic, Severity, Suppression};
use crate::document::{Comment, Document, SourceFormat};
use crate::source::Span;
use regex::Regex;
use std::sync::LazyLock;

pub const MISSING_REASON: &str = "suppression/missing-reason";
pub const UNUSED: &str = "suppression/unused";
pub const INVALID: &str = "suppression/invalid";

/// The meta rules this module reports, with their default severities and what they mean.
pub const META_RULES: &[(&str, Severity, &str)] = &[
    (
        MISSING_REASON,
        Severity::Info,
        "a suppression comment gives no reason after a colon",
    ),
    (
        UNUSED,
        Severity::Warning,
        "a suppression comment names a rule that ran and reported nothing there",
    ),
    (
        INVALID,
        Severity::Warning,
        "a suppression comment names no rule or an unknown one, or an `-end` has no `-start`",
    ),
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Next,
    File,
    Start,
    End,
}

#[derive(Debug, Clone)]
struct Directive {
    kind: Kind,
    /// Rule ids or groups as written, with their spans.
    tokens: Vec<(String, Span)>,
    reason: Option<String>,
    /// From `inboxlint-ignore` to the end of the directive's text.
    span: Span,
    /// The comment that holds it.
    comment: Span,
}

static DIRECTIVE: LazyLock<Option<Regex>> =
    LazyLock::new(|| Regex::new(r"inboxlint-ignore(?:-(file|start|end))?").ok());

fn is_token_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '/' | '-' | '_' | '.' | '*')
}

/// Every directive in the file's comments, in source order, plus findings about malformed ones.
fn directives(comments: &[Comment], text: &str) -> (Vec<Directive>, Vec<(Span, String)>) {
    let mut out: Vec<Directive> = Vec::new();
    let mut bad = Vec::new();
    let Some(re) = DIRECTIVE.as_ref() else {
        return (out, bad);
    };
    for c in comments {
        let Some(raw) = text.get(c.span.range()) else {
            continue;
        };
        for m in re.captures_iter(raw) {
            let Some(whole) = m.get(0) else { continue };
            let start = c.span.start + whole.start();
            // A template comment inside an HTML comment is listed twice; read it once.
            if out.iter().any(|d| d.span.start == start) {
                continue;
            }
            let line_end = raw[whole.end()..].find('\n').map_or(raw.len(), |p| whole.end() + p);
            let body = strip_close(&raw[whole.end()..line_end]);
            let kind = match m.get(1).map(|g| g.as_str()) {
                None => Kind::Next,
                Some("file") => Kind::File,
                Some("start") => Kind::Start,
                _ => Kind::End,
            };
            if body.starts_with(|ch: char| !ch.is_whitespace() && ch != ':') {
                bad.push((
                    Span::new(start, start + whole.len() + body.len()),
                    format!(
                        "`{}{}` is not a suppression: use inboxlint-ignore, -file, -start or -end",
                        whole.as_str(),
                        body.split_whitespace().next().unwrap_or_default()
                    ),
                ));
                continue;
            }
            let body_start = c.span.start + whole.end();
            let mut tokens = Vec::new();
            let mut i = 0;
            let bytes = body.as_bytes();
            loop {
                while i < bytes.len() && (bytes[i] == b',' || bytes[i].is_ascii_whitespace()) {
                    i += 1;
                }
                let from = i;
                while i < body.len() && body[i..].chars().next().is_some_and(is_token_char) {
                    i += 1;
                }
                if i == from {
                    break;
                }
                tokens.push((body[from..i].to_string(), Span::new(body_start + from, body_start + i)));
            }
            let rest = body[i..].trim();
            let reason = rest
                .strip_prefix(':')
                .map(str::trim)
                .filter(|r| !r.is_empty())
                .map(str::to_string);
            out.push(Directive {
                kind,
                tokens,
                reason,
                span: Span::new(start, body_start + body.len()),
                comment: c.span,
            });
        }
    }
    (out, bad)
}

fn token_matches(token: &str, rule: &str) -> bool {
    let group = rule.split('/').next().unwrap_or(rule);
    token == rule || token.trim_end_matches("/*") == group
}

fn line_start(text: &str, at: usize) -> usize {
    text.get(..at).and_then(|t| t.rfind('\n')).map_or(0, |p| p + 1)
}

fn line_end(text: &str, at: usize) -> usize {
    text.get(at..).and_then(|t| t.find('\n')).map_or(text.len(), |p| at + p)
}

/// Whether `at` lies inside one of `comments` (sorted by start); returns that comment's end.
fn comment_at(comments: &[Comment], at: usize) -> Option<usize> {
    let i = comments.partition_point(|c| c.span.start <= at);
    comments[..i]
        .iter()
        .rev()
        .find(|c| c.span.contains_offset(at))
        .map(|c| c.span.end)
}

/// The first byte at or after `from` that is neither whitespace nor inside a comment.
fn next_code(text: &str, comments: &[Comment], from: usize) -> Option<usize> {
    let mut at = from;
    while at < text.len() {
        let c = text.get(at..)?.chars().next()?;
        if c.is_whitespace() {
            at += c.len_utf8();
        } else if let Some(end) = comment_at(comments, at) {
            at = end.max(at + 1);
        } else {
            return Some(at);
        }
    }
    None
}

/// The bytes an `inboxlint-ignore` in `comment` covers, or None when nothing follows it.
fn next_scope(doc: &Document, text: &str, comments: &[Comment], comment: Span) -> Option<Span> {
    let ls = line_start(text, comment.start);
    let before = &text[ls..comment.start];
    let trailing = before
        .char_indices()
        .any(|(i, c)| !c.is_whitespace() && comment_at(comments, ls + i).is_none());
    if trailing {
        return Some(Span::new(ls, line_end(text, comment.start)));
    }
    let at = next_code(text, comments, comment.end)?;
    let mut end = line_end(text, at);
    if matches!(doc.format, SourceFormat::Html | SourceFormat::Mjml) {
        let i = doc.elements.partition_point(|e| e.span.start < at);
        if let Some(el) = doc.elements.get(i).filter(|e| e.span.start == at) {
            end = end.max(line_end(text, el.span.end.saturating_sub(1)));
        }
    }
    Some(Span::new(line_start(text, at), end))
}

fn covers(scope: Span, span: Span) -> bool {
    scope.start <= span.start && span.start <= scope.end
}

/// What the linter knows about the run, for telling unused and unknown suppressions apart.
pub struct Context<'a> {
    /// Whether a rule id exists in this profile (or is an `input/`/`syntax/` problem).
    pub known: &'a dyn Fn(&str) -> bool,
    /// Ids of the rules that ran on this file; only their suppressions can be unused.
    pub ran: &'a [String],
    /// The severity a meta rule runs at here (config and `--select`/`--ignore`), None when off.
    pub level: &'a dyn Fn(&str, Severity) -> Option<Severity>,
}

/// Mark the findings that inline comments suppress, and add findings about the comments.
pub fn apply(doc: &Document, text: &str, diagnostics: &mut Vec<Diagnostic>, cx: &Context<'_>) {
    // Most files have no suppressions: skip collecting their comments.
    if memchr::memmem::find(text.as_bytes(), b"inboxlint-ignore").is_none() {
        return;
    }
    let comments = facts::all_comments(doc, text);
    if comments.is_empty() {
        return;
    }
    let (directives, malformed) = directives(&comments, text);
    let mut meta: Vec<(&'static str, Span, String)> =
        malformed.into_iter().map(|(span, msg)| (INVALID, span, msg)).collect();
    if directives.is_empty() && meta.is_empty() {
        return;
    }
    let whole = Span::new(0, text.len());
    // Each directive's scope; `-end` closes the open `-start`s it names (all when it names none).
    let mut scopes: Vec<Option<Span>> = vec![None; directives.len()];
    let mut open: Vec<usize> = Vec::new();
    for (i, d) in directives.iter().enumerate() {
        match d.kind {
            Kind::Next => scopes[i] = next_scope(doc, text, &comments, d.comment),
            Kind::File => scopes[i] = Some(whole),
            Kind::Start => open.push(i),
            Kind::End => {
                let before = open.len();
                open.retain(|&s| {
                    let closes = d.tokens.is_empty()
                        || directives[s]
                            .tokens
                            .iter()
                            .any(|(t, _)| d.tokens.iter().any(|(e, _)| e == t));
                    if closes {
                        scopes[s] = Some(Span::new(directives[s].comment.end, d.comment.start));
                    }
                    !closes
                });
                if open.len() == before {
                    meta.push((
                        INVALID,
                        d.span,
                        "this `inboxlint-ignore-end` closes no `inboxlint-ignore-start` above it".into(),
                    ));
                }
            }
        }
    }
    for s in open {
        scopes[s] = Some(Span::new(directives[s].comment.end, text.len()));
        meta.push((
            INVALID,
            directives[s].span,
            "this `inboxlint-ignore-start` is never closed, so it suppresses to the end of the file".into(),
        ));
    }
    // Most specific first: a line's reason wins over a range's, a range's over the file's.
    let mut order: Vec<usize> = (0..directives.len()).collect();
    order.sort_by_key(|&i| match directives[i].kind {
        Kind::Next => 0,
        Kind::Start => 1,
        _ => 2,
    });
    let mut used = vec![Vec::<bool>::new(); directives.len()];
    for (i, d) in directives.iter().enumerate() {
        used[i] = vec![false; d.tokens.len()];
    }
    for diag in diagnostics.iter_mut() {
        for &i in &order {
            let Some(scope) = scopes[i] else { continue };
            if !covers(scope, diag.span) {
                continue;
            }
            let d = &directives[i];
            for (t, (token, _)) in d.tokens.iter().enumerate() {
                if token_matches(token, &diag.rule) {
                    used[i][t] = true;
                    if diag.suppressed.is_none() {
                        diag.suppressed = Some(Suppression {
                            kind: "inline",
                            reason: d.reason.clone(),
                        });
                    }
                }
            }
        }
    }
    for (i, d) in directives.iter().enumerate() {
        if d.kind == Kind::End {
            continue;
        }
        if d.tokens.is_empty() {
            meta.push((
                INVALID,
                d.span,
                "this suppression names no rule: write `inboxlint-ignore RULE: reason`".into(),
            ));
            continue;
        }
        if d.reason.is_none() {
            meta.push((
                MISSING_REASON,
                d.span,
                "this suppression gives no reason: add one after a colon, e.g. `: legacy CDN, see #12`".into(),
            ));
        }
        for (t, (token, span)) in d.tokens.iter().enumerate() {
            if !(cx.known)(token) {
                meta.push((
                    INVALID,
                    *span,
                    format!("`{token}` is not a rule id or group inboxlint knows"),
                ));
            } else if !used[i][t] && cx.ran.iter().any(|r| token_matches(token, r)) {
                let what = if scopes[i].is_none() {
                    "nothing follows this suppression".to_string()
                } else {
                    format!("`{token}` reports nothing where this comment suppresses it")
                };
                meta.push((UNUSED, *span, what));
            }
        }
    }
    for (rule, span, message) in meta {
        let Some((_, default, _)) = META_RULES.iter().find(|(id, _, _)| *id == rule) else {
            continue;
        };
        let Some(severity) = (cx.level)(rule, *default) else {
            continue;
        };
        diagnostics.push(
            Diagnostic::new(rule, severity, message, span)
                .with_help(help(rule))
                .with_url("https://github.com/inboxlint/inboxlint/blob/main/README.md#suppressions"),
        );
    }
}

fn help(rule: &str) -> &'static str {
    match rule {
        MISSING_REASON => "A reason tells the next reader why the finding is acceptable: `inboxlint-ignore RULE: why`.",
        UNUSED => "Remove the rule from the comment (or the comment), or move it to the line it should cover.",
        _ => {
            "Write `inboxlint-ignore RULE[, RULE]: reason`, `-file`, or a `-start`/`-end` pair; RULE is an id or a group."
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn comment(text: &str, needle: &str) -> Comment {
        let start = text.find(needle).expect("needle");
        Comment {
            text: needle.to_string(),
            span: Span::new(start, start + needle.len()),
        }
    }

    #[test]
    fn directive_parsing() {
        let text = "<!-- inboxlint-ignore a/b, c d/e: because of x -->";
        let (d, bad) = directives(&[comment(text, text)], text);
        assert!(bad.is_empty());
        assert_eq!(d.len(), 1);
        let toks: Vec<_> = d[0]
            .tokens
            .iter()
            .map(|(t, s)| (t.as_str(), &text[s.range()]))
            .collect();
        assert_eq!(toks, [("a/b", "a/b"), ("c", "c"), ("d/e", "d/e")]);
        assert_eq!(d[0].reason.as_deref(), Some("because of x"));
        assert_eq!(&text[d[0].span.range()], "inboxlint-ignore a/b, c d/e: because of x");

        let text = "{# inboxlint-ignore-file x/y #}";
        let (d, _) = directives(&[comment(text, text)], text);
        assert_eq!(d[0].kind, Kind::File);
        assert_eq!(d[0].reason, None);
        assert_eq!(d[0].tokens.len(), 1);

        let text = "-- inboxlint-ignore-bogus x";
        let (d, bad) = directives(&[comment(text, text)], text);
        assert!(d.is_empty());
        assert_eq!(bad.len(), 1);
    }

    #[test]
    fn tokens_match_ids_and_groups() {
        assert!(token_matches("privacy/pii-in-url", "privacy/pii-in-url"));
        assert!(token_matches("privacy", "privacy/pii-in-url"));
        assert!(token_matches("privacy/*", "privacy/pii-in-url"));
        assert!(!token_matches("priv", "privacy/pii-in-url"));
        assert!(!token_matches("privacy/pii", "privacy/pii-in-url"));
    }

    #[test]
    fn no_panic_on_odd_comments() {
        for text in [
            "<!--inboxlint-ignore",
            "# inboxlint-ignore-end",
            "{{!inboxlint-ignore-start}}",
            "é inboxlint-ignore é:é",
        ] {
            let c = Comment {
                text: text.into(),
                span: Span::new(0, text.len()),
            };
            let _ = directives(&[c], text);
        }
    }
}
