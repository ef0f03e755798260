//! No secret reaches any output. A property test writes secrets of every kind (URL
//! userinfo passwords, values under known names, tokens with well-known prefixes under
//! unknown names, Basic and Bearer credentials, pass phrases with spaces, a constant
//! that only looks secret until a fix removes the parameter it was sent as) into a
//! deprecated call in every language, and asserts that no part of them appears in any
//! format (human, json, sarif, github, junit, each also as an `--output` file, with
//! `--include-comments`), in a written baseline, in `fix --diff` nor in the report of
//! the fixed files.

use proptest::prelude::*;
use std::path::Path;
use std::process::Command;

fn run_in(dir: &Path, args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_apimigrate"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env_remove("CI")
        .output()
        .expect("runs the binary");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

/// One of each kind of secret.
#[derive(Clone, Debug)]
struct Secrets {
    /// `https://svc:<userinfo>@host`.
    userinfo: String,
    /// Under a name every front end knows (`li-api-session-key`).
    session_key: String,
    /// A Stripe, GitHub, Slack, AWS and JWT token, each under a name nothing knows.
    tokens: Vec<String>,
    /// `Authorization: Basic <basic>`.
    basic: String,
    /// `Authorization: Bearer <bearer>` (a JWT).
    bearer: String,
    /// `password: '<phrase>'`.
    phrase: String,
    /// A constant sent as `apiKey=${…}` until the fix removes that parameter.
    lrn_key: String,
}

impl Secrets {
    fn all(&self) -> Vec<&str> {
        let mut all = vec![
            self.userinfo.as_str(),
            &self.session_key,
            &self.basic,
            &self.bearer,
            &self.phrase,
            &self.lrn_key,
        ];
        all.extend(self.tokens.iter().map(String::as_str));
        all
    }
}

fn alnum(len: std::ops::RangeInclusive<usize>) -> impl Strategy<Value = String> {
    proptest::string::string_regex(&format!("[A-Za-z0-9]{{{},{}}}", len.start(), len.end()))
        .unwrap()
}

/// One token of each well-known prefix.
fn tokens() -> impl Strategy<Value = Vec<String>> {
    (
        alnum(24..=32).prop_map(|t| format!("sk_live_{t}")),
        alnum(36..=36).prop_map(|t| format!("ghp_{t}")),
        (alnum(10..=12), alnum(16..=24)).prop_map(|(a, b)| format!("xoxb-{a}-{b}")),
        proptest::string::string_regex("[A-Z0-9]{16}")
            .unwrap()
            .prop_map(|t| format!("AKIA{t}")),
        (alnum(12..=20), alnum(12..=20), alnum(16..=24))
            .prop_map(|(a, b, c)| format!("eyJ{a}.eyJ{b}.{c}")),
    )
        .prop_map(|(a, b, c, d, e)| vec![a, b, c, d, e])
}

fn secrets() -> impl Strategy<Value = Secrets> {
    (
        alnum(10..=16),
        alnum(12..=20),
        tokens(),
        alnum(16..=28),
        (alnum(12..=20), alnum(12..=20), alnum(16..=24)),
        proptest::collection::vec("[a-z]{7,10}", 3..=5),
        alnum(12..=18),
    )
        .prop_map(
            |(userinfo, session_key, tokens, basic, (a, b, c), words, lrn)| Secrets {
                userinfo: format!("Pw{userinfo}"),
                session_key: format!("sk-{session_key}"),
                tokens,
                basic: format!("{basic}=="),
                bearer: format!("eyJ{a}.eyJ{b}.{c}"),
                phrase: words.join(" "),
                lrn_key: format!("lrn{lrn}"),
            },
        )
}

const JS: &str = r#"const axios = require('axios');
const LEARNING360 = 'https://acme.360learning.com';

async function offboard(id, groupId, userId) {
  await axios.delete(`https://svc:@USERINFO@@community.khoros.com/api/2.0/users/${id}`, {
    headers: { 'li-api-session-key': '@SESSION@', Authorization: 'Basic @BASIC@' },
  });
  const STRIPE_KEY = '@TOKEN@';
  const account = { password: '@PHRASE@' };
  const LRN_KEY = '@LRN@';
  await axios.delete(`${LEARNING360}/api/v1/groups/${groupId}/users/${userId}?company=acme&apiKey=${LRN_KEY}`);
  await fetch(`https://acme.access.securid.com/AdminInterface/restapi/v1/users/${id}`, { method: 'DELETE', headers: { Authorization: 'Bearer @BEARER@' } });
  // await axios.delete(`https://svc:@USERINFO@@community.khoros.com/api/2.0/users/${id}`, { headers: { 'li-api-session-key': '@SESSION@' } });
  return [STRIPE_KEY, account];
}

module.exports = { offboard };
"#;

const PY: &str = r#"import requests

LEARNING360 = "https://acme.360learning.com"


def offboard(id, group_id, user_id):
    requests.delete(
        f"https://svc:@USERINFO@@community.khoros.com/api/2.0/users/{id}",
        headers={"li-api-session-key": "@SESSION@", "Authorization": "Basic @BASIC@"},
    )
    STRIPE_KEY = "@TOKEN@"
    account = {"password": "@PHRASE@"}
    LRN_KEY = "@LRN@"
    requests.delete(f"{LEARNING360}/api/v1/groups/{group_id}/users/{user_id}?company=acme&apiKey={LRN_KEY}")
    requests.delete(f"https://acme.access.securid.com/AdminInterface/restapi/v1/users/{id}", headers={"Authorization": "Bearer @BEARER@"})
    # requests.delete(f"https://svc:@USERINFO@@community.khoros.com/api/2.0/users/{id}", headers={"li-api-session-key": "@SESSION@"})
    return STRIPE_KEY, account
"#;

const RS: &str = r#"const LRN_KEY: &str = "@LRN@";

async fn offboard(client: &reqwest::Client, id: u64, group_id: u64, user_id: u64) -> reqwest::Result<()> {
    client
        .delete(format!("https://svc:@USERINFO@@community.khoros.com/api/2.0/users/{id}"))
        .header("li-api-session-key", "@SESSION@")
        .header("Authorization", "Basic @BASIC@")
        .send()
        .await?;
    let STRIPE_KEY = "@TOKEN@";
    let password = "@PHRASE@";
    client
        .delete(format!("https://acme.360learning.com/api/v1/groups/{group_id}/users/{user_id}?company=acme&apiKey={LRN_KEY}"))
        .send()
        .await?;
    client
        .delete(format!("https://acme.access.securid.com/AdminInterface/restapi/v1/users/{id}"))
        .bearer_auth("@BEARER@")
        .send()
        .await?;
    let _ = (STRIPE_KEY, password);
    Ok(())
}
"#;

const SH: &str = r#"#!/bin/bash
curl -X DELETE "https://svc:@USERINFO@@community.khoros.com/api/2.0/users/$ID" \
  -H 'li-api-session-key: @SESSION@' -H 'Authorization: Basic @BASIC@'
STRIPE_KEY='@TOKEN@'
PASSWORD='@PHRASE@'
LRN_KEY='@LRN@'
curl -X DELETE "https://acme.360learning.com/api/v1/groups/$GROUP/users/$USER?company=acme&apiKey=$LRN_KEY"
curl -X DELETE "https://acme.access.securid.com/AdminInterface/restapi/v1/users/$ID" -H 'Authorization: Bearer @BEARER@'
# curl -X DELETE "https://svc:@USERINFO@@community.khoros.com/api/2.0/users/$ID" -H 'li-api-session-key: @SESSION@'
"#;

const MD: &str = r#"# Offboarding

```bash
LRN_KEY='@LRN@'
curl -X DELETE "https://svc:@USERINFO@@community.khoros.com/api/2.0/users/42" \
  -H 'li-api-session-key: @SESSION@' -H 'Authorization: Basic @BASIC@'
STRIPE_KEY='@TOKEN@'
PASSWORD='@PHRASE@'
curl -X DELETE "https://acme.360learning.com/api/v1/groups/7/users/jane@example.com?company=acme&apiKey=$LRN_KEY"
curl -X DELETE "https://acme.access.securid.com/AdminInterface/restapi/v1/users/42" -H 'Authorization: Bearer @BEARER@'
```
"#;

const HTTP: &str = r#"@lrnKey = @LRN@
@STRIPE_KEY = @TOKEN@

### Khoros
DELETE https://svc:@USERINFO@@community.khoros.com/api/2.0/users/42
li-api-session-key: @SESSION@
Authorization: Basic @BASIC@

### 360Learning
DELETE https://acme.360learning.com/api/v1/groups/7/users/jane@example.com?company=acme&apiKey={{lrnKey}}

### SecurID
DELETE https://acme.access.securid.com/AdminInterface/restapi/v1/users/42
Authorization: Bearer @BEARER@
X-Note: password: '@PHRASE@'
"#;

const POSTMAN: &str = r#"{
  "info": {
    "name": "Offboarding",
    "schema": "https://schema.getpostman.com/json/collection/v2.1.0/collection.json"
  },
  "variable": [
    { "key": "lrnKey", "value": "@LRN@" },
    { "key": "STRIPE_KEY", "value": "@TOKEN@" },
    { "key": "password", "value": "@PHRASE@" }
  ],
  "item": [
    {
      "name": "Delete community user",
      "request": {
        "method": "DELETE",
        "header": [
          { "key": "li-api-session-key", "value": "@SESSION@", "type": "text" },
          { "key": "Authorization", "value": "Basic @BASIC@", "type": "text" }
        ],
        "url": { "raw": "https://svc:@USERINFO@@community.khoros.com/api/2.0/users/42" }
      }
    },
    {
      "name": "Remove from group",
      "request": {
        "method": "DELETE",
        "url": { "raw": "https://acme.360learning.com/api/v1/groups/7/users/jane@example.com?company=acme&apiKey={{lrnKey}}" }
      }
    },
    {
      "name": "Delete SecurID user",
      "request": {
        "method": "DELETE",
        "auth": { "type": "bearer", "bearer": [{ "key": "token", "value": "@BEARER@", "type": "string" }] },
        "url": { "raw": "https://acme.access.securid.com/AdminInterface/restapi/v1/users/42" }
      }
    }
  ]
}
"#;

/// A broken collection: its API003 frame shows the raw line.
const BROKEN_POSTMAN: &str = r#"{
  "info": { "schema": "https://schema.getpostman.com/json/collection/v2.1.0/collection.json" },
  "item": [ { "request": { "method": "DELETE", "header": [
    { "key": "li-api-session-key", "value": "@SESSION@" } ],
    "url": "https://svc:@USERINFO@@community.khoros.com/api/2.0/users/42" } ]
"#;

const FILES: &[(&str, &str)] = &[
    ("offboard.js", JS),
    ("offboard.py", PY),
    ("offboard.rs", RS),
    ("offboard.sh", SH),
    ("OFFBOARDING.md", MD),
    ("offboard.http", HTTP),
    ("offboard.postman_collection.json", POSTMAN),
    ("broken.postman_collection.json", BROKEN_POSTMAN),
];

/// The template with the secrets in; the line of `@TOKEN@` is repeated for each token,
/// its `STRIPE_KEY` numbered.
fn fill(template: &str, s: &Secrets) -> String {
    let mut text = String::new();
    for line in template.split_inclusive('\n') {
        if line.contains("@TOKEN@") {
            for (i, token) in s.tokens.iter().enumerate() {
                text.push_str(
                    &line
                        .replace("@TOKEN@", token)
                        .replace("STRIPE_KEY", &format!("STRIPE_KEY{i}")),
                );
            }
        } else {
            text.push_str(line);
        }
    }
    text.replace("@LRN@", &s.lrn_key)
        .replace("@USERINFO@", &s.userinfo)
        .replace("@SESSION@", &s.session_key)
        .replace("@BASIC@", &s.basic)
        .replace("@PHRASE@", &s.phrase)
        .replace("@BEARER@", &s.bearer)
}

/// The parts of a secret that must not appear: the whole of it, every 8-character
/// window of it (a partial mask leaks too), and each word of a pass phrase.
fn fragments(secret: &str) -> Vec<String> {
    let mut out = vec![secret.to_string()];
    let chars: Vec<char> = secret.chars().collect();
    for w in chars.windows(8) {
        let w: String = w.iter().collect();
        if !w.contains(' ') {
            out.push(w);
        }
    }
    out.extend(
        secret
            .split(' ')
            .filter(|w| w.len() >= 7 && secret.contains(' '))
            .map(str::to_string),
    );
    out
}

fn assert_no_leak(what: &str, text: &str, s: &Secrets) -> Result<(), TestCaseError> {
    for secret in s.all() {
        for f in fragments(secret) {
            prop_assert!(
                !text.contains(&f),
                "{what}: `{f}` of `{secret}` leaked:\n{text}"
            );
        }
    }
    Ok(())
}

/// Writes every language's file, runs `check` (every format, on standard output and
/// as `--output` files, with `--include-comments`) and `fix --diff --unsafe-fixes`.
fn outputs(s: &Secrets) -> Vec<(String, String)> {
    let dir = tempfile::tempdir().unwrap();
    for (name, template) in FILES {
        std::fs::write(dir.path().join(name), fill(template, s)).unwrap();
    }
    let mut out = Vec::new();
    let formats = ["human", "json", "sarif", "github", "junit"];
    let mut args: Vec<String> = vec![
        "check".into(),
        "--include-comments".into(),
        "--format".into(),
        "human".into(),
    ];
    for f in formats {
        args.push("--output".into());
        args.push(format!("{f}=out.{f}"));
    }
    args.push(".".into());
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let (code, stdout, stderr) = run_in(dir.path(), &args);
    assert_eq!(
        code, 1,
        "check finds the deprecated calls:\n{stdout}{stderr}"
    );
    out.push(("check (human, stdout)".to_string(), stdout + &stderr));
    for f in formats {
        let written = std::fs::read_to_string(dir.path().join(format!("out.{f}"))).unwrap();
        out.push((format!("check --output {f}"), written));
    }
    let (_, stdout, stderr) = run_in(
        dir.path(),
        &["fix", "--diff", "--unsafe-fixes", "--include-comments", "."],
    );
    assert!(
        stdout.contains("@@"),
        "fix --diff changes something:\n{stdout}{stderr}"
    );
    out.push(("fix --diff".to_string(), stdout + &stderr));
    let (_, stdout, stderr) = run_in(dir.path(), &["check", "--write-baseline", "b.json", "."]);
    let baseline = std::fs::read_to_string(dir.path().join("b.json")).unwrap();
    out.push((
        "check --write-baseline".to_string(),
        baseline + &stdout + &stderr,
    ));
    // Last: it rewrites the files. What remains is reported on the fixed text.
    let (_, stdout, stderr) = run_in(
        dir.path(),
        &["fix", "--unsafe-fixes", "--format", "json", "."],
    );
    out.push((
        "fix (report of the fixed files)".to_string(),
        stdout + &stderr,
    ));
    out
}

proptest! {
    // Each case runs the binary twice over eight files, with every kind of secret in
    // each: a few cases are enough and keep the test to seconds.
    #![proptest_config(ProptestConfig { cases: 5, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn no_secret_reaches_any_output(s in secrets()) {
        for (what, text) in outputs(&s) {
            // The outputs do show the files: an empty report would pass vacuously.
            prop_assert!(text.contains("offboard"), "{what} shows nothing:\n{text}");
            assert_no_leak(&what, &text, &s)?;
        }
    }
}

#[test]
fn the_leak_check_is_not_vacuous() {
    let s = Secrets {
        userinfo: "PwAbCdEf123456".into(),
        session_key: "sk-0123456789abc".into(),
        tokens: vec!["sk_live_0123456789abcdefghijklmn".into()],
        basic: "dXNlcjpwYXNzd29yZA==".into(),
        bearer: "eyJabcdefghijkl.eyJabcdefghijkl.0123456789abcdef".into(),
        phrase: "correct horsey battery staple".into(),
        lrn_key: "lrnAbCdEf123456".into(),
    };
    for secret in s.all() {
        let text = format!("prefix {} suffix", &secret[..secret.len() - 1]);
        assert!(assert_no_leak("probe", &text, &s).is_err(), "{secret}");
    }
    assert!(assert_no_leak("probe", "all *** here", &s).is_ok());
}

/// Runs `args` on one file `name` holding `text` in a fresh folder.
fn run_on(name: &str, text: &str, args: &[&str]) -> (i32, String) {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join(name), text).unwrap();
    let args: Vec<&str> = args.iter().copied().chain([name]).collect();
    let (code, stdout, stderr) = run_in(dir.path(), &args);
    (code, stdout + &stderr)
}

#[test]
fn a_password_in_url_userinfo_is_masked() {
    let js =
        "await axios.delete(`https://svc:P4ssw0rd-x9@community.khoros.com/api/2.0/users/${id}`);\n";
    for format in ["human", "json", "sarif", "github", "junit"] {
        let (code, out) = run_on("a.js", js, &["check", "--format", format]);
        assert_eq!(code, 1, "{out}");
        assert!(!out.contains("P4ssw0rd-x9"), "{format}:\n{out}");
    }
    let (_, out) = run_on("a.js", js, &["fix", "--diff", "--unsafe-fixes"]);
    assert!(out.contains("+await axios.post(`https://svc:***@"), "{out}");
    assert!(!out.contains("P4ssw0rd-x9"), "{out}");
}

#[test]
fn a_pass_phrase_with_spaces_is_masked() {
    let js = "const account = { password: 'correct horse battery staple' };\nawait axios.delete(`https://community.khoros.com/api/2.0/users/${id}`);\n";
    let (_, out) = run_on("a.js", js, &["check"]);
    assert!(out.contains("password: '***'"), "{out}");
    assert!(!out.contains("horse battery"), "{out}");
}

#[test]
fn a_token_under_an_unknown_name_is_masked_on_a_context_line() {
    let js = "await axios.delete(`https://community.khoros.com/api/2.0/users/${id}`);\nconst STRIPE_KEY = 'sk_live_4eC39HqLyjWDarjtT1zdp7dc';\n";
    let (_, out) = run_on("a.js", js, &["check"]);
    assert!(out.contains("const STRIPE_KEY = '***';"), "{out}");
}

#[test]
fn the_api003_frame_of_a_broken_collection_masks_its_session_key() {
    let collection = "{\n  \"info\": { \"schema\": \"https://schema.getpostman.com/json/collection/v2.1.0/collection.json\" },\n  \"item\": [ { \"request\": { \"header\": [ { \"key\": \"li-api-session-key\", \"value\": \"s3ss10n-k3y-0042\" } ],\n";
    let (code, out) = run_on("a.postman_collection.json", collection, &["check"]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("API003"), "{out}");
    assert!(out.contains("\"value\": \"***\""), "{out}");
    assert!(!out.contains("s3ss10n-k3y-0042"), "{out}");
}

/// The constant is a secret because it is sent as `apiKey=${LRN_KEY}`; the fix removes
/// that parameter, and the constant must stay masked on the `+` side of the diff.
#[test]
fn a_constant_stays_masked_after_the_fix_removes_the_parameter_that_sent_it() {
    let js = "async function f(groupId, userId) {\n  const LRN_KEY = 'lrn-7f3a9c2e';\n  await axios.delete(`https://acme.360learning.com/api/v1/groups/${groupId}/users/${userId}?company=acme&apiKey=${LRN_KEY}`);\n}\n";
    let (code, out) = run_on("a.js", js, &["fix", "--diff", "--unsafe-fixes"]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("const LRN_KEY = '***';"), "{out}");
    assert!(!out.contains("lrn-7f3a9c2e"), "{out}");
    // The report of the fixed file, too.
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("a.js"), js).unwrap();
    let (_, stdout, stderr) = run_in(dir.path(), &["fix", "--unsafe-fixes", "a.js"]);
    assert!(
        !stdout.contains("lrn-7f3a9c2e") && !stderr.contains("lrn-7f3a9c2e"),
        "{stdout}{stderr}"
    );
}

/// `error:` lines quote paths, configurations and messages: they go through the same
/// redaction pass as findings, in every format (stdout and stderr).
#[test]
fn error_lines_mask_the_secrets_they_quote() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("a.js"),
        "await axios.delete(`https://community.khoros.com/api/2.0/users/${id}`);\n",
    )
    .unwrap();
    // A named path that does not exist, holding a userinfo password and a token.
    let missing = "https://svc:Pw-9f8e7d6c5b@host/ghp_0123456789abcdefghijklmnopqrstuvwxyz.js";
    for format in [
        "human",
        "json",
        "sarif",
        "github",
        "junit",
        "gitlab",
        "rdjson",
        "json-lines",
    ] {
        let (code, stdout, stderr) =
            run_in(dir.path(), &["check", "--format", format, "a.js", missing]);
        let out = stdout + &stderr;
        assert_eq!(code, 2, "{format}:\n{out}");
        assert!(
            out.contains("no such file or directory"),
            "{format}:\n{out}"
        );
        assert!(out.contains("***"), "{format}:\n{out}");
        for secret in ["Pw-9f8e7d6c5b", "ghp_0123456789abcdefghij"] {
            assert!(!out.contains(secret), "{format}:\n{out}");
        }
    }
    // A configuration that does not parse: its error quotes the line.
    std::fs::write(
        dir.path().join("apimigrate.toml"),
        "token = \"sk_live_4eC39HqLyjWDarjtT1zdp7dc\" oops\n",
    )
    .unwrap();
    let (code, stdout, stderr) = run_in(dir.path(), &["check", "a.js"]);
    let out = stdout + &stderr;
    assert_eq!(code, 2, "{out}");
    assert!(out.contains("error:"), "{out}");
    assert!(!out.contains("4eC39HqLyjWDarjtT1zdp7dc"), "{out}");
}
