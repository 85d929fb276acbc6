//! What every protocol checks before building: an export runtime to send from, an
//! endpoint this build can reach, the compression this build has.

use otel_kit_core::otlp::{Compression, Signal};

use super::settings::ExportSettings;
use super::warning::{Setting, SettingsWarning};
use crate::ExportRuntime;

/// The export runtime, or `None` with a warning when this build cannot reach the
/// endpoint (`https://` without a TLS feature) or there is no runtime to send from.
pub(super) fn usable<'r>(
    settings: &ExportSettings,
    signal: Signal,
    runtime: Option<&'r ExportRuntime>,
    warnings: &mut Vec<SettingsWarning>,
) -> Option<&'r ExportRuntime> {
    let shown = || crate::printable_endpoint(&settings.endpoint_or_default(signal));
    if settings.is_https() && !cfg!(feature = "__tls") {
        warnings.push(SettingsWarning::NotBuiltIn {
            setting: Setting::Endpoint,
            value: shown(),
            feature: "tls-ring",
        });
        return None;
    }
    if runtime.is_none() {
        warnings.push(SettingsWarning::Unusable {
            setting: Setting::Endpoint,
            value: shown(),
            why: format!(
                "has no export runtime to send from; {} are not exported",
                signal.as_str()
            ),
        });
    }
    runtime
}

/// The configured compression, if this build has it (else a warning: sent uncompressed).
pub(super) fn compression(
    settings: &ExportSettings,
    warnings: &mut Vec<SettingsWarning>,
) -> Option<Compression> {
    let compression = settings.compression?;
    let (built_in, feature) = match compression {
        Compression::Gzip => (cfg!(feature = "gzip"), "gzip"),
        Compression::Zstd => (cfg!(feature = "zstd"), "zstd"),
    };
    if !built_in {
        warnings.push(SettingsWarning::NotBuiltIn {
            setting: Setting::Compression,
            value: compression.as_str().to_owned(),
            feature,
        });
        return None;
    }
    Some(compression)
}

/// The protocol is not in this build: the signal is not exported.
pub(super) fn not_built_in(settings: &ExportSettings, warnings: &mut Vec<SettingsWarning>) {
    let feature = match settings.protocol {
        otel_kit_core::otlp::Protocol::Grpc => "grpc",
        otel_kit_core::otlp::Protocol::HttpProtobuf => "http-proto",
        otel_kit_core::otlp::Protocol::HttpJson => "http-json",
    };
    warnings.push(SettingsWarning::NotBuiltIn {
        setting: Setting::Protocol,
        value: settings.protocol.as_str().to_owned(),
        feature,
    });
}
