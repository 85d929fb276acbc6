//! Instruments for the application's own metrics (orders, payments, queue depth): a
//! duration histogram, a counter and an up-down counter, each declared with its unit
//! and the attribute keys it may carry.
//!
//! | builder | records | unit |
//! | --- | --- | --- |
//! | [`DurationHistogram::builder`] | a [`Duration`], in seconds on [`DURATION_BUCKETS`](crate::DURATION_BUCKETS) | `s` |
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

mod declarations;
mod instruments;
pub mod naming;
#[cfg(feature = "sdk-metrics")]
mod view;

use std::borrow::Cow;
use std::marker::PhantomData;
use std::sync::Arc;

use opentelemetry::Key;

pub use declarations::declared_keys;
pub use instruments::{AppCounter, AppUpDownCounter, CounterValue, DurationHistogram};
#[cfg(feature = "sdk-metrics")]
pub use view::{declared_attributes_view, declared_stream};

use declarations::{Declaration, KeyFilter};

/// A metric the builder refused, and what to fix.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum AppMetricError {
    /// The name does not follow the naming guidance.
    Name {
        /// The name given.
        name: String,
        /// What is wrong, and what to write instead.
        problem: String,
    },
    /// The unit is not UCUM.
    Unit {
        /// The metric.
        name: String,
        /// The unit given.
        unit: String,
        /// What is wrong, and what to write instead.
        problem: String,
    },
    /// A declared attribute key is not a valid attribute name.
    AttributeKey {
        /// The metric.
        name: String,
        /// The key given.
        key: String,
    },
    /// The name was declared before as another instrument, unit or key set.
    Redeclared {
        /// The metric.
        name: String,
        /// The first declaration.
        first: String,
    },
}

impl std::fmt::Display for AppMetricError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            AppMetricError::Name { name, problem } => write!(f, "metric name {name:?}: {problem}"),
            AppMetricError::Unit { name, unit, problem } => {
                write!(f, "metric {name:?}, unit {unit:?}: {problem}")
            }
            AppMetricError::AttributeKey { name, key } => write!(
                f,
                "metric {name:?}, attribute key {key:?}: use lowercase letters, digits, `_` \
                 and `.` (e.g. `shop.payment.method`)"
            ),
            AppMetricError::Redeclared { name, first } => write!(
                f,
                "metric {name:?} is already declared as {first}: build it once and share \
                 it (instruments are cheap to clone), or give this one another name"
            ),
        }
    }
}

impl std::error::Error for AppMetricError {}

/// The declaration of one metric; [`build`](MetricBuilder::build) checks it and makes
/// the instrument. Made by each instrument's `builder`.
#[derive(Debug)]
#[must_use = "a builder does nothing until `build`"]
pub struct MetricBuilder<I> {
    name: Cow<'static, str>,
    unit: Cow<'static, str>,
    description: Cow<'static, str>,
    keys: Vec<Key>,
    instrument: PhantomData<fn() -> I>,
}

impl<I> MetricBuilder<I> {
    fn new(name: impl Into<Cow<'static, str>>, unit: impl Into<Cow<'static, str>>) -> Self {
        MetricBuilder {
            name: name.into(),
            unit: unit.into(),
            description: Cow::Borrowed(""),
            keys: Vec::new(),
            instrument: PhantomData,
        }
    }

    /// What the metric measures, for the backend's metadata.
    pub fn description(mut self, description: impl Into<Cow<'static, str>>) -> Self {
        self.description = description.into();
        self
    }

    /// The attribute keys the metric may carry; any other key is dropped with one
    /// warning. None declared: the metric carries no attributes.
    pub fn attributes<K: Into<Key>>(mut self, keys: impl IntoIterator<Item = K>) -> Self {
        for key in keys {
            let key = key.into();
            if !self.keys.contains(&key) {
                self.keys.push(key);
            }
        }
        self
    }

    /// Checks the name, unit and keys and records the declaration.
    fn declare(&self, kind: &'static str) -> Result<Arc<KeyFilter>, AppMetricError> {
        let name = self.name.as_ref();
        if let Some(problem) = naming::name_problem(name) {
            return Err(AppMetricError::Name {
                name: name.to_owned(),
                problem,
            });
        }
        if let Some(problem) = naming::unit_problem(&self.unit) {
            return Err(AppMetricError::Unit {
                name: name.to_owned(),
                unit: self.unit.to_string(),
                problem,
            });
        }
        if let Some(key) = self.keys.iter().find(|k| !is_attribute_key(k.as_str())) {
            return Err(AppMetricError::AttributeKey {
                name: name.to_owned(),
                key: key.to_string(),
            });
        }
        let declaration = declarations::declare(
            name,
            Declaration {
                kind,
                unit: self.unit.to_string(),
                keys: self.keys.clone().into(),
            },
        )?;
        Ok(Arc::new(KeyFilter::new(name.to_owned(), declaration)))
    }
}

/// Lowercase dot-separated segments of letters, digits and `_` (the attribute naming
/// guidance).
fn is_attribute_key(key: &str) -> bool {
    !key.is_empty()
        && key.len() <= 255
        && key.split('.').all(|segment| {
            segment.starts_with(|c: char| c.is_ascii_lowercase())
                && segment
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        })
}

#[cfg(test)]
mod tests;
