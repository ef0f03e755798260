//! `apimigrate explain CODE`: a rule's documentation.

use super::*;

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
