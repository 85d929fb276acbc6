//! OpenTelemetry instrumentation for message brokers, following the messaging semantic
//! conventions 1.45: PRODUCER and CONSUMER spans named `{operation} {destination}`, trace
//! context carried in message headers, links from consumers to each message's producer,
//! and the four messaging metrics. The broker-agnostic core is always there; each client
//! library has its adapter behind a feature.
//!
#![cfg_attr(feature = "nats", doc = "```no_run")]
#![cfg_attr(not(feature = "nats"), doc = "```ignore")]
//! use futures_util::StreamExt as _;
//!
//! # async fn run() -> Result<(), async_nats::Error> {
//! let nats = otel_kit_messaging::nats::instrument(async_nats::connect("localhost:4222").await?);
//! nats.publish("orders.created", "order 7".into()).await?; // PRODUCER `publish orders.created`
//!
//! let mut orders = nats.subscribe("orders.*").await?;
//! while let Some(delivery) = orders.next().await {
//!     // CONSUMER `process orders.*`, in the publisher's trace.
//!     delivery.process(|message| async move { handle(message).await }).await?;
//! }
//! # Ok(())
//! # }
//! # async fn handle(_: async_nats::Message) -> Result<(), std::io::Error> { Ok(()) }
//! ```
//!
//! - `nats` (feature `nats`): the async-nats adapter: core publish/subscribe,
//!   request/reply, JetStream publish (the ack ends the span) and consumers (process,
//!   fetch as a receive, ack/nak/term as settle).
//! - `rabbitmq` (feature `rabbitmq`): the lapin adapter: `basic_publish` with the
//!   context in the message headers, consumers whose messages are processed in their own
//!   spans, ack/nack/reject as settle.
//! - `kafka` (feature `kafka`): the rdkafka adapter: `FutureProducer` sends with the
//!   context in the record headers, `StreamConsumer` records processed in their own
//!   spans, batches polled with a link per record, offset commits as settle.
//! - [`Messaging`]: the broker-agnostic instrumentation the adapters are built on, for a
//!   client without an adapter: [`MessagingOperation`] and [`MessageInfo`] describe what happens,
//!   [`MessagingCall`] is an operation in flight, [`ProcessFuture`] a handler in its process span.
//! - [`Destination`]: the destination and the naming and cardinality rules made of it.
//! - [`OperationType`]: `send`, `receive`, `process`, `settle`, `create`, with each one's
//!   span kind, metrics and exception event.
//! - [`ProcessParent`]: whether a single message's process span is a child of its
//!   producer's span or only linked to it (the conventions' option).
//! - [`carrier`]: reading trace context from headers anyone may have written, by the
//!   kit's one rule for repeated and mis-cased headers, within bounds
//!   ([`BoundedExtractor`](carrier::BoundedExtractor), otel-kit-core's).
//! - [`Failure`] and [`HandlerOutcome`]: `error.type` and the span status of a failed
//!   operation or handler; an error the operation returned (a client error, a handler's
//!   `Err`) is also its one exception event (`messaging.send.exception`, ...,
//!   `messaging.process.exception`), as a panic is.
//!
//! Everything reads the OpenTelemetry globals (tracer, meter, propagator) that
//! `otel_kit_init::init()` installs, and the kit's global logger provider, when
//! operations run, unless given [`Providers`] with `.providers(..)`. Telemetry adds no
//! waiting to a publish: the span starts, the context is written into the headers, and
//! the client's own call is awaited.
//!
//! The spans, attributes and metrics, each with its type and when it is set, are listed
//! in `docs/messaging.md`.
//!
//! # Cargo features
//!
//! | feature | default | adds | pulls in |
//! | --- | --- | --- | --- |
//! | `nats` | no | module `nats`: `instrument`, `Client`, `Subscriber`, `Delivery`, `JetStream`, `Consumer`, `JetStreamMessage`, the header carrier | async-nats with `jetstream` only (its TLS provider, nkeys, KV and object store stay the application's choice), bytes, futures-util |
//! | `kafka` | no | module `kafka`: `producer`, `consumer`, `Builder` (`Builder<Kafka>`), `Producer`, `Consumer`, `Delivery`, the header carrier | rdkafka with `tokio` only (librdkafka built from its bundled source unless the application's rdkafka asks for `dynamic-linking`; its TLS, SASL and codecs stay the application's choice), futures-util |
//! | `rabbitmq` | no | module `rabbitmq`: `instrument`, `Channel`, `Consumer`, `Delivery`, `ConsumedMessage`, the header carrier | lapin without its default features (its runtime and TLS stay the application's choice), futures-util |
//!
//! With no feature, the core above is all there is, and no client library.

#![cfg_attr(docsrs, feature(doc_cfg))]

/// The `Extractor` of every adapter's header carrier.
#[cfg(any(feature = "nats", feature = "rabbitmq", feature = "kafka"))]
mod bounded_extractor;
// `Builder<S>`, written once over the messaging system.
#[cfg(any(feature = "nats", feature = "rabbitmq", feature = "kafka"))]
mod builder;
mod call;
mod destination;
#[cfg(any(feature = "nats", feature = "rabbitmq", feature = "kafka"))]
mod error_kind;
mod failure;
mod instruments;
#[cfg(feature = "kafka")]
#[cfg_attr(docsrs, doc(cfg(feature = "kafka")))]
pub mod kafka;
mod message;
mod messaging;
#[cfg(feature = "nats")]
#[cfg_attr(docsrs, doc(cfg(feature = "nats")))]
pub mod nats;
mod operation;
mod operation_start;
mod parent;
mod process;
#[cfg(feature = "rabbitmq")]
#[cfg_attr(docsrs, doc(cfg(feature = "rabbitmq")))]
pub mod rabbitmq;
mod scope;
#[cfg(feature = "rabbitmq")]
mod server_url;
mod start;
// The systems `Builder<S>` serves (each marker carries its feature).
#[cfg(any(feature = "nats", feature = "rabbitmq", feature = "kafka"))]
pub mod system;
#[cfg(any(feature = "nats", feature = "rabbitmq"))]
mod traced;

// With any adapter's feature.
#[cfg(any(feature = "nats", feature = "rabbitmq", feature = "kafka"))]
pub use builder::{Builder, MessagingSystem};
pub use call::MessagingCall;
pub use destination::Destination;
pub use failure::{Failure, HandlerOutcome};
pub use instruments::MESSAGING_DURATION_BUCKETS;
pub use message::MessageInfo;
pub use messaging::Messaging;
/// The OpenTelemetry API this crate is built on, re-exported so that the application
/// names the very version the kit records through: with a second `opentelemetry` in the
/// build, providers installed through one are invisible to the other and the
/// instrumentation silently records nothing.
pub use opentelemetry;
pub use operation::OperationType;
pub use operation_start::{MessagingOperation, Started};
/// The header carrier every extractor of the kit reads through (otel-kit-core's): one
/// rule for repeated and mis-cased headers, within bounds.
#[doc(inline)]
pub use otel_kit_core::__private::carrier;
pub use otel_kit_core::Providers;
/// The logger provider the kit's log events (exception events) go to when
/// [`Providers`] gives none. `otel_kit_init::init()` sets it; a service without `init()`
/// sets it here, with no need to name the kit's shared core.
///
/// ```
/// use opentelemetry_sdk::logs::SdkLoggerProvider;
///
/// otel_kit_messaging::set_global_logger_provider(SdkLoggerProvider::builder().build());
/// ```
pub use otel_kit_core::log_events::set_global_logger_provider;
/// `server.service.name` by address, for [`Providers::peer_services`].
pub use otel_kit_core::{PeerServiceError, PeerServices};
pub use parent::ProcessParent;
pub use process::ProcessFuture;
pub use scope::INSTRUMENTATION_SCOPE;

#[cfg(all(doctest, feature = "nats", feature = "rabbitmq"))]
#[doc = include_str!("../README.md")]
struct Readme;

#[cfg(all(doctest, feature = "nats", feature = "rabbitmq", feature = "kafka"))]
#[doc = include_str!("../../docs/messaging.md")]
struct MessagingGuide;
