"""A Python HTTP server for the interop tests (tests/it/python_interop.rs).

usage: server.py {tracecontext|b3multi|jaeger|ottrace|xray}

Listens on 127.0.0.1 on an ephemeral port and prints {"port": N} as its first stdout
line. Every GET is answered with JSON: the span context the Python SDK's global
propagator (`opentelemetry.propagate.extract`, the chosen propagator only) extracted
from the request headers (and the baggage it extracted), the ids of a SERVER span the SDK started as its child, and
the headers received as [name, value] pairs. Exits when its stdin closes (the test is
gone) or after DEADLINE_SECONDS, whichever comes first, so it never outlives a killed
test.
"""

import json
import os
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from opentelemetry import baggage, propagate, trace
from opentelemetry.propagators.aws import AwsXRayPropagator
from opentelemetry.propagators.b3 import B3MultiFormat
from opentelemetry.propagators.jaeger import JaegerPropagator
from opentelemetry.propagators.ot_trace import OTTracePropagator
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.trace import SpanKind, format_span_id, format_trace_id
from opentelemetry.trace.propagation.tracecontext import TraceContextTextMapPropagator

PROPAGATORS = {
    "tracecontext": TraceContextTextMapPropagator,
    "b3multi": B3MultiFormat,
    "jaeger": JaegerPropagator,
    "ottrace": OTTracePropagator,
    "xray": AwsXRayPropagator,
}
DEADLINE_SECONDS = 120


def ids(context: trace.SpanContext) -> dict:
    return {
        "trace_id": format_trace_id(context.trace_id),
        "span_id": format_span_id(context.span_id),
        "valid": context.is_valid,
        "remote": context.is_remote,
        "sampled": context.trace_flags.sampled,
    }


class Handler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # noqa: N802 (the stdlib's name)
        # `self.headers` is an `http.client.HTTPMessage`: its `get` ignores case.
        extracted = propagate.extract(self.headers)
        parent = trace.get_current_span(extracted).get_span_context()
        tracer = trace.get_tracer("otel-kit-http-interop")
        with tracer.start_as_current_span(
            "python-server", context=extracted, kind=SpanKind.SERVER
        ) as span:
            server_span = ids(span.get_span_context())
            server_span["parent_span_id"] = (
                format_span_id(span.parent.span_id) if span.parent else None
            )
        body = json.dumps(
            {
                "extracted": ids(parent),
                "baggage": {k: str(v) for k, v in baggage.get_all(extracted).items()},
                "server_span": server_span,
                "headers": [[name, value] for name, value in self.headers.items()],
            }
        ).encode()
        self.send_response(200)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args) -> None:  # noqa: A002
        pass


def exit_when_stdin_closes() -> None:
    sys.stdin.read()
    os._exit(0)


def main() -> None:
    propagate.set_global_textmap(PROPAGATORS[sys.argv[1]]())
    trace.set_tracer_provider(TracerProvider())
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=exit_when_stdin_closes, daemon=True).start()
    deadline = threading.Timer(DEADLINE_SECONDS, os._exit, args=(3,))
    deadline.daemon = True
    deadline.start()
    print(json.dumps({"port": server.server_address[1]}), flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
