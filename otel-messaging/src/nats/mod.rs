//! The NATS adapter (feature `nats`): wraps an `async_nats::Client` so that what it
//! publishes, requests and consumes, in core NATS and JetStream, follows the messaging
//! conventions, with trace context in the message headers.
//!
//! ```no_run
//! use futures_util::StreamExt as _;
//!
//! # async fn run() -> Result<(), async_nats::Error> {
//! let nats = otel_kit_messaging::nats::instrument(async_nats::connect("localhost:4222").await?);
//!
//! // Core NATS: `publish orders.created` (PRODUCER), then `process orders.*` (CONSUMER).
//! nats.publish("orders.created", "order 7".into()).await?;
//! let mut orders = nats.subscribe("orders.*").await?;
//! if let Some(delivery) = orders.next().await {
//!     delivery.process(|message| async move { println!("{:?}", message.payload) }).await;
//! }
//!
//! // Request/reply: `request inventory.reserve`, linked to the responder's reply.
//! let reply = nats.request("inventory.reserve", "sku-1".into()).await?;
//!
//! // JetStream: the publish span ends with the stream's ack; consumers settle in spans.
//! let js = nats.jetstream(async_nats::jetstream::new(nats.inner().clone()));
//! js.publish("orders.created", "order 8".into()).await?.await?;
//! let stream = js.inner().get_stream("ORDERS").await?;
//! let consumer = js.consumer(stream.get_consumer("billing").await?);
//! let mut messages = consumer.messages().await?;
//! if let Some(delivery) = messages.next().await {
//!     delivery?.process(|message| async move { message.ack().await }).await?;
//! }
//! # drop(reply);
//! # Ok(())
//! # }
//! ```
//!
//! # What is recorded
//!
//! `messaging.system.name` is `nats` (the registry has no value for NATS; the conventions
//! allow the system's own name then). `server.address` and `server.port` come from the
//! server's `INFO` (left out when it announces `0.0.0.0`), or from
//! [`Builder::server`]. The destination is the subject; reply inboxes (`_INBOX.`, and a
//! request's reply subject) are temporary and anonymous, so never in a span name or on a
//! metric.
//!
//! | operation | span name | kind | `messaging.operation.type` | metrics |
//! | --- | --- | --- | --- | --- |
//! | [`Client::publish`] (and `_with_headers`, `_with_reply`), [`JetStream::publish`] | `publish {subject}` | PRODUCER | `send` | sent, operation duration |
//! | [`Client::respond`] | `publish` | PRODUCER | `send` | sent, operation duration |
//! | [`Client::request`] | `request {subject}` | PRODUCER | `send` | sent, operation duration; the reply: consumed |
//! | a [`Subscriber`] or [`Messages`] handing out a message | none | | | consumed (`process`) |
//! | [`Delivery::process`], [`JetStreamDelivery::process`], the `process_batch`es | `process {subject}` | CONSUMER | `process` | process duration |
//! | [`Consumer::fetch`] | `fetch {filter}` | CLIENT | `receive` | consumed, operation duration |
//! | [`JetStreamMessage::ack`], `nak`, `term`, `in_progress`, `ack_with` | `ack {subject}`, `nak ...` | CLIENT | `settle` | operation duration |
//!
//! A request is a send in the conventions: its span's context is the request message's
//! creation context, so it is a PRODUCER span (the conventions define no SERVER kind for
//! messaging); the responder's handling is a `process` span, its child, and its reply a
//! `publish` span, to which the request span links when the reply arrives.
//!
//! # Cardinality
//!
//! The subject goes on metrics as `messaging.destination.name` unless a template
//! stands for it: the subject of a wildcard subscription (`orders.*`), a consumer's
//! wildcard filter subject, or a pattern declared with [`Builder::subject_template`].
//! Declare one for each subject that carries an id, or every id makes a series.

mod builder;
mod client;
mod errors;
mod headers;
mod instrumentation;
mod jetstream;
mod operation_names;
mod subjects;
mod subscriber;

pub use builder::Builder;
pub use client::Client;
pub use headers::{NatsHeaderExtractor, NatsHeaderInjector};
pub use jetstream::{
    AckWait, Consumer, JetStream, JetStreamDelivery, JetStreamMessage, Messages, PublishAckFuture,
};
pub use subscriber::{Delivery, Subscriber};

/// Wraps `client` with the default settings (the global providers, read when operations
/// run; the server's address from its `INFO`; single messages processed in their
/// producer's trace). [`Client::builder`] for the rest.
///
/// ```no_run
/// # async fn run() -> Result<(), async_nats::Error> {
/// let nats = otel_kit_messaging::nats::instrument(async_nats::connect("localhost:4222").await?);
/// nats.publish("orders.created", "order 7".into()).await?;
/// # Ok(())
/// # }
/// ```
pub fn instrument(client: async_nats::Client) -> Client {
    Client::builder(client).build()
}
