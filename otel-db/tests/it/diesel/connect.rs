//! Connection attempts, reported by diesel to the default instrumentation only:
//! `install_default`, then diesel's `establish` (a good URL and a refused one).

use diesel::{Connection as _, PgConnection, RunQueryDsl as _};
use opentelemetry::trace::{SpanKind, TraceContextExt as _};
use otel_kit_semconv as semconv;
use otel_kit_testing::TestTelemetry;

use super::{builder, endpoint, parent, postgres};
use crate::support::{closed_port, url_from_env};

#[test]
fn connection_attempts_are_spans_and_new_connections_are_traced() {
    let Some(url) = url_from_env("TEST_POSTGRES_URL", "diesel connect") else {
        return;
    };
    let t = TestTelemetry::new();
    // Process-wide: other tests' connections get it too until they set their own, so
    // only this test's spans (children of its parent) are looked at.
    builder(&t).install_default().expect("installed");
    let port = closed_port();
    let secret = "pw-s3cr3t-d0-not-leak";
    let refused = format!("postgres://postgres:{secret}@127.0.0.1:{port}/test");
    {
        let (cx, _guard) = parent(&t);
        let mut conn = PgConnection::establish(&url).expect("TEST_POSTGRES_URL");
        diesel::sql_query("SELECT 1")
            .execute(&mut conn)
            .expect("SELECT 1");
        let Err(error) = PgConnection::establish(&refused) else {
            panic!("nothing listens on {port}");
        };
        assert!(!error.to_string().is_empty());
        cx.span().end();
    }
    let spans = t.spans();
    let test = spans.span("test");
    let test_id = test.record().span_id.clone();
    let mine = |name: &'static str| {
        spans
            .iter()
            .filter(|s| s.name == name && s.parent_span_id.as_deref() == Some(test_id.as_str()))
            .collect::<Vec<_>>()
    };
    let connects = mine("connect");
    assert_eq!(connects.len(), 2, "{:?}", spans.names());
    let parsed = url::Url::parse(&url).expect("url");
    let good = spans.span_where("the connection", |s| {
        s.name == "connect"
            && s.parent_span_id.as_deref() == Some(test_id.as_str())
            && !matches!(s.status, opentelemetry::trace::Status::Error { .. })
    });
    good.has_kind(SpanKind::Client)
        .has_status_unset()
        .has_attribute(
            semconv::attribute::SERVER_ADDRESS,
            parsed.host_str().unwrap_or_default(),
        )
        .lacks_attribute(semconv::attribute::DB_SYSTEM_NAME)
        .lacks_attribute(semconv::attribute::ERROR_TYPE);
    let bad = spans.span_where("the refused connection", |s| {
        s.name == "connect" && s.attribute(semconv::attribute::SERVER_PORT) == Some(&i64::from(port).into())
    });
    bad.has_parent(&test)
        .is_error()
        .has_attribute(semconv::attribute::ERROR_TYPE, "bad_connection")
        .has_attribute(semconv::attribute::SERVER_ADDRESS, "127.0.0.1")
        .has_attribute(semconv::attribute::NETWORK_PEER_ADDRESS, "127.0.0.1");
    let everything = format!("{:?}", spans.iter().collect::<Vec<_>>());
    assert!(!everything.contains(secret), "the password leaked");
    // The connection diesel made with the default instrumentation traces its queries.
    let select = spans.span_where("the query", |s| {
        s.name == "SELECT" && s.parent_span_id.as_deref() == Some(test_id.as_str())
    });
    endpoint(select, &postgres::backend(&url))
        .has_parent(&test)
        .has_attribute(semconv::attribute::DB_QUERY_TEXT, "SELECT ?");
    // The registry check over the connection attempts and the query.
    crate::support::assert_conforms(&t);
}
