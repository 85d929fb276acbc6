//! Retries stay within the export timeout: a collector that answers `UNAVAILABLE` (503)
//! late in the timeout, and would answer the retry later still, costs one export the
//! timeout, not a second timeout for the retry.

use std::sync::Arc;
use std::time::Duration;

use otel_kit_otlp::{Protocol, SpanExporter};
use otel_kit_testing::{ExportFailure, TestCollector};

use super::{TIMEOUT, timed_export};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_retry_gets_only_the_time_left_of_the_timeout() {
    // Answers come 1.5 s after the request: the first, UNAVAILABLE, within the 2 s
    // timeout; the retry, sent about 100 ms later, would end 1.1 s past it.
    let timeout = 2 * TIMEOUT;
    let limit = timeout + Duration::from_millis(800);
    for protocol in [Protocol::Grpc, Protocol::HttpProtobuf] {
        let collector = TestCollector::start().await.expect("collector");
        collector.set_response_delay(Duration::from_millis(1500));
        collector.fail_next(1, ExportFailure::unavailable());
        let endpoint = match protocol {
            Protocol::Grpc => collector.endpoint(),
            Protocol::HttpProtobuf | Protocol::HttpJson => collector.traces_url(),
        };
        let exporter = Arc::new(
            SpanExporter::builder()
                .with_protocol(protocol)
                .with_endpoint(endpoint)
                .with_timeout(timeout)
                .build()
                .expect("exporter"),
        );
        let run = tokio::task::spawn_blocking(move || timed_export(&exporter, Duration::from_secs(10)))
            .await
            .expect("join");
        let (took, result) = run.expect("the export returned");
        eprintln!("{}: {result:?} after {took:?}", protocol.as_str());
        assert!(
            took < limit,
            "{}: {took:?} for a {timeout:?} timeout",
            protocol.as_str()
        );
        assert!(result.is_err(), "{}: the retry was cut off", protocol.as_str());
        assert_eq!(
            collector.requests().len(),
            1,
            "{}: only the first attempt was answered in time",
            protocol.as_str()
        );
    }
}
