//! [`Call`]: one database operation in flight: the CLIENT span, its attributes, and the
//! duration measurement, ended exactly once (on completion, on error, on a panic, or
//! when dropped).

use std::borrow::Cow;
use std::sync::Arc;
use std::time::{Duration, Instant};

use opentelemetry::logs::Severity;
use opentelemetry::trace::{SpanBuilder, SpanKind, Status, TraceContextExt as _};
use opentelemetry::{Context, KeyValue, StringValue};
use otel_kit_core::__private::call::{ERROR_TYPE_PANIC, EndEarly};
use otel_kit_core::__private::exception;
use otel_kit_core::kit_names::{DB_SLOW_QUERY, DB_SLOW_QUERY_EVENT};
use otel_kit_core::log_events::LogEvent;
use otel_kit_semconv::attribute::{
    DB_OPERATION_BATCH_SIZE, DB_QUERY_SUMMARY, DB_QUERY_TEXT, DB_RESPONSE_RETURNED_ROWS,
    DB_RESPONSE_STATUS_CODE, DB_SYSTEM_NAME, ERROR_TYPE,
};
use smallvec::SmallVec;

use crate::front_end::exception_event::{EXCEPTION_EVENT, record_failure};
use crate::sql_core::instrumentation::{Frontend, Instrumentation};
use crate::sql_core::operation::DbOperation;
use crate::sql_core::outcome::Failure;
use crate::sql_core::statement::Statement;

/// How an operation ended.
pub(crate) enum Outcome {
    /// It completed; `rows` is how many rows it returned.
    Done { rows: u64 },
    /// It failed, as the front-end read its error.
    Failed(Failure),
    /// Its caller stopped reading after `rows` rows (a stream dropped early): no status.
    Abandoned { rows: u64 },
    /// The driver's future panicked with this description.
    Panicked(Cow<'static, str>),
}

/// The duration metric's attributes, on the stack: the endpoint's (at most six), the
/// statement's (at most four) and a failure's (at most two).
type MetricAttributes = SmallVec<[KeyValue; 12]>;

/// A database operation in flight, on a pool or client of front-end `F`.
pub(crate) struct Call<F: Frontend> {
    /// The CLIENT span's context, current while the driver's future runs.
    cx: Context,
    /// Whether the span records (is sampled): one that does not is not ended.
    recording: bool,
    start: Instant,
    /// `db.system.name` when the operation started.
    system: &'static str,
    statement: Arc<Statement>,
    /// The span's endpoint and statement attributes when the caller gave an
    /// [`DbOperation`] (they are this call's own, not the statement's).
    described: Option<Box<[KeyValue]>>,
    instrumentation: Arc<Instrumentation<F>>,
    finished: bool,
}

impl<F: Frontend> Call<F> {
    /// Starts the span, a child of `parent`. `operation` is what the caller said about
    /// the query, `text` the `db.query.text` to record.
    pub(crate) fn start(
        instrumentation: &Arc<Instrumentation<F>>,
        parent: &Context,
        statement: Arc<Statement>,
        operation: Option<&DbOperation>,
        text: Option<StringValue>,
    ) -> Self {
        Self::started_ago(instrumentation, parent, statement, operation, text, None)
    }

    /// [`start`](Self::start) for an operation that began `ago` before now (one
    /// learnt of once it ended): the span and the duration measurement start then.
    pub(crate) fn started_ago(
        instrumentation: &Arc<Instrumentation<F>>,
        parent: &Context,
        statement: Arc<Statement>,
        operation: Option<&DbOperation>,
        text: Option<StringValue>,
        ago: Option<Duration>,
    ) -> Self {
        let system = instrumentation.system();
        let (described, name) = match operation {
            None => (None, statement.name().cloned()),
            Some(operation) => {
                let (statement_attributes, name) = operation.describe(&statement);
                let described: Box<[KeyValue]> = instrumentation
                    .endpoint
                    .attributes(system)
                    .chain(statement_attributes)
                    .collect();
                (Some(described), name)
            }
        };
        // Made before the span starts when the sampler reads attributes, else only once
        // it records: a dropped span makes none.
        let attributes = || {
            let mut attributes = Vec::with_capacity(14);
            match &described {
                None => match statement.operation_attributes(instrumentation, system) {
                    Some(fixed) => attributes.extend_from_slice(fixed),
                    None => {
                        attributes.extend(instrumentation.endpoint.attributes(system));
                        attributes.extend_from_slice(statement.attributes());
                    }
                },
                Some(described) => attributes.extend_from_slice(described),
            }
            if let Some(size) = statement.batch_size() {
                attributes.push(KeyValue::new(DB_OPERATION_BATCH_SIZE, size));
            }
            if let Some(text) = text {
                attributes.push(KeyValue::new(DB_QUERY_TEXT, text));
            }
            attributes
        };
        // Nothing recognised in the text: the target, else the system (the conventions'
        // last two steps).
        let name = name.unwrap_or_else(|| {
            instrumentation
                .endpoint
                .span_target()
                .map_or(Cow::Borrowed(system), Cow::Owned)
        });
        let now = Instant::now();
        let start = ago.and_then(|ago| now.checked_sub(ago)).unwrap_or(now);
        let (cx, recording) = instrumentation.with(Some(now), |resolved| {
            let mut builder = SpanBuilder::from_name(name).with_kind(SpanKind::Client);
            if let Some(ago) = ago {
                builder.start_time = std::time::SystemTime::now().checked_sub(ago);
            }
            let endpoint = &instrumentation.endpoint;
            let peer = endpoint
                .address
                .as_ref()
                .map(|a| (a.as_str(), endpoint.actual_port, ""));
            resolved.start_span_to_with(builder, parent, peer, attributes)
        });
        Self {
            cx,
            recording,
            start,
            system,
            statement,
            described,
            instrumentation: Arc::clone(instrumentation),
            finished: false,
        }
    }

    /// Records the outcome on the span and the metric, then ends the span.
    pub(crate) fn finish(mut self, outcome: Outcome) {
        self.end(Some(outcome));
    }

    fn end(&mut self, outcome: Option<Outcome>) {
        if self.finished {
            return;
        }
        self.finished = true;
        // A failure's attributes, added to the fixed ones.
        let mut failure_attributes = SmallVec::<[KeyValue; 2]>::new();
        let span = self.cx.span();
        match outcome {
            Some(Outcome::Done { rows } | Outcome::Abandoned { rows })
                if self.instrumentation.options.returned_rows && self.recording =>
            {
                span.set_attribute(KeyValue::new(
                    DB_RESPONSE_RETURNED_ROWS,
                    i64::try_from(rows).unwrap_or(i64::MAX),
                ));
            }
            Some(Outcome::Done { .. } | Outcome::Abandoned { .. }) => {}
            Some(Outcome::Panicked(description)) => {
                let kv = KeyValue::new(ERROR_TYPE, ERROR_TYPE_PANIC);
                span.set_attribute(kv.clone());
                failure_attributes.push(kv);
                span.set_status(Status::error(description));
            }
            Some(Outcome::Failed(failure)) => {
                if let Some(code) = failure.status_code {
                    let kv = KeyValue::new(DB_RESPONSE_STATUS_CODE, code);
                    span.set_attribute(kv.clone());
                    failure_attributes.push(kv);
                }
                if let Some(error_type) = failure.error_type {
                    let kv = KeyValue::new(ERROR_TYPE, error_type);
                    span.set_attribute(kv.clone());
                    failure_attributes.push(kv);
                    // The description is the driver's text without the query's values.
                    self.instrumentation.with(None, |resolved| {
                        record_failure(resolved, &self.cx, failure.exception_type, failure.description);
                    });
                }
                if failure.pool_timeout {
                    self.instrumentation.count_timeout();
                }
            }
            // Dropped before it completed (a cancelled future): the span ends now, with
            // no status; the time so far is still measured.
            None => {}
        }
        let elapsed = self.start.elapsed();
        let seconds = elapsed.as_secs_f64();
        let instrumentation = &self.instrumentation;
        let fixed = match &self.described {
            Some(described) => Some(&**described),
            None => self.statement.operation_attributes(instrumentation, self.system),
        };
        let all: MetricAttributes;
        // The statement's own set on its pool: bound once, found by the statement's
        // address (a caller's operation or a failure makes another set).
        let bound_key = (self.described.is_none() && fixed.is_some() && failure_attributes.is_empty())
            .then(|| (Arc::as_ptr(&self.statement) as usize, instrumentation.id()));
        let attributes: &[KeyValue] = match fixed {
            // The usual case: the attributes made once for this text and pool (or for
            // this call, with a caller's operation), as they are.
            Some(fixed) if failure_attributes.is_empty() => fixed,
            _ => {
                let mut extended = MetricAttributes::new();
                match fixed {
                    Some(fixed) => extended.extend(fixed.iter().cloned()),
                    None => {
                        extended.extend(instrumentation.endpoint.attributes(self.system));
                        extended.extend(self.statement.attributes().iter().cloned());
                    }
                }
                extended.extend(failure_attributes);
                all = extended;
                &all
            }
        };
        // Recorded in the span's context, so an SDK that keeps exemplars links the
        // measurement to the span (already current when the call ends in its future).
        let _guard = otel_kit_core::__private::call::current_or_attach(&self.cx);
        instrumentation.with(None, |resolved| {
            let instruments = resolved.instruments();
            instruments.bound_durations.record(
                &instruments.duration,
                seconds,
                || attributes,
                bound_key,
                || {
                    let statement: Arc<dyn Send + Sync> = self.statement.clone();
                    Some(statement)
                },
            );
            if let Some(threshold) = instrumentation.slow_query_threshold()
                && elapsed >= threshold
            {
                span.set_attribute(KeyValue::new(DB_SLOW_QUERY, true));
                resolved.emit(self.slow_query_event(elapsed, threshold), &self.cx);
            }
        });
        // A span that does not record has nothing to end (each call on it takes a lock).
        if self.recording {
            span.end();
        }
    }

    /// The WARN record of an operation that took at least the slow-query threshold: what
    /// ran (system, summary) and how long, never the query's values.
    fn slow_query_event(&self, elapsed: Duration, threshold: Duration) -> LogEvent {
        LogEvent::new(DB_SLOW_QUERY_EVENT, Severity::Warn)
            .attribute(DB_SLOW_QUERY, true)
            .attribute(DB_SYSTEM_NAME, self.system)
            .attribute_opt(
                DB_QUERY_SUMMARY,
                self.statement.summary().map(|s| s.as_str().to_owned()),
            )
            .body(format!(
                "slow {} operation: {} ms, at least the threshold of {} ms",
                self.system,
                elapsed.as_millis(),
                threshold.as_millis()
            ))
    }
}

impl<F: Frontend> EndEarly for Call<F> {
    /// The span's context (also what the SQL commenter writes).
    fn context(&self) -> &Context {
        &self.cx
    }

    /// The panic is recorded once, as the `db.client.operation.exception` event
    /// (severity WARN, in the span's context; docs/errors.md), and on the span and the
    /// metric.
    fn panicked(mut self, payload: &(dyn std::any::Any + Send)) {
        let description =
            otel_kit_core::__private::panic_payload::description(payload, "the database driver panicked");
        let event = exception::panic_event(EXCEPTION_EVENT, Severity::Warn, &description);
        self.instrumentation
            .with(None, |resolved| resolved.emit(event, &self.cx));
        self.end(Some(Outcome::Panicked(description)));
    }

    /// A cancelled operation ends with no status: the caller stopped waiting.
    fn cancelled(mut self) {
        self.end(None);
    }
}

impl<F: Frontend> Drop for Call<F> {
    fn drop(&mut self) {
        self.end(None);
    }
}

#[cfg(all(test, feature = "postgres"))]
mod tests {
    use opentelemetry::trace::SpanKind;
    use otel_kit_core::PeerServices;
    use otel_kit_testing::TestTelemetry;

    use super::*;
    use crate::front_end::endpoint::Endpoint;
    use crate::options::Options;
    use crate::sql::SqlDialect;

    #[test]
    fn a_driver_panic_is_one_exception_event_and_the_mapped_peer_is_named() {
        let t = TestTelemetry::new();
        let services = PeerServices::new()
            .map("db.internal:5433", "ledger")
            .expect("entry");
        let instrumentation = Arc::new(Instrumentation::<crate::sqlx::frontend::Sqlx>::new(
            Endpoint::network("postgresql", Some("shop"), "db.internal", 5433, 5432),
            Options::default(),
            t.providers().peer_services(services),
            false,
        ));
        let statement = Arc::new(Statement::new("SELECT 1", SqlDialect::PostgreSql, false));
        let call = Call::start(&instrumentation, &Context::new(), statement, None, None);
        let payload: Box<dyn std::any::Any + Send> = Box::new("driver bug");
        call.panicked(&*payload);

        let spans = t.spans();
        let span = spans
            .span_where("the operation", |s| s.kind == SpanKind::Client)
            .is_error()
            .has_error_description("driver bug")
            .has_attribute("error.type", "panic")
            .has_attribute("server.service.name", "ledger");
        t.logs()
            .assert_count(1)
            .event(EXCEPTION_EVENT)
            .has_severity(Severity::Warn)
            .has_attribute("exception.type", "panic")
            .has_attribute("exception.message", "driver bug")
            .is_in_span(&span);
    }
}
