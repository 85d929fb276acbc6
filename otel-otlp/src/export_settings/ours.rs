//! OTLP/gRPC and OTLP/HTTP with protobuf bodies: [`ExportSettings`] applied to this
//! crate's [`ExporterBuilder`], and its lenient build's outcome as warnings.

use otel_kit_core::otlp::{Protocol, Signal};

use super::checks;
use super::settings::ExportSettings;
use super::warning::{Setting, SettingsError, SettingsWarning};
use crate::{BuildError, BuildWarning, ExportRuntime, ExporterBuilder};

/// `builder` with `settings`, sending from `runtime`: the settings as given, less a
/// header gRPC or HTTP cannot carry (left out, as opentelemetry-otlp does) and a
/// compression this build lacks (with a warning); the builder refuses nothing else.
pub(super) fn configure<S>(
    settings: &ExportSettings,
    mut builder: ExporterBuilder<S>,
    runtime: &ExportRuntime,
    warnings: &mut Vec<SettingsWarning>,
) -> ExporterBuilder<S> {
    let mut carried = settings.clone();
    carried.headers.retain(|(k, v)| {
        http::HeaderName::from_bytes(k.as_bytes()).is_ok() && http::HeaderValue::from_str(v).is_ok()
    });
    carried.compression = checks::compression(settings, warnings);
    builder.settings = carried;
    builder.with_export_runtime(runtime)
}

/// The exporter, with a warning for each certificate it was built without; `None`,
/// with a warning, when OTLP/HTTP has no client to send with or the build lacks what
/// the settings need.
pub(super) fn built<E>(
    settings: &ExportSettings,
    signal: Signal,
    result: Result<(E, Vec<BuildWarning>), BuildError>,
    warnings: &mut Vec<SettingsWarning>,
) -> Result<Option<E>, SettingsError> {
    match result {
        Ok((exporter, left_out)) => {
            warnings.extend(left_out.into_iter().map(SettingsWarning::LeftOut));
            Ok(Some(exporter))
        }
        Err(BuildError::Tls { why, .. }) if settings.protocol == Protocol::HttpProtobuf => {
            warnings.push(SettingsWarning::Unusable {
                setting: Setting::CaCertificate,
                value: String::new(),
                why: format!(
                    "could not be used to build the HTTP client ({why}); {} are not exported",
                    signal.as_str()
                ),
            });
            Ok(None)
        }
        Err(BuildError::NotBuiltIn { .. }) => {
            checks::not_built_in(settings, warnings);
            Ok(None)
        }
        Err(e) => Err(SettingsError::Build(e)),
    }
}
