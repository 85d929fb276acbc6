"""The semantic conventions' YAML model as otel-semconv/generate.py reads it: its groups
and attribute definitions, merged, with each group's resolved attributes and requirement
levels. Shared by generate.py and npm_release.py (which moves a model to a later release
from its npm package). Needs PyYAML.
"""
import os
import re
import subprocess
import sys

import yaml

REQUIREMENTS = ("required", "conditionally_required", "recommended", "opt_in")
# What --npm-package writes where the package does not tell (a type, instrument, unit,
# requirement level).
UNKNOWN = "unknown"


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


def groups_named(model, kind, key):
    """{name: group} of the model's groups of `kind`, named by their `key`."""
    named = {}
    for group in model.groups.values():
        if group["type"] == kind and group.get(key):
            named.setdefault(group[key], group)
    return named


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
