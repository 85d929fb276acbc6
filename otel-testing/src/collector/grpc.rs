//! The OTLP/gRPC side: the three `Export` methods, served through tonic's own framing,
//! compression and size limits, with the message bytes decoded by us so that malformed
//! input is answered `INVALID_ARGUMENT` (tonic's prost codec would say `INTERNAL`).

use std::convert::Infallible;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use bytes::{Buf, BufMut, Bytes};
use tonic::codec::{Codec, CompressionEncoding, DecodeBuf, Decoder, EncodeBuf, Encoder};
use tonic::server::{Grpc, UnaryService};
use tonic::{Request, Response, Status};

use super::payload::{Payload, success_protobuf};
use otel_kit_core::otlp::{Protocol, Signal};

use super::store::{ExportRequest, Outcome, Store};

pub(super) const TRACES_PATH: &str = "/opentelemetry.proto.collector.trace.v1.TraceService/Export";
pub(super) const METRICS_PATH: &str = "/opentelemetry.proto.collector.metrics.v1.MetricsService/Export";
pub(super) const LOGS_PATH: &str = "/opentelemetry.proto.collector.logs.v1.LogsService/Export";

/// The axum route service for one signal's `Export` method.
pub(super) fn route(
    store: Arc<Store>,
    signal: Signal,
) -> impl tower::Service<
    http::Request<axum::body::Body>,
    Response = http::Response<axum::body::Body>,
    Error = Infallible,
    Future = impl Send,
> + Clone
+ Send
+ Sync
+ 'static {
    tower::service_fn(move |request: http::Request<axum::body::Body>| {
        let store = Arc::clone(&store);
        async move { Ok(export(store, signal, request).await) }
    })
}

async fn export(
    store: Arc<Store>,
    signal: Signal,
    request: http::Request<axum::body::Body>,
) -> http::Response<axum::body::Body> {
    let headers = request.headers().clone();
    let (failure, delay) = store.next_failure();
    if !delay.is_zero() {
        tokio::time::sleep(delay).await;
    }
    if let Some(failure) = failure {
        let status = match failure.retry_after() {
            Some(delay) => Status::with_details(
                failure.grpc_code(),
                "failure injected by otel-kit-testing",
                retry_info_details(failure.grpc_code(), delay),
            ),
            None => Status::new(failure.grpc_code(), "failure injected by otel-kit-testing"),
        };
        store.record(
            ExportRequest {
                signal,
                protocol: Some(Protocol::Grpc),
                headers,
                message_size: 0,
                outcome: Outcome::Failed(failure),
            },
            None,
        );
        return status.into_http();
    }
    let max = store.max_body_size;
    let grpc = Grpc::new(RawCodec).accept_compressed(CompressionEncoding::Gzip);
    #[cfg(feature = "zstd")]
    let grpc = if store.accepts_zstd {
        grpc.accept_compressed(CompressionEncoding::Zstd)
    } else {
        grpc
    };
    let mut grpc = grpc.max_decoding_message_size(max);
    let handled = Arc::new(AtomicBool::new(false));
    let handler = ExportHandler {
        store: Arc::clone(&store),
        signal,
        headers: Some(headers.clone()),
        handled: Arc::clone(&handled),
    };
    let response = grpc.unary(handler, request).await;
    // tonic refuses oversized or badly framed messages before our handler runs; those
    // requests still belong in the record.
    if !handled.load(Ordering::Acquire) {
        let message = response
            .headers()
            .get("grpc-message")
            .and_then(|m| m.to_str().ok())
            .unwrap_or_default()
            .to_owned();
        store.record(
            ExportRequest {
                signal,
                protocol: Some(Protocol::Grpc),
                headers,
                message_size: 0,
                outcome: Outcome::Rejected(message),
            },
            None,
        );
    }
    response.map(axum::body::Body::new)
}

#[derive(Clone)]
struct ExportHandler {
    store: Arc<Store>,
    signal: Signal,
    headers: Option<http::HeaderMap>,
    handled: Arc<AtomicBool>,
}

impl UnaryService<Bytes> for ExportHandler {
    type Response = Vec<u8>;
    type Future = Pin<Box<dyn Future<Output = Result<Response<Vec<u8>>, Status>> + Send>>;

    fn call(&mut self, request: Request<Bytes>) -> Self::Future {
        self.handled.store(true, Ordering::Release);
        let headers = self.headers.take().unwrap_or_default();
        let message = request.into_inner();
        let (signal, store) = (self.signal, Arc::clone(&self.store));
        Box::pin(async move {
            let entry = |outcome| ExportRequest {
                signal,
                protocol: Some(Protocol::Grpc),
                headers,
                message_size: message.len(),
                outcome,
            };
            match Payload::decode_protobuf(signal, &message) {
                Ok(payload) => {
                    store.record(entry(Outcome::Accepted), Some(payload));
                    Ok(Response::new(success_protobuf(signal)))
                }
                Err(reason) => {
                    store.record(entry(Outcome::Rejected(reason.clone())), None);
                    Err(Status::invalid_argument(reason))
                }
            }
        })
    }
}

/// Passes message bytes through untouched: decoding is the handler's job.
#[derive(Debug, Clone, Copy, Default)]
struct RawCodec;

impl Codec for RawCodec {
    type Encode = Vec<u8>;
    type Decode = Bytes;
    type Encoder = RawCodec;
    type Decoder = RawCodec;

    fn encoder(&mut self) -> Self::Encoder {
        RawCodec
    }

    fn decoder(&mut self) -> Self::Decoder {
        RawCodec
    }
}

impl Encoder for RawCodec {
    type Item = Vec<u8>;
    type Error = Status;

    fn encode(&mut self, item: Vec<u8>, dst: &mut EncodeBuf<'_>) -> Result<(), Status> {
        dst.put_slice(&item);
        Ok(())
    }
}

impl Decoder for RawCodec {
    type Item = Bytes;
    type Error = Status;

    fn decode(&mut self, src: &mut DecodeBuf<'_>) -> Result<Option<Bytes>, Status> {
        let len = src.remaining();
        Ok(Some(src.copy_to_bytes(len)))
    }
}

/// The `grpc-status-details-bin` of a status that asks the client to wait `delay`: a
/// `google.rpc.Status` whose details hold one `google.rpc.RetryInfo`, as a throttling
/// collector sends it.
fn retry_info_details(code: tonic::Code, delay: std::time::Duration) -> Bytes {
    let info = RetryInfo {
        retry_delay: Some(ProtoDuration {
            seconds: i64::try_from(delay.as_secs()).unwrap_or(i64::MAX),
            nanos: i32::try_from(delay.subsec_nanos()).unwrap_or(0),
        }),
    };
    let status = RpcStatus {
        code: code as i32,
        message: "failure injected by otel-kit-testing".to_owned(),
        details: vec![ProtoAny {
            type_url: "type.googleapis.com/google.rpc.RetryInfo".to_owned(),
            value: prost::Message::encode_to_vec(&info),
        }],
    };
    Bytes::from(prost::Message::encode_to_vec(&status))
}

/// `google.rpc.Status`.
#[derive(Clone, PartialEq, prost::Message)]
struct RpcStatus {
    #[prost(int32, tag = "1")]
    code: i32,
    #[prost(string, tag = "2")]
    message: String,
    #[prost(message, repeated, tag = "3")]
    details: Vec<ProtoAny>,
}

/// `google.protobuf.Any`.
#[derive(Clone, PartialEq, prost::Message)]
struct ProtoAny {
    #[prost(string, tag = "1")]
    type_url: String,
    #[prost(bytes = "vec", tag = "2")]
    value: Vec<u8>,
}

/// `google.rpc.RetryInfo`.
#[derive(Clone, PartialEq, prost::Message)]
struct RetryInfo {
    #[prost(message, optional, tag = "1")]
    retry_delay: Option<ProtoDuration>,
}

/// `google.protobuf.Duration`.
#[derive(Clone, PartialEq, prost::Message)]
struct ProtoDuration {
    #[prost(int64, tag = "1")]
    seconds: i64,
    #[prost(int32, tag = "2")]
    nanos: i32,
}
