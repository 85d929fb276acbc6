//! What the tests share: the broker's URL (or why a test is skipped), names no other
//! test uses, an instrumented client reporting to a test's own harness, a parent span,
//! and JetStream streams that are deleted afterwards.

#![allow(unreachable_pub)]

pub mod amqp;
#[cfg(feature = "kafka")]
pub mod kafka;

use std::future::Future;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use async_nats::jetstream::consumer::{AckPolicy, PullConsumer, pull};
use async_nats::jetstream::stream;
use opentelemetry::Context;
use opentelemetry::context::FutureExt as _;
use opentelemetry::trace::{TraceContextExt as _, Tracer as _, TracerProvider as _};
use otel_kit_messaging::nats::{Builder, Client, JetStream};
use otel_kit_testing::TestTelemetry;

/// How long a test waits for something that takes milliseconds when it works.
pub const PATIENCE: Duration = Duration::from_secs(10);

/// `TEST_NATS_URL`, or `None` after printing why `test` is skipped.
pub fn nats_url(test: &str) -> Option<String> {
    match std::env::var("TEST_NATS_URL") {
        Ok(url) if !url.is_empty() => Some(url),
        _ => {
            eprintln!("skipping {test}: TEST_NATS_URL is not set (nats://127.0.0.1:4222 with JetStream)");
            None
        }
    }
}

/// A subject or stream-name token no other test (or run) uses: the server is shared.
/// Written in letters: a token with digits would look like an id and be recorded
/// under a template (`Destination::with_id_template`), which the tests name apart.
pub fn unique(test: &str) -> String {
    static NEXT: AtomicU64 = AtomicU64::new(0);
    let letters = |mut n: u64| {
        let mut out = Vec::new();
        loop {
            out.push(b'a' + (n % 26) as u8);
            n /= 26;
            if n == 0 {
                break;
            }
        }
        String::from_utf8(out).expect("ASCII letters")
    };
    format!(
        "{test}_{}_{}",
        letters(u64::from(std::process::id())),
        letters(NEXT.fetch_add(1, Ordering::Relaxed))
    )
}

/// A connection to the test broker.
pub async fn connect(url: &str) -> async_nats::Client {
    async_nats::connect(url).await.expect("connect to TEST_NATS_URL")
}

/// The builder of a client that reports to `t`.
pub async fn builder(url: &str, t: &TestTelemetry) -> Builder {
    Client::builder(connect(url).await).providers(t.providers())
}

/// A client that reports to `t`, with the defaults otherwise.
pub async fn client(url: &str, t: &TestTelemetry) -> Client {
    builder(url, t).await.build()
}

/// Runs `f` inside a span named `test` of `t` (ended afterwards), as a caller's span
/// would be, and returns its output and the span's trace id.
pub async fn in_parent<F: Future>(t: &TestTelemetry, f: F) -> (F::Output, String) {
    let tracer = t.tracer_provider().tracer("test");
    let cx = Context::new().with_span(tracer.start("test"));
    let trace_id = cx.span().span_context().trace_id().to_string();
    let out = f.with_context(cx.clone()).await;
    cx.span().end();
    (out, trace_id)
}

/// A JetStream stream of its own for a test: subjects `<prefix>.>`, deleted on drop.
pub struct TestStream {
    pub js: JetStream,
    pub name: String,
    pub prefix: String,
}

impl TestStream {
    pub async fn new(client: &Client, test: &str) -> Self {
        let name = unique(test);
        let prefix = name.clone();
        let js = client.jetstream(async_nats::jetstream::new(client.inner().clone()));
        js.inner()
            .create_stream(stream::Config {
                name: name.clone(),
                subjects: vec![format!("{prefix}.>")],
                max_age: Duration::from_secs(600),
                ..Default::default()
            })
            .await
            .expect("create stream");
        Self { js, name, prefix }
    }

    /// A durable pull consumer named `durable` over `filter` with explicit acks.
    pub async fn consumer(&self, durable: &str, filter: &str) -> PullConsumer {
        let stream = self.js.inner().get_stream(&self.name).await.expect("stream");
        stream
            .create_consumer(pull::Config {
                durable_name: Some(durable.to_owned()),
                filter_subject: filter.to_owned(),
                ack_policy: AckPolicy::Explicit,
                ack_wait: Duration::from_secs(30),
                ..Default::default()
            })
            .await
            .expect("create consumer")
    }

    /// Deletes the stream (call at the end of a test that passed; a failed test's stream
    /// expires with its messages).
    pub async fn delete(self) {
        let _ = self.js.inner().delete_stream(&self.name).await;
    }
}

/// A port nothing listens on: bound, then released.
pub fn closed_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    listener.local_addr().expect("local addr").port()
}

/// Every attribute of every point of `metrics`: (metric name, key, value).
pub fn metric_attributes(
    metrics: &otel_kit_testing::Metrics,
) -> Vec<(String, String, otel_kit_testing::AttributeValue)> {
    use otel_kit_testing::MetricData;

    let mut all = Vec::new();
    for metric in metrics.as_slice() {
        let points: Vec<&Vec<(String, otel_kit_testing::AttributeValue)>> = match &metric.data {
            MetricData::Gauge(points) | MetricData::Sum { points, .. } => {
                points.iter().map(|p| &p.attributes).collect()
            }
            MetricData::Histogram { points, .. } | MetricData::ExponentialHistogram { points, .. } => {
                points.iter().map(|p| &p.attributes).collect()
            }
            MetricData::Summary(points) => points.iter().map(|p| &p.attributes).collect(),
            MetricData::Empty => Vec::new(),
        };
        for point in points {
            for (key, value) in point {
                all.push((metric.name.clone(), key.clone(), value.clone()));
            }
        }
    }
    all
}
