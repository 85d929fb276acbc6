//! One traced database operation: the CLIENT span, its attributes, and the duration
//! measurement, ended exactly once (on completion, on error, or when dropped).

use std::sync::Arc;
use std::time::Instant;

use opentelemetry::trace::{SpanKind, Status, TraceContextExt as _, Tracer as _};
use opentelemetry::{Context, KeyValue};
use opentelemetry_semantic_conventions::attribute::{
    DB_COLLECTION_NAME, DB_OPERATION_BATCH_SIZE, DB_OPERATION_NAME, DB_QUERY_SUMMARY, DB_QUERY_TEXT,
    DB_RESPONSE_RETURNED_ROWS, DB_RESPONSE_STATUS_CODE, DB_STORED_PROCEDURE_NAME, ERROR_TYPE,
};

use crate::instrumentation::Instrumentation;
use crate::outcome::Failure;
use crate::sql::QueryInfo;

/// How an operation ended.
pub(crate) enum Outcome<'a> {
    /// It completed; `rows` is how many rows it returned.
    Done { rows: u64 },
    /// It failed.
    Failed(&'a sqlx::Error),
    /// Its caller stopped reading after `rows` rows (a stream dropped early): no status.
    Abandoned { rows: u64 },
}

pub(crate) struct Operation {
    cx: Context,
    start: Instant,
    metric_attributes: Vec<KeyValue>,
    instrumentation: Arc<Instrumentation>,
    classify: fn(&sqlx::Error) -> Failure,
    finished: bool,
}

impl Operation {
    /// Starts the span, a child of `parent`. `text` is the `db.query.text` to record.
    pub(crate) fn start(
        instrumentation: &Arc<Instrumentation>,
        parent: &Context,
        info: QueryInfo,
        text: Option<String>,
        classify: fn(&sqlx::Error) -> Failure,
    ) -> Self {
        let system = instrumentation.system();
        let mut attributes = Vec::with_capacity(10);
        instrumentation.endpoint.attributes(system, &mut attributes);
        let name = span_name(&info, system);
        let QueryInfo {
            summary,
            operation_name,
            collection_name,
            stored_procedure_name,
            batch_size,
        } = info;
        if let Some(op) = operation_name {
            attributes.push(KeyValue::new(DB_OPERATION_NAME, op));
        }
        if let Some(collection) = collection_name {
            attributes.push(KeyValue::new(DB_COLLECTION_NAME, collection));
        }
        if let Some(summary) = summary {
            attributes.push(KeyValue::new(DB_QUERY_SUMMARY, summary));
        }
        if let Some(procedure) = stored_procedure_name {
            attributes.push(KeyValue::new(DB_STORED_PROCEDURE_NAME, procedure));
        }
        let metric_attributes = attributes.clone();
        if let Some(size) = batch_size {
            attributes.push(KeyValue::new(
                DB_OPERATION_BATCH_SIZE,
                i64::try_from(size).unwrap_or(i64::MAX),
            ));
        }
        if let Some(text) = text {
            attributes.push(KeyValue::new(DB_QUERY_TEXT, text));
        }
        let tracer = &instrumentation.tracer;
        let span = tracer
            .span_builder(name)
            .with_kind(SpanKind::Client)
            .with_attributes(attributes)
            .start_with_context(tracer, parent);
        Self {
            cx: parent.with_span(span),
            start: Instant::now(),
            metric_attributes,
            instrumentation: Arc::clone(instrumentation),
            classify,
            finished: false,
        }
    }

    /// The context holding the span (for the SQL commenter).
    pub(crate) fn context(&self) -> &Context {
        &self.cx
    }

    /// Records the outcome on the span and the metric, then ends the span.
    pub(crate) fn finish(mut self, outcome: Outcome<'_>) {
        self.end(Some(outcome));
    }

    fn end(&mut self, outcome: Option<Outcome<'_>>) {
        if self.finished {
            return;
        }
        self.finished = true;
        let span = self.cx.span();
        match outcome {
            Some(Outcome::Done { rows } | Outcome::Abandoned { rows })
                if self.instrumentation.options.returned_rows =>
            {
                span.set_attribute(KeyValue::new(
                    DB_RESPONSE_RETURNED_ROWS,
                    i64::try_from(rows).unwrap_or(i64::MAX),
                ));
            }
            Some(Outcome::Done { .. } | Outcome::Abandoned { .. }) => {}
            Some(Outcome::Failed(error)) => {
                let failure = (self.classify)(error);
                if let Some(code) = failure.status_code {
                    let kv = KeyValue::new(DB_RESPONSE_STATUS_CODE, code);
                    span.set_attribute(kv.clone());
                    self.metric_attributes.push(kv);
                }
                if let Some(error_type) = failure.error_type {
                    let kv = KeyValue::new(ERROR_TYPE, error_type);
                    span.set_attribute(kv.clone());
                    self.metric_attributes.push(kv);
                    span.set_status(Status::error(failure.description));
                }
                if failure.pool_timeout {
                    self.instrumentation.count_timeout();
                }
            }
            // Dropped before it completed (a cancelled future): the span ends now, with
            // no status; the time so far is still measured.
            None => {}
        }
        let seconds = self.start.elapsed().as_secs_f64();
        self.instrumentation
            .duration
            .record(seconds, &self.metric_attributes);
        span.end();
    }
}

impl Drop for Operation {
    fn drop(&mut self) {
        self.end(None);
    }
}

/// `db.query.summary`, else `{db.operation.name} {db.collection.name}`, else the system.
fn span_name(info: &QueryInfo, system: &'static str) -> String {
    if let Some(summary) = &info.summary {
        return summary.clone();
    }
    match (&info.operation_name, &info.collection_name) {
        (Some(op), Some(collection)) => format!("{op} {collection}"),
        (Some(op), None) => op.clone(),
        _ => system.to_owned(),
    }
}
