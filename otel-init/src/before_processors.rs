//! What `init()` puts in front of every span processor, its own exporters' and the ones
//! the application adds: the baggage members copied, redaction, then the attribute value
//! length limit.

use std::cell::Cell;

use opentelemetry_sdk::trace::{SpanProcessor, TracerProviderBuilder};

use crate::baggage::{BaggageAllowList, BaggageSpanProcessor};
use crate::redaction::{RedactingSpanProcessor, Redactor};
use crate::value_length::{TruncatingSpanProcessor, ValueLengthLimit};

/// The attribute value length limits in effect, shared with the guard for their counts.
#[derive(Debug, Clone, Default)]
pub(crate) struct ValueLimits {
    pub(crate) spans: ValueLengthLimit,
    pub(crate) logs: ValueLengthLimit,
}

/// What every span processor is put behind, in order: the baggage members copied (when
/// some are listed), redaction (when there is some), then the value length limit.
/// Redaction comes after the copy, so it applies to the copied members; truncation
/// comes last: a secret cut in half could escape the scanners that recognise it whole.
pub(crate) struct BeforeSpanProcessors<'a> {
    redactor: Option<&'a Redactor>,
    limit: &'a ValueLengthLimit,
    baggage: Option<&'a BaggageAllowList>,
    /// The SDK hands each processor its own copy of a span: only the first processor's
    /// cuts are counted, so the count is per span, not per processor.
    counted: Cell<bool>,
    /// The SDK hands every processor the same span at start: only the first copies the
    /// baggage members onto it.
    copying: Cell<bool>,
}

impl<'a> BeforeSpanProcessors<'a> {
    pub(crate) fn new(
        redactor: Option<&'a Redactor>,
        limit: &'a ValueLengthLimit,
        baggage: &'a BaggageAllowList,
    ) -> Self {
        BeforeSpanProcessors {
            redactor,
            limit,
            baggage: (!baggage.is_empty()).then_some(baggage),
            counted: Cell::new(false),
            copying: Cell::new(false),
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
            Some(r) => self.behind_baggage(tracer, RedactingSpanProcessor::new(limited, r.clone())),
            None => self.behind_baggage(tracer, limited),
        }
    }

    fn behind_baggage<P: SpanProcessor + 'static>(
        &self,
        tracer: TracerProviderBuilder,
        processor: P,
    ) -> TracerProviderBuilder {
        let Some(list) = self.baggage else {
            return tracer.with_span_processor(processor);
        };
        let copied_already = self.copying.replace(true);
        tracer.with_span_processor(if copied_already {
            BaggageSpanProcessor::without_copying(processor, list.clone())
        } else {
            BaggageSpanProcessor::new(processor, list.clone())
        })
    }
}
