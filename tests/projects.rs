//! Multi-file projects under `fixtures/projects/<name>/`: values imported from other
//! modules (ES modules, CommonJS, TypeScript index re-exports, import cycles) are
//! resolved, findings stay at the call site with the definition as related location,
//! and look-alike projects (`lookalike_*`) stay silent.

mod common;

use apimigrate::finding::Applicability;
use apimigrate::pipeline::prefilter::Verdict;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

fn projects() -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = std::fs::read_dir("fixtures/projects")
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    out.sort();
    assert!(out.len() >= 6, "project fixtures are missing");
    out
}

/// `(path, line, code)` of every finding of a scan.
fn found(result: &apimigrate::scan::ScanResult) -> BTreeSet<(String, usize, String)> {
    result
        .findings()
        .map(|(file, f)| {
            (
                file.source.display_path(),
                file.source.position(f.span.start).line,
                f.code.clone(),
            )
        })
        .collect()
}

#[test]
fn project_findings_match_annotations() {
    let mut failures = Vec::new();
    for dir in projects() {
        let result = common::scan(std::slice::from_ref(&dir));
        assert!(
            result.errors.is_empty(),
            "{}: {:?}",
            dir.display(),
            result.errors
        );
        let found = found(&result);
        let mut expected = BTreeSet::new();
        for file in common::files_under(&dir) {
            for (line, code) in common::expected(&file) {
                expected.insert((file.to_string_lossy().replace('\\', "/"), line, code));
            }
        }
        if found != expected {
            failures.push(format!(
                "{}:\n  expected but not reported: {:?}\n  reported but not expected: {:?}",
                dir.display(),
                expected.difference(&found).collect::<Vec<_>>(),
                found.difference(&expected).collect::<Vec<_>>()
            ));
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}

#[test]
fn lookalike_projects_stay_silent() {
    let mut n = 0;
    for dir in projects() {
        if dir
            .file_name()
            .unwrap()
            .to_string_lossy()
            .starts_with("lookalike")
        {
            n += 1;
            let result = common::scan(std::slice::from_ref(&dir));
            assert_eq!(
                result.findings().count(),
                0,
                "{} must produce no finding:\n{}",
                dir.display(),
                common::render(&result)
            );
        }
    }
    assert!(n >= 2, "look-alike projects are missing");
}

#[test]
fn project_findings_json() {
    for dir in projects() {
        let result = common::scan(std::slice::from_ref(&dir));
        let name = format!("project_{}", dir.file_name().unwrap().to_string_lossy());
        insta::with_settings!({ prepend_module_to_snapshot => false, omit_expression => true }, {
            insta::assert_snapshot!(name, apimigrate::report::json::render(&result));
        });
    }
}

#[test]
fn imported_definitions_are_labelled_with_their_file_and_line() {
    let result = common::scan(&[PathBuf::from("fixtures/projects/js_esm")]);
    let human = common::render(&result);
    assert!(
        human.contains("defined in fixtures/projects/js_esm/src/settings.js:2"),
        "{human}"
    );
    let sarif = apimigrate::report::sarif::render(&result, &apimigrate::rules::RuleSet::embedded());
    let log: serde_json::Value = serde_json::from_str(&sarif).unwrap();
    let uris: Vec<String> = log["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|r| {
            r["relatedLocations"]
                .as_array()
                .cloned()
                .unwrap_or_default()
        })
        .map(|l| {
            l["physicalLocation"]["artifactLocation"]["uri"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect();
    assert!(
        uris.iter()
            .any(|u| u == "fixtures/projects/js_esm/src/settings.js"),
        "{uris:?}"
    );
}

#[test]
fn a_fix_never_edits_a_call_whose_url_is_defined_in_another_file() {
    let result = common::scan(&[PathBuf::from("fixtures/projects/js_esm/src/users.js")]);
    let findings: Vec<_> = result.findings().collect();
    assert_eq!(findings.len(), 4);
    for (_, f) in findings {
        let fix = f.fix.as_ref().unwrap();
        assert_eq!(fix.applicability, Applicability::Manual);
        assert!(fix.edits.is_empty());
        assert!(
            fix.title
                .contains("is defined in fixtures/projects/js_esm/src/settings.js:"),
            "{}",
            fix.title
        );
    }
}

#[test]
fn a_file_whose_vendor_literals_are_imported_is_parsed() {
    let offboard = Path::new("fixtures/projects/js_esm/src/offboard.js");
    let text = std::fs::read(offboard).unwrap();
    // On its own text, the literal scan would skip the file.
    assert_eq!(common::checker().verdict(&text), Verdict::NoVendorLiteral);
    let result = common::scan(&[offboard.to_path_buf()]);
    assert_eq!(result.findings().count(), 1, "{}", common::render(&result));
}

#[test]
fn a_scan_of_a_subfolder_follows_imports_above_it() {
    // Nothing in `app/users.js` names the vendor or the API: the module above the
    // scanned folder does.
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::create_dir(d.join("app")).unwrap();
    std::fs::write(
        d.join("settings.js"),
        "export const BASE = 'https://community.khoros.com/api/2.0';\n",
    )
    .unwrap();
    let users = "import { BASE } from '../settings';\n\
                 export const remove = (id) => fetch(`${BASE}/users/${id}`, { method: 'DELETE' });\n";
    std::fs::write(d.join("app/users.js"), users).unwrap();
    // Siblings that import nothing of the kind stay out of the second look.
    for i in 0..20 {
        std::fs::write(
            d.join(format!("app/m{i}.js")),
            format!(
                "import {{ x }} from './m{}';\nexport const y = x;\n",
                (i + 1) % 20
            ),
        )
        .unwrap();
    }
    let sub = common::scan(&[d.join("app")]);
    let codes: Vec<&str> = sub.findings().map(|(_, f)| f.code.as_str()).collect();
    assert_eq!(codes, ["AUR001"], "{}", common::render(&sub));
}

#[test]
fn import_cycles_and_missing_modules_end_and_give_the_same_answer_every_time() {
    let dir = PathBuf::from("fixtures/projects/js_cycle");
    let first = found(&common::scan(std::slice::from_ref(&dir)));
    for _ in 0..3 {
        assert_eq!(found(&common::scan(std::slice::from_ref(&dir))), first);
    }
    // The file alone, then the whole project: the cycle broken at a different module
    // gives the same findings for it.
    let main = found(&common::scan(&[dir.join("main.js")]));
    assert!(main.is_subset(&first), "{main:?} / {first:?}");
}

/// Copies a project fixture into a temporary directory.
fn copy_project(name: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let from = Path::new("fixtures/projects").join(name);
    for file in common::files_under(&from) {
        let to = dir.path().join(file.strip_prefix(&from).unwrap());
        std::fs::create_dir_all(to.parent().unwrap()).unwrap();
        std::fs::copy(&file, &to).unwrap();
    }
    dir
}

fn fix(dir: &Path) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_apimigrate"))
        .args(["fix", "--unsafe-fixes", "."])
        .current_dir(dir)
        .output()
        .unwrap()
}

#[test]
fn fixes_edit_only_the_file_that_writes_the_deprecated_part_and_converge() {
    let dir = copy_project("js_cycle");
    let snapshot = |dir: &Path| -> Vec<(PathBuf, String)> {
        common::files_under(dir)
            .into_iter()
            .map(|p| (p.clone(), std::fs::read_to_string(&p).unwrap()))
            .collect()
    };
    // `A` also feeds the user deletion of main.js: rewriting it to 2.1 would turn that
    // DELETE into a call to a path that does not exist, and hide it. It is held back,
    // and the output says which call to rewrite first.
    let before = snapshot(dir.path());
    let held = fix(dir.path());
    assert_eq!(
        snapshot(dir.path()),
        before,
        "nothing is edited while A feeds the deletion"
    );
    let stderr = String::from_utf8_lossy(&held.stderr);
    assert!(
        stderr.contains("a.js: AUR002 fix not applied")
            && stderr.contains("also feeds AUR001 at main.js:6"),
        "{stderr}"
    );
    // Once the deletion no longer reads `A` (rewritten by hand), the definition is fixed
    // where the version is written, and nowhere else.
    std::fs::remove_file(dir.path().join("main.js")).unwrap();
    let before = snapshot(dir.path());
    fix(dir.path());
    for (path, old) in &before {
        let new = std::fs::read_to_string(path).unwrap();
        if path.ends_with("a.js") {
            // `B + '/api/2.0'`: the version is written here, the host imported.
            assert!(new.contains("B + '/t5/s/api/2.1'"), "{new}");
        } else {
            assert_eq!(&new, old, "{} must not be edited", path.display());
        }
    }
    let after = snapshot(dir.path());
    let second = fix(dir.path());
    assert!(
        second.status.success(),
        "{}",
        String::from_utf8_lossy(&second.stdout)
    );
    assert_eq!(after, snapshot(dir.path()), "a second fix changes nothing");
}

#[test]
fn a_fix_of_an_importing_file_leaves_the_imported_module_alone() {
    let dir = copy_project("js_esm");
    let settings = dir.path().join("src/settings.js");
    let users = dir.path().join("src/users.js");
    let old_users = std::fs::read_to_string(&users).unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_apimigrate"))
        .args(["fix", "--unsafe-fixes", "src/users.js", "src/offboard.js"])
        .current_dir(dir.path())
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("is defined in src/settings.js:"),
        "{stdout}"
    );
    assert_eq!(std::fs::read_to_string(&users).unwrap(), old_users);
    assert_eq!(
        std::fs::read_to_string(&settings).unwrap(),
        std::fs::read_to_string("fixtures/projects/js_esm/src/settings.js").unwrap()
    );
}

#[test]
fn a_huge_or_broken_module_costs_only_its_own_values() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    // Over the module size cap: not read.
    let mut huge = String::from("export const BASE = 'https://community.khoros.com/api/2.0';\n");
    huge.push_str(
        &"export const PAD = 'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx';\n".repeat(25_000),
    );
    std::fs::write(d.join("huge.js"), huge).unwrap();
    std::fs::write(
        d.join("broken.js"),
        "export const = ((( 'https://community.khoros.com/api/2.0';\n",
    )
    .unwrap();
    std::fs::write(
        d.join("good.js"),
        "export const V2 = 'https://community.khoros.com/api/2.0';\n",
    )
    .unwrap();
    std::fs::write(
        d.join("main.js"),
        "import { BASE } from './huge';\nimport { BROKEN } from './broken';\nimport { V2 } from './good';\n\
         export const a = (id) => fetch(`${BASE}/users/${id}`, { method: 'DELETE' });\n\
         export const b = (id) => fetch(`${BROKEN}/users/${id}`, { method: 'DELETE' });\n\
         export const c = (id) => fetch(`${V2}/users/${id}`, { method: 'DELETE' });\n",
    )
    .unwrap();
    let result = common::scan(&[d.join("main.js")]);
    assert!(result.errors.is_empty(), "{:?}", result.errors);
    let lines: Vec<usize> = result
        .findings()
        .map(|(file, f)| file.source.position(f.span.start).line)
        .collect();
    assert_eq!(lines, [6], "{}", common::render(&result));
}

#[test]
fn a_python_file_whose_vendor_literals_are_imported_is_parsed() {
    let offboard = Path::new("fixtures/projects/py_package/offboard.py");
    let text = std::fs::read(offboard).unwrap();
    assert_eq!(common::checker().verdict(&text), Verdict::NoVendorLiteral);
    let result = common::scan(&[offboard.to_path_buf()]);
    assert_eq!(result.findings().count(), 2, "{}", common::render(&result));
}

#[test]
fn python_import_cycles_and_missing_modules_end_and_give_the_same_answer_every_time() {
    let dir = PathBuf::from("fixtures/projects/py_cycle");
    let first = found(&common::scan(std::slice::from_ref(&dir)));
    // The deletion in main.py, and the base URLs that a.py and b.py define.
    assert_eq!(first.len(), 3, "{first:?}");
    for _ in 0..3 {
        assert_eq!(found(&common::scan(std::slice::from_ref(&dir))), first);
    }
    let main = found(&common::scan(&[dir.join("main.py")]));
    let in_main: BTreeSet<_> = first
        .iter()
        .filter(|(path, _, _)| path.ends_with("main.py"))
        .cloned()
        .collect();
    assert_eq!(main, in_main);
}

/// Runs `fix` twice on a copy of a project: files the first run leaves alone are
/// listed in `untouched`; every Python file re-parses; the second run changes nothing.
fn fix_converges(name: &str, untouched: &[&str]) -> tempfile::TempDir {
    let dir = copy_project(name);
    let before: Vec<(PathBuf, String)> = common::files_under(dir.path())
        .into_iter()
        .map(|p| (p.clone(), std::fs::read_to_string(&p).unwrap()))
        .collect();
    let first = fix(dir.path());
    assert!(
        first.status.code().is_some(),
        "{}",
        String::from_utf8_lossy(&first.stderr)
    );
    for (path, old) in &before {
        let new = std::fs::read_to_string(path).unwrap();
        let rel = path
            .strip_prefix(dir.path())
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        if untouched.contains(&rel.as_str()) {
            assert_eq!(&new, old, "{rel} must not be edited");
        }
        if rel.ends_with(".py") {
            assert_eq!(
                apimigrate::frontend::python::syntax_check(&new),
                None,
                "{rel}:\n{new}"
            );
        }
        if rel.ends_with(".rs") {
            assert_eq!(
                apimigrate::frontend::rust::syntax_check(&new),
                None,
                "{rel}:\n{new}"
            );
        }
    }
    let after: Vec<String> = before
        .iter()
        .map(|(p, _)| std::fs::read_to_string(p).unwrap())
        .collect();
    fix(dir.path());
    let again: Vec<String> = before
        .iter()
        .map(|(p, _)| std::fs::read_to_string(p).unwrap())
        .collect();
    assert_eq!(after, again, "a second fix changes nothing");
    dir
}

#[test]
fn python_fixes_never_edit_a_value_defined_in_another_module_and_name_it() {
    fix_converges(
        "py_package",
        &[
            "community_sync/settings.py",
            "community_sync/__init__.py",
            "community_sync/users.py",
            "offboard.py",
        ],
    );
    // The call whose only vendor signal is an imported headers dict is rewritten in
    // place; the dict's module is not touched.
    let dir = fix_converges("py_settings_object", &["khoros_client/core.py"]);
    let users = std::fs::read_to_string(dir.path().join("khoros_client/users.py")).unwrap();
    assert!(
        users.contains("requests.post(f\"{base}/t5/s/api/2.1/graphql\", headers=SESSION_HEADERS"),
        "{users}"
    );
    let result = common::scan(&[PathBuf::from("fixtures/projects/py_settings_object")]);
    for (_, f) in result
        .findings()
        .filter(|(_, f)| f.fix.as_ref().unwrap().edits.is_empty())
    {
        let fix = f.fix.as_ref().unwrap();
        assert_eq!(fix.applicability, Applicability::Manual);
        assert!(
            fix.title.contains(
                "is defined in fixtures/projects/py_settings_object/khoros_client/core.py:6"
            ),
            "{}",
            fix.title
        );
    }
}

#[test]
fn a_huge_or_broken_python_module_costs_only_its_own_values() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let mut huge = String::from("BASE = 'https://community.khoros.com/api/2.0'\n");
    huge.push_str(
        &"PAD = 'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx'\n".repeat(20_000),
    );
    std::fs::write(d.join("huge.py"), huge).unwrap();
    std::fs::write(
        d.join("broken.py"),
        "BROKEN = ((( 'https://community.khoros.com/api/2.0'\n",
    )
    .unwrap();
    std::fs::write(
        d.join("good.py"),
        "V2 = 'https://community.khoros.com/api/2.0'\n",
    )
    .unwrap();
    // A chain deeper than the index follows: each module re-exports the next.
    for i in 0..8 {
        std::fs::write(
            d.join(format!("deep{i}.py")),
            format!("from deep{} import DEEP\n", i + 1),
        )
        .unwrap();
    }
    std::fs::write(
        d.join("deep8.py"),
        "DEEP = 'https://community.khoros.com/api/2.0'\n",
    )
    .unwrap();
    std::fs::write(
        d.join("main.py"),
        "import requests\nfrom huge import BASE\nfrom broken import BROKEN\nfrom good import V2\nfrom deep0 import DEEP\n\
         def a(i):\n    requests.delete(f'{BASE}/users/{i}')\n\
         def b(i):\n    requests.delete(f'{BROKEN}/users/{i}')\n\
         def c(i):\n    requests.delete(f'{V2}/users/{i}')\n\
         def d(i):\n    requests.delete(f'{DEEP}/users/{i}')\n",
    )
    .unwrap();
    let result = common::scan(&[d.join("main.py")]);
    assert!(result.errors.is_empty(), "{:?}", result.errors);
    let lines: Vec<usize> = result
        .findings()
        .map(|(file, f)| file.source.position(f.span.start).line)
        .collect();
    assert_eq!(lines, [11], "{}", common::render(&result));
}

#[test]
fn python_wrapper_calls_are_fixed_where_the_url_is_written_and_converge() {
    let dir = fix_converges("py_wrappers", &["sdk/api.py", "sdk/__init__.py"]);
    let users = std::fs::read_to_string(dir.path().join("sdk/users.py")).unwrap();
    assert!(
        users.contains("f\"{COMMUNITY}/t5/s/api/2.1/users\""),
        "{users}"
    );
    // The deletes go through wrappers: their fixes are manual and name the wrapper.
    assert!(
        users.contains("_delete(f\"/api/2.0/users/{uid}\", key)"),
        "{users}"
    );
    let result = common::scan(&[PathBuf::from("fixtures/projects/py_wrappers/sdk/users.py")]);
    let titles: Vec<String> = result
        .findings()
        .filter(|(_, f)| f.code == "AUR001")
        .map(|(_, f)| f.fix.as_ref().unwrap().title.clone())
        .collect();
    assert_eq!(titles.len(), 5);
    assert!(
        titles.iter().any(|t| t
            .contains("`api.delete` is defined in fixtures/projects/py_wrappers/sdk/api.py:10")),
        "{titles:?}"
    );
}

#[test]
fn recursive_and_deep_python_wrappers_end() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let mut chain = String::from("import requests\nBASE = 'https://community.khoros.com'\n");
    chain.push_str("def w0(path):\n    return requests.delete(BASE + path)\n");
    for i in 1..10 {
        chain.push_str(&format!("def w{i}(path):\n    return w{}(path)\n", i - 1));
    }
    // Recursion, direct and mutual.
    chain.push_str("def r(path):\n    return r(path)\ndef m1(path):\n    return m2(path)\ndef m2(path):\n    return m1(path)\n");
    chain.push_str("def go(i):\n    w1('/api/2.0/users/' + i)\n    w9('/api/2.0/users/' + i)\n    r('/api/2.0/users/' + i)\n    m1('/api/2.0/users/' + i)\n");
    std::fs::write(d.join("chain.py"), chain).unwrap();
    let result = common::scan(&[d.join("chain.py")]);
    assert!(result.errors.is_empty(), "{:?}", result.errors);
    let lines: Vec<usize> = result
        .findings()
        .map(|(file, f)| file.source.position(f.span.start).line)
        .collect();
    // `w1` is two wrappers deep; the recursions make no request; `w9` is past the bound
    // of one summary (it may still be found through summaries made for other calls).
    assert_eq!(lines.first(), Some(&30), "{}", common::render(&result));
    assert!(
        lines.iter().all(|l| [30, 31].contains(l)),
        "{}",
        common::render(&result)
    );
}

#[test]
fn scripts_and_crates_whose_vendor_literals_are_sourced_or_used_are_parsed() {
    for (file, n) in [
        ("fixtures/projects/sh_source/offboard.sh", 3),
        ("fixtures/projects/rs_crate/src/khoros/users.rs", 4),
    ] {
        let path = Path::new(file);
        let text = std::fs::read(path).unwrap();
        assert_eq!(
            common::checker().verdict(&text),
            Verdict::NoVendorLiteral,
            "{file}"
        );
        let result = common::scan(&[path.to_path_buf()]);
        assert_eq!(result.findings().count(), n, "{}", common::render(&result));
    }
}

#[test]
fn sourcing_cycles_missing_files_and_missing_modules_end() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(
        d.join("a.sh"),
        "source ./b.sh\nHOST=https://community.khoros.com\n",
    )
    .unwrap();
    std::fs::write(d.join("b.sh"), ". ./a.sh\nAPI=\"$HOST/api/2.0\"\n").unwrap();
    std::fs::write(
        d.join("main.sh"),
        "source ./a.sh\nsource ./missing.sh\nsource /etc/profile\n\
         curl -X DELETE \"$API/users/$1\"\ncurl -X DELETE \"$HOST/api/2.0/users/$1\"\n",
    )
    .unwrap();
    std::fs::create_dir_all(d.join("src")).unwrap();
    std::fs::write(
        d.join("src/main.rs"),
        "mod gone;\nmod urls;\nfn main() {}\n",
    )
    .unwrap();
    std::fs::write(
        d.join("src/urls.rs"),
        "use crate::urls::LOOP;\npub const LOOP: &str = self::LOOP;\npub const HOST: &str = \"https://community.khoros.com\";\n",
    )
    .unwrap();
    std::fs::write(
        d.join("src/users.rs"),
        "use crate::gone::BASE;\nuse crate::urls::{HOST, LOOP};\n\
         async fn a(c: &reqwest::Client, id: u64) { c.delete(format!(\"{BASE}/users/{id}\")).send().await; }\n\
         async fn b(c: &reqwest::Client, id: u64) { c.delete(format!(\"{LOOP}/users/{id}\")).send().await; }\n\
         async fn d(c: &reqwest::Client, id: u64) { c.delete(format!(\"{HOST}/api/2.0/users/{id}\")).send().await; }\n",
    )
    .unwrap();
    let first = found(&common::scan(&[d.to_path_buf()]));
    for _ in 0..2 {
        assert_eq!(found(&common::scan(&[d.to_path_buf()])), first);
    }
    let lines: Vec<(String, usize)> = first
        .iter()
        .map(|(p, l, _)| {
            (
                Path::new(p)
                    .file_name()
                    .unwrap()
                    .to_string_lossy()
                    .into_owned(),
                *l,
            )
        })
        .collect();
    // `$API` is read back through the cycle (`b.sh` sees no `HOST`): no vendor signal.
    assert_eq!(
        lines,
        [("main.sh".to_string(), 5), ("users.rs".to_string(), 5)],
        "{first:?}"
    );
}

#[test]
fn every_alternative_is_checked_and_the_message_says_which() {
    let result = common::scan(&[PathBuf::from("fixtures/projects/py_alternatives")]);
    let messages: Vec<String> = result.findings().map(|(_, f)| f.message.clone()).collect();
    assert_eq!(messages.len(), 3, "{messages:?}");
    assert!(
        messages[0].ends_with("(when `url` is f\"{COMMUNITY}/api/2.0/users/{uid}\" and `os.environ.get(\"KHOROS_URL\", \"https://community.khoros.com\")` is \"https://community.khoros.com\")"),
        "{messages:?}"
    );
    assert!(messages[2].contains("is \"api/2.0\")"), "{messages:?}");
    fix_converges("py_alternatives", &[]);
}

#[test]
fn rust_alternatives_are_checked_and_their_own_literals_fixed() {
    let result = common::scan(&[PathBuf::from("fixtures/projects/rs_alternatives")]);
    let messages: Vec<String> = result.findings().map(|(_, f)| f.message.clone()).collect();
    for said in [
        "(when `COMMUNITY` is `\"https://stage.acme.com/api/2.0\"`)",
        "(when `base` is `\"https://community.acme.com/api/2.0\"`)",
        "(when `url` is `format!(\"https://eu.acme.com/api/2.0/users/{id}\")`)",
        "(when `REGION_API` is `\"https://eu.acme.com/api/2.0\"`)",
    ] {
        assert!(
            messages.iter().any(|m| m.ends_with(said)),
            "{said}: {messages:?}"
        );
    }
    let dir = fix_converges("rs_alternatives", &[]);
    let fixed = std::fs::read_to_string(dir.path().join("src/main.rs")).unwrap();
    // The deprecated alternatives' own literals are edited in place …
    assert!(
        fixed.contains(
            "let base = configured.unwrap_or(\"https://community.acme.com/t5/s/api/2.1\");"
        ),
        "{fixed}"
    );
    assert!(
        fixed.contains(
            "url = format!(\"https://community.acme.com/t5/s/api/2.1/users/{id}\");\n    }"
        ),
        "{fixed}"
    );
    // … and a request whose rewrite would have to serve every alternative is left for
    // a rewrite by hand.
    assert!(
        fixed.contains(".delete(format!(\"{COMMUNITY}/users/{id}\"))"),
        "{fixed}"
    );
    assert!(
        fixed.contains("\"https://eu.acme.com/api/2.0/users/{id}\""),
        "{fixed}"
    );
}

#[test]
fn shell_alternatives_and_expansion_defaults_are_checked_and_the_default_is_fixed_in_place() {
    let result = common::scan(&[PathBuf::from("fixtures/projects/sh_alternatives")]);
    let messages: Vec<String> = result.findings().map(|(_, f)| f.message.clone()).collect();
    assert!(
        messages
            .iter()
            .any(|m| m.ends_with("(when `$API` is `https://stage.example.com/api/2.0`)")),
        "{messages:?}"
    );
    let dir = fix_converges("sh_alternatives", &[]);
    let fixed = std::fs::read_to_string(dir.path().join("purge.sh")).unwrap();
    assert!(
        fixed.contains("BASE=\"${KHOROS_BASE:-https://community.example.com/t5/s/api/2.1}\""),
        "{fixed}"
    );
    // The request whose URL has alternatives is left for a rewrite by hand.
    assert!(fixed.contains("-X DELETE -H \"li-api-session-key: $KEY\" \"$API/users/$1\""));
}

#[test]
fn wrapper_chains_are_bounded_and_recursion_ends() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let base = "const BASE = 'https://community.khoros.com/api/2.0';\n";
    // w0 sends the request to the path it is given; w1 … w9 each pass the path on to
    // the one before: a call of w1 is within the bound, a call of w9 beyond it.
    let mut chain = format!(
        "import axios from 'axios';\n{base}\
         function w0(path) {{ return axios.delete(BASE + path); }}\n"
    );
    for i in 1..10 {
        chain.push_str(&format!(
            "function w{i}(path) {{ return w{}(path); }}\n",
            i - 1
        ));
    }
    chain.push_str(
        "export const near = () => w1('/users/7');\nexport const far = () => w9('/users/9');\n",
    );
    // Direct and mutual recursion, across two modules that import each other.
    chain.push_str(
        "export function r(p) { return p.length > 9 ? r(p.slice(1)) : w0(p); }\nr('/users/3');\n",
    );
    std::fs::write(d.join("chain.js"), chain).unwrap();
    std::fs::write(
        d.join("a.js"),
        format!(
            "import axios from 'axios';\nimport {{ b }} from './b';\n{base}\
             export function a(path) {{ if (!path) return b(path); return axios.delete(BASE + path); }}\n"
        ),
    )
    .unwrap();
    std::fs::write(
        d.join("b.js"),
        "import { a } from './a';\nexport function b(path) { return a(path); }\nb('/users/1');\n",
    )
    .unwrap();
    let result = common::scan(&[d.to_path_buf()]);
    assert!(result.errors.is_empty(), "{:?}", result.errors);
    let lines: BTreeSet<(String, usize)> = result
        .findings()
        .filter(|(_, f)| f.code == "AUR001")
        .map(|(file, f)| {
            (
                file.source
                    .path
                    .file_name()
                    .unwrap()
                    .to_string_lossy()
                    .into_owned(),
                file.source.position(f.span.start).line,
            )
        })
        .collect();
    // chain.js: `near` (line 13) is reported and `far` (line 14) is not; the
    // recursive `r` ends, and its call (line 16) is reported once.
    for line in [13, 16] {
        assert!(lines.contains(&("chain.js".into(), line)), "{lines:?}");
    }
    assert!(!lines.contains(&("chain.js".into(), 14)), "{lines:?}");
    assert!(lines.contains(&("b.js".into(), 3)), "{lines:?}");
    // Each call is reported once, however many ways it is reached.
    let all: Vec<_> = result
        .findings()
        .map(|(file, f)| {
            (
                file.source.display_path(),
                f.span.start,
                f.span.end,
                f.code.clone(),
            )
        })
        .collect();
    let unique: BTreeSet<_> = all.iter().cloned().collect();
    assert_eq!(all.len(), unique.len());
}

#[test]
fn fixes_of_wrapped_helped_and_alternative_requests_converge_and_keep_files_parsing() {
    for name in [
        "js_wrappers",
        "js_factory",
        "js_alternatives",
        "rs_alternatives",
        "ts_shapes",
        "ts_openapi",
    ] {
        let dir = copy_project(name);
        fix(dir.path());
        let after: Vec<String> = common::files_under(dir.path())
            .iter()
            .map(|p| std::fs::read_to_string(p).unwrap())
            .collect();
        fix(dir.path());
        let again: Vec<String> = common::files_under(dir.path())
            .iter()
            .map(|p| std::fs::read_to_string(p).unwrap())
            .collect();
        assert_eq!(after, again, "{name}: a second fix changes nothing");
        let result = common::scan(&[dir.path().to_path_buf()]);
        assert!(
            result.findings().all(|(_, f)| f.code != "API003"),
            "{name}: a fixed file does not parse:\n{}",
            common::render(&result)
        );
    }
}

#[test]
fn a_request_sent_through_a_wrapper_is_fixed_by_hand_at_the_wrapper() {
    let result = common::scan(&[PathBuf::from("fixtures/projects/js_wrappers")]);
    let at_call: Vec<_> = result
        .findings()
        .filter(|(file, _)| file.source.display_path().ends_with("offboard.js"))
        .collect();
    assert_eq!(at_call.len(), 2, "{}", common::render(&result));
    for (_, f) in at_call {
        let fix = f.fix.as_ref().unwrap();
        assert_eq!(fix.applicability, Applicability::Manual);
        assert!(fix.edits.is_empty());
        assert!(
            fix.title.contains(
                "`client.request` is defined in fixtures/projects/js_wrappers/src/khoros.js:"
            ),
            "{}",
            fix.title
        );
    }
}

#[test]
fn a_huge_module_of_wrappers_is_bounded() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    // Thousands of exported wrappers, each calling the one before (under the size cap).
    let mut sdk = String::from(
        "import axios from 'axios';\nconst BASE = 'https://community.khoros.com/api/2.0';\n\
         export function f0(path) { return axios.delete(BASE + path); }\n",
    );
    for i in 1..6000 {
        sdk.push_str(&format!(
            "export function f{i}(path) {{ return f{}(path) || f0(path); }}\n",
            i - 1
        ));
    }
    assert!(sdk.len() < 1 << 20);
    std::fs::write(d.join("sdk.js"), sdk).unwrap();
    let mut main = String::from("import * as sdk from './sdk';\n");
    for i in (0..6000).step_by(7) {
        main.push_str(&format!("sdk.f{i}('/users/{i}');\n"));
    }
    std::fs::write(d.join("main.js"), main).unwrap();
    let result = common::scan(&[d.join("main.js")]);
    assert!(result.errors.is_empty(), "{:?}", result.errors);
    // The calls within the bound are requests.
    assert!(
        result.findings().count() >= 1,
        "{}",
        common::render(&result)
    );
}

/// `fix --diff --unsafe-fixes .` in a copy of the project: its diff.
fn fix_diff(dir: &Path) -> String {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_apimigrate"))
        .args(["fix", "--diff", "--unsafe-fixes", "."])
        .current_dir(dir)
        .output()
        .unwrap();
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn a_constant_of_another_file_that_feeds_only_deprecated_calls_is_fixed_there() {
    for (name, definition) in [
        ("js_crossfix", "src/settings.js"),
        ("py_crossfix", "reporting/settings.py"),
        ("sh_crossfix", "lib/env.sh"),
    ] {
        let dir = copy_project(name);
        let diff = fix_diff(dir.path());
        insta::with_settings!({ prepend_module_to_snapshot => false, omit_expression => true }, {
            insta::assert_snapshot!(format!("crossfix_{name}"), diff);
        });
        // Only the definition changes; the call sites stay as written.
        let fixed = fix_converges(name, &[]);
        for file in common::files_under(fixed.path()) {
            let rel = file.strip_prefix(fixed.path()).unwrap();
            let new = std::fs::read_to_string(&file).unwrap();
            let old = std::fs::read_to_string(Path::new("fixtures/projects").join(name).join(rel))
                .unwrap();
            if rel == Path::new(definition) {
                assert!(new.contains("/t5/s/api/2.1"), "{new}");
            } else if !new.contains("ADMIN_PATH") {
                assert_eq!(new, old, "{} must not be edited", rel.display());
            }
        }
        // The calls now read the new path: nothing of theirs is left to fix.
        let result = common::scan(&[fixed.path().to_path_buf()]);
        let left: Vec<String> = result
            .findings()
            .filter(|(_, f)| {
                !f.message.contains("ADMIN_PATH")
                    && f.related.iter().all(|r| !r.expr.contains("ADMIN_PATH"))
            })
            .map(|(r, f)| format!("{} {}", r.source.display_path(), f.code))
            .collect();
        assert!(left.is_empty(), "{name}: {left:?}");
    }
}

#[test]
fn a_definition_with_alternatives_is_never_rewritten_at_its_definition() {
    // Python: `BASE` bound in both arms of an `if` and a function returning
    // `os.getenv(..) or "…"` stay as written, and the calls name them; `ROOT` and
    // `EDGE`, one-line definitions with the deprecated alternative among others, have
    // that literal (and only it) replaced.
    let dir = fix_converges("py_crossfix_alternatives", &["reports.py"]);
    let before =
        std::fs::read_to_string("fixtures/projects/py_crossfix_alternatives/reporting/settings.py")
            .unwrap();
    let after = std::fs::read_to_string(dir.path().join("reporting/settings.py")).unwrap();
    let changed: Vec<(&str, &str)> = before
        .lines()
        .zip(after.lines())
        .filter(|(a, b)| a != b)
        .collect();
    assert_eq!(
        changed,
        [(
            "ROOT = os.environ.get(\"KHOROS_ROOT\", \"https://community.khoros.com/api/2.0\")  # expect: AUR002",
            "ROOT = os.environ.get(\"KHOROS_ROOT\", \"https://community.khoros.com/t5/s/api/2.1\")  # expect: AUR002"
        ), (
            "EDGE = \"https://edge.khoros.com/t5/s/api/2.1\" if os.getenv(\"MODERN\") else \"https://edge.khoros.com/api/2.0\"",
            "EDGE = \"https://edge.khoros.com/t5/s/api/2.1\" if os.getenv(\"MODERN\") else \"https://edge.khoros.com/t5/s/api/2.1\""
        )],
        "{after}"
    );
    let left = common::render(&common::scan(&[dir.path().to_path_buf()]));
    for name in ["`BASE` is defined in", "`base_url()` is defined in"] {
        assert!(left.contains(name), "{left}");
    }
    assert!(
        !left.contains("`ROOT`") && !left.contains("`EDGE`"),
        "{left}"
    );
    // Rust: the `#[cfg]` constants, the `if cfg!(..)` static and the function are all
    // left to be changed by hand.
    let dir = fix_converges(
        "rs_crossfix_alternatives",
        &["src/main.rs", "src/settings.rs"],
    );
    let left = common::render(&common::scan(&[dir.path().to_path_buf()]));
    for name in [
        "`BASE` is defined in",
        "`ROOT` is defined in",
        "`base()` is defined in",
    ] {
        assert!(left.contains(name), "{left}");
    }
}

#[test]
fn a_constant_that_also_feeds_another_call_stays_a_manual_fix_that_names_it() {
    let dir = copy_project("js_crossfix");
    fix(dir.path());
    let settings = std::fs::read_to_string(dir.path().join("src/settings.js")).unwrap();
    // `ADMIN_PATH` also builds a user deletion (another rule's call): left alone.
    assert!(
        settings.contains("export const ADMIN_PATH = '/api/2.0';"),
        "{settings}"
    );
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_apimigrate"))
        .args(["check", "src/admin.js"])
        .current_dir(dir.path())
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("not automated here: `ADMIN_PATH` is defined in")
            && stdout.contains("src/settings.js:4; change it there"),
        "{stdout}"
    );
    // A definition outside the scanned paths is never edited.
    let dir = copy_project("js_crossfix");
    std::process::Command::new(env!("CARGO_BIN_EXE_apimigrate"))
        .args(["fix", "--unsafe-fixes", "src/reports.js"])
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert_eq!(
        std::fs::read_to_string(dir.path().join("src/settings.js")).unwrap(),
        std::fs::read_to_string("fixtures/projects/js_crossfix/src/settings.js").unwrap()
    );
}

#[test]
fn a_definition_that_cannot_be_written_leaves_every_file_as_it_was() {
    let dir = copy_project("js_crossfix");
    let before: Vec<(PathBuf, String)> = common::files_under(dir.path())
        .into_iter()
        .map(|p| (p.clone(), std::fs::read_to_string(&p).unwrap()))
        .collect();
    // Another program edits settings.js while it is being replaced.
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_apimigrate"))
        .args(["fix", "--unsafe-fixes", "."])
        .current_dir(dir.path())
        .env("APIMIGRATE_DEBUG_FAULT", "write-edit:settings.js")
        .output()
        .unwrap();
    let said = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(said.contains("changed on disk"), "{said}");
    assert_ne!(out.status.code(), Some(0));
    for (path, old) in &before {
        let new = std::fs::read_to_string(path).unwrap();
        if path.ends_with("settings.js") {
            // The other program's text stays; the fix is not in it.
            assert!(new.starts_with(old.as_str()), "{new}");
            assert!(!new.contains("/t5/s/api/2.1"), "{new}");
        } else {
            assert_eq!(&new, old, "{} must not be edited", path.display());
        }
    }
    assert!(said.contains("Fixed 0 findings in 0 files."), "{said}");
}

#[test]
fn check_reports_a_fix_made_at_a_definition_in_another_file_as_fix_makes_it() {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_apimigrate"))
        .args(["check", "--format", "json", "fixtures/projects/js_crossfix"])
        .output()
        .unwrap();
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let at_definition: Vec<&serde_json::Value> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| {
            f["fix"]["title"]
                .as_str()
                .is_some_and(|t| t.contains("which `apimigrate fix` edits"))
        })
        .collect();
    assert!(!at_definition.is_empty(), "{report:#}");
    for f in &at_definition {
        assert_eq!(f["fix"]["applicability"], "unsafe", "{f:#}");
        assert!(
            f["fix"]["title"]
                .as_str()
                .unwrap()
                .contains("at the definition in fixtures/projects/js_crossfix/src/settings.js:"),
            "{f:#}"
        );
    }
    // The edits are listed with the file they belong to; the finding's own file has
    // none.
    for f in &at_definition {
        assert_eq!(f["fix"]["edits"], serde_json::json!([]), "{f:#}");
        let others = f["fix"]["other_files"].as_array().unwrap();
        assert_eq!(others.len(), 1, "{f:#}");
        assert_eq!(
            others[0]["path"],
            "fixtures/projects/js_crossfix/src/settings.js"
        );
        assert_eq!(
            others[0]["edits"],
            serde_json::json!([{
                "start": {"line": 2, "column": 26},
                "end": {"line": 2, "column": 34},
                "content": "/t5/s/api/2.1"
            }]),
            "{f:#}"
        );
    }
    assert_eq!(
        report["summary"]["fixable"],
        at_definition.len(),
        "{report:#}"
    );
    // SARIF: one artifact change per file the fix edits, here the definition's.
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_apimigrate"))
        .args([
            "check",
            "--format",
            "sarif",
            "fixtures/projects/js_crossfix",
        ])
        .output()
        .unwrap();
    let log: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let changes: Vec<&serde_json::Value> = log["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|r| r["fixes"].as_array())
        .flatten()
        .flat_map(|f| f["artifactChanges"].as_array().unwrap())
        .collect();
    assert_eq!(changes.len(), at_definition.len(), "{log:#}");
    for c in changes {
        assert_eq!(
            c["artifactLocation"]["uri"],
            "fixtures/projects/js_crossfix/src/settings.js"
        );
        assert_eq!(c["replacements"][0]["deletedRegion"]["startLine"], 2);
    }
    // And `fix` does fix them there.
    let dir = copy_project("js_crossfix");
    let fixed = fix(dir.path());
    let said = String::from_utf8_lossy(&fixed.stderr).to_string()
        + &String::from_utf8_lossy(&fixed.stdout);
    let settings = std::fs::read_to_string(dir.path().join("src/settings.js")).unwrap();
    assert!(settings.contains("/t5/s/api/2.1"), "{said}\n{settings}");
}

#[test]
fn settings_read_through_an_untyped_client_make_a_file_that_imports_nothing_a_candidate() {
    let dir = tempfile::tempdir().unwrap();
    let pkg = dir.path().join("sdk");
    std::fs::create_dir_all(&pkg).unwrap();
    std::fs::write(pkg.join("__init__.py"), "").unwrap();
    std::fs::write(
        pkg.join("core.py"),
        "class Client:\n    def __init__(self, url):\n        self.settings = {}\n        self.settings['v1_base'] = f\"{url}/restapi/vc\"\n        self.settings['v2_base'] = f\"{url}/api/2.0\"\n",
    )
    .unwrap();
    // No import leads to core.py, and no rule literal is written here.
    std::fs::write(
        pkg.join("users.py"),
        "import requests\n\n\ndef delete(khoros_client, uid):\n    return requests.delete(f\"{khoros_client.settings['v2_base']}/users/{uid}\")\n",
    )
    .unwrap();
    let result = common::scan(&[dir.path().to_path_buf()]);
    let codes: Vec<(String, String)> = result
        .findings()
        .map(|(file, f)| (file.source.display_path(), f.code.clone()))
        .collect();
    assert!(
        codes
            .iter()
            .any(|(p, c)| p.ends_with("users.py") && c == "AUR001"),
        "{codes:?}"
    );
}

#[test]
fn env_files_are_fixed_in_place_and_the_fix_converges() {
    let dir = copy_project("js_dotenv_fix");
    let reports = std::fs::read_to_string(dir.path().join("src/reports.js")).unwrap();
    let first = fix(dir.path());
    assert!(
        first.status.success(),
        "{}{}",
        String::from_utf8_lossy(&first.stdout),
        String::from_utf8_lossy(&first.stderr)
    );
    let env = std::fs::read_to_string(dir.path().join(".env")).unwrap();
    assert!(
        env.contains(
            "KHOROS_API=https://community.example.com/t5/s/api/2.1 # the community's REST API\n"
        ),
        "{env}"
    );
    let production = std::fs::read_to_string(dir.path().join(".env.production")).unwrap();
    assert!(
        production.contains("KHOROS_API=\"https://community.acme.com/t5/s/api/2.1/\"\n"),
        "{production}"
    );
    // The code reads the variable: it is right once the value is.
    assert_eq!(
        std::fs::read_to_string(dir.path().join("src/reports.js")).unwrap(),
        reports
    );
    let stdout = String::from_utf8_lossy(&first.stdout);
    assert!(stdout.contains("No findings"), "{stdout}");
    let again = fix(dir.path());
    assert!(again.status.success());
    assert_eq!(
        std::fs::read_to_string(dir.path().join(".env")).unwrap(),
        env,
        "a second fix changes nothing"
    );
}

#[test]
fn an_env_value_that_a_deletion_reads_is_held_back_and_says_why() {
    let dir = copy_project("js_dotenv");
    let env = std::fs::read_to_string(dir.path().join(".env")).unwrap();
    let out = fix(dir.path());
    assert_eq!(
        std::fs::read_to_string(dir.path().join(".env")).unwrap(),
        env,
        "the base URL also feeds the DELETE of app.js"
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains(".env: AUR002 fix not applied") && stderr.contains("AUR001 at app.js:8"),
        "{stderr}"
    );
}

#[test]
fn a_file_that_reads_the_environment_is_judged_with_the_env_files_above_it() {
    // report.py holds no vendor literal and no rule literal: the .env of its project
    // (a folder up) does.
    let report = PathBuf::from("fixtures/projects/py_dotenv/jobs/report.py");
    let found = found(&common::scan(std::slice::from_ref(&report)));
    assert_eq!(
        found
            .into_iter()
            .map(|(_, l, c)| (l, c))
            .collect::<Vec<_>>(),
        [(8, "AUR002".to_string())]
    );
    // The message says which env file gave the value.
    let human = common::render(&common::scan(&[PathBuf::from(
        "fixtures/projects/py_dotenv",
    )]));
    assert!(
        human.contains("is set in fixtures/projects/py_dotenv/.env)")
            && human.contains("defined in fixtures/projects/py_dotenv/.env:2"),
        "{human}"
    );
}

#[test]
fn env_file_secrets_never_reach_any_output() {
    for (project, secret) in [
        ("js_dotenv", "4c1f0b9e7d2a58e3b6f1"),
        ("py_dotenv", "Tr0ub4dor"),
        ("lookalike_dotenv", "00QCjAl4MlV"),
    ] {
        let dir = PathBuf::from("fixtures/projects").join(project);
        let result = common::scan(std::slice::from_ref(&dir));
        for out in [
            common::render(&result),
            apimigrate::report::json::render(&result),
        ] {
            assert!(!out.contains(secret), "{project}: {out}");
        }
        let cli = std::process::Command::new(env!("CARGO_BIN_EXE_apimigrate"))
            .args(["check", "--format", "sarif"])
            .arg(&dir)
            .output()
            .unwrap();
        assert!(!String::from_utf8_lossy(&cli.stdout).contains(secret));
    }
}

#[test]
fn json_documents_imported_as_modules_resolve_member_paths() {
    let result = common::scan(&[PathBuf::from("fixtures/projects/js_json_config")]);
    let human = common::render(&result);
    assert!(
        human.contains("defined in fixtures/projects/js_json_config/config.json:3"),
        "{human}"
    );
    // reports.js holds no vendor literal: the JSON document it requires does.
    let reports = PathBuf::from("fixtures/projects/js_json_config/src/reports.js");
    assert_eq!(found(&common::scan(&[reports])).len(), 1);
}

#[test]
fn configuration_documents_are_fixed_in_place_keep_parsing_and_converge() {
    let dir = fix_converges("config_documents", &["jobs/offboard.py"]);
    let yaml = std::fs::read_to_string(dir.path().join("config/settings.yaml")).unwrap();
    assert!(
        yaml.contains("base_url: https://community.acme-corp.com/t5/s/api/2.1 # expect: AUR002"),
        "{yaml}"
    );
    let json = std::fs::read_to_string(dir.path().join("appsettings.Production.json")).unwrap();
    assert!(
        json.contains("\"ApiBase\": \"https://community.acme-corp.com/t5/s/api/2.1/\""),
        "{json}"
    );
    // Both still parse as what they are.
    serde_json::from_str::<serde_json::Value>(&json).unwrap();
    let result = common::scan(&[dir.path().to_path_buf()]);
    assert_eq!(result.findings().count(), 0, "{}", common::render(&result));
}
