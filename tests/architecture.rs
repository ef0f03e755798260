//! The house rules of ARCHITECTURE's table, read from `src/`: which room may import
//! which, and that no front end names a vendor (vendors are pack data; a front end only
//! spells the plan it is given).
//!
//! Both checks are ratchets: what does not hold yet is listed below with its reason,
//! a new violation fails, and so does a listed one that is gone (remove it from the
//! list, so it cannot come back).

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// Rooms and the rooms of the crate they must not import (`crate::<room>`), after
/// ARCHITECTURE's table: model < resolve < frontend, rules < pipeline < report, cli.
const FORBIDDEN: &[(&str, &[&str])] = &[
    (
        "resolve",
        &["frontend", "rules", "fix", "pipeline", "report", "cli"],
    ),
    (
        "rules",
        &["frontend", "resolve", "fix", "pipeline", "report", "cli"],
    ),
    ("frontend", &["rules", "fix", "pipeline", "report", "cli"]),
    ("fix", &["frontend", "pipeline", "report", "cli"]),
    ("pipeline", &["report", "cli"]),
    // Reports describe the rules they ran (SARIF's `tool.driver.rules`, a rule's help
    // text): they read the rule catalogue, never a front end or the fix machinery.
    ("report", &["frontend", "resolve", "fix", "cli"]),
];

/// Modules whose old top-level paths are kept as aliases (`crate::scan` is
/// `crate::pipeline::scan`): an import through an alias counts for its room.
const ALIASES: &[(&str, &str)] = &[
    ("call", "model"),
    ("finding", "model"),
    ("source", "model"),
    ("secrets", "model"),
    ("redact", "model"),
    ("scan", "pipeline"),
    ("discover", "pipeline"),
    ("suppress", "pipeline"),
    ("baseline", "pipeline"),
];

/// Rooms that may import nothing of the crate but themselves: the ground floor.
const SELF_CONTAINED: &[&str] = &["model"];

/// Imports that go against the table today: (file, imported room, why it is still there).
const KNOWN_IMPORTS: &[(&str, &str, &str)] = &[];

/// Words that name a vendor or one of its operations.
const VENDOR_WORDS: &[&str] = &[
    "learning360",
    "360learning",
    "closeuseraccount",
    "aurora",
    "khoros",
    "janrain",
    "entity.delete",
    "securid",
    "markdeleted",
];

/// Vendor words still in front-end code: (file, word, why).
const KNOWN_VENDOR_WORDS: &[(&str, &str, &str)] = &[
    (
        "src/frontend/http/mod.rs",
        "closeuseraccount",
        "a response handler that reads the result is recognised by name",
    ),
    (
        "src/frontend/shell/mod.rs",
        "closeuseraccount",
        "a pipeline that reads the result is recognised by name",
    ),
    (
        "src/frontend/python/clients.rs",
        "entity.delete",
        "the Janrain SDK's RPC call shapes",
    ),
    (
        "src/frontend/python/clients.rs",
        "janrain",
        "the Janrain SDK's RPC call shapes",
    ),
    (
        "src/frontend/python/clients.rs",
        "closeuseraccount",
        "a doc comment on body reads",
    ),
    (
        "src/frontend/python/mod.rs",
        "janrain",
        "a doc comment on the Janrain SDK",
    ),
    (
        "src/frontend/javascript/clients.rs",
        "entity.delete",
        "the Janrain SDK's RPC call shapes",
    ),
    (
        "src/frontend/javascript/clients.rs",
        "janrain",
        "the Janrain SDK's RPC call shapes",
    ),
    (
        "src/frontend/javascript/resolve.rs",
        "khoros",
        "a doc comment example",
    ),
    (
        "src/frontend/javascript/walk.rs",
        "khoros",
        "doc comment examples",
    ),
];

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()))
        .map(|e| e.expect("a directory entry").path())
        .collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|e| e == "rs") {
            out.push(p);
        }
    }
}

/// Every source file as (path relative to the crate, code without its test module).
fn sources() -> Vec<(String, String)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    rust_files(&root.join("src"), &mut files);
    assert!(files.len() > 20, "src/ has too few files: {}", files.len());
    files
        .into_iter()
        .map(|p| {
            let text = std::fs::read_to_string(&p).expect("source files are UTF-8");
            let rel = p
                .strip_prefix(root)
                .expect("under the crate")
                .to_string_lossy()
                .replace('\\', "/");
            (rel, without_tests(&text).to_string())
        })
        .collect()
}

/// The code before the file's test module (tests may name anything).
fn without_tests(text: &str) -> &str {
    match text.find("#[cfg(test)]") {
        Some(i) => &text[..i],
        None => text,
    }
}

/// The room of a file: its first folder under `src/`, or its name for a top-level file.
fn room(path: &str) -> &str {
    let rest = path.strip_prefix("src/").unwrap_or(path);
    match rest.split_once('/') {
        Some((dir, _)) => dir,
        None => rest.trim_end_matches(".rs"),
    }
}

/// The rooms of the crate a file names (`use crate::x`, `crate::x::f()`, and the
/// members of a grouped `use crate::{x, y::z}`).
fn imported_rooms(code: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let ident = |s: &str| -> String {
        s.chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .collect()
    };
    let mut rest = code;
    while let Some(i) = rest.find("crate::") {
        let after = &rest[i + "crate::".len()..];
        if let Some(group) = after.strip_prefix('{') {
            let end = group.find('}').unwrap_or(group.len());
            for item in group[..end].split(',') {
                let name = ident(item.trim());
                if !name.is_empty() {
                    out.insert(name);
                }
            }
        } else {
            let name = ident(after);
            if !name.is_empty() {
                out.insert(name);
            }
        }
        rest = after;
    }
    out
}

#[test]
fn rooms_import_only_the_rooms_below_them() {
    let mut found: BTreeSet<(String, String)> = BTreeSet::new();
    for (path, code) in sources() {
        let here = room(&path);
        let forbidden = FORBIDDEN.iter().find(|(r, _)| *r == here);
        let alone = SELF_CONTAINED.contains(&here);
        for name in imported_rooms(&code) {
            let target = ALIASES
                .iter()
                .find(|(alias, _)| *alias == name)
                .map_or(name.clone(), |(_, room)| room.to_string());
            let against = if alone {
                target != here
            } else {
                forbidden.is_some_and(|(_, f)| f.contains(&target.as_str()))
            };
            if against {
                found.insert((path.clone(), target));
            }
        }
    }
    let known: BTreeSet<(String, String)> = KNOWN_IMPORTS
        .iter()
        .map(|(f, t, _)| (f.to_string(), t.to_string()))
        .collect();
    let new: Vec<_> = found.difference(&known).collect();
    let gone: Vec<_> = known.difference(&found).collect();
    assert!(
        new.is_empty(),
        "imports against ARCHITECTURE.md's table (file, room): {new:?}"
    );
    assert!(
        gone.is_empty(),
        "these listed imports are gone; remove them from KNOWN_IMPORTS: {gone:?}"
    );
}

#[test]
fn no_front_end_names_a_vendor() {
    let mut found: BTreeSet<(String, String)> = BTreeSet::new();
    for (path, code) in sources() {
        if !path.starts_with("src/frontend/") {
            continue;
        }
        let lower = code.to_lowercase();
        for w in VENDOR_WORDS {
            if lower.contains(w) {
                found.insert((path.clone(), w.to_string()));
            }
        }
    }
    let known: BTreeSet<(String, String)> = KNOWN_VENDOR_WORDS
        .iter()
        .map(|(f, w, _)| (f.to_string(), w.to_string()))
        .collect();
    let new: Vec<_> = found.difference(&known).collect();
    let gone: Vec<_> = known.difference(&found).collect();
    assert!(
        new.is_empty(),
        "front-end code names a vendor (file, word); vendors belong in rules/*.toml: {new:?}"
    );
    assert!(
        gone.is_empty(),
        "these listed vendor words are gone; remove them from KNOWN_VENDOR_WORDS: {gone:?}"
    );
}

#[test]
fn the_import_reader_sees_paths_and_groups() {
    let code =
        "use crate::model::plan::Part;\nuse crate::{rules, fix::apply};\nlet x = crate::scan::MAX;";
    let rooms: Vec<String> = imported_rooms(code).into_iter().collect();
    assert_eq!(rooms, ["fix", "model", "rules", "scan"]);
    assert_eq!(room("src/frontend/http/render.rs"), "frontend");
    assert_eq!(room("src/scan.rs"), "scan");
}
