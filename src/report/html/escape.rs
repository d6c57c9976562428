//! HTML escaping. One function for text and attribute values alike: escaping all five
//! characters costs a few bytes and leaves no context in which template text could end an
//! element, an attribute or a `srcdoc` document early.

/// Append `s` to `out`, escaped for HTML text and quoted attribute values.
pub fn push(out: &mut String, s: &str) {
    let mut rest = s;
    while let Some(i) = rest.find(['&', '<', '>', '"', '\'']) {
        out.push_str(&rest[..i]);
        out.push_str(match rest.as_bytes()[i] {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'"' => "&quot;",
            _ => "&#39;",
        });
        rest = &rest[i + 1..];
    }
    out.push_str(rest);
}

/// `s` escaped, as a new string.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + s.len() / 8);
    push(&mut out, s);
    out
}

/// A fragment identifier made of `[a-z0-9-]` only, so it needs no escaping anywhere.
pub fn anchor(prefix: &str, s: &str) -> String {
    let mut out = String::with_capacity(prefix.len() + s.len());
    out.push_str(prefix);
    for c in s.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else {
            out.push('-');
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_every_delimiter() {
        assert_eq!(
            escape(r#"</iframe><script>alert('x' & "y")</script>"#),
            "&lt;/iframe&gt;&lt;script&gt;alert(&#39;x&#39; &amp; &quot;y&quot;)&lt;/script&gt;"
        );
        assert_eq!(escape("café 😀"), "café 😀");
    }

    #[test]
    fn anchors_are_plain() {
        assert_eq!(
            anchor("rule-", "canspam/unsubscribe-missing"),
            "rule-canspam-unsubscribe-missing"
        );
        assert_eq!(anchor("r-", "a\"<b>"), "r-a--b-");
    }
}
