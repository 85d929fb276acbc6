//! [`BaggageSpanProcessor`]: the listed baggage members of a span's parent context onto
//! the span as it starts.

use std::time::Duration;

use opentelemetry::Context;
use opentelemetry::baggage::BaggageExt as _;
use opentelemetry::trace::Span as _;
use opentelemetry_sdk::Resource;
use opentelemetry_sdk::error::OTelSdkResult;
use opentelemetry_sdk::trace::{Span, SpanData, SpanProcessor};

use super::allow_list::BaggageAllowList;

/// Copies the members [`BaggageAllowList`] names from the parent context's baggage onto
/// each span as it starts, then hands the span to the inner processor `P`; at the end,
/// keeps each listed key once, with its last value, before handing the span on.
///
/// It wraps the exporting processor rather than sitting beside it: the SDK gives each
/// processor of a provider its own copy of every ended span, so one more processor
/// would cost a copy of each span. With several exporting processors on one provider,
/// wrap the first with [`new`](Self::new) and the others with
/// [`without_copying`](Self::without_copying): the SDK hands every processor the same
/// span at start, so one copy of the members is enough, and each keeps the key once at
/// the end.
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
#[derive(Debug)]
pub struct BaggageSpanProcessor<P> {
    inner: P,
    list: BaggageAllowList,
    copies: bool,
}

impl<P: SpanProcessor> BaggageSpanProcessor<P> {
    /// Wraps `inner`, copying the members `list` names.
    pub fn new(inner: P, list: BaggageAllowList) -> Self {
        BaggageSpanProcessor {
            inner,
            list,
            copies: true,
        }
    }

    /// Wraps `inner`, a second or later processor of a provider whose first already
    /// copies the members: only keeps each listed key once at the end.
    pub fn without_copying(inner: P, list: BaggageAllowList) -> Self {
        BaggageSpanProcessor {
            inner,
            list,
            copies: false,
        }
    }
}

impl<P: SpanProcessor> SpanProcessor for BaggageSpanProcessor<P> {
    #[inline]
    fn on_start(&self, span: &mut Span, cx: &Context) {
        if self.copies && !self.list.is_empty() {
            for member in self.list.members(cx.baggage()) {
                span.set_attribute(member);
            }
        }
        self.inner.on_start(span, cx);
    }

    fn on_end(&self, mut span: SpanData) {
        self.list.keep_last(&mut span.attributes);
        self.inner.on_end(span);
    }

    fn force_flush(&self) -> OTelSdkResult {
        self.inner.force_flush()
    }

    fn shutdown_with_timeout(&self, timeout: Duration) -> OTelSdkResult {
        self.inner.shutdown_with_timeout(timeout)
    }

    fn set_resource(&mut self, resource: &Resource) {
        self.inner.set_resource(resource);
    }
}
