//! With no metric reader (`OTEL_METRICS_EXPORTER=none` and none added) the meters are
//! no-ops: the SDK's reader-less pipeline makes no instrument and logs an error for each
//! observable one an instrumentation makes (a pool's connection counts, say).

use std::sync::{Arc, Mutex};

use opentelemetry::metrics::MeterProvider as _;
use opentelemetry_sdk::metrics::{InMemoryMetricExporter, PeriodicReader};
use otel_kit_init::Telemetry;
use tracing_subscriber::layer::{Context, SubscriberExt as _};

use crate::support::env;

/// The ERROR events the SDK logs (through `tracing`: its `internal-logs`).
#[derive(Clone, Default)]
struct Errors(Arc<Mutex<Vec<String>>>);

impl<S: tracing::Subscriber> tracing_subscriber::Layer<S> for Errors {
    fn on_event(&self, event: &tracing::Event<'_>, _: Context<'_, S>) {
        let metadata = event.metadata();
        if *metadata.level() == tracing::Level::ERROR {
            let line = format!("{} {}", metadata.target(), metadata.name());
            self.0.lock().expect("errors").push(line);
        }
    }
}

fn init(builder: otel_kit_init::Builder) -> Telemetry {
    builder
        .without_globals()
        .without_tracing_subscriber()
        .environment(env(&[
            ("OTEL_TRACES_EXPORTER", "none"),
            ("OTEL_METRICS_EXPORTER", "none"),
            ("OTEL_LOGS_EXPORTER", "none"),
        ]))
        .init()
        .expect("init")
}

/// Makes what a database pool's instrumentation makes, on `telemetry`'s meters, and
/// returns the SDK's errors meanwhile.
fn instruments_made(telemetry: &Telemetry) -> Vec<String> {
    let errors = Errors::default();
    let subscriber = tracing_subscriber::registry().with(errors.clone());
    tracing::subscriber::with_default(subscriber, || {
        let meter = telemetry.meter_provider().meter("otel-kit-db");
        let _gauge = meter
            .i64_observable_up_down_counter("db.client.connection.count")
            .with_callback(|observer| observer.observe(1, &[]))
            .build();
        meter
            .f64_histogram("db.client.operation.duration")
            .build()
            .record(0.1, &[]);
    });
    errors.0.lock().expect("errors").clone()
}

#[test]
fn no_reader_gives_no_op_meters_and_no_sdk_error() {
    let telemetry = init(otel_kit_init::builder());
    let errors = instruments_made(&telemetry);
    assert!(errors.is_empty(), "the SDK logged errors: {errors:?}");
}

#[test]
fn a_reader_the_application_adds_is_read() {
    let exporter = InMemoryMetricExporter::default();
    let telemetry =
        init(otel_kit_init::builder().with_metric_reader(PeriodicReader::builder(exporter.clone()).build()));
    let errors = instruments_made(&telemetry);
    assert!(errors.is_empty(), "the SDK logged errors: {errors:?}");
    telemetry.meter_provider().force_flush().expect("flush");
    let names: Vec<String> = exporter
        .get_finished_metrics()
        .expect("metrics")
        .iter()
        .flat_map(|rm| {
            rm.scope_metrics()
                .flat_map(|sm| sm.metrics().map(|m| m.name().to_owned()))
        })
        .collect();
    assert!(
        names.iter().any(|n| n == "db.client.connection.count")
            && names.iter().any(|n| n == "db.client.operation.duration"),
        "{names:?}"
    );
}
