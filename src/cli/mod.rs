//! The command line (SPEC §3): `check`, `fix`, `rules`, `explain`, `test-rules`,
//! `completions`.

use crate::baseline::{Baseline, Entry};
use crate::config::Config;
use crate::discover::WalkOptions;
use crate::error::Error;
use crate::finding::Severity;
use crate::pipeline::fix::FixLevel;
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

mod check;
mod explain;
mod fix;
mod learning360;
mod rules;

use check::*;
use fix::*;
use learning360::*;
use rules::*;

pub use check::{exit_code, PROGRESS_MIN_FILES};
pub(crate) use check::{language_of, named_checker, named_config};
pub use explain::explain;
pub use rules::{rules_json, rules_markdown, rules_table};

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
                    print_error(&e);
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
                    print_error(&e);
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
                    print_error(&e);
                    ExitCode::from(e.exit_code())
                }
            }
        }
    }
}

/// Prints `error: MESSAGE` on standard error, with secrets masked: a message may quote a
/// configuration, an environment file or source text. Every error line goes through it.
fn print_error(message: impl std::fmt::Display) {
    eprintln!("error: {}", crate::secrets::mask_text(&message.to_string()));
}
