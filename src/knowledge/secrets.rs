//! Secret detection for config values, from `rules/lexicon/secrets.yaml`: known key formats of
//! ESPs and clouds, high-entropy values under secret-like keys, literal credentials, and
//! connection URLs that carry a password. Placeholders and values from elsewhere never count.

use super::yaml::{self, LoadError};
use crate::lazy_regex::LazyRegex;
use serde::Deserialize;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct SecretsFile {
    formats: Vec<SecretFormatDef>,
    keys: String,
    placeholders: Vec<String>,
    #[serde(default)]
    weak: Vec<String>,
    entropy: EntropyDef,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct SecretFormatDef {
    name: String,
    pattern: String,
    #[serde(default)]
    context: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct EntropyDef {
    min_length: usize,
    min_bits: f64,
}

#[derive(Debug)]
struct SecretFormat {
    name: String,
    regex: LazyRegex,
    context: Option<LazyRegex>,
}

#[derive(Debug)]
pub struct Secrets {
    formats: Vec<SecretFormat>,
    keys: LazyRegex,
    placeholders: LazyRegex,
    weak: LazyRegex,
    min_length: usize,
    min_bits: f64,
}

/// Why a value is a secret: the known format's name, or `high-entropy value`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SecretKind(pub String);

/// `apiKey` → `api_key`, `SMTP_PASSWORD` → `smtp_password`: the form keys are compared in.
fn snake_key(key: &str) -> String {
    let mut out = String::with_capacity(key.len() + 4);
    let mut prev_lower = false;
    for c in key.chars() {
        if c.is_uppercase() && prev_lower {
            out.push('_');
        }
        prev_lower = c.is_lowercase() || c.is_ascii_digit();
        out.extend(c.to_lowercase());
    }
    out
}

/// Shannon entropy in bits per character.
pub fn entropy(value: &str) -> f64 {
    let mut counts = std::collections::HashMap::new();
    let mut n = 0usize;
    for c in value.chars() {
        *counts.entry(c).or_insert(0usize) += 1;
        n += 1;
    }
    if n == 0 {
        return 0.0;
    }
    counts
        .values()
        .map(|&k| {
            let p = k as f64 / n as f64;
            -p * p.log2()
        })
        .sum()
}

impl Secrets {
    pub fn load(path: &str, text: &str) -> Result<Secrets, LoadError> {
        let file: SecretsFile = yaml::from_str(path, text)?;
        // The lexicon is built in: patterns compile on first use (configs only), and
        // `lexicon_patterns_compile` compiles them all.
        let compile = |pattern: &str, ci: bool| -> Result<LazyRegex, LoadError> {
            Ok(LazyRegex::new(if ci {
                format!("(?i){pattern}")
            } else {
                pattern.to_string()
            }))
        };
        let mut formats = Vec::new();
        for f in &file.formats {
            formats.push(SecretFormat {
                name: f.name.clone(),
                regex: compile(&f.pattern, false)?,
                context: f.context.as_deref().map(|c| compile(c, true)).transpose()?,
            });
        }
        let placeholders = format!("^(?:{})$", file.placeholders.join("|"));
        let weak = format!("^(?:{})$", file.weak.join("|"));
        Ok(Secrets {
            formats,
            keys: compile(&file.keys, true)?,
            placeholders: compile(&placeholders, true)?,
            weak: compile(&weak, true)?,
            min_length: file.entropy.min_length,
            min_bits: file.entropy.min_bits,
        })
    }

    /// A key whose value is a secret (`SMTP_PASSWORD`, `apiKey`, `client_secret`).
    pub fn is_secret_key(&self, key: &str) -> bool {
        self.keys.is_match(&snake_key(key))
    }

    /// A committed development password or sample hex word (`secret`, `DEADBEEF`).
    pub fn is_weak(&self, value: &str) -> bool {
        let v = value.trim().trim_matches(['"', '\'']);
        !v.is_empty() && self.weak.is_match(v)
    }

    /// A value that stands for "fill this in", or no value at all.
    pub fn is_placeholder(&self, value: &str) -> bool {
        let v = value.trim().trim_matches(['"', '\'']);
        if v.is_empty() || self.is_weak(v) {
            return v.is_empty();
        }
        if self.placeholders.is_match(v) {
            return true;
        }
        // `SG.xxxxxxxx`, `aaaaaaaa`: one character makes up most of the value.
        let mut counts = std::collections::HashMap::new();
        let mut total = 0usize;
        for c in v.chars().filter(|c| c.is_alphanumeric()) {
            *counts.entry(c.to_ascii_lowercase()).or_insert(0usize) += 1;
            total += 1;
        }
        let best = counts.values().copied().max().unwrap_or(0);
        total >= 4 && best * 10 >= total * 6
    }

    fn high_entropy(&self, value: &str) -> bool {
        let v = value.trim();
        v.chars().count() >= self.min_length
            && !v.chars().any(char::is_whitespace)
            && !v.contains("://")
            && v.matches('/').count() <= 1
            && entropy(v) >= self.min_bits
    }

    /// A literal secret: a known key format anywhere (with its context, when the format needs
    /// one), or a high-entropy value under a secret-like key.
    pub fn secret(&self, path: &str, key: &str, value: &str) -> Option<SecretKind> {
        if self.is_placeholder(value) || self.is_weak(value) {
            return None;
        }
        for f in &self.formats {
            if f.context.as_ref().is_some_and(|c| !c.is_match(path)) {
                continue;
            }
            if f.regex.is_match(value.trim()) {
                return Some(SecretKind(f.name.clone()));
            }
        }
        if self.is_secret_key(key) && self.high_entropy(value) {
            return Some(SecretKind("high-entropy value".into()));
        }
        None
    }

    /// A literal credential of any strength: a non-placeholder value under a secret-like key, or
    /// a URL with a password in it (`postgres://app:hunter2@db/app`).
    pub fn credential(&self, key: &str, value: &str) -> Option<SecretKind> {
        if self.is_placeholder(value) {
            return None;
        }
        // `MARIADB_ALLOW_EMPTY_PASSWORD: yes` is a switch, not a password.
        let switch = [
            "true", "false", "yes", "no", "on", "off", "0", "1", "enabled", "disabled",
        ];
        if switch.iter().any(|w| value.trim().eq_ignore_ascii_case(w)) {
            return None;
        }
        if self.is_secret_key(key) {
            if self.is_weak(value) {
                return Some(SecretKind(format!("weak literal credential under `{key}`")));
            }
            return Some(SecretKind(format!("literal value under `{key}`")));
        }
        url_password(value)
            .filter(|p| !self.is_placeholder(p))
            .map(|_| SecretKind("password in a connection URL".into()))
    }
}

/// The password of `scheme://user:password@host...`, if any.
pub fn url_password(value: &str) -> Option<&str> {
    let (scheme, rest) = value.trim().split_once("://")?;
    if scheme.is_empty() || !scheme.chars().all(|c| c.is_ascii_alphanumeric() || "+.-".contains(c)) {
        return None;
    }
    let authority = rest.split(['/', '?', '#']).next()?;
    let (userinfo, _) = authority.rsplit_once('@')?;
    let (_, password) = userinfo.split_once(':')?;
    (!password.is_empty()).then_some(password)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::knowledge::embedded;

    fn secrets() -> Secrets {
        Secrets::load(
            "lexicon/secrets.yaml",
            embedded::file("lexicon/secrets.yaml").unwrap_or_default(),
        )
        .expect("built-in secrets lexicon loads")
    }

    #[test]
    fn lexicon_patterns_compile() {
        let s = secrets();
        let mut all = vec![&s.keys, &s.placeholders, &s.weak];
        for f in &s.formats {
            all.push(&f.regex);
            all.extend(&f.context);
        }
        for re in all {
            assert!(re.try_get().is_ok(), "{}", re.as_str());
        }
    }

    #[test]
    fn instructions_are_placeholders_and_dev_passwords_are_weak_credentials() {
        let s = secrets();
        for v in [
            "CHANGE-THIS! VERY IMPORTANT!",
            "you_must_generate_a_random_string_of_at_least_32_chars",
            "please-generate-a-key",
            "generate-a-secret-here",
        ] {
            assert!(s.is_placeholder(v), "{v}");
            assert_eq!(s.credential("SECRET_KEY_BASE", v), None, "{v}");
            assert_eq!(s.secret("app.secret", "secret", v), None, "{v}");
        }
        for v in ["secret", "password", "DEADBEEF", "CAFEBABE", "admin123"] {
            assert!(!s.is_placeholder(v), "{v}");
            let kind = s.credential("password", v).map(|k| k.0);
            assert!(
                kind.as_deref().is_some_and(|k| k.starts_with("weak literal")),
                "{v}: {kind:?}"
            );
            assert_eq!(s.secret("db.password", "password", v), None, "{v}");
        }
    }

    #[test]
    fn plural_key_names_are_secret_keys() {
        let s = secrets();
        for k in ["DATA_DECRYPTION_KEYS", "api_keys", "SECRET_KEYS", "client_secrets"] {
            assert!(s.is_secret_key(k), "{k}");
        }
    }

    #[test]
    fn known_formats_are_secrets_under_any_key() {
        let s = secrets();
        let cases = [
            (
                "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",
                "SendGrid",
            ),
            ("key-3a6f9d2c4b8e1f7a0c5d9e2b6a4f8c1d", "Mailgun"),
            ("0123456789abcdef0123456789abcdef-us12", "Mailchimp"),
            ("AKIAIOSFODNN7EXAMPLF", "AWS"),
            ("sk_live_4eC39HqLyjWDarjtT1zdp7dc", "Stripe"),
            ("xoxb-263594206564-2343594206574-FGqddMF8t08v8N7Oq4i57vs1", "Slack"),
        ];
        for (value, name) in cases {
            let kind = s.secret("config.value", "value", value);
            assert!(kind.as_ref().is_some_and(|k| k.0.contains(name)), "{value}: {kind:?}");
        }
    }

    #[test]
    fn context_formats_need_their_context() {
        let s = secrets();
        let uuid = "b4e3c1f2-9a7d-4c1e-8f2a-6d5e4c3b2a19";
        assert!(s.secret("postmark.server_token", "server_token", uuid).is_some());
        assert!(s.secret("campaign.id", "id", uuid).is_none());
    }

    #[test]
    fn high_entropy_only_under_secret_keys() {
        let s = secrets();
        let v = "q8Zr2LxV9mT4pW7nK1sB6cH3";
        assert_eq!(
            s.secret("app.api_key", "api_key", v),
            Some(SecretKind("high-entropy value".into()))
        );
        assert!(s.secret("app.build_id", "build_id", v).is_none());
        assert!(s.secret("app.password", "password", "hunter2").is_none());
    }

    #[test]
    fn placeholders_and_empty_values_are_never_secrets() {
        let s = secrets();
        for v in [
            "",
            "changeme",
            "CHANGE_ME",
            "<your-key>",
            "your-api-key-here",
            "xxxx",
            "xxxxxxxxxxxxxxxx",
            "SG.xxxxxxxxxxxxxxxxxxxxxx.xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
            "********",
            "[API_KEY]",
            "sk_test_4eC39HqLyjWDarjtT1zdp7dc",
        ] {
            assert!(s.secret("a.api_key", "api_key", v).is_none(), "{v}");
            assert!(s.credential("api_key", v).is_none(), "{v}");
        }
    }

    #[test]
    fn credentials_are_literal_values_under_secret_keys_or_url_passwords() {
        let s = secrets();
        assert!(s.credential("SMTP_PASSWORD", "hunter2").is_some());
        assert!(s.credential("smtpPassword", "hunter2").is_some());
        assert!(s.credential("max_tokens", "4096").is_none());
        assert!(s.credential("token_ttl", "3600").is_none());
        assert!(s.credential("MARIADB_ALLOW_EMPTY_PASSWORD", "yes").is_none());
        assert!(
            s.credential("DATABASE_URL", "postgres://app:s3cr3t@db.example.com/app")
                .is_some()
        );
        assert!(
            s.credential("DATABASE_URL", "postgres://app@db.example.com/app")
                .is_none()
        );
        assert!(
            s.credential("DATABASE_URL", "postgres://app:<password>@db/app")
                .is_none()
        );
        assert!(s.credential("homepage", "https://acme.example").is_none());
    }

    #[test]
    fn entropy_orders_random_above_words() {
        assert!(entropy("q8Zr2LxV9mT4pW7nK1sB6cH3") > entropy("passwordpassword"));
        assert_eq!(entropy(""), 0.0);
    }
}
