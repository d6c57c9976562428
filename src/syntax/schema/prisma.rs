//! Prisma schema → schema facts.
//!
//! Prisma's syntax is line-based: a field is `name Type @attr(...) /// doc` on one line, blocks
//! open with `{` on the header line and close with `}` on a line of its own. So a hand-written
//! line reader is enough, and it keeps going after an error.

use super::{SchemaFacts, excerpt, normalize, normalized};
use crate::document::{Comment, Field, Problem};
use crate::source::Span;

const RULE: &str = "syntax/prisma";

const BLOCKS: &[&str] = &["model", "type", "enum", "datasource", "generator", "view"];

/// Blocks whose lines are fields stored in the database. Views only re-expose model fields.
const FIELD_BLOCKS: &[&str] = &["model", "type"];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Word,
    Str,
    /// `@`
    At,
    /// `@@`
    AtAt,
    Punct(u8),
}

#[derive(Debug, Clone, Copy)]
struct Token {
    kind: Kind,
    start: usize,
    end: usize,
}

struct Block {
    /// `model`, `enum`, ...
    kind: String,
    name: String,
    header: Span,
}

pub(super) fn parse(text: &str) -> SchemaFacts {
    let mut reader = Reader {
        text,
        facts: SchemaFacts::default(),
        block: None,
        docs: Vec::new(),
        in_comment_block: false,
        tokens: Vec::new(),
    };
    let mut start = 0;
    while start <= text.len() {
        let rest = &text.as_bytes()[start..];
        let end = start + memchr::memchr(b'\n', rest).unwrap_or(rest.len());
        reader.line(start, end);
        start = end + 1;
    }
    if let Some(block) = reader.block.take() {
        reader.fail(
            format!("`{} {}` is never closed with `}}`", block.kind, block.name),
            block.header,
        );
    }
    reader.facts
}

struct Reader<'a> {
    text: &'a str,
    facts: SchemaFacts,
    block: Option<Block>,
    /// `///` comments of the last comment block, waiting for the next field (indices into
    /// `facts.comments`).
    docs: Vec<usize>,
    /// Whether the previous line held only comments, i.e. whether this line's comments extend
    /// the same block.
    in_comment_block: bool,
    tokens: Vec<Token>,
}

impl Reader<'_> {
    fn fail(&mut self, message: String, span: Span) {
        // One problem per file, as for SQL: later ones are usually knock-on effects.
        if self.facts.problems.is_empty() {
            self.facts.problems.push(Problem {
                rule: RULE,
                message,
                span,
            });
        }
    }

    fn slice(&self, start: usize, end: usize) -> &str {
        self.text.get(start..end).unwrap_or("")
    }

    fn token_text(&self, token: &Token) -> &str {
        self.slice(token.start, token.end)
    }

    fn is_word(&self, token: Option<&Token>, word: &str) -> bool {
        token.is_some_and(|t| t.kind == Kind::Word && self.token_text(t) == word)
    }

    /// Tokenizes one line into `self.tokens`, recording its comments; returns the `///` comments
    /// on it.
    fn lex(&mut self, start: usize, end: usize) -> Vec<usize> {
        self.tokens.clear();
        let bytes = self.text.as_bytes();
        let mut docs = Vec::new();
        let mut i = start;
        while i < end {
            let b = bytes[i];
            let token_start = i;
            let kind = match b {
                b' ' | b'\t' | b'\r' | 0x0b | 0x0c => {
                    i += 1;
                    continue;
                }
                b'/' if bytes.get(i + 1) == Some(&b'/') => {
                    let doc = bytes.get(i + 2) == Some(&b'/');
                    let inner = i + if doc { 3 } else { 2 };
                    let span_end = if bytes[end - 1] == b'\r' { end - 1 } else { end };
                    if doc {
                        docs.push(self.facts.comments.len());
                    }
                    self.facts.comments.push(Comment {
                        text: self.slice(inner, span_end).trim().to_string(),
                        span: Span::new(i, span_end),
                    });
                    break;
                }
                b'"' => {
                    i += 1;
                    loop {
                        match bytes[i..end].iter().position(|&c| c == b'"' || c == b'\\') {
                            Some(o) if bytes[i + o] == b'\\' => i = (i + o + 2).min(end),
                            Some(o) => {
                                i += o + 1;
                                break;
                            }
                            None => {
                                i = end;
                                self.fail(
                                    "this string is never closed".into(),
                                    Span::new(token_start, token_start + 1),
                                );
                                break;
                            }
                        }
                    }
                    Kind::Str
                }
                b'@' if bytes.get(i + 1) == Some(&b'@') => {
                    i += 2;
                    Kind::AtAt
                }
                b'@' => {
                    i += 1;
                    Kind::At
                }
                c if c.is_ascii_alphanumeric() || c == b'_' || c >= 0x80 => {
                    i += bytes[i..end]
                        .iter()
                        .position(|&c| !(c.is_ascii_alphanumeric() || c == b'_' || c == b'-' || c >= 0x80))
                        .unwrap_or(end - i);
                    Kind::Word
                }
                c => {
                    i += 1;
                    Kind::Punct(c)
                }
            };
            self.tokens.push(Token {
                kind,
                start: token_start,
                end: i,
            });
        }
        docs
    }

    fn line(&mut self, start: usize, end: usize) {
        let line_docs = self.lex(start, end);
        // Prisma (psl schema-ast) documents a field with the last block of consecutive comment
        // lines before it: blank lines and `@@` lines in between do not detach it, a newer
        // comment block replaces it. Only its `///` lines become documentation.
        if self.tokens.is_empty() {
            let has_comment = self.facts.comments.last().is_some_and(|c| c.span.start >= start);
            if has_comment {
                if !self.in_comment_block {
                    self.docs.clear();
                }
                self.docs.extend(line_docs);
            }
            self.in_comment_block = has_comment;
            return;
        }
        self.in_comment_block = false;
        let tokens = std::mem::take(&mut self.tokens);
        match &self.block {
            None => {
                self.header(&tokens);
                self.docs.clear();
            }
            Some(block) => {
                if tokens[0].kind == Kind::Punct(b'}') {
                    self.block = None;
                    self.docs.clear();
                    if let Some(extra) = tokens.get(1) {
                        self.unexpected(extra, "after `}`");
                    }
                } else if tokens[0].kind != Kind::AtAt {
                    if FIELD_BLOCKS.contains(&block.kind.as_str()) {
                        let table = block.name.clone();
                        self.field_line(&table, &tokens, &line_docs);
                    }
                    self.docs.clear();
                }
            }
        }
        self.tokens = tokens;
    }

    fn unexpected(&mut self, token: &Token, context: &str) {
        let near = excerpt(self.token_text(token));
        self.fail(
            format!("unexpected `{near}` {context}"),
            Span::new(token.start, token.end),
        );
    }

    fn header(&mut self, tokens: &[Token]) {
        let keyword = tokens[0];
        let is_block = BLOCKS.iter().any(|b| self.is_word(Some(&keyword), b));
        let name = tokens.get(1).filter(|t| t.kind == Kind::Word);
        let open = tokens.get(2).filter(|t| t.kind == Kind::Punct(b'{'));
        match (is_block, name, open) {
            (true, Some(name), Some(open)) => {
                let block = Block {
                    kind: self.token_text(&keyword).to_string(),
                    name: self.token_text(name).to_string(),
                    header: Span::new(keyword.start, open.end),
                };
                match tokens.get(3) {
                    None => self.block = Some(block),
                    // `model Empty {}` on one line.
                    Some(t) if t.kind == Kind::Punct(b'}') && tokens.len() == 4 => {}
                    Some(t) => self.unexpected(t, "after `{` (fields go on their own lines)"),
                }
            }
            // Legacy type alias: `type Email = String @db.VarChar(320)`.
            (true, Some(_), None)
                if self.is_word(Some(&keyword), "type")
                    && tokens.get(2).is_some_and(|t| t.kind == Kind::Punct(b'=')) => {}
            (true, _, _) => {
                let end = tokens.last().map_or(keyword.end, |t| t.end);
                self.fail(
                    format!("expected `{} Name {{` to open a block", self.token_text(&keyword)),
                    Span::new(keyword.start, end),
                );
            }
            (false, _, _) => self.unexpected(
                &keyword,
                "outside a block (expected `model`, `enum`, `datasource`, ...)",
            ),
        }
    }

    fn field_line(&mut self, table: &str, tokens: &[Token], line_docs: &[usize]) {
        let first = tokens[0];
        if first.kind != Kind::Word {
            return self.unexpected(&first, "where a field name was expected");
        }
        // Prisma 1's `name: Type` still parses.
        let colon = usize::from(tokens.get(1).is_some_and(|t| t.kind == Kind::Punct(b':')));
        let Some(ty_token) = tokens.get(1 + colon).filter(|t| t.kind == Kind::Word) else {
            let name = self.token_text(&first).to_string();
            return self.fail(format!("field `{name}` has no type"), Span::new(first.start, first.end));
        };
        let mut k = 2 + colon;
        // `Unsupported("circle")`
        if tokens.get(k).is_some_and(|t| t.kind == Kind::Punct(b'(')) {
            match close_paren(tokens, k) {
                Some(c) => k = c + 1,
                None => {
                    return self.fail(
                        "this `(` is never closed".into(),
                        Span::new(tokens[k].start, tokens[k].end),
                    );
                }
            }
        }
        if tokens.get(k).is_some_and(|t| t.kind == Kind::Punct(b'['))
            && tokens.get(k + 1).is_some_and(|t| t.kind == Kind::Punct(b']'))
        {
            k += 2;
        }
        if tokens.get(k).is_some_and(|t| t.kind == Kind::Punct(b'?')) {
            k += 1;
        }
        let ty = normalized(self.slice(ty_token.start, tokens[k - 1].end));
        let last = tokens.last().map_or(first.end, |t| t.end);

        let mut annotations = String::new();
        if let Some(attr) = tokens.get(k) {
            if attr.kind != Kind::At {
                return self.unexpected(attr, "after the field type (expected an `@` attribute)");
            }
            if let Some(open) = unbalanced(&tokens[k..]) {
                return self.fail("this `(` is never closed".into(), Span::new(open.start, open.end));
            }
            normalize(self.slice(attr.start, last), &mut annotations);
        }
        for &i in self.docs.iter().chain(line_docs) {
            normalize(&self.facts.comments[i].text, &mut annotations);
        }
        self.facts.fields.push(Field {
            table: table.to_string(),
            name: self.token_text(&first).to_string(),
            ty,
            annotations,
            span: Span::new(first.start, last),
            name_span: Span::new(first.start, first.end),
        });
    }
}

fn close_paren(tokens: &[Token], open: usize) -> Option<usize> {
    let mut depth = 0usize;
    for (i, t) in tokens.iter().enumerate().skip(open) {
        match t.kind {
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

/// The first `(` left open.
fn unbalanced(tokens: &[Token]) -> Option<Token> {
    let mut open = Vec::new();
    for t in tokens {
        match t.kind {
            Kind::Punct(b'(') => open.push(*t),
            Kind::Punct(b')') => {
                open.pop();
            }
            _ => {}
        }
    }
    open.first().copied()
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

    const SCHEMA: &str = r#"datasource db {
  provider = "postgresql"
  url      = "postgres://u:p@h/db?x=//y" // a real comment
}

// Users of the app
model User {
  id    String @id @default(uuid())
  /// @encrypted
  ssn   String?
  /// The SSN's hash, for lookups.
  /// @encryption:hash(ssn)
  ssnHash String? @unique
  phone String /// @encrypted?mode=strict
  // plain comments are no marker
  dob   DateTime @db.Date @map("date_of_birth")

  /// @encrypted

  notes Bytes    @db.ByteA
  /// @encrypted

  // a newer comment block wins
  memo String
  tags  String[]
  geo   Unsupported("circle")?

  @@map("users")
  @@index([ssnHash])
}

enum Role {
  ADMIN
}
"#;

    #[test]
    fn model_fields_with_doc_comments() {
        let facts = parse(SCHEMA);
        assert!(facts.problems.is_empty(), "{:?}", facts.problems);
        let names: Vec<&str> = facts.fields.iter().map(|f| f.name.as_str()).collect();
        assert_eq!(
            names,
            ["id", "ssn", "ssnHash", "phone", "dob", "notes", "memo", "tags", "geo"]
        );
        let ssn = field(&facts, "User", "ssn");
        assert_eq!(ssn.ty, "string?");
        assert_eq!(ssn.annotations, "@encrypted");
        assert_eq!(&SCHEMA[ssn.span.range()], "ssn   String?");
        assert_eq!(&SCHEMA[ssn.name_span.range()], "ssn");
        assert_eq!(
            field(&facts, "User", "ssnHash").annotations,
            "@unique the ssn's hash, for lookups. @encryption:hash(ssn)"
        );
        assert_eq!(field(&facts, "User", "phone").annotations, "@encrypted?mode=strict");
        let dob = field(&facts, "User", "dob");
        assert_eq!(dob.annotations, "@db.date @map(\"date_of_birth\")");
        assert_eq!(
            &SCHEMA[dob.span.range()],
            "dob   DateTime @db.Date @map(\"date_of_birth\")"
        );
        // A blank line does not detach a doc comment; a later comment block replaces it.
        assert_eq!(field(&facts, "User", "notes").annotations, "@db.bytea @encrypted");
        assert_eq!(field(&facts, "User", "memo").annotations, "");
        assert_eq!(field(&facts, "User", "tags").ty, "string[]");
        assert_eq!(field(&facts, "User", "geo").ty, "unsupported(\"circle\")?");

        let texts: Vec<&str> = facts.comments.iter().map(|c| c.text.as_str()).collect();
        assert_eq!(
            texts,
            [
                "a real comment",
                "Users of the app",
                "@encrypted",
                "The SSN's hash, for lookups.",
                "@encryption:hash(ssn)",
                "@encrypted?mode=strict",
                "plain comments are no marker",
                "@encrypted",
                "@encrypted",
                "a newer comment block wins",
            ]
        );
        for c in &facts.comments {
            assert!(SCHEMA[c.span.range()].starts_with("//"));
        }
    }

    #[test]
    fn errors_are_located_and_other_fields_kept() {
        let text =
            "model A {\n  a String\n  b\n  c String extra\n  d String @default(\n  e Int\n}\nmodel B {\n  x String\n";
        let facts = parse(text);
        assert_eq!(facts.problems.len(), 1);
        assert_eq!(facts.problems[0].rule, "syntax/prisma");
        assert_eq!(&text[facts.problems[0].span.range()], "b", "{:?}", facts.problems);
        let names: Vec<&str> = facts.fields.iter().map(|f| f.name.as_str()).collect();
        assert_eq!(names, ["a", "e", "x"]);

        let facts = parse("model B {\n  x String\n");
        assert_eq!(facts.problems[0].span, Span::new(0, 9));
        let facts = parse("nonsense here\nmodel C {\n  y Int\n}\n");
        assert_eq!(facts.problems[0].span, Span::new(0, 8));
        assert_eq!(facts.fields.len(), 1);
    }

    #[test]
    fn legacy_and_dashed_names() {
        let text = "model A {\n  first-name: String\n  /// @encrypted\n  @@map(\"a\")\n  ssn String\n}\n";
        let facts = parse(text);
        assert!(facts.problems.is_empty(), "{:?}", facts.problems);
        assert_eq!(field(&facts, "A", "first-name").ty, "string");
        assert_eq!(field(&facts, "A", "ssn").annotations, "@encrypted");
    }

    #[test]
    fn hostile_inputs_do_not_panic() {
        let deep = format!("model A {{\n  a String @x{}\n}}", "(".repeat(200_000));
        assert_eq!(parse(&deep).problems.len(), 1);
        let long = format!("model A {{\n  a String @default(\"{}\")\n}}", "é".repeat(1 << 20));
        assert_eq!(parse(&long).fields.len(), 1);
        for input in [
            "",
            "\0",
            "\r",
            "/",
            "//",
            "///\r",
            "\"",
            "\"\\",
            "model",
            "model {",
            "model A {",
            "model A {}",
            "model A { a String }",
            "model A {\n\0 \0\n}",
            "model A {\n a\n}",
            "model A {\n a Unsupported(\n}",
            "model A {\n a B[\n}",
            "model A {\n é Ü @ü\n}",
            "}",
        ] {
            let facts = parse(input);
            for f in &facts.fields {
                assert!(input.get(f.span.range()).is_some(), "{input:?}");
            }
            for c in &facts.comments {
                assert!(input.get(c.span.range()).is_some(), "{input:?}");
            }
            for p in &facts.problems {
                assert!(input.get(p.span.range()).is_some(), "{input:?}");
            }
        }
    }

    #[test]
    fn plunk_schema() {
        let path = "/work/shared/corpus/schemas/useplunk__plunk/prisma__schema.prisma";
        let Ok(text) = std::fs::read_to_string(path) else {
            return;
        };
        let facts = parse(&text);
        assert!(facts.problems.is_empty(), "{:?}", facts.problems);
        let email = field(&facts, "User", "email");
        assert_eq!(email.ty, "string");
        assert_eq!(email.annotations, "@unique");
        assert_eq!(field(&facts, "User", "password").ty, "string?");
    }
}
