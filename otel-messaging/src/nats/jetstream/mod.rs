//! JetStream: [`JetStream`] publishes with a span that ends on the stream's ack
//! ([`PublishAckFuture`]); [`Consumer`] wraps a pull consumer, whose messages are
//! processed in `process` spans ([`JetStreamDelivery`]), fetched in `fetch` receive
//! spans, and settled (`ack`, `nak`, `term`, `progress`) in settle spans
//! ([`JetStreamMessage`]).

mod ack_future;
mod consumer;
mod consumer_shared;
mod message;

use std::sync::Arc;

use async_nats::jetstream::context::PublishError;
use async_nats::{HeaderMap, ToSubject};
use bytes::Bytes;

pub use ack_future::{AckWait, PublishAckFuture};
pub use consumer::{Consumer, Messages};
pub use message::{JetStreamDelivery, JetStreamMessage};

use crate::nats::errors;
use crate::nats::headers::NatsHeaderInjector;
use crate::nats::instrumentation::Instrumentation;
use crate::nats::operation_names::PUBLISH;
use crate::operation::OperationType;
use crate::operation_start::MessagingOperation;

/// A JetStream context that traces publishes and consumers; from
/// [`Client::jetstream`](crate::nats::Client::jetstream).
#[derive(Debug, Clone)]
pub struct JetStream {
    inner: async_nats::jetstream::Context,
    instrumentation: Arc<Instrumentation>,
}

impl JetStream {
    pub(crate) fn new(inner: async_nats::jetstream::Context, instrumentation: Arc<Instrumentation>) -> Self {
        Self {
            inner,
            instrumentation,
        }
    }

    /// The wrapped context, for what this wrapper does not offer (streams, consumers,
    /// key-value: untraced).
    pub fn inner(&self) -> &async_nats::jetstream::Context {
        &self.inner
    }

    /// Publishes `payload` to `subject`: a `publish {subject}` PRODUCER span whose context
    /// the message carries, ended when the returned future gives the stream's ack (with
    /// `error.type` when it fails: `stream_not_found`, `timed_out`, ...), or with no
    /// status when that future is dropped unawaited.
    ///
    /// ```no_run
    /// # async fn run(js: otel_kit_messaging::nats::JetStream) -> Result<(), async_nats::Error> {
    /// let ack = js.publish("orders.created", "order 7".into()).await?;
    /// let ack = ack.await?;
    /// println!("stored as {} in {}", ack.sequence, ack.stream);
    /// # Ok(())
    /// # }
    /// ```
    pub async fn publish<S: ToSubject>(
        &self,
        subject: S,
        payload: Bytes,
    ) -> Result<PublishAckFuture, PublishError> {
        self.publish_inner(subject, None, payload).await
    }

    /// [`publish`](Self::publish) with `headers` (a `Nats-Msg-Id` header is recorded as
    /// `messaging.message.id`).
    pub async fn publish_with_headers<S: ToSubject>(
        &self,
        subject: S,
        headers: HeaderMap,
        payload: Bytes,
    ) -> Result<PublishAckFuture, PublishError> {
        self.publish_inner(subject, Some(headers), payload).await
    }

    async fn publish_inner<S: ToSubject>(
        &self,
        subject: S,
        headers: Option<HeaderMap>,
        payload: Bytes,
    ) -> Result<PublishAckFuture, PublishError> {
        let subject = subject.to_subject();
        let instrumentation = &self.instrumentation;
        instrumentation.settle_server().await;
        let info = instrumentation.outgoing(subject.as_str(), headers.as_ref(), payload.len(), false);
        let call = instrumentation
            .messaging()
            .start(MessagingOperation::new(OperationType::Send, PUBLISH).message(info));
        let mut headers = headers.unwrap_or_default();
        call.inject(&mut NatsHeaderInjector(&mut headers));
        let work = self.inner.publish_with_headers(subject, headers, payload);
        let (result, call) = otel_kit_core::__private::call::CallFuture::new(work, call).await;
        match result {
            Ok(ack) => Ok(PublishAckFuture::new(ack, call)),
            Err(error) => {
                if let Some(call) = call {
                    call.finish(Some(&errors::of_kind(error.kind(), &error)));
                }
                Err(error)
            }
        }
    }

    /// A pull consumer, traced; see [`Consumer`].
    pub fn consumer(&self, consumer: async_nats::jetstream::consumer::PullConsumer) -> Consumer {
        Consumer::new(consumer, Arc::clone(&self.instrumentation))
    }
}
