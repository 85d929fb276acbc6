//! The scenario on MariaDB (`TEST_MYSQL_URL`), with diesel's `MysqlConnection`.

use diesel::{Connection as _, MysqlConnection, RunQueryDsl as _};
use otel_kit_testing::TestTelemetry;

use super::{Backend, builder, check_scenario, parent, scenario};
use crate::support::url_from_env;

#[test]
fn mariadb_queries_transactions_and_errors() {
    let Some(url) = url_from_env("TEST_MYSQL_URL", "diesel mariadb") else {
        return;
    };
    let t = TestTelemetry::new();
    let mut conn = MysqlConnection::establish(&url).expect("TEST_MYSQL_URL");
    diesel::sql_query("DROP TABLE IF EXISTS diesel_users")
        .execute(&mut conn)
        .expect("drop");
    diesel::sql_query(
        "CREATE TABLE diesel_users (id BIGINT PRIMARY KEY, email VARCHAR(100) NOT NULL UNIQUE)",
    )
    .execute(&mut conn)
    .expect("create");
    // diesel's hook cannot ask the server: the builder says MariaDB.
    conn.set_instrumentation(builder(&t).system_name("mariadb").build(&url));
    {
        let (cx, _guard) = parent(&t);
        scenario!(&mut conn);
        opentelemetry::trace::TraceContextExt::span(&cx).end();
    }
    let parsed = url::Url::parse(&url).expect("TEST_MYSQL_URL");
    let backend = Backend {
        system: "mariadb",
        namespace: parsed.path().trim_start_matches('/').to_owned(),
        address: parsed.host_str().map(str::to_owned),
        unique_violation: ("unique_violation", None),
        placeholders: ["?", "?"],
        table: "`diesel_users`",
    };
    check_scenario(&t, &t.spans(), &backend);
}
