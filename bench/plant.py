"""Writes the benchmark's plants, decoys and dense tree (nothing of it is committed).

plant.py BASE DENSE
  BASE/plants/  one file per deprecated call: every `invalid` example of the rule packs
                (rules/*.toml) plus one hand-written call per vendor and language;
                BASE/plants/manifest.tsv lists each file with its vendor's code prefix.
  BASE/decoys/  look-alike APIs and vendor prose that must stay silent;
                BASE/decoys/manifest.tsv lists them.
  DENSE/        the worst case: 3,000 vendor-heavy files, none of which the literal
                scan can skip; DENSE/manifest.tsv lists them.
"""
import json
import os
import pathlib
import shutil
import sys
import tomllib

ROOT = pathlib.Path(__file__).resolve().parent.parent
base, dense = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2])
EXT = {"js": "js", "ts": "ts", "py": "py", "rs": "rs", "sh": "sh", "md": "md", "http": "http"}
PREFIX = {"aurora": "AUR", "learning360": "LRN", "janrain": "JAN", "rsa": "RSA", "common": "API"}

URLS = {
    "aurora": ("DELETE", "https://community.khoros.com/api/2.0/users/{id}", None),
    "learning360": ("DELETE", "https://app.360learning.com/api/v1/users/{id}", None),
    "rsa": ("PUT", "https://acme.access.securid.com/AdminInterface/restapi/v1/users/{id}/markDeleted",
            '{"markDeleted": "true"}'),
    "janrain": ("POST", "https://acme.us.janraincapture.com/entity.delete", None),
}


def handwritten(vendor):
    """One deprecated call of `vendor` per language: {ext: text}."""
    method, url, body = URLS[vendor]
    js_url = url.replace("{id}", "${id}")
    py_url = url  # f-string
    sh_url = url.replace("{id}", "$USER_ID")
    out = {}
    if vendor == "janrain":
        out["js"] = ("export async function purge(id, attr) {\n"
                     f"  await fetch('{url}', {{ method: 'POST', body: new URLSearchParams({{ type_name: 'user', uuid: id, attribute_name: attr }}) }});\n}}\n")
        out["py"] = ("import requests\n\ndef purge(uid, attr):\n"
                     f"    requests.post('{url}', data={{'type_name': 'user', 'uuid': uid, 'attribute_name': attr}})\n")
        out["sh"] = f'#!/bin/bash\ncurl -X POST "{url}" -d type_name=user -d uuid="$UUID" -d attribute_name="$ATTR"\n'
        out["md"] = f'# Purge\n\n```sh\ncurl -X POST "{url}" -d type_name=user -d uuid="$UUID" -d attribute_name="$ATTR"\n```\n'
        out["http"] = f"POST {url}\nContent-Type: application/x-www-form-urlencoded\n\ntype_name=user&uuid={{{{uuid}}}}&attribute_name={{{{attr}}}}\n"
        out["rs"] = ("pub fn purge(c: &reqwest::blocking::Client, uuid: &str, attr: &str) -> reqwest::Result<()> {\n"
                     f"    c.post(\"{url}\").form(&[(\"type_name\", \"user\"), (\"uuid\", uuid), (\"attribute_name\", attr)]).send()?;\n    Ok(())\n}}\n")
        return out
    b = f", body: '{body}', headers: {{ 'Content-Type': 'application/json' }}" if body else ""
    out["js"] = f"export async function offboard(id) {{\n  await fetch(`{js_url}`, {{ method: '{method}'{b} }});\n}}\n"
    out["ts"] = ("import axios from 'axios';\n\nexport async function offboard(id: string): Promise<void> {\n"
                 + (f"  await axios.put(`{js_url}`, {body});\n" if body else f"  await axios.delete(`{js_url}`);\n") + "}\n")
    pb = f", data='{body}', headers={{'Content-Type': 'application/json'}}" if body else ""
    out["py"] = f"import requests\n\ndef offboard(id):\n    requests.{method.lower()}(f\"{py_url}\"{pb})\n"
    sb = f" -H 'Content-Type: application/json' -d '{body}'" if body else ""
    out["sh"] = f'#!/bin/bash\ncurl -X {method} "{sh_url}"{sb}\n'
    out["md"] = f'# Offboarding\n\n```bash\ncurl -X {method} "{sh_url}"{sb}\n```\n'
    hb = f"\nContent-Type: application/json\n\n{body}" if body else ""
    out["http"] = f"{method} {url.replace('{id}', '{{userId}}')}{hb}\n"
    rb = f".header(\"Content-Type\", \"application/json\").body(r#\"{body}\"#)" if body else ""
    out["rs"] = ("pub fn offboard(c: &reqwest::blocking::Client, id: &str) -> reqwest::Result<()> {\n"
                 f"    c.{method.lower()}(format!(\"{url}\")){rb}.send()?;\n    Ok(())\n}}\n")
    return out


def postman(vendor):
    method, url, body = URLS[vendor]
    raw = url.replace("{id}", "{{userId}}")
    req = {"method": method, "header": [], "url": {"raw": raw}}
    if vendor == "janrain":
        req["body"] = {"mode": "urlencoded", "urlencoded": [
            {"key": "type_name", "value": "user"}, {"key": "uuid", "value": "{{uuid}}"},
            {"key": "attribute_name", "value": "{{attr}}"}]}
    elif body:
        req["header"] = [{"key": "Content-Type", "value": "application/json"}]
        req["body"] = {"mode": "raw", "raw": body}
    return json.dumps({"info": {"name": f"{vendor} offboarding",
                                "schema": "https://schema.getpostman.com/json/collection/v2.1.0/collection.json"},
                       "item": [{"name": "offboard", "request": req}]}, indent=2) + "\n"


DECOYS = {
    "bitbucket.js": "await fetch(`https://api.bitbucket.org/api/2.0/users/${id}`, { method: 'DELETE' });\n",
    "okta.py": "import requests\nrequests.delete(f'https://acme.okta.com/api/v1/users/{uid}', headers={'Authorization': f'SSWS {token}'})\n",
    "bitrix.js": "await rpc.callMethod('entity.delete', { ENTITY: 'menu', ID: id });\n",
    "openfire.sh": '#!/bin/sh\ncurl -X DELETE "http://localhost:9090/plugins/restapi/v1/users/$USER"\n',
    "maas.py": "client.delete(f'http://maas:5240/MAAS/api/2.0/users/{name}/')\n",
    "prose.md": "# Contributing\n\nWe moved off Khoros and Janrain last year.\n\n```bash\ncd <repo-root>\nmake test\n```\n",
    "gallery.jsx": 'export const G = () => <img src="https://x/y.jpg?w=1&h=2" alt="community" />;\n',
    "mock_test.py": ("from unittest import mock\n\ndef test_delete(api):\n"
                     "    api.call.assert_has_calls([mock.call('entity.delete', uuid='u1')])\n"),
    "jsonrpc.js": "await rpc.call('entity.delete', { id });\n",
    "placeholder.js": "const LRN_API_KEY = 'YOUR_360LEARNING_APIKEY'; // see docs\n",
    "lithium.py": "ELEMENTS = {'lithium': 3, 'sodium': 11}  # not Khoros's old name\n",
}


def write(path, text):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)


def main():
    plants = base / "plants"
    decoys = base / "decoys"
    for d in (plants, decoys, dense):
        shutil.rmtree(d, ignore_errors=True)
    manifest = []
    for f in sorted((ROOT / "rules").glob("*.toml")):
        pack = tomllib.loads(f.read_text())
        vendor = pack["vendor"]["id"]
        for rule in pack.get("rule", []):
            for n, ex in enumerate(rule.get("examples", [])):
                if "invalid" not in ex or "config" in ex or rule["code"] == "API003":
                    continue
                lang = ex.get("lang", "js")
                rel = f"plants/examples/{vendor}/{rule['code']}_{n}.{EXT[lang]}"
                write(base / rel, ex["invalid"])
                manifest.append((rel, PREFIX[vendor]))
    for vendor in URLS:
        for ext, text in handwritten(vendor).items():
            rel = f"plants/handwritten/{vendor}/offboard.{ext}"
            write(base / rel, text)
            manifest.append((rel, PREFIX[vendor]))
        rel = f"plants/handwritten/{vendor}/offboard.postman_collection.json"
        write(base / rel, postman(vendor))
        manifest.append((rel, PREFIX[vendor]))
    write(plants / "manifest.tsv", "".join(f"{p}\t{c}\n" for p, c in manifest))
    for name, text in DECOYS.items():
        write(decoys / name, text)
    write(decoys / "manifest.tsv", "".join(f"decoys/{n}\n" for n in DECOYS))
    # Dense: every file holds vendor literals and rule literals in several calls.
    dense_manifest = []
    vendors = list(URLS)
    for i in range(3000):
        vendor = vendors[i % 4]
        kind = ["js", "py", "sh", "ts", "md"][i % 5]
        texts = handwritten(vendor)
        body = texts.get(kind) or texts["js"]
        ext = kind if kind in texts else "js"
        # Ten calls per file, each in its own function/paragraph.
        if ext in ("js", "ts"):
            text = "".join(body.replace("offboard(", f"offboard{k}(").replace("purge(", f"purge{k}(")
                           for k in range(10))
        elif ext == "py":
            head, _, fn = body.partition("\n\n")
            text = head + "\n\n" + "\n".join(fn.replace("def offboard(", f"def offboard{k}(")
                                             .replace("def purge(", f"def purge{k}(") for k in range(10))
        else:
            text = body + body.split("\n", 1)[1] * 9 if ext == "sh" else body * 10
        rel = f"team{i % 30:02d}/svc{i:04d}/offboard.{ext}"
        write(dense / rel, text)
        dense_manifest.append((rel, PREFIX[vendor]))
    write(dense / "manifest.tsv", "".join(f"{p}\t{c}\n" for p, c in dense_manifest))
    print(f"{len(manifest)} plants, {len(DECOYS)} decoys, {len(dense_manifest)} dense files")


main()
