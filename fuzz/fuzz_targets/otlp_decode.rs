//! otel-kit-testing's OTLP/HTTP decoding (`otel_kit_testing::decode_http_export`: the steps the
//! `TestCollector` runs on every OTLP/HTTP body): gzip, protobuf or JSON, then the span,
//! metric and log model its assertions read, then the text renderings a failing
//! assertion prints (span tree, metric and log listings).
//!
//! Input: one byte choosing the signal (`% 3`: traces, metrics, logs), the encoding
//! (bit 2: JSON, else protobuf) and gzip (bit 3), then the body. Decoded spans are
//! rendered twice: as they came, and with their ids folded into a space of four ids in
//! one trace, so that duplicate ids and parent cycles (which an SDK never sends but a
//! hand-made payload can) are common rather than a 64-bit coincidence.
//!
//! Invariants: nothing panics, overflows the stack or hangs, whatever the body holds
//! (ids of any length, cycles and duplicates among parent span ids, huge counts);
//! decompression stops at the limit (`MAX` here) instead of allocating; decoding the
//! same body twice gives the same model.
#![no_main]

use libfuzzer_sys::fuzz_target;
use otel_kit_testing::{DecodedExport, Protocol, Signal, SpanRecord, Spans, decode_http_export};

/// Small, so a gzip bomb is cut off cheaply; the collector's default is 4 MiB.
const MAX: usize = 256 * 1024;

fuzz_target!(|data: &[u8]| {
    let Some((&selector, body)) = data.split_first() else {
        return;
    };
    let signal = [Signal::Traces, Signal::Metrics, Signal::Logs][usize::from(selector % 3)];
    let protocol = if selector & 4 != 0 {
        Protocol::HttpJson
    } else {
        Protocol::HttpProtobuf
    };
    let gzip = selector & 8 != 0;
    let Ok(decoded) = decode_http_export(signal, protocol, gzip, body, MAX) else {
        return;
    };
    let again = decode_http_export(signal, protocol, gzip, body, MAX).expect("decodes twice");
    assert_eq!(format!("{decoded:?}"), format!("{again:?}"), "not deterministic");
    match decoded {
        DecodedExport::Spans(spans) => {
            let _ = spans.tree();
            let _ = spans.to_string();
            let _ = spans.trace_ids();
            for span in spans.iter() {
                let _ = span.duration();
            }
            let fold = |id: &str| format!("{:016x}", id.bytes().last().unwrap_or(0) % 4);
            let folded: Vec<SpanRecord> = spans
                .into_vec()
                .into_iter()
                .map(|mut span| {
                    span.trace_id = "4bf92f3577b34da6a3ce929d0e0e4736".to_owned();
                    span.span_id = fold(&span.span_id);
                    span.parent_span_id = span.parent_span_id.as_deref().map(fold);
                    span
                })
                .collect();
            let _ = Spans::new(folded).tree();
        }
        DecodedExport::Metrics(metrics) => {
            let _ = metrics.listing();
            let _ = metrics.names();
        }
        DecodedExport::Logs(logs) => {
            let _ = logs.listing();
        }
    }
});
