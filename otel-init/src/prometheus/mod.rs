//! The Prometheus pull exporter (`prometheus` feature): the meter provider's metrics
//! and the kit's exemplars, served on `/metrics` in the Prometheus text format 0.0.4 or
//! OpenMetrics 1.0, as the scrape's `Accept` header asks.
//!
//! Names and labels follow the OpenTelemetry specification's
//! `compatibility/prometheus_and_openmetrics.md`:
//!
//! - metric names are sanitised (invalid characters and runs of `_` become one `_`, a
//!   leading digit gets a `_`), get their unit as a suffix word (`s` → `_seconds`, `By`
//!   → `_bytes`, `{request}` → nothing, `1` on a gauge → `_ratio`, `m/s` →
//!   `_meters_per_second`), and monotonic sums end in `_total`;
//! - every point has the `otel_scope_name` and `otel_scope_version` labels (and
//!   `otel_scope_schema_url`, `otel_scope_<attribute>` when the scope has them);
//!   attribute keys are sanitised the same way, and keys that meet have their values
//!   joined with `;`;
//! - the resource is the `target_info` family;
//! - non-monotonic sums are gauges; histograms are `_bucket{le=...}`, `_count` and
//!   `_sum`; delta points and exponential histograms are left out, with a warning;
//! - in OpenMetrics, counters and histogram buckets carry the exemplars the
//!   [`ExemplarMeterProvider`](crate::ExemplarMeterProvider) kept (`trace_id`,
//!   `span_id`, value, time); the specification drops those of gauges;
//! - two instruments with one Prometheus name: the later one (scopes in name order,
//!   instruments in the order they were made) is left out, with one warning per name (instruments of one type in different scopes share a family,
//!   told apart by the scope labels).
//!
//! [`PrometheusHandler`] serves scrapes (a tower service for the application's own
//! router; `init()` also serves it on `OTEL_EXPORTER_PROMETHEUS_HOST`:
//! `OTEL_EXPORTER_PROMETHEUS_PORT`, `localhost:9464` by default, unless
//! [`Builder::without_prometheus_listener`](crate::Builder::without_prometheus_listener));
//! [`PrometheusReader`] is the reader on the meter provider that collects on each
//! scrape; [`ExpositionRenderer`] writes a collection; [`ExpositionFormat`] is the
//! format chosen from an `Accept` header.

mod bucket_bounds;
mod connection_slots;
mod exposition;
mod format;
mod handler;
mod labels;
mod listener;
mod names;
mod reader;
mod shared_rendering;
mod timed_stream;
mod values;

pub use exposition::ExpositionRenderer;
pub use format::ExpositionFormat;
pub use handler::PrometheusHandler;
pub(crate) use listener::PrometheusListener;
pub use reader::PrometheusReader;
