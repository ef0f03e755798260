//! `apimigrate fix`: fixes the scanned files (or standard input) and reports what
//! remains.

use super::*;

pub(super) fn fix(args: FixArgs) -> ExitCode {
    if reads_stdin(&args.common) {
        return fix_stdin(&args);
    }
    let common = &args.common;
    let (result, checkers) = match run_scan(common, None) {
        Ok(r) => r,
        Err(e) => {
            print_error(&e);
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
    // Calls whose deprecated URL part is a constant of another scanned file, fixed there.
    let mut definitions = definition_fixes(&result, &checkers, level);
    // `(file, code, span)` of the findings fixed at a definition that was written.
    let mut fixed_elsewhere: Vec<(PathBuf, String, crate::call::Span)> = Vec::new();
    // Definitions whose fix would change what a finding of another rule reads there.
    let guards = crate::pipeline::fix::report_guards(&result.files);
    // The files written: a finding elsewhere that reads a value defined in one of them
    // (a base URL in an env file) is checked again.
    let mut written: Vec<PathBuf> = Vec::new();
    for file in result.files {
        // Matched however the path is spelled (`./a.js`, `a.js`): a definition left for
        // the loop below would be written again over this file's own fixes.
        let definition = definitions
            .iter()
            .position(|d| crate::pipeline::fix::same_file(&d.path, &file.source.path))
            .map(|i| definitions.remove(i));
        let fixable = definition.is_some()
            || file.findings.iter().any(|f| {
                f.fix
                    .as_ref()
                    .is_some_and(|x| level.allows(x.applicability) && !x.edits.is_empty())
            });
        if !fixable {
            remaining.files.push(file);
            continue;
        }
        if file.source.utf16 && !args.diff {
            errors.push(ScanError::new(
                file.source.display_path(),
                "a UTF-16 file: fixes are not written to it (convert it to UTF-8 to fix it)",
            ));
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
        let mut start = file.source.text.clone();
        if let Some(d) = &definition {
            match edit_definition(d, &start) {
                Ok(text) => start = text,
                Err(e) => errors.push(ScanError::in_file(&file, e)),
            }
        }
        let at_definition = definition
            .filter(|_| start != file.source.text)
            .map_or_else(Vec::new, |d| d.fixes);
        let mut copy = SourceFile::new(file.source.path.clone(), start, file.source.language);
        copy.bom = file.source.bom;
        let held_back: Vec<crate::pipeline::fix::Guard> = guards
            .iter()
            .filter(|(p, _)| *p == file.source.path)
            .map(|(_, g)| g.clone())
            .collect();
        let outcome =
            match crate::pipeline::fix::fix_source_isolated(&shared[index], copy, level, held_back)
            {
                Ok(mut o) => {
                    // The change shown and written starts from the file as it was read.
                    o.original = file.source.text.clone();
                    o
                }
                Err(failure) => {
                    errors.push(ScanError::in_file(&file, format!("not fixed: {failure}")));
                    remaining.files.push(file);
                    continue;
                }
            };
        let shown = file.source.display_path();
        for h in &outcome.held {
            eprintln!(
                "note: {}: {} fix not applied ({}): {}",
                shown, h.code, h.title, h.reason
            );
        }
        for d in &outcome.dropped {
            errors.push(ScanError::in_file(
                &file,
                format!("{} fix dropped ({}): {}", d.code, d.title, d.reason),
            ));
        }
        if outcome.not_converged {
            errors.push(ScanError::new(
                &shown,
                format!(
                    "fixes did not converge after {} passes; the file was fixed as far as they agreed",
                    crate::pipeline::fix::MAX_PASSES
                ),
            ));
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
                    errors.push(ScanError::new(&shown, e.to_string()));
                    remaining.files.push(file);
                    continue;
                }
            }
            // Counted once written (or shown): a file that could not be written was
            // not fixed.
            changed_files += 1;
            if !args.diff {
                written.push(file.source.path.clone());
            }
            fixed_findings += outcome.applied.len() + at_definition.len();
            fixed_elsewhere.extend(at_definition);
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
    // Definitions in files without findings of their own.
    for d in definitions {
        let shown = crate::discover::display_path(&d.path)
            .to_string_lossy()
            .replace('\\', "/");
        match write_definition(&d, args.diff) {
            Ok((before, after)) => {
                if args.diff {
                    let secrets = crate::secrets::scan_text(&before);
                    let fixed = crate::secrets::occurrences(&before, &secrets, &after);
                    let mut fixed_secrets = crate::secrets::scan_text(&after);
                    fixed_secrets.extend(fixed);
                    diff.push_str(&crate::fix::unified_diff(
                        &shown,
                        &crate::redact::Redacted::new(&before, &secrets).text,
                        &crate::redact::Redacted::new(&after, &fixed_secrets).text,
                    ));
                }
                changed_files += 1;
                fixed_findings += d.fixes.len();
                fixed_elsewhere.extend(d.fixes);
            }
            Err(e) => errors.push(ScanError::new(&shown, e)),
        }
    }
    // A finding fixed at its definition is gone, whatever the index read of that file.
    for report in &mut remaining.files {
        report.findings.retain(|f| {
            !fixed_elsewhere
                .iter()
                .any(|(p, c, s)| *p == report.source.path && *c == f.code && *s == f.span)
        });
    }
    // A finding that reads a definition fixed in its own file (an env file's base URL
    // rewritten in place) is what that file now says: its file is checked again.
    for report in &mut remaining.files {
        let stale = report.findings.iter().any(|f| {
            f.related.iter().any(|r| {
                !r.learned
                    && written
                        .iter()
                        .any(|w| crate::pipeline::fix::same_file(w, &r.path))
            })
        });
        if !stale {
            continue;
        }
        let governing = config_file_for(common, &report.source.path, &mut cache);
        let index = checkers
            .iter()
            .position(|(c, _)| c.config.file == governing)
            .unwrap_or(0);
        let source = SourceFile::new(
            report.source.path.clone(),
            report.source.text.clone(),
            report.source.language,
        );
        let secrets = std::mem::take(&mut report.secrets);
        *report = checkers[index].0.check_source(source);
        report.secrets.extend(secrets);
    }
    remaining.files.retain(|r| !r.is_empty());
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
            print_error(format_args!("{}: {}", e.path, e.message));
        }
        eprintln!("{summary}");
        if let Err(e) = emit(common, &diff) {
            print_error(&e);
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
        print_error(&e);
        return ExitCode::from(e.exit_code());
    }
    let rules = run_rules(&checkers);
    let suffix = format!("{summary}\n");
    if let Err(e) = emit_outputs(common, &remaining, &rules, &suffix) {
        print_error(&e);
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
        print_error(&e);
        return ExitCode::from(e.exit_code());
    }
    ExitCode::from(exit_code(&remaining, common.fail_on))
}

/// `fix -`: writes the fixed text (or, with --diff, the diff) to standard output and
/// nothing else; the report of what remains goes to standard error (or --output-file).
pub(super) fn fix_stdin(args: &FixArgs) -> ExitCode {
    let common = &args.common;
    let run = || -> Result<u8, Error> {
        let (source, checkers) = stdin_source(common)?;
        let checker = &checkers[0].0;
        let level = if args.unsafe_fixes {
            FixLevel::Unsafe
        } else {
            FixLevel::Safe
        };
        let outcome = crate::pipeline::fix::fix_source(checker, &source, level);
        let shown = source.display_path();
        let mut errors = Vec::new();
        for d in &outcome.dropped {
            errors.push(ScanError::new(
                &shown,
                format!("{} fix dropped ({}): {}", d.code, d.title, d.reason),
            ));
        }
        if outcome.not_converged {
            errors.push(ScanError::new(
                &shown,
                format!(
                    "fixes did not converge after {} passes; the text was fixed as far as they agreed",
                    crate::pipeline::fix::MAX_PASSES
                ),
            ));
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
                .map_err(|e| Error::Write(super::check::output_error(&e)))?;
            for e in &errors {
                print_error(format_args!("{}: {}", e.path, e.message));
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
            .map_err(|e| Error::Write(super::check::output_error(&e)))?;
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
            print_error(&e);
            ExitCode::from(e.exit_code())
        }
    }
}

/// The secrets of a fixed text: what checking it finds, and every occurrence of what
/// was a secret in the file before the fix (a rewrite may drop the parameter that made
/// a constant look secret).
pub(super) fn fixed_secrets(
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

/// The fixes the scanned tree allows at definitions in other files
/// ([`crate::fix::elsewhere`]).
pub(super) fn definition_fixes(
    result: &ScanResult,
    checkers: &Governed,
    level: FixLevel,
) -> Vec<crate::fix::elsewhere::DefinitionFix> {
    use crate::fix::elsewhere::{plan, Candidate};
    let findings: Vec<Candidate> = result
        .files
        .iter()
        .flat_map(|r| {
            r.findings
                .iter()
                .chain(r.suppressed.iter().map(|s| &s.finding))
                .map(move |f| Candidate {
                    file: &r.source.path,
                    finding: f,
                })
        })
        .collect();
    plan(
        &result.scanned,
        &findings,
        |p| {
            result
                .files
                .iter()
                .find(|r| r.source.path == p)
                .map(|r| r.source.text.clone())
        },
        |code| {
            checkers.iter().find_map(|(c, _)| {
                let rule = c.rules.rules.iter().find(|r| r.rule.code == code)?;
                let fix = rule.rule.fix.as_ref()?;
                Some((fix.transform.clone()?, fix.applicability))
            })
        },
        level,
    )
}

/// `text` with a definition's edits, when it still parses.
fn edit_definition(d: &crate::fix::elsewhere::DefinitionFix, text: &str) -> Result<String, String> {
    let edited = crate::fix::apply_edits(text, &d.edits);
    let probe = SourceFile::new(d.path.clone(), edited.clone(), d.language);
    match crate::frontend::syntax_error(&probe) {
        None => Ok(edited),
        Some(_) => Err("the fix at this definition would break the file; not written".into()),
    }
}

/// Edits a definition file that has no findings of its own (written unless `dry`):
/// its text before and after.
fn write_definition(
    d: &crate::fix::elsewhere::DefinitionFix,
    dry: bool,
) -> Result<(String, String), String> {
    let bytes = std::fs::read(&d.path).map_err(|e| format!("cannot read: {e}"))?;
    let before = match std::str::from_utf8(&bytes) {
        Ok(t) if !t.starts_with('\u{feff}') => t.to_string(),
        _ => return Err("not plain UTF-8: the fix at this definition is not written".into()),
    };
    let after = edit_definition(d, &before)?;
    if !dry {
        crate::fix::write::write_fixed_with(&d.path, &bytes, &after, false, || {
            crate::isolate::debug_fault("write", &d.path)
        })
        .map_err(|e| e.to_string())?;
    }
    Ok((before, after))
}
