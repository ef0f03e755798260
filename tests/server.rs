//! `apimigrate server`: the real binary driven as an editor drives it, over stdio.
//! initialize → didOpen → publishDiagnostics → codeAction → apply the edit →
//! didChange → the diagnostic is gone; hover shows `explain`; shutdown and exit.

use serde_json::{json, Value};
use std::io::{BufRead, BufReader, Read, Write};
use std::path::Path;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{channel, Receiver};
use std::time::Duration;

struct Client {
    child: Child,
    stdin: ChildStdin,
    messages: Receiver<Value>,
    next_id: i64,
}

impl Client {
    fn start(dir: &Path) -> Client {
        let mut child = Command::new(env!("CARGO_BIN_EXE_apimigrate"))
            .arg("server")
            .current_dir(dir)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("runs the binary");
        let stdin = child.stdin.take().unwrap();
        let mut stdout = BufReader::new(child.stdout.take().unwrap());
        let (tx, messages) = channel();
        std::thread::spawn(move || loop {
            let mut length = None;
            loop {
                let mut line = String::new();
                if stdout.read_line(&mut line).unwrap_or(0) == 0 {
                    return;
                }
                let line = line.trim_end();
                if line.is_empty() {
                    break;
                }
                if let Some(v) = line.strip_prefix("Content-Length: ") {
                    length = Some(v.parse::<usize>().unwrap());
                }
            }
            let mut body = vec![0; length.expect("a Content-Length header")];
            stdout.read_exact(&mut body).unwrap();
            if tx.send(serde_json::from_slice(&body).unwrap()).is_err() {
                return;
            }
        });
        Client {
            child,
            stdin,
            messages,
            next_id: 1,
        }
    }

    fn send(&mut self, msg: Value) {
        let body = msg.to_string();
        write!(self.stdin, "Content-Length: {}\r\n\r\n{body}", body.len()).unwrap();
        self.stdin.flush().unwrap();
    }

    fn notify(&mut self, method: &str, params: Value) {
        self.send(json!({"jsonrpc": "2.0", "method": method, "params": params}));
    }

    /// Sends a request and returns its result (notifications on the way are skipped).
    fn request(&mut self, method: &str, params: Value) -> Value {
        let id = self.next_id;
        self.next_id += 1;
        self.send(json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}));
        loop {
            let msg = self.next();
            if msg["id"] == json!(id) {
                assert!(msg.get("error").is_none(), "{method} failed: {msg}");
                return msg["result"].clone();
            }
        }
    }

    /// Sends a request; returns the notifications received before its answer.
    fn notifications_until_answer(&mut self, method: &str, params: Value) -> Vec<Value> {
        let id = self.next_id;
        self.next_id += 1;
        self.send(json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}));
        let mut seen = Vec::new();
        loop {
            let msg = self.next();
            if msg["id"] == json!(id) {
                return seen;
            }
            seen.push(msg);
        }
    }

    fn next(&mut self) -> Value {
        self.messages
            .recv_timeout(Duration::from_secs(60))
            .expect("the server answers")
    }

    /// The next diagnostics published for `uri`.
    fn diagnostics(&mut self, uri: &str) -> Vec<Value> {
        loop {
            let msg = self.next();
            if msg["method"] == "textDocument/publishDiagnostics" && msg["params"]["uri"] == uri {
                return msg["params"]["diagnostics"].as_array().unwrap().clone();
            }
        }
    }

    fn initialize(&mut self, encodings: &[&str], root: &Path) -> Value {
        let result = self.request(
            "initialize",
            json!({
                "processId": null,
                "rootUri": file_uri(root),
                "capabilities": {"general": {"positionEncodings": encodings}},
            }),
        );
        self.notify("initialized", json!({}));
        result
    }

    fn shutdown(mut self) {
        let r = self.request("shutdown", Value::Null);
        assert_eq!(r, Value::Null);
        self.notify("exit", Value::Null);
        let status = self.child.wait().unwrap();
        assert!(
            status.success(),
            "the server exits cleanly after exit: {status}"
        );
    }
}

fn file_uri(path: &Path) -> String {
    format!("file://{}", path.display()).replace(' ', "%20")
}

/// Offset of an LSP position counted in UTF-16 units.
fn offset_utf16(text: &str, line: u64, character: u64) -> usize {
    let start: usize = text
        .split_inclusive('\n')
        .take(line as usize)
        .map(str::len)
        .sum();
    let mut units = 0;
    for (i, c) in text[start..].char_indices() {
        if units >= character as usize {
            return start + i;
        }
        units += c.len_utf16();
    }
    text.len()
}

/// Applies LSP text edits (UTF-16 positions), last first.
fn apply(text: &str, edits: &[Value]) -> String {
    let mut spans: Vec<(usize, usize, String)> = edits
        .iter()
        .map(|e| {
            let r = &e["range"];
            let pos = |p: &Value| {
                offset_utf16(
                    text,
                    p["line"].as_u64().unwrap(),
                    p["character"].as_u64().unwrap(),
                )
            };
            (
                pos(&r["start"]),
                pos(&r["end"]),
                e["newText"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    spans.sort_by_key(|s| std::cmp::Reverse(s.0));
    let mut out = text.to_string();
    for (start, end, new) in spans {
        out.replace_range(start..end, &new);
    }
    out
}

// The non-ASCII comment puts UTF-16 and UTF-8 columns apart on the call's line.
const JS: &str = "const axios = require('axios');\n\nfunction mark(userId) {\n  /* ünïcödé 😀 */ return axios.put(`https://acme.access.securid.com/AdminInterface/restapi/v1/users/${userId}/markDeleted`, { markDeleted: 'true' });\n}\n";

fn codes(diags: &[Value]) -> Vec<&str> {
    diags.iter().map(|d| d["code"].as_str().unwrap()).collect()
}

#[test]
fn server_quick_fix_removes_the_diagnostic_and_hover_explains_it() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("jobs/mark.js");
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    let uri = file_uri(&path);
    let mut client = Client::start(dir.path());
    let init = client.initialize(&["utf-16"], dir.path());
    assert_eq!(init["capabilities"]["positionEncoding"], "utf-16");
    assert_eq!(init["serverInfo"]["name"], "apimigrate");

    client.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": uri, "languageId": "javascript", "version": 1, "text": JS}}),
    );
    let diags = client.diagnostics(&uri);
    // RSA006 (disable the user first) has no automatic fix and stays.
    assert_eq!(codes(&diags), ["RSA006", "RSA001"], "{diags:#?}");
    let d = &diags[1];
    assert_eq!(d["source"], "apimigrate");
    assert_eq!(d["severity"], 1);
    // RSA001 is about one value: its range starts at the text of `'true'`, after the emoji (a
    // surrogate pair in UTF-16).
    let start = offset_utf16(
        JS,
        d["range"]["start"]["line"].as_u64().unwrap(),
        d["range"]["start"]["character"].as_u64().unwrap(),
    );
    assert!(JS[start..].starts_with("true' }"), "{}", &JS[start..]);

    // Hover over the diagnostic: the rule's documentation.
    let hover = client.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": uri}, "position": d["range"]["start"]}),
    );
    assert_eq!(hover["contents"]["kind"], "markdown");
    let doc = hover["contents"]["value"].as_str().unwrap();
    assert!(doc.starts_with("# RSA001 ("), "{doc}");
    assert!(doc.contains("## Fix safety"), "{doc}");
    // Nowhere near a finding: nothing.
    let none = client.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": uri}, "position": {"line": 0, "character": 1}}),
    );
    assert_eq!(none, Value::Null);

    // The quick fix for the diagnostic.
    let actions = client.request(
        "textDocument/codeAction",
        json!({
            "textDocument": {"uri": uri},
            "range": d["range"],
            "context": {"diagnostics": [d]},
        }),
    );
    let actions = actions.as_array().unwrap();
    let quick = actions
        .iter()
        .find(|a| a["kind"] == "quickfix")
        .expect("a quick fix");
    assert!(
        quick["title"].as_str().unwrap().starts_with("Fix (safe): "),
        "{quick}"
    );
    assert_eq!(quick["diagnostics"][0]["code"], "RSA001");
    let fix_all = actions
        .iter()
        .find(|a| a["kind"] == "source.fixAll.apimigrate")
        .expect("fix all safe");
    let edits = quick["edit"]["changes"][&uri].as_array().unwrap();
    let fixed = apply(JS, edits);
    assert!(fixed.contains("{ markDeleted: true }"), "{fixed}");
    // Fix all gives the same text here.
    assert_eq!(
        apply(JS, fix_all["edit"]["changes"][&uri].as_array().unwrap()),
        fixed
    );
    // Only source actions when only they are asked for.
    let only = client.request(
        "textDocument/codeAction",
        json!({
            "textDocument": {"uri": uri},
            "range": {"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 0}},
            "context": {"diagnostics": [], "only": ["source.fixAll"]},
        }),
    );
    assert_eq!(only.as_array().unwrap().len(), 1, "{only}");
    assert_eq!(only[0]["kind"], "source.fixAll.apimigrate");

    client.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri, "version": 2}, "contentChanges": [{"text": fixed}]}),
    );
    let after = client.diagnostics(&uri);
    assert_eq!(codes(&after), ["RSA006"], "{after:#?}");
    client.shutdown();
}

#[test]
fn server_counts_utf8_columns_when_the_client_offers_them() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("mark.js");
    let uri = file_uri(&path);
    let mut client = Client::start(dir.path());
    let init = client.initialize(&["utf-8", "utf-16"], dir.path());
    assert_eq!(init["capabilities"]["positionEncoding"], "utf-8");
    client.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": uri, "languageId": "javascript", "version": 1, "text": JS}}),
    );
    let diags = client.diagnostics(&uri);
    let line = JS.lines().nth(3).unwrap();
    assert_eq!(
        diags[0]["range"]["start"],
        json!({"line": 3, "character": line.find("axios.put(").unwrap()})
    );
    client.shutdown();
}

#[test]
fn server_honours_the_nearest_configuration_and_inline_suppressions() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("quiet")).unwrap();
    std::fs::write(
        dir.path().join("quiet/apimigrate.toml"),
        "ignore = [\"RSA\"]\n",
    )
    .unwrap();
    let mut client = Client::start(dir.path());
    client.initialize(&[], dir.path());
    let quiet = file_uri(&dir.path().join("quiet/mark.js"));
    client.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": quiet, "languageId": "javascript", "version": 1, "text": JS}}),
    );
    assert_eq!(client.diagnostics(&quiet), Vec::<Value>::new());
    let suppressed = JS.replace(
        "  /* ünïcödé",
        "  // apimigrate: ignore[RSA] the gateway coerces it\n  /* ünïcödé",
    );
    let loud = file_uri(&dir.path().join("mark.js"));
    client.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": loud, "languageId": "javascript", "version": 1, "text": suppressed}}),
    );
    assert_eq!(client.diagnostics(&loud), Vec::<Value>::new());
    client.shutdown();
}

#[test]
fn server_reports_every_scanned_kind_by_the_uri_path() {
    let dir = tempfile::tempdir().unwrap();
    let mut client = Client::start(dir.path());
    client.initialize(&[], dir.path());
    let python = "import requests\n\nBASE = 'https://acme.360learning.com'\n\ndef drop(i):\n    requests.delete(f\"{BASE}/api/v1/users/{i}\", params={'company': C, 'apiKey': K})\n";
    let uri = file_uri(&dir.path().join("drop.py"));
    client.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": uri, "languageId": "python", "version": 1, "text": python}}),
    );
    let diags = client.diagnostics(&uri);
    assert!(
        codes(&diags).iter().any(|c| c.starts_with("LRN")),
        "{diags:#?}"
    );
    // The same text named .txt is not a kind apimigrate scans.
    let other = file_uri(&dir.path().join("drop.txt"));
    client.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": other, "languageId": "plaintext", "version": 1, "text": python}}),
    );
    assert_eq!(client.diagnostics(&other), Vec::<Value>::new());
    client.shutdown();
}

#[test]
fn server_never_shows_a_secret_in_diagnostics_titles_or_hovers() {
    const SECRET: &str = "Zk9pQ2xv7Hs3Rt8Wq1Lm";
    let text = format!(
        "const axios = require('axios');\nconst LRN = 'https://acme.360learning.com';\nconst KEY = '{SECRET}';\nfunction drop(id) {{\n  return axios.delete(`${{LRN}}/api/v1/users/${{id}}?apiKey={SECRET}`, {{ params: {{ company: 'acme', apiKey: KEY }} }});\n}}\n"
    );
    let dir = tempfile::tempdir().unwrap();
    let uri = file_uri(&dir.path().join("drop.js"));
    let mut client = Client::start(dir.path());
    client.initialize(&[], dir.path());
    client.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": uri, "languageId": "javascript", "version": 1, "text": text}}),
    );
    let diags = client.diagnostics(&uri);
    assert!(codes(&diags).contains(&"API002"), "{diags:#?}");
    let mut shown = Value::Array(diags.clone()).to_string();
    for d in &diags {
        let hover = client.request(
            "textDocument/hover",
            json!({"textDocument": {"uri": uri}, "position": d["range"]["start"]}),
        );
        shown.push_str(&hover.to_string());
        let actions = client.request(
            "textDocument/codeAction",
            json!({"textDocument": {"uri": uri}, "range": d["range"], "context": {"diagnostics": [d]}}),
        );
        for a in actions.as_array().unwrap() {
            shown.push_str(a["title"].as_str().unwrap());
            shown.push_str(&a["diagnostics"].to_string());
        }
    }
    assert!(shown.contains("***"), "{shown}");
    assert!(!shown.contains(SECRET), "{shown}");
    client.shutdown();
}

#[test]
fn server_reads_a_postman_collection_by_its_path() {
    let collection = json!({
        "info": {"name": "offboarding", "schema": "https://schema.getpostman.com/json/collection/v2.1.0/collection.json"},
        "item": [{
            "name": "mark deleted",
            "request": {
                "method": "PUT",
                "url": "https://acme.access.securid.com/AdminInterface/restapi/v1/users/42/markDeleted",
                "body": {"mode": "raw", "raw": "{\"markDeleted\": \"true\"}"},
            },
        }],
    })
    .to_string();
    let dir = tempfile::tempdir().unwrap();
    let uri = file_uri(&dir.path().join("offboarding.postman_collection.json"));
    let mut client = Client::start(dir.path());
    client.initialize(&[], dir.path());
    client.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": uri, "languageId": "json", "version": 1, "text": collection}}),
    );
    let diags = client.diagnostics(&uri);
    assert!(
        codes(&diags).iter().any(|c| c.starts_with("RSA")),
        "{diags:#?}"
    );
    client.shutdown();
}

#[test]
fn server_shows_a_broken_configuration_once_and_keeps_serving() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("apimigrate.toml"), "select = [\"NOPE9\"]\n").unwrap();
    let mut client = Client::start(dir.path());
    client.initialize(&[], dir.path());
    let uri = file_uri(&dir.path().join("mark.js"));
    client.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": uri, "languageId": "javascript", "version": 1, "text": JS}}),
    );
    let shown = loop {
        let msg = client.next();
        if msg["method"] == "window/showMessage" {
            break msg;
        }
    };
    assert_eq!(shown["params"]["type"], 1);
    let text = shown["params"]["message"].as_str().unwrap();
    assert!(text.contains("NOPE9"), "{text}");
    assert_eq!(client.diagnostics(&uri), Vec::<Value>::new());
    // Fixed and saved: the document is checked again with the new configuration.
    std::fs::write(
        dir.path().join("apimigrate.toml"),
        "select = [\"RSA001\"]\n",
    )
    .unwrap();
    let config = file_uri(&dir.path().join("apimigrate.toml"));
    client.notify(
        "textDocument/didSave",
        json!({"textDocument": {"uri": config}}),
    );
    assert_eq!(codes(&client.diagnostics(&uri)), ["RSA001"]);
    client.shutdown();
}

#[test]
fn server_checks_again_only_the_document_that_changed() {
    let dir = tempfile::tempdir().unwrap();
    let mut client = Client::start(dir.path());
    client.initialize(&[], dir.path());
    let a = file_uri(&dir.path().join("a.js"));
    let b = file_uri(&dir.path().join("b.js"));
    for uri in [&a, &b] {
        client.notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": uri, "languageId": "javascript", "version": 1, "text": JS}}),
        );
        assert_eq!(client.diagnostics(uri).len(), 2);
    }
    client.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": a, "version": 2}, "contentChanges": [{"text": "// nothing here\n"}]}),
    );
    let seen = client.notifications_until_answer(
        "textDocument/hover",
        json!({"textDocument": {"uri": b}, "position": {"line": 0, "character": 0}}),
    );
    let published: Vec<(&str, usize)> = seen
        .iter()
        .filter(|m| m["method"] == "textDocument/publishDiagnostics")
        .map(|m| {
            (
                m["params"]["uri"].as_str().unwrap(),
                m["params"]["diagnostics"].as_array().unwrap().len(),
            )
        })
        .collect();
    assert_eq!(published, [(a.as_str(), 0)]);
    client.shutdown();
}
