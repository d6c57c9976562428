//! The parts of one message: an email is sent as an HTML part and a plain-text part, and the
//! law applies to each (a recipient whose client shows the text part reads only that). Parts
//! are paired by name in one directory:
//!
//! - `welcome.html` + `welcome.txt`, `welcome.html` + `welcome.text`, `welcome.mjml` + `welcome.txt`
//! - Rails and other template languages: `welcome.html.erb` + `welcome.text.erb`,
//!   `welcome.html.hbs` + `welcome.text.hbs`, `welcome.hbs` + `welcome.txt.hbs`, `x.html.twig` + `x.txt.twig`
//! - a folder per message (Postmark, sendwithus): `welcome/html.hbs` + `welcome/text.hbs`,
//!   `welcome/content.html` + `welcome/content.txt`
//!
//! Names are compared without case. Nothing here reads file contents.

use crate::workspace::kind::{self, PartRole};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The parts of one message. Usually one HTML (or MJML) part and at most one text part; a
/// message whose MJML source and compiled HTML are both checked in has two HTML parts.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MessageParts {
    /// The directory and lower-cased stem that name the message (`emails/welcome`); for a
    /// folder per message, the folder.
    pub name: PathBuf,
    pub html: Vec<PathBuf>,
    pub text: Vec<PathBuf>,
}

impl MessageParts {
    /// Every part, HTML first.
    pub fn paths(&self) -> impl Iterator<Item = &PathBuf> {
        self.html.iter().chain(&self.text)
    }

    /// Whether the message has both an HTML and a text part.
    pub fn is_multipart(&self) -> bool {
        !self.html.is_empty() && !self.text.is_empty()
    }

    /// The other parts of the message `path` belongs to.
    pub fn siblings_of<'a>(&'a self, path: &'a Path) -> impl Iterator<Item = &'a PathBuf> {
        self.paths().filter(move |p| p.as_path() != path)
    }
}

fn file_name(path: &Path) -> Option<String> {
    Some(path.file_name()?.to_string_lossy().into_owned())
}

/// The message key and role of a path, or None when its name is no message part. `has_html`
/// says which (directory, stem) keys have an HTML part: a folder-style `text.hbs` is the text
/// part only beside its `html.*`, otherwise an HTML template of its own.
fn role_of(path: &Path, has_html: &dyn Fn(&(PathBuf, String)) -> bool) -> Option<((PathBuf, String), PartRole)> {
    let part = kind::part_name(&file_name(path)?)?;
    let key = (kind::dir_of(path), part.stem);
    let bare_template = part.bare && !kind::is_plain_text_file(path);
    let role = if bare_template && !has_html(&key) {
        PartRole::Html
    } else {
        part.role
    };
    Some((key, role))
}

/// Group `paths` into messages by name. Every path that is a message part by its name lands in
/// exactly one group (a lone template is a message of one part); other paths (configs, schemas,
/// `README.txt`) are left out. Groups and the paths in them are sorted.
pub fn pair(paths: &[PathBuf]) -> Vec<MessageParts> {
    let keyed: Vec<(&PathBuf, (PathBuf, String), PartRole)> = paths
        .iter()
        .filter_map(|p| {
            let part = kind::part_name(&file_name(p)?)?;
            Some((p, (kind::dir_of(p), part.stem), part.role))
        })
        .collect();
    let html_keys: std::collections::BTreeSet<&(PathBuf, String)> = keyed
        .iter()
        .filter(|(_, _, role)| *role == PartRole::Html)
        .map(|(_, key, _)| key)
        .collect();
    let has_html = |key: &(PathBuf, String)| html_keys.contains(key);
    let mut groups: BTreeMap<(PathBuf, String), MessageParts> = BTreeMap::new();
    for (path, ..) in &keyed {
        let Some((key, role)) = role_of(path, &has_html) else {
            continue;
        };
        let group = groups.entry(key.clone()).or_insert_with(|| MessageParts {
            name: if key.1.is_empty() {
                key.0.clone()
            } else {
                key.0.join(&key.1)
            },
            ..MessageParts::default()
        });
        match role {
            PartRole::Html => group.html.push((*path).clone()),
            PartRole::Text => group.text.push((*path).clone()),
        }
    }
    let mut out: Vec<MessageParts> = groups.into_values().collect();
    for g in &mut out {
        g.html.sort();
        g.html.dedup();
        g.text.sort();
        g.text.dedup();
    }
    out
}

/// The other parts of the message `path` belongs to, found by one `readdir` of its directory
/// (for the LSP and single-file runs, where the walker's list is not at hand). Empty when the
/// file is no message part or has no sibling part.
pub fn sibling_parts(path: &Path) -> Vec<PathBuf> {
    let dir = kind::dir_of(path);
    let Ok(entries) = std::fs::read_dir(&dir) else {
        return Vec::new();
    };
    let mut paths: Vec<PathBuf> = entries
        .flatten()
        .filter(|e| e.file_type().is_ok_and(|t| t.is_file() || t.is_symlink()))
        .map(|e| dir.join(e.file_name()))
        .collect();
    let me = match path.file_name() {
        Some(n) => dir.join(n),
        None => return Vec::new(),
    };
    if !paths.contains(&me) {
        paths.push(me.clone());
    }
    pair(&paths)
        .into_iter()
        .find(|g| g.paths().any(|p| *p == me))
        .map(|g| g.siblings_of(&me).cloned().collect())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn groups(paths: &[&str]) -> Vec<(Vec<String>, Vec<String>)> {
        let paths: Vec<PathBuf> = paths.iter().map(PathBuf::from).collect();
        let show = |v: &Vec<PathBuf>| v.iter().map(|p| p.display().to_string()).collect::<Vec<_>>();
        pair(&paths).iter().map(|g| (show(&g.html), show(&g.text))).collect()
    }

    fn one(html: &[&str], text: &[&str]) -> (Vec<String>, Vec<String>) {
        (
            html.iter().map(|s| s.to_string()).collect(),
            text.iter().map(|s| s.to_string()).collect(),
        )
    }

    #[test]
    fn each_naming_convention_pairs() {
        let cases: &[(&str, &str)] = &[
            ("emails/welcome.html", "emails/welcome.txt"),
            ("emails/welcome.html", "emails/welcome.text"),
            (
                "app/views/user_mailer/welcome.html.erb",
                "app/views/user_mailer/welcome.text.erb",
            ),
            ("emails/welcome.mjml", "emails/welcome.txt"),
            ("emails/welcome.html.hbs", "emails/welcome.text.hbs"),
            ("emails/welcome.hbs", "emails/welcome.txt.hbs"),
            ("templates/welcome.html.twig", "templates/welcome.txt.twig"),
            ("templates/welcome.html.j2", "templates/welcome.txt.j2"),
            ("templates/welcome.liquid", "templates/welcome.text.liquid"),
            ("templates/welcome/html.hbs", "templates/welcome/text.hbs"),
            ("templates/welcome/content.html", "templates/welcome/content.txt"),
            ("Emails/Welcome.HTML", "Emails/welcome.txt"),
        ];
        for (html, text) in cases {
            assert_eq!(groups(&[text, html]), vec![one(&[html], &[text])], "{html} + {text}");
        }
    }

    #[test]
    fn different_stems_and_directories_do_not_pair() {
        assert_eq!(
            groups(&["a/welcome.html", "b/welcome.txt", "a/goodbye.txt"]),
            vec![
                one(&[], &["a/goodbye.txt"]),
                one(&["a/welcome.html"], &[]),
                one(&[], &["b/welcome.txt"]),
            ]
        );
    }

    #[test]
    fn non_parts_are_left_out() {
        assert_eq!(
            groups(&[
                "emails/README.txt",
                "emails/README.html",
                "emails/config.yaml",
                "emails/requirements.txt"
            ]),
            vec![one(&["emails/README.html"], &[])]
        );
    }

    #[test]
    fn a_folder_style_text_template_needs_its_html_sibling() {
        assert_eq!(
            groups(&["partials/text.hbs", "partials/button.hbs"]),
            vec![one(&["partials/text.hbs"], &[]), one(&["partials/button.hbs"], &[])]
        );
    }

    #[test]
    fn mjml_source_and_compiled_html_are_both_html_parts() {
        assert_eq!(
            groups(&["e/welcome.mjml", "e/welcome.html", "e/welcome.txt"]),
            vec![one(&["e/welcome.html", "e/welcome.mjml"], &["e/welcome.txt"])]
        );
        let g = &pair(&[PathBuf::from("e/welcome.mjml"), PathBuf::from("e/welcome.txt")])[0];
        assert!(g.is_multipart());
        assert_eq!(g.name, PathBuf::from("e/welcome"));
        let others: Vec<_> = g.siblings_of(Path::new("e/welcome.txt")).collect();
        assert_eq!(others, vec![&PathBuf::from("e/welcome.mjml")]);
    }

    #[test]
    fn siblings_on_disk() {
        let dir = std::env::temp_dir().join(format!("inboxlint-parts-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("temp dir");
        for f in ["welcome.html.erb", "welcome.text.erb", "reset.html.erb", "README.txt"] {
            std::fs::write(dir.join(f), "x").expect("write");
        }
        assert_eq!(
            sibling_parts(&dir.join("welcome.text.erb")),
            vec![dir.join("welcome.html.erb")]
        );
        assert_eq!(
            sibling_parts(&dir.join("welcome.html.erb")),
            vec![dir.join("welcome.text.erb")]
        );
        assert!(sibling_parts(&dir.join("reset.html.erb")).is_empty());
        assert!(sibling_parts(&dir.join("README.txt")).is_empty());
        assert!(sibling_parts(&dir.join("missing/x.html")).is_empty());
        let _ = std::fs::remove_dir_all(&dir);
    }
}
