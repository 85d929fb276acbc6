//! Building the OTLP exporters from a resolved [`OtlpSignalConfig`](crate::config::OtlpSignalConfig): otel-kit-otlp's
//! (our own protobuf encoding) for gRPC and HTTP/protobuf, the upstream one for
//! HTTP/JSON. One function for every signal, [`exporter`]; what differs between the
//! signals is each exporter's [`SignalExporter`] impl (`exporters.rs`), and the settings
//! they share are applied by `Transport` (`transport.rs`): to otel-kit-otlp's builders by
//! `Transport::ours`, to the upstream ones by `Transport::http`. Each transport is a cargo feature; the
//! configuration has already replaced a protocol this build lacks (`config::otlp`), and
//! an endpoint this build cannot reach (`https://` without a TLS feature) leaves the
//! signal unexported with a warning.

mod exporters;
mod transport;

use otel_kit_otlp::ExportRuntime;

use crate::InitError;
use crate::Signal;
use crate::config::{OtlpConfig, OtlpProtocol};
use crate::env::Warnings;
#[cfg(feature = "logs")]
pub(crate) use exporters::OtlpLogExporter;
#[cfg(feature = "metrics")]
pub(crate) use exporters::OtlpMetricExporter;
pub(crate) use exporters::OtlpSpanExporter;
use transport::Transport;

/// One signal's OTLP exporter, as [`exporter`] builds it: otel-kit-otlp's for gRPC and
/// HTTP/protobuf, opentelemetry-otlp's for HTTP/JSON, each a cargo feature.
pub(crate) trait SignalExporter: Sized {
    const SIGNAL: Signal;
    /// What only this signal's builders take (the metrics' temporality and exemplars).
    type Settings;

    /// otel-kit-otlp's exporter, from `t`'s settings and `settings`.
    #[cfg(any(feature = "grpc", feature = "http-proto"))]
    fn ours(
        t: &Transport<'_>,
        settings: &Self::Settings,
        runtime: &ExportRuntime,
        warnings: &mut Warnings,
    ) -> Result<Option<Self>, InitError>;

    /// opentelemetry-otlp's HTTP/JSON exporter, from `t`'s settings and `settings`.
    #[cfg(feature = "http-json")]
    fn upstream(
        t: &Transport<'_>,
        settings: &Self::Settings,
        runtime: &ExportRuntime,
        warnings: &mut Warnings,
    ) -> Result<Option<Self>, InitError>;
}

/// The OTLP exporter of signal `E`, or `None` (with a warning) when this build cannot
/// reach the endpoint or lacks the configured protocol.
pub(crate) fn exporter<E: SignalExporter>(
    otlp: &OtlpConfig,
    settings: &E::Settings,
    runtime: Option<&ExportRuntime>,
    warnings: &mut Warnings,
) -> Result<Option<E>, InitError> {
    let config = otlp.signal(E::SIGNAL);
    let t = Transport {
        config,
        signal: E::SIGNAL,
        #[cfg(feature = "proxy")]
        proxy: otlp.proxy.as_ref(),
    };
    let Some(runtime) = t.usable(runtime, warnings) else {
        return Ok(None);
    };
    match config.protocol {
        #[cfg(any(feature = "grpc", feature = "http-proto"))]
        OtlpProtocol::Grpc | OtlpProtocol::HttpProtobuf => E::ours(&t, settings, runtime, warnings),
        #[cfg(feature = "http-json")]
        OtlpProtocol::HttpJson => E::upstream(&t, settings, runtime, warnings),
        #[allow(unreachable_patterns)]
        _ => {
            let _ = settings;
            t.not_built_in(warnings);
            Ok(None)
        }
    }
}
