//! [`MessageInfo`]: what an operation records about one message: its destination, its
//! identifier, its body size, and the creation context it carries.

use opentelemetry::trace::{SpanContext, TraceContextExt as _};
use opentelemetry::{Context, KeyValue, StringValue};

use crate::destination::Destination;

/// One message as the conventions see it. Adapters build it from their client's
/// message; an application instrumenting another client builds it itself.
///
/// ```
/// use otel_kit_messaging::{Destination, MessageInfo};
///
/// let info = MessageInfo::new(Destination::named("orders")).id("a1").body_size(512);
/// assert_eq!(info.message_id(), Some("a1"));
/// assert!(info.creation_context().is_none());
/// ```
#[derive(Debug, Clone, Default)]
pub struct MessageInfo {
    pub(crate) destination: Destination,
    pub(crate) id: Option<StringValue>,
    pub(crate) body_size: Option<usize>,
    /// The context the producer attached and its span, when it names a valid span.
    pub(crate) creation: Option<(Context, SpanContext)>,
    /// The system's own attributes of the message (`rabbitmq.*`).
    pub(crate) attributes: Vec<KeyValue>,
}

impl MessageInfo {
    /// A message to or from `destination`.
    pub fn new(destination: Destination) -> Self {
        Self {
            destination,
            ..Self::default()
        }
    }

    /// `messaging.message.id`: the broker's or the producer's identifier of the message.
    #[must_use]
    pub fn id(mut self, id: impl Into<StringValue>) -> Self {
        self.id = Some(id.into());
        self
    }

    /// An attribute of the system's own namespace for this message
    /// (`rabbitmq.message.delivery_tag`, ...), recorded on single-message spans.
    ///
    /// ```
    /// use opentelemetry::KeyValue;
    /// use otel_kit_messaging::{Destination, MessageInfo};
    ///
    /// let info = MessageInfo::new(Destination::named("jobs"))
    ///     .attribute(KeyValue::new("rabbitmq.message.delivery_tag", 7));
    /// # drop(info);
    /// ```
    #[must_use]
    pub fn attribute(mut self, attribute: KeyValue) -> Self {
        self.attributes.push(attribute);
        self
    }

    /// The body's size in bytes, recorded as `messaging.message.body.size` when the
    /// instrumentation was asked to (it is opt-in).
    #[must_use]
    pub fn body_size(mut self, bytes: usize) -> Self {
        self.body_size = Some(bytes);
        self
    }

    /// The message's creation context, as extracted from its headers. Kept only when it
    /// names a valid span that is not `ambient`'s (an extraction that found nothing
    /// returns the context it started from).
    ///
    /// ```
    /// use opentelemetry::Context;
    /// use opentelemetry::trace::{SpanContext, SpanId, TraceContextExt as _, TraceFlags, TraceId, TraceState};
    /// use otel_kit_messaging::{Destination, MessageInfo};
    ///
    /// let producer = SpanContext::new(TraceId::from(7), SpanId::from(9), TraceFlags::SAMPLED, true, TraceState::NONE);
    /// let extracted = Context::new().with_remote_span_context(producer.clone());
    /// let info = MessageInfo::new(Destination::named("q")).with_creation_context(extracted, &Context::new());
    /// assert_eq!(info.creation_span_context(), Some(&producer));
    ///
    /// let nothing = MessageInfo::new(Destination::named("q")).with_creation_context(Context::new(), &Context::new());
    /// assert!(nothing.creation_span_context().is_none());
    /// ```
    #[must_use]
    pub fn with_creation_context(mut self, extracted: Context, ambient: &Context) -> Self {
        let sc = extracted.span().span_context().clone();
        let found = sc.is_valid() && sc.is_remote() && &sc != ambient.span().span_context();
        self.creation = found.then_some((extracted, sc));
        self
    }

    /// The destination.
    pub fn destination(&self) -> &Destination {
        &self.destination
    }

    /// The identifier, if known.
    pub fn message_id(&self) -> Option<&str> {
        self.id.as_ref().map(StringValue::as_str)
    }

    /// The creation context the message carries, if any: the producer's span and the
    /// baggage it sent.
    pub fn creation_context(&self) -> Option<&Context> {
        self.creation.as_ref().map(|(cx, _)| cx)
    }

    /// The producer's span context, if the message carries one.
    pub fn creation_span_context(&self) -> Option<&SpanContext> {
        self.creation.as_ref().map(|(_, sc)| sc)
    }
}
