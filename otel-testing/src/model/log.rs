//! Log records, decoded from OTLP.

use std::sync::Arc;

use opentelemetry::logs::Severity;
use opentelemetry_proto::tonic::logs::v1::ResourceLogs;

use super::hex_id::optional_hex_id;
use super::resource::ResourceInfo;
use super::scope::ScopeInfo;
use super::value::{AttributeValue, attributes_from_otlp, find};

/// One exported log record with its trace correlation.
#[derive(Clone, Debug)]
pub struct LogRecord {
    /// Event time in nanoseconds since the Unix epoch (0 when unset).
    pub time_unix_nano: u64,
    /// Time the SDK observed the record.
    pub observed_time_unix_nano: u64,
    /// OTLP severity number (1..=24, 0 when unset).
    pub severity_number: i32,
    /// Severity text (`INFO`, ...).
    pub severity_text: String,
    /// The body (the `tracing` message for bridged events).
    pub body: AttributeValue,
    /// Attributes (the `tracing` event's other fields).
    pub attributes: Vec<(String, AttributeValue)>,
    /// Trace id of the span the record was emitted in.
    pub trace_id: Option<String>,
    /// Span id of the span the record was emitted in.
    pub span_id: Option<String>,
    /// The event name, when set.
    pub event_name: String,
    /// The resource of the logger provider.
    pub resource: Arc<ResourceInfo>,
    /// The logger's instrumentation scope (the `tracing` target for bridged events).
    pub scope: Arc<ScopeInfo>,
}

impl LogRecord {
    /// The value of an attribute, if present.
    pub fn attribute(&self, key: &str) -> Option<&AttributeValue> {
        find(&self.attributes, key)
    }

    /// The severity, if the number is a valid OTLP severity.
    pub fn severity(&self) -> Option<Severity> {
        use Severity::*;
        const ALL: [Severity; 24] = [
            Trace, Trace2, Trace3, Trace4, Debug, Debug2, Debug3, Debug4, Info, Info2, Info3, Info4, Warn,
            Warn2, Warn3, Warn4, Error, Error2, Error3, Error4, Fatal, Fatal2, Fatal3, Fatal4,
        ];
        usize::try_from(self.severity_number - 1)
            .ok()
            .and_then(|i| ALL.get(i).copied())
    }

    /// The body as a string, if it is one.
    pub fn body_str(&self) -> Option<&str> {
        self.body.as_str()
    }
}

pub(crate) fn logs_from_otlp(resource_logs: &[ResourceLogs], out: &mut Vec<LogRecord>) {
    for rl in resource_logs {
        let resource = Arc::new(ResourceInfo::from_otlp(rl.resource.as_ref(), &rl.schema_url));
        for sl in &rl.scope_logs {
            let scope = Arc::new(ScopeInfo::from_otlp(sl.scope.as_ref()));
            out.extend(sl.log_records.iter().map(|l| LogRecord {
                time_unix_nano: l.time_unix_nano,
                observed_time_unix_nano: l.observed_time_unix_nano,
                severity_number: l.severity_number,
                severity_text: l.severity_text.clone(),
                body: AttributeValue::from_otlp(l.body.as_ref()),
                attributes: attributes_from_otlp(&l.attributes),
                trace_id: optional_hex_id(&l.trace_id),
                span_id: optional_hex_id(&l.span_id),
                event_name: l.event_name.clone(),
                resource: Arc::clone(&resource),
                scope: Arc::clone(&scope),
            }));
        }
    }
}
