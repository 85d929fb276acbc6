//! diesel's `Instrumentation` hook (`otel_kit_db::diesel`) against the real databases:
//! SQLite (in memory, always), PostgreSQL (`TEST_POSTGRES_URL`) and MariaDB
//! (`TEST_MYSQL_URL`) through diesel's own connections (those two with the internal
//! feature `__diesel-native-backends`: libpq, libmysqlclient), PostgreSQL through
//! diesel-async's; connection attempts through diesel's default instrumentation; the
//! registry check over all of it. One scenario (`scenario!`) runs on each backend:
//! queries built with the DSL (bind values) and raw texts (literals), a unique
//! violation, nested transactions.

#![allow(unreachable_pub)]

use opentelemetry::Context;
use opentelemetry::trace::{SpanKind, TraceContextExt as _, Tracer as _};
use otel_kit_db::diesel::DieselBuilder;
use otel_kit_semconv as semconv;
use otel_kit_testing::{SpanAssert, Spans, TestTelemetry};

// diesel's own PostgreSQL and MySQL connections link libpq and libmysqlclient: their
// tests need the internal feature (see Cargo.toml); SQLite and diesel-async's
// PostgreSQL (pure Rust) need nothing installed.
#[cfg(feature = "__diesel-native-backends")]
mod connect;
mod diesel_async;
#[cfg(feature = "__diesel-native-backends")]
mod mariadb;
mod postgres;
mod registry;
mod sqlite;

diesel::table! {
    diesel_users (id) {
        id -> BigInt,
        email -> Text,
    }
}

/// The builder every test uses: the test's own providers.
pub fn builder(t: &TestTelemetry) -> DieselBuilder {
    DieselBuilder::new().providers(t.providers())
}

/// A parent span of the test's tracer, current until the guard drops.
pub fn parent(t: &TestTelemetry) -> (Context, opentelemetry::ContextGuard) {
    let cx = Context::current_with_span(t.tracer("test").start("test"));
    let guard = cx.clone().attach();
    (cx, guard)
}

/// What the spans of a backend's connection carry.
pub struct Backend {
    pub system: &'static str,
    pub namespace: String,
    pub address: Option<String>,
    /// `error.type` of a unique violation, and its `db.response.status_code`.
    pub unique_violation: (&'static str, Option<&'static str>),
    /// The placeholders diesel writes: `$1` or `?`.
    pub placeholders: [&'static str; 2],
    /// The table as diesel's query builder quotes it (the summary keeps it as written).
    pub table: &'static str,
}

/// The attributes every query span of `backend` carries.
pub fn endpoint<'a>(span: SpanAssert<'a>, backend: &Backend) -> SpanAssert<'a> {
    let span = span
        .has_kind(SpanKind::Client)
        .has_scope_name(otel_kit_db::INSTRUMENTATION_SCOPE)
        .has_attribute(semconv::attribute::DB_SYSTEM_NAME, backend.system)
        .has_attribute(semconv::attribute::DB_NAMESPACE, backend.namespace.as_str());
    match &backend.address {
        Some(address) => span.has_attribute(semconv::attribute::SERVER_ADDRESS, address.as_str()),
        None => span.lacks_attribute(semconv::attribute::SERVER_ADDRESS),
    }
}

/// Checks what [`scenario!`] recorded.
pub fn check_scenario(t: &TestTelemetry, spans: &Spans, backend: &Backend) {
    let [p1, p2] = backend.placeholders;
    let (insert, select) = (
        format!("INSERT {}", backend.table),
        format!("SELECT {}", backend.table),
    );
    spans.assert_tree(&format!(
        "test\n  {insert}\n  {select}\n  SELECT diesel_users\n  {insert}\n  \
         BEGIN\n  {insert}\n  SAVEPOINT\n  {insert}\n  ROLLBACK TO SAVEPOINT\n  COMMIT\n  \
         BEGIN\n  ROLLBACK\n  {select}",
    ));
    let test = spans.span("test");
    for span in spans.iter().filter(|s| s.name != "test") {
        let text = format!("{:?}", span.attributes);
        assert!(!text.contains("secret"), "a value reached a span: {text}");
    }
    let inserts = spans.named(&insert);
    let first = endpoint(inserts.into_iter().next().expect("an insert"), backend)
        .has_parent(&test)
        .has_status_unset()
        .has_attribute(semconv::attribute::DB_QUERY_SUMMARY, insert.as_str());
    let text = first
        .record()
        .attribute(semconv::attribute::DB_QUERY_TEXT)
        .and_then(|v| v.as_str().map(str::to_owned))
        .expect("db.query.text");
    assert!(
        text.contains(p1) && text.contains(p2) && text.contains("diesel_users"),
        "the text with its placeholders, as written: {text}"
    );
    // The raw text with literals: sanitised.
    let raw = spans.span_where("the raw select", |s| {
        s.name == "SELECT diesel_users"
            && s.attribute(semconv::attribute::DB_QUERY_TEXT)
                .is_some_and(|v| v.as_str().is_some_and(|t| t.contains("WHERE email = ?")))
    });
    endpoint(raw, backend).has_status_unset();

    // The duplicate: an error span, its exception event, no value.
    let (error_type, status_code) = backend.unique_violation;
    let failed = spans.span_where("the duplicate insert", |s| {
        matches!(s.status, opentelemetry::trace::Status::Error { .. })
    });
    let failed = endpoint(failed, backend)
        .has_attribute(semconv::attribute::ERROR_TYPE, error_type)
        .has_attribute(semconv::attribute::DB_QUERY_SUMMARY, insert.as_str());
    let failed = match status_code {
        Some(code) => failed.has_attribute(semconv::attribute::DB_RESPONSE_STATUS_CODE, code),
        None => failed.lacks_attribute(semconv::attribute::DB_RESPONSE_STATUS_CODE),
    };
    let opentelemetry::trace::Status::Error { description } = &failed.record().status else {
        panic!("an error status");
    };
    assert!(
        !description.contains("secret") && !description.is_empty(),
        "{description}"
    );
    t.logs()
        .assert_count(1)
        .event("db.client.operation.exception")
        .has_attribute("exception.type", "diesel::result::Error")
        .has_attribute("exception.message", description.to_string())
        .is_in_span(&failed);

    // Transaction steps, by depth.
    for (name, count) in [
        ("BEGIN", 2),
        ("SAVEPOINT", 1),
        ("ROLLBACK TO SAVEPOINT", 1),
        ("COMMIT", 1),
        ("ROLLBACK", 1),
    ] {
        let steps = spans.named(name);
        assert_eq!(steps.len(), count, "{name}");
        for step in steps {
            endpoint(step, backend)
                .has_status_unset()
                .has_attribute(semconv::attribute::DB_OPERATION_NAME, name)
                .has_attribute(semconv::attribute::DB_QUERY_SUMMARY, name);
        }
    }
    spans
        .span("SAVEPOINT")
        .has_attribute(semconv::attribute::DB_QUERY_TEXT, "SAVEPOINT diesel_savepoint_1");

    let metrics = t.metrics();
    let duration = metrics.metric(semconv::metric::DB_CLIENT_OPERATION_DURATION);
    duration
        .histogram_point(&[
            (semconv::attribute::DB_SYSTEM_NAME, backend.system.into()),
            (semconv::attribute::DB_QUERY_SUMMARY, "BEGIN".into()),
        ])
        .has_count(2);
    let listing = metrics.listing();
    assert!(
        !listing.contains("secret") && !listing.contains(semconv::attribute::DB_QUERY_TEXT),
        "{listing}"
    );
}

/// The scenario, on `$conn` (a diesel connection with the instrumentation installed,
/// `diesel_users` created and empty), inside the test's parent span.
macro_rules! scenario {
    ($conn:expr) => {{
        use diesel::prelude::*;
        use $crate::diesel::diesel_users::dsl::{diesel_users, email, id};
        let conn = $conn;
        diesel::insert_into(diesel_users)
            .values((id.eq(1_i64), email.eq("secret-one@example.com")))
            .execute(conn)
            .expect("insert");
        let found: String = diesel_users
            .filter(id.eq(1_i64))
            .select(email)
            .first(conn)
            .expect("select");
        assert_eq!(found, "secret-one@example.com");
        let raw = diesel::sql_query("SELECT id FROM diesel_users WHERE email = 'secret-one@example.com'")
            .execute(conn)
            .expect("raw select");
        assert_eq!(raw, 1);
        let duplicate = diesel::insert_into(diesel_users)
            .values((id.eq(2_i64), email.eq("secret-one@example.com")))
            .execute(conn);
        assert!(duplicate.is_err(), "a unique violation");
        conn.transaction::<_, diesel::result::Error, _>(|conn| {
            diesel::insert_into(diesel_users)
                .values((id.eq(3_i64), email.eq("secret-three@example.com")))
                .execute(conn)?;
            let inner = conn.transaction::<(), diesel::result::Error, _>(|conn| {
                diesel::insert_into(diesel_users)
                    .values((id.eq(4_i64), email.eq("secret-four@example.com")))
                    .execute(conn)?;
                Err(diesel::result::Error::RollbackTransaction)
            });
            assert!(inner.is_err());
            Ok(())
        })
        .expect("outer transaction");
        let rolled_back = conn
            .transaction::<(), diesel::result::Error, _>(|_| Err(diesel::result::Error::RollbackTransaction));
        assert!(rolled_back.is_err());
        let ids: Vec<i64> = diesel_users.select(id).order(id).load(conn).expect("ids");
        assert_eq!(ids, [1, 3], "the savepoint's row was rolled back");
    }};
}
pub(crate) use scenario;
