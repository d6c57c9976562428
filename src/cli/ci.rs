//! What `check` does between linting and rendering for CI use: the baseline (written or
//! applied) and the rule catalogue SARIF publishes.

use crate::engine::Linter;
use crate::engine::baseline::{self, Baseline, BaselineError};
use crate::report::{FileReport, RuleCatalog, RuleMeta};
use crate::rules::RuleSet;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Where each report's file lives, absolute: report paths are shown relative to `cwd`.
fn absolute(report: &FileReport, cwd: &Path) -> PathBuf {
    cwd.join(&report.path)
}

fn base_dir(file: &Path) -> PathBuf {
    file.parent().map(Path::to_path_buf).unwrap_or_default()
}

/// `--write-baseline FILE`: record every finding not suppressed inline, write the file, and
/// mark the findings baselined so this run reports what the next one will.
pub fn write_baseline(reports: &mut [FileReport], file: &Path, cwd: &Path) -> Result<Baseline, BaselineError> {
    let file = cwd.join(file);
    let base = base_dir(&file);
    let recorded = Baseline::record(reports, |r| baseline::key_for(&absolute(r, cwd), &base));
    recorded.write(&file)?;
    for report in reports.iter_mut() {
        let key = baseline::key_for(&absolute(report, cwd), &base);
        recorded.apply(report, &key);
    }
    Ok(recorded)
}

/// `--baseline FILE`, else each file's config `baseline:`: silence the recorded findings.
/// Returns how many were baselined. Each baseline file is read once.
pub fn apply_baselines(
    reports: &mut [FileReport],
    explicit: Option<&Path>,
    linter: &Linter,
    cwd: &Path,
) -> Result<usize, BaselineError> {
    let mut loaded: HashMap<PathBuf, Arc<Baseline>> = HashMap::new();
    let mut marked = 0;
    for report in reports.iter_mut() {
        let abs = absolute(report, cwd);
        let file = match explicit {
            Some(f) => cwd.join(f),
            None => match linter.setup_for(&abs).ok().and_then(|p| p.config.baseline.clone()) {
                Some(f) => f,
                None => continue,
            },
        };
        let b = match loaded.get(&file) {
            Some(b) => Arc::clone(b),
            None => {
                let b = Arc::new(Baseline::read(&file)?);
                loaded.insert(file.clone(), Arc::clone(&b));
                b
            }
        };
        marked += b.apply(report, &baseline::key_for(&abs, &base_dir(&file)));
    }
    Ok(marked)
}

fn meta(rule: &crate::rules::Rule) -> RuleMeta {
    RuleMeta {
        id: rule.id.clone(),
        title: rule.title.clone(),
        help: rule.help.clone(),
        docs: rule.docs.clone(),
        docs_url: Some(rule.docs_url()),
        default_severity: rule.severity,
        refs: rule.refs.clone(),
    }
}

/// The rules of every config the reports were linted under, then the built-in ones, so a user
/// rule that replaces a built-in one is described as the user wrote it.
pub fn rule_catalog(reports: &[FileReport], linter: &Linter, cwd: &Path) -> RuleCatalog {
    let mut catalog = RuleCatalog::default();
    let mut seen: Vec<Arc<RuleSet>> = Vec::new();
    for report in reports {
        let Ok(setup) = linter.setup_for(&absolute(report, cwd)) else {
            continue;
        };
        if seen.iter().any(|s| Arc::ptr_eq(s, &setup.rules)) {
            continue;
        }
        seen.push(Arc::clone(&setup.rules));
        for rule in &setup.rules.rules {
            catalog.insert(meta(rule));
        }
    }
    if let Ok(builtin) = RuleSet::builtin() {
        for rule in &builtin.rules {
            catalog.insert(meta(rule));
        }
    }
    catalog
}
