//! What building an exporter from [`ExportSettings`](super::ExportSettings) says about
//! them: [`SettingsWarning`]s for what was left out, a [`SettingsError`] for what stops
//! the build.

use std::fmt;

use crate::{BuildError, BuildWarning};

/// Which of the [`ExportSettings`](super::ExportSettings) a warning is about, so that
/// a caller can name it as its user set it (otel-kit-init names the variable).
///
/// ```
/// assert_eq!(otel_kit_otlp::Setting::Compression.to_string(), "compression");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Setting {
    /// [`protocol`](super::ExportSettings::protocol).
    Protocol,
    /// [`endpoint`](super::ExportSettings::endpoint).
    Endpoint,
    /// [`compression`](super::ExportSettings::compression).
    Compression,
    /// [`ca_certificate`](super::ExportSettings::ca_certificate).
    CaCertificate,
    /// The certificate of [`client_identity`](super::ExportSettings::client_identity).
    ClientCertificate,
    /// The key of [`client_identity`](super::ExportSettings::client_identity).
    ClientKey,
    /// [`header_files`](super::ExportSettings::header_files).
    HeaderFiles,
}

impl fmt::Display for Setting {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Setting::Protocol => "protocol",
            Setting::Endpoint => "endpoint",
            Setting::Compression => "compression",
            Setting::CaCertificate => "CA certificate",
            Setting::ClientCertificate => "client certificate",
            Setting::ClientKey => "client key",
            Setting::HeaderFiles => "header files",
        })
    }
}

/// Something the exporter was built without, or the reason it was not built; the
/// application starts either way and the caller says it once.
///
/// ```
/// use otel_kit_otlp::{Setting, SettingsWarning};
///
/// let warning = SettingsWarning::NotBuiltIn {
///     setting: Setting::Compression,
///     value: "gzip".to_owned(),
///     feature: "gzip",
/// };
/// assert!(warning.to_string().contains("`gzip`"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum SettingsWarning {
    /// A certificate or header file the exporter's lenient build left out.
    LeftOut(BuildWarning),
    /// `setting` (its `value`, empty when it has none to show) needs a cargo feature this
    /// build lacks: the endpoint's `https` (`tls-ring`), the compression (`gzip`, `zstd`), the
    /// protocol (`grpc`, `http-proto`, `http-json`). Without compression the exporter
    /// sends uncompressed; otherwise the signal is not exported.
    NotBuiltIn {
        /// Which setting.
        setting: Setting,
        /// Its value as shown (never a secret).
        value: String,
        /// The cargo feature that brings it.
        feature: &'static str,
    },
    /// `setting` (its `value`, empty when it has none to show) cannot be used: `why`.
    Unusable {
        /// Which setting.
        setting: Setting,
        /// Its value as shown (never a secret).
        value: String,
        /// What is wrong, and what is done instead.
        why: String,
    },
}

impl fmt::Display for SettingsWarning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SettingsWarning::LeftOut(w) => w.fmt(f),
            SettingsWarning::NotBuiltIn {
                setting,
                value,
                feature,
            } => write!(
                f,
                "the {setting} '{value}' needs otel-kit-otlp's `{feature}` cargo feature, which this build lacks"
            ),
            SettingsWarning::Unusable { setting, value, why } => write!(f, "the {setting} '{value}' {why}"),
        }
    }
}

/// Why no exporter could be built from [`ExportSettings`](super::ExportSettings).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SettingsError {
    /// This crate's exporter refused the settings.
    #[error(transparent)]
    Build(#[from] BuildError),
    /// opentelemetry-otlp's HTTP/JSON exporter refused them.
    #[cfg(feature = "http-json")]
    #[cfg_attr(docsrs, doc(cfg(feature = "http-json")))]
    #[error(transparent)]
    HttpJson(#[from] opentelemetry_otlp::ExporterBuildError),
    /// The signal is not exported, for the reason the warning gives (a strict build
    /// only; a lenient one returns `None` beside the warning).
    #[error("not exported: {0}")]
    NotExported(SettingsWarning),
}
