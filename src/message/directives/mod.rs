//! Composition directives (includes, layouts, blocks, slots) found by a linear scan of a
//! file's text, each with its exact byte span. One scanner per template language; which
//! scanners run on a file comes from its extension and, for plain `.html`, from what it uses.

mod blade;
mod curly;
mod erb;
mod front_matter;
mod go;
mod handlebars;
mod language;
mod lex;
mod mjml;

pub use language::{Language, detect};
pub(crate) use lex::string_literal as lex_string;

use crate::source::Span;
use std::path::Path;

/// How the body of a wrapping directive reaches the template it names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Fill {
    /// The child's content goes where the layout has its slot (`{{ content }}`, `yield`, ...).
    Slot,
    /// The child's blocks replace the layout's same-named blocks; other child text is dropped,
    /// as Jinja and Blade drop it.
    Blocks,
}

/// Which construct a reference came from; resolution rules and substitution differ by it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Via {
    /// `{{> x}}`, `{% include %}`, `{% render %}`, `render 'x'`, `@include`.
    Partial,
    /// Jinja `{% import %}` / `{% from %}`: a macro library, whose text is inlined so the
    /// macros' bodies count as what the message may show.
    Import,
    /// Liquid `{% section %}`.
    Section,
    /// `<mj-include>` of MJML.
    Mjml,
    /// `<mj-include type="html">`: raw HTML.
    RawHtml,
    /// `<mj-include type="css">`: a reference, but no message text.
    Style,
    /// Go `{{template "x" .}}`: by defined name across the set of files.
    Template,
    /// Blade `@component` and `<x-...>` components.
    Component,
    /// `{% extends %}`, `{% layout %}`, `@extends`, front matter `layout:`, the Rails mailer
    /// layout.
    Layout,
    /// Twig `{% embed %}`.
    Embed,
    /// Handlebars `{{#> layout}}...{{/layout}}`.
    BlockPartial,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DirectiveKind {
    /// Replaced by the composed text of the first name that resolves. No names: the name is
    /// computed at render time, so it cannot be followed.
    Include {
        via: Via,
        names: Vec<String>,
        optional: bool,
    },
    /// The whole file is the content of a layout. `name: None` says "no layout"
    /// (`{% layout none %}`, `layout: null`).
    Layout { name: Option<String>, fill: Fill },
    /// `open body close`: the named template, with `body` as its slot content or block source.
    Wrap {
        via: Via,
        name: String,
        body: Span,
        fill: Fill,
        /// Renders nothing when the target does not exist (Twig `embed ... ignore missing`).
        optional: bool,
    },
    /// A named region a child may replace (`{% block %}`, `@section`, `{{#*inline}}`,
    /// `{{define}}`). `in_place`: whether the region renders where it stands when nothing
    /// replaces it (a Jinja block does; a Go define or a Handlebars inline partial does not).
    Block { name: String, body: Span, in_place: bool },
    /// Where a layout puts its child's content.
    Slot,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Directive {
    /// The directive's bytes; for wraps and blocks, from the opening tag to the end of the
    /// closing one.
    pub span: Span,
    pub language: Language,
    pub kind: DirectiveKind,
}

impl Directive {
    /// The target names a reference directive may resolve to, first choice first.
    pub fn names(&self) -> &[String] {
        match &self.kind {
            DirectiveKind::Include { names, .. } => names,
            DirectiveKind::Layout { name: Some(n), .. } | DirectiveKind::Wrap { name: n, .. } => {
                std::slice::from_ref(n)
            }
            _ => &[],
        }
    }

    pub fn via(&self) -> Option<Via> {
        match &self.kind {
            DirectiveKind::Include { via, .. } | DirectiveKind::Wrap { via, .. } => Some(*via),
            DirectiveKind::Layout { .. } => Some(Via::Layout),
            _ => None,
        }
    }

    /// Whether a missing target is allowed: the engine then renders nothing instead of failing
    /// (`ignore missing`, `@includeIf`).
    pub fn is_optional(&self) -> bool {
        matches!(
            self.kind,
            DirectiveKind::Include { optional: true, .. } | DirectiveKind::Wrap { optional: true, .. }
        )
    }

    /// Whether this directive names another template (as opposed to a block or a slot).
    pub fn is_reference(&self) -> bool {
        matches!(
            self.kind,
            DirectiveKind::Include { .. } | DirectiveKind::Layout { name: Some(_), .. } | DirectiveKind::Wrap { .. }
        )
    }
}

/// What a file says about composition.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Scan {
    /// Sorted by start; a directive either nests inside an earlier one's span or starts after
    /// its end, never straddles it.
    pub directives: Vec<Directive>,
    /// Where a layout without a slot takes its child's content: the last `</body` or
    /// `</mj-body` outside every directive, else the end of the text.
    pub fallback_slot: usize,
    /// The front matter block the text opens with: metadata, never part of the message (and
    /// what makes Jekyll render a file rather than copy it).
    pub front_matter: Option<Span>,
}

impl Scan {
    pub fn has_slot(&self) -> bool {
        self.directives.iter().any(|d| d.kind == DirectiveKind::Slot)
    }

    /// The first whole-file layout directive, if any.
    pub fn layout(&self) -> Option<(usize, &Directive)> {
        self.directives
            .iter()
            .enumerate()
            .find(|(_, d)| matches!(d.kind, DirectiveKind::Layout { .. }))
    }
}

/// Every composition directive of `text`, for a file at `path`.
pub fn scan(path: &Path, text: &str) -> Scan {
    let language = detect(path, text);
    scan_as(language, path, text)
}

/// As [`scan`], with the language already known.
pub fn scan_as(language: Language, path: &Path, text: &str) -> Scan {
    let mut found = Vec::new();
    let has_front_matter = front_matter::scan(text, &mut found);
    match language {
        Language::Handlebars => handlebars::scan(text, &mut found),
        Language::Jinja => curly::scan(text, curly::Flavor::Jinja, &mut found),
        Language::Liquid => curly::scan(text, curly::Flavor::Liquid, &mut found),
        Language::Erb => erb::scan(text, &mut found),
        Language::Go => go::scan(text, &mut found),
        Language::Blade => blade::scan(text, &mut found),
        Language::Mjml => {
            mjml::scan(text, &mut found);
            // MJML sources are often also Handlebars, Liquid or Jinja templates.
            let inner = language::sniff(path, text);
            if inner != Language::Plain && inner != Language::Mjml {
                return finish(scan_as(inner, path, text).directives, found, text, has_front_matter);
            }
        }
        Language::Plain => {}
    }
    finish(Vec::new(), found, text, has_front_matter)
}

fn finish(mut a: Vec<Directive>, b: Vec<Directive>, text: &str, front_matter: Option<Span>) -> Scan {
    a.extend(b);
    a.sort_by_key(|d| (d.span.start, std::cmp::Reverse(d.span.end)));
    let directives = drop_straddlers(a);
    let fallback_slot = fallback_slot(text, &directives);
    Scan {
        directives,
        fallback_slot,
        front_matter,
    }
}

/// Keeps the nesting invariant when two scanners disagree about structure: a directive that
/// starts inside another and ends outside it is dropped.
fn drop_straddlers(sorted: Vec<Directive>) -> Vec<Directive> {
    let mut out: Vec<Directive> = Vec::with_capacity(sorted.len());
    // Ends of the open directives enclosing the current position, innermost last.
    let mut open: Vec<usize> = Vec::new();
    for d in sorted {
        while open.last().is_some_and(|&end| end <= d.span.start) {
            open.pop();
        }
        if open.last().is_some_and(|&end| d.span.end > end) {
            continue;
        }
        if out.last().is_some_and(|p| p.span == d.span) {
            continue;
        }
        open.push(d.span.end);
        out.push(d);
    }
    out
}

fn fallback_slot(text: &str, directives: &[Directive]) -> usize {
    let lower_positions = |needle: &str| -> Option<usize> {
        let bytes = text.as_bytes();
        let finder = memchr::memmem::FinderRev::new(b"</");
        let mut end = bytes.len();
        while let Some(at) = finder.rfind(&bytes[..end]) {
            let rest = &bytes[at + 2..];
            if rest.len() >= needle.len() && rest[..needle.len()].eq_ignore_ascii_case(needle.as_bytes()) {
                return Some(at);
            }
            end = at;
        }
        None
    };
    let inside = |at: usize| directives.iter().any(|d| d.span.start <= at && at < d.span.end);
    for needle in ["body", "mj-body"] {
        if let Some(at) = lower_positions(needle)
            && !inside(at)
        {
            return at;
        }
    }
    text.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn straddling_directive_is_dropped_nested_one_kept() {
        let d = |s, e| Directive {
            span: Span::new(s, e),
            language: Language::Jinja,
            kind: DirectiveKind::Slot,
        };
        let kept = drop_straddlers(vec![d(0, 10), d(2, 4), d(5, 12), d(12, 14)]);
        let spans: Vec<_> = kept.iter().map(|d| (d.span.start, d.span.end)).collect();
        assert_eq!(spans, vec![(0, 10), (2, 4), (12, 14)]);
    }

    #[test]
    fn fallback_slot_is_before_the_last_body_close() {
        let s = scan(Path::new("a.html"), "<html><BODY>x</Body></html>");
        assert_eq!(s.fallback_slot, 13);
        assert_eq!(scan(Path::new("a.html"), "no body").fallback_slot, 7);
    }
}
