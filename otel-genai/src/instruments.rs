//! The four GenAI client histograms, resolved with the tracer by a [`GenAi`](crate::GenAi)'s
//! [`Resolver`](otel_kit_core::__private::Resolver).

use opentelemetry::InstrumentationScope;
use opentelemetry::metrics::{Histogram, Meter};

use crate::attributes::{
    GEN_AI_CLIENT_OPERATION_DURATION, GEN_AI_CLIENT_OPERATION_TIME_PER_OUTPUT_CHUNK,
    GEN_AI_CLIENT_OPERATION_TIME_TO_FIRST_CHUNK, GEN_AI_CLIENT_TOKEN_USAGE, GENAI_DURATION_BUCKETS,
    TOKEN_BUCKETS,
};

pub(crate) struct Instruments {
    pub(crate) duration: Histogram<f64>,
    pub(crate) tokens: Histogram<u64>,
    pub(crate) time_to_first_chunk: Histogram<f64>,
    pub(crate) time_per_output_chunk: Histogram<f64>,
}

impl otel_kit_core::__private::Instruments for Instruments {
    /// `OTEL_INSTRUMENTATION_<NAME>_ENABLED` names (docs/configuration.md, "The Java agent's switches").
    const SWITCHES: &'static [&'static str] = &["GENAI", "OPENAI"];

    fn scope() -> InstrumentationScope {
        crate::scope::instrumentation_scope()
    }

    fn new(meter: Meter) -> Self {
        Instruments {
            duration: otel_kit_core::__private::duration_histogram(
                &meter,
                GEN_AI_CLIENT_OPERATION_DURATION,
                "GenAI operation duration.",
                &GENAI_DURATION_BUCKETS,
            ),
            tokens: meter
                .u64_histogram(GEN_AI_CLIENT_TOKEN_USAGE)
                .with_unit("{token}")
                .with_description("Number of input and output tokens used.")
                .with_boundaries(TOKEN_BUCKETS.to_vec())
                .build(),
            time_to_first_chunk: otel_kit_core::__private::duration_histogram(
                &meter,
                GEN_AI_CLIENT_OPERATION_TIME_TO_FIRST_CHUNK,
                "Time to receive the first chunk of a streamed response.",
                &GENAI_DURATION_BUCKETS,
            ),
            time_per_output_chunk: otel_kit_core::__private::duration_histogram(
                &meter,
                GEN_AI_CLIENT_OPERATION_TIME_PER_OUTPUT_CHUNK,
                "Time between two chunks of a streamed response, for each chunk after the first.",
                &GENAI_DURATION_BUCKETS,
            ),
        }
    }

    otel_kit_core::__private::instruments_cache!(Instruments);
}
