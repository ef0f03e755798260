#!/usr/bin/env bash
# Single-file scaling: one file per language holding N deprecated calls (each with a
# rewrite to render), checked at N = 1000 and N = 5000. A front end or renderer that
# re-reads the whole file per call shows up as a ratio far above 5.
#
# Usage: bench/single_file_scaling.sh [path/to/apimigrate]   (default: a release build)
# Prints the median of 5 runs per file, in seconds, and the 5000/1000 ratio.
set -euo pipefail
cd "$(dirname "$0")/.."
bin="${1:-target/release/apimigrate}"
if [ "$bin" = target/release/apimigrate ]; then cargo build --release --quiet; fi
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

python3 - "$work" <<'PY'
import sys
out = sys.argv[1]
def write(name, n, head, one, sep="\n"):
    open(f"{out}/{n}.{name}", "w").write(sep.join(head + [one(i) for i in range(n)]) + "\n")
for n in (1000, 5000):
    write("js", n, ["const axios = require('axios');", "const BASE = 'https://community.acme.com';"],
          lambda i: f"async function f{i}(id, key) {{ await axios.delete(`${{BASE}}/api/2.0/users/${{id}}`, {{ headers: {{ 'li-api-session-key': key }} }}); }}")
    write("py", n, ["import requests", 'BASE = "https://community.acme.com"', ""],
          lambda i: f"def f{i}(uid, key):\n    r = requests.delete(f\"{{BASE}}/api/2.0/users/{{uid}}\", headers={{\"li-api-session-key\": key}})\n    r.raise_for_status()\n")
    write("rs", n, ['const BASE: &str = "https://community.acme.com";'],
          lambda i: f"async fn f{i}(c: &reqwest::Client, id: &str, k: &str) -> reqwest::Result<()> {{\n    c.delete(format!(\"{{BASE}}/api/2.0/users/{{id}}\")).header(\"li-api-session-key\", k).send().await?;\n    Ok(())\n}}")
    write("sh", n, ["#!/bin/bash", 'BASE="https://community.acme.com"'],
          lambda i: f'curl -sS -X DELETE "$BASE/api/2.0/users/{i}" -H "li-api-session-key: $KEY"')
    write("md", n, ["# Runbook"],
          lambda i: f"Step {i}:\n\n```bash\ncurl -X DELETE \"https://community.acme.com/api/2.0/users/{i}\" -H \"li-api-session-key: $KEY\"\n```\n")
    write("http", n, ["@base = https://community.acme.com"],
          lambda i: f"###\nDELETE {{{{base}}}}/api/2.0/users/{i}\nli-api-session-key: {{{{key}}}}\n")    # Shapes that once were quadratic: a minified one-line script of curl calls, and
    # one Python `+` chain of n terms.
    open(f"{out}/{n}.oneline.sh", "w").write(
        "curl -X DELETE https://community.acme.com/api/2.0/users/1; " * n + "\n")
    terms = " + ".join(f"'a{i}'" for i in range(n))
    open(f"{out}/{n}.chain.py", "w").write(
        "import requests\nBASE = 'https://community.acme.com/api/2.0'\n"
        f"x = {terms}\nrequests.delete(BASE + '/users/' + x, headers={{'li-api-session-key': 'k'}})\n")
PY

python3 - "$work" "$bin" <<'PY'
import statistics, subprocess, sys, time
work, binary = sys.argv[1], sys.argv[2]
def median_time(path):
    runs = []
    for _ in range(5):
        t = time.perf_counter()
        subprocess.run([binary, "check", "--no-config", "--quiet", path], stdout=subprocess.DEVNULL)
        runs.append(time.perf_counter() - t)
    return statistics.median(runs)
print(f"{'file':10} {'1000 (s)':>10} {'5000 (s)':>10} {'ratio':>8}")
for ext in ["js", "py", "rs", "sh", "md", "http", "oneline.sh", "chain.py"]:
    small, large = median_time(f"{work}/1000.{ext}"), median_time(f"{work}/5000.{ext}")
    print(f"{ext:10} {small:10.3f} {large:10.3f} {large / small:8.1f}")
PY
