//! `OTEL_EXPORTER_OTLP_TRACES_COMPRESSION=zstd`: with otel-kit-otlp's `zstd` feature every
//! request goes compressed with zstd; without it, one warning naming the variable and
//! the feature, and the spans go uncompressed. Which of the two this build is depends on
//! cargo's feature unification (otel-kit-otlp's own tests turn `zstd` on, and a
//! workspace run shares them), so each test accepts either, but never a mix: a
//! warning with zstd requests, or no warning and uncompressed ones.

use otel_kit_testing::TestCollector;

use super::{SPANS, WAIT, emit, init};

async fn zstd_is_sent_or_warned_about(protocol: &str) {
    let collector = TestCollector::start().await.expect("collector");
    let (telemetry, _memory) = init(
        &collector.endpoint(),
        protocol,
        &[("OTEL_EXPORTER_OTLP_TRACES_COMPRESSION", "zstd")],
    );
    let warned: Vec<&String> = telemetry
        .warnings()
        .iter()
        .filter(|w| w.contains("COMPRESSION"))
        .collect();
    emit(&telemetry);
    let requests = collector.wait_for_requests(1, WAIT).await;
    let encodings: Vec<Option<&str>> = requests.iter().map(|r| r.compression()).collect();
    match warned.as_slice() {
        [] => assert!(
            encodings.iter().all(|e| *e == Some("zstd")),
            "{protocol}: no warning, so zstd is built in and used: {encodings:?}"
        ),
        [warning] => {
            for part in [
                "OTEL_EXPORTER_OTLP_TRACES_COMPRESSION",
                "\"zstd\"",
                "otel-kit-init's `zstd` cargo feature",
                "sending uncompressed",
            ] {
                assert!(warning.contains(part), "{protocol}: {part:?} in {warning}");
            }
            assert!(
                encodings.iter().all(Option::is_none),
                "{protocol}: warned, so uncompressed: {encodings:?}"
            );
            collector.wait_for_spans(SPANS, WAIT).await.assert_count(SPANS);
        }
        more => panic!("{protocol}: one warning at most: {more:?}"),
    }
    super::shut_down(telemetry).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn grpc_zstd_is_sent_or_warned_about() {
    zstd_is_sent_or_warned_about("grpc").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn http_protobuf_zstd_is_sent_or_warned_about() {
    zstd_is_sent_or_warned_about("http/protobuf").await;
}
