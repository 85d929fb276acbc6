#!/usr/bin/env python3
"""Generate otel-kit-semconv's constants and otel-kit-testing's registry facts from the
OpenTelemetry semantic conventions' YAML model.

One model, two outputs, so the names the kit emits and the registry its conformance check
reads cannot drift apart:

    otel-semconv/src/attribute.rs   a constant per attribute (`HTTP_REQUEST_METHOD`)
    otel-semconv/src/metric.rs      a constant per metric (`HTTP_SERVER_REQUEST_DURATION`)
    otel-semconv/src/resource.rs    the attributes that describe an entity, re-exported
    otel-semconv/src/value.rs       a constant per enum member, a module per attribute
    otel-semconv/src/version.rs     the model's version, schema URL and commits
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

Model formats
    Both `groups:` files and `file_format: definition/2` files are read. In the second:
    `attributes` (with `key`), `attribute_groups`, `spans` (with `type`, written as the span
    group `span.<type>`), `span_refinements` (a span of a system: its base span's attributes,
    then its own), `metrics` (with `name`); `ref_group` includes a group's attributes.

semconv.tsv records (tab-separated, `#` lines are comments; `-` marks an absent value)
    attr        name type stability deprecation members   (members joined with `|`)
    member      attr value deprecation                    (a deprecated enum member)
    metric      name instrument unit stability deprecation
    span        group-id span_kind stability
    event       name stability deprecation
    metric_attr|span_attr|event_attr  owner attr requirement
    system_metric_attr  system attr requirement (attributes a system's page adds to its
                domain's metrics)
    deprecation is `renamed:<new>`, `obsoleted` or `uncategorized`; requirement is one of
    required, conditionally_required, recommended, opt_in.

Run (needs PyYAML)
    python3 otel-semconv/generate.py --repo <clone of semantic-conventions>
"""
import argparse
import os
import re
import subprocess
import sys

import yaml

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
REQUIREMENTS = ("required", "conditionally_required", "recommended", "opt_in")
# Attribute groups a system's page adds to every metric of its domain, by system.
SYSTEM_METRIC_GROUPS = {"metric_attributes.openai": "openai"}


def git(repo, *args):
    return subprocess.run(["git", "--git-dir", repo, *args], check=True,
                          capture_output=True, text=True).stdout


def requirement(level):
    """`required` | {conditionally_required: text} | ... -> the bare level name."""
    if isinstance(level, dict) and len(level) == 1:
        level = next(iter(level))
    if level not in REQUIREMENTS:
        sys.exit(f"unknown requirement_level {level!r}")
    return level


def deprecation(dep):
    if not dep:
        return "-"
    if isinstance(dep, str):  # older free-text form
        match = re.search(r"[Rr]eplaced by `([^`]+)`", dep)
        return f"renamed:{match.group(1)}" if match else "uncategorized"
    reason = dep.get("reason", "uncategorized")
    if reason == "renamed" and dep.get("renamed_to"):
        return f"renamed:{dep['renamed_to']}"
    return reason


class Model:
    """Every group and attribute definition of the merged model."""

    def __init__(self):
        self.groups, self.group_dir, self.attrs, self.resolved = {}, {}, {}, {}
        self.sources = []

    def add_file(self, path, doc):
        directory = path.split("/")[1]
        v2 = doc.get("file_format") == "definition/2"
        for group in doc.get("groups") or []:
            self.add_group(group["id"], group, directory)
            for attr in group.get("attributes") or []:
                if "id" in attr:
                    self.define(attr["id"], attr)
        if not v2:
            return
        for attr in doc.get("attributes") or []:
            self.define(attr["key"], dict(attr, id=attr["key"]))
        for group in doc.get("attribute_groups") or []:
            self.add_group(group["id"], dict(group, type="attribute_group"), directory)
        for span in doc.get("spans") or []:
            self.add_group("span." + span["type"],
                           dict(span, type="span", span_kind=span.get("kind")), directory)
        for refinement in doc.get("span_refinements") or []:
            self.add_group(refinement["id"], dict(refinement, type="span",
                                                  refines="span." + refinement["ref"]), directory)
        for metric in doc.get("metrics") or []:
            self.add_group("metric." + metric["name"],
                           dict(metric, type="metric", metric_name=metric["name"]), directory)
        for event in doc.get("events") or []:
            self.add_group("event." + event["name"], dict(event, type="event"), directory)
        for entity in doc.get("entities") or []:
            self.add_group("entity." + entity["type"], dict(entity, type="entity"), directory)

    def add_group(self, gid, group, directory):
        if gid in self.groups:
            sys.exit(f"duplicate group id {gid}")
        self.groups[gid] = group
        self.group_dir[gid] = directory

    def define(self, name, attr):
        if name in self.attrs:
            sys.exit(f"attribute {name} defined twice")
        self.attrs[name] = attr

    def load_git(self, repo, tag, keep):
        """Every model file at `tag` whose top directory `keep` accepts; the commit."""
        sha = git(repo, "rev-parse", tag + "^{commit}").strip()
        for path in git(repo, "ls-tree", "-r", "--name-only", tag, "model").split("\n"):
            if not path.endswith((".yaml", ".yml")) or path == "model/manifest.yaml":
                continue
            if keep(path.split("/")[1]):
                self.add_file(path, yaml.safe_load(git(repo, "show", f"{tag}:{path}")) or {})
        return sha

    def load_dir(self, root):
        """Every model file under `root` (the kit's own registry)."""
        for directory, _, files in sorted(os.walk(root)):
            for name in sorted(files):
                if name.endswith((".yaml", ".yml")):
                    full = os.path.join(directory, name)
                    path = "model/" + os.path.relpath(full, root).replace(os.sep, "/")
                    with open(full, encoding="utf-8") as f:
                        self.add_file(path, yaml.safe_load(f) or {})

    def resolve(self, gid, seen=()):
        """Ordered {attr name: requirement} of a group: what it extends, refines or includes,
        then its own entries (a `ref` may override a requirement level)."""
        if gid in self.resolved:
            return self.resolved[gid]
        if gid in seen:
            sys.exit(f"extends cycle through {gid}")
        group = self.groups[gid]
        base = group.get("extends") or group.get("refines")
        out = dict(self.resolve(base, seen + (gid,))) if base else {}
        for entry in group.get("attributes") or []:
            if "ref_group" in entry:
                for name, level in self.resolve(entry["ref_group"], seen + (gid,)).items():
                    out.setdefault(name, level)
                continue
            name = entry.get("ref") or entry.get("id") or entry.get("key")
            if name not in self.attrs:
                sys.exit(f"group {gid} references unknown attribute {name}")
            if "requirement_level" in entry:
                out[name] = requirement(entry["requirement_level"])
            elif name not in out:  # not overridden here: keep the inherited level
                out[name] = requirement(self.attrs[name].get("requirement_level", "recommended"))
        self.resolved[gid] = out
        return out


def attr_type(attr):
    """(type, members) of an attribute definition."""
    atype = attr.get("type")
    if not isinstance(atype, dict):
        return str(atype), []
    values = [m["value"] for m in atype["members"]]
    kinds = {type(v) for v in values}
    if kinds == {str}:
        return "string", values
    if kinds == {int}:
        return "int", values
    sys.exit(f"enum {attr['id']} has members of types {kinds}")


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


def tsv(model, provenance):
    groups = exported_groups(model)
    system_metric = [(system, model.resolve(gid))
                     for gid, system in sorted(SYSTEM_METRIC_GROUPS.items()) if gid in model.groups]
    wanted = {n for n in model.attrs if n.startswith(ATTR_PREFIXES)}
    for attrs in [g[3] for g in groups] + [attrs for _, attrs in system_metric]:
        wanted.update(attrs)
    out = [
        f"# generated by otel-semconv/generate.py from {provenance}; do not edit\n",
        "# regenerate: python3 otel-semconv/generate.py --repo <clone of semantic-conventions>\n",
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


def const_name(name):
    ident = re.sub(r"[^A-Za-z0-9]", "_", name).upper()
    return "_" + ident if ident[0].isdigit() else ident


def without_collisions(items):
    """`items` ({name: definition}) less each deprecated name whose constant would be a
    current name's (`messaging.client_id` beside `messaging.client.id`)."""
    owner = {}
    for name in sorted(items):
        ident = const_name(name)
        if ident in owner and items[name].get("deprecated"):
            continue
        if ident in owner and not items[owner[ident]].get("deprecated"):
            sys.exit(f"two current names give the constant {ident}: {owner[ident]}, {name}")
        owner[ident] = name
    return {name: items[name] for name in sorted(owner.values())}


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


def groups_named(model, kind, key):
    """{name: group} of the model's groups of `kind`, named by their `key`."""
    named = {}
    for group in model.groups.values():
        if group["type"] == kind and group.get(key):
            named.setdefault(group[key], group)
    return named


def metric_rs(model, provenance):
    return names_rs(groups_named(model, "metric", "metric_name"),
                    HEADER.format(provenance=provenance) +
                    "//! Metric names, a constant each: `HTTP_SERVER_REQUEST_DURATION` is\n"
                    "//! `\"http.server.request.duration\"`.\n\n",
                    lambda g: f": {g.get('instrument')}, unit `{g.get('unit')}`")


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


def version_rs(version, main_sha, genai_version, genai_sha, provenance):
    return (HEADER.format(provenance=provenance) +
            "//! Which conventions the constants come from.\n\n"
            "/// The semantic conventions release the constants come from.\n"
            f"pub const SEMCONV_VERSION: &str = {rust_string(version)};\n\n"
            "/// The schema URL of that release, for instrumentation scopes and resources.\n"
            f"pub const SCHEMA_URL: &str = {rust_string('https://opentelemetry.io/schemas/' + version)};\n\n"
            "/// The commit of open-telemetry/semantic-conventions the constants come from.\n"
            f"pub const SEMCONV_COMMIT: &str = {rust_string(main_sha)};\n\n"
            "/// The release the GenAI names (`gen_ai.*`, `openai.*`, `mcp.*`) come from: the last\n"
            "/// one of open-telemetry/semantic-conventions that defined them, before they moved to\n"
            "/// open-telemetry/semantic-conventions-genai, which has made no release yet.\n"
            f"pub const GENAI_SEMCONV_VERSION: &str = {rust_string(genai_version)};\n\n"
            "/// The schema URL of [`GENAI_SEMCONV_VERSION`], for the GenAI instrumentation scope.\n"
            f"pub const GENAI_SCHEMA_URL: &str = {rust_string('https://opentelemetry.io/schemas/' + genai_version)};\n\n"
            "/// The commit of open-telemetry/semantic-conventions the GenAI names come from.\n"
            f"pub const GENAI_SEMCONV_COMMIT: &str = {rust_string(genai_sha)};\n")


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


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repo", default=DEFAULT_REPO)
    parser.add_argument("--tag", default=MAIN_TAG)
    parser.add_argument("--genai-tag", default=GENAI_TAG)
    args = parser.parse_args()

    model = Model()
    main_sha = model.load_git(args.repo, args.tag, lambda d: d not in GENAI_DIRS)
    genai_sha = model.load_git(args.repo, args.genai_tag, lambda d: d in GENAI_DIRS)
    kit = Model()
    kit.load_dir(os.path.join(ROOT, "otel-semconv", "model"))
    provenance = (f"open-telemetry/semantic-conventions {args.tag} ({main_sha}) and, for "
                  f"gen_ai.*, openai.* and mcp.*, {args.genai_tag} ({genai_sha})")
    outputs = {
        "otel-semconv/src/attribute.rs": attribute_rs(model, provenance),
        "otel-semconv/src/metric.rs": metric_rs(model, provenance),
        "otel-semconv/src/event.rs": event_rs(model, provenance),
        "otel-semconv/src/kit.rs": kit_rs(kit),
        "otel-semconv/src/resource.rs": resource_rs(model, provenance),
        "otel-semconv/src/value.rs": value_rs(model, provenance),
        "otel-semconv/src/version.rs": version_rs(args.tag.lstrip("v"), main_sha,
                                                  args.genai_tag.lstrip("v"), genai_sha, provenance),
        "otel-testing/conformance/semconv.tsv": tsv(model, provenance),
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
