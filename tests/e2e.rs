//! End-to-end proof that fixed code works: JavaScript that calls the deprecated vendor
//! APIs is fixed with `apimigrate fix --unsafe-fixes`, run with `node` against a local
//! mock of the four APIs (`tests/support/vendor_mock.rs`), and the requests the mock
//! receives must follow the new contracts.
//!
//! One scenario per script in `fixtures/fix/e2e/`, three tests per scenario:
//! - `expected::<name>`: the hand-migrated `fixtures/fix/e2e/expected/<name>.js` meets
//!   the contract (this proves the mock and the assertions);
//! - `deprecated::<name>`: the original is refused by the mock, or runs but breaks the
//!   contract (this proves the fix matters);
//! - `fixed::<name>`: the original, copied to a temp dir and fixed by the binary, meets
//!   the same contract as the expected file.
//!
//! Node.js and npm are required (no skip); `tests/e2e/package-lock.json` pins the HTTP
//! clients, installed into `tests/e2e/node_modules` on first use.

#[path = "support/node.rs"]
mod node;
#[path = "support/python.rs"]
mod python;
#[macro_use]
#[path = "support/scenarios.rs"]
mod scenarios;
#[path = "support/shell.rs"]
mod shell;
#[path = "support/vendor_mock.rs"]
mod vendor_mock;

scenarios!("js":
    aurora_delete_fetch,
    aurora_delete_axios,
    learning360_remove_from_group_axios,
    learning360_remove_from_group_fetch,
    learning360_delete_user_literal_email,
    rsa_mark_deleted_string,
    rsa_delete_user,
    janrain_key_value,
    janrain_delete_get,
    quorvex_deactivate_fetch,
);

/// The response check a pack's fix inserts stops the script when the service answers
/// 200 without doing the work (Quorvex is a made-up vendor: tests/packs/quorvex.toml).
#[test]
fn fixed_quorvex_deactivate_fetch_fails_on_an_account_that_stays_active() {
    scenarios::run_fixed_quorvex_on_a_protected_account("quorvex_deactivate_fetch", "js");
}

/// A job that reads the API version path from another module: `fix` edits that module's
/// constant, and the fixed job's request reaches the API 2.1 GraphQL endpoint.
#[test]
fn fixed_job_sends_the_new_request_through_a_constant_fixed_in_another_module() {
    scenarios::run_fixed_across_modules(
        "close.js",
        r#"'use strict';
const { API_PATH } = require('./settings');

async function main() {
  const res = await fetch(`${process.env.KHOROS_BASE}${API_PATH}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'li-api-session-key': process.env.KHOROS_SESSION_KEY },
    body: JSON.stringify({ operationName: 'CloseUserAccount', query: {query}, variables: { id: 'user:42' } }),
  });
  if (res.status !== 200) throw new Error(`Khoros answered ${res.status}`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
"#,
        (
            "settings.js",
            "// The community API's version path, shared by the jobs.\nexports.API_PATH = '/api/2.0';\n",
        ),
        "exports.API_PATH = '/t5/s/api/2.1';",
    );
}

// --- the mock itself, over raw HTTP/1.1 ----------------------------------------------

mod mock {
    use super::vendor_mock::VendorMock;
    use std::io::{Read, Write};
    use std::net::TcpStream;
    use std::time::Duration;

    fn connect(mock: &VendorMock) -> TcpStream {
        let stream = TcpStream::connect(mock.base_url().trim_start_matches("http://")).unwrap();
        stream
            .set_read_timeout(Some(Duration::from_secs(5)))
            .unwrap();
        stream
    }

    /// Reads one response with a Content-Length (or none, for 1xx/204).
    fn read_response(stream: &mut TcpStream) -> (u16, String, String) {
        let mut buf = Vec::new();
        let mut byte = [0u8; 1];
        while !buf.ends_with(b"\r\n\r\n") {
            assert_eq!(
                stream.read(&mut byte).unwrap(),
                1,
                "connection closed mid-head"
            );
            buf.push(byte[0]);
        }
        let head = String::from_utf8(buf).unwrap();
        let status: u16 = head[9..12].parse().unwrap();
        let length = head
            .lines()
            .find_map(|l| {
                l.to_ascii_lowercase()
                    .strip_prefix("content-length:")
                    .map(|v| v.trim().parse::<usize>().unwrap())
            })
            .unwrap_or(0);
        let mut body = vec![0; length];
        stream.read_exact(&mut body).unwrap();
        (status, head, String::from_utf8(body).unwrap())
    }

    #[test]
    fn chunked_body_expect_continue_and_keep_alive() {
        let mock = VendorMock::start();
        let mut s = connect(&mock);
        let body = "type_name=user&uuid=c1b6e517-9930-47dd-9fd5-d692053151ce";
        let (a, b) = body.split_at(20);
        write!(
            s,
            "POST /entity.delete HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\n\
             Transfer-Encoding: chunked\r\nExpect: 100-continue\r\n\r\n"
        )
        .unwrap();
        let (status, _, _) = read_response(&mut s);
        assert_eq!(status, 100);
        write!(
            s,
            "{:x};ext=1\r\n{a}\r\n{:x}\r\n{b}\r\n0\r\nX-Trailer: y\r\n\r\n",
            a.len(),
            b.len()
        )
        .unwrap();
        let (status, _, answer) = read_response(&mut s);
        assert_eq!((status, answer.as_str()), (200, r#"{"stat":"ok"}"#));
        // Same connection, second request.
        write!(
            s,
            "GET /entity.delete?type_name=user HTTP/1.1\r\nHost: x\r\n\r\n"
        )
        .unwrap();
        let (status, _, answer) = read_response(&mut s);
        assert_eq!(status, 405, "{answer}");
        let requests = mock.requests();
        assert_eq!(requests.len(), 2);
        assert_eq!(requests[0].body_text(), body);
        assert_eq!(
            requests[0].form_param("uuid").as_deref(),
            Some("c1b6e517-9930-47dd-9fd5-d692053151ce")
        );
        assert_eq!(
            requests[1].query,
            vec![("type_name".to_string(), "user".to_string())]
        );
    }

    #[test]
    fn janrain_answers_stat_error_for_bad_arguments() {
        let mock = VendorMock::start();
        let post = |body: &str, query: &str| {
            let mut s = connect(&mock);
            write!(
                s,
                "POST /entity.delete{query} HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\n\
                 Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            )
            .unwrap();
            let (status, _, answer) = read_response(&mut s);
            assert_eq!(status, 200);
            serde_json::from_str::<serde_json::Value>(&answer).unwrap()
        };
        assert_eq!(
            post(
                "type_name=user&key_attribute=email&key_value=%22a%40b.c%22",
                ""
            )["stat"],
            "ok"
        );
        assert_eq!(
            post("type_name=user&key_attribute=email&key_value=a%40b.c", "")["error"],
            "invalid_argument"
        );
        assert_eq!(
            post("type_name=user&uuid=not-a-uuid", "")["error"],
            "invalid_argument"
        );
        assert_eq!(
            post(
                "type_name=user&id=12&uuid=c1b6e517-9930-47dd-9fd5-d692053151ce",
                ""
            )["code"],
            201
        );
        assert_eq!(
            post("uuid=c1b6e517-9930-47dd-9fd5-d692053151ce", "")["stat"],
            "error"
        );
        assert_eq!(post("", "?type_name=user&id=12")["stat"], "error");
    }

    #[test]
    fn rsa_mark_deleted_needs_a_boolean_and_a_disabled_user() {
        let mock = VendorMock::start();
        let put = |path: &str, body: &str| {
            let mut s = connect(&mock);
            write!(
                s,
                "PUT /AdminInterface/restapi/v1/users/{path} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer t\r\n\
                 Content-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
                body.len()
            )
            .unwrap();
            let (status, _, answer) = read_response(&mut s);
            (status, answer)
        };
        assert_eq!(put("u1/markDeleted", r#"{"markDeleted":true}"#).0, 409);
        mock.seed_rsa_disabled("u1");
        assert_eq!(put("u1/markDeleted", r#"{"markDeleted":"true"}"#).0, 400);
        assert!(put("u1/markDeleted", r#"{"markDeleted":true,"x":1}"#)
            .1
            .contains("Unexpected parameters"));
        assert_eq!(put("u1/markDeleted", r#"{"markDeleted":true}"#).0, 200);
        assert!(mock.rsa_is_marked_deleted("u1"));
        assert_eq!(put("u2/userStatus", r#"{"userStatus":"Disabled"}"#).0, 200);
        assert_eq!(put("u2/markDeleted", r#"{"markDeleted":true}"#).0, 200);
    }

    #[test]
    fn learning360_lists_users_page_by_page() {
        let mock = VendorMock::start();
        mock.set_360_page_size(2);
        let mut s = connect(&mock);
        let body = r#"{"grant_type":"client_credentials","client_id":"mock-360-client-id","client_secret":"mock-360-client-secret"}"#;
        write!(s, "POST /api/v2/oauth2/token HTTP/1.1\r\nHost: h\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}", body.len()).unwrap();
        let (status, _, answer) = read_response(&mut s);
        assert_eq!(status, 200, "{answer}");
        let token = serde_json::from_str::<serde_json::Value>(&answer).unwrap()["access_token"]
            .as_str()
            .unwrap()
            .to_string();
        let get = |s: &mut TcpStream, target: &str, version: &str| {
            write!(s, "GET {target} HTTP/1.1\r\nHost: h\r\nAuthorization: Bearer {token}\r\n{version}\r\n").unwrap();
            read_response(s)
        };
        let (status, _, _) = get(&mut s, "/api/v2/users", "");
        assert_eq!(status, 400, "the version header is required");
        let (status, head, page1) = get(&mut s, "/api/v2/users", "360-api-version: v2.0\r\n");
        assert_eq!(status, 200);
        assert!(
            head.contains("Link: <http://h/api/v2/users?page=2>; rel=\"next\""),
            "{head}"
        );
        assert_eq!(
            serde_json::from_str::<serde_json::Value>(&page1)
                .unwrap()
                .as_array()
                .unwrap()
                .len(),
            2
        );
        let (_, head, _) = get(&mut s, "/api/v2/users?page=2", "360-api-version: v2.0\r\n");
        assert!(!head.contains("Link:"), "{head}");
        let (_, _, found) = get(
            &mut s,
            "/api/v2/users?mail%5Beq%5D=bob.nguyen%40acme.com",
            "360-api-version: v2.0\r\n",
        );
        assert_eq!(
            serde_json::from_str::<serde_json::Value>(&found).unwrap()[0]["_id"],
            "5f1e0c2a9b8d7e6f5a4b3c22"
        );
        let (_, _, none) = get(
            &mut s,
            "/api/v2/users?mail[eq]=nobody@acme.com",
            "360-api-version: v2.0\r\n",
        );
        assert_eq!(none, "[]");
    }

    #[test]
    fn dropping_the_mock_closes_idle_connections() {
        let mock = VendorMock::start();
        let mut s = connect(&mock);
        drop(mock);
        let mut buf = [0u8; 1];
        assert!(
            matches!(s.read(&mut buf), Ok(0) | Err(_)),
            "the connection stayed open"
        );
    }
}
