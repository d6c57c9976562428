//! `--format sarif`: SARIF 2.1.0 for GitHub code scanning and other SARIF consumers.
//!
//! Every rule is described in `tool.driver.rules[]` (sorted by id, so `ruleIndex` is stable);
//! results carry a region in Unicode code-point columns plus byte offsets, a
//! `partialFingerprints` entry that survives moved lines, and `suppressions` with the reason
//! for findings silenced inline (`inSource`) or by the baseline (`external`).

use super::fingerprint;
use super::meta::{RuleCatalog, RuleMeta};
use super::{Diagnostic, FileReport, Severity};
use crate::source::{LineCol, SourceText, Span};
use serde::Serialize;
use serde::ser::{SerializeSeq, Serializer};
use serde_json::{Value, json};
use std::collections::HashMap;

pub const SCHEMA_URI: &str = "https://json.schemastore.org/sarif-2.1.0.json";
const INFORMATION_URI: &str = "https://github.com/inboxlint/inboxlint";
/// The `partialFingerprints` key; bump the version if the fingerprint recipe ever changes.
pub const FINGERPRINT_KEY: &str = "inboxlint/v1";

fn level(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

fn is_web_url(s: &str) -> bool {
    s.starts_with("https://") || s.starts_with("http://")
}

fn rule_descriptor(meta: &RuleMeta) -> Value {
    let mut tags = vec![meta.id.split('/').next().unwrap_or(&meta.id).to_string()];
    tags.extend(meta.refs.iter().filter(|r| !is_web_url(r)).cloned());
    let full = if meta.help.is_empty() {
        meta.title.clone()
    } else {
        format!("{}. {}", meta.title.trim_end_matches('.'), meta.help)
    };
    let mut markdown = format!("**{}**\n\n{}", meta.title, meta.help);
    if !meta.refs.is_empty() {
        markdown.push_str("\n\nReferences:\n");
        for r in &meta.refs {
            if is_web_url(r) {
                markdown.push_str(&format!("\n- <{r}>"));
            } else {
                markdown.push_str(&format!("\n- {r}"));
            }
        }
    }
    let mut d = json!({
        "id": meta.id,
        "name": meta.id,
        "shortDescription": { "text": meta.title },
        "fullDescription": { "text": full },
        "help": { "text": if meta.help.is_empty() { meta.title.clone() } else { meta.help.clone() }, "markdown": markdown },
        "defaultConfiguration": { "level": level(meta.default_severity) },
        "properties": { "tags": tags },
    });
    if let Some(url) = meta.docs_url.as_deref().filter(|u| is_web_url(u)) {
        d["helpUri"] = json!(url);
    }
    d
}

/// A relative URI reference for a report path: `/` separators, `.` and `x/..` steps resolved,
/// and everything outside RFC 3986's unreserved and sub-delimiter sets percent-encoded.
/// Absolute paths become `file://` URIs.
pub fn path_uri(path: &str) -> String {
    let unified = path.replace('\\', "/");
    let absolute = unified.starts_with('/');
    let mut parts: Vec<&str> = Vec::new();
    for part in unified.split('/') {
        match part {
            "" | "." => {}
            ".." if parts.last().is_some_and(|p| *p != "..") => {
                parts.pop();
            }
            p => parts.push(p),
        }
    }
    let encoded: Vec<String> = parts.iter().map(|p| encode_segment(p)).collect();
    let joined = encoded.join("/");
    if absolute { format!("file:///{joined}") } else { joined }
}

fn encode_segment(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        let keep = b.is_ascii_alphanumeric() || b"-._~!$&'()*+,;=@".contains(&b);
        if keep {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

fn fingerprints_object(fp: String) -> Value {
    let mut map = serde_json::Map::new();
    map.insert(FINGERPRINT_KEY.to_string(), Value::String(fp));
    Value::Object(map)
}

fn region(source: &SourceText, span: Span) -> Value {
    region_at(source.line_col(span.start), source.line_col(span.end), span)
}

fn region_at(start: LineCol, end: LineCol, span: Span) -> Value {
    json!({
        "startLine": start.line,
        "startColumn": start.column,
        "endLine": end.line,
        "endColumn": end.column,
        "byteOffset": span.start,
        "byteLength": span.len(),
    })
}

/// One result object. Built and serialized one at a time by [`Results`].
fn result(report: &FileReport, d: &Diagnostic, fingerprint: String, uri: &str, index: &HashMap<&str, usize>) -> Value {
    let mut text = d.message.clone();
    if let Some(help) = &d.help {
        text = format!("{text}\n{help}");
    }
    let mut result = json!({
        "ruleId": d.rule,
        "ruleIndex": index.get(d.rule.as_str()).copied().unwrap_or_default(),
        "level": level(d.severity),
        "message": { "text": text },
        "locations": [{
            "physicalLocation": {
                "artifactLocation": { "uri": uri },
                "region": region(&report.source, d.span),
            }
        }],
        "partialFingerprints": fingerprints_object(fingerprint),
    });
    if !d.labels.is_empty() {
        result["relatedLocations"] = d
            .labels
            .iter()
            .enumerate()
            .map(|(i, l)| {
                let (uri, region) = match &l.file {
                    None => (uri.to_string(), region(&report.source, l.span)),
                    Some(f) => (path_uri(&f.path), region_at(f.start, f.end, l.span)),
                };
                json!({
                    "id": i,
                    "message": { "text": l.message },
                    "physicalLocation": {
                        "artifactLocation": { "uri": uri },
                        "region": region,
                    }
                })
            })
            .collect();
    }
    if let Some(fix) = &d.fix {
        result["fixes"] = json!([{
            "description": { "text": fix.description },
            // SARIF has no applicability of its own: a property bag carries inboxlint's.
            "properties": { "applicability": fix.applicability.as_str() },
            "artifactChanges": [{
                "artifactLocation": { "uri": uri },
                "replacements": [{
                    "deletedRegion": { "byteOffset": fix.span.start, "byteLength": fix.span.len() },
                    "insertedContent": { "text": fix.replacement },
                }]
            }]
        }]);
    }
    if let Some(s) = &d.suppressed {
        let kind = if s.kind == "inline" { "inSource" } else { "external" };
        let mut suppression = json!({ "kind": kind, "status": "accepted" });
        if let Some(reason) = &s.reason {
            suppression["justification"] = json!(reason);
        }
        result["suppressions"] = json!([suppression]);
    }
    result
}

/// `runs[0].results`, serialized as they are built: as one `Value` tree, the results of 6,000
/// findings took about 100 MB, more than the rest of a run over 100 MB of templates.
struct Results<'a> {
    reports: &'a [FileReport],
    index: HashMap<&'a str, usize>,
}

impl Serialize for Results<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let len = self.reports.iter().map(|r| r.diagnostics.len()).sum();
        let mut seq = serializer.serialize_seq(Some(len))?;
        for report in self.reports {
            let uri = path_uri(&report.path);
            let fingerprints = fingerprint::of_report(report);
            for (d, fp) in report.diagnostics.iter().zip(fingerprints) {
                seq.serialize_element(&result(report, d, fp, &uri, &self.index))?;
            }
        }
        seq.end()
    }
}

// The document around the results. serde_json's `Value` objects sort their members, so these
// structs list theirs alphabetically: the bytes stay those of the document built as one `Value`.

#[derive(Serialize)]
struct Log<'a> {
    #[serde(rename = "$schema")]
    schema: &'static str,
    runs: [Run<'a>; 1],
    version: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Run<'a> {
    column_kind: &'static str,
    results: Results<'a>,
    tool: Value,
}

pub fn render(reports: &[FileReport], catalog: &RuleCatalog, version: &str) -> String {
    let rules = catalog.complete_for(reports);
    let index: HashMap<&str, usize> = rules.iter().enumerate().map(|(i, r)| (r.id.as_str(), i)).collect();
    let tool = json!({
        "driver": {
            "name": "inboxlint",
            "version": version,
            "semanticVersion": version,
            "informationUri": INFORMATION_URI,
            "rules": rules.iter().map(rule_descriptor).collect::<Vec<_>>(),
        }
    });
    let log = Log {
        schema: SCHEMA_URI,
        runs: [Run {
            column_kind: "unicodeCodePoints",
            results: Results { reports, index },
            tool,
        }],
        version: "2.1.0",
    };
    let mut out = serde_json::to_string_pretty(&log).unwrap_or_default();
    out.push('\n');
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::tests::{sample_reports, snapshot_settings};

    pub(crate) fn sample_catalog() -> RuleCatalog {
        [RuleMeta {
            id: "privacy/pii-in-url".into(),
            title: "Personal data in a link or image URL".into(),
            help: "Identify the recipient with an opaque id instead.".into(),
            docs: None,
            docs_url: Some("https://inboxlint.dev/rules/privacy/pii-in-url".into()),
            default_severity: Severity::Error,
            refs: vec![
                "GDPR Art. 5(1)(c)".into(),
                "https://support.google.com/analytics/answer/6366371".into(),
            ],
        }]
        .into_iter()
        .collect()
    }

    #[test]
    fn sarif_basic() {
        let out = render(&sample_reports(), &sample_catalog(), "0.0.0-test");
        snapshot_settings().bind(|| insta::assert_snapshot!("report_sarif_basic", out));
    }

    #[test]
    fn rule_index_points_at_the_rule() {
        let out = render(&sample_reports(), &sample_catalog(), "0");
        let v: Value = serde_json::from_str(&out).unwrap();
        let run = &v["runs"][0];
        let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
        let results = run["results"].as_array().unwrap();
        assert_eq!(
            results.len(),
            5,
            "suppressed findings are listed, with their suppression"
        );
        for r in results {
            let i = r["ruleIndex"].as_u64().unwrap() as usize;
            assert_eq!(rules[i]["id"], r["ruleId"]);
        }
        let suppressed: Vec<_> = results.iter().filter(|r| r.get("suppressions").is_some()).collect();
        assert_eq!(suppressed.len(), 1);
        assert_eq!(suppressed[0]["suppressions"][0]["kind"], "inSource");
        assert_eq!(
            suppressed[0]["suppressions"][0]["justification"],
            "legacy CDN, tracked in #12"
        );
    }

    #[test]
    fn uris_are_relative_and_encoded() {
        assert_eq!(path_uri("./emails/a b/ü#1.html"), "emails/a%20b/%C3%BC%231.html");
        assert_eq!(path_uri("emails/../x.html"), "x.html");
        assert_eq!(
            path_uri("C:\\work\\x.html"),
            "C%3A/work/x.html",
            "no scheme-like first segment"
        );
        assert_eq!(path_uri("/srv/x.html"), "file:///srv/x.html");
    }
}
