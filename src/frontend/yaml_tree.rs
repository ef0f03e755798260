//! A YAML document tree that keeps where each scalar is written, for the front ends
//! that read requests out of YAML (Ansible `uri` tasks, Insomnia YAML exports) and edit
//! them in place. yaml-rust2's event parser gives the structure; positions are
//! recovered for scalars written on one line (plain or quoted, without escapes) and for
//! the lines of `|` and `>` block scalars. Aliases are `Node::Other`: a value that is an
//! alias is not followed. Nesting deeper than any request file is not built.

use crate::call::Span;
use yaml_rust2::parser::{Event, MarkedEventReceiver, Parser};
use yaml_rust2::scanner::{Marker, TScalarStyle};

/// A YAML node with the byte span of its scalars.
#[derive(Debug)]
pub enum Node {
    /// Entries (key, key's span, value) and where the mapping starts and ends.
    Map(Vec<(String, Span, Node)>, Span),
    Seq(Vec<Node>, Span),
    Scalar(Scalar),
    Other,
}

/// How a scalar is written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Style {
    Plain,
    Single,
    Double,
    /// `|`: the lines are the value's lines.
    Literal,
    /// `>`: line breaks between lines fold into spaces.
    Folded,
}

#[derive(Debug)]
pub struct Scalar {
    pub value: String,
    /// The scalar's text in the file (inside the quotes) when `exact`; for a block
    /// scalar, from its first content line's text to its last's end.
    pub span: Span,
    /// `value` is byte for byte the text at `span`.
    pub exact: bool,
    pub style: Style,
    /// Where the scalar starts (its quote, or its `|`/`>` indicator).
    pub at: usize,
    /// A block scalar's content lines (without their indentation), when joining them
    /// (with a line break for `|`, a space for `>`) gives `value`.
    pub lines: Vec<Span>,
}

impl Scalar {
    pub fn plain(&self) -> bool {
        self.style == Style::Plain
    }
}

impl Node {
    pub fn get(&self, key: &str) -> Option<&Node> {
        match self {
            Node::Map(entries, _) => entries.iter().find(|(k, _, _)| k == key).map(|e| &e.2),
            _ => None,
        }
    }

    /// The entry `key` of a mapping: its key's span and its value.
    pub fn entry(&self, key: &str) -> Option<(&Span, &Node)> {
        match self {
            Node::Map(entries, _) => entries
                .iter()
                .find(|(k, _, _)| k == key)
                .map(|(_, s, v)| (s, v)),
            _ => None,
        }
    }

    pub fn str(&self) -> Option<&str> {
        match self {
            Node::Scalar(s) => Some(&s.value),
            _ => None,
        }
    }

    pub fn scalar(&self) -> Option<&Scalar> {
        match self {
            Node::Scalar(s) => Some(s),
            _ => None,
        }
    }

    /// A scalar written exactly (one line, no escapes): its span.
    pub fn exact_span(&self) -> Option<&Span> {
        match self {
            Node::Scalar(s) if s.exact => Some(&s.span),
            _ => None,
        }
    }

    pub fn items(&self) -> &[Node] {
        match self {
            Node::Seq(items, _) => items,
            _ => &[],
        }
    }

    pub fn entries(&self) -> &[(String, Span, Node)] {
        match self {
            Node::Map(entries, _) => entries,
            _ => &[],
        }
    }

    /// Where the node starts (a collection's first token, a scalar's quote or text).
    pub fn start(&self) -> Option<usize> {
        match self {
            Node::Map(_, s) | Node::Seq(_, s) => Some(s.start),
            Node::Scalar(s) => Some(s.at),
            Node::Other => None,
        }
    }
}

/// Builds [`Node`]s from the parser's events (keys are the scalars at even places).
struct Builder<'t> {
    text: &'t str,
    /// Byte offset of each character (the parser's marks count characters).
    offsets: Vec<usize>,
    /// Open collections, each with its pending key (a mapping's key and its span).
    stack: Vec<(Node, Option<(String, Span)>)>,
    docs: Vec<Node>,
    /// Collections opened below [`MAX_DEPTH`]: not built, one `Node::Other` in their place.
    skipped: usize,
}

/// Nesting deeper than any playbook or export is not built (and the tree stays cheap
/// to walk).
pub const MAX_DEPTH: usize = 64;

impl Builder<'_> {
    fn byte_at(&self, mark: &Marker) -> usize {
        self.offsets
            .get(mark.index())
            .copied()
            .unwrap_or(self.text.len())
    }

    fn push(&mut self, node: Node) {
        let Some((top, key)) = self.stack.last_mut() else {
            self.docs.push(node);
            return;
        };
        match top {
            Node::Seq(items, _) => items.push(node),
            Node::Map(entries, _) => match key.take() {
                Some((k, span)) => entries.push((k, span, node)),
                None => {
                    *key = Some(match node {
                        Node::Scalar(s) => (s.value, s.span),
                        _ => (String::new(), 0..0),
                    })
                }
            },
            _ => {}
        }
    }

    fn scalar(&self, value: String, style: TScalarStyle, at: usize) -> Node {
        let rest = &self.text[at..];
        let style = match style {
            TScalarStyle::Plain => Style::Plain,
            TScalarStyle::SingleQuoted => Style::Single,
            TScalarStyle::DoubleQuoted => Style::Double,
            TScalarStyle::Literal => Style::Literal,
            TScalarStyle::Folded => Style::Folded,
        };
        let (exact, start) = match style {
            Style::Plain => (rest.starts_with(value.as_str()), at),
            Style::Single | Style::Double => {
                let q = if style == Style::Single { '\'' } else { '"' };
                let inner = rest.strip_prefix(q).unwrap_or("");
                (
                    inner.starts_with(value.as_str()) && inner[value.len()..].starts_with(q),
                    at + 1,
                )
            }
            Style::Literal | Style::Folded => {
                let lines = block_lines(self.text, at, style, &value);
                let span = match (lines.first(), lines.last()) {
                    (Some(a), Some(b)) => a.start..b.end,
                    _ => at..at,
                };
                return Node::Scalar(Scalar {
                    value,
                    span,
                    exact: false,
                    style,
                    at: block_indicator(self.text, at),
                    lines,
                });
            }
        };
        let exact = exact && !value.contains('\n');
        let span = if exact {
            start..start + value.len()
        } else {
            at..at
        };
        Node::Scalar(Scalar {
            value,
            span,
            exact,
            style,
            at,
            lines: Vec::new(),
        })
    }
}

/// Where the indicator (`|`, `>`) of the block scalar whose content the parser marks
/// at `at` is.
fn block_indicator(text: &str, at: usize) -> usize {
    text[..at].rfind(['|', '>']).unwrap_or(at)
}

/// The content lines of the block scalar whose content starts on the line of `at`,
/// when they join into `value` (no blank or more-indented lines in a folded block, no
/// indentation indicator); otherwise none.
fn block_lines(text: &str, at: usize, style: Style, value: &str) -> Vec<Span> {
    let indicator = block_indicator(text, at);
    let header_end = text[indicator..]
        .find('\n')
        .map_or(text.len(), |i| indicator + i);
    let header = text[indicator..header_end]
        .split(" #")
        .next()
        .unwrap_or("")
        .trim_end();
    if header.bytes().any(|b| b.is_ascii_digit()) {
        return Vec::new();
    }
    let mut lines = Vec::new();
    let mut indent = None;
    let mut pos = header_end + 1;
    while pos < text.len() {
        let end = text[pos..].find('\n').map_or(text.len(), |i| pos + i);
        let line = text[pos..end].trim_end_matches('\r');
        let n = line.bytes().take_while(|b| *b == b' ').count();
        if line.trim().is_empty() {
            lines.push(pos + line.len()..pos + line.len());
        } else {
            match indent {
                None => indent = Some(n),
                Some(i) if n < i => break,
                _ => {}
            }
            let i = indent.expect("set above");
            lines.push(pos + i..pos + line.len());
        }
        pos = end + 1;
    }
    while lines.last().is_some_and(|l| l.is_empty()) {
        lines.pop();
    }
    let sep = if style == Style::Literal { "\n" } else { " " };
    let joined: Vec<&str> = lines.iter().map(|l| &text[l.clone()]).collect();
    let folded_ok = style == Style::Literal
        || joined
            .iter()
            .all(|l| !l.is_empty() && !l.starts_with([' ', '\t']));
    if !folded_ok || joined.join(sep) != value.trim_end_matches('\n') {
        return Vec::new();
    }
    lines
}

impl MarkedEventReceiver for Builder<'_> {
    fn on_event(&mut self, ev: Event, mark: Marker) {
        let at = self.byte_at(&mark);
        match ev {
            Event::SequenceEnd | Event::MappingEnd if self.skipped > 0 => {
                self.skipped -= 1;
                if self.skipped == 0 {
                    self.push(Node::Other);
                }
            }
            _ if self.skipped > 0 => {
                if matches!(ev, Event::SequenceStart(..) | Event::MappingStart(..)) {
                    self.skipped += 1;
                }
            }
            Event::Scalar(value, style, _, _) => {
                let node = self.scalar(value, style, at);
                self.push(node);
            }
            Event::SequenceStart(..) => self.open(Node::Seq(Vec::new(), at..at)),
            Event::MappingStart(..) => self.open(Node::Map(Vec::new(), at..at)),
            Event::SequenceEnd | Event::MappingEnd => {
                if let Some((mut node, _)) = self.stack.pop() {
                    if let Node::Map(_, span) | Node::Seq(_, span) = &mut node {
                        span.end = at.max(span.start);
                    }
                    self.push(node);
                }
            }
            Event::Alias(_) => self.push(Node::Other),
            _ => {}
        }
    }
}

impl Builder<'_> {
    fn open(&mut self, node: Node) {
        if self.stack.len() >= MAX_DEPTH {
            self.skipped = 1;
        } else {
            self.stack.push((node, None));
        }
    }
}

/// Why a YAML text was not read.
#[derive(Debug)]
pub enum Unread {
    /// Not YAML: where and why.
    Invalid((Span, String)),
    /// Nested deeper than any request file: not handed to the parser.
    TooDeep,
}

/// The documents of a YAML text.
pub fn parse(text: &str) -> Result<Vec<Node>, Unread> {
    // Block nesting grows with the column a line's content starts at (`- - -` items
    // included): text indented past any playbook is not handed to the YAML parser.
    let deep = text.lines().any(|l| {
        let t = l.trim_start_matches([' ', '-']);
        l.len() - t.len() > 4 * MAX_DEPTH
    });
    if deep {
        return Err(Unread::TooDeep);
    }
    if let Some(error) = super::yaml_ci::syntax_check(text) {
        return Err(Unread::Invalid(error));
    }
    let mut b = Builder {
        text,
        offsets: text.char_indices().map(|(i, _)| i).collect(),
        stack: Vec::new(),
        docs: Vec::new(),
        skipped: 0,
    };
    match Parser::new_from_str(text).load(&mut b, true) {
        Ok(()) => Ok(b.docs),
        // Flow collections nested past the syntax check's limit.
        Err(_) => Err(Unread::TooDeep),
    }
}

/// The leading spaces of the line holding `at`.
pub fn line_indent(text: &str, at: usize) -> usize {
    let start = text[..at].rfind('\n').map_or(0, |i| i + 1);
    text[start..].bytes().take_while(|b| *b == b' ').count()
}

/// The start of the line holding `at`.
pub fn line_start(text: &str, at: usize) -> usize {
    text[..at].rfind('\n').map_or(0, |i| i + 1)
}

/// The end of the line holding `at`, after its line break (or the text's end).
pub fn line_end(text: &str, at: usize) -> usize {
    text[at..].find('\n').map_or(text.len(), |i| at + i + 1)
}

/// `s` as a YAML scalar: plain when YAML reads it back as the same string, else
/// double-quoted (JSON's string escapes are YAML's).
pub fn scalar_text(s: &str) -> String {
    let plain = !s.is_empty()
        && !s.starts_with(|c: char| "!&*{}[]|>'\"%@`#,?:-~ ".contains(c))
        && !s.ends_with([' ', ':'])
        && !s.contains(": ")
        && !s.contains(" #")
        && !s.contains(['\n', '\r', '\t'])
        && !matches!(
            s.to_ascii_lowercase().as_str(),
            "true" | "false" | "yes" | "no" | "on" | "off" | "null" | "~"
        )
        && s.parse::<f64>().is_err();
    if plain {
        s.to_string()
    } else {
        serde_json::to_string(s).expect("strings serialise")
    }
}

/// The column of `at` on its line (in bytes: YAML indentation is spaces).
pub fn column(text: &str, at: usize) -> usize {
    at - line_start(text, at)
}

/// The end of the entry whose key starts at `key`: after the key's line and every
/// following line that is blank or indented past the key (the value's lines), trailing
/// blank lines left out.
pub fn entry_end(text: &str, key: usize) -> usize {
    let col = column(text, key);
    let mut end = line_end(text, key);
    let mut pos = end;
    while pos < text.len() {
        let next = line_end(text, pos);
        let line = text[pos..next].trim_end_matches(['\n', '\r']);
        if line.trim().is_empty() {
            pos = next;
            continue;
        }
        let n = line.bytes().take_while(|b| *b == b' ').count();
        if n <= col {
            break;
        }
        end = next;
        pos = next;
    }
    end
}

/// The edit that removes the entry whose key starts at `key` (its lines), when the key
/// starts its line (not the first key of a `- ` item).
pub fn remove_entry(text: &str, key: usize) -> Result<crate::finding::Edit, String> {
    let start = line_start(text, key);
    if !text[start..key].trim().is_empty() {
        return Err("the entry shares its line with a `- ` item: edit it by hand".into());
    }
    Ok(crate::finding::Edit {
        span: start..entry_end(text, key),
        content: String::new(),
    })
}

/// The edit that makes a scalar hold `new`, written in the scalar's own style.
pub fn set_scalar(node: &Node, new: &str) -> Result<crate::finding::Edit, String> {
    let Some(s) = node.scalar().filter(|s| s.exact) else {
        return Err("the value is not a one-line scalar written without escapes".into());
    };
    let content = match s.style {
        Style::Plain => scalar_text(new),
        Style::Double => {
            let q = serde_json::to_string(new).expect("strings serialise");
            q[1..q.len() - 1].to_string()
        }
        Style::Single if !new.contains('\n') => new.replace('\'', "''"),
        _ => return Err("the value cannot be written in its scalar's style".into()),
    };
    Ok(crate::finding::Edit {
        span: s.span.clone(),
        content,
    })
}

/// A value as the text after `key:` of a block mapping whose entries are at `indent`
/// spaces: ` scalar`, or a line break and the nested block (each line ending in a line
/// break but the last).
pub fn block_value(
    v: &crate::model::plan::RValue,
    indent: usize,
    str_of: &dyn Fn(&[crate::model::plan::Part]) -> Result<String, String>,
) -> Result<String, String> {
    use crate::model::plan::RValue;
    let pad = " ".repeat(indent + 2);
    Ok(match v {
        RValue::Str(parts) => {
            let s = str_of(parts)?;
            if s.contains('\n')
                && !s.contains(['\t', '\r'])
                && !s.lines().any(|l| l.ends_with(' '))
                && !s.starts_with(' ')
            {
                let chomp = if s.ends_with('\n') { "" } else { "-" };
                let body: Vec<String> = s
                    .trim_end_matches('\n')
                    .split('\n')
                    .map(|l| {
                        if l.is_empty() {
                            String::new()
                        } else {
                            format!("{pad}{l}")
                        }
                    })
                    .collect();
                format!(" |{chomp}\n{}", body.join("\n"))
            } else {
                format!(" {}", scalar_text(&s))
            }
        }
        RValue::Bool(b) => format!(" {b}"),
        RValue::Num(n) => format!(" {n}"),
        RValue::Null => " null".into(),
        RValue::Object(entries) if entries.is_empty() => " {}".into(),
        RValue::Object(entries) => {
            let mut lines = Vec::new();
            for (k, v) in entries {
                lines.push(format!(
                    "{pad}{}:{}",
                    scalar_text(k),
                    block_value(v, indent + 2, str_of)?
                ));
            }
            format!("\n{}", lines.join("\n"))
        }
        RValue::Array(items) if items.is_empty() => " []".into(),
        RValue::Array(items) => {
            let mut lines = Vec::new();
            for item in items {
                let text = block_value(item, indent + 2, str_of)?;
                match text.strip_prefix('\n') {
                    // A nested collection: its first line after the dash.
                    Some(nested) => {
                        let nested = nested.trim_start_matches(' ');
                        lines.push(format!("{pad}- {nested}"));
                    }
                    None => lines.push(format!("{pad}-{text}")),
                }
            }
            format!("\n{}", lines.join("\n"))
        }
    })
}

/// The line break the file uses.
pub fn newline(text: &str) -> &'static str {
    if text.contains("\r\n") {
        "\r\n"
    } else {
        "\n"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn block_scalars_keep_their_lines() {
        let text = "a: >-\n  https://x/api/2.0/users/{{ id }}\nb: |\n  {\"x\": 1,\n   \"y\": 2}\nc: >\n  one\n\n  two\nd: 'q'\n";
        let docs = parse(text).unwrap();
        let a = docs[0].get("a").unwrap().scalar().unwrap();
        assert_eq!(a.lines.len(), 1);
        assert_eq!(
            &text[a.lines[0].clone()],
            "https://x/api/2.0/users/{{ id }}"
        );
        let b = docs[0].get("b").unwrap().scalar().unwrap();
        assert_eq!(b.lines.len(), 2);
        assert_eq!(&text[b.span.clone()], "{\"x\": 1,\n   \"y\": 2}");
        // A folded block with a blank line is not mapped.
        assert!(docs[0].get("c").unwrap().scalar().unwrap().lines.is_empty());
        assert!(docs[0].get("d").unwrap().scalar().unwrap().exact);
    }

    #[test]
    fn scalars_are_quoted_when_plain_would_change_them() {
        assert_eq!(scalar_text("POST"), "POST");
        assert_eq!(scalar_text("https://x/y?a=1"), "https://x/y?a=1");
        assert_eq!(scalar_text("{{ token }}"), "\"{{ token }}\"");
        assert_eq!(scalar_text("true"), "\"true\"");
        assert_eq!(scalar_text("a: b"), "\"a: b\"");
        assert_eq!(scalar_text("v2.0"), "v2.0");
        assert_eq!(scalar_text("2.0"), "\"2.0\"");
    }
}
