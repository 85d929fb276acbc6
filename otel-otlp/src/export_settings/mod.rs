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

mod build;
mod checks;
mod configured;
#[cfg(feature = "http-json")]
mod http_json;
#[cfg(all(feature = "http-json", feature = "zstd"))]
mod json_zstd;
#[cfg(feature = "__proto")]
mod ours;
pub(crate) mod settings;
mod warning;

pub use configured::{
    ConfiguredExporter, ConfiguredSignalExporter, ConfiguredSpanExporter, SignalExporters, SpanSignal,
};
#[cfg(feature = "logs")]
pub use configured::{ConfiguredLogExporter, LogSignal};
#[cfg(feature = "metrics")]
pub use configured::{ConfiguredMetricExporter, MetricExportOptions, MetricSignal};
pub use settings::ExportSettings;
pub use warning::{Setting, SettingsError, SettingsWarning};
