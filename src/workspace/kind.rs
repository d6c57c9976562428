//! What kind of file a path is: by extension, for JSON by content, and for a bare `.txt` by
//! what surrounds it (an HTML part of the same name beside it, or a mail directory).

use crate::document::{FileKind, SourceFormat};
use std::collections::HashMap;
use std::path::{Component, Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::SystemTime;

/// Template-language extensions: read as HTML, and wrapping the output's own extension when
/// there is one (`x.text.erb`, `x.html.hbs`).
const TEMPLATE_EXTS: &[&str] = &[
    "hbs",
    "handlebars",
    "mustache",
    "liquid",
    "j2",
    "jinja",
    "jinja2",
    "njk",
    "twig",
    "tmpl",
    "gohtml",
    "erb",
    "ejs",
];

const TEXT_EXTS: &[&str] = &["txt", "text"];
const MARKUP_EXTS: &[&str] = &["html", "htm", "mjml"];

/// Stems of `.txt` files that are project documents or tool inputs, never a mail part, whatever
/// directory they sit in (`requirements-dev.txt`, `LICENSE-MIT.txt`, `robots.txt.j2`).
const NOT_MAIL_STEMS: &[&str] = &[
    "readme",
    "license",
    "licence",
    "copying",
    "notice",
    "authors",
    "contributors",
    "changelog",
    "changes",
    "history",
    "todo",
    "requirements",
    "constraints",
    "robots",
    "humans",
    "security",
    "cmakelists",
    "install",
    "version",
    "manifest",
    "third_party_notices",
    "thirdpartynotices",
    "llms",
    "ads",
    "app-ads",
];

/// Stems that name the part rather than the message: in a folder per message
/// (`welcome/html.hbs` + `welcome/text.hbs`, as Postmark and sendwithus lay them out) the
/// folder is the message.
const PART_STEMS: &[&str] = &["html", "text", "txt", "plain", "plaintext"];
const TEXT_PART_STEMS: &[&str] = &["text", "txt", "plain", "plaintext"];

/// Which part of a message a file is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum PartRole {
    /// HTML or MJML (MJML compiles to the HTML part).
    Html,
    Text,
}

/// A file name read as a message part.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PartName {
    /// Lower-cased name of the message in its directory; empty when the folder is the message.
    pub stem: String,
    pub role: PartRole,
    /// A text part whose name alone does not prove it is mail (`welcome.txt`, `welcome/text.hbs`;
    /// not `welcome.text.erb`).
    pub bare: bool,
}

fn lower_name(path: &Path) -> Option<String> {
    Some(path.file_name()?.to_string_lossy().to_ascii_lowercase())
}

fn is_not_mail_stem(stem: &str) -> bool {
    let first = stem.split(['.', '-', '_']).next().unwrap_or(stem);
    NOT_MAIL_STEMS.contains(&stem) || NOT_MAIL_STEMS.contains(&first)
}

/// The message part a file name says it is: `welcome.html` and `welcome.mjml` are the HTML part
/// of `welcome`, `welcome.txt` and `welcome.text.erb` its text part, `welcome/text.hbs` the text
/// part of the folder's message. None for other files and for text files that are project
/// documents (`README.txt`).
pub fn part_name(file_name: &str) -> Option<PartName> {
    let name = file_name.to_ascii_lowercase();
    let (rest, outer) = name.rsplit_once('.')?;
    let (stem, role, bare) = if TEXT_EXTS.contains(&outer) {
        (rest, PartRole::Text, true)
    } else if MARKUP_EXTS.contains(&outer) {
        (rest, PartRole::Html, false)
    } else if TEMPLATE_EXTS.contains(&outer) {
        match rest.rsplit_once('.') {
            Some((stem, inner)) if TEXT_EXTS.contains(&inner) => (stem, PartRole::Text, false),
            Some((stem, inner)) if MARKUP_EXTS.contains(&inner) => (stem, PartRole::Html, false),
            // `welcome/text.hbs`: the text part of a folder-per-message layout, but only when
            // its `html.*` sibling is there (a `partials/text.hbs` is an HTML text block).
            None if TEXT_PART_STEMS.contains(&rest) => (rest, PartRole::Text, true),
            _ => (rest, PartRole::Html, false),
        }
    } else {
        return None;
    };
    if stem.is_empty() || role == PartRole::Text && is_not_mail_stem(stem) {
        return None;
    }
    let stem = if PART_STEMS.contains(&stem) { "" } else { stem };
    Some(PartName {
        stem: stem.to_string(),
        role,
        bare,
    })
}

/// Kind and format from the file name alone; JSON is refined by content (JSON Schema → schema).
/// A bare `.txt`/`.text` file is not decided here: see [`bare_text_part`].
pub fn classify(path: &Path) -> Option<(FileKind, SourceFormat)> {
    let mut name = lower_name(path)?;
    // `config.toml.sample`, `docker-compose.yml.example`: samples are what users copy to prod.
    for suffix in [".sample", ".example", ".dist"] {
        if let Some(stem) = name.strip_suffix(suffix)
            && stem.contains('.')
        {
            name = stem.to_string();
        }
    }
    if name == ".env" || name.starts_with(".env.") || name.ends_with(".env") {
        return Some((FileKind::Config, SourceFormat::Env));
    }
    // Blade views are HTML templates; other PHP is code, not a template.
    if name.ends_with(".blade.php") {
        return Some((FileKind::Html, SourceFormat::Html));
    }
    let (rest, ext) = name.rsplit_once('.')?;
    // `x.text.erb`, `x.txt.j2`: a template that renders plain text is a text part by its name.
    if TEMPLATE_EXTS.contains(&ext)
        && let Some((_, inner)) = rest.rsplit_once('.')
        && TEXT_EXTS.contains(&inner)
    {
        return part_name(&name).map(|_| (FileKind::Text, SourceFormat::Text));
    }
    Some(match ext {
        "html" | "htm" => (FileKind::Html, SourceFormat::Html),
        e if TEMPLATE_EXTS.contains(&e) => (FileKind::Html, SourceFormat::Html),
        "mjml" => (FileKind::Mjml, SourceFormat::Mjml),
        "yaml" | "yml" => (FileKind::Config, SourceFormat::Yaml),
        "json" => (FileKind::Config, SourceFormat::Json),
        "toml" => (FileKind::Config, SourceFormat::Toml),
        "ini" | "cnf" => (FileKind::Config, SourceFormat::Ini),
        "sql" => (FileKind::Schema, SourceFormat::Sql),
        "prisma" => (FileKind::Schema, SourceFormat::Prisma),
        _ => return None,
    })
}

/// The format a forced kind implies for a path whose extension says nothing.
pub fn default_format(kind: FileKind, path: &Path) -> SourceFormat {
    classify(path).map(|(_, f)| f).unwrap_or(match kind {
        FileKind::Html => SourceFormat::Html,
        FileKind::Mjml => SourceFormat::Mjml,
        FileKind::Text => SourceFormat::Text,
        FileKind::Config => SourceFormat::Yaml,
        FileKind::Schema => SourceFormat::Sql,
    })
}

/// A `.txt`/`.text` file whose name alone leaves open whether it is mail.
pub fn is_bare_text(path: &Path) -> bool {
    path.file_name()
        .and_then(|n| part_name(&n.to_string_lossy()))
        .is_some_and(|p| p.bare)
}

/// A `.txt` or `.text` file (not a template that renders text).
pub fn is_plain_text_file(path: &Path) -> bool {
    path.extension()
        .is_some_and(|e| TEXT_EXTS.iter().any(|t| e.eq_ignore_ascii_case(t)))
}

/// Why a bare text file is read as the text part of an email.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TextEvidence {
    /// An HTML or MJML part of the same message sits beside it (the sibling's file name).
    Paired(String),
    /// A `.txt`/`.text` file in a mail directory (`emails/`, `mailers/`, `notifications/`, ...);
    /// it is a part only if it also holds a merge tag, which the caller checks in its text.
    MailDir,
}

/// Directory names that hold email templates: `email`, `emails`, `email_templates`, `mail`,
/// `mailers`, `user_mailer`, `notifications`, ...
fn is_mail_dir(name: &str) -> bool {
    let n = name.to_ascii_lowercase();
    n.starts_with("email")
        || n.starts_with("e-mail")
        || n.starts_with("mail")
        || n.ends_with("mailer")
        || n.ends_with("mailers")
        || matches!(
            n.as_str(),
            "notifications" | "notification" | "newsletter" | "newsletters" | "transactional"
        )
}

/// Whether one of the three directories above `path` is a mail directory. Only the nearest
/// ones count: a checkout under `/home/mail/` says nothing about its files.
pub fn in_mail_dir(path: &Path) -> bool {
    path.parent()
        .into_iter()
        .flat_map(|p| p.components().rev().take(3))
        .any(|c| matches!(c, Component::Normal(n) if is_mail_dir(&n.to_string_lossy())))
}

/// Why `path`, a bare text file (`welcome.txt`, `welcome/text.hbs`), is a mail part, given the
/// lower-cased names of the files in its directory; None when nothing says so.
pub fn bare_text_part(path: &Path, siblings: &[String]) -> Option<TextEvidence> {
    let name = lower_name(path)?;
    let me = part_name(&name).filter(|p| p.bare)?;
    let pair = siblings
        .iter()
        .find(|s| **s != name && part_name(s).is_some_and(|p| p.role == PartRole::Html && p.stem == me.stem));
    match pair {
        Some(s) => Some(TextEvidence::Paired(s.clone())),
        None if is_plain_text_file(path) && in_mail_dir(path) => Some(TextEvidence::MailDir),
        None => None,
    }
}

/// The directory a path's siblings live in (`.` for a bare file name).
pub fn dir_of(path: &Path) -> PathBuf {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// Lower-cased file names of a directory, sorted.
pub fn read_names(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .flatten()
        .filter(|e| e.file_type().is_ok_and(|t| t.is_file() || t.is_symlink()))
        .map(|e| e.file_name().to_string_lossy().to_ascii_lowercase())
        .collect();
    names.sort();
    names
}

/// Directory listings for kind decisions, one `readdir` per directory. A listing is read again
/// when the directory's modification time changes, so a long editor session sees a part that
/// was added or removed.
#[derive(Debug, Default)]
pub struct DirListings {
    cache: Mutex<HashMap<PathBuf, Listing>>,
}

/// A directory's names as read, and its modification time then.
#[derive(Debug)]
struct Listing {
    mtime: Option<SystemTime>,
    names: Arc<Vec<String>>,
}

impl DirListings {
    pub fn names(&self, dir: &Path) -> Arc<Vec<String>> {
        let mtime = std::fs::metadata(dir).and_then(|m| m.modified()).ok();
        let mut cache = self.cache.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(seen) = cache.get(dir)
            && seen.mtime == mtime
        {
            return Arc::clone(&seen.names);
        }
        let names = Arc::new(read_names(dir));
        cache.insert(
            dir.to_path_buf(),
            Listing {
                mtime,
                names: Arc::clone(&names),
            },
        );
        names
    }

    /// [`bare_text_part`] with this cache's listing of the file's directory; the directory is
    /// read only for bare text files.
    pub fn text_evidence(&self, path: &Path) -> Option<TextEvidence> {
        if !is_bare_text(path) {
            return None;
        }
        bare_text_part(path, &self.names(&dir_of(path)))
    }

    pub fn clear(&self) {
        self.cache.lock().unwrap_or_else(|p| p.into_inner()).clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn samples_are_their_underlying_kind() {
        let k = |p: &str| classify(Path::new(p)).map(|(_, f)| f);
        assert_eq!(k("config.toml.sample"), Some(SourceFormat::Toml));
        assert_eq!(k(".env.example"), Some(SourceFormat::Env));
        assert_eq!(k("docker-compose.yml.dist"), Some(SourceFormat::Yaml));
        assert_eq!(k("README.example"), None);
    }

    #[test]
    fn blade_views_are_html_and_plain_php_is_not() {
        let k = |p: &str| classify(Path::new(p)).map(|(k, _)| k);
        assert_eq!(k("resources/views/emails/welcome.blade.php"), Some(FileKind::Html));
        assert_eq!(k("app/Mail/Welcome.php"), None);
    }

    #[test]
    fn compound_text_templates_are_text_parts_by_name() {
        let k = |p: &str| classify(Path::new(p));
        for p in [
            "app/views/user_mailer/welcome.text.erb",
            "welcome.txt.hbs",
            "welcome.text.liquid",
            "welcome.txt.j2",
            "welcome.txt.twig",
            "welcome.txt.njk",
            "welcome.text.mustache",
            "Welcome.TXT.Jinja2",
        ] {
            assert_eq!(k(p), Some((FileKind::Text, SourceFormat::Text)), "{p}");
        }
        // Their HTML siblings stay HTML.
        assert_eq!(k("welcome.html.erb"), Some((FileKind::Html, SourceFormat::Html)));
        assert_eq!(k("welcome.hbs"), Some((FileKind::Html, SourceFormat::Html)));
        // A rendered project document is not mail, whatever template language renders it.
        assert_eq!(k("roles/web/templates/robots.txt.j2"), None);
        assert_eq!(k("requirements.txt.j2"), None);
    }

    #[test]
    fn bare_text_is_left_to_its_surroundings() {
        for p in ["emails/welcome.txt", "welcome.text", "README.txt"] {
            assert_eq!(classify(Path::new(p)), None, "{p}");
        }
        assert!(is_bare_text(Path::new("emails/welcome.txt")));
        assert!(!is_bare_text(Path::new("emails/README.txt")));
        assert!(!is_bare_text(Path::new("emails/welcome.text.erb")));
    }

    fn names(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_ascii_lowercase()).collect()
    }

    #[test]
    fn a_text_file_beside_its_html_part_is_a_part() {
        let ev = |p: &str, dir: &[&str]| bare_text_part(Path::new(p), &names(dir));
        assert_eq!(
            ev("site/welcome.txt", &["welcome.html", "welcome.txt"]),
            Some(TextEvidence::Paired("welcome.html".into()))
        );
        assert_eq!(
            ev("x/welcome.txt", &["welcome.mjml", "welcome.txt"]),
            Some(TextEvidence::Paired("welcome.mjml".into()))
        );
        assert_eq!(
            ev("x/Welcome.text", &["Welcome.html.hbs", "Welcome.text"]),
            Some(TextEvidence::Paired("welcome.html.hbs".into()))
        );
        assert_eq!(
            ev("x/reset/text.txt", &["html.html", "text.txt"]),
            Some(TextEvidence::Paired("html.html".into()))
        );
        // Another stem, or only text beside it: not a pair.
        assert_eq!(ev("x/welcome.txt", &["goodbye.html", "welcome.txt"]), None);
        assert_eq!(ev("x/notes.txt", &["notes.md", "notes.txt"]), None);
        // Folder per message: `text.hbs` is the text part only beside `html.hbs`.
        assert_eq!(
            ev("emails/welcome/text.hbs", &["html.hbs", "text.hbs"]),
            Some(TextEvidence::Paired("html.hbs".into()))
        );
        assert_eq!(ev("emails/partials/text.hbs", &["button.hbs", "text.hbs"]), None);
        assert_eq!(
            classify(Path::new("emails/partials/text.hbs")),
            Some((FileKind::Html, SourceFormat::Html))
        );
    }

    #[test]
    fn project_documents_are_never_parts() {
        let ev = |p: &str, dir: &[&str]| bare_text_part(Path::new(p), &names(dir));
        for p in [
            "emails/README.txt",
            "emails/requirements.txt",
            "emails/requirements-dev.txt",
            "emails/LICENSE.txt",
            "emails/LICENSE-MIT.txt",
            "emails/robots.txt",
            "emails/CMakeLists.txt",
        ] {
            let name = p.rsplit('/').next().unwrap_or(p);
            let stem = name.rsplit_once('.').map(|(s, _)| s).unwrap_or(name);
            let html = format!("{stem}.html");
            assert_eq!(ev(p, &[name, &html]), None, "{p}");
        }
    }

    #[test]
    fn mail_directories() {
        for p in [
            "emails/welcome.txt",
            "app/views/user_mailer/welcome.txt",
            "templates/email_templates/welcome.txt",
            "src/mail/welcome/body.txt",
            "notifications/order/shipped.txt",
            "Emails/a/b/welcome.txt",
        ] {
            assert!(in_mail_dir(Path::new(p)), "{p}");
            assert_eq!(bare_text_part(Path::new(p), &[]), Some(TextEvidence::MailDir), "{p}");
        }
        for p in [
            "docs/welcome.txt",
            "/var/mail/a/b/c/welcome.txt",
            "welcome.txt",
            "gmail-notes/x/y/z/a.txt",
        ] {
            assert!(!in_mail_dir(Path::new(p)), "{p}");
        }
    }

    #[test]
    fn part_names() {
        let p = |n: &str| part_name(n).map(|p| (p.stem, p.role, p.bare));
        assert_eq!(p("welcome.html"), Some(("welcome".into(), PartRole::Html, false)));
        assert_eq!(p("welcome.mjml"), Some(("welcome".into(), PartRole::Html, false)));
        assert_eq!(p("welcome.html.erb"), Some(("welcome".into(), PartRole::Html, false)));
        assert_eq!(p("welcome.text.erb"), Some(("welcome".into(), PartRole::Text, false)));
        assert_eq!(p("welcome.txt"), Some(("welcome".into(), PartRole::Text, true)));
        assert_eq!(p("html.hbs"), Some((String::new(), PartRole::Html, false)));
        assert_eq!(p("text.hbs"), Some((String::new(), PartRole::Text, true)));
        assert_eq!(p("footer.hbs"), Some(("footer".into(), PartRole::Html, false)));
        assert_eq!(p("text.txt"), Some((String::new(), PartRole::Text, true)));
        assert_eq!(p("README.txt"), None);
        assert_eq!(p("config.yaml"), None);
        assert_eq!(p(".txt"), None);
    }

    #[test]
    fn listings_are_cached_and_refreshed() {
        let dir = std::env::temp_dir().join(format!("inboxlint-kind-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("temp dir");
        std::fs::write(dir.join("welcome.txt"), "Hi").expect("write");
        let listings = DirListings::default();
        let txt = dir.join("welcome.txt");
        assert_eq!(listings.text_evidence(&txt), None);
        std::fs::write(dir.join("welcome.html"), "<p>Hi</p>").expect("write");
        // A new file changes the directory's modification time (at the file system's resolution).
        let fresh = DirListings::default();
        assert_eq!(
            fresh.text_evidence(&txt),
            Some(TextEvidence::Paired("welcome.html".into()))
        );
        let _ = std::fs::remove_dir_all(&dir);
    }
}
