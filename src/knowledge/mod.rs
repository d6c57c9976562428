//! What parsing and rules both consult: ESP dialects, lexicons, detectors.

pub mod address;
mod anchored_dfa;
pub mod class_lexicon;
pub mod dialects;
pub mod embedded;
pub mod hosts;
pub mod intern;
pub mod lexicon;
pub mod secrets;
pub mod tag_scanner;
pub mod yaml;

use class_lexicon::ClassLexicon;
use dialects::Registry;
use hosts::Trackers;
use lexicon::Lexicon;
use secrets::Secrets;
use std::sync::{Arc, LazyLock};
use yaml::LoadError;

/// Everything the registry and lexicon files say, compiled once.
#[derive(Debug)]
pub struct Knowledge {
    pub registry: Registry,
    pub lexicon: Lexicon,
    pub secrets: Secrets,
    pub class: ClassLexicon,
    pub trackers: Trackers,
}

impl Knowledge {
    /// Built-in files plus user dialect files (path, text).
    pub fn load(extra_dialects: &[(String, String)]) -> Result<Knowledge, LoadError> {
        let syntax = embedded::file("esp/_syntax.yaml").unwrap_or_default();
        let dialects: Vec<(String, String)> = embedded::files_under("esp/")
            .filter(|(p, _)| !p.ends_with("_syntax.yaml"))
            .map(|(p, t)| (format!("rules/{p}"), t.to_string()))
            .collect();
        let registry = Registry::load(("rules/esp/_syntax.yaml", syntax), &dialects, extra_dialects)?;
        let lexicon = Lexicon::load(
            (
                "rules/lexicon/pii.yaml",
                embedded::file("lexicon/pii.yaml").unwrap_or_default(),
            ),
            (
                "rules/lexicon/opt-out.yaml",
                embedded::file("lexicon/opt-out.yaml").unwrap_or_default(),
            ),
        )?;
        let secrets = Secrets::load(
            "rules/lexicon/secrets.yaml",
            embedded::file("lexicon/secrets.yaml").unwrap_or_default(),
        )?;
        let class = ClassLexicon::load(
            "rules/lexicon/class.yaml",
            embedded::file("lexicon/class.yaml").unwrap_or_default(),
        )?;
        let trackers = Trackers::load(
            "rules/lexicon/trackers.yaml",
            embedded::file("lexicon/trackers.yaml").unwrap_or_default(),
        )?;
        Ok(Knowledge {
            registry,
            lexicon,
            secrets,
            class,
            trackers,
        })
    }

    /// The built-in knowledge, shared. The embedded files are covered by tests, so a failure
    /// here is a build defect; it still degrades to an error, never a panic.
    pub fn builtin() -> Result<Arc<Knowledge>, LoadError> {
        static BUILTIN: LazyLock<Result<Arc<Knowledge>, LoadError>> =
            LazyLock::new(|| Knowledge::load(&[]).map(Arc::new));
        BUILTIN.clone()
    }
}
