//! The Redis wrapper against a real Redis (`TEST_REDIS_URL`, each test skipped when it
//! is unset): commands (`commands`), pipelines and transactions (`batches`), server
//! errors and a Redis that is down (`failures`), and the registry check over all of it
//! (`registry`). Each test reports to its own harness through `.providers(..)`, so they
//! run in parallel; one (`commands::the_globals_are_the_default`) installs the harness
//! globally, behind the harness's lock.

use otel_kit_db::redis::InstrumentedRedis;
use otel_kit_testing::{AttributeValue, TestTelemetry};
use redis::aio::MultiplexedConnection;

use crate::support::url_from_env;

mod batches;
mod commands;
mod failures;
mod registry;

/// A client for `TEST_REDIS_URL` on database `index`, or `None` after saying why the
/// test is skipped.
fn client(test: &str, index: i64) -> Option<redis::Client> {
    let url = url_from_env("TEST_REDIS_URL", test)?;
    let info = redis::IntoConnectionInfo::into_connection_info(url.as_str()).expect("TEST_REDIS_URL");
    let settings = info.redis_settings().clone().set_db(index);
    Some(redis::Client::open(info.set_redis_settings(settings)).expect("client"))
}

/// A traced multiplexed connection to database `index`, reporting to `t`.
async fn connect(
    test: &str,
    index: i64,
    t: &TestTelemetry,
) -> Option<InstrumentedRedis<MultiplexedConnection>> {
    let client = client(test, index)?;
    let connection = client
        .get_multiplexed_async_connection()
        .await
        .expect("connect to TEST_REDIS_URL");
    Some(
        InstrumentedRedis::builder(connection, client.get_connection_info())
            .providers(t.providers())
            .build(),
    )
}

/// A key unique to this test and this process.
fn key(name: &str) -> String {
    format!("otel-kit-db:{name}:{}", std::process::id())
}

use crate::support::in_test_span as in_parent;

/// Asserts that `secret` is in no span attribute, status description, metric point
/// attribute or log record `t` received.
fn assert_nowhere(t: &TestTelemetry, secret: &str) {
    let holds = |value: &AttributeValue| format!("{value:?}").contains(secret);
    for span in t.spans().iter() {
        for (key, value) in &span.attributes {
            assert!(!holds(value), "span {:?}: {key} = {value:?}", span.name);
        }
        assert!(
            !format!("{:?}", span.status).contains(secret),
            "span {:?}: {:?}",
            span.name,
            span.status
        );
        assert!(!span.name.contains(secret), "span name {:?}", span.name);
    }
    let metrics = t.metrics().listing();
    assert!(!metrics.contains(secret), "{metrics}");
    let logs = t.logs().listing();
    assert!(!logs.contains(secret), "{logs}");
}
