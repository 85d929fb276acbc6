//! The environment checks: `init()`'s warnings through the same table, and
//! `OTEL_CONFIG_FILE`.

use crate::doctor::run;

const ARGS: &[&str] = &["--skip-metadata", "--format", "json"];

#[test]
fn every_bad_value_init_warns_about_is_a_finding() {
    let env = [
        ("OTEL_SERVICE_NAME", "checkout"),
        ("OTEL_TRACES_SAMPLER", "sometimes"),
        ("OTEL_PROPAGATORS", "tracecontext,jaeger-ish"),
        ("OTEL_BSP_MAX_QUEUE_SIZE", "lots"),
        ("OTEL_KIT_SPAN_EVENTS", "maybe"),
        ("OTEL_KIT_EXPORT_THREAD_NICE", "loud"),
        ("OTEL_EXPORTER_OTLP_ENDPIONT", "http://collector:4318"),
        (
            "OTEL_EXPORTER_OTLP_HEADERS",
            "authorization=Bearer s3cr3t-token,x",
        ),
    ];
    let out = run(&std::env::temp_dir(), ARGS, &env);
    let found = out.of("environment");
    let all = serde_json::to_string(&found).unwrap_or_default();
    for variable in [
        "OTEL_TRACES_SAMPLER",
        "OTEL_PROPAGATORS",
        "OTEL_BSP_MAX_QUEUE_SIZE",
        "OTEL_KIT_SPAN_EVENTS",
        "OTEL_KIT_EXPORT_THREAD_NICE",
    ] {
        assert!(all.contains(variable), "{variable} missing: {all}");
    }
    assert!(
        all.contains("rename OTEL_EXPORTER_OTLP_ENDPIONT to OTEL_EXPORTER_OTLP_ENDPOINT"),
        "{all}"
    );
    assert!(
        !out.stdout.contains("s3cr3t"),
        "a credential was printed: {}",
        out.stdout
    );
    assert_eq!(out.code, Some(0), "warnings only");
}

#[test]
fn a_clean_environment_says_nothing_but_the_missing_service_name() {
    let out = run(&std::env::temp_dir(), ARGS, &[]);
    let found = out.findings();
    assert_eq!(found.len(), 1, "{}", out.stdout);
    assert_eq!(found[0]["severity"], "info");
    assert!(
        found[0]["finding"]
            .as_str()
            .unwrap_or_default()
            .contains("OTEL_SERVICE_NAME")
    );
}

#[test]
fn an_invalid_configuration_file_is_an_error_naming_the_place() {
    let dir = std::env::temp_dir().join(format!("otel-doctor-config-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("mkdir");
    let file = dir.join("otel.yaml");
    std::fs::write(
        &file,
        "file_format: \"1.0\"\ntracer_provider:\n  processors: 42\n",
    )
    .expect("write");
    let path = file.display().to_string();
    let out = run(
        &dir,
        ARGS,
        &[("OTEL_CONFIG_FILE", &path), ("OTEL_SERVICE_NAME", "x")],
    );
    let _ = std::fs::remove_dir_all(&dir);
    assert_eq!(out.code, Some(1), "{out:?}");
    let found = out.of("config-file");
    assert_eq!(found.len(), 1, "{}", out.stdout);
    assert_eq!(found[0]["severity"], "error");
    assert!(
        found[0]["finding"]
            .as_str()
            .unwrap_or_default()
            .contains("processors"),
        "{}",
        out.stdout
    );
}

#[test]
fn a_configuration_file_that_is_not_there_is_a_warning() {
    let out = run(
        &std::env::temp_dir(),
        ARGS,
        &[
            ("OTEL_CONFIG_FILE", "/nonexistent/otel.yaml"),
            ("OTEL_SERVICE_NAME", "x"),
        ],
    );
    let found = out.of("config-file");
    assert_eq!(found.len(), 1, "{}", out.stdout);
    assert_eq!(found[0]["severity"], "warning");
}

#[test]
fn the_human_report_has_the_finding_why_and_fix_of_each() {
    let out = run(
        &std::env::temp_dir(),
        &["--skip-metadata"],
        &[("OTEL_BSP_MAX_QUEUE_SIZE", "lots")],
    );
    assert!(
        out.stdout
            .contains("[WARNING] environment: OTEL_BSP_MAX_QUEUE_SIZE=\"lots\""),
        "{}",
        out.stdout
    );
    assert!(out.stdout.contains("   why: "), "{}", out.stdout);
    assert!(out.stdout.contains("   fix: "), "{}", out.stdout);
}
