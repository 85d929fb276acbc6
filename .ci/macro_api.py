#!/usr/bin/env python3
"""No macro writes public API.

A `macro_rules!` in a crate's `src/` must not emit a `pub` item (`pub fn`, `pub struct`,
...): public API is written once where a reader opens the file, and go-to-definition
lands on it, not in a macro. It must not emit a trait impl either (`impl ... for`),
except the macros listed in ALLOWED_IMPLS, each with why a generic impl does not do.

    .ci/macro_api.py        # the check; exit 1 naming each macro and what it emits
"""

import pathlib
import re
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent

# Macros that write trait impls, and why each is not one generic impl. Shrink this list;
# never grow it without the reason a type parameter cannot carry.
ALLOWED_IMPLS = {
    "impl_executor": "sqlx's `Executor` for the wrapped pool, connection and transaction, per database: not yet one generic impl (sqlx's own pool impl shows the bound it would need); due with the sqlx 0.8 work, which rewrites these impls",
    "sdk_instrument": "a crate-private trait for five of the SDK's instrument types: foreign types with no common trait to be generic over",
    "frontend": "crate-private marker types and their impls: no public type",
    "extractor_by_carrier_rule": "`Extractor` for each adapter's carrier: a blanket impl over `HeaderSource` is barred by the orphan rule (`Extractor` is foreign)",
    "configured_exporter": "crate-private traits for three signal markers, each naming its own exporter types",
    "from_int": "`From` for each integer width into `AttributeValue`: a blanket `impl<T: Into<i64>>` would overlap the other `From` impls",
}

PUB_ITEM = re.compile(r"\bpub\s+(?:fn|struct|enum|trait|type|const|static|mod|use|union)\b")
IMPL_FOR = re.compile(r"\bimpl\b[^{;]*?\bfor\b")


def macro_bodies(text):
    """(name, body) of each `macro_rules!` in `text`."""
    for match in re.finditer(r"macro_rules!\s*(\w+)\s*\{", text):
        depth, at = 1, match.end()
        while depth and at < len(text):
            depth += {"{": 1, "}": -1}.get(text[at], 0)
            at += 1
        yield match.group(1), text[match.end() : at]


def crate_sources():
    for manifest in ROOT.glob("*/Cargo.toml"):
        src = manifest.parent / "src"
        if src.is_dir():
            yield from sorted(src.rglob("*.rs"))


def main():
    problems = []
    seen_impls = set()
    for path in crate_sources():
        for name, body in macro_bodies(path.read_text(encoding="utf-8")):
            where = f"{path.relative_to(ROOT)}: macro_rules! {name}"
            if PUB_ITEM.search(body):
                problems.append(f"{where} emits a pub item: write it once on a type parameter")
            if IMPL_FOR.search(body):
                seen_impls.add(name)
                if name not in ALLOWED_IMPLS:
                    problems.append(f"{where} emits a trait impl: write one generic impl")
    for name in sorted(set(ALLOWED_IMPLS) - seen_impls):
        problems.append(f"ALLOWED_IMPLS lists {name}, which emits no trait impl any more: take it out")
    if problems:
        print("\n".join(problems))
        sys.exit(1)
    print(f"no macro emits a pub item; {len(seen_impls)} emit trait impls, each listed with its reason")


if __name__ == "__main__":
    main()
