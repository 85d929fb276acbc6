"""The npm package `@opentelemetry/semantic-conventions`, read as data: one package
version per semantic-conventions release, generated from that release's model by weaver.

What it carries, per name: attributes (`ATTR_*`, template attributes as `(key) => string`
functions whose prefix the `.mjs` gives), enum members (`*_VALUE_*`, string or number,
tied to their attribute by the JSDoc's `{@link ATTR_*}`), metrics (`METRIC_*`) and events
(`EVENT_*`); stable (`dist/stable_*`) or not (`dist/experimental_*`, JSDoc `@experimental`:
development and release candidate alike); JSDoc `@deprecated` with its note, whose
"Replaced by `x`." names a replacement; briefs and notes. What it does not carry: types,
requirement levels, metric instruments or units, span and event groups, entities.

Read by otel-semconv/generate.py (`--npm-package`: a release from its package over the
previous release's model) and otel-semconv/compare-1.45/compare.py. No dependencies.
"""
import base64
import hashlib
import io
import os
import re
import subprocess
import sys
import tarfile

GENAI_PREFIXES = ("gen_ai.", "openai.", "mcp.")
STEMS = ("stable_attributes", "experimental_attributes", "stable_metrics",
         "experimental_metrics", "stable_events", "experimental_events")


DECL = re.compile(
    r"(?:/\*\*((?:(?!\*/).)*?)\*/\s*)?declare const ([A-Z][A-Z0-9_]*): "
    r"(\"[^\"]*\"|-?[0-9]+|\(key: string\) => string);", re.S)
TEMPLATE_IMPL = re.compile(r"const ([A-Z][A-Z0-9_]*) = \(key\) => `([^`$]*)\.\$\{key\}`;")
ENUM_OF = re.compile(r'Enum value .*? for attribute \{@link (ATTR_[A-Z0-9_]+)\}', re.S)
BOILER = re.compile(r"@experimental This \w+ is experimental.*?`@opentelemetry/semantic-conventions`\.")


def clean_doc(raw):
    lines = [re.sub(r"^\s*\* ?", "", l) for l in (raw or "").split("\n")]
    return "\n".join(lines).strip()


def replacement_of(text):
    """The name(s) a deprecation note points to, if it names any (`a | b` for a split)."""
    if not text:
        return None
    m = re.search(r"Moved to the \[([^\]]+)\]", text)
    if m:
        return f"moved: {m.group(1)}"
    if re.search(r"[Rr]eplaced by|[Uu]se |[Rr]enamed to|[Ss]plit (?:to|into)", text):
        names = list(dict.fromkeys(re.findall(r"`([a-z][a-z0-9_.]*)`", text)))
        return " | ".join(names) or None
    return None


def fetch_npm(version, into, extract=True):
    """`npm pack` of the package `version` into `into`: the extracted `package/` directory,
    or (extract=False) the tarball's path."""
    subprocess.run(["npm", "pack", f"@opentelemetry/semantic-conventions@{version}",
                    "--pack-destination", into], check=True, capture_output=True)
    tgz = os.path.join(into, f"opentelemetry-semantic-conventions-{version}.tgz")
    if not extract:
        return tgz
    dest = os.path.join(into, version)
    with tarfile.open(tgz) as t:
        t.extractall(dest)
    return os.path.join(dest, "package")


def package_files(source):
    """(read(path) -> text, integrity) of a package: `source` is its tarball (`npm pack`'s
    .tgz; integrity is npm's `dist.integrity` of it, `sha512-<base64>`) or its extracted
    `package/` directory (integrity None). Paths are relative to `package/`."""
    if os.path.isdir(source):
        def read(path):
            with open(os.path.join(source, path), encoding="utf-8") as f:
                return f.read()
        return read, None
    with open(source, "rb") as f:
        data = f.read()
    integrity = "sha512-" + base64.b64encode(hashlib.sha512(data).digest()).decode()
    with tarfile.open(fileobj=io.BytesIO(data)) as t:
        files = {m.name.split("/", 1)[1]: t.extractfile(m).read().decode("utf-8")
                 for m in t.getmembers() if m.isfile() and "/" in m.name}
    return files.__getitem__, integrity


def read_npm(pkg):
    """(version, {kind: {key: entry}}, problems) of the package `pkg` (see package_files),
    for kind attr, value, metric, event. An entry: name, const (the first), consts, stable,
    deprecated (the note or None), replacement, doc, template, int (a number member);
    values also attr."""
    read, _ = package_files(pkg)
    version = re.search(r'"version":\s*"([^"]+)"', read("package.json")).group(1)
    templates = {}
    for stem in ("stable_attributes", "experimental_attributes"):
        templates.update(dict(TEMPLATE_IMPL.findall(read(f"dist/{stem}.mjs"))))
    decls = []
    for stem in STEMS:
        text = read(f"dist/{stem}.d.mts")
        found = DECL.findall(text)
        if len(found) != text.count("declare const "):
            sys.exit(f"{version} {stem}: {text.count('declare const ')} declarations, {len(found)} parsed")
        for raw, const, rhs in found:
            doc = clean_doc(raw)
            if rhs.startswith('"'):
                value, template = rhs[1:-1], False
            elif not rhs.startswith("("):
                value, template = rhs, False  # an int enum member, kept as its text (int=True)
            else:
                if const not in templates:
                    sys.exit(f"{version}: template {const} without implementation")
                value, template = templates[const], True
            dep = re.search(r"@deprecated\s+(.*?)(?=\n@|\Z)", doc, re.S)
            dep = " ".join(dep.group(1).split()) if dep else None
            decls.append(dict(const=const, value=value, template=template, doc=doc,
                              int=rhs[0] not in '"(',
                              stable=stem.startswith("stable_"), deprecated=dep,
                              replacement=replacement_of(dep), file=stem,
                              experimental_tag="@experimental" in doc))
    attr_by_const = {d["const"]: d["value"] for d in decls if d["const"].startswith("ATTR_")}
    out = {"attr": {}, "value": {}, "metric": {}, "event": {}}
    problems = []
    for d in decls:
        c = d["const"]
        if c.startswith("ATTR_"):
            kind, key = "attr", d["value"]
        elif c.startswith("METRIC_"):
            kind, key = "metric", d["value"]
        elif c.startswith("EVENT_"):
            kind, key = "event", d["value"]
        elif "_VALUE_" in c:
            m = ENUM_OF.search(d["doc"])
            if not m or m.group(1) not in attr_by_const:
                problems.append(f"enum constant {c} names no known attribute")
                continue
            kind, key = "value", (attr_by_const[m.group(1)], d["value"])
            d["attr"] = key[0]
        else:
            problems.append(f"unclassified constant {c}")
            continue
        d["name"] = key
        if d["stable"] == d["experimental_tag"]:
            problems.append(f"{c}: in {d['file']} but @experimental={d['experimental_tag']}")
        if key in out[kind]:
            # Two constants for one value (a deprecated alias beside the current member):
            # the value is deprecated only when every constant for it is, stable when any is.
            prev = out[kind][key]
            prev["consts"].append(c)
            prev["stable"] = prev["stable"] or d["stable"]
            if not d["deprecated"]:
                prev["deprecated"] = prev["replacement"] = None
            continue
        d["consts"] = [c]
        out[kind][key] = d
    return version, out, problems


def short(text, n=110):
    text = " ".join((text or "").split())
    return text if len(text) <= n else text[: n - 1] + "…"


def stab(e):
    return "stable" if e["stable"] else "experimental"


def diff_npm(old, new):
    """[(kind, name, change, detail)] from `old` to `new`."""
    changes = []
    for kind in ("attr", "value", "metric", "event"):
        o, n = old[kind], new[kind]
        for key in sorted(set(o) | set(n), key=str):
            a, b = o.get(key), n.get(key)
            if a is None:
                detail = stab(b) + (", template" if b.get("template") else "")
                if b["deprecated"]:
                    detail += f", deprecated: {short(b['deprecated'])}"
                changes.append((kind, key, "added", detail))
                continue
            if b is None:
                changes.append((kind, key, "removed", f"was {stab(a)}"
                                + (", deprecated" if a["deprecated"] else "")))
                continue
            if not a["deprecated"] and b["deprecated"]:
                changes.append((kind, key, "deprecated",
                                f"replacement: {b['replacement'] or '-'}; note: {short(b['deprecated'])}"))
            elif a["deprecated"] and not b["deprecated"]:
                changes.append((kind, key, "undeprecated", f"was: {short(a['deprecated'])}"))
            elif a["deprecated"] and a["deprecated"] != b["deprecated"]:
                changes.append((kind, key, "deprecation-note",
                                f"{short(a['deprecated'], 60)} -> {short(b['deprecated'], 60)}"))
            if a["stable"] != b["stable"]:
                changes.append((kind, key, "stability", f"{stab(a)} -> {stab(b)}"))
            if a["template"] != b["template"]:
                changes.append((kind, key, "template", f"{a['template']} -> {b['template']}"))
            da, db = BOILER.sub("", a["doc"]), BOILER.sub("", b["doc"])
            if " ".join(da.split()) != " ".join(db.split()):
                changes.append((kind, key, "doc", "documentation text changed"))
    return changes
