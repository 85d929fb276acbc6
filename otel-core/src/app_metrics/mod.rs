//! Instruments for the application's own metrics (orders, payments, queue depth): a
//! duration histogram, a counter and an up-down counter, each declared with its unit
//! and the attribute keys it may carry.
//!
//! | builder | records | unit |
//! | --- | --- | --- |
//! | [`DurationHistogram::builder`] | a [`Duration`](std::time::Duration), in seconds on [`HTTP_RPC_DURATION_BUCKETS`](crate::request_path::duration_histogram::HTTP_RPC_DURATION_BUCKETS) | `s` |
//! | [`AppCounter::builder`] (`u64` or `f64`) | a non-negative amount | UCUM: `{order}`, `{USD}`, `By`, `1` |
//! | [`AppUpDownCounter::builder`] | an `i64` change | UCUM |
//!
//! - The name and unit follow the OpenTelemetry naming guidance ([`naming`]); a bad one
//!   is an [`AppMetricError`] saying what to fix.
//! - An attribute whose key was not declared is dropped, with one warning per metric
//!   and key. The drop happens twice over: the instrument leaves the key out before
//!   recording (so a meter provider of any origin stays bounded), and
//!   [`declared_attributes_view`] gives the SDK the same allow-list (otel-kit-init
//!   installs it; add it to a provider you build yourself with `with_view`).
//!
//! ```
//! use std::time::Duration;
//!
//! use opentelemetry::KeyValue;
//! use opentelemetry::metrics::MeterProvider as _;
//! use otel_kit_core::app_metrics::{AppCounter, DurationHistogram};
//!
//! let meter = opentelemetry::global::meter_provider().meter("shop");
//! let placed = AppCounter::<u64>::builder("shop.orders.placed", "{order}")
//!     .description("Orders placed, by outcome.")
//!     .attributes(["shop.order.outcome"])
//!     .build(&meter)?;
//! placed.add(1, &[KeyValue::new("shop.order.outcome", "paid")]);
//!
//! let checkout = DurationHistogram::builder("shop.checkout.duration")
//!     .attributes(["shop.payment.method"])
//!     .build(&meter)?;
//! checkout.record(Duration::from_millis(42), &[KeyValue::new("shop.payment.method", "card")]);
//!
//! // A unit in the name is refused, with what to do instead.
//! let error = AppCounter::<u64>::builder("shop.latency_ms", "ms").build(&meter).unwrap_err();
//! assert!(error.to_string().contains("drop the unit"));
//! # Ok::<(), otel_kit_core::app_metrics::AppMetricError>(())
//! ```

mod builder;
mod declarations;
mod error;
mod instruments;
pub mod naming;
#[cfg(feature = "sdk-metrics")]
mod view;

pub use builder::MetricBuilder;
pub use declarations::declared_keys;
pub use error::AppMetricError;
pub use instruments::{AppCounter, AppUpDownCounter, CounterValue, DurationHistogram};
#[cfg(feature = "sdk-metrics")]
pub use view::{declared_attributes_view, declared_stream};

#[cfg(test)]
mod tests;
