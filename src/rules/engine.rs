//! Runs a [`RuleSet`] over one file's `HttpCall`s and produces `Finding`s.
//!
//! For each call: which vendors does it carry a signal of, which rules' method and
//! path patterns match it, and do their `when` conditions hold. Everything a rule says
//! is data from its pack; this module only interprets it.

use super::checks;
use super::model::{Condition, Format, IdentifierKind, JsonType, SignalRequirement, Target};
use super::pattern::PathMatch;
use super::{CompiledPack, CompiledRule, LearnedHost, RuleSet};
use crate::call::Extraction;
use crate::call::{Body, Client, Field, HttpCall, ParsedUrl, Span, Value};
use crate::config::Config;
use crate::finding::{Applicability, Finding, Fix, Label, Severity};
use crate::model::plan::{RewritePlan, Spell};
use crate::model::template::{segments, Segment};
use crate::rules::transforms;
use crate::source::SourceFile;
use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

/// Which rules run, and at which severity (`--select`, `--ignore`, `[severity]`).
#[derive(Clone, Debug, Default)]
pub struct Selection {
    /// Codes or prefixes; empty means every rule.
    pub select: Vec<String>,
    pub ignore: Vec<String>,
    pub severity: HashMap<String, Severity>,
}

impl Selection {
    /// ruff's precedence: the most specific matching selector wins; on a tie, `ignore`.
    pub fn enabled(&self, code: &str) -> bool {
        let best = |list: &[String]| {
            list.iter()
                .filter(|p| matches_selector(p, code))
                .map(|p| {
                    if p.eq_ignore_ascii_case("ALL") {
                        0
                    } else {
                        p.len()
                    }
                })
                .max()
        };
        let selected = if self.select.is_empty() {
            Some(0)
        } else {
            best(&self.select)
        };
        match (selected, best(&self.ignore)) {
            (None, _) => false,
            (Some(_), None) => true,
            (Some(s), Some(i)) => s > i,
        }
    }

    pub fn severity_of(&self, code: &str, default: Severity) -> Severity {
        self.severity.get(code).copied().unwrap_or(default)
    }
}

fn matches_selector(selector: &str, code: &str) -> bool {
    selector.eq_ignore_ascii_case("ALL")
        || code
            .get(..selector.len())
            .is_some_and(|p| p.eq_ignore_ascii_case(selector))
}

/// Where a parameter was found.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum ParamLocation {
    Query,
    Form,
    Json,
}

struct Param<'a> {
    field: &'a Field,
    location: ParamLocation,
}

/// A call with everything rules ask about computed once.
struct CallView<'a> {
    call: &'a HttpCall,
    url: ParsedUrl,
    params: Vec<Param<'a>>,
    /// Some parameters may exist that are not known here.
    params_open: bool,
    json_body: Option<&'a Value>,
}

impl<'a> CallView<'a> {
    fn new(call: &'a HttpCall) -> CallView<'a> {
        let url = call.url.parse();
        let mut params = Vec::new();
        let mut params_open = call.query.open;
        let mut json_body = None;
        for f in &call.query.entries {
            params.push(Param {
                field: f,
                location: ParamLocation::Query,
            });
        }
        match &call.body {
            Some(Body::Form { fields }) => {
                params_open |= fields.open;
                params.extend(fields.entries.iter().map(|f| Param {
                    field: f,
                    location: ParamLocation::Form,
                }));
            }
            Some(Body::Json { value }) => {
                json_body = Some(value);
                if let Value::Object(fields) = value {
                    params_open |= fields.open;
                    params.extend(fields.entries.iter().map(|f| Param {
                        field: f,
                        location: ParamLocation::Json,
                    }));
                } else {
                    params_open = true;
                }
            }
            Some(Body::Expr { .. }) | Some(Body::GraphQl { .. }) => params_open = true,
            Some(Body::Raw { .. }) | None => {}
        }
        // Literal `?a=b` in the URL: borrowed from `url`, so collected separately below.
        CallView {
            call,
            url,
            params,
            params_open,
            json_body,
        }
    }

    /// Every parameter of the call, URL query included.
    fn all_params(&self) -> impl Iterator<Item = (&Field, ParamLocation)> {
        self.params
            .iter()
            .map(|p| (p.field, p.location))
            .chain(self.url.query.iter().map(|f| (f, ParamLocation::Query)))
    }

    fn param(&self, name: &str) -> Option<(&Field, ParamLocation)> {
        self.all_params().find(|(f, _)| f.key == name)
    }

    fn has_param(&self, name: &str) -> bool {
        self.param(name).is_some()
    }

    fn has_signal(&self, pack: &CompiledPack, file: &SourceFile) -> bool {
        let s = &pack.pack.signals;
        let call = self.call;
        if let Some(host) = &self.url.host {
            if pack.hosts.iter().any(|g| g.is_match(host)) {
                return true;
            }
        }
        if s.headers.iter().any(|h| call.headers.get_ci(h).is_some()) {
            return true;
        }
        // A base URL defined beside the name of the vendor's own header (settings that
        // hold `session_header: li-api-session-key` next to the URL).
        if call.client == crate::call::Client::BaseUrl
            && call
                .beside
                .iter()
                .chain(call.related.iter().flat_map(|r| r.beside.iter()))
                .any(|t| s.headers.iter().any(|h| t.trim().eq_ignore_ascii_case(h)))
        {
            return true;
        }
        if !s.path_contains.is_empty() {
            let text = call.url.literal_text();
            if s.path_contains.iter().any(|p| text.contains(p.as_str())) {
                return true;
            }
            // A URL defined beside the vendor's other URLs (a client's settings that
            // hold both its `/restapi/vc` and its `/api/2.0` base).
            let beside = call
                .beside
                .iter()
                .chain(call.related.iter().flat_map(|r| r.beside.iter()));
            for text in beside {
                if s.path_contains.iter().any(|p| text.contains(p.as_str())) {
                    return true;
                }
            }
        }
        if s.params_any.iter().any(|p| self.has_param(p)) {
            return true;
        }
        if s.params_all
            .iter()
            .any(|group| !group.is_empty() && group.iter().all(|p| self.has_param(p)))
        {
            return true;
        }
        if let Some(rpc) = &call.rpc {
            if s.rpc.iter().any(|r| r == &rpc.name) && rpc_sdk_evidence(pack, rpc, file) {
                return true;
            }
        }
        if !s.identifiers.is_empty() {
            // The names written at the call: its receiver, the holes of its URL, and
            // the expressions that stand there for values defined elsewhere.
            let names = call
                .receiver
                .iter()
                .map(|r| r.as_str())
                .chain(call.url.holes().map(|(e, _)| e))
                .chain(call.related.iter().map(|r| r.expr.as_str()));
            for name in names {
                let lower = name.to_ascii_lowercase();
                if s.identifiers
                    .iter()
                    .any(|i| lower.contains(&i.to_ascii_lowercase()))
                {
                    return true;
                }
            }
        }
        false
    }
}

/// How a call carries a vendor's signal.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Signal {
    None,
    /// A signal of its own (a host, a header, a URL fragment, …).
    Direct,
    /// Only its host, learned from another call of the tree (index into the pack's
    /// `learned`).
    Learned(usize),
}

impl CallView<'_> {
    fn signal(&self, pack: &CompiledPack, file: &SourceFile) -> Signal {
        if self.has_signal(pack, file) {
            return Signal::Direct;
        }
        self.url
            .host
            .as_ref()
            .and_then(|h| pack.learned.iter().position(|l| l.host == *h))
            .map_or(Signal::None, Signal::Learned)
    }

    /// A signal of the pack that shows its host to be the vendor's: a header, a URL
    /// fragment or a parameter pair (not a host glob, an identifier or an RPC name).
    fn host_teaching_signal(&self, pack: &CompiledPack) -> Option<String> {
        let s = &pack.pack.signals;
        if let Some(h) = s
            .headers
            .iter()
            .find(|h| self.call.headers.get_ci(h).is_some())
        {
            return Some(format!("the `{h}` header"));
        }
        let text = self.call.url.literal_text();
        if let Some(p) = s.path_contains.iter().find(|p| text.contains(p.as_str())) {
            return Some(format!("a URL with `{p}`"));
        }
        s.params_all
            .iter()
            .find(|g| !g.is_empty() && g.iter().all(|p| self.has_param(p)))
            .map(|g| {
                let names: Vec<String> = g.iter().map(|p| format!("`{p}`")).collect();
                format!("the {} parameters", names.join(" and "))
            })
    }

    /// Whether the URL belongs to a service that only looks like a vendor's.
    fn lookalike(&self, rules: &RuleSet) -> bool {
        let text = self.call.url.literal_text();
        rules.packs.iter().any(|p| {
            self.url
                .host
                .as_deref()
                .is_some_and(|h| p.lookalike_host(h))
                || p.pack
                    .signals
                    .lookalike_paths
                    .iter()
                    .any(|l| text.contains(l.as_str()))
        })
    }
}

/// What one file's calls tell about hosts (see [`crate::learn`]).
#[derive(Clone, Debug, Default)]
pub struct HostFacts {
    /// Hosts no pack knows that a call shows to be a pack's: pack index, host, the
    /// call's span, and the signal it carries.
    pub learned: Vec<(usize, String, Span, String)>,
    /// Where the URLs of calls that carry a signal of some pack are written (their
    /// literal pieces): judged, so never counted as URLs on an unknown host.
    pub signalled: Vec<Span>,
    /// Calls that match a selected rule of a pack but carry no signal of any pack:
    /// pack index, host, and the URL's literal text.
    pub unsignalled: Vec<(usize, String, String)>,
}

/// The hosts a file's calls teach, carry signals on, or call without any signal.
pub fn host_facts(
    rules: &RuleSet,
    selection: &Selection,
    file: &SourceFile,
    extraction: &Extraction,
) -> HostFacts {
    let mut facts = HostFacts::default();
    for call in &extraction.calls {
        let view = CallView::new(call);
        let signalled = rules.packs.iter().any(|p| view.has_signal(p, file));
        if signalled {
            facts
                .signalled
                .extend(call.url.pieces.iter().filter_map(|p| match p {
                    crate::call::Piece::Lit { span, .. } => Some(span.clone()),
                    crate::call::Piece::Hole { .. } => None,
                }));
        }
        let Some(host) = view.url.host.clone() else {
            continue;
        };
        if view.lookalike(rules) {
            continue;
        }
        for (i, pack) in rules.packs.iter().enumerate() {
            if rules.packs.iter().any(|p| p.known_host(&host)) {
                break;
            }
            // One place per host is enough, and a file teaches a bounded number.
            if facts.learned.len() >= 100
                || facts
                    .learned
                    .iter()
                    .any(|(p, h, _, _)| *p == i && *h == host)
            {
                continue;
            }
            if let Some(signal) = view.host_teaching_signal(pack) {
                facts
                    .learned
                    .push((i, host.clone(), call.span.clone(), signal));
            }
        }
        if signalled {
            continue;
        }
        for rule in &rules.rules {
            let m = &rule.rule.matcher;
            if m.target != Target::Call
                || m.signal != SignalRequirement::Vendor
                || rule.paths.is_empty()
                || !selection.enabled(&rule.rule.code)
                || facts.unsignalled.iter().any(|(p, _, _)| *p == rule.pack)
            {
                continue;
            }
            if !m.methods.is_empty() && !m.methods.iter().any(|x| call.method.is(x)) {
                continue;
            }
            if rule
                .paths
                .iter()
                .any(|p| p.matches(&view.url.segments).is_some())
            {
                facts
                    .unsignalled
                    .push((rule.pack, host.clone(), call.url.literal_text()));
            }
        }
    }
    facts
}

/// Labels a finding whose call carries its vendor's signal only by its host, learned
/// from another call: where, and by which signal.
fn note_learned(finding: &mut Finding, call: &HttpCall, learned: &LearnedHost, file: &SourceFile) {
    let span = host_span(call, &learned.host);
    let shown = learned.path.to_string_lossy().replace('\\', "/");
    finding.labels.push(Label {
        span: span.clone(),
        message: format!(
            "host `{}` learned from {shown}:{}, where a call sends {}",
            learned.host, learned.start.line, learned.signal
        ),
    });
    if learned.path != file.path {
        finding.related.push(crate::call::Related {
            path: learned.path.clone(),
            span: learned.span.clone(),
            start: learned.start,
            end: learned.end,
            expr: learned.host.clone(),
            local: span,
            message: format!(
                "`{}` is learned here: this call sends {}",
                learned.host, learned.signal
            ),
            beside: Vec::new(),
            learned: true,
        });
    }
}

/// Where a call's URL writes its host: the part of the literal that holds it, or the
/// URL, or the call.
fn host_span(call: &HttpCall, host: &str) -> Span {
    for p in &call.url.pieces {
        if let crate::call::Piece::Lit { text, span, exact } = p {
            if let Some(at) = text.to_ascii_lowercase().find(host) {
                if *exact && span.len() == text.len() {
                    return (span.start + at)..(span.start + at + host.len());
                }
                return span.clone();
            }
        }
    }
    if call.url.span.is_empty() {
        call.span.clone()
    } else {
        call.url.span.clone()
    }
}

/// Whether an RPC call of one of the pack's `rpc` names shows the vendor's SDK (see
/// `Signals::rpc_sdk`): in the evidence its front end collected, or by a literal of one
/// of the vendor's hosts anywhere in its file.
fn rpc_sdk_evidence(pack: &CompiledPack, rpc: &crate::call::RpcName, file: &SourceFile) -> bool {
    let sdk = &pack.pack.signals.rpc_sdk;
    if sdk.is_empty() {
        return true;
    }
    let shows = |text: &str| {
        let lower = text.to_ascii_lowercase();
        sdk.iter().any(|m| lower.contains(&m.to_ascii_lowercase()))
    };
    if rpc.evidence.iter().any(|e| shows(e)) {
        return true;
    }
    let text = file.text.to_ascii_lowercase();
    pack.pack
        .signals
        .hosts
        .iter()
        .filter_map(|h| super::host_literal(h))
        .any(|lit| text.contains(&lit.to_ascii_lowercase()))
}

/// Runs the rules over one file; `spell`, the front end of the file's language handed
/// in by the caller (the rules never reach into front ends), spells its fixes.
pub fn check_file(
    rules: &RuleSet,
    selection: &Selection,
    config: &Config,
    file: &SourceFile,
    extraction: &Extraction,
    spell: &dyn Spell,
) -> Vec<Finding> {
    let mut findings: Vec<Finding> = Vec::new();
    if let Some((span, message)) = &extraction.syntax_error {
        findings.extend(unparseable(rules, selection, span.clone(), message));
    }
    let views: Vec<CallView> = extraction.calls.iter().map(CallView::new).collect();
    let matching = RefCell::new(HashMap::new());
    // Rewrites are rendered together after the rules ran: the front end then reads the
    // file once for all of them.
    let mut pending: Vec<(usize, usize, RewritePlan, &super::model::FixSpec)> = Vec::new();
    // Findings of rules about a literal credential, with the call that sends it.
    let mut about_literals: Vec<(usize, usize)> = Vec::new();
    for (view_index, view) in views.iter().enumerate() {
        crate::isolate::checkpoint();
        let cx = CallContext {
            view,
            config,
            spell,
            file_calls: &views,
            matching: &matching,
        };
        let signals: Vec<Signal> = rules.packs.iter().map(|p| view.signal(p, file)).collect();
        let any_signal = signals.iter().any(|s| *s != Signal::None);
        // The host learned from elsewhere that a finding owes its signal to.
        let learned = |rule: &CompiledRule| -> Option<&LearnedHost> {
            let from = |pack: usize| match signals[pack] {
                Signal::Learned(i) => rules.packs[pack].learned.get(i),
                _ => None,
            };
            match rule.rule.matcher.signal {
                SignalRequirement::Vendor => from(rule.pack),
                SignalRequirement::Any if !signals.contains(&Signal::Direct) => {
                    (0..signals.len()).find_map(from)
                }
                _ => None,
            }
        };
        let mut reported: Vec<&str> = Vec::new();
        for rule in &rules.rules {
            if rule.rule.matcher.target != Target::Call || !selection.enabled(&rule.rule.code) {
                continue;
            }
            let signal_ok = match rule.rule.matcher.signal {
                SignalRequirement::Vendor => signals[rule.pack] != Signal::None,
                SignalRequirement::Any => any_signal,
                SignalRequirement::None => true,
            };
            if !signal_ok {
                continue;
            }
            if let Some((mut finding, rw)) = evaluate(rules, rule, selection, &cx, &reported, file)
            {
                if let Some(l) = learned(rule) {
                    note_learned(&mut finding, view.call, l, file);
                }
                if let (Some(rw), Some(spec)) = (rw, rule.rule.fix.as_ref()) {
                    pending.push((findings.len(), view_index, rw, spec));
                }
                reported.push(&rule.rule.code);
                if literal_credential_label(rule).is_some() {
                    about_literals.push((findings.len(), view_index));
                }
                findings.push(finding);
            }
        }
    }
    if !pending.is_empty() {
        let items: Vec<(&HttpCall, &RewritePlan)> = pending
            .iter()
            .map(|(_, v, rw, _)| (views[*v].call, rw))
            .collect();
        let results = spell.spell(file, extraction, &items);
        for ((index, v, _, spec), result) in pending.iter().zip(results) {
            let call = views[*v].call;
            let fix = match result {
                Ok(edits) if !clear_of_related(&edits, call) => defined_elsewhere(spec, call),
                Err(_) if !call.related.is_empty() => defined_elsewhere(spec, call),
                result => finish_fix(spec, Some(result)),
            };
            findings[*index].help = Some(help_of(&fix));
            findings[*index].fix = Some(fix);
        }
    }
    let findings = one_per_literal(rules, findings, &about_literals, &views, file);
    // A base-URL constant shared by several calls is one problem, not several. The
    // definitions the dropped ones read stay with the one kept (another alternative's
    // env file feeds the same call: its fix must be held back as this one's is).
    let mut kept: std::collections::HashMap<(String, Span), usize> = Default::default();
    let mut out: Vec<Finding> = Vec::with_capacity(findings.len());
    for f in findings {
        match kept.get(&(f.code.clone(), f.span.clone())) {
            Some(&k) => {
                for r in f.related {
                    let known = out[k]
                        .related
                        .iter()
                        .any(|o| o.path == r.path && o.span == r.span);
                    if !known && !r.learned {
                        out[k].related.push(r);
                    }
                }
            }
            None => {
                kept.insert((f.code.clone(), f.span.clone()), out.len());
                out.push(f);
            }
        }
    }
    let mut findings = out;
    findings.sort_by_key(|f| (f.span.start, f.code.clone()));
    findings
}

/// For a rule with a `literal-credential` condition: its label, if any (`Some(None)`
/// when it has the condition without a label).
fn literal_credential_label(rule: &CompiledRule) -> Option<Option<&str>> {
    rule.rule.matcher.when.iter().find_map(|c| match c {
        Condition::LiteralCredential { label } => Some(label.as_deref()),
        _ => None,
    })
}

/// Calls further than this many lines from a credential are named in the help line
/// rather than labelled, so the code frame stays short.
const NEAR_LINES: usize = 6;

/// A credential is one problem however many calls send it: the findings of rules about
/// a literal credential (`about`: finding index and the call's view) become one finding
/// per literal, at the literal (where it must be removed, and where a suppression or a
/// baseline entry points), with the nearby calls that send it as labels and the others
/// named by line in the help.
fn one_per_literal(
    rules: &RuleSet,
    mut findings: Vec<Finding>,
    about: &[(usize, usize)],
    views: &[CallView],
    file: &SourceFile,
) -> Vec<Finding> {
    if about.is_empty() {
        return findings;
    }
    struct Group {
        template: Finding,
        what: &'static str,
        /// Each call that sends it, and whether it is a base URL defined beside it.
        calls: Vec<(Span, bool)>,
    }
    let mut groups: Vec<((String, usize, usize), Group)> = Vec::new();
    for &(index, view) in about {
        let template = &findings[index];
        for (span, what) in credential_spans(&views[view]) {
            let key = (template.code.clone(), span.start, span.end);
            let call = (
                views[view].call.span.clone(),
                views[view].call.client == Client::BaseUrl,
            );
            match groups.iter_mut().find(|(k, _)| *k == key) {
                Some((_, g)) => {
                    if !g.calls.contains(&call) {
                        g.calls.push(call);
                    }
                }
                None => groups.push((
                    key,
                    Group {
                        template: template.clone(),
                        what,
                        calls: vec![call],
                    },
                )),
            }
        }
    }
    let taken: std::collections::HashSet<usize> = about.iter().map(|(i, _)| *i).collect();
    let mut index = 0;
    findings.retain(|_| {
        index += 1;
        !taken.contains(&(index - 1))
    });
    for ((code, start, end), g) in groups {
        let literal_line = file.position(start).line;
        let mut labels = Vec::new();
        let mut far = Vec::new();
        let mut calls = g.calls;
        calls.sort_by_key(|c| c.0.start);
        for (call, base) in calls {
            // The call's first line: enough to show which request it is.
            let line_end = file.text[call.start..call.end]
                .find('\n')
                .map_or(call.end, |i| call.start + i);
            let head = call.start..line_end.max(call.start + 1).min(call.end);
            let line = file.position(head.start).line;
            if line.abs_diff(literal_line) <= NEAR_LINES {
                labels.push(Label {
                    span: head,
                    message: if base {
                        "the base URL it is defined with".to_string()
                    } else {
                        "sent by this call".to_string()
                    },
                });
            } else {
                far.push(line);
            }
        }
        let mut help = g.template.help.clone();
        if !far.is_empty() {
            far.dedup();
            let lines: Vec<String> = far.iter().map(|l| l.to_string()).collect();
            let (s, list) = (if far.len() == 1 { "" } else { "s" }, lines.join(", "));
            help = Some(format!(
                "{} (also sent by the call{s} on line{s} {list})",
                help.unwrap_or_default()
            ));
        }
        let label = rules
            .rules
            .iter()
            .find(|r| r.rule.code == code)
            .and_then(literal_credential_label)
            .flatten();
        findings.push(Finding {
            span: start..end,
            primary_label: label
                .map(str::to_string)
                .unwrap_or_else(|| format!("hard-coded {} (redacted)", g.what)),
            labels,
            help,
            ..g.template
        });
    }
    findings
}

/// The file-level `unparseable` rules (API003) for a file that could not be read or parsed.
pub fn unparseable(
    rules: &RuleSet,
    selection: &Selection,
    span: Span,
    message: &str,
) -> Vec<Finding> {
    rules
        .rules
        .iter()
        .filter(|r| r.rule.matcher.target == Target::File && selection.enabled(&r.rule.code))
        .map(|r| {
            let vendor = rules.vendor_of(r);
            Finding {
                code: r.rule.code.clone(),
                name: r.rule.name.clone(),
                vendor: vendor.id.clone(),
                severity: selection.severity_of(&r.rule.code, r.rule.severity),
                message: format!("{}: {message}", r.rule.message),
                span: span.clone(),
                call_span: None,
                primary_label: message.to_string(),
                labels: Vec::new(),
                help: None,
                fix: None,
                related: Vec::new(),
            }
        })
        .collect()
}

/// The call a rule looks at, and the other calls of its file (for checks about the
/// calls around it).
struct CallContext<'v, 'a> {
    view: &'v CallView<'a>,
    config: &'v Config,
    /// The speller of the file's language.
    spell: &'v dyn Spell,
    file_calls: &'v [CallView<'a>],
    /// Per `no-preceding-call` condition (by address): the file's calls it looks for,
    /// found once per file.
    matching: &'v RefCell<HashMap<usize, Rc<MatchingCalls>>>,
}

/// Indices of the calls a `no-preceding-call` condition looks for, each with its
/// `same_capture` segment when that is a literal.
type MatchingCalls = Vec<(usize, Option<String>)>;

impl CallContext<'_, '_> {
    /// The calls of the file that a `no-preceding-call` condition looks for (method,
    /// path, body field), whatever their position.
    fn calls_matching(&self, cond: &Condition) -> Rc<MatchingCalls> {
        let key = cond as *const Condition as usize;
        if let Some(found) = self.matching.borrow().get(&key) {
            return found.clone();
        }
        let Condition::NoPrecedingCall {
            method,
            path,
            field,
            value,
            same_capture,
            ..
        } = cond
        else {
            return Rc::default();
        };
        let mut out = Vec::new();
        for (i, other) in self.file_calls.iter().enumerate() {
            let o = other.call;
            // A computed method may be the one asked for.
            if method
                .as_deref()
                .is_some_and(|m| o.method.name.is_some() && !o.method.is(m))
            {
                continue;
            }
            let Some(m) = path.matches(&other.url.segments) else {
                continue;
            };
            let sends = match (field, value) {
                (Some(field), Some(value)) => match json_field(other, field) {
                    Some(f) => match &f.value {
                        Value::Str { value: v, .. } => v.eq_ignore_ascii_case(value),
                        Value::Expr { .. } => true,
                        _ => false,
                    },
                    None => body_unknown(other),
                },
                (Some(field), None) => json_field(other, field).is_some() || body_unknown(other),
                _ => true,
            };
            if sends {
                let capture = same_capture
                    .as_deref()
                    .and_then(|c| m.get(c))
                    .and_then(|s| s.literal());
                out.push((i, capture));
            }
        }
        out.sort_by_key(|(i, _)| self.file_calls[*i].call.span.start);
        let out = Rc::new(out);
        self.matching.borrow_mut().insert(key, out.clone());
        out
    }
}

fn evaluate(
    rules: &RuleSet,
    rule: &CompiledRule,
    selection: &Selection,
    cx: &CallContext,
    reported: &[&str],
    file: &SourceFile,
) -> Option<(Finding, Option<RewritePlan>)> {
    let m = &rule.rule.matcher;
    let view = cx.view;
    let call = view.call;
    if !m.methods.is_empty() && !m.methods.iter().any(|x| call.method.is(x)) {
        return None;
    }
    if !m.not_methods.is_empty()
        && (call.method.name.is_none() || m.not_methods.iter().any(|x| call.method.is(x)))
    {
        return None;
    }
    let path_match: Option<PathMatch> = if rule.paths.is_empty() {
        None
    } else {
        Some(
            rule.paths
                .iter()
                .find_map(|p| p.matches(&view.url.segments))?,
        )
    };
    if m.unless.iter().any(|c| reported.contains(&c.as_str())) {
        return None;
    }
    let mut labels = Vec::new();
    // The label of the first condition about one value: where the finding starts.
    let mut value_label: Option<usize> = None;
    for cond in &m.when {
        let found = condition(cond, cx, path_match.as_ref())?;
        if value_label.is_none() && cond.is_about_one_value() && found.len() == 1 {
            value_label = Some(labels.len());
        }
        labels.extend(found);
    }
    let rule_label = rule
        .rule
        .label
        .clone()
        .unwrap_or_else(|| rule.rule.summary.clone());
    let at_value = value_label
        .filter(|&i| !labels[i].span.is_empty() && labels[i].span != call.span)
        .map(|i| labels.remove(i));
    if let Some(label) = url_label(view, path_match.as_ref(), file) {
        labels.insert(0, label);
    }
    let (span, primary_label, call_span) = match at_value {
        Some(value) => {
            labels.insert(
                0,
                Label {
                    span: call.span.clone(),
                    message: rule_label,
                },
            );
            (value.span, value.message, Some(call.span.clone()))
        }
        None => (call.span.clone(), rule_label, None),
    };
    // Where the parts imported from other files are defined (one frame shows one
    // file: the other file's place is named in the label).
    for r in &call.related {
        labels.push(Label {
            span: r.local.clone(),
            message: format!(
                "defined in {}:{}",
                r.path.to_string_lossy().replace('\\', "/"),
                r.start.line
            ),
        });
    }
    let vendor = rules.vendor_of(rule);
    let mut message = render_message(&rule.rule.message, view, path_match.as_ref(), &vendor.name);
    // One alternative of several: the message says which.
    if let Some(alt) = &call.alternative {
        message = format!("{message} (when {alt})");
    }
    let (fix, to_render) = match rule.rule.fix.as_ref() {
        None => (None, None),
        // Part of the request is written in another file: an edit here could only
        // spell the value at the call site, and the definition may feed other calls.
        // A transform whose edits stay clear of the imported names edits only what is
        // written here (`B + '/api/2.0'` with `B` imported), and is kept.
        // (Advice that edits nothing is the same wherever the values are written.)
        Some(spec) if !call.related.is_empty() && spec.applicability != Applicability::Manual => {
            match plan_fix(
                spec,
                &rules.packs[rule.pack].pack,
                view,
                path_match.as_ref(),
                file,
                cx,
            ) {
                FixPlan::Done(Some(Ok(edits)))
                    if !edits.is_empty() && clear_of_related(&edits, call) =>
                {
                    (Some(finish_fix(spec, Some(Ok(edits)))), None)
                }
                // A rewrite that keeps the other files' values as written (`{{baseUrl}}`
                // before the replaced path) and reads none of them is rendered; its
                // edits are checked the same way once rendered.
                FixPlan::Render(rw) if !reads_related(&rw, call) => (None, Some(*rw)),
                _ => (Some(defined_elsewhere(spec, call)), None),
            }
        }
        // One alternative of several: an edit of its own literal is kept; a rewrite of
        // the whole call would have to serve every alternative.
        Some(spec) if call.alternative.is_some() => {
            match plan_fix(
                spec,
                &rules.packs[rule.pack].pack,
                view,
                path_match.as_ref(),
                file,
                cx,
            ) {
                FixPlan::Done(built) => (Some(finish_fix(spec, built)), None),
                FixPlan::Render(_) => (
                    Some(Fix {
                        title: format!(
                            "{} — not automated here: the URL has several alternatives; rewrite the call by hand",
                            spec.title
                        ),
                        applicability: Applicability::Manual,
                        edits: Vec::new(),
                        elsewhere: Vec::new(),
                    }),
                    None,
                ),
            }
        }
        Some(spec) => match plan_fix(
            spec,
            &rules.packs[rule.pack].pack,
            view,
            path_match.as_ref(),
            file,
            cx,
        ) {
            FixPlan::Done(built) => (Some(finish_fix(spec, built)), None),
            FixPlan::Render(rw) => (None, Some(*rw)),
        },
    };
    let help = fix.as_ref().map(help_of);
    let finding = Finding {
        code: rule.rule.code.clone(),
        name: rule.rule.name.clone(),
        vendor: vendor.id.clone(),
        severity: selection.severity_of(&rule.rule.code, rule.rule.severity),
        message,
        span,
        call_span,
        primary_label,
        labels,
        help,
        fix,
        related: call.related.clone(),
    };
    Some((finding, to_render))
}

/// Whether no edit touches a value the call reads from another file.
fn clear_of_related(edits: &[crate::finding::Edit], call: &HttpCall) -> bool {
    edits.iter().all(|e| {
        call.related
            .iter()
            .all(|r| e.span.end <= r.local.start || e.span.start >= r.local.end)
    })
}

/// Whether a rewrite reads a value the call takes from another file (it would spell
/// that value here rather than the name that reads it), cuts the URL outside what is
/// written here, or the names reading other files are not in the URL as written at the
/// call (a renderer rebuilding the URL there would spell their values).
fn reads_related(rw: &RewritePlan, call: &HttpCall) -> bool {
    use crate::model::plan::{NewBody, Part, RValue};
    fn parts(ps: &[Part], out: &mut Vec<(Span, String)>) {
        for p in ps {
            match p {
                Part::Source { span, text } => out.push((span.clone(), text.clone())),
                Part::Call { args, .. } => args.iter().for_each(|a| parts(a, out)),
                _ => {}
            }
        }
    }
    fn value(v: &RValue, out: &mut Vec<(Span, String)>) {
        match v {
            RValue::Str(ps) => parts(ps, out),
            RValue::Array(items) => items.iter().for_each(|i| value(i, out)),
            RValue::Object(entries) => entries.iter().for_each(|(_, v)| value(v, out)),
            _ => {}
        }
    }
    // A value read through a variable elsewhere in this file (`url` built from an
    // imported base lines above) would be spelled where the call is rebuilt.
    if !call
        .related
        .iter()
        .all(|r| call.url.span.start <= r.local.start && r.local.end <= call.url.span.end)
    {
        return true;
    }
    let mut spans = Vec::new();
    if let Some(u) = &rw.url {
        if u.cut.is_none() {
            return true;
        }
        parts(&u.path, &mut spans);
    }
    for (_, ps) in &rw.set_headers {
        parts(ps, &mut spans);
    }
    match &rw.body {
        Some(NewBody::Json(v)) => value(v, &mut spans),
        Some(NewBody::Form(fields)) => fields.iter().for_each(|(_, v)| value(v, &mut spans)),
        _ => {}
    }
    // Spelling the name the call site reads (`{{lrnBase}}`) keeps the reference.
    spans.iter().any(|(s, text)| {
        call.related
            .iter()
            .any(|r| s.start < r.local.end && r.local.start < s.end && *text != r.expr)
    })
}

/// The manual fix of a call whose URL is partly defined in another file: it names
/// where, so that the change is made once, at the definition.
fn defined_elsewhere(spec: &super::model::FixSpec, call: &HttpCall) -> Fix {
    // One expression read from several definitions (an env variable that two env
    // files set) is named once, with every place.
    let mut by_expr: Vec<(&str, Vec<String>)> = Vec::new();
    for r in &call.related {
        let place = format!(
            "{}:{}",
            r.path.to_string_lossy().replace('\\', "/"),
            r.start.line
        );
        match by_expr.iter_mut().find(|(e, _)| *e == r.expr) {
            Some((_, at)) => at.push(place),
            None => by_expr.push((&r.expr, vec![place])),
        }
    }
    let places: Vec<String> = by_expr
        .into_iter()
        .map(|(expr, at)| format!("`{expr}` is defined in {}", at.join(" and ")))
        .collect();
    Fix {
        title: format!(
            "{} — not automated here: {}; change it there",
            spec.title,
            places.join(", ")
        ),
        applicability: Applicability::Manual,
        edits: Vec::new(),
        elsewhere: Vec::new(),
    }
}

fn help_of(fix: &Fix) -> String {
    match fix.applicability {
        Applicability::Manual => fix.title.clone(),
        a => format!("{} ({a} fix)", fix.title),
    }
}

/// What it takes to build a rule's fix for a call.
enum FixPlan {
    /// Built already (a transform), or not buildable, or advice only.
    Done(Option<Result<Vec<crate::finding::Edit>, String>>),
    /// A rewrite for the file's front end to render.
    Render(Box<RewritePlan>),
}

/// The rule's fix for this call: edits from its transform or its rewrite (rendered by
/// the file's front end), or advice only when the fix is manual or cannot be built here.
fn plan_fix(
    spec: &super::model::FixSpec,
    pack: &super::model::RulePack,
    view: &CallView,
    path_match: Option<&PathMatch>,
    file: &SourceFile,
    cx: &CallContext,
) -> FixPlan {
    let config = cx.config;
    if let Some(t) = &spec.transform {
        return FixPlan::Done(Some(transforms::edits(
            t, view.call, file, config, cx.spell,
        )));
    }
    let Some(r) = &spec.rewrite else {
        return FixPlan::Done(None);
    };
    if spec.applicability == Applicability::Manual {
        return FixPlan::Done(None);
    }
    let empty = PathMatch::default();
    let m = path_match.unwrap_or(&empty);
    let start = m.literal_start.unwrap_or(0);
    let pack = super::plan::PackData {
        vendor: &pack.vendor.id,
        functions: &pack.functions,
    };
    match super::plan::resolve(r, view.call, &view.url.segments, start, m, config, pack) {
        Ok(rw) => FixPlan::Render(Box::new(rw)),
        Err(e) => FixPlan::Done(Some(Err(e))),
    }
}

/// The `Fix` of a rule from what building it gave: edits, a reason it could not be
/// built here, or nothing (advice only).
fn finish_fix(
    spec: &super::model::FixSpec,
    built: Option<Result<Vec<crate::finding::Edit>, String>>,
) -> Fix {
    match built {
        Some(Ok(edits)) if !edits.is_empty() && spec.applicability != Applicability::Manual => {
            Fix {
                title: spec.title.clone(),
                applicability: spec.applicability,
                edits,
                elsewhere: Vec::new(),
            }
        }
        Some(Err(reason)) => Fix {
            title: format!("{} — not automated here: {reason}", spec.title),
            applicability: Applicability::Manual,
            edits: Vec::new(),
            elsewhere: Vec::new(),
        },
        _ => Fix {
            title: spec.title.clone(),
            applicability: Applicability::Manual,
            edits: Vec::new(),
            elsewhere: Vec::new(),
        },
    }
}

/// A label showing how the URL resolved, when part of it is written outside the call
/// (a base-URL constant): on that constant when it is close by, otherwise on the call's
/// URL argument. A URL written entirely in the call needs no such label.
fn url_label(view: &CallView, path_match: Option<&PathMatch>, file: &SourceFile) -> Option<Label> {
    let _ = path_match?;
    let call = view.call;
    let outside = call.url.pieces.iter().find_map(|p| match p {
        crate::call::Piece::Lit { span, .. }
            if span.start < call.span.start || span.end > call.span.end =>
        {
            Some(span.clone())
        }
        _ => None,
    })?;
    let display = display_url(view);
    let call_line = file.position(call.span.start).line;
    let const_line = file.position(outside.start).line;
    if call_line.abs_diff(const_line) <= 3 {
        return Some(Label {
            span: outside,
            message: format!("the URL starts here: {display}"),
        });
    }
    if call.url.span.is_empty() {
        return None;
    }
    Some(Label {
        span: call.url.span.clone(),
        message: format!("resolves to {display}"),
    })
}

/// The URL as it resolved, with holes as `{expr}`, without its query (where secrets
/// may be) and without credentials in the origin.
fn display_url(view: &CallView) -> String {
    if let Some(shown) = display_with_hole_host(view) {
        return shown;
    }
    let mut out = String::new();
    if let Some(origin) = &view.url.origin {
        out.push_str(&without_userinfo(origin));
    }
    for (i, seg) in view.url.segments.iter().enumerate() {
        // A URL that starts with an unknown base reads `{BASE}/api/…`, not `/{BASE}/…`.
        if i > 0 || !view.url.leading_hole {
            out.push('/');
        }
        out.push_str(&seg.display());
    }
    if out.is_empty() {
        out.push('/');
    }
    out
}

/// A URL whose scheme or host is not all literal (`https://${host}/api/2.0`,
/// `https://acme-${env}.khoros.com/…`, `${proto}://${host}/…`): its origin is not
/// parsed, so it is shown as written, holes as `{expr}`, up to its query, with runs of
/// `/` in the path made one (a base URL ending in `/` joined with a path starting with
/// one).
fn display_with_hole_host(view: &CallView) -> Option<String> {
    use crate::call::Piece;
    let pieces = &view.call.url.pieces;
    let literal_origin = match pieces.first() {
        Some(Piece::Lit { text, .. }) => text
            .find("://")
            .is_some_and(|i| text[i + 3..].contains(['/', '?', '#'])),
        _ => false,
    };
    if view.url.origin.is_some() && (literal_origin || pieces.len() < 2) {
        return None;
    }
    let mut written = String::new();
    'pieces: for p in pieces {
        match p {
            Piece::Lit { text, .. } => {
                for ch in text.chars() {
                    if ch == '?' || ch == '#' {
                        break 'pieces;
                    }
                    written.push(ch);
                }
            }
            Piece::Hole { expr, .. } => {
                written.push('{');
                written.push_str(expr);
                written.push('}');
            }
        }
    }
    let scheme_end = written.find("://")? + 3;
    if written[..scheme_end - 3].contains('/') {
        return None;
    }
    let (scheme, rest) = written.split_at(scheme_end);
    let host_end = rest.find('/').unwrap_or(rest.len());
    let mut out = format!("{scheme}{}", without_userinfo(&rest[..host_end]));
    for ch in rest[host_end..].chars() {
        if ch == '/' && out.ends_with('/') {
            continue;
        }
        out.push(ch);
    }
    Some(out)
}

/// An origin (or a host) without a `user:password@` part.
fn without_userinfo(origin: &str) -> String {
    match origin.rfind('@') {
        Some(at) => {
            let scheme_end = origin.find("://").map_or(0, |i| i + 3);
            format!("{}{}", &origin[..scheme_end.min(at)], &origin[at + 1..])
        }
        None => origin.to_string(),
    }
}

fn render_message(
    template: &str,
    view: &CallView,
    path_match: Option<&PathMatch>,
    vendor: &str,
) -> String {
    let mut out = String::new();
    for segment in segments(template) {
        let key = match segment {
            Segment::Lit { text, .. } => {
                out.push_str(text);
                continue;
            }
            Segment::Var { name, .. } => name,
        };
        let value = match key {
            "method" => view.call.method.name.clone().unwrap_or_else(|| "?".into()),
            "path" => display_url(view),
            "vendor" => vendor.to_string(),
            _ => {
                if let Some(name) = key.strip_prefix("capture.") {
                    path_match
                        .and_then(|m| m.get(name))
                        .map(|s| s.display())
                        .unwrap_or_default()
                } else if let Some(name) = key.strip_prefix("param.") {
                    match view.param(name) {
                        Some((f, _)) if checks::is_secret_name(&f.key) => "***".into(),
                        Some((f, _)) => f.value.text(),
                        None => String::new(),
                    }
                } else {
                    format!("{{{{{key}}}}}")
                }
            }
        };
        out.push_str(&value);
    }
    out
}

/// Evaluates one condition: `None` when it does not hold, otherwise the labels to add.
fn condition(cond: &Condition, cx: &CallContext, pm: Option<&PathMatch>) -> Option<Vec<Label>> {
    let view = cx.view;
    let label = |span: Span, text: &Option<String>, default: &str| Label {
        span,
        message: text.clone().unwrap_or_else(|| default.to_string()),
    };
    match cond {
        Condition::ParamPresent { param, label: l } => {
            let (f, _) = view.param(param)?;
            Some(vec![label(field_span(f), l, &format!("`{param}` is sent"))])
        }
        Condition::ParamTruthy { param, label: l } => {
            let (f, _) = view.param(param)?;
            let falsy = match &f.value {
                Value::Bool { value, .. } => !value,
                Value::Str { value, .. } => matches!(value.trim(), "false" | "0" | ""),
                Value::Num { text, .. } => text.trim() == "0",
                Value::Null { .. } => true,
                _ => false,
            };
            if falsy {
                return None;
            }
            Some(vec![label(field_span(f), l, &format!("`{param}` is sent"))])
        }
        Condition::MethodIs { methods, label: l } => {
            if !methods.iter().any(|m| view.call.method.is(m)) {
                return None;
            }
            let span = view
                .call
                .method
                .span
                .clone()
                .unwrap_or_else(|| view.call.span.clone());
            let name = view.call.method.name.clone().unwrap_or_default();
            Some(vec![label(span, l, &format!("sent with {name}"))])
        }
        Condition::ParamsAbsent { params } => {
            if view.params_open || params.iter().any(|p| view.has_param(p)) {
                None
            } else {
                Some(vec![])
            }
        }
        Condition::ParamNotLiteral { param, label: l } => {
            let (f, _) = view.param(param)?;
            if f.value.is_literal() {
                return None;
            }
            Some(vec![label(
                f.value.span(),
                l,
                &format!("`{param}` is computed at run time"),
            )])
        }
        Condition::ParamLiteralLacks {
            param,
            text,
            label: l,
        } => {
            let (f, _) = view.param(param)?;
            let value = f.value.as_str()?;
            if value.contains(text.as_str()) {
                return None;
            }
            Some(vec![label(
                f.value.span(),
                l,
                &format!("`{param}` has no `{text}`"),
            )])
        }
        Condition::ParamLiteralInvalid {
            param,
            format,
            label: l,
        } => {
            let (f, _) = view.param(param)?;
            let ok = match (format, &f.value) {
                (Format::Uuid, Value::Str { value, .. }) => checks::is_uuid(value),
                (Format::JsonLiteral, Value::Str { value, .. }) => checks::is_json_literal(value),
                // Numbers and booleans are JSON literals; a non-string uuid is not a UUID.
                (
                    Format::JsonLiteral,
                    Value::Num { .. } | Value::Bool { .. } | Value::Null { .. },
                ) => true,
                (Format::Uuid, Value::Num { .. } | Value::Bool { .. } | Value::Null { .. }) => {
                    false
                }
                _ => return None,
            };
            if ok {
                return None;
            }
            let what = match format {
                Format::Uuid => "not a canonical UUID",
                Format::JsonLiteral => "not a JSON literal",
            };
            Some(vec![label(
                f.value.span(),
                l,
                &format!("`{param}` is {what}"),
            )])
        }
        Condition::ParamsMoreThan {
            params,
            count,
            label: l,
        } => {
            let present: Vec<&Field> = params
                .iter()
                .filter_map(|p| view.param(p).map(|(f, _)| f))
                .collect();
            if present.len() <= *count {
                return None;
            }
            Some(
                present
                    .iter()
                    .map(|f| label(f.key_span.clone(), l, &format!("`{}`", f.key)))
                    .collect(),
            )
        }
        Condition::ParamsInQuery { params, label: l } => {
            let hits: Vec<&Field> = view
                .all_params()
                .filter(|(f, loc)| {
                    *loc == ParamLocation::Query && (params.is_empty() || params.contains(&f.key))
                })
                .map(|(f, _)| f)
                .collect();
            let first = hits.first()?;
            Some(vec![label(
                field_span(first),
                l,
                "parameters are sent in the URL query",
            )])
        }
        Condition::SegmentIs {
            capture,
            kind,
            exclude,
            label: l,
        } => {
            let seg = pm?.get(capture)?;
            if seg.literal().is_some_and(|lit| exclude.contains(&lit)) {
                return None;
            }
            let username = *kind == IdentifierKind::EmailOrUsername;
            if !checks::segment_identifies_by_name(seg, username) {
                return None;
            }
            let default = if username {
                "an e-mail address or user name, not the internal id"
            } else {
                "an e-mail address, not the internal id"
            };
            Some(vec![label(seg.span()?, l, default)])
        }
        Condition::JsonFieldType {
            field,
            types,
            label: l,
        } => {
            let f = json_field(view, field)?;
            let t = json_type(&f.value)?;
            if !types.contains(&t) {
                return None;
            }
            Some(vec![label(
                f.value.span(),
                l,
                &format!("`{field}` is a {}", type_name(t)),
            )])
        }
        Condition::JsonBodyShape {
            required,
            allowed,
            label: l,
        } => {
            let body_fields = match (&view.call.body, view.json_body) {
                (None, _) => {
                    return Some(vec![label(view.call.span.clone(), l, "no request body")])
                }
                (_, Some(Value::Object(fields))) => fields.clone(),
                (Some(Body::Raw { text, span }), _) => raw_json_fields(text, span)?,
                _ => return None,
            };
            let mut out = Vec::new();
            for r in required {
                if body_fields.get(r).is_none() && !body_fields.open {
                    out.push(label(
                        body_fields.span.clone(),
                        l,
                        &format!("`{r}` is missing"),
                    ));
                }
            }
            for f in &body_fields.entries {
                if !allowed.contains(&f.key) {
                    out.push(label(
                        f.key_span.clone(),
                        l,
                        &format!("unexpected property `{}`", f.key),
                    ));
                }
            }
            if out.is_empty() {
                None
            } else {
                Some(out)
            }
        }
        Condition::BodyInvalidJson { label: l } => {
            let Some(Body::Raw { text, span }) = &view.call.body else {
                return None;
            };
            let trimmed = text.trim_start();
            if !(trimmed.starts_with('{') || trimmed.starts_with('[')) {
                return None;
            }
            let err = serde_json::from_str::<serde_json::Value>(text).err()?;
            Some(vec![label(
                span.clone(),
                l,
                &format!("invalid JSON: {err}"),
            )])
        }
        Condition::UnformattedPlaceholder { label: l } => {
            let placeholders = &view.call.unformatted;
            if placeholders.is_empty() {
                return None;
            }
            Some(
                placeholders
                    .iter()
                    .map(|p| {
                        label(
                            p.span.clone(),
                            l,
                            &format!("`{}` is sent as it is written", p.name),
                        )
                    })
                    .collect(),
            )
        }
        Condition::LiteralCredential { label: l } => {
            let spans = credential_spans(view);
            if spans.is_empty() {
                return None;
            }
            Some(
                spans
                    .into_iter()
                    .map(|(span, what)| label(span, l, &format!("hard-coded {what} (redacted)")))
                    .collect(),
            )
        }
        Condition::JsonBodyMentions {
            field,
            text,
            label: l,
        } => {
            let (value, span) = match &view.call.body {
                Some(Body::GraphQl { query, span, .. }) if field == "query" => {
                    (query.clone(), span.clone())
                }
                _ => {
                    let f = json_field(view, field)?;
                    let text = match &f.value {
                        Value::Str { value, .. } => value.clone(),
                        // A template literal or expression: its source text.
                        Value::Expr { text, .. } => text.clone(),
                        _ => return None,
                    };
                    (text, f.value.span())
                }
            };
            if !value.contains(text.as_str()) {
                return None;
            }
            Some(
                l.iter()
                    .map(|l| label(span.clone(), &Some(l.clone()), ""))
                    .collect(),
            )
        }
        Condition::JsonFieldTruthy {
            field,
            if_unknown,
            label: l,
        } => {
            let Some(f) = json_field(view, field) else {
                return (*if_unknown && body_unknown(view)).then(Vec::new);
            };
            if is_falsy(&f.value) {
                return None;
            }
            Some(
                l.iter()
                    .map(|l| label(field_span(&f), &Some(l.clone()), ""))
                    .collect(),
            )
        }
        Condition::JudgedByStatus {
            unless_reads,
            label: l,
        } => judged_by_status(view, unless_reads, l),
        Condition::NoPrecedingCall {
            same_capture,
            label: l,
            ..
        } => {
            let call = view.call;
            let own = same_capture
                .as_deref()
                .and_then(|c| pm?.get(c))
                .and_then(|s| s.literal());
            let candidates = cx.calls_matching(cond);
            // Candidates are in source order: only those before this one count.
            let before = candidates
                .partition_point(|(i, _)| cx.file_calls[*i].call.span.start < call.span.start);
            let preceded = candidates[..before].iter().rev().any(|(i, theirs)| {
                let other_user = matches!((&own, theirs), (Some(a), Some(b)) if a != b);
                !other_user && nested(&cx.file_calls[*i].call.scope, &call.scope)
            });
            if preceded {
                return None;
            }
            Some(
                l.iter()
                    .map(|l| label(call.span.clone(), &Some(l.clone()), ""))
                    .collect(),
            )
        }
        Condition::ParamNotInSchema { param, label: l } => {
            let paths = cx.config.janrain.schema_paths.as_ref()?;
            let (f, _) = view.param(param)?;
            let value = f.value.as_str()?;
            let path = value.split('#').next().unwrap_or(value);
            if path.is_empty() || paths.iter().any(|p| p == path) {
                return None;
            }
            let hint = match transforms::closest_path(path, paths) {
                Some(best) => format!("`{path}` is not in the schema; did you mean `{best}`?"),
                None => format!("`{path}` is not in the schema"),
            };
            Some(vec![label(f.value.span(), l, &hint)])
        }
        Condition::Unparseable => None,
        Condition::AnyOf { any } => any.iter().find_map(|c| condition(c, cx, pm)),
    }
}

/// `false`, `"false"`, `0`, `""`, `null`.
fn is_falsy(v: &Value) -> bool {
    match v {
        Value::Bool { value, .. } => !value,
        Value::Str { value, .. } => matches!(value.trim(), "false" | "0" | ""),
        Value::Num { text, .. } => text.trim() == "0",
        Value::Null { .. } => true,
        _ => false,
    }
}

/// The body may hold fields that are not known here (built elsewhere, spread, computed).
fn body_unknown(view: &CallView) -> bool {
    match &view.call.body {
        Some(Body::Expr { .. }) => true,
        Some(Body::Json { value }) => match value {
            Value::Object(fields) => fields.open,
            v => !v.is_literal(),
        },
        Some(Body::Form { fields }) => fields.open,
        Some(Body::Raw { .. } | Body::GraphQl { .. }) | None => false,
    }
}

/// Two calls are in the same function, or one's function encloses the other's (a
/// callback, a nested helper). Calls whose function is not known are compared file-wide.
fn nested(a: &Option<Span>, b: &Option<Span>) -> bool {
    let within = |x: &Span, y: &Span| y.start <= x.start && x.end <= y.end;
    match (a, b) {
        (Some(a), Some(b)) => within(a, b) || within(b, a),
        _ => true,
    }
}

/// The `judged-by-status` check: the status checks (or the `await` of a client that
/// rejects on error statuses) as labels, unless the body's outcome is read.
fn judged_by_status(
    view: &CallView,
    unless_reads: &[String],
    text: &Option<String>,
) -> Option<Vec<Label>> {
    let call = view.call;
    let response = &call.response;
    if unless_reads.iter().any(|w| response.reads(w)) {
        return None;
    }
    let message = text
        .clone()
        .unwrap_or_else(|| "judged by HTTP status only".to_string());
    if !response.status_checks.is_empty() {
        return Some(
            response
                .status_checks
                .iter()
                .map(|s| Label {
                    span: s.clone(),
                    message: message.clone(),
                })
                .collect(),
        );
    }
    let awaited = response.awaited.clone()?;
    if !call.client.rejects_on_error_status() {
        return None;
    }
    let client = match call.client {
        Client::Axios => "axios",
        Client::Got => "got",
        Client::Ky => "ky",
        Client::Superagent => "superagent",
        Client::Request => "request-promise",
        Client::JQuery => "jQuery",
        _ => "the client",
    };
    Some(vec![Label {
        span: awaited,
        message: format!("{message}: {client} rejects only on an HTTP error status"),
    }])
}

fn field_span(f: &Field) -> Span {
    let v = f.value.span();
    if v.start >= f.key_span.start && v.end >= f.key_span.end && v.start - f.key_span.start < 200 {
        f.key_span.start..v.end
    } else {
        f.key_span.clone()
    }
}

fn json_field(view: &CallView, name: &str) -> Option<Field> {
    match (&view.call.body, view.json_body) {
        (_, Some(Value::Object(fields))) => fields.get(name).cloned(),
        (Some(Body::Raw { text, span }), _) => raw_json_fields(text, span)?.get(name).cloned(),
        (Some(Body::Form { fields }), _) => fields.get(name).cloned(),
        _ => None,
    }
}

/// The top-level fields of a literal JSON string body, with the whole literal as span.
fn raw_json_fields(text: &str, span: &Span) -> Option<crate::call::Fields> {
    let serde_json::Value::Object(map) = serde_json::from_str(text).ok()? else {
        return None;
    };
    let entries = map
        .into_iter()
        .map(|(key, v)| Field {
            key,
            key_span: span.clone(),
            value: match v {
                serde_json::Value::String(s) => Value::Str {
                    value: s,
                    span: span.clone(),
                },
                serde_json::Value::Number(n) => Value::Num {
                    text: n.to_string(),
                    span: span.clone(),
                },
                serde_json::Value::Bool(b) => Value::Bool {
                    value: b,
                    span: span.clone(),
                },
                serde_json::Value::Null => Value::Null { span: span.clone() },
                serde_json::Value::Array(_) => Value::Array {
                    items: vec![],
                    span: span.clone(),
                },
                serde_json::Value::Object(_) => Value::Object(crate::call::Fields {
                    entries: vec![],
                    open: true,
                    span: span.clone(),
                }),
            },
        })
        .collect();
    Some(crate::call::Fields {
        entries,
        open: false,
        span: span.clone(),
    })
}

fn json_type(v: &Value) -> Option<JsonType> {
    Some(match v {
        Value::Str { .. } => JsonType::String,
        Value::Num { .. } => JsonType::Number,
        Value::Bool { .. } => JsonType::Boolean,
        Value::Null { .. } => JsonType::Null,
        Value::Object(_) => JsonType::Object,
        Value::Array { .. } => JsonType::Array,
        Value::Expr { .. } => return None,
    })
}

fn type_name(t: JsonType) -> &'static str {
    match t {
        JsonType::String => "string",
        JsonType::Number => "number",
        JsonType::Boolean => "boolean",
        JsonType::Null => "null",
        JsonType::Object => "object",
        JsonType::Array => "array",
    }
}

/// Literal credentials sent by a call: the span of each secret value and what it is.
fn credential_spans(view: &CallView) -> Vec<(Span, &'static str)> {
    let call = view.call;
    let mut out = Vec::new();
    for h in &call.headers.entries {
        let Value::Str { value, span } = &h.value else {
            continue;
        };
        if let Some(range) = checks::scheme_credential(value) {
            let what = if value.to_ascii_lowercase().starts_with("basic") {
                "Basic credential"
            } else {
                "bearer token"
            };
            out.push((exact_sub(span, value, range), what));
        } else if checks::is_secret_name(&h.key) && !checks::is_placeholder(value) {
            let what = if h.key.eq_ignore_ascii_case("authorization") {
                "credential"
            } else {
                kind_of(&h.key)
            };
            out.push((span.clone(), what));
        }
    }
    // A base URL sends nothing of its own: only the credentials defined with it (an
    // env file's session key beside its URL) are its.
    if call.client == Client::BaseUrl {
        return out;
    }
    /// What a secret name holds, for the label.
    fn kind_of(key: &str) -> &'static str {
        let key = key.to_ascii_lowercase();
        if key.contains("pass") || key == "pwd" {
            "password"
        } else if key.contains("secret") {
            "client secret"
        } else if key.contains("session") {
            "session key"
        } else if key.contains("token") {
            "token"
        } else {
            "API key"
        }
    }
    fn walk(f: &Field, out: &mut Vec<(Span, &'static str)>) {
        match &f.value {
            Value::Str { value, span }
                if checks::is_secret_name(&f.key) && !checks::is_placeholder(value) =>
            {
                out.push((span.clone(), kind_of(&f.key)));
            }
            // Nested JSON (`variables: { password: '…' }`).
            Value::Object(fields) => fields.entries.iter().for_each(|e| walk(e, out)),
            _ => {}
        }
    }
    for (f, _) in view.all_params() {
        walk(f, &mut out);
    }
    // The password of URL userinfo (`https://svc:P4ss@host/…`).
    for piece in &call.url.pieces {
        if let crate::call::Piece::Lit {
            text,
            span,
            exact: true,
        } = piece
        {
            if let Some(range) = crate::secrets::userinfo_password(text) {
                out.push((exact_sub(span, text, range), "password"));
            }
        }
    }
    out
}

/// The sub-span of a literal for a byte range of its value, when the literal has no
/// escapes (span length equals value length); otherwise the whole literal.
fn exact_sub(span: &Span, value: &str, range: std::ops::Range<usize>) -> Span {
    if span.len() == value.len() {
        (span.start + range.start)..(span.start + range.end)
    } else {
        span.clone()
    }
}

/// Spans of every literal credential in the file: what the front end found plus what
/// calls send. Reporters replace them with `***`.
pub fn secret_spans(extraction: &Extraction) -> Vec<Span> {
    let mut spans = extraction.secrets.clone();
    for call in &extraction.calls {
        let view = CallView::new(call);
        spans.extend(credential_spans(&view).into_iter().map(|(s, _)| s));
    }
    spans.sort_by_key(|s| (s.start, std::cmp::Reverse(s.end)));
    spans.dedup();
    spans
}
