//! Which regulations a rule serves, read from the rule's own data: its group and the
//! citations in its `refs:`. A rule added with a CASL citation shows up under CASL without
//! anyone editing a table of rule ids.

/// The regulations and sender requirements the report summarises.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Regulation {
    CanSpam,
    Casl,
    GdprPecr,
    Ccpa,
    BulkSender,
}

/// A rule group that is itself a regulation: every rule in it serves that regulation.
const GROUPS: &[(&str, Regulation)] = &[
    ("canspam", Regulation::CanSpam),
    ("casl", Regulation::Casl),
    ("gdpr", Regulation::GdprPecr),
];

/// How each regulation is cited in `refs:` (case-sensitive: citations are written one way).
const CITATIONS: &[(&str, Regulation)] = &[
    ("CAN-SPAM", Regulation::CanSpam),
    ("15 U.S.C. §7704", Regulation::CanSpam),
    ("16 CFR §316", Regulation::CanSpam),
    ("ftc.gov/business-guidance/resources/can-spam", Regulation::CanSpam),
    ("CASL", Regulation::Casl),
    ("SOR/2012-36", Regulation::Casl),
    ("Electronic Commerce Protection Regulations", Regulation::Casl),
    ("CRTC", Regulation::Casl),
    ("GDPR", Regulation::GdprPecr),
    ("PECR", Regulation::GdprPecr),
    ("ePrivacy", Regulation::GdprPecr),
    ("2002/58/EC", Regulation::GdprPecr),
    ("CCPA", Regulation::Ccpa),
    ("CPRA", Regulation::Ccpa),
    ("Cal. Civ. Code §1798", Regulation::Ccpa),
    ("CCR §70", Regulation::Ccpa),
    // Gmail's and Yahoo's sender requirements, and the one-click unsubscribe standard they
    // both require of bulk senders.
    ("support.google.com/a/answer/81126", Regulation::BulkSender),
    ("support.google.com/mail/answer/81126", Regulation::BulkSender),
    ("senders.yahooinc.com", Regulation::BulkSender),
    ("RFC 8058", Regulation::BulkSender),
];

impl Regulation {
    pub const ALL: [Regulation; 5] = [
        Regulation::CanSpam,
        Regulation::Casl,
        Regulation::GdprPecr,
        Regulation::Ccpa,
        Regulation::BulkSender,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Regulation::CanSpam => "CAN-SPAM",
            Regulation::Casl => "CASL",
            Regulation::GdprPecr => "GDPR / PECR",
            Regulation::Ccpa => "CCPA",
            Regulation::BulkSender => "Gmail / Yahoo bulk sender",
        }
    }

    /// What the regulation asks of an email, in a sentence a marketing lead can act on.
    pub fn about(self) -> &'static str {
        match self {
            Regulation::CanSpam => {
                "US law on commercial email: a working opt-out honoured within 10 business days, \
                 the sender's postal address, truthful headers and subject lines."
            }
            Regulation::Casl => {
                "Canada's anti-spam law: consent, identification of the sender with contact \
                 details, and an unsubscribe mechanism in every commercial message."
            }
            Regulation::GdprPecr => {
                "EU and UK data protection and e-privacy rules: lawful, minimal and secure use of \
                 personal data, the right to object to direct marketing, a named sender."
            }
            Regulation::Ccpa => {
                "California's privacy law: notice, minimisation and reasonable security for \
                 consumers' personal and sensitive personal information."
            }
            Regulation::BulkSender => {
                "Gmail's and Yahoo's requirements for bulk senders: one-click unsubscribe \
                 (RFC 8058), authenticated and aligned From, TLS, low complaint rates."
            }
        }
    }

    pub fn slug(self) -> &'static str {
        match self {
            Regulation::CanSpam => "can-spam",
            Regulation::Casl => "casl",
            Regulation::GdprPecr => "gdpr-pecr",
            Regulation::Ccpa => "ccpa",
            Regulation::BulkSender => "bulk-sender",
        }
    }

    /// The regulations a rule serves, in [`Regulation::ALL`] order, from its id's group and
    /// its refs. Empty for rules that cite none (template hygiene, input problems).
    pub fn of(rule_id: &str, refs: &[String]) -> Vec<Regulation> {
        let group = rule_id.split('/').next().unwrap_or(rule_id);
        let mut found: Vec<Regulation> = GROUPS
            .iter()
            .filter(|(g, _)| *g == group)
            .map(|&(_, r)| r)
            .chain(
                CITATIONS
                    .iter()
                    .filter(|(cite, _)| refs.iter().any(|r| r.contains(cite)))
                    .map(|&(_, r)| r),
            )
            .collect();
        found.sort_unstable();
        found.dedup();
        found
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refs(r: &[&str]) -> Vec<String> {
        r.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn group_and_citations_both_count() {
        let r = Regulation::of(
            "canspam/unsubscribe-missing",
            &refs(&[
                "15 U.S.C. §7704(a)(3)(A)(i)",
                "CASL s.6(2)(c), s.11(1)(a)(i)",
                "UK PECR reg. 23(b)",
                "https://support.google.com/a/answer/81126",
            ]),
        );
        assert_eq!(
            r,
            vec![
                Regulation::CanSpam,
                Regulation::Casl,
                Regulation::GdprPecr,
                Regulation::BulkSender
            ]
        );
    }

    #[test]
    fn californian_citations_are_ccpa() {
        let r = Regulation::of(
            "privacy/sensitive-merge-field",
            &refs(&["GDPR Art. 9", "Cal. Civ. Code §1798.140(ae)", "PCI DSS v4.0 req. 4.2.2"]),
        );
        assert_eq!(r, vec![Regulation::GdprPecr, Regulation::Ccpa]);
    }

    #[test]
    fn rules_citing_no_regulation_have_none() {
        assert!(Regulation::of("template/include-cycle", &refs(&["https://jinja.palletsprojects.com/"])).is_empty());
        assert!(Regulation::of("input/unreadable", &[]).is_empty());
    }

    /// Every built-in rule of a regulation's own group is mapped to it, and every built-in
    /// rule group that names a regulation has rules that cite more than their group.
    #[test]
    fn builtin_rules_map_to_regulations() {
        let set = crate::rules::RuleSet::builtin().unwrap();
        let mut bulk = 0;
        for rule in &set.rules {
            let regs = Regulation::of(&rule.id, &rule.refs);
            if rule.id.starts_with("casl/") {
                assert!(regs.contains(&Regulation::Casl), "{}", rule.id);
            }
            if regs.contains(&Regulation::BulkSender) {
                bulk += 1;
            }
        }
        assert!(bulk >= 5, "only {bulk} rules cite the bulk-sender requirements");
    }
}
