//! The quickstart started with only `OTEL_CONFIG_FILE` set (every other `OTEL_*`
//! variable removed): the shipped `otel-config.yaml`, its endpoints pointed at a real
//! collector (rotel, `TEST_OTLP_COLLECTOR_BIN`), which relays to the in-process one.
//! What arrives carries the file's resource, sampler and exporters, not the code's
//! `service_name("quickstart")`.

use otel_kit::testing::{Protocol, Rotel};

use super::{Quickstart, SERVICE, TestCollector, WAIT};

/// The shipped file's `service.name`.
const FILE_SERVICE: &str = "quickstart-from-file";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn otel_config_file_alone_configures_the_quickstart_against_a_real_collector() {
    let Some(bin) = Rotel::binary_from_env() else {
        return;
    };
    let collector = TestCollector::start().await.expect("collector");
    let rotel = Rotel::start(&bin, &collector, Protocol::Grpc).expect("start rotel");
    let shipped = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/otel-config.yaml"))
        .expect("the shipped otel-config.yaml");
    assert!(
        shipped.contains("http://localhost:4318/"),
        "the shipped file's endpoints moved"
    );
    let file = std::env::temp_dir().join(format!("quickstart-otel-config-{}.yaml", std::process::id()));
    let pointed = shipped.replace("http://localhost:4318", &rotel.http_endpoint());
    std::fs::write(&file, pointed).expect("write the file");

    let service = Quickstart::start(&[("OTEL_CONFIG_FILE", file.to_str().expect("a UTF-8 path"))]).await;
    assert_eq!(service.get("/hello/ada").await.0, 200);
    let (status, stdout) = service.terminate().await;
    let _ = std::fs::remove_file(&file);
    assert!(status.success(), "exit status {status}; stdout:\n{stdout}");
    // The start-up line names the file as the source, and the file's sampler.
    assert!(
        stdout.contains(&format!(" service.name={FILE_SERVICE} ")),
        "{stdout}"
    );
    assert!(
        stdout.contains(" sampler=parentbased_traceidratio(1) "),
        "{stdout}"
    );
    assert!(
        stdout.contains(" traces=otlp metrics=otlp logs=otlp "),
        "{stdout}"
    );
    assert!(
        stdout.contains(&format!(" config=file:{}", file.display())),
        "{stdout}"
    );

    let spans = collector.wait_for_spans(4, WAIT).await;
    assert_eq!(spans.len(), 4, "rotel's log:\n{}", rotel.log());
    let hello = spans.span("GET /hello/{name}");
    hello
        .has_resource_attribute("service.name", FILE_SERVICE)
        .has_resource_attribute("service.namespace", "examples")
        .has_resource_attribute("deployment.environment.name", "development");
    assert_ne!(FILE_SERVICE, SERVICE, "the file beats the code's service_name");
    collector
        .wait_for_logs(1, WAIT)
        .await
        .record("composing a greeting for ada")
        .has_resource_attribute("service.name", FILE_SERVICE);
    // The greetings counter, through the file's periodic reader (flushed at shutdown).
    collector
        .wait_for_metric("greetings", WAIT)
        .await
        .metric("greetings")
        .is_counter()
        .has_point_count(1);
}
