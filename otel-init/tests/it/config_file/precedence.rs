//! With a file, the `OTEL_*` and `OTEL_KIT_*` variables are ignored but through
//! substitution, and the file beats code where the environment does.

use otel_kit_init::config::ExporterKind;
use otel_kit_init::sampling::Sampling;

const FILE: &str = r#"file_format: "1.0"
resource:
  attributes:
    - name: service.name
      value: ${SERVICE:-unnamed}
tracer_provider:
  sampler:
    always_on:
  processors:
    - simple:
        exporter:
          console:
"#;

fn init(env: &[(&'static str, &'static str)]) -> otel_kit_init::Telemetry {
    otel_kit_init::builder()
        .without_globals()
        .without_tracing_subscriber()
        .service_name("in-code")
        .environment_variables(env.iter().copied())
        .config_yaml(FILE)
        .init()
        .expect("init")
}

#[test]
fn the_files_service_name_beats_code() {
    let telemetry = init(&[]);
    assert_eq!(
        telemetry.effective_config().service_name,
        "unnamed",
        "the substitution's default"
    );
}

#[test]
fn substitution_reads_the_environment() {
    let telemetry = init(&[("SERVICE", "checkout")]);
    assert_eq!(telemetry.effective_config().service_name, "checkout");
}

#[test]
fn otel_variables_are_ignored_with_one_warning_naming_them() {
    let telemetry = init(&[
        ("OTEL_SERVICE_NAME", "from-env"),
        ("OTEL_TRACES_SAMPLER", "always_off"),
        ("OTEL_TRACES_EXPORTER", "otlp"),
        ("OTEL_KIT_REDACT", "none"),
    ]);
    let effective = telemetry.effective_config();
    assert_eq!(effective.service_name, "unnamed");
    assert_eq!(
        effective.sampling,
        Sampling::always_on(),
        "the file's sampler, not OTEL_TRACES_SAMPLER's"
    );
    assert_eq!(effective.export.traces_exporters, [ExporterKind::Console]);
    assert_ne!(effective.redaction.to_string(), "none");
    let ignored: Vec<&String> = telemetry
        .warnings()
        .iter()
        .filter(|w| w.contains("ignored"))
        .collect();
    assert_eq!(ignored.len(), 1, "{:?}", telemetry.warnings());
    for variable in [
        "OTEL_KIT_REDACT",
        "OTEL_SERVICE_NAME",
        "OTEL_TRACES_EXPORTER",
        "OTEL_TRACES_SAMPLER",
    ] {
        assert!(ignored[0].contains(variable), "{}", ignored[0]);
    }
}

#[test]
fn a_variable_the_file_substitutes_is_not_called_ignored() {
    let file = FILE.replace("${SERVICE:-unnamed}", "${OTEL_SERVICE_NAME}");
    let telemetry = otel_kit_init::builder()
        .without_globals()
        .without_tracing_subscriber()
        .environment_variables([("OTEL_SERVICE_NAME", "from-env")])
        .config_yaml(file)
        .init()
        .expect("init");
    assert_eq!(
        telemetry.effective_config().service_name,
        "from-env",
        "through substitution"
    );
    assert!(
        !telemetry.warnings().iter().any(|w| w.contains("ignored")),
        "{:?}",
        telemetry.warnings()
    );
}

#[test]
fn the_simple_processor_is_warned_about_and_its_queue_exports_at_once() {
    let telemetry = init(&[]);
    assert_eq!(
        telemetry.effective_config().export.bsp.schedule_delay,
        std::time::Duration::from_millis(10)
    );
    assert!(
        telemetry
            .warnings()
            .iter()
            .any(|w| w.contains("processors[0].simple")),
        "{:?}",
        telemetry.warnings()
    );
}

#[test]
fn a_bad_attributes_list_never_costs_the_files_attributes() {
    let file = FILE.replace("resource:\n", "resource:\n  attributes_list: no-equals-sign\n");
    let telemetry = otel_kit_init::builder()
        .without_globals()
        .without_tracing_subscriber()
        .environment_variables([("SERVICE", "checkout")])
        .config_yaml(file)
        .init()
        .expect("init");
    assert_eq!(telemetry.effective_config().service_name, "checkout");
    let said: Vec<&String> = telemetry
        .warnings()
        .iter()
        .filter(|w| w.starts_with("resource.attributes_list="))
        .collect();
    assert_eq!(said.len(), 1, "{:?}", telemetry.warnings());
}

#[test]
fn variables_that_are_not_otel_ones_still_apply() {
    let telemetry = otel_kit_init::builder()
        .without_globals()
        .without_tracing_subscriber()
        .environment_variables([("HTTPS_PROXY", "http://proxy.internal:3128")])
        .config_yaml(FILE)
        .init()
        .expect("init");
    let proxy = telemetry
        .effective_config()
        .export
        .otlp
        .logs
        .settings
        .proxy
        .as_ref()
        .map(ToString::to_string);
    assert!(
        proxy.is_some_and(|p| p.contains("proxy.internal:3128")),
        "{:?}",
        telemetry.effective_config().export.otlp.logs.settings.proxy
    );
}
