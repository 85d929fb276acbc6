//! Fluent assertions over spans, metrics and log records, in the style of Java's
//! `OpenTelemetryAssertions`: every failure shows the expected value, the actual one,
//! and the context (the span tree, the metric list or the log records).

mod logs;
mod metrics;
mod spans;
mod tree;

pub use logs::{LogAssert, Logs};
pub use metrics::{HistogramPointAssert, MetricAssert, Metrics, NumberPointAssert};
pub use spans::{SpanAssert, Spans};

use std::fmt::Display;

#[track_caller]
fn fail(what: &str, expected: &dyn Display, actual: &dyn Display, context: &str) -> ! {
    panic!("{what}\n  expected: {expected}\n  actual:   {actual}\n{context}")
}
