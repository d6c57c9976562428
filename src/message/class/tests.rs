use super::*;
use crate::document::SourceFormat;

fn decide_at(path: &str, html: &str) -> ClassDecision {
    decide_with(path, html, &[])
}

/// The facts the engine would build, from the layers below this one.
fn parse(text: &str, kind: FileKind, format: SourceFormat, k: &Knowledge) -> Document {
    let mut doc = Document::new(kind, format, text.len());
    let masked = crate::syntax::merge_tags::scan_and_mask(text, k);
    crate::syntax::html::parse(text, &masked.text, masked.tags, &mut doc);
    doc
}

fn decide_with(path: &str, html: &str, esp: &[&str]) -> ClassDecision {
    let k = Knowledge::builtin().expect("knowledge");
    let format = if path.ends_with(".mjml") {
        SourceFormat::Mjml
    } else {
        SourceFormat::Html
    };
    let kind = if format == SourceFormat::Mjml {
        FileKind::Mjml
    } else {
        FileKind::Html
    };
    let doc = parse(html, kind, format, &k);
    let esp: Vec<String> = esp.iter().map(|s| s.to_string()).collect();
    decide(&doc, Path::new(path), &esp, &k)
}

fn decide_html(html: &str) -> ClassDecision {
    decide_at("emails/message.html", html)
}

fn has(d: &ClassDecision, kind: EvidenceKind, detail: &str) -> bool {
    d.evidence.iter().any(|e| e.kind == kind && e.detail.contains(detail))
}

#[test]
fn purpose_in_title_heading_preheader_and_opening() {
    let d = decide_html("<html><head><title>Reset your password</title></head><body><p>Click below.</p></body></html>");
    assert_eq!(d.class, MessageClass::Transactional, "{d:?}");
    assert!(has(
        &d,
        EvidenceKind::Purpose,
        "the title says \"Reset your password\" (password reset)"
    ));
    assert_eq!(d.evidence[0].weight, 4);

    let d = decide_html("<body><h1>Your receipt from Acme</h1><p>Total: $12.00</p></body>");
    assert_eq!(d.class, MessageClass::Transactional, "{d:?}");
    assert!(has(&d, EvidenceKind::Purpose, "a heading says"));

    let d = decide_html(
        "<body><div style=\"display:none\">Your order has shipped</div><p>Hi Ana, it is on its way.</p></body>",
    );
    assert!(has(&d, EvidenceKind::Purpose, "the preheader says"), "{d:?}");
    assert_eq!(d.class, MessageClass::Transactional, "{d:?}");

    let d = decide_html("<body><p>Hi Ana, thank you very much for your purchase.</p></body>");
    assert!(has(&d, EvidenceKind::Purpose, "the opening text says"), "{d:?}");
    assert_eq!(d.class, MessageClass::Transactional, "{d:?}");
    // A heading split by inline markup is still one heading.
    let d = decide_html("<body><h1>Your <b>order</b> has <i>shipped</i></h1></body>");
    assert!(has(&d, EvidenceKind::Purpose, "a heading says \"Your order\""), "{d:?}");
    // The preheader alone weighs 3: not enough to call it without anything else.
    let d = decide_html("<body><div style=\"display:none\">Your receipt is inside</div><p>Hello.</p></body>");
    assert_eq!(d.class, MessageClass::Unknown, "{d:?}");
}

#[test]
fn purpose_deep_in_the_body_is_not_the_purpose() {
    let filler = "<p>Our spring collection is here with fresh colours and styles for everyone.</p>".repeat(6);
    let d = decide_html(&format!(
        "<body>{filler}<p>Forgot your password? Reset it here.</p></body>"
    ));
    assert!(!d.evidence.iter().any(|e| e.kind == EvidenceKind::Purpose), "{d:?}");
    assert_ne!(d.class, MessageClass::Transactional);
}

#[test]
fn purpose_in_seven_languages() {
    let cases = [
        // English
        ("Confirm you want to receive email marketing from Acme", "opt-in"),
        ("Thank you very much for your purchase", "receipt"),
        ("New sign-in to your account", "security"),
        ("Your verification code is 123456", "one-time"),
        ("Your magic link to sign in", "sign-in link"),
        // German
        ("Passwort zurücksetzen", "password reset"),
        ("Bitte bestätigen Sie Ihre E-Mail-Adresse", "verification"),
        ("Ihre Bestellung ist unterwegs", "order"),
        ("Vielen Dank für Ihren Einkauf", "receipt"),
        ("Neue Anmeldung bei Ihrem Konto", "security"),
        // French
        ("Réinitialisation de votre mot de passe", "password reset"),
        ("Confirmez votre abonnement", "opt-in"),
        ("Votre commande a été expédiée", "order"),
        ("Votre facture du mois", "receipt"),
        ("Votre code de vérification", "one-time"),
        // Spanish
        ("Restablecer tu contraseña", "password reset"),
        ("Confirma tu suscripción", "opt-in"),
        ("Confirmación de pedido", "order"),
        ("Gracias por tu compra", "receipt"),
        ("Alerta de seguridad", "security"),
        // Italian
        ("Reimposta la password", "password reset"),
        ("Conferma il tuo indirizzo email", "verification"),
        ("Il tuo ordine è stato spedito", "order"),
        ("Grazie per il tuo acquisto", "receipt"),
        ("Codice di verifica", "one-time"),
        // Dutch
        ("Wachtwoord opnieuw instellen", "password reset"),
        ("Bevestig je inschrijving", "opt-in"),
        ("Je bestelling is verzonden", "order"),
        ("Bedankt voor je bestelling", "receipt"),
        ("Nieuwe aanmelding op je account", "security"),
        // Portuguese
        ("Redefinir sua senha", "password reset"),
        ("Confirme sua inscrição", "opt-in"),
        ("Seu pedido foi enviado", "order"),
        ("Obrigado pela sua compra", "receipt"),
        ("Código de verificação", "one-time"),
    ];
    for (heading, reason) in cases {
        let d = decide_html(&format!("<body><h1>{heading}</h1><p>Hallo.</p></body>"));
        assert!(
            d.evidence
                .iter()
                .any(|e| e.kind == EvidenceKind::Purpose && e.detail.contains(reason)),
            "{heading}: {d:?}"
        );
        assert_eq!(d.class, MessageClass::Transactional, "{heading}: {d:?}");
    }
}

#[test]
fn translation_keys_name_the_purpose() {
    // listmonk: the words live in a language file, the template names the key.
    let d = decide_at(
        "static/email-templates/forgot-password.html",
        "{{ define \"forgot-password\" }}<p>{{ L.T \"email.forgotPassword.subject\" }}</p>{{ end }}",
    );
    assert!(
        has(
            &d,
            EvidenceKind::Purpose,
            "the translation key \"email.forgotPassword.subject\" reads \"forgot password\""
        ),
        "{d:?}"
    );
    assert_eq!(d.class, MessageClass::Transactional, "{d:?}");
    // Mailtrain: keys written as text inside a translate block.
    let d = decide_html("<mj-text>{{#translate}}pleaseConfirmSubscription{{/translate}}</mj-text>");
    assert!(has(&d, EvidenceKind::Purpose, "please confirm subscription"), "{d:?}");
}

#[test]
fn path_and_file_name() {
    let empty = "<body><p>Hello {{ name }}.</p></body>";
    let d = decide_at("orders/order-confirmation.liquid", empty);
    assert!(
        has(
            &d,
            EvidenceKind::Path,
            "the file name \"order-confirmation.liquid\" says \"order confirmation\""
        ),
        "{d:?}"
    );
    assert!(
        has(&d, EvidenceKind::Path, "the directory \"orders/\" says \"order\""),
        "{d:?}"
    );
    assert_eq!(d.class, MessageClass::Transactional, "{d:?}");

    let d = decide_at(
        "src/emails/LoginNotification/index.mjml",
        "<mjml><mj-body><mj-text>Hi</mj-text></mj-body></mjml>",
    );
    assert_eq!(d.score(), 4, "{d:?}");
    assert_eq!(d.class, MessageClass::Transactional, "{d:?}");

    // One directory word alone is weak evidence.
    let d = decide_at("notification/Event.html", empty);
    assert_eq!(d.class, MessageClass::Unknown, "{d:?}");
    assert!(
        d.reason()
            .contains("the directory \"notification/\" says \"notification\""),
        "{}",
        d.reason()
    );

    for p in [
        "emails/transactional/welcome.html",
        "mail/auth/magic-link.html",
        "templates/password.html",
        "account/verify.hbs",
    ] {
        assert!(d_score(p, empty) > 0, "{p}");
    }
    let d = decide_at("emails/newsletters/2024-05.html", empty);
    assert_eq!(d.class, MessageClass::Marketing, "{d:?}");
    let d = decide_at("campaigns/spring-promo.html", empty);
    assert!(d.score() <= -4, "{d:?}");
    assert_eq!(d.class, MessageClass::Marketing);
    // Words inside other words are not words: `confirmme` is a theme name.
    assert_eq!(d_score("themes/confirmme/email.html", empty), 0);
}

fn d_score(path: &str, html: &str) -> i32 {
    decide_at(path, html).score()
}

#[test]
fn merge_fields_only_transactional_mail_carries() {
    let d = decide_html("<body><p>Order {{ order.number }}</p><a href=\"{{ tracking_url }}\">Track</a></body>");
    assert!(
        has(&d, EvidenceKind::MergeField, "\"order.number\" (an order number)"),
        "{d:?}"
    );
    assert!(
        has(&d, EvidenceKind::MergeField, "\"tracking_url\" (a tracking number)"),
        "{d:?}"
    );
    assert_eq!(d.class, MessageClass::Transactional, "{d:?}");

    let d = decide_html("<body><a href=\"{{ reset_url }}\">Go</a></body>");
    assert!(has(&d, EvidenceKind::MergeField, "a password reset URL"), "{d:?}");
    let d = decide_html("<body><p>{{ otp_code }}</p></body>");
    assert!(has(&d, EvidenceKind::MergeField, "a one-time code"), "{d:?}");
    let d = decide_html("<body><p>{% if transaction.kind == 'sale' %}Paid{% endif %}</p></body>");
    assert!(has(&d, EvidenceKind::MergeField, "\"transaction.kind\""), "{d:?}");
    // The Liquid condition is logic, not an advertisement.
    assert!(!d.evidence.iter().any(|e| e.kind == EvidenceKind::Promotion), "{d:?}");
    // Commented-out tags are not sent.
    let d = decide_html("<body>{{!-- {{ order.number }} --}}<p>Hi</p></body>");
    assert!(!d.evidence.iter().any(|e| e.kind == EvidenceKind::MergeField), "{d:?}");
    let d = decide_html("<body><p>Hi {{ first_name }}, see {{ product.title }}</p></body>");
    assert!(d.evidence.is_empty(), "{d:?}");
    assert_eq!(d.class, MessageClass::Unknown);
}

#[test]
fn esp_context() {
    let asm = "<body><h1>Your receipt</h1><a href=\"<%asm_group_unsubscribe_raw_url%>\">Unsubscribe</a></body>";
    let d = decide_html(asm);
    assert!(has(&d, EvidenceKind::Esp, "a SendGrid ASM unsubscribe group"), "{d:?}");
    assert_eq!(d.class, MessageClass::Unknown, "{d:?}");
    // Only for the ESPs a project is configured for.
    let d = decide_with("emails/r.html", asm, &["postmark"]);
    assert!(!d.evidence.iter().any(|e| e.kind == EvidenceKind::Esp), "{d:?}");

    let d = decide_html("<body><p>News</p><a href=\"{{{ pm:unsubscribe }}}\">Unsubscribe</a></body>");
    assert!(has(&d, EvidenceKind::Esp, "broadcast"), "{d:?}");
    assert_eq!(d.class, MessageClass::Marketing, "{d:?}");
    // A Postmark template without it goes out on a transactional stream: no marketing evidence.
    let d = decide_with(
        "emails/r.html",
        "<body><h1>Your receipt</h1><p>{{ receipt_id }}</p></body>",
        &["postmark"],
    );
    assert_eq!(d.class, MessageClass::Transactional, "{d:?}");
    let d = decide_html("<body><p>*|MC:SUBJECT|*</p><a href=\"*|UNSUB|*\">Unsubscribe</a></body>");
    assert!(has(&d, EvidenceKind::Esp, "Mailchimp"), "{d:?}");
    assert_eq!(d.class, MessageClass::Marketing);
}

#[test]
fn promotion_by_the_primary_purpose_test() {
    // A receipt that sells: the fail-safe makes it marketing.
    let d = decide_html("<body><h1>Your receipt</h1><p>Use code SAVE20 for 20% off your next order!</p></body>");
    assert_eq!(d.class, MessageClass::Marketing, "{d:?}");
    assert!(d.promotional);
    assert!(
        d.reason()
            .starts_with("promotional content makes it marketing whatever else it says (score -2): "),
        "{}",
        d.reason()
    );
    assert!(d.reason().contains("(an offer)"), "{}", d.reason());
    let d = decide_html("<body><h1>Your receipt</h1><a href=\"https://x\">Shop now</a></body>");
    assert_eq!(d.class, MessageClass::Marketing, "{d:?}");
    // An order's own discount line is part of the transaction.
    let d = decide_html(
        "<body><h1>Order confirmation</h1><table><tr><td>Subtotal</td><td>$40.00</td></tr>\
         <tr><td>Discount (WELCOME10)</td><td>-$4.00</td></tr><tr><td>Discounts:</td><td>$0</td></tr>\
         <tr><td>Total</td><td>$36.00</td></tr></table></body>",
    );
    assert!(!d.evidence.iter().any(|e| e.kind == EvidenceKind::Promotion), "{d:?}");
    assert_eq!(d.class, MessageClass::Transactional, "{d:?}");
    // Weak wording alone does not veto, but it counts.
    let d = decide_html("<body><h1>Your order has shipped</h1><p>Members get a discount.</p></body>");
    assert!(has(&d, EvidenceKind::Promotion, "promotional wording"), "{d:?}");
    assert_ne!(d.class, MessageClass::Transactional, "{d:?}");
    // Hidden text is not what the recipient reads as content.
    let d = decide_html("<body><div style=\"display:none\">50% off everything</div><h1>Your receipt</h1></body>");
    assert!(!d.evidence.iter().any(|e| e.kind == EvidenceKind::Promotion), "{d:?}");
    // A product grid sells without saying so.
    let card = |n: u32| {
        format!(
            "<td><a href=\"https://shop.example/p/{n}\"><img src=\"https://shop.example/{n}.jpg\"></a><p>${n}9.00</p></td>"
        )
    };
    let grid: String = (1..=4).map(card).collect();
    let d = decide_html(&format!(
        "<body><h1>Thanks for your order</h1><table><tr>{grid}</tr></table></body>"
    ));
    assert!(
        has(
            &d,
            EvidenceKind::Promotion,
            "a product grid: 4 linked images and 4 prices"
        ),
        "{d:?}"
    );
    assert_eq!(d.class, MessageClass::Marketing);
    // Offers in other languages.
    for offer in [
        "20% Rabatt auf alles",
        "Profitez de 20 % de réduction",
        "Compra ahora",
        "Spedizione gratuita",
        "Bestel nu",
        "Frete grátis",
    ] {
        let d = decide_html(&format!("<body><h1>Your receipt</h1><p>{offer}</p></body>"));
        assert_eq!(d.class, MessageClass::Marketing, "{offer}: {d:?}");
    }
}

#[test]
fn reasons_are_one_line_and_name_the_evidence() {
    let d = decide_html("<body><p>Lorem ipsum.</p></body>");
    assert_eq!(d.class, MessageClass::Unknown);
    assert!(d.reason().starts_with("no evidence either way"));
    let d = decide_at(
        "emails/password-reset.html",
        "<html><head><title>Reset your password</title></head><body><h1>Reset your password</h1><p>Forgot your password?</p><a href=\"{{ reset_url }}\">Reset</a></body></html>",
    );
    let reason = d.reason();
    assert!(!reason.contains('\n'));
    assert!(reason.starts_with(&format!("score {:+}: ", d.score())), "{reason}");
    assert!(reason.ends_with("more"), "{reason}");
    // Configs and schemas have no message class to infer.
    let k = Knowledge::builtin().expect("knowledge");
    let doc = Document::new(FileKind::Config, SourceFormat::Yaml, 0);
    assert_eq!(
        decide(&doc, Path::new("reset.yaml"), &[], &k).class,
        MessageClass::Marketing
    );
}
