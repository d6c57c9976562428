//! What of the include graph a template's findings depend on, as hash input: whether it is a
//! partial, and every file its message pulls in (transitively) with the text the graph read
//! and where each of their directives leads. Two runs that feed the same bytes here compose
//! the same message for the file and decide the same role, so a cache keyed on it (and on the
//! file's own text) can reuse the file's findings.

use super::graph::{IncludeGraph, Link, hash_text};
use super::path::normalize;
use crate::content_hash::KeyHasher;
use std::collections::{HashSet, VecDeque};
use std::hash::Hash;
use std::path::Path;

impl IncludeGraph {
    /// Feeds `h` the graph's part in linting the template at `path` whose text is `text`.
    /// Resolution of a file's references depends on which other files exist (the nearest
    /// match by suffix, Go defines): the resolved targets, missing candidates included, are
    /// what is hashed, so a new file that changes where a reference leads changes the hash.
    pub fn hash_message_inputs(&self, path: &Path, text: &str, h: &mut KeyHasher) {
        let path = normalize(path);
        h.u64(u64::from(self.is_partial(&path)));
        h.path(&self.roots.project_root);
        let mut queue: VecDeque<usize> = VecDeque::new();
        let mut seen: HashSet<usize> = HashSet::new();
        let own = self.node(&path);
        match own {
            Some(i) if self.nodes[i].hash == hash_text(text) => {
                seen.insert(i);
                let n = &self.nodes[i];
                n.language.hash(h);
                self.hash_links(
                    &n.links,
                    n.implicit_layout.as_ref().map(|(name, l)| (name, l)),
                    h,
                    &mut queue,
                );
            }
            _ => {
                // Text the graph did not read (changed since, or not a listed template): its
                // directives are resolved against the graph as it stands, as composition does.
                let (_, links, implicit, language) = self.scan_for(&path, text);
                language.hash(h);
                self.hash_links(&links, implicit.as_ref().map(|(name, l)| (name, l)), h, &mut queue);
            }
        }
        while let Some(i) = queue.pop_front() {
            if !seen.insert(i) {
                continue;
            }
            let n = &self.nodes[i];
            h.path(&n.path).u64(n.hash).u64(u64::from(n.text.is_some()));
            n.language.hash(h);
            self.hash_links(
                &n.links,
                n.implicit_layout.as_ref().map(|(name, l)| (name, l)),
                h,
                &mut queue,
            );
        }
    }

    fn hash_links(
        &self,
        links: &[Option<Link>],
        implicit: Option<(&String, &Link)>,
        h: &mut KeyHasher,
        queue: &mut VecDeque<usize>,
    ) {
        h.u64(links.len() as u64);
        for link in links {
            match link {
                None => {
                    h.u64(0);
                }
                Some(l) => self.hash_link(l, h, queue),
            }
        }
        match implicit {
            None => {
                h.u64(0);
            }
            Some((name, l)) => {
                h.u64(1).str(name);
                self.hash_link(l, h, queue);
            }
        }
    }

    fn hash_link(&self, link: &Link, h: &mut KeyHasher, queue: &mut VecDeque<usize>) {
        match link {
            Link::Node(j) => {
                h.u64(1).path(&self.nodes[*j].path);
                queue.push_back(*j);
            }
            Link::Missing(tried) => {
                h.u64(2).u64(tried.len() as u64);
                for p in tried {
                    h.path(p);
                }
            }
            Link::External(reason) => {
                h.u64(3).str(reason);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::content_hash::KeyHasher;
    use crate::message::graph::tests::project;
    fn inputs(files: &[(&str, &str)], of: &str) -> u128 {
        let (g, texts) = project(files);
        let path = texts.keys().find(|p| p.ends_with(of)).expect("file in project").clone();
        let mut h = KeyHasher::new();
        g.hash_message_inputs(&path, &texts[&path], &mut h);
        h.finish()
    }

    const ENTRY: (&str, &str) = ("p/welcome.hbs", "<body>{{> footer}}</body>");

    #[test]
    fn an_included_partials_text_changes_the_entrys_inputs() {
        let a = inputs(
            &[ENTRY, ("p/partials/footer.hbs", "<a href=\"{{unsubscribe}}\">x</a>")],
            "welcome.hbs",
        );
        let b = inputs(&[ENTRY, ("p/partials/footer.hbs", "<p>no link</p>")], "welcome.hbs");
        assert_ne!(a, b);
    }

    #[test]
    fn a_file_nothing_includes_does_not() {
        let base = [ENTRY, ("p/partials/footer.hbs", "<p>f</p>")];
        let a = inputs(&base, "welcome.hbs");
        let b = inputs(
            &[
                ENTRY,
                ("p/partials/footer.hbs", "<p>f</p>"),
                ("p/other.hbs", "<p>o</p>"),
            ],
            "welcome.hbs",
        );
        assert_eq!(a, b);
        let c = inputs(
            &[
                ENTRY,
                ("p/partials/footer.hbs", "<p>f</p>"),
                ("p/other.hbs", "<p>changed</p>"),
            ],
            "welcome.hbs",
        );
        assert_eq!(a, c);
    }

    #[test]
    fn becoming_a_partial_changes_a_files_inputs() {
        let alone = inputs(&[("p/card.hbs", "<p>card</p>")], "card.hbs");
        let included = inputs(
            &[("p/card.hbs", "<p>card</p>"), ("p/page.hbs", "{{> card}}")],
            "card.hbs",
        );
        assert_ne!(alone, included);
    }

    #[test]
    fn a_partial_that_appears_changes_where_a_missing_reference_leads() {
        let missing = inputs(&[ENTRY], "welcome.hbs");
        let found = inputs(&[ENTRY, ("p/partials/footer.hbs", "<p>f</p>")], "welcome.hbs");
        assert_ne!(missing, found);
    }
}
