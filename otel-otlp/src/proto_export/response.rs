//! What a collector answers: the export response's partial success (the same shape for
//! every signal), warned about and never retried, as the OTLP specification says.

use crate::report_gate::ReportGate;

/// The most of a collector's partial-success message that is logged, in bytes (before
/// escaping); the rest is counted, not shown. A collector's reason is a sentence or two.
const MAX_LOGGED_MESSAGE: usize = 1024;

/// `Export{Trace,Logs,Metrics}ServiceResponse`.
#[derive(Clone, PartialEq, prost::Message)]
struct ExportResponse {
    #[prost(message, optional, tag = "1")]
    partial_success: Option<PartialSuccess>,
}

/// `Export{Trace,Logs,Metrics}PartialSuccess`: the rejected spans, log records or data
/// points, and why.
#[derive(Clone, PartialEq, prost::Message)]
struct PartialSuccess {
    #[prost(int64, tag = "1")]
    rejected: i64,
    #[prost(string, tag = "2")]
    error_message: String,
}

/// Warns, at most once per report period, when `body` (a protobuf export response)
/// says the collector rejected part of the request. An empty or unreadable body is a
/// full success, as opentelemetry-otlp reads it.
pub(super) fn check_partial_success(body: &[u8], items: &str, gate: &ReportGate) {
    let Ok(response) = <ExportResponse as prost::Message>::decode(body) else {
        return;
    };
    let Some(partial) = response.partial_success else {
        return;
    };
    if (partial.rejected > 0 || !partial.error_message.is_empty()) && gate.pass() {
        tracing::warn!(
            target: "otel_kit_otlp",
            "the OTLP collector accepted the export only in part: {} {items} rejected ({})",
            partial.rejected,
            loggable(&partial.error_message)
        );
    }
}

/// `message` as one log line can show it: at most [`MAX_LOGGED_MESSAGE`] bytes of it,
/// with control characters (newlines, ANSI escapes, ...), line separators and bidi
/// controls escaped as `\n`, `\u{1b}`..., so that a collector cannot write lines of its
/// own into the log, restyle a terminal or flood it.
pub(super) fn loggable(message: &str) -> String {
    let mut end = message.len().min(MAX_LOGGED_MESSAGE);
    while !message.is_char_boundary(end) {
        end -= 1;
    }
    let mut shown = otel_kit_core::__private::printable_text::escape_controls(&message[..end]).into_owned();
    if end < message.len() {
        shown.push_str(&format!("... ({} more bytes)", message.len() - end));
    }
    shown
}

/// The `RetryInfo` in a gRPC status's details (`google.rpc.Status`): how long the server
/// asks the client to wait.
#[cfg(feature = "grpc")]
pub(super) fn retry_delay(details: &[u8]) -> Option<std::time::Duration> {
    const RETRY_INFO: &str = "type.googleapis.com/google.rpc.RetryInfo";
    let status = <RpcStatus as prost::Message>::decode(details).ok()?;
    let info = status.details.iter().find(|any| any.type_url == RETRY_INFO)?;
    let delay = <RetryInfo as prost::Message>::decode(info.value.as_slice())
        .ok()?
        .retry_delay?;
    let seconds = u64::try_from(delay.seconds).ok()?;
    let nanos = u32::try_from(delay.nanos).ok()?;
    Some(std::time::Duration::new(seconds, nanos.min(999_999_999)))
}

/// `google.rpc.Status`, only its details.
#[cfg(feature = "grpc")]
#[derive(Clone, PartialEq, prost::Message)]
struct RpcStatus {
    #[prost(message, repeated, tag = "3")]
    details: Vec<ProtoAny>,
}

/// `google.protobuf.Any`.
#[cfg(feature = "grpc")]
#[derive(Clone, PartialEq, prost::Message)]
struct ProtoAny {
    #[prost(string, tag = "1")]
    type_url: String,
    #[prost(bytes = "vec", tag = "2")]
    value: Vec<u8>,
}

/// `google.rpc.RetryInfo`.
#[cfg(feature = "grpc")]
#[derive(Clone, PartialEq, prost::Message)]
struct RetryInfo {
    #[prost(message, optional, tag = "1")]
    retry_delay: Option<ProtoDuration>,
}

/// `google.protobuf.Duration`.
#[cfg(feature = "grpc")]
#[derive(Clone, PartialEq, prost::Message)]
struct ProtoDuration {
    #[prost(int64, tag = "1")]
    seconds: i64,
    #[prost(int32, tag = "2")]
    nanos: i32,
}

#[cfg(test)]
mod tests {
    use prost::Message as _;

    use super::*;

    #[test]
    fn a_partial_success_is_read_and_anything_else_is_a_success() {
        let body = ExportResponse {
            partial_success: Some(PartialSuccess {
                rejected: 3,
                error_message: "too old".into(),
            }),
        }
        .encode_to_vec();
        // Readable; the warning itself is checked by the exporter tests.
        let response = ExportResponse::decode(body.as_slice()).expect("decodes");
        assert_eq!(response.partial_success.expect("partial").rejected, 3);
        // Neither panics nor warns.
        let gate = ReportGate::new();
        check_partial_success(&[], "spans", &gate);
        check_partial_success(&[0xFF, 0xFF, 0xFF], "spans", &gate);
        assert!(gate.pass(), "nothing was reported");
    }

    #[test]
    fn a_message_is_shown_escaped_and_cut() {
        assert_eq!(loggable("too old"), "too old");
        assert_eq!(
            loggable("a\nWARN forged\r\u{1b}[31mred\u{2028}\u{202E}"),
            "a\\nWARN forged\\r\\u{1b}[31mred\\u{2028}\\u{202e}"
        );
        let long = "é".repeat(MAX_LOGGED_MESSAGE);
        let shown = loggable(&long);
        assert!(shown.len() < MAX_LOGGED_MESSAGE + 40, "{}", shown.len());
        assert!(
            shown.ends_with(&format!("... ({} more bytes)", MAX_LOGGED_MESSAGE)),
            "{shown}"
        );
    }

    #[cfg(feature = "grpc")]
    #[test]
    fn the_retry_delay_is_read_from_the_status_details() {
        let info = RetryInfo {
            retry_delay: Some(ProtoDuration {
                seconds: 2,
                nanos: 500_000_000,
            }),
        };
        let status = RpcStatus {
            details: vec![
                ProtoAny {
                    type_url: "type.googleapis.com/google.rpc.ErrorInfo".into(),
                    value: vec![1, 2, 3],
                },
                ProtoAny {
                    type_url: "type.googleapis.com/google.rpc.RetryInfo".into(),
                    value: info.encode_to_vec(),
                },
            ],
        };
        assert_eq!(
            retry_delay(&status.encode_to_vec()),
            Some(std::time::Duration::from_millis(2500))
        );
        assert_eq!(retry_delay(&[]), None);
        assert_eq!(retry_delay(&[0xFF]), None);
    }
}
