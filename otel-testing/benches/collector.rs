//! The in-process collector's receive rate over OTLP/gRPC, batches of 512 spans.
//!
//! Baseline, measured in the same run: a bare tonic server that decodes each request
//! with the stock prost codec and throws it away. Both are called by the same tonic
//! client over loopback with the same pre-encoded request.
#![allow(missing_docs)]

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use opentelemetry_proto::tonic::collector::trace::v1::trace_service_client::TraceServiceClient;
use opentelemetry_proto::tonic::collector::trace::v1::{
    ExportTraceServiceRequest, ExportTraceServiceResponse,
};
use opentelemetry_proto::tonic::common::v1::{AnyValue, KeyValue, any_value};
use opentelemetry_proto::tonic::resource::v1::Resource;
use opentelemetry_proto::tonic::trace::v1::{ResourceSpans, ScopeSpans, Span};
use otel_kit_testing::TestCollector;

const BATCH: usize = 512;

fn attr(key: &str, value: any_value::Value) -> KeyValue {
    KeyValue {
        key: key.to_owned(),
        value: Some(AnyValue { value: Some(value) }),
        ..Default::default()
    }
}

fn request() -> ExportTraceServiceRequest {
    let spans = (0..BATCH)
        .map(|i| Span {
            trace_id: vec![1; 16],
            span_id: (i as u64 + 1).to_be_bytes().to_vec(),
            parent_span_id: vec![9; 8],
            name: "GET /users/{id}".to_owned(),
            kind: 2,
            start_time_unix_nano: 1_000_000_000,
            end_time_unix_nano: 1_000_500_000,
            attributes: vec![
                attr("http.request.method", any_value::Value::StringValue("GET".into())),
                attr("http.route", any_value::Value::StringValue("/users/{id}".into())),
                attr("http.response.status_code", any_value::Value::IntValue(200)),
                attr("url.path", any_value::Value::StringValue(format!("/users/{i}"))),
                attr("url.scheme", any_value::Value::StringValue("http".into())),
                attr(
                    "server.address",
                    any_value::Value::StringValue("localhost".into()),
                ),
                attr("server.port", any_value::Value::IntValue(3000)),
                attr(
                    "network.protocol.version",
                    any_value::Value::StringValue("1.1".into()),
                ),
            ],
            ..Default::default()
        })
        .collect();
    ExportTraceServiceRequest {
        resource_spans: vec![ResourceSpans {
            resource: Some(Resource {
                attributes: vec![attr(
                    "service.name",
                    any_value::Value::StringValue("bench".into()),
                )],
                ..Default::default()
            }),
            scope_spans: vec![ScopeSpans {
                spans,
                ..Default::default()
            }],
            ..Default::default()
        }],
    }
}

/// A tonic server for the trace Export method that decodes and discards.
async fn start_discarding_server() -> SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("addr");
    let svc = tower::service_fn(|req: http::Request<axum::body::Body>| async move {
        let codec =
            tonic_prost::ProstCodec::<ExportTraceServiceResponse, ExportTraceServiceRequest>::default();
        let mut grpc = tonic::server::Grpc::new(codec);
        let handler = tower::service_fn(|r: tonic::Request<ExportTraceServiceRequest>| async move {
            drop(r.into_inner());
            Ok::<_, tonic::Status>(tonic::Response::new(ExportTraceServiceResponse::default()))
        });
        Ok::<_, std::convert::Infallible>(grpc.unary(handler, req).await.map(axum::body::Body::new))
    });
    let app =
        axum::Router::new().route_service("/opentelemetry.proto.collector.trace.v1.TraceService/Export", svc);
    // The same transport setting as the collector, so only the handlers differ.
    let listener = axum::serve::ListenerExt::tap_io(listener, |tcp| {
        let _ = tcp.set_nodelay(true);
    });
    tokio::spawn(async move { axum::serve(listener, app).await.expect("serve") });
    addr
}

fn bench(c: &mut Criterion) {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    let request = request();
    let (collector, baseline) = rt.block_on(async {
        (
            TestCollector::start().await.expect("collector"),
            start_discarding_server().await,
        )
    });
    let collector_url = collector.endpoint();
    let baseline_url = format!("http://{baseline}");

    let mut g = c.benchmark_group("grpc_receive_512_spans");
    g.throughput(Throughput::Elements(BATCH as u64));
    g.measurement_time(Duration::from_secs(8));
    for (name, url) in [
        ("baseline_tonic_decode_discard", &baseline_url),
        ("test_collector", &collector_url),
    ] {
        let client = rt.block_on(async { TraceServiceClient::connect(url.clone()).await.expect("connect") });
        g.bench_function(name, |b| {
            b.to_async(&rt).iter_custom(|iters| {
                let mut client = client.clone();
                let request = request.clone();
                // Keep the collector's memory bounded between samples (not timed).
                collector.reset();
                async move {
                    let start = Instant::now();
                    for _ in 0..iters {
                        client.export(request.clone()).await.expect("export");
                    }
                    start.elapsed()
                }
            });
        });
    }
    g.finish();
    drop(collector);
}

criterion_group!(benches, bench);
criterion_main!(benches);
