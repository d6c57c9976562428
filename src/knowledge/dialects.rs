//! The ESP and template-language registry from `rules/esp/`: how tags are written (syntaxes) and
//! which tags unsubscribe, open a preference centre, print the sender's address, or carry PII.

use super::intern::intern;
use super::tag_scanner::TagScanner;
use super::yaml::{self, LoadError};
use crate::document::{Emits, Role, TagKind};
use crate::lazy_regex::LazyRegex;
use schemars::JsonSchema;
use serde::Deserialize;
use std::collections::HashMap;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct SyntaxFile {
    syntaxes: Vec<SyntaxDef>,
    #[serde(default)]
    languages: Vec<TemplateLanguage>,
}

/// A template language whose composition (includes, layouts, partials) inboxlint follows, with
/// the documentation page its lookup rules were written from.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TemplateLanguage {
    pub name: String,
    /// The directives that compose a message in it (`{{> partial}}`, `{% extends %}`).
    pub composes: String,
    pub docs: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct SyntaxDef {
    id: String,
    family: String,
    kind: TagKind,
    pattern: String,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
#[schemars(
    title = "inboxlint ESP dialect",
    description = "`esp/<id>.yaml`: an ESP's merge tags and what they do, its footer behaviour and click hosts."
)]
struct DialectFile {
    /// The id `esp:` names in `.inboxlint.yaml` (`mailchimp`).
    dialect: String,
    /// The vendor's name (`Mailchimp`).
    name: String,
    /// The vendor pages the tokens were checked against.
    #[serde(default)]
    refs: Vec<String>,
    /// Why (part of) the registry could not be checked against the vendor's docs; every token of
    /// such a dialect is unverified.
    #[serde(default)]
    unverified: Option<String>,
    /// Footer parts the ESP adds itself when a template lacks them: `true` (the unsubscribe
    /// link and the address) or a list of roles.
    #[serde(default)]
    auto_footer: FooterParts,
    /// Footer parts without which the ESP refuses to save or send: `true` or a list of roles.
    #[serde(default)]
    blocks_send: FooterParts,
    /// What the ESP does about a missing footer, in the vendor's terms, for the finding's message.
    #[serde(default)]
    footer_note: Option<String>,
    /// Hosts of the ESP's click and open tracking: the sender's processor, so where this ESP is
    /// configured they count as the sender's own hosts (privacy/pii-in-url).
    #[serde(default)]
    click_hosts: Vec<String>,
    /// Tags the ESP documents, with what they do.
    #[serde(default)]
    tokens: Vec<TokenDef>,
    /// Regexes over tag names, for families of tags (`unsubscribe_*`).
    #[serde(default)]
    names: Vec<NamePatternDef>,
}

/// `auto-footer: true` (the unsubscribe link and the address) or the parts the ESP supplies.
#[derive(Debug, Deserialize, Default, JsonSchema)]
#[serde(untagged)]
enum FooterParts {
    #[default]
    None,
    /// `true`: the unsubscribe link and the address.
    All(bool),
    /// These parts.
    Parts(Vec<Role>),
}

impl FooterParts {
    fn roles(&self) -> Vec<Role> {
        match self {
            FooterParts::None | FooterParts::All(false) => Vec::new(),
            FooterParts::All(true) => vec![Role::Unsubscribe, Role::Address],
            FooterParts::Parts(p) => p.clone(),
        }
    }
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct TokenDef {
    /// The tag as written (`*|UNSUB|*`, `{{ unsubscribe_url }}`).
    tag: String,
    /// What the tag is for.
    #[serde(default)]
    role: Option<Role>,
    /// What a link-emitting tag produces.
    #[serde(default)]
    emits: Option<Emits>,
    /// The PII category of what the tag prints (`email`, `name`).
    #[serde(default)]
    pii: Option<String>,
    /// A preference centre that itself offers "unsubscribe from all" (15 U.S.C. 7704(a)(3)(B)),
    /// so it is an opt-out mechanism on its own.
    #[serde(default)]
    opts_out_all: bool,
    /// The tag's role holds only where this ESP is configured (`{{ address }}` is Kit's address
    /// block, but any project's own variable elsewhere).
    #[serde(default)]
    only_configured: bool,
    /// Not found in the vendor's docs: may quiet a finding, never raise an error.
    #[serde(default)]
    unverified: bool,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
struct NamePatternDef {
    /// Regex over the normalised tag name.
    pattern: String,
    /// What tags of such names are for.
    role: Role,
    /// What a link-emitting tag produces.
    #[serde(default)]
    emits: Option<Emits>,
    /// Only tags of this syntax family (`[[UNSUB_LINK_DA]]` is Mailjet's only in `[[…]]`).
    #[serde(default)]
    family: Option<String>,
}

#[derive(Debug)]
pub struct Syntax {
    pub id: &'static str,
    pub family: &'static str,
    pub kind: TagKind,
}

#[derive(Debug, Clone)]
pub struct Dialect {
    pub id: &'static str,
    pub name: String,
    pub refs: Vec<String>,
    /// Why the registry for this ESP is not verified, if it is not.
    pub unverified: Option<String>,
    /// Footer parts (unsubscribe, address) the ESP adds itself when the template lacks them.
    pub auto_footer: Vec<Role>,
    /// Footer parts without which the ESP refuses to save or send.
    pub blocks_send: Vec<Role>,
    pub footer_note: Option<String>,
    /// Click and open tracking hosts (a host covers its subdomains).
    pub click_hosts: Vec<String>,
    /// How many tokens the registry holds for it.
    pub tokens: usize,
    /// Its verified tags with a role, in file order, for fixes that insert one.
    pub role_tags: Vec<RoleTag>,
}

/// A tag of a dialect as written in its registry file, with what it does.
#[derive(Debug, Clone)]
pub struct RoleTag {
    pub tag: String,
    pub role: Role,
    pub emits: Option<Emits>,
}

impl Dialect {
    /// The first verified tag of `role` that gives `emits` (`*|UNSUB|*` for Mailchimp's
    /// unsubscribe URL).
    pub fn verified_tag(&self, role: Role, emits: Emits) -> Option<&str> {
        self.role_tags
            .iter()
            .find(|t| t.role == role && t.emits == Some(emits))
            .map(|t| t.tag.as_str())
    }

    /// What this ESP does when the template lacks `role` (its footer note, or a default).
    pub fn footer_behaviour(&self, role: Role) -> Option<String> {
        let adds = self.auto_footer.contains(&role);
        let blocks = self.blocks_send.contains(&role);
        if !adds && !blocks {
            return None;
        }
        Some(self.footer_note.clone().unwrap_or_else(|| {
            if adds {
                format!(
                    "{} adds its own {} footer when the template has none",
                    self.name,
                    role.as_str()
                )
            } else {
                format!("{} refuses to send without its {} tag", self.name, role.as_str())
            }
        }))
    }
}

/// What the registry says about one tag.
#[derive(Debug, Clone)]
pub struct TokenInfo {
    pub dialect: &'static str,
    pub role: Option<Role>,
    pub emits: Option<Emits>,
    pub pii: Option<String>,
    pub opts_out_all: bool,
    pub only_configured: bool,
    pub verified: bool,
}

#[derive(Debug)]
struct NamePattern {
    dialect: &'static str,
    family: Option<&'static str>,
    regex: LazyRegex,
    role: Role,
    emits: Option<Emits>,
}

#[derive(Debug)]
pub struct Registry {
    pub syntaxes: Vec<Syntax>,
    /// All syntaxes, scanned as one leftmost-first alternation in file order.
    scanner: TagScanner,
    pub dialects: Vec<Dialect>,
    /// Template languages whose composition is followed, for the docs.
    pub languages: Vec<TemplateLanguage>,
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
    /// Built-in dialects compile their name patterns on first use; `user_dialects` now, so their
    /// mistakes are reported at load.
    pub fn load(
        syntax: (&str, &str),
        dialects: &[(String, String)],
        user_dialects: &[(String, String)],
    ) -> Result<Registry, LoadError> {
        let file: SyntaxFile = yaml::from_str(syntax.0, syntax.1)?;
        let locate = |pattern: &str, msg: String| {
            let off = syntax.1.find(pattern).unwrap_or(0);
            LoadError::at(syntax.0, syntax.1, off, pattern.len(), msg)
        };
        let patterns: Vec<&str> = file.syntaxes.iter().map(|d| d.pattern.as_str()).collect();
        let scanner = TagScanner::new(&patterns).map_err(|e| match e.syntax.and_then(|i| file.syntaxes.get(i)) {
            Some(d) => locate(&d.pattern, format!("syntax `{}`: {}", d.id, e.message)),
            None => LoadError::at(
                syntax.0,
                syntax.1,
                0,
                0,
                format!("syntaxes do not combine: {}", e.message),
            ),
        })?;
        let syntaxes = file
            .syntaxes
            .iter()
            .map(|def| Syntax {
                id: intern(&def.id),
                family: intern(&def.family),
                kind: def.kind,
            })
            .collect();
        let mut registry = Registry {
            syntaxes,
            scanner,
            dialects: Vec::new(),
            languages: file.languages.clone(),
            tokens: HashMap::new(),
            names: Vec::new(),
        };
        for (path, text) in dialects {
            registry.add_dialect(path, text, false)?;
        }
        for (path, text) in user_dialects {
            registry.add_dialect(path, text, true)?;
        }
        Ok(registry)
    }

    fn add_dialect(&mut self, path: &str, text: &str, eager: bool) -> Result<(), LoadError> {
        let file: DialectFile = yaml::from_str(path, text)?;
        let id = intern(&file.dialect);
        if self.dialects.iter().any(|d| d.id == id) {
            let off = text.find(&file.dialect).unwrap_or(0);
            return Err(LoadError::at(
                path,
                text,
                off,
                file.dialect.len(),
                format!("dialect `{}` is defined twice", file.dialect),
            ));
        }
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
                opts_out_all: token.opts_out_all,
                only_configured: token.only_configured,
                verified: !token.unverified && file.unverified.is_none(),
            });
        }
        for np in &file.names {
            let full = format!("(?i){}", np.pattern);
            let regex = if eager {
                LazyRegex::eager(full).map_err(|e| {
                    let off = text.find(&np.pattern).unwrap_or(0);
                    LoadError::at(path, text, off, np.pattern.len(), format!("invalid name pattern: {e}"))
                })?
            } else {
                LazyRegex::new(full)
            };
            self.names.push(NamePattern {
                dialect: id,
                family: np.family.as_deref().map(intern),
                regex,
                role: np.role,
                emits: np.emits,
            });
        }
        let all_unverified = file.unverified.is_some();
        self.dialects.push(Dialect {
            id,
            name: file.name,
            refs: file.refs,
            unverified: file.unverified,
            auto_footer: file.auto_footer.roles(),
            blocks_send: file.blocks_send.roles(),
            footer_note: file.footer_note,
            click_hosts: file.click_hosts.iter().map(|h| h.to_ascii_lowercase()).collect(),
            tokens: file.tokens.len() + file.names.len(),
            role_tags: file
                .tokens
                .iter()
                .filter(|t| !t.unverified && !all_unverified)
                .filter_map(|t| {
                    Some(RoleTag {
                        tag: t.tag.clone(),
                        role: t.role?,
                        emits: t.emits,
                    })
                })
                .collect(),
        });
        Ok(())
    }

    /// Whether `dialect` has any token or name pattern with `role`.
    pub fn has_role(&self, dialect: &str, role: Role) -> bool {
        self.tokens
            .values()
            .flatten()
            .any(|t| t.dialect == dialect && t.role == Some(role))
            || self.names.iter().any(|n| n.dialect == dialect && n.role == role)
    }

    /// Click-tracking hosts of the ESPs named in `esp:`.
    pub fn click_hosts(&self, esp: &[String]) -> Vec<String> {
        esp.iter()
            .filter_map(|e| self.dialect(e))
            .flat_map(|d| d.click_hosts.iter().cloned())
            .collect()
    }

    pub fn dialect(&self, id: &str) -> Option<&Dialect> {
        self.dialects.iter().find(|d| d.id == id)
    }

    /// Every tag in `text`, in order, non-overlapping.
    pub fn scan(&self, text: &str) -> Vec<RawTag> {
        self.scanner
            .scan(text)
            .into_iter()
            .map(|f| RawTag {
                start: f.start,
                end: f.end,
                syntax: f.syntax,
                body: f.body,
            })
            .collect()
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
            let family = intern(family);
            // A pattern scoped to this syntax (Mailjet's `[[UNSUB_LINK_xx]]`) speaks before the
            // generic ones that fit any syntax.
            let scoped = self.names.iter().filter(|np| np.family == Some(family));
            let open = self.names.iter().filter(|np| np.family.is_none());
            for np in scoped.chain(open) {
                if np.regex.is_match(name) {
                    found.push(TokenInfo {
                        dialect: np.dialect,
                        role: Some(np.role),
                        emits: np.emits,
                        pii: None,
                        opts_out_all: false,
                        only_configured: false,
                        verified: true,
                    });
                    break;
                }
            }
        }
        found
    }

    /// Known dialect ids closest to `unknown` (by edit distance), for "did you mean".
    pub fn closest_dialects(&self, unknown: &str) -> Vec<&'static str> {
        let unknown = unknown.to_ascii_lowercase();
        let mut scored: Vec<(usize, &'static str)> = self
            .dialects
            .iter()
            .map(|d| (edit_distance(&unknown, d.id), d.id))
            .collect();
        scored.sort();
        let best = scored.first().map(|s| s.0).unwrap_or(0);
        scored
            .into_iter()
            .filter(|(d, id)| *d <= best.max(2) || id.starts_with(&unknown) || unknown.starts_with(id))
            .take(3)
            .map(|(_, id)| id)
            .collect()
    }
}

/// Levenshtein distance over chars; names here are short.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let cur = row[j + 1];
            row[j + 1] = (prev + usize::from(ca != *cb)).min(row[j] + 1).min(cur + 1);
            prev = cur;
        }
    }
    row[b.len()]
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

/// The JSON Schema of an `esp/*.yaml` dialect file.
pub fn dialect_schema() -> schemars::Schema {
    crate::schema_gen::generator().into_root_schema_for::<DialectFile>()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_name_patterns_compile() {
        let knowledge = crate::knowledge::Knowledge::builtin().expect("built-in knowledge loads");
        let names = &knowledge.registry.names;
        assert!(!names.is_empty());
        for np in names {
            assert!(np.regex.try_get().is_ok(), "{}: {}", np.dialect, np.regex.as_str());
        }
    }

    #[test]
    fn each_tag_knows_its_syntax_and_body() {
        let knowledge = crate::knowledge::Knowledge::builtin().expect("built-in knowledge loads");
        let r = &knowledge.registry;
        let text = "Hi *|FNAME|*, {{ customer.email }} and %%emailaddr%% {{}}";
        let tags = r.scan(text);
        let seen: Vec<(&str, &str)> = tags
            .iter()
            .map(|t| (r.syntaxes[t.syntax].family, &text[t.body.0..t.body.1]))
            .collect();
        assert!(seen.contains(&("mailchimp", "FNAME")), "{seen:?}");
        assert!(seen.iter().any(|(_, b)| b.trim() == "customer.email"), "{seen:?}");
        assert!(seen.iter().any(|(_, b)| *b == "emailaddr"), "{seen:?}");
    }

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
