//! The include graph of a project: built once per run from the set of template files
//! (directive scans in parallel), then queried for the role of a file (entry or partial), what
//! it references, and who includes it. Updated incrementally when the editor changes a file.

use super::directives::{self, Directive, DirectiveKind, Fill, Language, Scan, Via};
use super::jekyll;
use super::path::{ancestors, file_name, normalize, suffix};
use super::resolve::{self, Candidates, Roots};
use crate::source::Span;
use rayon::prelude::*;
use std::collections::{BTreeMap, BTreeSet, HashMap, VecDeque};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

/// Supplies a file's text: the disk for the CLI, open buffers first for the LSP.
pub type Reader<'a> = dyn Fn(&Path) -> Option<String> + Sync + 'a;

/// Path components that hold partials and layouts by convention.
const PARTIAL_DIRS: &[&str] = &[
    "partials",
    "_partials",
    "_includes",
    "includes",
    "layouts",
    "_layouts",
    "layout",
    "snippets",
    "components",
    "sections",
];
/// Paths suffixes indexed per file: enough for `templates/emails/partials/footer.html`.
const MAX_SUFFIX: usize = 6;
/// Rounds of following references to files that were not in the given set.
const MAX_DISCOVERY_ROUNDS: usize = 64;

/// Where a reference leads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    File(PathBuf),
    /// No candidate exists; `tried` lists them, best first.
    Missing {
        tried: Vec<PathBuf>,
    },
    /// Outside what can be read: a vendor view, a Twig namespace, a computed name.
    External {
        reason: &'static str,
    },
}

/// A reference from one file to another, as [`IncludeGraph::references`] lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reference {
    /// The directive's bytes in the referring file; empty at 0 for a convention (the Rails
    /// mailer layout) that no directive states.
    pub span: Span,
    pub via: Via,
    pub language: Language,
    /// The name as written (the first, when a directive lists several).
    pub name: String,
    pub target: Target,
    /// A missing target is allowed (`ignore missing`, `@includeIf`): not a broken include.
    pub optional: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Link {
    Node(usize),
    Missing(Vec<PathBuf>),
    External(&'static str),
}

/// A resolution before discovered files have node ids.
enum Found {
    Link(Link),
    Disk(PathBuf, String),
}

/// One file's references, resolved in parallel with the others'.
struct Resolution {
    node: usize,
    links: Vec<Option<Found>>,
    implicit: Option<(String, Found)>,
}

#[derive(Debug)]
pub(crate) struct Node {
    pub path: PathBuf,
    pub language: Language,
    pub scan: Scan,
    /// Parallel to `scan.directives`; None for blocks and slots.
    pub links: Vec<Option<Link>>,
    /// A layout no directive names (the Rails mailer layout), and the name it was looked up by.
    pub implicit_layout: Option<(String, Link)>,
    /// Kept only for files something includes; entries are read again by whoever lints them.
    pub text: Option<Arc<str>>,
    pub hash: u64,
    /// Given to `build`/`update`, rather than found by following a reference.
    pub listed: bool,
}

#[derive(Debug, Default)]
struct Index {
    by_path: HashMap<PathBuf, usize>,
    by_suffix: HashMap<String, Vec<usize>>,
    by_stem: HashMap<String, Vec<usize>>,
    /// Go: defined template name → files defining it.
    defines: HashMap<String, Vec<usize>>,
}

/// How a Rails mailer class chooses its layout (`layout 'x'` in app/mailers/x_mailer.rb).
#[derive(Debug, Clone, PartialEq, Eq)]
enum MailerLayout {
    Named(String),
    Off,
    Conventional,
}

#[derive(Debug)]
pub struct IncludeGraph {
    pub(crate) roots: Roots,
    pub(crate) nodes: Vec<Node>,
    index: Index,
    /// Reverse edges: includer → strong. A Go call of a name several files define (a page's
    /// `content`) is weak: it does not make those pages partials.
    includers: Vec<BTreeMap<usize, bool>>,
    mailers: Mutex<HashMap<PathBuf, MailerLayout>>,
    /// Jekyll sites by directory: what its `_config.yml` defaults say, None without one.
    jekyll_sites: Mutex<HashMap<PathBuf, Option<Arc<jekyll::Site>>>>,
}

/// A file's scan with the links of its directives, its implicit layout and its language.
pub(crate) type ScanOf = (Scan, Vec<Option<Link>>, Option<(String, Link)>, Language);

/// Tells whether a file changed since its scan. SipHash (the std default) cost ~2% of a whole
/// run hashing every template twice; a fixed-seed foldhash is several times faster, and nothing
/// here needs resistance to chosen collisions.
pub(crate) fn hash_text(text: &str) -> u64 {
    use std::hash::BuildHasher;
    foldhash::quality::FixedState::with_seed(0x1b0c_5117).hash_one(text)
}

impl IncludeGraph {
    /// The graph of `paths` (template files; others are scanned as plain text). Files that
    /// directives name but `paths` lacks are read through `read` when they exist inside the
    /// project, so a partial excluded from linting still composes.
    pub fn build(paths: &[PathBuf], roots: Roots, read: &Reader<'_>) -> IncludeGraph {
        let mut listed: Vec<PathBuf> = paths.iter().map(|p| normalize(p)).collect();
        listed.sort();
        listed.dedup();
        let nodes: Vec<Node> = listed
            .par_iter()
            .filter_map(|p| {
                // Holding every template's text until the roles are known made peak memory grow
                // with the corpus; `finish` reads the few that turn out to be partials again,
                // and entries are read by whoever lints them.
                read(p).map(|t| new_node(p.clone(), &t, true))
            })
            .collect();
        let mut g = IncludeGraph {
            roots,
            nodes: Vec::new(),
            index: Index::default(),
            includers: Vec::new(),
            mailers: Mutex::new(HashMap::new()),
            jekyll_sites: Mutex::new(HashMap::new()),
        };
        for n in nodes {
            g.add_node(n);
        }
        let all: Vec<usize> = (0..g.nodes.len()).collect();
        g.resolve(all, read);
        g.finish(read);
        g
    }

    /// Re-reads one file's directives from `text` (an editor buffer, a file saved or created).
    pub fn update(&mut self, path: &Path, text: &str, read: &Reader<'_>) {
        let p = normalize(path);
        let defines_before = self.define_names();
        let is_new = !self.index.by_path.contains_key(&p);
        let i = match self.index.by_path.get(&p) {
            Some(&i) => {
                self.unindex_defines(i);
                self.nodes[i] = new_node(p, text, true).with_text(text);
                self.index_defines(i);
                i
            }
            None => self.add_node(new_node(p, text, true).with_text(text)),
        };
        let mut again: Vec<usize> = vec![i];
        // A new file may be what a missing reference was looking for (an edit to a known one
        // cannot be, so typing does not re-read candidates); new Go defines change what calls
        // resolve to.
        let defines_changed = defines_before != self.define_names();
        for (j, n) in self.nodes.iter().enumerate() {
            let missing = is_new && n.links.iter().any(|l| matches!(l, Some(Link::Missing(_))));
            if j != i && (missing || (defines_changed && n.language == Language::Go)) {
                again.push(j);
            }
        }
        self.resolve(again, read);
        self.finish(read);
    }

    fn define_names(&self) -> BTreeSet<(String, usize)> {
        self.index
            .defines
            .iter()
            .flat_map(|(k, v)| v.iter().map(move |i| (k.clone(), *i)))
            .collect()
    }

    fn add_node(&mut self, n: Node) -> usize {
        let i = self.nodes.len();
        for k in 1..=MAX_SUFFIX {
            if let Some(s) = suffix(&n.path, k) {
                self.index.by_suffix.entry(s).or_default().push(i);
            }
        }
        let name = file_name(&n.path);
        if let Some(stem) = name.split('.').next() {
            self.index
                .by_stem
                .entry(stem.trim_start_matches('_').to_string())
                .or_default()
                .push(i);
        }
        self.index.by_path.insert(n.path.clone(), i);
        self.nodes.push(n);
        self.includers.push(BTreeMap::new());
        self.index_defines(i);
        i
    }

    fn index_defines(&mut self, i: usize) {
        if self.nodes[i].language != Language::Go {
            return;
        }
        for d in &self.nodes[i].scan.directives {
            if let DirectiveKind::Block { name, .. } = &d.kind {
                let v = self.index.defines.entry(name.clone()).or_default();
                if !v.contains(&i) {
                    v.push(i);
                }
            }
        }
    }

    fn unindex_defines(&mut self, i: usize) {
        for v in self.index.defines.values_mut() {
            v.retain(|&j| j != i);
        }
        self.index.defines.retain(|_, v| !v.is_empty());
    }

    /// Resolves the references of `pending`, then of the files they lead to that were not yet
    /// known, until no new file turns up.
    fn resolve(&mut self, mut pending: Vec<usize>, read: &Reader<'_>) {
        for _ in 0..MAX_DISCOVERY_ROUNDS {
            if pending.is_empty() {
                break;
            }
            let results: Vec<Resolution> = pending
                .par_iter()
                .map(|&i| {
                    let n = &self.nodes[i];
                    let links = n
                        .scan
                        .directives
                        .iter()
                        .map(|d| d.is_reference().then(|| self.resolve_directive(&n.path, d, Some(read))))
                        .collect();
                    let implicit = self.implicit_layout(&n.path, n.language, &n.scan, Some(read));
                    Resolution {
                        node: i,
                        links,
                        implicit,
                    }
                })
                .collect();
            pending = Vec::new();
            for Resolution {
                node: i,
                links,
                implicit,
            } in results
            {
                let links = links
                    .into_iter()
                    .map(|f| f.map(|f| self.settle(f, &mut pending)))
                    .collect();
                let implicit = implicit.map(|(name, f)| (name, self.settle(f, &mut pending)));
                self.nodes[i].links = links;
                self.nodes[i].implicit_layout = implicit;
            }
        }
    }

    /// A found file gets a node (and its references resolved next round).
    fn settle(&mut self, f: Found, pending: &mut Vec<usize>) -> Link {
        match f {
            Found::Link(l) => l,
            Found::Disk(path, text) => match self.index.by_path.get(&path) {
                Some(&i) => Link::Node(i),
                None => {
                    let i = self.add_node(new_node(path, &text, false).with_text(&text));
                    pending.push(i);
                    Link::Node(i)
                }
            },
        }
    }

    /// Reverse edges, and texts kept exactly for the files something includes.
    fn finish(&mut self, read: &Reader<'_>) {
        let mut includers = vec![BTreeMap::new(); self.nodes.len()];
        for (i, n) in self.nodes.iter().enumerate() {
            let implicit = n.implicit_layout.as_ref().map(|(_, l)| l);
            for (d, l) in n
                .scan
                .directives
                .iter()
                .zip(&n.links)
                .filter_map(|(d, l)| Some((Some(d), l.as_ref()?)))
                .chain(implicit.map(|l| (None, l)))
            {
                let Link::Node(j) = l else { continue };
                if *j == i {
                    continue;
                }
                let weak = d.is_some_and(|d| {
                    d.via() == Some(Via::Template)
                        && d.names()
                            .first()
                            .and_then(|n| self.index.defines.get(n))
                            .is_some_and(|v| v.len() > 1)
                });
                let e: &mut bool = includers[*j].entry(i).or_insert(false);
                *e |= !weak;
            }
        }
        self.includers = includers;
        let texts: Vec<Option<Arc<str>>> = self
            .nodes
            .par_iter()
            .enumerate()
            .map(|(i, n)| match (&n.text, self.includers[i].is_empty()) {
                (_, true) => None,
                (Some(t), false) => Some(t.clone()),
                (None, false) => read(&n.path).map(Arc::from),
            })
            .collect();
        for (n, t) in self.nodes.iter_mut().zip(texts) {
            n.text = t;
        }
    }

    /// Where directive `d` of the file at `from` leads. Without `read`, only known files count.
    fn resolve_directive(&self, from: &Path, d: &directives::Directive, read: Option<&Reader<'_>>) -> Found {
        let names = d.names();
        if names.is_empty() {
            return Found::Link(Link::External("a computed name"));
        }
        if d.via() == Some(Via::Template)
            && let Some(i) = self.define_owner(&names[0], from)
        {
            return Found::Link(Link::Node(i));
        }
        let all: Vec<Candidates> = names
            .iter()
            .map(|n| resolve::candidates(d, n, from, &self.roots))
            .collect();
        for c in &all {
            if let Some(i) = self.lookup(c, from) {
                return Found::Link(Link::Node(i));
            }
        }
        if let Some(read) = read {
            for c in &all {
                for p in c.paths.iter().filter(|p| self.roots.confines(p)) {
                    if let Some(text) = read(p) {
                        return Found::Disk(p.clone(), text);
                    }
                }
            }
        }
        if all.iter().any(|c| c.external_if_missing) {
            return Found::Link(Link::External("outside the project (a vendor or namespaced view)"));
        }
        Found::Link(Link::Missing(all.into_iter().flat_map(|c| c.paths).collect()))
    }

    /// The known file a candidate list resolves to: an exact path, else the nearest file with a
    /// matching suffix, else (Handlebars) the nearest with the stem.
    fn lookup(&self, c: &Candidates, from: &Path) -> Option<usize> {
        // An exact path may be the file itself (a self-include is a cycle); an index match of
        // the file itself is only a name clash.
        let not_self = |i: &&usize| self.nodes[**i].path != from;
        if let Some(i) = c.paths.iter().find_map(|p| self.index.by_path.get(p)) {
            return Some(*i);
        }
        for s in &c.suffixes {
            let s = s.trim_start_matches("./");
            if let Some(v) = self.index.by_suffix.get(s)
                && let Some(i) = self.nearest(v.iter().filter(not_self).copied(), from)
            {
                return Some(i);
            }
        }
        let stem = c.stem.as_ref()?;
        let v = self.index.by_stem.get(stem.trim_start_matches('_'))?;
        let templates = v
            .iter()
            .filter(not_self)
            .copied()
            .filter(|&i| self.nodes[i].language == Language::Handlebars);
        self.nearest(templates, from)
    }

    /// Of several files, the one sharing the longest directory prefix with `from`; ties go to
    /// the smallest path, so the answer does not depend on discovery order.
    fn nearest(&self, it: impl Iterator<Item = usize>, from: &Path) -> Option<usize> {
        let shared = |p: &Path| {
            p.components()
                .zip(from.components())
                .take_while(|(a, b)| a == b)
                .count()
        };
        it.max_by(|&a, &b| {
            let (pa, pb) = (&self.nodes[a].path, &self.nodes[b].path);
            shared(pa).cmp(&shared(pb)).then_with(|| pb.cmp(pa))
        })
    }

    /// The file whose Go `define` (or `block`) of `name` a call from `from` reaches.
    pub(crate) fn define_owner(&self, name: &str, from: &Path) -> Option<usize> {
        let v = self.index.defines.get(name)?;
        self.nearest(v.iter().copied(), from)
    }

    /// A layout that no directive of the file names: the Rails mailer layout, or the one
    /// Jekyll's `_config.yml` defaults give the document.
    fn implicit_layout(
        &self,
        from: &Path,
        language: Language,
        scan: &Scan,
        read: Option<&Reader<'_>>,
    ) -> Option<(String, Found)> {
        self.rails_layout(from, language, scan, read)
            .or_else(|| self.jekyll_layout(from, scan, read))
    }

    /// The layout `defaults:` in the Jekyll site's `_config.yml` gives a document whose front
    /// matter names none. Jekyll renders only files with front matter; the others it copies.
    fn jekyll_layout(&self, from: &Path, scan: &Scan, read: Option<&Reader<'_>>) -> Option<(String, Found)> {
        if scan.front_matter.is_none() || scan.layout().is_some() {
            return None;
        }
        let (site_dir, site) = self.jekyll_site(from, read)?;
        let name = site.layout_for(from.strip_prefix(&site_dir).ok()?)??;
        let d = Directive {
            span: Span::empty(0),
            language: Language::Plain,
            kind: DirectiveKind::Layout {
                name: Some(name.clone()),
                fill: Fill::Slot,
            },
        };
        Some((name, self.resolve_directive(from, &d, read)))
    }

    /// The nearest directory at or above `from`, inside the project, whose `_config.yml` sets
    /// layout defaults (the site root, where `_layouts/` is).
    fn jekyll_site(&self, from: &Path, read: Option<&Reader<'_>>) -> Option<(PathBuf, Arc<jekyll::Site>)> {
        // Outside the project root nothing is read: no levels above it.
        for dir in ancestors(from, &self.roots.project_root, 0) {
            let cached = self.jekyll_sites.lock().ok().and_then(|c| c.get(&dir).cloned());
            let site = match (cached, read) {
                (Some(site), _) => site,
                (None, Some(read)) => {
                    let config = dir.join("_config.yml");
                    let site = self
                        .roots
                        .confines(&config)
                        .then(|| read(&config))
                        .flatten()
                        .and_then(|t| jekyll::parse(&t))
                        .map(Arc::new);
                    if let Ok(mut c) = self.jekyll_sites.lock() {
                        c.insert(dir.clone(), site.clone());
                    }
                    site
                }
                (None, None) => None,
            };
            if let Some(site) = site {
                return Some((dir, site));
            }
        }
        None
    }

    /// The Rails mailer layout of a view under `app/views/<x>_mailer/`: the mailer's own
    /// `layout 'y'`, else `layouts/<x>_mailer`, else `layouts/mailer` (ApplicationMailer's).
    fn rails_layout(
        &self,
        from: &Path,
        language: Language,
        scan: &Scan,
        read: Option<&Reader<'_>>,
    ) -> Option<(String, Found)> {
        if language != Language::Erb || scan.layout().is_some() || file_name(from).starts_with('_') {
            return None;
        }
        let views = resolve::rails_views_root(from)?;
        let dir = from.parent()?.strip_prefix(&views).ok()?;
        let mailer = dir.file_name()?.to_string_lossy().to_string();
        if !mailer.ends_with("_mailer") || dir.starts_with("layouts") {
            return None;
        }
        let rb = views.parent()?.join("mailers").join(dir).with_extension("rb");
        let decl = self.mailer_layout(&rb, read);
        let (names, explicit) = match decl {
            MailerLayout::Off => return None,
            MailerLayout::Named(n) => (vec![n], true),
            MailerLayout::Conventional => (vec![mailer, "mailer".to_string()], false),
        };
        let layouts = views.join("layouts");
        let mut tried = Vec::new();
        for name in &names {
            for f in resolve::rails_files(name, from) {
                let p = normalize(&layouts.join(f));
                if let Some(&i) = self.index.by_path.get(&p) {
                    return Some((name.clone(), Found::Link(Link::Node(i))));
                }
                tried.push(p);
            }
        }
        if let Some(read) = read {
            for p in tried.iter().filter(|p| self.roots.confines(p)) {
                if let Some(t) = read(p) {
                    return Some((names[0].clone(), Found::Disk(p.clone(), t)));
                }
            }
        }
        // Without a layout file Rails renders the view bare; only a declared one is missing.
        explicit.then(|| (names[0].clone(), Found::Link(Link::Missing(tried))))
    }

    fn mailer_layout(&self, rb: &Path, read: Option<&Reader<'_>>) -> MailerLayout {
        if let Ok(cache) = self.mailers.lock()
            && let Some(m) = cache.get(rb)
        {
            return m.clone();
        }
        let Some(read) = read else {
            return MailerLayout::Conventional;
        };
        let decl = read(rb).map_or(MailerLayout::Conventional, |src| parse_mailer_layout(&src));
        if let Ok(mut cache) = self.mailers.lock() {
            cache.insert(rb.to_path_buf(), decl.clone());
        }
        decl
    }

    pub(crate) fn node(&self, path: &Path) -> Option<usize> {
        self.index.by_path.get(&normalize(path)).copied()
    }

    /// Resolves a fresh scan of a file against the graph as it stands (no reads): what
    /// `compose` uses when the text it is given differs from what the graph saw.
    pub(crate) fn resolve_fresh(
        &self,
        path: &Path,
        scan: &Scan,
        language: Language,
    ) -> (Vec<Option<Link>>, Option<(String, Link)>) {
        let settle = |f: Found| match f {
            Found::Link(l) => l,
            Found::Disk(p, _) => Link::Missing(vec![p]),
        };
        let links = scan
            .directives
            .iter()
            .map(|d| d.is_reference().then(|| settle(self.resolve_directive(path, d, None))))
            .collect();
        let implicit = self
            .implicit_layout(path, language, scan, None)
            .map(|(n, f)| (n, settle(f)));
        (links, implicit)
    }

    pub fn contains(&self, path: &Path) -> bool {
        self.node(path).is_some()
    }

    pub fn language(&self, path: &Path) -> Option<Language> {
        self.node(path).map(|i| self.nodes[i].language)
    }

    /// Every file in the graph: those given, and those found by following references.
    pub fn files(&self) -> impl Iterator<Item = &Path> {
        self.nodes.iter().map(|n| n.path.as_path())
    }

    /// What the file at `path` references, in the order of its directives (a conventional
    /// layout last).
    pub fn references(&self, path: &Path) -> Vec<Reference> {
        let Some(i) = self.node(path) else { return Vec::new() };
        let n = &self.nodes[i];
        self.references_from(&n.scan, &n.links, n.implicit_layout.as_ref(), n.language)
    }

    /// [`IncludeGraph::references`] of `path` as its directives stand in `text`: an editor
    /// buffer or any text linted under the path may differ from what the graph read.
    pub fn references_in(&self, path: &Path, text: &str) -> Vec<Reference> {
        let (scan, links, implicit, language) = self.scan_for(path, text);
        self.references_from(&scan, &links, implicit.as_ref(), language)
    }

    /// The directives of `path` in `text` with what each resolves to: the graph's own scan
    /// when it read the same text, else a fresh scan resolved against the graph as it stands.
    pub(crate) fn scan_for(&self, path: &Path, text: &str) -> ScanOf {
        let path = normalize(path);
        match self.node(&path) {
            Some(i) if self.nodes[i].hash == hash_text(text) => {
                let n = &self.nodes[i];
                (n.scan.clone(), n.links.clone(), n.implicit_layout.clone(), n.language)
            }
            _ => {
                let language = directives::detect(&path, text);
                let scan = directives::scan_as(language, &path, text);
                let (links, implicit) = self.resolve_fresh(&path, &scan, language);
                (scan, links, implicit, language)
            }
        }
    }

    fn references_from(
        &self,
        scan: &Scan,
        links: &[Option<Link>],
        implicit: Option<&(String, Link)>,
        language: Language,
    ) -> Vec<Reference> {
        let mut out: Vec<Reference> = scan
            .directives
            .iter()
            .zip(links)
            .filter_map(|(d, l)| {
                Some(Reference {
                    span: d.span,
                    via: d.via()?,
                    language: d.language,
                    name: d.names().first().cloned().unwrap_or_default(),
                    target: self.target(l.as_ref()?),
                    optional: d.is_optional(),
                })
            })
            .collect();
        if let Some((name, l)) = implicit {
            out.push(Reference {
                span: Span::empty(0),
                via: Via::Layout,
                language,
                name: name.clone(),
                target: self.target(l),
                optional: false,
            });
        }
        out
    }

    pub(crate) fn target(&self, l: &Link) -> Target {
        match l {
            Link::Node(i) => Target::File(self.nodes[*i].path.clone()),
            Link::Missing(t) => Target::Missing { tried: t.clone() },
            Link::External(r) => Target::External { reason: r },
        }
    }

    /// Whether the file is a partial (or layout): something includes, extends or renders it,
    /// it sits where partials live by convention (`partials/`, `_includes/`, `layouts/`,
    /// `snippets/`, `components/`, ...; a `_name` file), or it matches a `partials` glob.
    /// Message-level rules judge entries, not partials.
    /// The text of a file something includes, as composition read it.
    pub fn text_of(&self, path: &Path) -> Option<std::sync::Arc<str>> {
        let i = self.node(&normalize(path))?;
        self.nodes[i].text.clone()
    }

    pub fn is_partial(&self, path: &Path) -> bool {
        let p = normalize(path);
        if let Some(i) = self.node(&p)
            && self.includers[i].values().any(|strong| *strong)
        {
            return true;
        }
        let rel = p.strip_prefix(&self.roots.project_root).unwrap_or(&p);
        let in_dir = rel
            .parent()
            .is_some_and(|d| d.components().any(|c| PARTIAL_DIRS.iter().any(|x| c.as_os_str() == *x)));
        in_dir || file_name(&p).starts_with('_') || self.roots.matches_partials(&p)
    }

    /// The files given to `build` or `update` that are not partials, sorted.
    pub fn entries(&self) -> Vec<PathBuf> {
        let mut out: Vec<PathBuf> = self
            .nodes
            .iter()
            .filter(|n| n.listed && !self.is_partial(&n.path))
            .map(|n| n.path.clone())
            .collect();
        out.sort();
        out
    }

    /// Every file that includes `path`, directly or through others, sorted: the entries to
    /// lint again when a partial changes.
    pub fn includers_of(&self, path: &Path) -> Vec<PathBuf> {
        let Some(start) = self.node(path) else {
            return Vec::new();
        };
        let mut seen: BTreeSet<usize> = BTreeSet::new();
        let mut queue: VecDeque<usize> = VecDeque::from([start]);
        while let Some(i) = queue.pop_front() {
            for &j in self.includers[i].keys() {
                if j != start && seen.insert(j) {
                    queue.push_back(j);
                }
            }
        }
        let mut out: Vec<PathBuf> = seen.into_iter().map(|i| self.nodes[i].path.clone()).collect();
        out.sort();
        out
    }
}

fn new_node(path: PathBuf, text: &str, listed: bool) -> Node {
    let language = directives::detect(&path, text);
    let scan = directives::scan_as(language, &path, text);
    Node {
        language,
        links: vec![None; scan.directives.len()],
        scan,
        implicit_layout: None,
        hash: hash_text(text),
        text: None,
        path,
        listed,
    }
}

impl Node {
    fn with_text(mut self, text: &str) -> Node {
        self.text = Some(Arc::from(text));
        self
    }
}

/// `layout 'name'`, `layout("name")` or `layout false` at the start of a line of a mailer class.
fn parse_mailer_layout(src: &str) -> MailerLayout {
    for line in src.lines() {
        let Some(rest) = line.trim_start().strip_prefix("layout") else {
            continue;
        };
        let rest = rest.trim_start_matches('(').trim_start();
        if rest.starts_with("false") || rest.starts_with("nil") {
            return MailerLayout::Off;
        }
        if let Some((name, _)) = super::directives::lex_string(rest) {
            return MailerLayout::Named(name.to_string());
        }
    }
    MailerLayout::Conventional
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    pub(crate) fn project(files: &[(&str, &str)]) -> (IncludeGraph, HashMap<PathBuf, String>) {
        let map: HashMap<PathBuf, String> = files.iter().map(|(p, t)| (PathBuf::from(p), t.to_string())).collect();
        let paths: Vec<PathBuf> = map.keys().cloned().collect();
        let read = |p: &Path| map.get(p).cloned();
        let g = IncludeGraph::build(&paths, Roots::new("p"), &read);
        (g, map)
    }

    #[test]
    fn roles_and_includers() {
        let (g, _) = project(&[
            ("p/emails/sale.hbs", "{{#> base}}Sale{{/base}}"),
            ("p/emails/base.hbs", "<body>{{> @partial-block}}{{> footer}}</body>"),
            ("p/emails/partials/footer.hbs", "addr {{> social}}"),
            ("p/emails/social.hbs", "links"),
            ("p/emails/plain.hbs", "{{> nowhere}}"),
        ]);
        assert_eq!(
            g.entries(),
            vec![PathBuf::from("p/emails/plain.hbs"), "p/emails/sale.hbs".into()]
        );
        assert!(g.is_partial(Path::new("p/emails/base.hbs")));
        assert!(g.is_partial(Path::new("./p/emails/social.hbs")));
        assert_eq!(
            g.includers_of(Path::new("p/emails/social.hbs")),
            vec![
                PathBuf::from("p/emails/base.hbs"),
                "p/emails/partials/footer.hbs".into(),
                "p/emails/sale.hbs".into()
            ]
        );
        let refs = g.references(Path::new("p/emails/plain.hbs"));
        assert!(
            matches!(&refs[0].target, Target::Missing { tried } if tried.contains(&PathBuf::from("p/emails/partials/nowhere.hbs")))
        );
    }

    #[test]
    fn update_resolves_what_was_missing_and_drops_old_edges() {
        let files: HashMap<PathBuf, String> = HashMap::new();
        let read = |p: &Path| files.get(p).cloned();
        let mut g = IncludeGraph::build(&[], Roots::new("p"), &read);
        g.update(Path::new("p/a.hbs"), "{{> f}}", &read);
        assert!(matches!(
            g.references(Path::new("p/a.hbs"))[0].target,
            Target::Missing { .. }
        ));
        g.update(Path::new("p/f.hbs"), "footer", &read);
        assert_eq!(
            g.references(Path::new("p/a.hbs"))[0].target,
            Target::File("p/f.hbs".into())
        );
        assert!(g.is_partial(Path::new("p/f.hbs")));
        g.update(Path::new("p/a.hbs"), "no include", &read);
        assert!(!g.is_partial(Path::new("p/f.hbs")));
        assert_eq!(g.entries(), vec![PathBuf::from("p/a.hbs"), "p/f.hbs".into()]);
    }

    #[test]
    fn files_outside_the_set_are_read_inside_the_project_only() {
        let disk: HashMap<PathBuf, String> = [("p/vendor/f.hbs", "vendor footer"), ("/etc/x.j2", "secret")]
            .iter()
            .map(|(p, t)| (PathBuf::from(p), t.to_string()))
            .collect();
        let read = |p: &Path| disk.get(p).cloned();
        let map = [
            ("p/a.hbs".to_string(), "{{> vendor/f}}".to_string()),
            ("p/b.j2".into(), "{% include '/etc/x.j2' %}".into()),
        ];
        let both: HashMap<PathBuf, String> = map.iter().map(|(p, t)| (PathBuf::from(p), t.clone())).collect();
        let r = |p: &Path| both.get(p).cloned().or_else(|| read(p));
        let g = IncludeGraph::build(&[PathBuf::from("p/a.hbs"), "p/b.j2".into()], Roots::new("p"), &r);
        assert_eq!(
            g.references(Path::new("p/a.hbs"))[0].target,
            Target::File("p/vendor/f.hbs".into())
        );
        assert!(matches!(
            g.references(Path::new("p/b.j2"))[0].target,
            Target::Missing { .. }
        ));
        assert_eq!(
            g.entries(),
            vec![PathBuf::from("p/a.hbs"), "p/b.j2".into()],
            "found files are not entries"
        );
    }

    #[test]
    fn go_calls_of_a_name_many_pages_define_do_not_make_them_partials() {
        let (g, _) = project(&[
            (
                "p/t/layout.gohtml",
                r#"{{define "layout"}}<body>{{template "content" .}}</body>{{end}}"#,
            ),
            ("p/t/a.gohtml", r#"{{define "content"}}A{{end}}{{template "layout" .}}"#),
            ("p/t/b.gohtml", r#"{{define "content"}}B{{end}}{{template "layout" .}}"#),
        ]);
        assert_eq!(g.entries(), vec![PathBuf::from("p/t/a.gohtml"), "p/t/b.gohtml".into()]);
        assert!(g.is_partial(Path::new("p/t/layout.gohtml")));
        assert_eq!(g.includers_of(Path::new("p/t/layout.gohtml")).len(), 2);
    }

    #[test]
    fn rails_mailer_layout_by_convention_and_declaration() {
        let (g, _) = project(&[
            ("p/app/views/user_mailer/welcome.html.erb", "Hi"),
            ("p/app/views/user_mailer/welcome.text.erb", "Hi"),
            ("p/app/views/layouts/mailer.html.erb", "<body><%= yield %></body>"),
            ("p/app/views/layouts/mailer.text.erb", "<%= yield %>"),
            ("p/app/views/layouts/fancy.html.erb", "<%= yield %>"),
            ("p/app/views/admin_mailer/a.html.erb", "A"),
            (
                "p/app/mailers/admin_mailer.rb",
                "class AdminMailer < ApplicationMailer\n  layout 'fancy'\nend\n",
            ),
        ]);
        let layout = |p: &str| g.references(Path::new(p)).last().map(|r| r.target.clone());
        assert_eq!(
            layout("p/app/views/user_mailer/welcome.text.erb"),
            Some(Target::File("p/app/views/layouts/mailer.text.erb".into()))
        );
        assert_eq!(
            layout("p/app/views/admin_mailer/a.html.erb"),
            Some(Target::File("p/app/views/layouts/fancy.html.erb".into()))
        );
        assert!(g.is_partial(Path::new("p/app/views/layouts/mailer.html.erb")));
    }
}
