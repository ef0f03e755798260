//! Runs the inline examples of every rule file (the same runner as `apimigrate
//! test-rules`): an `invalid` example must report its rule, a `valid` one must not,
//! and a `fixed` one must match the fixed code. Also checks that every rule is
//! documented.

use apimigrate::rule_examples as examples;
use apimigrate::rules::RuleSet;

#[test]
fn examples_report_exactly_their_rule() {
    let rules = RuleSet::embedded();
    let packs: Vec<usize> = (0..rules.packs.len()).collect();
    let outcome = examples::run(&rules, &packs);
    assert!(outcome.ran() > 40, "only {} examples ran", outcome.ran());
    let failures: Vec<String> = outcome
        .failures
        .iter()
        .map(|f| format!("{f}\n{}", f.source.trim_end()))
        .collect();
    assert!(
        failures.is_empty(),
        "{}\n\n{}",
        outcome.summary(),
        failures.join("\n\n")
    );
}

#[test]
fn built_in_fixes_have_fixed_examples() {
    let rules = RuleSet::embedded();
    for code in ["RSA001", "JAN006", "AUR002", "API001"] {
        let r = rules.find(code).unwrap();
        assert!(
            r.rule.examples.iter().any(|e| e.fixed.is_some()),
            "{code}: no `fixed` example"
        );
    }
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
