//! curl's (and httpie's) command-line options: which word is the URL, the method, a
//! header, a data argument. Shared by the extraction and the renderer, which edits the
//! same options it read.

use super::words::{Command, Quote, Word, WordPart};
use crate::call::Span;

/// The largest request body read from a file (`-d @body.json`).
pub const MAX_BODY_FILE_BYTES: u64 = 1024 * 1024;

/// The file a data option reads its body from (`-d @body.json`, `--data-binary @x`,
/// `--json @x`): a literal relative path, not `@-` (standard input). `--data-raw`
/// sends the `@` itself, and `--data-urlencode` encodes what it reads.
pub fn data_file(opt: &Opt) -> Option<String> {
    if !matches!(opt.name, "data" | "data-ascii" | "data-binary" | "json") {
        return None;
    }
    let lit = opt.arg.as_ref()?.literal()?;
    let name = lit.strip_prefix('@')?;
    let relative = !name.is_empty()
        && name != "-"
        && !name.starts_with(['/', '\\', '~'])
        && !name.contains(':');
    relative.then(|| name.to_string())
}

/// The text of a body file beside `dir`, when it is a regular UTF-8 file no larger
/// than [`MAX_BODY_FILE_BYTES`]. `-d` strips carriage returns and newlines, as curl does.
pub fn read_data_file(
    dir: &std::path::Path,
    name: &str,
    strip_newlines: bool,
) -> Option<(std::path::PathBuf, String)> {
    let path = dir.join(name);
    let meta = std::fs::metadata(&path).ok()?;
    if !meta.is_file() || meta.len() > MAX_BODY_FILE_BYTES {
        return None;
    }
    let text = std::fs::read_to_string(&path).ok()?;
    let text = text.trim_start_matches('\u{feff}');
    let text = if strip_newlines {
        text.replace(['\r', '\n'], "")
    } else {
        text.to_string()
    };
    Some((path, text))
}

/// Long options that take an argument (curl's `--opt value`); anything else is a flag.
const WITH_ARG: &[&str] = &[
    "request",
    "data",
    "data-raw",
    "data-binary",
    "data-ascii",
    "data-urlencode",
    "json",
    "header",
    "user",
    "url",
    "form",
    "form-string",
    "upload-file",
    "oauth2-bearer",
    "url-query",
    "write-out",
    "output",
    "user-agent",
    "cookie",
    "cookie-jar",
    "referer",
    "max-time",
    "connect-timeout",
    "retry",
    "retry-delay",
    "retry-max-time",
    "cacert",
    "capath",
    "cert",
    "cert-type",
    "key",
    "key-type",
    "pass",
    "proxy",
    "proxy-user",
    "proxy-header",
    "config",
    "resolve",
    "connect-to",
    "limit-rate",
    "max-redirs",
    "max-filesize",
    "range",
    "dump-header",
    "trace",
    "trace-ascii",
    "interface",
    "aws-sigv4",
    "variable",
    "noproxy",
    "output-dir",
    "proto",
    "proto-default",
    "request-target",
    "unix-socket",
    "abstract-unix-socket",
    "local-port",
    "speed-limit",
    "speed-time",
    "time-cond",
    "continue-at",
    "quote",
    "dns-servers",
    "doh-url",
    "netrc-file",
    "ciphers",
    "tls-max",
    "expect100-timeout",
    "keepalive-time",
    "stderr",
];

fn short(c: char) -> Option<&'static str> {
    Some(match c {
        'X' => "request",
        'd' => "data",
        'H' => "header",
        'u' => "user",
        'F' => "form",
        'G' => "get",
        'f' => "fail",
        'I' => "head",
        'T' => "upload-file",
        'o' => "output",
        'A' => "user-agent",
        'b' => "cookie",
        'c' => "cookie-jar",
        'e' => "referer",
        'm' => "max-time",
        'x' => "proxy",
        'w' => "write-out",
        'K' => "config",
        'r' => "range",
        'D' => "dump-header",
        'E' => "cert",
        'U' => "proxy-user",
        'y' => "speed-time",
        'Y' => "speed-limit",
        'z' => "time-cond",
        'C' => "continue-at",
        'Q' => "quote",
        't' => "telnet-option",
        'P' => "ftp-port",
        'g' => "globoff",
        _ => return None,
    })
}

fn takes_arg(name: &str) -> bool {
    WITH_ARG.contains(&name) || matches!(name, "telnet-option" | "ftp-port")
}

/// An option's argument: its parts (a slice of a word when attached, `-XDELETE`).
#[derive(Clone, Debug)]
pub struct Arg {
    pub parts: Vec<WordPart>,
    /// The argument as written (the whole word when separate).
    pub span: Span,
    /// The word index holding it.
    pub word: usize,
    /// Written as a word of its own.
    pub separate: bool,
}

impl Arg {
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
}

/// One option of a curl command line.
#[derive(Clone, Debug)]
pub struct Opt {
    /// The long name (`request` for `-X`).
    pub name: &'static str,
    /// The word index of the flag.
    pub flag: usize,
    pub arg: Option<Arg>,
}

/// A curl command line, read.
#[derive(Clone, Debug)]
pub struct CurlLine {
    /// Index of the `curl` word (or of the `--next` that starts this request).
    pub program: usize,
    pub opts: Vec<Opt>,
    /// Indices of the URL words (non-option arguments).
    pub urls: Vec<usize>,
    /// One past the last word of this request.
    pub end: usize,
    /// The `--next` (`-:`) word that ends this request and starts another one.
    pub next: Option<usize>,
    /// Words that expand to options written elsewhere (`"${ARGS[@]}"`, `$CURL_OPTS`).
    pub spread: Vec<usize>,
}

impl CurlLine {
    pub fn all<'a>(&'a self, names: &'a [&str]) -> impl Iterator<Item = &'a Opt> + 'a {
        self.opts.iter().filter(move |o| names.contains(&o.name))
    }
    pub fn has(&self, name: &str) -> bool {
        self.opts.iter().any(|o| o.name == name)
    }
}

pub const DATA: &[&str] = &[
    "data",
    "data-raw",
    "data-binary",
    "data-ascii",
    "data-urlencode",
    "json",
    "form",
    "form-string",
];

/// The index of the program word, skipping keywords, assignments and wrappers
/// (`sudo -u x`, `exec`, `env A=b`, `time`, `xargs -I{}`, `timeout 30`).
pub fn program_index(cmd: &Command) -> Option<usize> {
    let mut i = 0;
    let words = &cmd.words;
    while i < words.len() {
        let w = &words[i];
        let lit = w.literal();
        let text = lit.as_deref().unwrap_or("");
        let is_assignment = matches!(w.parts.first(), Some(WordPart::Lit { text, quote: Quote::None, .. })
            if text.find('=').is_some_and(|eq| eq > 0 && text[..eq].bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
                && !text.as_bytes()[0].is_ascii_digit()));
        if is_assignment && (i == 0 || !matches!(words[i - 1].literal().as_deref(), Some("sudo"))) {
            i += 1;
            continue;
        }
        match text {
            "if" | "then" | "else" | "elif" | "do" | "while" | "until" | "!" | "time" | "exec"
            | "command" | "nohup" | "builtin" => i += 1,
            "sudo" | "env" => {
                i += 1;
                while i < words.len() {
                    let t = words[i].literal().unwrap_or_default();
                    if t == "-u" || t == "-g" {
                        i += 2;
                    } else if t.starts_with('-') {
                        i += 1;
                    } else {
                        break;
                    }
                }
            }
            // `xargs -I{} curl …`, `timeout 30 curl …`: the wrapper's options (and
            // `timeout`'s duration) come before the command.
            "xargs" | "timeout" => {
                let with_arg: &[&str] = if text == "xargs" {
                    &["-I", "-n", "-P", "-L", "-d", "-a", "-E", "-s"]
                } else {
                    &["-s", "-k", "--signal", "--kill-after"]
                };
                i += 1;
                while i < words.len() {
                    let t = words[i].literal().unwrap_or_default();
                    if with_arg.contains(&t.as_str()) {
                        i += 2;
                    } else if t.starts_with('-') {
                        i += 1;
                    } else {
                        break;
                    }
                }
                if text == "timeout" {
                    i += 1;
                }
            }
            _ => return Some(i),
        }
    }
    None
}

/// The parts of `word` from byte `offset` of its value on (for attached arguments).
fn parts_from(word: &Word, offset: usize) -> Vec<WordPart> {
    parts_after(&word.parts, offset)
}

/// The parts from byte `offset` of their concatenated value on.
pub fn parts_after(parts: &[WordPart], offset: usize) -> Vec<WordPart> {
    let mut out = Vec::new();
    let mut skip = offset;
    for p in parts {
        match p {
            WordPart::Lit {
                text,
                span,
                exact,
                quote,
            } if skip > 0 => {
                if skip >= text.len() {
                    skip -= text.len();
                    continue;
                }
                let sub = if *exact {
                    span.start + skip..span.end
                } else {
                    span.clone()
                };
                out.push(WordPart::Lit {
                    text: text[skip..].to_string(),
                    span: sub,
                    exact: *exact,
                    quote: *quote,
                });
                skip = 0;
            }
            other => out.push(other.clone()),
        }
    }
    out
}

fn parts_span(parts: &[WordPart], fallback: &Span) -> Span {
    match (parts.first(), parts.last()) {
        (Some(a), Some(b)) => a.span().start..b.span().end,
        _ => fallback.clone(),
    }
}

/// Reads the options and URLs of the first request of a curl command whose program
/// word is `program` (up to a `--next`).
pub fn read(cmd: &Command, program: usize) -> CurlLine {
    let words = &cmd.words;
    let mut out = CurlLine {
        program,
        opts: Vec::new(),
        urls: Vec::new(),
        end: words.len(),
        next: None,
        spread: Vec::new(),
    };
    let mut i = program + 1;
    let mut options_done = false;
    while i < words.len() {
        let w = &words[i];
        // The flag's leading text (options are never expansions).
        let head = match w.parts.first() {
            Some(WordPart::Lit { text, .. }) if !options_done => text.clone(),
            _ => String::new(),
        };
        // `--next` starts a new request with options of its own.
        if (head == "--next" || head == "-:") && w.parts.len() == 1 {
            out.end = i;
            out.next = Some(i);
            break;
        }
        if head == "--" && w.parts.len() == 1 {
            options_done = true;
            i += 1;
            continue;
        }
        if let Some(long) = head.strip_prefix("--").filter(|l| !l.is_empty()) {
            let flag = i;
            let (name_text, attached) = match long.find('=') {
                Some(eq) => (&long[..eq], Some(2 + eq + 1)),
                None => (long, None),
            };
            let name_text = name_text.strip_prefix("no-").unwrap_or(name_text);
            let name: &'static str = WITH_ARG
                .iter()
                .chain(
                    [
                        "get",
                        "fail",
                        "fail-with-body",
                        "head",
                        "silent",
                        "show-error",
                        "location",
                        "compressed",
                        "globoff",
                    ]
                    .iter(),
                )
                .find(|n| **n == name_text)
                .copied()
                .unwrap_or("other");
            let arg = match attached {
                Some(off) => {
                    let parts = parts_from(w, off);
                    Some(Arg {
                        span: parts_span(&parts, &w.span),
                        parts,
                        word: i,
                        separate: false,
                    })
                }
                None if takes_arg(name) && i + 1 < words.len() => {
                    i += 1;
                    Some(Arg {
                        parts: words[i].parts.clone(),
                        span: words[i].span.clone(),
                        word: i,
                        separate: true,
                    })
                }
                None => None,
            };
            out.opts.push(Opt { name, flag, arg });
            i += 1;
            continue;
        }
        if head.len() > 1 && head.starts_with('-') {
            // Combined short flags: `-sSf`, `-XDELETE`, `-sX DELETE`.
            let flag_word = i;
            let mut consumed_next = false;
            for (at, c) in head.char_indices().skip(1) {
                let name = short(c).unwrap_or("other");
                if takes_arg(name) {
                    let rest = at + c.len_utf8();
                    let arg = if rest < head.len() || w.parts.len() > 1 {
                        let parts = parts_from(w, rest);
                        Some(Arg {
                            span: parts_span(&parts, &w.span),
                            parts,
                            word: flag_word,
                            separate: false,
                        })
                    } else if flag_word + 1 < words.len() {
                        consumed_next = true;
                        Some(Arg {
                            parts: words[flag_word + 1].parts.clone(),
                            span: words[flag_word + 1].span.clone(),
                            word: flag_word + 1,
                            separate: true,
                        })
                    } else {
                        None
                    };
                    out.opts.push(Opt {
                        name,
                        flag: flag_word,
                        arg,
                    });
                    break;
                }
                out.opts.push(Opt {
                    name,
                    flag: flag_word,
                    arg: None,
                });
            }
            i += if consumed_next { 2 } else { 1 };
            continue;
        }
        out.urls.push(i);
        i += 1;
    }
    // An array or an unquoted variable next to a literal URL holds options.
    let spread = |i: &usize| match words[*i].parts.as_slice() {
        [WordPart::Expansion { expr, quote, .. }] => {
            expr.contains("[@]")
                || expr.contains("[*]")
                || matches!(expr.as_str(), "$@" | "$*" | "${@}" | "${*}")
                || *quote == Quote::None
        }
        _ => false,
    };
    if out.urls.iter().any(|i| !spread(i)) {
        let (spread, urls): (Vec<usize>, Vec<usize>) = out.urls.iter().partition(|i| spread(i));
        out.spread = spread;
        out.urls = urls;
    }
    out
}

/// Every request of a curl command: the first, then one per `--next`.
pub fn requests(cmd: &Command, program: usize) -> Vec<CurlLine> {
    let mut out = vec![read(cmd, program)];
    while let Some(next) = out.last().and_then(|l| l.next) {
        out.push(read(cmd, next));
    }
    out
}

/// Splits `parts` at the first literal `ch`: (before, after).
pub fn split_once(parts: &[WordPart], ch: char) -> Option<(Vec<WordPart>, Vec<WordPart>)> {
    for (i, p) in parts.iter().enumerate() {
        let WordPart::Lit {
            text,
            span,
            exact,
            quote,
        } = p
        else {
            continue;
        };
        let Some(at) = text.find(ch) else { continue };
        let mut before: Vec<WordPart> = parts[..i].to_vec();
        let mut after: Vec<WordPart> = Vec::new();
        let sub = |from: usize, to: usize| {
            if *exact {
                span.start + from..span.start + to
            } else {
                span.clone()
            }
        };
        if at > 0 {
            before.push(WordPart::Lit {
                text: text[..at].to_string(),
                span: sub(0, at),
                exact: *exact,
                quote: *quote,
            });
        }
        let rest = at + ch.len_utf8();
        if rest < text.len() {
            after.push(WordPart::Lit {
                text: text[rest..].to_string(),
                span: sub(rest, text.len()),
                exact: *exact,
                quote: *quote,
            });
        }
        after.extend(parts[i + 1..].iter().cloned());
        return Some((before, after));
    }
    None
}

/// Splits `parts` at every literal `ch`.
pub fn split_all(parts: &[WordPart], ch: char) -> Vec<Vec<WordPart>> {
    let mut out = Vec::new();
    let mut rest = parts.to_vec();
    while let Some((a, b)) = split_once(&rest, ch) {
        out.push(a);
        rest = b;
    }
    out.push(rest);
    out
}

/// Drops leading blanks of the first literal part.
pub fn trim_start(mut parts: Vec<WordPart>) -> Vec<WordPart> {
    if let Some(WordPart::Lit {
        text, span, exact, ..
    }) = parts.first_mut()
    {
        let trimmed = text.trim_start();
        let cut = text.len() - trimmed.len();
        if cut > 0 {
            *text = trimmed.to_string();
            if *exact {
                span.start += cut;
            }
        }
        if text.is_empty() {
            parts.remove(0);
        }
    }
    parts
}

/// Drops trailing blanks of the last literal part.
pub fn trim_end(mut parts: Vec<WordPart>) -> Vec<WordPart> {
    if let Some(WordPart::Lit {
        text, span, exact, ..
    }) = parts.last_mut()
    {
        let trimmed = text.trim_end().len();
        let cut = text.len() - trimmed;
        if cut > 0 {
            text.truncate(trimmed);
            if *exact {
                span.end -= cut;
            }
        }
        if text.is_empty() {
            parts.pop();
        }
    }
    parts
}
