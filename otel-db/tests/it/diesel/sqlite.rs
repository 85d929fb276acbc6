//! The scenario on SQLite in memory, with diesel's `SqliteConnection`.

use diesel::{Connection as _, RunQueryDsl as _, SqliteConnection};
use otel_kit_testing::TestTelemetry;

use super::{Backend, builder, check_scenario, parent, scenario};

/// An in-memory database with `diesel_users`, instrumented for `t`.
pub fn connect(t: &TestTelemetry) -> SqliteConnection {
    let mut conn = SqliteConnection::establish(":memory:").expect("SQLite in memory");
    diesel::sql_query("CREATE TABLE diesel_users (id BIGINT PRIMARY KEY, email TEXT NOT NULL UNIQUE)")
        .execute(&mut conn)
        .expect("create");
    conn.set_instrumentation(builder(t).build(":memory:"));
    conn
}

#[test]
fn sqlite_queries_transactions_and_errors() {
    let t = TestTelemetry::new();
    let mut conn = connect(&t);
    {
        let (cx, _guard) = parent(&t);
        scenario!(&mut conn);
        opentelemetry::trace::TraceContextExt::span(&cx).end();
    }
    let backend = Backend {
        system: "sqlite",
        namespace: ":memory:".to_owned(),
        address: None,
        unique_violation: ("unique_violation", None),
        placeholders: ["?", "?"],
        table: "`diesel_users`",
    };
    check_scenario(&t, &t.spans(), &backend);
}
