//! `apimigrate rules` and `test-rules`: the rule set a project sees, listed as a table,
//! Markdown or JSON, and the examples of packs run as tests.

use super::*;

/// The built-in packs plus the `--rules` packs.
pub(super) fn base_rules(files: &[PathBuf]) -> Result<RuleSet, Error> {
    let mut rules = RuleSet::embedded();
    rules.add_files(files)?;
    Ok(rules)
}

/// The rules `rules` and `explain` show: built-in, `--rules`, and the configuration's
/// `rule_paths` (with its hosts).
pub(super) fn project_rules(args: &PackArgs) -> Result<RuleSet, Error> {
    let rules = base_rules(&args.rules)?;
    let file = if args.no_config {
        None
    } else {
        args.config
            .clone()
            .or_else(|| Config::find_upward(Path::new(".")))
    };
    match file {
        Some(f) => {
            let config = Config::load(&f)?;
            Ok(rules.with_config(&config)?)
        }
        None => Ok(rules),
    }
}

/// `apimigrate test-rules [PATH]...`: runs the examples of the packs in PATH (or of
/// every loaded pack), prints each failure and a `N passed, M failed` line.
pub(super) fn test_rules(args: &TestRulesArgs) -> ExitCode {
    let loaded = if args.paths.is_empty() {
        project_rules(&args.packs).map(|set| {
            let all: Vec<usize> = (0..set.packs.len()).collect();
            (set, all)
        })
    } else {
        packs_under_test(args)
    };
    let (rules, tested) = match loaded {
        Ok(x) => x,
        Err(e) => {
            print_error(&e);
            return ExitCode::from(e.exit_code());
        }
    };
    let outcome = crate::rule_examples::run(&rules, &tested);
    let mut out = String::new();
    for f in &outcome.failures {
        out.push_str(&format!(
            "{f}
"
        ));
    }
    out.push_str(&outcome.summary());
    out.push('\n');
    print!("{out}");
    ExitCode::from(if outcome.failures.is_empty() {
        EXIT_CLEAN
    } else {
        EXIT_FINDINGS
    })
}

/// The rule set for `test-rules PATH...` and the indices of the PATH packs in it. A
/// PATH file that is a built-in pack's source (`test-rules rules/` in this repository)
/// replaces the embedded copy, so edits are tested without rebuilding.
pub(super) fn packs_under_test(args: &TestRulesArgs) -> Result<(RuleSet, Vec<usize>), Error> {
    let mut files = Vec::new();
    for p in &args.paths {
        files.extend(crate::rules::pack_files(p)?);
    }
    let canonical: Vec<PathBuf> = files
        .iter()
        .map(|f| std::fs::canonicalize(f).unwrap_or_else(|_| f.clone()))
        .collect();
    let crate_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    let embedded = crate::rules::EMBEDDED.iter().filter(|(name, _)| {
        std::fs::canonicalize(crate_dir.join(name)).map_or(true, |c| !canonical.contains(&c))
    });
    let mut rules = RuleSet::load(embedded.map(|(f, t)| (f.to_string(), t.to_string())))?;
    rules.add_files(&args.packs.rules)?;
    rules.add_files(&files)?;
    let tested = rules
        .packs
        .iter()
        .enumerate()
        .filter(|(_, p)| p.file.as_ref().is_some_and(|f| canonical.contains(f)))
        .map(|(i, _)| i)
        .collect();
    Ok((rules, tested))
}

/// One row per rule: code, name, vendor, severity, fix applicability (if any), summary.
pub(super) fn rule_rows(rules: &RuleSet) -> Vec<[String; 6]> {
    rules
        .rules
        .iter()
        .map(|r| {
            [
                r.rule.code.clone(),
                r.rule.name.clone(),
                rules.vendor_of(r).id.clone(),
                r.rule.severity.to_string(),
                r.rule
                    .fix
                    .as_ref()
                    .map(|f| f.applicability.to_string())
                    .unwrap_or_default(),
                r.rule.summary.clone(),
            ]
        })
        .collect()
}

/// `apimigrate rules`: one line per rule, in columns as wide as their longest entry.
pub fn rules_table(rules: &RuleSet) -> String {
    let header = ["code", "name", "vendor", "severity", "fix", "summary"].map(String::from);
    let mut rows = rule_rows(rules);
    for row in &mut rows {
        if row[4].is_empty() {
            row[4] = "-".into();
        }
    }
    let widths: Vec<usize> = (0..5)
        .map(|i| {
            rows.iter()
                .chain([&header])
                .map(|r| r[i].chars().count())
                .max()
                .unwrap_or(0)
        })
        .collect();
    let mut out = String::new();
    for row in [&header].into_iter().chain(&rows) {
        for (i, cell) in row.iter().enumerate().take(5) {
            out.push_str(&format!("{cell:<w$} ", w = widths[i]));
        }
        out.push_str(&row[5]);
        out.push('\n');
    }
    out
}

/// The rule table of README.md (kept current by a test).
pub fn rules_markdown(rules: &RuleSet) -> String {
    let mut out = String::from(
        "| code | name | vendor | severity | fix | summary |\n|---|---|---|---|---|---|\n",
    );
    for mut row in rule_rows(rules) {
        if row[4].is_empty() {
            row[4] = "—".into();
        }
        row[5] = row[5].replace('|', "\\|");
        out.push_str(&format!("| {} |\n", row.join(" | ")));
    }
    out
}

/// `apimigrate rules --format json`.
pub fn rules_json(rules: &RuleSet) -> String {
    let list: Vec<serde_json::Value> = rules
        .rules
        .iter()
        .map(|r| {
            serde_json::json!({
                "code": r.rule.code,
                "name": r.rule.name,
                "vendor": rules.vendor_of(r).id,
                "severity": r.rule.severity.to_string(),
                "fix": r.rule.fix.as_ref().map(|f| f.applicability.to_string()),
            })
        })
        .collect();
    let mut s = serde_json::to_string_pretty(&list).expect("serialises");
    s.push('\n');
    s
}
