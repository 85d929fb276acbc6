#!/usr/bin/env python3
"""Compare the semantic-convention names otel-kit emits with semantic conventions 1.45.0,
read from the npm package `@opentelemetry/semantic-conventions` (generated from the
conventions' model, one package version per conventions release), until the 1.45.0 model
can be read by otel-semconv/generate.py.

What it does
    1. Reads every attribute (templates included), enum member, metric and event name of
       the npm packages 1.44.0 and 1.45.0 (`dist/{stable,experimental}_*.d.mts`: stable vs
       incubating, JSDoc `@deprecated` with the replacement it names; template attributes'
       prefixes from the `.mjs`), and diffs 1.44.0 -> 1.45.0: otel-semconv/npm_package.py,
       the reader generate.py's `--npm-package` mode uses too.
    2. Finds the names the kit emits: the constants of otel-kit-semconv (`attribute`,
       `metric`, `event`, `resource`, `value`) referenced by the workspace's Rust code
       outside otel-semconv/ (imports, aliases such as `attribute as semconv`, nested use
       trees, `otel_kit::semconv`, and crate re-exports followed), resolved to their
       strings through otel-semconv/src/*.rs. A name counts as emitted when a crate's
       `src/` uses it outside `#[cfg(test)]` modules and `use` lines; tests, examples,
       perf, fuzz and integration uses are listed apart.
    3. Crosses the two: every change of 1.45.0 that touches an emitted name.
    4. Sanity check of the method: the 1.44.0 package against the kit's generated 1.44.0
       constants (the GenAI names, which the kit takes from 1.41.0, reported apart).
    5. Optionally (--repo), the requirement levels, which the npm package does not carry:
       the semantic-conventions snapshot's commits after v1.44.0 (1.45 development, not
       the release) against v1.44.0, read with generate.py's own model reader.

The npm package does not carry requirement levels, attribute types, metric instruments or
units, or the development / release-candidate distinction (both are "experimental").

Run (no cargo; reads only; writes into this directory)
    npm pack @opentelemetry/semantic-conventions@1.44.0   # and @1.45.0, then extract
    python3 otel-semconv/compare-1.45/compare.py \
        --old /tmp/semconv-npm/1.44.0/package --new /tmp/semconv-npm/1.45.0/package \
        [--repo /work/.mirror/open-telemetry+semantic-conventions/repo]
Without --old/--new it runs `npm pack` into a temporary directory itself.

Outputs (beside this script)
    report.md     the summary: counts, the changes that touch emitted names, the check
    changes.tsv   every 1.44.0 -> 1.45.0 change: kind name change detail emitted
    emitted.tsv   every emitted name: kind name constant 1.45-status sites
"""
import argparse
import collections
import os
import re
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
SEMCONV_SRC = os.path.join(ROOT, "otel-semconv", "src")
sys.dont_write_bytecode = True
sys.path.insert(0, os.path.join(ROOT, "otel-semconv"))
from npm_package import GENAI_PREFIXES, diff_npm, fetch_npm, read_npm, stab  # noqa: E402
KIT_PREFIXES = ("otel_kit.", "tokio.", "otel_genai.")


# ---------------------------------------------------------------------------------------
# The npm package: read by otel-semconv/npm_package.py (shared with generate.py's
# --npm-package mode)

# ---------------------------------------------------------------------------------------
# The kit's generated constants

CONST_DOC = re.compile(
    r"/// `([^`]+)`([^\n]*?)Stability: ([a-z_]+)\.\n((?:#\[[^\n]*\]\n)*)"
    r"pub const ([A-Z_][A-Z0-9_]*): &str =\s*(\"[^\"]*\");")
VALUE_MOD = re.compile(r"/// The values of `([^`]+)`\.\n(?:#\[[^\n]*\]\n)*pub mod ([a-z0-9_]+) \{(.*?)\n\}", re.S)
VALUE_CONST = re.compile(
    r"/// `([^`]*)`\. Stability: ([a-z_]+)\.\n((?:\s*#\[[^\n]*\]\n)*)\s*pub const ([A-Z_][A-Z0-9_]*): (?:&str|i64) = (\"[^\"]*\"|-?[0-9]+);")


def deprecation_of(attrs):
    m = re.search(r'#\[deprecated\(note = "semantic conventions: ([^"]*)"\)\]', attrs)
    return m.group(1) if m else None


def read_kit():
    """{module: {const: entry}} for attribute, metric, event; value: {(module, const): entry}."""
    kit = {}
    for module in ("attribute", "metric", "event"):
        with open(os.path.join(SEMCONV_SRC, module + ".rs"), encoding="utf-8") as f:
            text = f.read()
        entries = {}
        for name, desc, stability, attrs, const, value in CONST_DOC.findall(text):
            value = value[1:-1]
            if value != name:
                sys.exit(f"{module}::{const}: doc names {name}, value {value}")
            entry = dict(name=name, const=const, stability=stability,
                         deprecated=deprecation_of(attrs), desc=desc.strip(": ").strip())
            m = re.match(r"(\w+), unit `([^`]*)`", entry["desc"])
            if m:
                entry["instrument"], entry["unit"] = m.groups()
            entries[const] = entry
        declared = len(re.findall(r"^pub const ", text, re.M))
        if declared != len(entries):
            sys.exit(f"{module}.rs: {declared} constants, {len(entries)} parsed")
        kit[module] = entries
    with open(os.path.join(SEMCONV_SRC, "resource.rs"), encoding="utf-8") as f:
        kit["resource"] = {c: kit["attribute"][c] for c in
                           re.findall(r"pub use crate::attribute::([A-Z0-9_]+);", f.read())}
    values = {}
    with open(os.path.join(SEMCONV_SRC, "value.rs"), encoding="utf-8") as f:
        text = f.read()
    for attr, module, body in VALUE_MOD.findall(text):
        for member, stability, attrs, const, value in VALUE_CONST.findall(body):
            value = value[1:-1] if value.startswith('"') else value
            values[(module, const)] = dict(attr=attr, name=(attr, value), const=const,
                                           stability=stability, deprecated=deprecation_of(attrs))
    if len(re.findall(r"^\s+pub const ", text, re.M)) != len(values):
        sys.exit("value.rs: not every constant parsed")
    kit["value"] = values
    return kit


# ---------------------------------------------------------------------------------------
# The kit's uses of the constants

def strip_rust(text):
    """`text` with comments blanked and string contents blanked; and the string literals
    with their offsets."""
    out, strings, i, n = list(text), [], 0, len(text)

    def blank(a, b):
        for k in range(a, b):
            if out[k] != "\n":
                out[k] = " "

    while i < n:
        c = text[i]
        if text.startswith("//", i):
            j = text.find("\n", i)
            j = n if j < 0 else j
            blank(i, j)
            i = j
        elif text.startswith("/*", i):
            depth, j = 1, i + 2
            while j < n and depth:
                if text.startswith("/*", j):
                    depth, j = depth + 1, j + 2
                elif text.startswith("*/", j):
                    depth, j = depth - 1, j + 2
                else:
                    j += 1
            blank(i, j)
            i = j
        elif (m := re.compile(r'b?r(#*)"').match(text, i)) and (i == 0 or not (text[i - 1].isalnum() or text[i - 1] == "_")):
            end = '"' + m.group(1)
            j = text.find(end, m.end())
            j = n if j < 0 else j
            strings.append((m.end(), text[m.end():j]))
            blank(m.end(), j)
            i = j + len(end)
        elif c == '"':
            j = i + 1
            while j < n and text[j] != '"':
                j += 2 if text[j] == "\\" else 1
            strings.append((i + 1, text[i + 1:j]))
            blank(i + 1, j)
            i = j + 1
        elif c == "'" and (m := re.compile(r"'(\\u\{[0-9a-fA-F]+\}|\\.|[^\\'])'").match(text, i)):
            blank(i + 1, m.end() - 1)
            i = m.end()
        else:
            i += 1
    return "".join(out), strings


USE = re.compile(r"\b(pub(?:\s*\([^)]*\))?\s+)?use\s+([^;]+);")
PATH_TOKEN = re.compile(r"(?<![A-Za-z0-9_])((?:[A-Za-z_][A-Za-z0-9_]*\s*::\s*)*)([A-Z][A-Z0-9_]*[A-Z0-9])\b")


def parse_use_tree(text):
    """[(local name, [path segments])] of a use tree (`a::{b, c::{d as e}, f::*}`)."""
    text = re.sub(r"\s+", "", re.sub(r"\s+as\s+", "@", text)).lstrip(":")
    pos = 0

    def tree(prefix):
        nonlocal pos
        out = []
        segs = list(prefix)
        while True:
            m = re.compile(r"[A-Za-z_][A-Za-z0-9_]*|\*|\{").match(text, pos)
            if not m:
                raise ValueError(f"bad use tree at {text[pos:]!r}")
            tok = m.group(0)
            if tok == "{":
                pos += 1
                while text[pos] != "}":
                    out.extend(tree(segs))
                    if text[pos] == ",":
                        pos += 1
                pos += 1
                return out
            pos = m.end()
            if tok == "*":
                return out + [("*", segs + ["*"])]
            segs = segs + [tok]
            if text.startswith("::", pos):
                pos += 2
                continue
            if text.startswith("@", pos):
                pos += 1
                m2 = re.compile(r"[A-Za-z_][A-Za-z0-9_]*").match(text, pos)
                pos = m2.end()
                local = m2.group(0)
            else:
                local = tok
            if tok == "self":
                segs, local = segs[:-1], segs[-2]
            return out + [(local, segs)]

    return tree([])


def normalize(segs, crate):
    """Paths of otel-kit-semconv spelt otel_kit::semconv or crate::semconv (in otel-kit)."""
    if segs[:2] == ["otel_kit", "semconv"]:
        return ["otel_kit_semconv"] + segs[2:]
    if crate == "otel_kit" and segs[:2] == ["crate", "semconv"]:
        return ["otel_kit_semconv"] + segs[2:]
    if segs[:1] in (["crate"], ["self"], ["super"]):
        return [crate] + segs[1:]
    return segs


def cfg_test_spans(code):
    """(start, end) of `#[cfg(test)] mod x { ... }` blocks."""
    spans = []
    for m in re.finditer(r"#\[cfg\((?:test|all\(test\b[^\]]*)\)\]\s*(?:#\[[^\]]*\]\s*)*"
                         r"(?:pub(?:\([^)]*\))?\s+)?mod\s+\w+\s*\{", code):
        depth, j = 1, m.end()
        while j < len(code) and depth:
            depth += {"{": 1, "}": -1}.get(code[j], 0)
            j += 1
        spans.append((m.start(), j))
    return spans


def category(rel):
    parts = rel.split("/")
    if parts[0] in ("examples", "perf", "fuzz", "integration"):
        return parts[0]
    if "tests" in parts or "benches" in parts:
        return "tests"
    return "kit" if "src" in parts else "other"


def crate_ident(rel):
    """The crate a file belongs to, as Rust spells it (`otel_kit_genai`)."""
    d = os.path.join(ROOT, rel.split("/src/")[0] if "/src/" in rel else os.path.dirname(rel))
    while d.startswith(ROOT):
        cargo = os.path.join(d, "Cargo.toml")
        if os.path.exists(cargo):
            m = re.search(r'^name\s*=\s*"([^"]+)"', open(cargo, encoding="utf-8").read(), re.M)
            if m:
                return m.group(1).replace("-", "_")
        d = os.path.dirname(d)
    return "?"


def rust_files():
    for base, dirs, files in os.walk(ROOT):
        rel_base = os.path.relpath(base, ROOT)
        dirs[:] = [d for d in dirs if not d.startswith(".") and d != "target"
                   and not (rel_base == "." and d == "otel-semconv")]
        for f in files:
            if f.endswith(".rs"):
                yield os.path.relpath(os.path.join(base, f), ROOT).replace(os.sep, "/")


def module_key(rel, crate):
    stem = os.path.splitext(os.path.basename(rel))[0]
    if stem in ("lib", "main"):
        return crate
    if stem == "mod":
        return os.path.basename(os.path.dirname(rel))
    return stem


def scan_uses(kit):
    """[(kind, const key, file, line, category)] of the constants the workspace references."""
    files = {}
    reexports = {}  # (module key, name) -> semconv path
    for rel in rust_files():
        with open(os.path.join(ROOT, rel), encoding="utf-8") as f:
            text = f.read()
        code, strings = strip_rust(text)
        crate = crate_ident(rel)
        uses, use_spans = [], []
        for m in USE.finditer(code):
            try:
                tree = parse_use_tree(m.group(2))
            except (ValueError, IndexError, AttributeError):
                continue
            use_spans.append((m.start(), m.end()))
            for local, segs in tree:
                segs = normalize(segs, crate)
                uses.append((local, segs))
                if m.group(1) and segs[0] == "otel_kit_semconv" and local != "*":
                    reexports[(module_key(rel, crate), local)] = segs
        files[rel] = (text, code, strings, crate, uses, use_spans)

    refs = []
    for rel, (text, code, strings, crate, uses, use_spans) in files.items():
        local = {name: segs for name, segs in uses if name != "*"}
        globs = [segs[:-1] for name, segs in uses if name == "*"]
        tests = cfg_test_spans(code)
        base_cat = category(rel)
        for m in PATH_TOKEN.finditer(code):
            if any(a <= m.start() < b for a, b in use_spans):
                continue
            prefix = [s.strip() for s in m.group(1).split("::") if s.strip()]
            name = m.group(2)
            if prefix:
                head = local.get(prefix[0], [prefix[0]])
                segs = normalize(head + prefix[1:] + [name], crate)
            elif name in local:
                segs = local[name]
            else:
                segs = next((g + [name] for g in globs if resolve(g + [name], kit)), None)
                if segs is None:
                    continue
            key = resolve(segs, kit) or resolve(reexports.get(tuple(segs[-2:])) or [], kit)
            if key is None and len(segs) >= 2:
                key = resolve(reexports.get((segs[-2], segs[-1])) or [], kit)
            if key is None:
                continue
            cat = "tests" if base_cat == "kit" and any(a <= m.start() < b for a, b in tests) else base_cat
            line = code.count("\n", 0, m.start()) + 1
            refs.append((key[0], key[1], rel, line, cat))
    return refs, files


def resolve(segs, kit):
    """(kind, key) of a path into otel-kit-semconv, or None."""
    if len(segs) < 3 or segs[0] != "otel_kit_semconv":
        return None
    module = segs[1]
    if module in ("attribute", "resource") and len(segs) == 3 and segs[2] in kit["attribute"]:
        return ("attribute", segs[2])
    if module in ("metric", "event") and len(segs) == 3 and segs[2] in kit[module]:
        return (module, segs[2])
    if module == "value" and len(segs) == 4 and (segs[2], segs[3]) in kit["value"]:
        return ("value", (segs[2], segs[3]))
    if module == "kit":
        return ("kit", "::".join(segs[2:]))
    return None


# ---------------------------------------------------------------------------------------
# The model snapshot (requirement levels)

def snapshot_requirements(repo, emitted_metrics, emitted_attrs):
    import generate  # noqa: E402  (its model reader; main() is not run)

    def load(rev):
        model = generate.Model()
        sha = model.load_git(repo, rev, lambda d: d not in generate.GENAI_DIRS)
        groups = {(kind, key): (group, attrs) for kind, key, group, attrs in generate.exported_groups(model)}
        return sha, model, groups

    sha_a, model_a, a = load("v1.44.0")
    sha_b, model_b, b = load("HEAD")
    log = subprocess.run(["git", "--git-dir", repo, "log", "--oneline", "v1.44.0..HEAD"],
                         capture_output=True, text=True, check=True).stdout.strip().split("\n")
    date = subprocess.run(["git", "--git-dir", repo, "log", "-1", "--format=%cs", "HEAD"],
                          capture_output=True, text=True, check=True).stdout.strip()
    rows = []
    for gk in sorted(set(a) | set(b)):
        kind, key = gk
        ra = a.get(gk, (None, {}))[1]
        rb = b.get(gk, (None, {}))[1]
        for attr in sorted(set(ra) | set(rb)):
            la, lb = ra.get(attr, "-"), rb.get(attr, "-")
            if la == lb:
                continue
            touches = (kind == "metric" and key in emitted_metrics) or attr in emitted_attrs
            rows.append((kind, key, attr, la, lb, touches))
    stab = []
    for name in sorted(emitted_attrs):
        x, y = model_a.attrs.get(name), model_b.attrs.get(name)
        if x and y and (x.get("stability"), generate.deprecation(x.get("deprecated"))) != \
                (y.get("stability"), generate.deprecation(y.get("deprecated"))):
            stab.append(("attribute", name, f"{x.get('stability')} {generate.deprecation(x.get('deprecated'))}",
                         f"{y.get('stability')} {generate.deprecation(y.get('deprecated'))}"))
    for name in sorted(emitted_metrics):
        x, y = a.get(("metric", name), (None,))[0], b.get(("metric", name), (None,))[0]
        if x and y:
            fx = (x.get("stability"), x.get("instrument"), x.get("unit"), generate.deprecation(x.get("deprecated")))
            fy = (y.get("stability"), y.get("instrument"), y.get("unit"), generate.deprecation(y.get("deprecated")))
            if fx != fy:
                stab.append(("metric", name, " ".join(map(str, fx)), " ".join(map(str, fy))))
    return dict(sha_a=sha_a, sha_b=sha_b, date=date, commits=log, rows=rows, facts=stab)


# ---------------------------------------------------------------------------------------

def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--old", help="extracted npm package 1.44.0 (its package/ directory)")
    parser.add_argument("--new", help="extracted npm package 1.45.0")
    parser.add_argument("--repo", help="a clone of open-telemetry/semantic-conventions (optional)")
    parser.add_argument("--out", default=HERE)
    args = parser.parse_args()
    if not (args.old and args.new):
        tmp = tempfile.mkdtemp(prefix="semconv-npm-")
        args.old, args.new = args.old or fetch_npm("1.44.0", tmp), args.new or fetch_npm("1.45.0", tmp)

    v_old, old, probs_old = read_npm(args.old)
    v_new, new, probs_new = read_npm(args.new)
    changes = diff_npm(old, new)
    kit = read_kit()
    refs, files = scan_uses(kit)

    # The names the kit emits, with their call sites.
    def name_of(kind, key):
        return kit["value"][key]["name"] if kind == "value" else kit[kind][key]["name"]

    sites = collections.defaultdict(lambda: collections.defaultdict(list))
    for kind, key, rel, line, cat in refs:
        if kind == "kit":
            continue
        sites[(kind, key)][cat].append(f"{rel}:{line}")
    emitted = {k: v for k, v in sites.items() if v.get("kit")}
    npm_kind = {"attribute": "attr", "metric": "metric", "event": "event", "value": "value"}
    emitted_names = {(npm_kind[kind], name_of(kind, key)): (kind, key) for kind, key in emitted}
    other_names = {(npm_kind[kind], name_of(kind, key)): (kind, key) for kind, key in sites
                   if (kind, key) not in emitted}

    # Changes that touch an emitted name: the name itself, an enum member of an emitted
    # attribute (added members too), or a name an emitted one is now replaced by.
    emitted_attr_names = {n for k, n in emitted_names if k == "attr"}
    touching = []
    for kind, key, change, detail in changes:
        if (kind, key) in emitted_names:
            touching.append((kind, key, change, detail, "emitted"))
        elif kind == "value" and key[0] in emitted_attr_names and change != "doc":
            touching.append((kind, key, change, detail, "member of an emitted attribute"))
        elif (kind, key) in other_names and change != "doc":
            touching.append((kind, key, change, detail, "referenced by tests/examples only"))
    replaced_by = {(k, n): new[k][n]["replacement"] for k, n in emitted_names
                   if n in new[k] and new[k][n]["deprecated"]}

    # String literals in the kit's code that spell a name 1.45.0 deprecates, removes or
    # changes the stability of (hand-typed names the constant scan cannot see).
    affected = {key for kind, key, change, _ in changes
                if kind in ("attr", "metric", "event") and change in ("deprecated", "removed", "stability")}
    literals = []
    for rel, (text, code, strings, crate, uses, use_spans) in files.items():
        if category(rel) != "kit":
            continue
        tests = cfg_test_spans(code)
        for offset, lit in strings:
            if lit in affected:
                cat = "tests" if any(a <= offset < b for a, b in tests) else "kit"
                literals.append((lit, f"{rel}:{text.count(chr(10), 0, offset) + 1}", cat))

    # Sanity check: the 1.44.0 package against the kit's 1.44.0 constants.
    def kit_set(module):
        return {e["name"]: e for e in kit[module].values()}
    check = {}
    for kind, module in (("attr", "attribute"), ("metric", "metric"), ("event", "event")):
        k = kit_set(module)
        n = old[kind]
        genai = lambda s: s.startswith(GENAI_PREFIXES)
        only_kit = sorted(s for s in set(k) - set(n) if not genai(s))
        only_npm = sorted(s for s in set(n) - set(k) if not genai(s))
        both = [s for s in set(k) & set(n) if not genai(s)]
        stab_diff = sorted(s for s in both if (k[s]["stability"] == "stable") != n[s]["stable"])
        dep_diff = sorted(s for s in both if bool(k[s]["deprecated"]) != bool(n[s]["deprecated"]))
        ren_diff = sorted(s for s in both if k[s]["deprecated"] and n[s]["replacement"]
                          and k[s]["deprecated"].startswith("renamed to")
                          and k[s]["deprecated"] != f"renamed to `{n[s]['replacement']}`")
        g_kit = {s for s in k if genai(s)}
        g_npm = {s for s in n if genai(s)}
        check[kind] = dict(kit=len(k), npm=len(n), both=len(both), only_kit=only_kit,
                           only_npm=only_npm, stability=stab_diff, deprecation=dep_diff,
                           renamed_to=ren_diff, genai_kit=len(g_kit), genai_npm=len(g_npm),
                           genai_npm_deprecated=sum(1 for s in g_npm if n[s]["deprecated"]),
                           genai_only_kit=sorted(g_kit - g_npm), genai_only_npm=sorted(g_npm - g_kit))
    kv = {e["name"]: e for e in kit["value"].values()}
    nv = old["value"]
    genai_v = lambda key: key[0].startswith(GENAI_PREFIXES)
    check["value"] = dict(
        kit=len(kv), npm=len(nv),
        both=sum(1 for s in set(kv) & set(nv) if not genai_v(s)),
        only_kit=sorted(s for s in set(kv) - set(nv) if not genai_v(s)),
        only_npm=sorted(s for s in set(nv) - set(kv) if not genai_v(s)),
        stability=sorted(s for s in set(kv) & set(nv) if not genai_v(s)
                         and (kv[s]["stability"] == "stable") != nv[s]["stable"]),
        deprecation=sorted(s for s in set(kv) & set(nv) if not genai_v(s)
                           and bool(kv[s]["deprecated"]) != bool(nv[s]["deprecated"])),
        renamed_to=[])

    snap = None
    if args.repo:
        snap = snapshot_requirements(args.repo, {n for k, n in emitted_names if k == "metric"},
                                     emitted_attr_names)

    write_outputs(args, v_old, v_new, old, new, changes, kit, emitted, sites, emitted_names,
                  touching, replaced_by, check, snap, probs_old + probs_new, name_of, literals)


def fmt_name(key):
    return f"{key[0]}={key[1]}" if isinstance(key, tuple) else key


def write_outputs(args, v_old, v_new, old, new, changes, kit, emitted, sites, emitted_names,
                  touching, replaced_by, check, snap, problems, name_of, literals):
    counts = collections.Counter((k, c) for k, _, c, _ in changes)
    with open(os.path.join(args.out, "changes.tsv"), "w", encoding="utf-8") as f:
        f.write(f"# npm @opentelemetry/semantic-conventions {v_old} -> {v_new}; written by compare.py\n")
        f.write("kind\tname\tchange\tdetail\temitted_by_kit\n")
        for kind, key, change, detail in changes:
            f.write(f"{kind}\t{fmt_name(key)}\t{change}\t{detail}\t"
                    f"{'yes' if (kind, key) in emitted_names else '-'}\n")
    with open(os.path.join(args.out, "emitted.tsv"), "w", encoding="utf-8") as f:
        f.write(f"# names the kit's crates emit (src/, outside #[cfg(test)]); status in npm {v_new}\n")
        f.write("kind\tname\tconstant\tin_1.45\tstability_1.45\tdeprecated_1.45\tsites\n")
        for (nk, name), (kind, key) in sorted(emitted_names.items(), key=lambda x: (x[0][0], str(x[0][1]))):
            e = new[nk].get(name)
            const = f"value::{key[0]}::{key[1]}" if kind == "value" else f"{kind}::{key}"
            f.write(f"{nk}\t{fmt_name(name)}\t{const}\t{'yes' if e else 'no'}\t"
                    f"{stab(e) if e else '-'}\t{(e['deprecated'] or '-') if e else '-'}\t"
                    f"{' '.join(sites[(kind, key)]['kit'])}\n")

    L = []
    w = L.append
    w(f"# Semantic conventions {v_old} -> {v_new}: the names otel-kit emits\n")
    w(f"Written by `otel-semconv/compare-1.45/compare.py` from the npm package "
      f"`@opentelemetry/semantic-conventions` {v_old} and {v_new}. Requirement levels, "
      f"attribute types, metric instruments and units, and development vs release candidate "
      f"are not in the package.\n")
    w("## Counts of changes, whole registry\n")
    w("| kind | " + " | ".join(c for c in ("added", "removed", "deprecated", "undeprecated",
                                            "deprecation-note", "stability", "template", "doc")) + " |")
    w("|---" * 9 + "|")
    for kind in ("attr", "value", "metric", "event"):
        w(f"| {kind} | " + " | ".join(str(counts.get((kind, c), 0)) for c in (
            "added", "removed", "deprecated", "undeprecated", "deprecation-note", "stability",
            "template", "doc")) + " |")
    w("")
    w(f"Names in {v_old}: " + ", ".join(f"{k} {len(old[k])}" for k in old)
      + f"; in {v_new}: " + ", ".join(f"{k} {len(new[k])}" for k in new) + ".\n")
    nk = collections.Counter(k for k, _ in emitted_names)
    w(f"## Names the kit emits: {len(emitted_names)} "
      f"({', '.join(f'{k} {v}' for k, v in sorted(nk.items()))})\n")
    w("Every otel-kit-semconv constant a crate's `src/` uses outside `#[cfg(test)]`: the names "
      "the kit sets, and the few it only reads (otel-console's renderer, the redaction "
      "processor's key lists, the X-Ray sampling rule matcher, otel-testing).\n")
    missing = [(k, n) for k, n in emitted_names if n not in new[k]]
    w(f"Absent from {v_new}: {len(missing)} " + (", ".join(fmt_name(n) for _, n in missing) or "") + "\n")
    w("## Changes that touch them\n")
    w("| kind | name | change | detail | why listed | kit call sites |")
    w("|---|---|---|---|---|---|")
    for kind, key, change, detail, why in touching:
        ck = emitted_names.get((kind, key))
        where = " ".join(sites[ck]["kit"][:4]) + (" …" if ck and len(sites[ck]["kit"]) > 4 else "") if ck else "-"
        w(f"| {kind} | `{fmt_name(key)}` | {change} | {detail} | {why} | {where} |")
    w("")
    for title, newly in ((f"### Emitted names newly deprecated in {v_new}", True),
                         (f"### Emitted names already deprecated in {v_old} (still deprecated)", False)):
        w(title + "\n")
        for (k, n), repl in sorted(replaced_by.items(), key=str):
            if bool(old[k][n]["deprecated"]) == newly:
                continue
            ck = emitted_names[(k, n)]
            repls = repl.split(" | ") if repl and not repl.startswith("moved") else []
            w(f"- {k} `{fmt_name(n)}` ({ck[0]}::{ck[1]}): replacement: {repl or 'none named'}"
              + "".join(f"; `{r}` in {v_new}: " + (stab(new[k][r]) if r in new[k] else "absent")
                        for r in repls))
            w(f"  - call sites: {', '.join(sites[ck]['kit'])}")
            for cat, where in sites[ck].items():
                if cat != "kit":
                    w(f"  - {cat}: {', '.join(where)}")
        w("")
    w(f"### String literals in the kit's crates spelling a name {v_new} deprecates, removes or re-stabilizes\n")
    for lit, where, cat in sorted(literals):
        w(f"- `{lit}` at {where}" + (" (test module)" if cat == "tests" else ""))
    w("")
    w(f"## Sanity check: npm {v_old} against the kit's generated constants\n")
    w("| kind | kit | npm | in both (non-GenAI) | only kit | only npm | stability differs | deprecation differs | rename target differs | GenAI kit / npm (npm deprecated) |")
    w("|---|---|---|---|---|---|---|---|---|---|")
    for kind, c in check.items():
        w(f"| {kind} | {c['kit']} | {c['npm']} | {c['both']} | {len(c['only_kit'])} | {len(c['only_npm'])} | "
          f"{len(c['stability'])} | {len(c['deprecation'])} | {len(c['renamed_to'])} | "
          + (f"{c['genai_kit']} / {c['genai_npm']} ({c['genai_npm_deprecated']})" if "genai_kit" in c else "-") + " |")
    w("")
    for kind, c in check.items():
        for label in ("only_kit", "only_npm", "stability", "deprecation", "renamed_to", "genai_only_kit", "genai_only_npm"):
            items = c.get(label) or []
            if items:
                w(f"- {kind} {label} ({len(items)}): " + ", ".join(f"`{fmt_name(s)}`" for s in items[:12])
                  + (" …" if len(items) > 12 else ""))
    if problems:
        w("\nParser notes: " + "; ".join(problems[:10]))
    if snap:
        w(f"\n## Requirement levels: the model snapshot after v1.44.0 (1.45 development, not the release)\n")
        w(f"open-telemetry/semantic-conventions v1.44.0 ({snap['sha_a'][:9]}) against HEAD "
          f"({snap['sha_b'][:9]}, {snap['date']}, {len(snap['commits'])} commits, schema "
          f"`1.45.0-unreleased`), read with generate.py's model reader. Rows touching the kit's "
          f"emitted metrics or attributes are marked.\n")
        w("| group kind | group | attribute | v1.44.0 | HEAD | touches the kit |")
        w("|---|---|---|---|---|---|")
        for kind, key, attr, la, lb, t in snap["rows"]:
            w(f"| {kind} | `{key}` | `{attr}` | {la} | {lb} | {'**yes**' if t else '-'} |")
        w("\nFacts of emitted names that differ between v1.44.0 and HEAD (stability, deprecation; metrics also instrument and unit):\n")
        for kind, name, x, y in snap["facts"]:
            w(f"- {kind} `{name}`: {x} -> {y}")
    text = "\n".join(L) + "\n"
    with open(os.path.join(args.out, "report.md"), "w", encoding="utf-8") as f:
        f.write(text)
    print(text)


if __name__ == "__main__":
    main()
