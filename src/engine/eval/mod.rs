//! Evaluates compiled matchers against a Document. Leaf matchers walk one fact list; `all`
//! intersects per item when its parts walk the same facts and per document otherwise.
//!
//! One module per matcher family, named after its YAML key: `link:` in links.rs, `merge-tag:`
//! in tags.rs, `text:` in text.rs, `setting:` in settings.rs, `field:` in fields.rs,
//! `element:` in elements.rs, `include:` in includes.rs. The combinators (`all`, `any`, `not`, `anywhere`, `warning:`,
//! `info:`, `with-message:`) are here.

mod elements;
mod fields;
mod includes;
mod links;
mod settings;
mod tags;
mod text;

pub use settings::is_local_url;

use super::related::TemplateUse;
use crate::diagnostic::Severity;
use crate::document::{Document, MessageClass};
use crate::knowledge::Knowledge;
use crate::rules::RuleSet;
use crate::rules::compiled::Matcher;
use crate::rules::setting_patterns::SettingHits;
use crate::source::Span;
use std::cell::OnceCell;
use text::Joined;

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
    Include(usize),
}

#[derive(Debug, Clone)]
pub struct Match {
    pub span: Span,
    pub fact: Fact,
    /// A lower severity than the rule's, from a `warning:`/`info:` matcher around this match.
    pub severity: Option<Severity>,
    /// The message to report instead of the rule's, from a `with-message` matcher around it.
    pub message: Option<String>,
    pub captures: Vec<(&'static str, String)>,
}

/// Reads a file that a document refers to (a campaign config's template), by the path as
/// written, relative to the document. `Err` says why it could not be read.
pub type Related<'a> = &'a dyn Fn(&str) -> Result<String, String>;

/// The message class of a file a document refers to (a campaign config's template), by the
/// path as written; `None` when it cannot be read.
pub type RelatedClass<'a> = &'a dyn Fn(&str) -> Option<MessageClass>;

pub struct Evaluator<'a> {
    pub doc: &'a Document,
    pub source: &'a str,
    pub knowledge: &'a Knowledge,
    /// The sender's registered postal address from config, if any.
    pub address: Option<&'a str>,
    /// ESPs named in config `esp:` (lower-case dialect ids).
    pub esp: &'a [String],
    /// The sender's own domains from config `sender-domains:`.
    pub sender_domains: &'a [String],
    related: Option<Related<'a>>,
    related_class: Option<RelatedClass<'a>>,
    /// The rule set's setting path/key patterns, matched once per setting; without it each
    /// matcher runs its own regexes.
    setting_patterns: Option<&'a RuleSet>,
    setting_hits: OnceCell<SettingHits>,
    visible_text: OnceCell<Joined>,
    all_text: OnceCell<Joined>,
    template: OnceCell<Option<TemplateUse>>,
    /// The class of that template, decided once (it is parsed to be classed).
    template_class: OnceCell<(crate::rules::compiled::TemplateClass, String)>,
}

impl<'a> Evaluator<'a> {
    pub fn new(doc: &'a Document, source: &'a str, knowledge: &'a Knowledge, address: Option<&'a str>) -> Self {
        Evaluator {
            doc,
            source,
            knowledge,
            address,
            esp: &[],
            sender_domains: &[],
            related: None,
            related_class: None,
            setting_patterns: None,
            setting_hits: OnceCell::new(),
            visible_text: OnceCell::new(),
            all_text: OnceCell::new(),
            template: OnceCell::new(),
            template_class: OnceCell::new(),
        }
    }

    /// The configured ESPs, for `merge-tag: { configured-esp: ... }`.
    pub fn with_esp(mut self, esp: &'a [String]) -> Self {
        self.esp = esp;
        self
    }

    /// The sender's own domains, for `merge-tag: { receiver: ... }`.
    pub fn with_sender_domains(mut self, domains: &'a [String]) -> Self {
        self.sender_domains = domains;
        self
    }

    /// Setting matchers consult `rules`' pattern sets (built when a setting is first matched).
    pub fn with_setting_patterns(mut self, rules: &'a RuleSet) -> Self {
        self.setting_patterns = Some(rules);
        self
    }

    /// How to read files the document refers to; without it cross-file detectors match nothing.
    pub fn with_related(mut self, related: Related<'a>) -> Self {
        self.related = Some(related);
        self
    }

    /// How to class a file the document refers to; without it its class is `unknown`.
    pub fn with_related_class(mut self, class_of: RelatedClass<'a>) -> Self {
        self.related_class = Some(class_of);
        self
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
            Matcher::Message(message, inner) => {
                let mut found = self.eval(inner);
                for m in &mut found {
                    // As with severities, the innermost message wins.
                    m.message.get_or_insert_with(|| message.clone());
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
            Matcher::Include(i) => self.includes(i),
        }
    }

    fn doc_match(&self) -> Match {
        Match {
            span: self.doc.anchor,
            fact: Fact::Doc,
            severity: None,
            message: None,
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
}

/// Matchers compiled from the YAML a rule author writes, run over a parsed source: what each
/// family's tests use, so they test the key as written through compile and evaluation.
#[cfg(test)]
pub(super) mod testing {
    use super::{Evaluator, Match, Related};
    use crate::document::{FileKind, SourceFormat};
    use crate::engine::facts;
    use crate::knowledge::Knowledge;
    use crate::rules::compiled::Matcher;

    /// `forbid` is a matcher in YAML flow style, e.g. `{link: {visible: false}}`.
    pub fn matcher(forbid: &str) -> Matcher {
        let rule = format!(
            "id: test/x\ntitle: t\nseverity: error\nkinds: [html, config, schema]\nforbid: {forbid}\n\
             message: m\nhelp: h\nexamples: {{invalid: [], valid: []}}\n"
        );
        crate::rules::load::compile("test.yaml", &rule, false)
            .expect("the test matcher compiles")
            .matcher
    }

    fn kind(format: SourceFormat) -> FileKind {
        match format {
            SourceFormat::Html => FileKind::Html,
            SourceFormat::Mjml => FileKind::Mjml,
            SourceFormat::Sql | SourceFormat::Prisma => FileKind::Schema,
            _ => FileKind::Config,
        }
    }

    /// What config and the front end add to an evaluation.
    #[derive(Default, Clone, Copy)]
    pub struct Context<'x> {
        pub esp: &'x [String],
        pub sender_domains: &'x [String],
        pub address: Option<&'x str>,
        pub related: Option<Related<'x>>,
    }

    /// The matches of `forbid` in `source`.
    pub fn matches_in(source: &str, format: SourceFormat, forbid: &str, cx: Context<'_>) -> Vec<Match> {
        let knowledge = Knowledge::builtin().expect("built-in knowledge loads");
        let doc = facts::build(source, kind(format), format, &knowledge);
        let m = matcher(forbid);
        let mut ev = Evaluator::new(&doc, source, &knowledge, cx.address)
            .with_esp(cx.esp)
            .with_sender_domains(cx.sender_domains);
        if let Some(read) = cx.related {
            ev = ev.with_related(read);
        }
        ev.eval(&m)
    }

    /// The source text each match of `forbid` points at.
    pub fn matched(source: &str, format: SourceFormat, forbid: &str) -> Vec<String> {
        matches_in(source, format, forbid, Context::default())
            .iter()
            .map(|m| source[m.span.range()].to_string())
            .collect()
    }

    /// A capture of a match by name.
    pub fn capture<'m>(m: &'m Match, name: &str) -> &'m str {
        m.captures
            .iter()
            .find(|(k, _)| *k == name)
            .map(|(_, v)| v.as_str())
            .unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::Fact;
    use super::testing::{Context, matched, matches_in};
    use crate::diagnostic::Severity;
    use crate::document::SourceFormat::Html;

    const PAGE: &str =
        r#"<p>Hello</p><a href="https://a.example/unsubscribe">Unsubscribe</a><a href="http://b.example/x">Shop</a>"#;

    #[test]
    fn all_of_one_fact_type_intersects_item_by_item() {
        // The unsubscribe link is https and the http link is not an unsubscribe link: no one
        // link satisfies both parts.
        let both = "{all: [{link: {purpose: unsubscribe}}, {link: {scheme: http}}]}";
        assert!(matched(PAGE, Html, both).is_empty());
        let found = matched(
            PAGE,
            Html,
            "{all: [{link: {scheme: http}}, {not: {link: {purpose: unsubscribe}}}]}",
        );
        assert_eq!(found, vec!["http://b.example/x"]);
    }

    #[test]
    fn all_across_fact_types_is_a_condition_on_the_whole_document() {
        // The text part matches somewhere in the document, so every http link stays.
        let found = matched(
            PAGE,
            Html,
            r#"{all: [{link: {scheme: http}}, {text: {regex: "Hello"}}]}"#,
        );
        assert_eq!(found, vec!["http://b.example/x"]);
        let none = matched(
            PAGE,
            Html,
            r#"{all: [{link: {scheme: http}}, {text: {regex: "Goodbye"}}]}"#,
        );
        assert!(none.is_empty());
    }

    #[test]
    fn anywhere_turns_a_same_type_part_into_a_document_condition() {
        // Without `anywhere` the two link parts would need one link that is both.
        let found = matched(
            PAGE,
            Html,
            "{all: [{link: {scheme: http}}, {anywhere: {link: {purpose: unsubscribe}}}]}",
        );
        assert_eq!(found, vec!["http://b.example/x"]);
    }

    #[test]
    fn any_reports_a_fact_once_and_not_matches_the_document() {
        let found = matched(PAGE, Html, "{any: [{link: {scheme: http}}, {link: {text: Shop}}]}");
        assert_eq!(found, vec!["http://b.example/x"]);
        let missing = matches_in(PAGE, Html, "{not: {link: {scheme: mailto}}}", Context::default());
        assert_eq!(missing.len(), 1);
        assert_eq!(missing[0].fact, Fact::Doc);
        assert!(matched(PAGE, Html, "{not: {link: {scheme: https}}}").is_empty());
    }

    #[test]
    fn the_innermost_severity_wins() {
        let found = matches_in(
            PAGE,
            Html,
            "{info: {any: [{warning: {link: {scheme: http}}}, {link: {scheme: https}}]}}",
            Context::default(),
        );
        let severities: Vec<_> = found.iter().map(|m| m.severity).collect();
        assert_eq!(severities, vec![Some(Severity::Warning), Some(Severity::Info)]);
    }
}
