//! Fluent assertions over spans, metrics and log records, in the style of Java's
//! `OpenTelemetryAssertions`: every failure shows the expected value, the actual one,
//! and the context (the span tree, the metric list or the log records).

mod failure;
mod logs;
mod metrics;
mod points;
mod span;
mod spans;
mod tree;

pub use logs::{LogAssert, Logs};
pub use metrics::{MetricAssert, Metrics};
pub use points::{HistogramPointAssert, NumberPointAssert, PointAssert};
pub use span::SpanAssert;
pub use spans::Spans;
