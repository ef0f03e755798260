//! `apimigrate learning360 users`: the e-mail → id map from the 360Learning API v2,
//! against the vendor mock paginating, rate-limiting and failing like the real API.

#[path = "support/vendor_mock.rs"]
mod vendor_mock;

use std::path::Path;
use std::process::Command;
use vendor_mock::{VendorMock, LEARNING360_CLIENT_ID, LEARNING360_CLIENT_SECRET};

fn run_in(dir: &Path, args: &[&str], secret: &str) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_apimigrate"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env_remove("CI")
        .env("LRN_ID", LEARNING360_CLIENT_ID)
        .env("LRN_SECRET", secret)
        .env_remove("LEARNING360_CLIENT_ID")
        .env_remove("LEARNING360_CLIENT_SECRET")
        .output()
        .expect("runs the binary");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

/// A project whose configuration names the credential variables and the map.
fn project() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("apimigrate.toml"),
        "[learning360]\nuser_ids = \"users.json\"\nclient_id = { env = \"LRN_ID\" }\nclient_secret = { env = \"LRN_SECRET\" }\n",
    )
    .unwrap();
    dir
}

fn users_json(dir: &Path) -> serde_json::Value {
    serde_json::from_str(&std::fs::read_to_string(dir.join("users.json")).unwrap()).unwrap()
}

/// Every token the mock handed out.
fn tokens(mock: &VendorMock) -> Vec<String> {
    mock.requests()
        .iter()
        .filter(|r| r.path == "/api/v2/oauth2/token" && r.status == 200)
        .map(|r| {
            let v: serde_json::Value = serde_json::from_str(&r.response_body).unwrap();
            v["access_token"].as_str().unwrap().to_string()
        })
        .collect()
}

#[test]
fn lists_every_page_retries_429_and_writes_the_map() {
    let mock = VendorMock::start();
    mock.seed_360_user("jane.doe@acme.com", "64b0c0ffee00000000000001", &[]);
    mock.seed_360_user("Dan.Ito@acme.com", "64b0c0ffee00000000000002", &[]);
    mock.set_360_page_size(2);
    mock.set_360_rate_limit(2, Some(0));
    let dir = project();
    let d = dir.path();
    let base = mock.base_url();
    let (code, stdout, stderr) = run_in(
        d,
        &[
            "learning360",
            "users",
            "--out",
            "users.json",
            "--host",
            &base,
        ],
        LEARNING360_CLIENT_SECRET,
    );
    assert_eq!(code, 0, "{stderr}");
    assert!(stderr.contains("Wrote 5 users to users.json."), "{stderr}");
    assert_eq!(
        users_json(d),
        serde_json::json!({
            "Dan.Ito@acme.com": "64b0c0ffee00000000000002",
            "alice.martin@acme.com": "5f1e0c2a9b8d7e6f5a4b3c21",
            "bob.nguyen@acme.com": "5f1e0c2a9b8d7e6f5a4b3c22",
            "carol.smith@acme.com": "5f1e0c2a9b8d7e6f5a4b3c23",
            "jane.doe@acme.com": "64b0c0ffee00000000000001",
        })
    );
    let requests = mock.requests();
    let token = &tokens(&mock)[0];
    // One token, then the pages in order, each with the v2 headers; the first two
    // answers were 429 and were retried.
    let lists: Vec<(u16, Option<String>)> = requests
        .iter()
        .filter(|r| r.path == "/api/v2/users")
        .map(|r| (r.status, r.raw_query.clone()))
        .collect();
    assert_eq!(
        lists,
        [
            (429, None),
            (429, None),
            (200, None),
            (200, Some("page=2".into())),
            (200, Some("page=3".into())),
        ]
    );
    for r in requests.iter().filter(|r| r.path == "/api/v2/users") {
        assert_eq!(r.bearer(), Some(token.as_str()));
        assert_eq!(r.header("360-api-version"), Some("v2.0"));
    }
    let t = requests
        .iter()
        .find(|r| r.path == "/api/v2/oauth2/token")
        .unwrap();
    assert_eq!(t.method, "POST");
    assert_eq!(t.json().unwrap()["grant_type"], "client_credentials");
    // The token and the secret are never printed.
    for text in [&stdout, &stderr] {
        assert!(!text.contains(token.as_str()), "{text}");
        assert!(!text.contains(LEARNING360_CLIENT_SECRET), "{text}");
    }

    // The written map is what the configuration reads: `check` accepts it.
    let (code, _, stderr) = run_in(d, &["check", "."], "");
    assert_eq!(code, 0, "{stderr}");
}

#[test]
fn only_looks_up_each_address_and_updates_the_map() {
    let mock = VendorMock::start();
    mock.seed_360_user("jane.doe@acme.com", "64b0c0ffee00000000000001", &[]);
    let dir = project();
    let d = dir.path();
    std::fs::write(
        d.join("users.json"),
        "{\"kept@acme.com\": \"64b0c0ffee000000000000aa\", \"JANE.DOE@acme.com\": \"64b0c0ffee000000000000bb\"}\n",
    )
    .unwrap();
    let base = mock.base_url();
    let (code, _, stderr) = run_in(
        d,
        &[
            "learning360",
            "users",
            "--out",
            "users.json",
            "--host",
            &base,
            "--only",
            "jane.doe@acme.com",
            "nobody+x@acme.com",
        ],
        LEARNING360_CLIENT_SECRET,
    );
    assert_eq!(code, 1, "an address matches no user: {stderr}");
    assert!(
        stderr.contains("no 360Learning user has the e-mail nobody+x@acme.com"),
        "{stderr}"
    );
    assert_eq!(
        users_json(d),
        serde_json::json!({
            "jane.doe@acme.com": "64b0c0ffee00000000000001",
            "kept@acme.com": "64b0c0ffee000000000000aa",
        })
    );
    let lookups: Vec<String> = mock
        .requests()
        .iter()
        .filter(|r| r.path == "/api/v2/users")
        .map(|r| r.query_param("mail[eq]").unwrap().to_string())
        .collect();
    assert_eq!(lookups, ["jane.doe@acme.com", "nobody+x@acme.com"]);
}

#[test]
fn failures_exit_2_and_leave_the_existing_map_untouched() {
    let mock = VendorMock::start();
    mock.set_360_page_size(2);
    let dir = project();
    let d = dir.path();
    let before = "{\"kept@acme.com\": \"64b0c0ffee000000000000aa\"}\n";
    std::fs::write(d.join("users.json"), before).unwrap();
    let base = mock.base_url();
    let users = [
        "learning360",
        "users",
        "--out",
        "users.json",
        "--host",
        base.as_str(),
    ];
    let unchanged = || {
        assert_eq!(
            std::fs::read_to_string(d.join("users.json")).unwrap(),
            before
        )
    };

    // Bad credentials.
    let (code, stdout, stderr) = run_in(d, &users, "wrong-secret-value");
    assert_eq!(code, 2);
    assert!(
        stderr.contains("HTTP 401") && stderr.contains("invalidClient"),
        "{stderr}"
    );
    assert!(!stderr.contains("wrong-secret-value") && !stdout.contains("wrong-secret-value"));
    unchanged();

    // A malformed page.
    mock.set_360_malformed_page(2);
    let (code, _, stderr) = run_in(d, &users, LEARNING360_CLIENT_SECRET);
    assert_eq!(code, 2);
    assert!(
        stderr.contains("page 2") && stderr.contains("malformed page"),
        "{stderr}"
    );
    for t in tokens(&mock) {
        assert!(!stderr.contains(&t), "{stderr}");
    }
    unchanged();

    // Still rate-limited after every retry.
    let mock = VendorMock::start();
    mock.set_360_rate_limit(100, Some(0));
    let base = mock.base_url();
    let users = [
        "learning360",
        "users",
        "--out",
        "users.json",
        "--host",
        base.as_str(),
    ];
    let (code, _, stderr) = run_in(d, &users, LEARNING360_CLIENT_SECRET);
    assert_eq!(code, 2);
    assert!(
        stderr.contains("HTTP 429") && stderr.contains("tooManyRequests"),
        "{stderr}"
    );
    let attempts = mock
        .requests()
        .iter()
        .filter(|r| r.path == "/api/v2/users")
        .count();
    assert_eq!(attempts, 7, "one request and six retries");
    unchanged();

    // An unreachable host.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", closed.local_addr().unwrap());
    drop(closed);
    let (code, _, stderr) = run_in(
        d,
        &[
            "learning360",
            "users",
            "--out",
            "users.json",
            "--host",
            &url,
        ],
        LEARNING360_CLIENT_SECRET,
    );
    assert_eq!(code, 2);
    assert!(stderr.contains("cannot reach"), "{stderr}");
    unchanged();

    // Missing credentials, and a bad --host.
    let out = Command::new(env!("CARGO_BIN_EXE_apimigrate"))
        .args([
            "learning360",
            "users",
            "--out",
            "users.json",
            "--host",
            &url,
        ])
        .current_dir(d)
        .env_remove("LRN_ID")
        .env_remove("LRN_SECRET")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("LRN_ID"));
    let (code, _, stderr) = run_in(
        d,
        &["learning360", "users", "--out", "u.json", "--host", "mars"],
        "x",
    );
    assert_eq!(code, 2);
    assert!(stderr.contains("--host mars"), "{stderr}");
    unchanged();
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let target = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            if e.file_name() != "node_modules" {
                copy_dir(&e.path(), &target);
            }
        } else {
            std::fs::copy(e.path(), &target).unwrap();
        }
    }
}

#[test]
fn the_example_project_is_fixed_with_ids_from_the_written_map() {
    let mock = VendorMock::start();
    mock.seed_360_user("jane.doe@acme.com", "64b0c0ffee00000000000001", &[]);
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    copy_dir(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/offboarding-service"),
        d,
    );
    std::fs::write(
        d.join("apimigrate.toml"),
        "[learning360]\nuser_ids = \"users.json\"\nclient_id = { env = \"LRN_ID\" }\nclient_secret = { env = \"LRN_SECRET\" }\n",
    )
    .unwrap();
    let base = mock.base_url();
    let (code, _, stderr) = run_in(
        d,
        &[
            "learning360",
            "users",
            "--out",
            "users.json",
            "--host",
            &base,
        ],
        LEARNING360_CLIENT_SECRET,
    );
    assert_eq!(code, 0, "{stderr}");
    let (_, _, stderr) = run_in(d, &["fix", "--unsafe-fixes", "postman"], "");
    assert!(stderr.is_empty() || !stderr.contains("error"), "{stderr}");
    let collection =
        std::fs::read_to_string(d.join("postman/offboarding.postman_collection.json")).unwrap();
    // The literal e-mail of the collection's environment became its id; no run-time
    // lookup was needed.
    assert!(
        collection.contains("/api/v2/users/64b0c0ffee00000000000001"),
        "{collection}"
    );
    assert!(!collection.contains("learning360_user_id"), "{collection}");
}
