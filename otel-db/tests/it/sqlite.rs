//! otel-kit-db against an SQLite file: always runs.

use sqlx::Pool;
use sqlx::pool::PoolOptions;
use sqlx::sqlite::SqliteConnectOptions;

use crate::support::Expect;

type Db = sqlx::Sqlite;
const SYSTEM: &str = "sqlite";
const P: [&str; 3] = ["?1", "?2", "?3"];
/// SQLITE_ERROR: SQLite has no finer code for a syntax error.
const SYNTAX_ERROR: &str = "1";
/// SQLITE_CONSTRAINT_UNIQUE.
const UNIQUE_VIOLATION: &str = "2067";

async fn connect(test: &str, options: PoolOptions<Db>) -> Option<(Pool<Db>, Expect)> {
    let path = std::env::temp_dir().join(format!("otel-kit-db-{}-{test}.sqlite", std::process::id()));
    let _ = std::fs::remove_file(&path);
    let connect = SqliteConnectOptions::new()
        .filename(&path)
        .create_if_missing(true);
    let pool = options.connect_with(connect).await.expect("open the SQLite file");
    let expect = Expect {
        namespace: path.to_string_lossy().into_owned(),
        address: None,
        port: None,
    };
    Some((pool, expect))
}

include!("support/scenarios.rs");
include!("support/operation_scenarios.rs");

/// SQLite reads a double-quoted token that names no column as a string: the value
/// compared here is the string `alice`, which must not reach `db.query.text`, while the
/// quoted identifiers stay in the text, the summary and `db.collection.name`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn double_quoted_strings_are_sanitised_and_quoted_identifiers_kept() {
    use otel_kit_db::DbOperation;
    use otel_kit_semconv as semconv;
    use otel_kit_testing::TestTelemetry;
    use sqlx::AssertSqlSafe;

    let Some((raw, _)) = connect("double_quoted", PoolOptions::new()).await else {
        return;
    };
    sqlx::raw_sql(r#"CREATE TABLE "dq_orders" ("id" INTEGER PRIMARY KEY, "note" TEXT)"#)
        .execute(&raw)
        .await
        .expect("create");
    let t = TestTelemetry::new().install_global();
    let pool = otel_kit_db::instrument(raw);
    let insert = r#"INSERT INTO "dq_orders" ("id", "note") VALUES (1, "alice-secret")"#;
    sqlx::query(AssertSqlSafe(insert))
        .execute(&pool)
        .await
        .expect("insert");
    let select = r#"SELECT "id" FROM "dq_orders" WHERE "note" = "alice-secret""#;
    let op = DbOperation::new().collection(r#""dq_orders""#);
    let ids: Vec<i64> = sqlx::query_scalar(AssertSqlSafe(select))
        .fetch_all(pool.with_operation(op))
        .await
        .expect("select");
    // SQLite compared with the string: the token was a literal, not a column.
    assert_eq!(ids, [1]);

    let spans = t.spans();
    for span in spans.iter() {
        let text = span.attribute(semconv::attribute::DB_QUERY_TEXT);
        assert!(
            !format!("{text:?}").contains("alice"),
            "the double-quoted string leaked: {text:?}"
        );
    }
    spans
        .span(r#"INSERT "dq_orders""#)
        .has_attribute(
            semconv::attribute::DB_QUERY_TEXT,
            r#"INSERT INTO "dq_orders" ("id", "note") VALUES (?, ?)"#,
        )
        .has_attribute(semconv::attribute::DB_QUERY_SUMMARY, r#"INSERT "dq_orders""#);
    spans
        .span(r#"SELECT "dq_orders""#)
        .has_attribute(
            semconv::attribute::DB_QUERY_TEXT,
            r#"SELECT "id" FROM "dq_orders" WHERE "note" = ?"#,
        )
        .has_attribute(semconv::attribute::DB_QUERY_SUMMARY, r#"SELECT "dq_orders""#)
        .has_attribute(semconv::attribute::DB_COLLECTION_NAME, r#""dq_orders""#);
    // Left of the operator, and aliased in a select list: SQLite reads both as strings.
    let left = r#"SELECT "id" FROM "dq_orders" WHERE "alice-secret" = "note""#;
    let ids: Vec<i64> = sqlx::query_scalar(AssertSqlSafe(left))
        .fetch_all(&pool)
        .await
        .expect("select, the literal on the left");
    assert_eq!(ids, [1]);
    let aliased = r#"SELECT "alice-secret" AS k"#;
    let value: String = sqlx::query_scalar(AssertSqlSafe(aliased))
        .fetch_one(&pool)
        .await
        .expect("select an aliased literal");
    assert_eq!(value, "alice-secret");
    let texts: Vec<String> = t
        .spans()
        .iter()
        .filter_map(|span| span.attribute(semconv::attribute::DB_QUERY_TEXT))
        .filter_map(|text| text.as_str().map(str::to_owned))
        .collect();
    assert!(
        texts.contains(&r#"SELECT "id" FROM "dq_orders" WHERE ? = ?"#.to_owned()),
        "{texts:?}"
    );
    assert!(texts.contains(&"SELECT ? AS k".to_owned()), "{texts:?}");
    assert!(!texts.iter().any(|text| text.contains("alice")), "{texts:?}");
}

/// A statement run again and again is recorded through one bound histogram: every
/// duration is counted on the statement's point, the last keeps its exemplar in its
/// span, and a failure of the same statement is a point of its own.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_repeated_statement_is_counted_on_one_point_with_its_exemplar() {
    use otel_kit_semconv as semconv;
    use otel_kit_testing::MetricData;
    use otel_kit_testing::TestTelemetry;

    let Some((raw, _)) = connect("repeated", PoolOptions::new()).await else {
        return;
    };
    sqlx::raw_sql("CREATE TABLE repeated_items (id INTEGER PRIMARY KEY)")
        .execute(&raw)
        .await
        .expect("create");
    let t = TestTelemetry::new().install_global();
    let pool = otel_kit_db::instrument(raw);
    let insert = "INSERT INTO repeated_items (id) VALUES (?1)";
    for id in [1, 2, 3, 4, 5] {
        sqlx::query(insert).bind(id).execute(&pool).await.expect("insert");
    }
    // The same text again, now a primary key violation: `error.type` makes another set.
    sqlx::query(insert)
        .bind(1)
        .execute(&pool)
        .await
        .expect_err("duplicate");
    let spans = t.spans();
    let inserts = spans.named("INSERT repeated_items");
    assert_eq!(inserts.len(), 6);
    let metrics = t.metrics();
    let duration = metrics.metric(semconv::metric::DB_CLIENT_OPERATION_DURATION);
    let MetricData::Histogram { points, .. } = &duration.record().data else {
        panic!("a histogram");
    };
    let [success] = points
        .iter()
        .filter(|p| {
            !p.attributes
                .iter()
                .any(|(k, _)| k == semconv::attribute::ERROR_TYPE)
        })
        .collect::<Vec<_>>()[..]
    else {
        panic!("one point without error.type: {points:?}");
    };
    assert_eq!(success.count, 5, "{success:?}");
    let last = inserts[4].record();
    assert!(
        success
            .exemplars
            .iter()
            .any(|e| e.span_id.as_deref() == Some(last.span_id.as_str())),
        "{success:?}"
    );
    duration
        .histogram_point(&[
            (
                semconv::attribute::DB_QUERY_SUMMARY,
                "INSERT repeated_items".into(),
            ),
            (semconv::attribute::ERROR_TYPE, "1555".into()),
        ])
        .has_count(1)
        .has_exemplar_in(&inserts[5]);
}
