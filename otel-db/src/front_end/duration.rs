//! `db.client.operation.duration`: one instrument for every front end (name, unit,
//! description, buckets), so an SDK given several sees one.

use opentelemetry::metrics::{Histogram, Meter};
use otel_kit_semconv::metric::DB_CLIENT_OPERATION_DURATION;

use crate::options::DB_DURATION_BUCKETS;

/// `db.client.operation.duration` from `meter`.
pub(crate) fn operation_duration(meter: &Meter) -> Histogram<f64> {
    otel_kit_core::__private::duration_histogram(
        meter,
        DB_CLIENT_OPERATION_DURATION,
        "Duration of database client operations.",
        &DB_DURATION_BUCKETS,
    )
}
