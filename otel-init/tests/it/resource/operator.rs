//! The OpenTelemetry Operator's `inject-sdk` annotation: the variables it injects draw no
//! warning, and the resource carries what they say.

use opentelemetry::{Key, Value};
use otel_kit_semconv::resource::{
    K8S_CONTAINER_NAME, K8S_DEPLOYMENT_NAME, K8S_NAMESPACE_NAME, K8S_NODE_NAME, K8S_POD_NAME, K8S_POD_UID,
    SERVICE_NAME,
};

/// What the Operator injects into a container (its `instrumentation-sdk` end-to-end test
/// and its SDK injector), after the kubelet expanded the `$(...)` references.
fn operator_variables(resource_attributes: &str) -> Vec<(&'static str, String)> {
    vec![
        ("OTEL_SERVICE_NAME", "checkout".to_owned()),
        ("OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:9".to_owned()),
        ("OTEL_NODE_IP", "10.0.0.7".to_owned()),
        ("OTEL_POD_IP", "10.1.2.3".to_owned()),
        (
            "OTEL_RESOURCE_ATTRIBUTES_POD_NAME",
            "checkout-7d9f-abcde".to_owned(),
        ),
        (
            "OTEL_RESOURCE_ATTRIBUTES_POD_UID",
            "8de6929d-dda0-436c-bca1-604e9ca7ea4e".to_owned(),
        ),
        ("OTEL_RESOURCE_ATTRIBUTES_NODE_NAME", "node-3".to_owned()),
        ("OTEL_PROPAGATORS", "tracecontext,baggage".to_owned()),
        ("OTEL_TRACES_SAMPLER", "parentbased_traceidratio".to_owned()),
        ("OTEL_TRACES_SAMPLER_ARG", "0.25".to_owned()),
        ("OTEL_TRACES_EXPORTER", "none".to_owned()),
        ("OTEL_METRICS_EXPORTER", "none".to_owned()),
        ("OTEL_LOGS_EXPORTER", "none".to_owned()),
        ("OTEL_RESOURCE_ATTRIBUTES", resource_attributes.to_owned()),
    ]
}

fn get(telemetry: &otel_kit_init::Telemetry, key: &'static str) -> Option<Value> {
    telemetry.resource().get(&Key::from_static_str(key))
}

#[test]
fn operator_injection_draws_no_warning_and_gives_the_kubernetes_resource() {
    let expanded = "k8s.container.name=app,k8s.deployment.name=checkout,k8s.namespace.name=shop,\
                    k8s.node.name=node-3,k8s.pod.name=checkout-7d9f-abcde,\
                    k8s.pod.uid=8de6929d-dda0-436c-bca1-604e9ca7ea4e";
    let telemetry = otel_kit_init::builder()
        .without_globals()
        .without_tracing_subscriber()
        .without_runtime_metrics()
        .environment_variables(operator_variables(expanded))
        .init()
        .expect("init");
    assert!(telemetry.warnings().is_empty(), "{:?}", telemetry.warnings());
    assert_eq!(get(&telemetry, SERVICE_NAME), Some(Value::from("checkout")));
    assert_eq!(get(&telemetry, K8S_CONTAINER_NAME), Some(Value::from("app")));
    assert_eq!(
        get(&telemetry, K8S_DEPLOYMENT_NAME),
        Some(Value::from("checkout"))
    );
    assert_eq!(get(&telemetry, K8S_NAMESPACE_NAME), Some(Value::from("shop")));
    assert_eq!(get(&telemetry, K8S_NODE_NAME), Some(Value::from("node-3")));
    assert_eq!(
        get(&telemetry, K8S_POD_NAME),
        Some(Value::from("checkout-7d9f-abcde"))
    );
    assert_eq!(
        get(&telemetry, K8S_POD_UID),
        Some(Value::from("8de6929d-dda0-436c-bca1-604e9ca7ea4e"))
    );
}

/// The kubelet expands `$(NAME)` only for variables listed before the one referring to
/// them; otherwise the reference stays literal. It never becomes an attribute: the
/// Operator's variables fill the attribute in.
#[test]
fn unexpanded_operator_references_fall_back_to_the_operator_variables() {
    let unexpanded = "k8s.namespace.name=shop,k8s.node.name=$(OTEL_RESOURCE_ATTRIBUTES_NODE_NAME),\
                      k8s.pod.name=$(OTEL_RESOURCE_ATTRIBUTES_POD_NAME),k8s.replicaset.name=$(NOT_SET)";
    let telemetry = otel_kit_init::builder()
        .without_globals()
        .without_tracing_subscriber()
        .without_runtime_metrics()
        .environment_variables(operator_variables(unexpanded))
        .init()
        .expect("init");
    assert_eq!(get(&telemetry, K8S_NODE_NAME), Some(Value::from("node-3")));
    assert_eq!(
        get(&telemetry, K8S_POD_NAME),
        Some(Value::from("checkout-7d9f-abcde"))
    );
    assert_eq!(get(&telemetry, "k8s.replicaset.name"), None);
    let warnings = telemetry.warnings().join("\n");
    assert!(
        warnings.contains("k8s.replicaset.name") && warnings.contains("NOT_SET"),
        "{warnings}"
    );
    assert_eq!(telemetry.warnings().len(), 1, "{warnings}");
    for attribute in telemetry.resource().iter() {
        assert!(!attribute.1.as_str().contains("$("), "{attribute:?}");
    }
}
