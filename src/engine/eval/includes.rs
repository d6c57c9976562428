//! `include:` matchers: the include directives of a template (`{{> footer}}`, `{% extends %}`,
//! `<mj-include>`) by how they resolved: found, missing, or closing a cycle. The YAML shape is
//! `IncludeDef` (rules/schema.rs), compiled in rules/load.rs to `IncludeM` (rules/compiled.rs);
//! the statuses themselves come from the include graph (engine/message_rules.rs).

use super::{Evaluator, Fact, Match};
use crate::rules::compiled::IncludeM;

impl Evaluator<'_> {
    pub(super) fn includes(&self, m: &IncludeM) -> Vec<Match> {
        self.doc
            .includes
            .iter()
            .enumerate()
            .filter(|(_, inc)| m.statuses.contains(&inc.status))
            .map(|(i, inc)| Match {
                span: inc.span,
                fact: Fact::Include(i),
                severity: None,
                message: None,
                captures: vec![("name", inc.name.clone()), ("detail", inc.detail.clone())],
            })
            .collect()
    }
}
