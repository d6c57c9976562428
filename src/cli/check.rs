//! `inboxlint check`: discover, lint in parallel, render in order, exit with the right code.

use super::{EXIT_ERROR, EXIT_FINDINGS, EXIT_OK};
use crate::engine::guard;
use crate::engine::{CheckedFile, FileOutcome, Input, Linter, Overrides};
use crate::knowledge::yaml::LoadError;
use crate::report::json::FileInfo;
use crate::report::{self, Diagnostic, FileReport, RenderOptions, Severity, Summary};
use crate::source::{SourceText, Span};
use crate::workspace::walk;
use rayon::prelude::*;
use std::io::{IsTerminal, Read as _, Write};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

#[derive(Debug, clap::Args)]
pub struct CheckArgs {
    /// Files or directories to lint; `-` reads standard input (with --stdin-filename).
    pub paths: Vec<PathBuf>,
    /// Output format: pretty (default), concise, json, sarif, github, junit, gitlab, markdown.
    #[arg(long, env = "INBOXLINT_FORMAT")]
    pub format: Option<String>,
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
    /// Worker threads (default: all cores).
    #[arg(long)]
    pub threads: Option<usize>,
    /// Do not respect .gitignore and .ignore files.
    #[arg(long)]
    pub no_ignore: bool,
    /// Apply config excludes to files named on the command line too (for pre-commit).
    #[arg(long)]
    pub force_exclude: bool,
    /// Path to report for standard input, and to resolve its config and kind.
    #[arg(long)]
    pub stdin_filename: Option<PathBuf>,
    /// Print findings only: no summary line.
    #[arg(long, short)]
    pub quiet: bool,
    /// Exit 0 even when there are findings.
    #[arg(long)]
    pub exit_zero: bool,
    /// Fail when there are more than this many warnings.
    #[arg(long)]
    pub max_warnings: Option<usize>,
    /// Also print suppressed findings.
    #[arg(long)]
    pub show_suppressed: bool,
    /// Report only findings not recorded in this baseline file (default: config `baseline:`).
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,
    /// Record the current findings (per file and rule, by count) in FILE and baseline them.
    #[arg(long, value_name = "FILE", conflicts_with = "baseline")]
    pub write_baseline: Option<PathBuf>,
    #[arg(long, value_enum, default_value = "auto")]
    pub color: ColorChoice,
    /// Write the report to FILE instead of standard output (no colour).
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output_file: Option<PathBuf>,
    /// Print how many findings each rule produced instead of the findings (text, or JSON
    /// with `--format json`).
    #[arg(long)]
    pub statistics: bool,
    /// Neither read nor write the cache (`.inboxlint_cache/` in the project root).
    #[arg(long, env = "INBOXLINT_NO_CACHE", value_parser = clap::builder::FalseyValueParser::new())]
    pub no_cache: bool,
    /// Keep the cache in DIR instead of `.inboxlint_cache/` in the project root.
    #[arg(long, value_name = "DIR", env = "INBOXLINT_CACHE_DIR")]
    pub cache_dir: Option<PathBuf>,
    /// Lint only shard K of N (1-based): the files whose path hashes to it. N CI jobs with
    /// 1/N .. N/N lint every file exactly once; includes still resolve across all files.
    #[arg(long, value_name = "K/N")]
    pub shard: Option<super::shard::Shard>,
    /// Apply the safe fixes, then report what is left (standard input: print the fixed text).
    #[arg(long)]
    pub fix: bool,
    /// With --fix or --diff, apply the unsafe fixes too (they may change what the file means).
    #[arg(long)]
    pub unsafe_fixes: bool,
    /// Print a unified diff of what --fix would change and write nothing (exit 1 when there
    /// would be changes).
    #[arg(long, conflicts_with = "fix")]
    pub diff: bool,
}

impl CheckArgs {
    fn fix_mode(&self) -> Option<super::fix::Mode> {
        let wanted = if self.unsafe_fixes {
            crate::diagnostic::Applicability::Unsafe
        } else {
            crate::diagnostic::Applicability::Safe
        };
        if self.diff {
            Some(super::fix::Mode::Diff(wanted))
        } else {
            self.fix.then_some(super::fix::Mode::Write(wanted))
        }
    }
}

/// Path as shown to the user: relative to the working directory when under it.
pub fn display_path(path: &Path, cwd: &Path) -> String {
    let p = path.strip_prefix(cwd).unwrap_or(path);
    let s = p.to_string_lossy().replace('\\', "/");
    s.strip_prefix("./").map(str::to_string).unwrap_or(s)
}

fn print_load_errors(errors: &[LoadError]) {
    let mut seen = std::collections::HashSet::new();
    let stderr = std::io::stderr();
    let mut err = stderr.lock();
    for e in errors {
        if seen.insert((e.path.clone(), e.offset, e.message())) {
            let _ = writeln!(err, "{}", e.render());
        }
    }
}

fn problem_report(path: String, rule: &str, message: String) -> FileReport {
    FileReport {
        path,
        source: Arc::new(SourceText::new(String::new())),
        diagnostics: vec![Diagnostic::new(rule, Severity::Error, message, Span::empty(0))],
    }
}

/// A linted file as the renderers get it, with its kind and class for json's `files`.
/// Renderers read the source only to place and show findings, and the reports are all held
/// until the run is sorted and printed: keep just the lines around what they will read
/// (nothing of a clean file but its marker) and let the text go now.
fn into_report(shown: String, mut linted: CheckedFile<'_>, cwd: &Path) -> (FileReport, Option<FileInfo>) {
    // Partials a message-level finding names are shown like the files themselves.
    for label in linted.diagnostics.iter_mut().flat_map(|d| d.labels.iter_mut()) {
        if let Some(file) = &mut label.file {
            file.path = display_path(Path::new(&file.path), cwd);
        }
    }
    let marker = linted.marker();
    let keep = linted.diagnostics.iter().flat_map(Diagnostic::source_extents);
    let source = SourceText::excerpt(linted.text.into_owned(), keep.chain(marker));
    let info = linted.details.map(|d| FileInfo {
        path: shown.clone(),
        kind: d.kind,
        class: d.class,
    });
    let report = FileReport {
        path: shown,
        source: Arc::new(source),
        diagnostics: linted.diagnostics,
    };
    (report, info)
}

/// The run's output in the chosen format (or `--statistics`).
fn render(
    args: &CheckArgs,
    format: report::OutputFormat,
    reports: &[FileReport],
    summary: &Summary,
    file_infos: &[FileInfo],
    linter: &Linter,
    cwd: &Path,
) -> String {
    if args.statistics {
        let rows = super::statistics::count(reports, &super::ci::rule_catalog(reports, linter, cwd));
        return if format == report::OutputFormat::Json {
            super::statistics::render_json(&rows)
        } else {
            super::statistics::render_text(&rows)
        };
    }
    if format == report::OutputFormat::Json {
        return report::json::render_with_files(reports, summary, file_infos);
    }
    let catalog = if format == report::OutputFormat::Sarif {
        super::ci::rule_catalog(reports, linter, cwd)
    } else {
        report::RuleCatalog::default()
    };
    report::render_with_rules(format, reports, summary, &render_options(args), &catalog)
}

/// The output to `--output-file` or standard output; `Ok(false)` when standard output closed
/// early.
fn write_out(args: &CheckArgs, out: &str) -> Result<bool, String> {
    if let Some(file) = &args.output_file {
        write_output_file(file, out).map_err(|e| format!("cannot write {}: {e}", file.display()))?;
        return Ok(true);
    }
    let stdout = std::io::stdout();
    let mut lock = stdout.lock();
    Ok(lock.write_all(out.as_bytes()).and_then(|()| lock.flush()).is_ok())
}

/// `--output-file`: the directory is created, as CI steps name report paths before they exist.
fn write_output_file(file: &Path, out: &str) -> std::io::Result<()> {
    if let Some(dir) = file.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)?;
    }
    std::fs::write(file, out)
}

pub fn run(args: CheckArgs) -> u8 {
    let Some(format) = output_format(&args) else {
        return EXIT_ERROR;
    };
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
    })
    // The disk, as by default, noting which files each lint reads for the cache's keys.
    .with_reader(super::cache::recording_reader());
    warn_unknown_selectors(&args);
    let Some(Checked {
        mut reports,
        mut file_infos,
        files,
        fixes,
        stdin_text,
    }) = lint_inputs(&args, &linter, &cwd)
    else {
        return EXIT_ERROR;
    };
    reports.sort_by(|a, b| a.path.cmp(&b.path));
    let fix_failed = fixes.fixed.iter().any(|f| f.error.is_some());
    if let Some(mode @ super::fix::Mode::Diff(_)) = args.fix_mode() {
        return show_diff(fixes, mode, fix_failed);
    }
    let report_to_stderr = stdin_text.is_some();
    if let Some(text) = &stdin_text {
        let mut out = std::io::stdout().lock();
        if out.write_all(text.as_bytes()).and_then(|()| out.flush()).is_err() {
            return EXIT_OK;
        }
    }
    if let Some(file) = &args.write_baseline {
        match super::ci::write_baseline(&mut reports, file, &cwd) {
            Ok(b) => eprintln!(
                "inboxlint: wrote baseline {} ({} findings in {} files)",
                file.display(),
                b.findings(),
                b.files.len()
            ),
            Err(e) => {
                eprintln!("error: {e}");
                return EXIT_ERROR;
            }
        }
    } else if let Err(e) = super::ci::apply_baselines(&mut reports, args.baseline.as_deref(), &linter, &cwd) {
        eprintln!("error: {e}");
        return EXIT_ERROR;
    }
    let panicked = reports
        .iter()
        .any(|r| r.diagnostics.iter().any(|d| d.rule == guard::RULE));
    let summary = Summary::of(&reports, files);
    file_infos.sort_by(|a, b| a.path.cmp(&b.path));
    let out = render(&args, format, &reports, &summary, &file_infos, &linter, &cwd);
    let written = if report_to_stderr && args.output_file.is_none() {
        // Standard output holds the fixed text.
        let _ = std::io::stderr().write_all(out.as_bytes());
        Ok(true)
    } else {
        write_out(&args, &out)
    };
    if let Some(mode) = args.fix_mode() {
        eprint!("{}", super::fix::summary(&fixes.fixed, mode, fixes.unsafe_left));
        if fix_failed {
            return EXIT_ERROR;
        }
    }
    match written {
        Ok(true) => {}
        // A closed pipe (`| head`) is not an error of the lint.
        Ok(false) => return EXIT_OK,
        Err(e) => {
            eprintln!("error: {e}");
            return EXIT_ERROR;
        }
    }
    // A bug of ours is not a verdict on the user's files, whatever --exit-zero says.
    if panicked {
        return EXIT_ERROR;
    }
    if args.exit_zero {
        return EXIT_OK;
    }
    let too_many_warnings = args.max_warnings.is_some_and(|max| summary.warnings > max);
    if summary.errors > 0 || too_many_warnings {
        EXIT_FINDINGS
    } else {
        EXIT_OK
    }
}

/// `--format` (pretty by default) once `--profile` is known to name real profiles; None after
/// saying what is wrong.
fn output_format(args: &CheckArgs) -> Option<report::OutputFormat> {
    let format = match args.format.as_deref() {
        Some(f) => match f.parse::<report::OutputFormat>() {
            Ok(f) => f,
            Err(e) => {
                eprintln!("error: {e}");
                return None;
            }
        },
        None => report::OutputFormat::Pretty,
    };
    for p in args.profile.iter().flatten() {
        if !crate::rules::load::PROFILES.contains(&p.as_str()) {
            eprintln!("error: unknown profile `{p}` (expected us, ca, eu or uk)");
            return None;
        }
    }
    Some(format)
}

fn warn_unknown_selectors(args: &CheckArgs) {
    for sel in args.select.iter().chain(&args.ignore) {
        let known = crate::rules::RuleSet::builtin()
            .map(|set| {
                set.rules
                    .iter()
                    .any(|r| r.id == *sel || r.group() == sel.trim_end_matches("/*"))
            })
            .unwrap_or(true);
        if !known && sel != "ALL" && !sel.starts_with("input/") && !sel.starts_with("syntax/") {
            eprintln!("warning: `{sel}` matches no built-in rule or group");
        }
    }
}

fn render_options(args: &CheckArgs) -> RenderOptions {
    let color = match args.color {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            args.output_file.is_none() && std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none()
        }
    };
    RenderOptions {
        color,
        width: 0,
        show_suppressed: args.show_suppressed,
        quiet: args.quiet,
    }
}

/// `--diff`: the diffs in path order on standard output, the count on standard error; exit 1
/// when something would change (as ruff does), 2 when a file could not be fixed.
fn show_diff(mut fixes: Fixes, mode: super::fix::Mode, failed: bool) -> u8 {
    fixes.fixed.sort_by(|a, b| a.path.cmp(&b.path));
    let diff: String = fixes.fixed.iter().filter_map(|f| f.output.as_deref()).collect();
    let mut out = std::io::stdout().lock();
    let _ = out.write_all(diff.as_bytes()).and_then(|()| out.flush());
    eprint!("{}", super::fix::summary(&fixes.fixed, mode, fixes.unsafe_left));
    if failed {
        EXIT_ERROR
    } else if diff.is_empty() {
        EXIT_OK
    } else {
        EXIT_FINDINGS
    }
}

/// What `--fix`/`--diff` did to the files.
#[derive(Default)]
struct Fixes {
    fixed: Vec<super::fix::FileFix>,
    /// Unsafe fixes left unapplied for want of `--unsafe-fixes`.
    unsafe_left: usize,
}

/// What linting every input gave, before baselines and sorting.
struct Checked {
    fixes: Fixes,
    /// `--fix` on standard input: the fixed text, for standard output.
    stdin_text: Option<String>,
    reports: Vec<FileReport>,
    /// Each linted file's kind and class, for json's `files`.
    file_infos: Vec<FileInfo>,
    /// Files inboxlint checked (binary files met while walking are not).
    files: usize,
}

impl Checked {
    fn add(&mut self, (report, info): (FileReport, Option<FileInfo>)) {
        self.reports.push(report);
        self.file_infos.extend(info);
    }
}

/// Lint standard input and every file under the paths; None (after printing why) when stdin
/// cannot be read or a config or rule file is broken.
fn lint_inputs(args: &CheckArgs, linter: &Linter, cwd: &Path) -> Option<Checked> {
    let config_errors: Mutex<Vec<LoadError>> = Mutex::new(Vec::new());
    let add_errors = |errs: Vec<LoadError>| config_errors.lock().unwrap_or_else(|p| p.into_inner()).extend(errs);
    let mode = args.fix_mode();
    let lint = |path: &Path, input: Input<'static>, apply_excludes: bool, stdin: bool| match mode {
        None => (linter.lint_input(path, input, apply_excludes), None),
        Some(mode) => {
            let shown = display_path(path, cwd);
            let (outcome, fixed) = super::fix::lint_and_fix(linter, path, &shown, input, apply_excludes, mode, stdin);
            let left = super::fix::unsafe_left(&outcome, mode);
            (outcome, Some((fixed, left)))
        }
    };
    let fixes = Mutex::new(Fixes::default());
    let record = |fixed: Option<(Option<super::fix::FileFix>, usize)>| {
        if let Some((fixed, left)) = fixed {
            let mut f = fixes.lock().unwrap_or_else(|p| p.into_inner());
            f.fixed.extend(fixed);
            f.unsafe_left += left;
        }
    };
    let mut checked = Checked {
        fixes: Fixes::default(),
        stdin_text: None,
        reports: Vec::new(),
        file_infos: Vec::new(),
        files: 0,
    };
    if args.paths.iter().any(|p| p.as_os_str() == "-") {
        let name = args
            .stdin_filename
            .clone()
            .unwrap_or_else(|| PathBuf::from("stdin.html"));
        let mut bytes = Vec::new();
        if let Err(e) = std::io::stdin().read_to_end(&mut bytes) {
            eprintln!("error: cannot read standard input: {e}");
            return None;
        }
        checked.files += 1;
        // `--fix` prints the text back, fixed or not, as editors pipe through it.
        let original = matches!(mode, Some(super::fix::Mode::Write(_))).then(|| bytes.clone());
        let (outcome, fixed) = lint(&name, Input::Bytes(bytes), args.force_exclude, true);
        record(fixed);
        if let Some(original) = original {
            checked.stdin_text = Some(match &outcome {
                FileOutcome::Linted(c) if c.details.is_some() => c.text.to_string(),
                _ => String::from_utf8_lossy(&original).into_owned(),
            });
        }
        match outcome {
            FileOutcome::ConfigErrors(errs) => add_errors(errs),
            FileOutcome::Linted(linted) => checked.add(into_report(display_path(&name, cwd), linted, cwd)),
            FileOutcome::SkippedBinary | FileOutcome::NotLinted => {}
        }
    }
    let roots: Vec<PathBuf> = if args.paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        args.paths.iter().filter(|p| p.as_os_str() != "-").cloned().collect()
    };
    let accept = |path: &Path, explicit: bool| -> bool {
        linter
            .accepts(path, !explicit || args.force_exclude)
            .unwrap_or_else(|errs| {
                add_errors(errs);
                false
            })
    };
    let (found, walk_errors) = if roots.is_empty() {
        (Vec::new(), Vec::new())
    } else {
        walk::discover(&roots, !args.no_ignore, args.threads.unwrap_or(0), &accept)
    };
    let config_errors = config_errors.into_inner().unwrap_or_else(|p| p.into_inner());
    if !config_errors.is_empty() {
        print_load_errors(&config_errors);
        return None;
    }
    // Messages, not files: which templates include which is known before any is judged.
    let templates: Vec<PathBuf> = found
        .iter()
        .filter(|f| crate::workspace::kind::classify(&f.path).is_some_and(|(k, _)| k.is_template()))
        .map(|f| f.path.clone())
        .collect();
    linter.set_include_graph(&templates);
    // After the graph: a partial's role comes from all its includers, in any shard.
    let (found, walk_errors) = match args.shard {
        Some(shard) => (
            found
                .into_iter()
                .filter(|f| shard.contains(&display_path(&f.path, cwd)))
                .collect(),
            walk_errors
                .into_iter()
                .filter(|e| shard.contains(&display_path(&e.path, cwd)))
                .collect(),
        ),
        None => (found, walk_errors),
    };
    let cache = open_cache(args, linter, cwd, found.is_empty());
    for e in walk_errors {
        checked.files += 1;
        let report = problem_report(display_path(&e.path, cwd), "input/unreadable", e.message);
        checked.reports.push(report);
    }
    let skipped = std::sync::atomic::AtomicUsize::new(0);
    let show_progress = super::progress::wanted(std::io::stderr().is_terminal(), args.quiet, |k| std::env::var(k).ok());
    let progress = super::progress::Progress::new(found.len(), show_progress);
    let linted: Vec<(FileReport, Option<FileInfo>)> = found
        .par_iter()
        .filter_map(|f| {
            // The cache stands in for linting only: a fixing run (no cache) lints what it writes.
            let (outcome, fixed) = match &cache {
                Some(cache) => (cache.lint(linter, &f.path, f.explicit), None),
                None => lint(&f.path, Input::Disk { explicit: f.explicit }, false, false),
            };
            record(fixed);
            progress.tick();
            match outcome {
                FileOutcome::Linted(linted) => Some(into_report(display_path(&f.path, cwd), linted, cwd)),
                FileOutcome::SkippedBinary => {
                    skipped.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    None
                }
                // `accept` already resolved the config and kind of every file found.
                FileOutcome::NotLinted | FileOutcome::ConfigErrors(_) => None,
            }
        })
        .collect();
    progress.finish();
    if let Some(cache) = cache {
        cache.save();
    }
    checked.files += found.len() - skipped.into_inner();
    for one in linted {
        checked.add(one);
    }
    checked.fixes = fixes.into_inner().unwrap_or_else(|p| p.into_inner());
    Some(checked)
}

/// The cache for the files found on disk, unless `--no-cache` (or nothing to lint: a run on
/// standard input alone leaves no cache behind). A run that fixes (`--fix`, `--diff`) must
/// lint the text it rewrites: it neither reads nor writes the cache.
fn open_cache(args: &CheckArgs, linter: &Linter, cwd: &Path, nothing_found: bool) -> Option<super::cache::Cache> {
    // The crash test hook makes findings depend on the environment: never cache under it.
    let forced_panic = std::env::var_os(guard::FORCE_PANIC_ENV).is_some_and(|v| !v.is_empty());
    if args.no_cache || nothing_found || forced_panic || args.fix_mode().is_some() {
        return None;
    }
    let options = super::cache::Options {
        dir: args.cache_dir.clone(),
    };
    super::cache::Cache::open(&options, linter, cwd)
}
