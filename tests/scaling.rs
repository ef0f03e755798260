//! Every front end is near-linear: four times the input may take about four times
//! as long, never sixteen. Measured in process on the same machine, so the ratio
//! holds however fast the machine is; the threshold leaves room for noise.

use apimigrate::rules::engine::Selection;
use apimigrate::rules::RuleSet;
use apimigrate::scan::Checker;
use apimigrate::source::{Language, SourceFile};
use std::time::{Duration, Instant};

fn time_check(checker: &Checker, text: &str, language: Language, name: &str) -> Duration {
    // The best of two runs: the machine may be busy with something else.
    (0..2)
        .map(|_| {
            let source = SourceFile::new(name.into(), text.to_string(), language);
            let start = Instant::now();
            let report = checker.check_source(source);
            let took = start.elapsed();
            assert!(!report.findings.is_empty(), "{name}");
            took
        })
        .min()
        .unwrap()
}

fn assert_near_linear(name: &str, language: Language, make: impl Fn(usize) -> String, n: usize) {
    let checker = Checker::new(RuleSet::embedded(), Selection::default());
    let small = time_check(&checker, &make(n), language, name);
    let large = time_check(&checker, &make(4 * n), language, name);
    let ratio = large.as_secs_f64() / small.as_secs_f64().max(1e-3);
    assert!(
        ratio < 10.0,
        "{name}: {n} → {small:?}, {} → {large:?} (×{ratio:.1}): not near-linear",
        4 * n
    );
}

#[test]
fn curl_calls_on_one_line_scale_linearly() {
    assert_near_linear(
        "a.sh",
        Language::Shell,
        |n| "curl -X DELETE https://community.khoros.com/api/2.0/users/1; ".repeat(n) + "\n",
        1000,
    );
}

#[test]
fn a_python_plus_chain_scales_linearly() {
    assert_near_linear(
        "a.py",
        Language::Python,
        |n| {
            let terms: Vec<String> = (0..n).map(|i| format!("'a{i}'")).collect();
            format!(
                "import requests\nBASE = 'https://community.khoros.com/api/2.0'\nx = {}\nrequests.delete(BASE + '/users/' + x)\n",
                terms.join(" + ")
            )
        },
        2000,
    );
}
