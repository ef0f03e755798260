//! Bruno request files (`.bru`): the method block (`get {`, `post {`, … with its
//! `url:`), `headers {`, `body:json {`/`body:text {` and `body:form-urlencoded {` are
//! read as a request. Lines starting with `~` are disabled and skipped.
//!
//! `{{var}}` in the URL resolves as Bruno resolves it before sending, nearest first:
//! the request's own `vars:pre-request {` block (the literal is this file's text), the
//! `vars:pre-request {` of each `folder.bru` up to the collection's root (the folder
//! holding `bruno.json`), the collection's environments (`environments/*.bru`, `vars {`)
//! and `collection.bru`. A value from another file keeps its place there as the call's
//! related location; variables listed in `vars:secret [ … ]`, `{{process.env.X}}` and
//! anything unresolved are holes, and so is a variable in the query string (a key or a
//! token is supplied at run time). When the environments give a URL different values,
//! the request is read once per distinct URL, each naming its environments.
//!
//! The body sent is the block the method block's `body:` mode names (`json`, `text`,
//! `formUrlEncoded`; none for `none`); Bruno keeps the other modes' blocks unsent.
//!
//! A file whose blocks are not closed, or with text outside a block, does not parse.
//! Fixes: the literal edits of transforms, and request rewrites edited in place
//! (`render`).

use super::http::Resolver;
use super::shell::masked::{body_end, line_spans};
use super::Extraction;

mod render;
use crate::call::{Body, Client, Field, HttpCall, Method, Piece, Related, Span, UrlTemplate, Via};
use crate::model::template;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

const METHODS: [&str; 7] = ["get", "post", "put", "delete", "patch", "options", "head"];

/// A top-level block: its name, the name's span, and its body lines' span.
struct Block {
    name: String,
    name_span: Span,
    body: Span,
}

/// The top-level `name {` … `}` and `name [` … `]` blocks (the closing bracket at the
/// line start), and the first place the file breaks that shape.
fn parse_blocks(text: &str) -> (Vec<Block>, Option<(Span, String)>) {
    let lines = line_spans(text);
    let mut out = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let line = &text[lines[i].start..body_end(text, &lines[i])];
        if line.trim().is_empty() {
            i += 1;
            continue;
        }
        let opened = line
            .strip_suffix('{')
            .map(|n| (n, "}"))
            .or_else(|| line.strip_suffix('[').map(|n| (n, "]")));
        let Some((name, closing)) = opened.map(|(n, c)| (n.trim_end(), c)) else {
            let at = lines[i].start + (line.len() - line.trim_start().len());
            return (
                out,
                Some((at..at, "Bruno: expected a block (`name {`)".into())),
            );
        };
        if name.is_empty() || name.starts_with([' ', '\t']) || name.contains(' ') {
            let at = lines[i].start;
            return (out, Some((at..at, "Bruno: expected a block name".into())));
        }
        let close = (i + 1..lines.len()).find(|k| {
            text[lines[*k].start..body_end(text, &lines[*k])].trim_end() == closing
                && !text[lines[*k].clone()].starts_with([' ', '\t'])
        });
        let Some(close) = close else {
            let at = lines[i].start;
            return (
                out,
                Some((
                    at..at + line.len(),
                    format!(
                        "Bruno: the block `{name}` is not closed (`{closing}` at a line start)"
                    ),
                )),
            );
        };
        out.push(Block {
            name: name.to_string(),
            name_span: lines[i].start..lines[i].start + name.len(),
            body: lines[i].end..lines[close].start,
        });
        i = close + 1;
    }
    (out, None)
}

/// The blocks of a `.bru` text (as many as parse).
fn blocks(text: &str) -> Vec<Block> {
    parse_blocks(text).0
}

/// Where a `.bru` file does not have Bruno's block shape.
pub fn syntax_check(text: &str) -> Option<(Span, String)> {
    parse_blocks(text).1
}

/// The `key: value` lines of a block: key span and value span (trimmed).
fn pairs(text: &str, body: &Span) -> Vec<(Span, Span)> {
    let mut out = Vec::new();
    for line in line_spans(&text[body.clone()]) {
        let line = body.start + line.start..body.start + line.end;
        let end = body_end(text, &line);
        let l = &text[line.start..end];
        let t = l.trim_start();
        if t.is_empty() || t.starts_with('~') {
            continue;
        }
        let Some(colon) = t.find(':') else { continue };
        let ks = line.start + (l.len() - t.len());
        let key = ks..ks + t[..colon].trim_end().len();
        let v = &t[colon + 1..];
        let vs = ks + colon + 1 + (v.len() - v.trim_start().len());
        out.push((key, vs..vs + v.trim().len()));
    }
    out
}

/// The names listed in `vars:secret [ … ]` blocks.
fn secret_names(text: &str, blocks: &[Block]) -> Vec<String> {
    blocks
        .iter()
        .filter(|b| b.name == "vars:secret")
        .flat_map(|b| {
            text[b.body.clone()]
                .lines()
                .map(|l| l.trim().trim_end_matches(',').trim())
                .filter(|l| !l.is_empty() && !l.starts_with('~'))
                .map(str::to_string)
                .collect::<Vec<_>>()
        })
        .collect()
}

/// A `.bru` file of the collection that defines variables (an environment,
/// `folder.bru`, `collection.bru`).
struct VarFile {
    /// The path as displayed (relative when the request's path is).
    path: PathBuf,
    /// The environment's name (its file stem), for environments.
    environment: Option<String>,
    text: String,
    vars: HashMap<String, Span>,
    /// Names whose value is kept out of the file (`vars:secret`).
    secret: Vec<String>,
}

impl VarFile {
    fn read(path: PathBuf, blocks_named: &[&str], environment: Option<String>) -> Option<VarFile> {
        let meta = std::fs::metadata(&path).ok()?;
        if !meta.is_file() || meta.len() > crate::resolve::MAX_MODULE_BYTES {
            return None;
        }
        let text = std::fs::read_to_string(&path).ok()?;
        let bl = blocks(&text);
        let mut vars = HashMap::new();
        for b in bl
            .iter()
            .filter(|b| blocks_named.contains(&b.name.as_str()))
        {
            for (k, v) in pairs(&text, &b.body) {
                vars.insert(text[k].to_string(), v);
            }
        }
        let secret = secret_names(&text, &bl);
        Some(VarFile {
            path,
            environment,
            text,
            vars,
            secret,
        })
    }

    fn position(&self, at: usize) -> crate::model::source::Position {
        crate::source::SourceFile::new(
            self.path.clone(),
            self.text.clone(),
            crate::source::Language::Bruno,
        )
        .position(at)
    }
}

/// The request's collection: the folders' and the collection's variables, and the
/// environments.
#[derive(Default)]
struct Collection {
    /// `folder.bru` files from the request's folder up, then nothing else.
    folders: Vec<VarFile>,
    environments: Vec<VarFile>,
    collection: Option<VarFile>,
}

/// How many folders up a request's collection root (`bruno.json`) is looked for.
const MAX_UP: usize = 16;

/// The collection root of a request file, and the folders from the request's own up
/// to the root (the root included): the nearest folder holding `bruno.json`, or else
/// the nearest holding an `environments/` folder.
fn collection_dirs(path: &Path) -> Option<(PathBuf, Vec<PathBuf>)> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let mut dirs = Vec::new();
    let mut at = dir.clone();
    for _ in 0..MAX_UP {
        dirs.push(at.clone());
        if at.join("bruno.json").is_file() {
            return Some((at, dirs));
        }
        // The repository's root is as far as a collection reaches.
        if at.join(".git").exists() {
            break;
        }
        at = if at == Path::new(".") || at.ends_with("..") {
            at.join("..")
        } else {
            match at.parent() {
                Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
                Some(_) => PathBuf::from("."),
                None => break,
            }
        };
        if !at.is_dir() {
            break;
        }
    }
    // No `bruno.json`: the nearest folder with environments is the root.
    let n = dirs.iter().position(|d| d.join("environments").is_dir())?;
    dirs.truncate(n + 1);
    Some((dirs[n].clone(), dirs))
}

/// The environment files of a collection root, by name.
fn environment_files(root: &Path) -> Vec<PathBuf> {
    let Ok(rd) = std::fs::read_dir(root.join("environments")) else {
        return Vec::new();
    };
    let mut out: Vec<PathBuf> = rd
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "bru"))
        .collect();
    out.sort();
    out.truncate(32);
    out
}

/// The other files whose variables a request file uses: its environments,
/// `folder.bru` files and `collection.bru` (for the literal scan).
pub fn side_files(path: &Path) -> Vec<PathBuf> {
    let Some((root, dirs)) = collection_dirs(path) else {
        return Vec::new();
    };
    let mut out: Vec<PathBuf> = dirs
        .iter()
        .map(|d| d.join("folder.bru"))
        .filter(|p| p.is_file() && p != path)
        .collect();
    out.extend(environment_files(&root));
    let coll = root.join("collection.bru");
    if coll.is_file() {
        out.push(coll);
    }
    out.retain(|p| p != path);
    out
}

impl Collection {
    fn of(path: &Path) -> Collection {
        let Some((root, dirs)) = collection_dirs(path) else {
            return Collection::default();
        };
        let is_self = |p: &Path| p == path;
        let folders = dirs
            .iter()
            .map(|d| d.join("folder.bru"))
            .filter(|p| !is_self(p))
            .filter_map(|p| VarFile::read(p, &["vars:pre-request"], None))
            .collect();
        let environments = environment_files(&root)
            .into_iter()
            .filter(|p| !is_self(p))
            .filter_map(|p| {
                let name = p.file_stem()?.to_string_lossy().into_owned();
                VarFile::read(p, &["vars"], Some(name))
            })
            .collect();
        let coll = root.join("collection.bru");
        let collection = (!is_self(&coll))
            .then(|| VarFile::read(coll, &["vars:pre-request"], None))
            .flatten();
        Collection {
            folders,
            environments,
            collection,
        }
    }

    /// The file defining `name` for a request sent with environment `env` (Bruno's
    /// precedence: folders, the environment, the collection), or `None` when the
    /// value is not written in the collection (a secret, or undefined).
    fn lookup<'a>(&'a self, name: &str, env: Option<&'a VarFile>) -> Option<(&'a VarFile, Span)> {
        let layers = self
            .folders
            .iter()
            .chain(env)
            .chain(self.collection.as_ref());
        for f in layers {
            if f.secret.iter().any(|s| s == name) {
                return None;
            }
            if let Some(v) = f.vars.get(name) {
                return Some((f, v.clone()));
            }
        }
        None
    }
}

/// A URL as one environment reads it: its pieces, vias and related places.
type Reading = (Vec<Piece>, Vec<Via>, Vec<Related>);

/// The URL pieces of a request for one choice of environment.
struct UrlReader<'a> {
    text: &'a str,
    own: &'a HashMap<String, Span>,
    collection: &'a Collection,
    env: Option<&'a VarFile>,
}

impl UrlReader<'_> {
    fn read(&self, url: &Span) -> Reading {
        let mut vias = Vec::new();
        let mut related = Vec::new();
        let own = Resolver {
            text: self.text,
            vars: self.own,
        };
        // The request's own variables first (their literals are this file's text).
        let pieces = own.pieces(url, &mut vias, 0);
        let query_at = self.text[url.clone()]
            .find('?')
            .map_or(url.end, |q| url.start + q);
        let mut out = Vec::new();
        for p in pieces {
            match p {
                Piece::Hole { expr, span } if span.start < query_at => {
                    let name = expr[2..expr.len() - 2].trim();
                    match self.outer(name, 0) {
                        Some((value, file, at)) => {
                            vias.push(Via {
                                literal: span.clone(),
                                expr: expr.clone(),
                            });
                            let start = file.position(at.start);
                            let end = file.position(at.end);
                            let place = match &file.environment {
                                Some(env) => format!("the `{env}` environment"),
                                None => file
                                    .path
                                    .file_name()
                                    .map_or_else(String::new, |n| n.to_string_lossy().into()),
                            };
                            related.push(Related {
                                path: file.path.clone(),
                                span: at,
                                start,
                                end,
                                expr: expr.clone(),
                                local: span.clone(),
                                message: format!("`{expr}` is set in {place}"),
                                beside: Vec::new(),
                                learned: false,
                            });
                            out.push(Piece::Lit {
                                text: value,
                                span,
                                exact: false,
                            });
                        }
                        None => out.push(Piece::Hole { expr, span }),
                    }
                }
                other => out.push(other),
            }
        }
        (out, vias, related)
    }

    /// The text of a variable of the collection, with the `{{vars}}` in it resolved,
    /// and where it is written.
    fn outer(&self, name: &str, depth: usize) -> Option<(String, &VarFile, Span)> {
        if depth > 3 {
            return None;
        }
        let (file, span) = self.collection.lookup(name, self.env)?;
        let raw = &file.text[span.clone()];
        if template::unclosed(raw) {
            return None;
        }
        let value = template::substitute(raw, |name, _| {
            self.outer(name, depth + 1).map(|(value, ..)| value)
        })?;
        (!value.is_empty()).then_some((value, file, span))
    }
}

/// The text of URL pieces, holes as written.
fn url_text(pieces: &[Piece]) -> String {
    pieces
        .iter()
        .map(|p| match p {
            Piece::Lit { text, .. } => text.as_str(),
            Piece::Hole { expr, .. } => expr.as_str(),
        })
        .collect()
}

/// Finds the request of a Bruno file (without its collection: only its own variables).
pub fn extract(text: &str) -> Extraction {
    extract_in(text, &Collection::default())
}

/// Finds the request of a Bruno file at `path`, reading its collection's folders,
/// environments and `collection.bru`.
pub fn extract_at(text: &str, path: &Path) -> Extraction {
    extract_in(text, &Collection::of(path))
}

fn extract_in(text: &str, coll: &Collection) -> Extraction {
    let (blocks, error) = parse_blocks(text);
    let mut out = Extraction::default();
    if let Some(error) = error {
        out.syntax_error = Some(error);
        return out;
    }
    let mut vars = HashMap::new();
    for b in blocks
        .iter()
        .filter(|b| b.name == "vars" || b.name == "vars:pre-request")
    {
        for (k, v) in pairs(text, &b.body) {
            let name = &text[k];
            if crate::secrets::is_secret_name(name)
                && !crate::secrets::is_placeholder(&text[v.clone()])
                && !text[v.clone()].contains("{{")
            {
                out.secrets.push(v.clone());
            }
            vars.insert(name.to_string(), v);
        }
    }
    let r = Resolver { text, vars: &vars };
    let Some(req) = blocks.iter().find(|b| METHODS.contains(&b.name.as_str())) else {
        return out;
    };
    let Some((_, url)) = pairs(text, &req.body)
        .into_iter()
        .find(|(k, _)| &text[k.clone()] == "url")
    else {
        return out;
    };
    // One reading of the URL per environment; environments that agree are one.
    let envs: Vec<Option<&VarFile>> = if coll.environments.is_empty() {
        vec![None]
    } else {
        coll.environments.iter().map(Some).collect()
    };
    let mut readings: Vec<(String, Vec<String>, Reading)> = Vec::new();
    for env in envs {
        let reader = UrlReader {
            text,
            own: &vars,
            collection: coll,
            env,
        };
        let read = reader.read(&url);
        let key = url_text(&read.0);
        let name = env.and_then(|e| e.environment.clone()).unwrap_or_default();
        match readings.iter_mut().find(|(k, _, _)| *k == key) {
            Some((_, names, _)) => names.push(name),
            None => readings.push((key, vec![name], read)),
        }
    }
    let several = readings.len() > 1;
    for (_, names, (pieces, vias, related)) in readings {
        let mut call = request(text, req, &blocks, &url, &r, &mut out.secrets, pieces);
        call.vias.extend(vias);
        call.related = related;
        if several {
            let names: Vec<String> = names.iter().map(|n| format!("`{n}`")).collect();
            call.alternative = Some(format!(
                "the {} environment is selected",
                names.join(" or ")
            ));
        }
        out.calls.push(call);
    }
    out.secrets.sort_by_key(|s| (s.start, s.end));
    out.secrets.dedup();
    out
}

/// The request of the method block `req`, its URL read as `pieces`.
fn request(
    text: &str,
    req: &Block,
    blocks: &[Block],
    url: &Span,
    r: &Resolver,
    secrets: &mut Vec<Span>,
    pieces: Vec<Piece>,
) -> HttpCall {
    let url = url.clone();
    let method = Method::known(&req.name.to_ascii_uppercase(), Some(req.name_span.clone()));
    let mut call = HttpCall::new(
        Client::HttpFile,
        method,
        UrlTemplate {
            pieces,
            span: url.clone(),
        },
        url.clone(),
    );
    call.scope = Some(0..text.len());
    call.query.span = url;
    // The body block Bruno sends: the one the `body:` mode names (any, without one).
    let mode = pairs(text, &req.body)
        .into_iter()
        .find(|(k, _)| &text[k.clone()] == "body")
        .map(|(_, v)| text[v].to_string());
    let sent = |block: &str| match mode.as_deref() {
        None => true,
        Some("json") => block == "body:json",
        Some("text") => block == "body:text",
        Some("formUrlEncoded") => block == "body:form-urlencoded",
        Some(_) => false,
    };
    for b in blocks {
        if b.name.starts_with("body:") && !sent(&b.name) {
            continue;
        }
        match b.name.as_str() {
            "headers" => {
                call.headers.span = b.body.clone();
                for (k, v) in pairs(text, &b.body) {
                    if crate::secrets::is_secret_name(&text[k.clone()])
                        && !crate::secrets::is_placeholder(&text[v.clone()])
                    {
                        secrets.push(v.clone());
                    }
                    call.headers.entries.push(Field {
                        key: text[k.clone()].to_string(),
                        key_span: k,
                        value: r.value(&v),
                    });
                }
            }
            "body:json" | "body:text" => {
                let src = &text[b.body.clone()];
                call.body = Some(if src.contains("{{") {
                    Body::Expr {
                        text: src.to_string(),
                        span: b.body.clone(),
                    }
                } else {
                    Body::Raw {
                        text: src.to_string(),
                        span: b.body.clone(),
                    }
                });
            }
            "body:form-urlencoded" => {
                let mut fields = crate::call::Fields {
                    span: b.body.clone(),
                    ..Default::default()
                };
                for (k, v) in pairs(text, &b.body) {
                    fields.entries.push(Field {
                        key: text[k.clone()].to_string(),
                        key_span: k,
                        value: r.value(&v),
                    });
                }
                call.body = Some(Body::Form { fields });
            }
            _ => {}
        }
    }
    call
}

/// Bruno request files.
pub struct Bruno;

impl crate::frontend::FrontEnd for Bruno {
    fn languages(&self) -> &'static [crate::source::Language] {
        &[crate::source::Language::Bruno]
    }

    fn of_path(&self, path: &std::path::Path) -> Option<crate::source::Language> {
        crate::frontend::by_extension(path, &[("bru", crate::source::Language::Bruno)])
    }

    fn extract(
        &self,
        file: &crate::source::SourceFile,
        _context: &crate::frontend::Context,
    ) -> crate::call::Extraction {
        extract_at(&file.text, &file.path)
    }

    fn syntax_error(
        &self,
        file: &crate::source::SourceFile,
    ) -> Option<(crate::call::Span, String)> {
        syntax_check(&file.text)
    }
}

impl crate::frontend::Spell for Bruno {
    fn spell(
        &self,
        file: &crate::source::SourceFile,
        _parsed: &crate::call::Extraction,
        items: &[(&crate::call::HttpCall, &crate::model::plan::RewritePlan)],
    ) -> Vec<Result<Vec<crate::finding::Edit>, String>> {
        render::render_batch(&file.text, items)
    }

    fn json_quoting(&self) -> crate::frontend::JsonQuoting {
        crate::frontend::quoting::command_line
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_request_with_vars_headers_and_body() {
        let text = "meta {\n  name: close\n  type: http\n}\n\ndelete {\n  url: {{base}}/api/2.0/users/{{id}}\n  body: json\n}\n\nheaders {\n  li-api-session-key: {{key}}\n  ~x-disabled: 1\n}\n\nbody:json {\n  {\"markDeleted\": \"true\"}\n}\n\nvars:pre-request {\n  base: https://community.khoros.com\n}\n";
        let ex = extract(text);
        assert_eq!(ex.calls.len(), 1);
        let c = &ex.calls[0];
        assert_eq!(c.method.name.as_deref(), Some("DELETE"));
        assert_eq!(c.headers.entries.len(), 1);
        assert!(matches!(c.body, Some(Body::Raw { .. })));
        for t in [
            "get {\n",
            "get {\n  url\n}\n",
            "{\n}\n",
            "post {\n  url: \n}\n",
        ] {
            let _ = extract(t);
        }
    }

    fn url_of(c: &HttpCall) -> String {
        url_text(&c.url.pieces)
    }

    #[test]
    fn environments_folders_and_the_collection_resolve_variables() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("coll");
        let write = |rel: &str, text: &str| {
            let p = root.join(rel);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(&p, text).unwrap();
            p
        };
        write(
            "bruno.json",
            "{\"version\": \"1\", \"name\": \"c\", \"type\": \"collection\"}",
        );
        write("environments/prod.bru", "vars {\n  host: community.khoros.com\n  base: https://{{host}}\n  v: 2.0\n}\nvars:secret [\n  key\n]\n");
        write(
            "environments/staging.bru",
            "vars {\n  host: stage.khoros.com\n  base: https://{{host}}\n  v: 2.0\n}\n",
        );
        write(
            "collection.bru",
            "vars:pre-request {\n  v: 1.0\n  key: abc\n  seg: users\n}\n",
        );
        write(
            "users/folder.bru",
            "meta {\n  name: users\n}\n\nvars:pre-request {\n  seg: users\n}\n",
        );
        let text = "delete {\n  url: {{base}}/api/{{v}}/{{seg}}/{{id}}?k={{key}}\n}\n";
        let req = write("users/close.bru", text);
        let ex = extract_at(text, &req);
        let urls: Vec<String> = ex.calls.iter().map(url_of).collect();
        assert_eq!(
            urls,
            [
                "https://community.khoros.com/api/2.0/users/{{id}}?k={{key}}",
                "https://stage.khoros.com/api/2.0/users/{{id}}?k={{key}}",
            ]
        );
        let c = &ex.calls[0];
        assert_eq!(
            c.alternative.as_deref(),
            Some("the `prod` environment is selected")
        );
        let places: Vec<(String, usize)> = c
            .related
            .iter()
            .map(|r| {
                (
                    r.path.file_name().unwrap().to_string_lossy().into_owned(),
                    r.start.line,
                )
            })
            .collect();
        assert_eq!(
            places,
            [
                ("prod.bru".to_string(), 3),
                ("prod.bru".to_string(), 4),
                ("folder.bru".to_string(), 6),
            ]
        );
        let mut side: Vec<String> = side_files(&req)
            .iter()
            .map(|p| {
                p.strip_prefix(&root)
                    .unwrap()
                    .to_string_lossy()
                    .replace('\\', "/")
            })
            .collect();
        side.sort();
        assert_eq!(
            side,
            [
                "collection.bru",
                "environments/prod.bru",
                "environments/staging.bru",
                "users/folder.bru"
            ]
        );
        // One environment: no alternative.
        std::fs::remove_file(root.join("environments/staging.bru")).unwrap();
        let ex = extract_at(text, &req);
        assert_eq!(ex.calls.len(), 1);
        assert_eq!(ex.calls[0].alternative, None);
    }

    #[test]
    fn broken_block_shapes_are_syntax_errors() {
        for bad in [
            "get {\n  url: https://x\n",
            "stray text\nget {\n  url: https://x\n}\n",
            "vars:secret [\n  a\n",
        ] {
            assert!(syntax_check(bad).is_some(), "{bad:?}");
            let ex = extract(bad);
            assert!(ex.syntax_error.is_some() && ex.calls.is_empty());
        }
        assert_eq!(
            syntax_check("meta {\n  name: x\n}\n\nvars:secret [\n  key\n]\n"),
            None
        );
    }
}
