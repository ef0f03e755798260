//! The command line (SPEC §3): `check`, `rules`, `explain`.

use crate::config::Config;
use crate::discover::WalkOptions;
use crate::finding::Severity;
use crate::fix::FixLevel;
use crate::report::{self, human::HumanOptions};
use crate::rules::engine::Selection;
use crate::rules::RuleSet;
use crate::scan::{Checker, ScanError, ScanResult};
use crate::source::SourceFile;
use clap::{Args, Parser, Subcommand, ValueEnum};
use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Parser, Debug)]
#[command(
    name = "apimigrate",
    version,
    about = "Finds deprecated user-management API calls (Khoros/Aurora, 360Learning, Janrain, RSA SecurID) and reports them",
    propagate_version = true
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Report deprecated and risky calls under PATHs (default: the current directory).
    Check(CheckArgs),
    /// Rewrite deprecated calls: safe fixes, plus unsafe ones with --unsafe-fixes.
    Fix(FixArgs),
    /// List every rule.
    Rules(RulesArgs),
    /// Show a rule's documentation: what, why, example, fix safety, references.
    Explain {
        /// A rule code such as AUR001.
        code: String,
    },
}

#[derive(Args, Debug)]
pub struct CheckArgs {
    /// Files or directories to scan.
    #[arg(default_value = ".")]
    pub paths: Vec<PathBuf>,
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
    /// Write the report to this file instead of standard output.
    #[arg(long, value_name = "FILE")]
    pub output_file: Option<PathBuf>,
    /// Only these rule codes or prefixes (comma-separated: `AUR,JAN005`).
    #[arg(long, value_delimiter = ',', value_name = "CODES")]
    pub select: Vec<String>,
    /// Skip these rule codes or prefixes.
    #[arg(long, value_delimiter = ',', value_name = "CODES")]
    pub ignore: Vec<String>,
    /// Exit 1 when a finding at or above this severity remains.
    #[arg(long, value_enum, default_value_t = FailOn::Warning)]
    pub fail_on: FailOn,
    /// Worker threads (default: one per core).
    #[arg(long, value_name = "N")]
    pub jobs: Option<usize>,
    /// Print only the summary (and errors).
    #[arg(long, short)]
    pub quiet: bool,
    /// Print the number of findings per rule.
    #[arg(long)]
    pub statistics: bool,
    /// Colour in human output (`NO_COLOR` is honoured with `auto`).
    #[arg(long, value_enum, default_value_t = Color::Auto)]
    pub color: Color,
    /// Also scan files that .gitignore excludes.
    #[arg(long)]
    pub no_ignore: bool,
    /// Use this configuration file instead of the nearest apimigrate.toml.
    #[arg(long, value_name = "FILE", conflicts_with = "no_config")]
    pub config: Option<PathBuf>,
    /// Ignore every apimigrate.toml.
    #[arg(long)]
    pub no_config: bool,
}

#[derive(Args, Debug)]
pub struct FixArgs {
    #[command(flatten)]
    pub common: CheckArgs,
    /// Also apply unsafe fixes (they change behaviour; review the result).
    #[arg(long)]
    pub unsafe_fixes: bool,
    /// Print a unified diff of what would change, and write nothing.
    #[arg(long)]
    pub diff: bool,
}

#[derive(Args, Debug)]
pub struct RulesArgs {
    #[arg(long, value_enum, default_value_t = ListFormat::Table)]
    pub format: ListFormat,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Human,
    Json,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ListFormat {
    Table,
    Json,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum FailOn {
    Error,
    Warning,
    Info,
    Never,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Color {
    Auto,
    Always,
    Never,
}

/// Exit codes (SPEC §3).
pub const EXIT_CLEAN: u8 = 0;
pub const EXIT_FINDINGS: u8 = 1;
pub const EXIT_ERROR: u8 = 2;

pub fn run(cli: Cli) -> ExitCode {
    match cli.command {
        Command::Check(args) => check(args),
        Command::Fix(args) => fix(args),
        Command::Rules(args) => {
            let rules = RuleSet::embedded();
            let text = match args.format {
                ListFormat::Table => rules_table(&rules),
                ListFormat::Json => rules_json(&rules),
            };
            print!("{text}");
            ExitCode::from(EXIT_CLEAN)
        }
        Command::Explain { code } => {
            let rules = RuleSet::embedded();
            match explain(&rules, &code) {
                Some(text) => {
                    print!("{text}");
                    ExitCode::from(EXIT_CLEAN)
                }
                None => {
                    eprintln!("error: unknown rule code `{code}`; `apimigrate rules` lists them");
                    ExitCode::from(EXIT_ERROR)
                }
            }
        }
    }
}

/// A checker and the roots it governs.
type Governed = Vec<(Checker, Vec<PathBuf>)>;

/// The checkers of a run: one per configuration file in force, with the roots it governs.
fn checkers(args: &CheckArgs) -> Result<Governed, String> {
    let base = RuleSet::embedded();
    for code in args.select.iter().chain(&args.ignore) {
        if !matches_some_rule(&base, code) {
            return Err(format!(
                "`{code}` in --select/--ignore matches no rule code; `apimigrate rules` lists them"
            ));
        }
    }
    // Which configuration governs each root.
    let mut groups: Vec<(Option<PathBuf>, Vec<PathBuf>)> = Vec::new();
    for root in &args.paths {
        let file = if args.no_config {
            None
        } else if let Some(c) = &args.config {
            Some(c.clone())
        } else {
            Config::find_upward(root)
        };
        match groups.iter_mut().find(|(f, _)| *f == file) {
            Some((_, roots)) => roots.push(root.clone()),
            None => groups.push((file, vec![root.clone()])),
        }
    }
    let mut out = Vec::new();
    for (file, roots) in groups {
        let config = match &file {
            Some(f) => Config::load(f).map_err(|e| e.to_string())?,
            None => Config::default(),
        };
        for code in config
            .select
            .iter()
            .chain(&config.ignore)
            .chain(config.severity.keys())
        {
            if !matches_some_rule(&base, code) {
                return Err(format!(
                    "{}: `{code}` matches no rule code",
                    config
                        .file
                        .as_ref()
                        .map(|f| f.display().to_string())
                        .unwrap_or_default()
                ));
            }
        }
        let selection = Selection {
            select: if args.select.is_empty() {
                config.select.clone()
            } else {
                args.select.clone()
            },
            ignore: config.ignore.iter().chain(&args.ignore).cloned().collect(),
            severity: config.severity.clone(),
        };
        let rules = base
            .clone()
            .with_config_hosts(&config)
            .map_err(|e| e.to_string())?;
        out.push((Checker::with_config(rules, selection, config), roots));
    }
    Ok(out)
}

fn matches_some_rule(rules: &RuleSet, code: &str) -> bool {
    code.eq_ignore_ascii_case("ALL")
        || rules.rules.iter().any(|r| {
            r.rule.code.len() >= code.len() && r.rule.code[..code.len()].eq_ignore_ascii_case(code)
        })
}

/// Runs every checker over its roots and merges the results in path order.
fn run_scan(args: &CheckArgs) -> Result<(ScanResult, Governed), String> {
    let threads = args.jobs.unwrap_or(0);
    if threads > 0 {
        // Only the first global pool build takes effect; later ones are harmless.
        let _ = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build_global();
    }
    let checkers = checkers(args)?;
    let mut result = ScanResult::default();
    for (checker, roots) in &checkers {
        let r = checker.scan(
            roots,
            &WalkOptions {
                no_ignore: args.no_ignore,
                threads,
            },
        );
        result.files.extend(r.files);
        result.errors.extend(r.errors);
        result.files_scanned += r.files_scanned;
        result.files_skipped += r.files_skipped;
    }
    result
        .files
        .sort_by(|a, b| a.source.path.cmp(&b.source.path));
    Ok((result, checkers))
}

fn use_color(args: &CheckArgs) -> bool {
    match args.color {
        Color::Always => true,
        Color::Never => false,
        Color::Auto => {
            args.output_file.is_none()
                && std::io::stdout().is_terminal()
                && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
        }
    }
}

fn render(args: &CheckArgs, result: &ScanResult) -> String {
    match args.format {
        Format::Human => report::human::render(
            result,
            &HumanOptions {
                color: use_color(args),
                statistics: args.statistics,
                quiet: args.quiet,
                ..HumanOptions::default()
            },
        ),
        Format::Json => report::json::render(result),
    }
}

fn emit(args: &CheckArgs, text: &str) -> Result<(), String> {
    if let Some(path) = &args.output_file {
        std::fs::write(path, text).map_err(|e| format!("cannot write {}: {e}", path.display()))
    } else {
        let mut out = std::io::stdout().lock();
        out.write_all(text.as_bytes())
            .and_then(|_| out.flush())
            .map_err(|e| format!("cannot write output: {e}"))
    }
}

fn check(args: CheckArgs) -> ExitCode {
    let (result, _) = match run_scan(&args) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(EXIT_ERROR);
        }
    };
    if let Err(e) = emit(&args, &render(&args, &result)) {
        eprintln!("error: {e}");
        return ExitCode::from(EXIT_ERROR);
    }
    ExitCode::from(exit_code(&result, args.fail_on))
}

fn fix(args: FixArgs) -> ExitCode {
    let common = &args.common;
    let (result, checkers) = match run_scan(common) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(EXIT_ERROR);
        }
    };
    let level = if args.unsafe_fixes {
        FixLevel::Unsafe
    } else {
        FixLevel::Safe
    };
    let mut errors = result.errors.clone();
    let mut remaining = ScanResult {
        files_scanned: result.files_scanned,
        files_skipped: result.files_skipped,
        ..ScanResult::default()
    };
    let mut diff = String::new();
    let mut fixed_findings = 0;
    let mut changed_files = 0;
    for file in result.files {
        let fixable = file.findings.iter().any(|f| {
            f.fix
                .as_ref()
                .is_some_and(|x| level.allows(x.applicability) && !x.edits.is_empty())
        });
        if !fixable {
            remaining.files.push(file);
            continue;
        }
        // The checker that produced this file (the one whose roots contain it).
        let checker = checkers
            .iter()
            .find(|(_, roots)| {
                roots.iter().any(|r| {
                    file.source
                        .path
                        .starts_with(crate::discover::display_path(r))
                })
            })
            .map(|(c, _)| c)
            .unwrap_or(&checkers[0].0);
        let outcome = crate::fix::fix_source(checker, &file.source, level);
        let shown = file.source.display_path();
        for d in &outcome.dropped {
            errors.push(ScanError {
                path: shown.clone(),
                message: format!("{} fix dropped ({}): {}", d.code, d.title, d.reason),
            });
        }
        if outcome.not_converged {
            errors.push(ScanError {
                path: shown.clone(),
                message: format!(
                    "fixes did not converge after {} passes; the file was fixed as far as they agreed",
                    crate::fix::MAX_PASSES
                ),
            });
        }
        if outcome.changed() {
            changed_files += 1;
            fixed_findings += outcome.applied.len();
            if args.diff {
                diff.push_str(&crate::fix::unified_diff(
                    &shown,
                    &outcome.original,
                    &outcome.fixed,
                ));
            } else {
                let mut expected = Vec::new();
                if file.source.bom {
                    expected.extend_from_slice(b"\xEF\xBB\xBF");
                }
                expected.extend_from_slice(outcome.original.as_bytes());
                if let Err(e) = crate::fix::write::write_fixed(
                    &file.source.path,
                    &expected,
                    &outcome.fixed,
                    file.source.bom,
                ) {
                    errors.push(ScanError {
                        path: shown.clone(),
                        message: e.to_string(),
                    });
                    remaining.files.push(file);
                    continue;
                }
            }
        }
        let source = SourceFile::new(
            file.source.path.clone(),
            outcome.fixed.clone(),
            file.source.language,
        );
        let report = checker.check_source(source);
        if !report.findings.is_empty() {
            remaining.files.push(report);
        }
    }
    remaining.errors = errors;
    remaining
        .files
        .sort_by(|a, b| a.source.path.cmp(&b.source.path));
    let verb = if args.diff { "Would fix" } else { "Fixed" };
    let summary = format!(
        "{verb} {fixed_findings} finding{} in {changed_files} file{}.",
        if fixed_findings == 1 { "" } else { "s" },
        if changed_files == 1 { "" } else { "s" }
    );
    if args.diff {
        for e in &remaining.errors {
            eprintln!("error: {}: {}", e.path, e.message);
        }
        eprintln!("{summary}");
        if let Err(e) = emit(common, &diff) {
            eprintln!("error: {e}");
            return ExitCode::from(EXIT_ERROR);
        }
        return ExitCode::from(if changed_files > 0 {
            EXIT_FINDINGS
        } else {
            EXIT_CLEAN
        });
    }
    let mut text = render(common, &remaining);
    if common.format == Format::Human {
        text.push_str(&summary);
        text.push('\n');
    } else {
        eprintln!("{summary}");
    }
    if let Err(e) = emit(common, &text) {
        eprintln!("error: {e}");
        return ExitCode::from(EXIT_ERROR);
    }
    ExitCode::from(exit_code(&remaining, common.fail_on))
}

/// 2 when some path could not be scanned, else 1 when a finding is at or above `fail_on`.
pub fn exit_code(result: &ScanResult, fail_on: FailOn) -> u8 {
    if !result.errors.is_empty() {
        return EXIT_ERROR;
    }
    let threshold = match fail_on {
        FailOn::Error => Severity::Error,
        FailOn::Warning => Severity::Warning,
        FailOn::Info => Severity::Info,
        FailOn::Never => return EXIT_CLEAN,
    };
    if result.findings().any(|(_, f)| f.severity >= threshold) {
        EXIT_FINDINGS
    } else {
        EXIT_CLEAN
    }
}

/// `apimigrate rules`: one line per rule.
pub fn rules_table(rules: &RuleSet) -> String {
    let mut out = format!(
        "{:<7} {:<32} {:<12} {:<8} {:<7} summary\n",
        "code", "name", "vendor", "severity", "fix"
    );
    for r in &rules.rules {
        let fix = r
            .rule
            .fix
            .as_ref()
            .map(|f| f.applicability.to_string())
            .unwrap_or_else(|| "-".into());
        out.push_str(&format!(
            "{:<7} {:<32} {:<12} {:<8} {:<7} {}\n",
            r.rule.code,
            r.rule.name,
            rules.vendor_of(r).id,
            r.rule.severity,
            fix,
            r.rule.summary
        ));
    }
    out
}

/// The rule table of README.md (kept current by a test).
pub fn rules_markdown(rules: &RuleSet) -> String {
    let mut out = String::from(
        "| code | name | vendor | severity | fix | summary |\n|---|---|---|---|---|---|\n",
    );
    for r in &rules.rules {
        let fix = r
            .rule
            .fix
            .as_ref()
            .map(|f| f.applicability.to_string())
            .unwrap_or_else(|| "—".into());
        out.push_str(&format!(
            "| {} | {} | {} | {} | {} | {} |\n",
            r.rule.code,
            r.rule.name,
            rules.vendor_of(r).id,
            r.rule.severity,
            fix,
            r.rule.summary.replace('|', "\\|")
        ));
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

/// `apimigrate explain CODE`, in ruff's sections.
pub fn explain(rules: &RuleSet, code: &str) -> Option<String> {
    let r = rules.find(code)?;
    let rule = &r.rule;
    let vendor = rules.vendor_of(r);
    let d = &rule.docs;
    let mut out = format!(
        "# {} ({})\n\nVendor: {} · Severity: {} · Fix: {}\n\n{}\n\n## What it does\n{}\n\n## Why is this bad?\n{}\n\n## Example\n```js\n{}\n```\n",
        rule.code,
        rule.name,
        vendor.name,
        rule.severity,
        rule.fix
            .as_ref()
            .map(|f| format!("{} — {}", f.applicability, f.title))
            .unwrap_or_else(|| "none".into()),
        rule.summary,
        d.what.trim(),
        d.why.trim(),
        d.before.trim(),
    );
    if let Some(after) = &d.after {
        out.push_str(&format!("\n## Use instead\n```js\n{}\n```\n", after.trim()));
    }
    out.push_str(&format!("\n## Fix safety\n{}\n", d.fix_safety.trim()));
    if !d.references.is_empty() {
        out.push_str("\n## References\n");
        for reference in &d.references {
            out.push_str(&format!("- {reference}\n"));
        }
    }
    Some(out)
}
