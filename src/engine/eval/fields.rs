//! `field:` matchers: schema columns and properties by name, table, PII category, type and
//! encryption. The YAML shape is `FieldDef` (rules/schema.rs), compiled in rules/load.rs to
//! `FieldM` (rules/compiled.rs); encryption markers are lexicon data (rules/lexicon/pii.yaml).

use super::{Evaluator, Fact, Match};
use crate::rules::compiled::FieldM;

impl Evaluator<'_> {
    pub(super) fn fields(&self, m: &FieldM) -> Vec<Match> {
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
                .is_some_and(|e| e != self.knowledge.lexicon.has_encryption_marker(&f.ty, &f.annotations))
            {
                continue;
            }
            out.push(Match {
                span: f.name_span,
                fact: Fact::Field(i),
                severity: None,
                message: None,
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
}

#[cfg(test)]
mod tests {
    use super::super::testing::{Context, capture, matched, matches_in};
    use crate::document::SourceFormat::Sql;
    use crate::knowledge::Knowledge;

    const SCHEMA: &str = "CREATE TABLE subscribers (\n  id bigint PRIMARY KEY,\n  email text NOT NULL,\n  ssn text,\n  card_number bytea -- pgp_sym_encrypt\n);\n";

    #[test]
    fn pii_and_sensitivity_come_from_the_lexicon() {
        assert_eq!(
            matched(SCHEMA, Sql, "{field: {pii: any}}"),
            vec!["email", "ssn", "card_number"]
        );
        assert_eq!(
            matched(SCHEMA, Sql, "{field: {sensitive: true}}"),
            vec!["ssn", "card_number"]
        );
        assert_eq!(matched(SCHEMA, Sql, "{field: {pii: none}}"), vec!["id"]);
    }

    #[test]
    fn encryption_markers_in_type_or_comment_count() {
        assert_eq!(
            matched(SCHEMA, Sql, "{field: {sensitive: true, encrypted: false}}"),
            vec!["ssn"]
        );
        let found = matches_in(SCHEMA, Sql, r#"{field: {name: "^ssn$"}}"#, Context::default());
        assert_eq!(capture(&found[0], "table"), "subscribers");
        assert_eq!(capture(&found[0], "type"), "text");
    }

    #[test]
    fn a_marker_said_false_is_not_a_marker() {
        let k = Knowledge::builtin().expect("built-in knowledge loads");
        let marked = |ty: &str, annotations: &str| k.lexicon.has_encryption_marker(ty, annotations);
        assert!(marked("bytea", "x-encrypted: true"));
        assert!(!marked("text", "x-encrypted: false"));
        assert!(marked("varchar /* aes-256 */", ""));
        assert!(!marked("text", "plain"));
    }
}
