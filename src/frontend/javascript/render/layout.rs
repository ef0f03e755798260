//! The object-literal layout engine: changes to the object and array literals of a call
//! are collected as [`Plan`]s and written at the end, on one line while they fit in
//! [`MAX_WIDTH`] columns, one property per line when they do not.

use super::style::{line_end, line_indent, line_start, reindent};
use super::syntax::{
    contains, entry_key, has_comment, is_method_key, named_children, object_entries,
};
use super::{Renderer, R};
use crate::call::Span;
use crate::finding::Edit;
use crate::frontend::fields::ChildField as _;
use crate::model::plan::RValue;
use tree_sitter::Node;

/// Lines the renderer writes are kept within this many columns where it can.
pub(super) const MAX_WIDTH: usize = 100;

/// Planned changes to one object or array literal of the call.
pub(super) struct Plan<'a> {
    pub(super) node: Node<'a>,
    /// Properties to set: key and value (rendered at [`Renderer::base`]).
    pub(super) set: Vec<(String, String)>,
    pub(super) remove: Vec<String>,
    /// Items to add at the end of an array.
    pub(super) append: Vec<String>,
    /// Not a literal but an expression (`headers`, `opts`) the properties are added to
    /// with a spread, `{ ...headers, … }`; the text to write before the new object
    /// (`headers: ` for a shorthand property).
    pub(super) spread: Option<String>,
}

impl<'a> Renderer<'a> {
    /// Records changes to an object literal.
    pub(super) fn plan(&mut self, node: Node<'a>, set: Vec<(String, String)>, remove: Vec<String>) {
        let i = match self.plans.iter().position(|p| p.node.id() == node.id()) {
            Some(i) => i,
            None => {
                self.plans.push(Plan {
                    node,
                    set: Vec::new(),
                    remove: Vec::new(),
                    append: Vec::new(),
                    spread: None,
                });
                self.plans.len() - 1
            }
        };
        let p = &mut self.plans[i];
        for (k, v) in set {
            p.set.retain(|(x, _)| *x != k);
            p.set.push((k, v));
        }
        for k in remove {
            if !p.remove.contains(&k) {
                p.remove.push(k);
            }
        }
    }

    pub(super) fn set_spread(&mut self, node: Node<'a>, prefix: String) {
        if let Some(p) = self.plans.iter_mut().find(|p| p.node.id() == node.id()) {
            p.spread = Some(prefix);
        }
    }

    pub(super) fn plan_append(&mut self, node: Node<'a>, item: String) {
        self.plan(node, Vec::new(), Vec::new());
        if let Some(p) = self.plans.iter_mut().find(|p| p.node.id() == node.id()) {
            p.append.push(item);
        }
    }

    /// Writes the planned changes, outermost literals first.
    pub(super) fn flush_plans(&mut self) -> R<()> {
        // A literal on one line that no longer fits is laid out over lines; when it is a
        // property of an object on that same line, that object is laid out instead.
        for i in 0..self.plans.len() {
            if self.parent_plan(i).is_some() || !self.one_line(i) || self.fits(i)? {
                continue;
            }
            if let Some(outer) = self.enclosing_literal(self.plans[i].node) {
                self.plan(outer, Vec::new(), Vec::new());
            }
        }
        let ids: Vec<usize> = (0..self.plans.len())
            .filter(|&i| self.parent_plan(i).is_none())
            .collect();
        for i in ids {
            self.emit(i, false)?;
        }
        // Nothing is edited inside a removed range.
        let dead = std::mem::take(&mut self.dead);
        self.edits.retain(|e| {
            !dead.iter().any(|d| {
                *d != e.span
                    && d.start <= e.span.start
                    && e.span.end <= d.end
                    && !(e.span.is_empty() && (e.span.start == d.start || e.span.start == d.end))
            })
        });
        Ok(())
    }

    /// The innermost other plan whose literal contains plan `i`'s.
    pub(super) fn parent_plan(&self, i: usize) -> Option<usize> {
        let n = self.plans[i].node;
        (0..self.plans.len())
            .filter(|&j| j != i && contains(self.plans[j].node, n))
            .min_by_key(|&j| self.plans[j].node.end_byte() - self.plans[j].node.start_byte())
    }

    pub(super) fn one_line(&self, i: usize) -> bool {
        let node = self.plans[i].node;
        !self.src(node).contains('\n') && !has_comment(node)
    }

    /// Whether planned literal `i`, on one line, fits in its line.
    pub(super) fn fits(&self, i: usize) -> R<bool> {
        let node = self.plans[i].node;
        let indent = line_indent(self.text, node.start_byte());
        let items = self.composed_items(i, &format!("{indent}{}", self.unit))?;
        let prefix = self.plans[i].spread.as_deref().unwrap_or_default().len();
        let one = self.layout(&items, ('{', '}'), true, &indent, 0, 0);
        let col = self.new_col(node.start_byte()) + prefix;
        Ok(!one.contains('\n')
            && col + one.chars().count() + self.rest_len(node.end_byte()) <= MAX_WIDTH)
    }

    /// The outermost object or array literal on the same line that holds `node` as a
    /// property value (or item), through literals only.
    pub(super) fn enclosing_literal(&self, node: Node<'a>) -> Option<Node<'a>> {
        let mut best = None;
        let mut cur = node;
        while let Some(p) = self.scopes.parents.of(cur) {
            match p.kind_name() {
                "pair" => {
                    if p.field("value").map(|v| v.id()) != Some(cur.id()) {
                        break;
                    }
                }
                "object" | "array" if !self.src(p).contains('\n') && !has_comment(p) => {
                    best = Some(p)
                }
                _ => break,
            }
            cur = p;
        }
        best
    }

    pub(super) fn is_dead(&self, n: Node) -> bool {
        self.dead
            .iter()
            .any(|d| d.start <= n.start_byte() && n.end_byte() <= d.end)
    }

    pub(super) fn emit(&mut self, i: usize, inline: bool) -> R<()> {
        let node = self.plans[i].node;
        if self.is_dead(node) {
            return Ok(());
        }
        let children: Vec<usize> = (0..self.plans.len())
            .filter(|&j| self.parent_plan(j) == Some(i))
            .collect();
        let one_line = !self.src(node).contains('\n') && !has_comment(node);
        if one_line {
            // Inner literals stay on one line; this one is laid out as a whole.
            for j in children {
                self.emit(j, true)?;
            }
            let indent = line_indent(self.text, node.start_byte());
            let items = self.composed_items(i, &format!("{indent}{}", self.unit))?;
            let (open, close) = if node.kind_name() == "array" {
                ('[', ']')
            } else {
                ('{', '}')
            };
            let prefix = self.plans[i].spread.clone().unwrap_or_default();
            let spaced = node.kind_name() != "array"
                && (self.src(node).starts_with("{ ")
                    || self.src(node) == "{}"
                    || self.plans[i].spread.is_some());
            let text = if inline {
                self.layout(&items, (open, close), spaced, &indent, 0, 0)
            } else {
                let col = self.new_col(node.start_byte()) + prefix.len();
                let trail = self.rest_len(node.end_byte());
                self.layout(&items, (open, close), spaced, &indent, col, trail)
            };
            let text = format!("{prefix}{text}");
            let span = node.start_byte()..node.end_byte();
            self.edits
                .retain(|e| !(span.start <= e.span.start && e.span.end <= span.end));
            self.edit(span, text);
            return Ok(());
        }
        if node.kind_name() == "array" {
            self.minimal_array(i);
        } else {
            self.minimal_object(i)?;
        }
        for j in children {
            self.emit(j, false)?;
        }
        Ok(())
    }

    /// The items of planned literal `i` after its changes, for a layout whose items sit
    /// at `inner`.
    pub(super) fn composed_items(&self, i: usize, inner: &str) -> R<Vec<String>> {
        let plan = &self.plans[i];
        let mut items = Vec::new();
        if plan.spread.is_some() {
            items.push(format!("...{}", self.src(plan.node)));
            items.extend(plan.set.iter().map(|(k, v)| self.entry(k, v, inner)));
            return Ok(items);
        }
        if plan.node.kind_name() == "array" {
            for item in named_children(plan.node) {
                items.push(self.applied_text(item.start_byte()..item.end_byte()));
            }
            items.extend(plan.append.iter().map(|a| reindent(a, &self.base, inner)));
            return Ok(items);
        }
        let entries = object_entries(plan.node);
        for e in &entries {
            let key = entry_key(*e, self.text);
            if key.as_ref().is_some_and(|k| plan.remove.contains(k)) {
                continue;
            }
            match key
                .as_ref()
                .and_then(|k| plan.set.iter().find(|(x, _)| x == k))
            {
                Some((k, v)) => {
                    let key_src = match e.kind_name() {
                        "pair" => self
                            .src(e.field("key").ok_or("malformed property")?)
                            .to_string(),
                        _ => self.key_text(k),
                    };
                    items.push(format!("{key_src}: {}", reindent(v, &self.base, inner)));
                }
                None => items.push(self.applied_text(e.start_byte()..e.end_byte())),
            }
        }
        for (k, v) in &plan.set {
            if !entries
                .iter()
                .any(|e| entry_key(*e, self.text).as_deref() == Some(k.as_str()))
            {
                let item = self.entry(k, v, inner);
                // A new method leads, as it is usually written.
                if is_method_key(k) {
                    items.insert(0, item);
                } else {
                    items.push(item);
                }
            }
        }
        Ok(items)
    }

    /// Items in brackets: on one line when that fits in the line (starting at column
    /// `col`, followed by `trail` more columns), else one item per line.
    pub(super) fn layout(
        &self,
        items: &[String],
        (open, close): (char, char),
        spaced: bool,
        indent: &str,
        col: usize,
        trail: usize,
    ) -> String {
        if items.is_empty() {
            return format!("{open}{close}");
        }
        let pad = if spaced { " " } else { "" };
        let one = format!("{open}{pad}{}{pad}{close}", items.join(", "));
        if !one.contains('\n') && col + one.chars().count() + trail <= MAX_WIDTH {
            return one;
        }
        let inner = format!("{indent}{}", self.unit);
        let mut s = format!("{open}\n");
        for (n, item) in items.iter().enumerate() {
            let last = n + 1 == items.len();
            let comma = if !last || self.trailing_commas {
                ","
            } else {
                ""
            };
            s.push_str(&format!("{inner}{item}{comma}\n"));
        }
        s.push_str(indent);
        s.push(close);
        s
    }

    /// An object literal of rendered values, fitted at column `col` of a line indented
    /// by `indent`.
    pub(super) fn fit_object(
        &self,
        entries: &[(String, RValue)],
        indent: &str,
        col: usize,
        trail: usize,
    ) -> String {
        let inner = format!("{indent}{}", self.unit);
        let items: Vec<String> = entries
            .iter()
            .map(|(k, v)| {
                let v = reindent(&self.value(v, &self.base), &self.base, &inner);
                self.entry(k, &v, &inner)
            })
            .collect();
        self.layout(&items, ('{', '}'), true, indent, col, trail)
    }

    /// Sets and removes properties of an object literal written over several lines
    /// (or holding comments), with edits of the lines concerned only.
    pub(super) fn minimal_object(&mut self, i: usize) -> R<()> {
        let obj = self.plans[i].node;
        let set = self.plans[i].set.clone();
        let remove = self.plans[i].remove.clone();
        let pairs = object_entries(obj);
        let mut insert: Vec<(String, String)> = Vec::new();
        for (k, v) in &set {
            match pairs
                .iter()
                .find(|p| entry_key(**p, self.text).as_deref() == Some(k.as_str()))
            {
                Some(p) if p.kind_name() == "pair" => {
                    let value = p.field("value").ok_or("malformed property")?;
                    if self.src(value) != v {
                        let to = line_indent(self.text, p.start_byte());
                        self.edit(
                            value.start_byte()..value.end_byte(),
                            reindent(v, &self.base, &to),
                        );
                        self.dead.push(value.start_byte()..value.end_byte());
                    }
                }
                Some(p) => {
                    let to = line_indent(self.text, p.start_byte());
                    let e = self.entry(k, v, &to);
                    self.edit(p.start_byte()..p.end_byte(), e);
                }
                None => insert.push((k.clone(), v.clone())),
            }
        }
        let removed: Vec<Node> = pairs
            .iter()
            .filter(|p| entry_key(**p, self.text).is_some_and(|k| remove.contains(&k)))
            .copied()
            .collect();
        let kept: Vec<Node> = pairs
            .iter()
            .filter(|p| !removed.contains(p))
            .copied()
            .collect();
        if kept.is_empty() {
            // Nothing of the object survives (or it was empty): write it anew.
            if insert.is_empty() && removed.is_empty() {
                return Ok(());
            }
            let indent = line_indent(self.text, obj.start_byte());
            let inner = format!("{indent}{}", self.unit);
            let items: Vec<String> = insert
                .iter()
                .map(|(k, v)| self.entry(k, v, &inner))
                .collect();
            let col = if self.src(obj).contains('\n') {
                MAX_WIDTH
            } else {
                self.new_col(obj.start_byte())
            };
            let trail = self.rest_len(obj.end_byte());
            let text = self.layout(&items, ('{', '}'), true, &indent, col, trail);
            self.edit(obj.start_byte()..obj.end_byte(), text);
            self.dead.push(obj.start_byte()..obj.end_byte());
            return Ok(());
        }
        let last_kept = *kept.last().unwrap();
        // Properties alone on their lines go with their lines (and their comments).
        let mut rest = Vec::new();
        for p in &removed {
            match self.whole_lines(*p) {
                Some(r) => {
                    self.edit(r.clone(), "");
                    self.dead.push(r);
                }
                None => rest.push(*p),
            }
        }
        for p in &rest {
            if p.start_byte() > last_kept.start_byte() {
                continue;
            }
            let next = pairs
                .iter()
                .find(|q| q.start_byte() > p.start_byte())
                .ok_or("no next property")?;
            self.edit(p.start_byte()..next.start_byte(), "");
            self.dead.push(p.start_byte()..next.start_byte());
        }
        if let Some(last) = rest
            .iter()
            .rfind(|p| p.start_byte() > last_kept.start_byte())
        {
            let r = last_kept.end_byte()..last.end_byte();
            // Keep what ends the kept property's line (its comma, a comment).
            self.edit(r.clone(), "");
            self.dead.push(r);
        }
        // A new method leads, as it is usually written.
        let first = pairs[0];
        if let Some(at) = insert.iter().position(|(k, _)| is_method_key(k)) {
            let alone = self.text[line_start(self.text, first.start_byte())..first.start_byte()]
                .trim()
                .is_empty();
            if alone && self.src(obj).contains('\n') {
                let (k, v) = insert.remove(at);
                let inner = line_indent(self.text, first.start_byte());
                let e = self.entry(&k, &v, &inner);
                self.insert(
                    line_start(self.text, first.start_byte()),
                    format!("{inner}{e},\n"),
                );
            }
        }
        if insert.is_empty() {
            return Ok(());
        }
        self.insert_entries(obj, last_kept, &insert);
        Ok(())
    }

    /// Adds properties after `last` (the last property kept) of a planned object.
    pub(super) fn insert_entries(
        &mut self,
        obj: Node<'a>,
        last: Node<'a>,
        insert: &[(String, String)],
    ) {
        let multi = self.src(obj).contains('\n');
        let after = self.after_item(last);
        match after {
            Some((comma, eol)) if multi => {
                let inner = line_indent(self.text, last.start_byte());
                let items: Vec<String> = insert
                    .iter()
                    .map(|(k, v)| self.entry(k, v, &inner))
                    .collect();
                if comma {
                    let content: String = items.iter().map(|i| format!("\n{inner}{i},")).collect();
                    self.insert(eol, content);
                } else {
                    let content = items
                        .iter()
                        .map(|i| format!("\n{inner}{i}"))
                        .collect::<Vec<_>>()
                        .join(",");
                    self.insert(last.end_byte(), ",".into());
                    self.insert(eol, content);
                }
            }
            _ => {
                let to = line_indent(self.text, last.start_byte());
                let content: String = insert
                    .iter()
                    .map(|(k, v)| format!(", {}", self.entry(k, v, &to)))
                    .collect();
                self.insert(last.end_byte(), content);
            }
        }
    }

    /// Adds items to a planned array written over several lines (or holding comments).
    pub(super) fn minimal_array(&mut self, i: usize) {
        let arr = self.plans[i].node;
        let append = self.plans[i].append.clone();
        if append.is_empty() {
            return;
        }
        let items = named_children(arr);
        let Some(last) = items.last().copied() else {
            let indent = line_indent(self.text, arr.start_byte());
            let inner = format!("{indent}{}", self.unit);
            let items: Vec<String> = append
                .iter()
                .map(|a| reindent(a, &self.base, &inner))
                .collect();
            let text = self.layout(&items, ('[', ']'), false, &indent, MAX_WIDTH, 0);
            self.edit(arr.start_byte()..arr.end_byte(), text);
            return;
        };
        match self.after_item(last) {
            Some((comma, eol)) if self.src(arr).contains('\n') => {
                let inner = line_indent(self.text, last.start_byte());
                let new: Vec<String> = append
                    .iter()
                    .map(|a| reindent(a, &self.base, &inner))
                    .collect();
                if comma {
                    let content: String = new.iter().map(|i| format!("\n{inner}{i},")).collect();
                    self.insert(eol, content);
                } else {
                    self.insert(last.end_byte(), ",".into());
                    let content = new
                        .iter()
                        .map(|i| format!("\n{inner}{i}"))
                        .collect::<Vec<_>>()
                        .join(",");
                    self.insert(eol, content);
                }
            }
            _ => {
                let content: String = append.iter().map(|a| format!(", {a}")).collect();
                self.insert(last.end_byte(), content);
            }
        }
    }

    /// When `item` ends its line (only a comma and a comment may follow it there):
    /// whether a comma follows, and where the line ends.
    pub(super) fn after_item(&self, item: Node) -> Option<(bool, usize)> {
        let eol = line_end(self.text, item.end_byte());
        let rest = self.text[item.end_byte()..eol].trim_start();
        let (comma, rest) = match rest.strip_prefix(',') {
            Some(r) => (true, r.trim_start()),
            None => (false, rest),
        };
        let ok = rest.is_empty()
            || rest.starts_with("//")
            || (rest.starts_with("/*") && rest.ends_with("*/"));
        ok.then_some((comma, eol))
    }

    /// The lines of a property that is alone on them (with its comma and a trailing
    /// comment), newline included.
    pub(super) fn whole_lines(&self, p: Node) -> Option<Span> {
        let start = line_start(self.text, p.start_byte());
        if !self.text[start..p.start_byte()].trim().is_empty() {
            return None;
        }
        let (_, eol) = self.after_item(p)?;
        let end = if self.text[eol..].starts_with("\r\n") {
            eol + 2
        } else if self.text[eol..].starts_with('\n') {
            eol + 1
        } else {
            return None;
        };
        Some(start..end)
    }

    /// Adds an insertion, merging with one already at the same point (in call order).
    pub(super) fn insert(&mut self, at: usize, text: String) {
        if let Some(e) = self.edits.iter_mut().find(|e| e.span == (at..at)) {
            e.content.push_str(&text);
        } else {
            self.edit(at..at, text);
        }
    }

    /// The source text of `range` with the edits made inside it so far.
    pub(super) fn applied_text(&self, range: Span) -> String {
        let mut inside: Vec<&Edit> = self
            .edits
            .iter()
            .filter(|e| range.start <= e.span.start && e.span.end <= range.end)
            .collect();
        inside.sort_by_key(|e| (e.span.start, e.span.end));
        let mut out = String::new();
        let mut at = range.start;
        for e in inside {
            if e.span.start < at {
                continue;
            }
            out.push_str(&self.text[at..e.span.start]);
            out.push_str(&e.content);
            at = e.span.end;
        }
        out.push_str(&self.text[at..range.end]);
        out
    }

    /// The column `pos` will be at once the edits made so far are applied, for width
    /// decisions: a line the file already writes longer than [`MAX_WIDTH`] may keep
    /// its length (the columns beyond the limit are not counted).
    pub(super) fn new_col(&self, pos: usize) -> usize {
        let start = line_start(self.text, pos);
        let before = self.applied_text(start..pos);
        let col = before.rsplit('\n').next().unwrap_or("").chars().count();
        if before.contains('\n') {
            // The line was broken before `pos`: a new line, held to the limit.
            return col;
        }
        let written = self.text[start..line_end(self.text, pos)].chars().count();
        col.saturating_sub(written.saturating_sub(MAX_WIDTH))
    }

    /// How many columns follow `pos` on its line once the edits so far are applied.
    pub(super) fn rest_len(&self, pos: usize) -> usize {
        let after = self.applied_text(pos..line_end(self.text, pos));
        after.split('\n').next().unwrap_or("").chars().count()
    }
}
