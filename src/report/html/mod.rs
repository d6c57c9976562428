//! `inboxlint report --html`: one self-contained page for the people who answer for
//! compliance. Inline CSS and SVG only, no script, nothing fetched: the page's own CSP says so
//! and the browser enforces it. Everything that comes from a template or a config is escaped.

pub mod chart;
pub mod escape;
pub mod preview;
pub mod regulation;

use super::json::FileInfo;
use super::meta::{RuleCatalog, RuleMeta};
use super::{Diagnostic, FileReport, Severity, Summary};
use crate::document::{ClassSource, FileKind};
use crate::source::{SourceText, Span};
use chart::{Bar, Segment};
use regulation::Regulation;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::fmt::Write as _;

/// The page's policy: nothing but its own inline styles and data: images; the previews are
/// `srcdoc` frames, which need no source to be allowed.
pub const CSP: &str = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-src 'none'; base-uri 'none'; form-action 'none'";

/// How many emails are previewed, and how large one may be: each preview carries the whole
/// template, so these bound the page's size on a large repository.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PreviewLimits {
    pub max_previews: usize,
    pub max_bytes: usize,
}

impl Default for PreviewLimits {
    fn default() -> Self {
        PreviewLimits {
            max_previews: 25,
            max_bytes: 128 * 1024,
        }
    }
}

/// What the page is made from.
pub struct PageInput<'a> {
    /// Sorted by path. The sources of files chosen for a preview must be full texts.
    pub reports: &'a [FileReport],
    /// Kind and class of each linted file.
    pub files: &'a [FileInfo],
    /// Paths of templates that are partials of other templates, not messages of their own.
    pub partials: &'a HashSet<String>,
    pub summary: &'a Summary,
    pub catalog: &'a RuleCatalog,
    pub limits: PreviewLimits,
}

/// The state of a finding, for the charts and the counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    New,
    Baselined,
    Suppressed,
}

fn state(d: &Diagnostic) -> State {
    match &d.suppressed {
        None => State::New,
        Some(s) if s.kind == "baseline" => State::Baselined,
        Some(_) => State::Suppressed,
    }
}

/// Counts by severity.
#[derive(Debug, Clone, Copy, Default)]
struct Tally {
    errors: usize,
    warnings: usize,
    infos: usize,
}

impl Tally {
    fn add(&mut self, s: Severity) {
        match s {
            Severity::Error => self.errors += 1,
            Severity::Warning => self.warnings += 1,
            Severity::Info => self.infos += 1,
        }
    }

    fn total(&self) -> usize {
        self.errors + self.warnings + self.infos
    }

    fn segments(&self) -> Vec<Segment> {
        vec![
            Segment {
                value: self.errors,
                class: "error",
            },
            Segment {
                value: self.warnings,
                class: "warning",
            },
            Segment {
                value: self.infos,
                class: "info",
            },
        ]
    }
}

/// Everything the sections share: rules with their regulations, and the run's tallies.
struct Facts<'a> {
    rules: BTreeMap<String, RuleMeta>,
    regulations: HashMap<String, Vec<Regulation>>,
    files: HashMap<&'a str, &'a FileInfo>,
    by_state: [Tally; 3],
    by_rule: BTreeMap<&'a str, Tally>,
    /// Rules with a finding in any state: the ones the rules section explains.
    mentioned: HashSet<&'a str>,
    by_regulation: BTreeMap<Option<Regulation>, (Tally, HashSet<usize>)>,
}

impl<'a> Facts<'a> {
    fn gather(input: &PageInput<'a>) -> Self {
        let rules: BTreeMap<String, RuleMeta> = input
            .catalog
            .complete_for(input.reports)
            .into_iter()
            .map(|m| (m.id.clone(), m))
            .collect();
        let regulations = rules
            .values()
            .map(|m| (m.id.clone(), Regulation::of(&m.id, &m.refs)))
            .collect::<HashMap<_, _>>();
        let mut facts = Facts {
            rules,
            regulations,
            files: input.files.iter().map(|f| (f.path.as_str(), f)).collect(),
            by_state: [Tally::default(); 3],
            by_rule: BTreeMap::new(),
            mentioned: HashSet::new(),
            by_regulation: BTreeMap::new(),
        };
        for (i, report) in input.reports.iter().enumerate() {
            for d in &report.diagnostics {
                let st = state(d);
                facts.by_state[st as usize].add(d.severity);
                facts.mentioned.insert(&d.rule);
                if st != State::New {
                    continue;
                }
                facts.by_rule.entry(&d.rule).or_default().add(d.severity);
                let regs = facts.regulations.get(&d.rule).cloned().unwrap_or_default();
                let keys: Vec<Option<Regulation>> = if regs.is_empty() {
                    vec![None]
                } else {
                    regs.into_iter().map(Some).collect()
                };
                for key in keys {
                    let (tally, files) = facts.by_regulation.entry(key).or_default();
                    tally.add(d.severity);
                    files.insert(i);
                }
            }
        }
        facts
    }

    fn regulations_of(&self, rule: &str) -> &[Regulation] {
        self.regulations.get(rule).map(Vec::as_slice).unwrap_or(&[])
    }
}

/// The whole page.
pub fn render(input: &PageInput<'_>) -> String {
    let facts = Facts::gather(input);
    let previews = choose_previews(input);
    let mut out = String::with_capacity(64 * 1024);
    head(&mut out);
    out.push_str("<body><header class=\"top\"><h1>inboxlint compliance report</h1><p>");
    let _ = write!(
        out,
        "inboxlint {} · {} files checked · rules mapped to regulations from their own citations",
        env!("CARGO_PKG_VERSION"),
        input.summary.files
    );
    out.push_str("</p></header><nav class=\"toc\"><a href=\"#summary\">Summary</a><a href=\"#regulations\">Regulations</a><a href=\"#charts\">Charts</a><a href=\"#messages\">Messages</a><a href=\"#findings\">Findings</a><a href=\"#rules\">Rules</a></nav><main>");
    summary_section(&mut out, input, &facts);
    regulations_section(&mut out, &facts);
    charts_section(&mut out, &facts);
    messages_section(&mut out, input);
    findings_section(&mut out, input, &facts, &previews);
    rules_section(&mut out, &facts);
    out.push_str("</main></body></html>\n");
    out
}

fn head(out: &mut String) {
    out.push_str("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">");
    let _ = write!(out, "<meta http-equiv=\"Content-Security-Policy\" content=\"{CSP}\">");
    out.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><meta name=\"referrer\" content=\"no-referrer\">");
    out.push_str("<title>inboxlint compliance report</title><style>");
    out.push_str(include_str!("style.css"));
    out.push_str("</style></head>");
}

fn count_box(out: &mut String, key: &str, label: &str, n: usize) {
    let _ = write!(out, "<div><dt>{label}</dt><dd data-count=\"{key}\">{n}</dd></div>");
}

fn is_message(info: &FileInfo, partials: &HashSet<String>) -> bool {
    info.kind.is_template() && !partials.contains(&info.path)
}

fn summary_section(out: &mut String, input: &PageInput<'_>, facts: &Facts<'_>) {
    let s = input.summary;
    let messages = input.files.iter().filter(|f| is_message(f, input.partials)).count();
    out.push_str("<section id=\"summary\"><h2>Summary</h2><dl class=\"counts\">");
    count_box(out, "files", "Files checked", s.files);
    count_box(out, "messages", "Messages", messages);
    count_box(out, "errors", "Errors", s.errors);
    count_box(out, "warnings", "Warnings", s.warnings);
    count_box(out, "infos", "Infos", s.infos);
    count_box(
        out,
        "baselined",
        "Baselined",
        facts.by_state[State::Baselined as usize].total(),
    );
    count_box(
        out,
        "suppressed",
        "Suppressed inline",
        facts.by_state[State::Suppressed as usize].total(),
    );
    out.push_str("</dl><p class=\"note\">Errors, warnings and infos count new findings only, as <code>inboxlint check</code> does; baselined findings are recorded in a baseline file and suppressed ones are silenced by a comment with a reason. A message is an entry template: partials are judged as part of the messages that include them.</p></section>");
}

fn regulations_section(out: &mut String, facts: &Facts<'_>) {
    out.push_str("<section id=\"regulations\"><h2>By regulation</h2><p class=\"note\">A rule counts for a regulation when its group is that regulation or its references cite it, so one finding can count for several.</p><table><thead><tr><th>Regulation</th><th>What it asks</th><th>Rules</th><th class=\"n\">Errors</th><th class=\"n\">Warnings</th><th class=\"n\">Infos</th><th class=\"n\">Files</th></tr></thead><tbody>");
    let keys: Vec<Option<Regulation>> = Regulation::ALL.iter().copied().map(Some).chain([None]).collect();
    for key in keys {
        let empty = (Tally::default(), HashSet::new());
        let (tally, files) = facts.by_regulation.get(&key).unwrap_or(&empty);
        let rules: Vec<&RuleMeta> = facts
            .rules
            .values()
            .filter(|m| match key {
                Some(r) => facts.regulations_of(&m.id).contains(&r),
                None => facts.regulations_of(&m.id).is_empty(),
            })
            .collect();
        let (slug, name, about) = match key {
            Some(r) => (r.slug(), r.name(), r.about()),
            None => (
                "none",
                "No regulation cited",
                "Template hygiene, input problems and rules whose references cite no law or sender requirement.",
            ),
        };
        let _ = write!(
            out,
            "<tr data-regulation=\"{slug}\"><th>{name}</th><td class=\"why\">{about}</td><td><details><summary>{} rule{}</summary>",
            rules.len(),
            if rules.len() == 1 { "" } else { "s" }
        );
        for m in &rules {
            let n = facts.by_rule.get(m.id.as_str()).map_or(0, Tally::total);
            let _ = write!(out, "<a href=\"#{}\">", escape::anchor("rule-", &m.id));
            escape::push(out, &m.id);
            let _ = write!(out, "</a> ({n})<br>");
        }
        let _ = write!(
            out,
            "</details></td><td class=\"n\" data-count=\"errors\">{}</td><td class=\"n\" data-count=\"warnings\">{}</td><td class=\"n\" data-count=\"infos\">{}</td><td class=\"n\" data-count=\"files\">{}</td></tr>",
            tally.errors,
            tally.warnings,
            tally.infos,
            files.len()
        );
    }
    out.push_str("</tbody></table></section>");
}

const LEGEND: &str = "<p class=\"legend\"><span><i class=\"error\"></i>error</span><span><i class=\"warning\"></i>warning</span><span><i class=\"info\"></i>info</span></p>";
/// Rules shown in the by-rule chart; the rest are in the rules section.
const CHART_RULES: usize = 30;

fn charts_section(out: &mut String, facts: &Facts<'_>) {
    out.push_str("<section id=\"charts\"><h2>Charts</h2><div class=\"charts\">");
    let regs: Vec<Bar> = Regulation::ALL
        .iter()
        .map(|&r| (Some(r), r.name()))
        .chain([(None, "No regulation cited")])
        .map(|(key, name)| Bar {
            label: name.to_string(),
            href: Some("#regulations".into()),
            segments: facts
                .by_regulation
                .get(&key)
                .map(|(t, _)| t.segments())
                .unwrap_or_default(),
        })
        .collect();
    figure(out, "by-regulation", "New findings by regulation", &regs, LEGEND);
    let mut rules: Vec<(&str, Tally)> = facts.by_rule.iter().map(|(k, v)| (*k, *v)).collect();
    rules.sort_by(|a, b| b.1.total().cmp(&a.1.total()).then(a.0.cmp(b.0)));
    let more = rules.len().saturating_sub(CHART_RULES);
    let bars: Vec<Bar> = rules
        .iter()
        .take(CHART_RULES)
        .map(|(id, t)| Bar {
            label: id.to_string(),
            href: Some(format!("#{}", escape::anchor("rule-", id))),
            segments: t.segments(),
        })
        .collect();
    let note = if more > 0 {
        format!(
            "{LEGEND}<p class=\"note\">The {CHART_RULES} rules with the most findings; {more} more in the rules section.</p>"
        )
    } else {
        LEGEND.to_string()
    };
    figure(out, "by-rule", "New findings by rule", &bars, &note);
    let states = [
        ("New", State::New, "error"),
        ("Baselined", State::Baselined, "baselined"),
        ("Suppressed inline", State::Suppressed, "suppressed"),
    ];
    let bars: Vec<Bar> = states
        .iter()
        .map(|&(label, st, class)| Bar {
            label: label.into(),
            href: None,
            segments: vec![Segment {
                value: facts.by_state[st as usize].total(),
                class,
            }],
        })
        .collect();
    figure(
        out,
        "by-state",
        "New vs baselined findings",
        &bars,
        "<p class=\"legend\"><span><i class=\"error\"></i>new</span><span><i class=\"baselined\"></i>baselined</span><span><i class=\"suppressed\"></i>suppressed inline</span></p>",
    );
    out.push_str("</div></section>");
}

fn figure(out: &mut String, key: &str, title: &str, bars: &[Bar], after: &str) {
    let _ = write!(out, "<figure><figcaption>{title}</figcaption>");
    out.push_str(&chart::bars(key, title, bars));
    out.push_str(after);
    out.push_str("</figure>");
}

/// The class of a file and, in a sentence, why.
fn class_why(info: &FileInfo, source: Option<&SourceText>) -> String {
    match &info.class.source {
        ClassSource::Config { glob } => format!("the config's class glob `{glob}` matches this path"),
        ClassSource::Marker { span } => {
            let line = source.map_or(0, |s| s.line_col(span.0).line);
            format!("an inboxlint class comment in the file says so (line {line})")
        }
        ClassSource::Inferred { reason } => format!("inferred: {reason}"),
        ClassSource::Default => "nothing says otherwise: marketing is the fail-safe default".into(),
    }
}

fn file_anchor(i: usize) -> String {
    format!("file-{i}")
}

fn messages_section(out: &mut String, input: &PageInput<'_>) {
    out.push_str("<section id=\"messages\"><h2>Messages</h2><p class=\"note\">Every email template, with its class (marketing or transactional decides which rules apply) and why the class was chosen.</p><table><thead><tr><th>Template</th><th>Class</th><th>Why</th><th class=\"n\">Errors</th><th class=\"n\">Warnings</th><th class=\"n\">Infos</th></tr></thead><tbody>");
    let index: HashMap<&str, usize> = input
        .reports
        .iter()
        .enumerate()
        .map(|(i, r)| (r.path.as_str(), i))
        .collect();
    for info in input.files.iter().filter(|f| f.kind.is_template()) {
        let i = index.get(info.path.as_str()).copied();
        let report = i.map(|i| &input.reports[i]);
        let mut tally = Tally::default();
        for d in report
            .iter()
            .flat_map(|r| &r.diagnostics)
            .filter(|d| d.suppressed.is_none())
        {
            tally.add(d.severity);
        }
        out.push_str("<tr data-message><td>");
        match i.filter(|_| tally.total() > 0 || report.is_some_and(|r| !r.diagnostics.is_empty())) {
            Some(i) => {
                let _ = write!(out, "<a href=\"#{}\">", file_anchor(i));
                escape::push(out, &info.path);
                out.push_str("</a>");
            }
            None => escape::push(out, &info.path),
        }
        if input.partials.contains(&info.path) {
            out.push_str(" <span class=\"badge state\">partial</span>");
        }
        let class = info.class.class.as_str();
        let _ = write!(
            out,
            "</td><td><span class=\"badge {class}\">{class}</span></td><td class=\"why\">"
        );
        escape::push(out, &class_why(info, report.map(|r| &*r.source)));
        let _ = write!(
            out,
            "</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td></tr>",
            tally.errors, tally.warnings, tally.infos
        );
    }
    out.push_str("</tbody></table></section>");
}

/// Why a file has no preview, or None when it gets one.
enum PreviewPlan {
    Show,
    Skip(String),
}

/// The HTML files to preview: the ones with the most new findings first, up to the limit.
fn choose_previews(input: &PageInput<'_>) -> HashMap<usize, PreviewPlan> {
    let mut candidates: Vec<(usize, usize, usize)> = input
        .reports
        .iter()
        .enumerate()
        .filter(|(_, r)| r.diagnostics.iter().any(|d| d.suppressed.is_none()))
        .filter(|(_, r)| {
            input
                .files
                .binary_search_by(|f| f.path.as_str().cmp(&r.path))
                .ok()
                .is_some_and(|i| input.files[i].kind == FileKind::Html)
        })
        .map(|(i, r)| {
            let errors = r
                .diagnostics
                .iter()
                .filter(|d| d.suppressed.is_none() && d.severity == Severity::Error)
                .count();
            let all = r.diagnostics.iter().filter(|d| d.suppressed.is_none()).count();
            (i, errors, all)
        })
        .collect();
    candidates.sort_by(|a, b| b.1.cmp(&a.1).then(b.2.cmp(&a.2)).then(a.0.cmp(&b.0)));
    let mut plans = HashMap::new();
    let mut shown = 0;
    for (i, _, _) in candidates {
        let source = &input.reports[i].source;
        let plan = if source.len() > input.limits.max_bytes {
            PreviewPlan::Skip(format!(
                "No preview: the template is {} KB, over the {} KB preview limit.",
                source.len().div_ceil(1024),
                input.limits.max_bytes / 1024
            ))
        } else if shown >= input.limits.max_previews {
            PreviewPlan::Skip(format!(
                "No preview: only the {} templates with the most findings are previewed.",
                input.limits.max_previews
            ))
        } else if source.full_text().is_none() {
            PreviewPlan::Skip("No preview: the template's text was not kept.".into())
        } else {
            shown += 1;
            PreviewPlan::Show
        };
        plans.insert(i, plan);
    }
    plans
}

fn findings_section(
    out: &mut String,
    input: &PageInput<'_>,
    facts: &Facts<'_>,
    previews: &HashMap<usize, PreviewPlan>,
) {
    let shown = previews.values().filter(|p| matches!(p, PreviewPlan::Show)).count();
    let _ = write!(
        out,
        "<section id=\"findings\"><h2>Findings by file</h2><p class=\"note\">Email previews: {shown}, of the HTML templates with the most findings (up to {}, each at most {} KB). Offending elements are outlined in red and what an email lacks is listed in a dashed box at its end. Previews load no image, font or stylesheet, run no script and follow no link.</p>",
        input.limits.max_previews,
        input.limits.max_bytes / 1024
    );
    for (i, report) in input.reports.iter().enumerate() {
        if report.diagnostics.is_empty() {
            continue;
        }
        file_section(out, i, report, facts, previews.get(&i));
    }
    out.push_str("</section>");
}

fn file_section(out: &mut String, i: usize, report: &FileReport, facts: &Facts<'_>, preview: Option<&PreviewPlan>) {
    let info = facts.files.get(report.path.as_str());
    let new = report.diagnostics.iter().filter(|d| d.suppressed.is_none()).count();
    let _ = write!(out, "<details class=\"file\" id=\"{}\" open><summary>", file_anchor(i));
    escape::push(out, &report.path);
    out.push_str("<span class=\"meta\">");
    if let Some(info) = info {
        let _ = write!(out, "{} · {} · ", info.kind.as_str(), info.class.class.as_str());
    }
    let _ = write!(
        out,
        "{new} new of {} findings</span></summary>",
        report.diagnostics.len()
    );
    if let Some(info) = info.filter(|i| i.kind.is_template()) {
        let class = info.class.class.as_str();
        let _ = write!(
            out,
            "<p class=\"class-why\">Class <span class=\"badge {class}\">{class}</span>: "
        );
        escape::push(out, &class_why(info, Some(&report.source)));
        out.push_str("</p>");
    }
    match preview {
        Some(PreviewPlan::Show) => preview_frame(out, report),
        Some(PreviewPlan::Skip(why)) => {
            let _ = write!(out, "<p class=\"note\">{}</p>", escape::escape(why));
        }
        None => {}
    }
    // Grouped by rule, so what to do and the legal basis are said once per rule and file: a
    // template with twenty http:// links would otherwise repeat them twenty times.
    let mut groups: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for (n, d) in report.diagnostics.iter().enumerate() {
        groups.entry(&d.rule).or_default().push(n);
    }
    out.push_str("<ul class=\"rule-groups\">");
    for (rule, members) in groups {
        rule_group(out, i, report, rule, &members, facts);
    }
    out.push_str("</ul></details>");
}

fn preview_frame(out: &mut String, report: &FileReport) {
    let Some(text) = report.source.full_text() else {
        return;
    };
    let marks: Vec<preview::Mark> = report
        .diagnostics
        .iter()
        .enumerate()
        .filter(|(_, d)| d.suppressed.is_none())
        .map(|(n, d)| preview::Mark {
            number: n + 1,
            start: d.span.start.min(text.len()),
            end: d.span.end.min(text.len()),
            rule: d.rule.clone(),
            message: d.message.clone(),
        })
        .collect();
    match preview::build(text, &marks) {
        Some((doc, outlined)) => {
            let _ = write!(
                out,
                "<div class=\"preview\"><p class=\"note\">Preview: {outlined} of {} new findings outlined.</p><iframe sandbox=\"\" loading=\"lazy\" referrerpolicy=\"no-referrer\" title=\"Preview of ",
                marks.len()
            );
            escape::push(out, &report.path);
            out.push_str("\" srcdoc=\"");
            escape::push(out, &doc);
            out.push_str("\"></iframe></div>");
        }
        None => out.push_str("<p class=\"note\">No preview: the markup could not be read to the end.</p>"),
    }
}

/// One rule's findings in a file: the rule, its regulations, what to do and its references
/// once, then each finding with its location, message and source excerpt.
fn rule_group(out: &mut String, file: usize, report: &FileReport, rule: &str, members: &[usize], facts: &Facts<'_>) {
    let anchor = escape::anchor("rule-", rule);
    let _ = write!(
        out,
        "<li class=\"rule-group\"><div class=\"fhead\"><a href=\"#{anchor}\">"
    );
    escape::push(out, rule);
    out.push_str("</a>");
    let meta = facts.rules.get(rule);
    if let Some(m) = meta.filter(|m| m.title != m.id) {
        out.push_str(" <span class=\"title\">");
        escape::push(out, &m.title);
        out.push_str("</span>");
    }
    for r in facts.regulations_of(rule) {
        let _ = write!(out, " <span class=\"badge reg\">{}</span>", r.name());
    }
    out.push_str("</div>");
    let first = members.first().map(|&n| &report.diagnostics[n]);
    let help = first
        .and_then(|d| d.help.as_deref())
        .or(meta.map(|m| m.help.as_str()))
        .unwrap_or("");
    if !help.is_empty() {
        out.push_str("<p class=\"help\"><strong>What to do:</strong> ");
        escape::push(out, help);
        let _ = write!(out, " <a href=\"#{anchor}\">Why this matters</a></p>");
    }
    if let Some(meta) = meta.filter(|m| !m.refs.is_empty()) {
        out.push_str("<p class=\"refs\">Legal basis and references: ");
        escape::push(out, &meta.refs.join("; "));
        out.push_str("</p>");
    }
    out.push_str("<ol class=\"findings\">");
    for &n in members {
        finding(out, file, n + 1, report, &report.diagnostics[n]);
    }
    out.push_str("</ol></li>");
}

fn finding(out: &mut String, file: usize, n: usize, report: &FileReport, d: &Diagnostic) {
    let st = state(d);
    let sev = d.severity.as_str();
    let quiet = if st == State::New { "" } else { " quiet" };
    let at = report.source.line_col(d.span.start);
    let _ = write!(
        out,
        "<li class=\"finding {sev}{quiet}\" id=\"f-{file}-{n}\" value=\"{n}\"><span class=\"badge {sev}\">{sev}</span> <span class=\"loc\">line {}, column {}</span>",
        at.line, at.column
    );
    if let Some(s) = &d.suppressed {
        out.push_str(" <span class=\"badge state\">");
        out.push_str(if st == State::Baselined {
            "baselined"
        } else {
            "suppressed"
        });
        if let Some(reason) = &s.reason {
            out.push_str(": ");
            escape::push(out, reason);
        }
        out.push_str("</span>");
    }
    out.push_str("<p class=\"msg\">");
    escape::push(out, &d.message);
    out.push_str("</p>");
    source_excerpt(out, &report.source, d.span);
    out.push_str("</li>");
}

/// Context kept on each side of a span in an excerpt, and of the span itself, in characters.
const EXCERPT_SIDE: usize = 100;
const EXCERPT_SPAN: usize = 240;

/// The line(s) of a finding with its span marked, cut to a readable length.
fn source_excerpt(out: &mut String, source: &SourceText, span: Span) {
    let Some(seg) = source.segment_at(span.start.min(source.len())) else {
        return;
    };
    let local = |o: usize| o.saturating_sub(seg.offset).min(seg.text.len());
    let (start, end) = (local(span.start), local(span.end.max(span.start)));
    let text = seg.text;
    let line_start = text[..floor(text, start)].rfind('\n').map_or(0, |i| i + 1);
    let line_end = text[ceil(text, end)..]
        .find('\n')
        .map_or(text.len(), |i| ceil(text, end) + i);
    let (start, end) = (floor(text, start), ceil(text, end));
    let before = tail_chars(&text[line_start..start], EXCERPT_SIDE);
    let inside = head_chars(&text[start..end], EXCERPT_SPAN);
    let after = head_chars(&text[end..line_end.max(end)], EXCERPT_SIDE);
    if before.trim().is_empty() && inside.is_empty() && after.trim().is_empty() {
        return;
    }
    let line = source.line_col(span.start).line;
    let _ = write!(out, "<pre class=\"src\"><span class=\"ln\">{line}</span>");
    escape::push(out, before.trim_start());
    out.push_str("<mark>");
    escape::push(out, &inside);
    out.push_str("</mark>");
    escape::push(out, after.trim_end());
    out.push_str("</pre>");
}

fn floor(text: &str, mut i: usize) -> usize {
    i = i.min(text.len());
    while !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

fn ceil(text: &str, mut i: usize) -> usize {
    i = i.min(text.len());
    while !text.is_char_boundary(i) {
        i += 1;
    }
    i
}

fn tail_chars(s: &str, n: usize) -> String {
    let count = s.chars().count();
    if count <= n {
        return s.to_string();
    }
    let mut t = String::from("…");
    t.extend(s.chars().skip(count - n));
    t
}

fn head_chars(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        return s.to_string();
    }
    let mut t: String = s.chars().take(n).collect();
    t.push('…');
    t
}

fn rules_section(out: &mut String, facts: &Facts<'_>) {
    out.push_str("<section id=\"rules\"><h2>Rules with findings</h2><p class=\"note\">What each rule checks, why it matters, what to do, and the law, standard or provider requirement it rests on.</p>");
    for (id, meta) in &facts.rules {
        if !facts.mentioned.contains(id.as_str()) {
            continue;
        }
        let _ = write!(
            out,
            "<article class=\"rule\" id=\"{}\"><h3>",
            escape::anchor("rule-", id)
        );
        escape::push(out, id);
        if meta.title != *id {
            out.push_str(": ");
            escape::push(out, &meta.title);
        }
        out.push_str("</h3><p>");
        for r in facts.regulations_of(id) {
            let _ = write!(out, "<span class=\"badge reg\">{}</span> ", r.name());
        }
        let sev = meta.default_severity.as_str();
        let _ = write!(out, "<span class=\"badge {sev}\">{sev}</span></p>");
        if let Some(docs) = meta.docs.as_deref().filter(|d| !d.trim().is_empty()) {
            for para in docs.split("\n\n").filter(|p| !p.trim().is_empty()) {
                out.push_str("<p>");
                escape::push(out, para.trim());
                out.push_str("</p>");
            }
        }
        if !meta.help.is_empty() {
            out.push_str("<p><strong>What to do:</strong> ");
            escape::push(out, &meta.help);
            out.push_str("</p>");
        }
        if !meta.refs.is_empty() {
            out.push_str("<p class=\"refs\">References: ");
            for (k, r) in meta.refs.iter().enumerate() {
                if k > 0 {
                    out.push_str("; ");
                }
                if r.starts_with("https://") {
                    out.push_str("<a rel=\"noreferrer\" href=\"");
                    escape::push(out, r);
                    out.push_str("\">");
                    escape::push(out, r);
                    out.push_str("</a>");
                } else {
                    escape::push(out, r);
                }
            }
            out.push_str("</p>");
        }
        out.push_str("</article>");
    }
    out.push_str("</section>");
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::{ClassInfo, MessageClass};
    use crate::report::tests::{files_checked, sample_reports, snapshot_settings};

    fn catalog() -> RuleCatalog {
        [RuleMeta {
            id: "privacy/pii-in-url".into(),
            title: "Personal data in a link or image URL".into(),
            help: "Identify the recipient with an opaque id instead.".into(),
            docs: Some("Trackers and server logs keep URLs.\n\nAn email address in one is personal data.".into()),
            docs_url: None,
            default_severity: Severity::Error,
            refs: vec![
                "GDPR Art. 5(1)(c)".into(),
                "https://support.google.com/a/answer/81126".into(),
            ],
        }]
        .into_iter()
        .collect()
    }

    fn files() -> Vec<FileInfo> {
        vec![
            FileInfo {
                path: "campaigns/spring.yaml".into(),
                kind: FileKind::Config,
                class: ClassInfo::default(),
            },
            FileInfo {
                path: "emails/welcome.html".into(),
                kind: FileKind::Html,
                class: ClassInfo {
                    class: MessageClass::Marketing,
                    source: ClassSource::Inferred {
                        reason: "score -3: the text says \"Offre spéciale\" (an offer) (-3)".into(),
                    },
                },
            },
        ]
    }

    fn page(limits: PreviewLimits) -> String {
        let reports = sample_reports();
        let summary = Summary::of(&reports, files_checked());
        render(&PageInput {
            reports: &reports,
            files: &files(),
            partials: &HashSet::new(),
            summary: &summary,
            catalog: &catalog(),
            limits,
        })
    }

    /// The page without its stylesheet, one tag per line, so a change shows as a readable diff.
    #[test]
    fn page_snapshot() {
        let page = page(PreviewLimits::default());
        let start = page.find("<style>").unwrap();
        let end = page.find("</style>").unwrap();
        let body = format!("{}<style>…</style>{}", &page[..start], &page[end + "</style>".len()..]);
        let readable = body.replace("><", ">\n<");
        snapshot_settings().bind(|| insta::assert_snapshot!("report_html_page", readable));
    }

    #[test]
    fn counts_regulations_and_states() {
        let html = page(PreviewLimits::default());
        let reports = sample_reports();
        let summary = Summary::of(&reports, files_checked());
        for (key, n) in [
            ("files", summary.files),
            ("errors", summary.errors),
            ("warnings", summary.warnings),
            ("infos", summary.infos),
            ("messages", 1),
            ("suppressed", 1),
            ("baselined", 0),
        ] {
            assert!(html.contains(&format!("<dd data-count=\"{key}\">{n}</dd>")), "{key}");
        }
        // pii-in-url cites GDPR and Google's sender guidelines: one error under each.
        for slug in ["gdpr-pecr", "bulk-sender"] {
            let row = &html[html.find(&format!("data-regulation=\"{slug}\"")).unwrap()..];
            assert!(row.contains("<td class=\"n\" data-count=\"errors\">1</td>"), "{slug}");
        }
        assert!(html.contains("<p>An email address in one is personal data.</p>"));
        assert_eq!(html.matches("<iframe sandbox=\"\"").count(), 1);
        let none = page(PreviewLimits {
            max_previews: 0,
            max_bytes: 1 << 20,
        });
        assert!(!none.contains("<iframe"));
        assert!(none.contains("No preview: only the 0 templates with the most findings are previewed."));
    }
}
