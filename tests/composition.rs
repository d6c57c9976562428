//! Composition of messages from entry templates, per template language: include,
//! layout/extends (with blocks where the language has them), nesting, a missing target and a
//! cycle, on small projects laid out the way real repositories lay out mail.

use inboxlint::message::compose::{Cap, Composed, FileId};
use inboxlint::message::graph::{IncludeGraph, Target};
use inboxlint::message::resolve::Roots;
use inboxlint::source::Span;
use std::path::{Path, PathBuf};
use tempfile::TempDir;

struct Project {
    dir: TempDir,
    graph: IncludeGraph,
}

fn project(files: &[(&str, &str)]) -> Project {
    let dir = tempfile::tempdir().unwrap();
    let mut paths = Vec::new();
    for (rel, text) in files {
        let p = dir.path().join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(&p, text).unwrap();
        // Mailer classes and site configs are read by convention, not linted as templates.
        if !rel.ends_with(".rb") && !rel.ends_with(".yml") {
            paths.push(p);
        }
    }
    let read = |p: &Path| std::fs::read_to_string(p).ok();
    let graph = IncludeGraph::build(&paths, Roots::new(dir.path()), &read);
    Project { dir, graph }
}

impl Project {
    fn path(&self, rel: &str) -> PathBuf {
        self.dir.path().join(rel)
    }

    fn compose(&self, rel: &str) -> Composed {
        let p = self.path(rel);
        let text = std::fs::read_to_string(&p).unwrap();
        self.graph.compose(&p, &text)
    }

    fn entries(&self) -> Vec<String> {
        self.graph
            .entries()
            .iter()
            .map(|p| {
                p.strip_prefix(self.dir.path())
                    .unwrap()
                    .to_string_lossy()
                    .replace('\\', "/")
            })
            .collect()
    }

    fn text(&self, rel: &str) -> String {
        std::fs::read_to_string(self.path(rel)).unwrap()
    }

    /// The span of `needle` in the file `rel`.
    fn span_of(&self, rel: &str, needle: &str) -> Span {
        let t = self.text(rel);
        let at = t.find(needle).unwrap_or_else(|| panic!("{needle:?} not in {rel}"));
        Span::new(at, at + needle.len())
    }
}

/// Span of `needle` in the composed text.
fn at(c: &Composed, needle: &str) -> Span {
    let s = c
        .text
        .find(needle)
        .unwrap_or_else(|| panic!("{needle:?} not in {:?}", c.text));
    Span::new(s, s + needle.len())
}

fn squash(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The footer text located in its own file, and attributed to `directive` in the entry.
fn assert_from(p: &Project, c: &Composed, needle: &str, file: &str, entry: &str, directive: &str) {
    let span = at(c, needle);
    let (id, in_file) = c.locate(span);
    assert_eq!(c.path(id), p.path(file), "{needle:?} comes from {file}");
    assert_eq!(in_file, p.span_of(file, needle));
    assert_eq!(
        c.to_entry(span),
        p.span_of(entry, directive),
        "{needle:?} was pulled in by {directive:?}"
    );
}

fn assert_no_problems(c: &Composed) {
    assert!(c.missing.is_empty(), "{:?}", c.missing);
    assert!(c.cycles.is_empty(), "{:?}", c.cycles);
    assert_eq!(c.cap, None);
}

fn assert_missing(p: &Project, c: &Composed, entry: &str, directive: &str, name: &str) {
    assert_eq!(c.missing.len(), 1, "{:?}", c.missing);
    let m = &c.missing[0];
    assert_eq!(m.name, name);
    assert_eq!(m.directive_span_in_entry, p.span_of(entry, directive));
    assert!(c.text.contains(directive), "an unresolved directive stays as written");
}

fn assert_cycle(p: &Project, c: &Composed, chain: &[&str]) {
    assert_eq!(c.cycles.len(), 1, "{:?}", c.cycles);
    let want: Vec<PathBuf> = chain.iter().map(|r| p.path(r)).collect();
    assert_eq!(c.cycles[0].chain, want);
}

// ---------------------------------------------------------------- Handlebars / Mustache

#[test]
fn handlebars_partial_with_the_footer_composes_into_the_entry() {
    let p = project(&[
        ("emails/sale.hbs", "<html><body><h1>Sale</h1>{{> footer}}</body></html>"),
        (
            "emails/partials/footer.hbs",
            "<p>1 Main St, Springfield</p><a href=\"{{unsubscribe_url}}\">Unsubscribe</a>",
        ),
    ]);
    assert_eq!(p.entries(), ["emails/sale.hbs"]);
    assert!(p.graph.is_partial(&p.path("emails/partials/footer.hbs")));
    let c = p.compose("emails/sale.hbs");
    assert_no_problems(&c);
    assert_eq!(
        c.text,
        "<html><body><h1>Sale</h1><p>1 Main St, Springfield</p><a href=\"{{unsubscribe_url}}\">Unsubscribe</a></body></html>"
    );
    assert_from(
        &p,
        &c,
        "{{unsubscribe_url}}",
        "emails/partials/footer.hbs",
        "emails/sale.hbs",
        "{{> footer}}",
    );
    assert_eq!(
        c.to_entry(at(&c, "<h1>Sale</h1>")),
        p.span_of("emails/sale.hbs", "<h1>Sale</h1>")
    );
    assert_eq!(
        c.files,
        vec![p.path("emails/sale.hbs"), p.path("emails/partials/footer.hbs")]
    );
}

#[test]
fn handlebars_block_partial_layout_with_inline_partials_nests() {
    let p = project(&[
        (
            "emails/welcome.hbs",
            "{{#> layouts/base title=\"Hi\"}}{{#*inline \"main\"}}<p>Welcome</p>{{/inline}}Body{{/layouts/base}}",
        ),
        (
            "emails/layouts/base.hbs",
            "<html><body>{{> main}}{{> @partial-block}}{{> footer}}</body></html>",
        ),
        ("emails/footer.hbs", "<div>{{> social}}unsubscribe</div>"),
        ("emails/social.mustache", "<a>twitter</a>"),
    ]);
    assert_eq!(p.entries(), ["emails/welcome.hbs"]);
    let c = p.compose("emails/welcome.hbs");
    assert_no_problems(&c);
    assert_eq!(
        c.text,
        "<html><body><p>Welcome</p>Body<div><a>twitter</a>unsubscribe</div></body></html>"
    );
    let wrap = "{{#> layouts/base title=\"Hi\"}}{{#*inline \"main\"}}<p>Welcome</p>{{/inline}}Body{{/layouts/base}}";
    assert_from(&p, &c, "twitter", "emails/social.mustache", "emails/welcome.hbs", wrap);
    // The entry's own bytes inside the layout map to themselves.
    assert_eq!(
        c.to_entry(at(&c, "<p>Welcome</p>")),
        p.span_of("emails/welcome.hbs", "<p>Welcome</p>")
    );
    assert_eq!(c.to_entry(at(&c, "Body")), p.span_of("emails/welcome.hbs", "Body"));
}

#[test]
fn handlebars_missing_partial_and_cycle() {
    let p = project(&[("a.hbs", "A {{> nowhere}} {{> b}}"), ("b.hbs", "B {{> a}}")]);
    let c = p.compose("a.hbs");
    assert_missing(&p, &c, "a.hbs", "{{> nowhere}}", "nowhere");
    assert!(
        c.missing[0].tried.contains(&p.path("partials/nowhere.hbs")),
        "{:?}",
        c.missing[0].tried
    );
    assert_cycle(&p, &c, &["a.hbs", "b.hbs", "a.hbs"]);
    assert_eq!(c.cycles[0].directive_span_in_entry, p.span_of("a.hbs", "{{> b}}"));
    assert_eq!(c.text, "A {{> nowhere}} B {{> a}}");
}

// ---------------------------------------------------------------- Jinja / Django / Nunjucks / Twig

#[test]
fn django_extends_with_blocks_across_app_template_dirs() {
    let p = project(&[
        (
            "shop/templates/emails/order.html",
            "{% extends \"emails/base.html\" %}{% block content %}<p>Order {{ order.number }}</p>{% include 'emails/_items.html' %}{% endblock %}ignored",
        ),
        (
            "core/templates/emails/base.html",
            "<html><body>{% block content %}default{% endblock %}{% block footer %}<p>1 Main St</p>{% include \"emails/footer.html\" %}{% endblock %}</body></html>",
        ),
        (
            "core/templates/emails/footer.html",
            "<a href=\"{{ unsubscribe }}\">Unsubscribe</a>",
        ),
        (
            "shop/templates/emails/_items.html",
            "<ul>{% for i in items %}<li>{{ i }}</li>{% endfor %}</ul>",
        ),
    ]);
    assert_eq!(p.entries(), ["shop/templates/emails/order.html"]);
    let c = p.compose("shop/templates/emails/order.html");
    assert_no_problems(&c);
    assert_eq!(
        c.text,
        "<html><body><p>Order {{ order.number }}</p><ul>{% for i in items %}<li>{{ i }}</li>{% endfor %}</ul><p>1 Main St</p><a href=\"{{ unsubscribe }}\">Unsubscribe</a></body></html>"
    );
    assert_from(
        &p,
        &c,
        "Unsubscribe</a>",
        "core/templates/emails/footer.html",
        "shop/templates/emails/order.html",
        "{% extends \"emails/base.html\" %}",
    );
    assert_from(
        &p,
        &c,
        "<ul>",
        "shop/templates/emails/_items.html",
        "shop/templates/emails/order.html",
        "{% include 'emails/_items.html' %}",
    );
}

#[test]
fn jinja_multi_level_extends_nested_blocks_import_and_embed() {
    let p = project(&[
        (
            "templates/base.j2",
            "<body>{% block body %}B{% block inner %}I{% endblock %}{% endblock %}{% block foot %}F{% endblock %}</body>",
        ),
        (
            "templates/mid.j2",
            "{%- extends 'base.j2' -%}{% block foot %}MidFoot {% import 'macros.j2' as m %}{% endblock %}",
        ),
        (
            "templates/leaf.j2",
            "{% extends \"mid.j2\" %}{% block inner %}LeafInner{% endblock %}",
        ),
        (
            "templates/macros.j2",
            "{% macro unsub() %}<a>unsubscribe</a>{% endmacro %}",
        ),
        ("templates/card.twig", "<div>{% block title %}T{% endblock %}</div>"),
        (
            "templates/promo.twig",
            "{% embed 'card.twig' %}{% block title %}Promo{% endblock %}{% endembed %}",
        ),
    ]);
    let c = p.compose("templates/leaf.j2");
    assert_no_problems(&c);
    assert_eq!(
        c.text,
        "<body>BLeafInnerMidFoot {% macro unsub() %}<a>unsubscribe</a>{% endmacro %}</body>"
    );
    assert_from(
        &p,
        &c,
        "unsubscribe",
        "templates/macros.j2",
        "templates/leaf.j2",
        "{% extends \"mid.j2\" %}",
    );
    let e = p.compose("templates/promo.twig");
    assert_eq!(e.text, "<div>Promo</div>");
    assert_eq!(p.entries(), ["templates/leaf.j2", "templates/promo.twig"]);
}

#[test]
fn jinja_missing_include_ignore_missing_and_cycle() {
    let p = project(&[
        (
            "templates/a.njk",
            "{% include 'gone.njk' %}{% include 'maybe.njk' ignore missing %}{% include ['x.njk', 'b.njk'] %}",
        ),
        ("templates/b.njk", "{% extends 'a.njk' %}"),
    ]);
    let c = p.compose("templates/a.njk");
    assert_missing(&p, &c, "templates/a.njk", "{% include 'gone.njk' %}", "gone.njk");
    assert_cycle(&p, &c, &["templates/a.njk", "templates/b.njk", "templates/a.njk"]);
}

#[test]
fn twig_ignore_missing_include_list_and_embed_are_not_missing() {
    let p = project(&[
        (
            "templates/emails/monthly.html.twig",
            "<body>{% include 'emails/_banner.html.twig' ignore missing %}\
             {% include ['emails/_promo.html.twig', 'emails/_footer.html.twig'] ignore missing %}\
             {% embed 'emails/_card.html.twig' ignore missing %}{% block c %}Card{% endblock %}{% endembed %}\
             {% include 'emails/_gone.html.twig' %}</body>",
        ),
        ("templates/emails/_footer.html.twig", "<p>1 Main St</p>"),
    ]);
    let c = p.compose("templates/emails/monthly.html.twig");
    assert_missing(
        &p,
        &c,
        "templates/emails/monthly.html.twig",
        "{% include 'emails/_gone.html.twig' %}",
        "emails/_gone.html.twig",
    );
    // Twig renders nothing for an absent optional include or embed, and the first template of a
    // list that exists.
    assert_eq!(
        c.text,
        "<body><p>1 Main St</p>{% include 'emails/_gone.html.twig' %}</body>"
    );
    let refs = p.graph.references(&p.path("templates/emails/monthly.html.twig"));
    let optional: Vec<(bool, bool)> = refs
        .iter()
        .map(|r| (r.optional, matches!(r.target, Target::Missing { .. })))
        .collect();
    assert_eq!(optional, [(true, true), (true, false), (true, true), (false, true)]);
}

// ---------------------------------------------------------------- Liquid (Shopify, Jekyll)

#[test]
fn shopify_layout_render_and_section_nest() {
    let p = project(&[
        (
            "theme/templates/order.liquid",
            "{% layout 'email' %}<p>Order {{ order.name }}</p>{% render 'line-items', order: order %}",
        ),
        (
            "theme/layout/email.liquid",
            "<html><body>{{ content_for_layout }}{% section 'legal' %}</body></html>",
        ),
        ("theme/sections/legal.liquid", "<p>{% render 'address' %}</p>"),
        ("theme/snippets/address.liquid", "1 Main St"),
        ("theme/snippets/line-items.liquid", "<table></table>"),
    ]);
    assert_eq!(p.entries(), ["theme/templates/order.liquid"]);
    let c = p.compose("theme/templates/order.liquid");
    assert_no_problems(&c);
    assert_eq!(
        c.text,
        "<html><body><p>Order {{ order.name }}</p><table></table><p>1 Main St</p></body></html>"
    );
    assert_from(
        &p,
        &c,
        "1 Main St",
        "theme/snippets/address.liquid",
        "theme/templates/order.liquid",
        "{% layout 'email' %}",
    );
}

#[test]
fn jekyll_front_matter_layout_and_includes() {
    let p = project(&[
        ("site/news.html", "---\nlayout: default\ntitle: News\n---\n<p>News</p>"),
        (
            "site/_layouts/default.html",
            "---\nlayout: outer\n---\n<main>{{ content }}</main>{% include footer.html %}",
        ),
        ("site/_layouts/outer.html", "<html><body>{{ content }}</body></html>"),
        ("site/_includes/footer.html", "<footer>unsubscribe</footer>"),
    ]);
    assert_eq!(p.entries(), ["site/news.html"]);
    let c = p.compose("site/news.html");
    assert_no_problems(&c);
    assert_eq!(
        squash(&c.text),
        "<html><body><main><p>News</p></main><footer>unsubscribe</footer></body></html>"
    );
    assert_from(
        &p,
        &c,
        "<footer>",
        "site/_includes/footer.html",
        "site/news.html",
        "---\nlayout: default\ntitle: News\n---\n",
    );
}

/// A Jekyll site whose `_config.yml` gives every newsletter its layout: the letters' front
/// matter names none, and the footer is in the layout's include.
fn jekyll_site_with_defaults() -> Vec<(&'static str, &'static str)> {
    vec![
        (
            "site/_config.yml",
            "title: Letters\ncollections:\n  newsletters:\n    output: true\ndefaults:\n  - scope: { type: newsletters }\n    values: { layout: email }\n  - scope: { path: _newsletters/raw }\n    values: { layout: null }\n",
        ),
        (
            "site/_newsletters/autumn.html",
            "---\ntitle: Autumn\n---\n<p>Autumn list</p>",
        ),
        ("site/_newsletters/raw/plain.html", "---\ntitle: Raw\n---\n<p>Raw</p>"),
        (
            "site/_newsletters/static.html",
            "<p>No front matter: copied, not rendered</p>",
        ),
        (
            "site/_layouts/email.html",
            "---\nlayout: base\n---\n<table><tr><td>{{ content }}</td></tr></table>",
        ),
        (
            "site/_layouts/base.html",
            "<html><body>{{ content }}{% include footer.html %}</body></html>",
        ),
        ("site/_includes/footer.html", "<footer>PO Box 1, Portland</footer>"),
    ]
}

#[test]
fn jekyll_config_defaults_give_a_newsletter_its_layout() {
    let p = project(&jekyll_site_with_defaults());
    let c = p.compose("site/_newsletters/autumn.html");
    assert_no_problems(&c);
    assert_eq!(
        squash(&c.text),
        "<html><body><table><tr><td><p>Autumn list</p></td></tr></table><footer>PO Box 1, Portland</footer></body></html>",
        "the front matter is metadata, not message text"
    );
    let (id, _) = c.locate(at(&c, "PO Box 1"));
    assert_eq!(c.path(id), p.path("site/_includes/footer.html"));
    let refs = p.graph.references(&p.path("site/_newsletters/autumn.html"));
    assert_eq!(refs.len(), 1, "{refs:?}");
    assert_eq!(refs[0].name, "email");
    assert_eq!(refs[0].target, Target::File(p.path("site/_layouts/email.html")));
    assert!(p.graph.is_partial(&p.path("site/_layouts/email.html")));
    // A more specific scope turns the layout off; a file without front matter is not rendered.
    for bare in ["site/_newsletters/raw/plain.html", "site/_newsletters/static.html"] {
        let c = p.compose(bare);
        assert!(c.is_single_file(), "{bare}: {:?}", c.files);
    }
}

#[test]
fn jekyll_config_above_the_project_root_is_not_read() {
    let p = project(&jekyll_site_with_defaults());
    let read = |path: &Path| std::fs::read_to_string(path).ok();
    let entry = p.path("site/_newsletters/autumn.html");
    let inner = IncludeGraph::build(
        std::slice::from_ref(&entry),
        Roots::new(p.path("site/_newsletters")),
        &read,
    );
    let text = p.text("site/_newsletters/autumn.html");
    assert!(inner.compose(&entry, &text).is_single_file());
    assert!(inner.references(&entry).is_empty());
}

#[test]
fn jekyll_default_layout_that_does_not_exist_is_missing_from_the_message() {
    let mut files = jekyll_site_with_defaults();
    files.retain(|(rel, _)| !rel.starts_with("site/_layouts/email"));
    let p = project(&files);
    let c = p.compose("site/_newsletters/autumn.html");
    assert_eq!(c.missing.len(), 1, "{:?}", c.missing);
    assert_eq!(c.missing[0].name, "email");
    assert!(c.is_single_file());
}

#[test]
fn liquid_missing_render_and_self_render() {
    let p = project(&[
        ("theme/templates/a.liquid", "{% render 'gone' %}{% render 'loop' %}"),
        ("theme/snippets/loop.liquid", "L{% render 'loop' %}"),
    ]);
    let c = p.compose("theme/templates/a.liquid");
    assert_missing(&p, &c, "theme/templates/a.liquid", "{% render 'gone' %}", "gone");
    assert_cycle(&p, &c, &["theme/snippets/loop.liquid", "theme/snippets/loop.liquid"]);
    assert_eq!(
        c.cycles[0].directive_span_in_entry,
        p.span_of("theme/templates/a.liquid", "{% render 'loop' %}")
    );
}

// ---------------------------------------------------------------- MJML

#[test]
fn mjml_includes_of_documents_html_and_css_nest() {
    let p = project(&[
        (
            "emails/sale.mjml",
            "<mjml><mj-body><mj-text>Sale</mj-text><mj-include path=\"./partials/footer.mjml\" /><mj-include path=\"./partials/style.css\" type=\"css\" /></mj-body></mjml>",
        ),
        (
            "emails/partials/footer.mjml",
            "<mjml><mj-body><mj-text>1 Main St</mj-text><mj-include path=\"social\" /></mj-body></mjml>",
        ),
        (
            "emails/partials/social.mjml",
            "<mj-social></mj-social><mj-include path=\"../raw/unsub.html\" type=\"html\" />",
        ),
        ("emails/raw/unsub.html", "<a href=\"{{unsubscribe}}\">Unsubscribe</a>"),
        ("emails/partials/style.css", ".a { color: red }"),
    ]);
    assert_eq!(p.entries(), ["emails/sale.mjml"]);
    let c = p.compose("emails/sale.mjml");
    assert_no_problems(&c);
    assert_eq!(
        c.text,
        "<mjml><mj-body><mj-text>Sale</mj-text><mj-text>1 Main St</mj-text><mj-social></mj-social><a href=\"{{unsubscribe}}\">Unsubscribe</a></mj-body></mjml>"
    );
    assert_from(
        &p,
        &c,
        "Unsubscribe",
        "emails/raw/unsub.html",
        "emails/sale.mjml",
        "<mj-include path=\"./partials/footer.mjml\" />",
    );
    assert!(p.graph.is_partial(&p.path("emails/raw/unsub.html")));
}

#[test]
fn mjml_missing_include_and_cycle() {
    let p = project(&[
        ("a.mjml", "<mj-include path=\"./none\" /><mj-include path=\"b.mjml\" />"),
        ("b.mjml", "<mj-include path=\"./a.mjml\" />"),
    ]);
    let c = p.compose("a.mjml");
    assert_missing(&p, &c, "a.mjml", "<mj-include path=\"./none\" />", "./none");
    assert!(
        c.missing[0].tried.contains(&p.path("none.mjml")),
        "MJML adds .mjml: {:?}",
        c.missing[0].tried
    );
    assert_cycle(&p, &c, &["a.mjml", "b.mjml", "a.mjml"]);
}

// ---------------------------------------------------------------- ERB / Rails

const RAILS: &[(&str, &str)] = &[
    (
        "app/views/user_mailer/welcome.html.erb",
        "<h1>Welcome</h1><%= render 'shared/footer' %>",
    ),
    (
        "app/views/user_mailer/welcome.text.erb",
        "Welcome\n<%= render 'shared/footer' %>",
    ),
    (
        "app/views/layouts/mailer.html.erb",
        "<html><body><%= yield %></body></html>",
    ),
    ("app/views/layouts/mailer.text.erb", "<%= yield %>\n--\n"),
    (
        "app/views/shared/_footer.html.erb",
        "<p>1 Main St</p><%= render partial: 'shared/unsubscribe' %>",
    ),
    (
        "app/views/shared/_footer.text.erb",
        "1 Main St <%= render 'shared/unsubscribe' %>",
    ),
    (
        "app/views/shared/_unsubscribe.html.erb",
        "<a href=\"<%= @unsubscribe_url %>\">Unsubscribe</a>",
    ),
    (
        "app/views/shared/_unsubscribe.text.erb",
        "Unsubscribe: <%= @unsubscribe_url %>",
    ),
    (
        "app/mailers/user_mailer.rb",
        "class UserMailer < ApplicationMailer\nend\n",
    ),
];

#[test]
fn rails_mailer_layout_and_partials_per_part() {
    let p = project(RAILS);
    assert_eq!(
        p.entries(),
        [
            "app/views/user_mailer/welcome.html.erb",
            "app/views/user_mailer/welcome.text.erb"
        ]
    );
    let html = p.compose("app/views/user_mailer/welcome.html.erb");
    assert_no_problems(&html);
    assert_eq!(
        html.text,
        "<html><body><h1>Welcome</h1><p>1 Main St</p><a href=\"<%= @unsubscribe_url %>\">Unsubscribe</a></body></html>"
    );
    assert_from(
        &p,
        &html,
        "Unsubscribe",
        "app/views/shared/_unsubscribe.html.erb",
        "app/views/user_mailer/welcome.html.erb",
        "<%= render 'shared/footer' %>",
    );
    // Layout bytes come from no directive of the entry: the convention stands at its start.
    assert_eq!(html.to_entry(at(&html, "<html>")), Span::empty(0));
    let text = p.compose("app/views/user_mailer/welcome.text.erb");
    assert_eq!(
        text.text,
        "Welcome\n1 Main St Unsubscribe: <%= @unsubscribe_url %>\n--\n"
    );
}

#[test]
fn rails_text_part_takes_the_text_layout_not_the_html_one() {
    let p = project(&[
        ("app/views/news_mailer/weekly.html.erb", "<h1>Weekly</h1>"),
        ("app/views/news_mailer/weekly.text.erb", "WEEKLY"),
        ("app/views/digest_mailer/daily.text.erb", "DAILY"),
        (
            "app/views/layouts/mailer.html.erb",
            "<html><body><%= yield %><p>1 Main St</p></body></html>",
        ),
        (
            "app/views/layouts/mailer.text.erb",
            "<%= yield %>\n--\n1 Main St\nUnsubscribe: <%= @unsubscribe_url %>\n",
        ),
        (
            "app/views/layouts/digest_mailer.html.erb",
            "<html><body><%= yield %></body></html>",
        ),
    ]);
    let text = p.compose("app/views/news_mailer/weekly.text.erb");
    assert_no_problems(&text);
    assert_eq!(
        text.text,
        "WEEKLY\n--\n1 Main St\nUnsubscribe: <%= @unsubscribe_url %>\n"
    );
    let (id, _) = text.locate(at(&text, "Unsubscribe"));
    assert_eq!(text.path(id), p.path("app/views/layouts/mailer.text.erb"));
    assert!(p.graph.is_partial(&p.path("app/views/layouts/mailer.text.erb")));
    // The mailer's own layout has no text format: the text part falls back to mailer.text.erb,
    // never to an HTML layout.
    let daily = p.compose("app/views/digest_mailer/daily.text.erb");
    assert_eq!(daily.files[1], p.path("app/views/layouts/mailer.text.erb"));
    assert!(!daily.text.contains("<html>"), "{}", daily.text);
}

#[test]
fn rails_missing_partial_and_cycle() {
    let p = project(&[
        (
            "app/views/user_mailer/a.html.erb",
            "<%= render 'shared/gone' %><%= render 'shared/loop' %>",
        ),
        ("app/views/shared/_loop.html.erb", "<%= render 'shared/loop' %>"),
    ]);
    let c = p.compose("app/views/user_mailer/a.html.erb");
    assert_missing(
        &p,
        &c,
        "app/views/user_mailer/a.html.erb",
        "<%= render 'shared/gone' %>",
        "shared/gone",
    );
    assert!(c.missing[0].tried.contains(&p.path("app/views/shared/_gone.html.erb")));
    assert_cycle(
        &p,
        &c,
        &["app/views/shared/_loop.html.erb", "app/views/shared/_loop.html.erb"],
    );
}

// ---------------------------------------------------------------- Go html/template

#[test]
fn go_templates_resolve_by_defined_name() {
    let p = project(&[
        (
            "templates/layout.gohtml",
            "{{define \"layout\"}}<html><body>{{block \"content\" .}}default{{end}}{{template \"footer\" .}}</body></html>{{end}}",
        ),
        (
            "templates/partials.gohtml",
            "{{define \"footer\"}}<p>{{template \"address\" .}}</p>{{end}}{{define \"address\"}}1 Main St{{end}}",
        ),
        (
            "templates/welcome.gohtml",
            "{{define \"content\"}}<h1>Welcome {{.Name}}</h1>{{end}}{{template \"layout\" .}}",
        ),
        (
            "templates/notice.tmpl",
            "{{define \"content\"}}Notice{{end}}{{template \"layout\" .}}",
        ),
    ]);
    assert_eq!(p.entries(), ["templates/notice.tmpl", "templates/welcome.gohtml"]);
    let c = p.compose("templates/welcome.gohtml");
    assert_no_problems(&c);
    assert_eq!(
        c.text,
        "<html><body><h1>Welcome {{.Name}}</h1><p>1 Main St</p></body></html>"
    );
    assert_from(
        &p,
        &c,
        "1 Main St",
        "templates/partials.gohtml",
        "templates/welcome.gohtml",
        "{{template \"layout\" .}}",
    );
    assert_eq!(
        p.compose("templates/notice.tmpl").text,
        "<html><body>Notice<p>1 Main St</p></body></html>"
    );
}

#[test]
fn go_missing_template_and_recursive_define() {
    let p = project(&[(
        "t/a.gohtml",
        "{{define \"x\"}}X{{template \"x\" .}}{{end}}{{template \"gone\" .}}{{template \"x\" .}}",
    )]);
    let c = p.compose("t/a.gohtml");
    assert_missing(&p, &c, "t/a.gohtml", "{{template \"gone\" .}}", "gone");
    assert_eq!(c.cycles.len(), 1, "{:?}", c.cycles);
    assert!(c.text.ends_with("X{{template \"x\" .}}"), "{}", c.text);
}

// ---------------------------------------------------------------- Blade

#[test]
fn blade_extends_sections_includes_and_components() {
    let p = project(&[
        (
            "resources/views/emails/welcome.blade.php",
            "@extends('layouts.mail')\n@section('content')\n<h1>Hi</h1>@include('emails.partials.footer')\n@endsection",
        ),
        (
            "resources/views/layouts/mail.blade.php",
            "<html><body>@yield('content')<x-legal /></body></html>",
        ),
        ("resources/views/emails/partials/footer.blade.php", "<p>1 Main St</p>"),
        (
            "resources/views/components/legal.blade.php",
            "<a href=\"{{ $unsubscribe }}\">Unsubscribe</a>",
        ),
        (
            "resources/views/emails/markdown.blade.php",
            "<x-mail::message>\n# Order shipped\n@component('mail::button', ['url' => $url])\nTrack\n@endcomponent\n</x-mail::message>",
        ),
    ]);
    assert_eq!(
        p.entries(),
        [
            "resources/views/emails/markdown.blade.php",
            "resources/views/emails/welcome.blade.php"
        ]
    );
    let c = p.compose("resources/views/emails/welcome.blade.php");
    assert_no_problems(&c);
    assert_eq!(
        squash(&c.text),
        "<html><body> <h1>Hi</h1><p>1 Main St</p> <a href=\"{{ $unsubscribe }}\">Unsubscribe</a></body></html>"
    );
    assert_from(
        &p,
        &c,
        "Unsubscribe",
        "resources/views/components/legal.blade.php",
        "resources/views/emails/welcome.blade.php",
        "@extends('layouts.mail')",
    );
    assert_from(
        &p,
        &c,
        "1 Main St",
        "resources/views/emails/partials/footer.blade.php",
        "resources/views/emails/welcome.blade.php",
        "@include('emails.partials.footer')",
    );
    // Laravel's own mail components live in vendor/: external, not missing.
    let m = p.compose("resources/views/emails/markdown.blade.php");
    assert!(m.missing.is_empty());
    assert_eq!(
        m.external.iter().map(|e| e.name.as_str()).collect::<Vec<_>>(),
        ["mail::message", "mail::button"]
    );
    assert!(m.text.contains("# Order shipped"));
}

#[test]
fn blade_published_mail_component_and_slot() {
    let p = project(&[
        (
            "resources/views/emails/w.blade.php",
            "<x-mail::message>Hello</x-mail::message>",
        ),
        (
            "resources/views/vendor/mail/html/message.blade.php",
            "<table>{{ $slot }}<p>1 Main St</p></table>",
        ),
    ]);
    let c = p.compose("resources/views/emails/w.blade.php");
    assert_no_problems(&c);
    assert_eq!(c.text, "<table>Hello<p>1 Main St</p></table>");
    assert_eq!(p.entries(), ["resources/views/emails/w.blade.php"]);
}

#[test]
fn blade_missing_include_and_cycle() {
    let p = project(&[
        (
            "resources/views/emails/a.blade.php",
            "@include('emails.gone')@include('emails.b')",
        ),
        ("resources/views/emails/b.blade.php", "@include('emails.a')"),
    ]);
    let c = p.compose("resources/views/emails/a.blade.php");
    assert_missing(
        &p,
        &c,
        "resources/views/emails/a.blade.php",
        "@include('emails.gone')",
        "emails.gone",
    );
    assert_cycle(
        &p,
        &c,
        &[
            "resources/views/emails/a.blade.php",
            "resources/views/emails/b.blade.php",
            "resources/views/emails/a.blade.php",
        ],
    );
}

// ---------------------------------------------------------------- Front matter (Eleventy, Maizzle)

#[test]
fn eleventy_and_maizzle_front_matter_layouts() {
    let p = project(&[
        ("src/emails/promo.html", "---\nlayout: base.njk\n---\n<p>Promo</p>"),
        (
            "src/_includes/base.njk",
            "<html><body>{{ content | safe }}{% include 'footer.njk' %}</body></html>",
        ),
        ("src/_includes/footer.njk", "<p>1 Main St</p>"),
        ("maizzle/src/templates/news.html", "---\nlayout: main\n---\n<p>News</p>"),
        (
            "maizzle/src/layouts/main.html",
            "<html><body><div>frame</div></body></html>",
        ),
    ]);
    let c = p.compose("src/emails/promo.html");
    assert_no_problems(&c);
    assert_eq!(c.text, "<html><body><p>Promo</p><p>1 Main St</p></body></html>");
    // A layout without a slot takes the child's content before </body>.
    let m = p.compose("maizzle/src/templates/news.html");
    assert_no_problems(&m);
    assert_eq!(m.text, "<html><body><div>frame</div><p>News</p></body></html>");
}

#[test]
fn front_matter_missing_layout_and_cycle() {
    let p = project(&[
        ("site/a.html", "---\nlayout: gone\n---\nA"),
        ("site/_layouts/x.html", "---\nlayout: y\n---\nX{{ content }}"),
        ("site/_layouts/y.html", "---\nlayout: x\n---\nY{{ content }}"),
        ("site/b.html", "---\nlayout: x\n---\nB"),
    ]);
    let a = p.compose("site/a.html");
    assert_eq!(a.missing.len(), 1);
    assert_eq!(a.missing[0].name, "gone");
    assert_eq!(a.text, "A", "without its layout the page is its own text");
    let b = p.compose("site/b.html");
    assert_cycle(
        &p,
        &b,
        &["site/_layouts/x.html", "site/_layouts/y.html", "site/_layouts/x.html"],
    );
}

// ---------------------------------------------------------------- limits

#[test]
fn a_thousand_deep_chain_stops_at_the_depth_cap() {
    let mut files: Vec<(String, String)> = (0..1000)
        .map(|i| (format!("p{i}.hbs"), format!("<{i}>{{{{> p{}}}}}", i + 1)))
        .collect();
    files.push(("p1000.hbs".into(), "end".into()));
    let refs: Vec<(&str, &str)> = files.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect();
    let p = project(&refs);
    assert_eq!(p.entries(), ["p0.hbs"]);
    let c = p.compose("p0.hbs");
    let hit = c.cap.clone().expect("the chain is deeper than the cap");
    assert_eq!(hit.cap, Cap::Depth);
    assert_eq!(hit.directive_span_in_entry, p.span_of("p0.hbs", "{{> p1}}"));
    assert!(c.text.starts_with("<0><1><2>"));
    assert!(c.text.contains("<63>") && !c.text.contains("<64>"), "{}", c.text);
    assert_eq!(c.files.len(), 64);
    assert_eq!(p.graph.includers_of(&p.path("p1000.hbs")).len(), 1000);
}

#[test]
fn a_self_include_is_a_cycle() {
    let p = project(&[("me.hbs", "x{{> me}}y")]);
    let c = p.compose("me.hbs");
    assert_eq!(c.text, "x{{> me}}y");
    assert_cycle(&p, &c, &["me.hbs", "me.hbs"]);
    assert_eq!(
        p.graph.references(&p.path("me.hbs"))[0].target,
        Target::File(p.path("me.hbs"))
    );
}

#[test]
fn doubling_includes_stop_at_the_step_cap() {
    // Each level includes the next twice: 2^40 expansions unless the work is capped.
    let mut files: Vec<(String, String)> = (0..40)
        .map(|i| (format!("d{i}.hbs"), format!("{{{{> d{}}}}}{{{{> d{}}}}}", i + 1, i + 1)))
        .collect();
    files.push(("d40.hbs".into(), String::new()));
    let refs: Vec<(&str, &str)> = files.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect();
    let p = project(&refs);
    let c = p.compose("d0.hbs");
    assert_eq!(c.cap.map(|h| h.cap), Some(Cap::Steps));
}

#[test]
fn unsaved_entry_text_is_composed_as_given() {
    let mut p = project(&[("a.hbs", "old"), ("f.hbs", "F")]);
    let read = |p: &Path| std::fs::read_to_string(p).ok();
    // The editor's flow: the buffer updates the graph, which then holds what it includes.
    p.graph.update(&p.path("a.hbs"), "new {{> f}}", &read);
    let c = p.graph.compose(&p.path("a.hbs"), "new {{> f}}");
    assert_eq!(c.text, "new F");
    assert_eq!(c.locate(at(&c, "F")).0, FileId(1));
}
