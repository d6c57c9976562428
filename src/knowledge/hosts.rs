//! Who receives a URL: a tracker, the sender itself, or a third party. Personal data in a URL
//! reaches whoever serves it (server and CDN logs) and whatever the landing page hands it to.

use super::yaml::{self, LoadError};
use regex::RegexSet;
use serde::Deserialize;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct TrackersFile {
    parameters: Vec<String>,
    hosts: Vec<String>,
    paths: Vec<String>,
}

/// `rules/lexicon/trackers.yaml`, compiled.
#[derive(Debug)]
pub struct Trackers {
    parameters: RegexSet,
    hosts: RegexSet,
    paths: RegexSet,
}

/// Who receives a URL.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Receiver {
    /// An analytics, ad or tracking service (by host, path or analytics parameter).
    Tracker,
    /// A host outside the sender's domains (only decided when `sender-domains:` is set).
    ThirdParty,
    /// One of the sender's domains, or the configured ESP's click-tracking host.
    FirstParty,
    /// A `mailto:` to the sender's own mailbox, or to an address a tag prints (the address to
    /// write to is the sender's contact, not the recipient's data): no URL is fetched.
    OwnMailbox,
    /// No host to judge (relative, or the host is a tag), or no `sender-domains:` to judge by.
    Unknown,
}

impl Receiver {
    pub fn as_str(self) -> &'static str {
        match self {
            Receiver::Tracker => "tracker",
            Receiver::ThirdParty => "third-party",
            Receiver::FirstParty => "first-party",
            Receiver::OwnMailbox => "own-mailbox",
            Receiver::Unknown => "unknown",
        }
    }

    pub fn parse(s: &str) -> Option<Receiver> {
        [
            Receiver::Tracker,
            Receiver::ThirdParty,
            Receiver::FirstParty,
            Receiver::OwnMailbox,
            Receiver::Unknown,
        ]
        .into_iter()
        .find(|r| r.as_str() == s)
    }
}

/// The receiver of one URL and the host it was judged by, for the message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Judgement {
    pub receiver: Receiver,
    pub host: Option<String>,
}

impl Judgement {
    /// Who receives the value, in words, for a finding's message.
    pub fn describe(&self) -> String {
        let host = self.host.as_deref().unwrap_or("a host");
        match self.receiver {
            Receiver::Tracker => format!("a tracking or analytics service (`{host}`), which keeps it"),
            Receiver::ThirdParty => format!("a third party (`{host}` is not in `sender-domains:`)"),
            Receiver::FirstParty => format!(
                "your own host `{host}`, where its server and CDN logs and any analytics on the page still keep it"
            ),
            Receiver::OwnMailbox => format!("your own mailbox at `{host}`"),
            Receiver::Unknown => match &self.host {
                Some(h) => {
                    format!("`{h}`, which inboxlint cannot tell is yours (list your domains in `sender-domains:`)")
                }
                None => "a host written as a tag or left relative, which inboxlint cannot judge".to_string(),
            },
        }
    }
}

/// Hosts that count as the sender's own: its domains (subdomains included) and the click-tracking
/// hosts of the ESPs it sends with.
#[derive(Debug, Clone, Copy)]
pub struct SenderHosts<'a> {
    pub domains: &'a [String],
    pub esp_hosts: &'a [String],
}

impl Trackers {
    pub fn load(path: &str, text: &str) -> Result<Trackers, LoadError> {
        let file: TrackersFile = yaml::from_str(path, text)?;
        let set = |patterns: &[String], whole: bool| {
            let compiled = patterns.iter().map(|p| {
                if whole {
                    format!("(?i)^(?:{p})$")
                } else {
                    format!("(?i){p}")
                }
            });
            RegexSet::new(compiled).map_err(|e| {
                let first = patterns.first().map(String::as_str).unwrap_or_default();
                let off = text.find(first).unwrap_or(0);
                LoadError::at(path, text, off, first.len(), format!("invalid pattern: {e}"))
            })
        };
        Ok(Trackers {
            // Parameter patterns are whole names: `ga` must not match `page`.
            parameters: set(&file.parameters, true)?,
            hosts: set(&file.hosts, false)?,
            paths: set(&file.paths, false)?,
        })
    }

    /// Who receives `url` (an href, src or form action as written, tags included).
    pub fn judge(&self, url: &str, sender: SenderHosts<'_>) -> Judgement {
        let url = url.trim();
        if let Some(rest) = strip_scheme(url, "mailto:") {
            return self.judge_mailto(rest, sender);
        }
        let Some((host, path, query)) = split_url(url) else {
            return Judgement {
                receiver: self.by_parameters(url).unwrap_or(Receiver::Unknown),
                host: None,
            };
        };
        let judged = |receiver| Judgement {
            receiver,
            host: Some(host.clone()),
        };
        // Analytics parameters hand the landing page's URL to the platform, whoever serves it.
        if let Some(r) = self.by_parameters(query) {
            return judged(r);
        }
        if host_is_tag(&host) {
            return Judgement {
                receiver: Receiver::Unknown,
                host: None,
            };
        }
        if is_sender_host(&host, sender) {
            return judged(Receiver::FirstParty);
        }
        if self.hosts.is_match(&host) || self.paths.is_match(path) {
            return judged(Receiver::Tracker);
        }
        if sender.domains.is_empty() {
            judged(Receiver::Unknown)
        } else {
            judged(Receiver::ThirdParty)
        }
    }

    fn by_parameters(&self, query: &str) -> Option<Receiver> {
        query
            .split(['?', '&', ';'])
            .filter_map(|pair| pair.split('=').next())
            .any(|name| self.parameters.is_match(name.trim()))
            .then_some(Receiver::Tracker)
    }

    fn judge_mailto(&self, rest: &str, sender: SenderHosts<'_>) -> Judgement {
        let address = rest.split(['?', ',']).next().unwrap_or_default().trim();
        let domain = address.rsplit_once('@').map(|(_, d)| d.to_ascii_lowercase());
        match domain {
            // `mailto:{{ support_email }}`: the tag prints where the recipient writes to.
            _ if address.is_empty() || host_is_tag(address) => Judgement {
                receiver: Receiver::OwnMailbox,
                host: None,
            },
            Some(d) if is_sender_host(&d, sender) => Judgement {
                receiver: Receiver::OwnMailbox,
                host: Some(d),
            },
            Some(d) if !sender.domains.is_empty() => Judgement {
                receiver: Receiver::ThirdParty,
                host: Some(d),
            },
            d => Judgement {
                receiver: Receiver::Unknown,
                host: d,
            },
        }
    }
}

fn strip_scheme<'a>(url: &'a str, scheme: &str) -> Option<&'a str> {
    url.get(..scheme.len())
        .filter(|s| s.eq_ignore_ascii_case(scheme))
        .map(|_| &url[scheme.len()..])
}

/// Host (lower-case, without port or credentials), path and query of an absolute or
/// protocol-relative URL; `None` for a relative one.
fn split_url(url: &str) -> Option<(String, &str, &str)> {
    let rest = match url.split_once("://") {
        Some((scheme, rest)) if scheme.chars().all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c)) => rest,
        _ => url.strip_prefix("//")?,
    };
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let authority = &rest[..end];
    let after = &rest[end..];
    let host_port = authority.rsplit_once('@').map(|(_, h)| h).unwrap_or(authority);
    let host = match host_port.rsplit_once(':') {
        Some((h, port)) if port.chars().all(|c| c.is_ascii_digit()) => h,
        _ => host_port,
    };
    let (path, query) = after.split_once('?').unwrap_or((after, ""));
    Some((host.trim_end_matches('.').to_ascii_lowercase(), path, query))
}

/// A host written as a merge tag (`{{ site_url }}`, `*|URL|*`): nothing to judge.
fn host_is_tag(host: &str) -> bool {
    host.is_empty() || host.contains(['{', '}', '%', '|', '[', ']', '$', '<', '>', '#'])
}

fn is_sender_host(host: &str, sender: SenderHosts<'_>) -> bool {
    let within = |domain: &String| host == domain || host.ends_with(&format!(".{domain}"));
    sender.domains.iter().any(within) || sender.esp_hosts.iter().any(within)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn judge(url: &str, domains: &[&str], esp_hosts: &[&str]) -> Receiver {
        let knowledge = crate::knowledge::Knowledge::builtin().expect("knowledge");
        let domains: Vec<String> = domains.iter().map(|s| s.to_string()).collect();
        let esp_hosts: Vec<String> = esp_hosts.iter().map(|s| s.to_string()).collect();
        knowledge
            .trackers
            .judge(
                url,
                SenderHosts {
                    domains: &domains,
                    esp_hosts: &esp_hosts,
                },
            )
            .receiver
    }

    #[test]
    fn trackers_by_host_path_and_analytics_parameter() {
        use Receiver::*;
        assert_eq!(
            judge("https://www.google-analytics.com/collect?uid=x", &[], &[]),
            Tracker
        );
        assert_eq!(
            judge("https://t.example.com/open.gif?u=x", &["acme.example"], &[]),
            Tracker
        );
        // On the sender's own page, utm_* still hands the URL to its analytics.
        assert_eq!(
            judge("https://acme.example/a?e=x&utm_source=mail", &["acme.example"], &[]),
            Tracker
        );
        assert_eq!(
            judge("https://acme.example/a?page=2", &["acme.example"], &[]),
            FirstParty
        );
    }

    #[test]
    fn first_third_and_unknown_hosts() {
        use Receiver::*;
        assert_eq!(
            judge("https://shop.acme.example/account?e=x", &["acme.example"], &[]),
            FirstParty
        );
        assert_eq!(
            judge("https://acme.example.evil.test/?e=x", &["acme.example"], &[]),
            ThirdParty
        );
        assert_eq!(judge("https://partner.test/?e=x", &["acme.example"], &[]), ThirdParty);
        assert_eq!(judge("https://partner.test/?e=x", &[], &[]), Unknown);
        assert_eq!(judge("{{ site_url }}/account?e=x", &["acme.example"], &[]), Unknown);
        assert_eq!(judge("/account?e=x", &["acme.example"], &[]), Unknown);
        // The configured ESP's click host is the sender's processor, not a tracker.
        assert_eq!(
            judge(
                "https://acme.us1.list-manage.com/track/click?u=x",
                &[],
                &["list-manage.com"]
            ),
            FirstParty
        );
        assert_eq!(
            judge("https://acme.us1.list-manage.com/track/click?u=x", &[], &[]),
            Tracker
        );
    }

    #[test]
    fn mailto_to_the_sender_is_its_own_mailbox() {
        use Receiver::*;
        assert_eq!(judge("mailto:{{ shop.email }}", &[], &[]), OwnMailbox);
        assert_eq!(
            judge("mailto:help@acme.example?body=x", &["acme.example"], &[]),
            OwnMailbox
        );
        assert_eq!(
            judge("mailto:help@partner.test?body=x", &["acme.example"], &[]),
            ThirdParty
        );
        assert_eq!(judge("mailto:help@partner.test?body=x", &[], &[]), Unknown);
    }
}
