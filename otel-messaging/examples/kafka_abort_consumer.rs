//! A Kafka consumer instrumented by the kit, for a build that aborts on panic: it
//! receives one record from `TOPIC` and processes it in a span, then prints `processed`
//! and exits. otel-kit-messaging's poison-record test runs it against a record whose
//! header names rdkafka cannot read, to show such a build survives it.
//!
//! ```sh
//! RUSTFLAGS="-C panic=abort" cargo build -p otel-kit-messaging --features kafka --example kafka_abort_consumer
//! target/debug/examples/kafka_abort_consumer BOOTSTRAP TOPIC
//! ```
//!
//! `.ci/run` compiles only the workspace's crates so (`.ci/panic_abort_rustc.sh`), which
//! gives the same aborting binary without compiling every dependency again.

use std::time::Duration;

use rdkafka::ClientConfig;
use rdkafka::consumer::{Consumer as _, StreamConsumer};

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let mut args = std::env::args().skip(1);
    let (Some(bootstrap), Some(topic)) = (args.next(), args.next()) else {
        eprintln!("usage: kafka_abort_consumer BOOTSTRAP TOPIC");
        std::process::exit(2);
    };
    // The adapter's one warning goes to stderr, where the test reads it.
    let subscriber = tracing_subscriber::fmt().with_writer(std::io::stderr).finish();
    let _default = tracing::subscriber::set_default(subscriber);
    let mut config = ClientConfig::new();
    config
        .set("bootstrap.servers", &bootstrap)
        .set("group.id", "abort-consumer")
        .set("auto.offset.reset", "earliest")
        .set("enable.auto.commit", "false");
    let inner: StreamConsumer = config.create().expect("consumer");
    inner.subscribe(&[&topic]).expect("subscribe");
    let consumer = otel_kit_messaging::kafka::Builder::new(&config).consumer(inner);
    let delivery = tokio::time::timeout(Duration::from_secs(30), consumer.recv())
        .await
        .expect("a record within 30 s")
        .expect("a record");
    delivery.process(|_| async {}).await;
    println!("processed");
}
