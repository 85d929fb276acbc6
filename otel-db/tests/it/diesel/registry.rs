//! The registry check over the diesel telemetry: the scenario on SQLite (queries,
//! errors, transactions). The connection attempts' spans are checked in `connect`.

use opentelemetry::trace::TraceContextExt as _;
use otel_kit_testing::TestTelemetry;

use super::{parent, scenario, sqlite};

#[test]
fn the_diesel_telemetry_conforms_to_the_registry() {
    let t = TestTelemetry::new();
    let mut conn = sqlite::connect(&t);
    {
        let (cx, _guard) = parent(&t);
        scenario!(&mut conn);
        cx.span().end();
    }
    let spans = t.spans();
    assert!(spans.len() >= 13, "{:?}", spans.names());
    crate::support::assert_conforms(&t);
}
