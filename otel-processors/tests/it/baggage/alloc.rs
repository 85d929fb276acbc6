//! A span start without baggage, or without a listed member, allocates exactly what it
//! allocates without the processor; nor does the end of a span without a repeated key.
//! In its own process: the counting allocator (`main.rs`) counts every thread's.

use opentelemetry::baggage::BaggageExt as _;
use opentelemetry::trace::{Span as _, Tracer as _, TracerProvider as _};
use opentelemetry::{Context, KeyValue};
use opentelemetry_sdk::error::OTelSdkResult;
use opentelemetry_sdk::trace::{SdkTracerProvider, SpanData, SpanProcessor};
use otel_kit_processors::baggage::{BaggageAllowList, BaggageSpanProcessor};
use otel_kit_testing::allocations::COUNTING_ALLOCATOR;
use stats_alloc::Region;

use crate::support::own_process::ran_in_own_process;

/// Keeps nothing: what is counted is the start and the processors, not an exporter.
#[derive(Debug)]
struct Discard;

impl SpanProcessor for Discard {
    fn on_start(&self, _: &mut opentelemetry_sdk::trace::Span, _: &Context) {}
    fn on_end(&self, _: SpanData) {}
    fn force_flush(&self) -> OTelSdkResult {
        Ok(())
    }
    fn shutdown_with_timeout(&self, _: std::time::Duration) -> OTelSdkResult {
        Ok(())
    }
}

fn allocations(provider: &SdkTracerProvider, cx: &Context) -> u64 {
    let tracer = provider.tracer("t");
    // Warm: the first span of a tracer allocates its caches.
    tracer.start_with_context("warm", cx).end();
    let region = Region::new(COUNTING_ALLOCATOR);
    for _ in 0..100 {
        let mut span = tracer.start_with_context("s", cx);
        span.set_attribute(KeyValue::new("order.id", 7));
        span.end();
    }
    let change = region.change();
    (change.allocations + change.reallocations) as u64
}

#[test]
fn no_baggage_or_no_listed_member_costs_no_allocation() {
    if ran_in_own_process(
        module_path!(),
        "no_baggage_or_no_listed_member_costs_no_allocation",
    ) {
        return;
    }
    let list = BaggageAllowList::new(["tenant.id", "user.tier"]).expect("names");
    let plain = SdkTracerProvider::builder().with_span_processor(Discard).build();
    let with = SdkTracerProvider::builder()
        .with_span_processor(BaggageSpanProcessor::new(Discard, list))
        .build();
    let other = Context::new().with_baggage([KeyValue::new("not.listed", "x")]);
    for cx in [Context::new(), other] {
        assert_eq!(allocations(&with, &cx), allocations(&plain, &cx));
    }
    // And a listed member allocates (the check above is not vacuous): an extracted
    // value is an owned string, copied.
    let listed = Context::new().with_baggage([KeyValue::new("tenant.id", String::from("acme"))]);
    assert!(allocations(&with, &listed) > allocations(&plain, &listed));
}
