//! Shared word lists from `rules/lexicon/`: personal-data field names by category and
//! opt-out wording in many languages.

use super::yaml::{self, LoadError};
use crate::lazy_regex::LazyRegex;
use serde::Deserialize;
use std::collections::{BTreeMap, HashMap};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
#[serde(rename_all = "kebab-case")]
struct PiiFile {
    #[serde(default)]
    protected_words: Vec<String>,
    categories: BTreeMap<String, PiiCategoryDef>,
    #[serde(rename = "encryption-markers")]
    encryption_markers: EncryptionMarkersDef,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct EncryptionMarkersDef {
    words: Vec<String>,
    negations: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct UrlWordsDef {
    web: Vec<String>,
    mailto: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct PiiCategoryDef {
    sensitive: bool,
    names: Vec<String>,
    #[serde(default)]
    suffixes: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct OptOutFile {
    unsubscribe: BTreeMap<String, Vec<String>>,
    preferences: BTreeMap<String, Vec<String>>,
    #[serde(rename = "web-view")]
    web_view: BTreeMap<String, Vec<String>>,
    #[serde(rename = "unsubscribe-url")]
    unsubscribe_url: UrlWordsDef,
}

#[derive(Debug, Clone)]
pub struct PiiCategory {
    pub name: String,
    pub sensitive: bool,
}

#[derive(Debug)]
pub struct Lexicon {
    categories: Vec<PiiCategory>,
    by_name: HashMap<String, usize>,
    /// (normalised suffix, category), longest first.
    suffixes: Vec<(String, usize)>,
    protected_words: Vec<String>,
    pub unsubscribe_text: LazyRegex,
    pub preferences_text: LazyRegex,
    pub web_view_text: LazyRegex,
    /// Lower-case words that make a web URL an unsubscribe link.
    pub unsubscribe_url_words: Vec<String>,
    /// Lower-case words that make a `mailto:` URL an unsubscribe link.
    pub unsubscribe_mailto_words: Vec<String>,
    encryption_words: Vec<String>,
    encryption_negations: Vec<String>,
}

/// `Customer.First_Name` → `firstname`: the form field names are compared in.
pub fn normalize_field_name(name: &str) -> String {
    let last = name.rsplit(['.', '/', ':']).find(|s| !s.is_empty()).unwrap_or(name);
    last.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

/// Compiled on first use: the lexicons are built in, and `lexicon_patterns_compile` compiles them.
fn phrase_regex(groups: &BTreeMap<String, Vec<String>>) -> LazyRegex {
    let alternatives: Vec<&str> = groups.values().flatten().map(String::as_str).collect();
    // Word boundaries only where the phrase starts/ends with a word character: CJK phrases have none.
    LazyRegex::new(format!("(?i)(?:^|\\W)(?:{})(?:$|\\W)", alternatives.join("|")))
}

impl Lexicon {
    pub fn load(pii: (&str, &str), opt_out: (&str, &str)) -> Result<Lexicon, LoadError> {
        let pii_file: PiiFile = yaml::from_str(pii.0, pii.1)?;
        let opt: OptOutFile = yaml::from_str(opt_out.0, opt_out.1)?;
        let mut categories = Vec::new();
        let mut by_name = HashMap::new();
        let mut suffixes = Vec::new();
        for (name, def) in pii_file.categories {
            let idx = categories.len();
            categories.push(PiiCategory {
                name: name.clone(),
                sensitive: def.sensitive,
            });
            for n in def.names {
                // First category wins: lists are ordered from the most to the least specific.
                by_name.entry(normalize_field_name(&n)).or_insert(idx);
            }
            suffixes.extend(def.suffixes.iter().map(|s| (normalize_field_name(s), idx)));
        }
        suffixes.sort_by(|a: &(String, usize), b| b.0.len().cmp(&a.0.len()).then(a.1.cmp(&b.1)));
        Ok(Lexicon {
            categories,
            by_name,
            suffixes,
            protected_words: pii_file
                .protected_words
                .iter()
                .map(|w| normalize_field_name(w))
                .collect(),
            unsubscribe_text: phrase_regex(&opt.unsubscribe),
            preferences_text: phrase_regex(&opt.preferences),
            web_view_text: phrase_regex(&opt.web_view),
            unsubscribe_url_words: lower(opt.unsubscribe_url.web),
            unsubscribe_mailto_words: lower(opt.unsubscribe_url.mailto),
            encryption_words: lower(pii_file.encryption_markers.words),
            encryption_negations: lower(pii_file.encryption_markers.negations),
        })
    }

    /// The PII category of a field or merge-tag name, if its last segment is a known PII name.
    pub fn pii_category(&self, name: &str) -> Option<&PiiCategory> {
        let key = normalize_field_name(name);
        if let Some(&i) = self.by_name.get(&key) {
            return self.categories.get(i);
        }
        if self.protected_words.iter().any(|w| key.contains(w.as_str())) {
            return None;
        }
        self.suffixes
            .iter()
            .find(|(suffix, _)| key.len() > suffix.len() && key.ends_with(suffix.as_str()))
            .and_then(|&(_, i)| self.categories.get(i))
    }

    pub fn categories(&self) -> &[PiiCategory] {
        &self.categories
    }

    /// Whether a column's type or annotations say its data is encrypted or one-way hashed.
    pub fn has_encryption_marker(&self, ty: &str, annotations: &str) -> bool {
        let mut annotations = annotations.to_string();
        for negation in &self.encryption_negations {
            annotations = annotations.replace(negation.as_str(), "");
        }
        self.encryption_words
            .iter()
            .any(|m| ty.contains(m.as_str()) || annotations.contains(m.as_str()))
    }

    /// Whether a link's URL (lower-cased) names unsubscribing.
    pub fn is_unsubscribe_url(&self, href_lower: &str) -> bool {
        let words = if href_lower.starts_with("mailto:") {
            &self.unsubscribe_mailto_words
        } else {
            &self.unsubscribe_url_words
        };
        words.iter().any(|w| href_lower.contains(w.as_str()))
    }
}

fn lower(words: Vec<String>) -> Vec<String> {
    words.into_iter().map(|w| w.to_lowercase()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::knowledge::embedded;

    fn lexicon() -> Lexicon {
        Lexicon::load(
            (
                "lexicon/pii.yaml",
                embedded::file("lexicon/pii.yaml").unwrap_or_default(),
            ),
            (
                "lexicon/opt-out.yaml",
                embedded::file("lexicon/opt-out.yaml").unwrap_or_default(),
            ),
        )
        .expect("built-in lexicons load")
    }

    #[test]
    fn credential_columns_by_name_and_suffix() {
        let lex = lexicon();
        let cat = |n: &str| lex.pii_category(n).map(|c| c.name.clone());
        for n in [
            "totp_secret",
            "backup_codes",
            "recovery_codes",
            "stripe_api_key",
            "private_key",
            "client_secret",
            "webhook_secret",
            "oauth_token",
            "refresh_token",
            "session_token",
            "reset_token",
            "DATA_DECRYPTION_KEYS",
            "github_access_token",
        ] {
            assert_eq!(cat(n).as_deref(), Some("secret-token"), "{n}");
        }
        assert_eq!(cat("date_of_birth").as_deref(), Some("birth-date"));
        assert!(lex.pii_category("date_of_birth").is_some_and(|c| c.sensitive));
        assert_eq!(cat("otp").as_deref(), Some("one-time-code"));
        for n in ["api_key_hash", "encrypted_client_secret", "secret", "token", "title"] {
            assert_eq!(cat(n), None, "{n}");
        }
    }

    #[test]
    fn lexicon_patterns_compile() {
        let l = lexicon();
        for re in [&l.unsubscribe_text, &l.preferences_text, &l.web_view_text] {
            assert!(re.try_get().is_ok(), "{}", re.as_str());
        }
        assert!(l.unsubscribe_text.is_match("Click here to unsubscribe."));
    }

    #[test]
    fn pii_names_normalise() {
        let l = lexicon();
        assert_eq!(
            l.pii_category("customer.First_Name").map(|c| c.name.as_str()),
            Some("name")
        );
        assert_eq!(l.pii_category("user.ssn").map(|c| c.sensitive), Some(true));
        assert!(l.pii_category("product.title").is_none());
    }

    #[test]
    fn pii_names_in_six_languages() {
        let l = lexicon();
        let cat = |n: &str| l.pii_category(n).map(|c| c.name.clone());
        for (name, category) in [
            ("kunde.Vorname", "name"),
            ("prenom", "name"),
            ("apellido", "name"),
            ("achternaam", "name"),
            ("sobrenome", "name"),
            ("Geburtsdatum", "birth-date"),
            ("mot_de_passe", "credentials"),
            ("contraseña", "credentials"),
            ("wachtwoord", "credentials"),
            ("senha", "credentials"),
            ("gesundheitszustand", "health"),
            ("saúde", "health"),
            ("vingerafdruk", "biometric"),
            ("orientacion_sexual", "special-category"),
            ("seksuele_geaardheid", "special-category"),
            ("standort", "location"),
        ] {
            assert_eq!(cat(name).as_deref(), Some(category), "{name}");
        }
    }

    #[test]
    fn opt_out_phrases_in_many_languages() {
        let l = lexicon();
        for t in [
            "Unsubscribe",
            "click to opt-out",
            "Newsletter abbestellen",
            "Se désabonner",
            "darse de baja",
            "uitschrijven",
            "退订",
        ] {
            assert!(l.unsubscribe_text.is_match(t), "{t}");
        }
        assert!(!l.unsubscribe_text.is_match("Subscribe now"));
        assert!(l.preferences_text.is_match("Manage your email preferences"));
    }
}
