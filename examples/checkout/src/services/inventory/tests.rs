//! Starting many instances at once against one PostgreSQL database without the tables.

use futures_util::future::join_all;
use otel_kit::db::Providers;
use sqlx::Connection as _;

use super::Inventory;

/// Instances started together (a deployment's replicas, the demo's tests) each create
/// the tables if they are missing: on PostgreSQL, without a lock, some of them fail on
/// a unique key of the catalog. Each round is a schema of its own, empty, so the tables
/// are missing for every instance of the round.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn instances_started_together_on_a_postgres_database_without_the_tables_all_start() {
    let Ok(url) = std::env::var("TEST_POSTGRES_URL") else {
        println!("skipped: TEST_POSTGRES_URL is not set (a PostgreSQL database to create schemas in)");
        return;
    };
    let mut admin = sqlx::PgConnection::connect(&url)
        .await
        .expect("connect to TEST_POSTGRES_URL");
    for round in 0..3 {
        let schema = format!("checkout_start_{}_{round}", std::process::id());
        // The name is the test's own, made of a number and letters.
        let fresh = format!("DROP SCHEMA IF EXISTS {schema} CASCADE; CREATE SCHEMA {schema}");
        sqlx::raw_sql(sqlx::AssertSqlSafe(fresh))
            .execute(&mut admin)
            .await
            .expect("a fresh schema");
        let separator = if url.contains('?') { '&' } else { '?' };
        let schema_url = format!("{url}{separator}options=-c%20search_path%3D{schema}");
        let started =
            join_all((0..8).map(|_| Inventory::open(&schema_url, Providers::default(), None))).await;
        sqlx::raw_sql(sqlx::AssertSqlSafe(format!("DROP SCHEMA {schema} CASCADE")))
            .execute(&mut admin)
            .await
            .expect("the schema dropped");
        for (instance, result) in started.iter().enumerate() {
            if let Err(error) = result {
                panic!("round {round}: instance {instance} of 8 did not start: {error}");
            }
        }
    }
}
