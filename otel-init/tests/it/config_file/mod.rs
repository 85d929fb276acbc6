//! The OpenTelemetry configuration file through `init()`: what the collector sees is
//! what the file names; the file takes the environment's place (and beats code where
//! the environment does); an invalid file is a typed error with its line; a zero
//! timeout never stalls a signal.

mod documented;
mod kit_section;
mod precedence;
mod views;
mod zero_timeout;

use std::time::Duration;

use opentelemetry::trace::{Tracer as _, TracerProvider as _};
use otel_kit_init::InitError;
use otel_kit_init::config::{ConfigSource, ExporterKind};
use otel_kit_init::sampling::Sampling;
use otel_kit_semconv::resource::SERVICE_NAME;
use otel_kit_testing::{AttributeValue, TestCollector};

const WAIT: Duration = Duration::from_secs(10);

/// A file naming a resource (a typed attribute too), a sampler and an OTLP/HTTP exporter
/// at `endpoint` (the collector's traces URL).
fn yaml(endpoint: &str, sampler: &str) -> String {
    format!(
        r#"file_format: "1.0"
resource:
  attributes:
    - name: service.name
      value: checkout
    - name: shard
      value: 7
      type: int
  attributes_list: team=payments
tracer_provider:
  sampler:
    {sampler}
  processors:
    - batch:
        schedule_delay: 50
        exporter:
          otlp_http:
            endpoint: {endpoint}
propagator:
  composite: [tracecontext: , baggage: ]
"#
    )
}

fn builder() -> otel_kit_init::Builder {
    otel_kit_init::builder()
        .without_globals()
        .without_tracing_subscriber()
        .environment_variables::<&str, &str>([])
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_collector_sees_the_resource_sampler_and_exporter_the_file_names() {
    let collector = TestCollector::start().await.expect("collector");
    let telemetry = builder()
        .config_yaml(yaml(&collector.traces_url(), "always_on:"))
        .init()
        .expect("init");
    let effective = telemetry.effective_config();
    assert_eq!(effective.source, ConfigSource::Yaml);
    assert_eq!(effective.sampling, Sampling::always_on());
    assert_eq!(effective.export.traces_exporters, [ExporterKind::Otlp]);
    assert!(effective.export.metrics_exporters.is_empty() && effective.export.logs_exporters.is_empty());
    assert_eq!(effective.export.bsp.schedule_delay, Duration::from_millis(50));
    assert!(effective.to_string().ends_with(" config=yaml"), "{effective}");
    telemetry
        .tracer_provider()
        .tracer("t")
        .in_span("from-the-file", |_| {});
    let spans = collector.wait_for_spans(1, WAIT).await;
    let resource = &spans.as_slice()[0].resource;
    assert_eq!(
        resource.attribute(SERVICE_NAME),
        Some(&AttributeValue::String("checkout".into()))
    );
    assert_eq!(
        resource.attribute("shard"),
        Some(&AttributeValue::Int(7)),
        "typed as the file says"
    );
    assert_eq!(
        resource.attribute("team"),
        Some(&AttributeValue::String("payments".into()))
    );
    telemetry.shutdown().expect("shutdown");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sampler_from_the_file_decides() {
    let collector = TestCollector::start().await.expect("collector");
    let parent_based = "parent_based:\n      root:\n        trace_id_ratio_based:\n          ratio: 0.0";
    let telemetry = builder()
        .config_yaml(yaml(&collector.traces_url(), parent_based))
        .init()
        .expect("init");
    assert_eq!(telemetry.effective_config().sampling, Sampling::ratio(0.0));
    telemetry.tracer_provider().tracer("t").in_span("dropped", |_| {});
    telemetry.force_flush().expect("flush");
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert!(collector.spans().is_empty(), "ratio 0 samples nothing");
    telemetry.shutdown().expect("shutdown");
}

#[test]
fn an_invalid_file_fails_init_with_its_path_and_line() {
    let yaml = "file_format: \"1.0\"\ntracer_provider:\n  processors:\n    - batch:\n        schedule_delay: soon\n        exporter:\n          console:\n";
    let error = builder().config_yaml(yaml).init().expect_err("an invalid file");
    let InitError::ConfigFile(error) = error else {
        panic!("not a ConfigFile error: {error}");
    };
    assert_eq!(error.line(), 5);
    assert!(error.path().contains("schedule_delay"), "{error}");
}

#[test]
fn otel_config_file_naming_no_file_is_one_warning_and_the_environment_applies() {
    let telemetry = otel_kit_init::builder()
        .without_globals()
        .without_tracing_subscriber()
        .environment_variables([
            ("OTEL_CONFIG_FILE", "/nonexistent/otel.yaml"),
            ("OTEL_SERVICE_NAME", "from-env"),
        ])
        .init()
        .expect("a bad environment value never fails init()");
    let said: Vec<&String> = telemetry
        .warnings()
        .iter()
        .filter(|w| w.starts_with("OTEL_CONFIG_FILE="))
        .collect();
    assert_eq!(said.len(), 1, "{:?}", telemetry.warnings());
    assert!(
        said[0].contains("\"/nonexistent/otel.yaml\" names no readable file"),
        "{}",
        said[0]
    );
    let effective = telemetry.effective_config();
    assert_eq!(effective.source, ConfigSource::Environment);
    assert_eq!(effective.service_name, "from-env");
}

#[test]
fn a_missing_file_named_in_code_fails_init() {
    let error = builder()
        .config_file("/nonexistent/otel.yaml")
        .init()
        .expect_err("a missing file");
    let InitError::ConfigFile(error) = error else {
        panic!("not a ConfigFile error: {error}");
    };
    assert_eq!(error.path(), "/nonexistent/otel.yaml");
}

#[test]
fn an_invalid_file_named_by_otel_config_file_fails_init() {
    let path = std::env::temp_dir().join(format!("otel-kit-invalid-{}.yaml", std::process::id()));
    std::fs::write(&path, "file_format: \"1.0\"\ndisabled: maybe\n").expect("write the file");
    let error = otel_kit_init::builder()
        .without_globals()
        .without_tracing_subscriber()
        .environment_variables([("OTEL_CONFIG_FILE", path.to_str().expect("a UTF-8 path"))])
        .init()
        .expect_err("the file is code");
    let _ = std::fs::remove_file(&path);
    let InitError::ConfigFile(error) = error else {
        panic!("not a ConfigFile error: {error}");
    };
    assert_eq!((error.path(), error.line()), ("disabled", 2), "{error}");
}

#[test]
fn an_unknown_key_and_an_unbuildable_component_are_warned_about_once_each() {
    let yaml = "file_format: \"1.0\"\ntracer_provider:\n  procesors: []\n  processors:\n    - batch:\n        exporter:\n          zipkin:\n            endpoint: http://localhost:9411\n";
    let telemetry = builder().config_yaml(yaml).init().expect("init");
    let warnings = telemetry.warnings();
    assert_eq!(
        warnings.iter().filter(|w| w.contains("procesors")).count(),
        1,
        "{warnings:?}"
    );
    assert_eq!(
        warnings.iter().filter(|w| w.contains("zipkin")).count(),
        1,
        "{warnings:?}"
    );
    assert!(telemetry.effective_config().export.traces_exporters.is_empty());
}

#[test]
fn a_file_from_otel_config_file_is_the_source() {
    let path = std::env::temp_dir().join(format!("otel-kit-config-{}.yaml", std::process::id()));
    std::fs::write(&path, "file_format: \"1.0\"\ndisabled: true\n").expect("write the file");
    let telemetry = otel_kit_init::builder()
        .without_globals()
        .without_tracing_subscriber()
        .environment_variables([("OTEL_CONFIG_FILE", path.to_str().expect("a UTF-8 path"))])
        .init()
        .expect("init");
    let _ = std::fs::remove_file(&path);
    let effective = telemetry.effective_config();
    assert_eq!(effective.source, ConfigSource::File(path.clone()));
    assert!(effective.sdk_disabled);
    assert!(
        effective
            .to_string()
            .ends_with(&format!(" config=file:{}", path.display()))
    );
}

/// Every sampler a file can name becomes the kit's sampler that says the same, with no
/// warning: Jaeger remote with its endpoint, interval and initial sampler, the five
/// delegates, and `probability/development` as consistent probability sampling.
#[test]
fn every_sampler_of_the_file_is_built_as_it_says() {
    let cases = [
        (
            "jaeger_remote/development:\n      endpoint: http://127.0.0.1:9/sampling\n      interval: 2500\n      initial_sampler:\n        trace_id_ratio_based:\n          ratio: 0.25\n",
            "jaeger_remote(endpoint=http://127.0.0.1:9/sampling, pollingIntervalMs=2500, initial=traceidratio(0.25))",
        ),
        (
            "parent_based:\n      root:\n        jaeger_remote/development:\n          endpoint: http://127.0.0.1:9/sampling\n          initial_sampler:\n            always_off:\n",
            "parentbased_jaeger_remote(endpoint=http://127.0.0.1:9/sampling, pollingIntervalMs=60000, initial=always_off)",
        ),
        (
            "parent_based:\n      root:\n        trace_id_ratio_based:\n          ratio: 0.5\n      remote_parent_not_sampled:\n        always_on:\n",
            "parentbased(root=traceidratio(0.5), remote_parent_not_sampled=always_on)",
        ),
        (
            "probability/development:\n      ratio: 0.125\n",
            "traceidratio(0.125)",
        ),
        (
            "parent_based:\n      root:\n        probability/development:\n          ratio: 0.1\n",
            "parentbased_traceidratio(0.1)",
        ),
    ];
    for (sampler, expected) in cases {
        let yaml =
            format!("file_format: \"1.0\"\ntracer_provider:\n  processors: []\n  sampler:\n    {sampler}");
        let telemetry = builder().config_yaml(&yaml).init().expect("init");
        assert_eq!(
            telemetry.effective_config().sampling.to_string(),
            expected,
            "{yaml}"
        );
        assert!(
            !telemetry.warnings().iter().any(|w| w.contains("sampler")),
            "{:?}",
            telemetry.warnings()
        );
    }
}

/// A zero polling interval would poll without pause: the default stays, with a warning.
/// An interval of 1 ms would open a connection every millisecond: the file's interval
/// is raised to the 1 s floor, with one warning naming the key.
#[test]
fn a_jaeger_polling_interval_under_a_second_is_raised_to_it_with_a_warning() {
    let yaml = "file_format: \"1.0\"\ntracer_provider:\n  processors: []\n  sampler:\n    jaeger_remote/development:\n      endpoint: http://127.0.0.1:9/sampling\n      interval: 1\n      initial_sampler:\n        always_off:\n";
    let telemetry = builder().config_yaml(yaml).init().expect("init");
    let sampling = telemetry.effective_config().sampling.to_string();
    assert!(sampling.contains("pollingIntervalMs=1000"), "{sampling}");
    let said: Vec<_> = telemetry
        .warnings()
        .iter()
        .filter(|w| w.contains("jaeger_remote/development.interval"))
        .collect();
    assert_eq!(said.len(), 1, "{:?}", telemetry.warnings());
    assert!(said[0].contains("under the 1000 ms floor"), "{said:?}");
}

#[test]
fn a_zero_jaeger_polling_interval_keeps_the_default_with_a_warning() {
    let yaml = "file_format: \"1.0\"\ntracer_provider:\n  processors: []\n  sampler:\n    jaeger_remote/development:\n      endpoint: http://127.0.0.1:9/sampling\n      interval: 0\n      initial_sampler:\n        always_off:\n";
    let telemetry = builder().config_yaml(yaml).init().expect("init");
    assert!(
        telemetry
            .effective_config()
            .sampling
            .to_string()
            .contains("pollingIntervalMs=60000"),
        "{}",
        telemetry.effective_config().sampling
    );
    let said = telemetry
        .warnings()
        .iter()
        .filter(|w| w.contains("jaeger_remote/development.interval"))
        .count();
    assert_eq!(said, 1, "{:?}", telemetry.warnings());
}

/// Every propagator `OTEL_PROPAGATORS` accepts is accepted in a file's `composite` and
/// `composite_list` too: `ottrace` builds OT Trace's propagator, with no warning, and it
/// injects its headers.
#[test]
fn a_files_composite_and_composite_list_build_ottrace_without_a_warning() {
    use opentelemetry::propagation::TextMapPropagator as _;
    use opentelemetry::trace::{SpanContext, SpanId, TraceContextExt as _, TraceFlags, TraceId, TraceState};
    use otel_kit_propagators::PropagatorName;

    for propagator in [
        "  composite: [ { tracecontext: }, { ottrace: } ]\n",
        "  composite_list: tracecontext,ottrace\n",
    ] {
        let yaml = format!(
            "file_format: \"1.0\"\nresource:\n  attributes:\n    - name: service.name\n      value: checkout\npropagator:\n{propagator}"
        );
        let telemetry = builder().config_yaml(&yaml).init().expect("a valid file");
        assert!(
            telemetry.warnings().is_empty(),
            "{propagator}: {:?}",
            telemetry.warnings()
        );
        assert_eq!(
            telemetry.propagators().names(),
            [PropagatorName::TraceContext, PropagatorName::OtTrace],
            "{propagator}"
        );
        let cx = opentelemetry::Context::new().with_remote_span_context(SpanContext::new(
            TraceId::from(0x4bf9_2f35_77b3_4da6_a3ce_929d_0e0e_4736),
            SpanId::from(0x00f0_67aa_0ba9_02b7),
            TraceFlags::SAMPLED,
            true,
            TraceState::default(),
        ));
        let mut headers = std::collections::HashMap::new();
        telemetry.propagators().inject_context(&cx, &mut headers);
        assert!(headers.contains_key("traceparent"), "{propagator}: {headers:?}");
        assert_eq!(
            headers.get("ot-tracer-spanid").map(String::as_str),
            Some("00f067aa0ba902b7"),
            "{propagator}: {headers:?}"
        );
    }
}
