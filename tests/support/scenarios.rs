//! The end-to-end world, shared by the suites of every language (`tests/e2e.rs` for
//! JavaScript, `tests/e2e_python.rs`, `tests/e2e_shell.rs`): the environment the scripts
//! run in, the contracts the mock's requests must meet, and the three stages per
//! scenario (`expected`, `deprecated`, `fixed`; see `tests/e2e.rs`).
//!
//! A scenario `<contract>_<client>` is a script `fixtures/fix/e2e/<name>.<ext>` (the
//! deprecated original) with its hand-migrated `expected/<name>.<ext>`.
#![allow(dead_code)]

use crate::vendor_mock::{
    self, RecordedRequest, VendorMock, AURORA_GRAPHQL_PATH, CLOSE_USER_ACCOUNT,
};
use crate::{node, python, shell};
use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::Duration;

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

/// A Quorvex (made-up vendor) account, and one that deactivation leaves active.
const QUORVEX_ACCOUNT_ID: &str = "acct-2291";
const QUORVEX_PROTECTED_ID: &str = "acct-0001";

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
        ("JANRAIN_BASE", base.clone()),
        ("QUORVEX_BASE", base),
        ("QUORVEX_CLIENT_ID", vendor_mock::QUORVEX_CLIENT_ID.into()),
        (
            "QUORVEX_CLIENT_SECRET",
            vendor_mock::QUORVEX_CLIENT_SECRET.into(),
        ),
        ("QUORVEX_ACCOUNT_ID", QUORVEX_ACCOUNT_ID.into()),
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
    /// A rule pack the fix loads with `--rules` (a path in the crate).
    rules: Option<&'static str>,
}

fn scenario(name: &str) -> Scenario {
    let plain = |check: fn(&[RecordedRequest]) -> Result<(), String>, original| Scenario {
        seed: |_| {},
        check,
        original,
        config: &[],
        rules: None,
    };
    // Scenarios are named `<contract>_<client>`: the contract is found by prefix, so a
    // script in another language joins by its name alone.
    let contract = |prefix: &str| name.starts_with(prefix);
    if contract("aurora_delete_") {
        plain(check_close_user_account, Original::Refused)
    } else if contract("learning360_remove_from_group_") {
        Scenario {
            seed: seed_jane,
            check: check_group_removal_by_email,
            original: Original::Refused,
            config: &[],
            rules: None,
        }
    } else if contract("learning360_delete_user_literal_email") {
        Scenario {
            seed: seed_jane,
            check: check_user_delete_by_mapped_id,
            original: Original::Refused,
            config: &[
                (
                    "apimigrate.toml",
                    "[learning360]\nuser_ids = \"users.json\"\n",
                ),
                (
                    "users.json",
                    "{\"jane.doe@acme.com\": \"64b7f0c2a1e4d3b2c1a09f87\"}\n",
                ),
            ],
            rules: None,
        }
    } else if contract("rsa_mark_deleted_string") {
        Scenario {
            seed: |mock| mock.seed_rsa_disabled(SECURID_USER_ID),
            check: check_mark_deleted,
            original: Original::Refused,
            config: &[],
            rules: None,
        }
    } else if contract("rsa_delete_user") {
        plain(check_disable_then_mark_deleted, Original::BreaksContract)
    } else if contract("quorvex_deactivate_") {
        // A made-up vendor whose migration is one pack file, loaded with `--rules`.
        Scenario {
            seed: |mock| mock.seed_quorvex_protected(QUORVEX_PROTECTED_ID),
            check: check_quorvex_deactivation,
            original: Original::Refused,
            config: &[],
            rules: Some("tests/packs/quorvex.toml"),
        }
    } else if contract("janrain_key_value") {
        plain(check_janrain_delete_by_key, Original::Refused)
    } else if contract("janrain_delete_get") {
        plain(check_janrain_delete_by_uuid, Original::Refused)
    } else {
        panic!(
            "no e2e contract for a scenario named {name:?}: name it after one in scenario() of tests/support/scenarios.rs"
        )
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
    let delete = v2_delete(requests, &delete_path)?;
    ensure!(
        delete.body.is_empty(),
        "the v2 DELETE takes no body, got {:?}",
        delete.body_text()
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
    v2_delete(requests, &format!("/api/v2/users/{JANE_ID}"))?;
    Ok(())
}

/// The one request to a 360Learning v2 `path`: a DELETE without v1 query credentials,
/// answered 204.
fn v2_delete<'a>(
    requests: &'a [RecordedRequest],
    path: &str,
) -> Result<&'a RecordedRequest, String> {
    let delete = exactly_one(requests, path)?;
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
    Ok(delete)
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

/// Quorvex v2: a token from the client credentials, then one deactivation with it,
/// answered `status.deactivated: true`.
fn check_quorvex_deactivation(requests: &[RecordedRequest]) -> Result<(), String> {
    all_accepted(requests)?;
    let tokens = to(requests, "/quorvex/v2/token");
    ensure!(
        !tokens.is_empty(),
        "no token was requested (POST /quorvex/v2/token)"
    );
    for t in &tokens {
        let body = t.json().unwrap_or(Value::Null);
        ensure!(
            body["client_id"] == vendor_mock::QUORVEX_CLIENT_ID
                && body["client_secret"] == vendor_mock::QUORVEX_CLIENT_SECRET,
            "the token request must send QUORVEX_CLIENT_ID/SECRET: {t}"
        );
    }
    let r = exactly_one(
        requests,
        &format!("/quorvex/v2/accounts/{QUORVEX_ACCOUNT_ID}/deactivate"),
    )?;
    ensure!(
        r.method == "POST",
        "the deactivation must be a POST, was {}",
        r.method
    );
    ensure!(
        r.bearer().is_some(),
        "the deactivation lacks `Authorization: Bearer`"
    );
    let answer: Value = serde_json::from_str(&r.response_body).unwrap_or(Value::Null);
    ensure!(
        answer["status"]["deactivated"] == true,
        "the account was not deactivated: {}",
        r.response_body
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

/// Runs a script with the interpreter of its language: `.js` with node, `.py` with the
/// test virtualenv's python, `.sh` with bash (and the system's curl).
pub fn run_script(script: &Path, env: &[(&str, &str)]) -> Output {
    match script.extension().and_then(|e| e.to_str()) {
        Some("js") => node::run_node(script, env),
        Some("py") => python::run_python(script, env),
        Some("sh") => shell::run_shell(script, env),
        other => panic!("no interpreter for {} ({other:?})", script.display()),
    }
}

/// A job whose API version path is a constant of another module (`module`: its file
/// name and text), `{query}` in the job standing for the CloseUserAccount mutation as a
/// JSON string. Before the fix its request goes to API 2.0 and is refused; `fix` edits
/// the constant there (to `fixed_line`) and leaves the job as written; the fixed job's
/// request reaches the API 2.1 GraphQL endpoint and succeeds.
pub fn run_fixed_across_modules(job_name: &str, job: &str, module: (&str, &str), fixed_line: &str) {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(dir.path().join(module.0), module.1).unwrap();
    let query = serde_json::to_string(CLOSE_USER_ACCOUNT).unwrap();
    let job = job.replace("{query}", &query);
    let script = dir.path().join(job_name);
    std::fs::write(&script, &job).unwrap();
    let run = || {
        let mock = VendorMock::start();
        let base = mock.base_url();
        let output = run_script(
            &script,
            &[("KHOROS_BASE", &base), ("KHOROS_SESSION_KEY", "session")],
        );
        (mock, output)
    };
    let (mock, output) = run();
    let requests = mock.requests();
    assert!(!output.status.success(), "{}", report(&mock, &output));
    assert_eq!(
        requests[0].path,
        "/api/2.0/graphql",
        "{}",
        report(&mock, &output)
    );
    assert_eq!(requests[0].status, 401);
    let fixed = Command::new(env!("CARGO_BIN_EXE_apimigrate"))
        .args(["fix", "--unsafe-fixes", "--no-config", "."])
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert!(fixed.status.code().is_some_and(|c| c <= 1), "{fixed:?}");
    // The job is as written: the constant was fixed where it is defined.
    assert_eq!(std::fs::read_to_string(&script).unwrap(), job);
    let settings = std::fs::read_to_string(dir.path().join(module.0)).unwrap();
    assert!(settings.contains(fixed_line), "{settings}");
    let (mock, output) = run();
    let requests = mock.requests();
    assert!(output.status.success(), "{}", report(&mock, &output));
    assert_eq!(requests.len(), 1, "{}", report(&mock, &output));
    assert_eq!(requests[0].path, AURORA_GRAPHQL_PATH);
    assert_eq!(requests[0].status, 200);
}

/// Starts a seeded mock, runs `script` against it; returns the mock (for its requests)
/// and the interpreter's output.
fn run_against_mock(script: &Path, scenario: &Scenario) -> (VendorMock, Output) {
    let mock = VendorMock::start();
    (scenario.seed)(&mock);
    let env = script_env(&mock);
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let output = run_script(script, &env);
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
        "--- script\n{}--- requests the mock received\n{}",
        node::describe(output),
        mock.transcript()
    )
}

pub fn run_expected(name: &str, ext: &str) {
    let script = e2e_fixtures()
        .join("expected")
        .join(format!("{name}.{ext}"));
    let scenario = scenario(name);
    let (mock, output) = run_against_mock(&script, &scenario);
    if let Err(why) = verdict(&scenario, &mock, &output) {
        panic!("\n{}: {why}\n{}", script.display(), report(&mock, &output));
    }
}

/// Asserts that the deprecated script at `script` goes wrong the way the scenario says.
fn assert_original_goes_wrong(name: &str, script: &Path) {
    let file = script.file_name().unwrap().to_string_lossy();
    let scenario = scenario(name);
    let (mock, output) = run_against_mock(script, &scenario);
    let contract = (scenario.check)(&mock.requests());
    let as_expected = match scenario.original {
        Original::Refused => !output.status.success(),
        Original::BreaksContract => output.status.success() && contract.is_err(),
    };
    assert!(
        as_expected,
        "\nthe deprecated {file} ({name}) should be {:?} by the mock, but it {} (contract: {contract:?})\n{}",
        scenario.original,
        if output.status.success() { "exited 0" } else { "failed" },
        report(&mock, &output)
    );
    assert!(
        !mock.requests().is_empty(),
        "the deprecated {file} sent nothing\n{}",
        report(&mock, &output)
    );
}

pub fn run_deprecated(name: &str, ext: &str) {
    assert_original_goes_wrong(name, &e2e_fixtures().join(format!("{name}.{ext}")));
}

/// The original script, copied to a temp dir and fixed by the binary: the dir, the
/// script's path in it, and a report of the fix for failure messages.
fn fix_copy(name: &str, ext: &str, scenario: &Scenario) -> (tempfile::TempDir, PathBuf, String) {
    let original = std::fs::read_to_string(e2e_fixtures().join(format!("{name}.{ext}")))
        .expect("read the fixture");
    let dir = tempfile::tempdir().expect("temp dir");
    let file_name = format!("{name}.{ext}");
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
    if let Some(pack) = scenario.rules {
        command
            .arg("--rules")
            .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join(pack));
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
    (dir, script, fix_report)
}

pub fn run_fixed(name: &str, ext: &str) {
    let scenario = scenario(name);
    let (_dir, script, fix_report) = fix_copy(name, ext, &scenario);
    let (mock, output) = run_against_mock(&script, &scenario);
    if let Err(why) = verdict(&scenario, &mock, &output) {
        panic!(
            "\n{name}: the FIXED script does not meet the new contract: {why}\n{fix_report}{}",
            report(&mock, &output)
        );
    }
}

/// The fixed Quorvex script stops when the service answers 200 but leaves the account
/// active: the response check the pack asks for is in the fixed code, and it works.
pub fn run_fixed_quorvex_on_a_protected_account(name: &str, ext: &str) {
    let scenario = scenario(name);
    let (_dir, script, fix_report) = fix_copy(name, ext, &scenario);
    let mock = VendorMock::start();
    (scenario.seed)(&mock);
    let mut env = script_env(&mock);
    for (k, v) in &mut env {
        if *k == "QUORVEX_ACCOUNT_ID" {
            *v = QUORVEX_PROTECTED_ID.into();
        }
    }
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let output = run_script(&script, &env);
    let deactivations: Vec<_> = mock
        .requests()
        .into_iter()
        .filter(|r| r.path.ends_with("/deactivate"))
        .collect();
    assert!(
        deactivations.len() == 1 && deactivations[0].status == 200,
        "\n{name}: expected one deactivation answered 200\n{fix_report}{}",
        report(&mock, &output)
    );
    assert!(
        !output.status.success(),
        "\n{name}: the fixed script exited 0 although the account stayed active\n{fix_report}{}",
        report(&mock, &output)
    );
}

/// One test module per stage, one test per scenario, for the scripts of one language
/// (`$ext`: `js`, `py`, `sh`) in `fixtures/fix/e2e/` and `fixtures/fix/e2e/expected/`.
macro_rules! scenarios {
    ($ext:literal: $($name:ident),+ $(,)?) => {
        const SCENARIOS: &[&str] = &[$(stringify!($name)),+];

        /// (a) The hand-migrated scripts meet the new contracts.
        mod expected {
            $(#[test] fn $name() { $crate::scenarios::run_expected(stringify!($name), $ext); })+

            #[test]
            fn every_e2e_fixture_has_a_scenario() {
                $crate::scenarios::every_e2e_fixture_has_a_scenario($ext, super::SCENARIOS);
            }
        }

        /// The deprecated originals go wrong against the new APIs.
        mod deprecated {
            $(#[test] fn $name() { $crate::scenarios::run_deprecated(stringify!($name), $ext); })+
        }

        /// (b) The originals, fixed by `apimigrate fix --unsafe-fixes`, meet the contracts.
        mod fixed {
            $(#[test] fn $name() { $crate::scenarios::run_fixed(stringify!($name), $ext); })+
        }
    };
}

fn stems(dir: &Path, ext: &str) -> Vec<String> {
    let mut stems: Vec<String> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == ext))
        .map(|p| p.file_stem().unwrap().to_string_lossy().into_owned())
        .collect();
    stems.sort();
    stems
}

pub fn every_e2e_fixture_has_a_scenario(ext: &str, scenarios: &[&str]) {
    let originals = stems(&e2e_fixtures(), ext);
    let expected = stems(&e2e_fixtures().join("expected"), ext);
    let mut scenarios: Vec<String> = scenarios.iter().map(|s| s.to_string()).collect();
    scenarios.sort();
    assert_eq!(
        originals, expected,
        "every fixtures/fix/e2e/<name>.{ext} needs expected/<name>.{ext} and back"
    );
    assert_eq!(
        originals, scenarios,
        "every fixtures/fix/e2e/<name>.{ext} needs a scenario in its tests/e2e*.rs"
    );
}
