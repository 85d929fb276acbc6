//! An OTLP/HTTP receiver that records, for every export, the request body's length as it
//! arrived (compressed or not), its `Content-Encoding`, and what the body held once
//! decompressed and decoded: the figures per span, point and record are these lengths
//! divided by these counts.
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> std::io::Result<()> {
//! let receiver = wire_bytes::receiver::Receiver::start().await?;
//! // Point OTEL_EXPORTER_OTLP_ENDPOINT at `receiver.endpoint()`, export, then:
//! assert!(receiver.take().is_empty());
//! # Ok(())
//! # }
//! ```

use std::collections::BTreeMap;
use std::io::Read as _;
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::{Arc, Mutex, PoisonError};

use axum::Router;
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::routing::post;
use opentelemetry_proto::tonic::collector::logs::v1::ExportLogsServiceRequest;
use opentelemetry_proto::tonic::collector::metrics::v1::ExportMetricsServiceRequest;
use opentelemetry_proto::tonic::collector::trace::v1::ExportTraceServiceRequest;
use opentelemetry_proto::tonic::metrics::v1::metric::Data;
use opentelemetry_proto::tonic::resource::v1::Resource;
use prost::Message as _;

/// The three OTLP signals.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Signal {
    /// `POST /v1/traces`.
    Traces,
    /// `POST /v1/metrics`.
    Metrics,
    /// `POST /v1/logs`.
    Logs,
}

/// One export request as the receiver got it.
#[derive(Debug, Clone)]
pub struct Export {
    /// The signal (from the path).
    pub signal: Signal,
    /// `Content-Encoding`, lower-cased; `None` when absent.
    pub encoding: Option<String>,
    /// The request body's length as received: what crossed the wire.
    pub wire_bytes: usize,
    /// The body's length after decompression: the protobuf message.
    pub message_bytes: usize,
    /// Spans, data points or log records in the message.
    pub items: usize,
    /// The encoded resources in the message (sent once per export, whatever its size).
    pub resource_bytes: usize,
    /// Items by what they are: `<scope> <span kind>` for spans, the metric name for
    /// points, the scope for log records.
    pub by_kind: BTreeMap<String, usize>,
}

/// The receiver: `POST /v1/{traces,metrics,logs}` on a loopback port, answering every
/// export it can decode with 200. Stops when dropped.
#[derive(Debug)]
pub struct Receiver {
    addr: SocketAddr,
    exports: Arc<Mutex<Vec<Export>>>,
    task: tokio::task::JoinHandle<()>,
}

impl Receiver {
    /// Binds a free loopback port and serves on the current tokio runtime.
    pub async fn start() -> std::io::Result<Self> {
        let listener = tokio::net::TcpListener::bind(SocketAddr::from((Ipv4Addr::LOCALHOST, 0))).await?;
        let addr = listener.local_addr()?;
        let exports = Arc::new(Mutex::new(Vec::new()));
        let router = Router::new()
            .route("/v1/traces", post(traces))
            .route("/v1/metrics", post(metrics))
            .route("/v1/logs", post(logs))
            .layer(DefaultBodyLimit::max(64 * 1024 * 1024))
            .with_state(Arc::clone(&exports));
        let task = tokio::spawn(async move {
            if let Err(e) = axum::serve(listener, router).await {
                eprintln!("receiver on {addr} stopped: {e}");
            }
        });
        Ok(Receiver { addr, exports, task })
    }

    /// The base URL to put in `OTEL_EXPORTER_OTLP_ENDPOINT`.
    pub fn endpoint(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Every export received since the last call, in arrival order.
    pub fn take(&self) -> Vec<Export> {
        std::mem::take(&mut *self.exports.lock().unwrap_or_else(PoisonError::into_inner))
    }
}

impl Drop for Receiver {
    fn drop(&mut self) {
        self.task.abort();
    }
}

type Exports = State<Arc<Mutex<Vec<Export>>>>;

async fn traces(State(exports): Exports, headers: HeaderMap, body: Bytes) -> StatusCode {
    record(&exports, Signal::Traces, &headers, &body)
}

async fn metrics(State(exports): Exports, headers: HeaderMap, body: Bytes) -> StatusCode {
    record(&exports, Signal::Metrics, &headers, &body)
}

async fn logs(State(exports): Exports, headers: HeaderMap, body: Bytes) -> StatusCode {
    record(&exports, Signal::Logs, &headers, &body)
}

fn record(exports: &Mutex<Vec<Export>>, signal: Signal, headers: &HeaderMap, body: &[u8]) -> StatusCode {
    let encoding = headers
        .get(header::CONTENT_ENCODING)
        .and_then(|v| v.to_str().ok())
        .map(|v| v.trim().to_ascii_lowercase());
    let Some(message) = decompress(encoding.as_deref(), body) else {
        eprintln!("receiver: a {signal:?} body in {encoding:?} did not decompress");
        return StatusCode::BAD_REQUEST;
    };
    let Some((by_kind, resource_bytes)) = count(signal, &message) else {
        eprintln!("receiver: a {signal:?} body did not decode");
        return StatusCode::BAD_REQUEST;
    };
    let export = Export {
        signal,
        encoding,
        wire_bytes: body.len(),
        message_bytes: message.len(),
        items: by_kind.values().sum(),
        resource_bytes,
        by_kind,
    };
    exports
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .push(export);
    // An empty body is the empty Export*ServiceResponse: full success.
    StatusCode::OK
}

fn decompress(encoding: Option<&str>, body: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    match encoding {
        None | Some("identity") => out.extend_from_slice(body),
        Some("gzip") => {
            flate2::read::GzDecoder::new(body).read_to_end(&mut out).ok()?;
        }
        Some("zstd") => {
            zstd::stream::read::Decoder::new(body)
                .ok()?
                .read_to_end(&mut out)
                .ok()?;
        }
        Some(_) => return None,
    }
    Some(out)
}

/// The items by kind, and the bytes of the encoded resources.
fn count(signal: Signal, message: &[u8]) -> Option<(BTreeMap<String, usize>, usize)> {
    let mut by_kind = BTreeMap::new();
    let resource_bytes;
    match signal {
        Signal::Traces => {
            let request = ExportTraceServiceRequest::decode(message).ok()?;
            resource_bytes = resources(request.resource_spans.iter().map(|r| r.resource.as_ref()));
            for scope_spans in request.resource_spans.iter().flat_map(|r| &r.scope_spans) {
                let scope = scope_spans.scope.as_ref().map_or("", |s| s.name.as_str());
                for span in &scope_spans.spans {
                    *by_kind
                        .entry(format!("{scope} {}", span.kind().as_str_name()))
                        .or_default() += 1;
                }
            }
        }
        Signal::Metrics => {
            let request = ExportMetricsServiceRequest::decode(message).ok()?;
            resource_bytes = resources(request.resource_metrics.iter().map(|r| r.resource.as_ref()));
            for metric in request
                .resource_metrics
                .iter()
                .flat_map(|r| &r.scope_metrics)
                .flat_map(|s| &s.metrics)
            {
                let points = match &metric.data {
                    Some(Data::Gauge(g)) => g.data_points.len(),
                    Some(Data::Sum(s)) => s.data_points.len(),
                    Some(Data::Histogram(h)) => h.data_points.len(),
                    Some(Data::ExponentialHistogram(h)) => h.data_points.len(),
                    Some(Data::Summary(s)) => s.data_points.len(),
                    None => 0,
                };
                *by_kind.entry(metric.name.clone()).or_default() += points;
            }
        }
        Signal::Logs => {
            let request = ExportLogsServiceRequest::decode(message).ok()?;
            resource_bytes = resources(request.resource_logs.iter().map(|r| r.resource.as_ref()));
            for scope_logs in request.resource_logs.iter().flat_map(|r| &r.scope_logs) {
                let scope = scope_logs.scope.as_ref().map_or("", |s| s.name.as_str());
                *by_kind.entry(scope.to_owned()).or_default() += scope_logs.log_records.len();
            }
        }
    }
    Some((by_kind, resource_bytes))
}

fn resources<'a>(resources: impl Iterator<Item = Option<&'a Resource>>) -> usize {
    resources.flatten().map(|r| r.encoded_len()).sum()
}
