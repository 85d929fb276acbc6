//! [`Builder`], the RabbitMQ channel's builder (`Builder<RabbitMq>`, its shared settings
//! written once in `builder.rs`): its own setting, the server from a connection URL, and
//! `build()`.

use crate::builder::{MessagingSystem, sealed};
use crate::messaging::Messaging;
use crate::rabbitmq::channel::Channel;
use crate::system::RabbitMq;

/// `messaging.system.name` of RabbitMQ, the registry's value.
pub(crate) const SYSTEM: &str = otel_kit_semconv::value::messaging_system_name::RABBITMQ;

/// Builds an instrumented [`Channel`] with other than the defaults (the global providers,
/// no server address unless [`Builder::connection_url`] or
/// [`server`](crate::Builder::server) gives it,
/// [`ProcessParent::Auto`](crate::ProcessParent::Auto), no body sizes): the shared
/// settings of [`Builder<S>`](crate::Builder), and the server from a connection URL.
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
pub type Builder = crate::Builder<RabbitMq>;

/// What the RabbitMQ builder alone keeps: the channel.
#[derive(Debug)]
pub struct RabbitMqParts {
    channel: lapin::Channel,
}

impl MessagingSystem for RabbitMq {}

impl sealed::Sealed for RabbitMq {
    type Parts = RabbitMqParts;
}

impl Builder {
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

    /// The instrumented channel.
    pub fn build(self) -> Channel {
        Channel::new(self.parts.channel, self.messaging)
    }
}

impl Channel {
    /// A builder to choose what is recorded; see [`Builder`].
    pub fn builder(channel: lapin::Channel) -> Builder {
        Builder::from_parts(Messaging::new(SYSTEM), RabbitMqParts { channel })
    }
}
