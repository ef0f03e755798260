//! Shell functions that wrap curl: `api() { curl -X "$1" "$BASE$2" "${@:3}"; }` called
//! as `api DELETE "/api/2.0/users/$ID"`.
//!
//! A function of the file whose body runs exactly one curl command that reads its
//! positional parameters (`$1`, `${2}`, `"$@"`, `"${@:3}"`, `$*`, or a name assigned
//! from one, `local path=$2`, after any `shift`/`shift N`) is a wrapper. Each call of it
//! is read as that curl command with the call's arguments put in place of the
//! parameters: the arguments keep their own spans, so what the rules report and what
//! transforms edit is the call's word (`DELETE`, the path literal), and the call is
//! reported at the call site. The body's own curl command, which only has holes where
//! the arguments go, is not reported when every use of the function is read this way.
//!
//! Not supported: a wrapper calling another wrapper (the inner call is read with the
//! outer function's parameters as holes), parameters spliced inside a longer word
//! (`"x$@"`), and functions whose body runs several curl commands.

use super::curl;
use super::words::{Command, Quote, Script, Word, WordPart};
use crate::call::Span;

/// A function whose body runs one curl command built from its parameters.
#[derive(Clone, Debug)]
pub struct Wrapper {
    pub name: String,
    /// The function, from its name (or `function`) to the closing `}`.
    pub span: Span,
    /// The curl command of the body.
    pub curl: Command,
    pub program: usize,
    /// `shift`s before the curl command.
    shift: usize,
    /// Names assigned from a parameter before the curl command: name → parameter.
    aliases: Vec<(String, usize)>,
}

/// A parameter reference in the body's curl command.
enum Param {
    /// `$N` (after shifts, the call's argument N).
    One(usize),
    /// `$@`, `${@:N}`, `$*`: the call's arguments from N on.
    From(usize),
}

impl Wrapper {
    fn param(&self, expr: &str) -> Option<Param> {
        let inner = expr.strip_prefix('$')?;
        let inner = inner
            .strip_prefix('{')
            .and_then(|i| i.strip_suffix('}'))
            .unwrap_or(inner);
        if matches!(inner, "@" | "*") {
            return Some(Param::From(self.shift + 1));
        }
        if let Some(n) = inner
            .strip_prefix("@:")
            .or_else(|| inner.strip_prefix("*:"))
        {
            let n: usize = n.trim().parse().ok()?;
            return Some(Param::From(self.shift + n.max(1)));
        }
        if !inner.is_empty() && inner.bytes().all(|b| b.is_ascii_digit()) {
            let n: usize = inner.parse().ok()?;
            return (n > 0).then_some(Param::One(self.shift + n));
        }
        self.aliases
            .iter()
            .rev()
            .find(|(name, _)| name == inner)
            .map(|(_, n)| Param::One(*n))
    }

    /// Whether the curl command passes the remaining arguments on (`"$@"`, `"${@:3}"`).
    pub fn passes_rest(&self) -> bool {
        self.curl.words.iter().any(|w| {
            matches!(w.parts.as_slice(), [WordPart::Expansion { expr, .. }]
                if matches!(self.param(expr), Some(Param::From(_))))
        })
    }

    /// Whether the curl command reads a parameter.
    fn uses_params(&self) -> bool {
        self.curl.words.iter().any(|w| {
            w.parts.iter().any(|p| match p {
                WordPart::Expansion { expr, .. } => self.param(expr).is_some(),
                WordPart::Lit { .. } => false,
            })
        })
    }

    /// The curl command as run by `site` (a call of this function whose name is word
    /// `at`): the parameters replaced by the call's arguments. `None` when a parameter
    /// is used in a way that cannot be read (`"x$@"`).
    pub fn expand(&self, site: &Command, at: usize) -> Option<Command> {
        let args: &[Word] = &site.words[at + 1..];
        let arg = |n: usize| args.get(n - 1);
        let mut words = Vec::new();
        for w in &self.curl.words {
            // A whole word that is one parameter takes the argument's span.
            if let [WordPart::Expansion { expr, quote, .. }] = w.parts.as_slice() {
                match self.param(expr) {
                    Some(Param::From(n)) => {
                        words.extend(args.iter().skip(n - 1).cloned());
                        continue;
                    }
                    Some(Param::One(n)) => {
                        match arg(n) {
                            Some(a) => words.push(a.clone()),
                            // Unset: nothing when unquoted, an empty word when quoted.
                            None if *quote == Quote::None => {}
                            None => words.push(Word {
                                parts: Vec::new(),
                                span: w.span.clone(),
                            }),
                        }
                        continue;
                    }
                    None => {}
                }
            }
            let mut parts = Vec::new();
            for p in &w.parts {
                match p {
                    WordPart::Expansion { expr, .. } => match self.param(expr) {
                        Some(Param::From(_)) => return None,
                        Some(Param::One(n)) => {
                            if let Some(a) = arg(n) {
                                parts.extend(a.parts.iter().cloned());
                            }
                        }
                        None => parts.push(p.clone()),
                    },
                    WordPart::Lit { .. } => parts.push(p.clone()),
                }
            }
            words.push(Word {
                parts,
                span: w.span.clone(),
            });
        }
        let mut cmd = self.curl.clone();
        cmd.words = words;
        cmd.span = site.span.clone();
        cmd.pipeline = site.pipeline;
        cmd.subst = site.subst.clone();
        cmd.stdout_redirected |= site.stdout_redirected;
        Some(cmd)
    }
}

/// The name of the function written at `span` (`name() {` or `function name`).
pub fn function_name(text: &str, span: &Span) -> Option<String> {
    let src = text.get(span.clone())?;
    let src = src
        .strip_prefix("function")
        .filter(|r| r.starts_with([' ', '\t']))
        .unwrap_or(src)
        .trim_start();
    let name: String = src
        .chars()
        .take_while(|c| !c.is_whitespace() && !matches!(c, '(' | '{' | ';'))
        .collect();
    (!name.is_empty()).then_some(name)
}

/// The curl wrappers defined in `scripts` (the blocks of one file).
pub fn wrappers(text: &str, scripts: &[Script]) -> Vec<Wrapper> {
    let mut out: Vec<Wrapper> = Vec::new();
    for script in scripts {
        if script.functions.is_empty() {
            continue;
        }
        // Each command under its innermost function (not one nested in it).
        let mut by_function: Vec<Vec<&Command>> = vec![Vec::new(); script.functions.len()];
        for c in &script.commands {
            let inner = script
                .functions
                .iter()
                .enumerate()
                .filter(|(_, f)| f.start <= c.span.start && c.span.start < f.end)
                .min_by_key(|(_, f)| f.len());
            if let Some((i, _)) = inner {
                by_function[i].push(c);
            }
        }
        for (f, own) in script.functions.iter().zip(by_function) {
            let Some(name) = function_name(text, f) else {
                continue;
            };
            let curls: Vec<(&Command, usize)> = own
                .iter()
                .filter_map(|c| {
                    let p = curl::program_index(c)?;
                    let prog = c.words[p].literal()?;
                    (prog.rsplit('/').next() == Some("curl")).then_some((*c, p))
                })
                .collect();
            let [(cmd, program)] = curls.as_slice() else {
                continue;
            };
            if curl::requests(cmd, *program).len() != 1 {
                continue;
            }
            let mut w = Wrapper {
                name,
                span: f.clone(),
                curl: (*cmd).clone(),
                program: *program,
                shift: 0,
                aliases: Vec::new(),
            };
            for c in own.iter().filter(|c| c.span.start < cmd.span.start) {
                read_setup(&mut w, c);
            }
            if w.uses_params() {
                out.retain(|o| o.name != w.name);
                out.push(w);
            }
        }
    }
    // A name defined twice (or as something else too) is not followed.
    out
}

/// `shift [N]`, `local x=$1`, `x="$2"` before the curl command.
fn read_setup(w: &mut Wrapper, c: &Command) {
    let first = c.words.first().and_then(Word::literal);
    if first.as_deref() == Some("shift") {
        w.shift += match c.words.get(1).map(Word::literal) {
            Some(Some(n)) => n.parse().unwrap_or(1),
            _ => 1,
        };
        return;
    }
    let declares = matches!(
        first.as_deref(),
        Some("local" | "declare" | "typeset" | "readonly" | "export")
    );
    for (i, word) in c.words.iter().enumerate() {
        let Some(WordPart::Lit {
            text,
            quote: Quote::None,
            ..
        }) = word.parts.first()
        else {
            continue;
        };
        let Some(eq) = text.find('=') else { continue };
        let name = &text[..eq];
        if name.is_empty()
            || !name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
            || (i > 0 && !declares)
        {
            continue;
        }
        let value = curl::parts_after(&word.parts, eq + 1);
        let param = match value.as_slice() {
            [WordPart::Expansion { expr, .. }] => match w.param(expr) {
                Some(Param::One(n)) => Some(n),
                _ => None,
            },
            _ => None,
        };
        w.aliases.retain(|(n, _)| n != name);
        if let Some(n) = param {
            w.aliases.push((name.to_string(), n));
        }
    }
}

/// The calls of wrappers in `script`: (command, index of the name word, wrapper).
pub fn call_sites<'a>(
    script: &'a Script,
    wrappers: &'a [Wrapper],
) -> Vec<(&'a Command, usize, &'a Wrapper)> {
    let mut out = Vec::new();
    for c in &script.commands {
        let Some(p) = curl::program_index(c) else {
            continue;
        };
        let Some(name) = c.words[p].literal() else {
            continue;
        };
        if c.words[p].quoted() {
            continue;
        }
        if let Some(w) = wrappers.iter().find(|w| w.name == name) {
            // A recursive call, or a call inside the wrapper, is not followed.
            if w.span.start <= c.span.start && c.span.end <= w.span.end {
                continue;
            }
            out.push((c, p, w));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use crate::call::Piece;

    #[test]
    fn call_sites_take_the_arguments_spans() {
        let text = "B=https://x\napi() { local m=$1 p=$2; shift 2; curl -X \"$m\" \"$B$p\" \"$@\"; }\napi DELETE \"/u/$ID\" -d a=1\n";
        let ex = super::super::extract(text);
        assert_eq!(ex.calls.len(), 1, "the body's curl is not reported");
        let c = &ex.calls[0];
        assert!(c.method.is("DELETE"));
        assert_eq!(&text[c.span.clone()], "api DELETE \"/u/$ID\" -d a=1");
        let Some(Piece::Lit { span, exact, .. }) = c.url.pieces.get(1) else {
            panic!("{:?}", c.url.pieces)
        };
        assert!(exact);
        assert_eq!(&text[span.clone()], "/u/");
        assert!(c.body.is_some());
    }

    #[test]
    fn uncalled_or_param_free_functions_are_read_as_written() {
        let ex = super::super::extract("f() { curl -X DELETE \"https://x/u/$1\"; }\n");
        assert_eq!(ex.calls.len(), 1);
        let ex = super::super::extract("f() { curl https://x/u; }\nf\nf\n");
        assert_eq!(ex.calls.len(), 1);
    }
}
