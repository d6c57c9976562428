//! `inboxlint report --html FILE [PATH...]`: lint like `check` and write the compliance report,
//! one self-contained HTML page for the people who answer for compliance.

use super::check::display_path;
use super::{EXIT_ERROR, EXIT_OK};
use crate::engine::{CheckedFile, FileOutcome, Input, Linter, Overrides};
use crate::knowledge::yaml::LoadError;
use crate::report::html::{self, PageInput, PreviewLimits};
use crate::report::json::FileInfo;
use crate::report::{Diagnostic, FileReport, Summary};
use crate::source::SourceText;
use crate::workspace::walk;
use rayon::prelude::*;
use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

#[derive(Debug, clap::Args)]
pub struct ReportArgs {
    /// Files or directories to lint (default: the current directory).
    pub paths: Vec<PathBuf>,
    /// Write the HTML report to FILE.
    #[arg(long, value_name = "FILE", required = true)]
    pub html: PathBuf,
    /// Use this config file instead of the nearest `.inboxlint.yaml`.
    #[arg(long)]
    pub config: Option<PathBuf>,
    /// Only run these rules or groups (comma-separated, repeatable).
    #[arg(long, value_delimiter = ',')]
    pub select: Vec<String>,
    /// Do not run these rules or groups.
    #[arg(long, value_delimiter = ',')]
    pub ignore: Vec<String>,
    /// Jurisdiction profiles: us, ca, eu, uk (overrides config).
    #[arg(long, value_delimiter = ',')]
    pub profile: Option<Vec<String>>,
    /// Show findings recorded in this baseline file as baselined (default: config `baseline:`).
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,
    /// Worker threads (default: all cores).
    #[arg(long)]
    pub threads: Option<usize>,
    /// Do not respect .gitignore and .ignore files.
    #[arg(long)]
    pub no_ignore: bool,
    /// Preview at most N emails (the HTML templates with the most findings); 0 for none.
    #[arg(long, value_name = "N", default_value_t = PreviewLimits::default().max_previews)]
    pub max_previews: usize,
    /// Do not preview a template larger than this many KiB.
    #[arg(long, value_name = "KIB", default_value_t = PreviewLimits::default().max_bytes / 1024)]
    pub max_preview_kib: usize,
}

pub fn run(args: ReportArgs) -> u8 {
    for p in args.profile.iter().flatten() {
        if !crate::rules::load::PROFILES.contains(&p.as_str()) {
            eprintln!("error: unknown profile `{p}` (expected us, ca, eu or uk)");
            return EXIT_ERROR;
        }
    }
    if let Some(n) = args.threads {
        // Fails only if a pool already exists, which cannot happen before this point.
        let _ = rayon::ThreadPoolBuilder::new().num_threads(n.max(1)).build_global();
    }
    let cwd = std::env::current_dir().unwrap_or_default();
    let linter = Linter::new(Overrides {
        config: args.config.clone(),
        select: args.select.clone(),
        ignore: args.ignore.clone(),
        profiles: args.profile.clone(),
        isolated: false,
    });
    let limits = PreviewLimits {
        max_previews: args.max_previews,
        max_bytes: args.max_preview_kib.saturating_mul(1024),
    };
    let Some(mut linted) = lint(&args, &linter, &cwd, limits.max_bytes) else {
        return EXIT_ERROR;
    };
    linted.reports.sort_by(|a, b| a.path.cmp(&b.path));
    linted.files.sort_by(|a, b| a.path.cmp(&b.path));
    if let Err(e) = super::ci::apply_baselines(&mut linted.reports, args.baseline.as_deref(), &linter, &cwd) {
        eprintln!("error: {e}");
        return EXIT_ERROR;
    }
    let summary = Summary::of(&linted.reports, linted.checked);
    let catalog = super::ci::rule_catalog(&linted.reports, &linter, &cwd);
    let page = html::render(&PageInput {
        reports: &linted.reports,
        files: &linted.files,
        partials: &linted.partials,
        summary: &summary,
        catalog: &catalog,
        limits,
    });
    // The directory is created, as CI steps name report paths before they exist.
    let written = match args.html.parent().filter(|d| !d.as_os_str().is_empty()) {
        Some(dir) => std::fs::create_dir_all(dir),
        None => Ok(()),
    }
    .and_then(|()| crate::atomic_write::write(&args.html, page.as_bytes()));
    if let Err(e) = written {
        eprintln!("error: cannot write {}: {e}", args.html.display());
        return EXIT_ERROR;
    }
    eprintln!(
        "inboxlint: wrote {} ({} KiB): {}",
        args.html.display(),
        page.len().div_ceil(1024),
        crate::report::summary_line(&linted.reports, &summary)
    );
    EXIT_OK
}

/// What linting gave, before baselines and sorting.
struct Linted {
    reports: Vec<FileReport>,
    files: Vec<FileInfo>,
    /// Templates that are partials of others (display paths).
    partials: HashSet<String>,
    /// Files checked (binary files met while walking are not).
    checked: usize,
}

/// Lint every file under the paths through the front door `check` uses; None (after saying
/// why) when a config or rule file is broken.
fn lint(args: &ReportArgs, linter: &Linter, cwd: &Path, preview_bytes: usize) -> Option<Linted> {
    let config_errors: Mutex<Vec<LoadError>> = Mutex::new(Vec::new());
    let accept = |path: &Path, explicit: bool| -> bool {
        linter.accepts(path, !explicit).unwrap_or_else(|errs| {
            config_errors.lock().unwrap_or_else(|p| p.into_inner()).extend(errs);
            false
        })
    };
    let roots = if args.paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        args.paths.clone()
    };
    let (found, walk_errors) = walk::discover(&roots, !args.no_ignore, args.threads.unwrap_or(0), &accept);
    let config_errors = config_errors.into_inner().unwrap_or_else(|p| p.into_inner());
    if !config_errors.is_empty() {
        let mut seen = HashSet::new();
        for e in &config_errors {
            if seen.insert((e.path.clone(), e.offset, e.message())) {
                eprintln!("{}", e.render());
            }
        }
        return None;
    }
    let templates: Vec<PathBuf> = found
        .iter()
        .filter(|f| crate::workspace::kind::classify(&f.path).is_some_and(|(k, _)| k.is_template()))
        .map(|f| f.path.clone())
        .collect();
    linter.set_include_graph(&templates);
    let partials: HashSet<String> = linter.with_include_graph(|graph| {
        graph
            .map(|g| {
                templates
                    .iter()
                    .filter(|p| g.is_partial(&linter.absolute(p)))
                    .map(|p| display_path(p, cwd))
                    .collect()
            })
            .unwrap_or_default()
    });
    let mut linted = Linted {
        reports: Vec::new(),
        files: Vec::new(),
        partials,
        checked: 0,
    };
    for e in walk_errors {
        linted.checked += 1;
        linted.reports.push(FileReport {
            path: display_path(&e.path, cwd),
            source: Arc::new(SourceText::new(String::new())),
            diagnostics: vec![Diagnostic::new(
                "input/unreadable",
                crate::report::Severity::Error,
                e.message,
                crate::source::Span::empty(0),
            )],
        });
    }
    // As `check` counts: every file found but the binary ones skipped.
    let results: Vec<Result<(FileReport, Option<FileInfo>), bool>> = found
        .par_iter()
        .map(
            |f| match linter.lint_input(&f.path, Input::Disk { explicit: f.explicit }, false) {
                FileOutcome::Linted(file) => Ok(keep(display_path(&f.path, cwd), file, preview_bytes)),
                FileOutcome::SkippedBinary => Err(true),
                FileOutcome::NotLinted | FileOutcome::ConfigErrors(_) => Err(false),
            },
        )
        .collect();
    linted.checked += found.len() - results.iter().filter(|r| matches!(r, Err(true))).count();
    for (report, info) in results.into_iter().flatten() {
        linted.reports.push(report);
        linted.files.extend(info);
    }
    Some(linted)
}

/// A linted file as the page needs it: the whole text of an HTML template small enough to be
/// previewed, the lines around the findings of anything else.
fn keep(shown: String, file: CheckedFile<'_>, preview_bytes: usize) -> (FileReport, Option<FileInfo>) {
    let previewable = file
        .details
        .as_ref()
        .is_some_and(|d| d.kind == crate::document::FileKind::Html)
        && !file.diagnostics.is_empty()
        && file.text.len() <= preview_bytes;
    let marker = file.marker();
    let source = if previewable {
        SourceText::new(file.text.into_owned())
    } else {
        let keep = file.diagnostics.iter().flat_map(Diagnostic::source_extents);
        SourceText::excerpt(file.text.into_owned(), keep.chain(marker))
    };
    let info = file.details.map(|d| FileInfo {
        path: shown.clone(),
        kind: d.kind,
        class: d.class,
    });
    let report = FileReport {
        path: shown,
        source: Arc::new(source),
        diagnostics: file.diagnostics,
    };
    (report, info)
}
