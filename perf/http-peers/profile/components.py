#!/usr/bin/env python3
"""Where the kit's added instructions per request go, by component, from callgrind runs
of a kit variant and of plain (callgrind.sh's files, two request counts each):

    components.py OUT_DIR KIT_VARIANT PLAIN_VARIANT N1 N2

Each component is the inclusive count of the kit's entry point for it, less what it
wraps (the inner call it times), per request; "the rest" is the total added less them
all: the server span's end and its duration, larger futures, wake-ups, the allocator."""
import os, re, sys
from functools import lru_cache

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import callgrind_table  # noqa: E402

out, kit, plain, n1, n2 = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), int(sys.argv[5])

@lru_cache(None)
def table(path):
    return callgrind_table.table(path, inclusive=True)

def per(variant, pattern):
    (a, _), (b, _) = table(f"{out}/callgrind.out.{variant}.{n1}"), table(f"{out}/callgrind.out.{variant}.{n2}")
    r = re.compile(pattern)
    return sum(b.get(k, 0) - a.get(k, 0) for k in set(a) | set(b) if r.fullmatch(k)) / (n2 - n1)

def total(variant):
    return (table(f"{out}/callgrind.out.{variant}.{n2}")[1] - table(f"{out}/callgrind.out.{variant}.{n1}")[1]) / (n2 - n1)

E = re.escape
client = E("otel_kit_http::client::middleware::<impl reqwest_middleware::middleware::Middleware for "
           "otel_kit_http::outgoing::layer::ClientLayer<otel_kit_http::framework::Reqwest>>::handle::{{closure}}")
next_run = E("reqwest_middleware::middleware::Next::run::{{closure}}")
bridge = E("<opentelemetry_appender_tracing::layer::OpenTelemetryTracingBridge<P,L> as "
           "tracing_subscriber::layer::Layer<S>>::on_event")
dispatch = E("tracing_core::event::Event::dispatch")
enabled = E("tracing::__macro_support::__is_enabled")
server_call = E("otel_kit_http::server::service::<impl otel_kit_core::request_path::instrumented_service::InstrumentRequest"
                "<S,http::request::Request<ReqBody>> for otel_kit_http::server::config::Config>::call")
# Where the compiler inlines the layer's `call` into its caller, what it ran is its
# resolver closure and the call future's start.
server_start = per(kit, server_call) or (
    per(kit, server_call + E("::{{closure}}")) + per(kit, E("otel_kit_core::request_path::call::CallFuture<F,C>::start")))
rows = [
    ("the HTTP server layer's start (sampling, span, attributes, context)", server_start),
    ("the reqwest client middleware's own work (span, propagation, duration)", per(kit, client) - per(kit, next_run)),
    ("reqwest-middleware itself (its request builder, `Next::run`)",
     per(kit, next_run) - per(kit, E("reqwest::async_impl::client::Client::execute"))
     - per(kit, E("<reqwest::async_impl::client::Pending as core::future::future::Future>::poll"))
     + per(kit, E("reqwest_middleware::client::ClientWithMiddleware::get"))
     - per(plain, E("reqwest::async_impl::client::Client::request"))),
    ("the sqlx wrapper (span, duration, its future)",
     per(kit, E("otel_kit_db::sqlx::traced::QueryStart::fetch_optional::{{closure}}"))
     - per(kit, E("sqlx_core::pool::executor::<impl sqlx_core::executor::Executor for &sqlx_core::pool::Pool<DB>>"
                  "::fetch_optional::{{closure}}"))),
    ("the log line as an OTLP record (the bridge, the log queue)", per(kit, bridge)),
    ("the log line on the console: its ids, and the layers' dispatch",
     per(kit, dispatch) - per(plain, dispatch) - per(kit, bridge)),
    ("the log line's `enabled` pass", per(kit, enabled) - per(plain, enabled)),
    # One generic worker exports both signals, so callgrind names their threads alike.
    # (Before it, the span worker's own name and the SDK's log processor's.)
    ("the span and log export threads (encoding, sending)",
     per(kit, E("otel_kit_processors::batch::worker::Worker<S,E>::run"))
     + per(kit, E("otel_kit_processors::batch::span_queue_processor::Worker<E>::run"))
     + per(kit, E("opentelemetry_sdk::logs::batch_log_processor::BatchLogProcessor::new::{{closure}}::get_logs_and_export"))),
]
added = total(kit) - total(plain)
for name, value in rows:
    print(f"{value:9,.0f}  {name}")
print(f"{added - sum(v for _, v in rows):9,.0f}  the rest")
print(f"{added:9,.0f}  added per request, {kit} - {plain}")
