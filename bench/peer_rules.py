"""Writes the peers' rules equivalent to apimigrate's vendor rules (nothing committed).

peer_rules.py OUT
  OUT/rg.txt         the rules' match literals, for `rg -F -f`
  OUT/ast-grep.yml   one rule per vendor and language: a string literal holding a
                     vendor rule's path literal
  OUT/semgrep.yml    one regex rule per vendor over the scanned languages
"""
import pathlib
import sys

out = pathlib.Path(sys.argv[1])
out.mkdir(parents=True, exist_ok=True)
VENDORS = {
    "aurora": r"/api/2\.0/",
    "learning360": r"/api/v[12]/",
    "janrain": r"entity\.delete",
    "rsa": r"markDeleted|/AdminInterface/",
}
LITERALS = ["/api/2.0/", "/api/v1/", "/api/v2/", "entity.delete", "markDeleted", "/AdminInterface/"]
(out / "rg.txt").write_text("\n".join(LITERALS) + "\n")
KINDS = {
    "JavaScript": ["string", "template_string"],
    "TypeScript": ["string", "template_string"],
    "Tsx": ["string", "template_string"],
    "Python": ["string"],
    "Rust": ["string_literal", "raw_string_literal"],
    "Bash": ["string", "raw_string", "word"],
}
docs = []
for vendor, regex in VENDORS.items():
    for lang, kinds in KINDS.items():
        any_ = "\n".join(f"    - kind: {k}\n      regex: '{regex}'" for k in kinds)
        docs.append(f"id: {vendor}-{lang.lower()}\nlanguage: {lang}\nseverity: warning\n"
                    f"message: deprecated {vendor} call\nrule:\n  any:\n{any_}\n")
(out / "ast-grep.yml").write_text("---\n".join(docs))
rules = []
for vendor, regex in VENDORS.items():
    rules.append(f"  - id: {vendor}\n    message: deprecated {vendor} call\n    severity: WARNING\n"
                 f"    languages: [generic]\n    paths:\n      include: ['*.js', '*.mjs', '*.cjs', '*.jsx', "
                 f"'*.ts', '*.mts', '*.cts', '*.tsx', '*.py', '*.rs', '*.sh', '*.md', '*.http', '*.rest', "
                 f"'*.postman_collection.json']\n"
                 f"    pattern-regex: '{regex}'\n")
(out / "semgrep.yml").write_text("rules:\n" + "".join(rules))
