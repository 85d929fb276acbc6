"""A Python OpenTelemetry SDK client for the interop tests (tests/it/python_interop.rs).

usage: client.py URL {tracecontext|b3multi|jaeger|ottrace|xray} [BAGGAGE_JSON]

Starts a CLIENT span with the Python SDK (with the baggage of BAGGAGE_JSON, an object of
names to values, in its context when given), injects its context into the request
headers with the chosen propagator (and only that one), sends GET URL with urllib, ends
the span, and prints one JSON object on stdout: the span's ids as the SDK exported them,
whether it was sampled, the headers it sent, and the response status and body.
"""

import json
import sys
import urllib.request

from opentelemetry import baggage, propagate, trace
from opentelemetry import context as otel_context
from opentelemetry.propagators.aws import AwsXRayPropagator
from opentelemetry.propagators.b3 import B3MultiFormat
from opentelemetry.propagators.jaeger import JaegerPropagator
from opentelemetry.propagators.ot_trace import OTTracePropagator
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.id_generator import RandomIdGenerator
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind, format_span_id, format_trace_id
from opentelemetry.trace.propagation.tracecontext import TraceContextTextMapPropagator

PROPAGATORS = {
    "tracecontext": TraceContextTextMapPropagator,
    "b3multi": B3MultiFormat,
    "jaeger": JaegerPropagator,
    "ottrace": OTTracePropagator,
    "xray": AwsXRayPropagator,
}
TIMEOUT_SECONDS = 10


class IdsWithoutRandomFlag(RandomIdGenerator):
    """Random ids that do not claim W3C's random-trace-id flag.

    opentelemetry-propagator-ot-trace 0.66b1 writes `ot-tracer-sampled: true` only when
    the flags equal SAMPLED exactly, so a sampled span of SDK 1.45 (flags 0x03, sampled
    and random) would go out as not sampled.
    """

    def is_trace_id_random(self) -> bool:
        return False


def main() -> None:
    url, propagator = sys.argv[1], sys.argv[2]
    propagate.set_global_textmap(PROPAGATORS[propagator]())

    exporter = InMemorySpanExporter()
    provider = TracerProvider(id_generator=IdsWithoutRandomFlag() if propagator == "ottrace" else None)
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    trace.set_tracer_provider(provider)
    tracer = trace.get_tracer("otel-kit-http-interop")

    entries = json.loads(sys.argv[3]) if len(sys.argv) > 3 else {}
    ctx = otel_context.get_current()
    for name, value in entries.items():
        ctx = baggage.set_baggage(name, value, ctx)
    otel_context.attach(ctx)

    headers: dict[str, str] = {}
    with tracer.start_as_current_span("python-client", kind=SpanKind.CLIENT):
        propagate.inject(headers)
        request = urllib.request.Request(url, headers=headers)
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:
            status = response.status
            body = response.read().decode()

    [span] = exporter.get_finished_spans()
    context = span.get_span_context()
    print(
        json.dumps(
            {
                "trace_id": format_trace_id(context.trace_id),
                "span_id": format_span_id(context.span_id),
                "sampled": context.trace_flags.sampled,
                # As given to urllib, which sends the names title-cased on the wire
                # (`Traceparent`, `X-B3-Traceid`).
                "sent_headers": dict(request.header_items()),
                "status": status,
                "body": body,
            }
        )
    )


if __name__ == "__main__":
    main()
