//! Which comment syntax a file takes, for suppressions written by users, by `inboxlint`'s
//! LSP code actions, and for reading them back. A template comment that the ESP strips is
//! preferred over an HTML comment that would be sent to every recipient.

use crate::document::SourceFormat;
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
pub const ERB: CommentStyle = CommentStyle {
    open: "<%#",
    close: "%>",
};
pub const C_BLOCK: CommentStyle = CommentStyle {
    open: "/*",
    close: "*/",
};

/// Every comment syntax inboxlint reads suppressions from (the order matters only for
/// [`strip_close`]: longer closers first, so `--}}` is not cut as `}}`).
pub const ALL: &[CommentStyle] = &[HANDLEBARS, HTML, LIQUID, JINJA, ERB, C_BLOCK, HASH, SQL, SLASHES];

/// `text` without a trailing comment closer (`-->`, `--}}`, `#}`, `{% endcomment %}`, `{%- endcomment -%}`, ...).
pub fn strip_close(text: &str) -> &str {
    let t = text.trim_end();
    for style in ALL.iter().filter(|s| !s.close.is_empty()) {
        if let Some(rest) = t.strip_suffix(style.close) {
            return rest.trim_end();
        }
    }
    // Liquid's whitespace-control variants of `{% endcomment %}`.
    if let Some(open) = t.rfind("{%")
        && t.ends_with("%}")
        && t.len() >= open + 4
        && t[open + 2..t.len() - 2].trim_matches(|c: char| c == '-' || c.is_whitespace()) == "endcomment"
    {
        return t[..open].trim_end();
    }
    // Short Handlebars comments: `{{! ... }}`.
    t.strip_suffix("}}").map(str::trim_end).unwrap_or(t)
}

/// The comment syntax to write into `path` (None for JSON, which has no comments).
pub fn style_for(path: &Path, format: SourceFormat) -> Option<CommentStyle> {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    let ext = name.rsplit_once('.').map(|(_, e)| e.to_string()).unwrap_or_default();
    Some(match format {
        SourceFormat::Html | SourceFormat::Mjml => match ext.as_str() {
            "hbs" | "handlebars" | "mustache" => HANDLEBARS,
            "j2" | "jinja" | "jinja2" | "njk" | "twig" => JINJA,
            "liquid" => LIQUID,
            _ => HTML,
        },
        // A text part takes its template language's comment; a bare `.txt` has none.
        SourceFormat::Text => match ext.as_str() {
            "hbs" | "handlebars" | "mustache" => HANDLEBARS,
            "j2" | "jinja" | "jinja2" | "njk" | "twig" => JINJA,
            "liquid" => LIQUID,
            "erb" => ERB,
            _ => return None,
        },
        SourceFormat::Yaml | SourceFormat::Toml | SourceFormat::Env | SourceFormat::Ini => HASH,
        SourceFormat::Sql => SQL,
        SourceFormat::Prisma => SLASHES,
        SourceFormat::Json => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn styles_by_file() {
        let s = |p: &str, f| style_for(Path::new(p), f).map(|s| s.wrap("inboxlint-ignore x/y: why"));
        assert_eq!(
            s("a.hbs", SourceFormat::Html).as_deref(),
            Some("{{!-- inboxlint-ignore x/y: why --}}")
        );
        assert_eq!(
            s("a.njk", SourceFormat::Html).as_deref(),
            Some("{# inboxlint-ignore x/y: why #}")
        );
        assert_eq!(
            s("a.html", SourceFormat::Html).as_deref(),
            Some("<!-- inboxlint-ignore x/y: why -->")
        );
        assert_eq!(
            s(".env", SourceFormat::Env).as_deref(),
            Some("# inboxlint-ignore x/y: why")
        );
        assert_eq!(
            s("a.sql", SourceFormat::Sql).as_deref(),
            Some("-- inboxlint-ignore x/y: why")
        );
        assert_eq!(s("a.json", SourceFormat::Json), None);
        assert_eq!(
            s("a.text.erb", SourceFormat::Text).as_deref(),
            Some("<%# inboxlint-ignore x/y: why %>")
        );
        assert_eq!(
            s("a.txt.hbs", SourceFormat::Text).as_deref(),
            Some("{{!-- inboxlint-ignore x/y: why --}}")
        );
        assert_eq!(s("a.txt", SourceFormat::Text), None);
    }

    #[test]
    fn closers_are_stripped() {
        assert_eq!(strip_close(" a: b -->"), " a: b");
        assert_eq!(strip_close(" a: b --}}"), " a: b");
        assert_eq!(strip_close(" a: b }}"), " a: b");
        assert_eq!(strip_close(" a: b #}"), " a: b");
        assert_eq!(strip_close(" a: b {% endcomment %}"), " a: b");
        assert_eq!(strip_close(" a: b {%- endcomment -%} "), " a: b");
        assert_eq!(strip_close(" a: b */"), " a: b");
        assert_eq!(strip_close(" a: b"), " a: b");
        assert_eq!(strip_close("{%}"), "{%}");
    }
}
