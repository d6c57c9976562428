//! Inferring a template's class when neither a config glob nor an in-file marker says.
//!
//! CAN-SPAM's "primary purpose" test (16 CFR 316.3) makes a message transactional when its
//! primary purpose is to facilitate an agreed transaction, confirm a purchase, or give account
//! or security information. inboxlint infers that only from strong signals in the places that
//! state a message's purpose (the `<title>`, an `h1`–`h3` heading, or the opening text), and
//! only when the message carries no promotional content at all: a receipt with a coupon is
//! treated as marketing, the fail-safe choice.

use crate::document::{Document, FileKind};
use regex::Regex;
use std::sync::LazyLock;

/// What a signal says the message is, with the patterns that say it (case-insensitive).
const SIGNALS: &[(&str, &str)] = &[
    (
        "password reset",
        r"\breset (?:your |my )?password\b|\bpassword reset\b|\bforgot (?:your )?password\b|\bpasswort zurücksetzen\b|\bréinitialis(?:er|ation) (?:de )?(?:votre )?mot de passe\b|\brestablecer (?:tu |su )?contraseña\b",
    ),
    (
        "email or account verification",
        r"\b(?:verify|confirm) (?:your |my )?(?:e-?mail(?: address)?|account|address|sign[ -]?up|registration|subscription)\b|\bverification code\b|\bone-time (?:pass)?code\b|\byour (?:login|sign-in|security) code\b|\be-mail-adresse bestätigen\b|\bconfirmez votre (?:adresse|e-mail|compte)\b|\bconfirma tu (?:correo|cuenta)\b",
    ),
    (
        "receipt or invoice",
        r"\byour receipt\b|\breceipt (?:for|from) \b|\bpayment (?:receipt|received|confirmation)\b|\binvoice (?:#|no\.|number|for|from)|\binvoice\s*[:#]|\byour invoice\b|\bihre rechnung\b|\bvotre facture\b|\btu factura\b",
    ),
    (
        "order or shipping confirmation",
        r"\border (?:confirmation|confirmed|#|number|no\.)|\byour order (?:has|is|was)\b|\bthanks? (?:you )?for your (?:order|purchase)\b|\b(?:has|have) shipped\b|\bshipping confirmation\b|\bout for delivery\b|\bdelivery (?:update|confirmation)\b|\bbestellbestätigung\b|\bcommande confirmée\b|\bconfirmación de (?:pedido|envío)\b",
    ),
    (
        "security alert",
        r"\bsecurity alert\b|\bnew (?:sign-?in|login)\b|\bunusual (?:sign-?in|login|activity)\b|\bpassword (?:was|has been) changed\b|\btwo-factor (?:authentication )?code\b|\b2fa code\b",
    ),
];

/// Content whose presence makes a message's primary purpose commercial, whatever else it says.
const PROMOTIONAL: &str = r"\b\d{1,3}\s?% off\b|\bsale\b|\bdiscount(?:s|ed)?(?:$|[^.@\w]|\.(?:$|\W))|\bcoupons?\b|\bpromo(?:tion|tional)? code\b|\buse code\b|\bshop now\b|\bbuy now\b|\blimited[- ]time\b|\bfree shipping\b|\bspecial offer\b|\bexclusive offer\b|\byou (?:might|may) also like\b|\brecommended for you\b|\bnew arrivals\b|\bdon'?t miss\b|\bsave up to\b|\bdeals?\b|\bnewsletter\b";

/// ASCII word boundaries keep the regexes on the fast DFA path (a Unicode `\b` makes it give
/// up at the first non-ASCII byte); the words themselves still match case-insensitively.
fn compile(pattern: &str) -> Option<Regex> {
    Regex::new(&format!("(?i){}", pattern.replace(r"\b", r"(?-u:\b)"))).ok()
}

static SIGNAL_RES: LazyLock<Vec<(&'static str, Regex)>> = LazyLock::new(|| {
    SIGNALS
        .iter()
        .filter_map(|(what, p)| compile(p).map(|r| (*what, r)))
        .collect()
});
static PROMO_RE: LazyLock<Option<Regex>> = LazyLock::new(|| compile(PROMOTIONAL));

/// How much opening text counts as "first text".
const OPENING_CHARS: usize = 300;

/// Where a text run sits: the title, a heading, or neither.
fn place(doc: &Document, offset: usize) -> Option<&'static str> {
    let i = doc.elements.partition_point(|e| e.span.start < offset);
    let mut cur = i.checked_sub(1);
    for _ in 0..4 {
        let el = &doc.elements[cur?];
        match el.name.as_str() {
            "title" | "mj-title" => return Some("title"),
            "h1" | "h2" | "h3" => return Some("heading"),
            _ => cur = el.parent,
        }
    }
    None
}

/// `Some(reason)` when the template is transactional by its own words.
pub fn infer(doc: &Document) -> Option<String> {
    if !matches!(doc.kind, FileKind::Html | FileKind::Mjml | FileKind::Text) {
        return None;
    }
    let promo = PROMO_RE.as_ref()?;
    // One search over everything the recipient reads, runs kept apart so words do not join.
    let mut readable = String::new();
    for t in doc
        .text
        .iter()
        .filter(|t| t.visible)
        .map(|t| &t.text)
        .chain(doc.links.iter().map(|l| &l.text))
    {
        readable.push_str(t);
        readable.push('\n');
    }
    if promo.is_match(&readable) {
        return None;
    }
    let mut places: Vec<(&'static str, String)> = Vec::new();
    let mut opening = String::new();
    for run in &doc.text {
        match place(doc, run.span.start) {
            Some(p) => places.push((p, run.text.trim().to_string())),
            None if run.visible && opening.chars().count() < OPENING_CHARS => {
                opening.push_str(run.text.trim());
                opening.push(' ');
            }
            None => {}
        }
    }
    let opening: String = opening.chars().take(OPENING_CHARS).collect();
    places.push(("opening text", opening));
    for (where_, text) in &places {
        for (what, re) in SIGNAL_RES.iter() {
            if let Some(m) = re.find(text) {
                return Some(format!(
                    "{what}: the {where_} says \"{}\" and nothing in it is promotional",
                    m.as_str()
                ));
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::Format;
    use crate::knowledge::Knowledge;

    fn infer_html(html: &str) -> Option<String> {
        let k = Knowledge::builtin().expect("knowledge");
        let doc = crate::engine::facts::build(html, FileKind::Html, Format::Html, &k);
        infer(&doc)
    }

    #[test]
    fn strong_signals_make_transactional() {
        let r =
            infer_html("<html><head><title>Reset your password</title></head><body><p>Click below.</p></body></html>");
        assert_eq!(
            r.as_deref(),
            Some("password reset: the title says \"Reset your password\" and nothing in it is promotional")
        );
        let r = infer_html("<body><h1>Your receipt from Acme</h1><p>Total: $12.00</p></body>");
        assert!(r.unwrap().starts_with("receipt or invoice: the heading"));
        let r = infer_html("<body><p>Hi Ana, your order has shipped and is on its way.</p></body>");
        assert!(
            r.unwrap()
                .starts_with("order or shipping confirmation: the opening text")
        );
        let r = infer_html("<body><h2>Security alert</h2><p>New sign-in from Chrome on Windows.</p></body>");
        assert!(r.unwrap().starts_with("security alert"));
        let r = infer_html("<body><p>Acme</p><p>Invoice: A80SD99</p><p>Your card was charged $39.99.</p></body>");
        assert!(
            r.unwrap()
                .starts_with("receipt or invoice: the opening text says \"Invoice:\"")
        );
        // A domain that happens to read "discount" is not an offer.
        let r = infer_html("<body><h1>Thanks for your order.</h1><p>Email support@discount.boat</p></body>");
        assert!(r.unwrap().starts_with("order or shipping confirmation"));
        let r = infer_html("<body><p>Please verify your email address to finish signing up.</p></body>");
        assert!(r.unwrap().starts_with("email or account verification"));
    }

    #[test]
    fn promotion_or_weak_signals_stay_marketing() {
        // A receipt that sells is marketing-ish: the fail-safe answer.
        assert_eq!(
            infer_html("<body><h1>Your receipt</h1><p>Use code SAVE20 for 20% off your next order!</p></body>"),
            None
        );
        assert_eq!(
            infer_html("<body><h1>Your receipt</h1><a href=\"https://x\">Shop now</a></body>"),
            None
        );
        // A signal deep in the body is not the message's purpose.
        let filler = "<p>Our spring collection is here with fresh colours and styles for everyone.</p>".repeat(6);
        assert_eq!(
            infer_html(&format!(
                "<body>{filler}<p>Forgot your password? Reset it here.</p></body>"
            )),
            None
        );
        assert_eq!(infer_html("<body><h1>Spring is here</h1></body>"), None);
        assert_eq!(
            infer_html("<body><h1>Your order has shipped</h1><p>A discount for you</p></body>"),
            None
        );
        assert_eq!(
            infer_html("<body><h1>Your order has shipped</h1><p>Get a discount</p></body>"),
            None
        );
        assert_eq!(
            infer_html("<body><h1>Your order has shipped</h1><p>Members get a discount.</p></body>"),
            None
        );
        // Hidden text is not the opening text.
        assert_eq!(
            infer_html("<body><div style=\"display:none\">Reset your password</div><p>Hello</p></body>"),
            None
        );
    }
}
