//! [`Client`]: an `async_nats::Client` whose publishes, requests and subscriptions are
//! traced.

use std::sync::Arc;

use async_nats::{
    HeaderMap, Message, PublishError, PublishErrorKind, RequestError, Subject, SubscribeError, ToSubject,
};
use bytes::Bytes;
use otel_kit_core::__private::call::CallFuture;

use crate::failure::HandlerOutcome;
use crate::messaging::Messaging;
use crate::nats::errors;
use crate::nats::headers::NatsHeaderInjector;
use crate::nats::instrumentation::Instrumentation;
use crate::nats::jetstream::JetStream;
use crate::nats::subscriber::{Delivery, Subscriber};
use crate::operation::OperationType;
use crate::operation_start::MessagingOperation;
use crate::process::ProcessFuture;
use crate::traced::traced;

use crate::nats::operation_names::{PUBLISH, REQUEST};

/// A NATS client that traces what it sends and receives; made by
/// [`instrument`](crate::nats::instrument) or [`Client::builder`]. Cheap to clone;
/// clones share the connection and the instrumentation.
///
/// Each method is the `async_nats::Client` method of the same name, with its span:
///
/// | method | span | kind |
/// | --- | --- | --- |
/// | [`publish`](Self::publish), [`publish_with_headers`](Self::publish_with_headers), [`publish_with_reply`](Self::publish_with_reply) | `publish {subject}` | PRODUCER |
/// | [`respond`](Self::respond) | `publish` (to the temporary reply inbox) | PRODUCER |
/// | [`request`](Self::request), [`request_with_headers`](Self::request_with_headers) | `request {subject}`, linked to the reply's producer | PRODUCER |
/// | [`subscribe`](Self::subscribe), [`queue_subscribe`](Self::queue_subscribe) | none; each message's [`Delivery::process`] is `process {subject}` | CONSUMER |
///
/// The span's context is written into the message's headers (a message without
/// headers gets them only when the propagator writes something), unless the headers
/// already carry a trace context: that one is the message's creation context, kept as
/// it is, and the span is then a CLIENT span linked to it.
#[derive(Debug, Clone)]
pub struct Client {
    inner: async_nats::Client,
    instrumentation: Arc<Instrumentation>,
}

impl Client {
    pub(crate) fn new(inner: async_nats::Client, instrumentation: Arc<Instrumentation>) -> Self {
        Self {
            inner,
            instrumentation,
        }
    }

    /// The wrapped client, for what this wrapper does not offer (untraced).
    pub fn inner(&self) -> &async_nats::Client {
        &self.inner
    }

    /// The wrapped client.
    pub fn into_inner(self) -> async_nats::Client {
        self.inner
    }

    /// The core instrumentation, to trace an operation this wrapper does not offer.
    pub fn messaging(&self) -> &Messaging {
        self.instrumentation.messaging()
    }

    /// Publishes `payload` to `subject`.
    ///
    /// ```no_run
    /// # async fn run(nats: otel_kit_messaging::nats::Client) -> Result<(), async_nats::Error> {
    /// nats.publish("orders.created", "order 7".into()).await?;
    /// # Ok(())
    /// # }
    /// ```
    pub async fn publish<S: ToSubject>(&self, subject: S, payload: Bytes) -> Result<(), PublishError> {
        self.send(subject.to_subject(), None, None, payload, false).await
    }

    /// Publishes `payload` with `headers` to `subject`.
    pub async fn publish_with_headers<S: ToSubject>(
        &self,
        subject: S,
        headers: HeaderMap,
        payload: Bytes,
    ) -> Result<(), PublishError> {
        self.send(subject.to_subject(), None, Some(headers), payload, false)
            .await
    }

    /// Publishes `payload` to `subject`, asking for replies on `reply`.
    pub async fn publish_with_reply<S: ToSubject, R: ToSubject>(
        &self,
        subject: S,
        reply: R,
        payload: Bytes,
    ) -> Result<(), PublishError> {
        self.send(
            subject.to_subject(),
            Some(reply.to_subject()),
            None,
            payload,
            false,
        )
        .await
    }

    /// Publishes `payload` to the reply subject of `request`: a `publish` span to a
    /// temporary, anonymous destination. Fails with `InvalidSubject` when the message
    /// asked for no reply.
    ///
    /// ```no_run
    /// # async fn run(nats: otel_kit_messaging::nats::Client, delivery: otel_kit_messaging::nats::Delivery)
    /// # -> Result<(), async_nats::PublishError> {
    /// delivery
    ///     .process(|request| async move { nats.respond(&request, "pong".into()).await })
    ///     .await?;
    /// # Ok(())
    /// # }
    /// ```
    pub async fn respond(&self, request: &Message, payload: Bytes) -> Result<(), PublishError> {
        let Some(reply) = request.reply.clone() else {
            return Err(PublishError::with_source(
                PublishErrorKind::InvalidSubject,
                "the message asked for no reply",
            ));
        };
        self.send(reply, None, None, payload, true).await
    }

    async fn send(
        &self,
        subject: Subject,
        reply: Option<Subject>,
        headers: Option<HeaderMap>,
        payload: Bytes,
        to_reply: bool,
    ) -> Result<(), PublishError> {
        let instrumentation = &self.instrumentation;
        instrumentation.settle_server().await;
        let info = instrumentation.outgoing(subject.as_str(), headers.as_ref(), payload.len(), to_reply);
        let call = instrumentation
            .messaging()
            .start(MessagingOperation::new(OperationType::Send, PUBLISH).message(info));
        let given = headers.is_some();
        let mut headers = headers.unwrap_or_default();
        call.inject(&mut NatsHeaderInjector(&mut headers));
        // A message sent without headers keeps none when the propagator wrote nothing.
        let headers = (given || !headers.is_empty()).then_some(headers);
        let client = &self.inner;
        let work = async move {
            match (reply, headers) {
                (None, None) => client.publish(subject, payload).await,
                (None, Some(headers)) => client.publish_with_headers(subject, headers, payload).await,
                (Some(reply), None) => client.publish_with_reply(subject, reply, payload).await,
                (Some(reply), Some(headers)) => {
                    client
                        .publish_with_reply_and_headers(subject, reply, headers, payload)
                        .await
                }
            }
        };
        traced(call, work, |error| errors::of_kind(error.kind(), error)).await
    }

    /// Sends a request to `subject` and waits for the reply (the client's request
    /// timeout applies): one `request {subject}` span over the round trip, whose context
    /// the request carries; the reply's producer span is linked to it and the reply is
    /// counted as consumed.
    ///
    /// ```no_run
    /// # async fn run(nats: otel_kit_messaging::nats::Client) -> Result<(), async_nats::Error> {
    /// let reply = nats.request("inventory.reserve", "sku-1".into()).await?;
    /// # drop(reply);
    /// # Ok(())
    /// # }
    /// ```
    pub async fn request<S: ToSubject>(&self, subject: S, payload: Bytes) -> Result<Message, RequestError> {
        self.request_inner(subject.to_subject(), None, payload).await
    }

    /// [`request`](Self::request) with `headers`.
    pub async fn request_with_headers<S: ToSubject>(
        &self,
        subject: S,
        headers: HeaderMap,
        payload: Bytes,
    ) -> Result<Message, RequestError> {
        self.request_inner(subject.to_subject(), Some(headers), payload)
            .await
    }

    async fn request_inner(
        &self,
        subject: Subject,
        headers: Option<HeaderMap>,
        payload: Bytes,
    ) -> Result<Message, RequestError> {
        let instrumentation = &self.instrumentation;
        instrumentation.settle_server().await;
        let messaging = instrumentation.messaging();
        let info = instrumentation.outgoing(subject.as_str(), headers.as_ref(), payload.len(), false);
        let call = messaging.start(MessagingOperation::new(OperationType::Send, REQUEST).message(info));
        let given = headers.is_some();
        let mut headers = headers.unwrap_or_default();
        call.inject(&mut NatsHeaderInjector(&mut headers));
        let client = &self.inner;
        let work = async move {
            if given || !headers.is_empty() {
                client.request_with_headers(subject, headers, payload).await
            } else {
                client.request(subject, payload).await
            }
        };
        let (result, call) = CallFuture::new(work, call).await;
        if let Some(call) = call {
            let failure = match &result {
                Ok(reply) => {
                    let reply = instrumentation.incoming(reply, None, true);
                    if let Some(producer) = reply.creation_span_context() {
                        call.add_link(producer.clone(), Vec::new());
                    }
                    messaging
                        .delivered(&MessagingOperation::new(OperationType::Receive, REQUEST).message(reply));
                    None
                }
                Err(error) => Some(errors::of_kind(error.kind(), error)),
            };
            call.finish(failure.as_ref());
        }
        result
    }

    /// Subscribes to `subject` (wildcards allowed: the subject is then the template of
    /// the messages received). Each message is a [`Delivery`], counted as consumed.
    ///
    /// ```no_run
    /// use futures_util::StreamExt as _;
    ///
    /// # async fn run(nats: otel_kit_messaging::nats::Client) -> Result<(), async_nats::Error> {
    /// let mut shipped = nats.subscribe("orders.*.shipped").await?;
    /// while let Some(delivery) = shipped.next().await {
    ///     delivery.process(|message| async move { println!("{:?}", message.payload) }).await;
    /// }
    /// # Ok(())
    /// # }
    /// ```
    pub async fn subscribe<S: ToSubject>(&self, subject: S) -> Result<Subscriber, SubscribeError> {
        let subject = subject.to_subject();
        let pattern = subject.to_string();
        let inner = self.inner.subscribe(subject).await?;
        self.instrumentation.settle_server().await;
        Ok(Subscriber::new(
            inner,
            Arc::clone(&self.instrumentation),
            pattern,
            None,
        ))
    }

    /// Subscribes to `subject` in `queue_group` (`messaging.consumer.group.name`): each
    /// message goes to one member of the group.
    pub async fn queue_subscribe<S: ToSubject>(
        &self,
        subject: S,
        queue_group: String,
    ) -> Result<Subscriber, SubscribeError> {
        let subject = subject.to_subject();
        let pattern = subject.to_string();
        let group = queue_group.clone();
        let inner = self.inner.queue_subscribe(subject, queue_group).await?;
        self.instrumentation.settle_server().await;
        Ok(Subscriber::new(
            inner,
            Arc::clone(&self.instrumentation),
            pattern,
            Some(group),
        ))
    }

    /// Runs `handler` over a batch of deliveries in one `process` span, linked to each
    /// message's producer (`messaging.batch.message_count`; a batch is never a child of
    /// a producer: it has several).
    ///
    /// ```no_run
    /// use futures_util::StreamExt as _;
    ///
    /// # async fn run(nats: otel_kit_messaging::nats::Client) -> Result<(), async_nats::Error> {
    /// let mut orders = nats.subscribe("orders.created").await?;
    /// let batch: Vec<_> = orders.by_ref().take(10).collect().await;
    /// nats.process_batch(batch, |messages| async move { println!("{} orders", messages.len()) })
    ///     .await;
    /// # Ok(())
    /// # }
    /// ```
    pub fn process_batch<F, Fut>(&self, deliveries: Vec<Delivery>, handler: F) -> ProcessFuture<Fut>
    where
        F: FnOnce(Vec<Message>) -> Fut,
        Fut: std::future::Future,
        Fut::Output: HandlerOutcome,
    {
        let (operation, messages) = Delivery::batch(deliveries);
        let messaging = self.instrumentation.messaging();
        messaging.process(operation, handler(messages))
    }

    /// JetStream through this client's instrumentation: pass the context made from
    /// [`inner`](Self::inner) (`async_nats::jetstream::new(nats.inner().clone())`).
    ///
    /// ```no_run
    /// # async fn run(nats: otel_kit_messaging::nats::Client) -> Result<(), async_nats::Error> {
    /// let js = nats.jetstream(async_nats::jetstream::new(nats.inner().clone()));
    /// js.publish("orders.created", "order 7".into()).await?.await?;
    /// # Ok(())
    /// # }
    /// ```
    pub fn jetstream(&self, context: async_nats::jetstream::Context) -> JetStream {
        JetStream::new(context, Arc::clone(&self.instrumentation))
    }
}
