//! The four messaging metrics, built once per meter provider (`otel_kit_core::__private::Instruments`).

use opentelemetry::InstrumentationScope;
use opentelemetry::metrics::{Counter, Histogram, Meter};
use otel_kit_semconv::metric::{
    MESSAGING_CLIENT_CONSUMED_MESSAGES, MESSAGING_CLIENT_OPERATION_DURATION, MESSAGING_CLIENT_SENT_MESSAGES,
    MESSAGING_PROCESS_DURATION,
};

/// The advisory bucket boundaries (seconds) of `messaging.client.operation.duration` and
/// `messaging.process.duration` in semconv 1.45 (the same as HTTP's and RPC's).
///
/// ```
/// let buckets = otel_kit_messaging::MESSAGING_DURATION_BUCKETS;
/// assert_eq!((buckets[0], buckets[13]), (0.005, 10.0));
/// ```
pub const MESSAGING_DURATION_BUCKETS: [f64; 14] = otel_kit_core::__private::HTTP_RPC_DURATION_BUCKETS;

pub(crate) struct Instruments {
    pub(crate) sent: Counter<u64>,
    pub(crate) consumed: Counter<u64>,
    pub(crate) operation_duration: Histogram<f64>,
    pub(crate) process_duration: Histogram<f64>,
}

impl otel_kit_core::__private::Instruments for Instruments {
    /// `OTEL_INSTRUMENTATION_<NAME>_ENABLED` names (docs/configuration.md, "The Java agent's switches").
    const SWITCHES: &'static [&'static str] = &["MESSAGING"];

    fn scope() -> InstrumentationScope {
        crate::scope::instrumentation_scope()
    }

    fn new(meter: Meter) -> Self {
        Self {
            sent: meter
                .u64_counter(MESSAGING_CLIENT_SENT_MESSAGES)
                .with_unit("{message}")
                .with_description("Number of messages producer attempted to send to the broker.")
                .build(),
            consumed: meter
                .u64_counter(MESSAGING_CLIENT_CONSUMED_MESSAGES)
                .with_unit("{message}")
                .with_description("Number of messages that were delivered to the application.")
                .build(),
            operation_duration: otel_kit_core::__private::duration_histogram(
                &meter,
                MESSAGING_CLIENT_OPERATION_DURATION,
                "Duration of messaging operation initiated by a producer or consumer client.",
                &MESSAGING_DURATION_BUCKETS,
            ),
            process_duration: otel_kit_core::__private::duration_histogram(
                &meter,
                MESSAGING_PROCESS_DURATION,
                "Duration of processing operation.",
                &MESSAGING_DURATION_BUCKETS,
            ),
        }
    }

    otel_kit_core::__private::instruments_cache!(Instruments);
}
