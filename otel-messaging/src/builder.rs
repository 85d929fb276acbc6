//! [`Builder`], what an instrumented client records, chosen before it is built: written
//! once over the messaging system `S` ([`system`](crate::system)), with the settings
//! every system shares. Each system's own settings and build methods sit beside its
//! adapter (`nats/builder.rs`, `rabbitmq/builder.rs`, `kafka/builder.rs`).

use std::fmt;

use opentelemetry::StringValue;
use otel_kit_core::Providers;

use crate::messaging::Messaging;
use crate::parent::ProcessParent;

/// What the builder needs of a system.
pub(crate) mod sealed {
    use super::fmt;

    /// Implemented by this crate's systems only.
    pub trait Sealed: 'static {
        /// What the system's builder keeps besides the shared settings (its client, its
        /// own options).
        type Parts: fmt::Debug;
    }
}

/// A messaging system a [`Builder`] serves: with their features,
/// `Nats`, `RabbitMq` and `Kafka` ([`system`](crate::system)).
pub trait MessagingSystem: sealed::Sealed {}

/// Builds an instrumented client of the messaging system `S` with other than the
/// defaults (the global providers, `server.address` and `server.port` as the client
/// knows them, [`ProcessParent::Auto`], no body sizes). Each adapter names it:
/// `nats::Builder` from `nats::Client::builder`, `rabbitmq::Builder` from
/// `rabbitmq::Channel::builder`, `kafka::Builder` from `kafka::Builder::new`, each with
/// its feature; each adds its own
/// settings and build methods to these.
///
/// ```no_run
/// use otel_kit_messaging::ProcessParent;
/// use otel_kit_messaging::nats::Client;
///
/// # async fn run() -> Result<(), async_nats::Error> {
/// let nats = Client::builder(async_nats::connect("nats.internal:4222").await?)
///     .server("nats.internal", 4222)
///     .process_parent(ProcessParent::LinkOnly)
///     .record_body_size(true)
///     .build();
/// # drop(nats);
/// # Ok(())
/// # }
/// ```
#[must_use = "a builder instruments nothing until its build method makes the client"]
pub struct Builder<S: MessagingSystem> {
    pub(crate) messaging: Messaging,
    pub(crate) parts: S::Parts,
}

// By hand: derived, they would ask the marker type `S` to be `Debug` and `Clone`.
impl<S: MessagingSystem> fmt::Debug for Builder<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Builder")
            .field("messaging", &self.messaging)
            .field("parts", &self.parts)
            .finish()
    }
}

impl<S: MessagingSystem> Clone for Builder<S>
where
    S::Parts: Clone,
{
    fn clone(&self) -> Self {
        Self {
            messaging: self.messaging.clone(),
            parts: self.parts.clone(),
        }
    }
}

impl<S: MessagingSystem> Builder<S> {
    /// A builder over `messaging` and the system's own `parts`.
    pub(crate) fn from_parts(messaging: Messaging, parts: S::Parts) -> Self {
        Self { messaging, parts }
    }

    /// The tracer, meter, propagator and logger providers to use instead of the globals.
    ///
    /// ```no_run
    /// # async fn run(nats: async_nats::Client) {
    /// let providers = otel_kit_messaging::Providers::new();
    /// let nats = otel_kit_messaging::nats::Client::builder(nats).providers(providers).build();
    /// # drop(nats);
    /// # }
    /// ```
    pub fn providers(mut self, providers: Providers) -> Self {
        self.messaging = self.messaging.providers(providers);
        self
    }

    /// `server.address` and `server.port`, instead of what the client knows: NATS's
    /// announced address (or, when it announces `0.0.0.0` because it listens on every
    /// interface, the address the client was given), the first of Kafka's
    /// `bootstrap.servers`; RabbitMQ's channel knows none (see also
    /// its builder's `connection_url`).
    ///
    /// ```no_run
    /// # async fn run(channel: lapin::Channel) {
    /// let channel = otel_kit_messaging::rabbitmq::Channel::builder(channel)
    ///     .server("rabbitmq.internal", 5672)
    ///     .build();
    /// # drop(channel);
    /// # }
    /// ```
    pub fn server(mut self, address: impl Into<StringValue>, port: u16) -> Self {
        self.messaging = self.messaging.server(address, Some(port));
        self
    }

    /// The parent of a single message's process span; see [`ProcessParent`].
    ///
    /// ```no_run
    /// # async fn run(nats: async_nats::Client) {
    /// use otel_kit_messaging::ProcessParent;
    ///
    /// let nats = otel_kit_messaging::nats::Client::builder(nats)
    ///     .process_parent(ProcessParent::LinkOnly)
    ///     .build();
    /// # drop(nats);
    /// # }
    /// ```
    pub fn process_parent(mut self, mode: ProcessParent) -> Self {
        self.messaging = self.messaging.process_parent(mode);
        self
    }

    /// Records `messaging.message.body.size` (opt-in in the conventions: off by default).
    ///
    /// ```no_run
    /// # async fn run(nats: async_nats::Client) {
    /// let nats = otel_kit_messaging::nats::Client::builder(nats).record_body_size(true).build();
    /// # drop(nats);
    /// # }
    /// ```
    pub fn record_body_size(mut self, on: bool) -> Self {
        self.messaging = self.messaging.record_body_size(on);
        self
    }
}
