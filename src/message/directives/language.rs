//! Which template language a file speaks: by extension, and by what it uses when the extension
//! says nothing (`.html`, `.tmpl`, `.txt`).

use memchr::memmem;
use std::path::Path;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Language {
    /// Handlebars and Mustache.
    Handlebars,
    /// Jinja, Nunjucks, Twig and Django templates.
    Jinja,
    /// Liquid (Shopify, Jekyll, Eleventy's default for `.html`).
    Liquid,
    Mjml,
    /// ERB in Rails.
    Erb,
    /// Go `html/template` and `text/template`.
    Go,
    /// Laravel Blade.
    Blade,
    /// No composition syntax recognised.
    Plain,
}

impl Language {
    pub fn as_str(self) -> &'static str {
        match self {
            Language::Handlebars => "handlebars",
            Language::Jinja => "jinja",
            Language::Liquid => "liquid",
            Language::Mjml => "mjml",
            Language::Erb => "erb",
            Language::Go => "go",
            Language::Blade => "blade",
            Language::Plain => "plain",
        }
    }
}

/// The language of `text` at `path`.
pub fn detect(path: &Path, text: &str) -> Language {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    if name.ends_with(".blade.php") {
        return Language::Blade;
    }
    match name.rsplit_once('.').map(|(_, e)| e).unwrap_or("") {
        "hbs" | "handlebars" | "mustache" => Language::Handlebars,
        "j2" | "jinja" | "jinja2" | "njk" | "twig" => Language::Jinja,
        "liquid" => Language::Liquid,
        "mjml" => Language::Mjml,
        "erb" => Language::Erb,
        "gohtml" => Language::Go,
        _ => sniff(path, text),
    }
}

const GO_HINTS: &[&str] = &[
    "{{define ",
    "{{- define ",
    "{{ define ",
    "{{template ",
    "{{ template ",
    "{{- template ",
    "{{block ",
    "{{ block ",
    "{{- block ",
    "{{end}}",
    "{{ end }}",
    "{{- end",
];
const HANDLEBARS_HINTS: &[&str] = &["{{>", "{{#", "{{/", "{{{", "{{~", "{{!"];
const LIQUID_HINTS: &[&str] = &[
    "{% render",
    "{%- render",
    "{% layout",
    "{%- layout",
    "{% section",
    "{%- section",
    "content_for_layout",
    "{% schema",
    "{% include_relative",
    "{%- liquid",
    "{% liquid",
];
const LIQUID_DIRS: &[&str] = &["_includes", "_layouts", "snippets", "sections", "layout"];

fn has_any(text: &str, needles: &[&str]) -> bool {
    needles
        .iter()
        .any(|n| memmem::find(text.as_bytes(), n.as_bytes()).is_some())
}

/// The language of a file whose extension does not say, from the syntax it uses.
pub(super) fn sniff(path: &Path, text: &str) -> Language {
    let has = |n: &str| memmem::find(text.as_bytes(), n.as_bytes()).is_some();
    if has("{{") && has_any(text, GO_HINTS) {
        return Language::Go;
    }
    let front_matter = text.trim_start_matches('\u{feff}').starts_with("---");
    let liquid_dir = path
        .components()
        .any(|c| LIQUID_DIRS.iter().any(|d| c.as_os_str() == *d));
    if has("{%") {
        if has_any(text, LIQUID_HINTS) || liquid_dir || front_matter {
            return Language::Liquid;
        }
        return Language::Jinja;
    }
    if has_any(text, HANDLEBARS_HINTS) {
        return Language::Handlebars;
    }
    if has("{{") && (front_matter || liquid_dir) {
        // Jekyll and Eleventy layouts often use nothing but `{{ content }}`.
        return Language::Liquid;
    }
    if has("{{") {
        return Language::Jinja;
    }
    Language::Plain
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(path: &str, text: &str) -> Language {
        detect(Path::new(path), text)
    }

    #[test]
    fn extension_decides_when_it_can() {
        assert_eq!(d("a.hbs", ""), Language::Handlebars);
        assert_eq!(d("a.text.erb", ""), Language::Erb);
        assert_eq!(d("welcome.blade.php", ""), Language::Blade);
        assert_eq!(d("x.php", ""), Language::Plain);
        assert_eq!(d("a.njk", ""), Language::Jinja);
        assert_eq!(d("a.gohtml", ""), Language::Go);
    }

    #[test]
    fn html_is_sniffed() {
        assert_eq!(d("a.html", "{% extends 'base.html' %}"), Language::Jinja);
        assert_eq!(d("a.html", "{% render 'footer' %}"), Language::Liquid);
        assert_eq!(d("_layouts/default.html", "<b>{{ content }}</b>"), Language::Liquid);
        assert_eq!(d("a.html", "{{> footer}}"), Language::Handlebars);
        assert_eq!(d("a.tmpl", "{{define \"x\"}}{{end}}"), Language::Go);
        assert_eq!(d("a.html", "<p>plain</p>"), Language::Plain);
    }
}
