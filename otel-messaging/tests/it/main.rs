//! otel-kit-messaging's integration tests, one binary: the broker-agnostic core without a
//! broker (`core`), and the NATS adapter against a real NATS server with JetStream
//! (`TEST_NATS_URL`; each such test says why it skips when it is unset, and CI sets it):
//! publish/subscribe (`pubsub`), request/reply (`request_reply`), JetStream publish,
//! consume, settle, redelivery and fetch (`jetstream`), a broker that is down
//! (`broker_down`), headers written by a hostile producer (`hostile_headers`), and the
//! registry check over every kind of span, metric and event the crate emits
//! (`registry`). Each test has its own harness (`TestTelemetry::providers`) and its own
//! subjects and streams, so they run in parallel against the shared server.

mod broker_down;
mod core;
mod hostile_headers;
mod jetstream;
mod pubsub;
mod registry;
mod request_reply;
mod support;
