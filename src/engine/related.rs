//! Building blocks over config values that need more than a regex: the template a campaign
//! config refers to (for data minimisation across files), and RFC 2369 / RFC 8058 syntax of a
//! `List-Unsubscribe` header value.

use crate::document::{Document, FileKind, Value};
use crate::knowledge::dialects::Registry;
use crate::knowledge::lexicon::normalize_field_name;
use regex::Regex;
use std::collections::HashSet;
use std::path::Path;
use std::sync::LazyLock;

/// Keys that name a campaign's template file: `template`, `template_path`, `html_file`,
/// `body_html`, `layout`...
static TEMPLATE_KEY: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(r"(?i)(?:^|[_.-])(?:template|html|body|layout)(?:[_.-]?(?:path|file|html|name))?$").ok()
});

static IDENT: LazyLock<Option<Regex>> = LazyLock::new(|| Regex::new(r"[A-Za-z_][A-Za-z0-9_.:-]*").ok());

/// Names a template uses: every identifier inside its merge tags, whole and by segment,
/// normalised like lexicon names (`{{ customer.First_Name | default }}` uses `firstname`).
#[derive(Debug, Clone, Default)]
pub struct UsedNames(HashSet<String>);

impl UsedNames {
    pub fn from_template(text: &str, registry: &Registry) -> UsedNames {
        let mut names = HashSet::new();
        let Some(ident) = IDENT.as_ref() else {
            return UsedNames(names);
        };
        for tag in registry.scan(text) {
            let body = text.get(tag.body.0..tag.body.1).unwrap_or_default();
            for word in ident.find_iter(body) {
                let w = word.as_str();
                names.insert(normalize_field_name(w));
                for seg in w.split(['.', ':']) {
                    names.insert(normalize_field_name(seg));
                }
            }
        }
        names.remove("");
        UsedNames(names)
    }

    pub fn uses(&self, name: &str) -> bool {
        self.0.contains(&normalize_field_name(name))
    }
}

/// The template a config refers to and what reading it gave.
#[derive(Debug, Clone)]
pub struct TemplateUse {
    /// Index of the referring setting in `Document::settings`.
    pub setting: usize,
    /// The path as written in the config.
    pub reference: String,
    pub used: Result<UsedNames, String>,
}

/// The first setting whose key names a template and whose value is a relative path to an
/// HTML or MJML file; `read` resolves it relative to the config.
pub fn template_use(
    doc: &Document,
    registry: &Registry,
    read: &dyn Fn(&str) -> Result<String, String>,
) -> Option<TemplateUse> {
    let key_re = TEMPLATE_KEY.as_ref()?;
    let (index, reference) = doc.settings.iter().enumerate().find_map(|(i, s)| {
        let Value::String(v) = &s.value else {
            return None;
        };
        let v = v.trim();
        let is_template_file = !s.indirect
            && key_re.is_match(&s.key)
            && !v.contains("://")
            && !v.contains('\n')
            && crate::workspace::kind::classify(Path::new(v))
                .is_some_and(|(k, _)| matches!(k, FileKind::Html | FileKind::Mjml));
        is_template_file.then(|| (i, v.to_string()))
    })?;
    let used = read(&reference).map(|text| UsedNames::from_template(&text, registry));
    Some(TemplateUse {
        setting: index,
        reference,
        used,
    })
}

/// Stands for a merge tag in a header value: URI text whose scheme the ESP decides.
const TAG: char = '\u{1}';

/// Header text for a message, with merge tags shown as `{…}`.
fn show(text: &str) -> String {
    text.replace(TAG, "{…}")
}

/// `value` with `<` and `>` as spaces (same length): the brackets around header URIs would
/// otherwise read as ERB tags around SFMC's `%%…%%` strings (`<%%unsub_center_url%%>`).
pub fn unbracketed(value: &str) -> String {
    value.replace(['<', '>'], " ")
}

/// What is wrong with a `List-Unsubscribe` value under RFC 2369 (angle-bracketed URIs,
/// comma-separated) and RFC 8058 (an https URI for one-click), or None when it is well formed.
/// Merge tags count as opaque URI text.
pub fn list_unsubscribe_problem(value: &str, registry: &Registry) -> Option<String> {
    // Replace every merge tag with a same-position token so `{{ token }}` is not whitespace.
    let mut text = String::with_capacity(value.len());
    let mut last = 0;
    for tag in registry.scan(&unbracketed(value)) {
        text.push_str(&value[last..tag.start]);
        text.push(TAG);
        last = tag.end;
    }
    text.push_str(&value[last..]);
    let text = text.trim();
    if text.is_empty() {
        return Some("the value is empty".into());
    }
    let mut uris = Vec::new();
    let mut rest = text;
    loop {
        rest = rest.trim_start();
        let Some(after) = rest.strip_prefix('<') else {
            let shown: String = rest.chars().take(40).collect();
            return Some(format!("`{}` is not wrapped in angle brackets (`<…>`)", show(&shown)));
        };
        let Some(close) = after.find('>') else {
            return Some("a `<` has no closing `>`".into());
        };
        let uri = &after[..close];
        if uri.chars().any(char::is_whitespace) {
            return Some(format!("`<{}>` has whitespace inside the URI", show(uri)));
        }
        uris.push(uri.to_string());
        rest = after[close + 1..].trim_start();
        if rest.is_empty() {
            break;
        }
        match rest.strip_prefix(',') {
            Some(r) => rest = r,
            None => return Some("URIs must be separated by commas".into()),
        }
    }
    let lower: Vec<String> = uris.iter().map(|u| u.to_ascii_lowercase()).collect();
    if let Some(bad) = lower.iter().find(|u| {
        !(u.starts_with(TAG) || u.starts_with("mailto:") || u.starts_with("https://") || u.starts_with("http://"))
    }) {
        return Some(format!("`{}` is neither a mailto: nor an http(s) URI", show(bad)));
    }
    let mailtos = lower.iter().filter(|u| u.starts_with("mailto:")).count();
    let https = lower.iter().filter(|u| u.starts_with("https://")).count();
    let http = lower.iter().filter(|u| u.starts_with("http://")).count();
    if mailtos > 1 {
        return Some("more than one mailto: URI".into());
    }
    if https + http > 1 {
        return Some("more than one http(s) URI".into());
    }
    if http > 0 {
        return Some("the web URI must be https (RFC 8058 one-click needs one HTTPS URI)".into());
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::knowledge::Knowledge;

    fn registry() -> std::sync::Arc<Knowledge> {
        Knowledge::builtin().expect("built-in knowledge")
    }

    #[test]
    fn list_unsubscribe_syntax() {
        let k = registry();
        let ok = [
            "<https://acme.example/u/abc>, <mailto:unsub@acme.example?subject=unsub>",
            "<https://acme.example/u/{{ token }}>",
            "<%%unsub_center_url%%>",
            "<mailto:unsub@acme.example>",
            "  <https://acme.example/u/abc>,<mailto:u@acme.example>  ",
        ];
        for v in ok {
            assert_eq!(list_unsubscribe_problem(v, &k.registry), None, "{v}");
        }
        let bad = [
            (
                "https://acme.example/u/abc, mailto:unsub@acme.example",
                "angle brackets",
            ),
            ("<https://acme.example/u/abc> <mailto:u@acme.example>", "commas"),
            ("<http://acme.example/u/abc>", "https"),
            ("<https://a.example/u>, <https://b.example/u>", "more than one http"),
            (
                "<mailto:a@acme.example>, <mailto:b@acme.example>",
                "more than one mailto",
            ),
            ("<https://acme.example/u/a b>", "whitespace"),
            ("{{ unsubscribe_url }}, <mailto:u@acme.example>", "`{…}, <mailto"),
            ("<https://acme.example/u", "closing"),
            ("<ftp://acme.example/u>", "neither"),
            ("", "empty"),
        ];
        for (v, why) in bad {
            let p = list_unsubscribe_problem(v, &k.registry);
            assert!(p.as_ref().is_some_and(|p| p.contains(why)), "{v}: {p:?}");
        }
    }

    #[test]
    fn template_names_are_collected_from_every_dialect() {
        let k = registry();
        let used = UsedNames::from_template(
            "<p>Hi {{ customer.First_Name | default: 'there' }} *|LNAME|* {% if phone %}x{% endif %}</p>",
            &k.registry,
        );
        for n in ["first_name", "FirstName", "lname", "phone", "customer"] {
            assert!(used.uses(n), "{n}");
        }
        assert!(!used.uses("date_of_birth"));
    }

    #[test]
    fn template_reference_is_read_once_and_failures_are_kept() {
        let k = registry();
        let text = "campaign:\n  subject: Hi\n  template: emails/spring.html\n";
        let mut doc = Document::new(FileKind::Config, crate::document::SourceFormat::Yaml, text.len());
        doc.settings = crate::syntax::config::parse_yaml(text).settings;
        let found = template_use(&doc, &k.registry, &|p: &str| {
            if p == "emails/spring.html" {
                Ok("{{ first_name }}".into())
            } else {
                Err("not found".into())
            }
        });
        let found = found.expect("a template reference");
        assert_eq!(found.reference, "emails/spring.html");
        assert!(found.used.as_ref().is_ok_and(|u| u.uses("first_name")));
        let missing = template_use(&doc, &k.registry, &|_: &str| Err("no such file".into()));
        assert_eq!(missing.and_then(|m| m.used.err()), Some("no such file".into()));
    }
}
