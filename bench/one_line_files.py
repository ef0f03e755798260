#!/usr/bin/env python3
"""Writes one-line files of deprecated calls, one per language, each about SIZE MiB.

A minified or generated file can hold its whole program on one line, or one statement
list with a hundred thousand entries; a front end that does per-call work
proportional to the file (tree-sitter's `Node::parent` searches down from the root)
is quadratic there. Used by `bench/one_line_scaling.sh`.

Usage: bench/one_line_files.py OUT_DIR SIZE_MIB [SIZE_MIB ...]
Writes OUT_DIR/<size>.py, .js, .sh, .md (Markdown: one fence line of curl calls).
"""
import sys

CALLS = {
    "py": ("import requests; ", 'requests.delete("https://community.khoros.com/api/2.0/users/{i}"); '),
    "js": ("const axios = require('axios'); ", "axios.delete('https://community.khoros.com/api/2.0/users/{i}'); "),
    "sh": ("", 'curl -X DELETE "https://community.khoros.com/api/2.0/users/{i}"; '),
}


def write(path, head, one, size):
    limit = int(size * 1024 * 1024)
    parts, total, i = [head], len(head), 0
    while True:
        call = one.format(i=i)
        if total + len(call) > limit:
            break
        parts.append(call)
        total += len(call)
        i += 1
    with open(path, "w") as f:
        f.write("".join(parts) + "\n")
    return i


def main():
    out, sizes = sys.argv[1], [float(s) for s in sys.argv[2:]]
    for size in sizes:
        name = f"{size:g}"
        for ext, (head, one) in CALLS.items():
            write(f"{out}/{name}.{ext}", head, one, size)
        # Markdown: a bash fence whose one line holds the calls.
        sh = f"{out}/{name}.sh"
        with open(sh) as f:
            line = f.read()
        with open(f"{out}/{name}.md", "w") as f:
            f.write("# Runbook\n\n```bash\n" + line + "```\n")


if __name__ == "__main__":
    main()
