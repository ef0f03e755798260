//! `apimigrate check`: finds the files, gives each its configuration, scans, applies
//! the baseline and `--diff-base`, and writes the reports (also for standard input).

use super::*;

/// The checkers of a run (one per configuration file in force), each with the paths
/// the user named (the scope of `--prune-baseline`).
pub(super) type Governed = Vec<(Checker, Vec<PathBuf>)>;

/// Configuration files by folder, so each folder is looked up once.
pub(super) type ConfigCache = HashMap<PathBuf, Option<PathBuf>>;

/// A configuration file (or none) and the files it governs.
pub(super) type ConfigGroup = (Option<PathBuf>, Vec<(PathBuf, crate::source::Language)>);

/// The configuration file that governs `path`: `--config`, none with `--no-config`,
/// otherwise the nearest `apimigrate.toml` at or above the file's folder.
pub(super) fn config_file_for(
    args: &CheckArgs,
    path: &Path,
    cache: &mut ConfigCache,
) -> Option<PathBuf> {
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
pub(super) fn build_checker(
    args: &CheckArgs,
    base: &RuleSet,
    file: Option<&Path>,
) -> Result<Checker, Error> {
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

pub(super) fn matches_some_rule(rules: &RuleSet, code: &str) -> bool {
    code.eq_ignore_ascii_case("ALL")
        || rules.rules.iter().any(|r| {
            r.rule.code.len() >= code.len() && r.rule.code[..code.len()].eq_ignore_ascii_case(code)
        })
}

/// Finds the files once, gives each the configuration nearest to it (per-directory
/// configs), runs one checker per configuration, and merges the results in path order.
/// `sink`, when given, is handed each file's report as soon as it is ready, in walk
/// order (see [`Checker::scan_files_streaming`]).
pub(super) fn run_scan(
    args: &CheckArgs,
    mut sink: Option<&mut dyn FnMut(&crate::scan::FileReport)>,
) -> Result<(ScanResult, Governed), Error> {
    for env in &args.postman_env {
        if !env.exists() {
            return Err(Error::Usage(format!(
                "--postman-env {}: no such file; give the path of an environment exported from Postman",
                env.display()
            )));
        }
        crate::frontend::postman::check_env_file(env)
            .map_err(|e| {
                Error::Parse(format!(
                    "--postman-env {}: {e}; export the environment from Postman again (Environments, Export) and pass that file",
                    env.display()
                ))
            })?;
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
    let shared_tree = groups.len() > 1;
    for (file, files) in groups {
        let mut checker = build_checker(args, &base, file.as_deref())?;
        checker.show_files = args.show_files;
        checker.shared_tree = shared_tree;
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
        let mut r = checker.scan_files_streaming(
            files,
            &args.paths,
            bar.as_ref().map(|b| b as &dyn Progress),
            sink.as_deref_mut(),
        );
        // `fix` checks the files again: with the hosts the scan learned.
        checker.learn(&std::mem::take(&mut r.learned));
        result.merge(r);
    }
    // Moved, not copied: a second list of every path would be held through the scan.
    result.scanned = checkers
        .iter_mut()
        .flat_map(|(_, f)| std::mem::take(f))
        .collect();
    if let Some((checker, _)) = checkers.first() {
        checker.record_others(&mut result, &others, &args.paths);
    }
    result.file_list.sort_by(|a, b| a.path.cmp(&b.path));
    if let Some(b) = &bar {
        b.bar.finish_and_clear();
    }
    result.errors.extend(walk_errors.into_iter().map(|e| {
        ScanError::new(
            crate::discover::display_path(&e.path).to_string_lossy(),
            e.message,
        )
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
pub(super) fn show_progress(args: &CheckArgs) -> bool {
    args.format == Format::Human
        && !args.quiet
        && std::io::stderr().is_terminal()
        && std::env::var_os("CI").is_none_or(|v| v.is_empty() || v == "false")
        && std::env::var("TERM").map_or(true, |t| t != "dumb")
}

/// An indicatif bar on standard error that stays hidden until the run has more than
/// [`PROGRESS_MIN_FILES`] files.
pub(super) struct ProgressBarObserver {
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
pub(super) fn use_color(args: &CheckArgs) -> bool {
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
pub(super) fn run_rules(checkers: &Governed) -> RuleSet {
    let mut sets = checkers.iter().map(|(c, _)| &c.rules);
    match sets.next() {
        Some(first) => sets.fold(first.clone(), |all, s| all.merged_with(s)),
        None => RuleSet::embedded(),
    }
}

/// Renders `result` in `format`; `color` only matters for human output.
pub(super) fn render_as(
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
pub(super) fn errors_to_stderr(args: &CheckArgs, result: &ScanResult) {
    if args.format.lacks_errors() {
        for e in &result.errors {
            print_error(format_args!("{}: {}", e.path, e.message));
        }
    }
}

pub(super) fn render(args: &CheckArgs, result: &ScanResult, rules: &RuleSet) -> String {
    render_as(args.format, args, result, rules, use_color(args))
}

pub(super) fn write_file(path: &Path, text: &str) -> Result<(), Error> {
    std::fs::write(path, text).map_err(|e| {
        Error::Write(format!(
            "cannot write {}: {e}; check that its folder exists and is writable",
            path.display()
        ))
    })
}

/// Why the report could not be written to standard output, and what to do.
pub(super) fn output_error(e: &std::io::Error) -> String {
    format!(
        "cannot write output: {e}; check that standard output is open (a closed pipe, a full disk), or write the report to a file with --output-file"
    )
}

pub(super) fn emit(args: &CheckArgs, text: &str) -> Result<(), Error> {
    if let Some(path) = &args.output_file {
        write_file(path, text)
    } else {
        let mut out = std::io::stdout().lock();
        out.write_all(text.as_bytes())
            .and_then(|_| out.flush())
            .map_err(|e| Error::Write(output_error(&e)))
    }
}

/// Writes every `--output FORMAT=FILE` report; `human_suffix` is appended to human ones.
pub(super) fn emit_outputs(
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
pub(super) fn in_scope(checkers: &Governed, entry: &Entry) -> bool {
    checkers.iter().any(|(checker, roots)| {
        checker.selection.enabled(&entry.code)
            && roots.iter().any(|root| root_covers(root, &entry.path))
    })
}

pub(super) fn root_covers(root: &Path, path: &str) -> bool {
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
pub(super) fn apply_baseline(
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
pub(super) fn apply_diff_base(args: &CheckArgs, result: &mut ScanResult) -> Result<(), Error> {
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
pub(super) fn tell_about_files(args: &CheckArgs, result: &ScanResult) {
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

pub(super) fn check(args: CheckArgs) -> ExitCode {
    if reads_stdin(&args) {
        return check_stdin(&args);
    }
    // JSON Lines with nothing that needs the whole run (a baseline, a diff base, other
    // reports) is written as files finish: memory holds the files in flight, not the
    // report.
    let streams = args.format == Format::JsonLines
        && args.output_file.is_none()
        && args.outputs.is_empty()
        && args.baseline.is_none()
        && args.write_baseline.is_none()
        && !args.prune_baseline
        && args.diff_base.is_none();
    let mut stdout = std::io::stdout().lock();
    let mut stream_error: Option<std::io::Error> = None;
    let mut print = |file: &crate::scan::FileReport| {
        if stream_error.is_none() {
            stream_error = report::jsonl::write_file(file, &mut stdout)
                .and_then(|_| stdout.flush())
                .err();
        }
    };
    let sink = streams.then_some(&mut print as &mut dyn FnMut(&crate::scan::FileReport));
    let scanned = run_scan(&args, sink);
    if let Some(e) = stream_error {
        let e = Error::Write(output_error(&e));
        print_error(&e);
        return ExitCode::from(e.exit_code());
    }
    let (mut result, checkers) = match scanned {
        Ok(r) => r,
        Err(e) => {
            print_error(&e);
            return ExitCode::from(e.exit_code());
        }
    };
    tell_about_files(&args, &result);
    crate::pipeline::fix::hold_shared_definitions(&mut result.files);
    mark_definition_fixes(&mut result, &checkers);
    if let Err(e) = apply_baseline(&args, &mut result, &checkers)
        .and_then(|_| apply_diff_base(&args, &mut result))
    {
        print_error(&e);
        return ExitCode::from(e.exit_code());
    }
    let rules = run_rules(&checkers);
    errors_to_stderr(&args, &result);
    let written = emit_outputs(&args, &result, &rules, "").and_then(|_| {
        if streams {
            Ok(())
        } else if args.format == Format::JsonLines && args.output_file.is_none() {
            // Line by line, as the findings are rendered.
            let mut out = std::io::stdout().lock();
            report::jsonl::write(&result, &mut out)
                .and_then(|_| out.flush())
                .map_err(|e| Error::Write(output_error(&e)))
        } else if args.format == Format::Json && args.output_file.is_none() {
            // Finding by finding: the document is never held in memory.
            let mut out = std::io::stdout().lock();
            report::json::write(&result, &mut out)
                .and_then(|_| out.flush())
                .map_err(|e| Error::Write(output_error(&e)))
        } else {
            emit(&args, &render(&args, &result, &rules))
        }
    });
    if let Err(e) = written {
        print_error(&e);
        return ExitCode::from(e.exit_code());
    }
    ExitCode::from(exit_code(&result, args.fail_on))
}

/// Findings whose fix `fix` makes at their definition in another file (a base URL
/// constant imported by the call, see [`crate::fix::elsewhere`]): shown with the rule's
/// applicability and where the edit lands, so that what `check` reports is what
/// `fix` does. The edits belong to the other file: they are listed with its path
/// ([`crate::finding::FileEdits`]).
fn mark_definition_fixes(result: &mut ScanResult, checkers: &Governed) {
    let definitions = definition_fixes(result, checkers, FixLevel::Unsafe);
    for d in definitions {
        let Some(first) = d.edits.first() else {
            continue;
        };
        let Ok(text) = std::fs::read_to_string(&d.path) else {
            continue;
        };
        let source = SourceFile::new(d.path.clone(), text, d.language);
        let line = source.position(first.span.start).line;
        let shown = crate::discover::display_path(&d.path)
            .to_string_lossy()
            .replace('\\', "/");
        let there = crate::finding::FileEdits {
            path: shown.clone(),
            edits: d
                .edits
                .iter()
                .map(|e| {
                    (
                        e.clone(),
                        source.position(e.span.start),
                        source.position(e.span.end),
                    )
                })
                .collect(),
        };
        for (path, code, span) in &d.fixes {
            let applicability = checkers.iter().find_map(|(c, _)| {
                let rule = c.rules.rules.iter().find(|r| r.rule.code == *code)?;
                Some(rule.rule.fix.as_ref()?.applicability)
            });
            let Some(applicability) = applicability else {
                continue;
            };
            let Some(report) = result.files.iter_mut().find(|r| r.source.path == *path) else {
                continue;
            };
            let Some(f) = report
                .findings
                .iter_mut()
                .find(|f| f.code == *code && f.span == *span)
            else {
                continue;
            };
            if let Some(fix) = &mut f.fix {
                let base = fix
                    .title
                    .split(" — not automated here")
                    .next()
                    .unwrap_or_default()
                    .to_string();
                fix.applicability = applicability;
                fix.elsewhere = vec![there.clone()];
                fix.title = format!(
                    "{base} — at the definition in {shown}:{line}, which `apimigrate fix` edits"
                );
                f.help = Some(format!("{} ({applicability} fix)", fix.title));
            }
        }
    }
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

/// Whether PATH is `-`.
pub(super) fn reads_stdin(args: &CheckArgs) -> bool {
    args.paths.iter().any(|p| p.as_os_str() == "-")
}

/// Reads standard input as the file --stdin-filename names, with the checker of its
/// configuration.
pub(super) fn stdin_source(args: &CheckArgs) -> Result<(SourceFile, Governed), Error> {
    if args.paths.len() > 1 {
        return Err(Error::Usage(
            "`-` (standard input) cannot be combined with other paths; check standard input and the paths in two runs".into(),
        ));
    }
    if args.diff_base.is_some() {
        return Err(Error::Usage(
            "--diff-base compares files with git; it does not apply to standard input: drop it, or check the files themselves".into(),
        ));
    }
    let mut bytes = Vec::new();
    std::io::Read::read_to_end(&mut std::io::stdin().lock(), &mut bytes)
        .map_err(|e| {
            Error::Read(format!(
                "cannot read standard input: {e}; pipe a file in (`apimigrate check - < file`) or name the files instead of `-`"
            ))
        })?;
    let (bytes, bom) = match bytes.strip_prefix(b"\xEF\xBB\xBF") {
        Some(rest) => (rest.to_vec(), true),
        None => (bytes, false),
    };
    let text = String::from_utf8(bytes).map_err(|e| {
        Error::Read(format!(
            "standard input is not valid UTF-8 (invalid byte at offset {}); convert it first, for example with `iconv -t UTF-8`",
            e.utf8_error().valid_up_to()
        ))
    })?;
    let name = args.stdin_filename.clone();
    let Some(language) = language_of(name.as_deref(), &text) else {
        return Err(Error::Usage(match &name {
            Some(n) => format!(
                "--stdin-filename {}: not a kind of file apimigrate scans; name it with the extension of its language (.js, .ts, .py, .rs, .sh, .http, ...)",
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
    crate::source::Language::of_text(name, text)
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
pub(super) fn single(report: crate::scan::FileReport) -> ScanResult {
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
pub(super) fn check_stdin(args: &CheckArgs) -> ExitCode {
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
            print_error(&e);
            ExitCode::from(e.exit_code())
        }
    }
}
