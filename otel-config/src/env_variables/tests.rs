use super::*;

fn vars(yaml: &str) -> EnvVariables {
    env_variables(&crate::parse_str(yaml, |_| None).expect("a valid file").model)
}

#[test]
fn headers_with_commas_and_equals_signs_stay_one_header_and_headers_beat_headers_list() {
    let v = vars(
        "file_format: \"1.0\"\nlogger_provider:\n  processors:\n    - simple:\n        exporter:\n          otlp_http:\n            headers_list: a=1,authorization=old\n            headers:\n              - name: authorization\n                value: \"Bearer x,y=z\"\n",
    );
    assert_eq!(
        v.get("OTEL_EXPORTER_OTLP_LOGS_HEADERS"),
        Some("a=1,authorization=Bearer%20x%2Cy%3Dz")
    );
    assert_eq!(
        v.get("OTEL_EXPORTER_OTLP_LOGS_ENDPOINT"),
        Some("http://localhost:4318/v1/logs")
    );
    assert_eq!(v.get("OTEL_LOGS_EXPORTER"), Some("otlp"));
    assert_eq!(v.notes.len(), 1, "the simple processor: {:?}", v.notes);
    assert_eq!(
        v.get("OTEL_BLRP_SCHEDULE_DELAY"),
        Some("10"),
        "a simple processor's queue exports at once"
    );
}

#[test]
fn a_zero_timeout_is_a_minute_not_for_good() {
    let v = vars(
        "file_format: \"1.0\"\ntracer_provider:\n  processors:\n    - batch:\n        export_timeout: 0\n        exporter:\n          otlp_grpc:\n            timeout: 0\n",
    );
    assert_eq!(v.get("OTEL_BSP_EXPORT_TIMEOUT"), Some("60000"));
    assert_eq!(v.get("OTEL_EXPORTER_OTLP_TRACES_TIMEOUT"), Some("60000"));
    assert_eq!(
        v.get("OTEL_TRACES_SAMPLER"),
        Some("parentbased_always_on"),
        "the schema's default sampler"
    );
}

#[test]
fn a_second_exporter_of_a_kind_is_noted_and_not_written() {
    let v = vars(
        "file_format: \"1.0\"\ntracer_provider:\n  processors:\n    - batch:\n        exporter:\n          otlp_http:\n            endpoint: http://a:4318/v1/traces\n    - batch:\n        exporter:\n          otlp_http:\n            endpoint: http://b:4318/v1/traces\n    - simple:\n        exporter:\n          console:\n",
    );
    assert_eq!(v.get("OTEL_TRACES_EXPORTER"), Some("otlp,console"));
    assert_eq!(
        v.get("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"),
        Some("http://a:4318/v1/traces")
    );
    assert!(
        v.notes
            .iter()
            .any(|n| n.path == "tracer_provider.processors[1].batch.exporter"),
        "{:?}",
        v.notes
    );
}

#[test]
fn samplers_no_variable_says_are_left_to_the_caller() {
    let v = vars(
        "file_format: \"1.0\"\ntracer_provider:\n  processors: []\n  sampler:\n    parent_based:\n      root:\n        always_on:\n      remote_parent_not_sampled:\n        always_on:\n",
    );
    assert_eq!(v.get("OTEL_TRACES_SAMPLER"), None);
    let v = vars(
        "file_format: \"1.0\"\ntracer_provider:\n  processors: []\n  sampler:\n    trace_id_ratio_based:\n      ratio: 0.25\n",
    );
    assert_eq!(v.get("OTEL_TRACES_SAMPLER"), Some("traceidratio"));
    assert_eq!(v.get("OTEL_TRACES_SAMPLER_ARG"), Some("0.25"));
}

#[test]
fn without_providers_nothing_is_exported_or_propagated() {
    let v = vars("file_format: \"1.1\"\n");
    for name in [
        "OTEL_TRACES_EXPORTER",
        "OTEL_METRICS_EXPORTER",
        "OTEL_LOGS_EXPORTER",
        "OTEL_PROPAGATORS",
    ] {
        assert_eq!(v.get(name), Some("none"), "{name}");
    }
}

#[test]
fn attributes_list_is_the_variable_and_attributes_are_left_to_the_caller() {
    let v = vars(
        "file_format: \"1.0\"\nresource:\n  schema_url: https://example.com/s\n  attributes_list: service.name=listed,team=a\n  attributes:\n    - name: service.name\n      value: named\n",
    );
    assert_eq!(
        v.get("OTEL_RESOURCE_ATTRIBUTES"),
        Some("service.name=listed,team=a")
    );
    assert_eq!(
        v.path_of("OTEL_RESOURCE_ATTRIBUTES"),
        Some("resource.attributes_list")
    );
    assert!(
        v.notes.iter().any(|n| n.path == "resource.schema_url"),
        "{:?}",
        v.notes
    );
}

#[test]
fn prometheus_options_the_kit_does_not_build_are_noted() {
    let v = vars(
        "file_format: \"1.0\"\nmeter_provider:\n  readers:\n    - pull:\n        exporter:\n          prometheus/development:\n            port: 9999\n            scope_info_enabled: false\n",
    );
    assert_eq!(v.get("OTEL_METRICS_EXPORTER"), Some("prometheus"));
    assert_eq!(v.get("OTEL_EXPORTER_PROMETHEUS_PORT"), Some("9999"));
    assert_eq!(v.notes.len(), 1, "{:?}", v.notes);
}

#[test]
fn per_kind_cardinality_limits_are_noted() {
    let v = vars(
        "file_format: \"1.0\"\nmeter_provider:\n  readers:\n    - periodic:\n        exporter:\n          console:\n        cardinality_limits:\n          default: 100\n          counter: 10\n",
    );
    assert_eq!(v.get("OTEL_METRICS_EXPORTER"), Some("console"));
    assert!(
        v.notes
            .iter()
            .any(|n| n.path == "meter_provider.readers[0].cardinality_limits"),
        "{:?}",
        v.notes
    );
    let v = vars(
        "file_format: \"1.0\"\nmeter_provider:\n  readers:\n    - periodic:\n        exporter:\n          console:\n        cardinality_limits:\n          default: 100\n",
    );
    assert!(v.notes.is_empty(), "{:?}", v.notes);
}
