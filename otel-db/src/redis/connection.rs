//! [`InstrumentedRedis`]: any async Redis connection, traced. It implements the redis
//! crate's `aio::ConnectionLike` itself, so commands, `AsyncCommands` methods,
//! pipelines and scripts all go through it.

use std::fmt;
use std::sync::Arc;

use ::redis::aio::ConnectionLike;
use ::redis::{Cmd, Pipeline, RedisFuture, Value};
use otel_kit_core::__private::call::CallFuture;

use super::call::{Call, Shared};
use super::{command, outcome};
use crate::options::QueryText;

/// An async Redis connection whose every command is one CLIENT span and one
/// `db.client.operation.duration` measurement (a pipeline or a transaction: one of
/// each for the batch). `C` is any `redis::aio::ConnectionLike`:
/// `MultiplexedConnection`, `ConnectionManager`, or another wrapper.
///
/// Use it where you used the connection: `redis::cmd("GET").arg("k").query_async(&mut
/// conn)`, `conn.get("k")` (`redis::AsyncCommands`), `redis::pipe().query_async(&mut
/// conn)`. It is cheap to clone when `C` is (both the multiplexed connection and the
/// connection manager are); clones share the configuration.
///
/// ```no_run
/// # async fn run() -> redis::RedisResult<()> {
/// use redis::AsyncCommands as _;
///
/// let client = redis::Client::open("redis://127.0.0.1:6379/0")?;
/// let connection = client.get_multiplexed_async_connection().await?;
/// let mut conn = otel_kit_db::redis::instrument(connection, client.get_connection_info());
///
/// let () = conn.set("greeting", "hello").await?; // span `SET`, `db.query.text = "SET greeting ?"`
/// let value: String = conn.get("greeting").await?; // span `GET`
/// # drop(value);
/// # Ok(())
/// # }
/// ```
#[derive(Clone)]
pub struct InstrumentedRedis<C> {
    inner: C,
    shared: Arc<Shared>,
}

impl<C> InstrumentedRedis<C> {
    pub(crate) fn new(inner: C, shared: Shared) -> Self {
        Self {
            inner,
            shared: Arc::new(shared),
        }
    }

    /// The wrapped connection: what runs on it directly is not traced.
    pub fn inner(&self) -> &C {
        &self.inner
    }

    /// The wrapped connection, mutably (for what the wrapper does not offer, such as
    /// `subscribe`); what runs on it directly is not traced.
    pub fn inner_mut(&mut self) -> &mut C {
        &mut self.inner
    }

    /// The wrapped connection, unwrapped.
    pub fn into_inner(self) -> C {
        self.inner
    }

    fn with_text(&self) -> bool {
        // Redis commands are always recorded with `?` for their arguments.
        self.shared.query_text.get() != QueryText::Off
    }
}

impl<C> fmt::Debug for InstrumentedRedis<C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("InstrumentedRedis")
            .field("shared", &self.shared)
            .finish_non_exhaustive()
    }
}

impl<C: ConnectionLike + Send> ConnectionLike for InstrumentedRedis<C> {
    fn req_packed_command<'a>(&'a mut self, cmd: &'a Cmd) -> RedisFuture<'a, Value> {
        let call = Call::start(&self.shared, command::command(cmd, self.with_text()));
        let work = self.inner.req_packed_command(cmd);
        Box::pin(async move {
            let (result, call) = CallFuture::new(work, call).await;
            if let Some(call) = call {
                call.finish(match &result {
                    Ok(reply) => outcome::of_reply(reply),
                    Err(error) => Some(outcome::of_error(error)),
                });
            }
            result
        })
    }

    fn req_packed_commands<'a>(
        &'a mut self,
        pipeline: &'a Pipeline,
        offset: usize,
        count: usize,
    ) -> RedisFuture<'a, Vec<Value>> {
        let call = Call::start(&self.shared, command::pipeline(pipeline, self.with_text()));
        let work = self.inner.req_packed_commands(pipeline, offset, count);
        Box::pin(async move {
            let (result, call) = CallFuture::new(work, call).await;
            if let Some(call) = call {
                call.finish(match &result {
                    Ok(replies) => outcome::of_replies(replies),
                    Err(error) => Some(outcome::of_error(error)),
                });
            }
            result
        })
    }

    fn get_db(&self) -> i64 {
        self.inner.get_db()
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use opentelemetry::logs::Severity;
    use opentelemetry::trace::SpanKind;
    use otel_kit_core::PeerServices;
    use otel_kit_semconv::attribute::{
        DB_OPERATION_NAME, DB_RESPONSE_STATUS_CODE, ERROR_TYPE, EXCEPTION_TYPE, SERVER_SERVICE_NAME,
    };
    use otel_kit_semconv::metric::DB_CLIENT_OPERATION_DURATION;
    use otel_kit_testing::TestTelemetry;
    use redis::IntoConnectionInfo as _;

    use super::*;

    /// A connection that answers every command the same way, without a server.
    #[derive(Clone, Copy)]
    enum Fake {
        Panics,
        NeverAnswers,
        Wrongtype,
    }

    impl Fake {
        fn answer<'a, T: Send + 'a>(self, reply: fn(Value) -> T) -> RedisFuture<'a, T> {
            match self {
                Fake::Panics => Box::pin(async { panic!("connection bug") }),
                Fake::NeverAnswers => Box::pin(std::future::pending()),
                Fake::Wrongtype => {
                    let error = ::redis::make_extension_error("WRONGTYPE".into(), Some("Operation".into()));
                    let server = error.into_server_errors().expect("a server error")[0].1.clone();
                    Box::pin(async move { Ok(reply(Value::ServerError(server))) })
                }
            }
        }
    }

    impl ConnectionLike for Fake {
        fn req_packed_command<'a>(&'a mut self, _cmd: &'a Cmd) -> RedisFuture<'a, Value> {
            self.answer(|value| value)
        }

        fn req_packed_commands<'a>(
            &'a mut self,
            _pipeline: &'a Pipeline,
            _offset: usize,
            _count: usize,
        ) -> RedisFuture<'a, Vec<Value>> {
            self.answer(|value| vec![Value::Okay, value])
        }

        fn get_db(&self) -> i64 {
            0
        }
    }

    fn traced(fake: Fake, t: &TestTelemetry) -> InstrumentedRedis<Fake> {
        let info = "redis://cache.internal:6380/3"
            .into_connection_info()
            .expect("url");
        let services = PeerServices::new()
            .map("cache.internal:6380", "sessions")
            .expect("entry");
        InstrumentedRedis::builder(fake, &info)
            .providers(t.providers().peer_services(services))
            .build()
    }

    #[tokio::test]
    async fn a_connection_panic_is_one_exception_event_and_unwinds_on() {
        let t = TestTelemetry::new();
        let mut conn = traced(Fake::Panics, &t);
        let call =
            tokio::spawn(async move { ::redis::cmd("GET").arg("k").query_async::<Value>(&mut conn).await });
        assert!(call.await.expect_err("the panic goes on").is_panic());

        let spans = t.spans();
        let span = spans
            .span("GET")
            .has_kind(SpanKind::Client)
            .is_error()
            .has_error_description("connection bug")
            .has_attribute(ERROR_TYPE, "panic")
            .has_attribute(SERVER_SERVICE_NAME, "sessions");
        t.logs()
            .assert_count(1)
            .event(crate::front_end::exception_event::EXCEPTION_EVENT)
            .has_severity(Severity::Warn)
            .has_attribute(EXCEPTION_TYPE, "panic")
            .is_in_span(&span);
    }

    #[tokio::test]
    async fn a_dropped_call_ends_without_an_error_and_is_measured() {
        let t = TestTelemetry::new();
        let mut conn = traced(Fake::NeverAnswers, &t);
        let waited = tokio::time::timeout(
            Duration::from_millis(20),
            ::redis::pipe().get("a").get("b").query_async::<Value>(&mut conn),
        )
        .await;
        assert!(waited.is_err(), "the fake never answers");

        t.spans()
            .span("PIPELINE GET")
            .has_status_unset()
            .lacks_attribute(ERROR_TYPE);
        t.metrics()
            .metric(DB_CLIENT_OPERATION_DURATION)
            .histogram_point(&[(DB_OPERATION_NAME, "PIPELINE GET".into())])
            .has_count(1);
        assert!(t.logs().is_empty(), "a cancellation is no exception");
    }

    #[tokio::test]
    async fn an_error_inside_a_pipeline_reply_fails_the_batch() {
        let t = TestTelemetry::new();
        let mut conn = traced(Fake::Wrongtype, &t);
        let result = ::redis::pipe()
            .set("a", 1)
            .hget("a", "f")
            .query_async::<Value>(&mut conn)
            .await;
        assert!(result.is_err(), "{result:?}");
        let result = ::redis::cmd("HGET")
            .arg("a")
            .arg("f")
            .query_async::<Value>(&mut conn)
            .await;
        assert!(result.is_err(), "{result:?}");

        for name in ["PIPELINE", "HGET"] {
            t.spans()
                .span(name)
                .is_error()
                .has_attribute(ERROR_TYPE, "WRONGTYPE")
                .has_attribute(DB_RESPONSE_STATUS_CODE, "WRONGTYPE");
        }
    }
}
