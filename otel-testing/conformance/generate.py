#!/usr/bin/env python3
"""Generate otel-testing/conformance/semconv.tsv from the OpenTelemetry semantic conventions.

What it does
    Reads the semantic-conventions YAML model (the `model/` tree) straight out of a git
    clone, resolves every span, metric and event group of the domains this kit emits
    (HTTP, RPC, DB, messaging, GenAI, exceptions, ...) into its full attribute list with
    the effective requirement level (`ref` overrides and `extends` inheritance applied),
    and writes a compact tab-separated facts file that the Rust conformance tests parse.
    Only machine facts are written (names, types, stability, deprecation, enum values,
    requirement levels); no briefs, notes or other prose from the specification.

Inputs
    --repo  a clone (bare is fine) of github.com/open-telemetry/semantic-conventions.
            Files are read with `git ls-tree` / `git show`, no work tree is needed.
            Tag v1.42.0 is used for everything except GenAI; tag v1.41.0 is used for the
            `gen_ai.*` and `openai.*` attributes and the groups under model/gen-ai and
            model/openai (the GenAI conventions moved to their own registry after it).
    --out   the file to write (default: semconv.tsv next to this script).

Output records (one per line, tab-separated, `#` lines are comments)
    attr        name type stability deprecation members
    metric      name instrument unit stability deprecation
    metric_attr metric attr requirement
    member      attr value deprecation         (a deprecated enum member)
    system_metric_attr  system attr requirement (what a system's own page adds to its
                domain's metrics: `metric_attributes.openai` for gen_ai.provider.name openai)
    span        group-id span_kind stability
    span_attr   group-id attr requirement
    event       name stability deprecation
    event_attr  event attr requirement
    `-` marks an absent value; enum members are joined with `|`; deprecation is
    `renamed:<new>`, `obsoleted` or `uncategorized`; requirement is one of
    required, conditionally_required, recommended, opt_in.
    Messaging has no span groups in the model, only attribute groups (its spans' kind
    follows the operation type): `messaging.attributes` is written as the span group
    `span.messaging` and each system's group `messaging.<system>` as
    `span.messaging.<system>`, with span_kind `-`.

Run (needs PyYAML)
    python3 otel-testing/conformance/generate.py \\
        --repo <bare clone> --out otel-testing/conformance/semconv.tsv
"""
import argparse
import os
import re
import subprocess
import sys

import yaml

DEFAULT_REPO = "/work/.mirror/open-telemetry+semantic-conventions/repo"
MAIN_TAG = "v1.42.0"
GENAI_TAG = "v1.41.0"
GENAI_PREFIXES = ("gen_ai.", "openai.")
GENAI_DIRS = {"gen-ai", "openai"}
ATTR_PREFIXES = tuple(p + "." for p in """
    http url server client network user_agent error exception rpc db messaging gen_ai
    openai peer code thread service telemetry host os process container k8s cloud
    deployment otel log event session enduser user signalr aspnetcore jsonrpc tls dns
    source destination cpu disk system faas aws gcp azure heroku""".split())
# Top-level model directories whose span/metric/event groups are exported
# (sub-directories such as `deprecated/` included).
GROUP_DIRS = set("""
    http rpc jsonrpc db messaging gen-ai openai exceptions url server client network
    error code service telemetry otel session dns tls aspnetcore signalr process""".split())
REQUIREMENTS = ("required", "conditionally_required", "recommended", "opt_in")
# Messaging attribute groups written as span groups (see the docstring); the shared
# bases (`attributes.messaging.*`, `messaging.network.attributes`) are not.
MESSAGING_BASES = {"messaging.network.attributes"}
# Attribute groups a system's page adds to every metric of its domain, by system (read
# from the GenAI tag).
SYSTEM_METRIC_GROUPS = {"metric_attributes.openai": "openai"}


def messaging_span_key(gid, group, directory):
    """The span key of a messaging attribute group that describes spans, else None."""
    if directory != "messaging" or group["type"] != "attribute_group":
        return None
    if gid == "messaging.attributes":
        return "span.messaging"
    if gid.startswith("messaging.") and gid not in MESSAGING_BASES:
        return "span." + gid
    return None


def git(repo, *args):
    return subprocess.run(["git", "--git-dir", repo, *args], check=True,
                          capture_output=True, text=True).stdout


class Model:
    """All groups and attribute definitions of the model at one tag."""

    def __init__(self, repo, tag):
        self.tag = tag
        self.sha = git(repo, "rev-parse", tag + "^{commit}").strip()
        self.groups, self.group_dir, self.attrs, self.resolved = {}, {}, {}, {}
        for path in git(repo, "ls-tree", "-r", "--name-only", tag, "model").split("\n"):
            if not path.endswith((".yaml", ".yml")):
                continue
            doc = yaml.safe_load(git(repo, "show", f"{tag}:{path}")) or {}
            for group in doc.get("groups") or []:
                if group["id"] in self.groups:
                    sys.exit(f"{tag}: duplicate group id {group['id']}")
                self.groups[group["id"]] = group
                self.group_dir[group["id"]] = path.split("/")[1]
                for attr in group.get("attributes") or []:
                    if "id" in attr:
                        if attr["id"] in self.attrs:
                            sys.exit(f"{tag}: attribute {attr['id']} defined twice")
                        self.attrs[attr["id"]] = attr

    def resolve(self, gid, seen=()):
        """Ordered {attr name: requirement} of a group, with extends and ref overrides."""
        if gid in self.resolved:
            return self.resolved[gid]
        if gid in seen:
            sys.exit(f"{self.tag}: extends cycle through {gid}")
        group = self.groups[gid]
        out = dict(self.resolve(group["extends"], seen + (gid,))) if group.get("extends") else {}
        for entry in group.get("attributes") or []:
            name = entry.get("ref") or entry["id"]
            if name not in self.attrs:
                sys.exit(f"{self.tag}: group {gid} references unknown attribute {name}")
            if "requirement_level" in entry:
                out[name] = requirement(entry["requirement_level"])
            elif name not in out:  # not overridden here: keep the inherited level
                out[name] = requirement(self.attrs[name].get("requirement_level", "recommended"))
        self.resolved[gid] = out
        return out


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


def attr_type(attr):
    """(type, members) of an attribute definition."""
    atype = attr.get("type")
    if not isinstance(atype, dict):
        return str(atype), "-"
    values = [m["value"] for m in atype["members"]]
    kinds = {type(v) for v in values}
    if kinds == {str}:
        kind = "string"
    elif kinds == {int}:
        kind = "int"
    else:
        sys.exit(f"enum {attr['id']} has members of types {kinds}")
    return kind, "|".join(str(v) for v in values)


def field(value):
    text = "-" if value is None or value == "" else str(value)
    if any(c in text for c in "\t\r\n"):
        sys.exit(f"field contains a tab or newline: {text!r}")
    return text


def line(*fields):
    return "\t".join(field(f) for f in fields) + "\n"


def generate(main, genai):
    def is_genai(name):
        return name.startswith(GENAI_PREFIXES)

    # Attribute definitions: GenAI namespaces from the GenAI tag, the rest from main.
    definitions = {n: a for n, a in main.attrs.items() if not is_genai(n)}
    definitions.update({n: a for n, a in genai.attrs.items() if is_genai(n)})
    wanted = {n for n in definitions if n.startswith(ATTR_PREFIXES)}

    # Span/metric/event groups: GenAI directories from the GenAI tag, the rest from main.
    groups = []  # (kind, key, group, resolved attributes)
    for model, dirs in ((main, GROUP_DIRS - GENAI_DIRS), (genai, GROUP_DIRS & GENAI_DIRS)):
        for gid, group in model.groups.items():
            if model.group_dir[gid] not in dirs:
                continue
            messaging = messaging_span_key(gid, group, model.group_dir[gid])
            if messaging:
                groups.append(("span", messaging, group, model.resolve(gid)))
                continue
            if group["type"] not in ("span", "metric", "event"):
                continue
            key = {"span": gid, "metric": group.get("metric_name"), "event": group.get("name")}[group["type"]]
            if not key:
                sys.exit(f"{model.tag}: {group['type']} group {gid} has no name")
            groups.append((group["type"], key, group, model.resolve(gid)))
    system_metric = [(system, genai.resolve(gid)) for gid, system in sorted(SYSTEM_METRIC_GROUPS.items())]
    keys = [(kind, key) for kind, key, _, _ in groups]
    if len(keys) != len(set(keys)):
        sys.exit("duplicate metric/span/event names")

    # Attributes referenced by exported groups are always listed, whatever their namespace.
    missing = set()
    for attrs in [g[3] for g in groups] + [attrs for _, attrs in system_metric]:
        for name in attrs:
            if name in definitions:
                wanted.add(name)
            else:
                missing.add(name)
    if missing:
        sys.exit(f"referenced attributes without a definition: {sorted(missing)}")

    out = [
        f"# generated by otel-testing/conformance/generate.py from open-telemetry/semantic-conventions "
        f"{main.tag} ({main.sha}) and, for gen_ai.* and openai.*, {genai.tag} ({genai.sha}); do not edit\n",
        "# regenerate: python3 otel-testing/conformance/generate.py --repo <bare clone of "
        "semantic-conventions> --out otel-testing/conformance/semconv.tsv\n",
        "# records: attr name type stability deprecation members | member attr value deprecation | "
        "metric name instrument unit stability deprecation | span id kind stability | "
        "event name stability deprecation | <metric|span|event>_attr owner attr requirement | "
        "system_metric_attr system attr requirement\n",
    ]
    for name in sorted(wanted):
        attr = definitions[name]
        atype, members = attr_type(attr)
        out.append(line("attr", name, atype, attr.get("stability"),
                        deprecation(attr.get("deprecated")), members))
        if isinstance(attr.get("type"), dict):
            # A value is deprecated only when no current member has it (gen_ai.token.type's
            # deprecated member `completion` has the value `output`, as has `output`).
            members = attr["type"]["members"]
            current = {m["value"] for m in members if not m.get("deprecated")}
            for member in members:
                if member.get("deprecated") and member["value"] not in current:
                    out.append(line("member", name, member["value"], deprecation(member["deprecated"])))
    for system, attrs in system_metric:
        for name in sorted(attrs):
            out.append(line("system_metric_attr", system, name, attrs[name]))
    for kind in ("metric", "span", "event"):
        for _, key, group, attrs in sorted(g for g in groups if g[0] == kind):
            if kind == "metric":
                out.append(line("metric", key, group.get("instrument"), group.get("unit"),
                                group.get("stability"), deprecation(group.get("deprecated"))))
            elif kind == "span":
                out.append(line("span", key, group.get("span_kind") or "-", group.get("stability")))
            else:
                out.append(line("event", key, group.get("stability"),
                                deprecation(group.get("deprecated"))))
            for name in sorted(attrs):
                out.append(line(f"{kind}_attr", key, name, attrs[name]))
    return "".join(out)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repo", default=DEFAULT_REPO,
                        help="clone of open-telemetry/semantic-conventions (bare is fine)")
    parser.add_argument("--out", default=os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                                      "semconv.tsv"))
    args = parser.parse_args()
    text = generate(Model(args.repo, MAIN_TAG), Model(args.repo, GENAI_TAG))
    with open(args.out, "w", encoding="utf-8", newline="\n") as f:
        f.write(text)
    print(f"wrote {args.out}: {text.count(chr(10))} lines", file=sys.stderr)


if __name__ == "__main__":
    main()
