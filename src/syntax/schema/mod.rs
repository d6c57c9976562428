//! Schema facts: the columns of SQL DDL and the fields of Prisma models, with the text that
//! could mark them as encrypted or sensitive, plus every comment (for suppressions).

pub mod prisma;
pub mod sql;

use crate::document::{Comment, Field, Problem};

/// What a schema file tells the rules.
#[derive(Debug, Clone, Default)]
pub struct SchemaFacts {
    pub fields: Vec<Field>,
    pub comments: Vec<Comment>,
    pub problems: Vec<Problem>,
}

/// Columns of `CREATE TABLE` and `ALTER TABLE ... ADD` statements, with their comments.
pub fn parse_sql(text: &str) -> SchemaFacts {
    sql::parse(text)
}

/// Fields of `model` (and composite `type`) blocks of a Prisma schema.
pub fn parse_prisma(text: &str) -> SchemaFacts {
    prisma::parse(text)
}

/// Lower-case and collapse whitespace runs, so rules can match annotations with plain substrings
/// whatever the file's indentation.
fn normalize(text: &str, out: &mut String) {
    for word in text.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        for c in word.chars() {
            out.extend(c.to_lowercase());
        }
    }
}

fn normalized(text: &str) -> String {
    let mut out = String::new();
    normalize(text, &mut out);
    out
}

/// A short, single-line excerpt of the source for messages.
fn excerpt(text: &str) -> String {
    let line = text.lines().next().unwrap_or("").trim();
    let mut out: String = line.chars().take(40).collect();
    if out.len() < line.len() {
        out.push('…');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalize_collapses_and_lowercases() {
        assert_eq!(normalized("  NOT\tNULL \n COMMENT 'Ünï' "), "not null comment 'ünï'");
        assert_eq!(normalized(""), "");
    }

    #[test]
    fn excerpt_is_one_short_line() {
        assert_eq!(excerpt("abc\ndef"), "abc");
        assert_eq!(excerpt(&"x".repeat(100)).chars().count(), 41);
    }
}
