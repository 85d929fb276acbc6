//! Exemplars: histogram measurements kept with the span they were recorded in, so a
//! latency panel can jump from a spike to the trace behind it. opentelemetry_sdk 0.33
//! keeps none, so the kit keeps them beside it, as the metrics SDK specification's
//! aligned-histogram-bucket reservoir does: at most one per bucket of each data point,
//! the most recent measurement winning.
//!
//! - [`ExemplarMeterProvider`] wraps a meter provider: its histograms record into the
//!   SDK as before and, when the [`ExemplarFilter`] admits the measurement (by
//!   default: a sampled span is current), into a reservoir too.
//! - [`Reservoirs`] holds every histogram's reservoir; an exporter reads a data point's
//!   exemplars with [`Reservoirs::for_point`] (otel-kit-init's OTLP metric exporter
//!   writes them onto the point).
//!
//! Exemplars are matched to data points by the instrument's scope and name and the
//! measurement's full attribute set; a view that drops attributes or changes buckets
//! leaves the affected points without exemplars.

mod filter;
mod meter_provider;
mod reservoir;
mod reservoirs;

pub use filter::{ExemplarFilter, SpanIds};
pub use meter_provider::ExemplarMeterProvider;
pub use reservoir::{ExemplarValue, MAX_SERIES, StoredExemplar};
pub use reservoirs::Reservoirs;
