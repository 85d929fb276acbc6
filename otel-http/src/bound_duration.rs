//! The HTTP durations (`http.server.request.duration`, `http.client.request.duration`)
//! through bound histograms, one per metric attribute set, so that the common request
//! pays neither the SDK's attribute-set lookup (SipHash over every key and value, then
//! comparing the set) nor the exemplar reservoir's key. Only once the SDK binds (the
//! `bound-instruments` features); otherwise every duration is recorded with its
//! attributes.
//!
//! The handles are kept by the instruments that bound them (the server's and each
//! client front-end's): when the meter provider changes, the instruments are built
//! again and the old handles go with them. The table is otel-kit-core's
//! `BoundHistograms`, bounded to `MAX_BOUND` sets; a set that finds it full, or finds
//! it locked by another thread, is recorded unbound. Nothing here waits.
//!
//! The key is exact and hashes no string contents: each string part is named by the
//! address and length of its text (`TextAddress`). The entry holds a clone of each
//! string that is not `'static`, so while the entry lives no other string can occupy
//! that address: equal addresses and lengths mean the very same immutable text. A
//! string whose clone is a fresh copy (an owned one) could never be found again, so
//! such a set is recorded unbound rather than kept. Shared strings come from
//! [`interned`](crate::interned).

use opentelemetry::metrics::Histogram;
use opentelemetry::{KeyValue, StringValue, Value};
#[cfg(test)]
use otel_kit_core::__private::bound_histograms::MAX_BOUND;
use otel_kit_core::__private::bound_histograms::{BoundHistograms, TextAddress};

/// Which request's metric attribute set: every part of it, exactly.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
struct Key {
    method: TextAddress,
    shared: Option<TextAddress>,
    fixed: [Option<TextAddress>; 2],
    numbers: [u16; 2],
}

/// The parts of a request's metric attribute set that [`BoundDurations`] can bind, and
/// nothing else (no `error.type`, no attribute added by the application's hook). Each
/// side fills every part the same way for all its requests:
///
/// | part | server | client |
/// | --- | --- | --- |
/// | `method` | `http.request.method` | `http.request.method` |
/// | `shared` | `http.route` | `server.address` |
/// | `fixed` | `url.scheme`, `network.protocol.version` | `network.protocol.version`, none |
/// | `numbers` | `http.response.status_code`, 0 | `http.response.status_code`, `server.port` (0: none) |
pub(crate) struct BindableSet<'a> {
    pub(crate) method: &'a Value,
    pub(crate) shared: Option<&'a StringValue>,
    pub(crate) fixed: [Option<&'static str>; 2],
    pub(crate) numbers: [u16; 2],
}

impl BindableSet<'_> {
    /// `None` for a method that is not a string (never made by the layers, but a
    /// `Value` could be anything).
    fn key(&self) -> Option<Key> {
        let Value::String(method) = self.method else {
            return None;
        };
        Some(Key {
            method: TextAddress::of(method.as_str()),
            shared: self.shared.map(|shared| TextAddress::of(shared.as_str())),
            fixed: self.fixed.map(|fixed| fixed.map(TextAddress::of)),
            numbers: self.numbers,
        })
    }
}

/// The bound duration histograms of one set of instruments, keyed by where the set's
/// strings live; an entry holds the method's and the shared string, so that their
/// addresses cannot be reused while it lives.
#[derive(Default)]
pub(crate) struct BoundDurations(BoundHistograms<Key, (Value, Option<StringValue>)>);

impl BoundDurations {
    /// Records `seconds` for the set `attributes` makes: through its bound histogram when
    /// `set` describes it entirely, else (or when the table is full or busy) through
    /// `histogram` with the attributes, made only then. Call with the request's context
    /// attached: the exemplar filter reads the current span either way.
    #[inline]
    pub(crate) fn record<A: AsRef<[KeyValue]>>(
        &self,
        histogram: &Histogram<f64>,
        seconds: f64,
        attributes: impl FnOnce() -> A,
        set: Option<BindableSet<'_>>,
    ) {
        let key = set.as_ref().and_then(BindableSet::key);
        self.0.record(histogram, seconds, attributes, key, || {
            let set = set?;
            let method = set.method.clone();
            let shared = set.shared.cloned();
            let kept = BindableSet {
                method: &method,
                shared: shared.as_ref(),
                fixed: set.fixed,
                numbers: set.numbers,
            };
            // An owned string's clone is a new copy at a new address: its key would
            // never be met again, so binding it would only fill the table.
            (kept.key() == key).then_some((method, shared))
        });
    }

    /// How many attribute sets are bound.
    #[cfg(test)]
    fn len(&self) -> usize {
        self.0.len()
    }
}

#[cfg(all(test, feature = "bound-instruments"))]
mod tests {
    use std::sync::Arc;

    use opentelemetry::metrics::MeterProvider as _;
    use opentelemetry_sdk::metrics::data::{AggregatedMetrics, MetricData};
    use opentelemetry_sdk::metrics::{InMemoryMetricExporter, PeriodicReader, SdkMeterProvider};

    use super::*;

    fn attributes(set: &BindableSet<'_>) -> Vec<KeyValue> {
        let mut attributes = vec![KeyValue::new("http.request.method", set.method.clone())];
        if let Some(scheme) = set.fixed[0] {
            attributes.push(KeyValue::new("url.scheme", scheme));
        }
        if let Some(route) = set.shared {
            attributes.push(KeyValue::new("http.route", route.clone()));
        }
        attributes.push(KeyValue::new(
            "http.response.status_code",
            i64::from(set.numbers[0]),
        ));
        attributes
    }

    /// Every point's attributes (sorted, as text) and count.
    fn points(exporter: &InMemoryMetricExporter) -> Vec<(String, u64)> {
        let metrics = exporter.get_finished_metrics().expect("metrics");
        let last = metrics.last().expect("an export");
        let mut points = Vec::new();
        for metric in last.scope_metrics().flat_map(|scope| scope.metrics()) {
            if let AggregatedMetrics::F64(MetricData::Histogram(histogram)) = metric.data() {
                for point in histogram.data_points() {
                    let mut kvs: Vec<String> = point
                        .attributes()
                        .map(|kv| format!("{}={}", kv.key, kv.value))
                        .collect();
                    kvs.sort();
                    points.push((kvs.join(","), point.count()));
                }
            }
        }
        points.sort();
        points
    }

    #[test]
    fn shared_sets_are_bound_once_and_owned_ones_never() {
        // This crate's tests build the SDK with bound instruments.
        otel_kit_core::__private::bound_instruments::declare_sdk_binds();
        let exporter = InMemoryMetricExporter::default();
        let provider = SdkMeterProvider::builder()
            .with_reader(PeriodicReader::builder(exporter.clone()).build())
            .build();
        let histogram = provider.meter("test").f64_histogram("duration").build();
        let durations = BoundDurations::default();
        let get = Value::from("GET");
        let users = StringValue::from(Arc::<str>::from("/users"));
        // The same text at another address: a different key, the same point.
        let users_again = StringValue::from(Arc::<str>::from("/users"));
        let items = StringValue::from(Arc::<str>::from("/items"));
        let owned = StringValue::from(String::from("/owned"));
        let sets = [
            (&users, 200),
            (&users, 200),
            (&users, 404),
            (&users_again, 200),
            (&items, 200),
            (&owned, 200),
            (&owned, 200),
        ];
        for (route, status) in sets {
            let set = BindableSet {
                method: &get,
                shared: Some(route),
                fixed: [Some("http"), None],
                numbers: [status, 0],
            };
            let all = attributes(&set);
            durations.record(&histogram, 0.5, || all, Some(set));
        }
        assert_eq!(durations.len(), 4, "shared sets kept, the owned route not");
        provider.force_flush().expect("flush");
        let with = |route: &str, status: u16| {
            format!(
                "http.request.method=GET,http.response.status_code={status},http.route={route},url.scheme=http"
            )
        };
        assert_eq!(
            points(&exporter),
            vec![
                (with("/items", 200), 1),
                (with("/owned", 200), 2),
                (with("/users", 200), 3),
                (with("/users", 404), 1),
            ]
        );
    }

    #[test]
    fn the_table_is_bounded() {
        otel_kit_core::__private::bound_instruments::declare_sdk_binds();
        let provider = SdkMeterProvider::builder().build();
        let histogram = provider.meter("test").f64_histogram("duration").build();
        let durations = BoundDurations::default();
        let get = Value::from("GET");
        for status in 0..(MAX_BOUND as u16 + 10) {
            let set = BindableSet {
                method: &get,
                shared: None,
                fixed: [Some("http"), Some("1.1")],
                numbers: [status, 0],
            };
            let all = attributes(&set);
            durations.record(&histogram, 0.1, || all, Some(set));
        }
        assert_eq!(durations.len(), MAX_BOUND);
    }
}
