#!/usr/bin/env python3
"""Finds import cycles between the source files of each library crate.

A file depends on another when it names an item defined there: through `use` (followed
through re-exports and private imports, as Rust resolves them) or through an inline
`crate::`, `super::` or `self::` path. It also depends on every file but the crate root
whose re-export (or import) the path passes through on its way there: a module that
re-exports an item and a module that imports through that re-export depend on each other
as much as on the definition, so a cycle through a re-export is a cycle. Declaring a child (`mod child;`)
is not a dependency. Test code (`#[cfg(test)]` modules, `tests.rs`) is left out.

Usage: module_cycles.py [CRATE_DIR ...]   (default: every otel-* crate)
Exit status 1 when a cycle is found, listing each as its files.
"""

import os
import re
import sys

KEYWORDS = {"crate", "super", "self"}


def strip_code(text):
    """Removes comments, string and char literals, and #[cfg(test)] modules."""
    out = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if text.startswith("//", i):
            j = text.find("\n", i)
            i = n if j < 0 else j
        elif text.startswith("/*", i):
            depth, i = 1, i + 2
            while i < n and depth:
                if text.startswith("/*", i):
                    depth, i = depth + 1, i + 2
                elif text.startswith("*/", i):
                    depth, i = depth - 1, i + 2
                else:
                    i += 1
        elif c == "r" and re.match(r'r#*"', text[i:i + 10]) and (i == 0 or not (text[i - 1].isalnum() or text[i - 1] == "_")):
            m = re.match(r'r(#*)"', text[i:])
            end = '"' + m.group(1)
            j = text.find(end, i + len(m.group(0)))
            i = n if j < 0 else j + len(end)
            out.append('""')
        elif c == '"':
            i += 1
            while i < n and text[i] != '"':
                i += 2 if text[i] == "\\" else 1
            i += 1
            out.append('""')
        elif c == "'" and re.match(r"'(\\.|[^\\'])'", text[i:i + 4]):
            i += len(re.match(r"'(\\.|[^\\'])'", text[i:i + 4]).group(0))
            out.append("' '")
        elif c == "'" and re.match(r"'\\u\{[0-9a-fA-F]+\}'", text[i:i + 12]):
            i += len(re.match(r"'\\u\{[0-9a-fA-F]+\}'", text[i:i + 12]).group(0))
            out.append("' '")
        else:
            out.append(c)
            i += 1
    code = "".join(out)
    # Drop `#[cfg(test)]` items that are modules with a body.
    while True:
        m = re.search(r"#\[cfg\(test\)\]\s*(pub(\([^)]*\))?\s+)?mod\s+\w+\s*\{", code)
        if not m:
            break
        depth, j = 1, m.end()
        while j < len(code) and depth:
            depth += {"{": 1, "}": -1}.get(code[j], 0)
            j += 1
        code = code[:m.start()] + code[j:]
    return code


def split_inline_modules(code, depth=0):
    """The file's code outside inline `mod name { .. }` blocks, then each block's, with its depth."""
    pieces, rest = [], code
    while True:
        m = re.search(r"(?<![\w:])mod\s+\w+\s*\{", rest)
        if not m:
            break
        d, j = 1, m.end()
        while j < len(rest) and d:
            d += {"{": 1, "}": -1}.get(rest[j], 0)
            j += 1
        pieces.extend(split_inline_modules(rest[m.end():j - 1], depth + 1))
        rest = rest[:m.start()] + rest[j:]
    return [(rest, depth)] + pieces


def expand_use_tree(tree):
    """`a::{b, c::{d as e}}` -> [(['a','b'], 'b'), (['a','c','d'], 'e')]."""
    tree = re.sub(r"\s+", "", tree)
    results = []

    def walk(prefix, s):
        depth, start, parts = 0, 0, []
        for k, ch in enumerate(s):
            if ch == "{":
                depth += 1
            elif ch == "}":
                depth -= 1
            elif ch == "," and depth == 0:
                parts.append(s[start:k])
                start = k + 1
        parts.append(s[start:])
        for part in parts:
            if not part:
                continue
            brace = part.find("{")
            if brace >= 0:
                head = [p for p in part[:brace].split("::") if p]
                walk(prefix + head, part[brace + 1:part.rfind("}")])
                continue
            alias = None
            path_s = part
            segs = [p for p in path_s.split("::") if p]
            if segs and segs[-1] == "self":
                segs = segs[:-1]
                alias = segs[-1] if segs else None
            results.append((prefix + segs, alias))

    walk([], tree)
    return results


class Crate:
    def __init__(self, root):
        self.root = root
        self.src = os.path.join(root, "src")
        self.files = {}  # module path tuple -> file
        self.uses = {}  # module path -> list of (segments, bound name, is_glob)
        self.inline = {}  # module path -> list of segment lists
        for dirpath, _, names in os.walk(self.src):
            for name in names:
                if not name.endswith(".rs"):
                    continue
                full = os.path.join(dirpath, name)
                rel = os.path.relpath(full, self.src)[:-3].split(os.sep)
                if rel[-1] in ("lib", "main") and len(rel) == 1:
                    mod = ()
                elif rel[-1] == "mod":
                    mod = tuple(rel[:-1])
                else:
                    mod = tuple(rel)
                if mod and mod[-1] == "tests" or "tests" in mod[:-1] or (mod and mod[-1].endswith("_tests")):
                    continue
                self.files[mod] = full
        for mod, path in self.files.items():
            with open(path, encoding="utf-8") as f:
                code = strip_code(f.read())
            uses = []
            inline = []
            for code, depth in split_inline_modules(code):
                self._scan(code, depth, uses, inline)
            self.uses[mod] = uses
            self.inline[mod] = inline

    def _scan(self, code, depth, uses, inline):
        def lift(segs):
            # `super::` inside an inline module of the file: as many levels are the file's own.
            k = 0
            while k < len(segs) and segs[k] == "super":
                k += 1
            if depth and k:
                if k <= depth:
                    return ["self"] + segs[k:] if k == depth else None
                return ["super"] * (k - depth) + segs[k:]
            if depth and segs and segs[0] == "self":
                return None
            return segs

        if True:
            for m in re.finditer(r"(?<![\w:])use\s+([^;]+);", code):
                raw = m.group(1)
                for segs, alias in self._use_tree(raw):
                    segs = lift(segs)
                    if not segs:
                        continue
                    glob = segs[-1] == "*"
                    if glob:
                        uses.append((segs[:-1], "*", True))
                    else:
                        uses.append((segs, alias or segs[-1], False))
            code_wo_use = re.sub(r"(?<![\w:])use\s+[^;]+;", "", code)
            for m in re.finditer(r"(?<![\w:])(?:crate|super|self)(?:::\w+)+", code_wo_use):
                segs = lift(m.group(0).split("::"))
                if segs:
                    inline.append(segs)

    def _use_tree(self, raw):
        # Keep ` as ` readable before whitespace is removed.
        raw = re.sub(r"\s+as\s+", " AS ", raw)
        out = []
        for segs, alias in expand_use_tree(raw.replace(" AS ", "@")):
            if segs and "@" in segs[-1]:
                name, alias = segs[-1].split("@", 1)
                segs = segs[:-1] + [name]
            out.append((segs, alias))
        return out

    def start(self, mod, segs):
        """Where a path begins: (module, remaining segments) or None for external."""
        first = segs[0]
        if first == "crate":
            return (), segs[1:]
        if first in ("super", "self"):
            cur = list(mod)
            k = 0
            while k < len(segs) and segs[k] in ("super", "self"):
                if segs[k] == "super":
                    if not cur:
                        return None
                    cur.pop()
                k += 1
            return tuple(cur), segs[k:]
        if first == "std" or first == "core" or first == "alloc":
            return None
        child = mod + (first,)
        if child in self.files:
            return child, segs[1:]
        return None

    def resolve(self, mod, segs, seen=None, hops=None):
        """The file that defines what `segs` names from `mod`, or None if external. Each
        file whose `use` the path passes through is added to `hops`."""
        seen = seen or set()
        hops = hops if hops is not None else []
        s = self.start(mod, segs)
        if s is None:
            return None
        cur, rest = s
        while rest and cur + (rest[0],) in self.files:
            cur = cur + (rest[0],)
            rest = rest[1:]
        if not rest:
            return self.files.get(cur)
        name = rest[0]
        key = (cur, name)
        if key in seen:
            return self.files.get(cur)
        seen.add(key)
        for usegs, bound, glob in self.uses.get(cur, []):
            if not glob and bound == name:
                # The crate root's re-exports are the crate's public face, which any
                # module may name: only the other modules' count as hops.
                if cur:
                    hops.append(self.files[cur])
                found = self.resolve(cur, usegs + rest[1:], seen, hops)
                if found is None:
                    return self.files.get(cur) if self._defines(cur, name) else None
                return found
        if not self._defines(cur, name):
            for usegs, bound, glob in self.uses.get(cur, []):
                if glob and usegs:
                    found = self.resolve(cur, usegs + rest, seen, hops)
                    if found is not None and found != self.files.get(cur):
                        return found
        return self.files.get(cur)

    def _defines(self, mod, name):
        path = self.files[mod]
        with open(path, encoding="utf-8") as f:
            text = f.read()
        return re.search(
            r"(?:fn|struct|enum|trait|type|const|static|union|macro_rules!|mod)\s+" + re.escape(name) + r"\b",
            text,
        ) is not None

    def edges(self):
        graph = {f: set() for f in self.files.values()}
        for mod, path in self.files.items():
            paths = [u[0] + ([] if u[2] else []) for u in self.uses[mod]] + self.inline[mod]
            for segs in paths:
                if not segs:
                    continue
                hops = []
                target = self.resolve(mod, list(segs), hops=hops)
                for t in hops + [target]:
                    if t and t != path:
                        graph[path].add(t)
        return graph


def cycles(graph):
    index, low, stack, on, out = {}, {}, [], set(), []
    counter = [0]
    sys.setrecursionlimit(10000)

    def strong(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in sorted(graph[v]):
            if w not in index:
                strong(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    for v in sorted(graph):
        if v not in index:
            strong(v)
    return out


def main():
    here = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    roots = [os.path.abspath(a) for a in sys.argv[1:]] or sorted(
        os.path.join(here, d) for d in os.listdir(here)
        if d.startswith("otel-") and os.path.exists(os.path.join(here, d, "src", "lib.rs"))
    )
    found = 0
    for root in roots:
        crate = Crate(root)
        graph = crate.edges()
        for comp in cycles(graph):
            found += 1
            rel = [os.path.relpath(p, here) for p in comp]
            print(f"cycle ({len(rel)} files):")
            for p in rel:
                deps = sorted(os.path.relpath(t, here) for t in graph[os.path.join(here, p)] if os.path.relpath(t, here) in rel)
                print(f"  {p} -> {', '.join(deps)}")
    print(f"{found} import cycle(s)")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
