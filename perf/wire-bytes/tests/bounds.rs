//! The measurement can fail: an HTTP server span and a log record exported through the
//! real pipeline to the receiver, uncompressed, gzip and zstd, must come out within
//! bounds around what docs/performance.md reports, and compressed smaller than raw.

use std::path::Path;

use wire_bytes::figures::{DEFAULT_BATCH, full_batches};
use wire_bytes::receiver::{Receiver, Signal};
use wire_bytes::run::{COMPRESSIONS, in_child};
use wire_bytes::scenario::Scenario;

#[tokio::test(flavor = "current_thread")]
async fn server_span_and_log_record_bytes_are_within_bounds() {
    let exe = Path::new(env!("CARGO_BIN_EXE_wire-bytes"));
    let receiver = Receiver::start().await.expect("receiver");
    // Two batches: the first log batch also holds the start-up line and is left out.
    let n = 2 * DEFAULT_BATCH + 64;
    let mut spans = Vec::new();
    let mut records = Vec::new();
    for compression in COMPRESSIONS {
        let exports = in_child(exe, &receiver, Scenario::HttpServer, n, compression)
            .await
            .expect("child");
        let expected = (compression != "none").then_some(compression);
        assert!(
            exports.iter().all(|e| e.encoding.as_deref() == expected),
            "{compression}: the bodies' Content-Encoding"
        );
        let span = full_batches(&exports, Signal::Traces, DEFAULT_BATCH).expect("a full batch of spans");
        assert_eq!(
            span.kinds.iter().collect::<Vec<_>>(),
            ["otel-kit-http SPAN_KIND_SERVER"]
        );
        let log = full_batches(&exports, Signal::Logs, DEFAULT_BATCH).expect("a full batch of log records");
        spans.push(span.wire_per_item());
        records.push(log.wire_per_item());
    }
    let (raw_span, raw_record) = (spans[0], records[0]);
    // Measured: 378 bytes raw, 52 gzip, 49 zstd per span; 85, 35, 33 per record.
    assert!(
        (250.0..=600.0).contains(&raw_span),
        "raw bytes per server span: {raw_span}"
    );
    assert!(
        (50.0..=150.0).contains(&raw_record),
        "raw bytes per log record: {raw_record}"
    );
    for (i, compression) in COMPRESSIONS.iter().enumerate().skip(1) {
        assert!(
            spans[i] < raw_span / 3.0,
            "{compression} bytes per span: {} (raw {raw_span})",
            spans[i]
        );
        assert!(
            records[i] < raw_record,
            "{compression} bytes per record: {} (raw {raw_record})",
            records[i]
        );
    }
}
