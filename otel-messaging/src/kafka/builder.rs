//! [`Builder`], the Kafka producer's and consumer's builder (`Builder<Kafka>`, its shared
//! settings written once in `builder.rs`): read first from the client's own
//! `ClientConfig`, its own settings, and `producer(..)` and `consumer(..)`.

use opentelemetry::StringValue;
use rdkafka::ClientContext;
use rdkafka::config::ClientConfig;
use rdkafka::consumer::{ConsumerContext, StreamConsumer};
use rdkafka::producer::FutureProducer;

use crate::builder::{MessagingSystem, sealed};
use crate::kafka::consumer::Consumer;
use crate::kafka::instrumentation::{Instrumentation, SYSTEM};
use crate::kafka::producer::Producer;
use crate::messaging::Messaging;
use crate::system::Kafka;

/// Kafka's default port, when `bootstrap.servers` names none.
const DEFAULT_PORT: u16 = 9092;

/// Builds a [`Producer`] or a [`Consumer`]: the shared settings of
/// [`Builder<S>`](crate::Builder), and Kafka's own. [`Builder::new`] reads the client's
/// `ClientConfig`: `bootstrap.servers` (its first broker: `server.address`,
/// `server.port`), `client.id` (`messaging.client.id`) and `group.id`
/// (`messaging.consumer.group.name`); nothing else, and never a credential.
///
/// ```no_run
/// use otel_kit_messaging::kafka::Builder;
/// use rdkafka::ClientConfig;
/// use rdkafka::consumer::StreamConsumer;
///
/// let mut config = ClientConfig::new();
/// config.set("bootstrap.servers", "kafka-1.internal:9092").set("group.id", "billing");
/// let consumer: StreamConsumer = config.create().expect("consumer");
/// let consumer = Builder::new(&config).record_message_key(true).consumer(consumer);
/// # drop(consumer);
/// ```
pub type Builder = crate::Builder<Kafka>;

/// What the Kafka builder alone keeps.
#[derive(Debug, Clone)]
pub struct KafkaParts {
    /// `messaging.consumer.group.name`: the consumer's `group.id`.
    consumer_group: Option<StringValue>,
    /// `kafka.cluster.id`, when the application gives it.
    cluster_id: Option<StringValue>,
    /// Whether `kafka.message.key` is recorded.
    message_key: bool,
}

impl MessagingSystem for Kafka {}

impl sealed::Sealed for Kafka {
    type Parts = KafkaParts;
}

impl Builder {
    /// The settings of a client made from `config`, with the global providers.
    pub fn new(config: &ClientConfig) -> Self {
        let mut messaging = Messaging::new(SYSTEM);
        if let Some((address, port)) = config.get("bootstrap.servers").and_then(first_broker) {
            messaging = messaging.server(address, Some(port));
        }
        if let Some(id) = config.get("client.id").filter(|id| !id.is_empty()) {
            messaging = messaging.client_id(id.to_owned());
        }
        let consumer_group = config
            .get("group.id")
            .filter(|group| !group.is_empty())
            .map(|group| StringValue::from(group.to_owned()));
        let parts = KafkaParts {
            consumer_group,
            cluster_id: None,
            message_key: false,
        };
        Self::from_parts(messaging, parts)
    }

    /// Records `kafka.message.key` on single-message spans, when the key is
    /// UTF-8 and at most 256 bytes. Off by default: the conventions recommend it, but a
    /// key is often a customer's or a user's id, which is personal data.
    pub fn record_message_key(mut self, on: bool) -> Self {
        self.parts.message_key = on;
        self
    }

    /// `kafka.cluster.id` on every span. The client's configuration does not
    /// hold it and asking the broker blocks, so it is the application's to give, typically
    /// once at start-up:
    ///
    /// ```no_run
    /// use std::time::Duration;
    /// use otel_kit_messaging::kafka::Builder;
    /// use rdkafka::ClientConfig;
    /// use rdkafka::producer::{FutureProducer, Producer as _};
    ///
    /// let mut config = ClientConfig::new();
    /// config.set("bootstrap.servers", "kafka-1.internal:9092");
    /// let producer: FutureProducer = config.create().expect("producer");
    /// let cluster = producer.client().fetch_cluster_id(Duration::from_secs(5));
    /// let mut builder = Builder::new(&config);
    /// if let Some(cluster) = cluster {
    ///     builder = builder.cluster_id(cluster);
    /// }
    /// let producer = builder.producer(producer);
    /// # drop(producer);
    /// ```
    pub fn cluster_id(mut self, id: impl Into<StringValue>) -> Self {
        self.parts.cluster_id = Some(id.into());
        self
    }

    /// The instrumented producer.
    pub fn producer<C: ClientContext + 'static, R>(self, producer: FutureProducer<C, R>) -> Producer<C, R> {
        say_once_when_headers_are_not_read();
        Producer::new(producer, self.instrumentation())
    }

    /// The instrumented consumer.
    pub fn consumer<C: ConsumerContext + 'static, R>(self, consumer: StreamConsumer<C, R>) -> Consumer<C, R> {
        say_once_when_headers_are_not_read();
        Consumer::new(consumer, self.instrumentation())
    }

    /// What the producer or consumer records with.
    fn instrumentation(self) -> Instrumentation {
        let KafkaParts {
            consumer_group,
            cluster_id,
            message_key,
        } = self.parts;
        Instrumentation {
            messaging: self.messaging,
            consumer_group,
            cluster_id,
            message_key,
        }
    }
}

/// In a build that aborts on panic the adapter reads no record header (rdkafka panics on
/// a header name that is not UTF-8, and that panic could not be caught): said once, at
/// the first instrumented client.
fn say_once_when_headers_are_not_read() {
    if cfg!(panic = "abort") {
        static SAID: std::sync::Once = std::sync::Once::new();
        SAID.call_once(|| {
            tracing::warn!(
                target: "otel_kit_messaging",
                "this build aborts on panic, and rdkafka panics reading a header name that is not UTF-8 \
                 (any producer can send one): the Kafka instrumentation reads no record header, so \
                 consumed records carry no creation context (docs/messaging.md)"
            );
        });
    }
}

/// The host and port of the first broker of a `bootstrap.servers` list
/// (`[protocol://]host[:port],...`; an IPv6 host in brackets).
fn first_broker(servers: &str) -> Option<(String, u16)> {
    let first = servers.split([',', ' ']).find(|s| !s.is_empty())?;
    let first = first.split_once("://").map_or(first, |(_, rest)| rest);
    let (host, port) = if let Some(rest) = first.strip_prefix('[') {
        let (host, after) = rest.split_once(']')?;
        (host, after.strip_prefix(':'))
    } else {
        match first.rsplit_once(':') {
            Some((host, port)) => (host, Some(port)),
            None => (first, None),
        }
    };
    let port = match port {
        Some(port) => port.parse().ok()?,
        None => DEFAULT_PORT,
    };
    (!host.is_empty()).then(|| (host.to_owned(), port))
}

#[cfg(test)]
mod tests {
    use super::first_broker;

    #[test]
    fn the_first_broker_of_the_list() {
        assert_eq!(first_broker("a:9093,b:9094"), Some(("a".into(), 9093)));
        assert_eq!(
            first_broker("kafka.internal"),
            Some(("kafka.internal".into(), 9092))
        );
        assert_eq!(
            first_broker("PLAINTEXT://[::1]:19092"),
            Some(("::1".into(), 19092))
        );
        assert_eq!(first_broker(" , x:1"), Some(("x".into(), 1)));
        assert_eq!(first_broker("host:notaport"), None);
        assert_eq!(first_broker(""), None);
        assert_eq!(first_broker("[::1"), None);
    }
}
