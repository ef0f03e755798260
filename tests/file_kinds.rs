//! CI workflows, notebooks, Dockerfiles, Makefiles, HAR, Bruno, Insomnia and Ansible:
//! which files are read, values from the files beside them, bad input, and speed.

mod common;

use apimigrate::discover::{discover, WalkOptions};
use apimigrate::source::Language;
use std::path::{Path, PathBuf};

fn write(dir: &Path, rel: &str, text: &str) -> PathBuf {
    let p = dir.join(rel);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(&p, text).unwrap();
    p
}

fn codes(paths: &[PathBuf]) -> Vec<String> {
    common::scan(paths)
        .findings()
        .map(|(_, f)| f.code.clone())
        .collect()
}

const RUN: &str = "jobs:\n  x:\n    runs-on: ubuntu-latest\n    steps:\n      - run: curl -X DELETE https://community.khoros.com/api/2.0/users/1\n";

#[test]
fn the_walk_enters_github_workflows_and_no_other_hidden_folder() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(root, ".github/workflows/offboard.yml", RUN);
    write(root, ".github/workflows/nested/deeper.yml", RUN);
    write(root, ".github/actions/close/action.yml", RUN);
    write(
        root,
        ".github/scripts/close.sh",
        "curl https://community.khoros.com/api/2.0/users/1\n",
    );
    write(
        root,
        ".hidden/close.sh",
        "curl https://community.khoros.com/api/2.0/users/1\n",
    );
    write(root, "ci/.gitlab-ci.yml", "job:\n  script:\n    - echo\n");
    write(root, "workflows/not-ci.yml", RUN);
    let (files, errors) = discover(&[root.to_path_buf()], &WalkOptions::default());
    assert!(errors.is_empty(), "{errors:?}");
    let found: Vec<(String, Language)> = files
        .into_iter()
        .map(|(p, l)| {
            (
                p.strip_prefix(root)
                    .unwrap()
                    .to_string_lossy()
                    .replace('\\', "/"),
                l,
            )
        })
        .collect();
    assert_eq!(
        found,
        [
            (
                ".github/workflows/offboard.yml".to_string(),
                Language::CiWorkflow
            ),
            ("ci/.gitlab-ci.yml".to_string(), Language::CiWorkflow),
        ]
    );
}

#[test]
fn malformed_workflows_and_notebooks_are_api003_only_with_a_vendor_signal() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let vendor = write(
        root,
        ".github/workflows/broken.yml",
        "jobs:\n  x:\n    runs-on: ubuntu-latest\n    steps: [\n      - run: curl -X DELETE https://community.khoros.com/api/2.0/users/1\n",
    );
    let quiet = write(
        root,
        ".github/workflows/broken_quiet.yml",
        "jobs:\n  x:\n    steps: [\n      - run: curl https://example.com/users/1\n",
    );
    let nb_vendor = write(
        root,
        "broken.ipynb",
        "{\"cells\": [{\"cell_type\": \"code\", \"source\": [\"requests.delete('https://community.khoros.com/api/2.0/users/1')\"]}",
    );
    let nb_quiet = write(root, "quiet.ipynb", "{\"cells\": [");
    let nb_python = write(
        root,
        "bad_python.ipynb",
        "{\"cells\": [{\"cell_type\": \"code\", \"source\": [\"import requests\\n\", \"requests.delete('https://community.khoros.com/api/2.0/users/1'\"]}]}",
    );
    assert_eq!(codes(&[vendor]), ["API003"]);
    assert!(codes(&[quiet]).is_empty());
    assert_eq!(codes(&[nb_vendor]), ["API003"]);
    assert!(codes(&[nb_quiet]).is_empty());
    assert_eq!(codes(&[nb_python]), ["API003"]);
}

#[test]
fn anchors_aliases_and_several_documents_are_read_without_a_crash() {
    let dir = tempfile::tempdir().unwrap();
    let text = "variables: &vars\n  BASE: https://community.khoros.com\n.close: &close\n  - curl -X DELETE \"$BASE/api/2.0/users/$ID\"\njob:\n  variables: *vars\n  script: *close\n---\nother:\n  script:\n    - &del curl -X DELETE https://community.khoros.com/api/2.0/users/2\n    - *del\n...\n";
    let p = write(dir.path(), ".gitlab-ci.yml", text);
    let result = common::scan(std::slice::from_ref(&p));
    assert!(result.errors.is_empty(), "{:?}", result.errors);
    // The aliases are skipped, the literal command of the second document is read.
    let lines: Vec<usize> = result
        .findings()
        .map(|(f, x)| f.source.position(x.span.start).line)
        .collect();
    assert_eq!(lines, [11]);
}

#[test]
fn huge_notebook_outputs_do_not_slow_the_scan() {
    let dir = tempfile::tempdir().unwrap();
    let line = "\"https://community.khoros.com/api/2.0/users/1 {\\\"x\\\": [1, 2]}\\n\",\n";
    let output: String = line.repeat(100_000);
    let text = format!(
        "{{\"cells\": [{{\"cell_type\": \"code\", \"outputs\": [{{\"output_type\": \"stream\", \"text\": [{output}\"\"]}}], \"source\": [\"import requests\\n\", \"requests.delete('https://community.khoros.com/api/2.0/users/1')\"]}}], \"metadata\": {{}}}}"
    );
    assert!(text.len() > 6_000_000);
    let p = write(dir.path(), "big.ipynb", &text);
    // Outputs are never read as code: the one call of the cell is the one finding
    // (how long it takes is measured in bench/, not asserted here).
    assert_eq!(codes(&[p]), ["AUR001"]);
}

#[test]
fn notebook_positions_point_into_the_json() {
    let path = PathBuf::from("fixtures/notebook/offboarding.ipynb");
    let text = std::fs::read_to_string(&path).unwrap();
    let result = common::scan(std::slice::from_ref(&path));
    let (file, f) = result
        .findings()
        .find(|(_, f)| f.code == "LRN004")
        .expect("the one-string cell is read");
    // The call in a cell written as one string, after escaped quotes and a tab.
    assert!(text[f.span.clone()].starts_with("requests.delete(\\\"https://app.360learning.com"));
    let pos = file.source.position(f.span.start);
    let line = text.lines().nth(pos.line - 1).unwrap();
    assert_eq!(
        pos.column,
        line.find("requests.delete(\\\"https").unwrap() + 1
    );
}

#[test]
fn inline_suppressions_work_in_workflows_and_notebooks() {
    let dir = tempfile::tempdir().unwrap();
    let wf = write(
        dir.path(),
        ".github/workflows/x.yml",
        "jobs:\n  x:\n    runs-on: ubuntu-latest\n    steps:\n      # apimigrate: ignore[AUR001] closed by hand\n      - run: curl -X DELETE https://community.khoros.com/api/2.0/users/1\n      - run: |\n          curl -X DELETE https://community.khoros.com/api/2.0/users/2 # apimigrate: ignore[AUR001] retired\n",
    );
    let result = common::scan(std::slice::from_ref(&wf));
    assert_eq!(result.findings().count(), 0, "{}", common::render(&result));
    assert_eq!(result.suppressed().count(), 2);
    let nb = write(
        dir.path(),
        "x.ipynb",
        "{\"cells\": [{\"cell_type\": \"code\", \"source\": [\"import requests\\n\", \"requests.delete('https://community.khoros.com/api/2.0/users/1')  # apimigrate: ignore[AUR001] retired\"]}]}",
    );
    let result = common::scan(std::slice::from_ref(&nb));
    assert_eq!(result.findings().count(), 0, "{}", common::render(&result));
    assert_eq!(result.suppressed().count(), 1);
}

#[test]
fn dockerfiles_are_found_by_name() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let run = "FROM alpine\nRUN curl -X DELETE https://community.khoros.com/api/2.0/users/1\n";
    for name in [
        "Dockerfile",
        "docker/Dockerfile.prod",
        "images/close.dockerfile",
        "Containerfile",
        "notes/Dockerfile.md",
        "Dockerfiles.txt",
        ".docker/Dockerfile",
    ] {
        write(root, name, run);
    }
    let (files, _) = discover(&[root.to_path_buf()], &WalkOptions::default());
    let found: Vec<(String, Language)> = files
        .into_iter()
        .map(|(p, l)| {
            let rel = p.strip_prefix(root).unwrap().to_string_lossy();
            (rel.replace('\\', "/"), l)
        })
        .collect();
    assert_eq!(
        found,
        [
            ("Containerfile".to_string(), Language::Dockerfile),
            ("Dockerfile".to_string(), Language::Dockerfile),
            ("docker/Dockerfile.prod".to_string(), Language::Dockerfile),
            ("images/close.dockerfile".to_string(), Language::Dockerfile),
            ("notes/Dockerfile.md".to_string(), Language::Markdown),
        ]
    );
}

#[test]
fn a_dockerfile_exec_form_is_left_to_a_person() {
    let dir = tempfile::tempdir().unwrap();
    let p = write(
        dir.path(),
        "Dockerfile",
        "FROM alpine\nRUN [\"curl\", \"-X\", \"DELETE\", \"https://community.khoros.com/api/2.0/users/7\"]\n",
    );
    let result = common::scan(std::slice::from_ref(&p));
    let (_, f) = result.findings().next().expect("the exec form is read");
    assert_eq!(f.code, "AUR001");
    let fix = f.fix.as_ref().expect("a fix is offered");
    assert_eq!(
        fix.applicability,
        apimigrate::finding::Applicability::Manual
    );
}

#[test]
fn malformed_dockerfiles_do_not_hang() {
    let dir = tempfile::tempdir().unwrap();
    let mut text = String::from("FROM alpine\n");
    for _ in 0..20_000 {
        text.push_str("RUN <<EOF\ncurl https://community.khoros.com/api/2.0/users/1 \\\n");
    }
    text.push_str("RUN [\"curl\", \nRUN 'unterminated\n");
    let p = write(dir.path(), "Dockerfile", &text);
    // The scan ends without a panic (how long it takes is measured in bench/).
    let _ = common::scan(std::slice::from_ref(&p));
}

#[test]
fn makefiles_are_found_by_name_and_recipe_rewrites_with_dollars_stay_manual() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let recipe = "close:\n\tcurl -X DELETE \"https://community.khoros.com/api/2.0/users/$(ID)\"\n";
    for name in [
        "Makefile",
        "sub/makefile",
        "GNUmakefile",
        "rules/close.mk",
        "Makefile.am",
    ] {
        write(root, name, recipe);
    }
    let (files, _) = discover(&[root.to_path_buf()], &WalkOptions::default());
    let found: Vec<String> = files
        .iter()
        .map(|(p, l)| {
            assert_eq!(*l, Language::Makefile);
            p.strip_prefix(root)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/")
        })
        .collect();
    assert_eq!(
        found,
        ["GNUmakefile", "Makefile", "rules/close.mk", "sub/makefile"]
    );
    // The CloseUserAccount rewrite writes `$` expansions and a pipeline: a person
    // writes it in make's own terms.
    let result = common::scan(&[root.join("Makefile")]);
    let (_, f) = result.findings().next().expect("the recipe is read");
    assert_eq!(f.code, "AUR001");
    let fix = f.fix.as_ref().expect("a fix is described");
    assert_eq!(
        fix.applicability,
        apimigrate::finding::Applicability::Manual
    );
}

#[test]
fn har_recordings_are_reported_never_fixed_and_their_secrets_never_shown() {
    let path = PathBuf::from("fixtures/har/offboarding.har");
    let result = common::scan(std::slice::from_ref(&path));
    let mut n = 0;
    for (_, f) in result.findings() {
        n += 1;
        if let Some(fix) = &f.fix {
            assert_eq!(
                fix.applicability,
                apimigrate::finding::Applicability::Manual,
                "{}",
                f.code
            );
            assert!(fix.edits.is_empty(), "{}", f.code);
        }
    }
    assert!(n >= 4, "only {n} findings");
    let shown = common::render(&result);
    for secret in ["a1b2c3d4e5f6a7b8c9d0", "0123456789abcdef"] {
        assert!(!shown.contains(secret), "{secret} is shown:\n{shown}");
    }
}

#[test]
fn insomnia_exports_are_found_by_content_resolve_environments_and_hide_secrets() {
    let dir = tempfile::tempdir().unwrap();
    let export = dir.path().join("team-requests.json");
    std::fs::copy("fixtures/insomnia/offboarding.json", &export).unwrap();
    let data = dir.path().join("users.json");
    std::fs::write(&data, "{\"_type\": \"user\", \"format\": 4}").unwrap();
    assert_eq!(Language::detect(&export), Some(Language::Insomnia));
    assert_eq!(Language::detect(&data), None);
    let result = common::scan(std::slice::from_ref(&export));
    let codes: Vec<_> = result.findings().map(|(_, f)| f.code.clone()).collect();
    // The Aurora host comes from the export's environment (`{{ _.khoros_base }}`).
    assert!(codes.iter().any(|c| c == "AUR001"), "{codes:?}");
    let shown = common::render(&result);
    for secret in ["a1b2c3d4e5f6a7b8c9d0", "0123456789abcdef0123"] {
        assert!(!shown.contains(secret), "{secret} is shown:\n{shown}");
    }
}

#[test]
fn ansible_uri_tasks_are_found_by_folder_or_content_and_other_yaml_is_skipped() {
    let dir = tempfile::tempdir().unwrap();
    let task = "- name: close\n  uri:\n    url: https://community.khoros.com/api/2.0/users/7\n    method: DELETE\n";
    let role = write(dir.path(), "roles/offboard/tasks/main.yml", task);
    let anywhere = write(dir.path(), "ops/close.yaml", task);
    let compose = write(
        dir.path(),
        "docker-compose.yml",
        "services:\n  web:\n    image: nginx # https://community.khoros.com/api/2.0/users/7\n",
    );
    assert_eq!(Language::detect(&role), Some(Language::Ansible));
    assert_eq!(Language::detect(&anywhere), Some(Language::Ansible));
    assert_eq!(Language::detect(&compose), None);
    assert_eq!(codes(&[role]), ["AUR001"]);
    // A URL written as a folded block is read from its line.
    let folded = write(
        dir.path(),
        "tasks/folded.yml",
        "- uri:\n    url: >-\n      https://community.khoros.com/api/2.0/users/7\n    method: DELETE\n",
    );
    let result = common::scan(std::slice::from_ref(&folded));
    let lines: Vec<usize> = result
        .findings()
        .map(|(f, x)| f.source.position(x.span.start).line)
        .collect();
    assert_eq!(lines, [3]);
}

#[test]
fn values_in_other_files_make_a_file_a_candidate() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    // Neither request names a vendor: the host is in the environment or group_vars.
    write(
        root,
        "coll/bruno.json",
        "{\"version\": \"1\", \"name\": \"c\", \"type\": \"collection\"}",
    );
    write(
        root,
        "coll/environments/prod.bru",
        "vars {\n  base: https://community.khoros.com\n}\n",
    );
    let bru = write(
        root,
        "coll/close.bru",
        "delete {\n  url: {{base}}/api/2.0/users/{{id}}\n}\n",
    );
    write(
        root,
        "site/group_vars/all.yml",
        "community: https://community.khoros.com\n",
    );
    let play = write(
        root,
        "site/playbook.yml",
        "- hosts: all\n  tasks:\n    - uri:\n        url: \"{{ community }}/api/2.0/users/{{ id }}\"\n        method: DELETE\n",
    );
    assert_eq!(codes(&[bru]), ["AUR001"]);
    assert_eq!(codes(std::slice::from_ref(&play)), ["AUR001"]);
    // Without the inventory value the host is unknown: nothing to report.
    std::fs::remove_file(root.join("site/group_vars/all.yml")).unwrap();
    assert!(codes(&[play]).is_empty());
}

#[test]
fn malformed_bruno_ansible_and_insomnia_files_are_api003_only_with_a_vendor_signal() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let cases = [
        (
            "broken.bru",
            "delete {\n  url: https://community.khoros.com/api/2.0/users/1\n",
            "delete {\n  url: https://example.com/users/1\n",
        ),
        (
            "playbooks/broken.yml",
            "- uri:\n    url: [https://community.khoros.com/api/2.0/users/1\n    method: DELETE\n",
            "- uri:\n    url: [https://example.com/users/1\n",
        ),
        (
            "insomnia-broken.yaml",
            "type: collection.insomnia.rest/5.0\ncollection:\n  - url: \"https://community.khoros.com/api/2.0/users/1\n    method: DELETE\n",
            "type: collection.insomnia.rest/5.0\ncollection:\n  - url: \"https://example.com/users/1\n",
        ),
    ];
    for (name, vendor, quiet) in cases {
        let v = write(root, &format!("v/{name}"), vendor);
        let q = write(root, &format!("q/{name}"), quiet);
        assert_eq!(codes(&[v]), ["API003"], "{name}");
        assert!(codes(&[q]).is_empty(), "{name}");
    }
}

#[test]
fn insomnia_yaml_exports_are_found_by_name_or_content() {
    let dir = tempfile::tempdir().unwrap();
    let v5 = "type: collection.insomnia.rest/5.0\nname: x\ncollection:\n  - url: https://community.khoros.com/api/2.0/users/1\n    method: DELETE\n";
    let by_content = write(dir.path(), "exports/team.yaml", v5);
    let by_name = write(dir.path(), "Insomnia_2025-01-01.yml", "collection: []\n");
    let v4 = write(
        dir.path(),
        "exports/old.yaml",
        "_type: export\n__export_format: 4\nresources: []\n",
    );
    let other = write(dir.path(), "exports/other.yaml", "type: something\n");
    assert_eq!(Language::detect(&by_content), Some(Language::Insomnia));
    assert_eq!(Language::detect(&by_name), Some(Language::Insomnia));
    assert_eq!(Language::detect(&v4), Some(Language::Insomnia));
    assert_eq!(Language::detect(&other), None);
    assert_eq!(codes(&[by_content]), ["AUR001"]);
}
