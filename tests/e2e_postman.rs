//! End-to-end proof for Postman collections: a collection of deprecated offboarding
//! requests (`fixtures/fix/e2e/postman/`) is fixed with `apimigrate fix --unsafe-fixes`
//! in a temp dir and run with **newman** (the Postman runner, pinned in
//! `tests/e2e/package-lock.json`) against the local vendor mock. newman must exit 0 and
//! the mock must have received the new contracts; the deprecated collection must fail.
//!
//! Node.js and npm are required (no skip), as for `tests/e2e.rs`.

#[path = "support/node.rs"]
mod node;
#[path = "support/vendor_mock.rs"]
mod vendor_mock;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::Duration;
use vendor_mock::{
    RecordedRequest, VendorMock, AURORA_GRAPHQL_PATH, CLOSE_USER_ACCOUNT, LEARNING360_CLIENT_ID,
    LEARNING360_CLIENT_SECRET,
};

const KHOROS_SESSION_KEY: &str = "mock-li-session-key-7f3a";
const AURORA_PASSWORD: &str = "correct horse battery staple";
const GROUP_ID: &str = "58eb608a1a92bb4fb56b31a0";
const JANE_EMAIL: &str = "jane.doe@acme.com";
const JANE_ID: &str = "64b7f0c2a1e4d3b2c1a09f87";
const SECURID_TOKEN: &str = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJtb2NrIn0.c2lnbmF0dXJl";
const SECURID_USER_ID: &str = "eb2e12ae-1112-451b-98e1-dfe4e6afd60d";
const COLLECTION: &str = "offboarding.postman_collection.json";

fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/fix/e2e/postman")
        .join(COLLECTION)
}

/// Runs `collection` with newman against a fresh, seeded mock.
fn newman(collection: &Path) -> (VendorMock, Output) {
    node::ensure_node_modules();
    let mock = VendorMock::start();
    mock.seed_360_user(JANE_EMAIL, JANE_ID, &[GROUP_ID]);
    mock.seed_rsa_disabled(SECURID_USER_ID);
    let newman = node::node_modules().join("newman/bin/newman.js");
    let vars = [
        ("base", mock.base_url()),
        ("session_key", KHOROS_SESSION_KEY.to_string()),
        ("AURORA_PASSWORD", AURORA_PASSWORD.to_string()),
        ("client_id", LEARNING360_CLIENT_ID.to_string()),
        ("client_secret", LEARNING360_CLIENT_SECRET.to_string()),
        ("company", "5a1b2c3d4e5f6a7b8c9d0e1f".to_string()),
        ("apiKey", "v1-api-key-0000".to_string()),
        ("rsa_jwt", SECURID_TOKEN.to_string()),
    ];
    let mut command = Command::new(node::node());
    command
        .arg(&newman)
        .arg("run")
        .arg(collection)
        .args(["--reporters", "cli", "--timeout-request", "10000"])
        .env_clear()
        .env("NO_PROXY", "127.0.0.1,localhost")
        .env("no_proxy", "127.0.0.1,localhost")
        .env("NODE_NO_WARNINGS", "1")
        .env("NO_COLOR", "1");
    for name in ["PATH", "HOME", "TMPDIR"] {
        if let Some(v) = std::env::var_os(name) {
            command.env(name, v);
        }
    }
    for (k, v) in &vars {
        command.arg("--env-var").arg(format!("{k}={v}"));
    }
    let (status, stdout, stderr) = node::run_with_timeout(&mut command, Duration::from_secs(60));
    let output = Output {
        status: status.expect("newman finished within 60 s"),
        stdout,
        stderr,
    };
    (mock, output)
}

fn report(mock: &VendorMock, output: &Output) -> String {
    format!(
        "--- newman\n{}--- requests the mock received\n{}",
        node::describe(output),
        mock.transcript()
    )
}

fn one<'a>(requests: &'a [RecordedRequest], path: &str) -> Result<&'a RecordedRequest, String> {
    let found: Vec<_> = requests.iter().filter(|r| r.path == path).collect();
    match found.as_slice() {
        [r] => Ok(r),
        _ => Err(format!(
            "expected one request to {path}, got {}",
            found.len()
        )),
    }
}

/// The requests follow the new contracts.
fn contracts(requests: &[RecordedRequest]) -> Result<(), String> {
    // Aurora: the exact CloseUserAccount mutation, `user:<id>`, the password, the key.
    let g = one(requests, AURORA_GRAPHQL_PATH)?;
    let body = g.json().ok_or("the GraphQL body is not JSON")?;
    if g.method != "POST"
        || g.media_type().as_deref() != Some("application/json")
        || body["query"] != CLOSE_USER_ACCOUNT
        || body["operationName"] != "CloseUserAccount"
        || body["variables"]["id"] != "user:4711"
        || body["variables"]["password"] != AURORA_PASSWORD
        || g.header("li-api-session-key") != Some(KHOROS_SESSION_KEY)
    {
        return Err(format!("CloseUserAccount request is wrong: {g:?} {body}"));
    }
    // 360Learning: v2 DELETE with the role and Jane's mapped 24-hex id.
    let path = format!("/api/v2/groups/{GROUP_ID}/learner/{JANE_ID}");
    let d = one(requests, &path)?;
    if d.method != "DELETE" || d.header("360-api-version") != Some("v2.0") || d.bearer().is_none() {
        return Err(format!("the v2 group removal is wrong: {d:?}"));
    }
    if requests.iter().any(|r| r.path.starts_with("/api/v1/")) {
        return Err("a v1 request was still sent".into());
    }
    // SecurID: PUT markDeleted with a JSON boolean, no DELETE.
    let m = one(
        requests,
        &format!("/AdminInterface/restapi/v1/users/{SECURID_USER_ID}/markDeleted"),
    )?;
    let mb = m.json().ok_or("the markDeleted body is not JSON")?;
    if m.method != "PUT" || mb != serde_json::json!({ "markDeleted": true }) {
        return Err(format!("markDeleted request is wrong: {m:?} {mb}"));
    }
    if requests
        .iter()
        .any(|r| r.method == "DELETE" && r.path.contains("AdminInterface"))
    {
        return Err("the user was still deleted outright".into());
    }
    Ok(())
}

#[test]
fn deprecated_collection_fails_against_the_mock() {
    let (mock, output) = newman(&fixture());
    assert!(
        !output.status.success(),
        "the deprecated collection should fail against the new APIs\n{}",
        report(&mock, &output)
    );
    assert!(contracts(&mock.requests()).is_err());
}

#[test]
fn fixed_collection_runs_with_newman() {
    let dir = tempfile::tempdir().unwrap();
    let original = std::fs::read_to_string(fixture()).unwrap();
    let collection = dir.path().join(COLLECTION);
    std::fs::write(&collection, &original).unwrap();
    std::fs::write(
        dir.path().join("apimigrate.toml"),
        "[learning360]\nuser_ids = \"users.json\"\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("users.json"),
        format!("{{\"{JANE_EMAIL}\": \"{JANE_ID}\"}}\n"),
    )
    .unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_apimigrate"))
        .current_dir(dir.path())
        .env("NO_COLOR", "1")
        .args(["fix", "--unsafe-fixes", COLLECTION])
        .output()
        .unwrap();
    let fixed = std::fs::read_to_string(&collection).unwrap();
    let fix_report = format!(
        "--- apimigrate fix: {}\n{}{}--- fixed collection\n{fixed}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        matches!(out.status.code(), Some(0 | 1)),
        "apimigrate fix failed\n{fix_report}"
    );
    assert_ne!(fixed, original, "nothing was fixed\n{fix_report}");
    // Format-preserving: still tab-indented, no line reformatted outside the edits.
    assert!(fixed.lines().nth(1).unwrap().starts_with('\t'));

    let (mock, output) = newman(&collection);
    assert!(
        output.status.success(),
        "newman failed on the fixed collection\n{fix_report}\n{}",
        report(&mock, &output)
    );
    if let Err(why) = contracts(&mock.requests()) {
        panic!(
            "the fixed collection breaks the new contracts: {why}\n{fix_report}\n{}",
            report(&mock, &output)
        );
    }
}
