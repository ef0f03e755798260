//! The literal scan that decides, before any parse, whether a file can produce a
//! finding. It is one pass of an Aho-Corasick automaton over the file's text, in two
//! stages, both derived from the loaded rule packs (built-in and user packs alike):
//!
//! 1. **Vendor literal.** Every vendor rule needs a signal of its vendor on the call
//!    (a host, a header, a path fragment, a parameter, an RPC name, a client name), and
//!    every signal is literal text in the file. A pack's configured hosts
//!    (`aurora.hosts`, …) are signals too.
//! 2. **Rule literal.** Every rule also needs its match: the most specific literal of one
//!    of its path patterns (`markDeleted`, `entity.delete`, `AdminInterface`, or `api`
//!    together with `/2.0` for `**/api/2.0/**`). Rules that match any call of a vendor
//!    (`signal = "any"`: API001, API002, API004) need one of the vendors' call-level
//!    literals instead: a host, a header, a path fragment or an RPC name.
//!
//! A file is parsed when, for some selected rule, both stages hold for the same vendor,
//! or when it holds an `apimigrate:` suppression comment (API900 needs it checked).
//! Literals are matched ASCII-case-insensitively, so the scan is a superset of what the
//! rules compare exactly. A signal or pattern that yields no literal (a host glob of
//! wildcards only, a path of captures only) makes its stage always hold: the scan
//! then errs on the side of parsing.

use crate::rules::engine::Selection;
use crate::rules::model::{SignalRequirement, Target};
use crate::rules::pattern::PatternSegment;
use crate::rules::RuleSet;
use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};

/// Literals all of which must appear, each as any of its spellings (indices into the
/// automaton's patterns).
type Group = Vec<Vec<usize>>;

/// A requirement: always true, or true when any group is complete.
#[derive(Clone, Debug)]
enum Need {
    Always,
    AnyOf(Vec<Group>),
}

impl Need {
    fn holds(&self, found: &[bool]) -> bool {
        match self {
            Need::Always => true,
            Need::AnyOf(groups) => groups
                .iter()
                .any(|g| g.iter().all(|alts| alts.iter().any(|i| found[*i]))),
        }
    }

    /// Every literal the requirement looks at, or `None` when it always holds.
    fn literal_ids(&self) -> Option<Vec<usize>> {
        match self {
            Need::Always => None,
            Need::AnyOf(groups) => Some(groups.iter().flatten().flatten().copied().collect()),
        }
    }

    fn or(&mut self, other: Need) {
        match (&mut *self, other) {
            (Need::Always, _) => {}
            (_, Need::Always) => *self = Need::Always,
            (Need::AnyOf(a), Need::AnyOf(b)) => a.extend(b),
        }
    }
}

/// Which vendor a rule needs a literal of.
#[derive(Clone, Copy, Debug)]
enum VendorNeed {
    Pack(usize),
    AnyPack,
    Nothing,
}

/// What the literal scan says about a text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// Some selected rule has both its literals: parse the file.
    Parse,
    /// The text holds an `apimigrate:` comment and nothing else: parse it for its
    /// suppressions only (no vendor finding, and no API003, can come of it).
    SuppressionsOnly,
    /// No vendor signal literal at all.
    NoVendorLiteral,
    /// A vendor literal, but no literal of any selected rule's match.
    NoRuleLiteral,
}

/// How many bytes of a text [`Folded`] lower-cases and searches at a time.
const FOLD_WINDOW: usize = 32 * 1024;

thread_local! {
    /// The lower-cased window of [`Folded`]'s searches, kept between files.
    static FOLD_BUF: std::cell::RefCell<Vec<u8>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// An ASCII-case-insensitive search for literals. An automaton built
/// case-insensitively cannot use the packed SIMD searcher (Teddy) as a prefilter, and
/// then steps through every byte of the text; so the text is lower-cased a window at a
/// time (windows overlap by the longest literal less one byte) and searched for the
/// lower-cased literals case-sensitively, with the SIMD prefilter. The same matches:
/// ASCII case-insensitivity is exactly equality after ASCII lower-casing.
#[derive(Clone)]
struct Folded {
    /// Leftmost-first (it reports the match that starts first, which is all the scan
    /// needs), so that the prefilter can be the packed searcher.
    automaton: AhoCorasick,
    /// The literals, lower-cased, by pattern id.
    literals: Vec<Vec<u8>>,
    longest: usize,
}

impl Folded {
    fn new<'a>(literals: impl IntoIterator<Item = &'a str>) -> Folded {
        let literals: Vec<Vec<u8>> = literals
            .into_iter()
            .map(|l| l.to_ascii_lowercase().into_bytes())
            .collect();
        let automaton = AhoCorasickBuilder::new()
            .match_kind(MatchKind::LeftmostFirst)
            .build(&literals)
            .expect("literals are plain strings");
        let longest = literals.iter().map(Vec::len).max().unwrap_or(0);
        Folded {
            automaton,
            literals,
            longest,
        }
    }

    /// Calls `each` with every window of `text`, lower-cased, and the length of its
    /// part that the next window does not repeat; stops when `each` says so.
    fn windows(&self, text: &[u8], mut each: impl FnMut(&[u8], usize) -> bool) {
        let overlap = self.longest.saturating_sub(1);
        FOLD_BUF.with(|buf| {
            let mut buf = buf.borrow_mut();
            let mut start = 0;
            loop {
                let end = text.len().min(start + FOLD_WINDOW + overlap);
                buf.clear();
                buf.extend(text[start..end].iter().map(u8::to_ascii_lowercase));
                let last = end == text.len();
                let own = if last { buf.len() } else { FOLD_WINDOW };
                if !each(&buf, own) || last {
                    return;
                }
                start += FOLD_WINDOW;
            }
        })
    }

    fn is_match(&self, text: &[u8]) -> bool {
        let mut hit = false;
        self.windows(text, |window, _| {
            hit = self.automaton.is_match(window);
            !hit
        });
        hit
    }

    /// Marks in `found` (by pattern id) every literal that occurs in `text`, as an
    /// overlapping search would: at each position where some literal starts (the
    /// leftmost-first search finds them in order), every literal is compared.
    fn mark(&self, text: &[u8], found: &mut [bool]) {
        let mut left = found.iter().filter(|f| !**f).count();
        self.windows(text, |window, own| {
            let mut at = 0;
            while at < own && left > 0 {
                let input = aho_corasick::Input::new(window).span(at..window.len());
                let Some(m) = self.automaton.find(input) else {
                    break;
                };
                let p = m.start();
                if p >= own {
                    break;
                }
                for (i, lit) in self.literals.iter().enumerate() {
                    if !found[i] && window[p..].starts_with(lit) {
                        found[i] = true;
                        left -= 1;
                    }
                }
                at = p + 1;
            }
            left > 0
        });
    }
}

/// The compiled literal scan of one rule set and selection.
#[derive(Clone)]
pub struct Prefilter {
    /// The vendor literals and the suppression marker, searched for first with a
    /// non-overlapping automaton (which can use SIMD prefilters): most files of a
    /// tree hold none of them and are done after this pass. `None` when some rule
    /// needs no vendor literal.
    quick: Option<Folded>,
    automaton: Folded,
    literals: Vec<String>,
    /// Per pack: its vendor-signal literals.
    vendor: Vec<Need>,
    /// Per pack: the literals of the signals that teach a host (headers, URL
    /// fragments, parameter pairs; see [`crate::learn`]).
    teach: Vec<Need>,
    /// Per selected call rule: the vendor it needs, and its match literals.
    rules: Vec<(VendorNeed, Need)>,
    marker: usize,
    /// Every literal of a vendor's signals.
    vendor_literals: Vec<usize>,
}

/// The longest run of literal characters of a host glob (`*.lithium.com` → `lithium.com`).
fn host_literal(glob: &str) -> Option<String> {
    glob.split(['*', '?', '[', ']', '{', '}', ','])
        .map(|x| x.trim_matches('.'))
        .max_by_key(|x| x.len())
        .filter(|x| x.len() >= 3)
        .map(str::to_string)
}

/// Whether a literal path segment is specific enough to stand alone: it is camel-cased
/// (`markDeleted`), holds a digit or punctuation (`entity.delete`, `2.0`), or is long.
fn distinctive(segment: &str) -> bool {
    let upper = segment.chars().any(|c| c.is_ascii_uppercase());
    let lower = segment.chars().any(|c| c.is_ascii_lowercase());
    (upper && lower)
        || segment
            .chars()
            .any(|c| c.is_ascii_digit() || matches!(c, '.' | '-' | '_'))
        || segment.len() >= 12
}

/// The literals a path pattern's match must hold: its first distinctive literal
/// segment; a short one (`2.0`, `v1`) with the literal segment before it, as two
/// literals (`api` and `/2.0`) since a URL is often split there (`BASE + '/2.0/…'`).
/// Without a distinctive segment, the longest literal segment. `None` when the pattern
/// has no literal segment.
pub fn path_literals(segments: &[PatternSegment]) -> Option<Vec<String>> {
    fn literal(s: &PatternSegment) -> Option<&str> {
        match s {
            PatternSegment::Literal(l) => Some(l.as_str()),
            _ => None,
        }
    }
    for (i, seg) in segments.iter().enumerate() {
        let Some(lit) = literal(seg) else { continue };
        if !distinctive(lit) {
            continue;
        }
        if lit.len() < 5 {
            if let Some(prev) = i.checked_sub(1).and_then(|p| literal(&segments[p])) {
                return Some(vec![prev.to_string(), format!("/{lit}")]);
            }
        }
        return Some(vec![lit.to_string()]);
    }
    segments
        .iter()
        .filter_map(literal)
        .max_by_key(|l| l.len())
        .map(|l| vec![l.to_string()])
}

/// Builds the literal table while the requirements are put together.
#[derive(Default)]
struct Literals(Vec<String>);

impl Literals {
    fn id(&mut self, lit: &str) -> usize {
        let lower = lit.to_ascii_lowercase();
        match self.0.iter().position(|l| *l == lower) {
            Some(i) => i,
            None => {
                self.0.push(lower);
                self.0.len() - 1
            }
        }
    }

    fn group(&mut self, lits: &[String]) -> Group {
        lits.iter().map(|l| vec![self.id(l)]).collect()
    }

    /// [`Literals::group`] for literals that are written inside a string: a path
    /// segment follows a `/` or opens a string (`'markDeleted'` in a list of segments,
    /// `"entity.delete"` as an RPC name), or follows `=` (a shell variable). Requiring
    /// that character keeps `this.entity.delete(…)` and `rapid` out.
    fn quoted_group(&mut self, lits: &[String]) -> Group {
        lits.iter()
            .map(|l| {
                if l.starts_with('/') {
                    return vec![self.id(l)];
                }
                ["/", "'", "\"", "`", "="]
                    .iter()
                    .map(|q| self.id(&format!("{q}{l}")))
                    .collect()
            })
            .collect()
    }
}

impl Prefilter {
    pub fn new(rules: &RuleSet, selection: &Selection) -> Prefilter {
        let mut lits = Literals::default();
        let marker = lits.id(crate::suppress::MARKER);
        let mut vendor = Vec::new();
        let mut teach = Vec::new();
        // Call-level signals (not parameter or client names): what `signal = "any"`
        // rules need.
        let mut call_level = Need::AnyOf(Vec::new());
        for p in &rules.packs {
            let s = &p.pack.signals;
            let mut need = Need::AnyOf(Vec::new());
            let mut strong = Need::AnyOf(Vec::new());
            for h in &s.hosts {
                let n = match host_literal(h) {
                    Some(l) => Need::AnyOf(vec![lits.group(&[l])]),
                    None => Need::Always,
                };
                need.or(n.clone());
                strong.or(n);
            }
            // Hosts learned from the tree are written literally in the files that call them.
            for l in &p.learned {
                let n = Need::AnyOf(vec![lits.group(std::slice::from_ref(&l.host))]);
                need.or(n.clone());
                strong.or(n);
            }
            for l in s.headers.iter().chain(&s.path_contains) {
                let n = match l.trim().is_empty() {
                    true => Need::Always,
                    false => Need::AnyOf(vec![lits.group(std::slice::from_ref(l))]),
                };
                need.or(n.clone());
                strong.or(n);
            }
            // An RPC name is a string (`api.call('entity.delete', …)`) or a URL segment.
            for l in &s.rpc {
                let n = match l.trim().is_empty() {
                    true => Need::Always,
                    false => Need::AnyOf(vec![lits.quoted_group(std::slice::from_ref(l))]),
                };
                need.or(n.clone());
                strong.or(n);
            }
            let mut teaches = Need::AnyOf(Vec::new());
            for l in s.headers.iter().chain(&s.path_contains) {
                if !l.trim().is_empty() {
                    teaches.or(Need::AnyOf(vec![lits.group(std::slice::from_ref(l))]));
                }
            }
            for g in s.params_all.iter().filter(|g| !g.is_empty()) {
                teaches.or(Need::AnyOf(vec![lits.group(g)]));
            }
            teach.push(teaches);
            for l in s.params_any.iter().chain(&s.identifiers) {
                need.or(match l.trim().is_empty() {
                    true => Need::Always,
                    false => Need::AnyOf(vec![lits.group(std::slice::from_ref(l))]),
                });
            }
            for g in s.params_all.iter().filter(|g| !g.is_empty()) {
                need.or(Need::AnyOf(vec![lits.group(g)]));
            }
            vendor.push(need);
            call_level.or(strong);
        }
        let mut per_rule = Vec::new();
        for r in &rules.rules {
            let m = &r.rule.matcher;
            if m.target != Target::Call || !selection.enabled(&r.rule.code) {
                continue;
            }
            let vendor_need = match m.signal {
                SignalRequirement::Vendor => VendorNeed::Pack(r.pack),
                SignalRequirement::Any => VendorNeed::AnyPack,
                SignalRequirement::None => VendorNeed::Nothing,
            };
            let need = if r.paths.is_empty() {
                match m.signal {
                    SignalRequirement::None => Need::Always,
                    _ => call_level.clone(),
                }
            } else {
                let mut need = Need::AnyOf(Vec::new());
                for p in &r.paths {
                    need.or(match path_literals(&p.segments) {
                        Some(l) => Need::AnyOf(vec![lits.quoted_group(&l)]),
                        None => Need::Always,
                    });
                }
                need
            };
            per_rule.push((vendor_need, need));
        }
        let automaton = Folded::new(lits.0.iter().map(String::as_str));
        let vendor_ids: Option<Vec<usize>> = vendor
            .iter()
            .map(Need::literal_ids)
            .collect::<Option<Vec<_>>>()
            .map(|v| v.concat());
        let vendor_literals: Vec<usize> = {
            let mut ids: Vec<usize> = vendor
                .iter()
                .filter_map(Need::literal_ids)
                .flatten()
                .collect();
            ids.sort_unstable();
            ids.dedup();
            ids
        };
        let every_rule_needs_a_vendor = per_rule
            .iter()
            .all(|(v, _)| !matches!(v, VendorNeed::Nothing));
        let quick = vendor_ids
            .filter(|_| every_rule_needs_a_vendor)
            .map(|mut ids| {
                ids.push(marker);
                ids.sort();
                ids.dedup();
                Folded::new(ids.iter().map(|i| lits.0[*i].as_str()))
            });
        Prefilter {
            quick,
            automaton,
            literals: lits.0,
            vendor,
            teach,
            rules: per_rule,
            marker,
            vendor_literals,
        }
    }

    /// Every literal the scan looks for (lower-cased), for `--show-files` and tests.
    pub fn literals(&self) -> &[String] {
        &self.literals
    }

    /// Which of the literals `text` holds.
    fn found(&self, text: &[u8]) -> Vec<bool> {
        let mut found = vec![false; self.literals.len()];
        self.automaton.mark(text, &mut found);
        found
    }

    /// The scan's verdict on a text.
    pub fn verdict(&self, text: &[u8]) -> Verdict {
        if self.quick.as_ref().is_some_and(|q| !q.is_match(text)) {
            return Verdict::NoVendorLiteral;
        }
        self.verdict_of(&self.found(text))
    }

    /// [`Prefilter::verdict`], and which literals the text holds unless the quick pass
    /// found no vendor literal in it (`None`: it holds none).
    pub fn verdict_and_found(&self, text: &[u8]) -> (Verdict, Option<Vec<bool>>) {
        if self.quick.as_ref().is_some_and(|q| !q.is_match(text)) {
            return (Verdict::NoVendorLiteral, None);
        }
        let found = self.found(text);
        (self.verdict_of(&found), Some(found))
    }

    /// How many literals the scan looks for (the length of a `found` vector).
    pub fn literal_count(&self) -> usize {
        self.literals.len()
    }

    /// Whether texts that together hold the vendor literals of `found` (and nothing is
    /// known of their other literals: they may hold any) could be parsed. The import
    /// walk's test for a file and the modules it may reach: a file is parsed only with
    /// some vendor's literals, in it or in what it imports.
    pub fn may_pass_with(&self, found: &[bool]) -> bool {
        let mut all = vec![true; self.literals.len()];
        for &i in &self.vendor_literals {
            all[i] = found.get(i).copied().unwrap_or(false);
        }
        self.verdict_of(&all) == Verdict::Parse
    }

    /// Which of the literals `text` holds, to be combined (or-ed) with those of other
    /// texts and judged with [`Prefilter::verdict_of`]: a file and the modules it imports.
    pub fn found_literals(&self, text: &[u8]) -> Vec<bool> {
        self.found(text)
    }

    /// The verdict on what [`Prefilter::found_literals`] found.
    pub fn verdict_of(&self, found: &[bool]) -> Verdict {
        let vendor: Vec<bool> = self.vendor.iter().map(|n| n.holds(found)).collect();
        let any_vendor = vendor.iter().any(|v| *v);
        let parse = self.rules.iter().any(|(v, need)| {
            let vendor_ok = match v {
                VendorNeed::Pack(p) => vendor[*p],
                VendorNeed::AnyPack => any_vendor,
                VendorNeed::Nothing => true,
            };
            vendor_ok && need.holds(found)
        });
        if parse {
            Verdict::Parse
        } else if found[self.marker] {
            Verdict::SuppressionsOnly
        } else if any_vendor {
            Verdict::NoRuleLiteral
        } else {
            Verdict::NoVendorLiteral
        }
    }

    /// Whether the text holds a literal of a signal that teaches a host: a vendor
    /// header, URL fragment or parameter pair.
    pub fn teaches_hosts(&self, text: &[u8]) -> bool {
        let found = self.found(text);
        self.teach.iter().any(|n| n.holds(&found))
    }

    /// Whether the text holds a literal of some vendor's signals.
    pub fn has_vendor_literal(&self, text: &[u8]) -> bool {
        if self.quick.as_ref().is_some_and(|q| !q.is_match(text)) {
            return false;
        }
        let found = self.found(text);
        self.vendor.iter().any(|n| n.holds(&found))
    }
}

/// Lines longer than this (in bytes) mark a file as minified.
pub const MINIFIED_LINE_BYTES: usize = 4000;

/// Why a file of code looks minified or generated, if it does: a `.min.js` name, a
/// line longer than [`MINIFIED_LINE_BYTES`], a `sourceMappingURL` comment at its end,
/// or a bundler's prelude or generator's banner in its first KiB. Such files are read with the
/// literal scan only: what is worth migrating is their source, and parsing them is
/// most of the cost of a scan of installed packages.
pub fn generated(path: &std::path::Path, text: &[u8]) -> Option<String> {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    if [".min.js", ".min.mjs", ".min.cjs", "-min.js"]
        .iter()
        .any(|s| name.ends_with(s))
    {
        return Some("minified (by its name)".into());
    }
    let mut longest = 0;
    let mut start = 0;
    for nl in memchr_iter(text) {
        longest = longest.max(nl - start);
        start = nl + 1;
    }
    longest = longest.max(text.len() - start);
    if longest > MINIFIED_LINE_BYTES {
        return Some(format!("minified (a line of {longest} bytes)"));
    }
    let tail = &text[text.len().saturating_sub(512)..];
    if contains(tail, b"sourceMappingURL=") {
        return Some("generated (a sourceMappingURL comment)".into());
    }
    let head = &text[..text.len().min(1024)];
    const BANNERS: &[&[u8]] = &[
        b"/*! For license information please see",
        b"/******/",
        b"webpackBootstrap",
        b"__webpack_require__",
        // The browserify prelude.
        b"MODULE_NOT_FOUND",
        b"// Generated by",
        b"@generated",
    ];
    if BANNERS.iter().any(|b| contains(head, b)) {
        return Some("generated (a bundler or generator banner)".into());
    }
    None
}

fn memchr_iter(text: &[u8]) -> impl Iterator<Item = usize> + '_ {
    text.iter()
        .enumerate()
        .filter(|(_, b)| **b == b'\n')
        .map(|(i, _)| i)
}

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w == needle)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::pattern::PathPattern;

    fn lits(p: &str) -> Option<Vec<String>> {
        path_literals(&PathPattern::parse(p).unwrap().segments)
    }

    #[test]
    fn path_patterns_give_specific_literals() {
        assert_eq!(
            lits("**/api/2.0/users/{id}"),
            Some(vec!["api".into(), "/2.0".into()])
        );
        assert_eq!(
            lits("**/users/{user_id}/markDeleted"),
            Some(vec!["markDeleted".into()])
        );
        assert_eq!(lits("**/entity.delete"), Some(vec!["entity.delete".into()]));
        assert_eq!(
            lits("**/AdminInterface/restapi/v1/users/{user_id}"),
            Some(vec!["AdminInterface".into()])
        );
        assert_eq!(lits("**/users/{id}"), Some(vec!["users".into()]));
        assert_eq!(lits("**/{a}/{b}"), None);
    }

    #[test]
    fn no_anchor_is_an_everyday_word() {
        let p = Prefilter::new(&RuleSet::embedded(), &Selection::default());
        assert!(!p.literals().iter().any(|l| l == "t5"));
        // `api`, `apiKey` and `company` only ever count together with another literal.
        let v = |text: &str| p.verdict(text.as_bytes());
        assert_eq!(
            v("const company = 't5'; api(key)"),
            Verdict::NoVendorLiteral
        );
        assert_eq!(v("x = `type` + '/t5'"), Verdict::NoVendorLiteral);
        assert_eq!(v("fetch('/api/2.0/users/1')"), Verdict::NoVendorLiteral);
    }

    #[test]
    fn both_stages_are_needed() {
        let p = Prefilter::new(&RuleSet::embedded(), &Selection::default());
        let v = |t: &str| p.verdict(t.as_bytes());
        assert_eq!(v("// a lithium battery"), Verdict::NoRuleLiteral);
        assert_eq!(
            v("fetch(`https://community.khoros.com/api/2.0/users/${id}`)"),
            Verdict::Parse
        );
        // A base URL split before the version still passes.
        assert_eq!(
            v("const B = 'https://acme.lithium.com/api'; fetch(B + '/2.0/users/1')"),
            Verdict::Parse
        );
        assert_eq!(v("api/2.0 for bitbucket"), Verdict::NoVendorLiteral);
        // An RPC name is a string or a URL segment, not a member chain.
        assert_eq!(v("this.entity.delete(x)"), Verdict::NoVendorLiteral);
        assert_eq!(v("api.call('entity.delete', { uuid })"), Verdict::Parse);
        assert_eq!(v("fetch(`${CAPTURE}/entity.delete`)"), Verdict::Parse);
        assert_eq!(
            v("// apimigrate: ignore[AUR001] x"),
            Verdict::SuppressionsOnly
        );
        // The 360Learning parameter pair is a vendor signal only as a pair.
        assert_eq!(
            v("get('/api/v1/users', { params: { company, apiKey } })"),
            Verdict::Parse
        );
        assert_eq!(
            v("get('/api/v1/users', { params: { company } })"),
            Verdict::NoVendorLiteral
        );
        // A call-level literal satisfies the rules that match any vendor call.
        assert_eq!(
            v("fetch('https://x.access.securid.com/other', { body: '{bad' })"),
            Verdict::Parse
        );
    }

    #[test]
    fn the_folded_search_finds_what_a_case_insensitive_automaton_finds() {
        let literals = [
            "lithium",
            "lithium.com",
            "/t5/",
            "Type_Name",
            "'entity.delete",
        ];
        let folded = Folded::new(literals);
        let reference = AhoCorasickBuilder::new()
            .ascii_case_insensitive(true)
            .build(literals)
            .unwrap();
        let expected = |text: &[u8]| {
            let mut found = vec![false; literals.len()];
            for m in reference.find_overlapping_iter(text) {
                found[m.pattern().as_usize()] = true;
            }
            found
        };
        // Literals before, across and after window boundaries, in every case, among
        // bytes that are not ASCII.
        for at in [
            0,
            1,
            FOLD_WINDOW - 7,
            FOLD_WINDOW - 3,
            FOLD_WINDOW,
            2 * FOLD_WINDOW - 1,
        ] {
            for lit in [
                "LiThIuM.CoM",
                "/T5/",
                "tYpE_nAmE",
                "'Entity.Delete",
                "lithiu",
            ] {
                let mut text = "é".repeat(at / 2).into_bytes();
                text.resize(at, b'x');
                text.extend_from_slice(lit.as_bytes());
                text.extend(std::iter::repeat_n(b'y', FOLD_WINDOW + 5));
                let mut found = vec![false; literals.len()];
                folded.mark(&text, &mut found);
                assert_eq!(found, expected(&text), "{lit} at {at}");
                assert_eq!(
                    folded.is_match(&text),
                    reference.is_match(&text),
                    "{lit} at {at}"
                );
            }
        }
        let mut found = vec![false; literals.len()];
        folded.mark(b"", &mut found);
        assert!(!folded.is_match(b"") && found.iter().all(|f| !f));
    }

    #[test]
    fn selection_narrows_the_scan() {
        let sel = Selection {
            select: vec!["RSA".into()],
            ..Selection::default()
        };
        let p = Prefilter::new(&RuleSet::embedded(), &sel);
        assert_eq!(
            p.verdict(b"fetch(`https://community.khoros.com/api/2.0/users/${id}`)"),
            Verdict::NoRuleLiteral
        );
    }
}

#[cfg(test)]
mod generated_tests {
    use super::generated;
    use std::path::Path;

    #[test]
    fn minified_and_generated_files_are_recognised() {
        let p = Path::new("a.js");
        assert!(generated(Path::new("dist/x.min.js"), b"f()").is_some());
        let long = format!("var a={};\n", "x".repeat(5000));
        assert!(generated(p, long.as_bytes()).unwrap().contains("line of"));
        assert!(generated(p, b"f();\n//# sourceMappingURL=a.js.map\n").is_some());
        assert!(generated(p, b"/******/ (() => {\n})();\n").is_some());
        assert_eq!(
            generated(p, b"fetch('https://x.khoros.com/api/2.0/users/1');\n"),
            None
        );
    }
}
