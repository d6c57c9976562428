//! The ESP and template-language registry from `rules/esp/`: how tags are written (syntaxes) and
//! which tags unsubscribe, open a preference centre, print the sender's address, or carry PII.

use super::intern::intern;
use super::yaml::{self, LoadError};
use crate::document::{Emits, Role, TagKind};
use regex::Regex;
use serde::Deserialize;
use std::collections::HashMap;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct SyntaxFile {
    syntaxes: Vec<SyntaxDef>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct SyntaxDef {
    id: String,
    family: String,
    kind: TagKind,
    pattern: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct DialectFile {
    dialect: String,
    name: String,
    #[serde(default)]
    refs: Vec<String>,
    #[serde(default)]
    auto_footer: bool,
    #[serde(default)]
    blocks_send: bool,
    #[serde(default)]
    tokens: Vec<TokenDef>,
    #[serde(default)]
    names: Vec<NamePatternDef>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct TokenDef {
    tag: String,
    #[serde(default)]
    role: Option<Role>,
    #[serde(default)]
    emits: Option<Emits>,
    #[serde(default)]
    pii: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct NamePatternDef {
    pattern: String,
    role: Role,
    #[serde(default)]
    emits: Option<Emits>,
}

#[derive(Debug)]
pub struct Syntax {
    pub id: &'static str,
    pub family: &'static str,
    pub kind: TagKind,
    /// Anchored at the start, with a `body` group.
    pub anchored: Regex,
    /// Index of the `body` capture group in `anchored`.
    body_group: usize,
}

#[derive(Debug, Clone)]
pub struct Dialect {
    pub id: &'static str,
    pub name: String,
    pub refs: Vec<String>,
    pub auto_footer: bool,
    pub blocks_send: bool,
}

/// What the registry says about one tag.
#[derive(Debug, Clone)]
pub struct TokenInfo {
    pub dialect: &'static str,
    pub role: Option<Role>,
    pub emits: Option<Emits>,
    pub pii: Option<String>,
}

#[derive(Debug)]
struct NamePattern {
    dialect: &'static str,
    regex: Regex,
    role: Role,
    emits: Option<Emits>,
}

#[derive(Debug)]
pub struct Registry {
    pub syntaxes: Vec<Syntax>,
    /// All syntaxes in one leftmost-first alternation: one scan of the file finds every tag.
    pub combined: Regex,
    pub dialects: Vec<Dialect>,
    tokens: HashMap<(&'static str, String), Vec<TokenInfo>>,
    names: Vec<NamePattern>,
}

/// A tag found in text: which syntax, where, and the range of its body.
#[derive(Debug, Clone)]
pub struct RawTag {
    pub start: usize,
    pub end: usize,
    pub syntax: usize,
    pub body: (usize, usize),
}

impl Registry {
    /// `syntax` is `esp/_syntax.yaml`; `dialects` every other `esp/*.yaml` (built-in and user).
    pub fn load(syntax: (&str, &str), dialects: &[(String, String)]) -> Result<Registry, LoadError> {
        let file: SyntaxFile = yaml::from_str(syntax.0, syntax.1)?;
        let mut syntaxes = Vec::new();
        let mut alternatives = Vec::new();
        for def in &file.syntaxes {
            let locate = |msg: String| {
                let off = syntax.1.find(&def.pattern).unwrap_or(0);
                LoadError::at(syntax.0, syntax.1, off, def.pattern.len(), msg)
            };
            let anchored = Regex::new(&format!("^(?:{})", def.pattern))
                .map_err(|e| locate(format!("syntax `{}`: invalid pattern: {e}", def.id)))?;
            let Some(body_group) = anchored.capture_names().position(|n| n == Some("body")) else {
                return Err(locate(format!(
                    "syntax `{}`: the pattern needs a `(?P<body>...)` group",
                    def.id
                )));
            };
            // The combined regex must not carry 30 duplicate `body` names.
            alternatives.push(format!("(?:{})", def.pattern.replace("?P<body>", "")));
            syntaxes.push(Syntax {
                id: intern(&def.id),
                family: intern(&def.family),
                kind: def.kind,
                anchored,
                body_group,
            });
        }
        let combined = Regex::new(&alternatives.join("|"))
            .map_err(|e| LoadError::at(syntax.0, syntax.1, 0, 0, format!("syntaxes do not combine: {e}")))?;
        let mut registry = Registry {
            syntaxes,
            combined,
            dialects: Vec::new(),
            tokens: HashMap::new(),
            names: Vec::new(),
        };
        for (path, text) in dialects {
            registry.add_dialect(path, text)?;
        }
        Ok(registry)
    }

    fn add_dialect(&mut self, path: &str, text: &str) -> Result<(), LoadError> {
        let file: DialectFile = yaml::from_str(path, text)?;
        let id = intern(&file.dialect);
        for token in &file.tokens {
            let off = text.find(&token.tag).unwrap_or(0);
            let tags = self.scan(&token.tag);
            let Some(tag) = tags.first().filter(|t| t.start == 0 && t.end == token.tag.len()) else {
                return Err(LoadError::at(
                    path,
                    text,
                    off,
                    token.tag.len(),
                    format!("`{}` is not a tag of any syntax in esp/_syntax.yaml", token.tag),
                ));
            };
            let family = self.syntaxes[tag.syntax].family;
            let name = tag_name(&token.tag[tag.body.0..tag.body.1]);
            self.tokens.entry((family, name)).or_default().push(TokenInfo {
                dialect: id,
                role: token.role,
                emits: token.emits,
                pii: token.pii.clone(),
            });
        }
        for np in &file.names {
            let regex = Regex::new(&format!("(?i){}", np.pattern)).map_err(|e| {
                let off = text.find(&np.pattern).unwrap_or(0);
                LoadError::at(path, text, off, np.pattern.len(), format!("invalid name pattern: {e}"))
            })?;
            self.names.push(NamePattern {
                dialect: id,
                regex,
                role: np.role,
                emits: np.emits,
            });
        }
        self.dialects.push(Dialect {
            id,
            name: file.name,
            refs: file.refs,
            auto_footer: file.auto_footer,
            blocks_send: file.blocks_send,
        });
        Ok(())
    }

    pub fn dialect(&self, id: &str) -> Option<&Dialect> {
        self.dialects.iter().find(|d| d.id == id)
    }

    /// Every tag in `text`, in order, non-overlapping.
    pub fn scan(&self, text: &str) -> Vec<RawTag> {
        let mut out = Vec::new();
        // Reused across matches: `captures` would allocate for every syntax tried at every tag.
        let mut locations: Vec<_> = self.syntaxes.iter().map(|s| s.anchored.capture_locations()).collect();
        for m in self.combined.find_iter(text) {
            let rest = &text[m.start()..];
            // The first syntax (in file order) that matches here is the one the alternation chose.
            for (i, (syntax, locs)) in self.syntaxes.iter().zip(&mut locations).enumerate() {
                let Some(whole) = syntax.anchored.captures_read(locs, rest) else {
                    continue;
                };
                if whole.end() != m.len() {
                    continue;
                }
                let body = locs
                    .get(syntax.body_group)
                    .map(|(s, e)| (m.start() + s, m.start() + e))
                    .unwrap_or((m.start(), m.end()));
                out.push(RawTag {
                    start: m.start(),
                    end: m.end(),
                    syntax: i,
                    body,
                });
                break;
            }
        }
        out
    }

    /// Registry facts for a tag of `family` named `name` (normalised with [`tag_name`]).
    pub fn lookup(&self, family: &str, name: &str) -> Vec<TokenInfo> {
        let mut found: Vec<TokenInfo> = self
            .tokens
            .get(&(intern(family), name.to_string()))
            .cloned()
            .unwrap_or_default();
        // `*|UNSUB:https://…|*` (Mandrill) is `UNSUB` with an argument.
        if found.is_empty()
            && let Some((head, _)) = name.split_once(':')
            && let Some(t) = self.tokens.get(&(intern(family), head.to_string()))
        {
            found = t.clone();
        }
        if found.is_empty() {
            for np in &self.names {
                if np.regex.is_match(name) {
                    found.push(TokenInfo {
                        dialect: np.dialect,
                        role: Some(np.role),
                        emits: np.emits,
                        pii: None,
                    });
                    break;
                }
            }
        }
        found
    }
}

/// The name a tag is known by: its first identifier, lower-cased, without sigils
/// (`{{- customer.Email | default: "" }}` → `customer.email`, `{{#if x}}` → `if`).
pub fn tag_name(body: &str) -> String {
    let trimmed = body.trim_start_matches(|c: char| c.is_whitespace() || "-=#/^>&!~.$@{".contains(c));
    let end = trimmed
        .find(|c: char| !(c.is_alphanumeric() || "_.:-$@[]'\"".contains(c)))
        .unwrap_or(trimmed.len());
    let mut name = trimmed[..end].trim_end_matches(['-', '.', ':']).to_lowercase();
    // customer['email'] and customer["email"] are customer.email
    if name.contains('[') {
        name = name
            .replace("['", ".")
            .replace("[\"", ".")
            .replace(['[', ']', '\'', '"'], "");
    }
    name
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tag_names() {
        assert_eq!(tag_name(" customer.Email | default: '' "), "customer.email");
        assert_eq!(tag_name("#if vip"), "if");
        assert_eq!(tag_name(" pm:unsubscribe label=\"x\" "), "pm:unsubscribe");
        assert_eq!(tag_name("- .Subscriber.Email -"), "subscriber.email");
        assert_eq!(tag_name("HTML:LIST_ADDRESS_HTML"), "html:list_address_html");
        assert_eq!(tag_name("user['email']"), "user.email");
    }
}
