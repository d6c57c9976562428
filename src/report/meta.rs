//! What the renderers may know about a rule beyond its findings. SARIF lists every rule with
//! its documentation; report/ must not import rules/ (DESIGN §10), so the CLI fills this in.

use super::{FileReport, Severity};
use std::collections::BTreeMap;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleMeta {
    pub id: String,
    pub title: String,
    pub help: String,
    /// The rule's plain-language explanation (`docs:` in its file), for the HTML report.
    pub docs: Option<String>,
    /// Documentation page; only an `http(s)` URL is published as SARIF `helpUri`.
    pub docs_url: Option<String>,
    pub default_severity: Severity,
    /// Laws, standards and pages the rule is based on.
    pub refs: Vec<String>,
}

/// Rules by id, sorted, so SARIF `ruleIndex` values are stable from run to run.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RuleCatalog {
    rules: BTreeMap<String, RuleMeta>,
}

impl RuleCatalog {
    /// The first entry for an id wins: callers add built-in rules last so a user rule that
    /// replaces a built-in one is described as the user wrote it.
    pub fn insert(&mut self, meta: RuleMeta) {
        self.rules.entry(meta.id.clone()).or_insert(meta);
    }

    pub fn get(&self, id: &str) -> Option<&RuleMeta> {
        self.rules.get(id)
    }

    pub fn len(&self) -> usize {
        self.rules.len()
    }

    pub fn is_empty(&self) -> bool {
        self.rules.is_empty()
    }

    /// Every catalogued rule plus the ids that only appear in findings (`input/...`,
    /// `syntax/...`, rules of a config the catalogue did not see), described from the finding.
    pub fn complete_for(&self, reports: &[FileReport]) -> Vec<RuleMeta> {
        let mut all = self.rules.clone();
        for d in reports.iter().flat_map(|r| &r.diagnostics) {
            all.entry(d.rule.clone()).or_insert_with(|| RuleMeta {
                id: d.rule.clone(),
                title: d.rule.clone(),
                help: d.help.clone().unwrap_or_default(),
                docs: None,
                docs_url: d.url.clone(),
                default_severity: d.severity,
                refs: Vec::new(),
            });
        }
        all.into_values().collect()
    }
}

impl FromIterator<RuleMeta> for RuleCatalog {
    fn from_iter<I: IntoIterator<Item = RuleMeta>>(iter: I) -> Self {
        let mut c = RuleCatalog::default();
        for m in iter {
            c.insert(m);
        }
        c
    }
}
