//! OTLP/gRPC and OTLP/HTTP with protobuf bodies: [`ExportSettings`] applied to this
//! crate's [`ExporterBuilder`], and its lenient build's outcome as warnings.

use otel_kit_core::otlp::{Protocol, Signal};

use super::checks;
use super::settings::ExportSettings;
use super::warning::{Setting, SettingsError, SettingsWarning};
use crate::{BuildError, BuildWarning, ExportRuntime, ExporterBuilder};

/// `builder` with `settings`, sending from `runtime`. A header gRPC or HTTP cannot
/// carry is left out (as opentelemetry-otlp does), and an unreadable PEM file with a
/// warning; the builder refuses nothing else.
pub(super) fn configure<S>(
    settings: &ExportSettings,
    builder: ExporterBuilder<S>,
    runtime: &ExportRuntime,
    warnings: &mut Vec<SettingsWarning>,
) -> ExporterBuilder<S> {
    let headers = settings.headers.iter().filter(|(k, v)| {
        http::HeaderName::from_bytes(k.as_bytes()).is_ok() && http::HeaderValue::from_str(v).is_ok()
    });
    let mut b = builder
        .with_protocol(settings.protocol)
        .with_endpoint(settings.endpoint.clone())
        .with_headers(headers.cloned())
        .with_timeout(settings.timeout)
        .with_credentials_check_interval(settings.credentials_check_interval)
        .with_export_runtime(runtime);
    for (name, path) in &settings.header_files {
        b = b.with_header_file(name.clone(), path.clone());
    }
    if let Some(source) = &settings.dynamic_headers {
        b = b.with_dynamic_headers(source.clone());
    }
    if let Some(compression) = checks::compression(settings, warnings) {
        b = b.with_compression(compression);
    }
    // Files are read (and read again when they change) by the exporter itself.
    if let Some(ca) = &settings.ca_certificate {
        b.settings.ca = Some(ca.clone());
    }
    #[cfg(feature = "proxy")]
    if let Some(proxy) = &settings.proxy {
        b = b.with_proxy(proxy.clone());
    }
    if let Some(identity) = &settings.client_identity {
        b.settings.identity = Some(identity.clone());
    }
    b
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
