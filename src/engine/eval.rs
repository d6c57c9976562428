//! Evaluates compiled matchers against a Document. Leaf matchers walk one fact list; `all`
//! intersects per item when its parts walk the same facts and per document otherwise.

use super::related::{self, TemplateUse};
use crate::diagnostic::Severity;
use crate::document::{Document, Purpose, Value};
use crate::knowledge::Knowledge;
use crate::knowledge::address;
use crate::knowledge::dialects::tag_name;
use crate::lazy_regex::LazyRegex;
use crate::rules::RuleSet;
use crate::rules::compiled::*;
use crate::rules::setting_patterns::{SettingHits, SettingPatterns};
use crate::source::Span;
use std::cell::OnceCell;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fact {
    Doc,
    Link(usize),
    Tag(usize),
    /// A range of the joined visible text.
    Text(usize, usize),
    Setting(usize),
    Field(usize),
    Element(usize),
}

#[derive(Debug, Clone)]
pub struct Match {
    pub span: Span,
    pub fact: Fact,
    /// A lower severity than the rule's, from a `warning:`/`info:` matcher around this match.
    pub severity: Option<Severity>,
    pub captures: Vec<(&'static str, String)>,
}

/// Reads a file that a document refers to (a campaign config's template), by the path as
/// written, relative to the document. `Err` says why it could not be read.
pub type Related<'a> = &'a dyn Fn(&str) -> Result<String, String>;

/// Visible (or all) text runs joined with newlines, with where each run starts in the source.
struct Joined {
    text: String,
    /// (offset in `text`, run index)
    starts: Vec<(usize, usize)>,
}

pub struct Evaluator<'a> {
    pub doc: &'a Document,
    pub source: &'a str,
    pub knowledge: &'a Knowledge,
    /// The sender's registered postal address from config, if any.
    pub address: Option<&'a str>,
    /// ESPs named in config `esp:` (lower-case dialect ids).
    pub esp: &'a [String],
    related: Option<Related<'a>>,
    /// The rule set's setting path/key patterns, matched once per setting; without it each
    /// matcher runs its own regexes.
    setting_patterns: Option<&'a RuleSet>,
    setting_hits: OnceCell<SettingHits>,
    visible_text: OnceCell<Joined>,
    all_text: OnceCell<Joined>,
    template: OnceCell<Option<TemplateUse>>,
}

/// `#`, empty, `javascript:` and the like: a link that goes nowhere.
pub fn is_placeholder_href(href: &str) -> bool {
    let h = href.trim().to_ascii_lowercase();
    h.is_empty()
        || h.starts_with('#')
        || h.starts_with("javascript:")
        || h == "about:blank"
        || h == "http://"
        || h == "https://"
}

/// `http://x` → `https://x` (other URLs unchanged), for the insecure-link fix.
fn https_version(href: &str) -> String {
    let trimmed = href.trim_start();
    match trimmed.get(..7) {
        Some(p) if p.eq_ignore_ascii_case("http://") => format!("https://{}", &trimmed[7..]),
        _ => href.to_string(),
    }
}

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

/// Words in a column's type or annotations that say its data is encrypted or one-way hashed.
pub const ENCRYPTION_MARKERS: &[&str] = &[
    "encrypt",
    "pgp_sym",
    "pgcrypto",
    "aes",
    "kms",
    "cipher",
    "vault",
    "tokeniz",
    "hash",
    "bcrypt",
    "argon2",
    "x-encrypted",
    "@encrypted",
    "sealed",
    "redact",
];

pub fn has_encryption_marker(ty: &str, annotations: &str) -> bool {
    // `x-encrypted: false` names the marker to say the opposite.
    let annotations = annotations
        .replace("x-encrypted: false", "")
        .replace("encrypted: false", "");
    ENCRYPTION_MARKERS
        .iter()
        .any(|m| ty.contains(m) || annotations.contains(m))
}

impl<'a> Evaluator<'a> {
    pub fn new(doc: &'a Document, source: &'a str, knowledge: &'a Knowledge, address: Option<&'a str>) -> Self {
        Evaluator {
            doc,
            source,
            knowledge,
            address,
            esp: &[],
            related: None,
            setting_patterns: None,
            setting_hits: OnceCell::new(),
            visible_text: OnceCell::new(),
            all_text: OnceCell::new(),
            template: OnceCell::new(),
        }
    }

    /// The configured ESPs, for `merge-tag: { configured-esp: ... }`.
    pub fn with_esp(mut self, esp: &'a [String]) -> Self {
        self.esp = esp;
        self
    }

    /// Setting matchers consult `rules`' pattern sets (built when a setting is first matched).
    pub fn with_setting_patterns(mut self, rules: &'a RuleSet) -> Self {
        self.setting_patterns = Some(rules);
        self
    }

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

    /// How to read files the document refers to; without it cross-file detectors match nothing.
    pub fn with_related(mut self, related: Related<'a>) -> Self {
        self.related = Some(related);
        self
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

    fn joined(&self, visible: bool) -> &Joined {
        let cell = if visible { &self.visible_text } else { &self.all_text };
        cell.get_or_init(|| {
            let mut text = String::new();
            let mut starts = Vec::new();
            for (i, run) in self.doc.text.iter().enumerate() {
                if visible && !run.visible {
                    continue;
                }
                if !text.is_empty() {
                    text.push('\n');
                }
                starts.push((text.len(), i));
                // Runs are decoded; a run's source span still covers the whole run.
                text.push_str(&run.text);
            }
            Joined { text, starts }
        })
    }

    /// Map a range of the joined text back to a source span (whole runs where decoding moved bytes).
    fn joined_span(&self, joined: &Joined, start: usize, end: usize) -> Span {
        let run_at = |o: usize| {
            let i = joined.starts.partition_point(|&(s, _)| s <= o).saturating_sub(1);
            joined.starts.get(i).copied()
        };
        let (Some((s0, r0)), Some((s1, r1))) = (run_at(start), run_at(end.saturating_sub(1).max(start))) else {
            return self.doc.anchor;
        };
        let a = &self.doc.text[r0];
        let b = &self.doc.text[r1];
        let exact = |run: &crate::document::TextRun| run.text.len() == run.span.len();
        let from = if exact(a) {
            a.span.start + (start - s0)
        } else {
            a.span.start
        };
        let to = if exact(b) {
            (b.span.start + (end - s1)).min(b.span.end)
        } else {
            b.span.end
        };
        Span::new(from, to.max(from))
    }

    pub fn eval(&self, m: &Matcher) -> Vec<Match> {
        match m {
            Matcher::Any(list) => {
                let mut out: Vec<Match> = Vec::new();
                for sub in list {
                    for found in self.eval(sub) {
                        if !out.iter().any(|o| o.fact == found.fact && o.span == found.span) {
                            out.push(found);
                        }
                    }
                }
                out
            }
            Matcher::All(list) => self.eval_all(list),
            Matcher::Anywhere(inner) => {
                if self.eval(inner).is_empty() {
                    Vec::new()
                } else {
                    vec![self.doc_match()]
                }
            }
            Matcher::Severity(severity, inner) => {
                let mut found = self.eval(inner);
                for m in &mut found {
                    // The innermost severity wins; an outer one only fills the gaps.
                    m.severity.get_or_insert(*severity);
                }
                found
            }
            Matcher::Not(inner) => {
                if self.eval(inner).is_empty() {
                    vec![self.doc_match()]
                } else {
                    Vec::new()
                }
            }
            Matcher::Link(l) => self.links(l),
            Matcher::Tag(t) => self.tags(t),
            Matcher::Text(t) => self.text(t),
            Matcher::Setting(s) => self.settings(s),
            Matcher::Field(f) => self.fields(f),
            Matcher::Element(e) => self.elements(e),
        }
    }

    fn doc_match(&self) -> Match {
        Match {
            span: self.doc.anchor,
            fact: Fact::Doc,
            severity: None,
            captures: Vec::new(),
        }
    }

    fn eval_all(&self, list: &[Matcher]) -> Vec<Match> {
        let Some((first, rest)) = list.split_first() else {
            return vec![self.doc_match()];
        };
        let mut current = self.eval(first);
        let first_fact = first.fact();
        for sub in rest {
            if current.is_empty() {
                break;
            }
            let (negated, inner) = match sub {
                Matcher::Not(inner) => (true, inner.as_ref()),
                other => (false, other),
            };
            let found = self.eval(inner);
            if first_fact.is_some() && inner.fact() == first_fact {
                current.retain(|c| found.iter().any(|f| f.fact == c.fact) != negated);
            } else if found.is_empty() != negated {
                current.clear();
            }
        }
        current
    }

    fn links(&self, l: &LinkM) -> Vec<Match> {
        let mut out = Vec::new();
        for (i, link) in self.doc.links.iter().enumerate() {
            if let Some(p) = &l.purpose
                && !link.purpose.is_some_and(|x| p.contains(&x))
            {
                continue;
            }
            if l.visible.is_some_and(|v| v != link.visible) {
                continue;
            }
            if l.placeholder
                .is_some_and(|v| v != (is_placeholder_href(&link.href) && !self.href_has_tag(link)))
            {
                continue;
            }
            if let Some(schemes) = &l.scheme {
                let h = link.href.trim().to_ascii_lowercase();
                if !schemes
                    .iter()
                    .any(|s| h.starts_with(s.as_str()) && h[s.len()..].starts_with(':'))
                {
                    continue;
                }
            }
            if l.href.as_ref().is_some_and(|r| !r.is_match(&link.href)) {
                continue;
            }
            if l.text.as_ref().is_some_and(|r| !r.is_match(&link.text)) {
                continue;
            }
            if l.element.as_ref().is_some_and(|e| !e.contains(&link.element)) {
                continue;
            }
            if l.attr.as_ref().is_some_and(|a| !a.contains(&link.attr)) {
                continue;
            }
            if !l.offsets.accepts(link.span.start) {
                continue;
            }
            let span = if link.href_span.is_empty() {
                link.span
            } else {
                link.href_span
            };
            out.push(Match {
                span,
                fact: Fact::Link(i),
                severity: None,
                captures: vec![
                    ("href_https", https_version(&link.href)),
                    ("href", link.href.clone()),
                    ("text", link.text.clone()),
                    ("element", link.element.clone()),
                ],
            });
        }
        out
    }

    /// An ESP tag fills the href (`href="#SPCUSTOMOPTOUT"`, `href="#unsubscribeLink#"`): it is
    /// not a placeholder even when it starts with `#`.
    fn href_has_tag(&self, link: &crate::document::Link) -> bool {
        !link.href_span.is_empty()
            && self
                .doc
                .merge_tags
                .iter()
                .any(|t| t.kind == crate::document::TagKind::Output && link.href_span.contains(t.span))
    }

    fn tags(&self, t: &TagM) -> Vec<Match> {
        let mut out = Vec::new();
        for (i, tag) in self.doc.merge_tags.iter().enumerate() {
            if t.role.as_ref().is_some_and(|s| !s.accepts(tag.role.as_ref())) {
                continue;
            }
            if t.pii.as_ref().is_some_and(|s| !s.accepts(tag.pii.as_ref())) {
                continue;
            }
            if t.sensitive.is_some_and(|s| s != tag.sensitive) {
                continue;
            }
            if t.name.as_ref().is_some_and(|r| !r.is_match(&tag.name)) {
                continue;
            }
            if t.dialect
                .as_ref()
                .is_some_and(|d| !tag.dialects.iter().any(|x| d.iter().any(|y| y == x)))
            {
                continue;
            }
            if t.syntax.as_ref().is_some_and(|s| !s.iter().any(|x| x == tag.syntax)) {
                continue;
            }
            if t.context.as_ref().is_some_and(|c| !c.contains(&tag.context)) {
                continue;
            }
            if t.emits
                .as_ref()
                .is_some_and(|e| !tag.emits.is_some_and(|x| e.contains(&x)))
            {
                continue;
            }
            if t.kind.as_ref().is_some_and(|k| !k.contains(&tag.kind)) {
                continue;
            }
            if t.visible.is_some_and(|v| v != tag.visible) {
                continue;
            }
            if let Some(want) = t.configured_esp {
                // Without `esp:` in config there is nothing to compare with; and an unverified
                // registry entry never makes a tag "foreign" (no error rests on it).
                if self.esp.is_empty() || tag.dialects.is_empty() || (!want && !tag.verified) {
                    continue;
                }
                let native = tag.dialects.iter().any(|d| self.esp.iter().any(|e| e == d));
                if native != want {
                    continue;
                }
            }
            if let Some(re) = &t.url {
                let url = self
                    .doc
                    .links
                    .iter()
                    .find(|l| !l.href_span.is_empty() && l.href_span.contains(tag.span))
                    .map(|l| l.href.as_str());
                if !url.is_some_and(|u| re.is_match(u)) {
                    continue;
                }
            }
            if !t.offsets.accepts(tag.span.start) {
                continue;
            }
            out.push(Match {
                span: tag.span,
                fact: Fact::Tag(i),
                severity: None,
                captures: vec![
                    ("tag", self.source.get(tag.span.range()).unwrap_or_default().to_string()),
                    ("name", tag.name.clone()),
                    ("category", tag.pii.clone().unwrap_or_default()),
                    ("role", tag.role.map(|r| r.as_str().to_string()).unwrap_or_default()),
                    (
                        "dialect",
                        tag.dialects.first().map(|d| d.to_string()).unwrap_or_default(),
                    ),
                ],
            });
        }
        out
    }

    fn text(&self, t: &TextM) -> Vec<Match> {
        let joined = self.joined(t.visible);
        let mut ranges: Vec<(usize, usize)> = Vec::new();
        match t.detector {
            Some(TextDetector::PostalAddress) => {
                ranges.extend(
                    address::find_postal_addresses(&joined.text)
                        .into_iter()
                        .map(|m| (m.range.start, m.range.end)),
                );
            }
            Some(TextDetector::PlaceholderAddress) => {
                ranges.extend(
                    address::find_placeholder_addresses(&joined.text)
                        .into_iter()
                        .map(|r| (r.start, r.end)),
                );
            }
            Some(TextDetector::ConfiguredAddress) => {
                if let Some(addr) = self.address {
                    ranges.extend(find_configured_address(&joined.text, addr));
                }
            }
            None => {}
        }
        if let Some(re) = &t.regex {
            if t.detector.is_some() {
                ranges.retain(|&(s, e)| re.is_match(&joined.text[s..e]));
            } else {
                ranges.extend(re.find_iter(&joined.text).map(|m| (m.start(), m.end())));
            }
        }
        ranges
            .into_iter()
            .map(|(s, e)| (s, e, self.joined_span(joined, s, e)))
            .filter(|(_, _, span)| t.offsets.accepts(span.start))
            .map(|(s, e, span)| Match {
                span,
                fact: Fact::Text(s, e),
                severity: None,
                captures: vec![("text", joined.text[s..e].to_string())],
            })
            .collect()
    }

    fn settings(&self, m: &SettingM) -> Vec<Match> {
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
                captures,
            });
        }
        out
    }

    /// A merge tag inside the setting's value matches `tag-pii` / `tag-sensitive`.
    fn value_tags_match(&self, s: &crate::document::Setting, m: &SettingM) -> bool {
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
        s: &crate::document::Setting,
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
                Some(vec![
                    ("name", name.to_string()),
                    ("template", used.reference.clone()),
                    (
                        "detail",
                        format!(
                            "`{name}` is sent with this campaign, but `{}` never uses it",
                            used.reference
                        ),
                    ),
                ])
            }
            ValueDetector::MissingTemplate => {
                let used = self.template_use()?;
                if used.setting != index {
                    return None;
                }
                let why = used.used.as_ref().err()?;
                Some(vec![
                    ("template", used.reference.clone()),
                    (
                        "detail",
                        format!("the template `{}` cannot be read ({why})", used.reference),
                    ),
                ])
            }
        }
    }

    fn fields(&self, m: &FieldM) -> Vec<Match> {
        let mut out = Vec::new();
        for (i, f) in self.doc.fields.iter().enumerate() {
            if m.name.as_ref().is_some_and(|r| !r.is_match(&f.name)) {
                continue;
            }
            if m.table.as_ref().is_some_and(|r| !r.is_match(&f.table)) {
                continue;
            }
            let category = self.knowledge.lexicon.pii_category(&f.name);
            if m.pii.as_ref().is_some_and(|s| !s.accepts(category.map(|c| &c.name))) {
                continue;
            }
            if m.sensitive.is_some_and(|s| s != category.is_some_and(|c| c.sensitive)) {
                continue;
            }
            if m.ty.as_ref().is_some_and(|r| !r.is_match(&f.ty)) {
                continue;
            }
            if m.encrypted
                .is_some_and(|e| e != has_encryption_marker(&f.ty, &f.annotations))
            {
                continue;
            }
            out.push(Match {
                span: f.name_span,
                fact: Fact::Field(i),
                severity: None,
                captures: vec![
                    ("table", f.table.clone()),
                    ("field", f.name.clone()),
                    ("name", f.name.clone()),
                    ("type", f.ty.clone()),
                    ("category", category.map(|c| c.name.clone()).unwrap_or_default()),
                ],
            });
        }
        out
    }

    fn elements(&self, m: &ElementM) -> Vec<Match> {
        self.doc
            .elements
            .iter()
            .enumerate()
            .filter(|(_, e)| m.visible.is_none_or(|v| v == e.visible) && m.selector.matches(e))
            .map(|(i, e)| Match {
                span: e.span,
                fact: Fact::Element(i),
                severity: None,
                captures: vec![("element", e.name.clone())],
            })
            .collect()
    }
}

/// The name a setting stands for: its key, or for a list item (`fields: [email, phone]`) the
/// item's value.
fn setting_name(s: &crate::document::Setting) -> Option<&str> {
    if s.path.ends_with("[*]") {
        s.value.as_text()
    } else {
        Some(s.key.as_str())
    }
}

/// The configured sender address appears in the text when its words appear in order, ignoring
/// case, punctuation and spacing (`2261 Market St., #4109` ~ `2261 market st 4109`).
fn find_configured_address(text: &str, address: &str) -> Option<(usize, usize)> {
    let words: Vec<String> = address
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect();
    let first = words.first()?;
    let lower = text.to_lowercase();
    if lower.len() != text.len() {
        // Lower-casing changed byte lengths: fall back to a presence check over the whole text.
        return words
            .iter()
            .all(|w| lower.contains(w.as_str()))
            .then_some((0, text.len()));
    }
    let mut from = 0;
    while let Some(pos) = lower[from..].find(first.as_str()) {
        let start = from + pos;
        let mut at = start;
        let ok = words.iter().all(|w| match lower[at..].find(w.as_str()) {
            Some(p) if p <= 40 => {
                at += p + w.len();
                true
            }
            _ => false,
        });
        if ok {
            return Some((start, at));
        }
        from = start + first.len();
    }
    None
}

/// Purpose of a link from its tags' roles, its text and its URL.
pub fn link_purpose(doc: &Document, link_index: usize, knowledge: &Knowledge) -> Option<Purpose> {
    let link = &doc.links[link_index];
    let clickable = crate::syntax::html::LINK_ELEMENTS.contains(&link.element.as_str())
        || link.element == crate::syntax::text::LINK_ELEMENT;
    if !clickable || link.attr != "href" {
        return None;
    }
    use crate::document::Role;
    let roles = doc
        .merge_tags
        .iter()
        .filter(|t| link.href_span.contains(t.span))
        .filter_map(|t| t.role);
    let mut purpose = None;
    for r in roles {
        match r {
            Role::Unsubscribe => return Some(Purpose::Unsubscribe),
            Role::Preferences => purpose = Some(Purpose::Preferences),
            Role::WebView => purpose = purpose.or(Some(Purpose::WebView)),
            _ => {}
        }
    }
    // A registry token decides the link's purpose, not the words in its name or text: HubSpot's
    // `{{ unsubscribe_link }}` is its preference page.
    if purpose.is_some() {
        return purpose;
    }
    let lex = &knowledge.lexicon;
    if lex.unsubscribe_text.is_match(&link.text) {
        return Some(Purpose::Unsubscribe);
    }
    let href = link.href.to_ascii_lowercase();
    if !href.starts_with("mailto:")
        && ["unsubscribe", "optout", "opt-out", "opt_out", "/unsub"]
            .iter()
            .any(|w| href.contains(w))
    {
        return Some(Purpose::Unsubscribe);
    }
    if href.starts_with("mailto:") && href.contains("unsubscribe") {
        return Some(Purpose::Unsubscribe);
    }
    if purpose.is_some() {
        return purpose;
    }
    if lex.preferences_text.is_match(&link.text) {
        return Some(Purpose::Preferences);
    }
    if lex.web_view_text.is_match(&link.text) {
        return Some(Purpose::WebView);
    }
    None
}
