#!/usr/bin/env python3
"""Editor latency of `apimigrate server`: the time from a didChange notification to
the publishDiagnostics that answers it, for 2,000-line documents.

Usage: bench/server_latency.py [--rounds N] [path/to/apimigrate ...]   (default:
target/release/apimigrate, built first). Speaks LSP over the server's stdio like an
editor: opens each document, then sends 50 full-text changes (each edits one line, so
every change is new text) and prints the median, 90th percentile and maximum wall time
in milliseconds, and the CPU time the server spent per change (from /proc, on Linux:
its total over the 50 changes, divided by 50; on a loaded machine the wall time
includes waiting for a core, the CPU time does not). Given several builds, it runs
them in turns, N rounds (default 1), so that the machine's drift falls on each alike.

Documents (2,000 lines each):
  typical  JavaScript: ordinary code with 20 deprecated calls spread through it
  dense    JavaScript: a deprecated call with a rewrite on every other line
  python   Python: ordinary code with 20 deprecated calls
"""
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
LINES = 2000
CHANGES = 50


def js_typical():
    out = ["const axios = require('axios');", "const BASE = 'https://community.acme.com';"]
    i = 0
    while len(out) < LINES:
        if i % 100 == 50:
            out.append(
                f"async function drop{i}(id, key) {{ await axios.delete(`${{BASE}}/api/2.0/users/${{id}}`, {{ headers: {{ 'li-api-session-key': key }} }}); }}"
            )
        else:
            out.append(f"function helper{i}(a, b) {{ const s = `${{a}}-${{b}}`; return s.length + {i}; }}")
        i += 1
    return "\n".join(out[:LINES]) + "\n"


def js_dense():
    out = ["const axios = require('axios');", "const BASE = 'https://community.acme.com';"]
    i = 0
    while len(out) < LINES:
        out.append(
            f"async function drop{i}(id, key) {{ await axios.delete(`${{BASE}}/api/2.0/users/${{id}}`, {{ headers: {{ 'li-api-session-key': key }} }}); }}"
        )
        out.append(f"// {i}")
        i += 1
    return "\n".join(out[:LINES]) + "\n"


def py_typical():
    out = ["import requests", 'BASE = "https://acme.360learning.com"']
    i = 0
    while len(out) < LINES:
        if i % 100 == 50:
            out.append(
                f"def drop{i}(uid): requests.delete(f\"{{BASE}}/api/v1/users/{{uid}}\", params={{'company': C, 'apiKey': K}})"
            )
        else:
            out.append(f"def helper{i}(a, b): return len(f'{{a}}-{{b}}') + {i}")
        i += 1
    return "\n".join(out[:LINES]) + "\n"


class Server:
    def __init__(self, binary, cwd):
        self.proc = subprocess.Popen(
            [binary, "server"], cwd=cwd, stdin=subprocess.PIPE, stdout=subprocess.PIPE
        )
        self.next_id = 1

    def send(self, msg):
        body = json.dumps(msg).encode()
        self.proc.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        self.proc.stdin.flush()

    def recv(self):
        length = None
        while True:
            line = self.proc.stdout.readline()
            if not line:
                raise SystemExit("the server closed its output")
            line = line.strip()
            if not line:
                break
            if line.lower().startswith(b"content-length:"):
                length = int(line.split(b":")[1])
        return json.loads(self.proc.stdout.read(length))

    def request(self, method, params):
        rid = self.next_id
        self.next_id += 1
        self.send({"jsonrpc": "2.0", "id": rid, "method": method, "params": params})
        while True:
            msg = self.recv()
            if msg.get("id") == rid:
                return msg.get("result")

    def notify(self, method, params):
        self.send({"jsonrpc": "2.0", "method": method, "params": params})

    def diagnostics(self, uri, version):
        while True:
            msg = self.recv()
            p = msg.get("params") or {}
            if msg.get("method") == "textDocument/publishDiagnostics" and p.get("uri") == uri and p.get("version") == version:
                return p["diagnostics"]


def cpu_ms(pid):
    """User + system CPU time of a process in milliseconds (Linux), else 0."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) * 1000 / os.sysconf("SC_CLK_TCK")
    except OSError:
        return 0.0


def measure(server, workdir, name, text, language):
    uri = "file://" + os.path.join(workdir, name)
    server.notify("textDocument/didOpen", {"textDocument": {"uri": uri, "languageId": language, "version": 1, "text": text}})
    first = server.diagnostics(uri, 1)
    lines = text.split("\n")
    times = []
    total_cpu = cpu_ms(server.proc.pid)
    for v in range(2, CHANGES + 2):
        # Edit a line in the middle, like typing.
        lines[LINES // 2] = lines[LINES // 2] + " "
        changed = "\n".join(lines)
        start = time.perf_counter()
        server.notify(
            "textDocument/didChange",
            {"textDocument": {"uri": uri, "version": v}, "contentChanges": [{"text": changed}]},
        )
        server.diagnostics(uri, v)
        times.append((time.perf_counter() - start) * 1000)
    total_cpu = cpu_ms(server.proc.pid) - total_cpu
    times.sort()
    p90 = times[int(len(times) * 0.9) - 1]
    print(
        f"{name:<12} {len(text.splitlines())} lines {len(first):>5} diagnostics   "
        f"median {statistics.median(times):6.1f} ms   p90 {p90:6.1f} ms   max {times[-1]:6.1f} ms   "
        f"cpu {total_cpu / CHANGES:6.1f} ms per change",
        flush=True,
    )


def run(binary):
    with tempfile.TemporaryDirectory() as work:
        server = Server(binary, work)
        server.request("initialize", {"processId": None, "rootUri": "file://" + work, "capabilities": {}})
        server.notify("initialized", {})
        measure(server, work, "typical.js", js_typical(), "javascript")
        measure(server, work, "dense.js", js_dense(), "javascript")
        measure(server, work, "typical.py", py_typical(), "python")
        server.request("shutdown", None)
        server.notify("exit", None)
        server.proc.wait(timeout=10)


def main():
    args = sys.argv[1:]
    rounds = 1
    if args[:1] == ["--rounds"]:
        rounds = int(args[1])
        args = args[2:]
    binaries = args or [os.path.join(ROOT, "target/release/apimigrate")]
    if not args:
        subprocess.run(["cargo", "build", "--release", "--quiet"], cwd=ROOT, check=True)
    for r in range(rounds):
        for binary in binaries:
            if len(binaries) > 1 or rounds > 1:
                print(f"== round {r + 1}: {binary}", flush=True)
            run(binary)


if __name__ == "__main__":
    main()
