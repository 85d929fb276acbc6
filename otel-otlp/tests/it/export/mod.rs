//! The exporters alone, on the SDK's own providers (no otel-kit-init in the path): every
//! span, log record and metric point arrives at the in-process collector exactly as
//! opentelemetry-proto's transform would have sent it, over gRPC and HTTP/protobuf,
//! directly and through a real collector (rotel, skipped without
//! `TEST_OTLP_COLLECTOR_BIN`); HTTP statuses are retried or not as opentelemetry-otlp
//! does; a setting that cannot be used is a typed error.

mod builder_errors;
mod deadlines;
mod header_secrets;
mod logs;
mod made_headers;
mod metrics;
mod partial_success;
mod retries;
mod settings;
mod spans;
mod zstd;

use std::time::Duration;

use otel_kit_otlp::Protocol;
use otel_kit_testing::{Rotel, TestCollector};

const WAIT: Duration = Duration::from_secs(10);

/// The endpoint of a collector at `base` for one signal: `base` for gRPC, `base` plus
/// the signal's path (`/v1/traces`, ...) for HTTP/protobuf.
fn endpoint(base: &str, protocol: Protocol, path: &str) -> String {
    match protocol {
        Protocol::Grpc => base.to_owned(),
        Protocol::HttpProtobuf | Protocol::HttpJson => format!("{base}{path}"),
    }
}

/// Runs `check(collector, base endpoint, protocol)` over gRPC and HTTP/protobuf, to a
/// fresh in-process collector each time; then through rotel relaying to one, unless
/// `TEST_OTLP_COLLECTOR_BIN` is unset (it says so).
async fn each_route(check: impl AsyncFn(&TestCollector, &str, Protocol)) {
    for protocol in [Protocol::Grpc, Protocol::HttpProtobuf] {
        let collector = TestCollector::start().await.expect("collector");
        check(&collector, &collector.endpoint(), protocol).await;
    }
    let Some(bin) = Rotel::binary_from_env() else {
        eprintln!("through rotel: skipped, TEST_OTLP_COLLECTOR_BIN is not set");
        return;
    };
    for protocol in [Protocol::Grpc, Protocol::HttpProtobuf] {
        let collector = TestCollector::start().await.expect("collector");
        let rotel = Rotel::start(&bin, &collector, Protocol::Grpc).expect("start rotel");
        check(&collector, &rotel.endpoint(protocol.as_str()), protocol).await;
    }
}

/// Runs `f` (a flush or a shutdown, which block) off the runtime's worker threads.
async fn blocking<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    tokio::task::spawn_blocking(f).await.expect("join")
}
