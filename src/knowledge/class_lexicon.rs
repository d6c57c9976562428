//! The evidence a message's class is decided from (`rules/lexicon/class.yaml`): purpose wording
//! by language, path words, transactional merge fields, ESP sending context and promotional
//! content, each with its weight. The decision itself is `message::class`.

use super::yaml::{self, LoadError};
use crate::lazy_regex::LazyRegex;
use serde::Deserialize;
use std::collections::BTreeMap;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct ClassFile {
    decision: Thresholds,
    purpose: PurposeDef,
    path: PathDef,
    merge_fields: FieldsDef,
    esp: Vec<EspDef>,
    promotion: PromotionDef,
    subject_claims: SubjectClaimsDef,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct SubjectClaimsDef {
    prefixes: Vec<String>,
    phrases: BTreeMap<String, Vec<String>>,
}

/// Where the net score (transactional minus marketing weight) decides a class.
#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Thresholds {
    /// At or above: transactional.
    pub transactional: i32,
    /// At or below: marketing.
    pub marketing: i32,
    /// Promotional weight at or above which a message is marketing whatever else it says.
    pub promotion: i32,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct PurposeDef {
    weights: PlaceWeights,
    cap: i32,
    kinds: BTreeMap<String, PurposeKindDef>,
}

/// How much purpose wording weighs by where it sits.
#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct PlaceWeights {
    pub title: i32,
    pub heading: i32,
    pub preheader: i32,
    pub opening: i32,
    pub merge_tag: i32,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct PurposeKindDef {
    reason: String,
    phrases: BTreeMap<String, Vec<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct PathDef {
    weights: PathWeights,
    cap: i32,
    transactional: Vec<String>,
    marketing: Vec<String>,
}

#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PathWeights {
    pub file: i32,
    pub directory: i32,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct FieldsDef {
    weight: i32,
    cap: i32,
    kinds: BTreeMap<String, FieldKindDef>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct FieldKindDef {
    reason: String,
    names: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct EspDef {
    dialect: String,
    names: Vec<String>,
    weight: i32,
    reason: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct PromotionDef {
    weights: PromotionWeights,
    strong: BTreeMap<String, Vec<String>>,
    weak: BTreeMap<String, Vec<String>>,
    line_item: BTreeMap<String, Vec<String>>,
}

#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct PromotionWeights {
    pub strong: i32,
    pub weak: i32,
    pub product_grid: i32,
}

/// One purpose (password reset, receipt, ...): its phrases in every language, as one regex
/// whose group 1 is the phrase found.
#[derive(Debug)]
pub struct PurposeKind {
    pub id: String,
    pub reason: String,
    pub languages: Vec<String>,
    pub regex: LazyRegex,
}

#[derive(Debug)]
pub struct Purpose {
    pub weights: PlaceWeights,
    pub cap: i32,
    pub kinds: Vec<PurposeKind>,
}

/// A path word: the lower-case tokens it spans (`magic link` is two).
pub type PathWord = Vec<String>;

#[derive(Debug)]
pub struct PathWords {
    pub weights: PathWeights,
    pub cap: i32,
    pub transactional: Vec<PathWord>,
    pub marketing: Vec<PathWord>,
}

/// A kind of merge field only transactional mail carries, matched on a dotted name.
#[derive(Debug)]
pub struct FieldKind {
    pub id: String,
    pub reason: String,
    pub regex: LazyRegex,
}

#[derive(Debug)]
pub struct Fields {
    pub weight: i32,
    pub cap: i32,
    pub kinds: Vec<FieldKind>,
}

/// A merge tag of one ESP that says which kind of stream the message goes out on.
#[derive(Debug)]
pub struct EspSignal {
    pub dialect: String,
    pub regex: LazyRegex,
    pub weight: i32,
    pub reason: String,
}

#[derive(Debug)]
pub struct Promotion {
    pub weights: PromotionWeights,
    pub strong: LazyRegex,
    pub weak: LazyRegex,
    /// Matches a whole order-summary label (`discount`, `coupon code`), nothing more.
    pub line_item: LazyRegex,
}

/// Subject wording that claims a transaction or a conversation (`Your order`, `RE:`).
#[derive(Debug)]
pub struct SubjectClaims {
    /// `RE:`, `AW:`... at the start; group 1 is the marker with its colon.
    pub prefix: LazyRegex,
    /// Phrases as whole words; group 1 is the phrase.
    pub phrase: LazyRegex,
}

impl SubjectClaims {
    /// The byte range of the first claim in `subject`: its reply/forward marker, else a phrase.
    pub fn find(&self, subject: &str) -> Option<std::ops::Range<usize>> {
        self.reply_marker(subject).or_else(|| {
            let caps = self.phrase.try_get().ok()?.captures(subject)?;
            caps.get(1).map(|m| m.range())
        })
    }

    /// The byte range of a reply or forward marker (`RE:`) at the start of `subject`.
    pub fn reply_marker(&self, subject: &str) -> Option<std::ops::Range<usize>> {
        let caps = self.prefix.try_get().ok()?.captures(subject)?;
        caps.get(1).map(|m| m.range())
    }
}

#[derive(Debug)]
pub struct ClassLexicon {
    pub decision: Thresholds,
    pub purpose: Purpose,
    pub path: PathWords,
    pub fields: Fields,
    pub esp: Vec<EspSignal>,
    pub promotion: Promotion,
    pub subject_claims: SubjectClaims,
}

/// Phrases matched as whole words; group 1 is the phrase. `\W` rather than `\b` keeps the
/// regex on the lazy DFA for non-ASCII text.
fn phrase_regex<'a>(phrases: impl IntoIterator<Item = &'a String>) -> LazyRegex {
    let alternatives: Vec<&str> = phrases.into_iter().map(String::as_str).collect();
    LazyRegex::new(format!("(?i)(?:^|\\W)({})(?:$|\\W)", alternatives.join("|")))
}

/// A dotted merge-field name ending in one of `names` at a segment boundary.
fn name_regex(names: &[String]) -> LazyRegex {
    LazyRegex::new(format!("(?i)(?:^|[.])(?:{})$", names.join("|")))
}

/// `magic-link`, `Magic Link`, `magic_link` → `["magic", "link"]`.
pub fn path_word(word: &str) -> PathWord {
    split_words(word)
}

/// Lower-case words of an identifier or path component: split at non-alphanumerics and at
/// camelCase boundaries (`LoginNotification` → `login`, `notification`).
pub fn split_words(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut prev_lower = false;
    for c in text.chars() {
        if !c.is_alphanumeric() {
            if !cur.is_empty() {
                out.push(std::mem::take(&mut cur));
            }
            prev_lower = false;
            continue;
        }
        if c.is_uppercase() && prev_lower && !cur.is_empty() {
            out.push(std::mem::take(&mut cur));
        }
        prev_lower = c.is_lowercase() || c.is_ascii_digit();
        cur.extend(c.to_lowercase());
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

impl ClassLexicon {
    pub fn load(path: &str, text: &str) -> Result<ClassLexicon, LoadError> {
        let file: ClassFile = yaml::from_str(path, text)?;
        let purpose = Purpose {
            weights: file.purpose.weights,
            cap: file.purpose.cap,
            kinds: file
                .purpose
                .kinds
                .into_iter()
                .map(|(id, def)| PurposeKind {
                    id,
                    reason: def.reason,
                    languages: def.phrases.keys().cloned().collect(),
                    regex: phrase_regex(def.phrases.values().flatten()),
                })
                .collect(),
        };
        let path_words = PathWords {
            weights: file.path.weights,
            cap: file.path.cap,
            transactional: file.path.transactional.iter().map(|w| path_word(w)).collect(),
            marketing: file.path.marketing.iter().map(|w| path_word(w)).collect(),
        };
        let fields = Fields {
            weight: file.merge_fields.weight,
            cap: file.merge_fields.cap,
            kinds: file
                .merge_fields
                .kinds
                .into_iter()
                .map(|(id, def)| FieldKind {
                    id,
                    reason: def.reason,
                    regex: name_regex(&def.names),
                })
                .collect(),
        };
        let esp = file
            .esp
            .into_iter()
            .map(|e| EspSignal {
                regex: name_regex(&e.names),
                dialect: e.dialect,
                weight: e.weight,
                reason: e.reason,
            })
            .collect();
        let p = file.promotion;
        let line_items: Vec<&String> = p.line_item.values().flatten().collect();
        let promotion = Promotion {
            weights: p.weights,
            strong: phrase_regex(p.strong.values().flatten()),
            weak: phrase_regex(p.weak.values().flatten()),
            line_item: LazyRegex::new(format!(
                "(?i)^(?:{})$",
                line_items.iter().map(|s| s.as_str()).collect::<Vec<_>>().join("|")
            )),
        };
        let claims = file.subject_claims;
        let subject_claims = SubjectClaims {
            prefix: LazyRegex::new(format!("(?i)^\\s*((?:{})\\s*:)", claims.prefixes.join("|"))),
            phrase: phrase_regex(claims.phrases.values().flatten()),
        };
        Ok(ClassLexicon {
            decision: file.decision,
            purpose,
            path: path_words,
            fields,
            esp,
            promotion,
            subject_claims,
        })
    }

    /// Every regex the lexicon holds, for the test that compiles them all.
    pub fn regexes(&self) -> Vec<&LazyRegex> {
        let mut out: Vec<&LazyRegex> = self.purpose.kinds.iter().map(|k| &k.regex).collect();
        out.extend(self.fields.kinds.iter().map(|k| &k.regex));
        out.extend(self.esp.iter().map(|e| &e.regex));
        out.extend([&self.promotion.strong, &self.promotion.weak, &self.promotion.line_item]);
        out.extend([&self.subject_claims.prefix, &self.subject_claims.phrase]);
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::knowledge::embedded;

    fn lexicon() -> ClassLexicon {
        ClassLexicon::load(
            "lexicon/class.yaml",
            embedded::file("lexicon/class.yaml").unwrap_or_default(),
        )
        .expect("built-in class lexicon loads")
    }

    #[test]
    fn class_patterns_compile() {
        for re in lexicon().regexes() {
            assert!(re.try_get().is_ok(), "{}", re.as_str());
        }
    }

    #[test]
    fn every_purpose_speaks_seven_languages() {
        for k in &lexicon().purpose.kinds {
            for lang in ["en", "de", "fr", "es", "it", "nl", "pt"] {
                assert!(k.languages.iter().any(|l| l == lang), "{}: no {lang} phrases", k.id);
            }
        }
    }

    #[test]
    fn words_split_at_case_and_punctuation() {
        assert_eq!(split_words("LoginNotification"), ["login", "notification"]);
        assert_eq!(
            split_words("order-confirmation.liquid"),
            ["order", "confirmation", "liquid"]
        );
        assert_eq!(
            split_words("email.forgotPassword.subject"),
            ["email", "forgot", "password", "subject"]
        );
        assert_eq!(split_words("HTMLEmail_2fa"), ["htmlemail", "2fa"]);
        assert_eq!(path_word("magic link"), ["magic", "link"]);
    }

    #[test]
    fn line_items_are_labels_only() {
        let l = lexicon();
        let re = l.promotion.line_item.try_get().expect("compiles");
        for t in [
            "discount",
            "order discount",
            "discounts",
            "coupon code",
            "rabatt",
            "remise",
            "descuento",
            "korting",
        ] {
            assert!(re.is_match(t), "{t}");
        }
        assert!(!re.is_match("use this discount now"));
    }
}

#[cfg(test)]
mod subject_claim_tests {
    #[test]
    fn claims_by_language_and_reply_markers() {
        let k = crate::knowledge::Knowledge::builtin().expect("knowledge");
        let claims = &k.class.subject_claims;
        let found = |s: &str| claims.find(s).map(|r| s[r].to_string());
        assert_eq!(found("RE: a quick question"), Some("RE:".into()));
        assert_eq!(found("  Fwd : deals"), Some("Fwd :".into()));
        assert_eq!(found("Your order #1234 has shipped"), Some("Your order".into()));
        assert_eq!(found("Ihre Bestellung bei Acme"), Some("Ihre Bestellung".into()));
        assert_eq!(found("Votre commande est prête"), Some("Votre commande".into()));
        assert_eq!(found("Tu pedido ha sido enviado"), Some("Tu pedido".into()));
        assert_eq!(found("Spring sale: 50% off"), None);
        // Whole words: "are:" is not a reply marker, "preorder" not an order.
        assert_eq!(found("Share: our spring picks"), None);
        assert_eq!(found("Preorders open today"), None);
        assert_eq!(claims.reply_marker("Your order"), None);
    }
}
