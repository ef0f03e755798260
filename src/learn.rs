//! Hosts learned from the scanned tree, and the summary's note on unknown hosts.
//!
//! Most Khoros communities live on their own domain, so a call to
//! `https://community.acme.io/api/2.0/users/1` carries no Khoros signal by itself. When
//! another call of the tree to the same host carries one of the vendor's own signals (a
//! `li-api-session-key` header, a `/restapi/vc` or `/t5/` URL, the `company` + `apiKey`
//! pair, …: the pack's `headers`, `path_contains` and `params_all`), the host becomes a
//! signal of that vendor for every call of the tree (`learn_hosts = false` turns this
//! off). The scan learns in its one pass over the tree, then judges again the few files
//! that may change: those whose calls on a learned host had no signal, and those left
//! out by the literal scan that hold the path of a rule (`/api/2.0`), now with the
//! learned hosts among the vendor literals.
//!
//! URLs that match such a path on a host no vendor signal covers remain unreported;
//! the run's summary says so once per vendor, naming the hosts and the setting that
//! would make them signals (`aurora.hosts`). Hosts of services with the same paths
//! (Bitbucket, Okta, …: the packs' `lookalike_hosts` and `lookalike_paths`), loopback
//! hosts and the reserved example domains are never named.

use crate::rules::engine::Selection;
use crate::rules::model::{SignalRequirement, Target};
use crate::rules::{LearnedHost, RuleSet};
use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

/// At most this many hosts are named per vendor (the count covers them all).
pub const MAX_HOSTS: usize = 100;

/// At most this many hosts are learned from one file, and from a whole tree.
pub const MAX_LEARNED_PER_FILE: usize = 100;
pub const MAX_LEARNED: usize = 1000;

/// How far before a rule's path the scan looks for the URL's scheme and host.
const MAX_URL_PREFIX: usize = 512;

/// The rule paths (`/api/2.0`, `/api/v1`) whose URLs the summary counts, by pack.
#[derive(Clone)]
pub struct Markers {
    automaton: Option<AhoCorasick>,
    /// What every marker starts with (`/api/`), when that is long enough to look for
    /// first: one SIMD search of a text that holds none of it, which is most texts.
    common: Option<memchr::memmem::Finder<'static>>,
    /// Per pattern: the marker and the packs it belongs to.
    markers: Vec<(String, Vec<usize>)>,
    /// Every pack's `lookalike_paths`: a URL holding one is never counted.
    lookalike_paths: Vec<String>,
}

impl Markers {
    /// The markers of the packs that ask for the note (`unknown_host_paths`) and have
    /// a `<vendor>.hosts` setting, when one of their rules is selected.
    pub fn new(rules: &RuleSet, selection: &Selection) -> Markers {
        let mut markers: Vec<(String, Vec<usize>)> = Vec::new();
        for (i, p) in rules.packs.iter().enumerate() {
            let selected = rules.rules.iter().any(|r| {
                r.pack == i
                    && r.rule.matcher.target == Target::Call
                    && r.rule.matcher.signal == SignalRequirement::Vendor
                    && selection.enabled(&r.rule.code)
            });
            if !selected || !crate::config::has_hosts_setting(&p.pack.vendor.id) {
                continue;
            }
            for marker in &p.pack.signals.unknown_host_paths {
                let marker = format!("/{}", marker.trim_matches('/'));
                if marker.len() < 4 {
                    continue;
                }
                match markers.iter_mut().find(|(m, _)| *m == marker) {
                    Some((_, packs)) if packs.contains(&i) => {}
                    Some((_, packs)) => packs.push(i),
                    None => markers.push((marker, vec![i])),
                }
            }
        }
        let automaton = (!markers.is_empty()).then(|| {
            AhoCorasickBuilder::new()
                .match_kind(MatchKind::LeftmostFirst)
                .build(markers.iter().map(|(m, _)| m))
                .expect("markers are plain strings")
        });
        let common = markers.split_first().and_then(|((first, _), rest)| {
            let shared = rest.iter().fold(first.len(), |n, (m, _)| {
                first
                    .bytes()
                    .zip(m.bytes())
                    .take(n)
                    .take_while(|(a, b)| a == b)
                    .count()
            });
            (shared >= 4)
                .then(|| memchr::memmem::Finder::new(&first.as_bytes()[..shared]).into_owned())
        });
        let lookalike_paths = rules
            .packs
            .iter()
            .flat_map(|p| p.pack.signals.lookalike_paths.iter().cloned())
            .filter(|l| !l.is_empty())
            .collect();
        Markers {
            automaton,
            common,
            markers,
            lookalike_paths,
        }
    }

    /// The URLs of `text` that hold a marker: per URL, the packs of its marker, its
    /// host (lower case, without port) or `None` when the host is not written in the
    /// same literal, and where the marker is. `None` overall when the text holds no
    /// marker.
    pub fn urls(&self, text: &str) -> Option<Vec<(usize, Option<String>, usize)>> {
        let automaton = self.automaton.as_ref()?;
        let bytes = text.as_bytes();
        if self
            .common
            .as_ref()
            .is_some_and(|c| c.find(bytes).is_none())
        {
            return None;
        }
        let mut out = Vec::new();
        let mut any = false;
        for m in automaton.find_iter(bytes) {
            let end = m.end();
            if bytes.get(end).is_some_and(|b| !ends_path(*b)) {
                continue;
            }
            any = true;
            let (host, before) = host_before(bytes, m.start());
            let url = format!("{before}{}", &text[m.start()..end]);
            if self
                .lookalike_paths
                .iter()
                .any(|l| url.contains(l.as_str()))
            {
                continue;
            }
            for pack in &self.markers[m.pattern().as_usize()].1 {
                out.push((*pack, host.clone(), m.start()));
            }
            if out.len() >= 4 * MAX_HOSTS {
                break;
            }
        }
        any.then_some(out)
    }
}

/// Whether a byte may follow a path prefix such as `/api/2.0` in a URL.
fn ends_path(b: u8) -> bool {
    matches!(
        b,
        b'/' | b'?' | b'#' | b'\'' | b'"' | b'`' | b')' | b',' | b';'
    ) || b.is_ascii_whitespace()
}

/// Whether a byte ends a URL written in code or text (going backwards from its path).
fn outside_url(b: u8) -> bool {
    matches!(
        b,
        b'\'' | b'"' | b'`' | b'(' | b')' | b'<' | b'>' | b',' | b';' | b'=' | b'[' | b']' | b'|'
    ) || b.is_ascii_whitespace()
}

/// The host of the URL whose path starts at `at`, when `scheme://host` is written
/// right before it in the same literal, and the literal's text before `at`.
fn host_before(bytes: &[u8], at: usize) -> (Option<String>, &str) {
    let floor = at.saturating_sub(MAX_URL_PREFIX);
    let mut start = at;
    while start > floor && !outside_url(bytes[start - 1]) {
        start -= 1;
    }
    let token = std::str::from_utf8(&bytes[start..at]).unwrap_or("");
    (host_in(token), token)
}

/// The host of `scheme://host…` in a URL's text.
fn host_in(token: &str) -> Option<String> {
    let after = &token[token.find("://")? + 3..];
    let authority = after.split(['/', '?', '#']).next()?;
    let host_port = authority.rsplit('@').next()?;
    let host = match host_port.strip_prefix('[') {
        Some(v6) => v6.split(']').next()?,
        None => host_port.split(':').next()?,
    };
    let ok = !host.is_empty()
        && host
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_' | ':'));
    ok.then(|| host.to_ascii_lowercase())
}

/// Whether a host is this machine's: never learned (a project's mocks of several
/// services all live there) and never named as unknown.
pub fn loopback_host(host: &str) -> bool {
    let h = host.trim_end_matches('.');
    matches!(h, "localhost" | "0.0.0.0" | "::1") || h.starts_with("127.")
}

/// Hosts never named as unknown: loopback, and the reserved example and test domains.
fn placeholder_host(host: &str) -> bool {
    let h = host.trim_end_matches('.');
    loopback_host(h)
        || ["example.com", "example.org", "example.net"]
            .iter()
            .any(|d| h == *d || h.ends_with(&format!(".{d}")))
        || [".example", ".test", ".invalid", ".localhost", ".local"]
            .iter()
            .any(|t| h.ends_with(t))
}

/// What one file showed about hosts.
#[derive(Clone, Debug, Default)]
pub struct FileHosts {
    /// Hosts its calls teach (pack index, host).
    pub learned: Vec<(usize, LearnedHost)>,
    /// Where the URLs of its calls that carry a vendor signal are written.
    pub signalled: Vec<crate::call::Span>,
    /// Its calls that match a rule of a pack with no signal: pack index, host and the
    /// URL's literal text.
    pub unsignalled: Vec<(usize, String, String)>,
    /// Its URLs that hold a rule's path (see [`Markers::urls`]).
    pub urls: Vec<(usize, Option<String>, usize)>,
    /// Whether its text holds a rule's path at all.
    pub marked: bool,
}

/// The hosts learned from a tree's files, in file order, one per pack and host.
pub fn learned_hosts<'a>(files: impl Iterator<Item = &'a FileHosts>) -> Vec<(usize, LearnedHost)> {
    let mut out: Vec<(usize, LearnedHost)> = Vec::new();
    for f in files {
        for (pack, l) in &f.learned {
            if out.len() >= MAX_LEARNED {
                return out;
            }
            if !out.iter().any(|(p, o)| p == pack && o.host == l.host) {
                out.push((*pack, l.clone()));
            }
        }
    }
    out
}

/// The summary's note for one vendor: URLs on hosts with no signal of it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct UnknownHosts {
    /// The vendor id (`aurora`).
    pub vendor: String,
    /// The setting that makes a host a signal (`aurora.hosts`).
    pub setting: String,
    /// The rule paths counted (`/api/2.0`).
    pub paths: Vec<String>,
    /// The hosts, sorted (at most [`MAX_HOSTS`]).
    pub hosts: Vec<String>,
    /// How many URLs (or calls) were counted, on all hosts.
    pub urls: usize,
    /// The vendor's name, for people.
    #[serde(skip)]
    pub vendor_name: String,
}

impl UnknownHosts {
    /// One line for people.
    pub fn message(&self) -> String {
        let shown: Vec<&str> = self.hosts.iter().take(5).map(String::as_str).collect();
        let more = self.hosts.len().saturating_sub(shown.len());
        let more = if more > 0 {
            format!(" and {more} more")
        } else {
            String::new()
        };
        let paths: Vec<String> = self.paths.iter().map(|p| format!("`{p}/`")).collect();
        let one_host = self.hosts.len() == 1;
        format!(
            "{} URL{} with {} on {} with no vendor signal {} not checked for {}: {}{more}; to check {}, add the host{} to `{}` in apimigrate.toml",
            self.urls,
            if self.urls == 1 { "" } else { "s" },
            paths.join(" or "),
            if one_host { "a host" } else { "hosts" },
            if self.urls == 1 { "was" } else { "were" },
            self.vendor_name,
            shown.join(", "),
            if self.urls == 1 { "it" } else { "them" },
            if one_host { "" } else { "s" },
            self.setting,
        )
    }

    /// Adds another run's note for the same vendor.
    pub fn merge(&mut self, other: UnknownHosts) {
        let mut hosts: BTreeSet<String> = self.hosts.drain(..).collect();
        hosts.extend(other.hosts);
        self.hosts = hosts.into_iter().take(MAX_HOSTS).collect();
        for p in other.paths {
            if !self.paths.contains(&p) {
                self.paths.push(p);
            }
        }
        self.urls += other.urls;
    }
}

/// The notes of a scan: per vendor that asks for one, the URLs whose host carries no
/// signal of any vendor (not known, not learned) and that no call with a signal writes,
/// on hosts that are not look-alikes or placeholders.
pub fn unknown_hosts<'a>(
    rules: &RuleSet,
    markers: &Markers,
    files: impl Iterator<Item = &'a FileHosts> + Clone,
) -> Vec<UnknownHosts> {
    let covered = |host: &str| {
        placeholder_host(host)
            || rules.packs.iter().any(|p| {
                p.known_host(host)
                    || p.lookalike_host(host)
                    || p.learned.iter().any(|l| l.host == host)
            })
    };
    let mut per_pack: BTreeMap<usize, (BTreeSet<String>, usize)> = BTreeMap::new();
    for f in files {
        // A URL written in a call that carries a signal was judged.
        let urls = f
            .urls
            .iter()
            .filter(|(_, _, at)| !f.signalled.iter().any(|s| s.contains(at)))
            .filter_map(|(p, h, _)| h.as_ref().map(|h| (*p, h)));
        // A call whose host is written apart from its path (a base-URL constant), when
        // the file does not write that URL whole.
        let written: Vec<(usize, &String)> = urls.clone().collect();
        let calls = f
            .unsignalled
            .iter()
            .filter(|(p, h, text)| {
                !written.contains(&(*p, h))
                    && markers
                        .urls(text)
                        .unwrap_or_default()
                        .iter()
                        .any(|(q, _, _)| q == p)
            })
            .map(|(p, h, _)| (*p, h));
        for (pack, host) in urls.chain(calls) {
            if covered(host) {
                continue;
            }
            let entry = per_pack.entry(pack).or_default();
            entry.0.insert(host.clone());
            entry.1 += 1;
        }
    }
    per_pack
        .into_iter()
        .map(|(pack, (hosts, urls))| {
            let vendor = &rules.packs[pack].pack.vendor;
            UnknownHosts {
                vendor: vendor.id.clone(),
                setting: format!("{}.hosts", vendor.id),
                paths: markers
                    .markers
                    .iter()
                    .filter(|(_, ps)| ps.contains(&pack))
                    .map(|(m, _)| m.clone())
                    .collect(),
                hosts: hosts.into_iter().take(MAX_HOSTS).collect(),
                urls,
                vendor_name: vendor.name.clone(),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hosts_are_read_from_the_same_literal() {
        let b = br#"fetch('https://user:pw@Community.Acme.io:8443/api/2.0/users/1')"#;
        let at = b.windows(8).position(|w| w == b"/api/2.0").unwrap();
        assert_eq!(host_before(b, at).0.as_deref(), Some("community.acme.io"));
        let b = b"fetch(BASE + '/api/2.0/users/1')";
        let at = b.windows(8).position(|w| w == b"/api/2.0").unwrap();
        assert_eq!(host_before(b, at).0, None);
        let b = b"`${base}/api/2.0/users`";
        let at = b.windows(8).position(|w| w == b"/api/2.0").unwrap();
        assert_eq!(host_before(b, at).0, None);
    }

    #[test]
    fn markers_come_from_the_rules() {
        let m = Markers::new(&RuleSet::embedded(), &Selection::default());
        let names: Vec<&str> = m.markers.iter().map(|(m, _)| m.as_str()).collect();
        assert!(names.contains(&"/api/2.0"), "{names:?}");
        assert!(names.contains(&"/api/v1"), "{names:?}");
        // A longer path is not a prefix: `/api/2.0x` and `/restapi/v1` are not counted.
        assert_eq!(m.urls("x = 'https://a.io/api/2.0x'"), None);
        assert_eq!(m.urls("x = 'https://a.io/plugins/restapi/v1/users'"), None);
        let found = m.urls("x = 'https://a.io/api/v1/users'").unwrap();
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].1.as_deref(), Some("a.io"));
        assert_eq!(found[0].2, 17);
    }

    #[test]
    fn placeholders_are_never_named() {
        for h in [
            "localhost",
            "127.0.0.1",
            "api.example.com",
            "svc.test",
            "x.local",
        ] {
            assert!(placeholder_host(h), "{h}");
        }
        assert!(!placeholder_host("community.acme.io"));
    }
}
