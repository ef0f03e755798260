//! Inline suppressions (SPEC §5): `apimigrate: ignore[CODE, CODE] reason` in a comment
//! (`//`, `/* */`, `#`, Markdown's `<!-- -->`) silences findings of those codes (or code prefixes) that start
//! on a line the comment is on, or on the line after it. Codes are required: a bare
//! `apimigrate: ignore` suppresses nothing and is reported.
//!
//! The pass runs after the rules (`Checker::check_source`). A suppression code that
//! silenced nothing is reported by the rule whose `match.target` is `suppression`
//! (API900 unused-suppression), with a safe fix that removes the code, or the whole
//! comment (the whole line when the comment stands alone on it). Codes that name only
//! rules the current selection turned off are not reported: another configuration may
//! need them.

use crate::call::Span;
use crate::finding::{Applicability, Edit, Finding, Fix, Label, Suppressed, Suppression};
use crate::rules::engine::Selection;
use crate::rules::model::Target;
use crate::rules::{CompiledRule, RuleSet};
use crate::source::SourceFile;
use regex::Regex;
use std::sync::OnceLock;

/// Literal text every suppression contains; files without it skip this pass.
pub const MARKER: &str = "apimigrate:";

pub use crate::source::Comment;

/// One `apimigrate: ignore[…]` directive.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Directive {
    pub comment: Comment,
    /// From `apimigrate:` to the closing `]` (or to the end of `ignore` when bare).
    pub span: Span,
    /// The text between the brackets, when there are brackets.
    pub list: Option<Span>,
    /// The codes (upper-cased) and where each is written.
    pub codes: Vec<(String, Span)>,
    /// First and last line (1-based) of the comment.
    pub lines: (usize, usize),
}

impl Directive {
    /// Whether a finding starting on `line` is covered: the comment is on that line or
    /// on the line above.
    pub fn covers(&self, line: usize) -> bool {
        self.lines.0 <= line && line <= self.lines.1 + 1
    }
}

fn directive_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| Regex::new(r"(?i)\bapimigrate:[ \t]*ignore\b").expect("valid regex"))
}

fn code_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| Regex::new(r"^[A-Za-z]+[0-9]*$").expect("valid regex"))
}

/// Whether the text may hold a suppression (cheap, case-insensitive).
pub fn may_contain(text: &str) -> bool {
    text.as_bytes()
        .windows(MARKER.len())
        .any(|w| w.eq_ignore_ascii_case(MARKER.as_bytes()))
}

/// Every comment of a file (and what its format has instead, see
/// [`crate::frontend::remarks`]).
pub fn comments(source: &SourceFile) -> Vec<Comment> {
    crate::frontend::remarks(source)
}

/// The directives in a file's comments (the first one of each comment).
pub fn directives(source: &SourceFile) -> Vec<Directive> {
    if !may_contain(&source.text) {
        return Vec::new();
    }
    comments(source)
        .into_iter()
        .filter_map(|c| parse_directive(source, c))
        .collect()
}

fn parse_directive(source: &SourceFile, comment: Comment) -> Option<Directive> {
    let text = &source.text;
    let content = &text[comment.content.clone()];
    let m = directive_re().find(content)?;
    let start = comment.content.start + m.start();
    let mut at = comment.content.start + m.end();
    let mut list = None;
    let mut codes = Vec::new();
    let rest = &text[at..comment.content.end];
    let after_ws = rest.len() - rest.trim_start_matches([' ', '\t']).len();
    if rest[after_ws..].starts_with('[') {
        let open = at + after_ws + 1;
        if let Some(close) = text[open..comment.content.end].find(']') {
            let close = open + close;
            list = Some(open..close);
            let inner = &text[open..close];
            let mut offset = 0;
            for token in inner.split([',', ' ', '\t', '\n', '\r']) {
                let token_start = open + offset;
                offset += token.len() + 1;
                if !token.is_empty() {
                    codes.push((
                        token.to_ascii_uppercase(),
                        token_start..token_start + token.len(),
                    ));
                }
            }
            at = close + 1;
        }
    }
    let governed = comment.covers.clone().unwrap_or(comment.span.clone());
    let lines = (
        source.position(governed.start).line,
        source
            .position(governed.end.saturating_sub(1).max(governed.start))
            .line,
    );
    Some(Directive {
        comment,
        span: start..at,
        list,
        codes,
        lines,
    })
}

/// Whether a suppression code (a code or a prefix) covers a finding's code.
pub fn code_matches(selector: &str, code: &str) -> bool {
    code.get(..selector.len())
        .is_some_and(|p| p.eq_ignore_ascii_case(selector))
}

/// The written reason of a directive: the comment's text after the code list, up to
/// the end of its line, with blanks collapsed.
pub fn reason(source: &SourceFile, d: &Directive) -> String {
    let text = source
        .text
        .get(d.span.end..d.comment.content.end.max(d.span.end))
        .unwrap_or("");
    let line = text.split('\n').next().unwrap_or("");
    let line = line.split(d.comment.line_break).next().unwrap_or("");
    line.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// What [`apply`] leaves: the findings to report (with API900's), and the findings
/// an inline suppression silenced.
#[derive(Debug, Default)]
pub struct Applied {
    pub findings: Vec<Finding>,
    pub suppressed: Vec<Suppressed>,
}

/// Applies a file's suppressions to `findings` and adds the API900 findings of the
/// suppressions that matched nothing. `complete` says whether the findings are all the
/// file can have (false when the file did not parse: unused suppressions are then not
/// reported, since the unparsed part was not checked).
pub fn apply(
    rules: &RuleSet,
    selection: &Selection,
    source: &SourceFile,
    findings: Vec<Finding>,
    complete: bool,
) -> Applied {
    let directives = directives(source);
    if directives.is_empty() {
        return Applied {
            findings,
            suppressed: Vec::new(),
        };
    }
    let in_source = |d: &Directive| Suppression::InSource {
        comment: d.comment.span.clone(),
        reason: reason(source, d),
    };
    let mut used: Vec<Vec<bool>> = directives
        .iter()
        .map(|d| vec![false; d.codes.len()])
        .collect();
    let mut kept = Vec::with_capacity(findings.len());
    let mut silenced = Vec::new();
    for f in findings {
        let line = source.position(f.span.start).line;
        // A finding at one of a call's values is also suppressed on the call's line.
        let call_line = f.call_span.as_ref().map(|c| source.position(c.start).line);
        let mut by = None;
        for (d, used) in directives.iter().zip(used.iter_mut()) {
            if !d.covers(line) && !call_line.is_some_and(|l| d.covers(l)) {
                continue;
            }
            for ((code, _), u) in d.codes.iter().zip(used.iter_mut()) {
                if code_re().is_match(code) && code_matches(code, &f.code) {
                    *u = true;
                    // The comment on the finding's own line, else the one above it.
                    let own_line = d.lines.0 <= line && line <= d.lines.1;
                    if by.is_none() || own_line {
                        by = Some(in_source(d));
                    }
                }
            }
        }
        match by {
            Some(by) => silenced.push(Suppressed { finding: f, by }),
            None => kept.push(f),
        }
    }
    let done = |findings, suppressed| Applied {
        findings,
        suppressed,
    };
    let Some(rule) = rules
        .rules
        .iter()
        .find(|r| r.rule.matcher.target == Target::Suppression)
    else {
        return done(kept, silenced);
    };
    if !selection.enabled(&rule.rule.code) {
        return done(kept, silenced);
    }
    let own = rule.rule.code.as_str();
    let mut reports = Vec::new();
    for (d, used) in directives.iter().zip(&used) {
        if d.codes.is_empty() {
            reports.push(bare(rules, rule, selection, d));
            continue;
        }
        if !complete {
            continue;
        }
        let mut unused = Vec::new();
        let mut unknown = Vec::new();
        for (j, (code, _)) in d.codes.iter().enumerate() {
            if used[j] || code.eq_ignore_ascii_case(own) {
                continue;
            }
            let named: Vec<&CompiledRule> = if code_re().is_match(code) {
                rules
                    .rules
                    .iter()
                    .filter(|r| code_matches(code, &r.rule.code))
                    .collect()
            } else {
                Vec::new()
            };
            if named.is_empty() {
                unknown.push(j);
            } else if named.iter().any(|r| selection.enabled(&r.rule.code)) {
                unused.push(j);
            }
        }
        if unused.is_empty() && unknown.is_empty() {
            continue;
        }
        reports.push(unused_finding(
            rules, rule, selection, source, d, &unused, &unknown,
        ));
    }
    // An API900 report is itself silenced by a suppression naming API900 exactly.
    let before = kept.len();
    for f in reports {
        let line = source.position(f.span.start).line;
        let by = directives
            .iter()
            .find(|d| d.covers(line) && d.codes.iter().any(|(c, _)| c.eq_ignore_ascii_case(own)));
        match by {
            Some(d) => silenced.push(Suppressed {
                finding: f,
                by: in_source(d),
            }),
            None => kept.push(f),
        }
    }
    if kept.len() > before {
        kept.sort_by_key(|f| (f.span.start, f.code.clone()));
    }
    silenced.sort_by_key(|s| (s.finding.span.start, s.finding.code.clone()));
    done(kept, silenced)
}

fn base_finding(
    rules: &RuleSet,
    rule: &CompiledRule,
    selection: &Selection,
    d: &Directive,
    message: String,
) -> Finding {
    Finding {
        code: rule.rule.code.clone(),
        name: rule.rule.name.clone(),
        vendor: rules.vendor_of(rule).id.clone(),
        severity: selection.severity_of(&rule.rule.code, rule.rule.severity),
        message,
        span: d.span.clone(),
        call_span: None,
        primary_label: rule
            .rule
            .label
            .clone()
            .unwrap_or_else(|| "suppresses nothing".into()),
        labels: Vec::new(),
        help: None,
        fix: None,
        related: Vec::new(),
    }
}

fn bare(rules: &RuleSet, rule: &CompiledRule, selection: &Selection, d: &Directive) -> Finding {
    let mut f = base_finding(
        rules,
        rule,
        selection,
        d,
        "this suppression names no codes, so it suppresses nothing: codes are required, as in `apimigrate: ignore[AUR001] reason`".into(),
    );
    f.primary_label = "codes are required".into();
    f.help = Some(
        "Name the codes (or prefixes) to suppress: `apimigrate: ignore[CODE, CODE] reason`".into(),
    );
    f.fix = Some(Fix {
        title: "Name the codes to suppress".into(),
        applicability: Applicability::Manual,
        edits: Vec::new(),
        elsewhere: Vec::new(),
    });
    f
}

#[allow(clippy::too_many_arguments)]
fn unused_finding(
    rules: &RuleSet,
    rule: &CompiledRule,
    selection: &Selection,
    source: &SourceFile,
    d: &Directive,
    unused: &[usize],
    unknown: &[usize],
) -> Finding {
    let names = |idx: &[usize]| -> String {
        let codes: Vec<String> = idx.iter().map(|&j| format!("`{}`", d.codes[j].0)).collect();
        match codes.len() {
            0 => String::new(),
            1 => codes[0].clone(),
            _ => format!(
                "{} and {}",
                codes[..codes.len() - 1].join(", "),
                codes[codes.len() - 1]
            ),
        }
    };
    let mut parts = Vec::new();
    if !unused.is_empty() {
        parts.push(format!(
            "unused suppression: no {} finding starts on this line or the next",
            names(unused)
        ));
    }
    if !unknown.is_empty() {
        parts.push(format!(
            "{} {} no rule code",
            names(unknown),
            if unknown.len() == 1 {
                "matches"
            } else {
                "match"
            }
        ));
    }
    let mut f = base_finding(rules, rule, selection, d, parts.join("; "));
    for &j in unused {
        f.labels.push(Label {
            span: d.codes[j].1.clone(),
            message: "matches no finding here".into(),
        });
    }
    for &j in unknown {
        f.labels.push(Label {
            span: d.codes[j].1.clone(),
            message: "no such rule".into(),
        });
    }
    f.labels.sort_by_key(|l| l.span.start);
    let keep: Vec<&str> = d
        .codes
        .iter()
        .enumerate()
        .filter(|(j, _)| !unused.contains(j) && !unknown.contains(j))
        .map(|(_, (c, _))| c.as_str())
        .collect();
    let (title, edits) = if keep.is_empty() {
        ("Remove the unused suppression", removal(&source.text, d))
    } else {
        let list = d.list.clone().expect("codes come from a list");
        (
            "Remove the unused codes from the suppression",
            vec![Edit {
                span: list,
                content: keep.join(", "),
            }],
        )
    };
    f.help = Some(format!("{title} (safe fix)"));
    f.fix = Some(Fix {
        title: title.into(),
        applicability: Applicability::Safe,
        edits,
        elsewhere: Vec::new(),
    });
    f
}

/// The edit that removes a directive: the whole line when the comment stands alone on
/// it and holds only the suppression, the comment when it holds only the suppression,
/// else the directive's text inside the comment.
fn removal(text: &str, d: &Directive) -> Vec<Edit> {
    let c = &d.comment;
    let leading = &text[c.content.start..d.span.start];
    let only_suppression = leading
        .chars()
        .all(|ch| ch.is_whitespace() || ch == '*' || ch == '/' || ch == '#');
    let is_blank = |c: char| c == ' ' || c == '\t';
    if !only_suppression {
        // Keep the other text of the comment: remove from the directive (and the blanks
        // before it) to the end of the comment's content.
        let mut start = d.span.start;
        while start > c.content.start && is_blank(text[..start].chars().next_back().unwrap()) {
            start -= 1;
        }
        let mut end = c.content.end;
        if c.span.end > c.content.end {
            // A block comment: keep the blanks before `*/`.
            while end > d.span.end && text[..end].ends_with(is_blank) {
                end -= 1;
            }
            end = end.max(d.span.end);
        }
        return vec![Edit {
            span: start..end,
            content: String::new(),
        }];
    }
    let line_start = text[..c.span.start].rfind('\n').map_or(0, |i| i + 1);
    let line_end = text[c.span.end..]
        .find('\n')
        .map_or(text.len(), |i| c.span.end + i);
    let before = text[line_start..c.span.start].trim();
    let after = text[c.span.end..line_end].trim();
    let alone = (before.is_empty() && after.is_empty()) || (before == "{" && after == "}");
    if alone {
        let (start, end) = if line_end < text.len() {
            (line_start, line_end + 1)
        } else if line_start > 0 {
            // The last line, without a newline: take the newline before it.
            let mut s = line_start - 1;
            if text[..s].ends_with('\r') {
                s -= 1;
            }
            (s, line_end)
        } else {
            (line_start, line_end)
        };
        return vec![Edit {
            span: start..end,
            content: String::new(),
        }];
    }
    if after.is_empty() {
        // A trailing comment: remove it and the blanks before it.
        let mut start = c.span.start;
        while start > line_start && text[..start].ends_with(is_blank) {
            start -= 1;
        }
        return vec![Edit {
            span: start..c.span.end,
            content: String::new(),
        }];
    }
    // A block comment before code: remove it and the blanks after it.
    let mut end = c.span.end;
    while end < line_end && text[end..].starts_with(is_blank) {
        end += 1;
    }
    vec![Edit {
        span: c.span.start..end,
        content: String::new(),
    }]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fix::apply_edits;

    fn src(text: &str) -> SourceFile {
        SourceFile::new(
            "a.js".into(),
            text.into(),
            crate::source::Language::JavaScript,
        )
    }

    #[test]
    fn parses_codes_in_every_comment_style() {
        let s = src(
            "// apimigrate: ignore[AUR001, jan] legacy\nx(); /* APIMIGRATE: ignore[RSA005] */\n",
        );
        let d = directives(&s);
        assert_eq!(d.len(), 2);
        let codes: Vec<&str> = d[0].codes.iter().map(|(c, _)| c.as_str()).collect();
        assert_eq!(codes, ["AUR001", "JAN"]);
        assert_eq!(&s.text[d[0].codes[1].1.clone()], "jan");
        assert_eq!(d[0].lines, (1, 1));
        assert!(d[0].covers(1) && d[0].covers(2) && !d[0].covers(3));
        assert_eq!(d[1].codes[0].0, "RSA005");
        // Not in a comment: not a directive.
        assert!(directives(&src("const s = 'apimigrate: ignore[AUR001]';\n")).is_empty());
        // Bare.
        let d = directives(&src("x(); // apimigrate: ignore because\n"));
        assert_eq!(d.len(), 1);
        assert!(d[0].codes.is_empty());
    }

    fn removed(text: &str) -> String {
        let s = src(text);
        let d = &directives(&s)[0];
        apply_edits(text, &removal(text, d))
    }

    #[test]
    fn removal_keeps_everything_else() {
        assert_eq!(
            removed("a();\n  // apimigrate: ignore[AUR001] why\nb();\n"),
            "a();\nb();\n"
        );
        assert_eq!(
            removed("a();\r\n// apimigrate: ignore[AUR001]\r\nb();\r\n"),
            "a();\r\nb();\r\n"
        );
        assert_eq!(
            removed("b(); // apimigrate: ignore[AUR001] why\n"),
            "b();\n"
        );
        assert_eq!(removed("/* apimigrate: ignore[AUR001] */ b();\n"), "b();\n");
        assert_eq!(
            removed("b(); // keep this. apimigrate: ignore[AUR001] why\n"),
            "b(); // keep this.\n"
        );
        assert_eq!(
            removed("b(); /* keep apimigrate: ignore[AUR001] */\n"),
            "b(); /* keep */\n"
        );
        assert_eq!(removed("b();\n// apimigrate: ignore[AUR001]"), "b();");
    }
}
