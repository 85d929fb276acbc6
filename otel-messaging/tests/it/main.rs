//! otel-kit-messaging's integration tests, one binary: the broker-agnostic core without a
//! broker (`core`); the kit's one carrier rule over every header source (`carrier_rule`,
//! no broker either); the NATS adapter against a real NATS server with JetStream
//! (`TEST_NATS_URL`): publish/subscribe (`pubsub`), request/reply (`request_reply`),
//! JetStream publish, consume, settle, redelivery and fetch (`jetstream`), a broker that
//! is down (`broker_down`), headers written by a hostile producer (`hostile_headers`),
//! and the registry check over every kind of span, metric and event (`registry`); the
//! RabbitMQ adapter against a real RabbitMQ (`TEST_AMQP_URL`): publish, consume, ack,
//! nack and redelivery, a batch (`rabbitmq`), a broker that is down, a closed channel,
//! hostile headers and its registry check (`rabbitmq_failures`); the Kafka adapter
//! against a real Kafka-protocol broker (`TEST_KAFKA_BROKER`, or tansu started from
//! `TEST_TANSU_BIN`): send, process, commit, a polled batch, a broker that is down
//! (`kafka`), and headers written by a hostile producer (`kafka_headers`), built with the
//! `kafka` feature only (`cargo test -p otel-kit-messaging --features kafka`: librdkafka is
//! compiled from C, so the default test build leaves it out). A test that needs a
//! broker says why it skips when its variable is unset; CI sets both. Each test has its
//! own harness (`TestTelemetry::providers`) and its own subjects, streams and queues, so
//! they run in parallel against the shared servers.

mod broker_down;
mod carrier_rule;
mod core;
mod hostile_headers;
mod jetstream;
#[cfg(feature = "kafka")]
mod kafka;
#[cfg(feature = "kafka")]
mod kafka_headers;
mod pubsub;
mod rabbitmq;
mod rabbitmq_failures;
mod registry;
mod request_reply;
mod support;
