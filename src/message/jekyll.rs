//! Jekyll front matter defaults: `defaults:` in a site's `_config.yml` gives documents values
//! their front matter does not set, most often `layout:`. A newsletter collection whose letters
//! all get `layout: email` from the config has its footer in that layout, and the message is
//! only complete with it.
//!
//! Follows Jekyll's `FrontmatterDefaults`: a set applies when its scope's `path` is a prefix of
//! the document's path (relative to the site, `*` as a glob) and its `type` is the document's
//! (`pages`, `posts`, `drafts` or a collection's label); of the sets that apply, one with a
//! longer path wins, then one with a type, then the later one.

use globset::Glob;
use serde::Deserialize;
use serde::de::IgnoredAny;
use std::collections::BTreeMap;
use std::path::{Component, Path};

/// What a site's `_config.yml` says about layouts.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Site {
    collections: Vec<String>,
    collections_dir: String,
    sets: Vec<Set>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct Set {
    /// Without leading `./` or `/` and trailing `/`; empty for the whole site.
    path: String,
    kind: Option<String>,
    /// `Some(None)`: the set says "no layout".
    layout: Option<Option<String>>,
}

#[derive(Deserialize)]
struct ConfigYml {
    #[serde(default)]
    collections: Option<Collections>,
    #[serde(default)]
    collections_dir: Option<String>,
    #[serde(default)]
    defaults: Vec<DefaultSet>,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum Collections {
    Labels(Vec<String>),
    Map(BTreeMap<String, IgnoredAny>),
}

#[derive(Deserialize)]
struct DefaultSet {
    #[serde(default)]
    scope: Option<Scope>,
    #[serde(default)]
    values: Option<Values>,
}

#[derive(Deserialize)]
struct Scope {
    #[serde(default)]
    path: Option<String>,
    #[serde(default, rename = "type")]
    kind: Option<String>,
}

#[derive(Deserialize)]
struct Values {
    #[serde(default, deserialize_with = "present")]
    layout: Option<Option<Layout>>,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum Layout {
    Name(String),
    /// `layout: false` (or any non-name): no layout.
    Other(IgnoredAny),
}

/// Tells a key written as `null` (Some(None)) from a key not written (None, by `default`).
fn present<'de, D, T>(d: D) -> Result<Option<Option<T>>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Deserialize<'de>,
{
    Option::<T>::deserialize(d).map(Some)
}

/// The site a `_config.yml` describes, when it sets any layout default. A file that is not
/// Jekyll's config (or not YAML) says nothing.
pub fn parse(text: &str) -> Option<Site> {
    let cfg: ConfigYml = serde_saphyr::from_str(text).ok()?;
    let sets: Vec<Set> = cfg
        .defaults
        .into_iter()
        .map(|d| {
            let layout = d.values.and_then(|v| v.layout);
            let scope = d.scope;
            let path = scope.as_ref().and_then(|s| s.path.clone()).unwrap_or_default();
            Set {
                path: path.trim_start_matches("./").trim_matches('/').to_string(),
                kind: scope.and_then(|s| s.kind).map(|k| plural(&k)),
                layout: layout.map(|l| {
                    l.and_then(|l| match l {
                        Layout::Name(n) if !n.is_empty() && n != "none" => Some(n),
                        _ => None,
                    })
                }),
            }
        })
        .collect();
    if sets.iter().all(|s| s.layout.is_none()) {
        return None;
    }
    let collections = match cfg.collections {
        Some(Collections::Labels(v)) => v,
        Some(Collections::Map(m)) => m.into_keys().collect(),
        None => Vec::new(),
    };
    Some(Site {
        collections,
        collections_dir: cfg.collections_dir.unwrap_or_default().trim_matches('/').to_string(),
        sets,
    })
}

/// Jekyll still accepts the singular type names of its early versions.
fn plural(kind: &str) -> String {
    match kind {
        "page" => "pages".into(),
        "post" => "posts".into(),
        "draft" => "drafts".into(),
        k => k.to_string(),
    }
}

impl Site {
    /// The layout the defaults give the document at `rel` (relative to the site): Some(Some)
    /// a name, Some(None) "no layout", None when no default speaks of layouts or `rel` is not a
    /// document (a layout, an include, data).
    pub fn layout_for(&self, rel: &Path) -> Option<Option<String>> {
        let kind = self.document_type(rel)?;
        let rel_text = rel.to_string_lossy().replace('\\', "/");
        let mut chosen: Option<&Option<String>> = None;
        let mut winner: Option<&Set> = None;
        for set in self.sets.iter().filter(|s| applies(s, &rel_text, &kind)) {
            // A set that takes precedence overrides what it sets; one that does not only fills
            // what is still unset. Either way a set without a layout changes no layout.
            if precedes(winner, set) {
                winner = Some(set);
                if set.layout.is_some() {
                    chosen = set.layout.as_ref();
                }
            } else if chosen.is_none() {
                chosen = set.layout.as_ref();
            }
        }
        chosen.cloned()
    }

    /// `posts`, `drafts`, a collection's label, or `pages`; None for what Jekyll does not
    /// render as a document (anything else under a `_` directory).
    fn document_type(&self, rel: &Path) -> Option<String> {
        let mut parts: Vec<String> = rel
            .components()
            .filter_map(|c| match c {
                Component::Normal(s) => Some(s.to_string_lossy().into_owned()),
                _ => None,
            })
            .collect();
        if !self.collections_dir.is_empty() {
            let dir: Vec<&str> = self.collections_dir.split('/').collect();
            if parts.len() > dir.len() && parts.iter().zip(&dir).all(|(a, b)| a == b) {
                parts.drain(..dir.len());
            }
        }
        let (first, _) = parts.split_first()?;
        if parts.len() == 1 {
            return Some("pages".into());
        }
        let Some(label) = first.strip_prefix('_') else {
            return Some("pages".into());
        };
        match label {
            "posts" => Some("posts".into()),
            "drafts" => Some("drafts".into()),
            l if self.collections.iter().any(|c| c == l) => Some(l.to_string()),
            _ => None,
        }
    }
}

fn applies(set: &Set, rel: &str, kind: &str) -> bool {
    if set.kind.as_deref().is_some_and(|k| k != kind) {
        return false;
    }
    if set.path.is_empty() {
        return true;
    }
    if set.path.contains('*') {
        return [set.path.clone(), format!("{}/**", set.path)]
            .iter()
            .filter_map(|p| Glob::new(p).ok())
            .any(|g| g.compile_matcher().is_match(rel));
    }
    // Jekyll compares the strings: `_news` is a prefix of `_newsletters/x.html` too.
    rel.starts_with(&set.path)
}

/// Whether `new` overrides what `old` set (Jekyll's `has_precedence?`).
fn precedes(old: Option<&Set>, new: &Set) -> bool {
    let Some(old) = old else { return true };
    if new.path.len() != old.path.len() {
        return new.path.len() >= old.path.len();
    }
    new.kind.is_some() || old.kind.is_none()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn layout(site: &Site, rel: &str) -> Option<Option<String>> {
        site.layout_for(Path::new(rel))
    }

    #[test]
    fn scope_by_type_and_path_with_jekyll_precedence() {
        let site = parse(
            "title: x\ncollections:\n  newsletters:\n    output: true\ndefaults:\n\
             \x20 - scope: { type: newsletters }\n    values: { layout: email }\n\
             \x20 - scope: { path: '' }\n    values: { layout: default, author: me }\n\
             \x20 - scope: { path: _newsletters/plain }\n    values: { layout: null }\n\
             \x20 - scope: { type: post }\n    values: { layout: post }\n\
             \x20 - values: { comments: true }\n",
        )
        .expect("a site");
        assert_eq!(layout(&site, "_newsletters/a.html"), Some(Some("email".into())));
        assert_eq!(layout(&site, "_newsletters/plain/b.html"), Some(None));
        assert_eq!(layout(&site, "about.html"), Some(Some("default".into())));
        assert_eq!(layout(&site, "_posts/2026-01-01-x.md"), Some(Some("post".into())));
        assert_eq!(layout(&site, "_layouts/email.html"), None, "layouts are not documents");
        assert_eq!(layout(&site, "_includes/footer.html"), None);
    }

    #[test]
    fn later_sets_win_ties_and_globs_match() {
        let site = parse(
            "collections: [letters]\ncollections_dir: my\ndefaults:\n\
             \x20 - scope: { path: 'my/_letters/*/x' }\n    values: { layout: deep }\n\
             \x20 - scope: { type: letters }\n    values: { layout: one }\n\
             \x20 - scope: { type: letters }\n    values: { layout: two }\n",
        )
        .expect("a site");
        assert_eq!(layout(&site, "my/_letters/a.html"), Some(Some("two".into())));
        assert_eq!(layout(&site, "my/_letters/2026/x/b.html"), Some(Some("deep".into())));
    }

    #[test]
    fn configs_that_say_nothing_of_layouts_or_are_not_yaml() {
        assert_eq!(parse("title: x\ndefaults:\n  - values: { author: me }\n"), None);
        assert_eq!(parse("defaults: 3\n"), None);
        assert_eq!(parse("{{{ not yaml"), None);
        assert_eq!(parse(""), None);
    }
}
