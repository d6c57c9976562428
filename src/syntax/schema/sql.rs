//! SQL DDL → schema facts.
//!
//! Columns come from a token-level reading of `CREATE TABLE`, `ALTER TABLE ... ADD` and
//! `COMMENT ON COLUMN` statements, not from tree-sitter-sequel's tree: on everyday MySQL
//! (`DEFAULT current_timestamp()`, `CHARACTER SET ascii`) the grammar drops whole runs of
//! columns into ERROR nodes, and on valid Postgres it misreads `DEFAULT 0 NOT NULL` as a broken
//! `NOT LIKE`. For the same reason [`parse_sql`](super::parse_sql) reports only errors that
//! hold in every dialect (unclosed strings, comments and parentheses, empty or comma-less
//! column definitions).
//!
//! The lexer knows strings (with `''` and, for MySQL, `\'`), quoted identifiers, dollar quotes
//! and comments, so nothing inside them is mistaken for DDL, and comment spans are exact.

use std::collections::HashMap;

use super::{SchemaFacts, normalize, normalized};
use crate::document::{Comment, Field, Problem};
use crate::source::Span;

const RULE: &str = "syntax/sql";

/// Words that may sit between `CREATE` and `TABLE`.
const CREATE_MODIFIERS: &[&str] = &[
    "or",
    "replace",
    "temp",
    "temporary",
    "unlogged",
    "global",
    "local",
    "foreign",
    "external",
    "transient",
];

/// Items of a table body that are never columns (all reserved words in Postgres and MySQL).
const TABLE_CONSTRAINTS: &[&str] = &[
    "primary",
    "constraint",
    "foreign",
    "check",
    "unique",
    "fulltext",
    "spatial",
    "exclude",
    "like",
    "period",
];

/// `ALTER TABLE t ADD <this> ...` adds something other than a column.
const ADD_NON_COLUMN: &[&str] = &[
    "constraint",
    "primary",
    "unique",
    "foreign",
    "check",
    "index",
    "key",
    "fulltext",
    "spatial",
    "partition",
    "exclude",
];

/// Words that extend a type name (`int unsigned`, `character varying`, `double precision`).
const TYPE_MODIFIERS: &[&str] = &["unsigned", "signed", "zerofill", "varying", "precision", "array"];

/// Words that start a column constraint, so a column without a type (SQLite) is not read as
/// having the type `primary`.
const CONSTRAINT_STARTS: &[&str] = &[
    "not",
    "null",
    "primary",
    "default",
    "references",
    "unique",
    "check",
    "constraint",
    "generated",
    "collate",
    "comment",
    "auto_increment",
    "as",
];

/// `key` and `index` are column names in Postgres but index definitions in MySQL; they are a
/// column only when a type follows.
const COMMON_TYPES: &[&str] = &[
    "text",
    "varchar",
    "char",
    "character",
    "int",
    "integer",
    "bigint",
    "smallint",
    "tinyint",
    "mediumint",
    "serial",
    "bigserial",
    "smallserial",
    "boolean",
    "bool",
    "uuid",
    "json",
    "jsonb",
    "date",
    "time",
    "timestamp",
    "timestamptz",
    "datetime",
    "numeric",
    "decimal",
    "real",
    "float",
    "double",
    "bytea",
    "blob",
    "longtext",
    "mediumtext",
    "tinytext",
    "longblob",
    "citext",
    "inet",
    "string",
];

pub(super) fn parse(text: &str) -> SchemaFacts {
    let mut scan = Scan::new(text);
    scan.run();
    let Scan {
        lexer,
        pending,
        column_comments,
        problem,
        ..
    } = scan;
    let Lexer {
        comments,
        error: lex_error,
        ..
    } = lexer;

    // pg_dump writes a COMMENT ON COLUMN per commented column: index them by column name.
    let mut by_column: HashMap<String, Vec<&ColumnComment>> = HashMap::new();
    for c in &column_comments {
        by_column.entry(c.column.to_lowercase()).or_default().push(c);
    }
    let fields = pending
        .into_iter()
        .map(|p| p.finish(text, &comments, &by_column))
        .collect();

    // An unclosed string causes the structural errors after it, so it is the one to report.
    let problem = lex_error.or(problem);

    SchemaFacts {
        fields,
        comments,
        problems: problem.into_iter().collect(),
    }
}

// ---------------------------------------------------------------------------------------------
// Lexer

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Word,
    /// `"name"` or `` `name` ``: an identifier, never a keyword.
    Quoted,
    Str,
    Num,
    Punct(u8),
}

#[derive(Debug, Clone, Copy)]
struct Token {
    kind: Kind,
    start: usize,
    end: usize,
    /// For quoted tokens: whether the closing quote is there.
    closed: bool,
}

struct Lexer<'a> {
    text: &'a str,
    bytes: &'a [u8],
    pos: usize,
    /// MySQL: backslash escapes in strings, `#` comments anywhere, no dollar quotes.
    mysql: bool,
    comments: Vec<Comment>,
    error: Option<Problem>,
}

fn is_word_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b == b'$' || b >= 0x80
}

impl<'a> Lexer<'a> {
    fn new(text: &'a str) -> Self {
        Lexer {
            text,
            bytes: text.as_bytes(),
            pos: 0,
            mysql: looks_like_mysql(text.as_bytes()),
            comments: Vec::new(),
            error: None,
        }
    }

    fn fail(&mut self, message: String, span: Span) {
        if self.error.is_none() {
            self.error = Some(Problem {
                rule: RULE,
                message,
                span,
            });
        }
    }

    fn next_token(&mut self) -> Option<Token> {
        loop {
            let start = self.pos;
            let b = *self.bytes.get(start)?;
            let next = self.bytes.get(start + 1).copied();
            match b {
                b' ' | b'\t' | b'\n' | b'\r' | 0x0b | 0x0c => self.pos += 1,
                b'-' if next == Some(b'-') => self.line_comment(start, 2),
                b'#' if self.mysql || self.at_line_start(start) => {
                    self.line_comment(start, 1);
                }
                b'/' if next == Some(b'*') => self.block_comment(start),
                b'\'' => {
                    let escapes = self.mysql || self.after_escape_prefix(start);
                    return Some(self.quoted(start, b'\'', Kind::Str, escapes));
                }
                b'"' => return Some(self.quoted(start, b'"', Kind::Quoted, self.mysql)),
                b'`' => return Some(self.quoted(start, b'`', Kind::Quoted, false)),
                b'$' if !self.mysql => {
                    if let Some(token) = self.dollar_quoted(start) {
                        return Some(token);
                    }
                    self.pos += 1;
                    return Some(self.token(Kind::Punct(b), start));
                }
                b'0'..=b'9' => {
                    self.pos = self.scan_while(start, |c| c.is_ascii_alphanumeric() || c == b'_' || c == b'.');
                    return Some(self.token(Kind::Num, start));
                }
                c if is_word_byte(c) && c != b'$' => {
                    self.pos = self.scan_while(start, is_word_byte);
                    return Some(self.token(Kind::Word, start));
                }
                _ => {
                    self.pos += 1;
                    return Some(self.token(Kind::Punct(b), start));
                }
            }
        }
    }

    fn token(&self, kind: Kind, start: usize) -> Token {
        Token {
            kind,
            start,
            end: self.pos,
            closed: true,
        }
    }

    fn scan_while(&self, from: usize, keep: impl Fn(u8) -> bool) -> usize {
        let rest = self.bytes.get(from..).unwrap_or(&[]);
        from + rest.iter().position(|&c| !keep(c)).unwrap_or(rest.len())
    }

    /// Postgres has `#` operators, so a `#` starts a comment there only as a line's first
    /// non-blank (MySQL scripts run through other tools often use that form).
    fn at_line_start(&self, at: usize) -> bool {
        let before = &self.bytes[..at];
        match before.iter().rposition(|&c| !matches!(c, b' ' | b'\t' | b'\r')) {
            None => true,
            Some(i) => before[i] == b'\n',
        }
    }

    /// `E'...'` is Postgres' string with backslash escapes.
    fn after_escape_prefix(&self, at: usize) -> bool {
        at >= 1 && matches!(self.bytes[at - 1], b'e' | b'E') && (at < 2 || !is_word_byte(self.bytes[at - 2]))
    }

    fn line_comment(&mut self, start: usize, delimiter: usize) {
        let rest = self.bytes.get(start..).unwrap_or(&[]);
        let end = start + memchr::memchr(b'\n', rest).unwrap_or(rest.len());
        let span_end = if end > start && self.bytes[end - 1] == b'\r' {
            end - 1
        } else {
            end
        };
        let inner = self.text.get(start + delimiter..span_end).unwrap_or("");
        self.comments.push(Comment {
            text: inner.trim().to_string(),
            span: Span::new(start, span_end),
        });
        self.pos = end;
    }

    fn block_comment(&mut self, start: usize) {
        let body = start + 2;
        let rest = self.text.get(body..).unwrap_or("");
        let (inner_end, end) = match rest.find("*/") {
            Some(i) => (body + i, body + i + 2),
            None => {
                self.fail("this `/*` comment is never closed".into(), Span::new(start, body));
                (self.text.len(), self.text.len())
            }
        };
        self.comments.push(Comment {
            text: self.text.get(body..inner_end).unwrap_or("").trim().to_string(),
            span: Span::new(start, end),
        });
        self.pos = end;
    }

    /// A string or quoted identifier; a doubled quote stands for itself.
    fn quoted(&mut self, start: usize, quote: u8, kind: Kind, backslash: bool) -> Token {
        let len = self.bytes.len();
        let mut i = start + 1;
        loop {
            let rest = self.bytes.get(i..).unwrap_or(&[]);
            let hit = if backslash {
                memchr::memchr2(quote, b'\\', rest)
            } else {
                memchr::memchr(quote, rest)
            };
            let Some(offset) = hit else {
                let what = if kind == Kind::Str { "string" } else { "quoted name" };
                self.fail(format!("this {what} is never closed"), Span::new(start, start + 1));
                self.pos = len;
                return Token {
                    kind,
                    start,
                    end: len,
                    closed: false,
                };
            };
            let at = i + offset;
            if self.bytes[at] == b'\\' || self.bytes.get(at + 1) == Some(&quote) {
                i = (at + 2).min(len);
                continue;
            }
            self.pos = at + 1;
            return self.token(kind, start);
        }
    }

    /// `$$ ... $$` or `$tag$ ... $tag$`; `$1` parameters are not quotes.
    fn dollar_quoted(&mut self, start: usize) -> Option<Token> {
        let tag_end = self.scan_while(start + 1, |c| c.is_ascii_alphanumeric() || c == b'_');
        if self.bytes.get(tag_end) != Some(&b'$') {
            return None;
        }
        if self.bytes.get(start + 1).is_some_and(u8::is_ascii_digit) {
            return None;
        }
        let delimiter = self.text.get(start..=tag_end)?;
        let body = tag_end + 1;
        let rest = self.text.get(body..).unwrap_or("");
        self.pos = match rest.find(delimiter) {
            Some(i) => body + i + delimiter.len(),
            None => {
                self.fail(
                    format!("this `{delimiter}` quote is never closed"),
                    Span::new(start, body),
                );
                self.text.len()
            }
        };
        Some(self.token(Kind::Str, start))
    }
}

/// Backslash escapes and `#` comments change how the whole file lexes, so they follow the
/// dialect; MySQL dumps give themselves away with backticks or table options.
fn looks_like_mysql(b: &[u8]) -> bool {
    let starts_with = |at: usize, word: &[u8]| b.get(at..at + word.len()).is_some_and(|w| w.eq_ignore_ascii_case(word));
    memchr::memchr(b'`', b).is_some()
        || memchr::memchr2_iter(b'e', b'E', b)
            .any(|i| starts_with(i, b"engine") && b[i + 6..].iter().find(|c| !c.is_ascii_whitespace()) == Some(&b'='))
        || memchr::memchr2_iter(b'a', b'A', b).any(|i| starts_with(i, b"auto_increment"))
}

// ---------------------------------------------------------------------------------------------
// Statements

/// A field whose comments are attached once the whole file (and every comment) is known.
struct Pending {
    field: Field,
    /// Where comments directly above count: the column, and its `ADD` / `ALTER` lines.
    anchors: [Option<usize>; 3],
}

struct ColumnComment {
    table: String,
    column: String,
    text: String,
}

struct Scan<'a> {
    text: &'a str,
    lexer: Lexer<'a>,
    pending: Vec<Pending>,
    column_comments: Vec<ColumnComment>,
    problem: Option<Problem>,
}

impl<'a> Scan<'a> {
    fn new(text: &'a str) -> Self {
        Scan {
            text,
            lexer: Lexer::new(text),
            pending: Vec::new(),
            column_comments: Vec::new(),
            problem: None,
        }
    }

    /// Only the tail of a statement from its first top-level DDL keyword is kept, so a 20 MB
    /// `INSERT` costs no memory.
    fn run(&mut self) {
        let mut statement: Vec<Token> = Vec::new();
        let mut depth = 0usize;
        while let Some(token) = self.lexer.next_token() {
            match token.kind {
                Kind::Punct(b';') => {
                    self.statement(&statement);
                    statement.clear();
                    depth = 0;
                    continue;
                }
                Kind::Punct(b'(') => depth += 1,
                Kind::Punct(b')') => depth = depth.saturating_sub(1),
                Kind::Word if depth == 0 && statement.is_empty() => {
                    let word = self.word(&token);
                    if ["create", "alter", "comment"]
                        .iter()
                        .any(|k| word.eq_ignore_ascii_case(k))
                    {
                        statement.push(token);
                    }
                    continue;
                }
                _ => {}
            }
            if !statement.is_empty() {
                statement.push(token);
            }
        }
        self.statement(&statement);
    }

    fn word(&self, token: &Token) -> &'a str {
        self.text.get(token.start..token.end).unwrap_or("")
    }

    fn is_word(&self, token: Option<&Token>, keyword: &str) -> bool {
        token.is_some_and(|t| t.kind == Kind::Word && self.word(t).eq_ignore_ascii_case(keyword))
    }

    fn is_any_word(&self, token: Option<&Token>, keywords: &[&str]) -> bool {
        keywords.iter().any(|k| self.is_word(token, k))
    }

    fn fail(&mut self, message: String, span: Span) {
        if self.problem.is_none() {
            self.problem = Some(Problem {
                rule: RULE,
                message,
                span,
            });
        }
    }

    fn statement(&mut self, tokens: &[Token]) {
        let mut i = 0;
        let mut depth = 0usize;
        while i < tokens.len() {
            if depth == 0
                && let Some(next) = self.ddl_at(tokens, i)
            {
                i = next.max(i + 1);
                continue;
            }
            match tokens[i].kind {
                Kind::Punct(b'(') => depth += 1,
                Kind::Punct(b')') => depth = depth.saturating_sub(1),
                _ => {}
            }
            i += 1;
        }
    }

    fn ddl_at(&mut self, tokens: &[Token], i: usize) -> Option<usize> {
        let first = tokens.get(i);
        if self.is_word(first, "create") {
            self.create_table(tokens, i)
        } else if self.is_word(first, "alter") {
            self.alter_table(tokens, i)
        } else if self.is_word(first, "comment") {
            self.comment_on(tokens, i)
        } else {
            None
        }
    }

    /// A statement that a missing `;` let run into the previous one.
    fn starts_statement(&self, tokens: &[Token], i: usize) -> bool {
        let first = tokens.get(i);
        if self.is_word(first, "alter") {
            return self.is_word(tokens.get(i + 1), "table");
        }
        if self.is_word(first, "comment") {
            return self.is_word(tokens.get(i + 1), "on");
        }
        if self.is_word(first, "create") {
            let mut j = i + 1;
            while self.is_any_word(tokens.get(j), CREATE_MODIFIERS) {
                j += 1;
            }
            return self.is_word(tokens.get(j), "table");
        }
        false
    }

    /// `a.b."c"` → (["a", "b", "c"], index after it).
    fn qualified_name(&self, tokens: &[Token], mut i: usize) -> Option<(Vec<String>, usize)> {
        let mut parts = Vec::new();
        loop {
            let token = tokens.get(i)?;
            let (name, _) = self.identifier(token)?;
            parts.push(name);
            i += 1;
            let dot = tokens.get(i).is_some_and(|t| t.kind == Kind::Punct(b'.'));
            let more = tokens.get(i + 1).and_then(|t| self.identifier(t)).is_some();
            if !(dot && more) {
                return Some((parts, i));
            }
            i += 1;
        }
    }

    /// A name as the database sees it, and the span of its characters without quotes.
    fn identifier(&self, token: &Token) -> Option<(String, Span)> {
        match token.kind {
            Kind::Word => Some((self.word(token).to_string(), Span::new(token.start, token.end))),
            Kind::Quoted => {
                let inner_end = if token.closed { token.end - 1 } else { token.end };
                let inner = self.text.get(token.start + 1..inner_end)?;
                let quote = &self.text[token.start..token.start + 1];
                let doubled = quote.repeat(2);
                Some((inner.replace(&doubled, quote), Span::new(token.start + 1, inner_end)))
            }
            _ => None,
        }
    }

    fn create_table(&mut self, tokens: &[Token], i: usize) -> Option<usize> {
        let mut j = i + 1;
        while self.is_any_word(tokens.get(j), CREATE_MODIFIERS) {
            j += 1;
        }
        if !self.is_word(tokens.get(j), "table") {
            return None;
        }
        j += 1;
        if self.is_word(tokens.get(j), "if") && self.is_word(tokens.get(j + 1), "not") {
            j += 3;
        }
        let (parts, j) = self.qualified_name(tokens, j)?;
        let table = parts.join(".");
        let open = tokens.get(j)?;
        if open.kind != Kind::Punct(b'(') {
            // `CREATE TABLE t AS SELECT ...`, `PARTITION OF ...`: no column list to read.
            return Some(j);
        }
        let close = matching(tokens, j);
        if close.is_none() {
            self.fail(
                format!("the column list of table `{table}` is never closed"),
                Span::new(open.start, open.end),
            );
        }
        let end = close.unwrap_or(tokens.len());
        let body = &tokens[j + 1..end];
        if !body.is_empty() {
            for item in split_commas(body) {
                match item {
                    Item::Tokens(item) => {
                        for item in self.split_missing_commas(&table, item) {
                            if let Some(p) = self.column(&table, item, [None; 2], true) {
                                self.pending.push(p);
                            }
                        }
                    }
                    Item::Empty(at) => self.fail(
                        format!("empty column definition in table `{table}`"),
                        Span::new(at, at + 1),
                    ),
                }
            }
        }
        Some(close.map_or(tokens.len(), |c| c + 1))
    }

    fn alter_table(&mut self, tokens: &[Token], i: usize) -> Option<usize> {
        if !self.is_word(tokens.get(i + 1), "table") {
            return None;
        }
        let mut j = i + 2;
        if self.is_word(tokens.get(j), "if") && self.is_word(tokens.get(j + 1), "exists") {
            j += 2;
        }
        if self.is_word(tokens.get(j), "only") {
            j += 1;
        }
        let (parts, mut j) = self.qualified_name(tokens, j)?;
        let table = parts.join(".");
        if tokens.get(j).is_some_and(|t| t.kind == Kind::Punct(b'*')) {
            j += 1;
        }
        let mut end = j;
        let mut depth = 0usize;
        while end < tokens.len() && !(depth == 0 && self.starts_statement(tokens, end)) {
            match tokens[end].kind {
                Kind::Punct(b'(') => depth += 1,
                Kind::Punct(b')') => depth = depth.saturating_sub(1),
                _ => {}
            }
            end += 1;
        }
        let specs = &tokens[j..end];
        let mut first_spec = true;
        for spec in split_commas(specs) {
            let Item::Tokens(spec) = spec else { continue };
            let statement = first_spec.then_some(tokens[i].start);
            first_spec = false;
            let anchors = [Some(spec[0].start), statement];
            if !self.is_word(spec.first(), "add") {
                continue;
            }
            let mut k = 1;
            let explicit = self.is_word(spec.get(k), "column");
            if explicit {
                k += 1;
            }
            if self.is_word(spec.get(k), "if") && self.is_word(spec.get(k + 1), "not") {
                k += 3;
            }
            let Some(rest) = spec.get(k..).filter(|r| !r.is_empty()) else {
                continue;
            };
            if rest[0].kind == Kind::Punct(b'(') {
                // MySQL: `ADD (a int, b text)`.
                let close = matching(rest, 0).unwrap_or(rest.len());
                for item in split_commas(&rest[1..close]) {
                    if let Item::Tokens(item) = item
                        && let Some(p) = self.column(&table, item, anchors, true)
                    {
                        self.pending.push(p);
                    }
                }
                continue;
            }
            if !explicit && self.is_any_word(rest.first(), ADD_NON_COLUMN) {
                continue;
            }
            let rest = self.without_position(rest);
            if let Some(p) = self.column(&table, rest, anchors, false) {
                self.pending.push(p);
            }
        }
        Some(end)
    }

    /// `a int NOT NULL` + newline + `b text` with the comma forgotten: every database rejects
    /// it, and reading it as one column would hide `b` from the rules.
    fn split_missing_commas<'t>(&mut self, table: &str, item: &'t [Token]) -> Vec<&'t [Token]> {
        let mut parts = Vec::new();
        let mut start = 0;
        let mut depth = 0usize;
        for (k, token) in item.iter().enumerate().skip(2) {
            match token.kind {
                Kind::Punct(b'(') => depth += 1,
                Kind::Punct(b')') => depth = depth.saturating_sub(1),
                Kind::Word | Kind::Quoted
                    if depth == 0
                        && k >= start + 2
                        && starts_line(self.text.as_bytes(), token.start)
                        && !self.is_any_word(Some(token), CONSTRAINT_STARTS)
                        && !self.is_any_word(Some(token), TABLE_CONSTRAINTS)
                        && !self.is_any_word(Some(token), TYPE_MODIFIERS)
                        && !self.is_any_word(Some(token), &["with", "without"])
                        && self.is_any_word(item.get(k + 1), COMMON_TYPES) =>
                {
                    let name = self.identifier(token).map(|(n, _)| n).unwrap_or_default();
                    self.fail(
                        format!("missing `,` before column `{name}` in table `{table}`"),
                        Span::new(token.start, token.end),
                    );
                    parts.push(&item[start..k]);
                    start = k;
                }
                _ => {}
            }
        }
        parts.push(&item[start..]);
        parts
    }

    /// MySQL's `FIRST` / `AFTER other` says where the column goes, not what it is: a column
    /// added `AFTER encrypted_ssn` is not encrypted.
    fn without_position<'t>(&self, item: &'t [Token]) -> &'t [Token] {
        let n = item.len();
        if n >= 3 && self.is_word(item.get(n - 2), "after") {
            &item[..n - 2]
        } else if n >= 3 && self.is_word(item.last(), "first") {
            &item[..n - 1]
        } else {
            item
        }
    }

    fn comment_on(&mut self, tokens: &[Token], i: usize) -> Option<usize> {
        if !(self.is_word(tokens.get(i + 1), "on") && self.is_word(tokens.get(i + 2), "column")) {
            return None;
        }
        let (mut parts, j) = self.qualified_name(tokens, i + 3)?;
        if !self.is_word(tokens.get(j), "is") {
            return Some(j);
        }
        let mut k = j + 1;
        // `IS E'...'`: the prefix lexes as a word touching the string.
        if let (Some(prefix), Some(next)) = (tokens.get(k), tokens.get(k + 1))
            && prefix.kind == Kind::Word
            && next.kind == Kind::Str
            && prefix.end == next.start
        {
            k += 1;
        }
        let Some(literal) = tokens.get(k).filter(|t| t.kind == Kind::Str) else {
            return Some(k);
        };
        let column = parts.pop()?;
        self.column_comments.push(ColumnComment {
            table: parts.join("."),
            column,
            text: string_content(self.text, literal),
        });
        Some(k + 1)
    }

    /// One item of a column list: a column, or `None` for a table constraint or junk.
    fn column(&self, table: &str, item: &[Token], anchors: [Option<usize>; 2], in_table_body: bool) -> Option<Pending> {
        let first = item.first()?;
        if in_table_body && first.kind == Kind::Word {
            if self.is_any_word(Some(first), TABLE_CONSTRAINTS) {
                return None;
            }
            if self.is_any_word(Some(first), &["key", "index"]) && !self.is_any_word(item.get(1), COMMON_TYPES) {
                return None;
            }
        }
        let (name, name_span) = self.identifier(first)?;
        let (ty, after_type) = match self.type_end(item) {
            Some(k) => {
                let span = Span::new(item[1].start, item[k - 1].end);
                (normalized(self.text.get(span.range()).unwrap_or("")), k)
            }
            None => (String::new(), 1),
        };
        let last = item.last().map_or(first.end, |t| t.end);
        let mut annotations = String::new();
        if let Some(rest) = item.get(after_type) {
            normalize(self.text.get(rest.start..last).unwrap_or(""), &mut annotations);
        }
        Some(Pending {
            field: Field {
                table: table.to_string(),
                name,
                ty,
                annotations,
                span: Span::new(first.start, last),
                name_span,
            },
            anchors: [Some(first.start), anchors[0], anchors[1]],
        })
    }

    /// Index just past the column's type in `item` (whose token 0 is the name).
    fn type_end(&self, item: &[Token]) -> Option<usize> {
        let base = item.get(1)?;
        let named = matches!(base.kind, Kind::Word | Kind::Quoted);
        if !named || self.is_any_word(Some(base), CONSTRAINT_STARTS) {
            return None;
        }
        let mut k = 2;
        while item.get(k).is_some_and(|t| t.kind == Kind::Punct(b'.'))
            && item
                .get(k + 1)
                .is_some_and(|t| matches!(t.kind, Kind::Word | Kind::Quoted))
        {
            k += 2;
        }
        while let Some(token) = item.get(k) {
            match token.kind {
                Kind::Punct(b'(') => k = matching(item, k).map_or(item.len(), |c| c + 1),
                Kind::Punct(b'[') => {
                    let close = item[k..].iter().take(3).position(|t| t.kind == Kind::Punct(b']'));
                    match close {
                        Some(c) => k += c + 1,
                        None => break,
                    }
                }
                Kind::Word if self.is_any_word(Some(token), TYPE_MODIFIERS) => k += 1,
                Kind::Word
                    if self.is_any_word(Some(token), &["with", "without"])
                        && self.is_word(item.get(k + 1), "time")
                        && self.is_word(item.get(k + 2), "zone") =>
                {
                    k += 3
                }
                _ => break,
            }
        }
        Some(k)
    }
}

enum Item<'t> {
    Tokens(&'t [Token]),
    /// An empty item (`a int,, b int`); the byte offset of the comma after it.
    Empty(usize),
}

/// Splits at top-level commas.
fn split_commas(tokens: &[Token]) -> Vec<Item<'_>> {
    let mut items = Vec::new();
    let mut depth = 0usize;
    let mut start = 0;
    for (i, token) in tokens.iter().enumerate() {
        match token.kind {
            Kind::Punct(b'(') => depth += 1,
            Kind::Punct(b')') => depth = depth.saturating_sub(1),
            Kind::Punct(b',') if depth == 0 => {
                items.push(if start == i {
                    Item::Empty(token.start)
                } else {
                    Item::Tokens(&tokens[start..i])
                });
                start = i + 1;
            }
            _ => {}
        }
    }
    match tokens.get(start..) {
        Some(rest) if !rest.is_empty() => items.push(Item::Tokens(rest)),
        _ => {
            if let Some(comma) = tokens.last().filter(|_| start > 0) {
                items.push(Item::Empty(comma.start));
            }
        }
    }
    items
}

/// Index of the `)` closing the `(` at `open`.
fn matching(tokens: &[Token], open: usize) -> Option<usize> {
    let mut depth = 0usize;
    for (i, token) in tokens.iter().enumerate().skip(open) {
        match token.kind {
            Kind::Punct(b'(') => depth += 1,
            Kind::Punct(b')') => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    return Some(i);
                }
            }
            _ => {}
        }
    }
    None
}

/// The value of a string literal token.
fn string_content(text: &str, token: &Token) -> String {
    let raw = text.get(token.start..token.end).unwrap_or("");
    if let Some(rest) = raw.strip_prefix('$') {
        // `$tag$body$tag$`
        let tag_len = rest.find('$').map_or(0, |i| i + 2);
        let body_end = if token.closed && raw.len() >= 2 * tag_len {
            raw.len() - tag_len
        } else {
            raw.len()
        };
        return raw.get(tag_len..body_end).unwrap_or("").to_string();
    }
    let inner = raw.strip_prefix('\'').unwrap_or(raw);
    let inner = if token.closed {
        inner.strip_suffix('\'').unwrap_or(inner)
    } else {
        inner
    };
    inner.replace("''", "'")
}

// ---------------------------------------------------------------------------------------------
// Comments → annotations

impl Pending {
    fn finish(
        mut self,
        text: &str,
        comments: &[Comment],
        column_comments: &HashMap<String, Vec<&ColumnComment>>,
    ) -> Field {
        let mut attached: Vec<usize> = Vec::new();
        for anchor in self.anchors.into_iter().flatten() {
            leading_comments(text, comments, anchor, &mut attached);
        }
        trailing_comments(text, comments, self.field.span.end, &mut attached);
        attached.sort_unstable();
        attached.dedup();
        let field = &mut self.field;
        for i in attached {
            normalize(&comments[i].text, &mut field.annotations);
        }
        let named = column_comments.get(&field.name.to_lowercase());
        for c in named.into_iter().flatten() {
            if same_table(&c.table, &field.table) {
                normalize(&c.text, &mut field.annotations);
            }
        }
        self.field
    }
}

/// `public.users` and `users` are the same table unless both name a (different) schema.
fn same_table(a: &str, b: &str) -> bool {
    if a.contains('.') && b.contains('.') {
        return a.eq_ignore_ascii_case(b);
    }
    let last = |s: &str| s.rsplit('.').next().unwrap_or(s).to_string();
    last(a).eq_ignore_ascii_case(&last(b))
}

/// Comments on the lines directly above `anchor` (no blank line in between), and a comment
/// right before it on its own line; a comment that ends another line of code belongs to that
/// code instead.
fn leading_comments(text: &str, comments: &[Comment], anchor: usize, out: &mut Vec<usize>) {
    let bytes = text.as_bytes();
    let mut cursor = anchor;
    let mut k = comments.partition_point(|c| c.span.end <= anchor);
    while k > 0 {
        k -= 1;
        let c = &comments[k];
        let gap = bytes.get(c.span.end..cursor).unwrap_or(&[]);
        // Leading commas are allowed: `-- note` above `, ssn text`.
        if gap.iter().rev().any(|&b| !(b.is_ascii_whitespace() || b == b',')) {
            break;
        }
        let newlines = gap.iter().rev().filter(|&&b| b == b'\n').take(2).count();
        if newlines >= 2 {
            break;
        }
        if newlines == 1 && !starts_line(bytes, c.span.start) {
            break;
        }
        out.push(k);
        cursor = c.span.start;
    }
}

fn starts_line(bytes: &[u8], at: usize) -> bool {
    let before = &bytes[..at.min(bytes.len())];
    match before.iter().rposition(|&c| !matches!(c, b' ' | b'\t' | b'\r')) {
        None => true,
        Some(i) => before[i] == b'\n',
    }
}

/// Comments after `end` on the same line, past nothing but `,` `)` `;`.
fn trailing_comments(text: &str, comments: &[Comment], end: usize, out: &mut Vec<usize>) {
    let bytes = text.as_bytes();
    let mut cursor = end;
    let mut k = comments.partition_point(|c| c.span.start < end);
    while let Some(c) = comments.get(k) {
        let gap = bytes.get(cursor..c.span.start).unwrap_or(&[]);
        if gap
            .iter()
            .any(|&b| !matches!(b, b' ' | b'\t' | b'\r' | b',' | b')' | b';'))
        {
            break;
        }
        out.push(k);
        cursor = c.span.end;
        k += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn field<'f>(facts: &'f SchemaFacts, table: &str, name: &str) -> &'f Field {
        facts
            .fields
            .iter()
            .find(|f| f.table == table && f.name == name)
            .unwrap_or_else(|| panic!("no field {table}.{name} in {:#?}", facts.fields))
    }

    #[test]
    fn postgres_table_with_comment_marker() {
        let sql = "CREATE TABLE public.patients (\n  id serial PRIMARY KEY,\n  -- encrypted with pgcrypto\n  ssn text NOT NULL,\n  \"Email\" character varying(255) UNIQUE, -- contact\n  born timestamp with time zone\n);\n";
        let facts = parse(sql);
        assert!(facts.problems.is_empty(), "{:?}", facts.problems);
        assert_eq!(facts.fields.len(), 4);
        let ssn = field(&facts, "public.patients", "ssn");
        assert_eq!(ssn.ty, "text");
        assert_eq!(ssn.annotations, "not null encrypted with pgcrypto");
        assert_eq!(&sql[ssn.name_span.range()], "ssn");
        assert_eq!(&sql[ssn.span.range()], "ssn text NOT NULL");
        let id = field(&facts, "public.patients", "id");
        assert_eq!(id.annotations, "primary key");
        let email = field(&facts, "public.patients", "Email");
        assert_eq!(&sql[email.name_span.range()], "Email");
        assert_eq!(email.ty, "character varying(255)");
        assert_eq!(email.annotations, "unique contact");
        let born = field(&facts, "public.patients", "born");
        assert_eq!(born.ty, "timestamp with time zone");
        assert_eq!(born.annotations, "");
        assert_eq!(facts.comments.len(), 2);
        assert_eq!(facts.comments[0].text, "encrypted with pgcrypto");
        assert_eq!(&sql[facts.comments[0].span.range()], "-- encrypted with pgcrypto");
    }

    #[test]
    fn mysql_backtick_table() {
        let sql = "# users\nCREATE TABLE `users` (\n  `id` int(10) unsigned NOT NULL AUTO_INCREMENT,\n  `ip` varchar(100) CHARACTER SET ascii DEFAULT NULL,\n  `created` timestamp NOT NULL DEFAULT current_timestamp(),\n  `ssn` varbinary(255) COMMENT 'AES_ENCRYPT', # app key\n  `a``b` text,\n  PRIMARY KEY (`id`),\n  KEY `ip_index` (`ip`),\n  CONSTRAINT `fk` FOREIGN KEY (`id`) REFERENCES `other` (`id`)\n) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;\n";
        let facts = parse(sql);
        let names: Vec<&str> = facts.fields.iter().map(|f| f.name.as_str()).collect();
        assert_eq!(names, ["id", "ip", "created", "ssn", "a`b"]);
        assert!(facts.fields.iter().all(|f| f.table == "users"));
        let id = field(&facts, "users", "id");
        assert_eq!(id.ty, "int(10) unsigned");
        assert_eq!(&sql[id.name_span.range()], "id");
        let ssn = field(&facts, "users", "ssn");
        assert_eq!(ssn.ty, "varbinary(255)");
        assert_eq!(ssn.annotations, "comment 'aes_encrypt' app key");
        assert_eq!(field(&facts, "users", "ip").ty, "varchar(100)");
        let texts: Vec<&str> = facts.comments.iter().map(|c| c.text.as_str()).collect();
        assert_eq!(texts, ["users", "app key"]);
    }

    #[test]
    fn comment_on_column_anywhere() {
        let sql = "COMMENT ON COLUMN users.phone IS 'Encrypted: KMS';\nCREATE TABLE public.users (phone text, name text);\nCOMMENT ON COLUMN public.users.name IS 'it''s PII';\nCOMMENT ON COLUMN other.phone IS 'no';\n";
        let facts = parse(sql);
        assert_eq!(field(&facts, "public.users", "phone").annotations, "encrypted: kms");
        assert_eq!(field(&facts, "public.users", "name").annotations, "it's pii");
    }

    #[test]
    fn alter_table_add_column() {
        let sql = "-- stored with pgp_sym_encrypt\nALTER TABLE users ADD COLUMN ssn bytea NOT NULL, ADD dob date;\nALTER TABLE `lists` ADD COLUMN `mode` int(11) unsigned DEFAULT 0 NOT NULL AFTER `encrypted_x`;\nALTER TABLE t ADD CONSTRAINT c UNIQUE (a);\nALTER TABLE m ADD (x int, y text);\n";
        let facts = parse(sql);
        let names: Vec<String> = facts.fields.iter().map(|f| format!("{}.{}", f.table, f.name)).collect();
        assert_eq!(names, ["users.ssn", "users.dob", "lists.mode", "m.x", "m.y"]);
        let ssn = field(&facts, "users", "ssn");
        assert_eq!(ssn.ty, "bytea");
        assert_eq!(ssn.annotations, "not null stored with pgp_sym_encrypt");
        assert_eq!(&sql[ssn.span.range()], "ssn bytea NOT NULL");
        assert_eq!(field(&facts, "users", "dob").annotations, "");
        let mode = field(&facts, "lists", "mode");
        assert_eq!(mode.annotations, "default 0 not null");
    }

    #[test]
    fn broken_statement_reports_problem_and_keeps_other_table() {
        let sql = "CREATE TABLE a (x int,, y text);\nCREATE TABLE b (ssn text);\n";
        let facts = parse(sql);
        assert_eq!(facts.problems.len(), 1);
        assert_eq!(facts.problems[0].rule, "syntax/sql");
        assert_eq!(facts.problems[0].span.start, sql.find(",,").unwrap() + 1);
        assert!(facts.fields.iter().any(|f| f.table == "b" && f.name == "ssn"));
        assert!(facts.fields.iter().any(|f| f.table == "a" && f.name == "y"));

        // A statement the scan does not know is skipped, not fatal to the rest.
        let sql = "CREATE TABLE b (ssn text);\nCREATE TABL c (x int);\nCREATE TABLE d (e text);\n";
        let facts = parse(sql);
        assert!(facts.problems.is_empty());
        assert_eq!(facts.fields.len(), 2);

        let sql = "CREATE TABLE e (\n  a int NOT NULL\n  ssn text,\n  b timestamp\n    with time zone\n);";
        let facts = parse(sql);
        assert_eq!(&sql[facts.problems[0].span.range()], "ssn");
        let names: Vec<&str> = facts.fields.iter().map(|f| f.name.as_str()).collect();
        assert_eq!(names, ["a", "ssn", "b"]);
        assert_eq!(field(&facts, "e", "a").annotations, "not null");
        assert_eq!(field(&facts, "e", "b").ty, "timestamp with time zone");

        let sql = "CREATE TABLE a (x int;\nCREATE TABLE b (ssn text);\n";
        let facts = parse(sql);
        assert_eq!(facts.problems[0].span, Span::new(15, 16));
        assert!(field(&facts, "b", "ssn").ty == "text");
    }

    #[test]
    fn comments_inside_strings_and_dollar_quotes_are_not_comments() {
        let sql = "CREATE FUNCTION f() RETURNS int AS $$ -- no\n CREATE TABLE fake (a int); $$ LANGUAGE sql;\nCREATE TABLE t (a text DEFAULT '-- no', b text DEFAULT $x$ /* no */ $x$); -- yes\n";
        let facts = parse(sql);
        let texts: Vec<&str> = facts.comments.iter().map(|c| c.text.as_str()).collect();
        assert_eq!(texts, ["yes"]);
        let names: Vec<&str> = facts.fields.iter().map(|f| f.name.as_str()).collect();
        assert_eq!(names, ["a", "b"]);
        // The trailing comment follows the last column on its line only.
        assert_eq!(field(&facts, "t", "a").annotations, "default '-- no'");
        assert!(field(&facts, "t", "b").annotations.ends_with("yes"));
    }

    #[test]
    fn comment_ownership() {
        let sql = "CREATE TABLE t ( -- table note: encrypted\n  a int, -- about a\n  /* about b */ b int,\n\n  -- section\n\n  c int\n  -- about d (leading comma style)\n  , d int\n);";
        let facts = parse(sql);
        assert_eq!(field(&facts, "t", "a").annotations, "about a");
        assert_eq!(field(&facts, "t", "b").annotations, "about b");
        assert_eq!(field(&facts, "t", "c").annotations, "");
        assert_eq!(field(&facts, "t", "d").annotations, "about d (leading comma style)");
        assert_eq!(facts.comments.len(), 5);
        for c in &facts.comments {
            let raw = &sql[c.span.range()];
            assert!(raw.starts_with("--") || raw.starts_with("/*"), "{raw}");
        }
    }

    #[test]
    fn quoted_and_qualified_names() {
        let sql = "CREATE TABLE \"public\".\"User Data\" (\"s\"\"n\" text);\nCOMMENT ON COLUMN \"public\".\"User Data\".\"s\"\"n\" IS $c$pgp_sym_encrypt$c$;\nSELECT 1 # 2; -- real\n";
        let facts = parse(sql);
        let f = field(&facts, "public.User Data", "s\"n");
        assert_eq!(&sql[f.name_span.range()], "s\"\"n");
        assert_eq!(f.annotations, "pgp_sym_encrypt");
        // `#` mid-line is a Postgres operator.
        let texts: Vec<&str> = facts.comments.iter().map(|c| c.text.as_str()).collect();
        assert_eq!(texts, ["real"]);
    }

    #[test]
    fn table_level_and_unrelated_comments_stay_out() {
        let sql = "-- encrypted tables follow\nCREATE TABLE t (\n  a int,\n  b int\n); -- encrypted\nCREATE TABLE u (c int);\n";
        let facts = parse(sql);
        assert_eq!(field(&facts, "t", "a").annotations, "");
        // `); -- encrypted` is a line of its own, after the last column.
        assert_eq!(field(&facts, "t", "b").annotations, "");
        assert_eq!(field(&facts, "u", "c").annotations, "");
    }

    #[test]
    fn key_and_index_columns_in_postgres() {
        let facts = parse("CREATE TABLE s (key text NOT NULL, index int, KEY k (key));");
        let names: Vec<&str> = facts.fields.iter().map(|f| f.name.as_str()).collect();
        assert_eq!(names, ["key", "index"]);
    }

    #[test]
    fn valid_postgres_has_no_problem() {
        let sql = "BEGIN;\nCREATE TABLE IF NOT EXISTS users (\n  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,\n  tags text[] NOT NULL DEFAULT '{}'\n);\nCOMMIT;\n";
        let facts = parse(sql);
        assert!(facts.problems.is_empty(), "{:?}", facts.problems);
        assert_eq!(field(&facts, "users", "tags").ty, "text[]");
        assert_eq!(
            field(&facts, "users", "id").annotations,
            "generated always as identity primary key"
        );
    }

    #[test]
    fn unterminated_string_is_a_problem() {
        let facts = parse("CREATE TABLE t (a text DEFAULT 'x);\n");
        assert_eq!(facts.problems.len(), 1);
        assert_eq!(facts.problems[0].span, Span::new(31, 32));
        assert!(facts.problems[0].message.contains("string"));
    }

    #[test]
    fn hostile_inputs_do_not_panic() {
        let deep = format!("CREATE TABLE t (a int{}", "(".repeat(200_000));
        let facts = parse(&deep);
        assert_eq!(facts.fields.len(), 1);
        assert!(!facts.problems.is_empty());
        let deep_closed = format!("SELECT {}1{};", "(".repeat(200_000), ")".repeat(200_000));
        parse(&deep_closed);
        for input in [
            "",
            "\0",
            "\0CREATE\0TABLE\0t\0(\0a\0int\0)",
            "CREATE",
            "CREATE TABLE",
            "CREATE TABLE t",
            "CREATE TABLE t (",
            "CREATE TABLE t (a",
            "CREATE TABLE `",
            "CREATE TABLE \"a\" (\"",
            "ALTER TABLE t ADD",
            "ALTER TABLE t ADD COLUMN (",
            "COMMENT ON COLUMN a IS",
            "COMMENT ON COLUMN a IS E",
            "$",
            "$$",
            "$a",
            "/*",
            "--",
            "#",
            "'\\",
            "CREATE TABLE t (a int) ENGINE=InnoDB; 'it\\'s';",
            "CREATE TABLE é (ü text, ñ int[, x int[1, y int[]);",
        ] {
            let facts = parse(input);
            for f in &facts.fields {
                assert!(input.get(f.span.range()).is_some(), "{input:?}");
                assert!(input.get(f.name_span.range()).is_some(), "{input:?}");
            }
            for c in &facts.comments {
                assert!(input.get(c.span.range()).is_some(), "{input:?}");
            }
            for p in &facts.problems {
                assert!(input.get(p.span.range()).is_some(), "{input:?}");
            }
        }
        let long = format!("CREATE TABLE t (a text DEFAULT '{}');", "x".repeat(1 << 20));
        assert_eq!(parse(&long).fields.len(), 1);
    }

    #[test]
    fn listmonk_schema_yields_subscriber_email() {
        let path = "/work/shared/corpus/schemas/knadh__listmonk/schema.sql";
        let Ok(text) = std::fs::read_to_string(path) else {
            return;
        };
        let facts = parse(&text);
        assert!(facts.problems.is_empty(), "{:?}", facts.problems);
        let email = field(&facts, "subscribers", "email");
        assert_eq!(email.ty, "text");
        assert_eq!(&text[email.name_span.range()], "email");
    }
}
