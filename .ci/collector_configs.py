#!/usr/bin/env python3
"""Structural check of the shipped OpenTelemetry Collector configurations.

No Collector can be installed on the project's machine class, so the three configs under
docs/deploy/ are never run here. This script checks what can be checked without one, for
each of collector-agent.yaml, collector-gateway.yaml and collector-compose.yaml:

- the YAML parses, and every component a pipeline names (receivers, processors,
  exporters) and every entry of service.extensions is defined in its top-level section;
- every `auth: authenticator:` names an extension that is defined and enabled;
- every OTLP receiver (`otlp`, `otlp/...`) in a pipeline has `tls` (cert_file, key_file)
  and `auth` under each protocol that listens beyond loopback, unless LOOPBACK_ONLY
  below names it with a reason; a bearertokenauth extension takes its token from the
  environment (`${env:NAME}`) or a file, never inline;
- each traces and logs pipeline runs the redaction backstop (REDACTION), which covers
  the authorization, proxy-authorization, cookie and set-cookie headers, user.email and
  the password patterns of db.query.text;
- every pipeline starts with memory_limiter and ends with batch;
- a tail_sampling processor in a pipeline is capped (every top-level policy bounded in
  spans per second), and the gateway has one;
- the environment variables a config reads are set, and the files it names are mounted,
  where it runs: the Kubernetes workload that mounts its ConfigMap
  (kustomization.yaml's configMapGenerator), or the compose service that mounts it;
- every `<name>.<namespace>.svc.cluster.local` a config dials names a Service of the
  manifests.

And every YAML file under docs/deploy/ parses (yaml.safe_load_all), and the files
kustomization.yaml names exist.

Exits 1 with one line per problem, naming the file and what is missing. Usage:
    python3 .ci/collector_configs.py
"""

import re
import sys
from pathlib import Path

import yaml

try:  # libyaml when present: the same result, faster
    Loader = yaml.CSafeLoader
except AttributeError:
    Loader = yaml.SafeLoader

DEPLOY = Path(__file__).resolve().parent.parent / "docs" / "deploy"
CONFIGS = ["collector-agent.yaml", "collector-gateway.yaml", "collector-compose.yaml"]
# The configs that must tail-sample (and so must cap it).
TAIL_SAMPLING_REQUIRED = {"collector-gateway.yaml"}
# The redaction backstop processor, and what its statements must cover, per signal.
REDACTION = "transform/redact"
REDACTION_STATEMENTS = {"traces": "trace_statements", "logs": "log_statements"}
REDACTION_TERMS = [
    "authorization",
    "proxy-authorization",
    "cookie",
    "set-cookie",
    "user.email",
    "db.query.text",
    "password",
    "identified",
]
# OTLP receiver protocols that listen beyond loopback without TLS and auth on purpose:
# (config, receiver, protocol) -> the one-line reason. Empty: every OTLP receiver that
# listens beyond loopback has both. An entry that names no such protocol is an error.
#   ("collector-agent.yaml", "otlp/sidecar", "grpc"): "pod-local: only the app's own
#   container reaches this port, and NetworkPolicy refuses the rest",
LOOPBACK_ONLY: dict = {}
LOOPBACK_HOSTS = {"localhost", "::1"}
# The OTLP receiver's default endpoints (collector 0.104 and later).
DEFAULT_ENDPOINTS = {"grpc": "localhost:4317", "http": "localhost:4318"}

problems: list = []


def problem(where: str, what: str) -> None:
    problems.append(f"{where}: {what}")


def kind(component_id: str) -> str:
    """The component type of an id: `otlp/gateway` -> `otlp`."""
    return component_id.split("/", 1)[0]


def walk(node, path=()):
    """Every (path, mapping) in a YAML tree."""
    if isinstance(node, dict):
        yield path, node
        for key, value in node.items():
            yield from walk(value, path + (str(key),))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from walk(value, path + (str(i),))


def strings(node):
    if isinstance(node, str):
        yield node
    elif isinstance(node, dict):
        for value in node.values():
            yield from strings(value)
    elif isinstance(node, list):
        for value in node:
            yield from strings(value)


def is_loopback(endpoint: str) -> bool:
    """Whether `host:port` listens on loopback only (`localhost`, `127.x.y.z`, `[::1]`)."""
    host = endpoint.rsplit(":", 1)[0] if ":" in endpoint else endpoint
    host = host.strip("[]")
    return host in LOOPBACK_HOSTS or host.startswith("127.")


def load_all(path: Path):
    try:
        return [d for d in yaml.load_all(path.read_text(), Loader=Loader) if d is not None]
    except yaml.YAMLError as e:
        problem(str(path.relative_to(DEPLOY)), "does not parse: " + " ".join(str(e).split()))
        return []


# ---------------------------------------------------------------------------------------
# One collector configuration on its own.
# ---------------------------------------------------------------------------------------


def check_config(name: str, config: dict) -> None:
    service = config.get("service") or {}
    pipelines = service.get("pipelines") or {}
    extensions = config.get("extensions") or {}
    enabled = service.get("extensions") or []
    if not pipelines:
        problem(name, "no service.pipelines")

    for ext in enabled:
        if ext not in extensions:
            problem(name, f"service.extensions names {ext!r}, which extensions: does not define")

    # Pipelines name defined components; memory_limiter first, batch last.
    connectors = config.get("connectors") or {}
    for pipeline, spec in pipelines.items():
        spec = spec or {}
        for section in ("receivers", "processors", "exporters"):
            defined = config.get(section) or {}
            for component in spec.get(section) or []:
                if component not in defined and not (section != "processors" and component in connectors):
                    problem(name, f"pipeline {pipeline} names {section[:-1]} {component!r}, which {section}: does not define")
        processors = spec.get("processors") or []
        if not processors or kind(processors[0]) != "memory_limiter":
            problem(name, f"pipeline {pipeline}: memory_limiter is not the first processor")
        if not processors or kind(processors[-1]) != "batch":
            problem(name, f"pipeline {pipeline}: batch is not the last processor")

    # Every authenticator is a defined, enabled extension.
    for section in ("receivers", "exporters"):
        for path, node in walk(config.get(section) or {}):
            auth = node.get("auth")
            if isinstance(auth, dict):
                ext = auth.get("authenticator")
                where = f"{section}.{'.'.join(path)}.auth"
                if ext not in extensions:
                    problem(name, f"{where} names authenticator {ext!r}, which extensions: does not define")
                elif ext not in enabled:
                    problem(name, f"{where} names authenticator {ext!r}, which service.extensions does not enable")

    # Bearer tokens come from the environment or a file.
    for ext, spec in extensions.items():
        if kind(ext) != "bearertokenauth":
            continue
        spec = spec or {}
        tokens = ([spec["token"]] if "token" in spec else []) + list(spec.get("tokens") or [])
        if not tokens and not spec.get("filename"):
            problem(name, f"extension {ext}: no token and no filename")
        for token in tokens:
            if not re.fullmatch(r"\$\{env:[A-Za-z_][A-Za-z0-9_]*\}", str(token)):
                problem(name, f"extension {ext}: the token is written in the file; use ${{env:NAME}}")

    # OTLP receivers in a pipeline: TLS and auth on every protocol beyond loopback.
    used_receivers = {r for spec in pipelines.values() for r in (spec or {}).get("receivers") or []}
    receivers = config.get("receivers") or {}
    listed = set()
    for receiver in sorted(used_receivers):
        if kind(receiver) != "otlp":
            continue
        protocols = ((receivers.get(receiver) or {}).get("protocols")) or {}
        if not protocols:
            problem(name, f"receiver {receiver}: no protocols")
        for protocol, settings in protocols.items():
            settings = settings or {}
            listed.add((name, receiver, protocol))
            endpoint = str(settings.get("endpoint") or DEFAULT_ENDPOINTS.get(protocol, ""))
            if is_loopback(endpoint) or (name, receiver, protocol) in LOOPBACK_ONLY:
                continue
            where = f"receiver {receiver} protocol {protocol} (endpoint {endpoint})"
            tls = settings.get("tls")
            if not isinstance(tls, dict) or not tls.get("cert_file") or not tls.get("key_file"):
                problem(name, f"{where} listens beyond loopback without tls (cert_file, key_file)")
            auth = settings.get("auth")
            if not isinstance(auth, dict) or not auth.get("authenticator"):
                problem(name, f"{where} listens beyond loopback without auth (authenticator)")
            elif kind(auth["authenticator"]) != "bearertokenauth":
                problem(name, f"{where}: the authenticator is not a bearertokenauth extension")
    for key in LOOPBACK_ONLY:
        if key[0] == name and key not in listed:
            problem(name, f"LOOPBACK_ONLY names {key[1]} {key[2]}, which no pipeline receives through")

    # The redaction backstop in every traces and logs pipeline.
    processors = config.get("processors") or {}
    for pipeline, spec in pipelines.items():
        signal = kind(pipeline)
        if signal not in REDACTION_STATEMENTS:
            continue
        if REDACTION not in ((spec or {}).get("processors") or []):
            problem(name, f"pipeline {pipeline} does not run the redaction backstop {REDACTION}")
            continue
        statements = (processors.get(REDACTION) or {}).get(REDACTION_STATEMENTS[signal]) or []
        text = "\n".join(str(s) for s in statements).lower()
        missing = [t for t in REDACTION_TERMS if t not in text]
        if missing:
            problem(name, f"{REDACTION}.{REDACTION_STATEMENTS[signal]} (pipeline {pipeline}) does not cover {missing}")

    # Tail sampling: present where required, capped wherever used.
    sampling = [
        p for spec in pipelines.values() for p in (spec or {}).get("processors") or [] if kind(p) == "tail_sampling"
    ]
    if name in TAIL_SAMPLING_REQUIRED and not sampling:
        problem(name, "no tail_sampling processor in a pipeline")
    for processor in sorted(set(sampling)):
        policies = (processors.get(processor) or {}).get("policies") or []
        if not policies:
            problem(name, f"{processor}: no policies")
        for policy in policies:
            why = unbounded(policy)
            if why:
                problem(name, f"{processor} policy {policy.get('name')!r} has no rate cap: {why}")


def unbounded(policy: dict) -> str:
    """Why a top-level tail-sampling policy can keep unboundedly many spans per second,
    or "" when it cannot. Top-level policies are OR-ed: each must be bounded."""
    kind_ = policy.get("type")
    if kind_ == "drop":
        return ""  # it only ever drops
    if kind_ == "rate_limiting":
        rate = (policy.get("rate_limiting") or {}).get("spans_per_second") or 0
        return "" if rate > 0 else "rate_limiting.spans_per_second is not positive"
    if kind_ == "and":
        subs = (policy.get("and") or {}).get("and_sub_policy") or []
        if any(s.get("type") == "rate_limiting" and ((s.get("rate_limiting") or {}).get("spans_per_second") or 0) > 0 for s in subs):
            return ""
        return "an `and` policy without a rate_limiting sub-policy"
    if kind_ == "composite":
        composite = policy.get("composite") or {}
        if not (composite.get("max_total_spans_per_second") or 0) > 0:
            return "composite.max_total_spans_per_second is not positive"
        subs = [s.get("name") for s in composite.get("composite_sub_policy") or []]
        allocation = {a.get("policy"): a.get("percent") or 0 for a in composite.get("rate_allocation") or []}
        # A sub-policy without an allocation gets 0 spans/s: it would never keep anything.
        missing = [s for s in subs if not allocation.get(s, 0) > 0]
        if missing:
            return f"composite sub-policies without a rate_allocation: {missing}"
        if sum(allocation.values()) > 100:
            return f"composite rate_allocation adds up to {sum(allocation.values())}% (over 100)"
        return ""
    return f"type {kind_!r} keeps whatever matches"


# ---------------------------------------------------------------------------------------
# Where each configuration runs.
# ---------------------------------------------------------------------------------------


def env_references(config: dict) -> set:
    return {m for s in strings(config) for m in re.findall(r"\$\{env:([A-Za-z_][A-Za-z0-9_]*)", s)}


def file_references(config: dict) -> set:
    files = set()
    for _, node in walk(config):
        for key in ("cert_file", "key_file", "ca_file", "client_ca_file", "filename"):
            if isinstance(node.get(key), str):
                files.add(node[key])
    return files


def under(path: str, mounts) -> bool:
    return any(path == m or path.startswith(m.rstrip("/") + "/") for m in mounts)


def check_kubernetes(configs: dict) -> set:
    """The workloads that run the configs kustomization.yaml turns into ConfigMaps;
    returns the `<service>.<namespace>` names of the manifests' Services."""
    kustomization_path = DEPLOY / "kustomization.yaml"
    kustomization = (load_all(kustomization_path) or [{}])[0]
    objects = []
    for resource in kustomization.get("resources") or []:
        path = DEPLOY / resource
        if not path.is_file():
            problem("kustomization.yaml", f"resource {resource} does not exist")
            continue
        objects += load_all(path)
    services = {
        f"{o['metadata']['name']}.{o['metadata'].get('namespace', 'default')}"
        for o in objects
        if isinstance(o, dict) and o.get("kind") == "Service"
    }
    for generator in kustomization.get("configMapGenerator") or []:
        for entry in generator.get("files") or []:
            source = entry.split("=", 1)[-1]
            if not (DEPLOY / source).is_file():
                problem("kustomization.yaml", f"configMapGenerator {generator.get('name')}: {source} does not exist")
            if source not in configs:
                continue
            runs = False
            for o in objects:
                pod = ((o.get("spec") or {}).get("template") or {}).get("spec") or {}
                volumes = {
                    v["name"]: v for v in pod.get("volumes") or [] if (v.get("configMap") or {}).get("name") == generator.get("name")
                }
                for container in pod.get("containers") or []:
                    mounts = container.get("volumeMounts") or []
                    if not any(m.get("name") in volumes for m in mounts):
                        continue
                    runs = True
                    where = f"{source} ({o['kind']} {o['metadata']['name']}, container {container['name']})"
                    env = {e["name"] for e in container.get("env") or []}
                    for var in sorted(env_references(configs[source]) - env):
                        problem(where, f"reads ${{env:{var}}}, which the container's env does not set")
                    paths = [m["mountPath"] for m in mounts]
                    for file in sorted(file_references(configs[source])):
                        if not under(file, paths):
                            problem(where, f"names {file}, which no volumeMount provides")
            if not runs:
                problem(source, f"no workload of kustomization.yaml mounts the ConfigMap {generator.get('name')}")
    return services


def check_compose(configs: dict) -> None:
    compose_path = DEPLOY / "compose" / "compose.yaml"
    compose = (load_all(compose_path) or [{}])[0]
    for source, config in configs.items():
        for service_name, service in (compose.get("services") or {}).items():
            volumes = [v for v in service.get("volumes") or [] if isinstance(v, str)]
            if not any(v.split(":")[0] == f"../{source}" for v in volumes):
                continue
            where = f"{source} (compose service {service_name})"
            environment = service.get("environment") or {}
            names = set(environment) if isinstance(environment, dict) else {e.split("=", 1)[0] for e in environment}
            for var in sorted(env_references(config) - names):
                problem(where, f"reads ${{env:{var}}}, which the service's environment does not set")
            targets = [v.split(":")[1] for v in volumes if v.count(":") >= 1]
            for file in sorted(file_references(config)):
                if not under(file, targets):
                    problem(where, f"names {file}, which no volume provides")
            break
        else:
            if source == "collector-compose.yaml":
                problem(source, "no service of compose/compose.yaml mounts it")


def check_service_names(name: str, config: dict, services: set) -> None:
    for s in strings(config):
        for host in re.findall(r"([a-z0-9-]+)\.([a-z0-9-]+)\.svc\.cluster\.local", s):
            if f"{host[0]}.{host[1]}" not in services:
                problem(name, f"dials {host[0]}.{host[1]}.svc.cluster.local, a Service the manifests do not define")


def main() -> int:
    for path in sorted(DEPLOY.rglob("*.yaml")) + sorted(DEPLOY.rglob("*.yml")):
        load_all(path)
    configs = {}
    for name in CONFIGS:
        documents = load_all(DEPLOY / name)
        if len(documents) != 1 or not isinstance(documents[0], dict):
            problem(name, "is not one YAML mapping")
            continue
        configs[name] = documents[0]
        check_config(name, documents[0])
    services = check_kubernetes(configs)
    check_compose(configs)
    for name in ("collector-agent.yaml", "collector-gateway.yaml"):
        if name in configs:
            check_service_names(name, configs[name], services)
    if problems:
        print(f"collector configurations: {len(problems)} problem(s):", file=sys.stderr)
        for line in problems:
            print(f"  docs/deploy/{line}", file=sys.stderr)
        return 1
    files = len(list(DEPLOY.rglob("*.yaml"))) + len(list(DEPLOY.rglob("*.yml")))
    print(f"collector configurations: {', '.join(CONFIGS)} consistent; {files} YAML files under docs/deploy parse")
    return 0


if __name__ == "__main__":
    sys.exit(main())
