//! The OTLP/HTTP side: `POST /v1/{traces,metrics,logs}`, protobuf or JSON, gzip (and
//! zstd with the `zstd` feature) or not, with the statuses the OTLP spec prescribes for
//! bad input (400, 413, 415).

use std::io::Read as _;
use std::sync::Arc;

use axum::body::Body;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use bytes::Bytes;
use http::{HeaderMap, HeaderValue, StatusCode, header};
use http_body_util::{BodyExt as _, LengthLimitError, Limited};
use prost::Message as _;

use super::payload::{Payload, RpcStatus, success_json, success_protobuf};
use otel_kit_core::otlp::{Protocol, Signal};

use super::store::{ExportRequest, Outcome, Store};

pub(super) async fn traces(State(store): State<Arc<Store>>, headers: HeaderMap, body: Body) -> Response {
    export(&store, Signal::Traces, headers, body).await
}

pub(super) async fn metrics(State(store): State<Arc<Store>>, headers: HeaderMap, body: Body) -> Response {
    export(&store, Signal::Metrics, headers, body).await
}

pub(super) async fn logs(State(store): State<Arc<Store>>, headers: HeaderMap, body: Body) -> Response {
    export(&store, Signal::Logs, headers, body).await
}

async fn export(store: &Store, signal: Signal, headers: HeaderMap, body: Body) -> Response {
    let protocol = protocol_of(&headers);
    let entry = |message_size, outcome| ExportRequest {
        signal,
        protocol,
        headers: headers.clone(),
        message_size,
        outcome,
    };
    let reject = |status: StatusCode, message_size, reason: String| {
        store.record(entry(message_size, Outcome::Rejected(reason.clone())), None);
        error_response(status, protocol, reason)
    };
    let Some(protocol) = protocol else {
        let ct = headers
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("none");
        let reason =
            format!("unsupported content type {ct:?}: use application/x-protobuf or application/json");
        return reject(StatusCode::UNSUPPORTED_MEDIA_TYPE, 0, reason);
    };
    let (failure, delay) = store.next_failure();
    if !delay.is_zero() {
        tokio::time::sleep(delay).await;
    }
    if let Some(failure) = failure {
        store.record(entry(0, Outcome::Failed(failure.clone())), None);
        let status = StatusCode::from_u16(failure.http_status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let mut response = error_response(
            status,
            Some(protocol),
            "failure injected by otel-kit-testing".to_owned(),
        );
        if let Some(after) = failure.retry_after() {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(after.as_secs()));
        }
        return response;
    }
    let max = store.max_body_size;
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|len| len > max as u64) {
        return reject(
            StatusCode::PAYLOAD_TOO_LARGE,
            0,
            format!("body larger than {max} bytes"),
        );
    }
    let raw = match Limited::new(body, max).collect().await {
        Ok(collected) => collected.to_bytes(),
        Err(e) if e.downcast_ref::<LengthLimitError>().is_some() => {
            return reject(
                StatusCode::PAYLOAD_TOO_LARGE,
                0,
                format!("body larger than {max} bytes"),
            );
        }
        Err(e) => {
            return reject(
                StatusCode::BAD_REQUEST,
                0,
                format!("could not read the body: {e}"),
            );
        }
    };
    let message = match decompress(&headers, raw, max, store.accepts_zstd) {
        Ok(message) => message,
        Err((status, reason)) => return reject(status, 0, reason),
    };
    let decoded = match protocol {
        Protocol::HttpJson => Payload::decode_json(signal, &message),
        _ => Payload::decode_protobuf(signal, &message),
    };
    match decoded {
        Ok(payload) => {
            store.record(entry(message.len(), Outcome::Accepted), Some(payload));
            let (body, content_type) = match protocol {
                Protocol::HttpJson => (success_json(signal), "application/json"),
                _ => (success_protobuf(signal), "application/x-protobuf"),
            };
            ([(header::CONTENT_TYPE, content_type)], body).into_response()
        }
        Err(reason) => reject(StatusCode::BAD_REQUEST, message.len(), reason),
    }
}

fn protocol_of(headers: &HeaderMap) -> Option<Protocol> {
    let content_type = headers.get(header::CONTENT_TYPE)?.to_str().ok()?;
    let media = content_type.split(';').next().unwrap_or_default().trim();
    if media.eq_ignore_ascii_case("application/x-protobuf") {
        Some(Protocol::HttpProtobuf)
    } else if media.eq_ignore_ascii_case("application/json") {
        Some(Protocol::HttpJson)
    } else {
        None
    }
}

/// Undoes `Content-Encoding: gzip` (and `zstd` with the `zstd` feature), refusing
/// output beyond `max` (a gzip or zstd bomb is a 413, not an out-of-memory).
fn decompress(
    headers: &HeaderMap,
    raw: Bytes,
    max: usize,
    accepts_zstd: bool,
) -> Result<Bytes, (StatusCode, String)> {
    let encoding = headers
        .get(header::CONTENT_ENCODING)
        .and_then(|v| v.to_str().ok())
        .map(|v| v.trim().to_ascii_lowercase());
    match encoding.as_deref() {
        None | Some("" | "identity") => Ok(raw),
        Some("gzip") => inflate("gzip", flate2::read::GzDecoder::new(raw.as_ref()), max),
        #[cfg(feature = "zstd")]
        Some("zstd") if accepts_zstd => {
            let invalid = |e: std::io::Error| (StatusCode::BAD_REQUEST, format!("invalid zstd body: {e}"));
            let mut decoder = zstd::stream::read::Decoder::with_buffer(raw.as_ref()).map_err(invalid)?;
            // A frame asking for a window over 16 MiB is refused before it is allocated
            // (zstd's own limit is 128 MiB); senders at the usual levels use 8 MiB or less.
            decoder.window_log_max(24).map_err(invalid)?;
            inflate("zstd", decoder, max)
        }
        Some(other) => Err((
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            format!(
                "unsupported content encoding {other:?}: use {} or none",
                if accepts_zstd { "gzip, zstd" } else { "gzip" }
            ),
        )),
    }
}

/// Reads `decoder` to its end, or to one byte past `max`: then 413.
fn inflate(name: &str, decoder: impl std::io::Read, max: usize) -> Result<Bytes, (StatusCode, String)> {
    let mut out = Vec::new();
    let limit = u64::try_from(max).unwrap_or(u64::MAX).saturating_add(1);
    decoder
        .take(limit)
        .read_to_end(&mut out)
        .map_err(|e| (StatusCode::BAD_REQUEST, format!("invalid {name} body: {e}")))?;
    if out.len() > max {
        return Err((
            StatusCode::PAYLOAD_TOO_LARGE,
            format!("decompressed body larger than {max} bytes"),
        ));
    }
    Ok(Bytes::from(out))
}

/// An error answer with a `google.rpc.Status` body in the request's encoding.
fn error_response(status: StatusCode, protocol: Option<Protocol>, message: String) -> Response {
    // OTLP/HTTP carries the gRPC code in the Status body; map the common ones.
    let code = match status.as_u16() {
        400 => 3,
        413 => 11,
        415 => 3,
        429 => 8,
        503 => 14,
        _ => 13,
    };
    let rpc = RpcStatus { code, message };
    match protocol {
        Some(Protocol::HttpProtobuf) => (
            status,
            [(header::CONTENT_TYPE, "application/x-protobuf")],
            rpc.encode_to_vec(),
        )
            .into_response(),
        _ => {
            let body = serde_json::json!({ "code": rpc.code, "message": rpc.message }).to_string();
            (status, [(header::CONTENT_TYPE, "application/json")], body).into_response()
        }
    }
}

/// What [`decode_http_export`] made of a body: the model the collector's assertions read.
#[doc(hidden)]
#[derive(Debug)]
pub enum DecodedExport {
    /// A trace export's spans.
    Spans(crate::Spans),
    /// A metrics export's metrics.
    Metrics(crate::Metrics),
    /// A logs export's records.
    Logs(crate::Logs),
}

/// Decodes one OTLP/HTTP export body as the collector does (gzip undone when `gzip`, at
/// most `max` bytes after that, then protobuf or JSON as `protocol` says) and converts it
/// to the model that [`TestCollector::spans`](super::TestCollector::spans) and the other
/// readers return.
///
/// Public only for the fuzz targets in `fuzz/` (`otlp_decode`): driving the collector
/// over HTTP for every input would make fuzzing thousands of times slower. Hidden, not
/// part of the API, and free to change in any release.
#[doc(hidden)]
pub fn decode_http_export(
    signal: Signal,
    protocol: Protocol,
    gzip: bool,
    body: &[u8],
    max: usize,
) -> Result<DecodedExport, String> {
    let mut headers = HeaderMap::new();
    if gzip {
        headers.insert(header::CONTENT_ENCODING, HeaderValue::from_static("gzip"));
    }
    let message =
        decompress(&headers, Bytes::copy_from_slice(body), max, false).map_err(|(_, reason)| reason)?;
    let payload = match protocol {
        Protocol::HttpJson => Payload::decode_json(signal, &message)?,
        _ => Payload::decode_protobuf(signal, &message)?,
    };
    Ok(match payload {
        Payload::Traces(t) => {
            let mut out = Vec::new();
            crate::model::spans_from_otlp(&t.resource_spans, &mut out);
            DecodedExport::Spans(crate::Spans::new(out))
        }
        Payload::Metrics(m) => {
            let mut out = Vec::new();
            crate::model::metrics_from_otlp(&m.resource_metrics, &mut out);
            DecodedExport::Metrics(crate::Metrics::new(out))
        }
        Payload::Logs(l) => {
            let mut out = Vec::new();
            crate::model::logs_from_otlp(&l.resource_logs, &mut out);
            DecodedExport::Logs(crate::Logs::new(out))
        }
    })
}
