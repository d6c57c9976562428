//! Every ESP in `rules/esp/` with an unsubscribe tag: its documented footer (unsubscribe and
//! address, in the vendor's own tags) passes with the ESP configured, and the same footer inside
//! an HTML comment is reported twice (no unsubscribe, no address), since a recipient never sees
//! a comment.

use inboxlint::engine::{LintAs, LintSetup, Linter, Overrides};
use inboxlint::knowledge::Knowledge;
use inboxlint::report::Diagnostic;
use inboxlint::rules::RuleSet;
use inboxlint::workspace::{config::Resolved, kind};
use std::path::Path;

/// A street address for ESPs that have no address tag (the sender writes it into the template).
const ADDRESS: &str = "Acme Inc., 2261 Market Street #4109, San Francisco, CA 94114";

/// (dialect, footer as the vendor documents it).
const FOOTERS: &[(&str, &str)] = &[
    (
        "acoustic",
        "<p>Acme Inc., 2261 Market Street #4109, San Francisco, CA 94114</p><a href=\"#SPCUSTOMOPTOUT\" xt=\"SPCUSTOMOPTOUT\">Unsubscribe</a>",
    ),
    (
        "activecampaign",
        "<p>%SENDER-INFO%</p><a href=\"%UNSUBSCRIBELINK%\">Unsubscribe</a>",
    ),
    (
        "aweber",
        "<p>{!contact_address}</p><a href=\"{!remove_web}\">Unsubscribe</a>",
    ),
    (
        "bento",
        "<p>@ADDRESS@</p><a href=\"{{ visitor.unsubscribe_url }}\">Unsubscribe</a>",
    ),
    (
        "braze",
        "<p>@ADDRESS@</p><a href=\"{{${set_user_to_unsubscribed_url}}}\">Unsubscribe</a>",
    ),
    (
        "brevo",
        "<p>@ADDRESS@</p><a href=\"{{ unsubscribe }}\">Unsubscribe</a> <a href=\"[UNSUBSCRIBE]\">Legacy unsubscribe</a>",
    ),
    (
        "campaignmonitor",
        "<p>@ADDRESS@</p><unsubscribe>Unsubscribe</unsubscribe>",
    ),
    ("cleverreach", "<p>@ADDRESS@</p><a href=\"{UNSUBSCRIBE}\">Abmelden</a>"),
    (
        "customerio",
        "<p>@ADDRESS@</p><a href=\"{% unsubscribe_url %}\">Unsubscribe</a><p>{% unsubscribe %}</p>",
    ),
    ("dittofeed", "<p>@ADDRESS@</p><p>{% unsubscribe_link %}</p>"),
    ("drip", "<p>@ADDRESS@</p><p>{{ unsubscribe_link }}</p>"),
    (
        "emailoctopus",
        "<p>{{SenderInformation}}</p><a href=\"{{UnsubscribeURL}}\">Unsubscribe</a>",
    ),
    (
        "generic",
        "<p>{{ company_address }}</p><a href=\"{{ unsubscribe_href }}\">Unsubscribe</a>",
    ),
    (
        "getresponse",
        "<p>Hi {{CONTACT \"subscriber_first_name\" \"there\"}}</p><p>@ADDRESS@</p><a href=\"{{LINK`unsubscribe`}}\">Unsubscribe</a>",
    ),
    (
        "hubspot",
        "<p>{{ site_settings.company_name }}, {{ site_settings.company_street_address_1 }}, {{ site_settings.company_city }}</p><a href=\"{{ unsubscribe_link_all }}\">Unsubscribe</a>",
    ),
    (
        "iterable",
        "<p>@ADDRESS@</p><a href=\"{{unsubscribeUrl}}\">Unsubscribe</a>",
    ),
    (
        "kit",
        "<p>{{ address }}</p><a href=\"{{ unsubscribe_url }}\">Unsubscribe</a>",
    ),
    (
        "klaviyo",
        "<p>{{ organization.name }} {{ organization.full_address }}</p><p>{% unsubscribe %}</p>",
    ),
    (
        "listmonk",
        "<p>@ADDRESS@</p><a href=\"{{ UnsubscribeURL }}\">Unsubscribe</a>",
    ),
    (
        "mailchannels",
        "<p>@ADDRESS@</p><a href=\"{{mc-unsubscribe-url}}\">Unsubscribe</a>",
    ),
    (
        "mailchimp",
        "<p>*|LIST:COMPANY|* *|HTML:LIST_ADDRESS_HTML|*</p><a href=\"*|UNSUB|*\">Unsubscribe</a>",
    ),
    (
        "mailerlite",
        "<p>@ADDRESS@</p><a href=\"{$unsubscribe}\">Unsubscribe</a>",
    ),
    (
        "mailgun",
        "<p>@ADDRESS@</p><a href=\"%unsubscribe_url%\">Unsubscribe</a>",
    ),
    ("mailjet", "<p>@ADDRESS@</p><a href=\"[[UNSUB_LINK_DA]]\">Afmeld</a>"),
    (
        "mandrill",
        "<p>@ADDRESS@</p><a href=\"*|UNSUB:https://acme.example/bye|*\">Unsubscribe</a>",
    ),
    (
        "marketo",
        "<p>@ADDRESS@</p><a href=\"{{system.unsubscribeLink}}\">Unsubscribe</a>",
    ),
    (
        "mautic",
        "<p>@ADDRESS@</p><a href=\"{unsubscribe_url}\">Unsubscribe</a>",
    ),
    (
        "moosend",
        "<p>@ADDRESS@</p><a href=\"#unsubscribeLink#\">Unsubscribe</a>",
    ),
    ("pardot", "<p>@ADDRESS@</p><a href=\"%%unsubscribe%%\">Unsubscribe</a>"),
    (
        "phplist",
        "<p>@ADDRESS@</p><p>[UNSUBSCRIBE]</p><a href=\"[PREFERENCESURL]\">Preferences</a>",
    ),
    (
        "postmark",
        "<p>@ADDRESS@</p><a href=\"{{{ pm:unsubscribe }}}\">Unsubscribe</a>",
    ),
    (
        "resend",
        "<p>Hi {{{FIRST_NAME|there}}}</p><p>@ADDRESS@</p><a href=\"{{{RESEND_UNSUBSCRIBE_URL}}}\">Unsubscribe</a>",
    ),
    (
        "sendgrid",
        "<p>[Sender_Name] [Sender_Address]</p><a href=\"<%asm_group_unsubscribe_raw_url%>\">Unsubscribe</a>",
    ),
    ("sendy", "<p>@ADDRESS@</p><a href=\"[unsubscribe]\">Unsubscribe</a>"),
    (
        "ses",
        "<p>@ADDRESS@</p><a href=\"{{amazonSESUnsubscribeUrl}}\">Unsubscribe</a>",
    ),
    (
        "sfmc",
        "<p>%%Member_Busname%% %%Member_Addr%% %%Member_City%%</p><a href=\"%%profile_center_url%%\">Manage preferences or unsubscribe</a>",
    ),
    (
        "shopify",
        "<p>{{ shop.name }}, {{ shop_address.address1 }}, {{ shop_address.city }} {{ shop_address.zip }}</p><p>{{ unsubscribe_link }}</p>",
    ),
    ("socketlabs", "<p>##SenderAddress##</p><p>##Unsubscribe##</p>"),
    ("zoho", "<p>@ADDRESS@</p><a href=\"$[LI:UNSUBSCRIBE]$\">Unsubscribe</a>"),
];

fn lint(esp: &str, html: &str) -> Vec<Diagnostic> {
    let mut config = Resolved::defaults(std::env::temp_dir());
    config.esp = vec![esp.to_string()];
    let profile = LintSetup {
        config,
        knowledge: Knowledge::builtin().expect("knowledge"),
        rules: RuleSet::builtin().expect("rules"),
    };
    let linter = Linter::new(Overrides {
        isolated: true,
        ..Overrides::default()
    });
    let path = Path::new("campaign.html");
    let (k, f) = kind::classify(path).expect("html");
    linter.lint_as(path, html, &profile, &LintAs::new(k, f))
}

fn page(body: &str) -> String {
    format!(
        "<html><body><p>Our spring sale starts today.</p>{}</body></html>",
        body.replace("@ADDRESS@", ADDRESS)
    )
}

#[test]
fn each_esp_documented_footer_passes() {
    for (esp, footer) in FOOTERS {
        let found = lint(esp, &page(footer));
        let rules: Vec<String> = found.iter().map(|d| format!("{} {}", d.rule, d.message)).collect();
        assert!(rules.is_empty(), "{esp}: {footer}\n{rules:#?}");
    }
}

#[test]
fn each_esp_footer_in_a_comment_is_missing_both_parts() {
    for (esp, footer) in FOOTERS {
        let found = lint(esp, &page(&format!("<!-- {footer} -->")));
        for rule in ["canspam/unsubscribe-missing", "canspam/physical-address-missing"] {
            assert!(
                found.iter().any(|d| d.rule == rule),
                "{esp}: {rule} not reported for a commented-out footer"
            );
        }
    }
}

#[test]
fn every_esp_with_an_unsubscribe_tag_has_a_footer_test() {
    let knowledge = Knowledge::builtin().expect("knowledge");
    for d in &knowledge.registry.dialects {
        if knowledge
            .registry
            .has_role(d.id, inboxlint::document::Role::Unsubscribe)
        {
            assert!(
                FOOTERS.iter().any(|(e, _)| *e == d.id),
                "{}: add its documented footer to FOOTERS",
                d.id
            );
        }
    }
}

/// Kit's `{{ address }}` is Kit's address block only in a Kit project; elsewhere it is the
/// project's own variable and proves nothing about the sender's postal address.
#[test]
fn kit_address_tag_counts_only_in_a_kit_project() {
    let footer = page("<p>{{ address }}</p><a href=\"{{ unsubscribe_url }}\">Unsubscribe</a>");
    let address_missing = |esp: &str| {
        lint(esp, &footer)
            .iter()
            .any(|d| d.rule == "canspam/physical-address-missing")
    };
    assert!(!address_missing("kit"));
    for other in ["mailchimp", "generic", "drip"] {
        assert!(address_missing(other), "{other}: {{{{ address }}}} taken as an address");
    }
}

/// `{{ unsubscribe_link }}` opts out in Drip and Shopify but opens HubSpot's preference page:
/// the configured ESP's reading wins.
#[test]
fn a_tag_shared_by_esps_takes_the_configured_esps_role() {
    let footer = page("<p>@ADDRESS@</p><a href=\"{{ unsubscribe_link }}\">Email preferences</a>");
    let rules = |esp: &str| -> Vec<&'static str> {
        lint(esp, &footer)
            .iter()
            .filter_map(|d| {
                ["canspam/unsubscribe-missing", "canspam/preference-only-optout"]
                    .into_iter()
                    .find(|r| *r == d.rule)
            })
            .collect()
    };
    assert_eq!(rules("drip"), Vec::<&str>::new());
    assert_eq!(rules("shopify"), Vec::<&str>::new());
    assert_eq!(rules("hubspot"), vec!["canspam/preference-only-optout"]);
}

/// What the newly verified ESPs do about a template without an unsubscribe link, from their
/// pages: the finding stays, at info, and says so.
#[test]
fn esps_that_add_or_require_the_link_say_so_in_the_finding() {
    let no_link = page("<p>@ADDRESS@</p>");
    for (esp, says) in [
        ("omnisend", "Omnisend adds its unsubscribe link"),
        ("beehiiv", "beehiiv puts a preferences-and-unsubscribe link"),
        ("phplist", "phpList appends the campaign footer"),
        ("bento", "Bento refuses to send"),
        ("mailerlite", "MailerLite refuses"),
        ("zoho", "Zoho Campaigns will not continue"),
        ("shopify", "Shopify Email refuses"),
        ("drip", "Drip refuses"),
        ("pardot", "Account Engagement refuses"),
        ("getresponse", "GetResponse adds a footer"),
        ("constantcontact", "Constant Contact adds its own footer"),
    ] {
        let found = lint(esp, &no_link);
        let d = found
            .iter()
            .find(|d| d.rule == "canspam/unsubscribe-missing")
            .unwrap_or_else(|| panic!("{esp}: unsubscribe-missing not reported"));
        assert_eq!(d.severity, inboxlint::report::Severity::Info, "{esp}");
        assert!(d.message.contains(says), "{esp}: {}", d.message);
    }
}

/// Account Engagement's email preference page offers "unsubscribe from all emails" (Pardot's
/// knowledge base), so `%%email_preference_center%%` alone is an opt-out there.
#[test]
fn pardot_preference_centre_opts_out_of_all() {
    let found = lint(
        "pardot",
        &page("<p>@ADDRESS@</p><a href=\"%%email_preference_center%%\">Email preferences</a>"),
    );
    let rules: Vec<&str> = found.iter().map(|d| d.rule.as_str()).collect();
    assert!(rules.is_empty(), "{rules:?}");
}

/// GetResponse's Dynamic Content link takes its token in double quotes or, inside an HTML
/// attribute, back-ticks; either way the token (not the `LINK` function) says what it opens.
#[test]
fn getresponse_dynamic_content_link_is_read_by_its_token() {
    let unsubscribe_missing = |link: &str| {
        lint(
            "getresponse",
            &page(&format!("<p>@ADDRESS@</p><a href=\"{link}\">Click here</a>")),
        )
        .iter()
        .any(|d| d.rule == "canspam/unsubscribe-missing")
    };
    assert!(!unsubscribe_missing("{{LINK \"unsubscribe\"}}"));
    assert!(!unsubscribe_missing("{{LINK`unsubscribe`}}"));
    assert!(unsubscribe_missing("{{LINK \"view\"}}"));
    // The change-details page is a preference link, not an opt-out.
    let found = lint(
        "getresponse",
        &page("<p>@ADDRESS@</p><a href=\"{{LINK `change_details`}}\">Your details</a>"),
    );
    assert!(
        found.iter().any(|d| d.rule == "canspam/preference-only-optout"),
        "{found:?}"
    );
}
