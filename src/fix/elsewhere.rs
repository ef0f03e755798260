//! Fixes made at a definition in another file: a call whose deprecated URL part is an
//! imported constant (`KHOROS_API = 'https://…/api/2.0'`) is fixed by editing that
//! constant, when the rule's fix is a literal replacement in the URL and the constant
//! feeds nothing else.
//!
//! "Nothing else" is checked over the scanned tree: every occurrence of the constant's
//! name in a scanned file must be its own declaration, an import line, or the call
//! site of a finding this same edit fixes. Anything else (another call, a derived
//! constant, a comment) makes the fix manual, as before: the edit would change code
//! that is not known to be deprecated. A definition outside the scanned tree is never
//! edited.
//!
//! Each such fix edits exactly one file (the definition's), so it lands whole or not
//! at all with that file's atomic write.

use crate::call::Span;
use crate::finding::FixLevel;
use crate::finding::{Applicability, Edit, Finding};
use crate::rules::model::Transform;
use crate::source::Language;
use std::collections::BTreeMap;
use std::path::{Component, Path, PathBuf};

/// Files larger than this are not read to look for uses (and so block the fix).
const MAX_USE_SCAN: u64 = 4 * 1024 * 1024;

/// Edits of one definition file, and the findings (in other files) they fix.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DefinitionFix {
    /// The definition's file, as it was scanned.
    pub path: PathBuf,
    pub language: Language,
    /// Sorted, non-overlapping byte edits of that file's text.
    pub edits: Vec<Edit>,
    /// `(file, code, span)` of every finding these edits fix.
    pub fixes: Vec<(PathBuf, String, Span)>,
}

/// A finding of a scanned file, with the file it is in.
pub struct Candidate<'a> {
    pub file: &'a Path,
    pub finding: &'a Finding,
}

/// The definition fixes the scanned tree allows. `files` is every scanned file,
/// `findings` every reported or suppressed finding, `text_of` the text of a scanned
/// file as it was checked (read from disk when it returns `None`), `transform_of` the
/// transform and applicability of a rule's fix.
pub fn plan<'a>(
    files: &[(PathBuf, Language)],
    findings: &[Candidate<'a>],
    text_of: impl Fn(&Path) -> Option<String>,
    transform_of: impl Fn(&str) -> Option<(Transform, Applicability)>,
    level: FixLevel,
) -> Vec<DefinitionFix> {
    // Every scanned file by its normal path: made only once a finding asks for it
    // (a whole tree's paths, normalised and sorted, cost a check of a large tree a
    // noticeable serial tail when no definition fix was in sight).
    let mut index: Option<BTreeMap<PathBuf, (&PathBuf, Language)>> = None;
    let text = |p: &Path| -> Option<String> {
        text_of(p).or_else(|| {
            let meta = std::fs::metadata(p).ok()?;
            if meta.len() > MAX_USE_SCAN {
                return None;
            }
            std::fs::read_to_string(p).ok()
        })
    };
    // Per definition (file, span): its edits, name and the findings it would fix.
    struct Group {
        name: String,
        start: usize,
        edits: Vec<Edit>,
        fixes: Vec<(PathBuf, String, Span)>,
        /// (file, span of the name at the call site) of every covered use.
        uses: Vec<(PathBuf, Span)>,
    }
    let mut groups: BTreeMap<(PathBuf, usize, usize), Group> = BTreeMap::new();
    let mut blocked: Vec<(PathBuf, usize, usize)> = Vec::new();
    for c in findings {
        let f = c.finding;
        // Only the manual fix that names the definition (no edits here).
        let Some(fix) = &f.fix else { continue };
        if fix.applicability != Applicability::Manual || !fix.edits.is_empty() {
            continue;
        }
        let [r] = f.related.as_slice() else { continue };
        let scanned =
            index.get_or_insert_with(|| files.iter().map(|(p, l)| (normal(p), (p, *l))).collect());
        let Some((_, _)) = scanned.get(&normal(&r.path)) else {
            continue;
        };
        let key = (normal(&r.path), r.span.start, r.span.end);
        let fixable = match transform_of(&f.code) {
            Some((Transform::ReplaceInUrl { from, to }, a)) if level.allows(a) => {
                text(&r.path).and_then(|t| literal_edits(&t, &r.span, &from, &to))
            }
            _ => None,
        };
        let Some(edits) = fixable else {
            // Another rule's finding uses the same definition: it must stay as it is.
            blocked.push(key);
            continue;
        };
        let group = groups.entry(key).or_insert_with(|| Group {
            name: name_of(&r.expr),
            start: r.span.start,
            edits: edits.clone(),
            fixes: Vec::new(),
            uses: Vec::new(),
        });
        if group.edits != edits || group.name != name_of(&r.expr) {
            blocked.push((normal(&r.path), r.span.start, r.span.end));
            continue;
        }
        group
            .fixes
            .push((c.file.to_path_buf(), f.code.clone(), f.span.clone()));
        group.uses.push((normal(c.file), r.local.clone()));
    }
    groups.retain(|key, g| !blocked.contains(key) && !g.name.is_empty());
    let scanned = index.unwrap_or_default();
    // Every scanned file is read once, and only while some definition is still open.
    for (norm, (path, _)) in &scanned {
        if groups.is_empty() {
            break;
        }
        let Some(t) = text(path) else {
            // Unreadable: its uses are unknown, so no definition is fixed.
            groups.clear();
            break;
        };
        groups.retain(|(def_path, _, _), g| {
            uses_covered(&t, &g.name, |at| {
                (norm == def_path && declares(&t, at, g.start))
                    || g.uses
                        .iter()
                        .any(|(p, s)| p == norm && s.start <= at && at < s.end)
            })
        });
    }
    let mut by_file: BTreeMap<PathBuf, DefinitionFix> = BTreeMap::new();
    for (key, group) in groups {
        let (def_path, _, _) = &key;
        let (path, language) = scanned[def_path];
        let entry = by_file
            .entry(def_path.clone())
            .or_insert_with(|| DefinitionFix {
                path: path.clone(),
                language,
                edits: Vec::new(),
                fixes: Vec::new(),
            });
        entry.edits.extend(group.edits);
        entry.fixes.extend(group.fixes);
    }
    by_file
        .into_values()
        .filter_map(|mut d| {
            d.edits.sort_by_key(|e| (e.span.start, e.span.end));
            d.edits.dedup();
            let clash = d
                .edits
                .windows(2)
                .any(|w| crate::fix::overlaps(&w[0], &w[1]));
            (!clash).then_some(d)
        })
        .collect()
}

/// The edits replacing `from` by `to` inside the definition at `span` of `text`, whole
/// path segments only (followed by `/`, `?`, `#`, a quote or the end), or `None`.
fn literal_edits(text: &str, span: &Span, from: &str, to: &str) -> Option<Vec<Edit>> {
    let def = text.get(span.clone())?;
    if from.is_empty() || to.contains(['\'', '"', '`', '\\', '$', '\n']) {
        return None;
    }
    let mut edits = Vec::new();
    let mut search = 0;
    while let Some(i) = def[search..].find(from) {
        let at = search + i;
        let after = def[at + from.len()..].chars().next();
        if matches!(after, None | Some('/' | '?' | '#' | '\'' | '"' | '`')) {
            edits.push(Edit {
                span: (span.start + at)..(span.start + at + from.len()),
                content: to.to_string(),
            });
        }
        search = at + from.len();
    }
    (!edits.is_empty()).then_some(edits)
}

/// The name a call site spells the definition by: the last identifier of the
/// expression (`settings.KHOROS_API` → `KHOROS_API`, `${API_BASE}` → `API_BASE`).
fn name_of(expr: &str) -> String {
    let ident = |c: char| c.is_ascii_alphanumeric() || c == '_';
    let end = expr.rfind(ident).map_or(0, |i| i + 1);
    let start = expr[..end].rfind(|c: char| !ident(c)).map_or(0, |i| i + 1);
    expr[start..end].to_string()
}

/// Whether the name at `at` is the definition's own declaration: on the line where
/// the definition starts, before it (`export const NAME = '…'`).
fn declares(text: &str, at: usize, start: usize) -> bool {
    at < start && text.get(at..start).is_some_and(|s| !s.contains('\n'))
}

/// Whether every whole-word occurrence of `name` in `text` is allowed: on an import
/// line, or where `allowed` says.
fn uses_covered(text: &str, name: &str, allowed: impl Fn(usize) -> bool) -> bool {
    let ident = |c: char| c.is_ascii_alphanumeric() || c == '_' || c == '$';
    let mut search = 0;
    while let Some(i) = text[search..].find(name) {
        let at = search + i;
        search = at + name.len();
        let before = text[..at].chars().next_back();
        let after = text[at + name.len()..].chars().next();
        // `$NAME` in a shell script is a use: only letters and digits join a word.
        let joined = |c: Option<char>| c.is_some_and(|c| ident(c) && c != '$');
        if joined(before) || joined(after) {
            continue;
        }
        if import_line(text, at) || allowed(at) {
            continue;
        }
        return false;
    }
    true
}

/// Whether the line holding `at` only imports or re-exports names.
fn import_line(text: &str, at: usize) -> bool {
    let start = text[..at].rfind('\n').map_or(0, |i| i + 1);
    let end = text[at..].find('\n').map_or(text.len(), |i| at + i);
    let line = text[start..end].trim_start();
    (line.starts_with("import ") && !line.contains('='))
        || (line.starts_with("from ") && line.contains(" import "))
        || (line.starts_with("export {") && line.contains(" from "))
        || (["const {", "let {", "var {"]
            .iter()
            .any(|k| line.starts_with(k))
            && line.contains("} = require("))
}

/// A path without `.` components, for comparing paths spelled differently.
fn normal(path: &Path) -> PathBuf {
    path.components()
        .filter(|c| !matches!(c, Component::CurDir))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_the_last_identifier() {
        assert_eq!(name_of("settings.KHOROS_API"), "KHOROS_API");
        assert_eq!(name_of("${API_BASE}"), "API_BASE");
        assert_eq!(name_of("$API_BASE"), "API_BASE");
        assert_eq!(name_of("BASE"), "BASE");
    }

    #[test]
    fn literal_edits_take_whole_segments_inside_the_definition() {
        let text = "export const B = 'https://h/api/2.0';\n";
        let span = 17..36;
        let edits = literal_edits(text, &span, "/api/2.0", "/t5/s/api/2.1").unwrap();
        assert_eq!(edits.len(), 1);
        assert_eq!(&text[edits[0].span.clone()], "/api/2.0");
        assert!(literal_edits("x = 'https://h/api/2.01'", &(4..24), "/api/2.0", "/x").is_none());
    }

    #[test]
    fn any_use_outside_the_covered_ones_blocks() {
        let text = "import { B } from './s';\nget(`${B}/x`);\nconst C = B;\n";
        let call = text.find("${B}").unwrap();
        let covered = |at: usize| (call..call + 4).contains(&at);
        assert!(!uses_covered(text, "B", covered));
        let text = "import { B } from './s';\nget(`${B}/x`);\n";
        assert!(uses_covered(text, "B", covered));
        // `$B` in a script is a use, `BB` is another name.
        assert!(!uses_covered("curl \"$B/x\"\n", "B", |_| false));
        assert!(uses_covered("BB=1\n", "B", |_| false));
        assert!(uses_covered("const { B } = require('./s');\n", "B", |_| {
            false
        }));
        assert!(!uses_covered(
            "const { B } = f(require('./s'));\n",
            "B",
            |_| false
        ));
    }
}
