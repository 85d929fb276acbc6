//! The registry check over the diesel telemetry: the scenario on SQLite (queries,
//! errors, transactions). The connection attempts' spans are checked in `connect`.

use diesel::{Connection as _, RunQueryDsl as _, SqliteConnection};
use opentelemetry::trace::TraceContextExt as _;
use otel_kit_testing::{Conformance, TestTelemetry};

use super::{builder, parent, scenario};

#[test]
fn the_diesel_telemetry_conforms_to_the_registry() {
    let t = TestTelemetry::new();
    let mut conn = SqliteConnection::establish(":memory:").expect("SQLite in memory");
    diesel::sql_query("CREATE TABLE diesel_users (id BIGINT PRIMARY KEY, email TEXT NOT NULL UNIQUE)")
        .execute(&mut conn)
        .expect("create");
    conn.set_instrumentation(builder(&t).build(":memory:"));
    {
        let (cx, _guard) = parent(&t);
        scenario!(&mut conn);
        cx.span().end();
    }
    let spans = t.spans();
    assert!(spans.len() >= 13, "{:?}", spans.names());
    let report = Conformance::semconv()
        .check_spans(&spans)
        .check_metrics(&t.metrics())
        .check_logs(&t.logs())
        .report();
    println!("{report}");
    report.assert_conforms();
}
