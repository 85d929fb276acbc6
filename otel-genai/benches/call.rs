//! The cost of the helper around one call (start, record a response with usage, end),
//! content capture off and on with a 4 KB prompt, against a baseline in the same run:
//! the same span, attributes and metric points written by hand with the OpenTelemetry
//! API. Spans go to a processor that drops them (AlwaysOn); metrics to a real
//! aggregating meter provider.
//!
//! `GENAI_BENCH_ONLY=<case>:<calls>` runs one case that many times after a warm-up and
//! exits, for instruction counts under callgrind (see docs/genai.md).

use std::alloc::System;
use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::{Criterion, criterion_group, criterion_main};
use opentelemetry::trace::{Span as _, SpanKind, Tracer as _, TracerProvider as _};
use opentelemetry::{Array, KeyValue, StringValue, Value, global};
use opentelemetry_sdk::metrics::{InMemoryMetricExporter, PeriodicReader, SdkMeterProvider};
use opentelemetry_sdk::trace::SdkTracerProvider;
use otel_kit_genai::content::ChatMessage;
use otel_kit_genai::{Response, Usage};
use otel_kit_testing::NoopSpanProcessor;
use serde_json::json;
use stats_alloc::{INSTRUMENTED_SYSTEM, StatsAlloc};

// Counts allocations; `stats_alloc` holds the `unsafe impl GlobalAlloc` (unsafe code is
// forbidden in this workspace).
#[global_allocator]
static GLOBAL: &StatsAlloc<System> = &INSTRUMENTED_SYSTEM;

fn allocations() -> usize {
    let stats = GLOBAL.stats();
    stats.allocations + stats.reallocations
}

/// What every case records: a 4 KB prompt and a typical answer.
struct Fixture {
    request: serde_json::Value,
    response: Response,
}

fn fixture() -> Fixture {
    let prompt = "Summarise the following report in three sentences. ".repeat(90);
    assert!(prompt.len() >= 4096);
    Fixture {
        request: json!({
            "model": "gpt-4o",
            "temperature": 0.2,
            "max_tokens": 512,
            "messages": [
                {"role": "system", "content": "You are terse."},
                {"role": "user", "content": &prompt[..4096]}
            ]
        }),
        response: Response::new()
            .id("chatcmpl-AZ9x1")
            .model("gpt-4o-2024-08-06")
            .finish_reason("stop")
            .usage(Usage {
                input_tokens: Some(1024),
                output_tokens: Some(96),
                ..Usage::default()
            })
            .output_message(
                ChatMessage::assistant("The report says three things, briefly put.")
                    .with_finish_reason("stop"),
            ),
    }
}

type Case = (&'static str, Box<dyn Fn(&Fixture)>);

fn cases() -> Vec<Case> {
    let tracer = global::tracer_provider().tracer("baseline");
    let meter = global::meter("baseline");
    let duration = meter
        .f64_histogram("baseline.duration")
        .with_boundaries(otel_kit_genai::attributes::GENAI_DURATION_BUCKETS.to_vec())
        .build();
    let tokens = meter
        .u64_histogram("baseline.tokens")
        .with_boundaries(otel_kit_genai::attributes::TOKEN_BUCKETS.to_vec())
        .build();
    let baseline = move |f: &Fixture| {
        let start = Instant::now();
        let metric: Vec<KeyValue> = vec![
            KeyValue::new("gen_ai.operation.name", "chat"),
            KeyValue::new("gen_ai.provider.name", "openai"),
            KeyValue::new("gen_ai.request.model", "gpt-4o"),
        ];
        let mut attributes = metric.clone();
        attributes.push(KeyValue::new("gen_ai.request.temperature", 0.2));
        attributes.push(KeyValue::new("gen_ai.request.max_tokens", 512_i64));
        let mut span = tracer
            .span_builder(format!("chat {}", "gpt-4o"))
            .with_kind(SpanKind::Client)
            .with_attributes(attributes)
            .start(&tracer);
        let r = &f.response;
        let model = KeyValue::new("gen_ai.response.model", r.model.clone().unwrap_or_default());
        let reasons: Vec<StringValue> = r.finish_reasons.iter().map(|s| s.clone().into()).collect();
        span.set_attributes([
            KeyValue::new("gen_ai.response.id", r.id.clone().unwrap_or_default()),
            model.clone(),
            KeyValue::new(
                "gen_ai.response.finish_reasons",
                Value::Array(Array::String(reasons)),
            ),
            KeyValue::new("gen_ai.usage.input_tokens", 1024_i64),
            KeyValue::new("gen_ai.usage.output_tokens", 96_i64),
        ]);
        let mut metric = metric;
        metric.push(model);
        duration.record(start.elapsed().as_secs_f64(), &metric);
        metric.push(KeyValue::new("gen_ai.token.type", "input"));
        tokens.record(1024, &metric);
        metric.pop();
        metric.push(KeyValue::new("gen_ai.token.type", "output"));
        tokens.record(96, &metric);
        span.end();
    };
    vec![
        ("baseline", Box::new(baseline)),
        (
            "builder_off",
            Box::new(|f: &Fixture| {
                let call = otel_kit_genai::chat("openai", "gpt-4o")
                    .temperature(0.2)
                    .max_tokens(512)
                    .start();
                call.record_response(black_box(&f.response));
            }),
        ),
        (
            "openai_off",
            Box::new(|f: &Fixture| {
                let call = otel_kit_genai::openai::chat("openai", black_box(&f.request)).start();
                call.record_response(black_box(&f.response));
            }),
        ),
        (
            "openai_on",
            Box::new(|f: &Fixture| {
                let call = otel_kit_genai::openai::chat("openai", black_box(&f.request))
                    .capture_content(true)
                    .start();
                call.record_response(black_box(&f.response));
            }),
        ),
    ]
}

fn install() -> (SdkTracerProvider, SdkMeterProvider) {
    let tracer_provider = SdkTracerProvider::builder()
        .with_span_processor(NoopSpanProcessor)
        .build();
    global::set_tracer_provider(tracer_provider.clone());
    let meter_provider = SdkMeterProvider::builder()
        .with_reader(
            PeriodicReader::builder(InMemoryMetricExporter::default())
                .with_interval(Duration::from_secs(86_400))
                .build(),
        )
        .build();
    global::set_meter_provider(meter_provider.clone());
    (tracer_provider, meter_provider)
}

fn bench(c: &mut Criterion) {
    let _providers = install();
    let fixture = fixture();
    let cases = cases();

    if let Ok(only) = std::env::var("GENAI_BENCH_ONLY") {
        let Some((name, calls)) = only.rsplit_once(':') else {
            panic!("GENAI_BENCH_ONLY=<case>:<calls>");
        };
        let calls: usize = calls.parse().expect("a call count");
        for (case, run) in cases.iter().filter(|(case, _)| *case == name) {
            for _ in 0..1000 {
                run(&fixture);
            }
            for _ in 0..calls {
                run(&fixture);
            }
            println!("ran {case} {calls} times");
        }
        std::process::exit(0);
    }

    for (case, run) in &cases {
        let before = allocations();
        for _ in 0..10_000 {
            run(&fixture);
        }
        println!(
            "{case}: {:.1} allocations per call",
            (allocations() - before) as f64 / 10_000.0
        );
    }
    let mut group = c.benchmark_group("genai_call");
    for (case, run) in &cases {
        group.bench_function(*case, |b| b.iter(|| run(&fixture)));
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
