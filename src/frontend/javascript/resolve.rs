//! Resolution of expressions through the bindings of the file: URL templates, values,
//! option objects, header/query fields and bodies.
//!
//! Every resolved literal keeps the span where its text is written (a `const` far
//! away, an object property), because fixes edit those spans. Whatever is not bound
//! to something known in this file becomes a `Piece::Hole` / `Value::Expr` showing the
//! expression as written at the place it was met.

use super::scope::{named_children, BindKind, BindValue, ScopeId, Scopes};
use crate::call::{Body, Field, Fields, Method, Piece, Span, Value};
use crate::frontend::fields::ChildField as _;
use crate::resolve::alternatives::{ChoicePoint, Choices, MAX_ALTERNATIVES};
use std::cell::{Cell, RefCell};
use std::rc::Rc;
use tree_sitter::Node;

/// How deep resolution follows bindings and nested expressions before giving up.
const MAX_DEPTH: usize = 24;

pub(super) struct Resolver<'a, 't> {
    pub text: &'t str,
    pub scopes: &'a Scopes<'t>,
    /// Work done since the outermost resolution began; see `tick`.
    work: Cell<usize>,
    /// How many resolutions are running (they nest: a body resolves its values).
    entered: Cell<usize>,
    /// The modules the file imports or requires, found on first request.
    modules: std::cell::OnceCell<Vec<String>>,
    /// The project the file belongs to: values imported from relative modules are
    /// looked up there.
    pub project: Option<Project<'a>>,
    /// Which alternative to take at each choice point met while resolving one call's
    /// URL, and the choice points met (see [`crate::resolve::alternatives`]).
    choices: Choices,
    /// The parts of each template literal read so far, by node: the walk reads a
    /// template's literal parts for secrets, and resolving its URL reads them again.
    templates: RefCell<TemplateParts<'t>>,
}

type TemplateParts<'t> =
    std::collections::HashMap<usize, Rc<[TemplatePart<'t>]>, foldhash::fast::FixedState>;

/// The file being resolved, inside the run's project index.
#[derive(Clone, Copy)]
pub(crate) struct Project<'a> {
    pub index: &'a crate::resolve::ProjectIndex,
    /// The file's path (as displayed; relative specifiers resolve against it).
    pub path: &'a std::path::Path,
    /// How many modules deep this file is in the import chain being followed.
    pub depth: usize,
}

/// How much work one resolution may do. Bindings can double what they stand for at
/// every step (`const b = a + a; const c = b + b; …`): past this, what is left is an
/// unknown hole / expression instead of an exponential expansion.
const MAX_WORK: usize = 20_000;

/// Marks a resolution as running; the work count restarts with each outermost one.
struct Entry<'c>(&'c Cell<usize>);

impl Drop for Entry<'_> {
    fn drop(&mut self) {
        self.0.set(self.0.get() - 1);
    }
}

/// A URL being assembled: pieces in order, plus query parameters met on the way
/// (`?${new URLSearchParams({...})}`, `u.searchParams.set(k, v)`).
#[derive(Debug, Default, Clone)]
pub(super) struct UrlOut {
    pub pieces: Vec<Piece>,
    pub query: Vec<Field>,
    pub query_open: bool,
    /// Names whose bound literal was substituted (see `crate::call::Via`).
    pub vias: Vec<crate::call::Via>,
    /// `${name}` written in a quoted (not template) string (API004).
    pub unformatted: Vec<crate::call::Placeholder>,
    /// Parts imported from other modules, with where they are defined.
    pub related: Vec<crate::call::Related>,
}

/// One entry of a flattened option object.
#[derive(Clone, Copy, Debug)]
pub(super) enum OptEntry<'t> {
    Field {
        key_span: (usize, usize),
        value: Node<'t>,
        scope: ScopeId,
        key_index: usize,
    },
    /// A spread (or the whole object) whose keys are unknown here.
    Open(Node<'t>),
}

/// An object literal with its spreads flattened, in source order (later keys win).
#[derive(Clone, Debug, Default)]
pub(super) struct Opts<'t> {
    keys: Vec<String>,
    entries: Vec<OptEntry<'t>>,
    /// Built with a spread: even when the spread object is known here, it is data
    /// from elsewhere, so the fields are reported as open.
    spread: bool,
    pub span: Span,
}

/// What looking a key up in an option object found.
#[derive(Clone, Copy, Debug)]
pub(super) enum Lookup<'t> {
    Found {
        value: Node<'t>,
        scope: ScopeId,
    },
    Absent,
    /// The key may be set by this spread (or unknown object).
    Unknown(Node<'t>),
}

impl<'t> Lookup<'t> {
    pub fn found(self) -> Option<(Node<'t>, ScopeId)> {
        match self {
            Lookup::Found { value, scope } => Some((value, scope)),
            _ => None,
        }
    }
}

impl<'t> Opts<'t> {
    pub fn get(&self, key: &str) -> Lookup<'t> {
        for e in self.entries.iter().rev() {
            match *e {
                OptEntry::Field {
                    value,
                    scope,
                    key_index,
                    ..
                } if self.keys[key_index] == key => return Lookup::Found { value, scope },
                OptEntry::Open(n) => return Lookup::Unknown(n),
                _ => {}
            }
        }
        Lookup::Absent
    }

    /// The first of `keys` that is present (or possibly present).
    pub fn get_any(&self, keys: &[&str]) -> Lookup<'t> {
        let mut unknown = None;
        for k in keys {
            match self.get(k) {
                found @ Lookup::Found { .. } => return found,
                Lookup::Unknown(n) => unknown = Some(n),
                Lookup::Absent => {}
            }
        }
        unknown.map(Lookup::Unknown).unwrap_or(Lookup::Absent)
    }
}

/// Decodes a JavaScript escape sequence (`\n`, `\x41`, `\u{1F600}`, line continuation).
pub(super) fn decode_escape(raw: &str) -> String {
    let body = &raw[1..];
    let mut chars = body.chars();
    let Some(c) = chars.next() else {
        return String::new();
    };
    let hex = |h: &str| u32::from_str_radix(h, 16).ok().and_then(char::from_u32);
    match c {
        'n' => "\n".into(),
        't' => "\t".into(),
        'r' => "\r".into(),
        'b' => "\u{8}".into(),
        'f' => "\u{c}".into(),
        'v' => "\u{b}".into(),
        '0' if body.len() == 1 => "\0".into(),
        'x' => hex(&body[1..])
            .map(String::from)
            .unwrap_or_else(|| body.into()),
        'u' => {
            let h = body[1..].trim_start_matches('{').trim_end_matches('}');
            hex(h).map(String::from).unwrap_or_else(|| body.into())
        }
        '\r' | '\n' | '\u{2028}' | '\u{2029}' => String::new(),
        _ => body.into(),
    }
}

/// Literal runs and substitutions of a template literal.
pub(super) enum TemplatePart<'t> {
    Lit {
        text: String,
        span: Span,
        exact: bool,
    },
    Sub(Node<'t>),
}

pub(super) fn template_parts<'t>(node: Node<'t>, text: &str) -> Vec<TemplatePart<'t>> {
    let mut parts = Vec::new();
    let mut run: Option<(String, usize, usize, bool)> = None;
    let flush = |run: &mut Option<(String, usize, usize, bool)>,
                 parts: &mut Vec<TemplatePart<'t>>| {
        if let Some((t, s, e, exact)) = run.take() {
            parts.push(TemplatePart::Lit {
                text: t,
                span: s..e,
                exact,
            });
        }
    };
    for child in named_children(node) {
        let kind = child.kind_name();
        match kind {
            "string_fragment" | "escape_sequence" => {
                let raw = &text[child.byte_range()];
                let (piece, exact) = if kind == "escape_sequence" {
                    (decode_escape(raw), false)
                } else {
                    (raw.to_string(), true)
                };
                match &mut run {
                    Some((t, _, e, ex)) => {
                        t.push_str(&piece);
                        *e = child.end_byte();
                        *ex &= exact;
                    }
                    None => run = Some((piece, child.start_byte(), child.end_byte(), exact)),
                }
            }
            "template_substitution" => {
                flush(&mut run, &mut parts);
                if let Some(inner) = named_children(child).first() {
                    parts.push(TemplatePart::Sub(*inner));
                }
            }
            _ => {}
        }
    }
    flush(&mut run, &mut parts);
    parts
}

fn has_substitution(template: Node<'_>) -> bool {
    named_children(template)
        .iter()
        .any(|c| c.kind_name() == "template_substitution")
}

/// Length of `scheme://host[:port]` at the start of `text`.
pub(super) fn origin_len(text: &str) -> Option<usize> {
    let i = text.find("://")?;
    if i == 0
        || !text[..i]
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '+')
    {
        return None;
    }
    let after = i + 3;
    let end = text[after..]
        .find(['/', '?', '#'])
        .map(|j| after + j)
        .unwrap_or(text.len());
    (end > after).then_some(end)
}

pub(super) fn is_absolute(text: &str) -> bool {
    let lower = text.get(..8).unwrap_or(text).to_ascii_lowercase();
    lower.starts_with("http://") || lower.starts_with("https://")
}

fn sub_lit(text: &str, span: &Span, exact: bool, from: usize, to: usize) -> Piece {
    Piece::Lit {
        text: text[from..to].to_string(),
        span: if exact {
            span.start + from..span.start + to
        } else {
            span.clone()
        },
        exact,
    }
}

impl<'a, 't> Resolver<'a, 't> {
    /// The parent of `node`, from the file's parent map.
    pub fn parent(&self, node: Node<'t>) -> Option<Node<'t>> {
        self.scopes.parents.of(node)
    }

    pub fn new(text: &'t str, scopes: &'a Scopes<'t>) -> Self {
        Resolver {
            text,
            scopes,
            work: Cell::new(0),
            entered: Cell::new(0),
            modules: std::cell::OnceCell::new(),
            project: None,
            choices: Choices::default(),
            templates: RefCell::default(),
        }
    }

    /// The literal runs and substitutions of template literal `n`, read once.
    pub fn template_parts(&self, n: Node<'t>) -> Rc<[TemplatePart<'t>]> {
        if let Some(parts) = self.templates.borrow().get(&n.id()) {
            return parts.clone();
        }
        let parts: Rc<[TemplatePart<'t>]> = template_parts(n, self.text).into();
        self.templates.borrow_mut().insert(n.id(), parts.clone());
        parts
    }

    /// What a name imported from a relative module (`BASE`, `cfg.khoros.baseUrl`,
    /// `require('./s').BASE`) stands for, when that module exports a text with literal
    /// parts: its pieces, spelled at `n` (the call site keeps its own spans), and where
    /// the value is defined. `false` when the name is not imported or not known there.
    fn foreign(&self, n: Node<'t>, scope: ScopeId, out: &mut UrlOut) -> bool {
        let Some(value) = self.imported(n, scope, &[]) else {
            return false;
        };
        self.foreign_text(&value, n, out)
    }

    /// An exported text spelled at `n`, with where it is defined.
    fn foreign_text(
        &self,
        value: &crate::resolve::Exported,
        n: Node<'t>,
        out: &mut UrlOut,
    ) -> bool {
        let expr = self.text(n);
        // A value with alternatives: one of them, the choice point recorded at `n`.
        let value = value.choose(|written| {
            if self.choices.room() {
                self.choices.pick(expr, written)
            } else {
                0
            }
        });
        let message = format!("`{expr}` is defined here");
        let Some((pieces, related)) = value.spelled_at(expr, &n.byte_range(), message, true) else {
            return false;
        };
        out.pieces.extend(pieces);
        out.related.push(related);
        true
    }

    /// Starts resolving a call with these choices at its choice points.
    pub fn choose(&self, choices: Vec<usize>) {
        self.choices.choose(choices);
    }

    /// The choice points met since [`Self::choose`].
    pub fn choice_points(&self) -> Vec<ChoicePoint> {
        self.choices.met()
    }

    /// Takes one of `alternatives` (the next choice), recording the choice point.
    fn pick(&self, at: Node<'t>, alternatives: &[(Node<'t>, ScopeId)]) -> (Node<'t>, ScopeId) {
        let written = alternatives
            .iter()
            .map(|(n, _)| Some(self.text(*n).to_string()))
            .collect();
        alternatives[self.choices.pick(self.text(at), written)]
    }

    /// The environment variable an expression reads: `process.env.X`,
    /// `process.env['X']`, `import.meta.env.X`, or a name destructured from them
    /// (`const { X } = process.env`).
    fn env_name(&self, n: Node<'t>, scope: ScopeId) -> Option<String> {
        let n = self.unwrap(n);
        match n.kind_name() {
            "member_expression" | "subscript_expression" => {
                let object = self.unwrap(n.field("object")?);
                is_env_object(self.text(object)).then_some(())?;
                self.member_key(n)
            }
            "identifier" | "shorthand_property_identifier" => {
                let b = self
                    .scopes
                    .binding(self.scopes.lookup(self.text(n), scope)?);
                match b.fixed_value()? {
                    BindValue::Member { object, key }
                        if is_env_object(self.text(self.unwrap(*object))) =>
                    {
                        Some(key.clone())
                    }
                    _ => None,
                }
            }
            _ => None,
        }
    }

    /// A read of the environment (see [`Self::env_name`]) that the project's env
    /// files set: the value of one of them (a choice point when several do), spelled
    /// at `n`, with where it is written. `false` when none sets it.
    fn env(&self, n: Node<'t>, scope: ScopeId, out: &mut UrlOut) -> bool {
        let Some(project) = self.project else {
            return false;
        };
        let Some(name) = self.env_name(n, scope) else {
            return false;
        };
        let values = project
            .index
            .env_values(project.path, &name, crate::frontend::dotenv::lower);
        self.defined_in_files(n, values, out)
    }

    /// Whether an expression reads an environment variable that an env file of the
    /// project sets (`process.env.API || 'https://…'` then has both alternatives).
    fn env_is_set(&self, n: Node<'t>, scope: ScopeId) -> bool {
        let Some(project) = self.project else {
            return false;
        };
        self.env_name(n, scope).is_some_and(|name| {
            !project
                .index
                .env_values(project.path, &name, crate::frontend::dotenv::lower)
                .is_empty()
        })
    }

    /// Whether an expression is the `config` package's object (`import config from
    /// 'config'`, `const config = require('config')`).
    fn is_node_config(&self, n: Node<'t>, scope: ScopeId) -> bool {
        let n = self.unwrap(n);
        if n.kind_name() != "identifier" {
            return false;
        }
        let Some(b) = self.scopes.lookup(self.text(n), scope) else {
            return false;
        };
        let b = self.scopes.binding(b);
        match &b.kind {
            BindKind::Import { module, imported } => {
                module == "config" && imported.as_deref().is_none_or(|i| i == "default")
            }
            _ => matches!(b.fixed_value(), Some(BindValue::Expr(v))
                if self.unwrap(*v).kind_name() == "call_expression"
                    && required_module(self.text(*v)) == Some("config")
                    && self.text(*v).trim_end().ends_with(')')),
        }
    }

    /// A read of the `config` package's settings: `config.get('khoros.baseUrl')` or
    /// `config.khoros.baseUrl`, as the value of one of the `config/*.json` files that
    /// set it (a choice point when several do), with where it is written.
    fn node_config(&self, n: Node<'t>, scope: ScopeId, out: &mut UrlOut) -> bool {
        let Some(project) = self.project else {
            return false;
        };
        let n = self.unwrap(n);
        let keys: Vec<String> = match n.kind_name() {
            "call_expression" => {
                let Some(callee) = self.callee(n).map(|c| self.unwrap(c)) else {
                    return false;
                };
                if callee.kind_name() != "member_expression"
                    || self.member_key(callee).as_deref() != Some("get")
                    || !callee
                        .field("object")
                        .is_some_and(|o| self.is_node_config(o, scope))
                {
                    return false;
                }
                let args = self.args(n);
                let [arg] = args.as_slice() else {
                    return false;
                };
                let Some((key, _, _)) = self.string_lit(*arg) else {
                    return false;
                };
                key.split('.').map(str::to_string).collect()
            }
            "member_expression" | "subscript_expression" => {
                let mut keys = Vec::new();
                let mut cur = n;
                while matches!(
                    cur.kind_name(),
                    "member_expression" | "subscript_expression"
                ) {
                    let Some(k) = self.member_key(cur) else {
                        return false;
                    };
                    keys.push(k);
                    let Some(o) = cur.field("object") else {
                        return false;
                    };
                    cur = self.unwrap(o);
                }
                if !self.is_node_config(cur, scope) {
                    return false;
                }
                keys.reverse();
                keys
            }
            _ => return false,
        };
        if keys.is_empty() || keys.iter().any(String::is_empty) {
            return false;
        }
        let values = project
            .index
            .node_config_values(project.path, &keys, super::modules::lower);
        self.defined_in_files(n, values, out)
    }

    /// One of the text values that files of the project give an expression (env
    /// files, settings files), spelled at `n` with where it is written: a choice point
    /// among them when there are several. `false` when none has a literal part.
    fn defined_in_files(
        &self,
        n: Node<'t>,
        values: Vec<crate::resolve::Exported>,
        out: &mut UrlOut,
    ) -> bool {
        let values: Vec<_> = values
            .into_iter()
            .filter(|v| {
                matches!(&v.shape, crate::resolve::Shape::Text(p)
                    if p.iter().any(|p| matches!(p, crate::resolve::TextPiece::Lit(_))))
            })
            .collect();
        let taken = match values.len() {
            0 => return false,
            1 => 0,
            _ if !self.choices.room() => 0,
            _ => self.choices.pick_file(
                self.text(n),
                values
                    .iter()
                    .map(|v| v.path.display().to_string())
                    .collect(),
            ),
        };
        let expr = self.text(n);
        let message = format!("`{expr}` is set here");
        let Some((pieces, related)) =
            values[taken].spelled_at(expr, &n.byte_range(), message, true)
        else {
            return false;
        };
        out.pieces.extend(pieces);
        out.related.push(related);
        true
    }

    /// The alternatives an expression stands for: the arms of `c ? a : b`, both sides
    /// of `a || b` / `a ?? b`, every value of a reassigned `let` (at most
    /// [`MAX_ALTERNATIVES`]).
    fn alternatives_of(&self, n: Node<'t>, scope: ScopeId) -> Option<Vec<(Node<'t>, ScopeId)>> {
        let alts = match n.kind_name() {
            "ternary_expression" => vec![
                (n.field("consequence")?, scope),
                (n.field("alternative")?, scope),
            ],
            "binary_expression"
                if n.field("operator")
                    .is_some_and(|o| matches!(o.kind_name(), "||" | "??")) =>
            {
                vec![(n.field("left")?, scope), (n.field("right")?, scope)]
            }
            "identifier" => {
                let name = self.text(n);
                let b = self.scopes.lookup(name, scope)?;
                let alts = self.scopes.alternatives(b)?;
                // `x = x + '/more'` builds on itself: not alternatives.
                if alts.iter().any(|(v, _)| {
                    self.text(*v)
                        .split(|c: char| !(c.is_alphanumeric() || c == '_' || c == '$'))
                        .any(|w| w == name)
                }) {
                    return None;
                }
                alts
            }
            _ => return None,
        };
        if alts.len() > MAX_ALTERNATIVES {
            return None;
        }
        // A value not known here (`process.env.X || 'https://…'`, a parameter) says
        // nothing about the URL: the alternatives that are known are kept.
        let known: Vec<_> = alts
            .into_iter()
            .filter(|&(a, s)| {
                let a = self.unwrap(a);
                !matches!(
                    a.kind_name(),
                    "identifier" | "member_expression" | "subscript_expression" | "call_expression"
                ) || self.follow(a, s).0.id() != a.id()
                    || self
                        .scopes
                        .lookup(self.text(a), s)
                        .is_some_and(|b| self.scopes.alternatives(b).is_some())
                    || self.env_is_set(a, s)
            })
            .collect();
        (!known.is_empty()).then_some(known)
    }

    /// What another module of the project exports under the name an expression reads
    /// (then `more` keys inside it).
    pub fn imported(
        &self,
        n: Node<'t>,
        scope: ScopeId,
        more: &[String],
    ) -> Option<crate::resolve::Exported> {
        let project = self.project?;
        let (spec, mut path) = self.import_path(n, scope, 0)?;
        let name = if path.is_empty() {
            "default".to_string()
        } else {
            path.remove(0)
        };
        path.extend_from_slice(more);
        project.index.lookup(
            project.path,
            &spec,
            &name,
            &path,
            project.depth,
            super::modules::lower,
        )
    }

    /// The function of this file a callee names: `function f`, `const f = (…) => …`,
    /// `{ f(…) {…} }.f`, `this.f` (a method of the class).
    pub fn local_function(&self, callee: Node<'t>, scope: ScopeId) -> Option<Node<'t>> {
        let callee = self.unwrap(callee);
        if callee.kind_name() == "member_expression" {
            let object = self.unwrap(callee.field("object")?);
            if object.kind_name() == "this" {
                let key = self.member_key(callee)?;
                return super::walk::method_of(self, self.scopes.class_of(scope)?, &key);
            }
        }
        let (o, os) = self.follow(callee, scope);
        if super::walk::is_function(o.kind_name()) {
            return Some(o);
        }
        if o.kind_name() == "identifier" {
            let b = self.scopes.lookup(self.text(o), os)?;
            if let BindValue::None = self.scopes.binding(b).value {
                return self
                    .scopes
                    .declaration(b)
                    .filter(|d| super::walk::is_function(d.kind_name()));
            }
        }
        None
    }

    /// What a call of a function of this file returns: the arrow's expression body, or
    /// the expression of the one `return` at the top of its body.
    pub fn returned(&self, call: Node<'t>, scope: ScopeId) -> Option<(Node<'t>, ScopeId)> {
        let f = self.local_function(self.callee(call)?, scope)?;
        self.returned_by(f)
    }

    /// The expression a function returns (see [`Self::returned`]).
    pub fn returned_by(&self, f: Node<'t>) -> Option<(Node<'t>, ScopeId)> {
        let fs = self.scopes.scope_of(f)?;
        let body = f.field("body")?;
        if body.kind_name() != "statement_block" {
            return Some((body, fs));
        }
        let bs = self.scopes.scope_of(body).unwrap_or(fs);
        let mut returns = named_children(body)
            .into_iter()
            .filter(|c| c.kind_name() == "return_statement");
        let ret = returns.next()?;
        if returns.next().is_some() {
            return None;
        }
        Some((*named_children(ret).first()?, bs))
    }

    /// Headers (or other fields) returned by a helper of another module.
    fn imported_fields(&self, call: Node<'t>, scope: ScopeId) -> Option<Fields> {
        use crate::resolve::Shape;
        let v = self.imported(self.callee(call)?, scope, &[])?;
        let Shape::Function {
            returns: Some(ret), ..
        } = v.shape
        else {
            return None;
        };
        let Shape::Object(entries) = ret.shape else {
            return None;
        };
        let span = call.byte_range();
        let mut fields = Fields {
            entries: Vec::new(),
            open: false,
            span: span.clone(),
        };
        for (key, e) in entries {
            let value = match &e.shape {
                Shape::Text(pieces) => match pieces.as_slice() {
                    [crate::resolve::TextPiece::Lit(t)] => Value::Str {
                        value: t.clone(),
                        span: span.clone(),
                    },
                    _ => Value::Expr {
                        text: self.text(call).to_string(),
                        span: span.clone(),
                    },
                },
                _ => Value::Expr {
                    text: self.text(call).to_string(),
                    span: span.clone(),
                },
            };
            set_field(
                &mut fields,
                Field {
                    key,
                    key_span: span.clone(),
                    value,
                },
            );
        }
        Some(fields)
    }

    /// A URL returned by a helper of another module, spelled at the call.
    fn foreign_returned(
        &self,
        callee: Node<'t>,
        scope: ScopeId,
        call: Node<'t>,
        out: &mut UrlOut,
    ) -> bool {
        use crate::resolve::Shape;
        let Some(v) = self.imported(callee, scope, &[]) else {
            return false;
        };
        let Shape::Function {
            returns: Some(ret), ..
        } = v.shape
        else {
            return false;
        };
        self.foreign_text(&ret, call, out)
    }

    /// The relative module an expression reads from and the property path read from
    /// its exports: `import { A } from './m'` + `A.b` → (`./m`, [A, b]); a default
    /// import starts the path with `default`; `import * as m`, `require('./m')` start
    /// it with the first property read.
    fn import_path(
        &self,
        n: Node<'t>,
        scope: ScopeId,
        depth: usize,
    ) -> Option<(String, Vec<String>)> {
        if depth > 4 {
            return None;
        }
        let mut keys = Vec::new();
        let mut cur = self.unwrap(n);
        while matches!(
            cur.kind_name(),
            "member_expression" | "subscript_expression"
        ) {
            keys.push(self.member_key(cur)?);
            cur = self.unwrap(cur.field("object")?);
        }
        keys.reverse();
        let (spec, mut path) = match cur.kind_name() {
            "identifier" | "shorthand_property_identifier" => {
                let b = self
                    .scopes
                    .binding(self.scopes.lookup(self.text(cur), scope)?);
                match &b.kind {
                    BindKind::Import { module, imported } => {
                        (module.clone(), imported.iter().cloned().collect())
                    }
                    _ => match b.fixed_value()? {
                        BindValue::Expr(v) => self.import_path(*v, b.scope, depth + 1)?,
                        BindValue::Member { object, key } => {
                            let (spec, mut path) = self.import_path(*object, b.scope, depth + 1)?;
                            path.push(key.clone());
                            (spec, path)
                        }
                        BindValue::None => return None,
                    },
                }
            }
            "call_expression" if self.callee(cur).is_some_and(|f| self.text(f) == "require") => {
                let args = self.args(cur);
                let [arg] = args.as_slice() else {
                    return None;
                };
                (self.string_lit(*arg)?.0, Vec::new())
            }
            _ => return None,
        };
        if !spec.starts_with('.') {
            return None;
        }
        path.extend(keys);
        Some((spec, path))
    }

    /// The modules the file imports (`import … from 'm'`) or requires (`require('m')`,
    /// also as the start of a binding's expression: `require('m')(opts).client`).
    pub fn modules(&self) -> &[String] {
        self.modules.get_or_init(|| {
            let mut out: Vec<String> = Vec::new();
            for b in &self.scopes.bindings {
                let text = match (&b.kind, &b.value) {
                    (BindKind::Import { module, .. }, _) => module.clone(),
                    (_, BindValue::Expr(v)) | (_, BindValue::Member { object: v, .. }) => {
                        match required_module(self.text(*v)) {
                            Some(m) => m.to_string(),
                            None => continue,
                        }
                    }
                    _ => continue,
                };
                if !out.contains(&text) {
                    out.push(text);
                }
            }
            out
        })
    }

    fn enter(&self) -> Entry<'_> {
        if self.entered.get() == 0 {
            self.work.set(0);
        }
        self.entered.set(self.entered.get() + 1);
        Entry(&self.entered)
    }

    /// Counts one step of work; `false` once the budget is spent.
    fn tick(&self) -> bool {
        let w = self.work.get() + 1;
        self.work.set(w);
        w <= MAX_WORK
    }

    pub fn text(&self, n: Node<'_>) -> &'t str {
        &self.text[n.byte_range()]
    }

    /// The decoded value, content span and exactness of a string literal.
    pub fn string_lit(&self, n: Node<'_>) -> Option<(String, Span, bool)> {
        match n.kind_name() {
            "string" => {
                let span =
                    n.start_byte() + 1..n.end_byte().saturating_sub(1).max(n.start_byte() + 1);
                let mut out = String::new();
                let mut exact = true;
                let mut cursor = n.walk();
                for c in n.named_children(&mut cursor) {
                    let raw = self.text(c);
                    if c.kind_name() == "escape_sequence" {
                        exact = false;
                        out.push_str(&decode_escape(raw));
                    } else {
                        out.push_str(raw);
                    }
                }
                Some((out, span, exact))
            }
            "template_string" if !has_substitution(n) => {
                let span =
                    n.start_byte() + 1..n.end_byte().saturating_sub(1).max(n.start_byte() + 1);
                let mut out = String::new();
                let mut exact = true;
                for part in template_parts(n, self.text) {
                    if let TemplatePart::Lit { text, exact: e, .. } = part {
                        out.push_str(&text);
                        exact &= e;
                    }
                }
                Some((out, span, exact))
            }
            _ => None,
        }
    }

    /// Strips parentheses, TypeScript wrappers (`as`, `satisfies`, `!`, `<T>x`) and
    /// `Object.freeze(x)`.
    pub fn unwrap(&self, mut n: Node<'t>) -> Node<'t> {
        loop {
            let inner = match n.kind_name() {
                "parenthesized_expression"
                | "as_expression"
                | "satisfies_expression"
                | "non_null_expression" => named_children(n).first().copied(),
                "type_assertion" => named_children(n).last().copied(),
                "call_expression" if self.callee_is(n, "Object.freeze") => {
                    self.args(n).first().copied()
                }
                _ => None,
            };
            match inner {
                Some(i) if i.kind_name() != "sequence_expression" => n = i,
                _ => return n,
            }
        }
    }

    /// Arguments of a call or `new` expression (comments skipped).
    pub fn args(&self, call: Node<'t>) -> crate::frontend::fields::Children<'t> {
        match call.field("arguments") {
            Some(a) if a.kind_name() == "arguments" => named_children(a),
            _ => Default::default(),
        }
    }

    /// The callee of a call. tree-sitter-typescript parses `await f<T>(x)` as
    /// `(await f)<T>(x)`; the `await` is not part of the callee.
    pub fn callee<'n>(&self, call: Node<'n>) -> Option<Node<'n>> {
        let f = call.field("function")?;
        if f.kind_name() == "await_expression" {
            named_children(f).first().copied()
        } else {
            Some(f)
        }
    }

    /// The span of a call expression, without the `await` of the quirk above.
    pub fn call_span(&self, call: Node<'_>) -> Span {
        match call.field("function") {
            Some(f) if f.kind_name() == "await_expression" => {
                let start = self
                    .callee(call)
                    .map_or(call.start_byte(), |c| c.start_byte());
                start..call.end_byte()
            }
            _ => call.byte_range(),
        }
    }

    /// Whether a call's callee is the dotted name `name`.
    pub fn callee_is(&self, call: Node<'_>, name: &str) -> bool {
        self.callee(call)
            .is_some_and(|f| self.dotted(f).is_some_and(|d| d == name))
    }

    /// `a.b.c` as a string when the expression is a plain dotted name.
    pub fn dotted(&self, n: Node<'_>) -> Option<String> {
        match n.kind_name() {
            "identifier" | "this" => Some(self.text(n).to_string()),
            "member_expression" => {
                let object = self.dotted(n.field("object")?)?;
                let prop = self.text(n.field("property")?);
                Some(format!("{object}.{prop}"))
            }
            _ => None,
        }
    }

    /// The name a member access reads: `x.name` or `x['name']`.
    pub fn member_key(&self, n: Node<'t>) -> Option<String> {
        match n.kind_name() {
            "member_expression" => {
                let p = n.field("property")?;
                (p.kind_name() == "property_identifier").then(|| self.text(p).to_string())
            }
            "subscript_expression" => {
                let idx = self.unwrap(n.field("index")?);
                match idx.kind_name() {
                    "number" => Some(self.text(idx).to_string()),
                    _ => self.string_lit(idx).map(|s| s.0),
                }
            }
            _ => None,
        }
    }

    /// Follows identifiers bound to fixed values, object-literal members and TypeScript
    /// wrappers to the expression that is finally there (or the last one reached).
    pub fn follow(&self, n: Node<'t>, scope: ScopeId) -> (Node<'t>, ScopeId) {
        self.follow_depth(n, scope, 0)
    }

    fn follow_depth(&self, n: Node<'t>, scope: ScopeId, depth: usize) -> (Node<'t>, ScopeId) {
        let (mut n, mut scope) = (self.unwrap(n), scope);
        for _ in depth..MAX_DEPTH {
            let next = match n.kind_name() {
                "identifier" | "shorthand_property_identifier" => {
                    self.binding_target(n, scope, depth)
                }
                "member_expression" | "subscript_expression" => {
                    self.member_target(n, scope, depth + 1)
                }
                _ => None,
            };
            match next {
                Some((v, s)) => {
                    n = self.unwrap(v);
                    scope = s;
                }
                None => break,
            }
        }
        (n, scope)
    }

    /// The expression a name is bound to, when it never changes.
    fn binding_target(
        &self,
        ident: Node<'t>,
        scope: ScopeId,
        depth: usize,
    ) -> Option<(Node<'t>, ScopeId)> {
        let b = self
            .scopes
            .binding(self.scopes.lookup(self.text(ident), scope)?);
        match b.fixed_value()? {
            BindValue::Expr(v) => Some((*v, b.scope)),
            BindValue::Member { object, key } => {
                let (o, os) = self.follow_depth(*object, b.scope, depth + 1);
                if o.kind_name() != "object" {
                    return None;
                }
                self.opts_depth(o, os, depth + 1).get(key).found()
            }
            BindValue::None => None,
        }
    }

    /// `obj.key` / `obj['key']` / `this.key` resolved to the expression stored there.
    fn member_target(
        &self,
        n: Node<'t>,
        scope: ScopeId,
        depth: usize,
    ) -> Option<(Node<'t>, ScopeId)> {
        if depth > MAX_DEPTH {
            return None;
        }
        let key = self.member_key(n)?;
        let object = self.unwrap(n.field("object")?);
        if object.kind_name() == "this" {
            return self.scopes.class_member(scope, &key);
        }
        if object.kind_name() == "identifier" {
            let id = self.scopes.lookup(self.text(object), scope)?;
            let b = self.scopes.binding(id);
            if let Some(d) = self.scopes.declaration(id) {
                return self.static_member(d, b.scope, &key);
            }
            if b.mutated {
                return None;
            }
        }
        let (o, os) = self.follow_depth(object, scope, depth + 1);
        if o.kind_name() != "object" {
            return None;
        }
        self.opts_depth(o, os, depth + 1).get(&key).found()
    }

    /// A TypeScript `enum` member (`Paths.Users = '/users'`) or a class's static field
    /// (`static BASE = '…'`) read by name.
    pub fn static_member(
        &self,
        decl: Node<'t>,
        scope: ScopeId,
        key: &str,
    ) -> Option<(Node<'t>, ScopeId)> {
        let body = decl.field("body")?;
        let inner = self.scopes.scope_of(decl).unwrap_or(scope);
        named_children(body).into_iter().find_map(|m| {
            let (name, value, s) = match m.kind_name() {
                "enum_assignment" => (m.field("name")?, m.field("value")?, scope),
                "public_field_definition" | "field_definition"
                    if (0..m.child_count())
                        .filter_map(|i| m.child(i))
                        .any(|c| c.kind_name() == "static") =>
                {
                    (
                        m.field("name").or_else(|| m.field("property"))?,
                        m.field("value")?,
                        inner,
                    )
                }
                _ => return None,
            };
            let name = match self.string_lit(name) {
                Some((text, _, _)) => text,
                None => self.text(name).to_string(),
            };
            (name == key).then_some((value, s))
        })
    }

    /// The names of a `enum`'s members and a class's static fields.
    pub fn static_members(&self, decl: Node<'t>) -> Vec<String> {
        let Some(body) = decl.field("body") else {
            return Vec::new();
        };
        named_children(body)
            .into_iter()
            .filter_map(|m| {
                let name = match m.kind_name() {
                    "enum_assignment" => m.field("name")?,
                    "public_field_definition" | "field_definition"
                        if (0..m.child_count())
                            .filter_map(|i| m.child(i))
                            .any(|c| c.kind_name() == "static") =>
                    {
                        m.field("name").or_else(|| m.field("property"))?
                    }
                    _ => return None,
                };
                Some(match self.string_lit(name) {
                    Some((text, _, _)) => text,
                    None => self.text(name).to_string(),
                })
            })
            .collect()
    }

    /// The object literal an expression stands for, if any.
    pub fn object_literal(&self, n: Node<'t>, scope: ScopeId) -> Option<(Node<'t>, ScopeId)> {
        let (o, s) = self.follow(n, scope);
        (o.kind_name() == "object").then_some((o, s))
    }

    /// The text of a key node (`a`, `'a-b'`, `["a"]`, `1`).
    fn key_text(&self, key: Node<'t>) -> Option<String> {
        match key.kind_name() {
            "property_identifier" | "private_property_identifier" | "number" => {
                Some(self.text(key).to_string())
            }
            "string" => self.string_lit(key).map(|s| s.0),
            "computed_property_name" => {
                let inner = self.unwrap(*named_children(key).first()?);
                self.string_lit(inner).map(|s| s.0)
            }
            _ => None,
        }
    }

    /// The option object an expression stands for, spreads flattened. A value that is
    /// not an object literal gives one `Open` entry.
    pub fn opts(&self, n: Node<'t>, scope: ScopeId) -> Opts<'t> {
        let _entry = self.enter();
        let (o, os) = self.follow(n, scope);
        if matches!(o.kind_name(), "undefined" | "null") {
            return Opts::default();
        }
        if o.kind_name() == "identifier" && self.text(o) == "undefined" {
            return Opts::default();
        }
        if o.kind_name() != "object" {
            return Opts {
                entries: vec![OptEntry::Open(n)],
                span: n.byte_range(),
                ..Opts::default()
            };
        }
        self.opts_depth(o, os, 0)
    }

    fn opts_depth(&self, object: Node<'t>, scope: ScopeId, depth: usize) -> Opts<'t> {
        let mut out = Opts {
            span: object.byte_range(),
            ..Opts::default()
        };
        self.flatten(object, scope, depth, &mut out);
        out
    }

    fn flatten(&self, object: Node<'t>, scope: ScopeId, depth: usize, out: &mut Opts<'t>) {
        if !self.tick() {
            out.entries.push(OptEntry::Open(object));
            return;
        }
        for child in named_children(object) {
            let (key, key_node, value) = match child.kind_name() {
                "pair" => {
                    let (Some(k), Some(v)) = (child.field("key"), child.field("value")) else {
                        continue;
                    };
                    match self.key_text(k) {
                        Some(key) => (key, k, v),
                        None => {
                            out.entries.push(OptEntry::Open(child));
                            continue;
                        }
                    }
                }
                "shorthand_property_identifier" => (self.text(child).to_string(), child, child),
                "method_definition" => {
                    let Some(k) = child.field("name") else {
                        continue;
                    };
                    match self.key_text(k) {
                        Some(key) => (key, k, child),
                        None => {
                            out.entries.push(OptEntry::Open(child));
                            continue;
                        }
                    }
                }
                "spread_element" => {
                    out.spread = true;
                    let inner = named_children(child).first().copied();
                    match inner.map(|i| self.follow_depth(i, scope, depth + 1)) {
                        Some((o, os)) if o.kind_name() == "object" && depth < MAX_DEPTH => {
                            self.flatten(o, os, depth + 1, out)
                        }
                        _ => out.entries.push(OptEntry::Open(child)),
                    }
                    continue;
                }
                _ => continue,
            };
            out.keys.push(key);
            out.entries.push(OptEntry::Field {
                key_span: (key_node.start_byte(), key_node.end_byte()),
                value,
                scope,
                key_index: out.keys.len() - 1,
            });
        }
    }

    /// Converts option entries into `Fields` (later keys replace earlier ones in place).
    pub fn fields_of_opts(&self, opts: &Opts<'t>, depth: usize) -> Fields {
        let mut fields = Fields {
            open: opts.spread,
            span: opts.span.clone(),
            ..Fields::default()
        };
        for e in &opts.entries {
            match *e {
                OptEntry::Field {
                    key_span,
                    value,
                    scope,
                    key_index,
                } => {
                    let key_span = self.key_content_span(key_span);
                    let field = Field {
                        key: opts.keys[key_index].clone(),
                        key_span,
                        value: self.value_depth(value, scope, depth + 1),
                    };
                    set_field(&mut fields, field);
                }
                OptEntry::Open(_) => fields.open = true,
            }
        }
        fields
    }

    /// A quoted key's span is its content.
    fn key_content_span(&self, (start, end): (usize, usize)) -> Span {
        let t = &self.text[start..end];
        if t.len() >= 2 && (t.starts_with('\'') || t.starts_with('"')) {
            start + 1..end - 1
        } else {
            start..end
        }
    }

    /// Object-like data: an object literal, `new Headers({...})`, `new URLSearchParams(..)`,
    /// `[[k, v]]` / pm `[{key, value}]` arrays, a query string (when `strings` is set).
    pub fn fields(&self, n: Node<'t>, scope: ScopeId, strings: bool) -> Fields {
        let _entry = self.enter();
        self.fields_depth(n, scope, strings, 0)
    }

    fn fields_depth(&self, n: Node<'t>, scope: ScopeId, strings: bool, depth: usize) -> Fields {
        let open = || Fields {
            entries: Vec::new(),
            open: true,
            span: n.byte_range(),
        };
        if depth > MAX_DEPTH || !self.tick() {
            return open();
        }
        let (o, os) = self.follow(n, scope);
        if let Some(fields) = self.appended(n, scope, o, os, depth) {
            return fields;
        }
        match o.kind_name() {
            "object" => self.fields_of_opts(&self.opts_depth(o, os, depth + 1), depth + 1),
            "new_expression" => {
                let ctor = o.field("constructor").map(|c| self.text(c));
                // Angular's `HttpHeaders` and `HttpParams` take an object too.
                if !matches!(
                    ctor,
                    Some("Headers" | "URLSearchParams" | "Map" | "HttpHeaders" | "HttpParams")
                ) {
                    return open();
                }
                match self.args(o).first() {
                    Some(&a) => self.fields_depth(a, os, true, depth + 1),
                    // Built up with `.append()` later.
                    None => Fields {
                        entries: Vec::new(),
                        open: true,
                        span: o.byte_range(),
                    },
                }
            }
            "array" => self.fields_of_array(o, os, depth + 1),
            "call_expression" => match self.returned(o, os) {
                Some((ret, rs)) => self.fields_depth(ret, rs, strings, depth + 1),
                None => self
                    .immutable_set(o, os, depth)
                    .or_else(|| self.imported_fields(o, os))
                    .unwrap_or_else(open),
            },
            "string" | "template_string" if strings => match self.string_lit(o) {
                Some((text, span, exact)) => query_fields(&text, &span, exact),
                None => open(),
            },
            _ => open(),
        }
    }

    /// Angular's immutable `new HttpHeaders(…).set(k, v).append(k2, v2)` (also
    /// `HttpParams`): each `set`/`append` returns a copy with one more field.
    fn immutable_set(&self, call: Node<'t>, scope: ScopeId, depth: usize) -> Option<Fields> {
        let mut links = Vec::new();
        let mut cur = call;
        while cur.kind_name() == "call_expression" {
            let f = self.unwrap(self.callee(cur)?);
            if f.kind_name() != "member_expression" {
                return None;
            }
            let p = self.text(f.field("property")?);
            if p != "set" && p != "append" {
                return None;
            }
            links.push(cur);
            cur = self.unwrap(f.field("object")?);
        }
        if cur.kind_name() != "new_expression" {
            return None;
        }
        let ctor = self.text(cur.field("constructor")?);
        if !matches!(ctor, "HttpHeaders" | "HttpParams") {
            return None;
        }
        let mut fields = self.made_with(cur, scope, false, depth);
        fields.span = call.byte_range();
        for link in links.into_iter().rev() {
            let args = self.args(link);
            match (args.first(), args.get(1)) {
                (Some(&k), Some(&v)) => match self.pair_field(k, v, scope) {
                    Some(field) => set_field(&mut fields, field),
                    None => fields.open = true,
                },
                _ => fields.open = true,
            }
        }
        Some(fields)
    }

    /// A `URLSearchParams`, `FormData` or `Headers` bound to a name and filled with
    /// `.append(k, v)` / `.set(k, v)`: what it is made with, then those fields.
    fn appended(
        &self,
        n: Node<'t>,
        scope: ScopeId,
        o: Node<'t>,
        os: ScopeId,
        depth: usize,
    ) -> Option<Fields> {
        let n = self.unwrap(n);
        if n.kind_name() != "identifier" || o.kind_name() != "new_expression" {
            return None;
        }
        let ctor = self.text(o.field("constructor")?);
        if !matches!(ctor, "URLSearchParams" | "FormData" | "Headers") {
            return None;
        }
        let b = self.scopes.lookup(self.text(n), scope)?;
        let calls = self.scopes.search_params(b);
        if calls.is_empty() {
            return None;
        }
        let mut fields = self.made_with(o, os, true, depth);
        for sp in calls {
            match self.pair_field(sp.key, sp.value, sp.scope) {
                Some(field) => fields.entries.push(field),
                None => fields.open = true,
            }
        }
        Some(fields)
    }

    /// The fields an object-like constructor call is made with (`new Headers({…})`):
    /// none, on the call's span, without an argument.
    fn made_with(&self, ctor: Node<'t>, scope: ScopeId, strings: bool, depth: usize) -> Fields {
        match self.args(ctor).first() {
            Some(&a) => self.fields_depth(a, scope, strings, depth + 1),
            None => Fields::at(ctor.byte_range()),
        }
    }

    /// The field of a `(key, value)` pair of arguments (`h.set('k', v)`); `None` when
    /// the key is not a literal.
    pub(super) fn pair_field(&self, k: Node<'t>, v: Node<'t>, scope: ScopeId) -> Option<Field> {
        let (key, key_span, _) = self.string_lit(self.follow(k, scope).0)?;
        Some(Field {
            key,
            key_span,
            value: self.value(v, scope),
        })
    }

    /// `[['k', v], …]` and Postman's `[{ key, value, disabled }]`.
    fn fields_of_array(&self, array: Node<'t>, scope: ScopeId, depth: usize) -> Fields {
        let mut fields = Fields::at(array.byte_range());
        for item in named_children(array) {
            let item = self.unwrap(item);
            let entry = match item.kind_name() {
                "array" => match named_children(item).as_slice() {
                    [k, v] => self
                        .string_lit(self.unwrap(*k))
                        .map(|(key, span, _)| (key, span, *v, scope)),
                    _ => None,
                },
                "object" => {
                    let o = self.opts_depth(item, scope, depth + 1);
                    let disabled = o
                        .get("disabled")
                        .found()
                        .is_some_and(|(d, _)| self.unwrap(d).kind_name() == "true");
                    if disabled {
                        continue;
                    }
                    match (o.get("key").found(), o.get("value").found()) {
                        (Some((k, ks)), Some((v, vs))) => {
                            let (k, _) = self.follow(k, ks);
                            self.string_lit(k).map(|(key, span, _)| (key, span, v, vs))
                        }
                        (Some((k, ks)), None) => {
                            let (k, _) = self.follow(k, ks);
                            // A key without a value: present, empty.
                            self.string_lit(k)
                                .map(|(key, span, _)| (key, span, item, scope))
                        }
                        _ => None,
                    }
                }
                _ => None,
            };
            match entry {
                Some((key, key_span, v, vs)) => {
                    let value = if v.kind_name() == "object" && v.id() == item.id() {
                        Value::Str {
                            value: String::new(),
                            span: key_span.clone(),
                        }
                    } else {
                        self.value_depth(v, vs, depth + 1)
                    };
                    set_field(
                        &mut fields,
                        Field {
                            key,
                            key_span,
                            value,
                        },
                    );
                }
                None => fields.open = true,
            }
        }
        fields
    }

    /// A value as written: literals, objects, arrays; anything else is an expression.
    pub fn value(&self, n: Node<'t>, scope: ScopeId) -> Value {
        let _entry = self.enter();
        self.value_depth(n, scope, 0)
    }

    fn value_depth(&self, n: Node<'t>, scope: ScopeId, depth: usize) -> Value {
        let expr = || Value::Expr {
            text: self.text(n).to_string(),
            span: n.byte_range(),
        };
        if depth > MAX_DEPTH || !self.tick() {
            return expr();
        }
        let u = self.unwrap(n);
        let (o, os) = match u.kind_name() {
            "identifier"
            | "shorthand_property_identifier"
            | "member_expression"
            | "subscript_expression" => {
                let (o, os) = self.follow(u, scope);
                if o.id() == u.id() || !is_data(o) {
                    return expr();
                }
                (o, os)
            }
            _ => (u, scope),
        };
        match o.kind_name() {
            "string" | "template_string" => match self.string_lit(o) {
                Some((value, span, _)) => Value::Str { value, span },
                None => expr(),
            },
            "number" => Value::Num {
                text: self.text(o).to_string(),
                span: o.byte_range(),
            },
            "unary_expression" if is_data(o) => Value::Num {
                text: self.text(o).to_string(),
                span: o.byte_range(),
            },
            "true" | "false" => Value::Bool {
                value: o.kind_name() == "true",
                span: o.byte_range(),
            },
            "null" => Value::Null {
                span: o.byte_range(),
            },
            "object" => {
                Value::Object(self.fields_of_opts(&self.opts_depth(o, os, depth + 1), depth + 1))
            }
            "array" => Value::Array {
                items: named_children(o)
                    .into_iter()
                    .map(|i| self.value_depth(i, os, depth + 1))
                    .collect(),
                span: o.byte_range(),
            },
            _ => expr(),
        }
    }

    /// The HTTP method an expression names.
    pub fn method(&self, n: Node<'t>, scope: ScopeId) -> Method {
        let (o, _) = self.follow(n, scope);
        match self.string_lit(o) {
            Some((text, span, _)) if !text.is_empty() => Method::known(&text, Some(span)),
            _ => Method::unknown(self.text(n).to_string(), n.byte_range()),
        }
    }

    /// The method from an option lookup; `default` when the key is absent.
    pub fn method_from(&self, lookup: Lookup<'t>, default: Method) -> Method {
        match lookup {
            Lookup::Found { value, scope } => self.method(value, scope),
            Lookup::Absent => default,
            Lookup::Unknown(n) => Method::unknown(self.text(n).to_string(), n.byte_range()),
        }
    }

    // ---------------------------------------------------------------- URLs

    /// Resolves a URL expression into pieces.
    pub fn url(&self, n: Node<'t>, scope: ScopeId) -> UrlOut {
        let _entry = self.enter();
        let mut out = UrlOut::default();
        self.url_into(n, scope, &mut out, 0);
        out
    }

    fn hole(&self, n: Node<'_>, out: &mut UrlOut) {
        out.pieces.push(Piece::Hole {
            expr: self.text(n).to_string(),
            span: n.byte_range(),
        });
    }

    fn url_into(&self, n: Node<'t>, scope: ScopeId, out: &mut UrlOut, depth: usize) {
        let n = self.unwrap(n);
        if depth > MAX_DEPTH || !self.tick() {
            return self.hole(n, out);
        }
        if self.choices.room() {
            if let Some(alts) = self.alternatives_of(n, scope) {
                let (a, s) = match alts.as_slice() {
                    [one] => *one,
                    _ => self.pick(n, &alts),
                };
                return self.url_into(a, s, out, depth + 1);
            }
        }
        match n.kind_name() {
            "string" => {
                if let Some((text, span, exact)) = self.string_lit(n) {
                    out.unformatted
                        .extend(crate::call::find_placeholders(&text, &span, exact, true));
                    push_lit(out, text, span, exact);
                }
            }
            "template_string" => {
                for part in self.template_parts(n).iter() {
                    match part {
                        TemplatePart::Lit { text, span, exact } => {
                            push_lit(out, text.clone(), span.clone(), *exact)
                        }
                        TemplatePart::Sub(e) => self.url_operand(*e, scope, out, depth + 1),
                    }
                }
            }
            "binary_expression" if n.field("operator").is_some_and(|o| o.kind_name() == "+") => {
                // Flatten the left-leaning chain without recursion.
                let mut operands = Vec::new();
                let mut cur = n;
                while let (Some(l), Some(r)) = (cur.field("left"), cur.field("right")) {
                    operands.push(r);
                    let l = self.unwrap(l);
                    if l.kind_name() == "binary_expression"
                        && l.field("operator").is_some_and(|o| o.kind_name() == "+")
                    {
                        cur = l;
                    } else {
                        operands.push(l);
                        break;
                    }
                }
                for op in operands.into_iter().rev() {
                    self.url_operand(op, scope, out, depth + 1);
                }
            }
            "number" => push_lit(out, self.text(n).to_string(), n.byte_range(), true),
            "identifier" | "member_expression" | "subscript_expression" => {
                if n.kind_name() == "member_expression" {
                    let prop = n.field("property").map(|p| self.text(p));
                    if prop == Some("href") {
                        if let Some(object) = n.field("object") {
                            let (o, os) = self.follow(object, scope);
                            if self.is_url_ctor(o) {
                                return self.url_into(o, os, out, depth + 1);
                            }
                        }
                    }
                }
                let (o, os) = self.follow(n, scope);
                if o.id() == n.id() {
                    if self.env(n, scope, out)
                        || self.node_config(n, scope, out)
                        || self.foreign(n, scope, out)
                    {
                        return;
                    }
                    return self.hole(n, out);
                }
                // Substitute the bound expression only when it has literal text;
                // otherwise the name at the use site says more.
                let mut inner = UrlOut::default();
                self.url_into(o, os, &mut inner, depth + 1);
                if inner.pieces.iter().any(|p| matches!(p, Piece::Lit { .. })) {
                    if let [Piece::Lit {
                        span, exact: true, ..
                    }] = inner.pieces.as_slice()
                    {
                        out.vias.push(crate::call::Via {
                            literal: span.clone(),
                            expr: self.text(n).to_string(),
                        });
                    }
                    out.vias.extend(inner.vias);
                    out.related.extend(inner.related);
                    out.pieces.extend(inner.pieces);
                    out.query.extend(inner.query);
                    out.query_open |= inner.query_open;
                    if n.kind_name() == "identifier" {
                        self.add_search_params(n, scope, out);
                    }
                } else {
                    self.hole(n, out);
                }
            }
            "new_expression" if self.is_url_ctor(n) => self.url_ctor(n, scope, out, depth),
            "call_expression" => {
                let callee = self.callee(n);
                let args = self.args(n);
                // `x.toString()` on a URL or string, `String(x)`.
                if let Some(f) = callee.filter(|f| f.kind_name() == "member_expression") {
                    let prop = f.field("property").map(|p| self.text(p));
                    if prop == Some("toString") && args.is_empty() {
                        if let Some(object) = f.field("object") {
                            let (o, _) = self.follow(object, scope);
                            if self.is_url_ctor(o)
                                || matches!(o.kind_name(), "string" | "template_string")
                            {
                                return self.url_into(object, scope, out, depth + 1);
                            }
                        }
                    }
                }
                if callee.is_some_and(|f| self.text(f) == "String") && args.len() == 1 {
                    return self.url_into(args[0], scope, out, depth + 1);
                }
                if callee.is_some_and(|f| self.is_util_format(f, scope)) && !args.is_empty() {
                    return self.util_format(n, &args, scope, out, depth);
                }
                // A helper that returns the URL (`${base()}/users`).
                if let Some((ret, rs)) = self.returned(n, scope) {
                    let inner = self.url_child(ret, rs, depth);
                    if inner.pieces.iter().any(|p| matches!(p, Piece::Lit { .. })) {
                        return merge_url(out, inner);
                    }
                }
                if let Some(f) = callee {
                    if self.foreign_returned(f, scope, n, out) {
                        return;
                    }
                }
                if self.node_config(n, scope, out) {
                    return;
                }
                self.hole(n, out)
            }
            _ => self.hole(n, out),
        }
    }

    /// `util.format` (also imported by name from `util` / `node:util`).
    fn is_util_format(&self, f: Node<'t>, scope: ScopeId) -> bool {
        let f = self.unwrap(f);
        match f.kind_name() {
            "member_expression" => {
                f.field("property")
                    .is_some_and(|p| self.text(p) == "format")
                    && f.field("object").is_some_and(|o| {
                        self.text(o) == "util"
                            || self.required_or_imported(o, scope).is_some_and(is_util)
                    })
            }
            "identifier" => self
                .scopes
                .lookup(self.text(f), scope)
                .map(|b| self.scopes.binding(b))
                .is_some_and(|b| match (&b.kind, &b.value) {
                    (BindKind::Import { module, imported }, _) => {
                        is_util(module) && imported.as_deref() == Some("format")
                    }
                    (_, BindValue::Member { object, key }) => {
                        key == "format" && required_module(self.text(*object)).is_some_and(is_util)
                    }
                    _ => false,
                }),
            _ => false,
        }
    }

    /// The module a name is imported or required from.
    fn required_or_imported(&self, n: Node<'t>, scope: ScopeId) -> Option<&str> {
        let b = self
            .scopes
            .binding(self.scopes.lookup(self.text(n), scope)?);
        match (&b.kind, &b.value) {
            (BindKind::Import { module, .. }, _) => Some(module.as_str()),
            (_, BindValue::Expr(v)) => required_module(self.text(*v)),
            _ => None,
        }
    }

    /// `util.format('%s/users/%s', base, id)`: the format's literal parts, each `%s`,
    /// `%d`, `%i`, `%f`, `%j`, `%o`, `%O` replaced by its argument, `%%` a `%`.
    fn util_format(
        &self,
        call: Node<'t>,
        args: &[Node<'t>],
        scope: ScopeId,
        out: &mut UrlOut,
        depth: usize,
    ) {
        let (f, _) = self.follow(args[0], scope);
        let Some((text, span, exact)) = self.string_lit(f) else {
            return self.hole(call, out);
        };
        let mut rest = args[1..].iter();
        let mut from = 0;
        let bytes = text.as_bytes();
        let mut i = 0;
        while i + 1 < bytes.len() {
            if bytes[i] != b'%' {
                i += 1;
                continue;
            }
            let spec = bytes[i + 1];
            if spec == b'%' || b"sdifjoO".contains(&spec) {
                if i > from {
                    out.pieces.push(sub_lit(&text, &span, exact, from, i));
                }
                if spec == b'%' {
                    out.pieces.push(sub_lit(&text, &span, exact, i, i + 1));
                } else {
                    match rest.next() {
                        Some(&a) => self.url_operand(a, scope, out, depth + 1),
                        None => out.pieces.push(sub_lit(&text, &span, exact, i, i + 2)),
                    }
                }
                i += 2;
                from = i;
            } else {
                i += 1;
            }
        }
        if from < text.len() {
            out.pieces
                .push(sub_lit(&text, &span, exact, from, text.len()));
        }
        // Arguments beyond the format are appended with spaces: not a URL any more.
        if rest.next().is_some() {
            self.hole(call, out);
        }
    }

    /// A `${…}` substitution or a `+` operand: a query-string builder after `?` adds
    /// query parameters; anything else is resolved as a URL part.
    fn url_operand(&self, e: Node<'t>, scope: ScopeId, out: &mut UrlOut, depth: usize) {
        let after_question = out
            .pieces
            .iter()
            .any(|p| matches!(p, Piece::Lit { text, .. } if text.contains('?')));
        if after_question {
            if let Some(fields) = self.query_builder(e, scope) {
                if !fields.entries.is_empty() || !fields.open {
                    out.query.extend(fields.entries);
                    out.query_open |= fields.open;
                    return;
                }
                out.query_open = true;
            }
        }
        self.url_into(e, scope, out, depth)
    }

    /// `u.searchParams.set(k, v)` calls on a `URL` binding add query parameters.
    fn add_search_params(&self, ident: Node<'t>, scope: ScopeId, out: &mut UrlOut) {
        let Some(b) = self.scopes.lookup(self.text(ident), scope) else {
            return;
        };
        for sp in self.scopes.search_params(b) {
            let key = self.follow(sp.key, sp.scope).0;
            match self.string_lit(key) {
                Some((k, span, _)) => out.query.push(Field {
                    key: k,
                    key_span: span,
                    value: self.value(sp.value, sp.scope),
                }),
                None => out.query_open = true,
            }
        }
    }

    /// `new URLSearchParams(x)`, `qs.stringify(x)`, `querystring.stringify(x)` (also
    /// `.toString()` of them, and names bound to them): their fields.
    pub fn query_builder(&self, e: Node<'t>, scope: ScopeId) -> Option<Fields> {
        let (o, os) = self.follow(e, scope);
        match o.kind_name() {
            "new_expression" => {
                let ctor = self.text(o.field("constructor")?);
                if ctor != "URLSearchParams" && ctor != "FormData" {
                    return None;
                }
                Some(self.fields(e, scope, true))
            }
            "call_expression" => {
                let f = self.callee(o)?;
                let name = self.dotted(f)?;
                if matches!(
                    name.as_str(),
                    "qs.stringify"
                        | "querystring.stringify"
                        | "queryString.stringify"
                        | "QueryString.stringify"
                ) {
                    return Some(match self.args(o).first() {
                        Some(&a) => self.fields(a, os, true),
                        None => Fields {
                            entries: Vec::new(),
                            open: true,
                            span: o.byte_range(),
                        },
                    });
                }
                if name.ends_with(".toString") && self.args(o).is_empty() {
                    return self.query_builder(f.field("object")?, os);
                }
                None
            }
            _ => None,
        }
    }

    pub fn is_url_ctor(&self, n: Node<'_>) -> bool {
        n.kind_name() == "new_expression"
            && n.field("constructor")
                .is_some_and(|c| self.text(c) == "URL")
    }

    /// `new URL(path, base)`: an absolute path replaces the base's path; a relative one
    /// is appended after the base's last `/`.
    fn url_ctor(&self, n: Node<'t>, scope: ScopeId, out: &mut UrlOut, depth: usize) {
        let args = self.args(n);
        let Some(&path_node) = args.first() else {
            return self.hole(n, out);
        };
        let path = self.url_child(path_node, scope, depth);
        let Some(&base_node) = args.get(1) else {
            return merge_url(out, path);
        };
        let absolute = matches!(path.pieces.first(), Some(Piece::Lit { text, .. }) if origin_len(text).is_some() || text.starts_with("//"));
        if absolute {
            return merge_url(out, path);
        }
        let mut base = self.url_child(base_node, scope, depth);
        let path_absolute =
            matches!(path.pieces.first(), Some(Piece::Lit { text, .. }) if text.starts_with('/'));
        if path_absolute {
            // Keep only the base's origin.
            match base.pieces.first().cloned() {
                Some(Piece::Lit { text, span, exact }) => match origin_len(&text) {
                    Some(end) => base.pieces = vec![sub_lit(&text, &span, exact, 0, end)],
                    None => base.pieces.truncate(1),
                },
                Some(hole @ Piece::Hole { .. }) => base.pieces = vec![hole],
                None => {}
            }
        } else {
            // Drop everything after the base's last '/'.
            match base.pieces.pop() {
                Some(Piece::Lit { text, span, exact }) => {
                    let origin_end = if base.pieces.is_empty() {
                        origin_len(&text)
                    } else {
                        None
                    };
                    match text.rfind('/') {
                        Some(i) if origin_end.is_none_or(|o| i >= o) => {
                            base.pieces.push(sub_lit(&text, &span, exact, 0, i + 1))
                        }
                        _ => {
                            let end = span.end;
                            base.pieces.push(Piece::Lit { text, span, exact });
                            base.pieces.push(synthetic_slash(end));
                        }
                    }
                }
                Some(hole) => {
                    let end = hole.span().end;
                    base.pieces.push(hole);
                    base.pieces.push(synthetic_slash(end));
                }
                None => {}
            }
        }
        merge_url(out, base);
        merge_url(out, path);
    }

    fn url_child(&self, n: Node<'t>, scope: ScopeId, depth: usize) -> UrlOut {
        let mut o = UrlOut::default();
        self.url_into(n, scope, &mut o, depth + 1);
        o
    }

    // ---------------------------------------------------------------- bodies

    /// The request body an expression stands for. `form` says how a plain object is
    /// sent (jQuery, `form:` options) rather than as JSON.
    pub fn body(&self, n: Node<'t>, scope: ScopeId, form: bool) -> Option<Body> {
        let _entry = self.enter();
        let expr = || Body::Expr {
            text: self.text(n).to_string(),
            span: n.byte_range(),
        };
        let (o, os) = self.follow(n, scope);
        match o.kind_name() {
            "undefined" | "null" => None,
            "identifier" if self.text(o) == "undefined" => None,
            "object" if form => Some(Body::Form {
                fields: self.fields(o, os, false),
            }),
            "object" | "array" => Some(Body::Json {
                value: self.value(o, os),
            }),
            "string" | "template_string" => match self.string_lit(o) {
                Some((text, span, _)) => Some(Body::Raw { text, span }),
                None => Some(expr()),
            },
            "call_expression" if self.callee_is(o, "JSON.stringify") => {
                let arg = self.args(o).first().copied()?;
                let (a, _) = self.follow(arg, os);
                if is_data(a) {
                    Some(Body::Json {
                        value: self.value(arg, os),
                    })
                } else {
                    Some(expr())
                }
            }
            _ => match self.query_builder(n, scope) {
                Some(fields) => Some(Body::Form { fields }),
                None => Some(expr()),
            },
        }
    }
}

/// Literal data (not an expression whose value is unknown).
fn is_data(n: Node<'_>) -> bool {
    match n.kind_name() {
        "string" | "number" | "true" | "false" | "null" | "object" | "array" => true,
        "template_string" => !has_substitution(n),
        "unary_expression" => {
            let op = n.field("operator").map(|o| o.kind_name());
            matches!(op, Some("-" | "+"))
                && n.field("argument")
                    .is_some_and(|a| a.kind_name() == "number")
        }
        _ => false,
    }
}

fn push_lit(out: &mut UrlOut, text: String, span: Span, exact: bool) {
    if !text.is_empty() {
        out.pieces.push(Piece::Lit { text, span, exact });
    }
}

fn merge_url(out: &mut UrlOut, other: UrlOut) {
    out.vias.extend(other.vias);
    out.related.extend(other.related);
    out.pieces.extend(other.pieces);
    out.query.extend(other.query);
    out.query_open |= other.query_open;
}

/// A `/` that the library inserts between two parts: not in the source, so it sits
/// (zero-width) where it would be inserted.
pub(super) fn synthetic_slash(at: usize) -> Piece {
    Piece::Lit {
        text: "/".into(),
        span: at..at,
        exact: false,
    }
}

/// Adds or replaces a field (a later key replaces the earlier value in place).
pub(super) fn set_field(fields: &mut Fields, field: Field) {
    match fields.entries.iter_mut().find(|f| f.key == field.key) {
        Some(existing) => *existing = field,
        None => fields.entries.push(field),
    }
}

/// Parses `a=b&c=d` (an optional leading `?`) into fields.
pub(super) fn query_fields(text: &str, span: &Span, exact: bool) -> Fields {
    let mut fields = Fields::at(span.clone());
    let (body, offset) = match text.strip_prefix('?') {
        Some(rest) => (rest, 1),
        None => (text, 0),
    };
    let mut pos = offset;
    for pair in body.split('&') {
        let here = pos;
        pos += pair.len() + 1;
        if pair.is_empty() {
            continue;
        }
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        let at = |from: usize, to: usize| {
            if exact {
                span.start + from..span.start + to
            } else {
                span.clone()
            }
        };
        let vstart = here + key.len() + usize::from(pair.contains('='));
        fields.entries.push(Field {
            key: key.to_string(),
            key_span: at(here, here + key.len()),
            value: Value::Str {
                value: value.to_string(),
                span: at(vstart, vstart + value.len()),
            },
        });
    }
    fields
}

/// Whether an expression is the environment's object (`process.env`,
/// `import.meta.env`).
fn is_env_object(text: &str) -> bool {
    matches!(text, "process.env" | "import.meta.env")
}

fn is_util(module: &str) -> bool {
    module == "util" || module == "node:util"
}

/// The module of the first `require('m')` in an expression's text.
fn required_module(text: &str) -> Option<&str> {
    let rest = text[text.find("require(")? + "require(".len()..].trim_start();
    let quote = rest
        .chars()
        .next()
        .filter(|c| matches!(c, '\'' | '"' | '`'))?;
    let rest = &rest[1..];
    Some(&rest[..rest.find(quote)?])
}
