//! [`Call`]: one Redis command or pipeline in flight: the CLIENT span, its attributes
//! and the duration measurement, ended exactly once (on the reply, on an error, on a
//! panic, or when dropped). [`Shared`]: what every call of one wrapper shares.

use std::borrow::Cow;
use std::sync::Arc;
use std::time::Instant;

use opentelemetry::logs::Severity;
use opentelemetry::metrics::{Histogram, Meter};
use opentelemetry::trace::{SpanBuilder, SpanKind, Status, TraceContextExt as _};
use opentelemetry::{Context, InstrumentationScope, KeyValue, StringValue};
use otel_kit_core::__private::call::{ERROR_TYPE_PANIC, EndEarly};
use otel_kit_core::__private::{Resolver, exception};
use otel_kit_core::Providers;
use otel_kit_semconv::attribute::{
    DB_OPERATION_BATCH_SIZE, DB_OPERATION_NAME, DB_QUERY_TEXT, DB_RESPONSE_STATUS_CODE,
    DB_STORED_PROCEDURE_NAME, ERROR_TYPE,
};
use smallvec::SmallVec;

use super::command::Described;
use super::outcome::Failure;
use crate::front_end::duration::operation_duration;
use crate::front_end::endpoint::Endpoint;
use crate::front_end::exception_event::{EXCEPTION_EVENT, record_failure};
use crate::options::QueryTextSetting;

/// The instruments of every Redis wrapper.
pub(crate) struct Instruments {
    duration: Histogram<f64>,
}

impl otel_kit_core::__private::Instruments for Instruments {
    /// `OTEL_INSTRUMENTATION_<NAME>_ENABLED` names (docs/configuration.md, "The Java agent's switches").
    const SWITCHES: &'static [&'static str] = &["REDIS"];

    fn scope() -> InstrumentationScope {
        crate::scope::SCOPE.get()
    }

    // The same instrument as the pool wrapper's (name, unit, description, buckets), so
    // an SDK given both sees one.
    fn new(meter: Meter) -> Self {
        Self {
            duration: operation_duration(&meter),
        }
    }

    otel_kit_core::__private::instruments_cache!(Instruments);
}

/// What every call of one wrapper (and its clones) shares.
#[derive(Debug)]
pub(crate) struct Shared {
    pub(crate) endpoint: Endpoint,
    pub(crate) query_text: QueryTextSetting,
    pub(crate) resolver: Resolver<Instruments>,
}

impl Shared {
    pub(crate) fn new(endpoint: Endpoint, query_text: QueryTextSetting, providers: Providers) -> Self {
        Self {
            endpoint,
            query_text,
            resolver: Resolver::new(providers),
        }
    }
}

/// How a call ended.
enum Outcome {
    Done,
    Failed(Failure),
    /// The connection's future panicked with this description.
    Panicked(Cow<'static, str>),
    /// Dropped before it completed: no status.
    Cancelled,
}

/// The metric's attributes, on the stack: the endpoint's (at most six), the operation
/// and the procedure, and a failure's two.
type Attributes = SmallVec<[KeyValue; 10]>;

/// A command or pipeline in flight.
pub(crate) struct Call {
    /// The CLIENT span's context, current while the connection's future runs.
    cx: Context,
    start: Instant,
    /// The duration metric's attributes (the span's, less the text and batch size).
    attributes: Attributes,
    shared: Arc<Shared>,
    finished: bool,
}

impl Call {
    /// Starts the span, a child of the current context.
    pub(crate) fn start(shared: &Arc<Shared>, described: Described) -> Self {
        let endpoint = &shared.endpoint;
        let mut attributes: Attributes = endpoint.attributes(endpoint.system).collect();
        let name = match (described.name, described.procedure) {
            (Some(name), procedure) => {
                attributes.push(KeyValue::new(DB_OPERATION_NAME, name.clone()));
                match procedure {
                    // `{db.operation.name} {target}`, the procedure being the target.
                    Some(procedure) => {
                        let span_name = Cow::Owned(format!("{name} {procedure}"));
                        attributes.push(KeyValue::new(
                            DB_STORED_PROCEDURE_NAME,
                            StringValue::from(procedure),
                        ));
                        span_name
                    }
                    None => name,
                }
            }
            // No name that looks like a command: the target, else the system.
            (None, _) => endpoint
                .span_target()
                .map_or(Cow::Borrowed(endpoint.system), Cow::Owned),
        };
        let mut span_attributes = Vec::with_capacity(attributes.len() + 3);
        span_attributes.extend(attributes.iter().cloned());
        if let Some(size) = described.batch_size {
            span_attributes.push(KeyValue::new(
                DB_OPERATION_BATCH_SIZE,
                i64::try_from(size).unwrap_or(i64::MAX),
            ));
        }
        if let Some(text) = described.text {
            span_attributes.push(KeyValue::new(DB_QUERY_TEXT, text));
        }
        let parent = Context::current();
        let start = Instant::now();
        let cx = shared.resolver.with(Some(start), |resolved| {
            let builder = SpanBuilder::from_name(name)
                .with_kind(SpanKind::Client)
                .with_attributes(span_attributes);
            let peer = endpoint
                .address
                .as_ref()
                .map(|a| (a.as_str(), endpoint.actual_port, ""));
            resolved.start_span_to(builder, &parent, peer).0
        });
        Self {
            cx,
            start,
            attributes,
            shared: Arc::clone(shared),
            finished: false,
        }
    }

    /// Ends the call with the reply's outcome: `None` when it succeeded.
    pub(crate) fn finish(mut self, failure: Option<Failure>) {
        self.end(match failure {
            None => Outcome::Done,
            Some(failure) => Outcome::Failed(failure),
        });
    }

    fn end(&mut self, outcome: Outcome) {
        if self.finished {
            return;
        }
        self.finished = true;
        let span = self.cx.span();
        match outcome {
            Outcome::Done | Outcome::Cancelled => {}
            Outcome::Panicked(description) => {
                let kv = KeyValue::new(ERROR_TYPE, ERROR_TYPE_PANIC);
                span.set_attribute(kv.clone());
                self.attributes.push(kv);
                span.set_status(Status::error(description));
            }
            Outcome::Failed(failure) => {
                if let Some(code) = failure.status_code {
                    let kv = KeyValue::new(DB_RESPONSE_STATUS_CODE, code);
                    span.set_attribute(kv.clone());
                    self.attributes.push(kv);
                }
                let kv = KeyValue::new(ERROR_TYPE, failure.error_type);
                span.set_attribute(kv.clone());
                self.attributes.push(kv);
                // The description is the reply's text without the command's arguments.
                self.shared.resolver.with(None, |resolved| {
                    record_failure(resolved, &self.cx, failure.exception_type, failure.description);
                });
            }
        }
        let seconds = self.start.elapsed().as_secs_f64();
        // Recorded in the span's context, so an SDK that keeps exemplars links the
        // measurement to the span.
        let _guard = self.cx.clone().attach();
        self.shared.resolver.with(None, |resolved| {
            resolved.instruments().duration.record(seconds, &self.attributes);
        });
        span.end();
    }
}

impl EndEarly for Call {
    fn context(&self) -> &Context {
        &self.cx
    }

    /// The panic is recorded once, as the `db.client.operation.exception` event
    /// (severity WARN, in the span's context; docs/errors.md), and on the span and the
    /// metric.
    fn panicked(mut self, payload: &(dyn std::any::Any + Send)) {
        let event = (EXCEPTION_EVENT, Severity::Warn);
        let fallback = "the Redis connection panicked";
        let description = exception::record_panic(&self.shared.resolver, &self.cx, event, payload, fallback);
        self.end(Outcome::Panicked(description));
    }

    /// A cancelled call ends with no status: the caller stopped waiting.
    fn cancelled(mut self) {
        self.end(Outcome::Cancelled);
    }
}

impl Drop for Call {
    fn drop(&mut self) {
        self.end(Outcome::Cancelled);
    }
}
