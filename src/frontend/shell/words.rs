//! A shell-words tokenizer that keeps byte spans: enough of the POSIX/bash grammar to
//! find simple commands (`curl …`) wherever they are written — after `;`, `|`, `&&`,
//! inside `$(…)` and backticks, in functions — and to read each word as literal parts
//! (single-quoted, double-quoted, unquoted, with their escapes) and expansions
//! (`$VAR`, `${VAR}`, `$(…)`, `` `…` ``). Here-documents are attached to their command;
//! `#` comments are collected.
//!
//! Not for: running anything. Control flow (`if`, `case`, loops) is flattened into the
//! simple commands it contains; keywords stay as ordinary leading words.

use crate::call::Span;

/// How a literal part was quoted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Quote {
    None,
    Single,
    Double,
    /// `$'…'`.
    Ansi,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum WordPart {
    /// Literal text. `span` is the source of the text (inside the quotes); `exact` when
    /// the text is byte-for-byte the source there (no escapes).
    Lit {
        text: String,
        span: Span,
        exact: bool,
        quote: Quote,
    },
    /// `$VAR`, `${VAR…}`, `$(…)`, `` `…` ``, `$((…))`: the source text.
    Expansion {
        expr: String,
        span: Span,
        quote: Quote,
    },
}

impl WordPart {
    pub fn span(&self) -> &Span {
        match self {
            WordPart::Lit { span, .. } | WordPart::Expansion { span, .. } => span,
        }
    }
    pub fn quote(&self) -> Quote {
        match self {
            WordPart::Lit { quote, .. } | WordPart::Expansion { quote, .. } => *quote,
        }
    }
}

/// One word of a command, as written (quotes included in `span`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Word {
    pub parts: Vec<WordPart>,
    pub span: Span,
}

impl Word {
    /// The word's value when it has no expansion.
    pub fn literal(&self) -> Option<String> {
        let mut out = String::new();
        for p in &self.parts {
            match p {
                WordPart::Lit { text, .. } => out.push_str(text),
                WordPart::Expansion { .. } => return None,
            }
        }
        Some(out)
    }
    /// Literal text with expansions written as their source (`$BASE/x`).
    pub fn display(&self) -> String {
        self.parts
            .iter()
            .map(|p| match p {
                WordPart::Lit { text, .. } => text.as_str(),
                WordPart::Expansion { expr, .. } => expr.as_str(),
            })
            .collect()
    }
    /// Whether any part is quoted (or escaped).
    pub fn quoted(&self) -> bool {
        self.parts
            .iter()
            .any(|p| p.quote() != Quote::None || matches!(p, WordPart::Lit { exact: false, .. }))
    }
}

/// A here-document body.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Heredoc {
    pub text: String,
    /// The body's lines (without the delimiter line).
    pub span: Span,
    /// Unquoted delimiter: `$` expansions happen in the body.
    pub expands: bool,
}

/// A simple command.
#[derive(Clone, Debug, Default)]
pub struct Command {
    pub words: Vec<Word>,
    /// From the first word to the end of the last word or redirection.
    pub span: Span,
    /// Standard input given as a here-document or here-string.
    pub heredoc: Option<Heredoc>,
    pub herestring: Option<Word>,
    /// Commands of one pipeline share this number.
    pub pipeline: usize,
    /// The `$(…)` or backticks the command is written in.
    pub subst: Option<Span>,
    /// Standard output goes elsewhere than the pipe (`> f`, `&>/dev/null`, `>&2`).
    pub stdout_redirected: bool,
    heredoc_slot: Option<usize>,
}

/// The commands, comments and first syntax error of a text.
#[derive(Debug, Default)]
pub struct Script {
    pub commands: Vec<Command>,
    pub comments: Vec<Span>,
    pub error: Option<(Span, String)>,
    /// Function bodies (`name() { … }`, `function name { … }`), from the name to `}`.
    pub functions: Vec<Span>,
}

impl Script {
    /// The innermost function containing `at`.
    pub fn function_at(&self, at: usize) -> Option<Span> {
        self.functions
            .iter()
            .filter(|f| f.start <= at && at < f.end)
            .min_by_key(|f| f.len())
            .cloned()
    }
}

/// Tokenizes `text[range]`; spans are offsets into `text`.
pub fn parse_range(text: &str, range: Span) -> Script {
    let mut lx = Lexer {
        src: text,
        b: text.as_bytes(),
        pos: range.start,
        end: range.end.min(text.len()),
        out: Script::default(),
        pipeline: 0,
        pending: Vec::new(),
        slots: Vec::new(),
        braces: Vec::new(),
        pending_function: None,
        nesting: 0,
    };
    lx.list(Stop::End);
    let slots = std::mem::take(&mut lx.slots);
    let mut out = lx.out;
    for c in &mut out.commands {
        if let Some(i) = c.heredoc_slot {
            c.heredoc = slots.get(i).cloned().flatten();
        }
    }
    out.commands.sort_by_key(|c| c.span.start);
    out.functions.sort_by_key(|f| f.start);
    out
}

/// Tokenizes a whole text.
pub fn parse(text: &str) -> Script {
    parse_range(text, 0..text.len())
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Stop {
    End,
    /// The `)` closing `$(`.
    Paren,
}

struct Pending {
    slot: usize,
    delimiter: String,
    strip_tabs: bool,
}

struct Builder {
    words: Vec<Word>,
    start: Option<usize>,
    end: usize,
    heredoc_slot: Option<usize>,
    herestring: Option<Word>,
    stdout_redirected: bool,
}

impl Builder {
    fn new() -> Self {
        Builder {
            words: Vec::new(),
            start: None,
            end: 0,
            heredoc_slot: None,
            herestring: None,
            stdout_redirected: false,
        }
    }
    fn touch(&mut self, span: &Span) {
        if self.start.is_none() {
            self.start = Some(span.start);
        }
        self.end = self.end.max(span.end);
    }
}

struct Lexer<'a> {
    src: &'a str,
    b: &'a [u8],
    pos: usize,
    end: usize,
    out: Script,
    pipeline: usize,
    pending: Vec<Pending>,
    slots: Vec<Option<Heredoc>>,
    /// Open `{` groups: the function start when the group is a function body.
    braces: Vec<Option<usize>>,
    pending_function: Option<usize>,
    /// Command substitutions open around the position.
    nesting: usize,
}

/// Deeper command substitutions are a syntax error (no script nests this far; the
/// recursion would otherwise exhaust the stack).
const MAX_NESTING: usize = 100;

fn is_name_start(c: u8) -> bool {
    c.is_ascii_alphabetic() || c == b'_'
}
fn is_name(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'_'
}

impl Lexer<'_> {
    fn peek(&self, off: usize) -> Option<u8> {
        let i = self.pos + off;
        (i < self.end).then(|| self.b[i])
    }

    fn error(&mut self, span: Span, message: &str) {
        if self.out.error.is_none() {
            self.out.error = Some((span, message.to_string()));
        }
    }

    /// Skips blanks and `\`-newline continuations.
    fn blanks(&mut self) {
        while self.pos < self.end {
            match self.b[self.pos] {
                b' ' | b'\t' | b'\r' => self.pos += 1,
                b'\\' if self.peek(1) == Some(b'\n') => self.pos += 2,
                b'\\' if self.peek(1) == Some(b'\r') && self.peek(2) == Some(b'\n') => {
                    self.pos += 3
                }
                _ => break,
            }
        }
    }

    fn finish(&mut self, cmd: &mut Builder, subst: Option<&Span>) {
        let b = std::mem::replace(cmd, Builder::new());
        if b.words.is_empty() && b.heredoc_slot.is_none() && b.herestring.is_none() {
            return;
        }
        let start = b.start.unwrap_or(0);
        self.out.commands.push(Command {
            words: b.words,
            span: start..b.end,
            heredoc: None,
            herestring: b.herestring,
            pipeline: self.pipeline,
            subst: subst.cloned(),
            stdout_redirected: b.stdout_redirected,
            heredoc_slot: b.heredoc_slot,
        });
    }

    /// The commands of a substitution opened at `open`.
    fn nested(&mut self, open: Span, stop: Stop) {
        if self.nesting >= MAX_NESTING {
            self.error(open, "command substitutions nested too deeply");
            self.pos = self.end;
            return;
        }
        self.nesting += 1;
        self.list(stop);
        self.nesting -= 1;
    }

    /// Reads commands until the end (or the `)` of a command substitution).
    fn list(&mut self, stop: Stop) {
        let subst_start = self.pos.saturating_sub(2);
        let mut cmd = Builder::new();
        let mut depth = 0usize;
        let first_command = self.out.commands.len();
        loop {
            self.blanks();
            if self.pos >= self.end {
                if stop == Stop::Paren {
                    self.error(subst_start..subst_start + 2, "unterminated `$(`");
                }
                self.finish(&mut cmd, None);
                break;
            }
            let c = self.b[self.pos];
            match c {
                b'\n' => {
                    self.finish(&mut cmd, None);
                    self.pipeline += 1;
                    self.pos += 1;
                    self.heredoc_bodies();
                }
                b'#' => {
                    let eol = self.src[self.pos..self.end]
                        .find('\n')
                        .map_or(self.end, |i| self.pos + i);
                    self.out.comments.push(self.pos..eol);
                    self.pos = eol;
                }
                b';' | b'|' => {
                    self.finish(&mut cmd, None);
                    let next = self.peek(1);
                    if c == b'|' && next != Some(b'|') {
                        // A pipe: the next command is in the same pipeline.
                        self.pos += if next == Some(b'&') { 2 } else { 1 };
                    } else {
                        self.pipeline += 1;
                        self.pos += if matches!(next, Some(b';' | b'&' | b'|')) {
                            2
                        } else {
                            1
                        };
                    }
                }
                b'&' => {
                    if self.peek(1) == Some(b'>') {
                        self.redirect(&mut cmd);
                    } else {
                        self.finish(&mut cmd, None);
                        self.pipeline += 1;
                        self.pos += if self.peek(1) == Some(b'&') { 2 } else { 1 };
                    }
                }
                b'(' => {
                    // `name() {`: a function definition.
                    let save = self.pos;
                    self.pos += 1;
                    self.blanks();
                    if self.peek(0) == Some(b')') && cmd.words.len() == 1 {
                        self.pos += 1;
                        self.pending_function = cmd.start;
                        cmd = Builder::new();
                    } else {
                        self.pos = save + 1;
                        self.finish(&mut cmd, None);
                        self.pipeline += 1;
                        depth += 1;
                    }
                }
                b')' => {
                    self.finish(&mut cmd, None);
                    self.pos += 1;
                    if depth == 0 && stop == Stop::Paren {
                        break;
                    }
                    depth = depth.saturating_sub(1);
                    self.pipeline += 1;
                }
                b'<' | b'>' => self.redirect(&mut cmd),
                b'0'..=b'9' if self.fd_redirect() => self.redirect(&mut cmd),
                _ => {
                    let word = self.word();
                    if cmd.words.is_empty() {
                        let lit = word.literal();
                        match lit.as_deref() {
                            Some("{") if !word.quoted() => {
                                self.braces.push(self.pending_function.take());
                                continue;
                            }
                            Some("}") if !word.quoted() => {
                                if let Some(Some(start)) = self.braces.pop() {
                                    self.out.functions.push(start..word.span.end);
                                }
                                continue;
                            }
                            Some("function") if !word.quoted() => {
                                self.blanks();
                                self.pending_function = Some(word.span.start);
                                // The name, and an optional `()`.
                                let _ = self.word();
                                self.blanks();
                                if self.peek(0) == Some(b'(') {
                                    self.pos += 1;
                                    self.blanks();
                                    if self.peek(0) == Some(b')') {
                                        self.pos += 1;
                                    }
                                }
                                continue;
                            }
                            _ => {}
                        }
                    }
                    cmd.touch(&word.span);
                    cmd.words.push(word);
                }
            }
        }
        if stop == Stop::Paren {
            let span = subst_start..self.pos;
            for c in &mut self.out.commands[first_command..] {
                if c.subst.is_none() {
                    c.subst = Some(span.clone());
                }
            }
        }
    }

    /// Digits followed by `<` or `>` (`2>&1`).
    fn fd_redirect(&self) -> bool {
        let mut i = self.pos;
        while i < self.end && self.b[i].is_ascii_digit() {
            i += 1;
        }
        i < self.end && matches!(self.b[i], b'<' | b'>')
    }

    fn redirect(&mut self, cmd: &mut Builder) {
        let start = self.pos;
        while self.pos < self.end && self.b[self.pos].is_ascii_digit() {
            self.pos += 1;
        }
        let rest = &self.src[self.pos..self.end];
        let ops = [
            "<<<", "<<-", "<<", "<>", "<&", "<", "&>>", "&>", ">>", ">&", ">|", ">",
        ];
        let op = ops
            .iter()
            .find(|o| rest.starts_with(**o))
            .copied()
            .unwrap_or(">");
        let fd = &self.src[start..self.pos];
        if op.contains('>') && op != "<>" && (fd.is_empty() || fd == "1") {
            cmd.stdout_redirected = true;
        }
        self.pos += op.len();
        cmd.touch(&(start..self.pos));
        self.blanks();
        if self.pos >= self.end || matches!(self.b[self.pos], b'\n' | b';' | b'|' | b'&') {
            self.error(start..self.pos, "a redirection without a target");
            return;
        }
        let target = self.word();
        cmd.touch(&target.span);
        match op {
            "<<" | "<<-" => {
                let delimiter = target.literal().unwrap_or_else(|| target.display());
                let slot = self.slots.len();
                self.slots.push(None);
                let expands = !target.quoted();
                self.pending.push(Pending {
                    slot,
                    delimiter,
                    strip_tabs: op == "<<-",
                });
                // Remember whether the body expands in the slot's place holder.
                self.slots[slot] = Some(Heredoc {
                    text: String::new(),
                    span: 0..0,
                    expands,
                });
                cmd.heredoc_slot = Some(slot);
            }
            "<<<" => cmd.herestring = Some(target),
            _ => {}
        }
    }

    /// Reads the bodies of the here-documents opened on the line just ended.
    fn heredoc_bodies(&mut self) {
        for p in std::mem::take(&mut self.pending) {
            let body_start = self.pos;
            let mut body_end = self.end;
            let mut after = self.end;
            let mut at = self.pos;
            while at < self.end {
                let eol = self.src[at..self.end]
                    .find('\n')
                    .map_or(self.end, |i| at + i);
                let mut line = &self.src[at..eol];
                line = line.strip_suffix('\r').unwrap_or(line);
                if p.strip_tabs {
                    line = line.trim_start_matches('\t');
                }
                if line == p.delimiter {
                    body_end = at;
                    after = (eol + 1).min(self.end);
                    break;
                }
                at = eol + 1;
            }
            let text = if p.strip_tabs {
                self.src[body_start..body_end]
                    .split_inclusive('\n')
                    .map(|l| l.trim_start_matches('\t'))
                    .collect()
            } else {
                self.src[body_start..body_end].to_string()
            };
            if let Some(Some(h)) = self.slots.get_mut(p.slot) {
                h.text = text;
                h.span = body_start..body_end;
            }
            self.pos = after;
        }
    }

    /// Reads one word at `pos` (not at a blank or an operator).
    fn word(&mut self) -> Word {
        let start = self.pos;
        let mut parts: Vec<WordPart> = Vec::new();
        let mut lit_start = self.pos;
        macro_rules! flush {
            () => {
                if lit_start < self.pos {
                    push_lit(
                        &mut parts,
                        self.src[lit_start..self.pos].to_string(),
                        lit_start..self.pos,
                        true,
                        Quote::None,
                    );
                }
            };
        }
        while self.pos < self.end {
            let c = self.b[self.pos];
            match c {
                b' ' | b'\t' | b'\n' | b';' | b'&' | b'|' | b'(' | b')' | b'<' | b'>' => break,
                b'\r' if self.peek(1) == Some(b'\n') || self.peek(1).is_none() => break,
                b'\\' => {
                    flush!();
                    match self.peek(1) {
                        Some(b'\n') => self.pos += 2,
                        Some(b'\r') if self.peek(2) == Some(b'\n') => self.pos += 3,
                        Some(_) => {
                            let ch = self.src[self.pos + 1..].chars().next().unwrap_or(' ');
                            let span = self.pos..self.pos + 1 + ch.len_utf8();
                            push_lit(&mut parts, ch.to_string(), span.clone(), false, Quote::None);
                            self.pos = span.end;
                        }
                        None => self.pos += 1,
                    }
                    lit_start = self.pos;
                }
                b'\'' => {
                    flush!();
                    let open = self.pos;
                    match self.src[open + 1..self.end].find('\'') {
                        Some(i) => {
                            let span = open + 1..open + 1 + i;
                            push_lit(
                                &mut parts,
                                self.src[span.clone()].to_string(),
                                span.clone(),
                                true,
                                Quote::Single,
                            );
                            self.pos = span.end + 1;
                        }
                        None => {
                            self.error(open..open + 1, "unterminated single quote");
                            self.pos = self.end;
                        }
                    }
                    lit_start = self.pos;
                }
                b'"' => {
                    flush!();
                    self.double_quoted(&mut parts);
                    lit_start = self.pos;
                }
                b'`' => {
                    flush!();
                    let part = self.backticks(Quote::None);
                    parts.push(part);
                    lit_start = self.pos;
                }
                b'$' => {
                    flush!();
                    self.dollar(&mut parts, Quote::None);
                    lit_start = self.pos;
                }
                _ => {
                    self.pos += self.src[self.pos..]
                        .chars()
                        .next()
                        .map_or(1, char::len_utf8)
                }
            }
        }
        flush!();
        Word {
            parts,
            span: start..self.pos,
        }
    }

    /// `"…"` at `pos`.
    fn double_quoted(&mut self, parts: &mut Vec<WordPart>) {
        let open = self.pos;
        self.pos += 1;
        let mut lit_start = self.pos;
        macro_rules! flush {
            () => {
                if lit_start < self.pos {
                    push_lit(
                        parts,
                        self.src[lit_start..self.pos].to_string(),
                        lit_start..self.pos,
                        true,
                        Quote::Double,
                    );
                }
            };
        }
        loop {
            if self.pos >= self.end {
                self.error(open..open + 1, "unterminated double quote");
                flush!();
                return;
            }
            match self.b[self.pos] {
                b'"' => {
                    flush!();
                    self.pos += 1;
                    return;
                }
                b'\\' if matches!(self.peek(1), Some(b'$' | b'`' | b'"' | b'\\' | b'\n')) => {
                    flush!();
                    let ch = self.b[self.pos + 1];
                    if ch != b'\n' {
                        push_lit(
                            parts,
                            (ch as char).to_string(),
                            self.pos..self.pos + 2,
                            false,
                            Quote::Double,
                        );
                    }
                    self.pos += 2;
                    lit_start = self.pos;
                }
                b'$' => {
                    flush!();
                    self.dollar(parts, Quote::Double);
                    lit_start = self.pos;
                }
                b'`' => {
                    flush!();
                    let part = self.backticks(Quote::Double);
                    parts.push(part);
                    lit_start = self.pos;
                }
                _ => {
                    self.pos += self.src[self.pos..]
                        .chars()
                        .next()
                        .map_or(1, char::len_utf8)
                }
            }
        }
    }

    /// `` `…` `` at `pos`: the commands inside are read too.
    fn backticks(&mut self, quote: Quote) -> WordPart {
        let open = self.pos;
        let mut i = open + 1;
        while i < self.end && self.b[i] != b'`' {
            i += if self.b[i] == b'\\' { 2 } else { 1 };
        }
        if i >= self.end {
            self.error(open..open + 1, "unterminated backquote");
            i = self.end;
        }
        let close = i.min(self.end);
        let (save_end, first) = (self.end, self.out.commands.len());
        self.pos = open + 1;
        self.end = close;
        self.nested(open..open + 1, Stop::End);
        self.end = save_end;
        let span = open..(close + 1).min(self.end);
        for c in &mut self.out.commands[first..] {
            if c.subst.is_none() {
                c.subst = Some(span.clone());
            }
        }
        self.pos = span.end;
        WordPart::Expansion {
            expr: self.src[span.clone()].to_string(),
            span,
            quote,
        }
    }

    /// `$…` at `pos`.
    fn dollar(&mut self, parts: &mut Vec<WordPart>, quote: Quote) {
        let start = self.pos;
        let expansion = |lx: &mut Lexer, end: usize, parts: &mut Vec<WordPart>| {
            let end = end.min(lx.end);
            parts.push(WordPart::Expansion {
                expr: lx.src[start..end].to_string(),
                span: start..end,
                quote,
            });
            lx.pos = end;
        };
        match self.peek(1) {
            Some(b'{') => {
                let mut depth = 0;
                let mut i = start + 1;
                while i < self.end {
                    match self.b[i] {
                        b'{' => depth += 1,
                        b'}' => {
                            depth -= 1;
                            if depth == 0 {
                                break;
                            }
                        }
                        b'\\' => i += 1,
                        _ => {}
                    }
                    i += 1;
                }
                if i >= self.end {
                    self.error(start..start + 2, "unterminated `${`");
                }
                expansion(self, i + 1, parts);
            }
            Some(b'(') if self.peek(2) == Some(b'(') => {
                let mut depth = 0i32;
                let mut i = start + 1;
                while i < self.end {
                    match self.b[i] {
                        b'(' => depth += 1,
                        b')' => {
                            depth -= 1;
                            if depth == 0 {
                                break;
                            }
                        }
                        _ => {}
                    }
                    i += 1;
                }
                if i >= self.end {
                    self.error(start..start + 3, "unterminated `$((`");
                }
                expansion(self, i + 1, parts);
            }
            Some(b'(') => {
                self.pos = start + 2;
                self.nested(start..start + 2, Stop::Paren);
                let end = self.pos;
                expansion(self, end, parts);
            }
            Some(b'\'') => {
                // ANSI-C quoting.
                let mut i = start + 2;
                let mut text = String::new();
                while i < self.end && self.b[i] != b'\'' {
                    if self.b[i] == b'\\' && i + 1 < self.end {
                        let e = self.b[i + 1];
                        text.push(match e {
                            b'n' => '\n',
                            b't' => '\t',
                            b'r' => '\r',
                            other => other as char,
                        });
                        i += 2;
                    } else {
                        let ch = self.src[i..].chars().next().unwrap_or(' ');
                        text.push(ch);
                        i += ch.len_utf8();
                    }
                }
                if i >= self.end {
                    self.error(start..start + 2, "unterminated `$'`");
                }
                let exact = text == self.src[start + 2..i.min(self.end)];
                push_lit(parts, text, start + 2..i.min(self.end), exact, Quote::Ansi);
                self.pos = (i + 1).min(self.end);
            }
            Some(b'"') if quote == Quote::None => {
                self.pos = start + 1;
                self.double_quoted(parts);
            }
            Some(c) if is_name_start(c) => {
                let mut i = start + 1;
                while i < self.end && is_name(self.b[i]) {
                    i += 1;
                }
                expansion(self, i, parts);
            }
            Some(c) if c.is_ascii_digit() || b"@*#?$!-".contains(&c) => {
                expansion(self, start + 2, parts);
            }
            _ => {
                push_lit(parts, "$".into(), start..start + 1, true, quote);
                self.pos = start + 1;
            }
        }
    }
}

/// Appends a literal, merging it with the previous one when both are exact and adjacent.
fn push_lit(parts: &mut Vec<WordPart>, text: String, span: Span, exact: bool, quote: Quote) {
    if let Some(WordPart::Lit {
        text: t,
        span: s,
        exact: true,
        quote: q,
    }) = parts.last_mut()
    {
        if exact && *q == quote && s.end == span.start {
            t.push_str(&text);
            s.end = span.end;
            return;
        }
    }
    parts.push(WordPart::Lit {
        text,
        span,
        exact,
        quote,
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(s: &Script, i: usize) -> Vec<String> {
        s.commands[i].words.iter().map(Word::display).collect()
    }

    #[test]
    fn quotes_escapes_and_continuations() {
        let text = "curl -X DELETE \\\n  'https://x/a b' \"$BASE/u/${ID}\" a\\ b # c\n";
        let s = parse(text);
        assert_eq!(s.commands.len(), 1);
        assert_eq!(
            words(&s, 0),
            [
                "curl",
                "-X",
                "DELETE",
                "https://x/a b",
                "$BASE/u/${ID}",
                "a b"
            ]
        );
        let url = &s.commands[0].words[3];
        let WordPart::Lit { span, exact, .. } = &url.parts[0] else {
            panic!()
        };
        assert!(exact);
        assert_eq!(&text[span.clone()], "https://x/a b");
        assert_eq!(s.comments.len(), 1);
        assert_eq!(&text[s.comments[0].clone()], "# c");
    }

    #[test]
    fn substitutions_pipelines_heredocs_functions() {
        let text = "f() {\n  r=$(curl -s \"$U\" | jq .a) && echo \"$r\"\n}\ncat <<'EOF' | curl -d @- x\n{\"a\": 1}\nEOF\necho $# a#b\n";
        let s = parse(text);
        let curl = s
            .commands
            .iter()
            .find(|c| c.words[0].display() == "curl" && c.subst.is_some())
            .unwrap();
        let jq = s
            .commands
            .iter()
            .find(|c| c.words[0].display() == "jq")
            .unwrap();
        assert_eq!(curl.pipeline, jq.pipeline);
        assert_eq!(s.functions.len(), 1);
        let cat = s
            .commands
            .iter()
            .find(|c| c.words[0].display() == "cat")
            .unwrap();
        assert_eq!(cat.heredoc.as_ref().unwrap().text, "{\"a\": 1}\n");
        assert!(!cat.heredoc.as_ref().unwrap().expands);
        assert!(s.comments.is_empty());
        assert!(s.error.is_none());
    }

    #[test]
    fn unterminated_quote_is_an_error() {
        assert!(parse("curl 'https://x\n").error.is_some());
        assert!(parse("curl \"https://x\n").error.is_some());
        assert!(parse("echo \"it's\"\n").error.is_none());
    }

    #[test]
    fn deep_substitutions_are_an_error_not_a_crash() {
        let deep = format!(
            "x={}curl https://x{}\n",
            "$(".repeat(5000),
            ")".repeat(5000)
        );
        assert!(parse(&deep).error.is_some());
        let ticks = format!("x=\"{}\"\n", "$(echo \"".repeat(3000));
        assert!(parse(&ticks).error.is_some());
        let fine = format!("x={}curl https://x{}\n", "$(".repeat(50), ")".repeat(50));
        assert!(parse(&fine).error.is_none());
    }
}
