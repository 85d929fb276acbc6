//! What every operation of one instrumented pool shares: where it connects, its
//! options, its tracer and instruments, and the system the server turned out to be.

use std::sync::OnceLock;
use std::sync::atomic::{AtomicU64, Ordering};

use opentelemetry::global::{self, BoxedTracer};
use opentelemetry::metrics::{Counter, Histogram, Meter};
use opentelemetry::{KeyValue, StringValue};
use opentelemetry_semantic_conventions::attribute::DB_CLIENT_CONNECTION_POOL_NAME;
use opentelemetry_semantic_conventions::metric::{
    DB_CLIENT_CONNECTION_TIMEOUTS, DB_CLIENT_OPERATION_DURATION,
};

use crate::database::InstrumentedDatabase;
use crate::endpoint::Endpoint;
use crate::options::Options;
use crate::scope::scope;

/// The boundaries of `db.client.operation.duration`, in seconds, as the database
/// conventions advise.
///
/// ```
/// assert_eq!(otel_kit_db::DURATION_BUCKETS[0], 0.001);
/// assert_eq!(otel_kit_db::DURATION_BUCKETS.len(), 9);
/// ```
pub const DURATION_BUCKETS: [f64; 9] = [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1.0, 5.0, 10.0];

pub(crate) struct Instrumentation {
    /// Unique for the life of the process: tells pools apart where a pointer could be
    /// reused.
    id: u64,
    pub(crate) endpoint: Endpoint,
    pub(crate) options: Options,
    pub(crate) tracer: BoxedTracer,
    pub(crate) duration: Histogram<f64>,
    timeouts: Counter<u64>,
    pub(crate) pool_name: StringValue,
    asks_server: bool,
    detected: OnceLock<&'static str>,
}

impl std::fmt::Debug for Instrumentation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Instrumentation")
            .field("system", &self.system())
            .field("pool_name", &self.pool_name.as_str())
            .field("options", &self.options)
            .finish_non_exhaustive()
    }
}

impl Instrumentation {
    pub(crate) fn new<DB: InstrumentedDatabase>(endpoint: Endpoint, options: Options) -> Self {
        let meter = meter();
        let pool_name = options.pool_name.clone().unwrap_or_else(|| endpoint.pool_name());
        let pool_name = StringValue::from(std::sync::Arc::<str>::from(pool_name));
        static NEXT_ID: AtomicU64 = AtomicU64::new(0);
        Self {
            id: NEXT_ID.fetch_add(1, Ordering::Relaxed),
            tracer: global::tracer_with_scope(scope()),
            duration: meter
                .f64_histogram(DB_CLIENT_OPERATION_DURATION)
                .with_unit("s")
                .with_description("Duration of database client operations.")
                .with_boundaries(DURATION_BUCKETS.to_vec())
                .build(),
            timeouts: meter
                .u64_counter(DB_CLIENT_CONNECTION_TIMEOUTS)
                .with_unit("{timeout}")
                .with_description(
                    "The number of connection timeouts that have occurred trying to obtain a connection from the pool.",
                )
                .build(),
            pool_name,
            asks_server: DB::ASKS_SERVER,
            detected: OnceLock::new(),
            endpoint,
            options,
        }
    }

    /// This pool's identity, unique for the life of the process.
    pub(crate) fn id(&self) -> u64 {
        self.id
    }

    /// `db.system.name`: the configured one, else what the server said, else the driver's.
    pub(crate) fn system(&self) -> &'static str {
        self.options
            .system_name
            .or_else(|| self.detected.get().copied())
            .unwrap_or(self.endpoint.system)
    }

    /// Whether the server still has to be asked which system it is.
    pub(crate) fn detection_pending(&self) -> bool {
        self.asks_server && self.options.system_name.is_none() && self.detected.get().is_none()
    }

    /// Asks the server on `connection`, once per pool (again after a failed attempt).
    pub(crate) async fn detect<DB: InstrumentedDatabase>(&self, connection: &mut DB::Connection) {
        if !self.detection_pending() {
            return;
        }
        if let Some(asking) = DB::detect_system(connection)
            && let Some(system) = asking.await
        {
            let _ = self.detected.set(system);
        }
    }

    pub(crate) fn pool_attribute(&self) -> KeyValue {
        KeyValue::new(DB_CLIENT_CONNECTION_POOL_NAME, self.pool_name.clone())
    }

    pub(crate) fn count_timeout(&self) {
        self.timeouts.add(1, &[self.pool_attribute()]);
    }
}

pub(crate) fn meter() -> Meter {
    global::meter_with_scope(scope())
}
