//! The data model every assertion reads: spans, metrics and log records decoded from
//! OTLP, whether they came from the in-memory exporters or over the wire.

mod log;
mod metric;
mod span;
mod value;

pub use log::LogRecord;
pub(crate) use log::logs_from_otlp;
pub(crate) use metric::metrics_from_otlp;
pub use metric::{
    ExemplarRecord, HistogramPoint, MetricData, MetricRecord, Number, NumberPoint, SummaryPoint, Temporality,
};
pub(crate) use span::spans_from_otlp;
pub use span::{EventRecord, LinkRecord, SpanRecord};
pub use value::AttributeValue;
pub(crate) use value::find as find_attribute;

use opentelemetry_proto::tonic::common::v1::InstrumentationScope;
use opentelemetry_proto::tonic::resource::v1::Resource;

/// The resource a span, metric or log record was produced under.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ResourceInfo {
    /// Resource attributes (`service.name`, ...).
    pub attributes: Vec<(String, AttributeValue)>,
    /// The schema URL, empty when none was sent.
    pub schema_url: String,
}

impl ResourceInfo {
    /// The value of a resource attribute, if present.
    pub fn attribute(&self, key: &str) -> Option<&AttributeValue> {
        find_attribute(&self.attributes, key)
    }

    fn from_otlp(resource: Option<&Resource>, schema_url: &str) -> Self {
        ResourceInfo {
            attributes: resource
                .map(|r| value::attributes_from_otlp(&r.attributes))
                .unwrap_or_default(),
            schema_url: schema_url.to_owned(),
        }
    }
}

/// The instrumentation scope (tracer, meter or logger name) that produced the data.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ScopeInfo {
    /// The scope name.
    pub name: String,
    /// The scope version, empty when none was set.
    pub version: String,
    /// Scope attributes.
    pub attributes: Vec<(String, AttributeValue)>,
}

impl ScopeInfo {
    fn from_otlp(scope: Option<&InstrumentationScope>) -> Self {
        scope
            .map(|s| ScopeInfo {
                name: s.name.clone(),
                version: s.version.clone(),
                attributes: value::attributes_from_otlp(&s.attributes),
            })
            .unwrap_or_default()
    }
}

/// Lowercase hex of an id, as `TraceId`/`SpanId` display themselves.
fn hex_id(bytes: &[u8]) -> String {
    use std::fmt::Write;
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        let _ = write!(out, "{b:02x}");
    }
    out
}

/// An all-zero or empty id means "none" in OTLP.
fn optional_hex_id(bytes: &[u8]) -> Option<String> {
    bytes.iter().any(|b| *b != 0).then(|| hex_id(bytes))
}
