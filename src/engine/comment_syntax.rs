//! Which comment syntax a file takes, for suppressions written by users, by `inboxlint`'s
//! LSP code actions, and for reading them back. A template comment that the ESP strips is
//! preferred over an HTML comment that would be sent to every recipient.

use crate::document::Format;
use std::path::Path;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CommentStyle {
    pub open: &'static str,
    /// Empty for line comments.
    pub close: &'static str,
}

impl CommentStyle {
    pub fn wrap(&self, body: &str) -> String {
        if self.close.is_empty() {
            format!("{} {body}", self.open)
        } else {
            format!("{} {body} {}", self.open, self.close)
        }
    }
}

pub const HTML: CommentStyle = CommentStyle {
    open: "<!--",
    close: "-->",
};
pub const HANDLEBARS: CommentStyle = CommentStyle {
    open: "{{!--",
    close: "--}}",
};
pub const JINJA: CommentStyle = CommentStyle {
    open: "{#",
    close: "#}",
};
pub const LIQUID: CommentStyle = CommentStyle {
    open: "{% comment %}",
    close: "{% endcomment %}",
};
pub const HASH: CommentStyle = CommentStyle { open: "#", close: "" };
pub const SQL: CommentStyle = CommentStyle { open: "--", close: "" };
pub const SLASHES: CommentStyle = CommentStyle { open: "//", close: "" };

/// The comment syntax to write into `path` (None for JSON, which has no comments).
pub fn style_for(path: &Path, format: Format) -> Option<CommentStyle> {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    let ext = name.rsplit_once('.').map(|(_, e)| e.to_string()).unwrap_or_default();
    Some(match format {
        Format::Html | Format::Mjml => match ext.as_str() {
            "hbs" | "handlebars" | "mustache" => HANDLEBARS,
            "j2" | "jinja" | "jinja2" | "njk" | "twig" => JINJA,
            "liquid" => LIQUID,
            _ => HTML,
        },
        Format::Yaml | Format::Toml | Format::Env | Format::Ini => HASH,
        Format::Sql => SQL,
        Format::Prisma => SLASHES,
        Format::Json => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn styles_by_file() {
        let s = |p: &str, f| style_for(Path::new(p), f).map(|s| s.wrap("inboxlint-ignore x/y: why"));
        assert_eq!(
            s("a.hbs", Format::Html).as_deref(),
            Some("{{!-- inboxlint-ignore x/y: why --}}")
        );
        assert_eq!(
            s("a.njk", Format::Html).as_deref(),
            Some("{# inboxlint-ignore x/y: why #}")
        );
        assert_eq!(
            s("a.html", Format::Html).as_deref(),
            Some("<!-- inboxlint-ignore x/y: why -->")
        );
        assert_eq!(s(".env", Format::Env).as_deref(), Some("# inboxlint-ignore x/y: why"));
        assert_eq!(s("a.sql", Format::Sql).as_deref(), Some("-- inboxlint-ignore x/y: why"));
        assert_eq!(s("a.json", Format::Json), None);
    }
}
