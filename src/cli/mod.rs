//! The command line (SPEC §3): `check`, `fix`, `rules`, `explain`, `test-rules`,
//! `completions`.

use crate::baseline::{Baseline, Entry};
use crate::config::Config;
use crate::discover::WalkOptions;
use crate::error::Error;
use crate::finding::Severity;
use crate::fix::FixLevel;
use crate::report::{self, human::HumanOptions};
use crate::rules::engine::Selection;
use crate::rules::RuleSet;
use crate::scan::{Checker, Progress, ScanError, ScanResult};
use crate::source::SourceFile;
use clap::{Args, CommandFactory, Parser, Subcommand, ValueEnum};
use std::collections::HashMap;
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::atomic::{AtomicUsize, Ordering};

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
    /// List every rule (built-in and user packs), or print the rule-file JSON Schema.
    Rules(RulesArgs),
    /// Show a rule's documentation: what, why, example, fix safety, references.
    Explain {
        /// A rule code such as AUR001.
        code: String,
        #[command(flatten)]
        packs: PackArgs,
    },
    /// Run the inline examples of rule files: `invalid` must report, `valid` must not,
    /// `fixed` must match the fixed code.
    TestRules(TestRulesArgs),
    /// 360Learning tools: `users` writes the e-mail → user id map `learning360.user_ids` reads.
    #[command(subcommand)]
    Learning360(Learning360Command),
    /// Serve diagnostics, fixes and rule documentation to an editor: the Language
    /// Server Protocol over standard input and output.
    Server,
    /// Print a shell completion script (`apimigrate completions bash > /etc/bash_completion.d/apimigrate`).
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
}

#[derive(Subcommand, Debug)]
pub enum Learning360Command {
    /// List the users of the 360Learning API v2 and write the e-mail → `_id` map that
    /// `learning360.user_ids` reads (OAuth2 client credentials from the environment
    /// variables the configuration names; LEARNING360_CLIENT_ID and
    /// LEARNING360_CLIENT_SECRET by default).
    Users(UsersArgs),
}

#[derive(Args, Debug)]
pub struct UsersArgs {
    /// Where to write the map (replaced atomically, and only when every request succeeded).
    #[arg(long, value_name = "FILE")]
    pub out: PathBuf,
    /// The platform: `eu` (app.360learning.com), `us` (app.us.360learning.com) or a URL.
    #[arg(long, default_value = "eu", value_name = "eu|us|URL")]
    pub host: String,
    /// Only these addresses (one `mail[eq]` lookup each), updating the entries of an
    /// existing map and keeping the others.
    #[arg(long, num_args = 1.., value_name = "EMAIL")]
    pub only: Vec<String>,
    /// Take the credential variables from this configuration file instead of the
    /// nearest apimigrate.toml.
    #[arg(long, value_name = "FILE", conflicts_with = "no_config")]
    pub config: Option<PathBuf>,
    /// Ignore every apimigrate.toml (use the default variable names).
    #[arg(long)]
    pub no_config: bool,
}

#[derive(Args, Debug)]
pub struct CheckArgs {
    /// Files or directories to scan.
    #[arg(default_value = ".")]
    pub paths: Vec<PathBuf>,
    /// Output format of the report on standard output (or in --output-file).
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
    /// Write the report to this file instead of standard output.
    #[arg(long, value_name = "FILE")]
    pub output_file: Option<PathBuf>,
    /// Also write a report in FORMAT to FILE (repeatable: `--output sarif=apimigrate.sarif
    /// --output json=report.json`); standard output still gets --format.
    #[arg(long = "output", value_name = "FORMAT=FILE", value_parser = parse_output)]
    pub outputs: Vec<OutputTarget>,
    /// Report only findings that are not in this baseline file.
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,
    /// Record the current findings in this baseline file (and report none of them).
    #[arg(long, value_name = "FILE")]
    pub write_baseline: Option<PathBuf>,
    /// Report only findings on lines changed since REF (from the merge base of REF and
    /// HEAD to the working tree; untracked files count as changed), using git.
    #[arg(long, value_name = "REF")]
    pub diff_base: Option<String>,
    /// Rewrite the --baseline file without the entries that no longer match a finding.
    #[arg(long, requires = "baseline", conflicts_with = "write_baseline")]
    pub prune_baseline: bool,
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
    /// Seconds one file's analysis may take; a file that takes longer is reported as
    /// an error and the run goes on.
    #[arg(long, value_name = "SECONDS", default_value_t = 60, value_parser = clap::value_parser!(u64).range(1..))]
    pub file_timeout: u64,
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
    /// Also load the rule pack FILE (a TOML file in the format of `rules/`, or a folder
    /// of them); repeatable. Added after the built-in packs and before `rule_paths`.
    #[arg(long = "rules", value_name = "FILE")]
    pub rules: Vec<PathBuf>,
    /// Resolve `{{variables}}` of Postman collections from this environment file too
    /// (repeatable; besides any `*.postman_environment.json` next to a collection).
    #[arg(long = "postman-env", value_name = "FILE")]
    pub postman_env: Vec<PathBuf>,
    /// Also report calls in commented-out code (never fixed: shown with advice only).
    #[arg(long)]
    pub include_comments: bool,
    /// With PATH `-` (standard input): the file name the text stands for. It picks the
    /// language, the configuration (the nearest apimigrate.toml) and the path shown.
    #[arg(long, value_name = "NAME")]
    pub stdin_filename: Option<PathBuf>,
    /// List every candidate file with what became of it (scanned, ignored, not a
    /// scanned kind, binary, too large, no vendor literal, minified, unparseable).
    #[arg(long)]
    pub show_files: bool,
}

/// Where user rule packs come from for `rules`, `explain` and `test-rules`: `--rules`,
/// and `rule_paths` of the configuration (`--config`, or the nearest apimigrate.toml
/// above the current directory).
#[derive(Args, Debug, Default)]
pub struct PackArgs {
    /// Also load the rule pack FILE (or a folder of `*.toml` packs); repeatable.
    #[arg(long = "rules", value_name = "FILE")]
    pub rules: Vec<PathBuf>,
    /// Take `rule_paths` from this configuration file instead of the nearest apimigrate.toml.
    #[arg(long, value_name = "FILE", conflicts_with = "no_config")]
    pub config: Option<PathBuf>,
    /// Ignore every apimigrate.toml.
    #[arg(long)]
    pub no_config: bool,
}

#[derive(Args, Debug)]
pub struct TestRulesArgs {
    /// Rule files, or folders of `*.toml` rule files, whose examples to run (default:
    /// every pack loaded: the built-in ones, --rules and the configuration's rule_paths).
    pub paths: Vec<PathBuf>,
    #[command(flatten)]
    pub packs: PackArgs,
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
    /// Print the JSON Schema of rule files (`rules/rule-pack.schema.json`) instead.
    #[arg(long, conflicts_with = "format")]
    pub schema: bool,
    #[command(flatten)]
    pub packs: PackArgs,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Diagnostics with code frames, then a summary.
    Human,
    /// The JSON report (version 1).
    Json,
    /// SARIF 2.1.0 (GitHub code scanning and other SARIF viewers).
    Sarif,
    /// GitHub Actions annotations (`::error file=…::message`).
    Github,
    /// JUnit XML (CI test-report views).
    Junit,
    /// GitLab Code Quality report (merge request widget).
    Gitlab,
    /// reviewdog Diagnostic Format, with fixes as suggestions.
    Rdjson,
    /// One JSON finding per line.
    JsonLines,
}

impl Format {
    /// Whether the format has no place for paths that could not be scanned (they are
    /// then printed on standard error).
    fn lacks_errors(self) -> bool {
        matches!(self, Format::Gitlab | Format::Rdjson | Format::JsonLines)
    }
}

/// One `--output FORMAT=FILE`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OutputTarget {
    pub format: Format,
    pub path: PathBuf,
}

fn parse_output(s: &str) -> Result<OutputTarget, String> {
    let (name, file) = s
        .split_once('=')
        .ok_or_else(|| format!("`{s}` is not FORMAT=FILE (for example sarif=apimigrate.sarif)"))?;
    let format = Format::from_str(name.trim(), true).map_err(|_| {
        format!("unknown format `{name}` in --output; expected one of human, json, sarif, github, junit, gitlab, rdjson, json-lines")
    })?;
    if file.is_empty() {
        return Err(format!("--output {s}: the file name is missing"));
    }
    Ok(OutputTarget {
        format,
        path: PathBuf::from(file),
    })
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
            if args.schema {
                print!("{}", crate::rules::model::json_schema());
                return ExitCode::from(EXIT_CLEAN);
            }
            let rules = match project_rules(&args.packs) {
                Ok(r) => r,
                Err(e) => {
                    eprintln!("error: {e}");
                    return ExitCode::from(e.exit_code());
                }
            };
            let text = match args.format {
                ListFormat::Table => rules_table(&rules),
                ListFormat::Json => rules_json(&rules),
            };
            print!("{text}");
            ExitCode::from(EXIT_CLEAN)
        }
        Command::Completions { shell } => {
            let mut out = std::io::stdout().lock();
            clap_complete::generate(shell, &mut Cli::command(), "apimigrate", &mut out);
            ExitCode::from(EXIT_CLEAN)
        }
        Command::TestRules(args) => test_rules(&args),
        Command::Learning360(Learning360Command::Users(args)) => learning360_users(&args),
        Command::Server => crate::server::run(),
        Command::Explain { code, packs } => {
            let rules = match project_rules(&packs) {
                Ok(r) => r,
                Err(e) => {
                    eprintln!("error: {e}");
                    return ExitCode::from(e.exit_code());
                }
            };
            match explain(&rules, &code) {
                Some(text) => {
                    print!("{text}");
                    ExitCode::from(EXIT_CLEAN)
                }
                None => {
                    let e = Error::Usage(format!(
                        "unknown rule code `{code}`; `apimigrate rules` lists them"
                    ));
                    eprintln!("error: {e}");
                    ExitCode::from(e.exit_code())
                }
            }
        }
    }
}

/// The built-in packs plus the `--rules` packs.
fn base_rules(files: &[PathBuf]) -> Result<RuleSet, Error> {
    let mut rules = RuleSet::embedded();
    rules.add_files(files)?;
    Ok(rules)
}

/// The rules `rules` and `explain` show: built-in, `--rules`, and the configuration's
/// `rule_paths` (with its hosts).
fn project_rules(args: &PackArgs) -> Result<RuleSet, Error> {
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
fn test_rules(args: &TestRulesArgs) -> ExitCode {
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
            eprintln!("error: {e}");
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
fn packs_under_test(args: &TestRulesArgs) -> Result<(RuleSet, Vec<usize>), Error> {
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

/// The checkers of a run (one per configuration file in force), each with the paths
/// the user named (the scope of `--prune-baseline`).
type Governed = Vec<(Checker, Vec<PathBuf>)>;

/// Configuration files by folder, so each folder is looked up once.
type ConfigCache = HashMap<PathBuf, Option<PathBuf>>;

/// A configuration file (or none) and the files it governs.
type ConfigGroup = (Option<PathBuf>, Vec<(PathBuf, crate::source::Language)>);

/// The configuration file that governs `path`: `--config`, none with `--no-config`,
/// otherwise the nearest `apimigrate.toml` at or above the file's folder.
fn config_file_for(args: &CheckArgs, path: &Path, cache: &mut ConfigCache) -> Option<PathBuf> {
    if args.no_config {
        return None;
    }
    if let Some(c) = &args.config {
        return Some(c.clone());
    }
    let dir = if path.is_dir() {
        path.to_path_buf()
    } else {
        path.parent().map(Path::to_path_buf).unwrap_or_default()
    };
    let dir = if dir.as_os_str().is_empty() {
        PathBuf::from(".")
    } else {
        dir
    };
    cache
        .entry(dir.clone())
        .or_insert_with(|| Config::find_upward(&dir))
        .clone()
}

/// A checker for the files governed by `file` (or the defaults).
fn build_checker(args: &CheckArgs, base: &RuleSet, file: Option<&Path>) -> Result<Checker, Error> {
    let mut config = match file {
        Some(f) => Config::load(f)?,
        None => Config::default(),
    };
    config.postman_env = args.postman_env.clone();
    config.include_comments = args.include_comments;
    let rules = base.clone().with_config(&config)?;
    for code in config
        .select
        .iter()
        .chain(&config.ignore)
        .chain(config.severity.keys())
    {
        if !matches_some_rule(&rules, code) {
            return Err(Error::Config {
                file: config.file.clone().unwrap_or_default(),
                line: None,
                message: format!("`{code}` matches no rule code"),
            });
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
    let mut checker = Checker::with_config(rules, selection, config);
    checker.deadline = std::time::Duration::from_secs(args.file_timeout);
    Ok(checker)
}

fn matches_some_rule(rules: &RuleSet, code: &str) -> bool {
    code.eq_ignore_ascii_case("ALL")
        || rules.rules.iter().any(|r| {
            r.rule.code.len() >= code.len() && r.rule.code[..code.len()].eq_ignore_ascii_case(code)
        })
}

/// Finds the files once, gives each the configuration nearest to it (per-directory
/// configs), runs one checker per configuration, and merges the results in path order.
fn run_scan(args: &CheckArgs) -> Result<(ScanResult, Governed), Error> {
    for env in &args.postman_env {
        if !env.exists() {
            return Err(Error::Usage(format!(
                "--postman-env {}: no such file",
                env.display()
            )));
        }
        crate::frontend::postman::check_env_file(env)
            .map_err(|e| Error::Parse(format!("--postman-env {}: {e}", env.display())))?;
    }
    let threads = args.jobs.unwrap_or(0);
    if threads > 0 {
        // Only the first global pool build takes effect; later ones are harmless.
        let _ = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build_global();
    }
    let base = base_rules(&args.rules)?;
    let walk = WalkOptions {
        no_ignore: args.no_ignore,
        threads,
        show_files: args.show_files,
    };
    let crate::discover::Discovered {
        files,
        errors: walk_errors,
        others,
    } = crate::discover::discover_all(&args.paths, &walk);
    let mut cache = ConfigCache::new();
    let mut groups: Vec<ConfigGroup> = Vec::new();
    // Each named path's configuration is loaded even when it governs no file, so that
    // a broken configuration is always reported.
    for root in &args.paths {
        let f = config_file_for(args, root, &mut cache);
        if !groups.iter().any(|(g, _)| *g == f) {
            groups.push((f, Vec::new()));
        }
    }
    let total = files.len();
    for (path, lang) in files {
        let f = config_file_for(args, &path, &mut cache);
        match groups.iter_mut().find(|(g, _)| *g == f) {
            Some((_, list)) => list.push((path, lang)),
            None => groups.push((f, vec![(path, lang)])),
        }
    }
    let mut checkers = Vec::new();
    for (file, files) in groups {
        let mut checker = build_checker(args, &base, file.as_deref())?;
        checker.show_files = args.show_files;
        checkers.push((checker, files));
    }
    // Codes may name rules of a configuration's `rule_paths` packs.
    for code in args.select.iter().chain(&args.ignore) {
        if !checkers
            .iter()
            .any(|(c, _)| matches_some_rule(&c.rules, code))
        {
            return Err(Error::Usage(format!(
                "`{code}` in --select/--ignore matches no rule code; `apimigrate rules` lists them"
            )));
        }
    }
    let mut result = ScanResult::default();
    let bar = show_progress(args).then(ProgressBarObserver::new);
    if let Some(b) = &bar {
        b.start(total);
    }
    for (checker, files) in &mut checkers {
        let mut r =
            checker.scan_files(files, &args.paths, bar.as_ref().map(|b| b as &dyn Progress));
        // `fix` checks the files again: with the hosts the scan learned.
        checker.learn(&std::mem::take(&mut r.learned));
        result.merge(r);
    }
    if let Some((checker, _)) = checkers.first() {
        checker.record_others(&mut result, &others, &args.paths);
    }
    result.file_list.sort_by(|a, b| a.path.cmp(&b.path));
    if let Some(b) = &bar {
        b.bar.finish_and_clear();
    }
    result.errors.extend(walk_errors.into_iter().map(|e| {
        ScanError {
            path: crate::discover::display_path(&e.path)
                .to_string_lossy()
                .into_owned(),
            message: e.message,
        }
    }));
    result
        .files
        .sort_by(|a, b| a.source.path.cmp(&b.source.path));
    let governed = checkers
        .into_iter()
        .map(|(c, _)| (c, args.paths.clone()))
        .collect();
    Ok((result, governed))
}

/// Runs with more files than this show a progress bar (on a terminal).
pub const PROGRESS_MIN_FILES: usize = 200;

/// A progress bar only for people: human output, not quiet, standard error a terminal,
/// and not in CI.
fn show_progress(args: &CheckArgs) -> bool {
    args.format == Format::Human
        && !args.quiet
        && std::io::stderr().is_terminal()
        && std::env::var_os("CI").is_none_or(|v| v.is_empty() || v == "false")
        && std::env::var("TERM").map_or(true, |t| t != "dumb")
}

/// An indicatif bar on standard error that stays hidden until the run has more than
/// [`PROGRESS_MIN_FILES`] files.
struct ProgressBarObserver {
    bar: indicatif::ProgressBar,
    total: AtomicUsize,
}

impl ProgressBarObserver {
    fn new() -> ProgressBarObserver {
        let bar = indicatif::ProgressBar::hidden();
        if let Ok(style) = indicatif::ProgressStyle::with_template(
            "{spinner} scanning {pos}/{len} files {wide_bar} {eta}",
        ) {
            bar.set_style(style);
        }
        ProgressBarObserver {
            bar,
            total: AtomicUsize::new(0),
        }
    }
}

impl Progress for ProgressBarObserver {
    fn start(&self, files: usize) {
        let total = self.total.fetch_add(files, Ordering::Relaxed) + files;
        self.bar.set_length(total as u64);
        if total > PROGRESS_MIN_FILES && self.bar.is_hidden() {
            self.bar
                .set_draw_target(indicatif::ProgressDrawTarget::stderr());
        }
    }

    fn advance(&self) {
        self.bar.inc(1);
    }
}

/// Colour for the report on standard output (never in files).
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

/// The rules of the run (for SARIF's rule metadata).
fn run_rules(checkers: &Governed) -> RuleSet {
    let mut sets = checkers.iter().map(|(c, _)| &c.rules);
    match sets.next() {
        Some(first) => sets.fold(first.clone(), |all, s| all.merged_with(s)),
        None => RuleSet::embedded(),
    }
}

/// Renders `result` in `format`; `color` only matters for human output.
fn render_as(
    format: Format,
    args: &CheckArgs,
    result: &ScanResult,
    rules: &RuleSet,
    color: bool,
) -> String {
    match format {
        Format::Human => report::human::render(
            result,
            &HumanOptions {
                color,
                statistics: args.statistics,
                quiet: args.quiet,
                ..HumanOptions::default()
            },
        ),
        Format::Json => report::json::render(result),
        Format::Sarif => report::sarif::render(result, rules),
        Format::Github => report::github::render(result),
        Format::Junit => report::junit::render(result),
        Format::Gitlab => report::gitlab::render(result),
        Format::Rdjson => report::rdjson::render(result, rules),
        Format::JsonLines => report::jsonl::render(result),
    }
}

/// Prints the paths that could not be scanned on standard error when the format on
/// standard output cannot hold them.
fn errors_to_stderr(args: &CheckArgs, result: &ScanResult) {
    if args.format.lacks_errors() {
        for e in &result.errors {
            eprintln!("error: {}: {}", e.path, e.message);
        }
    }
}

fn render(args: &CheckArgs, result: &ScanResult, rules: &RuleSet) -> String {
    render_as(args.format, args, result, rules, use_color(args))
}

fn write_file(path: &Path, text: &str) -> Result<(), Error> {
    std::fs::write(path, text)
        .map_err(|e| Error::Write(format!("cannot write {}: {e}", path.display())))
}

fn emit(args: &CheckArgs, text: &str) -> Result<(), Error> {
    if let Some(path) = &args.output_file {
        write_file(path, text)
    } else {
        let mut out = std::io::stdout().lock();
        out.write_all(text.as_bytes())
            .and_then(|_| out.flush())
            .map_err(|e| Error::Write(format!("cannot write output: {e}")))
    }
}

/// Writes every `--output FORMAT=FILE` report; `human_suffix` is appended to human ones.
fn emit_outputs(
    args: &CheckArgs,
    result: &ScanResult,
    rules: &RuleSet,
    human_suffix: &str,
) -> Result<(), Error> {
    for target in &args.outputs {
        let mut text = render_as(target.format, args, result, rules, false);
        if target.format == Format::Human {
            text.push_str(human_suffix);
        }
        write_file(&target.path, &text)?;
    }
    Ok(())
}

/// Whether a run over these checkers' roots, with their selections, could have
/// reported the baseline entry (`--prune-baseline` keeps the others).
fn in_scope(checkers: &Governed, entry: &Entry) -> bool {
    checkers.iter().any(|(checker, roots)| {
        checker.selection.enabled(&entry.code)
            && roots.iter().any(|root| root_covers(root, &entry.path))
    })
}

fn root_covers(root: &Path, path: &str) -> bool {
    let shown = crate::discover::display_path(root)
        .to_string_lossy()
        .replace('\\', "/");
    let r = shown.trim_end_matches('/');
    if r.is_empty() || r == "." {
        return !path.starts_with("../") && !path.starts_with('/');
    }
    path == r || path.starts_with(&format!("{r}/"))
}

/// `--write-baseline`, `--baseline`, `--prune-baseline`: records, filters and prunes.
fn apply_baseline(
    args: &CheckArgs,
    result: &mut ScanResult,
    checkers: &Governed,
) -> Result<(), Error> {
    let note = |msg: String| {
        if !args.quiet {
            eprintln!("{msg}");
        }
    };
    if let Some(path) = &args.write_baseline {
        let b = Baseline::of(result);
        b.save(path).map_err(Error::Write)?;
        note(format!(
            "Wrote {} finding{} to the baseline {}.",
            b.entries.len(),
            if b.entries.len() == 1 { "" } else { "s" },
            path.display()
        ));
        b.filter(result, &path.display().to_string());
        return Ok(());
    }
    let Some(path) = &args.baseline else {
        return Ok(());
    };
    let mut b = Baseline::load(path).map_err(Error::Read)?;
    if args.prune_baseline {
        let (pruned, removed) = b.pruned(result, |e| in_scope(checkers, e));
        pruned.save(path).map_err(Error::Write)?;
        note(format!(
            "Removed {removed} entr{} that no longer match from the baseline {} ({} remain).",
            if removed == 1 { "y" } else { "ies" },
            path.display(),
            pruned.entries.len()
        ));
        b = pruned;
    }
    let hidden = b.filter(result, &path.display().to_string());
    if hidden > 0 && args.format == Format::Human {
        note(format!(
            "{hidden} finding{} in the baseline {} not shown.",
            if hidden == 1 { " is" } else { "s are" },
            path.display()
        ));
    }
    Ok(())
}

/// `--diff-base REF`: leaves out the findings on lines unchanged since REF.
fn apply_diff_base(args: &CheckArgs, result: &mut ScanResult) -> Result<(), Error> {
    let Some(base) = &args.diff_base else {
        return Ok(());
    };
    let changes = crate::diff::ChangedLines::since(base).map_err(Error::Git)?;
    let hidden = changes.filter(result);
    if hidden > 0 && args.format == Format::Human && !args.quiet {
        eprintln!(
            "{hidden} finding{} on lines unchanged since {base} {} not shown.",
            if hidden == 1 { "" } else { "s" },
            if hidden == 1 { "is" } else { "are" }
        );
    }
    Ok(())
}

/// Tells on standard error about named files that were skipped (never silently), and
/// lists every candidate file with `--show-files` when the report is not human text.
fn tell_about_files(args: &CheckArgs, result: &ScanResult) {
    for e in &result.named_skipped {
        let detail = e
            .detail
            .as_deref()
            .map(|d| format!(": {d}"))
            .unwrap_or_default();
        eprintln!(
            "warning: {}: not checked ({}{detail})",
            e.path,
            e.status.label()
        );
    }
    if args.show_files && args.format != Format::Human {
        eprint!("{}", crate::report::human::file_list(result));
    }
}

fn check(args: CheckArgs) -> ExitCode {
    if reads_stdin(&args) {
        return check_stdin(&args);
    }
    let (mut result, checkers) = match run_scan(&args) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(e.exit_code());
        }
    };
    tell_about_files(&args, &result);
    if let Err(e) = apply_baseline(&args, &mut result, &checkers)
        .and_then(|_| apply_diff_base(&args, &mut result))
    {
        eprintln!("error: {e}");
        return ExitCode::from(e.exit_code());
    }
    let rules = run_rules(&checkers);
    errors_to_stderr(&args, &result);
    let written = emit_outputs(&args, &result, &rules, "").and_then(|_| {
        if args.format == Format::JsonLines && args.output_file.is_none() {
            // Line by line, as the findings are rendered.
            let mut out = std::io::stdout().lock();
            report::jsonl::write(&result, &mut out)
                .and_then(|_| out.flush())
                .map_err(|e| Error::Write(format!("cannot write output: {e}")))
        } else {
            emit(&args, &render(&args, &result, &rules))
        }
    });
    if let Err(e) = written {
        eprintln!("error: {e}");
        return ExitCode::from(e.exit_code());
    }
    ExitCode::from(exit_code(&result, args.fail_on))
}

fn fix(args: FixArgs) -> ExitCode {
    if reads_stdin(&args.common) {
        return fix_stdin(&args);
    }
    let common = &args.common;
    let (result, checkers) = match run_scan(common) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(e.exit_code());
        }
    };
    tell_about_files(common, &result);
    let mut cache = ConfigCache::new();
    let level = if args.unsafe_fixes {
        FixLevel::Unsafe
    } else {
        FixLevel::Safe
    };
    let mut errors = result.errors.clone();
    let mut remaining = ScanResult {
        files_scanned: result.files_scanned,
        files_skipped: result.files_skipped,
        skipped: result.skipped.clone(),
        file_list: result.file_list.clone(),
        named_skipped: result.named_skipped.clone(),
        ..ScanResult::default()
    };
    let shared: Vec<std::sync::Arc<Checker>> = checkers
        .iter()
        .map(|(c, _)| std::sync::Arc::new(c.clone()))
        .collect();
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
        if file.source.utf16 && !args.diff {
            errors.push(ScanError {
                path: file.source.display_path(),
                message:
                    "a UTF-16 file: fixes are not written to it (convert it to UTF-8 to fix it)"
                        .into(),
            });
            remaining.files.push(file);
            continue;
        }
        // The checker of the configuration that governs this file.
        let governing = config_file_for(common, &file.source.path, &mut cache);
        let index = checkers
            .iter()
            .position(|(c, _)| c.config.file == governing)
            .unwrap_or(0);
        let checker = &checkers[index].0;
        // Fixing runs isolated like the scan: a panic or the deadline leaves the file
        // as it is, reported as an error.
        let mut copy = SourceFile::new(
            file.source.path.clone(),
            file.source.text.clone(),
            file.source.language,
        );
        copy.bom = file.source.bom;
        let outcome = match crate::fix::fix_source_isolated(&shared[index], copy, level) {
            Ok(o) => o,
            Err(failure) => {
                errors.push(ScanError {
                    path: file.source.display_path(),
                    message: format!("not fixed: {failure}"),
                });
                remaining.files.push(file);
                continue;
            }
        };
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
            if args.diff {
                // The diff shows code around the changes: secrets are masked on both
                // sides (the fixed text's are found by checking it, and keep what was
                // a secret before the fix).
                let fixed_secrets = fixed_secrets(checker, &file, &outcome.fixed);
                diff.push_str(&crate::fix::unified_diff(
                    &shown,
                    &crate::redact::Redacted::new(&outcome.original, &file.secrets).text,
                    &crate::redact::Redacted::new(&outcome.fixed, &fixed_secrets).text,
                ));
            } else {
                let mut expected = Vec::new();
                if file.source.bom {
                    expected.extend_from_slice(b"\xEF\xBB\xBF");
                }
                expected.extend_from_slice(outcome.original.as_bytes());
                if let Err(e) = crate::fix::write::write_fixed_with(
                    &file.source.path,
                    &expected,
                    &outcome.fixed,
                    file.source.bom,
                    || crate::isolate::debug_fault("write", &file.source.path),
                ) {
                    errors.push(ScanError {
                        path: shown.clone(),
                        message: e.to_string(),
                    });
                    remaining.files.push(file);
                    continue;
                }
            }
            // Counted once written (or shown): a file that could not be written was
            // not fixed.
            changed_files += 1;
            fixed_findings += outcome.applied.len();
        }
        let source = SourceFile::new(
            file.source.path.clone(),
            outcome.fixed.clone(),
            file.source.language,
        );
        let mut report = checker.check_source(source);
        report.secrets.extend(crate::secrets::occurrences(
            &file.source.text,
            &file.secrets,
            &report.source.text,
        ));
        if !report.is_empty() {
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
            return ExitCode::from(e.exit_code());
        }
        // A path that could not be read (or a file that could not be analysed) is an
        // error, as under check and fix.
        return ExitCode::from(if !remaining.errors.is_empty() {
            EXIT_ERROR
        } else if changed_files > 0 {
            EXIT_FINDINGS
        } else {
            EXIT_CLEAN
        });
    }
    if let Err(e) = apply_baseline(common, &mut remaining, &checkers)
        .and_then(|_| apply_diff_base(common, &mut remaining))
    {
        eprintln!("error: {e}");
        return ExitCode::from(e.exit_code());
    }
    let rules = run_rules(&checkers);
    let suffix = format!("{summary}\n");
    if let Err(e) = emit_outputs(common, &remaining, &rules, &suffix) {
        eprintln!("error: {e}");
        return ExitCode::from(e.exit_code());
    }
    errors_to_stderr(common, &remaining);
    let mut text = render(common, &remaining, &rules);
    if common.format == Format::Human {
        text.push_str(&suffix);
    } else {
        eprintln!("{summary}");
    }
    if let Err(e) = emit(common, &text) {
        eprintln!("error: {e}");
        return ExitCode::from(e.exit_code());
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

/// One row per rule: code, name, vendor, severity, fix applicability (if any), summary.
fn rule_rows(rules: &RuleSet) -> Vec<[String; 6]> {
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

/// `apimigrate explain CODE`, in ruff's sections.
pub fn explain(rules: &RuleSet, code: &str) -> Option<String> {
    let r = rules.find(code)?;
    let rule = &r.rule;
    let vendor = rules.vendor_of(r);
    let d = &rule.docs;
    let mut out = format!(
        "# {} ({})\n\nVendor: {} · Severity: {} · Fix: {}\n\n{}\n\n## What it does\n{}\n\n## Why is this bad?\n{}\n\n## Example\n```{}\n{}\n```\n",
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
        d.lang,
        d.before.trim(),
    );
    if let Some(after) = &d.after {
        out.push_str(&format!(
            "\n## Use instead\n```{}\n{}\n```\n",
            d.lang,
            after.trim()
        ));
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

// Standard input (`check -`, `fix -`): one text, named by --stdin-filename.

/// Whether PATH is `-`.
fn reads_stdin(args: &CheckArgs) -> bool {
    args.paths.iter().any(|p| p.as_os_str() == "-")
}

/// Reads standard input as the file --stdin-filename names, with the checker of its
/// configuration.
fn stdin_source(args: &CheckArgs) -> Result<(SourceFile, Governed), Error> {
    if args.paths.len() > 1 {
        return Err(Error::Usage(
            "`-` (standard input) cannot be combined with other paths".into(),
        ));
    }
    if args.diff_base.is_some() {
        return Err(Error::Usage(
            "--diff-base compares files with git; it does not apply to standard input".into(),
        ));
    }
    let mut bytes = Vec::new();
    std::io::Read::read_to_end(&mut std::io::stdin().lock(), &mut bytes)
        .map_err(|e| Error::Read(format!("cannot read standard input: {e}")))?;
    let (bytes, bom) = match bytes.strip_prefix(b"\xEF\xBB\xBF") {
        Some(rest) => (rest.to_vec(), true),
        None => (bytes, false),
    };
    let text = String::from_utf8(bytes).map_err(|e| {
        Error::Read(format!(
            "standard input is not valid UTF-8 (invalid byte at offset {})",
            e.utf8_error().valid_up_to()
        ))
    })?;
    let name = args.stdin_filename.clone();
    let Some(language) = language_of(name.as_deref(), &text) else {
        return Err(Error::Usage(match &name {
            Some(n) => format!(
                "--stdin-filename {}: not a kind of file apimigrate scans",
                n.display()
            ),
            None => "cannot tell the language of standard input: name it with --stdin-filename (for example --stdin-filename src/jobs/offboard.ts)".into(),
        }));
    };
    let shown = name
        .as_deref()
        .map(crate::discover::display_path)
        .unwrap_or_else(|| PathBuf::from("-"));
    let config = named_config(args, name.as_deref());
    let checker = named_checker(args, config.as_deref())?;
    let mut source = SourceFile::new(shown, text, language);
    source.bom = bom;
    Ok((source, vec![(checker, args.paths.clone())]))
}

/// The language of a text named `name` (standard input, an editor's document): by the
/// name, else a Postman collection by its shape, else by its shebang.
pub(crate) fn language_of(name: Option<&Path>, text: &str) -> Option<crate::source::Language> {
    name.and_then(crate::source::Language::of_path)
        .or_else(|| {
            crate::frontend::postman::sniff(text).then_some(crate::source::Language::Postman)
        })
        .or_else(|| crate::source::Language::of_shebang(text))
}

/// The configuration file that governs a text named `name` (or the current folder).
pub(crate) fn named_config(args: &CheckArgs, name: Option<&Path>) -> Option<PathBuf> {
    config_file_for(
        args,
        name.unwrap_or(Path::new(".")),
        &mut ConfigCache::new(),
    )
}

/// The checker for texts governed by the configuration file `config`.
pub(crate) fn named_checker(args: &CheckArgs, config: Option<&Path>) -> Result<Checker, Error> {
    build_checker(args, &base_rules(&args.rules)?, config)
}

/// A scan result holding one checked text.
fn single(report: crate::scan::FileReport) -> ScanResult {
    ScanResult {
        files_scanned: 1,
        files: if report.is_empty() {
            Vec::new()
        } else {
            vec![report]
        },
        ..ScanResult::default()
    }
}

/// `check -`: reports on standard input like on a file.
fn check_stdin(args: &CheckArgs) -> ExitCode {
    let run = || -> Result<u8, Error> {
        let (source, checkers) = stdin_source(args)?;
        let mut result = single(checkers[0].0.check_source(source));
        apply_baseline(args, &mut result, &checkers)?;
        let rules = run_rules(&checkers);
        emit_outputs(args, &result, &rules, "")?;
        emit(args, &render(args, &result, &rules))?;
        Ok(exit_code(&result, args.fail_on))
    };
    match run() {
        Ok(code) => ExitCode::from(code),
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(e.exit_code())
        }
    }
}

/// `fix -`: writes the fixed text (or, with --diff, the diff) to standard output and
/// nothing else; the report of what remains goes to standard error (or --output-file).
fn fix_stdin(args: &FixArgs) -> ExitCode {
    let common = &args.common;
    let run = || -> Result<u8, Error> {
        let (source, checkers) = stdin_source(common)?;
        let checker = &checkers[0].0;
        let level = if args.unsafe_fixes {
            FixLevel::Unsafe
        } else {
            FixLevel::Safe
        };
        let outcome = crate::fix::fix_source(checker, &source, level);
        let shown = source.display_path();
        let mut errors = Vec::new();
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
                    "fixes did not converge after {} passes; the text was fixed as far as they agreed",
                    crate::fix::MAX_PASSES
                ),
            });
        }
        let fixed = SourceFile::new(source.path.clone(), outcome.fixed.clone(), source.language);
        let report = checker.check_source(fixed);
        let n = outcome.applied.len();
        let summary = format!(
            "{} {n} finding{}.",
            if args.diff { "Would fix" } else { "Fixed" },
            if n == 1 { "" } else { "s" }
        );
        let mut out = std::io::stdout().lock();
        if args.diff {
            let original = crate::redact::Redacted::new(
                &outcome.original,
                &checker
                    .check_source(SourceFile::new(
                        source.path.clone(),
                        outcome.original.clone(),
                        source.language,
                    ))
                    .secrets,
            );
            let diff = crate::fix::unified_diff(
                &shown,
                &original.text,
                &crate::redact::Redacted::new(&outcome.fixed, &report.secrets).text,
            );
            out.write_all(diff.as_bytes())
                .and_then(|_| out.flush())
                .map_err(|e| Error::Write(format!("cannot write output: {e}")))?;
            for e in &errors {
                eprintln!("error: {}: {}", e.path, e.message);
            }
            eprintln!("{summary}");
            return Ok(if !errors.is_empty() {
                EXIT_ERROR
            } else if outcome.changed() {
                EXIT_FINDINGS
            } else {
                EXIT_CLEAN
            });
        }
        let mut text = Vec::new();
        if source.bom {
            text.extend_from_slice(b"\xEF\xBB\xBF");
        }
        text.extend_from_slice(outcome.fixed.as_bytes());
        out.write_all(&text)
            .and_then(|_| out.flush())
            .map_err(|e| Error::Write(format!("cannot write output: {e}")))?;
        let mut remaining = single(report);
        remaining.errors = errors;
        apply_baseline(common, &mut remaining, &checkers)?;
        let rules = run_rules(&checkers);
        let suffix = format!("{summary}\n");
        emit_outputs(common, &remaining, &rules, &suffix)?;
        let color = common.color == Color::Always;
        let mut report = render_as(common.format, common, &remaining, &rules, color);
        if common.format == Format::Human {
            report.push_str(&suffix);
        }
        match &common.output_file {
            Some(path) => write_file(path, &report)?,
            None => eprint!("{report}"),
        }
        Ok(exit_code(&remaining, common.fail_on))
    };
    match run() {
        Ok(code) => ExitCode::from(code),
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(e.exit_code())
        }
    }
}

/// The secrets of a fixed text: what checking it finds, and every occurrence of what
/// was a secret in the file before the fix (a rewrite may drop the parameter that made
/// a constant look secret).
fn fixed_secrets(
    checker: &crate::scan::Checker,
    file: &crate::scan::FileReport,
    fixed: &str,
) -> Vec<crate::call::Span> {
    let source = SourceFile::new(
        file.source.path.clone(),
        fixed.to_string(),
        file.source.language,
    );
    let mut secrets = checker.check_source(source).secrets;
    secrets.extend(crate::secrets::scan_text(fixed));
    secrets.extend(crate::secrets::occurrences(
        &file.source.text,
        &file.secrets,
        fixed,
    ));
    secrets
}

/// `apimigrate learning360 users`: exit 0 when the map is written, 1 when some
/// `--only` address matches no user (the others are written), 2 on any error (the
/// existing map is left as it was).
fn learning360_users(args: &UsersArgs) -> ExitCode {
    let run = || -> Result<crate::learning360::UsersOutcome, String> {
        let base = crate::learning360::base_url(&args.host)?;
        let config = if args.no_config {
            None
        } else {
            args.config
                .clone()
                .or_else(|| Config::find_upward(Path::new(".")))
        };
        let (id_var, secret_var) = match &config {
            Some(f) => Config::learning360_credentials(f).map_err(|e| e.to_string())?,
            None => {
                let d = Config::default().learning360;
                (d.client_id, d.client_secret)
            }
        };
        let read = |var: &str| {
            std::env::var(var).ok().filter(|v| !v.is_empty()).ok_or_else(|| {
                format!(
                    "the environment variable {var} is not set: it holds the 360Learning OAuth2 client {} (named by [learning360] in {})",
                    if var == id_var.env { "id" } else { "secret" },
                    config
                        .as_ref()
                        .map_or("the default configuration".to_string(), |f| f.display().to_string())
                )
            })
        };
        let request = crate::learning360::UsersRequest {
            base,
            out: args.out.clone(),
            only: args.only.clone(),
            client_id: read(&id_var.env)?,
            client_secret: read(&secret_var.env)?,
        };
        crate::learning360::users(&request)
    };
    match run() {
        Ok(outcome) => {
            for mail in &outcome.not_found {
                eprintln!("warning: no 360Learning user has the e-mail {mail}");
            }
            eprintln!(
                "Wrote {} user{} to {}.",
                outcome.written,
                if outcome.written == 1 { "" } else { "s" },
                args.out.display()
            );
            ExitCode::from(if outcome.not_found.is_empty() {
                EXIT_CLEAN
            } else {
                EXIT_FINDINGS
            })
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(EXIT_ERROR)
        }
    }
}
