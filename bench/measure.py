"""Runs apimigrate and its peers side by side and writes the results table.

Called by bench/monorepo.sh; see there for the arguments. Every run goes through
`/usr/bin/time -v` (wall clock, user + system CPU, peak RSS); the table shows medians.
"""
import argparse
import json
import os
import pathlib
import re
import shutil
import statistics
import subprocess
import time

p = argparse.ArgumentParser()
for a in ("apimigrate", "before", "rg", "ast-grep", "semgrep", "rules", "corpus", "out", "readme"):
    p.add_argument(f"--{a}")
p.add_argument("--runs", type=int, default=5)
p.add_argument("--semgrep-runs", type=int, default=1)
p.add_argument("--slow-runs", type=int, default=3, help="runs of ast-grep")
p.add_argument("--before-runs", type=int, default=3, help="runs of --before")
p.add_argument("--jobs", type=int, default=os.cpu_count())
args = p.parse_args()
corpus = pathlib.Path(args.corpus)
rules = pathlib.Path(args.rules)
J = str(args.jobs)
GLOBS = ["*.js", "*.mjs", "*.cjs", "*.jsx", "*.ts", "*.mts", "*.cts", "*.tsx", "*.py", "*.pyi",
         "*.rs", "*.sh", "*.bash", "*.zsh", "*.md", "*.markdown", "*.http", "*.rest", "*.json"]


def apimigrate(binary):
    def cmd(tree):
        return [binary, "check", tree, "--no-ignore", "--no-config", "--format", "json", "--jobs", J]

    def hits(out):
        return {(f["path"], f["code"][:3]) for f in json.loads(out)["findings"]}
    return cmd, hits


def rg_cmd(tree):
    g = [x for glob in GLOBS for x in ("-g", glob)]
    return [args.rg, "-F", "-i", "-l", "-f", str(rules / "rg.txt"), "--no-ignore", "-j", J, *g, tree]


def ast_grep_cmd(tree):
    no = [x for k in ("vcs", "dot", "parent", "exclude", "global") for x in ("--no-ignore", k)]
    return [args.ast_grep, "scan", "-r", str(rules / "ast-grep.yml"), "--json=stream", "-j", J, *no, tree]


def semgrep_cmd(tree):
    return [args.semgrep, "scan", "--config", str(rules / "semgrep.yml"), "--json", "--metrics=off",
            "--disable-version-check", "--no-git-ignore", "-j", J, "--quiet", tree]


TOOLS = [
    ("apimigrate", *apimigrate(args.apimigrate), args.runs),
    ("ripgrep (the rules' literals)", rg_cmd, lambda o: {(l, None) for l in o.splitlines() if l}, args.runs),
    ("ast-grep (24 rules: 4 vendors × 6 languages)", ast_grep_cmd,
     lambda o: {(json.loads(l)["file"], None) for l in o.splitlines() if l.strip()}, args.slow_runs),
    ("semgrep (4 regex rules)", semgrep_cmd,
     lambda o: {(r["path"], None) for r in json.loads(o)["results"]}, args.semgrep_runs),
]
if args.before:
    TOOLS.insert(1, ("apimigrate before this change", *apimigrate(args.before), args.before_runs))
# A peer given 0 runs is not run. With --readme, its rows of the README's previous
# table are kept, marked with the date they were recorded (a slow peer need not be run
# again for every change of apimigrate); otherwise it is left out (noted under the
# first table).
SKIPPED = [t[0] for t in TOOLS if t[3] == 0 and not t[0].startswith("apimigrate")]
TOOLS = [t for t in TOOLS if t[3] > 0]
START, END = "<!-- bench:monorepo -->\n", "<!-- /bench:monorepo -->"


def recorded_rows():
    """(table: 0 the tree, 1 the dense case; tool) -> that tool's row of the README's
    previous table, the tool marked as recorded on that run's date."""
    if not args.readme or not SKIPPED:
        return {}
    text = pathlib.Path(args.readme).read_text()
    if START not in text or END not in text:
        return {}
    block = text[text.index(START) + len(START):text.index(END)]
    date = re.search(r"run on (\d{4}-\d{2}-\d{2})", block)
    rows = {}
    for i, part in enumerate(block.split("Dense worst case")[:2]):
        for line in part.splitlines():
            for name in SKIPPED:
                if not line.startswith(f"| {name} "):
                    continue
                if "(recorded " not in line and date:
                    line = line.replace(f"| {name} ", f"| {name} (recorded {date.group(1)}) ", 1)
                rows[(i, name)] = line
    return rows


RECORDED = recorded_rows()
SKIPPED = [name for name in SKIPPED if not any(k[1] == name for k in RECORDED)]


LIMIT = 900  # seconds; a run that takes longer is stopped and reported as such


class TooSlow(Exception):
    pass


def timed(cmd):
    """One run: (wall s, cpu s, peak RSS MiB, stdout)."""
    try:
        r = subprocess.run(["/usr/bin/time", "-v", "-o", str(corpus / ".time"), *cmd], cwd=corpus,
                           stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
                           timeout=LIMIT)
    except subprocess.TimeoutExpired:
        raise TooSlow()
    text = (corpus / ".time").read_text()
    field = lambda name: re.search(re.escape(name) + r":\s*(\S+)", text).group(1)
    wall = field("Elapsed (wall clock) time (h:mm:ss or m:ss)").split(":")
    wall = sum(float(x) * 60 ** i for i, x in enumerate(reversed(wall)))
    cpu = float(field("User time (seconds)")) + float(field("System time (seconds)"))
    return wall, cpu, int(field("Maximum resident set size (kbytes)")) / 1024, r.stdout


def summary(rows):
    med = lambda i: statistics.median(r[i] for r in rows)
    return med(0), med(1), max(r[2] for r in rows), rows[-1][3]


def measure(cmd, runs):
    return summary([timed(cmd) for _ in range(runs)])


def measure_in_turns(tools, tree):
    """Every tool's runs on `tree`, in turns: one run of each tool, then the next
    round. A shared machine's speed drifts over minutes; in turns, the drift weighs
    on every tool alike instead of on whichever ran last. Returns, per tool name, its
    summary, or None when a run took too long."""
    rows = {name: [] for name, _, _, _ in tools}
    slow = set()
    for i in range(max((runs for *_, runs in tools), default=0)):
        for name, cmd, _, runs in tools:
            if i < runs and name not in slow:
                try:
                    rows[name].append(timed(cmd(tree)))
                except TooSlow:
                    slow.add(name)
    return {name: None if name in slow else summary(r) for name, r in rows.items() if r or name in slow}


def manifest(path, prefix=""):
    out = []
    for line in (corpus / path).read_text().splitlines():
        parts = line.split("\t")
        out.append((prefix + parts[0], parts[1] if len(parts) > 1 else None))
    return out


def recall(hits, planted, by_code):
    files = {h[0] for h in hits}
    if by_code:
        return sum((f, c) in hits for f, c in planted)
    return sum(f in files for f, _ in planted)


def tree_stats(tree):
    n = size = 0
    for root, _, files in os.walk(corpus / tree):
        for f in files:
            n += 1
            size += os.path.getsize(os.path.join(root, f))
    return n, size / 2 ** 20


def fmt(x, unit="s"):
    return f"{x:.2f} {unit}" if x < 10 else f"{x:.0f} {unit}"


(corpus / ".semgrepignore").write_text("# every file counts: no default ignores\n")
plants = manifest("base/plants/manifest.tsv", "base/")
decoys = [f for f, _ in manifest("base/decoys/manifest.tsv", "base/")]
dense = manifest("dense/manifest.tsv", "dense/")
lines = []
files, mib = tree_stats("base")
lines.append(f"Tree: {files:,} files, {mib:,.0f} MiB (installed npm packages and PyPI wheels, "
             f"{len(plants)} plants, {len(decoys)} decoys); {args.jobs} threads; "
             f"run on {time.strftime('%Y-%m-%d')} (load average {os.getloadavg()[0]:.1f} "
             f"on {os.cpu_count()} cores at the start).\n")
lines.append("| tool | runs | wall (median) | CPU (median) | peak RSS | plants found | decoy hits |")
lines.append("|---|---|---|---|---|---|---|")
base_times = {}
measured = measure_in_turns(TOOLS, "base")
for name, cmd, hits_of, runs in TOOLS:
    if name not in measured:
        continue
    if measured[name] is None:
        lines.append(f"| {name} | 1 | > {LIMIT} s (stopped) | | | | |")
        continue
    wall, cpu, rss, out = measured[name]
    hits = hits_of(out)
    found = recall(hits, plants, name.startswith("apimigrate"))
    bad = sum(any(h[0] == d for h in hits) for d in decoys)
    base_times[name] = (wall, cpu)
    lines.append(f"| {name} | {runs} | {fmt(wall)} | {fmt(cpu)} | {rss:.0f} MiB | "
                 f"{found}/{len(plants)} | {bad} |")
    print(lines[-1], flush=True)
lines.extend(row for (i, _), row in RECORDED.items() if i == 0)
rg = base_times["ripgrep (the rules' literals)"]
am = base_times["apimigrate"]
lines.append(f"\napimigrate / ripgrep: wall {am[0] / rg[0]:.1f}×, CPU {am[1] / rg[1]:.1f}×.\n")
before = base_times.get("apimigrate before this change")
if before:
    lines.append(f"apimigrate before / after this change: wall {before[0] / am[0]:.1f}×, "
                 f"CPU {before[1] / am[1]:.1f}×.\n")
if SKIPPED:
    lines.append(f"Not run this time: {', '.join(SKIPPED)}.\n")
files, mib = tree_stats("dense")
lines.append(f"Dense worst case: {files:,} files ({mib:.0f} MiB), ten vendor calls each, "
             "nothing prefiltered out.\n")
lines.append("| tool | runs | wall (median) | CPU (median) | peak RSS | files with a hit |")
lines.append("|---|---|---|---|---|---|")
for name, cmd, hits_of, runs in TOOLS:
    if "before" in name:
        continue
    try:
        wall, cpu, rss, out = measure(cmd("dense"), max(1, min(runs, 3)))
    except TooSlow:
        lines.append(f"| {name} | 1 | > {LIMIT} s (stopped) | | | |")
        continue
    found = recall(hits_of(out), dense, name.startswith("apimigrate"))
    label = f"{name} (`--format json`)" if name == "apimigrate" else name
    lines.append(f"| {label} | {max(1, min(runs, 3))} | {fmt(wall)} | {fmt(cpu)} | {rss:.0f} MiB | "
                 f"{found}/{len(dense)} |")
    print(lines[-1], flush=True)
    if name == "apimigrate":
        jsonl = lambda tree: [x if x != "json" else "json-lines" for x in cmd(tree)]
        wall, cpu, rss, out = measure(jsonl("dense"), max(1, min(runs, 3)))
        hits = {(f["path"], f["code"][:3]) for f in map(json.loads, out.splitlines()) if f}
        found = recall(hits, dense, True)
        lines.append(f"| {name} (`--format json-lines`) | {max(1, min(runs, 3))} | {fmt(wall)} | "
                     f"{fmt(cpu)} | {rss:.0f} MiB | {found}/{len(dense)} |")
        print(lines[-1], flush=True)
lines.extend(row for (i, _), row in RECORDED.items() if i == 1)
# Scaling: the tree copied (hard links) 2 and 4 times.
for k in (2, 4):
    d = corpus / f"x{k}"
    if not (d / ".complete").exists():
        shutil.rmtree(d, ignore_errors=True)
        d.mkdir()
        for i in range(k):
            subprocess.run(["cp", "-al", str(corpus / "base"), str(d / f"copy{i}")], check=True)
        (d / ".complete").touch()
lines.append("\nScaling (the tree copied 2 and 4 times; medians; deviation from linear = "
             "wall(k×) / (k · wall(1×)) − 1):\n")
lines.append("| tool | 1× | 2× | 4× | deviation at 2× | deviation at 4× |")
lines.append("|---|---|---|---|---|---|")
for name, cmd, _, runs in TOOLS[:1] + [t for t in TOOLS if t[0].startswith("ripgrep")]:
    t = [measure(cmd(tree), runs)[0] for tree in ("base", "x2", "x4")]
    lines.append(f"| {name} | {fmt(t[0])} | {fmt(t[1])} | {fmt(t[2])} | "
                 f"{t[1] / (2 * t[0]) - 1:+.0%} | {t[2] / (4 * t[0]) - 1:+.0%} |")
    print(lines[-1], flush=True)
text = "\n".join(lines) + "\n"
pathlib.Path(args.out).write_text(text)
if args.readme:
    readme = pathlib.Path(args.readme)
    r = readme.read_text()
    if START in r and END in r:
        r = r[: r.index(START) + len(START)] + text + r[r.index(END):]
        readme.write_text(r)
print(text)
