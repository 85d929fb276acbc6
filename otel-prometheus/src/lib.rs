//! A Prometheus pull exporter for any `opentelemetry_sdk` user: the meter provider's
//! metrics, with the exemplars the kit keeps, served on `/metrics` in the Prometheus
//! text format 0.0.4 or OpenMetrics 1.0, as the scrape's `Accept` header asks.
//!
//! ```
//! use opentelemetry::metrics::MeterProvider as _;
//! use opentelemetry_sdk::metrics::SdkMeterProvider;
//! use otel_kit_prometheus::{ExpositionFormat, PrometheusReader};
//!
//! let reader = PrometheusReader::new(None); // no exemplars
//! let provider = SdkMeterProvider::builder().with_reader(reader.clone()).build();
//! provider.meter("shop").u64_counter("shop.orders").build().add(2, &[]);
//! let text = String::from_utf8(reader.render(ExpositionFormat::Text)).unwrap();
//! assert!(text.contains("shop_orders_total{otel_scope_name=\"shop\"} 2\n"));
//! ```
//!
//! Nothing here reads the environment: every setting is given in code. otel-kit-init
//! reads `OTEL_EXPORTER_PROMETHEUS_HOST` and `OTEL_EXPORTER_PROMETHEUS_PORT` and wires
//! these pieces from them.
//!
//! - [`PrometheusReader`]: the reader on the meter provider that collects on each
//!   scrape and writes the exposition.
//! - [`PrometheusHandler`]: a tower service answering scrapes, for the application's
//!   own router.
//! - [`PrometheusListener`]: `/metrics` on an address of its own, on a thread of its
//!   own, holding each client to [`PrometheusListenerLimits`].
//! - [`ExpositionRenderer`]: writes a collection; [`ExpositionFormat`]: the format an
//!   `Accept` header chooses.
//! - [`exemplar`]: the meter provider whose instruments keep exemplars, and the
//!   reservoirs the reader writes them from.
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
//!   [`ExemplarMeterProvider`](exemplar::ExemplarMeterProvider) kept (`trace_id`,
//!   `span_id`, value, time); the specification drops those of gauges;
//! - two instruments with one Prometheus name: the later one (scopes in name order,
//!   instruments in the order they were made) is left out, with one warning per name
//!   (instruments of one type in different scopes share a family, told apart by the
//!   scope labels).
//!
//! # Cargo features
//!
//! | feature | default | what it brings | what it compiles |
//! | --- | --- | --- | --- |
//! | `exporter` | yes | everything but [`PrometheusListenerLimits`] | the metrics SDK, hyper's HTTP/1 server, itoa, ryu |
//!
//! Without `exporter` the crate holds only [`PrometheusListenerLimits`], so that a
//! configuration can name the limits without compiling the exporter.

#![cfg_attr(docsrs, feature(doc_cfg))]

#[cfg(feature = "exporter")]
mod bucket_bounds;
#[cfg(feature = "exporter")]
mod connection_slots;
#[cfg(feature = "exporter")]
mod exposition;
#[cfg(feature = "exporter")]
mod format;
#[cfg(feature = "exporter")]
mod handler;
#[cfg(feature = "exporter")]
mod labels;
#[cfg(feature = "exporter")]
mod listener;
mod listener_limits;
#[cfg(feature = "exporter")]
mod names;
#[cfg(feature = "exporter")]
mod reader;
#[cfg(feature = "exporter")]
mod shared_rendering;
#[cfg(feature = "exporter")]
mod timed_stream;
#[cfg(feature = "exporter")]
mod values;

#[cfg(feature = "exporter")]
pub use exposition::ExpositionRenderer;
#[cfg(feature = "exporter")]
pub use format::ExpositionFormat;
#[cfg(feature = "exporter")]
pub use handler::PrometheusHandler;
#[cfg(feature = "exporter")]
pub use listener::PrometheusListener;
pub use listener_limits::PrometheusListenerLimits;
#[cfg(feature = "exporter")]
pub use reader::PrometheusReader;

/// The meter provider whose instruments keep exemplars, its filter and its
/// reservoirs, which a [`PrometheusReader`] is given; otel-kit-core's.
#[cfg(feature = "exporter")]
#[doc(inline)]
pub use otel_kit_core::__private::exemplar;

#[cfg(all(doctest, feature = "exporter"))]
#[doc = include_str!("../README.md")]
struct Readme;
