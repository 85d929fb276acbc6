//! The matrix's axes: protocol, path and fault, and which cells apply.

use std::time::Duration;

use otel_kit_testing::{ExportFailure, Protocol, RelayFault};

/// The OTLP protocols of the matrix (HTTP/JSON goes through opentelemetry-otlp's
/// exporter, whose deadlines are its own).
pub(super) const PROTOCOLS: [Protocol; 2] = [Protocol::Grpc, Protocol::HttpProtobuf];

/// A protocol's column heading.
pub(super) fn protocol_name(protocol: Protocol) -> &'static str {
    match protocol {
        Protocol::Grpc => "gRPC",
        Protocol::HttpProtobuf => "HTTP",
        Protocol::HttpJson => "HTTP/JSON",
    }
}

/// How the exporter reaches the collector, and where the fault sits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Path {
    /// `http://`, the fault relay in front of the collector.
    Plain,
    /// `https://` with a CA made by the test; the relay serves the TLS.
    Tls,
    /// `https://` through a real tinyproxy (`CONNECT`); the fault at the TLS relay behind it.
    Tinyproxy,
    /// `https://` through a proxy that is itself the faulty peer (a relay in front of a
    /// tinyproxy): silent after the request head, it is a proxy that accepts `CONNECT`
    /// and never answers.
    SilentProxy,
}

impl Path {
    pub(super) const ALL: [Path; 4] = [Path::Plain, Path::Tls, Path::Tinyproxy, Path::SilentProxy];

    pub(super) fn name(self) -> &'static str {
        match self {
            Path::Plain => "plain",
            Path::Tls => "TLS",
            Path::Tinyproxy => "tinyproxy",
            Path::SilentProxy => "proxy hop",
        }
    }

    /// Whether the path needs tinyproxy (`TEST_TINYPROXY`).
    pub(super) fn needs_tinyproxy(self) -> bool {
        matches!(self, Path::Tinyproxy | Path::SilentProxy)
    }
}

/// The fault played while the cell's fault phase lasts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Fault {
    Refused,
    SilentBeforeHandshake,
    SilentAfterHandshake,
    SilentAfterRequestHead,
    Drip,
    ResetMidResponse,
    Unavailable,
    Throttled,
    Garbage,
    Vanished,
}

/// The drip's pace: one byte per interval.
pub(super) const DRIP: Duration = Duration::from_millis(200);

/// The delay a throttling or unavailable collector asks for (`Retry-After`, `RetryInfo`).
pub(super) const RETRY_AFTER: Duration = Duration::from_secs(1);

impl Fault {
    pub(super) const ALL: [Fault; 10] = [
        Fault::Refused,
        Fault::SilentBeforeHandshake,
        Fault::SilentAfterHandshake,
        Fault::SilentAfterRequestHead,
        Fault::Drip,
        Fault::ResetMidResponse,
        Fault::Unavailable,
        Fault::Throttled,
        Fault::Garbage,
        Fault::Vanished,
    ];

    pub(super) fn name(self) -> &'static str {
        match self {
            Fault::Refused => "connection refused",
            Fault::SilentBeforeHandshake => "silent before the TLS handshake",
            Fault::SilentAfterHandshake => "silent after the TLS handshake",
            Fault::SilentAfterRequestHead => "silent after the request head",
            Fault::Drip => "slow drip (1 byte / 200 ms)",
            Fault::ResetMidResponse => "reset mid-response",
            Fault::Unavailable => "503 + Retry-After / UNAVAILABLE + RetryInfo",
            Fault::Throttled => "429 + Retry-After / RESOURCE_EXHAUSTED + RetryInfo",
            Fault::Garbage => "garbage bytes",
            Fault::Vanished => "worked, then vanished (no reset)",
        }
    }

    /// Why the cell does not apply, or `None` when it does.
    pub(super) fn not_applicable(self, path: Path) -> Option<&'static str> {
        let handshake = matches!(self, Fault::SilentBeforeHandshake | Fault::SilentAfterHandshake);
        match path {
            Path::Plain if handshake => Some("no TLS on a plain path"),
            Path::SilentProxy if handshake => {
                Some("the proxy hop is plain HTTP; the TLS rows are the tinyproxy column's")
            }
            Path::SilentProxy if self.collector_status().is_some() => {
                Some("an answer of the collector's: the tinyproxy column")
            }
            _ => None,
        }
    }

    /// What the relay plays for this fault (a collector answering a status plays none).
    pub(super) fn relay_fault(self) -> RelayFault {
        match self {
            Fault::Refused => RelayFault::Refuse,
            Fault::SilentBeforeHandshake => RelayFault::SilentOnAccept,
            Fault::SilentAfterHandshake => RelayFault::SilentAfterTlsHandshake,
            Fault::SilentAfterRequestHead => RelayFault::SilentAfterRequest,
            Fault::Drip => RelayFault::Drip(DRIP),
            Fault::ResetMidResponse => RelayFault::ResetMidResponse,
            Fault::Garbage => RelayFault::Garbage,
            Fault::Vanished => RelayFault::Vanish,
            Fault::Unavailable | Fault::Throttled => RelayFault::None,
        }
    }

    /// The collector's answer to every export while the fault lasts, for the status rows.
    pub(super) fn collector_status(self) -> Option<ExportFailure> {
        match self {
            Fault::Unavailable => Some(ExportFailure::unavailable().with_retry_after(RETRY_AFTER)),
            Fault::Throttled => Some(ExportFailure::resource_exhausted().with_retry_after(RETRY_AFTER)),
            _ => None,
        }
    }
}
