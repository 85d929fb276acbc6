//! The kit's own section, `distribution.otel_kit`, reaches `init()` as its variables do
//! from the environment (which a file replaces).

use crate::support::own_process::ran_in_own_process;

const FILE: &str = r#"file_format: "1.1"
distribution:
  otel_kit:
    export_thread_nice: 19
tracer_provider:
  processors:
    - batch:
        exporter:
          otlp_http:
            endpoint: http://127.0.0.1:9/v1/traces
"#;

/// The nice value of each thread of this process, by name (`/proc/self/task/*/stat`,
/// field 19).
#[cfg(target_os = "linux")]
fn nice_values() -> Vec<(String, i32)> {
    let mut threads = Vec::new();
    for task in std::fs::read_dir("/proc/self/task").expect("/proc/self/task") {
        let Ok(stat) = std::fs::read_to_string(task.expect("a task").path().join("stat")) else {
            continue;
        };
        let (open, close) = (stat.find('(').expect("comm"), stat.rfind(')').expect("comm"));
        let nice = stat[close + 2..].split(' ').nth(16).and_then(|n| n.parse().ok());
        threads.push((stat[open + 1..close].to_owned(), nice.expect("field 19, nice")));
    }
    threads
}

// Alone: the nice value it sets is the whole process's telemetry threads'.
#[cfg(target_os = "linux")]
#[test]
fn the_files_export_thread_nice_reaches_telemetrys_threads_and_the_variable_does_not() {
    if ran_in_own_process(
        module_path!(),
        "the_files_export_thread_nice_reaches_telemetrys_threads_and_the_variable_does_not",
    ) {
        return;
    }
    let telemetry = otel_kit_init::builder()
        .without_globals()
        .without_tracing_subscriber()
        .service_name("nice")
        .environment_variables([("OTEL_KIT_EXPORT_THREAD_NICE", "3")])
        .config_yaml(FILE)
        .init()
        .expect("init");
    let warnings = telemetry.warnings().join("\n");
    let threads = nice_values();
    let span_worker = threads
        .iter()
        .find(|(name, _)| name == "otel-span-batch")
        .unwrap_or_else(|| panic!("no span worker among {threads:?}"));
    let main = threads.first().expect("the main thread").1;
    if warnings.contains("distribution.otel_kit.export_thread_nice=19: not applied") {
        // Built without `thread-priority`: the file's value reached the applier, which
        // names the file's key and why it cannot apply it.
        assert!(warnings.contains("`thread-priority` feature"), "{warnings}");
        assert_eq!(span_worker.1, main, "{threads:?}");
    } else {
        assert_eq!(
            span_worker.1, 19,
            "the file's value, not the variable's: {threads:?}\n{warnings}"
        );
    }
    assert!(!warnings.contains("OTEL_KIT_EXPORT_THREAD_NICE=3"), "{warnings}");
    telemetry.shutdown().expect("shutdown");
}

#[test]
fn an_export_thread_nice_over_19_is_an_error_naming_the_key() {
    let error = otel_kit_init::builder()
        .without_globals()
        .without_tracing_subscriber()
        .environment_variables(std::iter::empty::<(&str, &str)>())
        .config_yaml(FILE.replace("export_thread_nice: 19", "export_thread_nice: 20"))
        .init()
        .expect_err("a nice value over 19 is refused");
    let message = error.to_string();
    assert!(message.contains("export_thread_nice"), "{message}");
    assert!(message.contains("a nice value from 0 to 19"), "{message}");
}

/// The slow-query threshold reaches the instrumentations' switches from each source:
/// the variable, the file's `distribution.otel_kit.db_slow_query_threshold` (which
/// replaces the variable), and the builder (which wins over both); unset, none.
#[test]
fn the_slow_query_threshold_comes_from_the_variable_the_file_or_the_builder() {
    use std::time::Duration;

    let threshold = |builder: otel_kit_init::Builder| {
        let telemetry = builder
            .without_globals()
            .without_tracing_subscriber()
            .init()
            .expect("init");
        telemetry
            .effective_config()
            .instrumentation
            .db_slow_query_threshold
    };
    let env = [
        ("OTEL_TRACES_EXPORTER", "none"),
        ("OTEL_KIT_DB_SLOW_QUERY_THRESHOLD", "120"),
    ];
    let file = "file_format: \"1.1\"\ndistribution:\n  otel_kit:\n    db_slow_query_threshold: 750\n";
    let none = [("OTEL_TRACES_EXPORTER", "none")];
    assert_eq!(
        threshold(otel_kit_init::builder().environment_variables(none)),
        None
    );
    assert_eq!(
        threshold(otel_kit_init::builder().environment_variables(env)),
        Some(Duration::from_millis(120))
    );
    assert_eq!(
        threshold(
            otel_kit_init::builder()
                .environment_variables(env)
                .config_yaml(file)
        ),
        Some(Duration::from_millis(750))
    );
    assert_eq!(
        threshold(
            otel_kit_init::builder()
                .environment_variables(env)
                .config_yaml(file)
                .db_slow_query_threshold(Duration::from_secs(2))
        ),
        Some(Duration::from_secs(2))
    );
    assert_eq!(
        threshold(
            otel_kit_init::builder()
                .environment_variables(env)
                .db_slow_query_threshold(Duration::ZERO)
        ),
        None,
        "zero in code turns it off"
    );
}
