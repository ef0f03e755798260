//! Runs the inline examples of every rule file: an `invalid` example must report its
//! rule, a `valid` one must not. Also checks that every rule is documented.

mod common;

use apimigrate::rules::RuleSet;
use apimigrate::source::{Language, SourceFile};

#[test]
fn examples_report_exactly_their_rule() {
    let checker = common::checker();
    let rules = RuleSet::embedded();
    let mut failures = Vec::new();
    let mut ran = 0;
    for r in &rules.rules {
        for (i, ex) in r.rule.examples.iter().enumerate() {
            let lang = Language::from_example_name(&ex.lang).unwrap();
            let (code, must_report) = match (&ex.invalid, &ex.valid) {
                (Some(c), None) => (c, true),
                (None, Some(c)) => (c, false),
                _ => unreachable!("validated by the loader"),
            };
            let ext = match lang {
                Language::JavaScript => "js",
                Language::TypeScript => "ts",
                Language::Tsx => "tsx",
            };
            let report = checker.check_source(SourceFile::new(
                format!("{}-example-{}.{ext}", r.rule.code, i + 1).into(),
                code.clone(),
                lang,
            ));
            ran += 1;
            let reported = report.findings.iter().any(|f| f.code == r.rule.code);
            if reported != must_report {
                let codes: Vec<&str> = report.findings.iter().map(|f| f.code.as_str()).collect();
                failures.push(format!(
                    "{} example {} ({}) {} but reported {codes:?}:\n{code}",
                    r.rule.code,
                    i + 1,
                    if must_report { "invalid" } else { "valid" },
                    if must_report {
                        "should report it"
                    } else {
                        "should not report it"
                    },
                ));
            }
        }
    }
    assert!(ran > 40, "only {ran} examples ran");
    assert!(failures.is_empty(), "\n{}", failures.join("\n\n"));
}

#[test]
fn every_rule_is_documented_with_examples() {
    let rules = RuleSet::embedded();
    for r in &rules.rules {
        let d = &r.rule.docs;
        let code = &r.rule.code;
        for (field, text) in [
            ("what", &d.what),
            ("why", &d.why),
            ("before", &d.before),
            ("fix_safety", &d.fix_safety),
        ] {
            assert!(text.trim().len() > 20, "{code}: docs.{field} is too short");
        }
        assert!(!d.references.is_empty(), "{code}: no references");
        if r.rule.fix.is_some() && r.rule.code != "API002" {
            assert!(
                d.after.is_some(),
                "{code}: has a fix but no `after` example"
            );
        }
        let target_file = r.rule.matcher.target == apimigrate::rules::model::Target::File;
        if !target_file {
            assert!(
                r.rule.examples.iter().any(|e| e.invalid.is_some()),
                "{code}: no invalid example"
            );
            assert!(
                r.rule.examples.iter().any(|e| e.valid.is_some()),
                "{code}: no valid example"
            );
        }
    }
}
