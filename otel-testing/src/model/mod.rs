//! The data model every assertion reads: spans, metrics and log records decoded from
//! OTLP, whether they came from the in-memory exporters or over the wire.

mod hex_id;
mod log;
mod metric;
mod resource;
mod scope;
mod span;
mod value;
mod waterfall_span;

pub use log::LogRecord;
pub(crate) use log::logs_from_otlp;
pub(crate) use metric::metrics_from_otlp;
pub use metric::{
    ExemplarRecord, HistogramPoint, MetricData, MetricRecord, Number, NumberPoint, SummaryPoint, Temporality,
};
pub use resource::ResourceInfo;
pub use scope::ScopeInfo;
pub(crate) use span::spans_from_otlp;
pub use span::{EventRecord, LinkRecord, SpanRecord};
pub use value::AttributeValue;
