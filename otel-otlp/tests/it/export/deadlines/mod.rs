//! Every export ends within its timeout, whatever the peer does: one that accepts and
//! says nothing (before TLS, through a proxy that never answers `CONNECT`), one that
//! answers slowly and then fails (retries included), one that worked and then vanished
//! without a reset; and once the fault is lifted the next export goes through.

mod http2_pings;
mod relay;
mod retry_deadline;
mod silent_peers;
mod vanished_relay;

use std::sync::mpsc;
use std::time::{Duration, Instant};

use opentelemetry_sdk::error::OTelSdkResult;
use opentelemetry_sdk::trace::SpanExporter as _;
use otel_kit_otlp::SpanExporter;

/// The export timeout of these tests.
const TIMEOUT: Duration = Duration::from_secs(1);
/// How much longer than its timeout an export may take here: the exporter's own margin
/// is the export runtime's timer (milliseconds); this one is for a loaded test machine.
const MARGIN: Duration = Duration::from_secs(3);

/// Exports an empty batch (a request is still sent) with `exporter` on a thread of its
/// own, as the SDK's batch workers do; how long it took and what it returned, or `None`
/// when it has not returned within `limit` (the thread is then left behind).
fn timed_export(
    exporter: &std::sync::Arc<SpanExporter>,
    limit: Duration,
) -> Option<(Duration, OTelSdkResult)> {
    let (tx, rx) = mpsc::channel();
    let exporter = std::sync::Arc::clone(exporter);
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("runtime");
        let started = Instant::now();
        let result = runtime.block_on(exporter.export(Vec::new()));
        let _ = tx.send((started.elapsed(), result));
    });
    rx.recv_timeout(limit).ok()
}

/// A fresh self-signed certificate for 127.0.0.1 (PEM) and its key.
fn certificate() -> (String, String) {
    let certified = rcgen::generate_simple_self_signed(vec!["127.0.0.1".to_owned()]).expect("certificate");
    (certified.cert.pem(), certified.signing_key.serialize_pem())
}
