//! A local stand-in for the four vendor APIs apimigrate migrates to, for the end-to-end
//! tests (`tests/e2e.rs`): scripts run with `node` send their requests here, the mock
//! answers the way the real service does for the new contract (and refuses the
//! deprecated one), and records every request so a test can assert what was sent.
//!
//! Standard library only: one `TcpListener` on 127.0.0.1 with an ephemeral port, a
//! thread per connection, HTTP/1.1 with keep-alive, `Content-Length` and chunked request
//! bodies and `Expect: 100-continue`. Every blocking call has a timeout and the server
//! stops when the `VendorMock` is dropped (or, if it leaks, after `MAX_LIFETIME`), so a
//! test can fail but never hang.
//!
//! Not a general HTTP server: it trusts well-formed input from Node's HTTP clients and
//! answers anything it cannot parse with 400 and a closed connection.
#![allow(dead_code)]

use serde_json::{json, Value};
use std::collections::{BTreeSet, HashSet};
use std::io::{self, BufRead, BufReader, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::thread::JoinHandle;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

/// The CloseUserAccount mutation exactly as the Aurora seed gives it.
pub const CLOSE_USER_ACCOUNT: &str = "mutation CloseUserAccount($id: ID!, $password: String) { closeUserAccount(id: $id, password: $password) { result errors { ... on Error { __typename message } } } }";
/// Path of Aurora's GraphQL endpoint.
pub const AURORA_GRAPHQL_PATH: &str = "/t5/s/api/2.1/graphql";
/// Client credentials the mock's 360Learning token endpoint accepts.
pub const LEARNING360_CLIENT_ID: &str = "mock-360-client-id";
/// Quorvex is a made-up vendor (its pack is `tests/packs/quorvex.toml`).
pub const QUORVEX_CLIENT_ID: &str = "mock-quorvex-client-id";
pub const QUORVEX_CLIENT_SECRET: &str = "mock-quorvex-client-secret";
pub const LEARNING360_CLIENT_SECRET: &str = "mock-360-client-secret";
/// The role names of `/api/v2/groups/{groupId}/{role}/{userId}`.
pub const LEARNING360_ROLES: &[&str] = &[
    "admin",
    "analyst",
    "coach",
    "contributor",
    "editor",
    "learner",
    "user-admin",
];

/// How long the server lives at most, should a test leak it.
const MAX_LIFETIME: Duration = Duration::from_secs(600);
/// How often the accept loop looks at the stop flag.
const ACCEPT_POLL: Duration = Duration::from_millis(5);
/// A connection idle this long (or a request that stalls this long) is closed.
const READ_TIMEOUT: Duration = Duration::from_secs(10);
const MAX_HEAD: usize = 64 * 1024;
const MAX_BODY: usize = 8 * 1024 * 1024;

/// One request as the mock received it, with the answer it gave.
#[derive(Clone, Debug)]
pub struct RecordedRequest {
    pub method: String,
    /// The path without the query, as sent (not percent-decoded).
    pub path: String,
    /// Everything after `?`, as sent; `None` when the target had no `?`.
    pub raw_query: Option<String>,
    /// `raw_query` split on `&` and `=`, percent- and `+`-decoded.
    pub query: Vec<(String, String)>,
    /// Header names lower-cased, in the order received.
    pub headers: Vec<(String, String)>,
    /// The body after de-chunking.
    pub body: Vec<u8>,
    /// What the mock answered.
    pub status: u16,
    pub response_body: String,
}

impl RecordedRequest {
    /// The first header of that name (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        let name = name.to_ascii_lowercase();
        self.headers
            .iter()
            .find(|(k, _)| *k == name)
            .map(|(_, v)| v.as_str())
    }

    pub fn query_param(&self, name: &str) -> Option<&str> {
        self.query
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    pub fn body_text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    /// The body as JSON, when it is JSON.
    pub fn json(&self) -> Option<Value> {
        serde_json::from_slice(&self.body).ok()
    }

    /// The body as `application/x-www-form-urlencoded` pairs.
    pub fn form(&self) -> Vec<(String, String)> {
        decode_pairs(&self.body_text())
    }

    pub fn form_param(&self, name: &str) -> Option<String> {
        self.form()
            .into_iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v)
    }

    /// The media type of `Content-Type`, lower-cased, without parameters.
    pub fn media_type(&self) -> Option<String> {
        self.header("content-type").map(|v| {
            v.split(';')
                .next()
                .unwrap_or("")
                .trim()
                .to_ascii_lowercase()
        })
    }

    /// `Authorization: Bearer <token>` → the token.
    pub fn bearer(&self) -> Option<&str> {
        let value = self.header("authorization")?.trim();
        let (scheme, token) = value.split_once(' ')?;
        let token = token.trim();
        (scheme.eq_ignore_ascii_case("bearer") && !token.is_empty()).then_some(token)
    }
}

impl std::fmt::Display for RecordedRequest {
    /// One line per request, for failure messages.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}", self.method, self.path)?;
        if let Some(q) = &self.raw_query {
            write!(f, "?{q}")?;
        }
        let headers: Vec<String> = self
            .headers
            .iter()
            .filter(|(k, _)| {
                !matches!(
                    k.as_str(),
                    "host" | "connection" | "user-agent" | "accept-encoding"
                )
            })
            .map(|(k, v)| format!("{k}: {v}"))
            .collect();
        write!(f, " [{}]", headers.join("; "))?;
        if !self.body.is_empty() {
            write!(f, " body={}", self.body_text())?;
        }
        write!(f, " -> {} {}", self.status, self.response_body)
    }
}

/// A 360Learning user in the mock's directory.
#[derive(Clone, Debug)]
struct Learning360User {
    id: String,
    mail: String,
    groups: BTreeSet<String>,
}

#[derive(Default)]
struct State {
    requests: Vec<RecordedRequest>,
    learning360_users: Vec<Learning360User>,
    learning360_tokens: HashSet<String>,
    learning360_page_size: usize,
    /// The next this many `GET /api/v2/users` answer 429 tooManyRequests.
    learning360_rate_limited: usize,
    /// `Retry-After` seconds on those 429s (none: no header).
    learning360_retry_after: Option<u64>,
    /// This page of the unfiltered list answers 200 with a truncated body.
    learning360_malformed_page: Option<usize>,
    rsa_disabled: HashSet<String>,
    rsa_marked_deleted: HashSet<String>,
    quorvex_tokens: HashSet<String>,
    /// Quorvex accounts that stay active when deactivated (answered 200 all the same).
    quorvex_protected: HashSet<String>,
}

struct Shared {
    state: Mutex<State>,
    stop: AtomicBool,
    /// Open connections, so that stopping can close them instead of waiting for them.
    connections: Mutex<Vec<TcpStream>>,
}

impl Shared {
    fn state(&self) -> MutexGuard<'_, State> {
        // A panicking connection thread must not poison every later assertion.
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// The running mock. Dropping it stops the server.
pub struct VendorMock {
    addr: SocketAddr,
    shared: Arc<Shared>,
    acceptor: Option<JoinHandle<()>>,
}

impl VendorMock {
    /// Binds 127.0.0.1 on an ephemeral port and serves until dropped. The 360Learning
    /// directory starts with a few users who are in no group, so a lookup must pick the
    /// right one.
    pub fn start() -> VendorMock {
        let listener = TcpListener::bind("127.0.0.1:0").expect("vendor mock: bind 127.0.0.1:0");
        listener
            .set_nonblocking(true)
            .expect("vendor mock: non-blocking listener");
        let addr = listener.local_addr().expect("vendor mock: local address");
        let shared = Arc::new(Shared {
            state: Mutex::new(State {
                learning360_page_size: 500,
                ..State::default()
            }),
            stop: AtomicBool::new(false),
            connections: Mutex::new(Vec::new()),
        });
        let mock_shared = Arc::clone(&shared);
        let acceptor = std::thread::Builder::new()
            .name(format!("vendor-mock-{}", addr.port()))
            .spawn(move || accept_loop(listener, mock_shared))
            .expect("vendor mock: spawn acceptor");
        let mock = VendorMock {
            addr,
            shared,
            acceptor: Some(acceptor),
        };
        for (mail, id) in [
            ("alice.martin@acme.com", "5f1e0c2a9b8d7e6f5a4b3c21"),
            ("bob.nguyen@acme.com", "5f1e0c2a9b8d7e6f5a4b3c22"),
            ("carol.smith@acme.com", "5f1e0c2a9b8d7e6f5a4b3c23"),
        ] {
            mock.seed_360_user(mail, id, &[]);
        }
        mock
    }

    /// `http://127.0.0.1:PORT`, without a trailing slash.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Every request received so far, in arrival order.
    pub fn requests(&self) -> Vec<RecordedRequest> {
        self.shared.state().requests.clone()
    }

    /// Adds (or replaces) a 360Learning user with its internal id and group memberships.
    pub fn seed_360_user(&self, email: &str, id: &str, groups: &[&str]) {
        let mut state = self.shared.state();
        state
            .learning360_users
            .retain(|u| u.id != id && !u.mail.eq_ignore_ascii_case(email));
        state.learning360_users.push(Learning360User {
            id: id.to_string(),
            mail: email.to_string(),
            groups: groups.iter().map(|g| g.to_string()).collect(),
        });
    }

    /// The groups a 360Learning user is in now (`None`: no such user).
    pub fn learning360_groups_of(&self, id: &str) -> Option<Vec<String>> {
        let state = self.shared.state();
        let user = state.learning360_users.iter().find(|u| u.id == id)?;
        Some(user.groups.iter().cloned().collect())
    }

    /// Page size of `GET /api/v2/users` without a filter (default 500, as the real API).
    pub fn set_360_page_size(&self, size: usize) {
        self.shared.state().learning360_page_size = size.max(1);
    }

    /// The next `count` requests to `GET /api/v2/users` answer 429 `tooManyRequests`,
    /// with `Retry-After: retry_after` seconds when given, as the real API does under
    /// its rate limit.
    pub fn set_360_rate_limit(&self, count: usize, retry_after: Option<u64>) {
        let mut state = self.shared.state();
        state.learning360_rate_limited = count;
        state.learning360_retry_after = retry_after;
    }

    /// Page `page` (1-based) of the unfiltered `GET /api/v2/users` answers 200 with a
    /// body cut off in the middle, like a connection dropped by a proxy.
    pub fn set_360_malformed_page(&self, page: usize) {
        self.shared.state().learning360_malformed_page = Some(page);
    }

    /// Marks an RSA SecurID user as already disabled (so markDeleted is allowed).
    pub fn seed_rsa_disabled(&self, id: &str) {
        self.shared.state().rsa_disabled.insert(id.to_string());
    }

    pub fn rsa_is_marked_deleted(&self, id: &str) -> bool {
        self.shared.state().rsa_marked_deleted.contains(id)
    }

    /// A Quorvex account that deactivation leaves active (the answer is still 200).
    pub fn seed_quorvex_protected(&self, id: &str) {
        self.shared.state().quorvex_protected.insert(id.to_string());
    }

    /// The recorded requests, one per line, for failure messages.
    pub fn transcript(&self) -> String {
        let requests = self.requests();
        if requests.is_empty() {
            return "  (no request reached the mock)\n".to_string();
        }
        requests.iter().map(|r| format!("  {r}\n")).collect()
    }
}

impl Drop for VendorMock {
    fn drop(&mut self) {
        self.shared.stop.store(true, Ordering::SeqCst);
        for stream in self
            .shared
            .connections
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .drain(..)
        {
            let _ = stream.shutdown(Shutdown::Both);
        }
        if let Some(acceptor) = self.acceptor.take() {
            let _ = acceptor.join();
        }
    }
}

fn accept_loop(listener: TcpListener, shared: Arc<Shared>) {
    let started = Instant::now();
    while !shared.stop.load(Ordering::SeqCst) && started.elapsed() < MAX_LIFETIME {
        match listener.accept() {
            Ok((stream, _)) => {
                if stream.set_nonblocking(false).is_err()
                    || stream.set_read_timeout(Some(READ_TIMEOUT)).is_err()
                    || stream.set_write_timeout(Some(READ_TIMEOUT)).is_err()
                {
                    continue;
                }
                let _ = stream.set_nodelay(true);
                if let Ok(clone) = stream.try_clone() {
                    let mut connections =
                        shared.connections.lock().unwrap_or_else(|e| e.into_inner());
                    connections.retain(|s| s.peer_addr().is_ok());
                    connections.push(clone);
                }
                let shared = Arc::clone(&shared);
                let _ = std::thread::Builder::new()
                    .name("vendor-mock-conn".into())
                    .spawn(move || serve_connection(stream, &shared));
            }
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => std::thread::sleep(ACCEPT_POLL),
            Err(_) => std::thread::sleep(ACCEPT_POLL),
        }
    }
    // Leaked mock: close what is still open.
    for stream in shared
        .connections
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .drain(..)
    {
        let _ = stream.shutdown(Shutdown::Both);
    }
}

// ---------------------------------------------------------------------------
// HTTP/1.1

struct Request {
    method: String,
    target: String,
    version: String,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Request {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    fn wants_close(&self) -> bool {
        let connection = self.header("connection").unwrap_or("").to_ascii_lowercase();
        connection.split(',').any(|t| t.trim() == "close")
            || (self.version == "HTTP/1.0"
                && !connection.split(',').any(|t| t.trim() == "keep-alive"))
    }
}

struct Response {
    status: u16,
    headers: Vec<(String, String)>,
    body: String,
}

impl Response {
    fn json(status: u16, body: Value) -> Response {
        Response {
            status,
            headers: Vec::new(),
            body: body.to_string(),
        }
    }

    fn empty(status: u16) -> Response {
        Response {
            status,
            headers: Vec::new(),
            body: String::new(),
        }
    }

    fn with_header(mut self, name: &str, value: String) -> Response {
        self.headers.push((name.to_string(), value));
        self
    }
}

enum ReadError {
    /// The peer closed (or went idle) between requests: end quietly.
    Closed,
    /// The bytes are not HTTP we understand: answer 400 and close.
    Malformed(&'static str),
    TooLarge,
}

fn serve_connection(stream: TcpStream, shared: &Shared) {
    let Ok(write_half) = stream.try_clone() else {
        return;
    };
    let mut writer = write_half;
    let mut reader = BufReader::new(stream);
    while !shared.stop.load(Ordering::SeqCst) {
        let request = match read_request(&mut reader, &mut writer) {
            Ok(request) => request,
            Err(ReadError::Closed) => return,
            Err(ReadError::Malformed(why)) => {
                let response = Response::json(
                    400,
                    json!({ "message": format!("malformed request: {why}") }),
                );
                let _ = write_response(&mut writer, &response, true, false);
                return;
            }
            Err(ReadError::TooLarge) => {
                let _ = write_response(
                    &mut writer,
                    &Response::json(413, json!({ "message": "too large" })),
                    true,
                    false,
                );
                return;
            }
        };
        let close = request.wants_close();
        let head_only = request.method == "HEAD";
        let response = handle(&request, shared);
        if write_response(&mut writer, &response, close, head_only).is_err() || close {
            let _ = writer.shutdown(Shutdown::Both);
            return;
        }
    }
}

fn read_line(
    reader: &mut BufReader<TcpStream>,
    budget: &mut usize,
) -> Result<Option<String>, ReadError> {
    let mut line = Vec::new();
    match reader
        .by_ref()
        .take(*budget as u64 + 1)
        .read_until(b'\n', &mut line)
    {
        Ok(0) => return Ok(None),
        Ok(n) if n > *budget => return Err(ReadError::TooLarge),
        Ok(n) => *budget -= n,
        Err(_) => return Err(ReadError::Closed),
    }
    if !line.ends_with(b"\n") {
        return Err(ReadError::Closed);
    }
    while matches!(line.last(), Some(b'\n' | b'\r')) {
        line.pop();
    }
    String::from_utf8(line)
        .map(Some)
        .map_err(|_| ReadError::Malformed("header is not UTF-8"))
}

fn read_request(
    reader: &mut BufReader<TcpStream>,
    writer: &mut TcpStream,
) -> Result<Request, ReadError> {
    let mut budget = MAX_HEAD;
    // Tolerate blank lines before a request line (RFC 9112 §2.2).
    let request_line = loop {
        match read_line(reader, &mut budget)? {
            None => return Err(ReadError::Closed),
            Some(line) if line.is_empty() => continue,
            Some(line) => break line,
        }
    };
    let mut parts = request_line.split(' ');
    let (Some(method), Some(target), Some(version), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(ReadError::Malformed("bad request line"));
    };
    if !version.starts_with("HTTP/1.") {
        return Err(ReadError::Malformed("not HTTP/1.x"));
    }
    let mut headers: Vec<(String, String)> = Vec::new();
    loop {
        let Some(line) = read_line(reader, &mut budget)? else {
            return Err(ReadError::Malformed("connection closed inside the header"));
        };
        if line.is_empty() {
            break;
        }
        if line.starts_with([' ', '\t']) {
            // Obsolete line folding: continue the previous value.
            let Some(last) = headers.last_mut() else {
                return Err(ReadError::Malformed("folded first header"));
            };
            last.1.push(' ');
            last.1.push_str(line.trim());
            continue;
        }
        let Some((name, value)) = line.split_once(':') else {
            return Err(ReadError::Malformed("header without a colon"));
        };
        headers.push((name.trim().to_ascii_lowercase(), value.trim().to_string()));
    }
    let mut request = Request {
        method: method.to_string(),
        target: target.to_string(),
        version: version.to_string(),
        headers,
        body: Vec::new(),
    };

    let chunked = request.header("transfer-encoding").is_some_and(|te| {
        te.to_ascii_lowercase()
            .split(',')
            .any(|t| t.trim() == "chunked")
    });
    let length = match request.header("content-length") {
        Some(v) if !chunked => Some(
            v.trim()
                .parse::<usize>()
                .map_err(|_| ReadError::Malformed("bad Content-Length"))?,
        ),
        _ => None,
    };
    let has_body = chunked || length.is_some_and(|n| n > 0);
    if has_body
        && request
            .header("expect")
            .is_some_and(|e| e.eq_ignore_ascii_case("100-continue"))
    {
        writer
            .write_all(b"HTTP/1.1 100 Continue\r\n\r\n")
            .map_err(|_| ReadError::Closed)?;
        writer.flush().map_err(|_| ReadError::Closed)?;
    }
    if chunked {
        request.body = read_chunked(reader)?;
    } else if let Some(n) = length {
        if n > MAX_BODY {
            return Err(ReadError::TooLarge);
        }
        let mut body = vec![0; n];
        reader
            .read_exact(&mut body)
            .map_err(|_| ReadError::Malformed("body shorter than Content-Length"))?;
        request.body = body;
    }
    Ok(request)
}

fn read_chunked(reader: &mut BufReader<TcpStream>) -> Result<Vec<u8>, ReadError> {
    let mut body = Vec::new();
    let mut budget = MAX_HEAD;
    loop {
        let Some(size_line) = read_line(reader, &mut budget)? else {
            return Err(ReadError::Malformed(
                "connection closed inside a chunked body",
            ));
        };
        let size_hex = size_line.split(';').next().unwrap_or("").trim();
        let size = usize::from_str_radix(size_hex, 16)
            .map_err(|_| ReadError::Malformed("bad chunk size"))?;
        if size == 0 {
            // Trailers, up to the empty line.
            loop {
                match read_line(reader, &mut budget)? {
                    Some(line) if !line.is_empty() => continue,
                    _ => return Ok(body),
                }
            }
        }
        if body.len() + size > MAX_BODY {
            return Err(ReadError::TooLarge);
        }
        let start = body.len();
        body.resize(start + size, 0);
        reader
            .read_exact(&mut body[start..])
            .map_err(|_| ReadError::Malformed("short chunk"))?;
        let mut crlf = [0u8; 2];
        reader
            .read_exact(&mut crlf)
            .map_err(|_| ReadError::Malformed("short chunk"))?;
        if &crlf != b"\r\n" {
            return Err(ReadError::Malformed("chunk not followed by CRLF"));
        }
    }
}

fn write_response(
    writer: &mut TcpStream,
    response: &Response,
    close: bool,
    head_only: bool,
) -> io::Result<()> {
    let mut head = format!(
        "HTTP/1.1 {} {}\r\n",
        response.status,
        reason(response.status)
    );
    let no_body =
        response.status == 204 || response.status == 304 || (100..200).contains(&response.status);
    if !no_body {
        if !response
            .headers
            .iter()
            .any(|(k, _)| k.eq_ignore_ascii_case("content-type"))
        {
            head.push_str("Content-Type: application/json; charset=utf-8\r\n");
        }
        head.push_str(&format!("Content-Length: {}\r\n", response.body.len()));
    }
    for (name, value) in &response.headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str(if close {
        "Connection: close\r\n"
    } else {
        "Connection: keep-alive\r\n"
    });
    head.push_str("\r\n");
    let mut bytes = head.into_bytes();
    if !no_body && !head_only {
        bytes.extend_from_slice(response.body.as_bytes());
    }
    writer.write_all(&bytes)?;
    writer.flush()
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        204 => "No Content",
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        410 => "Gone",
        409 => "Conflict",
        413 => "Payload Too Large",
        415 => "Unsupported Media Type",
        _ => "Unknown",
    }
}

// ---------------------------------------------------------------------------
// Routing

fn handle(request: &Request, shared: &Shared) -> Response {
    let (path, raw_query) = match request.target.split_once('?') {
        Some((p, q)) => (p.to_string(), Some(q.to_string())),
        None => (request.target.clone(), None),
    };
    let query = raw_query.as_deref().map(decode_pairs).unwrap_or_default();
    let mut recorded = RecordedRequest {
        method: request.method.clone(),
        path,
        raw_query,
        query,
        headers: request.headers.clone(),
        body: request.body.clone(),
        status: 0,
        response_body: String::new(),
    };
    let response = {
        let mut state = shared.state();
        route(&recorded, &mut state)
    };
    recorded.status = response.status;
    recorded.response_body = response.body.clone();
    shared.state().requests.push(recorded);
    response
}

fn route(req: &RecordedRequest, state: &mut State) -> Response {
    let path = req.path.as_str();
    if path == AURORA_GRAPHQL_PATH {
        return aurora_graphql(req);
    }
    if path.contains("/api/2.0/") || path.ends_with("/api/2.0") {
        return Response::json(
            401,
            json!({ "status": "error", "message": "API 2.0 is not supported on Aurora: use API 2.1 (GraphQL)" }),
        );
    }
    if let Some(rest) = path.strip_prefix("/api/v2/") {
        return learning360_v2(req, rest, state);
    }
    if path.starts_with("/api/v1/") {
        return learning360_error(
            401,
            "unauthorized",
            "API v1 credentials are not accepted: use OAuth2 client credentials and API v2",
        );
    }
    if let Some(rest) = path.strip_prefix("/quorvex/") {
        return quorvex(req, rest, state);
    }
    if path == "/entity.delete" {
        return janrain_entity_delete(req);
    }
    if let Some(rest) = path.strip_prefix("/AdminInterface/restapi/v1/users/") {
        return rsa_users(req, rest, state);
    }
    Response::json(
        404,
        json!({ "message": format!("the vendor mock has no route for {} {}", req.method, req.path) }),
    )
}

// --- Aurora ----------------------------------------------------------------

fn aurora_graphql(req: &RecordedRequest) -> Response {
    let failed = |message: String| {
        Response::json(
            200,
            json!({ "data": { "closeUserAccount": { "result": false, "errors": [
                { "__typename": "ValidationError", "message": message }
            ] } } }),
        )
    };
    if req.method != "POST" {
        return Response::json(
            405,
            json!({ "errors": [{ "message": "GraphQL operations are POST requests" }] }),
        );
    }
    if req.media_type().as_deref() != Some("application/json") {
        return Response::json(
            400,
            json!({ "errors": [{ "message": "Content-Type must be application/json" }] }),
        );
    }
    let Some(body) = req.json() else {
        return Response::json(
            400,
            json!({ "errors": [{ "message": "the request body is not JSON" }] }),
        );
    };
    if body["operationName"] != "CloseUserAccount" {
        return Response::json(
            200,
            json!({ "data": null, "errors": [{ "message": format!("the mock only knows CloseUserAccount, not {}", body["operationName"]) }] }),
        );
    }
    if body["query"] != CLOSE_USER_ACCOUNT {
        return failed(format!(
            "query is not the CloseUserAccount mutation: {}",
            body["query"]
        ));
    }
    let id = body["variables"]["id"].as_str().unwrap_or("");
    if !id
        .strip_prefix("user:")
        .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
    {
        return failed(format!(
            "variables.id must be user:<numeric id>, got {}",
            body["variables"]["id"]
        ));
    }
    if body["variables"]["password"]
        .as_str()
        .is_none_or(str::is_empty)
    {
        return failed("variables.password is required".to_string());
    }
    let session = req
        .header("li-api-session-key")
        .is_some_and(|k| !k.trim().is_empty());
    if !session && req.bearer().is_none() {
        return Response::json(
            200,
            json!({ "data": { "closeUserAccount": { "result": false, "errors": [
                { "__typename": "PermissionDeniedError", "message": "anonymous users cannot close accounts" }
            ] } } }),
        );
    }
    Response::json(
        200,
        json!({ "data": { "closeUserAccount": { "result": true, "errors": [] } } }),
    )
}

// --- 360Learning v2 --------------------------------------------------------

// --- Quorvex (a made-up vendor, see tests/packs/quorvex.toml) --------------------------

/// v1 is retired (410). v2: `POST token` (OAuth2 client credentials) and
/// `POST accounts/{id}/deactivate` with the token, answered 200 with
/// `{"status": {"deactivated": …}}` whether or not the account was deactivated.
fn quorvex(req: &RecordedRequest, rest: &str, state: &mut State) -> Response {
    let error = |status: u16, message: &str| Response::json(status, json!({ "error": message }));
    if rest.starts_with("v1/") {
        return error(
            410,
            "Quorvex v1 is retired: use POST /quorvex/v2/accounts/{id}/deactivate",
        );
    }
    let segments: Vec<&str> = rest.split('/').collect();
    match (req.method.as_str(), segments.as_slice()) {
        ("POST", ["v2", "token"]) => {
            let body = req.json().unwrap_or(Value::Null);
            if body["grant_type"] != "client_credentials" {
                return error(400, "grant_type must be client_credentials");
            }
            if body["client_id"] != QUORVEX_CLIENT_ID
                || body["client_secret"] != QUORVEX_CLIENT_SECRET
            {
                return error(401, "unknown client_id or wrong client_secret");
            }
            let token = random_token();
            state.quorvex_tokens.insert(token.clone());
            Response::json(200, json!({ "access_token": token, "expires_in": 900 }))
        }
        ("POST", ["v2", "accounts", id, "deactivate"]) => {
            if !req
                .bearer()
                .is_some_and(|t| state.quorvex_tokens.contains(t))
            {
                return error(
                    401,
                    "a Bearer token from POST /quorvex/v2/token is required",
                );
            }
            if state.quorvex_protected.contains(*id) {
                return Response::json(
                    200,
                    json!({ "status": { "deactivated": false, "reason": "the account is protected" } }),
                );
            }
            Response::json(200, json!({ "status": { "deactivated": true } }))
        }
        _ => error(404, "no such Quorvex resource"),
    }
}

fn learning360_error(status: u16, code: &str, message: &str) -> Response {
    Response::json(
        status,
        json!({ "error": { "code": code, "message": message } }),
    )
}

fn learning360_v2(req: &RecordedRequest, rest: &str, state: &mut State) -> Response {
    if rest == "oauth2/token" {
        return learning360_token(req, state);
    }
    match req.bearer() {
        Some(token) if state.learning360_tokens.contains(token) => {}
        Some(_) => {
            return learning360_error(
                401,
                "invalidToken",
                "the access token is unknown or expired",
            )
        }
        None => {
            return learning360_error(
                401,
                "unauthorized",
                "Authorization: Bearer <access token> is required",
            )
        }
    }
    match req.header("360-api-version") {
        Some("v2.0") => {}
        Some(other) => {
            return learning360_error(
                400,
                "invalidApiVersion",
                &format!("unsupported 360-api-version {other}"),
            )
        }
        None => {
            return learning360_error(
                400,
                "missingApiVersion",
                "the 360-api-version header is required",
            )
        }
    }
    let segments: Vec<&str> = rest.split('/').collect();
    match (req.method.as_str(), segments.as_slice()) {
        ("GET", ["users"]) => learning360_list_users(req, state),
        ("DELETE", ["users", user_id]) => {
            if !req.body.is_empty() {
                return learning360_error(400, "badRequest", "this endpoint takes no request body");
            }
            let before = state.learning360_users.len();
            state.learning360_users.retain(|u| u.id != *user_id);
            if state.learning360_users.len() == before {
                return learning360_error(
                    404,
                    "userNotFound",
                    &format!("no user with id {user_id}"),
                );
            }
            Response::empty(204)
        }
        (method @ ("DELETE" | "POST"), ["groups", group_id, role, user_id]) => {
            if method == "DELETE" && !req.body.is_empty() {
                return learning360_error(400, "badRequest", "this endpoint takes no request body");
            }
            let valid = is_hex24(group_id) && is_hex24(user_id) && LEARNING360_ROLES.contains(role);
            let user = state
                .learning360_users
                .iter_mut()
                .find(|u| u.id == *user_id)
                .filter(|_| valid);
            let done = match (method, user) {
                ("DELETE", Some(user)) => user.groups.remove(*group_id),
                (_, Some(user)) => {
                    user.groups.insert(group_id.to_string());
                    true
                }
                (_, None) => false,
            };
            match method {
                _ if done => Response::empty(204),
                "DELETE" => learning360_error(
                    404,
                    "userNotFoundInGroup",
                    &format!("user {user_id} has no role {role} in group {group_id}"),
                ),
                _ => learning360_error(
                    404,
                    "userNotFound",
                    &format!("no user {user_id} or group {group_id} with role {role}"),
                ),
            }
        }
        _ => learning360_error(
            404,
            "notFound",
            &format!("no route {} /api/v2/{rest}", req.method),
        ),
    }
}

fn learning360_token(req: &RecordedRequest, state: &mut State) -> Response {
    if req.method != "POST" {
        return learning360_error(405, "methodNotAllowed", "use POST");
    }
    let Some(body) = req.json().filter(|b| b.is_object()) else {
        return learning360_error(400, "invalidRequest", "the body must be a JSON object");
    };
    if body["grant_type"] != "client_credentials" {
        return learning360_error(
            400,
            "unsupportedGrantType",
            "grant_type must be client_credentials",
        );
    }
    let (Some(id), Some(secret)) = (body["client_id"].as_str(), body["client_secret"].as_str())
    else {
        return learning360_error(
            400,
            "invalidRequest",
            "client_id and client_secret are required",
        );
    };
    if id != LEARNING360_CLIENT_ID || secret != LEARNING360_CLIENT_SECRET {
        return learning360_error(
            401,
            "invalidClient",
            "unknown client_id or wrong client_secret",
        );
    }
    let token = random_token();
    state.learning360_tokens.insert(token.clone());
    Response::json(
        200,
        json!({ "access_token": token, "token_type": "Bearer", "expires_in": 3600 }),
    )
}

fn learning360_list_users(req: &RecordedRequest, state: &mut State) -> Response {
    if state.learning360_rate_limited > 0 {
        state.learning360_rate_limited -= 1;
        let mut r = learning360_error(429, "tooManyRequests", "rate limit exceeded; retry later");
        if let Some(s) = state.learning360_retry_after {
            r = r.with_header("Retry-After", s.to_string());
        }
        return r;
    }
    let as_json = |u: &Learning360User| {
        let local = u.mail.split('@').next().unwrap_or("");
        let (first, last) = local.split_once('.').unwrap_or((local, ""));
        json!({ "_id": u.id, "mail": u.mail, "firstName": first, "lastName": last,
                "groups": u.groups.iter().collect::<Vec<_>>(), "status": "active" })
    };
    if let Some(mail) = req.query_param("mail[eq]") {
        let found: Vec<Value> = state
            .learning360_users
            .iter()
            .filter(|u| u.mail.eq_ignore_ascii_case(mail))
            .map(as_json)
            .collect();
        return Response::json(200, Value::Array(found));
    }
    let size = state.learning360_page_size;
    let page: usize = req
        .query_param("page")
        .and_then(|p| p.parse().ok())
        .unwrap_or(1)
        .max(1);
    let users = &state.learning360_users;
    let start = (page - 1).saturating_mul(size).min(users.len());
    let end = (start + size).min(users.len());
    let body = Value::Array(users[start..end].iter().map(as_json).collect());
    let mut response = Response::json(200, body);
    if state.learning360_malformed_page == Some(page) {
        let mut cut = response.body.len() / 2;
        while !response.body.is_char_boundary(cut) {
            cut -= 1;
        }
        response.body.truncate(cut);
    }
    if end < users.len() {
        let host = req.header("host").unwrap_or("127.0.0.1");
        response = response.with_header(
            "Link",
            format!(
                "<http://{host}/api/v2/users?page={}>; rel=\"next\"",
                page + 1
            ),
        );
    }
    response
}

// --- Janrain ---------------------------------------------------------------

fn janrain_error(code: u32, error: &str, description: String) -> Response {
    Response::json(
        200,
        json!({ "stat": "error", "code": code, "error": error, "error_description": description,
                "request_id": "mockrequest0001" }),
    )
}

fn janrain_entity_delete(req: &RecordedRequest) -> Response {
    if req.method != "POST" {
        return Response::json(
            405,
            json!({ "stat": "error", "code": 403, "error": "method_not_allowed",
                    "error_description": format!("entity.delete must be a POST, not {}", req.method) }),
        );
    }
    if req.raw_query.as_deref().is_some_and(|q| !q.is_empty()) {
        return janrain_error(
            200,
            "invalid_argument",
            "parameters must be x-www-form-urlencoded body fields, not in the query string".into(),
        );
    }
    if req.media_type().as_deref() != Some("application/x-www-form-urlencoded") {
        return janrain_error(
            200,
            "invalid_argument",
            format!(
                "the body must be application/x-www-form-urlencoded, not {:?}",
                req.header("content-type")
            ),
        );
    }
    let form = req.form();
    let get = |name: &str| {
        form.iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    };
    if get("type_name").is_none_or(str::is_empty) {
        return janrain_error(100, "missing_argument", "type_name is required".into());
    }
    let identifiers: Vec<&str> = ["uuid", "id", "key_attribute"]
        .into_iter()
        .filter(|name| get(name).is_some())
        .collect();
    match identifiers.as_slice() {
        [] => janrain_error(100, "missing_argument", "one of uuid, id or key_attribute is required".into()),
        ["uuid"] if !is_uuid(get("uuid").unwrap_or("")) => {
            janrain_error(200, "invalid_argument", "uuid was not valid for the following reason: invalid uuid".into())
        }
        ["id"] if !get("id").is_some_and(|i| !i.is_empty() && i.bytes().all(|b| b.is_ascii_digit())) => {
            janrain_error(200, "invalid_argument", "id must be an integer".into())
        }
        ["key_attribute"] => match get("key_value") {
            None => janrain_error(100, "missing_argument", "key_value is required with key_attribute".into()),
            Some(v) if serde_json::from_str::<Value>(v).is_err() => janrain_error(
                200,
                "invalid_argument",
                format!("key_value was not valid for the following reason: {v} is not a JSON value (quote strings)"),
            ),
            Some(_) => Response::json(200, json!({ "stat": "ok" })),
        },
        [_] => Response::json(200, json!({ "stat": "ok" })),
        _ => janrain_error(201, "duplicate_argument", format!("only one of {} may be given", identifiers.join(", "))),
    }
}

// --- RSA SecurID -----------------------------------------------------------

fn rsa_message(status: u16, message: &str) -> Response {
    Response::json(status, json!({ "message": message }))
}

fn rsa_users(req: &RecordedRequest, rest: &str, state: &mut State) -> Response {
    let segments: Vec<&str> = rest.split('/').collect();
    let user_id = segments[0];
    if user_id.is_empty() {
        return rsa_message(404, "User does not exist.");
    }
    let action = segments.get(1).copied();
    if segments.len() > 2 {
        return rsa_message(404, "no such resource");
    }
    // Method first (a wrong method is 405 whatever the credentials), then auth.
    let allowed = match action {
        None => req.method == "DELETE" || req.method == "GET",
        Some("markDeleted" | "userStatus") => req.method == "PUT",
        Some(_) => return rsa_message(404, "no such resource"),
    };
    if !allowed {
        return rsa_message(
            405,
            &format!("Request method '{}' is not supported", req.method),
        )
        .with_header(
            "Allow",
            if action.is_some() {
                "PUT".into()
            } else {
                "GET, DELETE".into()
            },
        );
    }
    if req.bearer().is_none() {
        return rsa_message(403, "Not authorized to perform the request.");
    }
    if user_id.contains('@') {
        return rsa_message(404, "User does not exist.");
    }
    let body_object = || -> Result<serde_json::Map<String, Value>, Response> {
        if req.media_type().as_deref() != Some("application/json") {
            return Err(rsa_message(415, "Content-Type must be application/json"));
        }
        match req.json() {
            Some(Value::Object(map)) => Ok(map),
            _ => Err(rsa_message(
                400,
                "markDeleted property is required and must be true or false.",
            )),
        }
    };
    match action {
        None if req.method == "GET" => Response::json(
            200,
            json!({ "id": user_id, "userStatus": if state.rsa_disabled.contains(user_id) { "Disabled" } else { "Enabled" },
                    "markDeleted": state.rsa_marked_deleted.contains(user_id) }),
        ),
        None => Response::empty(204),
        Some("userStatus") => {
            let map = match body_object() {
                Ok(map) => map,
                Err(response) => return response,
            };
            if map.keys().any(|k| k != "userStatus") {
                return rsa_message(400, "Unexpected parameters provided.");
            }
            match map.get("userStatus").and_then(Value::as_str) {
                Some("Disabled") => state.rsa_disabled.insert(user_id.to_string()),
                Some("Enabled") => state.rsa_disabled.remove(user_id),
                _ => {
                    return rsa_message(
                        400,
                        "userStatus property is required and must be Enabled or Disabled.",
                    )
                }
            };
            Response::json(
                200,
                json!({ "id": user_id, "userStatus": map["userStatus"] }),
            )
        }
        _ => {
            let map = match body_object() {
                Ok(map) => map,
                Err(response) => return response,
            };
            if map.keys().any(|k| k != "markDeleted") {
                return rsa_message(400, "Unexpected parameters provided.");
            }
            let Some(mark) = map.get("markDeleted").and_then(Value::as_bool) else {
                return rsa_message(
                    400,
                    "markDeleted property is required and must be true or false.",
                );
            };
            let marked = state.rsa_marked_deleted.contains(user_id);
            if mark {
                if !state.rsa_disabled.contains(user_id) {
                    return rsa_message(409, "Cannot mark delete enabled users.");
                }
                if marked {
                    return rsa_message(
                        409,
                        "Cannot mark delete users that are currently marked for delete.",
                    );
                }
                state.rsa_marked_deleted.insert(user_id.to_string());
            } else {
                if !marked {
                    return rsa_message(
                        409,
                        "Cannot undelete users that are not currently marked for delete.",
                    );
                }
                state.rsa_marked_deleted.remove(user_id);
            }
            Response::json(
                200,
                json!({ "id": user_id, "markDeleted": mark, "markDeletedBy": "mock", "markDeletedAt": iso8601_now() }),
            )
        }
    }
}

// ---------------------------------------------------------------------------
// Small helpers

pub fn is_hex24(s: &str) -> bool {
    s.len() == 24 && s.bytes().all(|b| b.is_ascii_hexdigit())
}

/// Canonical 8-4-4-4-12 hex form.
pub fn is_uuid(s: &str) -> bool {
    let groups: Vec<&str> = s.split('-').collect();
    groups.len() == 5
        && groups
            .iter()
            .zip([8, 4, 4, 4, 12])
            .all(|(g, n)| g.len() == n && g.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// `a=1&b=x%20y+z` → pairs, percent- and `+`-decoded (form and query style).
pub fn decode_pairs(s: &str) -> Vec<(String, String)> {
    s.split('&')
        .filter(|p| !p.is_empty())
        .map(|pair| {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            (percent_decode(k), percent_decode(v))
        })
        .collect()
}

pub fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < bytes.len() => match std::str::from_utf8(&bytes[i + 1..i + 3])
                .ok()
                .and_then(|hex| u8::from_str_radix(hex, 16).ok())
            {
                Some(b) => {
                    out.push(b);
                    i += 2;
                }
                None => out.push(b'%'),
            },
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn random_token() -> String {
    use std::collections::hash_map::RandomState;
    use std::hash::{BuildHasher, Hasher};
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let mut out = String::new();
    for _ in 0..2 {
        let mut hasher = RandomState::new().build_hasher();
        hasher.write_u64(COUNTER.fetch_add(1, Ordering::Relaxed));
        hasher.write_u128(
            SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .map(|d| d.as_nanos())
                .unwrap_or(0),
        );
        out.push_str(&format!("{:016x}", hasher.finish()));
    }
    out
}

/// Now as `YYYY-MM-DDTHH:MM:SS.mmmZ`.
fn iso8601_now() -> String {
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default();
    let secs = now.as_secs();
    let (days, rem) = (secs / 86_400, secs % 86_400);
    // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
    let z = days as i64 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}.{:03}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60,
        now.subsec_millis()
    )
}
