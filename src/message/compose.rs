//! The message a recipient gets from an entry template: includes replaced by what they name,
//! the entry placed in its layout's slot (or its blocks in the layout's blocks), recursively,
//! with a source map back to every original byte and to the entry directive that pulled each
//! byte in. Cycles, missing targets and runaway nesting end as values, never as a hang.

use super::directives::{DirectiveKind, Fill, Language, Scan, Via};
use super::graph::{IncludeGraph, Link};
use super::path::normalize;
use crate::source::Span;
use std::collections::{HashMap, HashSet};
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::rc::Rc;

/// Deepest chain of includes and layouts followed.
pub const MAX_DEPTH: usize = 64;
/// Largest composed message; the rest is cut off.
pub const MAX_COMPOSED: usize = 10 * 1024 * 1024;
/// Most references followed for one message: a partial included twice by a partial included
/// twice ... repeats its text 2^n times, and even an empty one costs time.
pub const MAX_STEPS: usize = 100_000;

/// A file of a composed message: an index into [`Composed::files`]; `FileId(0)` is the entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FileId(pub u32);

impl FileId {
    pub const ENTRY: FileId = FileId(0);
}

/// A stretch of the composed text copied from one file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Segment {
    pub composed: Range<usize>,
    pub file: FileId,
    /// Where the stretch starts in that file.
    pub file_start: usize,
    /// The directive in the entry that brought these bytes in; None for the entry's own bytes.
    pub pulled_in_by: Option<Span>,
}

/// An include, layout or component whose target does not exist.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MissingInclude {
    /// The directive itself when it is in the entry, else the entry directive leading to it.
    pub directive_span_in_entry: Span,
    pub name: String,
    /// Candidate paths, best first.
    pub tried: Vec<PathBuf>,
    /// The file holding the directive, and its bytes there.
    pub file: FileId,
    pub directive_span: Span,
}

/// A reference that leads back to a file already being composed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cycle {
    pub directive_span_in_entry: Span,
    /// From the file first entered to the one entered again.
    pub chain: Vec<PathBuf>,
    pub file: FileId,
    pub directive_span: Span,
}

/// A reference that cannot be read: a vendor component, a computed name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExternalInclude {
    pub directive_span_in_entry: Span,
    pub name: String,
    pub reason: &'static str,
    pub file: FileId,
    pub directive_span: Span,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cap {
    /// [`MAX_DEPTH`] nested references.
    Depth,
    /// [`MAX_COMPOSED`] bytes.
    Size,
    /// [`MAX_STEPS`] references followed.
    Steps,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CapHit {
    pub cap: Cap,
    pub directive_span_in_entry: Span,
}

/// One entry template's message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Composed {
    pub text: String,
    /// Every file composed in (whether or not it gave bytes); `files[0]` is the entry.
    pub files: Vec<PathBuf>,
    /// In composed order, covering `text` without gaps.
    pub segments: Vec<Segment>,
    pub missing: Vec<MissingInclude>,
    pub cycles: Vec<Cycle>,
    pub external: Vec<ExternalInclude>,
    /// The first limit reached, if any: the message is then incomplete.
    pub cap: Option<CapHit>,
}

impl Composed {
    pub fn path(&self, file: FileId) -> &Path {
        self.files.get(file.0 as usize).map_or(Path::new(""), PathBuf::as_path)
    }

    /// Whether the message is the entry's text alone.
    pub fn is_single_file(&self) -> bool {
        self.files.len() == 1
    }

    fn segment_at(&self, offset: usize) -> Option<&Segment> {
        let i = self.segments.partition_point(|s| s.composed.end <= offset);
        self.segments.get(i).or_else(|| self.segments.last())
    }

    /// `span` of the composed text as a span of the entry's own bytes: the same bytes when they
    /// are the entry's, else the entry directive that pulled them in (an `include`, the
    /// `extends`, ...). Spanning several segments gives the smallest span covering both ends.
    pub fn to_entry(&self, span: Span) -> Span {
        let map = |seg: &Segment, from: usize, to: usize| match seg.pulled_in_by {
            Some(d) => d,
            None => {
                let at = |o: usize| seg.file_start + o.clamp(seg.composed.start, seg.composed.end) - seg.composed.start;
                Span::new(at(from), at(to))
            }
        };
        let (Some(first), Some(last)) = (
            self.segment_at(span.start),
            self.segment_at(span.end.saturating_sub(1).max(span.start)),
        ) else {
            return Span::empty(0);
        };
        let a = map(first, span.start, span.end.min(first.composed.end));
        let b = map(last, span.start.max(last.composed.start), span.end);
        Span::new(a.start.min(b.start), a.end.max(b.end))
    }

    /// The file `span` starts in and its bytes there (cut at the end of that file's stretch).
    pub fn locate(&self, span: Span) -> (FileId, Span) {
        let Some(seg) = self.segment_at(span.start) else {
            return (FileId::ENTRY, Span::empty(0));
        };
        let at = |o: usize| seg.file_start + o.clamp(seg.composed.start, seg.composed.end) - seg.composed.start;
        (seg.file, Span::new(at(span.start), at(span.end.max(span.start))))
    }
}

/// Sentinel node id of the entry, which may or may not be in the graph.
const ENTRY: usize = usize::MAX;

/// A stretch of a file to emit later in its own scope: a child's block, a slot's content.
struct Piece {
    node: usize,
    range: Span,
    anchor: Option<Span>,
    scope: Scope,
    /// A whole file's content (slot of a layout), which takes a nested slot fallback.
    whole_file: bool,
}

#[derive(Clone, Default)]
struct Scope {
    /// Blocks, inline partials and Go defines that replace same-named ones.
    overrides: Rc<HashMap<String, Rc<Piece>>>,
    /// What a `{{ content }}`-like slot receives.
    slot: Option<Rc<Piece>>,
}

struct Composer<'g> {
    g: &'g IncludeGraph,
    entry_text: &'g str,
    entry_scan: Scan,
    entry_links: Vec<Option<Link>>,
    entry_implicit: Option<(String, Link)>,
    entry_in_graph: Option<usize>,
    out: Composed,
    ids: HashMap<usize, FileId>,
    /// Files (and Go defines) being composed, outermost first.
    stack: Vec<(usize, Option<usize>)>,
    steps: usize,
    stopped: bool,
    reported: HashSet<(usize, usize)>,
}

impl IncludeGraph {
    /// The message of the entry template at `entry`, whose text is `entry_text`. When the
    /// graph saw different text for it (an unsaved editor buffer), the entry is scanned again
    /// and resolved against the graph as it stands.
    pub fn compose(&self, entry: &Path, entry_text: &str) -> Composed {
        let path = normalize(entry);
        let in_graph = self.node(&path);
        let (entry_scan, entry_links, entry_implicit, _) = self.scan_for(&path, entry_text);
        let mut c = Composer {
            g: self,
            entry_text,
            entry_scan,
            entry_links,
            entry_implicit,
            entry_in_graph: in_graph,
            out: Composed {
                text: String::with_capacity(entry_text.len()),
                files: vec![path],
                segments: Vec::new(),
                missing: Vec::new(),
                cycles: Vec::new(),
                external: Vec::new(),
                cap: None,
            },
            ids: HashMap::from([(ENTRY, FileId::ENTRY)]),
            stack: vec![(ENTRY, None)],
            steps: 0,
            stopped: false,
            reported: HashSet::new(),
        };
        c.emit_file(ENTRY, None, &Scope::default());
        c.out
    }
}

impl<'g> Composer<'g> {
    fn canon(&self, i: usize) -> usize {
        if Some(i) == self.entry_in_graph { ENTRY } else { i }
    }

    fn text(&self, node: usize) -> &'g str {
        if node == ENTRY {
            return self.entry_text;
        }
        self.g.nodes[node].text.as_deref().unwrap_or("")
    }

    fn scan(&self, node: usize) -> &Scan {
        if node == ENTRY {
            &self.entry_scan
        } else {
            &self.g.nodes[node].scan
        }
    }

    fn link(&self, node: usize, d: usize) -> Option<Link> {
        let links = if node == ENTRY {
            &self.entry_links
        } else {
            &self.g.nodes[node].links
        };
        links.get(d).cloned().flatten().map(|l| match l {
            Link::Node(i) if self.g.nodes[i].text.is_none() && self.canon(i) != ENTRY => {
                // Unreadable since the graph was built: as good as missing.
                Link::Missing(vec![self.g.nodes[i].path.clone()])
            }
            Link::Node(i) => Link::Node(self.canon(i)),
            other => other,
        })
    }

    fn path(&self, node: usize) -> &Path {
        if node == ENTRY {
            &self.out.files[0]
        } else {
            &self.g.nodes[node].path
        }
    }

    fn file_id(&mut self, node: usize) -> FileId {
        if let Some(id) = self.ids.get(&node) {
            return *id;
        }
        let id = FileId(u32::try_from(self.out.files.len()).unwrap_or(u32::MAX));
        self.out.files.push(self.g.nodes[node].path.clone());
        self.ids.insert(node, id);
        id
    }

    /// The entry span standing for a directive at `span` of `node`.
    fn in_entry(node: usize, span: Span, anchor: Option<Span>) -> Span {
        if node == ENTRY { span } else { anchor.unwrap_or(span) }
    }

    fn copy(&mut self, node: usize, range: Span, anchor: Option<Span>) {
        if self.stopped || range.is_empty() {
            return;
        }
        let text = self.text(node);
        let Some(mut piece) = text.get(range.range()) else {
            return;
        };
        let room = MAX_COMPOSED.saturating_sub(self.out.text.len());
        if piece.len() > room {
            let mut cut = room;
            while !piece.is_char_boundary(cut) {
                cut -= 1;
            }
            piece = &piece[..cut];
            self.hit(Cap::Size, Self::in_entry(node, range, anchor));
            self.stopped = true;
        }
        if piece.is_empty() {
            return;
        }
        let file = self.file_id(node);
        let start = self.out.text.len();
        self.out.text.push_str(piece);
        let pulled_in_by = if node == ENTRY { None } else { anchor };
        if let Some(last) = self.out.segments.last_mut()
            && last.file == file
            && last.pulled_in_by == pulled_in_by
            && last.file_start + last.composed.len() == range.start
            && last.composed.end == start
        {
            last.composed.end = self.out.text.len();
            return;
        }
        self.out.segments.push(Segment {
            composed: start..self.out.text.len(),
            file,
            file_start: range.start,
            pulled_in_by,
        });
    }

    fn hit(&mut self, cap: Cap, at: Span) {
        if self.out.cap.is_none() {
            self.out.cap = Some(CapHit {
                cap,
                directive_span_in_entry: at,
            });
        }
    }

    /// A file as the message has it: inside its layout when it has one.
    fn emit_file(&mut self, node: usize, anchor: Option<Span>, scope: &Scope) {
        let own = self.own_scope(node, Span::new(0, self.text(node).len()), anchor, scope, false);
        let layout = self.scan(node).layout().map(|(i, d)| (Some(i), d.span, d.kind.clone()));
        let layout = layout.or_else(|| {
            let implicit = if node == ENTRY {
                self.entry_implicit.as_ref()
            } else {
                self.g.nodes[node].implicit_layout.as_ref()
            };
            implicit.map(|(name, _)| {
                (
                    None,
                    Span::empty(0),
                    DirectiveKind::Layout {
                        name: Some(name.clone()),
                        fill: Fill::Slot,
                    },
                )
            })
        });
        let Some((index, span, DirectiveKind::Layout { name: Some(name), fill })) = layout else {
            return self.emit_body(node, anchor, &own);
        };
        let link = match index {
            Some(i) => self.link(node, i),
            None => self.implicit_link(node),
        };
        let target = match link {
            Some(Link::Node(t)) => t,
            other => {
                self.unresolved(node, span, anchor, &name, other);
                return self.emit_body(node, anchor, &own);
            }
        };
        let whole = Span::new(0, self.text(node).len());
        let blocks = self.blocks_in(node, whole, anchor, &own, true);
        let by_slot = fill == Fill::Slot || blocks.is_empty();
        let mut overrides = blocks;
        overrides.extend(scope.overrides.iter().map(|(k, v)| (k.clone(), v.clone())));
        let slot = by_slot.then(|| {
            Rc::new(Piece {
                node,
                range: whole,
                anchor,
                scope: own.clone(),
                whole_file: true,
            })
        });
        let inner = Scope {
            overrides: Rc::new(overrides),
            slot,
        };
        let here = Some(Self::in_entry(node, span, anchor));
        self.follow(node, span, here, target, None, |c| c.emit_file(target, here, &inner));
    }

    fn implicit_link(&self, node: usize) -> Option<Link> {
        let implicit = if node == ENTRY {
            self.entry_implicit.as_ref()
        } else {
            self.g.nodes[node].implicit_layout.as_ref()
        };
        implicit.map(|(_, l)| match l {
            Link::Node(i) => Link::Node(self.canon(*i)),
            other => other.clone(),
        })
    }

    /// The scope a file's own text is read in: what it was given, plus its inline partials and
    /// Go defines (the given ones win: a child's definitions replace a parent's).
    fn own_scope(&self, node: usize, range: Span, anchor: Option<Span>, scope: &Scope, all: bool) -> Scope {
        let mut defs = self.blocks_in(node, range, anchor, scope, all);
        if defs.is_empty() {
            return scope.clone();
        }
        defs.extend(scope.overrides.iter().map(|(k, v)| (k.clone(), v.clone())));
        Scope {
            overrides: Rc::new(defs),
            slot: scope.slot.clone(),
        }
    }

    /// The blocks inside `range` of `node` (only those that do not render in place unless
    /// `all`), first of a name wins.
    fn blocks_in(
        &self,
        node: usize,
        range: Span,
        anchor: Option<Span>,
        scope: &Scope,
        all: bool,
    ) -> HashMap<String, Rc<Piece>> {
        let mut out = HashMap::new();
        for d in &self.scan(node).directives {
            if let DirectiveKind::Block { name, body, in_place } = &d.kind
                && range.contains(d.span)
                && (all || !in_place)
                && !out.contains_key(name)
            {
                let piece = Piece {
                    node,
                    range: *body,
                    anchor,
                    scope: scope.clone(),
                    whole_file: false,
                };
                out.insert(name.clone(), Rc::new(piece));
            }
        }
        out
    }

    /// A whole file's text; a layout without a slot takes the child before `</body>`.
    fn emit_body(&mut self, node: usize, anchor: Option<Span>, scope: &Scope) {
        let len = self.text(node).len();
        // Front matter is the template's metadata: the engines that read it never render it.
        let start = self.scan(node).front_matter.map_or(0, |f| f.end.min(len));
        match &scope.slot {
            Some(slot) if !self.scan(node).has_slot() => {
                let slot = slot.clone();
                let at = self.scan(node).fallback_slot.clamp(start, len);
                self.emit_range(node, Span::new(start, at), anchor, scope);
                self.emit_piece(&slot);
                self.emit_range(node, Span::new(at, len), anchor, scope);
            }
            _ => self.emit_range(node, Span::new(start, len), anchor, scope),
        }
    }

    fn emit_piece(&mut self, p: &Piece) {
        if p.whole_file {
            self.emit_body(p.node, p.anchor, &p.scope);
        } else {
            self.emit_range(p.node, p.range, p.anchor, &p.scope);
        }
    }

    /// `range` of `node`, with the directives in it replaced by what they stand for.
    fn emit_range(&mut self, node: usize, range: Span, anchor: Option<Span>, scope: &Scope) {
        let count = self.scan(node).directives.len();
        let mut i = self
            .scan(node)
            .directives
            .partition_point(|d| d.span.start < range.start);
        let mut pos = range.start;
        while i < count && !self.stopped {
            let span = self.scan(node).directives[i].span;
            if span.start >= range.end {
                break;
            }
            if span.end <= range.end {
                self.copy(node, Span::new(pos, span.start), anchor);
                self.directive(node, i, anchor, scope);
                pos = span.end;
            }
            i += 1;
            // Directives nested in this one were handled (or dropped) with it.
            while i < count && self.scan(node).directives[i].span.start < span.end {
                i += 1;
            }
        }
        self.copy(node, Span::new(pos, range.end), anchor);
    }

    fn directive(&mut self, node: usize, i: usize, anchor: Option<Span>, scope: &Scope) {
        let d = self.scan(node).directives[i].clone();
        let here = Some(Self::in_entry(node, d.span, anchor));
        match &d.kind {
            DirectiveKind::Layout { .. } => {}
            DirectiveKind::Slot => match &scope.slot {
                Some(p) => {
                    let p = p.clone();
                    self.emit_piece(&p);
                }
                None => self.copy(node, d.span, anchor),
            },
            DirectiveKind::Block { name, body, in_place } => match scope.overrides.get(name) {
                Some(p) if !(p.node == node && p.range == *body) => {
                    let p = p.clone();
                    self.follow(node, d.span, here, p.node, Some(p.range.start), |c| c.emit_piece(&p));
                }
                _ if *in_place => self.emit_range(node, *body, anchor, scope),
                _ => {}
            },
            DirectiveKind::Include { via, names, optional } => {
                let name = names.first().cloned().unwrap_or_default();
                let passes_scope = matches!(d.language, Language::Handlebars | Language::Go);
                if passes_scope
                    && let Some(p) = scope.overrides.get(&name)
                    && matches!(via, Via::Partial | Via::Template)
                {
                    let p = p.clone();
                    return self.follow(node, d.span, here, p.node, Some(p.range.start), |c| c.emit_piece(&p));
                }
                let inner = if passes_scope {
                    Scope {
                        overrides: scope.overrides.clone(),
                        slot: None,
                    }
                } else {
                    Scope::default()
                };
                match self.link(node, i) {
                    Some(Link::Node(_)) if *via == Via::Style => {}
                    Some(Link::Node(t)) => {
                        let define = (*via == Via::Template).then(|| self.define_body(t, &name)).flatten();
                        let mjml_body = (*via == Via::Mjml).then(|| mj_body(self.text(t))).flatten();
                        match (define, mjml_body) {
                            (Some(body), _) => self.follow(node, d.span, here, t, Some(body.start), |c| {
                                let own = c.own_scope(t, Span::new(0, c.text(t).len()), here, &inner, false);
                                c.emit_range(t, body, here, &own)
                            }),
                            (None, Some(body)) => {
                                self.follow(node, d.span, here, t, None, |c| c.emit_range(t, body, here, &inner))
                            }
                            (None, None) => self.follow(node, d.span, here, t, None, |c| c.emit_file(t, here, &inner)),
                        }
                    }
                    Some(Link::Missing(_)) if *optional => {}
                    other => {
                        self.unresolved(node, d.span, anchor, &name, other);
                        self.copy(node, d.span, anchor);
                    }
                }
            }
            DirectiveKind::Wrap { name, body, fill, .. } => match self.link(node, i) {
                Some(Link::Node(t)) => {
                    let mut overrides = self.blocks_in(node, *body, anchor, scope, true);
                    if d.language == Language::Handlebars {
                        overrides.extend(scope.overrides.iter().map(|(k, v)| (k.clone(), v.clone())));
                    }
                    let slot = (*fill == Fill::Slot).then(|| {
                        Rc::new(Piece {
                            node,
                            range: *body,
                            anchor,
                            scope: scope.clone(),
                            whole_file: false,
                        })
                    });
                    let inner = Scope {
                        overrides: Rc::new(overrides),
                        slot,
                    };
                    self.follow(node, d.span, here, t, None, |c| c.emit_file(t, here, &inner));
                }
                // Twig renders nothing for an `embed ... ignore missing` whose template is absent.
                Some(Link::Missing(_)) if d.is_optional() => {}
                other => {
                    self.unresolved(node, d.span, anchor, name, other);
                    self.copy(node, Span::new(d.span.start, body.start), anchor);
                    self.emit_range(node, *body, anchor, scope);
                    self.copy(node, Span::new(body.end, d.span.end), anchor);
                }
            },
        }
    }

    /// The body of Go `define`/`block` `name` in `node`.
    fn define_body(&self, node: usize, name: &str) -> Option<Span> {
        self.scan(node).directives.iter().find_map(|d| match &d.kind {
            DirectiveKind::Block { name: n, body, .. } if n == name => Some(*body),
            _ => None,
        })
    }

    /// Records a missing or external target met at directive `span` of `node`.
    fn unresolved(&mut self, node: usize, span: Span, anchor: Option<Span>, name: &str, link: Option<Link>) {
        if !self.reported.insert((node, span.start)) {
            return;
        }
        let file = self.file_id_or_entry(node);
        let directive_span_in_entry = Self::in_entry(node, span, anchor);
        match link {
            Some(Link::Missing(tried)) => self.out.missing.push(MissingInclude {
                directive_span_in_entry,
                name: name.to_string(),
                tried,
                file,
                directive_span: span,
            }),
            Some(Link::External(reason)) => self.out.external.push(ExternalInclude {
                directive_span_in_entry,
                name: name.to_string(),
                reason,
                file,
                directive_span: span,
            }),
            _ => {}
        }
    }

    fn file_id_or_entry(&mut self, node: usize) -> FileId {
        if node == ENTRY {
            FileId::ENTRY
        } else {
            self.file_id(node)
        }
    }

    /// Enters `target` (or its define starting at `define`) for the directive at `span` of
    /// `from`, unless that would loop or pass a limit.
    ///
    /// When it does not enter, the directive stays in the message as written.
    fn follow(
        &mut self,
        from: usize,
        span: Span,
        here: Option<Span>,
        target: usize,
        define: Option<usize>,
        emit: impl FnOnce(&mut Self),
    ) {
        if self.stopped {
            return;
        }
        let anchor = if from == ENTRY { None } else { here };
        let in_entry = here.unwrap_or(span);
        self.steps += 1;
        if self.steps > MAX_STEPS {
            self.hit(Cap::Steps, in_entry);
            self.stopped = true;
            return;
        }
        let key = (target, define);
        if let Some(first) = self
            .stack
            .iter()
            .position(|k| *k == key || (k.0 == target && define.is_none() && k.1.is_none()))
        {
            if self.reported.insert((from, span.start)) {
                let mut chain: Vec<PathBuf> = self.stack[first..]
                    .iter()
                    .map(|(n, _)| self.path(*n).to_path_buf())
                    .collect();
                chain.dedup();
                chain.push(self.path(target).to_path_buf());
                let file = self.file_id_or_entry(from);
                self.out.cycles.push(Cycle {
                    directive_span_in_entry: in_entry,
                    chain,
                    file,
                    directive_span: span,
                });
            }
            return self.copy(from, span, anchor);
        }
        if self.stack.len() >= MAX_DEPTH {
            self.hit(Cap::Depth, in_entry);
            return self.copy(from, span, anchor);
        }
        if target != ENTRY {
            self.file_id(target);
        }
        self.stack.push(key);
        emit(self);
        self.stack.pop();
    }
}

/// The inside of `<mj-body>` when an included MJML file is a whole document, as MJML itself
/// strips the wrapper of included documents.
fn mj_body(text: &str) -> Option<Span> {
    if !text.trim_start().starts_with("<mjml") {
        return None;
    }
    let open = text.find("<mj-body")?;
    let start = open + text[open..].find('>')? + 1;
    let end = text.rfind("</mj-body>")?;
    (start <= end).then(|| Span::new(start, end))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::message::directives;
    use crate::message::resolve::Roots;
    use proptest::prelude::*;

    fn graph(files: &[(String, String)]) -> IncludeGraph {
        let paths: Vec<PathBuf> = files.iter().map(|(p, _)| PathBuf::from(p)).collect();
        let read = |p: &Path| files.iter().find(|(q, _)| Path::new(q) == p).map(|(_, t)| t.clone());
        IncludeGraph::build(&paths, Roots::new("p"), &read)
    }

    #[test]
    fn source_map_covers_the_text_and_maps_back() {
        let files = vec![
            ("p/a.hbs".to_string(), "x{{> b}}y{{> b}}".to_string()),
            ("p/b.hbs".to_string(), "BB".to_string()),
        ];
        let g = graph(&files);
        let c = g.compose(Path::new("p/a.hbs"), &files[0].1);
        assert_eq!(c.text, "xBByBB");
        let covered: usize = c.segments.iter().map(|s| s.composed.len()).sum();
        assert_eq!(covered, c.text.len());
        assert_eq!(c.to_entry(Span::new(4, 6)), Span::new(9, 16), "the second include");
        assert_eq!(
            c.to_entry(Span::new(0, 6)),
            Span::new(0, 16),
            "across segments: the covering span"
        );
        assert_eq!(c.locate(Span::new(4, 6)), (FileId(1), Span::new(0, 2)));
        assert_eq!(
            c.locate(Span::new(6, 6)),
            (FileId(1), Span::new(2, 2)),
            "the end of the text"
        );
        assert_eq!(c.to_entry(Span::empty(3)), Span::new(8, 8), "the y");
    }

    #[test]
    fn an_empty_message_maps_to_the_start() {
        let g = graph(&[]);
        let c = g.compose(Path::new("p/e.html"), "");
        assert_eq!(
            (c.text.as_str(), c.to_entry(Span::new(0, 5)), c.locate(Span::new(2, 3))),
            ("", Span::empty(0), (FileId::ENTRY, Span::empty(0)))
        );
    }

    fn template_text() -> impl Strategy<Value = String> {
        let atoms = prop::sample::select(vec![
            "{{> b}}",
            "{{> a}}",
            "{{#> b}}",
            "{{/b}}",
            "{{> @partial-block}}",
            "{% include 'b.html' %}",
            "{% extends 'b.html' %}",
            "{% block x %}",
            "{% endblock %}",
            "{{ content }}",
            "<mj-include path=\"b\" />",
            "{{define \"x\"}}",
            "{{template \"x\"}}",
            "{{end}}",
            "@include('b')",
            "@section('x')",
            "@endsection",
            "@yield('x')",
            "<x-b>",
            "</x-b>",
            "<%= render 'b' %>",
            "<%= yield %>",
            "---\nlayout: b\n---\n",
            "{{",
            "{%",
            "<",
            "@",
            "é",
            "</body>",
            "x",
        ]);
        prop::collection::vec(atoms, 0..24).prop_map(|v| v.concat())
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 256, failure_persistence: None, ..ProptestConfig::default() })]

        /// Any texts, in any of the languages, compose without a panic into a fully mapped message.
        #[test]
        fn compose_never_panics(a in template_text(), b in template_text(), ext in prop::sample::select(vec!["hbs", "html", "mjml", "gohtml", "blade.php", "html.erb", "liquid"])) {
            let files = vec![(format!("p/a.{ext}"), a.clone()), (format!("p/b.{ext}"), b), ("p/b.html".into(), "<p>B</p>".into())];
            let g = graph(&files);
            let c = g.compose(Path::new(&files[0].0), &a);
            let covered: usize = c.segments.iter().map(|s| s.composed.len()).sum();
            prop_assert_eq!(covered, c.text.len());
            for s in &c.segments {
                let (file, span) = c.locate(Span::new(s.composed.start, s.composed.end));
                prop_assert_eq!(file, s.file);
                let e = c.to_entry(Span::new(s.composed.start, s.composed.end));
                prop_assert!(e.end <= a.len() && e.start <= e.end);
                prop_assert!(span.end >= span.start);
            }
            let odd = g.compose(Path::new("p/zz.html"), &a);
            prop_assert!(odd.text.len() <= MAX_COMPOSED);
        }

        /// Scanning arbitrary text never panics and keeps the nesting invariant.
        #[test]
        fn scan_never_panics(t in "\\PC{0,200}", ext in prop::sample::select(vec!["hbs", "html", "mjml", "gohtml", "blade.php", "erb", "liquid", "njk"])) {
            let s = directives::scan(Path::new(&format!("a.{ext}")), &t);
            let mut open: Vec<usize> = Vec::new();
            for d in &s.directives {
                prop_assert!(t.get(d.span.range()).is_some());
                while open.last().is_some_and(|&e| e <= d.span.start) { open.pop(); }
                prop_assert!(open.last().is_none_or(|&e| d.span.end <= e));
                open.push(d.span.end);
            }
        }
    }
}
