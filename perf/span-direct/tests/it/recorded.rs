//! The recorded-span benchmark measures what it says: through `init()`'s pipeline each
//! case's span reaches a collector with its conventions' attributes.

use std::time::Duration;

use opentelemetry::trace::SpanKind;
use otel_kit_testing::TestCollector;
use span_direct::recorded::{Case, Operations, Variant, telemetry};

#[test]
fn each_case_exports_its_span_with_its_conventions_attributes() {
    let runtime = tokio::runtime::Runtime::new().expect("a runtime");
    let collector = runtime
        .block_on(TestCollector::start())
        .expect("the collector starts");
    let telemetry = telemetry(Variant::Recorded, &collector.endpoint()).expect("init");
    for case in Case::ALL {
        Operations::new(case, Variant::Recorded)
            .and_then(|operations| operations.run(1))
            .unwrap_or_else(|e| panic!("{}: {e}", case.name()));
    }
    telemetry.shutdown().expect("shut down");
    let spans = runtime.block_on(collector.wait_for_spans(3, Duration::from_secs(10)));
    spans.assert_count(3);
    spans
        .span("GET /users/{id}")
        .has_kind(SpanKind::Server)
        .has_attribute("http.route", "/users/{id}")
        .has_attribute("http.request.method", "GET")
        .has_attribute("url.path", "/users/4711")
        .has_attribute("http.response.status_code", 200_i64);
    spans
        .span("GET")
        .has_kind(SpanKind::Client)
        .has_attribute("http.request.method", "GET")
        .has_attribute("server.address", "127.0.0.1")
        .has_attribute("http.response.status_code", 200_i64)
        .has_attribute_key("url.full");
    spans
        .span_where("the database span", |span| {
            span.kind == SpanKind::Client && span.name != "GET"
        })
        .has_attribute("db.system.name", "sqlite")
        .has_attribute("db.query.text", "SELECT id, name, email FROM users WHERE id = ?1");
}
