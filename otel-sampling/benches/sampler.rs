//! One sampling decision, against the SDK's sampler in the same run. `sdk_*` is the
//! SDK's `parent_based` over `TraceIdRatioBased(0.5)`; `ours_*` is
//! `Sampling::ratio(0.5).into_sampler()`, which reads its ratio from an atomic (so that
//! `SamplerControl` can change it), decides by consistent probability and writes
//! `ot=th:8` into the trace state of the roots it samples; `ours_legacy_*` is the same
//! with `RatioArithmetic::Legacy` (the SDK's arithmetic, no trace state written). `root`
//! is a new trace, `child` a span whose remote parent was sampled, `root_span` a whole
//! root span started and ended with that sampler and no processor.
//!
//! `xray_hostile_rules` is one X-Ray root-span decision against the rules a hostile API
//! can write.
//!
//! Run with `cargo bench -p otel-kit-sampling --bench sampler`.
#![allow(missing_docs)]

use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use opentelemetry::Context;
use opentelemetry::KeyValue;
use opentelemetry::trace::{
    Span as _, SpanContext, SpanId, SpanKind, TraceContextExt as _, TraceFlags, TraceId, TraceState,
    Tracer as _, TracerProvider as _,
};
use opentelemetry_sdk::trace::{Sampler, SamplingDecision, SdkTracerProvider, ShouldSample};
use otel_kit_sampling::{RatioArithmetic, Sampling, XrayRemote};

fn decide(sampler: &dyn ShouldSample, parent: Option<&Context>, trace_id: TraceId) {
    black_box(sampler.should_sample(parent, trace_id, "GET /orders/{id}", &SpanKind::Server, &[], &[]));
}

fn sampler(c: &mut Criterion) {
    let sdk: Box<dyn ShouldSample> = Box::new(Sampler::parent_based(Sampler::TraceIdRatioBased(0.5)));
    let ours = Sampling::ratio(0.5).into_sampler();
    let ours_legacy = Sampling::ratio(0.5)
        .with_arithmetic(RatioArithmetic::Legacy)
        .into_sampler();
    let parent = Context::new().with_remote_span_context(SpanContext::new(
        TraceId::from(0x4bf9_2f35_77b3_4da6_a3ce_929d_0e0e_4736),
        SpanId::from(0x00f0_67aa_0ba9_02b7),
        TraceFlags::SAMPLED,
        true,
        TraceState::default(),
    ));
    let mut g = c.benchmark_group("sampler");
    g.measurement_time(Duration::from_secs(4));
    for (name, sampler) in [("sdk", &sdk), ("ours", &ours), ("ours_legacy", &ours_legacy)] {
        // Trace ids that change every call, so the ratio's branch is not always the same.
        let mut id = 0u128;
        g.bench_function(format!("{name}_root"), |b| {
            b.iter(|| {
                id = id.wrapping_add(0x9e37_79b9_7f4a_7c15_f39c_c060_5ced_c835);
                decide(sampler.as_ref(), None, TraceId::from(id));
            });
        });
        g.bench_function(format!("{name}_child"), |b| {
            b.iter(|| decide(sampler.as_ref(), Some(&parent), TraceId::from(1)));
        });
        // The whole root span (ids, sampler, span, end) with no processor: what the
        // sampler's share of a span is.
        let provider = SdkTracerProvider::builder().with_sampler(sampler.clone()).build();
        let tracer = provider.tracer("bench");
        g.bench_function(format!("{name}_root_span"), |b| {
            b.iter(|| tracer.start("GET /orders/{id}").end());
        });
    }
    g.finish();
}

/// A loopback X-Ray API answering every request with `rules`: the sampler's daemon.
fn serve(rules: String) -> String {
    use std::io::{Read as _, Write as _};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let endpoint = format!("http://{}", listener.local_addr().expect("address"));
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let rules = rules.clone();
            std::thread::spawn(move || {
                let mut stream = stream;
                let mut buffer = [0u8; 64 * 1024];
                // One request per read is enough for the sampler's small POSTs.
                while matches!(stream.read(&mut buffer), Ok(n) if n > 0) {
                    let head = format!(
                        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n",
                        rules.len()
                    );
                    if stream
                        .write_all(head.as_bytes())
                        .and_then(|()| stream.write_all(rules.as_bytes()))
                        .is_err()
                    {
                        break;
                    }
                }
            });
        }
    });
    endpoint
}

/// One root-span decision of the X-Ray sampler against twenty rules whose `URLPath` is a
/// glob of a hundred stars, on a 4 KiB path that nearly matches each (docs/reliability.md:
/// under a millisecond; a backtracking matcher took 400 ms).
fn xray_hostile_rules(c: &mut Criterion) {
    let rule = |name: &str, priority: u32, rate: f64, path: &str| {
        format!(
            r#"{{"SamplingRule":{{"RuleName":"{name}","Priority":{priority},"FixedRate":{rate},"ReservoirSize":0,"ServiceName":"*","ServiceType":"*","Host":"*","HTTPMethod":"*","URLPath":"{path}","ResourceARN":"*","Version":1}}}}"#
        )
    };
    let ends_in_b = format!("{}b", "*a".repeat(100));
    let b_inside = format!("{}*b*", "*a".repeat(100));
    let mut records: Vec<String> = (0..20u32)
        .map(|i| {
            rule(
                &format!("glob{i}"),
                i + 1,
                1.0,
                if i % 2 == 0 { &ends_in_b } else { &b_inside },
            )
        })
        .collect();
    records.push(rule("Default", 10000, 0.0, "*"));
    let endpoint = serve(format!(r#"{{"SamplingRuleRecords":[{}]}}"#, records.join(",")));
    let sampler = Sampling::xray(XrayRemote::new(endpoint)).into_sampler();
    let decide = |path: &str| {
        sampler
            .should_sample(
                None,
                TraceId::from(7),
                "GET",
                &SpanKind::Server,
                &[KeyValue::new("url.path", path.to_owned())],
                &[],
            )
            .decision
    };
    // The rules are in once a path with a `b` is sampled (the fallback samples 5 %).
    let matching = format!("{}b", "a".repeat(4095));
    let deadline = std::time::Instant::now() + Duration::from_secs(30);
    while !(0..50).all(|_| decide(&matching) == SamplingDecision::RecordAndSample) {
        assert!(
            std::time::Instant::now() < deadline,
            "the X-Ray rules were not applied"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    let path = [KeyValue::new("url.path", "a".repeat(4096))];
    let mut g = c.benchmark_group("xray_hostile_rules");
    g.measurement_time(Duration::from_secs(4));
    g.bench_function("root_4k_path_20_long_globs", |b| {
        b.iter(|| {
            black_box(sampler.should_sample(None, TraceId::from(7), "GET", &SpanKind::Server, &path, &[]))
        });
    });
    g.finish();
}

criterion_group!(benches, sampler, xray_hostile_rules);
criterion_main!(benches);
