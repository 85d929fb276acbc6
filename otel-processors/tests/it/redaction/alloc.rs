//! Nothing to redact, nothing allocated: the matchers, the attribute pass, the span
//! processor path and the baggage check allocate only when something changes.
//! In its own process: the counting allocator (`main.rs`) counts every thread's.

use opentelemetry::baggage::BaggageExt as _;
use opentelemetry::{Context, KeyValue};
use otel_kit_processors::redaction::{IpPrefixes, Redaction, Scrub};
use otel_kit_testing::allocations::COUNTING_ALLOCATOR;
use stats_alloc::Region;

use crate::support::own_process::ran_in_own_process;

#[test]
fn clean_values_allocate_nothing() {
    if ran_in_own_process(module_path!(), "clean_values_allocate_nothing") {
        return;
    }
    let r = Redaction::default()
        .hash_keys(["enduser.id"], "0123456789abcdef")
        .scrub(Scrub::ALL)
        .truncate_ip_addresses(IpPrefixes::DEFAULT)
        .build()
        .expect("rules");
    let clean = "GET /orders/4111 from 10.0.0.1 by user 42, e-mail at example.com, bearer of news";
    // 60 bytes with the SSN prefilter's candidate (a date between spaces), for the matcher.
    let clean_60 = "order 8812 paid by customer 1207, shipped by 2024-05-01 ok";
    let mut attributes = vec![
        KeyValue::new("http.request.method", "GET"),
        KeyValue::new("url.path", "/orders/{id}"),
        KeyValue::new("http.response.status_code", 200),
        KeyValue::new("note", clean),
        KeyValue::new("client.address", "10.42.0.0"),
        KeyValue::new("server.address", "orders.internal.example.com"),
        KeyValue::new("gen_ai.usage.input_tokens", 12),
    ];
    let baggage = Context::new().with_baggage([KeyValue::new("tenant", "acme")]);

    let region = Region::new(COUNTING_ALLOCATOR);
    for _ in 0..100 {
        assert!(r.scrub(clean).is_none());
        assert!(r.scrub(clean_60).is_none());
        r.redact_attributes(&mut attributes);
        assert!(r.redact_baggage(baggage.baggage()).is_none());
    }
    let change = region.change();
    assert_eq!(
        (change.allocations, change.reallocations),
        (0, 0),
        "allocated with nothing to redact"
    );
    assert_eq!(attributes.len(), 7);

    // And a match allocates (the check above is not vacuous).
    let region = Region::new(COUNTING_ALLOCATOR);
    assert!(r.scrub("mail ada@example.com").is_some());
    assert!(region.change().allocations > 0);
}
