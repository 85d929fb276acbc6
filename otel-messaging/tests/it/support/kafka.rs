//! A Kafka-protocol broker for the tests: `TEST_KAFKA_BROKER` (host:port) when set, else
//! a tansu broker started from `TEST_TANSU_BIN` on a free port with in-memory storage
//! (stopped when the test ends), else none, saying why; and instrumented producers and
//! consumers reporting to a test's harness.

use std::process::{Command, Stdio};

use otel_kit_messaging::kafka::{Builder, Consumer, Producer};
use otel_kit_testing::{ChildServer, TestTelemetry};
use rdkafka::ClientConfig;
use rdkafka::admin::{AdminClient, AdminOptions, NewTopic, TopicReplication};
use rdkafka::client::DefaultClientContext;
use rdkafka::consumer::{Consumer as _, StreamConsumer};
use rdkafka::producer::FutureProducer;

use crate::support::PATIENCE;

/// A broker the test talks to; a tansu process started for it ends with it.
pub struct Broker {
    pub address: String,
    pub port: u16,
    _server: Option<ChildServer>,
}

impl Broker {
    /// `host:port`, for `bootstrap.servers`.
    pub fn bootstrap(&self) -> String {
        format!("{}:{}", self.address, self.port)
    }
}

/// The broker of `test`, or `None` after printing why it is skipped.
pub fn broker(test: &str) -> Option<Broker> {
    if let Ok(given) = std::env::var("TEST_KAFKA_BROKER")
        && let Some((address, port)) = given.rsplit_once(':')
    {
        let port = port.parse().expect("TEST_KAFKA_BROKER is host:port");
        return Some(Broker {
            address: address.to_owned(),
            port,
            _server: None,
        });
    }
    let Ok(tansu) = std::env::var("TEST_TANSU_BIN") else {
        eprintln!(
            "skipping {test}: neither TEST_KAFKA_BROKER (host:port of a Kafka-protocol broker) nor TEST_TANSU_BIN (a tansu binary, `cargo install tansu`) is set"
        );
        return None;
    };
    let log_path =
        |ports: &[u16]| std::env::temp_dir().join(format!("tansu-{}-{}.log", std::process::id(), ports[0]));
    let server = ChildServer::start(
        "tansu",
        1,
        PATIENCE,
        |ports| {
            let url = format!("tcp://127.0.0.1:{}", ports[0]);
            let log = std::fs::File::create(log_path(ports))?;
            Command::new(&tansu)
                .args([
                    "broker",
                    "--listener-url",
                    &url,
                    "--advertised-listener-url",
                    &url,
                ])
                .args(["--storage-engine", "memory://tansu/"])
                .env_remove("OTEL_EXPORTER_OTLP_ENDPOINT")
                .stdin(Stdio::null())
                .stdout(log.try_clone()?)
                .stderr(log)
                .spawn()
        },
        |ports| std::fs::read_to_string(log_path(ports)).unwrap_or_default(),
    )
    .unwrap_or_else(|e| {
        panic!("tansu from {tansu}: {e} (memory storage needs `cargo install tansu --features dynostore`)")
    });
    let _ = std::fs::remove_file(log_path(server.ports()));
    let broker = Broker {
        address: "127.0.0.1".to_owned(),
        port: server.port(),
        _server: Some(server),
    };
    Some(broker)
}

/// The client configuration of `broker`, with short timeouts for the tests.
pub fn config(broker: &Broker) -> ClientConfig {
    let mut config = ClientConfig::new();
    config
        .set("bootstrap.servers", broker.bootstrap())
        .set("client.id", "otel-kit-test")
        .set("message.timeout.ms", "10000");
    config
}

/// Creates `topic` with `partitions` partitions.
pub async fn create_topic(broker: &Broker, topic: &str, partitions: i32) {
    let admin: AdminClient<DefaultClientContext> = config(broker).create().expect("admin client");
    let results = admin
        .create_topics(
            &[NewTopic::new(topic, partitions, TopicReplication::Fixed(1))],
            &AdminOptions::new().operation_timeout(Some(PATIENCE)),
        )
        .await
        .expect("create topics");
    for result in results {
        result.unwrap_or_else(|(topic, code)| panic!("create {topic}: {code:?}"));
    }
}

/// The plain producer of `config`.
pub fn raw_producer(config: &ClientConfig) -> FutureProducer {
    config.create().expect("producer")
}

/// A producer reporting to `t`.
pub fn producer(broker: &Broker, t: &TestTelemetry) -> Producer {
    let config = config(broker);
    Builder::new(&config)
        .providers(t.providers())
        .producer(raw_producer(&config))
}

/// The configuration of a consumer in `group`, reading `topic` from its start.
pub fn consumer_config(broker: &Broker, group: &str) -> ClientConfig {
    let mut config = config(broker);
    config
        .set("group.id", group)
        .set("auto.offset.reset", "earliest")
        .set("enable.auto.commit", "false");
    config
}

/// A consumer in `group`, reporting to `t` as `builder` says, subscribed to `topic`.
pub fn consumer(
    broker: &Broker,
    group: &str,
    topic: &str,
    t: &TestTelemetry,
    builder: impl FnOnce(Builder) -> Builder,
) -> Consumer {
    let config = consumer_config(broker, group);
    let inner: StreamConsumer = config.create().expect("consumer");
    inner.subscribe(&[topic]).expect("subscribe");
    builder(Builder::new(&config).providers(t.providers())).consumer(inner)
}
