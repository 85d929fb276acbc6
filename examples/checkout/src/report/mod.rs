//! The end-of-run report the demo prints when it ran with its embedded OTLP receiver
//! (`otel_kit::testing::TestCollector`): everything here reads what the receiver got over
//! the wire, so it shows exactly what a real backend would have been sent.
//!
//! Three parts, all plain text that fits 120 columns:
//!
//! 1. **Waterfalls** ([`waterfalls`], [`waterfall`]): the slowest trace (the longest
//!    root span) and the first failed trace (one with an ERROR span), as a span tree
//!    like Jaeger's: per span its indented name, service (`service.name` of its
//!    resource), kind, status, start offset and duration in milliseconds, a bar on a
//!    fixed-width time axis, and below it a few key attributes chosen by convention
//!    (HTTP method, route, status and `url.full`; `rpc.method` and
//!    `rpc.status_code`; `db.system.name` and `db.query.summary`; the demo's
//!    `shop.cache.hit`; the GenAI operation, model and token usage; the messaging system
//!    and destination; `error.type` and the status description).
//!    Spans whose parent was not received are shown as roots, marked as such. The
//!    drawing is otel-kit-console's `Waterfall` (through otel-kit-testing), the same the
//!    console exporter prints with `OTEL_KIT_CONSOLE_SPAN_FORMAT=waterfall` and a failed
//!    span assertion prints.
//! 2. **RED table** ([`red_table`]): per service, requests, rate, errors and p50/p95/p99
//!    from the exported duration histograms (not from spans): the server side
//!    (`http.server.request.duration`, `rpc.server.call.duration`,
//!    `messaging.process.duration`), then the outgoing calls
//!    (`http.client.request.duration`, `rpc.client.call.duration`,
//!    `db.client.operation.duration`, `gen_ai.client.operation.duration`,
//!    `messaging.client.operation.duration`). Quantiles
//!    are interpolated within buckets as Prometheus' `histogram_quantile` does
//!    ([`histogram_quantile`]).
//! 3. **Business table** ([`business_table`]): the shop's own metrics, declared with
//!    `otel_kit::app_metrics`: orders by outcome, money charged and checkout
//!    duration (p50/p95/p99) by payment method.

mod business;
mod quantile;
mod red;
mod text;
mod waterfall;

pub use business::business_table;
pub use quantile::histogram_quantile;
pub use red::red_table;
pub use waterfall::{waterfall, waterfalls};
