//! Exemplars: measurements kept with the span they were recorded in, so a panel can
//! jump from a spike to the trace behind it. opentelemetry_sdk 0.33 keeps none, so the
//! kit keeps them beside it, with the metrics SDK specification's default reservoirs:
//! a histogram's aligned-histogram-bucket reservoir (at most one per bucket of each
//! data point, the most recent measurement winning), and for counters, up-down
//! counters and gauges a simple fixed-size reservoir of one (one exemplar per data
//! point, sampled uniformly among the measurements since the last collection).
//!
//! - [`ExemplarMeterProvider`] wraps a meter provider: its synchronous instruments
//!   record into the SDK as before and, when the [`ExemplarFilter`] admits the
//!   measurement (by default: a sampled span is current), into a reservoir too.
//! - [`Reservoirs`] holds every instrument's reservoir; an exporter reads a data
//!   point's exemplars with [`Reservoirs::for_point`] (otel-kit-otlp's OTLP metric
//!   exporter writes them onto histogram, sum and gauge points).
//!
//! Exemplars are matched to data points by the instrument's scope and name and the
//! measurement's full attribute set; a view that drops attributes or changes buckets
//! leaves the affected points without exemplars.

mod attribute_hash;
mod bound_series;
mod filter;
mod instruments;
mod meter_provider;
mod reservoir;
mod reservoirs;

pub use filter::{ExemplarFilter, SpanIds};
pub use meter_provider::ExemplarMeterProvider;
pub use reservoir::{ExemplarValue, MAX_SERIES, StoredExemplar};
pub use reservoirs::{MetricExemplars, Reservoirs};
