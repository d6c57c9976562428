//! `setting:` matchers: config values by dotted path and key, value tests, and the value
//! detectors (secrets, credentials, placeholder addresses, List-Unsubscribe syntax, and the
//! campaign template checks). The YAML shape is `SettingDef` (rules/schema.rs), compiled in
//! rules/load.rs to `SettingM` (rules/compiled.rs); path and key patterns of the whole rule
//! set are matched once per setting (rules/setting_patterns.rs).

use super::{Evaluator, Fact, Match};
use crate::document::{MessageClass, Setting, Value};
use crate::engine::related::{self, TemplateUse};
use crate::knowledge::address;
use crate::knowledge::dialects::tag_name;
use crate::lazy_regex::LazyRegex;
use crate::rules::compiled::{Set, SettingM, TemplateClass, ValueDetector};
use crate::rules::setting_patterns::{SettingHits, SettingPatterns};

/// Whether a URL's host is this machine or a single-label name (a container or service name).
pub fn is_local_url(url: &str) -> bool {
    let rest = url.trim().split_once("://").map(|(_, r)| r).unwrap_or(url);
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    let host_port = authority.rsplit('@').next().unwrap_or_default();
    let host = if host_port.starts_with('[') {
        host_port.split(']').next().unwrap_or_default().trim_start_matches('[')
    } else {
        host_port.split(':').next().unwrap_or_default()
    };
    let host = host.to_ascii_lowercase();
    host.is_empty()
        || host == "localhost"
        || host.ends_with(".localhost")
        || host.starts_with("127.")
        || host == "0.0.0.0"
        || host == "::1"
        || host.ends_with(".local")
        || !host.contains('.')
}

fn truthy(value: &Value) -> Option<bool> {
    match value {
        Value::Bool(b) => Some(*b),
        Value::String(s) | Value::Number(s) => match s.trim().to_ascii_lowercase().as_str() {
            "true" | "yes" | "on" | "1" | "enabled" => Some(true),
            "false" | "no" | "off" | "0" | "disabled" => Some(false),
            _ => None,
        },
        _ => None,
    }
}

fn value_text(value: &Value) -> Option<String> {
    match value {
        Value::Bool(b) => Some(b.to_string()),
        Value::String(s) | Value::Number(s) => Some(s.clone()),
        Value::Null => Some(String::new()),
        Value::Composite => None,
    }
}

fn type_name(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "bool",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Composite => "composite",
    }
}

impl Evaluator<'_> {
    fn setting_patterns(&self) -> Option<(&SettingPatterns, &SettingHits)> {
        let p = self.setting_patterns?.setting_patterns();
        Some((p, self.setting_hits.get_or_init(|| p.hits(&self.doc.settings))))
    }

    fn path_matches(&self, re: &LazyRegex, i: usize, path: &str) -> bool {
        match self.setting_patterns() {
            Some((p, hits)) => p.path_matches(hits, re, i, path),
            None => re.is_match(path),
        }
    }

    fn key_matches(&self, re: &LazyRegex, i: usize, key: &str) -> bool {
        match self.setting_patterns() {
            Some((p, hits)) => p.key_matches(hits, re, i, key),
            None => re.is_match(key),
        }
    }

    /// The template a campaign config refers to, read and scanned once.
    fn template_use(&self) -> Option<&TemplateUse> {
        self.template
            .get_or_init(|| {
                let read = self.related?;
                related::template_use(self.doc, &self.knowledge.registry, read)
            })
            .as_ref()
    }

    /// The class of the template the config names, and the reference as written.
    fn template_class(&self) -> &(TemplateClass, String) {
        self.template_class.get_or_init(|| {
            let Some(used) = self.template_use() else {
                return (TemplateClass::None, String::new());
            };
            let class = match (&used.used, self.related_class) {
                (Ok(_), Some(class_of)) => match class_of(&used.reference) {
                    Some(MessageClass::Marketing) => TemplateClass::Marketing,
                    Some(MessageClass::Transactional) => TemplateClass::Transactional,
                    _ => TemplateClass::Unknown,
                },
                _ => TemplateClass::Unknown,
            };
            (class, used.reference.clone())
        })
    }

    pub(super) fn settings(&self, m: &SettingM) -> Vec<Match> {
        let mut out = Vec::new();
        for (i, s) in self.doc.settings.iter().enumerate() {
            if m.path
                .as_ref()
                .is_some_and(|globs| !self.path_matches(globs, i, &s.path))
            {
                continue;
            }
            if m.key.as_ref().is_some_and(|r| !self.key_matches(r, i, &s.key)) {
                continue;
            }
            let text = value_text(&s.value);
            if let Some(eq) = &m.equals
                && !text.as_deref().is_some_and(|t| t.eq_ignore_ascii_case(eq))
            {
                continue;
            }
            if let Some(set) = &m.one_of
                && !text.as_deref().is_some_and(|t| set.contains(&t.trim().to_lowercase()))
            {
                continue;
            }
            if let Some(re) = &m.regex
                && !text.as_deref().is_some_and(|t| re.is_match(t))
            {
                continue;
            }
            if let Some(b) = m.boolean
                && truthy(&s.value) != Some(b)
            {
                continue;
            }
            if let Some(schemes) = &m.scheme {
                let t = text.as_deref().unwrap_or_default().trim().to_ascii_lowercase();
                if !schemes.iter().any(|sc| t.starts_with(&format!("{sc}://"))) {
                    continue;
                }
            }
            if m.literal.is_some_and(|l| l == s.indirect) {
                continue;
            }
            if m.local.is_some_and(|l| l != text.as_deref().is_some_and(is_local_url)) {
                continue;
            }
            if m.ty
                .as_ref()
                .is_some_and(|t| !t.iter().any(|x| x == type_name(&s.value)))
            {
                continue;
            }
            if let Some(set) = &m.pii {
                let name = setting_name(s);
                let category = name.and_then(|n| self.knowledge.lexicon.pii_category(n));
                if !set.accepts(category.map(|c| &c.name)) {
                    continue;
                }
            }
            if (m.tag_pii.is_some() || m.tag_sensitive.is_some() || m.tag_role.is_some())
                && !self.value_tags_match(s, m)
            {
                continue;
            }
            let mut captures = vec![
                ("key", s.key.clone()),
                ("value", text.clone().unwrap_or_default()),
                ("path", s.path.clone()),
            ];
            if let Some(want) = &m.template_class {
                let (class, template) = self.template_class();
                if !want.contains(class) {
                    continue;
                }
                captures.push(("template", template.clone()));
            }
            if let Some(detector) = m.detector {
                match self.value_detector(detector, i, s, text.as_deref()) {
                    Some(extra) => captures.extend(extra),
                    None => continue,
                }
            }
            let span = if matches!(s.value, Value::Composite) || s.value_span.is_empty() {
                s.key_span
            } else {
                s.value_span
            };
            out.push(Match {
                span,
                fact: Fact::Setting(i),
                severity: None,
                message: None,
                captures,
            });
        }
        out
    }

    /// A merge tag inside the setting's value matches `tag-pii` / `tag-sensitive`.
    fn value_tags_match(&self, s: &Setting, m: &SettingM) -> bool {
        let Value::String(v) = &s.value else {
            return false;
        };
        let registry = &self.knowledge.registry;
        // Header values wrap URIs in `<…>`; scan without the brackets so they are not ERB.
        let scanned = if v.contains('<') {
            related::unbracketed(v)
        } else {
            v.clone()
        };
        registry.scan(&scanned).iter().any(|t| {
            let name = tag_name(v.get(t.body.0..t.body.1).unwrap_or_default());
            let category = self.knowledge.lexicon.pii_category(&name);
            let role_ok = m.tag_role.as_ref().is_none_or(|set| {
                let family = registry.syntaxes.get(t.syntax).map(|x| x.family).unwrap_or_default();
                let roles: Vec<_> = registry
                    .lookup(family, &name)
                    .into_iter()
                    .filter_map(|i| i.role)
                    .collect();
                match set {
                    Set::Any => !roles.is_empty(),
                    Set::None => roles.is_empty(),
                    Set::Of(list) => roles.iter().any(|r| list.contains(r)),
                }
            });
            role_ok
                && m.tag_pii
                    .as_ref()
                    .is_none_or(|set| set.accepts(category.map(|c| &c.name)))
                && m.tag_sensitive
                    .is_none_or(|want| want == category.is_some_and(|c| c.sensitive))
        })
    }

    /// Run a named value detector; `Some(captures)` when it fires.
    fn value_detector(
        &self,
        detector: ValueDetector,
        index: usize,
        s: &Setting,
        text: Option<&str>,
    ) -> Option<Vec<(&'static str, String)>> {
        let literal_text = || {
            if s.indirect {
                return None;
            }
            match &s.value {
                Value::String(v) | Value::Number(v) => Some(v.as_str()),
                _ => None,
            }
        };
        let secrets = &self.knowledge.secrets;
        match detector {
            ValueDetector::Secret => {
                let kind = secrets.secret(&s.path, &s.key, literal_text()?)?;
                Some(vec![("kind", kind.0)])
            }
            ValueDetector::Credential => {
                let kind = secrets.credential(&s.key, literal_text()?)?;
                Some(vec![("kind", kind.0)])
            }
            ValueDetector::PlaceholderAddress => {
                let t = text?;
                (!address::find_placeholder_addresses(t).is_empty()).then(Vec::new)
            }
            ValueDetector::MalformedListUnsubscribe => {
                let Value::String(v) = &s.value else {
                    return None;
                };
                // `${LIST_UNSUBSCRIBE}`, `{{ list_unsubscribe }}`: the value is built elsewhere.
                if s.indirect && !v.contains('<') {
                    return None;
                }
                let problem = related::list_unsubscribe_problem(v, &self.knowledge.registry)?;
                Some(vec![("problem", problem)])
            }
            ValueDetector::UnusedInTemplate => {
                let used = self.template_use()?;
                let template = used.used.as_ref().ok()?;
                let name = setting_name(s)?;
                if template.uses(name) {
                    return None;
                }
                Some(vec![("name", name.to_string()), ("template", used.reference.clone())])
            }
            ValueDetector::SubjectClaim => {
                let t = literal_text()?;
                let found = self.knowledge.class.subject_claims.find(t)?;
                Some(vec![("claim", t.get(found)?.trim().to_string())])
            }
            ValueDetector::ReplyPrefix => {
                let t = literal_text()?;
                let found = self.knowledge.class.subject_claims.reply_marker(t)?;
                Some(vec![("claim", t.get(found)?.trim().to_string())])
            }
            ValueDetector::MissingTemplate => {
                let used = self.template_use()?;
                if used.setting != index {
                    return None;
                }
                let why = used.used.as_ref().err()?;
                Some(vec![("template", used.reference.clone()), ("why", why.clone())])
            }
        }
    }
}

/// The name a setting stands for: its key, or for a list item (`fields: [email, phone]`) the
/// item's value.
fn setting_name(s: &Setting) -> Option<&str> {
    if s.path.ends_with("[*]") {
        s.value.as_text()
    } else {
        Some(s.key.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::{Context, capture, matched, matches_in};
    use super::is_local_url;
    use crate::document::SourceFormat::Yaml;

    const CONFIG: &str = "database:\n  ssl_mode: disable\n  tls: \"off\"\nwebhook:\n  url: http://hooks.example.com/in\n  local: http://worker:8080/in\napi_key: ${API_KEY}\nsmtp:\n  password: hunter2hunter2\n";

    #[test]
    fn path_globs_and_key_regexes_pick_settings() {
        assert_eq!(
            matched(CONFIG, Yaml, "{setting: {path: '**.ssl_mode'}}"),
            vec!["disable"]
        );
        // A quoted value's span is its text, without the quotes.
        assert_eq!(
            matched(CONFIG, Yaml, "{setting: {path: 'database.*'}}"),
            vec!["disable", "off"]
        );
        assert_eq!(matched(CONFIG, Yaml, "{setting: {key: '^(tls|ssl_mode)$'}}").len(), 2);
    }

    #[test]
    fn value_tests_compare_the_written_value() {
        assert_eq!(matched(CONFIG, Yaml, "{setting: {equals: DISABLE}}"), vec!["disable"]);
        // `off` reads as false; `disable` is a word, not a boolean (`disabled` would be).
        assert_eq!(matched(CONFIG, Yaml, "{setting: {bool: false}}"), vec!["off"]);
        assert_eq!(
            matched(CONFIG, Yaml, "{setting: {scheme: http}}"),
            vec!["http://hooks.example.com/in", "http://worker:8080/in"]
        );
        assert_eq!(
            matched(CONFIG, Yaml, "{setting: {scheme: http, local: false}}"),
            vec!["http://hooks.example.com/in"]
        );
        assert_eq!(
            matched(CONFIG, Yaml, "{setting: {key: api_key, literal: true}}").len(),
            0
        );
        assert_eq!(
            matched(CONFIG, Yaml, "{setting: {key: api_key, literal: false}}").len(),
            1
        );
    }

    #[test]
    fn the_credential_detector_skips_references() {
        let found = matches_in(CONFIG, Yaml, "{setting: {detector: credential}}", Context::default());
        let keys: Vec<&str> = found.iter().map(|m| capture(m, "key")).collect();
        assert_eq!(keys, vec!["password"]);
    }

    const CAMPAIGN: &str =
        "campaign:\n  template: spring.html\n  merge_fields:\n    first_name: Ada\n    phone: \"+1 555 0100\"\n";

    #[test]
    fn unused_in_template_reads_the_template_through_the_caller() {
        let forbid = "{setting: {path: '**.merge_fields.*', pii: any, detector: unused-in-template}}";
        assert!(
            matched(CAMPAIGN, Yaml, forbid).is_empty(),
            "without a reader the template cannot be compared"
        );
        let read = |reference: &str| match reference {
            "spring.html" => Ok("<p>Hi {{ first_name }}</p>".to_string()),
            other => Err(format!("no {other}")),
        };
        let cx = Context {
            related: Some(&read),
            ..Context::default()
        };
        let found = matches_in(CAMPAIGN, Yaml, forbid, cx);
        assert_eq!(found.len(), 1);
        assert_eq!(capture(&found[0], "name"), "phone");
        assert_eq!(capture(&found[0], "template"), "spring.html");
    }

    #[test]
    fn missing_template_is_reported_at_the_reference() {
        let read = |_: &str| Err("No such file or directory".to_string());
        let cx = Context {
            related: Some(&read),
            ..Context::default()
        };
        let found = matches_in(CAMPAIGN, Yaml, "{setting: {detector: missing-template}}", cx);
        assert_eq!(found.len(), 1);
        assert_eq!(&CAMPAIGN[found[0].span.range()], "spring.html");
        assert_eq!(capture(&found[0], "why"), "No such file or directory");
    }

    #[test]
    fn local_urls_are_this_machine_or_a_service_name() {
        assert!(is_local_url("http://localhost:8080/x"));
        assert!(is_local_url("http://127.0.0.1/"));
        assert!(is_local_url("http://worker:9000"));
        assert!(is_local_url("http://[::1]:80/"));
        assert!(!is_local_url("http://api.example.com/"));
        assert!(!is_local_url("http://user@hooks.example.com:80/"));
    }
}
