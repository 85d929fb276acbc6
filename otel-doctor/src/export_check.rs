//! `--export`: one real export of a test span, metric point and log record to the
//! endpoint the environment configures, through the kit's own exporters built from the
//! same settings as `init()`'s, each within a deadline. What happened is told by
//! [`diagnosis`](crate::export_diagnosis).

use std::sync::Arc;
use std::time::Duration;

use opentelemetry_sdk::Resource;
use opentelemetry_sdk::error::OTelSdkResult;
use opentelemetry_sdk::logs::{LogBatch, LogExporter as _};
use opentelemetry_sdk::metrics::Temporality;
use opentelemetry_sdk::metrics::exporter::PushMetricExporter as _;
use opentelemetry_sdk::trace::SpanExporter as _;
use otel_kit_init::Signal;
use otel_kit_init::config::{Config, ConfigSource, ExporterKind};
use otel_kit_otlp::exemplar::{ExemplarFilter, Reservoirs};
use otel_kit_otlp::{
    ConfiguredLogExporter, ConfiguredMetricExporter, ConfiguredSpanExporter, ExportRuntime, ExportSettings,
    MetricExportOptions, SettingsError,
};
use tokio::time::error::Elapsed;

use crate::export_diagnosis::{Attempt, Outcome, diagnose};
use crate::exporter_warnings::ExporterWarnings;
use crate::finding::{Finding, Severity};
use crate::test_telemetry;

/// The longest the doctor waits beyond an export's own timeout before it gives up on it.
const GRACE: Duration = Duration::from_secs(2);

/// Exports one item of each signal the environment sends over OTLP; `timeout` caps each
/// export's own (`OTEL_EXPORTER_OTLP_TIMEOUT`).
pub(crate) fn run(timeout: Duration) -> Vec<Finding> {
    let caught = ExporterWarnings::install();
    // What init() would run with: a configuration file's exporters when one is named.
    let (config, from_file) = match otel_kit_init::builder().resolved_config() {
        Ok((config, source)) => (config, Some(source != ConfigSource::Environment)),
        Err(_) => (Config::from_env().0, None),
    };
    if config.sdk_disabled {
        return vec![Finding::new(
            Severity::Warning,
            "export",
            "OTEL_SDK_DISABLED=true: the service exports nothing",
            "init() installs providers that record and export nothing",
            "unset OTEL_SDK_DISABLED (or set it to false)",
        )];
    }
    let runtime = match ExportRuntime::start() {
        Ok(runtime) => runtime,
        Err(e) => {
            return vec![Finding::new(
                Severity::Error,
                "export",
                format!("the export thread did not start: {e}"),
                "no export can be tried",
                "run the doctor where it may start a thread",
            )];
        }
    };
    let block_on = match tokio::runtime::Builder::new_current_thread().enable_all().build() {
        Ok(rt) => rt,
        Err(e) => {
            return vec![Finding::new(
                Severity::Error,
                "export",
                format!("no runtime: {e}"),
                "no export can be tried",
                "-",
            )];
        }
    };
    let service = config
        .service_name
        .clone()
        .unwrap_or_else(|| "cargo-otel-doctor".to_owned());
    let resource = Resource::builder().with_service_name(service).build();
    let mut findings = Vec::new();
    match from_file {
        Some(true) => findings.push(Finding::new(
            Severity::Info,
            "export",
            "the test export used the configuration file's exporters (OTEL_CONFIG_FILE), as init() does",
            "the file replaces the OTEL_EXPORTER_OTLP_* variables",
            "-",
        )),
        // The file's own finding says what is wrong with it.
        None => findings.push(Finding::new(
            Severity::Warning,
            "export",
            "OTEL_CONFIG_FILE could not be read: the test export used the OTEL_EXPORTER_OTLP_* variables, not the file's exporters",
            "init() fails on this file; the doctor tried the environment's endpoint instead",
            "fix the file (its finding above says where), then run the doctor again",
        )),
        Some(false) => {}
    }
    for signal in Signal::ALL {
        if !config.exporters(signal).contains(&ExporterKind::Otlp) {
            findings.push(Finding::new(
                Severity::Info,
                "export",
                format!(
                    "{} are not exported over OTLP (OTEL_{}_EXPORTER)",
                    signal.as_str(),
                    signal.env_name()
                ),
                "nothing to try for this signal",
                format!("set OTEL_{}_EXPORTER=otlp to export them", signal.env_name()),
            ));
            continue;
        }
        let mut settings = config.export.otlp.signal(signal).settings.clone();
        settings.timeout = settings.timeout.min(timeout);
        caught.clear();
        let outcome = block_on.block_on(export_one(signal, &settings, &runtime, &resource));
        let attempt = Attempt {
            signal,
            settings: &settings,
            outcome,
            logged: caught.take(),
        };
        findings.extend(diagnose(&attempt));
    }
    findings
}

/// Builds the signal's exporter and sends its test item.
async fn export_one(
    signal: Signal,
    settings: &ExportSettings,
    runtime: &ExportRuntime,
    resource: &Resource,
) -> Outcome {
    let mut warnings = Vec::new();
    let deadline = settings.timeout + GRACE;
    let built = match signal {
        Signal::Traces => {
            let built = settings.build_lenient::<ConfiguredSpanExporter>(&(), Some(runtime), &mut warnings);
            let send = async |exporter: &mut ConfiguredSpanExporter| {
                exporter.set_resource(resource);
                exporter.export(test_telemetry::span(resource)).await
            };
            send_test_item(built, deadline, send, |e| e.shutdown_with_timeout(GRACE)).await
        }
        Signal::Metrics => {
            let options = MetricExportOptions {
                temporality: Temporality::Cumulative,
                exemplars: Arc::new(Reservoirs::new(ExemplarFilter::default())),
            };
            let built =
                settings.build_lenient::<ConfiguredMetricExporter>(&options, Some(runtime), &mut warnings);
            let send = async |exporter: &mut ConfiguredMetricExporter| {
                let metrics = test_telemetry::metrics(resource);
                exporter.export(&metrics).await
            };
            send_test_item(built, deadline, send, |e| e.shutdown_with_timeout(GRACE)).await
        }
        Signal::Logs => {
            let built = settings.build_lenient::<ConfiguredLogExporter>(&(), Some(runtime), &mut warnings);
            let send = async |exporter: &mut ConfiguredLogExporter| {
                exporter.set_resource(resource);
                let records = test_telemetry::log_records(resource);
                let refs: Vec<_> = records.iter().map(|(r, s)| (r, s)).collect();
                exporter.export(LogBatch::new(&refs)).await
            };
            send_test_item(built, deadline, send, |e| e.shutdown_with_timeout(GRACE)).await
        }
    };
    match built {
        Err(e) => Outcome::NotBuilt(e.to_string(), warnings),
        Ok(None) => Outcome::NotBuilt("the exporter was not built".to_owned(), warnings),
        Ok(Some(Err(_))) => Outcome::NoAnswer(deadline, warnings),
        Ok(Some(Ok(Ok(())))) => Outcome::Accepted(warnings),
        Ok(Some(Ok(Err(e)))) => Outcome::Failed(e.to_string(), warnings),
    }
}

/// Sends the test item through the exporter `built` holds, with `send`, within
/// `deadline`, then shuts the exporter down. `Ok(None)` when there was no exporter (a
/// warning says why); `Err(Elapsed)` inside when the deadline passed first.
async fn send_test_item<E>(
    built: Result<Option<E>, SettingsError>,
    deadline: Duration,
    send: impl AsyncFnOnce(&mut E) -> OTelSdkResult,
    shutdown: impl FnOnce(&E) -> OTelSdkResult,
) -> Result<Option<Result<OTelSdkResult, Elapsed>>, SettingsError> {
    let Some(mut exporter) = built? else {
        return Ok(None);
    };
    let sent = tokio::time::timeout(deadline, send(&mut exporter)).await;
    let _ = shutdown(&exporter);
    Ok(Some(sent))
}
