//! [`Builder`]: what an instrumented RabbitMQ channel records, chosen before it is built.

use opentelemetry::StringValue;
use otel_kit_core::Providers;

use crate::messaging::Messaging;
use crate::parent::ProcessParent;
use crate::rabbitmq::channel::Channel;

/// `messaging.system` of RabbitMQ, the registry's value.
pub(crate) const SYSTEM: &str = "rabbitmq";

/// Builds an instrumented [`Channel`] with other than the defaults (the global providers,
/// no server address unless [`Builder::connection_url`] or [`Builder::server`] gives
/// it, [`ProcessParent::Auto`], no body sizes).
///
/// ```no_run
/// use otel_kit_messaging::rabbitmq::Channel;
///
/// # async fn run() -> Result<(), lapin::Error> {
/// let connection = lapin::Connection::connect("amqp://rabbitmq.internal:5672", Default::default()).await?;
/// let channel = Channel::builder(connection.create_channel().await?)
///     .server("rabbitmq.internal", 5672)
///     .record_body_size(true)
///     .build();
/// # drop(channel);
/// # Ok(())
/// # }
/// ```
#[derive(Debug)]
#[must_use = "`build()` makes the channel"]
pub struct Builder {
    channel: lapin::Channel,
    messaging: Messaging,
}

impl Builder {
    pub(crate) fn new(channel: lapin::Channel) -> Self {
        Self {
            channel,
            messaging: Messaging::new(SYSTEM),
        }
    }

    /// The providers to use instead of the globals.
    pub fn providers(mut self, providers: Providers) -> Self {
        self.messaging = self.messaging.providers(providers);
        self
    }

    /// `server.address` and `server.port`: the broker's host as the application names it
    /// and its port (a lapin channel does not say where it is connected).
    pub fn server(mut self, address: impl Into<StringValue>, port: u16) -> Self {
        self.messaging = self.messaging.server(address, Some(port));
        self
    }

    /// `server.address` and `server.port` from the URL the connection was made with
    /// (`amqp://user:pass@host:5672/vhost`; 5672 when it names no port, 5671 for
    /// `amqps`): only the host and port are read, never the credentials. A URL with no
    /// readable host leaves them out.
    ///
    /// ```no_run
    /// # async fn run(connection: lapin::Connection, url: &str) -> Result<(), lapin::Error> {
    /// let channel = otel_kit_messaging::rabbitmq::Channel::builder(connection.create_channel().await?)
    ///     .connection_url(url)
    ///     .build();
    /// # drop(channel);
    /// # Ok(())
    /// # }
    /// ```
    pub fn connection_url(mut self, url: &str) -> Self {
        let default_port = if url.starts_with("amqps:") { 5671 } else { 5672 };
        if let Some(server) = crate::server_url::server_from_url(url, default_port) {
            self.messaging = self.messaging.server(server.address, server.port);
        }
        self
    }

    /// The parent of a single message's process span; see [`ProcessParent`].
    pub fn process_parent(mut self, mode: ProcessParent) -> Self {
        self.messaging = self.messaging.process_parent(mode);
        self
    }

    /// Records `messaging.message.body.size` (opt-in in the conventions).
    pub fn record_body_size(mut self, on: bool) -> Self {
        self.messaging = self.messaging.record_body_size(on);
        self
    }

    /// The instrumented channel.
    pub fn build(self) -> Channel {
        Channel::new(self.channel, self.messaging)
    }
}

impl Channel {
    /// A builder to choose what is recorded; see [`Builder`].
    pub fn builder(channel: lapin::Channel) -> Builder {
        Builder::new(channel)
    }
}
