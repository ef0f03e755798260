//! `apimigrate server`: the Language Server Protocol over standard input and output.
//!
//! Each open document is checked like `check - --stdin-filename PATH` checks standard
//! input: its language comes from the path of its URI (or its content), its checker
//! from the nearest `apimigrate.toml`, with the configuration's rule packs, and inline
//! suppressions apply. Only the document that changed is checked again (full-text
//! sync); saving a configuration or rule file rebuilds the checkers and checks every
//! open document again.
//!
//! Diagnostics carry the rule code, severity, message and secondary labels (as related
//! information), with secrets masked as in every other output. Each safe and unsafe fix
//! is a quick fix; `source.fixAll.apimigrate` applies the safe fixes until nothing
//! changes, as `fix` does; hovering a diagnostic shows `explain` for its rule.

use crate::call::Span;
use crate::cli::CheckArgs;
use crate::finding::{Applicability, Finding, Severity};
use crate::pipeline::fix::FixLevel;
use crate::redact::Redacted;
use crate::scan::{Checker, FileReport};
use crate::source::SourceFile;
use lsp_server::{Connection, Message, Notification, Request, RequestId, Response};
use lsp_types::{
    CodeAction, CodeActionKind, CodeActionOptions, CodeActionOrCommand, CodeActionParams,
    CodeActionProviderCapability, CodeDescription, Diagnostic, DiagnosticRelatedInformation,
    DiagnosticSeverity, DidChangeTextDocumentParams, DidCloseTextDocumentParams,
    DidOpenTextDocumentParams, DidSaveTextDocumentParams, Hover, HoverContents, HoverParams,
    HoverProviderCapability, InitializeParams, Location, MarkupContent, MarkupKind, MessageType,
    NumberOrString, Position, PositionEncodingKind, PublishDiagnosticsParams, Range, SaveOptions,
    ServerCapabilities, ServerInfo, ShowMessageParams, TextDocumentSyncCapability,
    TextDocumentSyncKind, TextDocumentSyncOptions, TextDocumentSyncSaveOptions, TextEdit, Uri,
    WorkspaceEdit,
};
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;
use std::time::SystemTime;

/// The `source` of every diagnostic.
pub const SOURCE: &str = "apimigrate";

/// The code action kind of "fix all safe".
pub const FIX_ALL_KIND: &str = "source.fixAll.apimigrate";

/// Runs the server on standard input and output until the client says `exit`.
pub fn run() -> ExitCode {
    let (connection, io_threads) = Connection::stdio();
    let result = serve(&connection);
    drop(connection);
    let joined = io_threads.join().map_err(|e| e.to_string());
    match result.and(joined) {
        Ok(()) => ExitCode::from(crate::cli::EXIT_CLEAN),
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(crate::cli::EXIT_ERROR)
        }
    }
}

/// The initialize handshake, then the message loop.
pub fn serve(connection: &Connection) -> Result<(), String> {
    let (id, params) = connection.initialize_start().map_err(|e| e.to_string())?;
    let params: InitializeParams =
        serde_json::from_value(params).map_err(|e| format!("bad initialize request: {e}"))?;
    let encoding = negotiate(&params);
    let capabilities = ServerCapabilities {
        position_encoding: Some(match encoding {
            Encoding::Utf8 => PositionEncodingKind::UTF8,
            Encoding::Utf16 => PositionEncodingKind::UTF16,
        }),
        text_document_sync: Some(TextDocumentSyncCapability::Options(
            TextDocumentSyncOptions {
                open_close: Some(true),
                change: Some(TextDocumentSyncKind::FULL),
                save: Some(TextDocumentSyncSaveOptions::SaveOptions(SaveOptions {
                    include_text: Some(true),
                })),
                ..TextDocumentSyncOptions::default()
            },
        )),
        code_action_provider: Some(CodeActionProviderCapability::Options(CodeActionOptions {
            code_action_kinds: Some(vec![
                CodeActionKind::QUICKFIX,
                CodeActionKind::from(FIX_ALL_KIND.to_string()),
            ]),
            ..CodeActionOptions::default()
        })),
        hover_provider: Some(HoverProviderCapability::Simple(true)),
        ..ServerCapabilities::default()
    };
    let result = serde_json::json!({
        "capabilities": capabilities,
        "serverInfo": ServerInfo {
            name: "apimigrate".into(),
            version: Some(env!("CARGO_PKG_VERSION").into()),
        },
    });
    connection
        .initialize_finish(id, result)
        .map_err(|e| e.to_string())?;
    let mut server = Server::new(connection, encoding);
    server.main_loop()
}

/// How the client counts `character` in a position.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Encoding {
    Utf8,
    Utf16,
}

/// UTF-8 when the client offers it (no conversion), else UTF-16, which every client
/// understands.
fn negotiate(params: &InitializeParams) -> Encoding {
    let offered = params
        .capabilities
        .general
        .as_ref()
        .and_then(|g| g.position_encodings.as_ref());
    match offered {
        Some(list) if list.contains(&PositionEncodingKind::UTF8) => Encoding::Utf8,
        _ => Encoding::Utf16,
    }
}

/// Line starts of a text, to turn byte offsets into LSP positions and back.
pub struct LineIndex {
    starts: Vec<usize>,
    encoding: Encoding,
}

impl LineIndex {
    pub fn new(text: &str, encoding: Encoding) -> LineIndex {
        let mut starts = vec![0];
        starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        LineIndex { starts, encoding }
    }

    /// The position of a byte offset (clamped, snapped back to a character boundary).
    pub fn position(&self, text: &str, offset: usize) -> Position {
        let mut offset = offset.min(text.len());
        while !text.is_char_boundary(offset) {
            offset -= 1;
        }
        let line = match self.starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i - 1,
        };
        let before = &text[self.starts[line]..offset];
        let character = match self.encoding {
            Encoding::Utf8 => before.len(),
            Encoding::Utf16 => before.encode_utf16().count(),
        };
        Position::new(line as u32, character as u32)
    }

    pub fn range(&self, text: &str, span: &Span) -> Range {
        Range::new(
            self.position(text, span.start),
            self.position(text, span.end),
        )
    }

    /// The byte offset of a position. A character past the end of its line means the
    /// end of the line; a line past the end of the text means the end of the text; a
    /// position inside a character means its start.
    pub fn offset(&self, text: &str, position: Position) -> usize {
        let Some(&start) = self.starts.get(position.line as usize) else {
            return text.len();
        };
        let end = self
            .starts
            .get(position.line as usize + 1)
            .map(|&next| next - 1)
            .unwrap_or(text.len());
        let line = &text[start..end];
        let line = line.strip_suffix('\r').unwrap_or(line);
        let wanted = position.character as usize;
        let mut units = 0;
        for (i, c) in line.char_indices() {
            if units >= wanted {
                return start + i;
            }
            units += match self.encoding {
                Encoding::Utf8 => c.len_utf8(),
                Encoding::Utf16 => c.len_utf16(),
            };
            if units > wanted {
                return start + i;
            }
        }
        start + line.len()
    }
}

/// The file path of a `file:` URI (percent-decoded); `None` for other schemes.
pub fn uri_path(uri: &Uri) -> Option<PathBuf> {
    let s = uri.as_str();
    let rest = s.strip_prefix("file://")?;
    let path = &rest[rest.find('/')?..];
    let path = path.split(['?', '#']).next().unwrap_or(path);
    let bytes = percent_decode(path);
    let decoded = String::from_utf8(bytes).ok()?;
    // `file:///C:/x` is `C:/x` on Windows.
    if cfg!(windows) {
        let b = decoded.as_bytes();
        if b.len() >= 3 && b[0] == b'/' && b[2] == b':' {
            return Some(PathBuf::from(&decoded[1..]));
        }
    }
    Some(PathBuf::from(decoded))
}

fn percent_decode(s: &str) -> Vec<u8> {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' && i + 2 < b.len() {
            if let Ok(v) = u8::from_str_radix(&s[i + 1..i + 3], 16) {
                out.push(v);
                i += 3;
                continue;
            }
        }
        out.push(b[i]);
        i += 1;
    }
    out
}

/// The name a document stands for: its file path, else the last segment of its URI
/// path (`untitled:offboard.ts`), which still tells the language.
fn document_name(uri: &Uri) -> Option<PathBuf> {
    if let Some(p) = uri_path(uri) {
        return Some(p);
    }
    let path = uri.path().as_str();
    let last = path.rsplit('/').next().unwrap_or(path);
    (!last.is_empty())
        .then(|| PathBuf::from(String::from_utf8_lossy(&percent_decode(last)).into_owned()))
}

/// An open document and its last analysis.
struct Document {
    text: String,
    version: Option<i32>,
    analysis: Option<Analysis>,
    /// The text last checked and its syntax tree, kept when the analysis is dropped
    /// (the text changed): the next check parses from it.
    parsed: Option<SourceFile>,
}

impl Document {
    /// Drops the analysis (it no longer answers for the text), keeping its parse.
    fn forget_analysis(&mut self) {
        if let Some(a) = self.analysis.take() {
            self.parsed = Some(a.report.source);
        }
    }
}

/// A copy of the tree of `old`, told of the edit that makes `new` of it: the one range
/// between the texts' common beginning and common end, which is what a change typed
/// in an editor is (and a correct if larger edit for any other change).
fn edited_tree(tree: &tree_sitter::Tree, old: &str, new: &str) -> tree_sitter::Tree {
    let (o, n) = (old.as_bytes(), new.as_bytes());
    let prefix = o.iter().zip(n).take_while(|(a, b)| a == b).count();
    let suffix = o
        .iter()
        .rev()
        .zip(n.iter().rev())
        .take(o.len().min(n.len()) - prefix)
        .take_while(|(a, b)| a == b)
        .count();
    let point = |bytes: &[u8], at: usize| {
        let before = &bytes[..at];
        let line_start = before
            .iter()
            .rposition(|&b| b == b'\n')
            .map_or(0, |i| i + 1);
        tree_sitter::Point {
            row: before.iter().filter(|&&b| b == b'\n').count(),
            column: at - line_start,
        }
    };
    let mut tree = tree.clone();
    tree.edit(&tree_sitter::InputEdit {
        start_byte: prefix,
        old_end_byte: o.len() - suffix,
        new_end_byte: n.len() - suffix,
        start_position: point(o, prefix),
        old_end_position: point(o, o.len() - suffix),
        new_end_position: point(n, n.len() - suffix),
    });
    tree
}

/// One check of a document's current text.
struct Analysis {
    report: FileReport,
    checker: Arc<Checker>,
    index: LineIndex,
    redacted: Redacted,
    /// Code units of the byte-order mark the client's text starts with (0 without).
    bom: u32,
}

/// A checker built for one configuration file, and the file's modification time then.
struct CachedChecker {
    stamp: Option<SystemTime>,
    checker: Arc<Checker>,
}

struct Server<'a> {
    connection: &'a Connection,
    encoding: Encoding,
    args: CheckArgs,
    documents: HashMap<Uri, Document>,
    /// Documents whose text changed since their last analysis.
    dirty: HashSet<Uri>,
    checkers: HashMap<Option<PathBuf>, CachedChecker>,
    /// Configuration errors already shown, so each is shown once.
    shown_errors: HashSet<String>,
}

impl<'a> Server<'a> {
    fn new(connection: &'a Connection, encoding: Encoding) -> Server<'a> {
        use clap::Parser;
        let cli = crate::cli::Cli::try_parse_from(["apimigrate", "check", "-"])
            .expect("the default check arguments parse");
        let crate::cli::Command::Check(args) = cli.command else {
            unreachable!("parsed as check")
        };
        Server {
            connection,
            encoding,
            args,
            documents: HashMap::new(),
            dirty: HashSet::new(),
            checkers: HashMap::new(),
            shown_errors: HashSet::new(),
        }
    }

    /// Handles messages; document changes are analysed once the queue is empty (or
    /// before the next request), so a burst of changes costs one analysis.
    fn main_loop(&mut self) -> Result<(), String> {
        loop {
            let Ok(msg) = self.connection.receiver.recv() else {
                return Ok(());
            };
            if self.handle(msg)? {
                return Ok(());
            }
            while let Ok(msg) = self.connection.receiver.try_recv() {
                if self.handle(msg)? {
                    return Ok(());
                }
            }
            self.flush()?;
        }
    }

    /// Handles one message; true on `exit` after `shutdown`.
    fn handle(&mut self, msg: Message) -> Result<bool, String> {
        match msg {
            Message::Request(req) => {
                if self
                    .connection
                    .handle_shutdown(&req)
                    .map_err(|e| e.to_string())?
                {
                    return Ok(true);
                }
                self.flush()?;
                let response = self.request(req);
                self.send(Message::Response(response))?;
            }
            Message::Notification(n) => self.notification(n)?,
            Message::Response(_) => {}
        }
        Ok(false)
    }

    fn send(&self, msg: Message) -> Result<(), String> {
        self.connection.sender.send(msg).map_err(|e| e.to_string())
    }

    fn notify<N: lsp_types::notification::Notification>(
        &self,
        params: N::Params,
    ) -> Result<(), String> {
        self.send(Message::Notification(Notification::new(
            N::METHOD.to_string(),
            params,
        )))
    }

    fn notification(&mut self, n: Notification) -> Result<(), String> {
        use lsp_types::notification::*;
        match n.method.as_str() {
            DidOpenTextDocument::METHOD => {
                let p: DidOpenTextDocumentParams = parse(n.params)?;
                let uri = p.text_document.uri;
                self.documents.insert(
                    uri.clone(),
                    Document {
                        text: p.text_document.text,
                        version: Some(p.text_document.version),
                        analysis: None,
                        parsed: None,
                    },
                );
                self.dirty.insert(uri);
            }
            DidChangeTextDocument::METHOD => {
                let p: DidChangeTextDocumentParams = parse(n.params)?;
                let uri = p.text_document.uri;
                // Full sync: the last change holds the whole text.
                if let (Some(doc), Some(change)) = (
                    self.documents.get_mut(&uri),
                    p.content_changes.into_iter().last(),
                ) {
                    doc.text = change.text;
                    doc.version = Some(p.text_document.version);
                    doc.forget_analysis();
                    self.dirty.insert(uri);
                }
            }
            DidSaveTextDocument::METHOD => {
                let p: DidSaveTextDocumentParams = parse(n.params)?;
                let uri = p.text_document.uri;
                if is_settings_file(&uri) {
                    // A configuration or rule pack changed: every open document may
                    // read differently now.
                    self.checkers.clear();
                    self.shown_errors.clear();
                    let all: Vec<Uri> = self.documents.keys().cloned().collect();
                    self.dirty.extend(all);
                }
                if let Some(doc) = self.documents.get_mut(&uri) {
                    if let Some(text) = p.text {
                        doc.text = text;
                    }
                    doc.forget_analysis();
                    self.dirty.insert(uri);
                }
            }
            DidChangeWatchedFiles::METHOD => {
                self.checkers.clear();
                self.shown_errors.clear();
                let all: Vec<Uri> = self.documents.keys().cloned().collect();
                self.dirty.extend(all);
            }
            DidCloseTextDocument::METHOD => {
                let p: DidCloseTextDocumentParams = parse(n.params)?;
                let uri = p.text_document.uri;
                self.documents.remove(&uri);
                self.dirty.remove(&uri);
                self.notify::<PublishDiagnostics>(PublishDiagnosticsParams {
                    uri,
                    diagnostics: Vec::new(),
                    version: None,
                })?;
            }
            _ => {}
        }
        Ok(())
    }

    /// Analyses every document that changed and publishes its diagnostics.
    fn flush(&mut self) -> Result<(), String> {
        let mut dirty: Vec<Uri> = self.dirty.drain().collect();
        dirty.sort();
        for uri in dirty {
            let Some(doc) = self.documents.get(&uri) else {
                continue;
            };
            let text = doc.text.clone();
            let version = doc.version;
            let analysis = self.analyse(&uri, text);
            let diagnostics = analysis
                .as_ref()
                .map(|a| diagnostics(&uri, a))
                .unwrap_or_default();
            if let Some(doc) = self.documents.get_mut(&uri) {
                doc.analysis = analysis;
                doc.parsed = None;
            }
            self.notify::<lsp_types::notification::PublishDiagnostics>(PublishDiagnosticsParams {
                uri,
                diagnostics,
                version,
            })?;
        }
        Ok(())
    }

    /// The checker for a document named `name`: the one of its nearest configuration,
    /// rebuilt when that file changed.
    fn checker_for(&mut self, name: Option<&Path>) -> Result<Arc<Checker>, String> {
        let config = crate::cli::named_config(&self.args, name);
        let stamp = config
            .as_ref()
            .and_then(|c| std::fs::metadata(c).and_then(|m| m.modified()).ok());
        if let Some(cached) = self.checkers.get(&config) {
            if cached.stamp == stamp {
                return Ok(cached.checker.clone());
            }
        }
        let checker = Arc::new(
            crate::cli::named_checker(&self.args, config.as_deref()).map_err(|e| e.to_string())?,
        );
        self.checkers.insert(
            config,
            CachedChecker {
                stamp,
                checker: checker.clone(),
            },
        );
        Ok(checker)
    }

    /// Checks a document's text; `None` when it is not a kind apimigrate scans, the
    /// configuration excludes it, or its configuration is broken (shown once).
    fn analyse(&mut self, uri: &Uri, text: String) -> Option<Analysis> {
        let name = document_name(uri);
        let language = crate::cli::language_of(name.as_deref(), &text)?;
        let checker = match self.checker_for(name.as_deref()) {
            Ok(c) => c,
            Err(e) => {
                self.show_error(e);
                return None;
            }
        };
        if let Some(path) = uri_path(uri) {
            if !checker.config.includes(&path) {
                return None;
            }
        }
        let shown = name
            .as_deref()
            .map(crate::discover::display_path)
            .unwrap_or_else(|| PathBuf::from("-"));
        let (text, bom) = match text.strip_prefix('\u{feff}') {
            Some(rest) => (rest.to_string(), true),
            None => (text, false),
        };
        let mut source = SourceFile::new(shown, text, language);
        source.bom = bom;
        // The tree of the last check, told of the change, spares parsing again what
        // did not change.
        source.incremental = true;
        source.tree = self
            .documents
            .get(uri)
            .and_then(|d| {
                d.analysis
                    .as_ref()
                    .map(|a| &a.report.source)
                    .or(d.parsed.as_ref())
            })
            .filter(|last| last.language == language)
            .and_then(|last| Some(edited_tree(last.tree.as_ref()?, &last.text, &source.text)));
        let shared = checker.clone();
        let report =
            match crate::isolate::run(checker.deadline, move || shared.check_source(source)) {
                Ok(r) => r,
                Err(failure) => {
                    self.show_error(format!("{}: {failure}", uri.as_str()));
                    return None;
                }
            };
        // Offsets are into the text without its byte-order mark; positions count it.
        let index = LineIndex::new(&report.source.text, self.encoding);
        let redacted = Redacted::new(&report.source.text, &report.secrets);
        let bom = match (bom, self.encoding) {
            (false, _) => 0,
            (true, Encoding::Utf8) => 3,
            (true, Encoding::Utf16) => 1,
        };
        Some(Analysis {
            report,
            checker,
            index,
            redacted,
            bom,
        })
    }

    fn show_error(&mut self, message: String) {
        let message = crate::secrets::mask_text(&message);
        if self.shown_errors.insert(message.clone()) {
            let _ = self.notify::<lsp_types::notification::ShowMessage>(ShowMessageParams {
                typ: MessageType::ERROR,
                message: format!("apimigrate: {message}"),
            });
        }
    }

    fn request(&mut self, req: Request) -> Response {
        use lsp_types::request::*;
        let id = req.id.clone();
        let result = match req.method.as_str() {
            CodeActionRequest::METHOD => parse::<CodeActionParams>(req.params)
                .map(|p| serde_json::to_value(self.code_actions(&p)).expect("serialises")),
            HoverRequest::METHOD => parse::<HoverParams>(req.params)
                .map(|p| serde_json::to_value(self.hover(&p)).expect("serialises")),
            _ => {
                return Response::new_err(
                    id,
                    lsp_server::ErrorCode::MethodNotFound as i32,
                    format!("apimigrate does not handle {}", req.method),
                )
            }
        };
        match result {
            Ok(v) => Response::new_ok(id, v),
            Err(e) => error_response(id, e),
        }
    }

    /// A quick fix for each safe or unsafe fix of a finding that meets the range, and
    /// "fix all safe" for the document.
    fn code_actions(&self, p: &CodeActionParams) -> Vec<CodeActionOrCommand> {
        let uri = &p.text_document.uri;
        let Some(a) = self.documents.get(uri).and_then(|d| d.analysis.as_ref()) else {
            return Vec::new();
        };
        let wants = |kind: &str| {
            p.context.only.as_ref().is_none_or(|only| {
                only.iter().any(|k| {
                    let k = k.as_str();
                    kind == k || kind.starts_with(&format!("{k}."))
                })
            })
        };
        let text = &a.report.source.text;
        let bom = a.bom;
        let mut actions = Vec::new();
        if wants(CodeActionKind::QUICKFIX.as_str()) {
            let start = a.index.offset(text, p.range.start);
            let end = a.index.offset(text, p.range.end);
            for f in &a.report.findings {
                let Some(fix) = &f.fix else { continue };
                let label = match fix.applicability {
                    Applicability::Safe => "safe",
                    Applicability::Unsafe => "unsafe",
                    Applicability::Manual => continue,
                };
                if f.span.end < start || f.span.start > end {
                    continue;
                }
                let edits = fix
                    .edits
                    .iter()
                    .map(|e| TextEdit {
                        range: shifted(a.index.range(text, &e.span), bom),
                        new_text: e.content.clone(),
                    })
                    .collect();
                actions.push(CodeActionOrCommand::CodeAction(CodeAction {
                    title: format!("Fix ({label}): {}", a.redacted.scrub(text, &fix.title)),
                    kind: Some(CodeActionKind::QUICKFIX),
                    diagnostics: Some(vec![diagnostic(uri, a, f)]),
                    edit: Some(WorkspaceEdit {
                        changes: Some(HashMap::from([(uri.clone(), edits)])),
                        ..WorkspaceEdit::default()
                    }),
                    is_preferred: Some(fix.applicability == Applicability::Safe),
                    ..CodeAction::default()
                }));
            }
        }
        let any_safe = a.report.findings.iter().any(|f| {
            f.fix
                .as_ref()
                .is_some_and(|x| x.applicability == Applicability::Safe)
        });
        if any_safe && wants(FIX_ALL_KIND) {
            let source = SourceFile::new(
                a.report.source.path.clone(),
                text.clone(),
                a.report.source.language,
            );
            if let Ok(outcome) = crate::pipeline::fix::fix_source_isolated(
                &a.checker,
                source,
                FixLevel::Safe,
                Vec::new(),
            ) {
                if outcome.changed() {
                    let (span, new_text) = changed_part(text, &outcome.fixed);
                    actions.push(CodeActionOrCommand::CodeAction(CodeAction {
                        title: "Fix all safe apimigrate findings".into(),
                        kind: Some(CodeActionKind::from(FIX_ALL_KIND.to_string())),
                        edit: Some(WorkspaceEdit {
                            changes: Some(HashMap::from([(
                                uri.clone(),
                                vec![TextEdit {
                                    range: shifted(a.index.range(text, &span), bom),
                                    new_text,
                                }],
                            )])),
                            ..WorkspaceEdit::default()
                        }),
                        ..CodeAction::default()
                    }));
                }
            }
        }
        actions
    }

    /// `explain` for the rule of every finding under the cursor.
    fn hover(&self, p: &HoverParams) -> Option<Hover> {
        let doc = &p.text_document_position_params;
        let a = self
            .documents
            .get(&doc.text_document.uri)
            .and_then(|d| d.analysis.as_ref())?;
        let text = &a.report.source.text;
        let mut position = doc.position;
        if position.line == 0 {
            position.character = position.character.saturating_sub(a.bom);
        }
        let offset = a.index.offset(text, position);
        // The most specific finding first: a finding about one value (RSA001 at
        // `'true'`) inside a finding about its whole call (RSA006).
        let mut under: Vec<&Finding> = a
            .report
            .findings
            .iter()
            .filter(|f| f.span.start <= offset && offset <= f.span.end)
            .collect();
        under.sort_by_key(|f| f.span.end - f.span.start);
        let first = under.first()?;
        let mut codes: Vec<&str> = Vec::new();
        for f in &under {
            if !codes.contains(&f.code.as_str()) {
                codes.push(&f.code);
            }
        }
        let docs: Vec<String> = codes
            .iter()
            .filter_map(|c| crate::cli::explain(&a.checker.rules, c))
            .collect();
        if docs.is_empty() {
            return None;
        }
        Some(Hover {
            contents: HoverContents::Markup(MarkupContent {
                kind: MarkupKind::Markdown,
                value: docs.join("\n---\n\n"),
            }),
            range: Some(shifted(a.index.range(text, &first.span), a.bom)),
        })
    }
}

/// A position of the text without its byte-order mark, as the client counts it (the
/// mark is one unit at the start of the first line).
fn shifted(mut r: Range, bom: u32) -> Range {
    for p in [&mut r.start, &mut r.end] {
        if p.line == 0 {
            p.character += bom;
        }
    }
    r
}

/// The span of `before` that differs from `after` and what replaces it (common prefix
/// and suffix kept, so the editor keeps the cursor and folds where nothing changed).
fn changed_part(before: &str, after: &str) -> (Span, String) {
    let mut prefix = before
        .bytes()
        .zip(after.bytes())
        .take_while(|(a, b)| a == b)
        .count();
    while !before.is_char_boundary(prefix) || !after.is_char_boundary(prefix) {
        prefix -= 1;
    }
    let max_suffix = before.len().min(after.len()) - prefix;
    let mut suffix = before
        .bytes()
        .rev()
        .zip(after.bytes().rev())
        .take(max_suffix)
        .take_while(|(a, b)| a == b)
        .count();
    while !before.is_char_boundary(before.len() - suffix)
        || !after.is_char_boundary(after.len() - suffix)
    {
        suffix -= 1;
    }
    (
        prefix..before.len() - suffix,
        after[prefix..after.len() - suffix].to_string(),
    )
}

/// Whether saving this document changes how others are checked: a configuration
/// file or a rule pack (any TOML file).
fn is_settings_file(uri: &Uri) -> bool {
    uri.path().as_str().ends_with(".toml")
}

fn diagnostics(uri: &Uri, a: &Analysis) -> Vec<Diagnostic> {
    a.report
        .findings
        .iter()
        .map(|f| diagnostic(uri, a, f))
        .collect()
}

/// One finding as an LSP diagnostic, with its text redacted.
fn diagnostic(uri: &Uri, a: &Analysis, f: &Finding) -> Diagnostic {
    let text = &a.report.source.text;
    let bom = a.bom;
    let scrub = |s: &str| a.redacted.scrub(text, s);
    let mut message = scrub(&f.message);
    if let Some(help) = &f.help {
        message.push_str(&format!("\nhelp: {}", scrub(help)));
    }
    let related: Vec<DiagnosticRelatedInformation> = f
        .labels
        .iter()
        .map(|l| DiagnosticRelatedInformation {
            location: Location {
                uri: uri.clone(),
                range: shifted(a.index.range(text, &l.span), bom),
            },
            message: scrub(&l.message),
        })
        .collect();
    let href = a
        .checker
        .rules
        .find(&f.code)
        .and_then(|r| {
            r.rule
                .docs
                .references
                .iter()
                .find(|r| r.starts_with("https://") || r.starts_with("http://"))
        })
        .and_then(|r| r.parse::<Uri>().ok());
    let data = serde_json::json!({
        "name": f.name,
        "vendor": f.vendor,
        "fix": f.fix.as_ref().map(|x| serde_json::json!({
            "applicability": x.applicability,
            "title": scrub(&x.title),
        })),
    });
    Diagnostic {
        range: shifted(a.index.range(text, &f.span), bom),
        severity: Some(match f.severity {
            Severity::Error => DiagnosticSeverity::ERROR,
            Severity::Warning => DiagnosticSeverity::WARNING,
            Severity::Info => DiagnosticSeverity::INFORMATION,
        }),
        code: Some(NumberOrString::String(f.code.clone())),
        code_description: href.map(|href| CodeDescription { href }),
        source: Some(SOURCE.into()),
        message,
        related_information: (!related.is_empty()).then_some(related),
        tags: None,
        data: Some(data),
    }
}

fn parse<T: serde::de::DeserializeOwned>(v: serde_json::Value) -> Result<T, String> {
    serde_json::from_value(v).map_err(|e| format!("bad parameters: {e}"))
}

fn error_response(id: RequestId, e: String) -> Response {
    Response::new_err(id, lsp_server::ErrorCode::InvalidParams as i32, e)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf16_positions_count_surrogate_pairs_and_round_trip() {
        let text = "a😀é\nxy\r\nz";
        let index = LineIndex::new(text, Encoding::Utf16);
        let after_emoji = 1 + '😀'.len_utf8();
        assert_eq!(index.position(text, after_emoji), Position::new(0, 3));
        assert_eq!(index.offset(text, Position::new(0, 3)), after_emoji);
        let after_e = after_emoji + 'é'.len_utf8();
        assert_eq!(index.position(text, after_e), Position::new(0, 4));
        // Inside the surrogate pair: the start of the emoji.
        assert_eq!(index.offset(text, Position::new(0, 2)), 1);
        // Past the end of a line: its end, before `\r\n`.
        assert_eq!(
            index.offset(text, Position::new(1, 99)),
            text.find("\r\n").unwrap()
        );
        assert_eq!(index.offset(text, Position::new(9, 0)), text.len());
    }

    #[test]
    fn an_edited_tree_parses_the_new_text_as_a_fresh_parse_does() {
        fn parser(language: tree_sitter::Language) -> tree_sitter::Parser {
            let mut p = tree_sitter::Parser::new();
            p.set_language(&language).unwrap();
            p
        }
        let js: tree_sitter::Language = tree_sitter_javascript::LANGUAGE.into();
        let py: tree_sitter::Language = tree_sitter_python::LANGUAGE.into();
        let cases = [
            (&js, "const a = 1;\nf(a);\n", "const a = 12;\nf(a);\n"),
            (&js, "const a = 1;\nf(a);\n", "const a = 1;\n"),
            (&js, "f(a);\n", "const é = `x\n${y}`;\nf(a);\n"),
            (&js, "f(a);\ng(b);\n", "f(a, 'ü');\nh(c);\ng(b);\n"),
            (&js, "f(a);\n", "f(a);\n"),
            (&js, "f(a);", "f(a); g("),
            (
                &py,
                "def f(x):\n    return x\n",
                "def f(x):\n    if x:\n        return x\n",
            ),
            (&py, "a = 1\nb = 2\n", "b = 2\n"),
        ];
        for (language, old, new) in cases {
            let mut p = parser((*language).clone());
            let earlier = p.parse(old, None).unwrap();
            let edited = edited_tree(&earlier, old, new);
            let incremental = p.parse(new, Some(&edited)).unwrap();
            let fresh = parser((*language).clone()).parse(new, None).unwrap();
            assert_eq!(
                incremental.root_node().to_sexp(),
                fresh.root_node().to_sexp(),
                "{old:?} -> {new:?}"
            );
            assert_eq!(
                incremental.root_node().byte_range(),
                fresh.root_node().byte_range()
            );
        }
    }

    #[test]
    fn utf8_positions_count_bytes() {
        let text = "é=1\nb";
        let index = LineIndex::new(text, Encoding::Utf8);
        assert_eq!(index.position(text, 2), Position::new(0, 2));
        assert_eq!(index.offset(text, Position::new(0, 2)), 2);
        assert_eq!(index.offset(text, Position::new(1, 1)), text.len());
    }

    #[test]
    fn file_uris_are_percent_decoded() {
        let uri: Uri = "file:///tmp/my%20dir/a.ts".parse().unwrap();
        assert_eq!(uri_path(&uri), Some(PathBuf::from("/tmp/my dir/a.ts")));
        let untitled: Uri = "untitled:offboard.ts".parse().unwrap();
        assert_eq!(uri_path(&untitled), None);
        assert_eq!(document_name(&untitled), Some(PathBuf::from("offboard.ts")));
    }

    #[test]
    fn fix_all_edit_replaces_only_what_changed() {
        let (span, text) = changed_part("a(1); b(2);", "a(1); c(3);");
        assert_eq!(span, 6..9);
        assert_eq!(text, "c(3");
        let (span, text) = changed_part("same", "same");
        assert_eq!(span, 4..4);
        assert_eq!(text, "");
    }
}
