//! Finds ESP merge tags with exact spans, gives each its registry facts, and masks them with
//! same-length blanks so the HTML tokenizer sees plain markup and offsets stay true.

use crate::document::{Emits, MergeTag, Role, TagContext, TagKind};
use crate::knowledge::Knowledge;
use crate::knowledge::dialects::{TokenInfo, tag_name};
use crate::source::Span;

pub struct Masked {
    /// The text with every tag blanked out, byte for byte as long as the original.
    pub text: String,
    pub tags: Vec<MergeTag>,
}

/// Scan `text` for merge tags. Contexts are `Value` here; the markup pass refines them.
pub fn scan(text: &str, knowledge: &Knowledge) -> Vec<MergeTag> {
    let registry = &knowledge.registry;
    registry
        .scan(text)
        .into_iter()
        .map(|raw| {
            let syntax = &registry.syntaxes[raw.syntax];
            let body = &text[raw.body.0..raw.body.1];
            let name = tag_name(body);
            let kind = refine_kind(syntax.family, syntax.kind, body, &name);
            let infos = if kind == TagKind::Comment {
                Vec::new()
            } else {
                registry.lookup(syntax.family, &name)
            };
            let mut dialects: Vec<&'static str> = infos.iter().map(|i| i.dialect).collect();
            dialects.dedup();
            // A verified registry entry speaks before an unverified one.
            let with_role = infos
                .iter()
                .find(|i| i.role.is_some() && i.verified)
                .or_else(|| infos.iter().find(|i| i.role.is_some()));
            let role = with_role.and_then(effective_role);
            let verified = with_role.is_some_and(|i| i.verified);
            // Dialects can disagree (Dittofeed's `{% unsubscribe_link %}` is an anchor, Klaviyo's a
            // URL): read such a tag as a URL, since a false "nested link" error is worse than none.
            let emits = match with_role.and_then(|i| i.emits) {
                Some(e)
                    if infos
                        .iter()
                        .any(|i| i.role.is_some() && i.verified == verified && i.emits.is_some_and(|x| x != e)) =>
                {
                    Some(Emits::Url)
                }
                // An unverified "renders a whole link" claim must not raise a nested-link error.
                Some(Emits::Anchor) if !verified => Some(Emits::Url),
                other => other,
            };
            // A tag with a role prints the sender's data or a link, never the recipient's.
            let (pii, sensitive) = if role.is_some() || kind != TagKind::Output {
                (None, false)
            } else if let Some(p) = infos.iter().find_map(|i| i.pii.clone()) {
                let sensitive = knowledge
                    .lexicon
                    .categories()
                    .iter()
                    .any(|c| c.name == p && c.sensitive);
                (Some(p), sensitive)
            } else if let Some(c) = knowledge.lexicon.pii_category(&name) {
                (Some(c.name.clone()), c.sensitive)
            } else {
                (None, false)
            };
            MergeTag {
                span: Span::new(raw.start, raw.end),
                syntax: syntax.family,
                dialects,
                name,
                kind,
                role,
                emits,
                pii,
                sensitive,
                context: TagContext::Value,
                visible: true,
                role_needs_esp: with_role.is_some_and(|i| i.only_configured),
                verified,
            }
        })
        .collect()
}

/// The role a registry entry gives its tag: a preference centre that offers "unsubscribe from
/// all" is an opt-out on its own.
pub fn effective_role(info: &TokenInfo) -> Option<Role> {
    match info.role {
        Some(Role::Preferences) if info.opts_out_all => Some(Role::Unsubscribe),
        other => other,
    }
}

fn refine_kind(family: &str, kind: TagKind, body: &str, name: &str) -> TagKind {
    // SocketLabs closes its link pair with `##/UnsubscribeLink##`.
    if family == "socketlabs" && body.starts_with('/') {
        return TagKind::Block;
    }
    if family != "curly" || kind != TagKind::Output {
        return kind;
    }
    match body.trim_start().chars().next() {
        Some('!') => TagKind::Comment,
        Some('#' | '/' | '^' | '>') => TagKind::Block,
        _ if name == "else" => TagKind::Block,
        _ => kind,
    }
}

/// Blank out every tag. Inside a start tag spaces keep attributes apart
/// (`<td {% if vip %}class="vip"{% endif %}>`); right after `=` (an unquoted attribute value)
/// a letter keeps the value non-empty.
pub fn mask(text: &str, tags: &[MergeTag]) -> String {
    let mut bytes = text.as_bytes().to_vec();
    for tag in tags {
        let fill = if tag.span.start > 0 && bytes.get(tag.span.start - 1) == Some(&b'=') {
            b'x'
        } else {
            b' '
        };
        for b in &mut bytes[tag.span.start..tag.span.end] {
            if *b != b'\n' {
                *b = fill;
            }
        }
    }
    // Only ASCII bytes replaced whole tags (which start and end on char boundaries).
    String::from_utf8(bytes).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}

pub fn scan_and_mask(text: &str, knowledge: &Knowledge) -> Masked {
    let tags = scan(text, knowledge);
    let masked = mask(text, &tags);
    Masked { text: masked, tags }
}

/// Whether a tag produces a link on its own (so it must sit in text, not in an href).
pub fn emits_anchor(tag: &MergeTag) -> bool {
    tag.emits == Some(Emits::Anchor)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn k() -> std::sync::Arc<Knowledge> {
        Knowledge::builtin().expect("built-in knowledge loads")
    }

    fn names(text: &str) -> Vec<(String, &'static str, Option<Role>)> {
        scan(text, &k())
            .into_iter()
            .map(|t| (t.name, t.syntax, t.role))
            .collect()
    }

    #[test]
    fn finds_every_dialect_with_exact_spans() {
        let text = "a *|UNSUB|* b {{ customer.email }} c {{{ pm:unsubscribe }}} d %%unsub_center_url%% e <%asm_group_unsubscribe_raw_url%> f {% unsubscribe %} g {{${set_user_to_unsubscribed_url}}}";
        let tags = scan(text, &k());
        assert_eq!(tags.len(), 7);
        for t in &tags {
            let s = &text[t.span.range()];
            assert!(s.starts_with(['*', '{', '%', '<']), "{s}");
        }
        let roles: Vec<_> = tags.iter().map(|t| t.role).collect();
        assert_eq!(
            roles,
            vec![
                Some(Role::Unsubscribe),
                None,
                Some(Role::Unsubscribe),
                Some(Role::Unsubscribe),
                Some(Role::Unsubscribe),
                Some(Role::Unsubscribe),
                Some(Role::Unsubscribe)
            ]
        );
        assert_eq!(tags[1].pii.as_deref(), Some("email"));
    }

    #[test]
    fn css_percentages_and_plain_text_are_not_tags() {
        assert!(names("<td width=\"100%\" style=\"width:50%;\">100% FREE%</td>").is_empty());
    }

    #[test]
    fn comments_and_blocks() {
        let tags = scan("{{!-- note --}}{{#if a}}{{/if}}{# j #}", &k());
        let kinds: Vec<_> = tags.iter().map(|t| t.kind).collect();
        assert_eq!(
            kinds,
            vec![TagKind::Comment, TagKind::Block, TagKind::Block, TagKind::Comment]
        );
    }

    #[test]
    fn masking_keeps_length_and_attribute_boundaries() {
        let text = "<td {% if vip %}class=\"vip\"{% endif %}><a href={{url}}>é</a></td>";
        let m = scan_and_mask(text, &k());
        assert_eq!(m.text.len(), text.len());
        assert!(m.text.starts_with(&format!("<td {}class=\"vip\"", " ".repeat(12))));
        assert!(m.text.contains("href=xxxxxxx>"));
    }

    #[test]
    fn generic_names_and_mandrill_arguments() {
        let n = names("{{ unsubscribe_url }} *|UNSUB:https://x.example/u|* {{ company_address }}");
        assert_eq!(n[0].2, Some(Role::Unsubscribe));
        assert_eq!(n[1].2, Some(Role::Unsubscribe));
        assert_eq!(n[2].2, Some(Role::Address));
    }
}
