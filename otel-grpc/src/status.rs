//! gRPC status codes as the RPC conventions record them: the string form of
//! `rpc.status_code`, and which codes make a span an error on each side.

use http::HeaderMap;
use opentelemetry::logs::Severity;
use tonic::Code;

/// The name of `code` as `rpc.status_code` (and `error.type`) record it: the
/// upper-case name of the gRPC specification (`OK`, `NOT_FOUND`, ...).
///
/// ```
/// use otel_kit_grpc::status::code_name;
/// assert_eq!(code_name(tonic::Code::Ok), "OK");
/// assert_eq!(code_name(tonic::Code::DeadlineExceeded), "DEADLINE_EXCEEDED");
/// ```
pub fn code_name(code: Code) -> &'static str {
    match code {
        Code::Ok => "OK",
        Code::Cancelled => "CANCELLED",
        Code::Unknown => "UNKNOWN",
        Code::InvalidArgument => "INVALID_ARGUMENT",
        Code::DeadlineExceeded => "DEADLINE_EXCEEDED",
        Code::NotFound => "NOT_FOUND",
        Code::AlreadyExists => "ALREADY_EXISTS",
        Code::PermissionDenied => "PERMISSION_DENIED",
        Code::ResourceExhausted => "RESOURCE_EXHAUSTED",
        Code::FailedPrecondition => "FAILED_PRECONDITION",
        Code::Aborted => "ABORTED",
        Code::OutOfRange => "OUT_OF_RANGE",
        Code::Unimplemented => "UNIMPLEMENTED",
        Code::Internal => "INTERNAL",
        Code::Unavailable => "UNAVAILABLE",
        Code::DataLoss => "DATA_LOSS",
        Code::Unauthenticated => "UNAUTHENTICATED",
    }
}

/// Which end of the call a span describes: the conventions' error rule differs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    /// The server's span: an error only for codes that mean the server failed.
    Server,
    /// The client's span: an error for every code but `OK`.
    Client,
}

impl Side {
    /// True when a call that ended with `code` is an error on this side. A server did
    /// its job when it answers `NOT_FOUND` or `INVALID_ARGUMENT`: only `UNKNOWN`,
    /// `DEADLINE_EXCEEDED`, `UNIMPLEMENTED`, `INTERNAL`, `UNAVAILABLE` and `DATA_LOSS`
    /// are server errors. For the client, every code but `OK` is a failed call.
    ///
    /// ```
    /// use otel_kit_grpc::status::Side;
    /// use tonic::Code;
    /// assert!(!Side::Server.is_error(Code::NotFound));
    /// assert!(Side::Server.is_error(Code::Internal));
    /// assert!(Side::Client.is_error(Code::NotFound));
    /// assert!(!Side::Client.is_error(Code::Ok));
    /// ```
    pub fn is_error(self, code: Code) -> bool {
        match self {
            Side::Server => matches!(
                code,
                Code::Unknown
                    | Code::DeadlineExceeded
                    | Code::Unimplemented
                    | Code::Internal
                    | Code::Unavailable
                    | Code::DataLoss
            ),
            Side::Client => code != Code::Ok,
        }
    }

    /// The event a panic is recorded as on this side, and its severity (semantic
    /// conventions 1.44, `docs/errors.md`): `rpc.server.call.exception` at ERROR,
    /// `rpc.client.call.exception` at WARN.
    ///
    /// ```
    /// use opentelemetry::logs::Severity;
    /// use otel_kit_grpc::status::Side;
    /// assert_eq!(Side::Server.exception_event(), ("rpc.server.call.exception", Severity::Error));
    /// assert_eq!(Side::Client.exception_event(), ("rpc.client.call.exception", Severity::Warn));
    /// ```
    pub fn exception_event(self) -> (&'static str, Severity) {
        match self {
            Side::Server => ("rpc.server.call.exception", Severity::Error),
            Side::Client => ("rpc.client.call.exception", Severity::Warn),
        }
    }
}

/// The `grpc-status` in `headers` (response headers of a trailers-only response, or
/// the trailers at the end of the stream); `None` when there is none. An unparsable
/// value reads as `UNKNOWN`, as tonic reads it.
///
/// ```
/// use otel_kit_grpc::status::grpc_status;
/// let mut trailers = http::HeaderMap::new();
/// assert_eq!(grpc_status(&trailers), None);
/// trailers.insert("grpc-status", "5".parse().unwrap());
/// assert_eq!(grpc_status(&trailers), Some(tonic::Code::NotFound));
/// ```
pub fn grpc_status(headers: &HeaderMap) -> Option<Code> {
    headers
        .get("grpc-status")
        .map(|value| Code::from_bytes(value.as_bytes()))
}

/// The `grpc-message` in `headers`, decoded: gRPC percent-encodes it. At most
/// [`MAX_MESSAGE`] bytes are kept (cut at a character boundary): a server's message is
/// free text of any length.
///
/// ```
/// use otel_kit_grpc::status::grpc_message;
///
/// let mut trailers = http::HeaderMap::new();
/// assert_eq!(grpc_message(&trailers), None);
/// trailers.insert("grpc-message", "no%20such%20user".parse().unwrap());
/// assert_eq!(grpc_message(&trailers).as_deref(), Some("no such user"));
/// ```
pub fn grpc_message(headers: &HeaderMap) -> Option<String> {
    let raw = headers.get("grpc-message")?.as_bytes();
    let mut decoded = Vec::with_capacity(raw.len().min(MAX_MESSAGE));
    let mut i = 0;
    while i < raw.len() && decoded.len() < MAX_MESSAGE {
        let byte = match (raw[i], raw.get(i + 1..i + 3)) {
            (b'%', Some(hex)) => match std::str::from_utf8(hex)
                .ok()
                .and_then(|h| u8::from_str_radix(h, 16).ok())
            {
                Some(byte) => {
                    i += 2;
                    byte
                }
                None => b'%',
            },
            (byte, _) => byte,
        };
        decoded.push(byte);
        i += 1;
    }
    let mut message = String::from_utf8_lossy(&decoded).into_owned();
    message.truncate(message.floor_char_boundary(MAX_MESSAGE));
    Some(message)
}

/// The longest `grpc-message` kept as a span's status description, in bytes.
pub const MAX_MESSAGE: usize = 1024;

/// The code of a response that ended without any `grpc-status`, from its HTTP status,
/// as gRPC's HTTP-to-gRPC mapping (and tonic) infer it.
pub(crate) fn code_from_http(status: http::StatusCode) -> Code {
    match status.as_u16() {
        400 => Code::Internal,
        401 => Code::Unauthenticated,
        403 => Code::PermissionDenied,
        404 => Code::Unimplemented,
        429 | 502 | 503 | 504 => Code::Unavailable,
        // A 200 without `grpc-status` breaks the protocol; anything else is unknown.
        200 => Code::Internal,
        _ => Code::Unknown,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_has_its_spec_name() {
        for i in 0..=16 {
            let code = Code::from_i32(i);
            let name = code_name(code);
            assert!(
                name.bytes().all(|b| b.is_ascii_uppercase() || b == b'_'),
                "{name}"
            );
        }
        let mut headers = HeaderMap::new();
        headers.insert("grpc-status", "x".parse().expect("value"));
        assert_eq!(grpc_status(&headers), Some(Code::Unknown));
        assert_eq!(
            code_from_http(http::StatusCode::SERVICE_UNAVAILABLE),
            Code::Unavailable
        );
    }

    #[test]
    fn grpc_message_decoding_is_total_and_bounded() {
        let message = |raw: &str| {
            let mut headers = HeaderMap::new();
            headers.insert("grpc-message", raw.parse().expect("value"));
            grpc_message(&headers).expect("present")
        };
        assert_eq!(message("caf%C3%A9%20ok"), "café ok");
        assert_eq!(message("100%"), "100%", "a lone % stays");
        assert_eq!(message("%zz%4"), "%zz%4", "bad escapes stay");
        assert_eq!(message("%FF"), "\u{fffd}", "invalid UTF-8 is replaced");
        assert_eq!(message(&"a".repeat(5000)).len(), MAX_MESSAGE);
    }
}
