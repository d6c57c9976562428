//! Small lexing helpers shared by the directive scanners. All of them work on bounded slices so
//! that every scanner stays linear in the length of the file.

use memchr::memmem;

/// The longest argument list or tag a scanner reads past its opener; beyond it, a tag that never
/// closes is taken as text, so an unclosed opener cannot make a scan quadratic.
pub const MAX_TAG: usize = 4096;

/// Finds a closing delimiter after an opener, remembering when it no longer occurs, so that a
/// file full of unclosed openers is still scanned in linear time.
pub struct Closer {
    finder: memmem::Finder<'static>,
    exhausted: bool,
}

impl Closer {
    pub fn new(needle: &'static str) -> Closer {
        Closer {
            finder: memmem::Finder::new(needle.as_bytes()),
            exhausted: false,
        }
    }

    /// Offset of the first closer at or after `from`.
    pub fn find(&mut self, text: &str, from: usize) -> Option<usize> {
        if self.exhausted || from > text.len() {
            return None;
        }
        match self.finder.find(&text.as_bytes()[from..]) {
            Some(at) => Some(from + at),
            None => {
                self.exhausted = true;
                None
            }
        }
    }
}

/// A quoted string at the start of `s` (after blanks): its content and the offset just past
/// its closing quote, relative to `s`. Quotes: `'`, `"` and Go's backquote.
pub fn string_literal(s: &str) -> Option<(&str, usize)> {
    let lead = s.len() - s.trim_start().len();
    let rest = &s[lead..];
    let quote = rest.chars().next().filter(|c| matches!(c, '\'' | '"' | '`'))?;
    let body = &rest[1..];
    let end = body.find(quote)?;
    Some((&body[..end], lead + 1 + end + 1))
}

/// Every string literal in `s`, in order (for lists such as `["a.html", "b.html"]`).
pub fn string_literals(s: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = s;
    while let Some(at) = rest.find(['\'', '"']) {
        match string_literal(&rest[at..]) {
            Some((lit, used)) => {
                out.push(lit.to_string());
                rest = &rest[at + used..];
            }
            None => break,
        }
    }
    out
}

/// The first blank-separated word of `s` and what follows it.
pub fn first_word(s: &str) -> (&str, &str) {
    let s = s.trim_start();
    let end = s.find(|c: char| c.is_whitespace()).unwrap_or(s.len());
    (&s[..end], &s[end..])
}

/// `s` without whitespace-control marks (`-`, `~`, `+`) and blanks at either end.
pub fn trim_controls(s: &str) -> &str {
    s.trim_start_matches(['-', '~', '+'])
        .trim_end_matches(['-', '~', '+'])
        .trim()
}

/// The offset of the byte after the `)` closing the `(` at `open`, skipping quoted strings;
/// None when it does not close within [`MAX_TAG`].
pub fn balanced_parens(text: &str, open: usize) -> Option<usize> {
    let bytes = text.as_bytes();
    let limit = (open + MAX_TAG).min(bytes.len());
    let mut depth = 0usize;
    let mut quote: Option<u8> = None;
    let mut i = open;
    while i < limit {
        let b = bytes[i];
        match quote {
            Some(_) if b == b'\\' => i += 1,
            Some(q) if b == q => quote = None,
            Some(_) => {}
            None => match b {
                b'\'' | b'"' => quote = Some(b),
                b'(' => depth += 1,
                b')' => {
                    depth = depth.saturating_sub(1);
                    if depth == 0 {
                        return Some(i + 1);
                    }
                }
                _ => {}
            },
        }
        i += 1;
    }
    None
}

/// The offset just past the `>` ending the tag that starts at `start`, skipping quoted
/// attribute values; None when it does not end within [`MAX_TAG`].
pub fn tag_end(text: &str, start: usize) -> Option<usize> {
    let bytes = text.as_bytes();
    let limit = (start + MAX_TAG).min(bytes.len());
    let mut quote: Option<u8> = None;
    for (i, &b) in bytes.iter().enumerate().take(limit).skip(start) {
        match quote {
            Some(q) if b == q => quote = None,
            Some(_) => {}
            None => match b {
                b'"' | b'\'' => quote = Some(b),
                b'>' => return Some(i + 1),
                _ => {}
            },
        }
    }
    None
}

/// The value of attribute `name` in the start tag `tag` (`name="v"` or `name='v'`).
pub fn attribute<'t>(tag: &'t str, name: &str) -> Option<&'t str> {
    let bytes = tag.as_bytes();
    let mut from = 0;
    while let Some(at) = tag[from..].find(name).map(|a| a + from) {
        from = at + name.len();
        let before_ok = at > 0 && bytes[at - 1].is_ascii_whitespace();
        let after = tag[from..].trim_start();
        if before_ok && let Some(v) = after.strip_prefix('=') {
            return string_literal(v).map(|(lit, _)| lit);
        }
    }
    None
}

/// Whether the byte before `at` continues a word, so that `a@b.c` is not a Blade directive.
pub fn word_before(text: &str, at: usize) -> bool {
    at > 0 && {
        let b = text.as_bytes()[at - 1];
        b.is_ascii_alphanumeric() || b == b'_' || b == b'.' || b == b'@'
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn literals_and_words() {
        assert_eq!(string_literal("  'a b' x"), Some(("a b", 7)));
        assert_eq!(string_literal("`go`"), Some(("go", 4)));
        assert_eq!(string_literal("\"open"), None);
        assert_eq!(string_literals(r#"["a.html", 'b.html']"#), vec!["a.html", "b.html"]);
        assert_eq!(first_word("  include 'x'"), ("include", " 'x'"));
        assert_eq!(trim_controls("- include 'x' -"), "include 'x'");
    }

    #[test]
    fn parens_tags_and_attributes() {
        assert_eq!(balanced_parens("f('a)', (b)) x", 1), Some(12));
        assert_eq!(balanced_parens("f(", 1), None);
        assert_eq!(tag_end(r#"<a href=">">x"#, 0), Some(12));
        assert_eq!(
            attribute(r#"<mj-include path="./f.mjml" type='html'/>"#, "type"),
            Some("html")
        );
        assert_eq!(attribute(r#"<mj-include xpath="a" path="b"/>"#, "path"), Some("b"));
    }

    #[test]
    fn closer_gives_up_once() {
        let mut c = Closer::new("%}");
        assert_eq!(c.find("{% a %}", 0), Some(5));
        assert_eq!(c.find("{% a", 0), None);
        assert_eq!(c.find("%}", 0), None, "exhausted closers stay exhausted");
    }
}
