//! The scenario on PostgreSQL (`TEST_POSTGRES_URL`), with diesel's `PgConnection`
//! (feature `__diesel-native-backends`: it links libpq), and what PostgreSQL's spans
//! carry (diesel-async's too).

#[cfg(feature = "__diesel-native-backends")]
use diesel::{Connection as _, PgConnection, RunQueryDsl as _};
#[cfg(feature = "__diesel-native-backends")]
use otel_kit_testing::TestTelemetry;

use super::Backend;
#[cfg(feature = "__diesel-native-backends")]
use super::{builder, check_scenario, parent, scenario};
#[cfg(feature = "__diesel-native-backends")]
use crate::support::url_from_env;

/// A table per test binary run: the database is shared with the sqlx tests.
#[cfg(feature = "__diesel-native-backends")]
pub fn create(conn: &mut PgConnection) {
    diesel::sql_query("DROP TABLE IF EXISTS diesel_users")
        .execute(conn)
        .expect("drop");
    diesel::sql_query("CREATE TABLE diesel_users (id BIGINT PRIMARY KEY, email TEXT NOT NULL UNIQUE)")
        .execute(conn)
        .expect("create");
}

pub fn backend(url: &str) -> Backend {
    let parsed = url::Url::parse(url).expect("TEST_POSTGRES_URL");
    Backend {
        system: "postgresql",
        namespace: parsed.path().trim_start_matches('/').to_owned(),
        address: parsed.host_str().map(str::to_owned),
        unique_violation: ("23505", Some("23505")),
        placeholders: ["$1", "$2"],
        table: "\"diesel_users\"",
    }
}

#[cfg(feature = "__diesel-native-backends")]
#[test]
fn postgres_queries_transactions_and_errors() {
    let Some(url) = url_from_env("TEST_POSTGRES_URL", "diesel postgres") else {
        return;
    };
    let t = TestTelemetry::new();
    let mut conn = PgConnection::establish(&url).expect("TEST_POSTGRES_URL");
    // Its own schema: the diesel-async test uses the same table name at the same time.
    diesel::sql_query("CREATE SCHEMA IF NOT EXISTS diesel_sync")
        .execute(&mut conn)
        .expect("schema");
    diesel::sql_query("SET search_path TO diesel_sync")
        .execute(&mut conn)
        .expect("search_path");
    create(&mut conn);
    conn.set_instrumentation(builder(&t).build(&url));
    {
        let (cx, _guard) = parent(&t);
        scenario!(&mut conn);
        opentelemetry::trace::TraceContextExt::span(&cx).end();
    }
    check_scenario(&t, &t.spans(), &backend(&url));
}
