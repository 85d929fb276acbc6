#!/usr/bin/env python3
"""Generate otel-kit-semconv's constants and otel-kit-testing's registry facts from the
OpenTelemetry semantic conventions' YAML model, or from a release's npm package over the
previous release's model (--npm-package, below).

One model, two outputs, so the names the kit emits and the registry its conformance check
reads cannot drift apart:

    otel-semconv/src/attribute.rs   a constant per attribute (`HTTP_REQUEST_METHOD`)
    otel-semconv/src/metric.rs      a constant per metric (`HTTP_SERVER_REQUEST_DURATION`)
    otel-semconv/src/resource.rs    the attributes that describe an entity, re-exported
    otel-semconv/src/value.rs       a constant per enum member, a module per attribute
    otel-semconv/src/version.rs     the version, schema URL, source and model commits
    otel-testing/conformance/semconv.tsv   the registry facts (format below)

Only machine facts are written (names, types, stability, deprecation, enum values,
requirement levels, instruments, units); no briefs, notes or examples from the model.

Inputs
    --repo   a clone (bare is fine) of github.com/open-telemetry/semantic-conventions; read
             with `git show`, no work tree needed.
    --tag    the release the constants follow (default below).
    --genai-tag  the release the GenAI names (`gen_ai.*`, `openai.*`, `mcp.*`) follow. The
             GenAI conventions left this repository after v1.41.0 for
             open-telemetry/semantic-conventions-genai: from v1.42.0 its gen-ai, mcp and
             openai directories hold deprecated stubs only. That registry has made no
             release yet, so the GenAI names come from v1.41.0, the last release of them,
             read from the same repository; the later tag's stubs are left out.

Second mode: a release from its npm package (for one whose model cannot be read here)
    --npm-package  the release's package `@opentelemetry/semantic-conventions` (npm pack's
             .tgz, its extracted `package/` directory, or a version to `npm pack`)
    --npm-base     the package of the --tag release (the same forms)
    The --tag model (and the GenAI one) is read as above, checked against --npm-base name
    by name, then the package's changes from --npm-base to --npm-package are applied to it:
    names added, removed, deprecated (`renamed:<x>` where the note is "Replaced by `x`."),
    stability, enum members, metrics. What the package does not carry (types, requirement
    levels, instruments, units, group lists) stays the --tag model's for names both hold,
    and is `unknown` for new ones: an attribute's type `unknown` (a template's
    `template[unknown]`), a metric's instrument and unit `unknown` and no attribute list,
    and in the --tag model's groups an attribute newly deprecated, and the replacements its
    note names, requirement `unknown`. Stability `experimental`: not stable, the package not
    telling development from release candidate. The result is checked against the package;
    any disagreement exits non-zero. Details: npm_release.py. version.rs names the package
    (with its npm `dist.integrity`) and the model commit as SEMCONV_SOURCE, the model's
    release and commit as SEMCONV_MODEL_VERSION and SEMCONV_MODEL_COMMIT; SEMCONV_COMMIT,
    the model commit in both modes, is `#[deprecated]` in this one (no commit of the
    release's model is read). `npm pack` needs npm and its registry; the tarballs can be
    given instead.

Modules beside it
    semconv_model.py  the YAML model reader (Model), shared with npm_release.py
    npm_package.py    the npm package reader, shared with compare-1.45/compare.py
    npm_release.py    the second mode

Model formats
    Both `groups:` files and `file_format: definition/2` files are read. In the second:
    `attributes` (with `key`), `attribute_groups`, `spans` (with `type`, written as the span
    group `span.<type>`), `span_refinements` (a span of a system: its base span's attributes,
    then its own), `metrics` (with `name`); `ref_group` includes a group's attributes.

semconv.tsv records (tab-separated, `#` lines are comments; `-` marks an absent value)
    attr        name type stability deprecation members   (members joined with `|`): the
                attributes of ATTR_PREFIXES' namespaces and of the groups written, and
                those they are renamed to
    member      attr value deprecation                    (a deprecated enum member)
    metric      name instrument unit stability deprecation
    span        group-id span_kind stability
    event       name stability deprecation
    metric_attr|span_attr|event_attr  owner attr requirement
    system_metric_attr  system attr requirement (attributes a system's page adds to its
                domain's metrics)
    deprecation is `renamed:<new>`, `obsoleted` or `uncategorized`; requirement is one of
    required, conditionally_required, recommended, opt_in, and (--npm-package) unknown;
    type, instrument and unit may be `unknown` (--npm-package).

Run (needs PyYAML); the output is deterministic
    python3 otel-semconv/generate.py --repo <clone of semantic-conventions>
    python3 otel-semconv/generate.py --repo <clone> --tag v1.44.0 \
        --npm-base 1.44.0 --npm-package 1.45.0      # or the two `npm pack` tarballs
"""
import argparse
import os
import subprocess
import sys
import tempfile

from semconv_model import (UNKNOWN, Model, attr_type, const_name, deprecation, groups_named,
                           without_collisions)

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEFAULT_REPO = "/work/.mirror/open-telemetry+semantic-conventions/repo"
MAIN_TAG = "v1.44.0"
GENAI_TAG = "v1.41.0"
# Main-model directories the GenAI registry replaces.
GENAI_DIRS = {"gen-ai", "mcp", "openai"}
# Top-level model directories whose span/metric/event groups go to semconv.tsv (their
# `deprecated/` sub-directories included).
GROUP_DIRS = set("""
    http rpc jsonrpc db messaging gen-ai openai mcp agent a2a microsoft exceptions url server
    client network error code service telemetry otel session dns tls aspnetcore signalr
    process""".split())
# Attribute namespaces written to semconv.tsv (all attributes go to the Rust constants).
ATTR_PREFIXES = tuple(p + "." for p in """
    http url server client network user_agent error exception rpc db messaging gen_ai
    openai mcp a2a azure peer code thread service telemetry host os process container k8s
    cloud deployment otel log event session enduser user signalr aspnetcore jsonrpc tls dns
    source destination cpu disk system faas aws gcp heroku""".split())
UNKNOWN_NOTE = "the npm package this release is read from carries none"
# Attribute groups a system's page adds to every metric of its domain, by system.
SYSTEM_METRIC_GROUPS = {"metric_attributes.openai": "openai"}



def field(value):
    text = "-" if value is None or value == "" else str(value)
    if any(c in text for c in "\t\r\n"):
        sys.exit(f"field contains a tab or newline: {text!r}")
    return text


def line(*fields):
    return "\t".join(field(f) for f in fields) + "\n"


def exported_groups(model):
    """(kind, key, group, resolved attributes) of the span, metric and event groups."""
    groups = []
    for gid, group in model.groups.items():
        if model.group_dir[gid] not in GROUP_DIRS or group["type"] not in ("span", "metric", "event"):
            continue
        if group["type"] == "span":
            key = gid
        elif group["type"] == "metric":
            key = group.get("metric_name")
        else:
            key = group.get("name")
        if not key:
            sys.exit(f"{group['type']} group {gid} has no name")
        groups.append((group["type"], key, group, model.resolve(gid)))
    keys = [(kind, key) for kind, key, _, _ in groups]
    if len(keys) != len(set(keys)):
        sys.exit("duplicate metric/span/event names")
    return groups


def tsv(model, provenance, command):
    groups = exported_groups(model)
    system_metric = [(system, model.resolve(gid))
                     for gid, system in sorted(SYSTEM_METRIC_GROUPS.items()) if gid in model.groups]
    wanted = {n for n in model.attrs if n.startswith(ATTR_PREFIXES)}
    for attrs in [g[3] for g in groups] + [attrs for _, attrs in system_metric]:
        wanted.update(attrs)
    while True:  # and what a wanted name is renamed to (`kafka.offset`)
        renamed = {d[len("renamed:"):] for d in (deprecation(model.attrs[n].get("deprecated"))
                                                 for n in wanted) if d.startswith("renamed:")}
        renamed = {n for n in renamed if n in model.attrs} - wanted
        if not renamed:
            break
        wanted |= renamed
    out = [
        f"# generated by otel-semconv/generate.py from {provenance}; do not edit\n",
        f"# regenerate: {command}\n",
        "# records: attr name type stability deprecation members | member attr value deprecation | "
        "metric name instrument unit stability deprecation | span id kind stability | "
        "event name stability deprecation | <metric|span|event>_attr owner attr requirement | "
        "system_metric_attr system attr requirement\n",
    ]
    for name in sorted(wanted):
        attr = model.attrs[name]
        atype, members = attr_type(attr)
        out.append(line("attr", name, atype, attr.get("stability"),
                        deprecation(attr.get("deprecated")), "|".join(map(str, members)) or None))
        if isinstance(attr.get("type"), dict):
            # A value is deprecated only when no current member has it (a deprecated
            # member may share its value with a current one).
            members = attr["type"]["members"]
            current = {m["value"] for m in members if not m.get("deprecated")}
            for member in members:
                if member.get("deprecated") and member["value"] not in current:
                    out.append(line("member", name, member["value"], deprecation(member["deprecated"])))
    for system, attrs in system_metric:
        for name in sorted(attrs):
            out.append(line("system_metric_attr", system, name, attrs[name]))
    for kind in ("metric", "span", "event"):
        for _, key, group, attrs in sorted((g for g in groups if g[0] == kind), key=lambda g: g[1]):
            if kind == "metric":
                out.append(line("metric", key, group.get("instrument"), group.get("unit"),
                                group.get("stability"), deprecation(group.get("deprecated"))))
            elif kind == "span":
                base = model.groups.get(group.get("refines"), {})
                span_kind = group.get("span_kind") or base.get("span_kind")
                out.append(line("span", key, span_kind or "-", group.get("stability")))
            else:
                out.append(line("event", key, group.get("stability"),
                                deprecation(group.get("deprecated"))))
            for name in sorted(attrs):
                out.append(line(f"{kind}_attr", key, name, attrs[name]))
    return "".join(out)


# ---------------------------------------------------------------------------------------
# Rust

HEADER = "// generated by otel-semconv/generate.py from {provenance}; do not edit\n"


def rust_string(text):
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def doc_facts(stability, dep):
    """The doc line and attribute lines of a constant: its stability and deprecation."""
    lines = []
    if dep != "-":
        if dep.startswith("renamed:"):
            note = f"renamed to `{dep[len('renamed:'):]}`"
        else:
            note = {"obsoleted": "obsoleted", "uncategorized": "deprecated"}.get(dep, dep)
        lines.append(f"#[deprecated(note = {rust_string('semantic conventions: ' + note)})]\n")
    return f"Stability: {stability or 'unspecified'}.", lines


def attribute_rs(model, provenance, values="crate::value"):
    def describe(attr):
        atype, members = attr_type(attr)
        if atype == UNKNOWN:
            return f": type unknown ({UNKNOWN_NOTE})"
        if UNKNOWN in atype:
            return f": `{atype}`, its values' type unknown ({UNKNOWN_NOTE})"
        if not members:
            return f": `{atype}`"
        module = const_name(attr["id"]).lower()
        return f": `{atype}` enum (values in [`value::{module}`]({values}::{module}))"

    return names_rs(model.attrs,
                    HEADER.format(provenance=provenance) +
                    "//! Attribute names, a constant each: `HTTP_REQUEST_METHOD` is `\"http.request.method\"`.\n\n",
                    describe)


def names_rs(items, module_doc, describe):
    """A constant per name of `items` ({name: group}), its doc line from `describe`."""
    out = [module_doc]
    items = without_collisions(items)
    for name in items:
        group = items[name]
        facts, lines = doc_facts(group.get("stability"), deprecation(group.get("deprecated")))
        out.append(f"/// `{name}`{describe(group)}. {facts}\n")
        out.extend(lines)
        out.append(f"pub const {const_name(name)}: &str = {rust_string(name)};\n\n")
    return "".join(out).rstrip("\n") + "\n"


def metric_rs(model, provenance):
    return names_rs(groups_named(model, "metric", "metric_name"),
                    HEADER.format(provenance=provenance) +
                    "//! Metric names, a constant each: `HTTP_SERVER_REQUEST_DURATION` is\n"
                    "//! `\"http.server.request.duration\"`.\n\n",
                    lambda g: f": {g.get('instrument')}, unit `{g.get('unit')}`"
                    if g.get("instrument") != UNKNOWN else
                    f": instrument and unit unknown ({UNKNOWN_NOTE})")


def event_rs(model, provenance):
    return names_rs(groups_named(model, "event", "name"),
                    HEADER.format(provenance=provenance) +
                    "//! Event names (span events and log records' event names), a constant each:\n"
                    "//! `EXCEPTION` is `\"exception\"`.\n\n",
                    lambda g: "")


def resource_rs(model, provenance):
    names = set()
    for gid, group in model.groups.items():
        if group["type"] == "entity":
            names.update(model.resolve(gid))
    out = [HEADER.format(provenance=provenance),
           "//! The attributes that describe an entity (a service, a process, a host...) on a\n"
           "//! resource: the same constants as [`attribute`](crate::attribute).\n\n"]
    names = set(without_collisions({n: model.attrs[n] for n in names}))
    constants = set(without_collisions(model.attrs))
    names = {n for n in names if n in constants}
    deprecated = [n for n in sorted(names) if model.attrs[n].get("deprecated")]
    current = [n for n in sorted(names) if not model.attrs[n].get("deprecated")]
    for name in current:
        out.append(f"pub use crate::attribute::{const_name(name)};\n")
    if deprecated:
        out.append("#[allow(deprecated)]\npub use crate::attribute::{\n")
        out.extend(f"    {const_name(n)},\n" for n in deprecated)
        out.append("};\n")
    return "".join(out)


def value_rs(model, provenance):
    out = [HEADER.format(provenance=provenance),
           "//! The values of enum attributes, a module per attribute:\n"
           "//! `value::messaging_operation_type::SEND` is `\"send\"`.\n\n"]
    attrs = without_collisions(model.attrs)
    for name in attrs:
        attr = attrs[name]
        atype, members = attr_type(attr)
        if not members:
            continue
        out.append(f"/// The values of `{name}`.\n")
        if attr.get("deprecated"):
            out.append("#[allow(deprecated)]\n")
        out.append(f"pub mod {const_name(name).lower()} {{\n")
        seen = set()
        for member in attr["type"]["members"]:
            ident = const_name(str(member["id"]))
            if ident in seen:
                continue
            seen.add(ident)
            facts, lines = doc_facts(member.get("stability"), deprecation(member.get("deprecated")))
            value = member["value"]
            out.append(f"    /// `{value}`. {facts}\n")
            out.extend("    " + l for l in lines)
            if atype == "int":
                out.append(f"    pub const {ident}: i64 = {value};\n")
            else:
                out.append(f"    pub const {ident}: &str = {rust_string(value)};\n")
        out.append("}\n\n")
    return "".join(out).rstrip("\n") + "\n"


def version_rs(v, provenance):
    """version.rs from `v`: version, source, model_version, model_sha, genai_version,
    genai_sha, npm (whether the version's names come from its npm package)."""
    url = "https://opentelemetry.io/schemas/"
    if v["npm"]:
        source_doc = (
            f"/// What the constants come from: {v['version']}'s npm package\n"
            "/// `@opentelemetry/semantic-conventions` (generated from that release's model; its npm\n"
            f"/// `dist.integrity`) applied to the YAML model of {v['model_version']}, the release before\n"
            f"/// ({v['version']}'s own model was not at hand to the generator). Names, stability (stable or\n"
            "/// `experimental`), deprecations and enum members are the package's; types, requirement\n"
            f"/// levels, metric instruments and units are {v['model_version']}'s for the names both hold\n"
            "/// (the package carries none of them), and `unknown` for the others.\n")
        commit = ("/// Not a commit of the release's model: that of [`SEMCONV_MODEL_VERSION`], whose\n"
                  "/// model the constants are read over ([`SEMCONV_SOURCE`]).\n"
                  f"#[deprecated(note = {rust_string(v['version'] + ' comes from its npm package, not a model commit: this is the commit of ' + v['model_version'] + ', SEMCONV_MODEL_COMMIT; see SEMCONV_SOURCE')})]\n")
    else:
        source_doc = "/// What the constants come from: the release's YAML model, at its tag.\n"
        commit = "/// The commit of open-telemetry/semantic-conventions the constants come from.\n"
    return (HEADER.format(provenance=provenance) +
            "//! Which conventions the constants come from.\n\n"
            "/// The semantic conventions release the constants come from.\n"
            f"pub const SEMCONV_VERSION: &str = {rust_string(v['version'])};\n\n"
            "/// The schema URL of that release, for instrumentation scopes and resources.\n"
            f"pub const SCHEMA_URL: &str = {rust_string(url + v['version'])};\n\n"
            + source_doc +
            f"pub const SEMCONV_SOURCE: &str = {rust_string(v['source'])};\n\n"
            "/// The release whose YAML model the constants are read from: [`SEMCONV_VERSION`], or the\n"
            "/// release before it when they come from a package ([`SEMCONV_SOURCE`]).\n"
            f"pub const SEMCONV_MODEL_VERSION: &str = {rust_string(v['model_version'])};\n\n"
            "/// The commit of open-telemetry/semantic-conventions of [`SEMCONV_MODEL_VERSION`].\n"
            f"pub const SEMCONV_MODEL_COMMIT: &str = {rust_string(v['model_sha'])};\n\n"
            + commit +
            "pub const SEMCONV_COMMIT: &str = SEMCONV_MODEL_COMMIT;\n\n"
            "/// The release the GenAI names (`gen_ai.*`, `openai.*`, `mcp.*`) come from: the last\n"
            "/// one of open-telemetry/semantic-conventions that defined them, before they moved to\n"
            "/// open-telemetry/semantic-conventions-genai, which has made no release yet.\n"
            f"pub const GENAI_SEMCONV_VERSION: &str = {rust_string(v['genai_version'])};\n\n"
            "/// The schema URL of [`GENAI_SEMCONV_VERSION`], for the GenAI instrumentation scope.\n"
            f"pub const GENAI_SCHEMA_URL: &str = {rust_string(url + v['genai_version'])};\n\n"
            "/// The commit of open-telemetry/semantic-conventions the GenAI names come from.\n"
            f"pub const GENAI_SEMCONV_COMMIT: &str = {rust_string(v['genai_sha'])};\n")


def kit_rs(kit):
    """The kit's own names as `kit::{attribute, metric, value}` modules."""
    out = [HEADER.format(provenance="otel-semconv/model (the kit's own registry)"),
           "//! The names otel-kit records that are not the conventions' own, from its registry in\n"
           "//! the conventions' format (`otel-semconv/model/`), which weaver's live check reads too.\n"]
    parts = (("attribute", "Attribute names.", attribute_rs(kit, "", "crate::kit::value")),
             ("metric", "Metric names.", metric_rs(kit, "")),
             ("value", "The values of enum attributes.", value_rs(kit, "")))
    for module, doc, text in parts:
        body = [l for l in text.split("\n") if not l.startswith(("// ", "//!"))]
        out.append(f"\n/// {doc}\npub mod {module} {{\n")
        out.extend(("    " + l if l else "") + "\n" for l in "\n".join(body).strip("\n").split("\n"))
        out.append("}\n")
    return "".join(out)


def npm_source(arg, tmp):
    """A package argument: a path as it is, else a version to `npm pack` into `tmp`."""
    if os.path.exists(arg):
        return arg
    from npm_package import fetch_npm
    return fetch_npm(arg, tmp, extract=False)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repo", default=DEFAULT_REPO)
    parser.add_argument("--tag", default=MAIN_TAG)
    parser.add_argument("--genai-tag", default=GENAI_TAG)
    parser.add_argument("--npm-package", help="the npm package of the release wanted")
    parser.add_argument("--npm-base", help="the npm package of the --tag release")
    args = parser.parse_args()
    if bool(args.npm_package) != bool(args.npm_base):
        parser.error("--npm-package and --npm-base go together")

    model = Model()
    main_sha = model.load_git(args.repo, args.tag, lambda d: d not in GENAI_DIRS)
    genai_sha = model.load_git(args.repo, args.genai_tag, lambda d: d in GENAI_DIRS)
    kit = Model()
    kit.load_dir(os.path.join(ROOT, "otel-semconv", "model"))
    model_source = f"open-telemetry/semantic-conventions {args.tag} ({main_sha})"
    v = dict(version=args.tag.lstrip("v"), source=model_source, model_version=args.tag.lstrip("v"),
             model_sha=main_sha, genai_version=args.genai_tag.lstrip("v"), genai_sha=genai_sha, npm=False)
    command = "python3 otel-semconv/generate.py --repo <clone of semantic-conventions>"
    if args.npm_package:
        import npm_package
        import npm_release
        with tempfile.TemporaryDirectory(prefix="semconv-npm-") as tmp:
            base, target = npm_source(args.npm_base, tmp), npm_source(args.npm_package, tmp)
            base_version = npm_package.read_npm(base)[0]
            if base_version != v["model_version"]:
                sys.exit(f"--npm-base is {base_version}, the model {args.tag}")
            version, notes = npm_release.release(model, base, target)
            integrity = npm_package.package_files(target)[1] or "an unpacked directory"
        print("\n".join(notes), file=sys.stderr)
        v.update(version=version, npm=True, source=(
            f"npm @opentelemetry/semantic-conventions {version} ({integrity}) over {model_source}"))
        command += f" --tag {args.tag} --npm-base {base_version} --npm-package {version}"
    provenance = (f"{v['source']} and, for gen_ai.*, openai.* and mcp.*, {args.genai_tag} ({genai_sha})")
    outputs = {
        "otel-semconv/src/attribute.rs": attribute_rs(model, provenance),
        "otel-semconv/src/metric.rs": metric_rs(model, provenance),
        "otel-semconv/src/event.rs": event_rs(model, provenance),
        "otel-semconv/src/kit.rs": kit_rs(kit),
        "otel-semconv/src/resource.rs": resource_rs(model, provenance),
        "otel-semconv/src/value.rs": value_rs(model, provenance),
        "otel-semconv/src/version.rs": version_rs(v, provenance),
        "otel-testing/conformance/semconv.tsv": tsv(model, provenance, command),
    }
    for path, text in outputs.items():
        with open(os.path.join(ROOT, path), "w", encoding="utf-8", newline="\n") as f:
            f.write(text)
        if path.endswith(".rs"):  # as `cargo fmt` leaves it, so the check passes
            subprocess.run(["rustfmt", "--edition", "2024", "--config-path", ROOT,
                            os.path.join(ROOT, path)], check=True)
        print(f"wrote {path}: {text.count(chr(10))} lines", file=sys.stderr)


if __name__ == "__main__":
    main()
