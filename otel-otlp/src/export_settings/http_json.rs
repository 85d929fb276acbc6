//! OTLP/HTTP with JSON bodies: [`ExportSettings`] applied to opentelemetry-otlp's
//! builders, which send with this crate's HTTP client on the export runtime.

use opentelemetry_otlp::{Protocol, WithExportConfig, WithHttpConfig};
use otel_kit_core::otlp::{Compression, Signal};

use super::checks;
use super::settings::ExportSettings;
use super::warning::{Setting, SettingsWarning};
use crate::transport::http_client::{ClientTls, ExplainingClient};
use crate::transport::made_headers::ExportHeaders;
use crate::{BuildWarning, CertificateSetting, ExportRuntime};

/// Encoding, endpoint, timeout, headers, compression and the client; `None`, with a
/// warning, when there is no client to send with.
pub(super) fn configure<B: WithHttpConfig + WithExportConfig>(
    settings: &ExportSettings,
    signal: Signal,
    builder: B,
    runtime: &ExportRuntime,
    warnings: &mut Vec<SettingsWarning>,
) -> Option<B> {
    let client = client(settings, signal, runtime, warnings)?;
    let mut b = builder
        .with_protocol(Protocol::HttpJson)
        .with_endpoint(settings.endpoint_or_default(signal))
        .with_timeout(settings.timeout)
        .with_headers(settings.headers.iter().cloned().collect());
    match checks::compression(settings, warnings) {
        Some(Compression::Gzip) => b = b.with_compression(opentelemetry_otlp::Compression::Gzip),
        #[cfg(feature = "zstd")]
        Some(Compression::Zstd) => return Some(b.with_http_client(super::json_zstd::ZstdBodies(client))),
        _ => {}
    }
    Some(b.with_http_client(client))
}

/// This crate's client for the endpoint and TLS, its requests run on the export
/// runtime; `None`, with a warning, when there is none to send with.
fn client(
    settings: &ExportSettings,
    signal: Signal,
    runtime: &ExportRuntime,
    warnings: &mut Vec<SettingsWarning>,
) -> Option<ExplainingClient> {
    if !settings.header_files.is_empty() {
        warnings.push(SettingsWarning::Unusable {
            setting: Setting::HeaderFiles,
            value: String::new(),
            why: "is not supported with OTEL_EXPORTER_OTLP_PROTOCOL=http/json; those headers are not sent (use http/protobuf or grpc)".to_owned(),
        });
    }
    let https = settings.is_https();
    // The scheme decides: the PEM files of an http:// endpoint are not used.
    if !https {
        let unused = [
            settings
                .ca_certificate
                .as_ref()
                .map(|_| CertificateSetting::CaCertificate),
            settings
                .client_identity
                .as_ref()
                .map(|_| CertificateSetting::ClientIdentity),
        ];
        warnings.extend(unused.into_iter().flatten().map(|setting| {
            SettingsWarning::LeftOut(BuildWarning {
                setting,
                why: "is ignored: the endpoint is http://, which sends in plaintext (use an https:// endpoint for TLS)".to_owned(),
            })
        }));
    }
    let (ca, identity) = if https {
        read_tls(settings, warnings)
    } else {
        (None, None)
    };
    let tls = if https {
        ClientTls::Https {
            ca: ca.as_deref(),
            identity: identity.as_ref().map(|(c, k)| (c.as_slice(), k.as_slice())),
        }
    } else {
        ClientTls::PlainHttp
    };
    #[cfg(feature = "proxy")]
    let client = match (
        &settings.proxy,
        settings.endpoint_or_default(signal).parse::<http::Uri>(),
    ) {
        (Some(proxy), Ok(endpoint)) => runtime.http_client_via(settings.timeout, tls, proxy, &endpoint),
        _ => runtime.http_client(settings.timeout, tls),
    };
    #[cfg(not(feature = "proxy"))]
    let client = runtime.http_client(settings.timeout, tls);
    match client {
        Ok((client, left_out)) => {
            warnings.extend(left_out.into_iter().map(SettingsWarning::LeftOut));
            Some(match &settings.dynamic_headers {
                Some(source) => client.with_extra_headers(ExportHeaders::made_by(source.clone())),
                None => client,
            })
        }
        Err(e) => {
            warnings.push(SettingsWarning::Unusable {
                setting: Setting::CaCertificate,
                value: String::new(),
                why: format!(
                    "could not be used to build the HTTP client ({e}); {} are not exported",
                    signal.as_str()
                ),
            });
            None
        }
    }
}

/// The bytes of a PEM file.
type Pem = Vec<u8>;

/// Reads the PEM files (opentelemetry-otlp's client takes bytes); an unreadable file is
/// warned about and left out, so the application starts and the export fails visibly.
fn read_tls(
    settings: &ExportSettings,
    warnings: &mut Vec<SettingsWarning>,
) -> (Option<Pem>, Option<(Pem, Pem)>) {
    // The exporters' own reader (a regular file only, opened without blocking, at most
    // 1 MiB), the three files at once on threads of their own, within one deadline.
    use crate::transport::credentials::{START_READ_DEADLINE, StartRead};
    let deadline = std::time::Instant::now() + START_READ_DEADLINE;
    let begin = |pem: &otel_kit_core::otlp::Pem| StartRead::begin(pem, deadline, false);
    let ca = settings.ca_certificate.as_ref().map(|p| (p, begin(p)));
    let identity = settings
        .client_identity
        .as_ref()
        .map(|(c, k)| ((c, begin(c)), (k, begin(k))));
    let mut finish =
        |(pem, read): (&otel_kit_core::otlp::Pem, StartRead), setting: Setting| match read.finish() {
            Ok(bytes) => Some(bytes),
            Err(e) => {
                let value = match pem {
                    otel_kit_core::otlp::Pem::File(path) => path.display().to_string(),
                    otel_kit_core::otlp::Pem::Bytes(_) => "(PEM bytes)".to_owned(),
                };
                warnings.push(SettingsWarning::Unusable {
                    setting,
                    value,
                    why: format!("{e}; it is ignored"),
                });
                None
            }
        };
    let ca = ca.and_then(|read| finish(read, Setting::CaCertificate));
    let identity = match identity {
        Some((c, k)) => match (
            finish(c, Setting::ClientCertificate),
            finish(k, Setting::ClientKey),
        ) {
            (Some(c), Some(k)) => Some((c, k)),
            _ => None,
        },
        None => None,
    };
    (ca, identity)
}
