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
#[path = "support/vendor_mock.rs"]
mod vendor_mock;

use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::Duration;
use vendor_mock::{RecordedRequest, VendorMock, AURORA_GRAPHQL_PATH, CLOSE_USER_ACCOUNT};

// --- the world the scripts run in ------------------------------------------------

const KHOROS_SESSION_KEY: &str = "mock-li-session-key-7f3a";
const KHOROS_USER_ID: &str = "4711";
const AURORA_PASSWORD: &str = "correct horse battery staple";

const LEARNING360_COMPANY: &str = "5a1b2c3d4e5f6a7b8c9d0e1f";
const LEARNING360_API_KEY: &str = "v1-api-key-0000";
const GROUP_ID: &str = "58eb608a1a92bb4fb56b31a0";
const JANE_EMAIL: &str = "jane.doe@acme.com";
/// Jane's internal id; also literal in `expected/learning360_delete_user_literal_email.js`.
const JANE_ID: &str = "64b7f0c2a1e4d3b2c1a09f87";

const SECURID_TOKEN: &str = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJtb2NrIn0.c2lnbmF0dXJl";
const SECURID_USER_ID: &str = "eb2e12ae-1112-451b-98e1-dfe4e6afd60d";

const JANRAIN_BASIC_AUTH: &str = "bW9jay1jbGllbnQ6bW9jay1zZWNyZXQ=";
const JANRAIN_UUID: &str = "c1b6e517-9930-47dd-9fd5-d692053151ce";
/// The literal key_value in `janrain_key_value.js`.
const QA_BOT_EMAIL: &str = "qa-bot@acme.com";

/// The environment every script gets: all four vendors point at the mock.
fn script_env(mock: &VendorMock) -> Vec<(&'static str, String)> {
    let base = mock.base_url();
    vec![
        ("KHOROS_BASE", base.clone()),
        ("KHOROS_SESSION_KEY", KHOROS_SESSION_KEY.into()),
        ("KHOROS_USER_ID", KHOROS_USER_ID.into()),
        ("AURORA_PASSWORD", AURORA_PASSWORD.into()),
        ("LEARNING360_BASE", base.clone()),
        ("LEARNING360_COMPANY", LEARNING360_COMPANY.into()),
        ("LEARNING360_API_KEY", LEARNING360_API_KEY.into()),
        (
            "LEARNING360_CLIENT_ID",
            vendor_mock::LEARNING360_CLIENT_ID.into(),
        ),
        (
            "LEARNING360_CLIENT_SECRET",
            vendor_mock::LEARNING360_CLIENT_SECRET.into(),
        ),
        ("LEARNING360_GROUP_ID", GROUP_ID.into()),
        ("LEARNING360_USER_EMAIL", JANE_EMAIL.into()),
        ("SECURID_BASE", base.clone()),
        ("SECURID_TOKEN", SECURID_TOKEN.into()),
        ("SECURID_USER_ID", SECURID_USER_ID.into()),
        ("JANRAIN_BASE", base),
        ("JANRAIN_BASIC_AUTH", JANRAIN_BASIC_AUTH.into()),
        ("JANRAIN_UUID", JANRAIN_UUID.into()),
    ]
}

// --- scenarios ---------------------------------------------------------------------

/// How the deprecated original goes wrong against the mock.
#[derive(Clone, Copy, Debug)]
enum Original {
    /// The service refuses it (401 on API 2.0 / v1, 405, `stat:error`): the script exits non-zero.
    Refused,
    /// It works, but not the way the migration asks (an irreversible DELETE instead of
    /// markDeleted): the script exits 0 and the contract check fails.
    BreaksContract,
}

struct Scenario {
    seed: fn(&VendorMock),
    check: fn(&[RecordedRequest]) -> Result<(), String>,
    original: Original,
    /// Files written next to the fixed script; when there are any, `apimigrate` reads
    /// the `apimigrate.toml` among them instead of running with `--no-config`.
    config: &'static [(&'static str, &'static str)],
}

fn scenario(name: &str) -> Scenario {
    let plain = |check: fn(&[RecordedRequest]) -> Result<(), String>, original| Scenario {
        seed: |_| {},
        check,
        original,
        config: &[],
    };
    match name {
        "aurora_delete_fetch" | "aurora_delete_axios" => plain(check_close_user_account, Original::Refused),
        "learning360_remove_from_group_axios" | "learning360_remove_from_group_fetch" => Scenario {
            seed: seed_jane,
            check: check_group_removal_by_email,
            original: Original::Refused,
            config: &[],
        },
        "learning360_delete_user_literal_email" => Scenario {
            seed: seed_jane,
            check: check_user_delete_by_mapped_id,
            original: Original::Refused,
            config: &[
                ("apimigrate.toml", "[learning360]\nuser_ids = \"users.json\"\n"),
                ("users.json", "{\"jane.doe@acme.com\": \"64b7f0c2a1e4d3b2c1a09f87\"}\n"),
            ],
        },
        "rsa_mark_deleted_string" => Scenario {
            seed: |mock| mock.seed_rsa_disabled(SECURID_USER_ID),
            check: check_mark_deleted,
            original: Original::Refused,
            config: &[],
        },
        "rsa_delete_user" => plain(check_disable_then_mark_deleted, Original::BreaksContract),
        "janrain_key_value" => plain(check_janrain_delete_by_key, Original::Refused),
        "janrain_delete_get" => plain(check_janrain_delete_by_uuid, Original::Refused),
        other => panic!(
            "no e2e scenario named {other:?}: add it to `scenarios!` and `scenario()` in tests/e2e.rs"
        ),
    }
}

fn seed_jane(mock: &VendorMock) {
    mock.seed_360_user(JANE_EMAIL, JANE_ID, &[GROUP_ID]);
}

// --- contract checks, shared by `expected`, `deprecated` and `fixed` -----------------

macro_rules! ensure {
    ($cond:expr, $($msg:tt)+) => {
        if !$cond {
            return Err(format!($($msg)+));
        }
    };
}

/// Requests whose path is `path`.
fn to<'a>(requests: &'a [RecordedRequest], path: &str) -> Vec<&'a RecordedRequest> {
    requests.iter().filter(|r| r.path == path).collect()
}

/// The one request to `path`.
fn exactly_one<'a>(
    requests: &'a [RecordedRequest],
    path: &str,
) -> Result<&'a RecordedRequest, String> {
    match to(requests, path).as_slice() {
        [one] => Ok(one),
        many => Err(format!(
            "expected exactly one request to {path}, got {}",
            many.len()
        )),
    }
}

/// Every request was accepted, and none used a retired API.
fn all_accepted(requests: &[RecordedRequest]) -> Result<(), String> {
    for r in requests {
        ensure!(
            !r.path.contains("/api/2.0/") && !r.path.starts_with("/api/v1/"),
            "a request still uses a retired API: {} {}",
            r.method,
            r.path
        );
        ensure!(
            r.status < 400,
            "the mock refused {} {} with {}: {}",
            r.method,
            r.path,
            r.status,
            r.response_body
        );
    }
    Ok(())
}

fn check_close_user_account(requests: &[RecordedRequest]) -> Result<(), String> {
    all_accepted(requests)?;
    let r = exactly_one(requests, AURORA_GRAPHQL_PATH)?;
    ensure!(
        r.method == "POST",
        "CloseUserAccount must be a POST, was {}",
        r.method
    );
    ensure!(
        r.media_type().as_deref() == Some("application/json"),
        "Content-Type must be application/json, was {:?}",
        r.header("content-type")
    );
    let body = r
        .json()
        .ok_or_else(|| format!("the GraphQL body is not JSON: {}", r.body_text()))?;
    ensure!(
        body["operationName"] == "CloseUserAccount",
        "operationName is {}",
        body["operationName"]
    );
    ensure!(
        body["query"] == CLOSE_USER_ACCOUNT,
        "the query is not the seed's CloseUserAccount mutation:\n  sent:     {}\n  expected: {CLOSE_USER_ACCOUNT:?}",
        body["query"]
    );
    let id = format!("user:{KHOROS_USER_ID}");
    ensure!(
        body["variables"]["id"] == id.as_str(),
        "variables.id is {}, expected {id:?}",
        body["variables"]["id"]
    );
    ensure!(
        body["variables"]["password"] == AURORA_PASSWORD,
        "variables.password is {}, expected the value of AURORA_PASSWORD",
        body["variables"]["password"]
    );
    ensure!(
        r.header("li-api-session-key") == Some(KHOROS_SESSION_KEY),
        "the li-api-session-key header was not kept: {:?}",
        r.header("li-api-session-key")
    );
    let answer: Value = serde_json::from_str(&r.response_body).unwrap_or(Value::Null);
    ensure!(
        answer["data"]["closeUserAccount"]["result"] == true,
        "the mock did not close the account: {}",
        r.response_body
    );
    Ok(())
}

/// The 360Learning v2 calls all carry a bearer token the mock issued (it refuses
/// others) and the version header.
fn check_360_token(requests: &[RecordedRequest]) -> Result<(), String> {
    let tokens = to(requests, "/api/v2/oauth2/token");
    ensure!(
        !tokens.is_empty(),
        "no OAuth2 token was requested (POST /api/v2/oauth2/token)"
    );
    for t in &tokens {
        let body = t.json().unwrap_or(Value::Null);
        ensure!(
            t.method == "POST"
                && body["grant_type"] == "client_credentials"
                && body["client_id"] == vendor_mock::LEARNING360_CLIENT_ID
                && body["client_secret"] == vendor_mock::LEARNING360_CLIENT_SECRET,
            "the token request must POST the client credentials from LEARNING360_CLIENT_ID/SECRET: {t}"
        );
    }
    for r in requests
        .iter()
        .filter(|r| r.path.starts_with("/api/v2/") && r.path != "/api/v2/oauth2/token")
    {
        ensure!(
            r.header("360-api-version") == Some("v2.0"),
            "{} {} lacks `360-api-version: v2.0`",
            r.method,
            r.path
        );
        ensure!(
            r.bearer().is_some(),
            "{} {} lacks `Authorization: Bearer`",
            r.method,
            r.path
        );
    }
    Ok(())
}

fn check_group_removal_by_email(requests: &[RecordedRequest]) -> Result<(), String> {
    all_accepted(requests)?;
    check_360_token(requests)?;
    let delete_path = format!("/api/v2/groups/{GROUP_ID}/learner/{JANE_ID}");
    let delete = exactly_one(requests, &delete_path)?;
    ensure!(
        delete.method == "DELETE",
        "{delete_path} must be a DELETE, was {}",
        delete.method
    );
    ensure!(
        delete.body.is_empty(),
        "the v2 DELETE takes no body, got {:?}",
        delete.body_text()
    );
    ensure!(
        delete.raw_query.is_none(),
        "the v2 DELETE takes no query (v1 credentials?): {:?}",
        delete.raw_query
    );
    ensure!(
        delete.status == 204,
        "the DELETE was answered {}",
        delete.status
    );
    // The id came from the directory, looked up by e-mail before the DELETE.
    let delete_at = requests
        .iter()
        .position(|r| r.path == delete_path)
        .unwrap_or(0);
    let looked_up = requests[..delete_at].iter().any(|r| {
        r.method == "GET"
            && r.path == "/api/v2/users"
            && r.status == 200
            && r.query_param("mail[eq]")
                .is_none_or(|mail| mail.eq_ignore_ascii_case(JANE_EMAIL))
    });
    ensure!(looked_up, "the user id was not resolved from {JANE_EMAIL} with GET /api/v2/users?mail[eq]= before the DELETE");
    Ok(())
}

fn check_user_delete_by_mapped_id(requests: &[RecordedRequest]) -> Result<(), String> {
    all_accepted(requests)?;
    check_360_token(requests)?;
    let path = format!("/api/v2/users/{JANE_ID}");
    let delete = exactly_one(requests, &path)?;
    ensure!(
        delete.method == "DELETE",
        "{path} must be a DELETE, was {}",
        delete.method
    );
    ensure!(
        delete.raw_query.is_none(),
        "the v2 DELETE takes no query (v1 credentials?): {:?}",
        delete.raw_query
    );
    ensure!(
        delete.status == 204,
        "the DELETE was answered {}",
        delete.status
    );
    Ok(())
}

fn rsa_path(action: Option<&str>) -> String {
    match action {
        Some(action) => format!("/AdminInterface/restapi/v1/users/{SECURID_USER_ID}/{action}"),
        None => format!("/AdminInterface/restapi/v1/users/{SECURID_USER_ID}"),
    }
}

fn check_mark_deleted(requests: &[RecordedRequest]) -> Result<(), String> {
    all_accepted(requests)?;
    ensure!(
        to(requests, &rsa_path(None)).is_empty(),
        "the user was DELETEd, not marked deleted"
    );
    let r = exactly_one(requests, &rsa_path(Some("markDeleted")))?;
    ensure!(
        r.method == "PUT",
        "markDeleted must be a PUT, was {}",
        r.method
    );
    ensure!(
        r.bearer() == Some(SECURID_TOKEN),
        "Authorization must be `Bearer <SECURID_TOKEN>`: {:?}",
        r.header("authorization")
    );
    ensure!(
        r.json() == Some(json!({ "markDeleted": true })),
        "the body must be exactly {{\"markDeleted\": true}} (a JSON boolean), was {}",
        r.body_text()
    );
    ensure!(
        r.status == 200,
        "markDeleted was answered {}: {}",
        r.status,
        r.response_body
    );
    Ok(())
}

fn check_disable_then_mark_deleted(requests: &[RecordedRequest]) -> Result<(), String> {
    check_mark_deleted(requests)?;
    let status_path = rsa_path(Some("userStatus"));
    let disabled_at = requests.iter().position(|r| {
        r.path == status_path
            && r.method == "PUT"
            && r.json() == Some(json!({ "userStatus": "Disabled" }))
    });
    let marked_at = requests
        .iter()
        .position(|r| r.path == rsa_path(Some("markDeleted")));
    ensure!(
        disabled_at.is_some() && disabled_at < marked_at,
        "the user must be disabled (PUT userStatus {{\"userStatus\":\"Disabled\"}}) before markDeleted"
    );
    Ok(())
}

/// One form POST to /entity.delete, nothing in the query, answered `stat: ok`.
fn check_janrain_form_post(requests: &[RecordedRequest]) -> Result<&RecordedRequest, String> {
    all_accepted(requests)?;
    let r = exactly_one(requests, "/entity.delete")?;
    ensure!(
        r.method == "POST",
        "entity.delete must be a POST, was {}",
        r.method
    );
    ensure!(
        r.raw_query.is_none(),
        "entity.delete parameters must not be in the query string: ?{}",
        r.raw_query.as_deref().unwrap_or("")
    );
    ensure!(
        r.media_type().as_deref() == Some("application/x-www-form-urlencoded"),
        "entity.delete must be form-encoded, Content-Type was {:?}",
        r.header("content-type")
    );
    ensure!(
        r.header("authorization") == Some(format!("Basic {JANRAIN_BASIC_AUTH}").as_str()),
        "the Basic credentials were not kept: {:?}",
        r.header("authorization")
    );
    ensure!(
        r.form_param("type_name").as_deref() == Some("user"),
        "type_name must be `user`: {}",
        r.body_text()
    );
    let answer: Value = serde_json::from_str(&r.response_body).unwrap_or(Value::Null);
    ensure!(
        answer["stat"] == "ok",
        "Capture answered {}",
        r.response_body
    );
    Ok(r)
}

fn check_janrain_delete_by_key(requests: &[RecordedRequest]) -> Result<(), String> {
    let r = check_janrain_form_post(requests)?;
    ensure!(
        r.form_param("key_attribute").as_deref() == Some("email"),
        "key_attribute must be `email`: {}",
        r.body_text()
    );
    let key_value = r.form_param("key_value").unwrap_or_default();
    ensure!(
        serde_json::from_str::<Value>(&key_value).ok() == Some(json!(QA_BOT_EMAIL)),
        "key_value must be the JSON string {:?}, was {key_value:?}",
        format!("\"{QA_BOT_EMAIL}\"")
    );
    Ok(())
}

fn check_janrain_delete_by_uuid(requests: &[RecordedRequest]) -> Result<(), String> {
    let r = check_janrain_form_post(requests)?;
    ensure!(
        r.form_param("uuid").as_deref() == Some(JANRAIN_UUID),
        "uuid must be {JANRAIN_UUID}: {}",
        r.body_text()
    );
    Ok(())
}

// --- running -----------------------------------------------------------------------

fn e2e_fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/fix/e2e")
}

/// Starts a seeded mock, runs `script` against it; returns the mock (for its requests)
/// and node's output.
fn run_against_mock(script: &Path, scenario: &Scenario) -> (VendorMock, Output) {
    let mock = VendorMock::start();
    (scenario.seed)(&mock);
    let env = script_env(&mock);
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let output = node::run_node(script, &env);
    (mock, output)
}

/// `Ok` when the script exited 0 and the mock's requests meet the contract.
fn verdict(scenario: &Scenario, mock: &VendorMock, output: &Output) -> Result<(), String> {
    let contract = (scenario.check)(&mock.requests());
    match (output.status.success(), contract) {
        (true, Ok(())) => Ok(()),
        (false, _) => Err("the script failed".into()),
        (true, Err(why)) => Err(format!("the script exited 0 but broke the contract: {why}")),
    }
}

fn report(mock: &VendorMock, output: &Output) -> String {
    format!(
        "--- node\n{}--- requests the mock received\n{}",
        node::describe(output),
        mock.transcript()
    )
}

fn run_expected(name: &str) {
    let script = e2e_fixtures().join("expected").join(format!("{name}.js"));
    let scenario = scenario(name);
    let (mock, output) = run_against_mock(&script, &scenario);
    if let Err(why) = verdict(&scenario, &mock, &output) {
        panic!("\n{}: {why}\n{}", script.display(), report(&mock, &output));
    }
}

/// Asserts that the deprecated script at `script` goes wrong the way the scenario says.
fn assert_original_goes_wrong(name: &str, script: &Path) {
    let scenario = scenario(name);
    let (mock, output) = run_against_mock(script, &scenario);
    let contract = (scenario.check)(&mock.requests());
    let as_expected = match scenario.original {
        Original::Refused => !output.status.success(),
        Original::BreaksContract => output.status.success() && contract.is_err(),
    };
    assert!(
        as_expected,
        "\nthe deprecated {name}.js should be {:?} by the mock, but it {} (contract: {contract:?})\n{}",
        scenario.original,
        if output.status.success() { "exited 0" } else { "failed" },
        report(&mock, &output)
    );
    assert!(
        !mock.requests().is_empty(),
        "the deprecated {name}.js sent nothing\n{}",
        report(&mock, &output)
    );
}

fn run_deprecated(name: &str) {
    assert_original_goes_wrong(name, &e2e_fixtures().join(format!("{name}.js")));
}

fn run_fixed(name: &str) {
    let scenario = scenario(name);
    let original = std::fs::read_to_string(e2e_fixtures().join(format!("{name}.js")))
        .expect("read the fixture");
    let dir = tempfile::tempdir().expect("temp dir");
    let file_name = format!("{name}.js");
    let script = dir.path().join(&file_name);
    std::fs::write(&script, &original).unwrap();
    for (config_name, text) in scenario.config {
        std::fs::write(dir.path().join(config_name), text).unwrap();
    }

    // Without the fix, the script goes wrong against the new APIs.
    assert_original_goes_wrong(name, &script);

    let mut command = Command::new(env!("CARGO_BIN_EXE_apimigrate"));
    command
        .current_dir(dir.path())
        .env("NO_COLOR", "1")
        .args(["fix", "--unsafe-fixes"]);
    if scenario.config.is_empty() {
        command.arg("--no-config");
    }
    command.arg(&file_name);
    let shown_command = format!("{command:?}");
    let (status, stdout, stderr) = node::run_with_timeout(&mut command, Duration::from_secs(60));
    let fixed = std::fs::read_to_string(&script)
        .unwrap_or_else(|e| format!("<cannot read {}: {e}>", script.display()));
    let fix_report = format!(
        "--- {shown_command}\nexit: {}\n--- apimigrate stdout\n{}--- apimigrate stderr\n{}--- fixed {file_name}\n{fixed}\n",
        status.map_or_else(|| "killed after 60s".to_string(), |s| s.to_string()),
        String::from_utf8_lossy(&stdout),
        String::from_utf8_lossy(&stderr),
    );
    assert!(
        status.is_some_and(|s| matches!(s.code(), Some(0 | 1))),
        "\n{name}: `apimigrate fix` did not run cleanly (exit 0 or 1 expected)\n{fix_report}"
    );
    assert!(
        fixed != original,
        "\n{name}: `apimigrate fix --unsafe-fixes` changed nothing\n{fix_report}"
    );

    let (mock, output) = run_against_mock(&script, &scenario);
    if let Err(why) = verdict(&scenario, &mock, &output) {
        panic!(
            "\n{name}: the FIXED script does not meet the new contract: {why}\n{fix_report}{}",
            report(&mock, &output)
        );
    }
}

macro_rules! scenarios {
    ($($name:ident),+ $(,)?) => {
        const SCENARIOS: &[&str] = &[$(stringify!($name)),+];

        /// (a) The hand-migrated scripts meet the new contracts.
        mod expected {
            $(#[test] fn $name() { super::run_expected(stringify!($name)); })+

            #[test]
            fn every_e2e_fixture_has_a_scenario() {
                super::every_e2e_fixture_has_a_scenario();
            }
        }

        /// The deprecated originals go wrong against the new APIs.
        mod deprecated {
            $(#[test] fn $name() { super::run_deprecated(stringify!($name)); })+
        }

        /// (b) The originals, fixed by `apimigrate fix --unsafe-fixes`, meet the contracts.
        mod fixed {
            $(#[test] fn $name() { super::run_fixed(stringify!($name)); })+
        }
    };
}

scenarios!(
    aurora_delete_fetch,
    aurora_delete_axios,
    learning360_remove_from_group_axios,
    learning360_remove_from_group_fetch,
    learning360_delete_user_literal_email,
    rsa_mark_deleted_string,
    rsa_delete_user,
    janrain_key_value,
    janrain_delete_get,
);

fn js_stems(dir: &Path) -> Vec<String> {
    let mut stems: Vec<String> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "js"))
        .map(|p| p.file_stem().unwrap().to_string_lossy().into_owned())
        .collect();
    stems.sort();
    stems
}

fn every_e2e_fixture_has_a_scenario() {
    let originals = js_stems(&e2e_fixtures());
    let expected = js_stems(&e2e_fixtures().join("expected"));
    let mut scenarios: Vec<String> = SCENARIOS.iter().map(|s| s.to_string()).collect();
    scenarios.sort();
    assert_eq!(
        originals, expected,
        "every fixtures/fix/e2e/<name>.js needs expected/<name>.js and back"
    );
    assert_eq!(
        originals, scenarios,
        "every fixtures/fix/e2e/<name>.js needs a scenario in tests/e2e.rs"
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
