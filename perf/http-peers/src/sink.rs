//! A counting OTLP/gRPC sink: accepts every export, counts the spans in trace exports
//! and the points, measurements and exemplars of `http.server.request.duration` in
//! metrics exports by walking the protobuf wire format (no decoding into messages), and
//! keeps nothing.
//!
//! It exists because the load driver shares the machine with the server under test: a
//! collector that decodes and stores every span (like `otel_kit_testing::TestCollector`)
//! burns several microseconds of CPU per span on the same cores and lowers the traced
//! variants' throughput for reasons that are not theirs. Counting costs tens of
//! nanoseconds per span.
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> std::io::Result<()> {
//! let sink = http_peers::sink::CountingSink::start().await?;
//! // Point an OTLP/gRPC exporter at `sink.endpoint()`, export, then:
//! assert_eq!(sink.spans(), 0);
//! # Ok(())
//! # }
//! ```

use std::io::Read as _;
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::{DefaultBodyLimit, State};
use axum::http::{HeaderMap, HeaderValue, Response, Uri};
use axum::serve::ListenerExt as _;
use http_body_util::{BodyExt as _, Full};

use crate::metric_count::{HistogramCounts, count_histogram};
use crate::wire::for_each_len_field;

/// The gRPC path of OTLP trace exports.
pub const TRACES_PATH: &str = "/opentelemetry.proto.collector.trace.v1.TraceService/Export";

/// The gRPC path of OTLP metrics exports.
pub const METRICS_PATH: &str = "/opentelemetry.proto.collector.metrics.v1.MetricsService/Export";

/// The histogram the sink counts in metrics exports: the HTTP server layers' duration.
pub const DURATION_METRIC: &str = "http.server.request.duration";

#[derive(Debug)]
struct Counters {
    spans: AtomicU64,
    trace_exports: AtomicU64,
    metric_exports: AtomicU64,
    duration_points: AtomicU64,
    duration_count: AtomicU64,
    duration_exemplars: AtomicU64,
    other_exports: AtomicU64,
    malformed: AtomicU64,
    refused: AtomicU64,
    behaviour: tokio::sync::watch::Sender<Behaviour>,
}

/// How the sink answers exports: the faults a collector shows under stress.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Behaviour {
    /// Counts and answers at once.
    Answer,
    /// Counts, then answers after this long.
    Delay(std::time::Duration),
    /// Answers every export `UNAVAILABLE` (gRPC 14, the OTLP "retry later"); counts nothing.
    Unavailable,
    /// Accepts the request and never answers while this lasts; a request held when the
    /// behaviour changes is then handled by the new one.
    Hang,
}

/// An OTLP/gRPC endpoint on `127.0.0.1` that counts spans and discards everything.
/// Stops serving when dropped.
#[derive(Debug)]
pub struct CountingSink {
    addr: SocketAddr,
    counters: Arc<Counters>,
    task: tokio::task::JoinHandle<()>,
}

impl CountingSink {
    /// Binds a free loopback port and serves on the current tokio runtime (HTTP/2 with
    /// prior knowledge, as gRPC clients speak it; HTTP/1.1 is accepted too).
    pub async fn start() -> std::io::Result<Self> {
        Self::start_on(SocketAddr::from((Ipv4Addr::LOCALHOST, 0))).await
    }

    /// Like [`start`](Self::start), on `addr` (to come back on the port of a sink that
    /// was stopped).
    pub async fn start_on(addr: SocketAddr) -> std::io::Result<Self> {
        let listener = tokio::net::TcpListener::bind(addr).await?;
        let addr = listener.local_addr()?;
        let counters = Arc::new(Counters {
            spans: AtomicU64::new(0),
            trace_exports: AtomicU64::new(0),
            metric_exports: AtomicU64::new(0),
            duration_points: AtomicU64::new(0),
            duration_count: AtomicU64::new(0),
            duration_exemplars: AtomicU64::new(0),
            other_exports: AtomicU64::new(0),
            malformed: AtomicU64::new(0),
            refused: AtomicU64::new(0),
            behaviour: tokio::sync::watch::Sender::new(Behaviour::Answer),
        });
        let router = Router::new()
            .fallback(export)
            .layer(DefaultBodyLimit::max(64 * 1024 * 1024))
            .with_state(Arc::clone(&counters));
        let listener = listener.tap_io(|tcp| {
            let _ = tcp.set_nodelay(true);
        });
        let task = tokio::spawn(async move {
            if let Err(e) = axum::serve(listener, router).await {
                eprintln!("counting sink on {addr} stopped: {e}");
            }
        });
        Ok(CountingSink { addr, counters, task })
    }

    /// `http://127.0.0.1:<port>`, for `OTEL_EXPORTER_OTLP_ENDPOINT` with the gRPC protocol.
    pub fn endpoint(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Spans received in trace exports since the start or the last [`reset`](Self::reset).
    pub fn spans(&self) -> u64 {
        self.counters.spans.load(Ordering::Acquire)
    }

    /// Trace export requests received.
    pub fn trace_exports(&self) -> u64 {
        self.counters.trace_exports.load(Ordering::Acquire)
    }

    /// Metrics export requests received.
    pub fn metric_exports(&self) -> u64 {
        self.counters.metric_exports.load(Ordering::Acquire)
    }

    /// What the metrics exports held of [`DURATION_METRIC`]: data points and exemplars
    /// summed over every export, and `count` the largest total of the points' counts in
    /// one export (with cumulative temporality, the SDK's default, the requests the
    /// server recorded since it started, as of its latest export).
    pub fn duration_metric(&self) -> HistogramCounts {
        HistogramCounts {
            points: self.counters.duration_points.load(Ordering::Acquire),
            count: self.counters.duration_count.load(Ordering::Acquire),
            exemplars: self.counters.duration_exemplars.load(Ordering::Acquire),
        }
    }

    /// Other requests received (logs exports, anything else).
    pub fn other_exports(&self) -> u64 {
        self.counters.other_exports.load(Ordering::Acquire)
    }

    /// Trace and metrics exports that were not valid gRPC-framed protobuf, plain or gzipped (answered
    /// `INTERNAL`, their spans not counted).
    pub fn malformed(&self) -> u64 {
        self.counters.malformed.load(Ordering::Acquire)
    }

    /// Exports answered `UNAVAILABLE` under [`Behaviour::Unavailable`].
    pub fn refused(&self) -> u64 {
        self.counters.refused.load(Ordering::Acquire)
    }

    /// How exports are answered from now on (held requests included).
    pub fn set_behaviour(&self, behaviour: Behaviour) {
        self.counters.behaviour.send_replace(behaviour);
    }

    /// The address it listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Sets every counter back to zero.
    pub fn reset(&self) {
        for c in [
            &self.counters.spans,
            &self.counters.trace_exports,
            &self.counters.metric_exports,
            &self.counters.duration_points,
            &self.counters.duration_count,
            &self.counters.duration_exemplars,
            &self.counters.other_exports,
            &self.counters.malformed,
        ] {
            c.store(0, Ordering::Release);
        }
    }
}

impl Drop for CountingSink {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn export(State(counters): State<Arc<Counters>>, uri: Uri, body: Bytes) -> Response<Body> {
    let mut behaviour = counters.behaviour.subscribe();
    loop {
        let now = *behaviour.borrow_and_update();
        match now {
            Behaviour::Answer => break,
            Behaviour::Delay(delay) => {
                tokio::time::sleep(delay).await;
                break;
            }
            Behaviour::Unavailable => {
                counters.refused.fetch_add(1, Ordering::AcqRel);
                return grpc_answer(14);
            }
            Behaviour::Hang => {
                if behaviour.changed().await.is_err() {
                    return grpc_answer(14);
                }
            }
        }
    }
    match uri.path() {
        TRACES_PATH => {
            counters.trace_exports.fetch_add(1, Ordering::AcqRel);
            match count_spans_in_grpc_body(&body) {
                Some(n) => {
                    counters.spans.fetch_add(n, Ordering::AcqRel);
                    grpc_answer(0)
                }
                None => malformed(&counters),
            }
        }
        METRICS_PATH => {
            counters.metric_exports.fetch_add(1, Ordering::AcqRel);
            let mut total = HistogramCounts::default();
            let counted = for_each_grpc_message(&body, |message| {
                let c = count_histogram(message, DURATION_METRIC)?;
                total.points += c.points;
                // Cumulative: each message holds the process's total so far.
                total.count = total.count.max(c.count);
                total.exemplars += c.exemplars;
                Some(())
            });
            if counted.is_none() {
                return malformed(&counters);
            }
            counters.duration_points.fetch_add(total.points, Ordering::AcqRel);
            counters
                .duration_exemplars
                .fetch_add(total.exemplars, Ordering::AcqRel);
            counters.duration_count.fetch_max(total.count, Ordering::AcqRel);
            grpc_answer(0)
        }
        _ => {
            counters.other_exports.fetch_add(1, Ordering::AcqRel);
            grpc_answer(0)
        }
    }
}

fn malformed(counters: &Counters) -> Response<Body> {
    counters.malformed.fetch_add(1, Ordering::AcqRel);
    grpc_answer(13)
}

/// A unary gRPC answer: an empty message (the Export responses' defaults) and the status
/// in the trailers.
fn grpc_answer(status: u8) -> Response<Body> {
    let mut trailers = HeaderMap::new();
    trailers.insert("grpc-status", HeaderValue::from(u16::from(status)));
    let body = Full::new(Bytes::from_static(&[0, 0, 0, 0, 0]))
        .with_trailers(async move { Some(Ok::<_, std::convert::Infallible>(trailers)) });
    let mut response = Response::new(Body::new(body));
    response
        .headers_mut()
        .insert("content-type", HeaderValue::from_static("application/grpc"));
    response
}

/// Counts the spans in a gRPC request body holding `ExportTraceServiceRequest` messages
/// (uncompressed or gzipped); `None` if it is not that.
pub fn count_spans_in_grpc_body(body: &[u8]) -> Option<u64> {
    let mut spans = 0;
    for_each_grpc_message(body, |message| {
        spans += count_spans(message)?;
        Some(())
    })?;
    Some(spans)
}

/// Calls `f` with each message of a gRPC body of length-prefixed messages, each
/// uncompressed or gzipped (rotel gzips what it forwards); `None` if the body is not
/// that (or `f` returned `None`).
fn for_each_grpc_message(mut body: &[u8], mut f: impl FnMut(&[u8]) -> Option<()>) -> Option<()> {
    let mut inflated = Vec::new();
    while !body.is_empty() {
        let (&compressed, rest) = body.split_first()?;
        if compressed > 1 || rest.len() < 4 {
            return None;
        }
        let (len, rest) = rest.split_at(4);
        let len = u32::from_be_bytes([len[0], len[1], len[2], len[3]]) as usize;
        let message = rest.get(..len)?;
        if compressed == 1 {
            inflated.clear();
            flate2::read::GzDecoder::new(message)
                .read_to_end(&mut inflated)
                .ok()?;
            f(&inflated)?;
        } else {
            f(message)?;
        }
        body = &rest[len..];
    }
    Some(())
}

/// Counts `resource_spans[*].scope_spans[*].spans[*]` in an encoded
/// `ExportTraceServiceRequest` (field 1, then field 2, then field 2); `None` if the
/// bytes are not valid protobuf.
pub fn count_spans(message: &[u8]) -> Option<u64> {
    let mut spans = 0;
    for_each_len_field(message, 1, |resource_spans| {
        for_each_len_field(resource_spans, 2, |scope_spans| {
            for_each_len_field(scope_spans, 2, |_span| {
                spans += 1;
                Some(())
            })
        })
    })?;
    Some(spans)
}

#[cfg(test)]
mod tests {
    use super::*;
    use opentelemetry_proto::tonic::collector::trace::v1::ExportTraceServiceRequest;
    use opentelemetry_proto::tonic::common::v1::{AnyValue, InstrumentationScope, KeyValue, any_value};
    use opentelemetry_proto::tonic::resource::v1::Resource;
    use opentelemetry_proto::tonic::trace::v1::{ResourceSpans, ScopeSpans, Span};
    use prost::Message as _;

    fn span(i: u8) -> Span {
        Span {
            trace_id: vec![i; 16],
            span_id: vec![i; 8],
            name: format!("GET /users/{{id}} {i}"),
            kind: 2,
            start_time_unix_nano: 1_700_000_000_000_000_000,
            end_time_unix_nano: 1_700_000_000_000_100_000,
            attributes: vec![KeyValue {
                key: "http.response.status_code".into(),
                value: Some(AnyValue {
                    value: Some(any_value::Value::IntValue(200)),
                }),
                ..Default::default()
            }],
            ..Default::default()
        }
    }

    fn request() -> ExportTraceServiceRequest {
        let scope = |n: u8| ScopeSpans {
            scope: Some(InstrumentationScope {
                name: "scope".into(),
                ..Default::default()
            }),
            spans: (0..n).map(span).collect(),
            schema_url: "https://opentelemetry.io/schemas/1.42.0".into(),
        };
        ExportTraceServiceRequest {
            resource_spans: vec![
                ResourceSpans {
                    resource: Some(Resource::default()),
                    scope_spans: vec![scope(3), scope(0), scope(4)],
                    schema_url: String::new(),
                },
                ResourceSpans {
                    resource: None,
                    scope_spans: vec![scope(5)],
                    schema_url: String::new(),
                },
            ],
        }
    }

    #[test]
    fn counts_spans_in_a_grpc_frame() {
        let message = request().encode_to_vec();
        assert_eq!(count_spans(&message), Some(12));
        let mut body = vec![0];
        body.extend_from_slice(&(message.len() as u32).to_be_bytes());
        body.extend_from_slice(&message);
        assert_eq!(count_spans_in_grpc_body(&body), Some(12));
        assert_eq!(count_spans_in_grpc_body(&[]), Some(0));
        // Gzipped, as rotel forwards: counted the same.
        let mut gzip = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        std::io::Write::write_all(&mut gzip, &message).unwrap();
        let gzipped = gzip.finish().unwrap();
        let mut compressed = vec![1];
        compressed.extend_from_slice(&(gzipped.len() as u32).to_be_bytes());
        compressed.extend_from_slice(&gzipped);
        assert_eq!(count_spans_in_grpc_body(&compressed), Some(12));
        // Truncated, an unknown flag, or gzip that is not: not counted.
        assert_eq!(count_spans_in_grpc_body(&body[..body.len() - 1]), None);
        body[0] = 2;
        assert_eq!(count_spans_in_grpc_body(&body), None);
        body[0] = 1;
        assert_eq!(count_spans_in_grpc_body(&body), None);
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn answers_a_tonic_exporter() {
        use opentelemetry_proto::tonic::collector::trace::v1::trace_service_client::TraceServiceClient;

        let sink = CountingSink::start().await.unwrap();
        let mut client = TraceServiceClient::connect(sink.endpoint()).await.unwrap();
        client.export(request()).await.unwrap();
        client.export(request()).await.unwrap();
        assert_eq!(sink.spans(), 24);
        assert_eq!(sink.trace_exports(), 2);
        assert_eq!(sink.malformed(), 0);
        sink.reset();
        assert_eq!(sink.spans(), 0);
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn counts_the_duration_metric() {
        use opentelemetry_proto::tonic::collector::metrics::v1::ExportMetricsServiceRequest;
        use opentelemetry_proto::tonic::collector::metrics::v1::metrics_service_client::MetricsServiceClient;
        use opentelemetry_proto::tonic::metrics::v1::{
            Exemplar, Histogram, HistogramDataPoint, Metric, ResourceMetrics, ScopeMetrics, metric,
        };

        let export = |count| ExportMetricsServiceRequest {
            resource_metrics: vec![ResourceMetrics {
                scope_metrics: vec![ScopeMetrics {
                    metrics: vec![Metric {
                        name: DURATION_METRIC.into(),
                        data: Some(metric::Data::Histogram(Histogram {
                            data_points: vec![HistogramDataPoint {
                                count,
                                exemplars: vec![Exemplar::default()],
                                ..Default::default()
                            }],
                            aggregation_temporality: 2,
                        })),
                        ..Default::default()
                    }],
                    ..Default::default()
                }],
                ..Default::default()
            }],
        };
        let sink = CountingSink::start().await.unwrap();
        let mut client = MetricsServiceClient::connect(sink.endpoint()).await.unwrap();
        client.export(export(40)).await.unwrap();
        client.export(export(100)).await.unwrap();
        assert_eq!(sink.metric_exports(), 2);
        assert_eq!(
            sink.duration_metric(),
            HistogramCounts {
                points: 2,
                count: 100,
                exemplars: 2
            }
        );
        assert_eq!((sink.spans(), sink.malformed()), (0, 0));
        sink.reset();
        assert_eq!(sink.duration_metric(), HistogramCounts::default());
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn behaves_as_told() {
        use opentelemetry_proto::tonic::collector::trace::v1::trace_service_client::TraceServiceClient;
        use std::time::{Duration, Instant};

        let sink = CountingSink::start().await.unwrap();
        let mut client = TraceServiceClient::connect(sink.endpoint()).await.unwrap();
        sink.set_behaviour(Behaviour::Unavailable);
        let refused = client.export(request()).await.unwrap_err();
        assert_eq!(refused.code(), tonic::Code::Unavailable);
        assert_eq!((sink.refused(), sink.spans()), (1, 0));

        sink.set_behaviour(Behaviour::Delay(Duration::from_millis(300)));
        let started = Instant::now();
        client.export(request()).await.unwrap();
        assert!(started.elapsed() >= Duration::from_millis(300));

        sink.set_behaviour(Behaviour::Hang);
        let mut held = client.clone();
        let export = tokio::spawn(async move { held.export(request()).await });
        tokio::time::sleep(Duration::from_millis(300)).await;
        assert!(!export.is_finished(), "a hanging sink answered");
        sink.set_behaviour(Behaviour::Answer);
        export.await.unwrap().unwrap();
        assert_eq!(sink.spans(), 24);
    }
}
