//! Rebuilding a log record with some attributes or the body changed: the 0.33 SDK can
//! add attributes to a record but not remove or replace them, so the redacting and the
//! truncating log processors make a new record and copy every other field over. (The
//! SDK makes records only through a logger; the log queue takes blank ones from here
//! too.)

use opentelemetry::Key;
use opentelemetry::logs::{AnyValue, LogRecord as _, Logger as _, LoggerProvider as _};
use opentelemetry_sdk::logs::{SdkLogRecord, SdkLogger, SdkLoggerProvider};

/// Makes the blank records; one per processor.
#[derive(Debug)]
pub(crate) struct Blank(SdkLogger);

impl Blank {
    pub(crate) fn new(name: &'static str) -> Self {
        Blank(SdkLoggerProvider::builder().build().logger(name))
    }

    /// An empty record.
    #[inline]
    pub(crate) fn record(&self) -> SdkLogRecord {
        self.0.create_log_record()
    }

    /// Replaces `record` with a copy whose body is `body` (the old one when `None`) and
    /// whose attributes are what `attribute` returns for each (`None` drops it).
    pub(crate) fn rebuild(
        &self,
        record: &mut SdkLogRecord,
        body: Option<AnyValue>,
        mut attribute: impl FnMut(&Key, &AnyValue) -> Option<AnyValue>,
    ) {
        let mut out = self.record();
        if let Some(name) = record.event_name() {
            out.set_event_name(name);
        }
        if let Some(target) = record.target() {
            out.set_target(target.clone());
        }
        if let Some(t) = record.timestamp() {
            out.set_timestamp(t);
        }
        if let Some(t) = record.observed_timestamp() {
            out.set_observed_timestamp(t);
        }
        if let Some(tc) = record.trace_context() {
            out.set_trace_context(tc.trace_id, tc.span_id, tc.trace_flags);
        }
        if let Some(text) = record.severity_text() {
            out.set_severity_text(text);
        }
        if let Some(n) = record.severity_number() {
            out.set_severity_number(n);
        }
        if let Some(b) = body.or_else(|| record.body().cloned()) {
            out.set_body(b);
        }
        for (k, v) in record.attributes_iter() {
            if let Some(v) = attribute(k, v) {
                out.add_attribute(k.clone(), v);
            }
        }
        *record = out;
    }
}
