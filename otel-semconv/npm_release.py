"""generate.py's second input mode: a release read from its npm package
(`@opentelemetry/semantic-conventions`) over the previous release's YAML model, for a
release whose model cannot be read here.

    base      the model of the previous release (Model, read by generate.py) and that
              release's npm package: the package is checked against the model first, name
              by name, so the reading of the package is proven on a release both exist for
    target    the npm package of the release wanted

The package's changes from base to target (npm_package.diff_npm) are applied to the model:
names added and removed; deprecations (`renamed:<x>` where the note is "Replaced by `x`."
and `x` is a name of the same kind; otherwise `uncategorized`, the package not telling
obsoleted from uncategorized); stability (stable or not: the package does not tell
development from release candidate, so a name new and not stable gets `experimental`, and
a name not stable in both keeps the base model's level); enum members (from the `*_VALUE_*`
constants: value, string or int, member id, stability, deprecation).

What the package does not carry is kept from the base model for names in both, and marked
`unknown` for new ones: an attribute's type (`unknown`, a template's `template[unknown]`;
an enum's is `string` or `int` from its members), a metric's instrument and unit, the
attribute lists of a new metric (none written). In the base model's span, metric and event
groups, an attribute the target newly deprecates gets requirement `unknown`, and each
replacement its note names (an attribute of the target) is added with `unknown`: whether
and how the target's group lists them, the package does not say. Entities (resource.rs)
stay the base model's.

Then the result is checked against the target package name by name, and its types,
members, instruments, units and group lists against the base model's for every name both
hold (a difference must come from a change of the package). GenAI names (gen_ai.*,
openai.*, mcp.*) are left as the model has them and not compared. Any disagreement is
printed and the run exits non-zero.
"""
import re
import sys

from npm_package import GENAI_PREFIXES, diff_npm, read_npm, replacement_of
from semconv_model import UNKNOWN, attr_type, const_name, deprecation, groups_named, without_collisions

RENAMED = re.compile(r"Replaced by `([^`]+)`\.")



def genai(kind, key):
    return (key[0] if kind == "value" else key).startswith(GENAI_PREFIXES)


def npm_deprecation(entry, names):
    """The model form (`-`, `renamed:<x>`, `uncategorized`) of a package entry's note."""
    note = entry["deprecated"]
    if not note:
        return "-"
    match = RENAMED.fullmatch(note)
    if match and match.group(1) in names:
        return f"renamed:{match.group(1)}"
    return "uncategorized"


def model_dep(dep):
    """The model's `deprecated` value for a `deprecation()` string."""
    if dep == "-":
        return None
    if dep.startswith("renamed:"):
        return {"reason": "renamed", "renamed_to": dep[len("renamed:"):]}
    return {"reason": dep}


def member_ident(const, attr_const):
    """`AWS_SNS` of `MESSAGING_SYSTEM_NAME_VALUE_AWS_SNS` (attribute `ATTR_MESSAGING_SYSTEM_NAME`)."""
    prefix = attr_const[len("ATTR_"):] + "_VALUE_"
    if not const.startswith(prefix):
        sys.exit(f"enum constant {const} does not start with {prefix}")
    return const[len(prefix):]


class Release:
    """The model being moved from the base release to the target package."""

    def __init__(self, model, base, target):
        self.model, self.base, self.target = model, base, target
        self.attr_const = {}
        for pkg in (base, target):
            self.attr_const.update({n: e["const"] for n, e in pkg["attr"].items()})
        self.unknown = []  # (kind, name, what)
        self.groups_touched = set()

    # -- the model's names, by kind -----------------------------------------------------

    def named(self, kind, constants=False):
        """{name: definition} of `kind`; `constants`: less the deprecated names whose
        constant is a current name's, as the package (and the Rust constants) have them."""
        if kind == "attr":
            items = self.model.attrs
        else:
            items = groups_named(self.model, kind, "metric_name" if kind == "metric" else "name")
        return without_collisions(items) if constants else items

    def groups_of(self, kind, name):
        key = "metric_name" if kind == "metric" else "name"
        return [gid for gid, g in self.model.groups.items() if g["type"] == kind and g.get(key) == name]

    # -- the check: model against a package ---------------------------------------------

    def check(self, pkg, label):
        """Disagreements between the model and the package `pkg`, non-GenAI names."""
        out = []
        for kind in ("attr", "metric", "event"):
            mine = {n: d for n, d in self.named(kind, constants=True).items() if not genai(kind, n)}
            theirs = {n: e for n, e in pkg[kind].items() if not genai(kind, n)}
            for name in sorted(set(mine) ^ set(theirs)):
                out.append(f"{label}: {kind} {name} only in the " + ("model" if name in mine else "package"))
            for name in sorted(set(mine) & set(theirs)):
                d, e = mine[name], theirs[name]
                if (d.get("stability") == "stable") != e["stable"]:
                    out.append(f"{label}: {kind} {name}: stability {d.get('stability')}, package stable={e['stable']}")
                ours, npm = deprecation(d.get("deprecated")), npm_deprecation(e, pkg[kind])
                if (ours == "-") != (npm == "-") or (ours.startswith("renamed:") or npm.startswith("renamed:")) and ours != npm:
                    out.append(f"{label}: {kind} {name}: deprecation {ours}, package {npm} ({e['deprecated']!r})")
                if kind == "attr":
                    out.extend(self.check_attr(pkg, label, name, d, e))
        return out

    def check_attr(self, pkg, label, name, attr, entry):
        out = []
        atype = attr.get("type")
        if str(atype).startswith("template[") != entry["template"]:
            out.append(f"{label}: attr {name}: type {atype}, package template={entry['template']}")
        values = {k[1]: e for k, e in pkg["value"].items() if k[0] == name}
        members = atype["members"] if isinstance(atype, dict) else []
        # A deprecated value whose constant is a current value's (`azure_aks` beside
        # `azure.aks`): one constant, the package's, for the current value.
        current = {const_name(str(m["id"])) for m in members if not m.get("deprecated")}
        members = [m for m in members if not m.get("deprecated") or const_name(str(m["id"])) not in current]
        ours = sorted(str(m["value"]) for m in members)
        if ours != sorted(v for v, e in values.items() for _ in e["consts"]):
            out.append(f"{label}: attr {name}: members {ours}, package {sorted(values)}")
            return out
        for value, e in sorted(values.items()):
            same = [m for m in members if str(m["value"]) == value]
            if {const_name(str(m["id"])) for m in same} != \
                    {member_ident(c, self.attr_const[name]) for c in e["consts"]}:
                out.append(f"{label}: {name}={value}: member ids {[m['id'] for m in same]}, package {e['consts']}")
            if any(isinstance(m["value"], int) != e["int"] for m in same):
                out.append(f"{label}: {name}={value}: int or string differs")
            if any(m.get("stability") == "stable" for m in same) != e["stable"]:
                out.append(f"{label}: {name}={value}: stability differs")
            ours = {deprecation(m.get("deprecated")) for m in same}
            npm = npm_deprecation(e, values)
            ours = "-" if "-" in ours else ours.pop()
            if (ours == "-") != (npm == "-") or npm.startswith("renamed:") and ours != npm:
                out.append(f"{label}: {name}={value}: deprecation {ours}, package {npm}")
        return out

    # -- the facts the package does not carry -------------------------------------------

    def facts(self):
        """{(kind, name): facts} the package cannot tell: types, members, instruments,
        units, group lists."""
        out = {}
        for name, attr in self.model.attrs.items():
            atype, members = attr_type(attr)
            out[("attr", name)] = (atype, tuple(map(str, members)))
        for gid, group in self.model.groups.items():
            if group["type"] == "metric":
                out[("metric", gid)] = (group.get("instrument"), group.get("unit"))
            out[("group", gid)] = tuple(sorted(self.model.resolved.get(gid, {}).items()))
        return out

    # -- applying the package's changes -------------------------------------------------

    def apply(self, kind, key, change):
        new = self.target[kind].get(key)
        if change == "doc" or genai(kind, key):
            return
        if change == "template":
            sys.exit(f"{kind} {key}: a template in one release and not in the other: not handled")
        if kind == "value":
            return self.apply_value(key, change, new)
        named = self.named(kind)
        if change == "added":
            return self.add(kind, key, new)
        if change == "removed":
            return self.remove(kind, key)
        items = [named[key]] if kind == "attr" else [self.model.groups[g] for g in self.groups_of(kind, key)]
        if change in ("deprecated", "undeprecated", "deprecation-note"):
            dep = npm_deprecation(new, self.target[kind])
            for item in items:
                item["deprecated"] = model_dep(dep)
                if item["deprecated"] is None:
                    del item["deprecated"]
            if kind == "attr" and change == "deprecated":
                self.deprecated_in_groups(key, new)
        elif change == "stability":
            for item in items:
                item["stability"] = "stable" if new["stable"] else "experimental"
        else:
            sys.exit(f"unknown change {change}")

    def add(self, kind, key, entry):
        stability = "stable" if entry["stable"] else "experimental"
        dep = model_dep(npm_deprecation(entry, self.target[kind]))
        item = {"stability": stability}
        if dep:
            item["deprecated"] = dep
        if kind == "attr":
            members = [self.member(key, v, e) for (a, v), e in self.target["value"].items() if a == key]
            if entry["template"]:
                item["type"] = f"template[{UNKNOWN}]"
            elif members:
                item["type"] = {"members": [m for group in members for m in group]}
            else:
                item["type"] = UNKNOWN
            if not isinstance(item["type"], dict):
                self.unknown.append(("attr", key, "type"))
            self.model.define(key, dict(item, id=key))
            return
        gid = f"{kind}.{key}"
        if kind == "metric":
            item.update(type="metric", metric_name=key, instrument=UNKNOWN, unit=UNKNOWN)
            self.unknown.append(("metric", key, "instrument, unit, attributes"))
        else:
            item.update(type="event", name=key)
            self.unknown.append(("event", key, "attributes"))
        self.model.add_group(gid, item, self.directory(kind, key))
        self.model.resolved[gid] = {}

    def directory(self, kind, key):
        """The model directory of the base group of `kind` sharing the longest name prefix."""
        best, best_len = "-", -1
        for gid, group in self.model.groups.items():
            name = group.get("metric_name" if kind == "metric" else "name")
            if group["type"] != kind or not name:
                continue
            common = 0
            for a, b in zip(name.split("."), key.split(".")):
                if a != b:
                    break
                common += 1
            if common > best_len or common == best_len and self.model.group_dir[gid] < best:
                best, best_len = self.model.group_dir[gid], common
        return best if best_len > 0 else "-"

    def member(self, attr, value, entry):
        """The model members of a package enum value (one per constant)."""
        out = []
        for const in entry["consts"]:
            member = {"id": member_ident(const, self.attr_const[attr]).lower(),
                      "value": int(value) if entry["int"] else value,
                      "stability": "stable" if entry["stable"] else "experimental"}
            values = {k[1]: e for k, e in self.target["value"].items() if k[0] == attr}
            dep = model_dep(npm_deprecation(entry, values))
            if dep:
                member["deprecated"] = dep
            out.append(member)
        return out

    def apply_value(self, key, change, new):
        attr_name, value = key
        attr = self.model.attrs[attr_name]
        if change == "added":
            if attr_name not in self.base["attr"]:
                return  # a new attribute: its members came with it
            if not isinstance(attr.get("type"), dict):
                sys.exit(f"{attr_name}: a member added to an attribute that was no enum")
            attr["type"]["members"].extend(self.member(attr_name, value, new))
            return
        members = attr["type"]["members"]
        same = [m for m in members if str(m["value"]) == value]
        if change == "removed":
            attr["type"]["members"] = [m for m in members if str(m["value"]) != value]
        elif change in ("deprecated", "undeprecated", "deprecation-note"):
            values = {k[1]: e for k, e in self.target["value"].items() if k[0] == attr_name}
            dep = model_dep(npm_deprecation(new, values))
            for m in same:
                m.pop("deprecated", None)
                if dep:
                    m["deprecated"] = dep
        elif change == "stability":
            for m in same:
                m["stability"] = "stable" if new["stable"] else "experimental"
        else:
            sys.exit(f"unknown change {change}")

    def remove(self, kind, key):
        if kind == "attr":
            del self.model.attrs[key]
            for gid, attrs in self.model.resolved.items():
                if attrs.pop(key, None):
                    self.groups_touched.add(gid)
            return
        for gid in self.groups_of(kind, key):
            del self.model.groups[gid]
            self.model.resolved.pop(gid, None)

    def deprecated_in_groups(self, key, entry):
        """In each span, metric and event group listing `key`: `key` and the replacements
        its note names, requirement unknown."""
        dep = npm_deprecation(entry, self.target["attr"])
        named = replacement_of(entry["deprecated"]) or ""
        replacements = [dep[len("renamed:"):]] if dep.startswith("renamed:") else \
            [n for n in named.split(" | ") if n in self.target["attr"]]
        for gid, attrs in self.model.resolved.items():
            if key not in attrs or self.model.groups[gid]["type"] not in ("span", "metric", "event"):
                continue
            attrs[key] = UNKNOWN
            for name in replacements:
                attrs.setdefault(name, UNKNOWN)
            self.groups_touched.add(gid)


def release(model, base_source, target_source):
    """Moves `model` (the base release's, GenAI included) to the target package's release;
    returns (target version, notes). Exits non-zero on a disagreement."""
    base_version, base, problems = read_npm(base_source)
    target_version, target, more = read_npm(target_source)
    if problems or more:
        sys.exit("npm package: " + "; ".join(problems + more))
    for gid in list(model.groups):
        model.resolve(gid)
    r = Release(model, base, target)
    failures = r.check(base, f"model against npm {base_version}")
    if failures:
        print("\n".join(failures), file=sys.stderr)
        sys.exit(f"{len(failures)} disagreements between the base model and npm {base_version}")
    before = r.facts()
    changes = diff_npm(base, target)
    for kind, key, change, _ in changes:
        r.apply(kind, key, change)
    failures = r.check(target, f"result against npm {target_version}")
    after = r.facts()
    changed = {("attr", k[0] if isinstance(k, tuple) else k) for kind, k, c, _ in changes
               if kind in ("attr", "value") and c in ("added", "removed")}
    changed |= {("group", gid) for gid in r.groups_touched}
    for key in sorted(set(before) & set(after)):
        if before[key] != after[key] and key not in changed:
            failures.append(f"result against the base model: {key} {before[key]} -> {after[key]}")
    if failures:
        print("\n".join(failures), file=sys.stderr)
        sys.exit(f"{len(failures)} disagreements")
    unknown_levels = sum(1 for gid in r.groups_touched for level in model.resolved[gid].values()
                         if level == UNKNOWN)
    shared = {k: sum(1 for n in target[k] if n in base[k] and not genai(k, n)) for k in target}
    counts = {}
    for kind, _, change, _ in changes:
        counts[(kind, change)] = counts.get((kind, change), 0) + 1
    notes = [f"npm {base_version} agrees with the base model: "
             + ", ".join(f"{k} {sum(1 for n in base[k] if not genai(k, n))}" for k in base)
             + " (GenAI names left out)",
             f"applied npm {base_version} -> {target_version}: "
             + ", ".join(f"{k} {c} {n}" for (k, c), n in sorted(counts.items()) if c != "doc"),
             f"the result agrees with npm {target_version}: "
             + ", ".join(f"{k} {sum(1 for n in target[k] if not genai(k, n))}" for k in target)
             + "; facts kept from the base model for the names both hold: "
             + ", ".join(f"{k} {n}" for k, n in shared.items()),
             f"requirement levels unknown in the base model's groups: {unknown_levels} entries in "
             f"{len(r.groups_touched)} groups (attributes {target_version} deprecates, their replacements)",
             f"unknown in {target_version} ({len(r.unknown)}): "
             + ", ".join(f"{kind} {name} ({what})" for kind, name, what in sorted(r.unknown))]
    return target_version, notes
