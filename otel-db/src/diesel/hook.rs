//! [`DieselInstrumentation`]: diesel's `Instrumentation` hook, turning the events a
//! connection reports into the shared core's calls: a CLIENT span and a
//! `db.client.operation.duration` measurement per query (`StartQuery` to
//! `FinishQuery`), transaction steps named by their depth, and a span per connection
//! attempt.

use std::sync::Arc;
use std::time::Instant;

use diesel::connection::{DebugQuery, Instrumentation as DieselHook, InstrumentationEvent};
use opentelemetry::trace::{Span as _, SpanKind, Status, Tracer as _};
use opentelemetry::{Context, KeyValue, global::BoxedSpan};
use otel_kit_semconv::attribute::{DB_NAMESPACE, DB_SYSTEM_NAME, ERROR_TYPE};

use super::config::{Config, Connection};
use super::failure;
use super::frontend::Diesel;
use super::query_text::{self, Read};
use crate::sql_core::call::{Call, Outcome};
use crate::sql_core::operation::DbOperation;
use crate::sql_core::statement::Statement;
use crate::sql_core::statement_cache;

/// The most queries of one connection in flight at once (diesel-async pipelines them);
/// past it the oldest, whose end was never reported (a dropped future), ends now.
const MAX_IN_FLIGHT: usize = 32;

/// The name of a connection attempt's span (see the module docs: not an operation).
pub(crate) const CONNECT_SPAN: &str = "connect";

/// diesel's [`Instrumentation`](diesel::connection::Instrumentation) for one
/// connection, made by [`DieselBuilder`](super::DieselBuilder) (or
/// [`instrumentation`](super::instrumentation)) and given to
/// `connection.set_instrumentation(...)`, or made by diesel for each new connection
/// after [`install_default`](super::install_default).
///
/// ```
/// use diesel::connection::Instrumentation as _;
///
/// let hook = otel_kit_db::diesel::instrumentation("postgres://app@db.internal/shop");
/// assert_eq!(hook.system_name(), Some("postgresql"));
/// ```
pub struct DieselInstrumentation {
    config: Arc<Config>,
    /// Where the connection goes: known from the start, or from the
    /// `StartEstablishConnection` event.
    connection: Option<Connection>,
    /// The decoded text of the query at hand, reused from query to query.
    text: String,
    in_flight: Vec<InFlight>,
    /// The transaction step diesel announced for the next query.
    step: Option<&'static str>,
    connecting: Option<BoxedSpan>,
}

struct InFlight {
    statement: Arc<Statement>,
    call: Call<Diesel>,
}

impl std::fmt::Debug for DieselInstrumentation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DieselInstrumentation")
            .field("system_name", &self.system_name())
            .field("in_flight", &self.in_flight.len())
            .finish_non_exhaustive()
    }
}

impl DieselInstrumentation {
    pub(crate) fn new(config: Arc<Config>, connection: Option<Connection>) -> Self {
        Self {
            config,
            connection,
            text: String::new(),
            in_flight: Vec::new(),
            step: None,
            connecting: None,
        }
    }

    /// `db.system.name` of this connection's spans; `None` before diesel reported the
    /// connection's URL (an instrumentation made by diesel, not yet connected).
    pub fn system_name(&self) -> Option<&'static str> {
        self.connection.as_ref().map(|c| c.instrumentation.system())
    }

    fn start_connecting(&mut self, url: &str) {
        let connection = self.config.connection(url);
        let instrumentation = &connection.instrumentation;
        let attributes: Vec<KeyValue> = instrumentation
            .endpoint
            .attributes(instrumentation.system())
            .filter(|kv| kv.key.as_str() != DB_SYSTEM_NAME && kv.key.as_str() != DB_NAMESPACE)
            .collect();
        let span = instrumentation.with(Some(Instant::now()), |resolved| {
            let tracer = resolved.tracer();
            tracer.build_with_context(
                tracer
                    .span_builder(CONNECT_SPAN)
                    .with_kind(SpanKind::Client)
                    .with_attributes(attributes),
                &Context::current(),
            )
        });
        self.connecting = Some(span);
        self.connection = Some(connection);
    }

    fn finish_connecting(&mut self, error: Option<&diesel::ConnectionError>) {
        let Some(mut span) = self.connecting.take() else {
            return;
        };
        if let Some(error) = error {
            let (kind, description) = failure::connection(error);
            span.set_attribute(KeyValue::new(ERROR_TYPE, kind));
            span.set_status(Status::error(description));
        }
        span.end();
    }

    fn start_query(&mut self, query: &dyn DebugQuery) {
        let Some(connection) = &self.connection else {
            return;
        };
        let has_binds = match query_text::read(query, &mut self.text) {
            Read::Text { has_binds } => has_binds,
            Read::Unrecognised => true,
        };
        let step = self.step.take().filter(|step| starts_step(&self.text, step));
        let mode = connection.instrumentation.options.query_text.get();
        let sanitize = mode.sanitizes(has_binds);
        let statement = statement_cache::describe(&self.text, connection.dialect, sanitize);
        let text = match self.text.is_empty() {
            true => None,
            false => statement.query_text(mode, has_binds),
        };
        let operation = step.map(|name| DbOperation::new().name(name));
        let call = Call::start(
            &connection.instrumentation,
            &Context::current(),
            Arc::clone(&statement),
            operation.as_ref(),
            text,
        );
        if self.in_flight.len() == MAX_IN_FLIGHT {
            // Its span ends with no status, as a cancelled query's does.
            drop(self.in_flight.remove(0));
        }
        self.in_flight.push(InFlight { statement, call });
    }

    fn finish_query(&mut self, query: &dyn DebugQuery, error: Option<&diesel::result::Error>) {
        let Some(connection) = &self.connection else {
            return;
        };
        let classify = connection.classify;
        let index = match self.in_flight.len() {
            0 => return,
            // The usual case: one query at a time, no need to read the text again.
            1 => 0,
            _ => {
                let dialect = connection.dialect;
                match query_text::read(query, &mut self.text) {
                    Read::Text { .. } => self
                        .in_flight
                        .iter()
                        .position(|f| f.statement.is(&self.text, dialect))
                        .unwrap_or(0),
                    Read::Unrecognised => 0,
                }
            }
        };
        let InFlight { call, .. } = self.in_flight.remove(index);
        call.finish(match error {
            Some(error) => Outcome::Failed(classify(error)),
            None => Outcome::Done { rows: 0 },
        });
    }
}

/// Whether `text` is the statement of transaction step `step` (diesel announces the
/// step, then runs it; a step that failed before its statement announced nothing true).
fn starts_step(text: &str, step: &str) -> bool {
    let first = text.split_whitespace().next().unwrap_or_default();
    let expected: &[&str] = match step {
        "BEGIN" => &["BEGIN", "START"],
        "COMMIT" => &["COMMIT", "END"],
        "RELEASE SAVEPOINT" => &["RELEASE"],
        "SAVEPOINT" => &["SAVEPOINT"],
        _ => &["ROLLBACK"],
    };
    expected.iter().any(|e| first.eq_ignore_ascii_case(e))
}

impl DieselHook for DieselInstrumentation {
    fn on_connection_event(&mut self, event: InstrumentationEvent<'_>) {
        match event {
            InstrumentationEvent::StartEstablishConnection { url, .. } => self.start_connecting(url),
            InstrumentationEvent::FinishEstablishConnection { error, .. } => self.finish_connecting(error),
            InstrumentationEvent::StartQuery { query, .. } => self.start_query(query),
            InstrumentationEvent::FinishQuery { query, error, .. } => self.finish_query(query, error),
            InstrumentationEvent::BeginTransaction { depth, .. } => {
                self.step = Some(if depth.get() == 1 { "BEGIN" } else { "SAVEPOINT" });
            }
            InstrumentationEvent::CommitTransaction { depth, .. } => {
                self.step = Some(if depth.get() == 1 {
                    "COMMIT"
                } else {
                    "RELEASE SAVEPOINT"
                });
            }
            InstrumentationEvent::RollbackTransaction { depth, .. } => {
                self.step = Some(if depth.get() == 1 {
                    "ROLLBACK"
                } else {
                    "ROLLBACK TO SAVEPOINT"
                });
            }
            // `CacheQuery` (a statement prepared), and whatever later versions add.
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_step_is_recognised_by_its_statement() {
        assert!(starts_step("BEGIN", "BEGIN"));
        assert!(starts_step(
            "begin transaction isolation level serializable",
            "BEGIN"
        ));
        assert!(starts_step("START TRANSACTION", "BEGIN"));
        assert!(starts_step(
            "RELEASE SAVEPOINT diesel_savepoint_1",
            "RELEASE SAVEPOINT"
        ));
        assert!(starts_step(
            "ROLLBACK TO SAVEPOINT diesel_savepoint_1",
            "ROLLBACK TO SAVEPOINT"
        ));
        assert!(!starts_step("SELECT 1", "COMMIT"));
    }
}
