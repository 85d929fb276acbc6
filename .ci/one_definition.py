#!/usr/bin/env python3
"""Each builder setting is defined once per builder surface.

A surface is the set of builders a user configures one way: the HTTP server (tower and
actix-web, one `ServerLayer<F>`), the HTTP clients (tower, reqwest, awc, one
`ClientLayer<F>`), the gRPC layers (one `GrpcLayer<S>`), the messaging adapters' builders
(NATS, RabbitMQ, Kafka, one `Builder<S>`). A shared setting (`span_name`,
`exclude_when`, `capture_headers`, ...) written out in two builders of one surface is the
copying this check stops: its docs and doctests drift apart.

The OTLP export settings are a surface of fields: each of `ExportSettings`' fields
(otel-kit-otlp) is declared once across otel-kit-otlp and otel-kit-init's configuration;
the exporter builder, the signal configuration and `OtlpOptions` hold or edit that value
instead of declaring the setting again.

    .ci/one_definition.py        # the check; exit 1 naming each extra definition
"""

import pathlib
import re
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent

# The settings every builder of a surface shares.
SHARED = [
    "known_methods",
    "max_request_value_bytes",
    "capture_headers",
    "exclude_when",
    "span_name",
    "span_attributes_from_request",
    "span_attributes_from_response",
    "metric_attributes_from_request",
    "dropped_metric_attributes",
    "providers",
    "propagate_if",
    "exclude_path",
    "exclude_prefix",
    "exclude_nothing",
    "exclude_service",
    "server",
    "process_parent",
    "record_body_size",
]

# surface: (its source folders, how many definitions of one setting it may hold).
SURFACES = {
    "HTTP server": (["otel-http/src/server", "otel-http/src/actix"], 1),
    "HTTP client": (["otel-http/src/client", "otel-http/src/tower_client", "otel-http/src/awc", "otel-http/src/outgoing"], 1),
    "gRPC": (["otel-grpc/src"], 1),
    # The adapters' builders (`Builder<S>` in builder.rs); `Messaging`, the API they are
    # built on, is another surface.
    "messaging": (["otel-messaging/src/builder.rs", "otel-messaging/src/nats", "otel-messaging/src/rabbitmq", "otel-messaging/src/kafka"], 1),
}

DEFINITION = re.compile(r"^\s*pub fn ([a-z_]+)\s*[<(]", re.M)

# The OTLP settings: the file that declares them, and where a setting could be declared
# again: otel-kit-otlp's settings and builder, otel-kit-init's configuration and builder
# (the transports' own state, a parsed `Uri` or a `HeaderMap`, is not a setting).
OTLP_SETTINGS = "otel-otlp/src/export_settings/settings.rs"
OTLP_FOLDERS = ["otel-otlp/src/export_settings", "otel-otlp/src/exporter_builder.rs", "otel-init/src/config", "otel-init/src/builder"]
FIELD = re.compile(r"^\s*(?:pub(?:\([a-z]+\))?\s+)?([a-z_][a-z0-9_]*)\s*:\s*[A-Z(&]", re.M)


def struct_fields(text: str) -> list[tuple[str, int]]:
    """The fields of every braced struct in `text`, with their lines."""
    found = []
    for struct in re.finditer(r"^\s*(?:pub(?:\([a-z]+\))?\s+)?struct \w+(?:<[^>{]*>)?\s*\{", text, re.M):
        depth, i = 1, struct.end()
        while depth and i < len(text):
            depth += {"{": 1, "}": -1}.get(text[i], 0)
            i += 1
        body = text[struct.end():i - 1]
        for field in FIELD.finditer(body):
            found.append((field.group(1), text.count("\n", 0, struct.end() + field.start()) + 1))
    return found


def otlp_settings() -> tuple[int, list[str]]:
    """How many OTLP settings there are, and each extra declaration of one."""
    settings = {name for name, _ in struct_fields((ROOT / OTLP_SETTINGS).read_text())}
    places: dict[str, list[str]] = {}
    for folder in OTLP_FOLDERS:
        place = ROOT / folder
        for path in [place] if place.is_file() else sorted(place.rglob("*.rs")):
            for name, line in struct_fields(path.read_text()):
                if name in settings:
                    places.setdefault(name, []).append(f"{path.relative_to(ROOT)}:{line}")
    extra = [
        f"OTLP settings: `{name}` is declared {len(where)} times (once, in {OTLP_SETTINGS}): {', '.join(where)}"
        for name, where in sorted(places.items())
        if len(where) > 1
    ]
    return len(settings), extra


def main() -> int:
    failures = []
    for surface, (folders, allowed) in SURFACES.items():
        places: dict[str, list[str]] = {}
        for folder in folders:
            place = ROOT / folder
            for path in [place] if place.is_file() else sorted(place.rglob("*.rs")):
                text = path.read_text()
                for match in DEFINITION.finditer(text):
                    name = match.group(1)
                    if name in SHARED:
                        line = text.count("\n", 0, match.start()) + 1
                        places.setdefault(name, []).append(f"{path.relative_to(ROOT)}:{line}")
        for name, where in sorted(places.items()):
            if len(where) > allowed:
                failures.append(f"{surface}: `{name}` is defined {len(where)} times (at most {allowed}): {', '.join(where)}")
        print(f"{surface}: {len(places)} shared settings, each defined at most {max((len(w) for w in places.values()), default=0)} time(s)")
    count, extra = otlp_settings()
    failures += extra
    print(f"OTLP settings: {count} fields of ExportSettings, each declared at most {2 if extra else 1} time(s)")
    for failure in failures:
        print(failure, file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
