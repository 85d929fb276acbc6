//! Hostile and malformed exports get the status the OTLP spec prescribes, are recorded
//! as rejected, and never stop the collector from serving the next request.

use std::time::Duration;

use flate2::Compression;
use flate2::write::GzEncoder;
use opentelemetry_proto::tonic::collector::metrics::v1::ExportMetricsServiceRequest;
use opentelemetry_proto::tonic::collector::trace::v1::ExportTraceServiceRequest;
use opentelemetry_proto::tonic::common::v1::{AnyValue, KeyValue, any_value};
use opentelemetry_proto::tonic::metrics::v1::{
    Exemplar, Histogram, HistogramDataPoint, Metric, ResourceMetrics, ScopeMetrics, exemplar, metric,
};
use opentelemetry_proto::tonic::trace::v1::{ResourceSpans, ScopeSpans, Span};
use otel_kit_testing::{Outcome, TestCollector};
use prost::Message as _;
use std::io::Write as _;
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};

const LIMIT: usize = 64 * 1024;

async fn collector() -> TestCollector {
    TestCollector::builder()
        .max_body_size(LIMIT)
        .start()
        .await
        .expect("collector")
}

fn one_span_request() -> Vec<u8> {
    ExportTraceServiceRequest {
        resource_spans: vec![ResourceSpans {
            scope_spans: vec![ScopeSpans {
                spans: vec![Span {
                    trace_id: vec![7; 16],
                    span_id: vec![8; 8],
                    name: "ok".into(),
                    ..Default::default()
                }],
                ..Default::default()
            }],
            ..Default::default()
        }],
    }
    .encode_to_vec()
}

async fn post(
    collector: &TestCollector,
    content_type: &str,
    encoding: Option<&str>,
    body: Vec<u8>,
) -> reqwest::Response {
    let mut req = reqwest::Client::new()
        .post(collector.traces_url())
        .header("content-type", content_type)
        .body(body);
    if let Some(e) = encoding {
        req = req.header("content-encoding", e);
    }
    req.send().await.expect("send")
}

async fn assert_still_serving(collector: &TestCollector) {
    let before = collector.spans().len();
    let ok = post(collector, "application/x-protobuf", None, one_span_request()).await;
    assert_eq!(ok.status(), 200);
    assert_eq!(collector.spans().len(), before + 1);
}

fn gzip(data: &[u8]) -> Vec<u8> {
    let mut enc = GzEncoder::new(Vec::new(), Compression::default());
    enc.write_all(data).expect("gzip");
    enc.finish().expect("gzip")
}

/// What is sent (description, content type, content encoding, body) and the status expected.
type BadCase = (&'static str, &'static str, Option<&'static str>, Vec<u8>, u16);

#[tokio::test]
async fn http_bad_input_statuses() {
    let c = collector().await;
    let cases: Vec<BadCase> = vec![
        (
            "malformed protobuf",
            "application/x-protobuf",
            None,
            vec![0xff; 32],
            400,
        ),
        (
            "malformed JSON",
            "application/json",
            None,
            b"{\"resourceSpans\": [".to_vec(),
            400,
        ),
        (
            "JSON of the wrong shape",
            "application/json",
            None,
            b"{\"resourceSpans\": 5}".to_vec(),
            400,
        ),
        ("wrong content type", "text/plain", None, b"hello".to_vec(), 415),
        (
            "unsupported encoding",
            "application/x-protobuf",
            Some("br"),
            one_span_request(),
            415,
        ),
        (
            "corrupt gzip",
            "application/x-protobuf",
            Some("gzip"),
            b"not gzip at all".to_vec(),
            400,
        ),
        (
            "oversized body",
            "application/x-protobuf",
            None,
            vec![0; LIMIT + 1],
            413,
        ),
        (
            "gzip bomb",
            "application/x-protobuf",
            Some("gzip"),
            gzip(&vec![0; 16 * LIMIT]),
            413,
        ),
    ];
    for (what, content_type, encoding, body, status) in cases {
        let response = post(&c, content_type, encoding, body).await;
        assert_eq!(response.status().as_u16(), status, "{what}");
        if status == 400 {
            // The body is a google.rpc.Status in the request's encoding.
            assert_eq!(response.headers()["content-type"], content_type, "{what}");
        }
    }
    let requests = c.requests();
    assert_eq!(requests.len(), 8);
    assert!(
        requests.iter().all(|r| matches!(r.outcome, Outcome::Rejected(_))),
        "{requests:?}"
    );
    assert!(c.spans().is_empty());
    // gzip that decompresses within the limit is fine.
    let ok = post(
        &c,
        "application/x-protobuf",
        Some("gzip"),
        gzip(&one_span_request()),
    )
    .await;
    assert_eq!(ok.status(), 200);
    assert_still_serving(&c).await;

    let get = reqwest::get(c.traces_url()).await.expect("get");
    assert_eq!(get.status(), 405);
}

#[tokio::test]
async fn chunked_body_without_length_is_cut_at_the_limit() {
    let c = collector().await;
    let mut stream = tokio::net::TcpStream::connect(c.addr()).await.expect("connect");
    let head = "POST /v1/traces HTTP/1.1\r\nhost: x\r\ncontent-type: application/x-protobuf\r\ntransfer-encoding: chunked\r\n\r\n";
    stream.write_all(head.as_bytes()).await.expect("write");
    let chunk = vec![0u8; 16 * 1024];
    // Send more than the limit in chunks; the server answers 413 without reading it all.
    for _ in 0..(LIMIT / chunk.len() + 2) {
        let frame = format!("{:x}\r\n", chunk.len());
        if stream.write_all(frame.as_bytes()).await.is_err()
            || stream.write_all(&chunk).await.is_err()
            || stream.write_all(b"\r\n").await.is_err()
        {
            break;
        }
    }
    let _ = stream.write_all(b"0\r\n\r\n").await;
    let mut response = vec![0; 64];
    let n = tokio::time::timeout(Duration::from_secs(5), stream.read(&mut response))
        .await
        .expect("answer in time")
        .expect("read");
    let text = String::from_utf8_lossy(&response[..n]);
    assert!(text.starts_with("HTTP/1.1 413"), "{text}");
    assert_still_serving(&c).await;
}

/// A raw OTLP/gRPC call: one length-prefixed message, no compression.
async fn grpc_call(c: &TestCollector, message: &[u8]) -> reqwest::Response {
    let mut frame = vec![0u8];
    frame.extend_from_slice(&u32::try_from(message.len()).expect("len").to_be_bytes());
    frame.extend_from_slice(message);
    reqwest::Client::builder()
        .http2_prior_knowledge()
        .build()
        .expect("client")
        .post(format!(
            "{}/opentelemetry.proto.collector.trace.v1.TraceService/Export",
            c.endpoint()
        ))
        .header("content-type", "application/grpc")
        .header("te", "trailers")
        .body(frame)
        .send()
        .await
        .expect("send")
}

#[tokio::test]
async fn grpc_malformed_message_is_invalid_argument_and_oversized_is_out_of_range() {
    let c = collector().await;
    let malformed = grpc_call(&c, &[0xff; 32]).await;
    assert_eq!(malformed.status(), 200);
    assert_eq!(malformed.headers()["grpc-status"], "3", "INVALID_ARGUMENT");

    let oversized = grpc_call(&c, &vec![0; LIMIT + 1]).await;
    assert_eq!(oversized.headers()["grpc-status"], "11", "OUT_OF_RANGE");

    let ok = grpc_call(&c, &one_span_request()).await;
    assert_eq!(ok.status(), 200);
    let outcomes: Vec<bool> = c
        .requests()
        .iter()
        .map(|r| r.outcome == Outcome::Accepted)
        .collect();
    assert_eq!(outcomes, vec![false, false, true]);
    assert_eq!(c.spans().len(), 1);
}

#[tokio::test]
async fn exemplars_from_a_sender_link_points_to_spans() {
    let c = collector().await;
    assert_eq!(
        post(&c, "application/x-protobuf", None, one_span_request())
            .await
            .status(),
        200
    );
    let metrics = ExportMetricsServiceRequest {
        resource_metrics: vec![ResourceMetrics {
            scope_metrics: vec![ScopeMetrics {
                metrics: vec![Metric {
                    name: "latency".into(),
                    unit: "s".into(),
                    data: Some(metric::Data::Histogram(Histogram {
                        data_points: vec![HistogramDataPoint {
                            attributes: vec![KeyValue {
                                key: "route".into(),
                                value: Some(AnyValue {
                                    value: Some(any_value::Value::StringValue("/a".into())),
                                }),
                                ..Default::default()
                            }],
                            count: 1,
                            sum: Some(0.2),
                            explicit_bounds: vec![0.1, 1.0],
                            bucket_counts: vec![0, 1, 0],
                            exemplars: vec![Exemplar {
                                trace_id: vec![7; 16],
                                span_id: vec![8; 8],
                                value: Some(exemplar::Value::AsDouble(0.2)),
                                ..Default::default()
                            }],
                            ..Default::default()
                        }],
                        aggregation_temporality: 2,
                    })),
                    ..Default::default()
                }],
                ..Default::default()
            }],
            ..Default::default()
        }],
    };
    let response = reqwest::Client::new()
        .post(c.metrics_url())
        .header("content-type", "application/x-protobuf")
        .body(metrics.encode_to_vec())
        .send()
        .await
        .expect("send");
    assert_eq!(response.status(), 200);
    let spans = c.spans();
    c.metrics()
        .metric("latency")
        .histogram_point(&[("route", "/a".into())])
        .has_bucket_counts(&[0, 1, 0])
        .has_exemplar_in(&spans.span("ok"));
}
