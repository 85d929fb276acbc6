//! Exporters built from typed settings: [`ExportSettings`] (one signal's protocol,
//! endpoint, headers, compression, timeout, TLS files, credential checks and proxy)
//! gives a [`ConfiguredSpanExporter`], [`ConfiguredLogExporter`] or
//! [`ConfiguredMetricExporter`], of whichever protocol the settings name.
//!
//! - `settings.rs`: [`ExportSettings`].
//! - `warning.rs`: [`Setting`], [`SettingsWarning`], [`SettingsError`].
//! - `configured.rs`: the exporters ([`ConfiguredSignalExporter`]) and [`ConfiguredExporter`].
//! - `build.rs`: [`ExportSettings::build`] and [`ExportSettings::build_lenient`].
//! - `checks.rs`: what every protocol checks first (runtime, TLS, compression).
//! - `ours.rs`: gRPC and HTTP/protobuf, this crate's [`ExporterBuilder`](crate::ExporterBuilder).
//! - `http_json.rs` (`http-json`): HTTP/JSON, opentelemetry-otlp's builders.
//! - `json_zstd.rs` (`http-json` and `zstd`): zstd for those, by the client.

#[cfg(any(feature = "__proto", feature = "http-json"))]
mod build;
#[cfg(any(feature = "__proto", feature = "http-json"))]
mod checks;
#[cfg(any(feature = "__proto", feature = "http-json"))]
mod configured;
#[cfg(feature = "http-json")]
mod http_json;
#[cfg(all(feature = "http-json", feature = "zstd"))]
mod json_zstd;
#[cfg(feature = "__proto")]
mod ours;
// Without a transport too: it is what otel-kit-init's configuration holds.
pub(crate) mod settings;
#[cfg(any(feature = "__proto", feature = "http-json"))]
mod warning;

#[cfg(any(feature = "__proto", feature = "http-json"))]
pub use configured::{
    ConfiguredExporter, ConfiguredSignalExporter, ConfiguredSpanExporter, SignalExporters, SpanSignal,
};
#[cfg(all(feature = "logs", any(feature = "__proto", feature = "http-json")))]
pub use configured::{ConfiguredLogExporter, LogSignal};
#[cfg(all(feature = "metrics", any(feature = "__proto", feature = "http-json")))]
pub use configured::{ConfiguredMetricExporter, MetricExportOptions, MetricSignal};
pub use settings::{ExportSettings, MIN_CREDENTIALS_CHECK_INTERVAL};
#[cfg(any(feature = "__proto", feature = "http-json"))]
pub use warning::{Setting, SettingsError, SettingsWarning};
