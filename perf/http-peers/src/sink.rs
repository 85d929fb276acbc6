//! A counting OTLP/gRPC sink: accepts every export, counts the spans in trace exports
//! by walking the protobuf wire format (no decoding into messages), and keeps nothing.
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

use std::net::{Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::{DefaultBodyLimit, State};
use axum::http::{HeaderMap, HeaderValue, Response, Uri};
use axum::serve::ListenerExt as _;
use http_body_util::{BodyExt as _, Full};

/// The gRPC path of OTLP trace exports.
pub const TRACES_PATH: &str = "/opentelemetry.proto.collector.trace.v1.TraceService/Export";

#[derive(Debug)]
struct Counters {
    spans: AtomicU64,
    trace_exports: AtomicU64,
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

    /// Other requests received (metrics and logs exports, anything else).
    pub fn other_exports(&self) -> u64 {
        self.counters.other_exports.load(Ordering::Acquire)
    }

    /// Trace exports that were not valid gRPC-framed, uncompressed protobuf (answered
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
    if uri.path() != TRACES_PATH {
        counters.other_exports.fetch_add(1, Ordering::AcqRel);
        return grpc_answer(0);
    }
    counters.trace_exports.fetch_add(1, Ordering::AcqRel);
    match count_spans_in_grpc_body(&body) {
        Some(n) => {
            counters.spans.fetch_add(n, Ordering::AcqRel);
            grpc_answer(0)
        }
        None => {
            counters.malformed.fetch_add(1, Ordering::AcqRel);
            grpc_answer(13)
        }
    }
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

/// Counts the spans in a gRPC request body holding uncompressed
/// `ExportTraceServiceRequest` messages; `None` if it is not that.
pub fn count_spans_in_grpc_body(mut body: &[u8]) -> Option<u64> {
    let mut spans = 0;
    while !body.is_empty() {
        let (&compressed, rest) = body.split_first()?;
        if compressed != 0 || rest.len() < 4 {
            return None;
        }
        let (len, rest) = rest.split_at(4);
        let len = u32::from_be_bytes([len[0], len[1], len[2], len[3]]) as usize;
        let message = rest.get(..len)?;
        spans += count_spans(message)?;
        body = &rest[len..];
    }
    Some(spans)
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

/// Calls `f` with the payload of every length-delimited field numbered `wanted`, skipping
/// every other field.
fn for_each_len_field(mut buf: &[u8], wanted: u64, mut f: impl FnMut(&[u8]) -> Option<()>) -> Option<()> {
    while !buf.is_empty() {
        let key = varint(&mut buf)?;
        match key & 7 {
            0 => {
                varint(&mut buf)?;
            }
            1 => buf = buf.get(8..)?,
            2 => {
                let len = usize::try_from(varint(&mut buf)?).ok()?;
                let payload = buf.get(..len)?;
                buf = &buf[len..];
                if key >> 3 == wanted {
                    f(payload)?;
                }
            }
            5 => buf = buf.get(4..)?,
            _ => return None,
        }
    }
    Some(())
}

fn varint(buf: &mut &[u8]) -> Option<u64> {
    let mut value = 0u64;
    for shift in (0..64).step_by(7) {
        let (&byte, rest) = buf.split_first()?;
        *buf = rest;
        value |= u64::from(byte & 0x7f) << shift;
        if byte & 0x80 == 0 {
            return Some(value);
        }
    }
    None
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
        // Truncated, or compressed: not counted.
        assert_eq!(count_spans_in_grpc_body(&body[..body.len() - 1]), None);
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
