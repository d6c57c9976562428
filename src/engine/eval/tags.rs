//! `merge-tag:` matchers: the merge tags of a document by role, PII category, name, dialect,
//! context and visibility. The YAML shape is `MergeTagDef` (rules/schema.rs), compiled in
//! rules/load.rs to `TagM` (rules/compiled.rs).

use super::{Evaluator, Fact, Match};
use crate::knowledge::hosts::{Judgement, SenderHosts};
use crate::rules::compiled::TagM;
use crate::source::Span;

impl Evaluator<'_> {
    pub(super) fn tags(&self, t: &TagM) -> Vec<Match> {
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
            let judged = t.receiver.as_ref().map(|want| (want, self.receiver_of(tag.span)));
            if judged.as_ref().is_some_and(|(want, j)| !want.contains(&j.receiver)) {
                continue;
            }
            if !t.offsets.accepts(tag.span.start) {
                continue;
            }
            let mut captures = vec![
                ("tag", self.source.get(tag.span.range()).unwrap_or_default().to_string()),
                ("name", tag.name.clone()),
                ("category", tag.pii.clone().unwrap_or_default()),
                ("role", tag.role.map(|r| r.as_str().to_string()).unwrap_or_default()),
                (
                    "dialect",
                    tag.dialects.first().map(|d| d.to_string()).unwrap_or_default(),
                ),
            ];
            if let Some((_, j)) = judged {
                captures.push(("receiver", j.describe()));
            }
            out.push(Match {
                span: tag.span,
                fact: Fact::Tag(i),
                severity: None,
                message: None,
                captures,
            });
        }
        out
    }

    /// Who receives the URL (href, src or action) the tag at `span` sits in.
    fn receiver_of(&self, span: Span) -> Judgement {
        let url = self
            .doc
            .links
            .iter()
            .find(|l| !l.href_span.is_empty() && l.href_span.contains(span))
            .map_or("", |l| l.href.as_str());
        let esp_hosts = self.knowledge.registry.click_hosts(self.esp);
        self.knowledge.trackers.judge(
            url,
            SenderHosts {
                domains: self.sender_domains,
                esp_hosts: &esp_hosts,
            },
        )
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::{Context, capture, matched, matches_in};
    use crate::document::SourceFormat::Html;

    const MAIL: &str =
        r#"<p>Hi {{ first_name }}</p><a href="https://t.example/c?e={{ email }}">Go</a><p>*|UNSUB|*</p>"#;

    #[test]
    fn pii_category_and_context_select_tags() {
        assert_eq!(
            matched(MAIL, Html, "{merge-tag: {pii: any, context: url}}"),
            vec!["{{ email }}"]
        );
        assert_eq!(
            matched(MAIL, Html, "{merge-tag: {pii: any}}"),
            vec!["{{ first_name }}", "{{ email }}"]
        );
        assert_eq!(
            matched(MAIL, Html, "{merge-tag: {pii: none, role: none}}"),
            Vec::<String>::new()
        );
    }

    #[test]
    fn roles_come_from_the_dialect_registry() {
        let found = matches_in(MAIL, Html, "{merge-tag: {role: unsubscribe}}", Context::default());
        assert_eq!(found.len(), 1);
        assert_eq!(capture(&found[0], "tag"), "*|UNSUB|*");
        assert_eq!(capture(&found[0], "role"), "unsubscribe");
        assert_eq!(capture(&found[0], "dialect"), "mailchimp");
    }

    #[test]
    fn configured_esp_compares_with_config_and_needs_it() {
        let forbid = "{merge-tag: {configured-esp: false}}";
        assert!(
            matched(MAIL, Html, forbid).is_empty(),
            "no `esp:` in config: nothing to compare"
        );
        let esp = vec!["mailchimp".to_string()];
        let cx = Context {
            esp: &esp,
            ..Context::default()
        };
        let native = matches_in(MAIL, Html, "{merge-tag: {configured-esp: true}}", cx);
        assert!(native.iter().any(|m| capture(m, "tag") == "*|UNSUB|*"));
        let foreign = matches_in(MAIL, Html, forbid, cx);
        assert!(foreign.iter().all(|m| capture(m, "tag") != "*|UNSUB|*"));
    }

    #[test]
    fn name_is_a_regex_over_the_normalised_name() {
        let found = matches_in(MAIL, Html, r#"{merge-tag: {name: "^first"}}"#, Context::default());
        assert_eq!(found.len(), 1);
        assert_eq!(capture(&found[0], "name"), "first_name");
        assert_eq!(capture(&found[0], "category"), "name");
    }
}
