//! What kind of file a path is, by extension and, for JSON, by content.

use crate::document::{FileKind, SourceFormat};
use std::path::Path;

const HTML_EXTS: &[&str] = &[
    "html",
    "htm",
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

/// Kind and format from the file name alone; JSON is refined by content (JSON Schema → schema).
pub fn classify(path: &Path) -> Option<(FileKind, SourceFormat)> {
    let mut name = path.file_name()?.to_string_lossy().to_ascii_lowercase();
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
    let ext = name.rsplit_once('.').map(|(_, e)| e)?;
    Some(match ext {
        e if HTML_EXTS.contains(&e) => (FileKind::Html, SourceFormat::Html),
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
        FileKind::Config => SourceFormat::Yaml,
        FileKind::Schema => SourceFormat::Sql,
    })
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
}
