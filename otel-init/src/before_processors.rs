//! What `init()` puts in front of every span processor, its own exporters' and the ones
//! the application adds: redaction, then the attribute value length limit.

use std::cell::Cell;

use opentelemetry_sdk::trace::{SpanProcessor, TracerProviderBuilder};

use crate::redaction::{RedactingSpanProcessor, Redactor};
use crate::value_length::{TruncatingSpanProcessor, ValueLengthLimit};

/// The attribute value length limits in effect, shared with the guard for their counts.
#[derive(Debug, Clone, Default)]
pub(crate) struct ValueLimits {
    pub(crate) spans: ValueLengthLimit,
    pub(crate) logs: ValueLengthLimit,
}

/// What every span processor is put behind, in order: redaction (when there is some),
/// then the value length limit. Truncation comes second: a secret cut in half could
/// escape the scanners that recognise it whole.
pub(crate) struct BeforeSpanProcessors<'a> {
    redactor: Option<&'a Redactor>,
    limit: &'a ValueLengthLimit,
    /// The SDK hands each processor its own copy of a span: only the first processor's
    /// cuts are counted, so the count is per span, not per processor.
    counted: Cell<bool>,
}

impl<'a> BeforeSpanProcessors<'a> {
    pub(crate) fn new(redactor: Option<&'a Redactor>, limit: &'a ValueLengthLimit) -> Self {
        BeforeSpanProcessors {
            redactor,
            limit,
            counted: Cell::new(false),
        }
    }

    /// Adds `processor` behind these steps.
    pub(crate) fn add<P: SpanProcessor + 'static>(
        &self,
        tracer: TracerProviderBuilder,
        processor: P,
    ) -> TracerProviderBuilder {
        let limit = if self.counted.replace(true) {
            self.limit.uncounted()
        } else {
            self.limit.clone()
        };
        let limited = TruncatingSpanProcessor::new(processor, limit);
        match self.redactor {
            Some(r) => tracer.with_span_processor(RedactingSpanProcessor::new(limited, r.clone())),
            None => tracer.with_span_processor(limited),
        }
    }
}
