//! The connection-pool metrics: `db.client.connection.count` (idle and used) and
//! `db.client.connection.max`, observed from a pool at each collection. Registered
//! with every meter provider the pool's operations resolve (see
//! [`Instrumentation::with`](crate::sql_core::instrumentation::Instrumentation::with)). The
//! pool is read through a [`Snapshot`], so sqlx's pool and deadpool's report alike.

use std::sync::Arc;

use opentelemetry::KeyValue;
use opentelemetry::metrics::Meter;
use otel_kit_semconv::attribute::DB_CLIENT_CONNECTION_STATE;
use otel_kit_semconv::metric::{DB_CLIENT_CONNECTION_COUNT, DB_CLIENT_CONNECTION_MAX};

use crate::sql_core::instrumentation::RegisterGauges;

/// A pool's connections at one moment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Counts {
    pub(crate) idle: i64,
    pub(crate) used: i64,
    pub(crate) max: i64,
}

/// Reads a pool's [`Counts`]; `None` once the pool is gone (it should hold the pool
/// weakly, so that the gauges keep no connection open).
pub(crate) type Snapshot = Arc<dyn Fn() -> Option<Counts> + Send + Sync>;

/// What registers the gauges of the pool named by `pool_name` (the
/// `db.client.connection.pool.name` attribute) with a meter.
pub(crate) fn gauges(pool_name: KeyValue, snapshot: Snapshot) -> RegisterGauges {
    Box::new(move |meter| {
        // A pool already gone registers nothing.
        if snapshot().is_some() {
            register(meter, pool_name.clone(), &snapshot);
        }
    })
}

fn register(meter: &Meter, name: KeyValue, snapshot: &Snapshot) {
    let idle = [name.clone(), KeyValue::new(DB_CLIENT_CONNECTION_STATE, "idle")];
    let used = [name.clone(), KeyValue::new(DB_CLIENT_CONNECTION_STATE, "used")];
    let counts = Arc::clone(snapshot);
    meter
        .i64_observable_up_down_counter(DB_CLIENT_CONNECTION_COUNT)
        .with_unit("{connection}")
        .with_description(
            "The number of connections that are currently in state described by the `state` attribute.",
        )
        .with_callback(move |observer| {
            if let Some(counts) = counts() {
                observer.observe(counts.idle, &idle);
                observer.observe(counts.used, &used);
            }
        })
        .build();
    let counts = Arc::clone(snapshot);
    let max = [name];
    meter
        .i64_observable_up_down_counter(DB_CLIENT_CONNECTION_MAX)
        .with_unit("{connection}")
        .with_description("The maximum number of open connections allowed.")
        .with_callback(move |observer| {
            if let Some(counts) = counts() {
                observer.observe(counts.max, &max);
            }
        })
        .build();
}
