//! Decoding export requests and encoding the success responses, per signal and encoding.

use opentelemetry_proto::tonic::collector::logs::v1::{ExportLogsServiceRequest, ExportLogsServiceResponse};
use opentelemetry_proto::tonic::collector::metrics::v1::{
    ExportMetricsServiceRequest, ExportMetricsServiceResponse,
};
use opentelemetry_proto::tonic::collector::trace::v1::{
    ExportTraceServiceRequest, ExportTraceServiceResponse,
};
use prost::Message;

use otel_kit_core::otlp::Signal;

/// A decoded export, ready to keep.
pub(super) enum Payload {
    Traces(ExportTraceServiceRequest),
    Metrics(ExportMetricsServiceRequest),
    Logs(ExportLogsServiceRequest),
}

impl Payload {
    pub(super) fn decode_protobuf(signal: Signal, bytes: &[u8]) -> Result<Self, String> {
        let r = match signal {
            Signal::Traces => ExportTraceServiceRequest::decode(bytes).map(Payload::Traces),
            Signal::Metrics => ExportMetricsServiceRequest::decode(bytes).map(Payload::Metrics),
            Signal::Logs => ExportLogsServiceRequest::decode(bytes).map(Payload::Logs),
        };
        r.map_err(|e| format!("malformed protobuf: {e}"))
    }

    pub(super) fn decode_json(signal: Signal, bytes: &[u8]) -> Result<Self, String> {
        let r = match signal {
            Signal::Traces => serde_json::from_slice(bytes).map(Payload::Traces),
            Signal::Metrics => serde_json::from_slice(bytes).map(Payload::Metrics),
            Signal::Logs => serde_json::from_slice(bytes).map(Payload::Logs),
        };
        r.map_err(|e| format!("malformed JSON: {e}"))
    }
}

/// The (empty, full-success) response message of a signal, protobuf-encoded.
pub(super) fn success_protobuf(signal: Signal) -> Vec<u8> {
    match signal {
        Signal::Traces => ExportTraceServiceResponse::default().encode_to_vec(),
        Signal::Metrics => ExportMetricsServiceResponse::default().encode_to_vec(),
        Signal::Logs => ExportLogsServiceResponse::default().encode_to_vec(),
    }
}

/// The same response, JSON-encoded.
pub(super) fn success_json(signal: Signal) -> Vec<u8> {
    let r = match signal {
        Signal::Traces => serde_json::to_vec(&ExportTraceServiceResponse::default()),
        Signal::Metrics => serde_json::to_vec(&ExportMetricsServiceResponse::default()),
        Signal::Logs => serde_json::to_vec(&ExportLogsServiceResponse::default()),
    };
    r.unwrap_or_else(|_| b"{}".to_vec())
}

/// `google.rpc.Status`, the body OTLP/HTTP prescribes for failures.
#[derive(Clone, PartialEq, prost::Message)]
pub(super) struct RpcStatus {
    #[prost(int32, tag = "1")]
    pub(super) code: i32,
    #[prost(string, tag = "2")]
    pub(super) message: String,
}
