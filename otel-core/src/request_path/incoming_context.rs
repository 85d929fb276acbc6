//! The state of a request's incoming trace context, and its counter
//! `otel_kit.server.incoming_context`, shared by the HTTP and gRPC server layers.
//!
//! | state | when |
//! | --- | --- |
//! | [`ContextState::Valid`] | a configured propagator read a valid remote parent |
//! | [`ContextState::Absent`] | none of the configured propagators' trace headers is present (a `baggage` header alone is no trace context) |
//! | [`ContextState::Invalid`] | a trace header of a configured propagator is present but no parent could be read from it (a malformed `traceparent`, a `tracestate` without one, two different `traceparent` values) |
//!
//! A header of a propagator that is not configured (a `b3` header to a service that reads
//! only W3C trace context) is not read, so such a request is absent, not invalid.
//! [`Resolved::incoming`](crate::request_path::resolver::Resolved::incoming) classifies a request.
//!
//! ```
//! use opentelemetry::Context;
//! use opentelemetry::trace::{SpanContext, SpanId, TraceContextExt as _, TraceFlags, TraceId, TraceState};
//! use otel_kit_core::__private::incoming_context::ContextState;
//!
//! let remote = SpanContext::new(TraceId::from(1), SpanId::from(2), TraceFlags::SAMPLED, true, TraceState::NONE);
//! assert_eq!(ContextState::of_extracted(&Context::new().with_remote_span_context(remote)), ContextState::Valid);
//! assert_eq!(ContextState::of_extracted(&Context::new()), ContextState::Invalid, "read, but no parent");
//! assert_eq!(ContextState::Absent.as_str(), "absent");
//! ```

use std::sync::OnceLock;

#[cfg(feature = "bound-instruments")]
use opentelemetry::metrics::BoundCounter;
use opentelemetry::metrics::{Counter, Meter};
use opentelemetry::trace::TraceContextExt as _;
use opentelemetry::{Context, KeyValue};

use crate::kit_names;

/// The state of a request's incoming trace context (see the [module docs](self)).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ContextState {
    /// A valid remote parent was read.
    Valid,
    /// No trace header of a configured propagator.
    Absent,
    /// A trace header of a configured propagator that could not be read.
    Invalid,
}

impl ContextState {
    /// The value of `otel_kit.context.state`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Valid => kit_names::CONTEXT_VALID,
            Self::Absent => kit_names::CONTEXT_ABSENT,
            Self::Invalid => kit_names::CONTEXT_INVALID,
        }
    }

    /// The state of a context extracted from a request that carried a trace header:
    /// valid when it holds a valid remote span context, invalid otherwise.
    pub fn of_extracted(cx: &Context) -> Self {
        let span = cx.span();
        let parent = span.span_context();
        if parent.is_valid() && parent.is_remote() {
            Self::Valid
        } else {
            Self::Invalid
        }
    }

    #[cfg(feature = "bound-instruments")]
    const fn index(self) -> usize {
        match self {
            Self::Valid => 0,
            Self::Absent => 1,
            Self::Invalid => 2,
        }
    }
}

/// `otel_kit.server.incoming_context` of one meter: the counter, built on first use
/// (building an instrument registers it with the SDK), and, with the
/// `bound-instruments` feature, one bound handle per state once the SDK binds
/// ([`bound_instruments`](crate::request_path::bound_instruments)), so a count is one add on a
/// handle: no attribute lookup. Either way a count allocates nothing.
///
/// ```
/// use opentelemetry::metrics::MeterProvider as _;
/// use otel_kit_core::__private::incoming_context::{ContextState, IncomingContextCounter};
///
/// let meter = opentelemetry::global::meter_provider().meter("example");
/// let counter = IncomingContextCounter::new(&meter);
/// counter.count(ContextState::Absent);
/// ```
pub struct IncomingContextCounter {
    meter: Meter,
    counter: OnceLock<Counter<u64>>,
    #[cfg(feature = "bound-instruments")]
    bound: [OnceLock<BoundCounter<u64>>; 3],
}

impl IncomingContextCounter {
    /// The counter on `meter` (the server instrumentation's scope); nothing is
    /// registered before the first [`count`](Self::count).
    pub fn new(meter: &Meter) -> Self {
        Self {
            meter: meter.clone(),
            counter: OnceLock::new(),
            #[cfg(feature = "bound-instruments")]
            bound: [OnceLock::new(), OnceLock::new(), OnceLock::new()],
        }
    }

    /// Counts one request whose incoming context is in `state`.
    pub fn count(&self, state: ContextState) {
        let counter = self.counter.get_or_init(|| {
            self.meter
                .u64_counter(kit_names::SERVER_INCOMING_CONTEXT)
                .with_unit("{request}")
                .with_description("Requests received, by the state of their incoming trace context.")
                .build()
        });
        // An SDK built without bound instruments would drop what a bound handle records.
        #[cfg(feature = "bound-instruments")]
        if crate::request_path::bound_instruments::sdk_binds() {
            self.bound[state.index()]
                .get_or_init(|| counter.bind(&attributes(state)))
                .add(1);
            return;
        }
        counter.add(1, &attributes(state));
    }
}

/// The attribute set of `state`: `'static` strings, no allocation.
fn attributes(state: ContextState) -> [KeyValue; 1] {
    [KeyValue::new(kit_names::CONTEXT_STATE, state.as_str())]
}

#[cfg(test)]
mod tests {
    use opentelemetry::InstrumentationScope;
    use opentelemetry::propagation::TextMapCompositePropagator;
    use opentelemetry_sdk::propagation::{BaggagePropagator, TraceContextPropagator};

    use super::*;
    use crate::Providers;
    use crate::request_path::resolver::{Instruments, Resolver};

    struct NoInstruments;

    impl Instruments for NoInstruments {
        fn scope() -> InstrumentationScope {
            InstrumentationScope::builder("incoming-context-test").build()
        }

        fn new(_: Meter) -> Self {
            Self
        }

        crate::__private::instruments_cache!(NoInstruments);
    }

    const PARENT: &str = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";

    /// A request's headers (name, value), the expected state, and what it is.
    type Case<'a> = (&'a [(&'a str, &'a [u8])], ContextState, &'a str);

    fn state(headers: &[(&str, &[u8])]) -> ContextState {
        // Baggage listed first: its header must still not count as trace context.
        let propagator = TextMapCompositePropagator::new(vec![
            Box::new(BaggagePropagator::new()),
            Box::new(TraceContextPropagator::new()),
        ]);
        let resolver = Resolver::<NoInstruments>::new(Providers::new().propagator(propagator));
        let mut map = http::HeaderMap::new();
        for (name, value) in headers {
            map.append(
                http::HeaderName::from_bytes(name.as_bytes()).expect("name"),
                http::HeaderValue::from_bytes(value).expect("value"),
            );
        }
        resolver.with(None, |resolved| resolved.incoming(&map).1)
    }

    #[test]
    fn each_state_of_what_a_request_carries() {
        use ContextState::{Absent, Invalid, Valid};

        let long = format!("{PARENT}{}", "0".repeat(400 * 1024));
        let cases: [Case<'_>; 11] = [
            (&[], Absent, "no header"),
            (&[("user-agent", b"x")], Absent, "no propagation header"),
            (
                &[("baggage", b"tenant.id=a")],
                Absent,
                "baggage alone is no trace context",
            ),
            (
                &[("b3", b"80f198ee56343ba864fe8b2a57d3eff7-e457b5a2e4d86bd1-1")],
                Absent,
                "b3 is not configured",
            ),
            (&[("traceparent", PARENT.as_bytes())], Valid, "a parent"),
            (
                &[("TraceParent", PARENT.as_bytes()), ("baggage", b"a=1")],
                Valid,
                "any case, with baggage",
            ),
            (
                &[("baggage", b"a=1"), ("traceparent", PARENT.as_bytes())],
                Valid,
                "baggage before it",
            ),
            (&[("traceparent", b"00-garbage")], Invalid, "malformed"),
            (&[("traceparent", b"\xff\xfe\x80garbage")], Invalid, "not text"),
            (
                &[("tracestate", b"k=v")],
                Invalid,
                "tracestate without its traceparent",
            ),
            (&[("traceparent", long.as_bytes())], Invalid, "400 KiB"),
        ];
        for (headers, expected, why) in cases {
            assert_eq!(state(headers), expected, "{why}");
        }
    }

    #[test]
    fn counts_by_state_bound_or_not() {
        use opentelemetry::metrics::MeterProvider as _;
        use opentelemetry_sdk::metrics::data::{AggregatedMetrics, MetricData};
        use opentelemetry_sdk::metrics::{InMemoryMetricExporter, PeriodicReader, SdkMeterProvider};

        for binds in [false, true] {
            if binds {
                crate::request_path::bound_instruments::declare_sdk_binds();
            }
            let exporter = InMemoryMetricExporter::default();
            let provider = SdkMeterProvider::builder()
                .with_reader(PeriodicReader::builder(exporter.clone()).build())
                .build();
            let counter = IncomingContextCounter::new(&provider.meter("test"));
            for state in [ContextState::Valid, ContextState::Absent, ContextState::Absent] {
                counter.count(state);
            }
            provider.force_flush().expect("flush");
            let metrics = exporter.get_finished_metrics().expect("metrics");
            let metric = metrics
                .iter()
                .flat_map(|m| m.scope_metrics())
                .flat_map(|s| s.metrics())
                .find(|m| m.name() == kit_names::SERVER_INCOMING_CONTEXT)
                .expect("the counter");
            assert_eq!(metric.unit(), "{request}");
            let AggregatedMetrics::U64(MetricData::Sum(sum)) = metric.data() else {
                panic!("a u64 sum");
            };
            let mut points: Vec<(String, u64)> = sum
                .data_points()
                .map(|p| {
                    (
                        p.attributes()
                            .map(|kv| format!("{}={}", kv.key, kv.value))
                            .collect(),
                        p.value(),
                    )
                })
                .collect();
            points.sort();
            assert_eq!(
                points,
                [
                    ("otel_kit.context.state=absent".to_owned(), 2),
                    ("otel_kit.context.state=valid".to_owned(), 1)
                ],
                "binds: {binds}"
            );
        }
    }
}
