//! [`BaggageSpanProcessor`]: the listed baggage members of a span's parent context onto
//! the span as it starts; a [`TransformingSpanProcessor`] whose transform is the list.

use opentelemetry::Context;
use opentelemetry::baggage::BaggageExt as _;
use opentelemetry::trace::Span as _;
use opentelemetry_sdk::trace::{Span, SpanData, SpanProcessor};

use super::allow_list::BaggageAllowList;
use crate::span_transform::{SpanTransform, TransformingSpanProcessor};

/// Copies the members [`BaggageAllowList`] names from the parent context's baggage onto
/// each span as it starts, then hands the span to the inner processor `P`; at the end,
/// keeps each listed key once, with its last value, before handing the span on.
///
/// It wraps the exporting processor rather than sitting beside it: the SDK gives each
/// processor of a provider its own copy of every ended span, so one more processor
/// would cost a copy of each span. With several exporting processors on one provider,
/// wrap the first with [`new`](TransformingSpanProcessor::new) and the others with
/// [`without_copying`](TransformingSpanProcessor::without_copying): the SDK hands every
/// processor the same span at start, so one copy of the members is enough, and each
/// keeps the key once at the end.
///
/// A span without baggage, or a list that is empty, costs a check and nothing is
/// allocated.
///
/// ```
/// use opentelemetry::baggage::BaggageExt as _;
/// use opentelemetry::trace::{Span as _, Tracer as _, TracerProvider as _};
/// use opentelemetry::{Context, KeyValue};
/// use opentelemetry_sdk::trace::{InMemorySpanExporter, SdkTracerProvider, SimpleSpanProcessor};
/// use otel_kit_processors::baggage::{BaggageAllowList, BaggageSpanProcessor};
///
/// let exporter = InMemorySpanExporter::default();
/// let list = BaggageAllowList::new(["user.tier"])?;
/// let provider = SdkTracerProvider::builder()
///     .with_span_processor(BaggageSpanProcessor::new(SimpleSpanProcessor::new(exporter.clone()), list))
///     .build();
/// let tracer = provider.tracer("demo");
/// let cx = Context::new().with_baggage([KeyValue::new("user.tier", "gold")]);
/// let mut span = tracer.start_with_context("pay", &cx);
/// // Set after the start, the application's value wins.
/// span.set_attribute(KeyValue::new("user.tier", "platinum"));
/// span.end();
/// assert_eq!(exporter.get_finished_spans()?[0].attributes, [KeyValue::new("user.tier", "platinum")]);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub type BaggageSpanProcessor<P> = TransformingSpanProcessor<BaggageAllowList, P>;

impl<P: SpanProcessor> TransformingSpanProcessor<BaggageAllowList, P> {
    /// Wraps `inner`, a second or later processor of a provider whose first already
    /// copies the members: only keeps each listed key once at the end.
    pub fn without_copying(inner: P, mut list: BaggageAllowList) -> Self {
        list.copies_at_start = false;
        TransformingSpanProcessor::new(inner, list)
    }
}

/// The members copied onto each starting span (unless another processor copies them),
/// each listed key kept once at the end.
impl SpanTransform for BaggageAllowList {
    #[inline]
    fn on_start(&self, span: &mut Span, cx: &Context) {
        if self.copies_at_start && !self.is_empty() {
            for member in self.members(cx.baggage()) {
                span.set_attribute(member);
            }
        }
    }

    fn transform(&self, span: &mut SpanData) {
        self.keep_last(&mut span.attributes);
    }
}
