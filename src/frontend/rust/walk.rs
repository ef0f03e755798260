//! What names mean in a file: string constants (`const`/`static`, at any level, every
//! definition of a name kept: `#[cfg]` picks one) and, per function, the `let`
//! bindings, the reassignments of bound names (`url = ..`) and the later mutations of
//! those bindings (`url.push_str(..)`, `url += ..`, `form.insert(k, v)`), in source
//! order, each with the block it is written in.

use super::Src;
use crate::call::Span;
use std::collections::HashMap;
use syn::visit::Visit;
use syn::{Expr, Pat};

/// A `let name = init;` in a function.
pub struct Binding<'f> {
    pub name: String,
    pub init: &'f Expr,
    /// The whole `let` statement.
    pub stmt: Span,
    /// The innermost block the statement is in (the binding's scope).
    pub block: Span,
}

/// A `let name;` without a value: the assignments that follow give it one.
pub struct Declared {
    pub name: String,
    pub stmt: Span,
    pub block: Span,
}

/// `name = value` on a bound name.
pub struct Assignment<'f> {
    pub name: String,
    pub value: &'f Expr,
    pub at: usize,
    /// The innermost block the assignment is in: it has certainly happened at a later
    /// place of that block, and only may have elsewhere (an arm of an `if`, a loop).
    pub block: Span,
}

/// `name.method(args)` or `name += arg` on a bound name, after its `let`.
pub struct Mutation<'f> {
    pub name: String,
    pub method: String,
    pub args: Vec<&'f Expr>,
    pub at: usize,
}

pub struct Function<'f> {
    pub span: Span,
    /// The function's name, its parameters bound to plain names (not `self`), in
    /// order, and the expression it returns when its body ends with one (no `return`
    /// elsewhere): what a URL helper gives its callers.
    pub name: String,
    pub params: Vec<String>,
    /// Whether it takes `self` (a method, not an associated function).
    pub receiver: bool,
    pub tail: Option<&'f Expr>,
    /// Every value it may return when it has early `return`s: each `return`'s value
    /// and the expression its body ends with; empty when a `return` gives no value.
    pub returned: Vec<&'f Expr>,
    pub is_async: bool,
    /// The return type as written (`Result<(), reqwest::Error>`), empty for `()`.
    pub ret: String,
    pub bindings: Vec<Binding<'f>>,
    pub declared: Vec<Declared>,
    pub assignments: Vec<Assignment<'f>>,
    pub mutations: Vec<Mutation<'f>>,
}

pub struct Names<'f> {
    /// `const NAME: &str = <expr>;` (and `static`), by name.
    pub consts: HashMap<String, &'f Expr>,
    /// Every definition of each constant, in source order: more than one when
    /// `#[cfg(..)]` attributes choose between them.
    pub const_defs: HashMap<String, Vec<&'f Expr>>,
    /// Functions (and methods), outermost first; nested ones follow their parent.
    pub functions: Vec<Function<'f>>,
    /// Every initialiser of a named field in a struct literal (`Self { base_url: … }`),
    /// by field name: what `self.base_url` holds when there is only one.
    pub fields: HashMap<String, Vec<&'f Expr>>,
    /// The same by struct and field name (`Self { … }` in an `impl Community` is
    /// `Community`): what `self.base_url` holds in that struct's methods.
    pub typed_fields: HashMap<(String, String), Vec<&'f Expr>>,
    /// The type of each named field of the file's structs, by struct and field name
    /// (`struct Client { cfg: Config }` → `Config`; through `Arc`/`Rc`/`Box`/`&`):
    /// what `self.cfg.base` reads in `Client`'s methods.
    pub field_types: HashMap<(String, String), String>,
    /// The span of each `impl` block and the type it is for.
    pub impls: Vec<(std::ops::Range<usize>, String)>,
    /// What `use` brings in: local name → path (`BASE` → `crate::config::BASE`).
    pub uses: HashMap<String, String>,
    /// `use m::*` modules, and whether each is `pub` (a re-export).
    pub globs: Vec<(String, bool)>,
    /// `pub use` names (re-exports), by local name.
    pub reexports: Vec<String>,
}

impl<'f> Names<'f> {
    /// The type of the innermost `impl` block containing `offset`.
    pub fn impl_at(&self, offset: usize) -> Option<&str> {
        self.impls
            .iter()
            .filter(|(span, _)| span.start <= offset && offset < span.end)
            .min_by_key(|(span, _)| span.len())
            .map(|(_, ty)| ty.as_str())
    }

    /// The innermost function containing `offset`.
    pub fn function_at(&self, offset: usize) -> Option<&Function<'f>> {
        self.functions
            .iter()
            .filter(|f| f.span.start <= offset && offset < f.span.end)
            .min_by_key(|f| f.span.len())
    }
}

impl<'f> Function<'f> {
    /// The last `let name` before `offset` whose scope holds `offset`.
    pub fn binding(&self, name: &str, offset: usize) -> Option<&Binding<'f>> {
        self.bindings.iter().rfind(|b| {
            b.name == name
                && b.stmt.end <= offset
                && b.block.start <= offset
                && offset < b.block.end
        })
    }

    /// The last `let name;` (without a value) before `offset` whose scope holds
    /// `offset`.
    pub fn declared(&self, name: &str, offset: usize) -> Option<&Declared> {
        self.declared.iter().rfind(|d| {
            d.name == name
                && d.stmt.end <= offset
                && d.block.start <= offset
                && offset < d.block.end
        })
    }

    /// Mutations of `name` between its binding and `offset`.
    pub fn mutations_of<'a>(
        &'a self,
        binding: &'a Binding<'f>,
        offset: usize,
    ) -> impl Iterator<Item = &'a Mutation<'f>> {
        self.mutations
            .iter()
            .filter(move |m| m.name == binding.name && m.at > binding.stmt.end && m.at < offset)
    }
}

/// The `return`s of a block (outside closures and nested items): whether it has one,
/// and the value of each (`None` for a `return` without one).
fn returns(block: &syn::Block) -> Vec<Option<&Expr>> {
    struct Finder<'a>(Vec<Option<&'a Expr>>);
    impl<'a> Visit<'a> for Finder<'a> {
        fn visit_expr_return(&mut self, r: &'a syn::ExprReturn) {
            self.0.push(r.expr.as_deref());
            syn::visit::visit_expr_return(self, r);
        }
        fn visit_expr_closure(&mut self, _: &'a syn::ExprClosure) {}
        fn visit_item(&mut self, _: &'a syn::Item) {}
    }
    let mut f = Finder(Vec::new());
    f.visit_block(block);
    f.0
}

pub fn collect<'f>(src: &Src, file: &'f syn::File) -> Names<'f> {
    let mut v = Collector {
        src,
        names: Names {
            consts: HashMap::new(),
            const_defs: HashMap::new(),
            functions: Vec::new(),
            fields: HashMap::new(),
            typed_fields: HashMap::new(),
            field_types: HashMap::new(),
            impls: Vec::new(),
            uses: HashMap::new(),
            globs: Vec::new(),
            reexports: Vec::new(),
        },
        stack: Vec::new(),
        blocks: Vec::new(),
    };
    v.visit_file(file);
    v.names
}

struct Collector<'s, 'f> {
    src: &'s Src<'s>,
    names: Names<'f>,
    /// Indexes into `names.functions` of the functions being walked.
    stack: Vec<usize>,
    /// The blocks being walked, innermost last.
    blocks: Vec<Span>,
}

/// The name a simple pattern binds (`x`, `mut x`, `x: T`).
pub fn pat_name(pat: &Pat) -> Option<String> {
    match pat {
        Pat::Ident(p) => Some(p.ident.to_string()),
        Pat::Type(t) => pat_name(&t.pat),
        _ => None,
    }
}

/// The plain identifier an expression is (`url`, `&url`, `url.as_str()` excluded).
pub fn ident_of(expr: &Expr) -> Option<String> {
    match expr {
        Expr::Path(p) if p.qself.is_none() && p.path.segments.len() == 1 => {
            Some(p.path.segments[0].ident.to_string())
        }
        _ => None,
    }
}

impl<'s, 'f> Collector<'s, 'f> {
    fn function(
        &mut self,
        sig: &'f syn::Signature,
        block: &'f syn::Block,
        span: Span,
        walk: impl FnOnce(&mut Self),
    ) {
        let ret = match &sig.output {
            syn::ReturnType::Default => String::new(),
            syn::ReturnType::Type(_, t) => self.src.slice(&self.src.of(t)).to_string(),
        };
        let params = sig
            .inputs
            .iter()
            .filter_map(|a| match a {
                syn::FnArg::Typed(t) => match t.pat.as_ref() {
                    Pat::Ident(i) => Some(i.ident.to_string()),
                    _ => Some(String::new()),
                },
                syn::FnArg::Receiver(_) => None,
            })
            .collect();
        let receiver = sig
            .inputs
            .iter()
            .any(|a| matches!(a, syn::FnArg::Receiver(_)));
        let early = returns(block);
        let last = match block.stmts.last() {
            Some(syn::Stmt::Expr(e, None)) => Some(e),
            _ => None,
        };
        let tail = last.filter(|_| early.is_empty());
        // The body ends with its value, or with a `return` (already counted).
        let ends_in_return = matches!(
            block.stmts.last(),
            Some(syn::Stmt::Expr(Expr::Return(_), _))
        );
        let returned = if early.is_empty() || (last.is_none() && !ends_in_return) {
            Vec::new()
        } else {
            early
                .into_iter()
                .chain(last.map(Some))
                .collect::<Option<Vec<_>>>()
                .unwrap_or_default()
        };
        self.names.functions.push(Function {
            span,
            name: sig.ident.to_string(),
            params,
            receiver,
            tail,
            returned,
            is_async: sig.asyncness.is_some(),
            ret,
            bindings: Vec::new(),
            declared: Vec::new(),
            assignments: Vec::new(),
            mutations: Vec::new(),
        });
        self.stack.push(self.names.functions.len() - 1);
        walk(self);
        self.stack.pop();
    }

    fn current(&mut self) -> Option<&mut Function<'f>> {
        let i = *self.stack.last()?;
        self.names.functions.get_mut(i)
    }

    /// The innermost block being walked (the whole text outside any).
    fn block(&self) -> Span {
        self.blocks
            .last()
            .cloned()
            .unwrap_or(0..self.src.text.len())
    }

    fn constant(&mut self, name: String, expr: &'f Expr) {
        self.names
            .const_defs
            .entry(name.clone())
            .or_default()
            .push(expr);
        self.names.consts.insert(name, expr);
    }
}

impl Collector<'_, '_> {
    fn use_tree(&mut self, prefix: &str, tree: &syn::UseTree, public: bool, depth: usize) {
        if depth > 16 || self.names.uses.len() > 1_000 {
            return;
        }
        let join = |name: &str| {
            if prefix.is_empty() {
                name.to_string()
            } else {
                format!("{prefix}::{name}")
            }
        };
        match tree {
            syn::UseTree::Path(p) => {
                self.use_tree(&join(&p.ident.to_string()), &p.tree, public, depth + 1)
            }
            syn::UseTree::Name(n) => {
                let name = n.ident.to_string();
                if name == "self" {
                    if let Some(last) = prefix.rsplit("::").next() {
                        self.names.uses.insert(last.to_string(), prefix.to_string());
                    }
                    return;
                }
                if public {
                    self.names.reexports.push(name.clone());
                }
                self.names.uses.insert(name.clone(), join(&name));
            }
            syn::UseTree::Rename(r) => {
                let alias = r.rename.to_string();
                if public {
                    self.names.reexports.push(alias.clone());
                }
                self.names.uses.insert(alias, join(&r.ident.to_string()));
            }
            syn::UseTree::Glob(_) => self.names.globs.push((prefix.to_string(), public)),
            syn::UseTree::Group(g) => {
                for t in &g.items {
                    self.use_tree(prefix, t, public, depth + 1);
                }
            }
        }
    }
}

impl<'s, 'f> Visit<'f> for Collector<'s, 'f> {
    fn visit_item_use(&mut self, node: &'f syn::ItemUse) {
        let public = matches!(node.vis, syn::Visibility::Public(_));
        self.use_tree("", &node.tree, public, 0);
    }

    fn visit_item_struct(&mut self, node: &'f syn::ItemStruct) {
        let name = node.ident.to_string();
        for f in &node.fields {
            if let (Some(field), Some(ty)) = (&f.ident, type_name(&f.ty)) {
                self.names
                    .field_types
                    .insert((name.clone(), field.to_string()), ty);
            }
        }
        syn::visit::visit_item_struct(self, node);
    }

    fn visit_item_const(&mut self, node: &'f syn::ItemConst) {
        self.constant(node.ident.to_string(), node.expr.as_ref());
        syn::visit::visit_item_const(self, node);
    }

    fn visit_item_static(&mut self, node: &'f syn::ItemStatic) {
        self.constant(node.ident.to_string(), node.expr.as_ref());
        syn::visit::visit_item_static(self, node);
    }

    fn visit_impl_item_const(&mut self, node: &'f syn::ImplItemConst) {
        self.constant(node.ident.to_string(), &node.expr);
        syn::visit::visit_impl_item_const(self, node);
    }

    fn visit_block(&mut self, node: &'f syn::Block) {
        self.blocks.push(self.src.of(node));
        syn::visit::visit_block(self, node);
        self.blocks.pop();
    }

    fn visit_expr_assign(&mut self, node: &'f syn::ExprAssign) {
        if let Some(name) = ident_of(&node.left) {
            let at = self.src.of(node).start;
            let block = self.block();
            if let Some(f) = self.current() {
                f.assignments.push(Assignment {
                    name,
                    value: &node.right,
                    at,
                    block,
                });
            }
        }
        syn::visit::visit_expr_assign(self, node);
    }

    fn visit_item_fn(&mut self, node: &'f syn::ItemFn) {
        let span = self.src.of(node);
        self.function(&node.sig, &node.block, span, |v| {
            syn::visit::visit_item_fn(v, node)
        });
    }

    fn visit_impl_item_fn(&mut self, node: &'f syn::ImplItemFn) {
        let span = self.src.of(node);
        self.function(&node.sig, &node.block, span, |v| {
            syn::visit::visit_impl_item_fn(v, node)
        });
    }

    fn visit_local(&mut self, node: &'f syn::Local) {
        let stmt = self.src.of(node);
        let block = self.block();
        match (pat_name(&node.pat), &node.init) {
            (Some(name), Some(init)) => {
                if let Some(f) = self.current() {
                    f.bindings.push(Binding {
                        name,
                        init: &init.expr,
                        stmt,
                        block,
                    });
                }
            }
            (Some(name), None) => {
                if let Some(f) = self.current() {
                    f.declared.push(Declared { name, stmt, block });
                }
            }
            _ => {}
        }
        syn::visit::visit_local(self, node);
    }

    fn visit_expr_method_call(&mut self, node: &'f syn::ExprMethodCall) {
        if let Some(name) = ident_of(&node.receiver) {
            let method = node.method.to_string();
            if matches!(method.as_str(), "push_str" | "push" | "insert" | "append") {
                let at = self.src.of(node).start;
                let args = node.args.iter().collect();
                if let Some(f) = self.current() {
                    f.mutations.push(Mutation {
                        name,
                        method,
                        args,
                        at,
                    });
                }
            }
        }
        syn::visit::visit_expr_method_call(self, node);
    }

    fn visit_item_impl(&mut self, node: &'f syn::ItemImpl) {
        if let syn::Type::Path(p) = node.self_ty.as_ref() {
            if let Some(last) = p.path.segments.last() {
                let span = self.src.of(node);
                self.names.impls.push((span, last.ident.to_string()));
            }
        }
        syn::visit::visit_item_impl(self, node);
    }

    fn visit_expr_struct(&mut self, node: &'f syn::ExprStruct) {
        let written = node.path.segments.last().map(|s| s.ident.to_string());
        let ty = match written.as_deref() {
            Some("Self") => self
                .names
                .impl_at(self.src.of(node).start)
                .map(str::to_string),
            _ => written,
        };
        for f in &node.fields {
            if let syn::Member::Named(name) = &f.member {
                self.names
                    .fields
                    .entry(name.to_string())
                    .or_default()
                    .push(&f.expr);
                if let Some(ty) = &ty {
                    self.names
                        .typed_fields
                        .entry((ty.clone(), name.to_string()))
                        .or_default()
                        .push(&f.expr);
                }
            }
        }
        syn::visit::visit_expr_struct(self, node);
    }

    fn visit_expr_binary(&mut self, node: &'f syn::ExprBinary) {
        if let (syn::BinOp::AddAssign(_), Some(name)) = (&node.op, ident_of(&node.left)) {
            let at = self.src.of(node).start;
            if let Some(f) = self.current() {
                f.mutations.push(Mutation {
                    name,
                    method: "+=".into(),
                    args: vec![&node.right],
                    at,
                });
            }
        }
        syn::visit::visit_expr_binary(self, node);
    }
}

/// The struct a field's type names: `Config`, `config::Config`, `&Config`,
/// `Arc<Config>`, `Box<Config>`, `Rc<Config>` (the last segment of its path).
fn type_name(ty: &syn::Type) -> Option<String> {
    match ty {
        syn::Type::Reference(r) => type_name(&r.elem),
        syn::Type::Paren(p) => type_name(&p.elem),
        syn::Type::Path(p) if p.qself.is_none() => {
            let last = p.path.segments.last()?;
            let ident = last.ident.to_string();
            if matches!(ident.as_str(), "Arc" | "Rc" | "Box") {
                if let syn::PathArguments::AngleBracketed(a) = &last.arguments {
                    if let Some(syn::GenericArgument::Type(inner)) = a.args.first() {
                        return type_name(inner);
                    }
                }
                return None;
            }
            Some(ident)
        }
        _ => None,
    }
}
