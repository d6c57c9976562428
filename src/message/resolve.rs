//! Where a directive's name may point, per template language, as an ordered list of candidate
//! paths (first existing wins) plus the keys of the project-wide indexes used when the
//! language's loader root is not known (Django apps each have a `templates/` directory,
//! Handlebars partials are registered by file stem, ...).

use super::directives::{Directive, Language, Via};
use super::path::{ancestors, normalize};
use globset::{Glob, GlobSet, GlobSetBuilder};
use std::path::{Path, PathBuf};

/// How far above a file outside the project root candidates are looked for.
const OUTSIDE_ROOT_LEVELS: usize = 4;

/// Where templates live, from the project layout and config (`template-roots`, `partials`).
#[derive(Debug, Clone)]
pub struct Roots {
    pub project_root: PathBuf,
    /// Loader roots (a Jinja `FileSystemLoader` path, a Handlebars partials directory, ...);
    /// relative ones are relative to `project_root`.
    pub template_roots: Vec<PathBuf>,
    /// Files that are partials whatever includes them, matched against the path relative to
    /// `project_root`.
    pub partials: GlobSet,
}

impl Roots {
    pub fn new(project_root: impl Into<PathBuf>) -> Roots {
        Roots {
            project_root: normalize(&project_root.into()),
            template_roots: Vec::new(),
            partials: GlobSet::empty(),
        }
    }

    pub fn with_template_roots(mut self, roots: impl IntoIterator<Item = PathBuf>) -> Roots {
        self.template_roots = roots
            .into_iter()
            .map(|r| normalize(&self.project_root.join(r)))
            .collect();
        self
    }

    /// Partial globs as config writes them: a bare name (`_*.hbs`, `partials/`) matches at any
    /// depth, like .gitignore.
    pub fn with_partials(mut self, globs: &[String]) -> Result<Roots, globset::Error> {
        let mut b = GlobSetBuilder::new();
        for g in globs {
            let t = g.trim_end_matches('/').trim_start_matches("./");
            let p = if t.contains('/') {
                t.to_string()
            } else {
                format!("**/{t}")
            };
            b.add(Glob::new(&p)?);
            if g.ends_with('/') || !t.contains('*') {
                b.add(Glob::new(&format!("{p}/**"))?);
            }
        }
        self.partials = b.build()?;
        Ok(self)
    }

    pub fn matches_partials(&self, path: &Path) -> bool {
        !self.partials.is_empty()
            && self
                .partials
                .is_match(path.strip_prefix(&self.project_root).unwrap_or(path))
    }

    /// Whether reading `path` from disk stays inside the project (or a configured root): a
    /// directive must not make the linter read `/etc/passwd`.
    pub fn confines(&self, path: &Path) -> bool {
        path.starts_with(&self.project_root) || self.template_roots.iter().any(|r| path.starts_with(r))
    }

    /// The file's directory and those above it up to the project root, then the loader roots.
    fn bases(&self, from: &Path) -> Vec<PathBuf> {
        let mut out = ancestors(from, &self.project_root, OUTSIDE_ROOT_LEVELS);
        for r in &self.template_roots {
            if !out.contains(r) {
                out.push(r.clone());
            }
        }
        out
    }
}

/// Where a name may resolve, best first.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Candidates {
    /// Exact paths; the first that exists wins.
    pub paths: Vec<PathBuf>,
    /// Loader-relative names, matched against the end of every known path when no exact path
    /// exists (the nearest match to the including file wins).
    pub suffixes: Vec<String>,
    /// A Handlebars partial registered by its file stem (`footer` for `_footer.hbs`).
    pub stem: Option<String>,
    /// When nothing matches, the target lives outside the project (Laravel's `mail::`
    /// components in vendor/), which is not an error.
    pub external_if_missing: bool,
}

impl Candidates {
    fn push_all(&mut self, bases: &[PathBuf], rels: &[String]) {
        for b in bases {
            for r in rels {
                let p = normalize(&b.join(r));
                if !self.paths.contains(&p) {
                    self.paths.push(p);
                }
            }
        }
    }
}

/// Candidates for `name`, named by directive `d` in the file at `from`.
pub fn candidates(d: &Directive, name: &str, from: &Path, roots: &Roots) -> Candidates {
    let via = d.via().unwrap_or(Via::Partial);
    match (d.language, via) {
        (Language::Plain, Via::Layout) => front_matter(name, from, roots),
        (Language::Handlebars, _) => handlebars(name, from, roots),
        (Language::Jinja, _) => jinja(name, from, roots),
        (Language::Liquid, _) => liquid(via, name, from, roots),
        (Language::Mjml, _) => mjml(via, name, from, roots),
        (Language::Erb, _) => erb(name, from, roots),
        (Language::Blade, _) => blade(via, name, from, roots),
        (Language::Go, _) => Candidates {
            suffixes: vec![name.to_string()],
            ..Candidates::default()
        },
        (Language::Plain, _) => relative(name, from),
    }
}

fn relative(name: &str, from: &Path) -> Candidates {
    let dir = from.parent().unwrap_or(Path::new(""));
    Candidates {
        paths: vec![normalize(&dir.join(name))],
        ..Candidates::default()
    }
}

fn has_extension(name: &str) -> bool {
    name.rsplit('/').next().is_some_and(|base| base.contains('.'))
}

/// The extensions of `from` after its stem (`text.hbs` for `welcome.text.hbs`), then the last.
fn own_extensions(from: &Path) -> Vec<String> {
    let name = super::path::file_name(from);
    let mut out = Vec::new();
    if let Some((_, all)) = name.split_once('.') {
        out.push(all.to_string());
        if let Some((_, last)) = all.rsplit_once('.') {
            out.push(last.to_string());
        }
    }
    out
}

fn handlebars(name: &str, from: &Path, roots: &Roots) -> Candidates {
    let mut exts: Vec<String> = Vec::new();
    if !has_extension(name) {
        for e in own_extensions(from)
            .into_iter()
            .chain(["hbs", "handlebars", "mustache", "html"].map(String::from))
        {
            if !exts.contains(&e) {
                exts.push(e);
            }
        }
    }
    let with_ext = |n: &str| -> Vec<String> {
        if exts.is_empty() {
            vec![n.to_string()]
        } else {
            exts.iter().map(|e| format!("{n}.{e}")).collect()
        }
    };
    let mut rels = with_ext(name);
    rels.extend(with_ext(&format!("partials/{name}")));
    rels.extend(with_ext(&format!("layouts/{name}")));
    let mut c = Candidates {
        suffixes: with_ext(name),
        ..Candidates::default()
    };
    c.push_all(&roots.bases(from), &rels);
    let base = name.rsplit('/').next().unwrap_or(name);
    c.stem = Some(base.split('.').next().unwrap_or(base).to_string());
    c
}

fn jinja(name: &str, from: &Path, roots: &Roots) -> Candidates {
    if name.starts_with("./") || name.starts_with("../") {
        return relative(name, from);
    }
    // Twig namespaces (`@Email/footer.html.twig`) map to bundle directories the app
    // configures; the path after the namespace is found by suffix, or it is external.
    if let Some(ns) = name.strip_prefix('@') {
        let rest = ns.split_once('/').map_or(ns, |(_, r)| r);
        return Candidates {
            suffixes: vec![rest.to_string()],
            external_if_missing: true,
            ..Candidates::default()
        };
    }
    let mut c = Candidates {
        suffixes: vec![name.to_string()],
        ..Candidates::default()
    };
    let mut bases: Vec<PathBuf> = roots.template_roots.clone();
    for a in ancestors(from, &roots.project_root, OUTSIDE_ROOT_LEVELS) {
        bases.push(a.join("templates"));
        bases.push(a);
    }
    c.push_all(&bases, &[name.to_string()]);
    c
}

fn liquid(via: Via, name: &str, from: &Path, roots: &Roots) -> Candidates {
    if name.starts_with("./") || name.starts_with("../") {
        return relative(name, from);
    }
    let ext = has_extension(name);
    let rels: Vec<String> = match (via, ext) {
        (Via::Section, _) => vec![format!("sections/{name}.liquid")],
        (Via::Layout, true) => vec![
            format!("_layouts/{name}"),
            format!("layout/{name}"),
            format!("layouts/{name}"),
        ],
        (Via::Layout, false) => vec![
            format!("layout/{name}.liquid"),
            format!("layouts/{name}.liquid"),
            format!("_layouts/{name}.html"),
            format!("_layouts/{name}.liquid"),
        ],
        (_, true) => vec![
            format!("_includes/{name}"),
            format!("snippets/{name}"),
            format!("includes/{name}"),
            name.to_string(),
        ],
        (_, false) => vec![
            format!("snippets/{name}.liquid"),
            format!("{name}.liquid"),
            format!("_includes/{name}.liquid"),
            format!("_includes/{name}.html"),
            format!("partials/{name}.liquid"),
        ],
    };
    let mut c = Candidates {
        suffixes: rels.clone(),
        ..Candidates::default()
    };
    c.push_all(&roots.bases(from), &rels);
    c
}

fn front_matter(name: &str, from: &Path, roots: &Roots) -> Candidates {
    let rels: Vec<String> = if has_extension(name) {
        ["_layouts", "_includes", "layouts", "src/layouts", "_includes/layouts"]
            .iter()
            .map(|d| format!("{d}/{name}"))
            .collect()
    } else {
        [
            "_layouts/{}.html",
            "_layouts/{}.liquid",
            "_includes/{}.njk",
            "_includes/{}.html",
            "_includes/{}.liquid",
            "_includes/layouts/{}.njk",
            "_includes/layouts/{}.html",
            "layouts/{}.html",
            "src/layouts/{}.html",
        ]
        .iter()
        .map(|t| t.replace("{}", name))
        .collect()
    };
    let mut c = Candidates {
        suffixes: rels.clone(),
        ..Candidates::default()
    };
    c.push_all(&roots.bases(from), &rels);
    c
}

fn mjml(via: Via, name: &str, from: &Path, roots: &Roots) -> Candidates {
    let file = if via == Via::Mjml && !has_extension(name) {
        format!("{name}.mjml")
    } else {
        name.to_string()
    };
    let dir = from.parent().unwrap_or(Path::new(""));
    let mut c = Candidates::default();
    if Path::new(&file).is_absolute() {
        c.paths.push(normalize(Path::new(&file)));
        return c;
    }
    // MJML resolves against the including file, and against its `filePath` option, which
    // build scripts usually set to the project or templates directory.
    let mut bases = vec![dir.to_path_buf(), roots.project_root.clone()];
    bases.extend(roots.template_roots.iter().cloned());
    c.push_all(&bases, &[file]);
    c
}

/// The Rails views directory above `from` (`.../app/views`).
pub fn rails_views_root(from: &Path) -> Option<PathBuf> {
    from.ancestors()
        .find(|a| a.ends_with("app/views"))
        .map(Path::to_path_buf)
}

/// The format part of a Rails view name: `html` for `x.html.erb`, `text` for `x.text.erb`.
pub fn rails_format(from: &Path) -> Option<String> {
    let name = super::path::file_name(from);
    let parts: Vec<&str> = name.split('.').collect();
    (parts.len() >= 3).then(|| parts[parts.len() - 2].to_string())
}

/// `_name.{format}.erb`, then `_name.erb`; `html` is assumed when the view does not say.
pub fn rails_files(stem: &str, from: &Path) -> Vec<String> {
    let fmt = rails_format(from).unwrap_or_else(|| "html".into());
    vec![format!("{stem}.{fmt}.erb"), format!("{stem}.erb")]
}

fn erb(name: &str, from: &Path, roots: &Roots) -> Candidates {
    let (dir, base) = name.rsplit_once('/').unwrap_or(("", name));
    let mut c = Candidates::default();
    let mut files = rails_files(&format!("_{base}"), from);
    // `render template: 'x'` names a full view, without the underscore.
    files.extend(rails_files(base, from));
    let rels: Vec<String> = files
        .iter()
        .map(|f| {
            if dir.is_empty() {
                f.clone()
            } else {
                format!("{dir}/{f}")
            }
        })
        .collect();
    match (rails_views_root(from), dir.is_empty()) {
        (_, true) => c.push_all(&[from.parent().unwrap_or(Path::new("")).to_path_buf()], &rels),
        (Some(views), false) => c.push_all(&[views], &rels),
        (None, false) => c.push_all(&roots.bases(from), &rels),
    }
    if !dir.is_empty() {
        c.suffixes = rels;
    }
    c
}

/// `resources/views` above `from`, else the loader roots, else the project's.
fn blade_views(from: &Path, roots: &Roots) -> Vec<PathBuf> {
    if let Some(v) = from.ancestors().find(|a| a.ends_with("resources/views")) {
        return vec![v.to_path_buf()];
    }
    let mut out = roots.template_roots.clone();
    out.push(roots.project_root.join("resources/views"));
    out
}

fn blade(via: Via, name: &str, from: &Path, roots: &Roots) -> Candidates {
    let views = blade_views(from, roots);
    let mut c = Candidates::default();
    if let Some((ns, rest)) = name.split_once("::") {
        let rel = rest.replace('.', "/");
        c.external_if_missing = true;
        if ns == "mail" {
            // Published copies first (`php artisan vendor:publish --tag=laravel-mail`).
            c.push_all(&views, &[format!("vendor/mail/html/{rel}.blade.php")]);
            c.push_all(
                &[roots
                    .project_root
                    .join("vendor/laravel/framework/src/Illuminate/Mail/resources/views/html")],
                &[format!("{rel}.blade.php")],
            );
        } else {
            c.push_all(&views, &[format!("vendor/{ns}/{rel}.blade.php")]);
        }
        return c;
    }
    let rel = name.replace('.', "/");
    let mut rels = Vec::new();
    if via == Via::Component {
        rels.push(format!("components/{rel}.blade.php"));
        rels.push(format!("components/{rel}/index.blade.php"));
    }
    rels.push(format!("{rel}.blade.php"));
    c.push_all(&views, &rels);
    c.suffixes = rels;
    c
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::message::directives::{DirectiveKind, scan};

    fn first(path: &str, text: &str, roots: &Roots) -> Candidates {
        let s = scan(Path::new(path), text);
        let d = s.directives.iter().find(|d| d.is_reference()).expect("a reference");
        candidates(d, &d.names()[0], Path::new(path), roots)
    }

    fn has(c: &Candidates, p: &str) -> bool {
        c.paths.iter().any(|x| x == Path::new(p))
    }

    #[test]
    fn each_language_looks_where_its_loader_does() {
        let r = Roots::new("p");
        assert!(has(
            &first("p/emails/sale.hbs", "{{> footer}}", &r),
            "p/emails/partials/footer.hbs"
        ));
        assert!(has(
            &first("p/emails/sale.text.hbs", "{{> footer}}", &r),
            "p/emails/footer.text.hbs"
        ));
        assert!(has(
            &first(
                "p/app/views/user_mailer/w.text.erb",
                "<%= render 'shared/footer' %>",
                &r
            ),
            "p/app/views/shared/_footer.text.erb"
        ));
        assert!(has(
            &first("p/app/views/user_mailer/w.html.erb", "<%= render 'footer' %>", &r),
            "p/app/views/user_mailer/_footer.html.erb"
        ));
        assert!(has(
            &first("p/shop/templates/emails/o.html", "{% extends 'emails/base.html' %}", &r),
            "p/shop/templates/emails/base.html"
        ));
        assert!(has(
            &first("p/theme/templates/o.liquid", "{% render 'foot' %}", &r),
            "p/theme/snippets/foot.liquid"
        ));
        assert!(has(
            &first("p/site/index.html", "---\nlayout: post\n---\n", &r),
            "p/site/_layouts/post.html"
        ));
        assert!(has(
            &first("p/src/a.mjml", "<mj-include path=\"./partials/footer\" />", &r),
            "p/src/partials/footer.mjml"
        ));
        let blade = first(
            "p/resources/views/emails/w.blade.php",
            "@include('emails.partials.footer')",
            &r,
        );
        assert!(has(&blade, "p/resources/views/emails/partials/footer.blade.php"));
        let mail = first(
            "p/resources/views/emails/w.blade.php",
            "<x-mail::message>x</x-mail::message>",
            &r,
        );
        assert!(mail.external_if_missing && has(&mail, "p/resources/views/vendor/mail/html/message.blade.php"));
        assert!(has(
            &first("p/resources/views/w.blade.php", "<x-footer/>", &r),
            "p/resources/views/components/footer.blade.php"
        ));
    }

    #[test]
    fn template_roots_and_partial_globs() {
        let r = Roots::new("p")
            .with_template_roots([PathBuf::from("tpl")])
            .with_partials(&["_*.html".into(), "shared/".into()])
            .unwrap();
        assert!(has(&first("p/x/a.j2", "{% include 'f.j2' %}", &r), "p/tpl/f.j2"));
        assert!(r.matches_partials(Path::new("p/a/_f.html")));
        assert!(r.matches_partials(Path::new("p/shared/x/f.html")));
        assert!(!r.matches_partials(Path::new("p/a/f.html")));
        assert!(r.confines(Path::new("p/a")) && !r.confines(Path::new("/etc/passwd")));
        let s = scan(Path::new("a.html"), "{% block x %}{% endblock %}");
        assert!(matches!(s.directives[0].kind, DirectiveKind::Block { .. }));
    }
}
