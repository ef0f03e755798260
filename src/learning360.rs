//! `apimigrate learning360 users`: builds the e-mail → internal user id map that
//! `learning360.user_ids` reads, from the 360Learning API v2.
//!
//! The 360Learning migration guide asks integrators to list the users once, keep the
//! list, and map e-mails to `_id`s instead of looking each one up at run time. This
//! command does that: an OAuth2 client-credentials token (`POST /api/v2/oauth2/token`,
//! credentials from the environment variables the configuration names), then
//! `GET /api/v2/users` following `Link: <…>; rel="next"` from page to page (500 users
//! each), or one `GET /api/v2/users?mail[eq]=…` per address with `--only`. A 429
//! (`tooManyRequests`) is retried with backoff. The map is written atomically, and only
//! when every request succeeded: a failure leaves an existing map as it was.
//!
//! The token is a secret: it is never printed, and server messages are scrubbed of it
//! and of the client secret before they are shown.

use std::collections::BTreeMap;
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// The API of 360Learning's EU platform (`--host eu`, the default).
pub const EU: &str = "https://app.360learning.com";
/// The API of 360Learning's US platform (`--host us`).
pub const US: &str = "https://app.us.360learning.com";

/// Retries of one request answered 429 before giving up.
pub const MAX_RETRIES: u32 = 6;
/// The longest wait between two attempts.
const MAX_BACKOFF: Duration = Duration::from_secs(60);
/// Pages followed at most (a `Link` loop must not run forever).
const MAX_PAGES: usize = 100_000;

/// What `apimigrate learning360 users` was asked to do.
pub struct UsersRequest {
    /// Scheme and host of the API, without a trailing slash.
    pub base: String,
    pub out: PathBuf,
    /// Only these addresses (`--only`), looked up one by one.
    pub only: Vec<String>,
    pub client_id: String,
    pub client_secret: String,
}

/// What was written.
#[derive(Debug, PartialEq, Eq)]
pub struct UsersOutcome {
    /// Entries in the written map.
    pub written: usize,
    /// `--only` addresses that match no user.
    pub not_found: Vec<String>,
}

/// The API base for `--host`: `eu`, `us`, or a URL.
pub fn base_url(host: &str) -> Result<String, String> {
    match host.to_ascii_lowercase().as_str() {
        "eu" => Ok(EU.into()),
        "us" => Ok(US.into()),
        _ if host.starts_with("https://") || host.starts_with("http://") => {
            Ok(host.trim_end_matches('/').to_string())
        }
        _ => Err(format!(
            "--host {host}: expected eu, us, or a URL such as https://app.360learning.com"
        )),
    }
}

/// Percent-encodes a query value (RFC 3986 unreserved characters stay).
fn encode(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// The `rel="next"` target of a `Link` header.
pub fn next_link(header: &str) -> Option<String> {
    let mut rest = header;
    while let Some(open) = rest.find('<') {
        let close = open + rest[open..].find('>')?;
        let url = &rest[open + 1..close];
        let params_end = rest[close..].find('<').map_or(rest.len(), |i| close + i);
        let params = &rest[close + 1..params_end];
        let is_next = params.split(';').any(|p| {
            let p = p.trim().trim_end_matches(',').trim();
            p.strip_prefix("rel=")
                .map(|v| v.trim_matches('"'))
                .is_some_and(|v| v.split_whitespace().any(|r| r.eq_ignore_ascii_case("next")))
        });
        if is_next {
            return Some(url.to_string());
        }
        rest = &rest[params_end..];
    }
    None
}

/// `scheme://host[:port]` of a URL.
fn origin(url: &str) -> &str {
    let after = url.find("://").map_or(0, |i| i + 3);
    let end = url[after..].find('/').map_or(url.len(), |i| after + i);
    &url[..end]
}

/// A page of users: `(mail, _id)` pairs, and the next page's URL.
type Page = (Vec<(String, String)>, Option<String>);

/// A client of the API that hides its secrets in everything it reports.
struct Client {
    agent: ureq::Agent,
    base: String,
    secrets: Vec<String>,
}

/// One answer: status, `Link` header, body.
struct Answer {
    status: u16,
    link: Option<String>,
    body: String,
}

impl Client {
    fn new(base: &str, client_secret: &str) -> Client {
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_global(Some(Duration::from_secs(60)))
            .user_agent(concat!("apimigrate/", env!("CARGO_PKG_VERSION")))
            .build()
            .into();
        Client {
            agent,
            base: base.to_string(),
            secrets: vec![client_secret.to_string()],
        }
    }

    fn scrub(&self, s: &str) -> String {
        let mut out = s.to_string();
        for secret in self.secrets.iter().filter(|s| s.len() >= 4) {
            out = out.replace(secret.as_str(), crate::redact::MASK);
        }
        out
    }

    /// Sends a request, retrying 429 answers with backoff (`Retry-After` when given).
    fn send(
        &self,
        what: &str,
        request: impl Fn() -> Result<ureq::http::Response<ureq::Body>, ureq::Error>,
    ) -> Result<Answer, String> {
        let mut attempt = 0;
        loop {
            let mut response = request()
                .map_err(|e| self.scrub(&format!("{what}: cannot reach {}: {e}", self.base)))?;
            let header = |name: &str| {
                response
                    .headers()
                    .get(name)
                    .and_then(|v| v.to_str().ok())
                    .map(str::to_string)
            };
            let link = header("link");
            let retry_after = header("retry-after").and_then(|v| v.trim().parse().ok());
            let status = response.status().as_u16();
            let body = response
                .body_mut()
                .read_to_string()
                .map_err(|e| self.scrub(&format!("{what}: cannot read the answer: {e}")))?;
            if status == 429 && attempt < MAX_RETRIES {
                let wait = retry_after
                    .map(Duration::from_secs)
                    .unwrap_or_else(|| Duration::from_secs(1 << attempt))
                    .min(MAX_BACKOFF);
                std::thread::sleep(wait);
                attempt += 1;
                continue;
            }
            return Ok(Answer { status, link, body });
        }
    }

    /// The error for a non-2xx answer: status, and the API's error code and message.
    fn refused(&self, what: &str, a: &Answer) -> String {
        let detail = serde_json::from_str::<serde_json::Value>(&a.body)
            .ok()
            .and_then(|v| {
                let e = v.get("error")?;
                let code = e.get("code").and_then(|c| c.as_str()).unwrap_or("");
                let message = e.get("message").and_then(|m| m.as_str()).unwrap_or("");
                Some(format!("{code}: {message}"))
            })
            .unwrap_or_else(|| a.body.chars().take(200).collect());
        let hint = match a.status {
            401 | 403 => " (check the client id and secret)",
            429 => " (still rate-limited after retries)",
            _ => "",
        };
        self.scrub(&format!("{what}: HTTP {}{hint}: {detail}", a.status))
    }

    fn token(&mut self, client_id: &str, client_secret: &str) -> Result<String, String> {
        let url = format!("{}/api/v2/oauth2/token", self.base);
        let body = serde_json::json!({
            "grant_type": "client_credentials",
            "client_id": client_id,
            "client_secret": client_secret,
        });
        let what = "360Learning token request";
        let a = self.send(what, || {
            self.agent
                .post(&url)
                .header("Accept", "application/json")
                .send_json(&body)
        })?;
        if a.status != 200 {
            return Err(self.refused(what, &a));
        }
        let token = serde_json::from_str::<serde_json::Value>(&a.body)
            .ok()
            .and_then(|v| v.get("access_token")?.as_str().map(str::to_string))
            .filter(|t| !t.is_empty())
            .ok_or_else(|| format!("{what}: the answer has no access_token"))?;
        self.secrets.push(token.clone());
        Ok(token)
    }

    /// One page of users: `(mail, _id)` pairs and the next page's URL.
    fn users_page(&self, url: &str, token: &str, page: usize) -> Result<Page, String> {
        let what = format!(
            "GET {} (page {page})",
            url.strip_prefix(&self.base).unwrap_or(url)
        );
        let a = self.send(&what, || {
            self.agent
                .get(url)
                .header("Authorization", &format!("Bearer {token}"))
                .header("360-api-version", "v2.0")
                .header("Accept", "application/json")
                .call()
        })?;
        if a.status != 200 {
            return Err(self.refused(&what, &a));
        }
        let users = parse_users(&a.body).map_err(|e| self.scrub(&format!("{what}: {e}")))?;
        let next = match a.link.as_deref().and_then(next_link) {
            None => None,
            Some(n) if n.starts_with('/') => Some(format!("{}{n}", self.base)),
            Some(n) if origin(&n) == origin(&self.base) => Some(n),
            Some(n) => {
                return Err(format!(
                    "{what}: the next page is on another host ({}); the token is not sent there",
                    origin(&n)
                ))
            }
        };
        Ok((users, next))
    }
}

/// A page of `GET /api/v2/users`: a JSON array of users with `mail` and a 24-hex `_id`.
pub fn parse_users(body: &str) -> Result<Vec<(String, String)>, String> {
    let value: serde_json::Value =
        serde_json::from_str(body).map_err(|e| format!("malformed page: not JSON ({e})"))?;
    let items = value
        .as_array()
        .ok_or("malformed page: not a JSON list of users")?;
    let mut out = Vec::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        let mail = item.get("mail").and_then(|v| v.as_str());
        let id = item.get("_id").and_then(|v| v.as_str());
        let (Some(mail), Some(id)) = (mail, id) else {
            return Err(format!(
                "malformed page: user {} has no `mail` or `_id`",
                i + 1
            ));
        };
        if id.len() != 24 || !id.chars().all(|c| c.is_ascii_hexdigit()) {
            return Err(format!(
                "malformed page: the `_id` of {mail} is `{id}`, not a 24-hex 360Learning id"
            ));
        }
        out.push((mail.to_string(), id.to_string()));
    }
    Ok(out)
}

/// An existing map (for `--only`, which updates it): `{mail: id}` or a v2 users list.
fn read_map(path: &Path) -> Result<BTreeMap<String, String>, String> {
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(BTreeMap::new()),
        Err(e) => return Err(format!("cannot read {}: {e}", path.display())),
    };
    let value: serde_json::Value =
        serde_json::from_str(&text).map_err(|e| format!("{} is not JSON: {e}", path.display()))?;
    match value {
        serde_json::Value::Object(map) => map
            .into_iter()
            .map(|(k, v)| match v {
                serde_json::Value::String(id) => Ok((k, id)),
                _ => Err(format!("{}: the id of {k} is not a string", path.display())),
            })
            .collect(),
        serde_json::Value::Array(_) => parse_users(&text)
            .map(|v| v.into_iter().collect())
            .map_err(|e| format!("{}: {e}", path.display())),
        _ => Err(format!("{} is not an e-mail → id map", path.display())),
    }
}

/// Writes the map next to its final place, then renames it over: readers see the old
/// map or the new one, never half of one.
fn write_atomically(path: &Path, map: &BTreeMap<String, String>) -> Result<(), String> {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let mut text = serde_json::to_string_pretty(map).expect("a map serialises");
    text.push('\n');
    let mut tmp = tempfile::NamedTempFile::new_in(dir)
        .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    tmp.write_all(text.as_bytes())
        .and_then(|_| tmp.as_file().sync_all())
        .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    tmp.persist(path)
        .map_err(|e| format!("cannot write {}: {}", path.display(), e.error))?;
    Ok(())
}

/// A spinner on a terminal (never in CI or when standard error is not a terminal).
fn progress() -> indicatif::ProgressBar {
    let show = std::io::stderr().is_terminal()
        && std::env::var_os("CI").is_none_or(|v| v.is_empty() || v == "false");
    if !show {
        return indicatif::ProgressBar::hidden();
    }
    let bar = indicatif::ProgressBar::new_spinner();
    if let Ok(style) = indicatif::ProgressStyle::with_template("{spinner} {msg}") {
        bar.set_style(style);
    }
    bar.enable_steady_tick(Duration::from_millis(120));
    bar
}

/// Runs the request; the map is written only when every request succeeded.
pub fn users(req: &UsersRequest) -> Result<UsersOutcome, String> {
    let mut client = Client::new(&req.base, &req.client_secret);
    let bar = progress();
    bar.set_message("requesting a token");
    let token = client.token(&req.client_id, &req.client_secret);
    let token = match token {
        Ok(t) => t,
        Err(e) => {
            bar.finish_and_clear();
            return Err(e);
        }
    };
    let result = (|| {
        let mut not_found = Vec::new();
        let map = if req.only.is_empty() {
            let mut map = BTreeMap::new();
            let mut url = Some(format!("{}/api/v2/users", req.base));
            let mut page = 0;
            while let Some(u) = url {
                page += 1;
                if page > MAX_PAGES {
                    return Err(format!("GET /api/v2/users: more than {MAX_PAGES} pages"));
                }
                let (users, next) = client.users_page(&u, &token, page)?;
                map.extend(users);
                bar.set_message(format!("{} users (page {page})", map.len()));
                url = next;
            }
            map
        } else {
            let mut map = read_map(&req.out)?;
            for (i, mail) in req.only.iter().enumerate() {
                bar.set_message(format!("{mail} ({}/{})", i + 1, req.only.len()));
                let url = format!("{}/api/v2/users?mail%5Beq%5D={}", req.base, encode(mail));
                let (users, _) = client.users_page(&url, &token, 1)?;
                match users
                    .into_iter()
                    .find(|(m, _)| m.eq_ignore_ascii_case(mail))
                {
                    Some((m, id)) => {
                        map.retain(|k, _| !k.eq_ignore_ascii_case(&m));
                        map.insert(m, id);
                    }
                    None => not_found.push(mail.clone()),
                }
            }
            map
        };
        write_atomically(&req.out, &map)?;
        Ok(UsersOutcome {
            written: map.len(),
            not_found,
        })
    })();
    bar.finish_and_clear();
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn link_headers() {
        assert_eq!(
            next_link("<https://a.example/api/v2/users?page=2>; rel=\"next\""),
            Some("https://a.example/api/v2/users?page=2".into())
        );
        assert_eq!(
            next_link("</api/v2/users?p=1>; rel=\"prev\", </api/v2/users?p=3>; rel=next"),
            Some("/api/v2/users?p=3".into())
        );
        assert_eq!(next_link("<https://a/x>; rel=\"last\""), None);
    }

    #[test]
    fn hosts_and_pages() {
        assert_eq!(base_url("eu").unwrap(), EU);
        assert_eq!(base_url("US").unwrap(), US);
        assert_eq!(
            base_url("http://127.0.0.1:8080/").unwrap(),
            "http://127.0.0.1:8080"
        );
        assert!(base_url("mars").is_err());
        assert_eq!(origin("https://a.b:8/x?y"), "https://a.b:8");
        assert!(
            parse_users("[{\"mail\": \"a@b.c\", \"_id\": \"507f1f77bcf86cd799439011\"}]").is_ok()
        );
        assert!(parse_users("{\"error\": 1}").is_err());
        assert!(parse_users("[{\"mail\": \"a@b.c\", \"_id\": \"42\"}]").is_err());
        assert_eq!(encode("a+b@c.d"), "a%2Bb%40c.d");
    }
}
