//! The connection-pool metrics: `db.client.connection.count` (idle and used) and
//! `db.client.connection.max`, observed from the pool at each collection. Registered
//! with every meter provider the pool's operations resolve (see
//! [`Instrumentation::with`](crate::instrumentation::Instrumentation::with)).

use std::sync::{Arc, Weak};

use opentelemetry::KeyValue;
use opentelemetry_semantic_conventions::attribute::DB_CLIENT_CONNECTION_STATE;
use opentelemetry_semantic_conventions::metric::{DB_CLIENT_CONNECTION_COUNT, DB_CLIENT_CONNECTION_MAX};

use crate::database::InstrumentedDatabase;
use opentelemetry::metrics::Meter;

use crate::instrumentation::RegisterGauges;
use crate::pool::Shared;

/// What registers the gauges of `shared`'s pool with a meter. The callbacks hold the
/// pool weakly: once every handle to the instrumented pool is gone they report nothing
/// and keep no connection open.
pub(crate) fn gauges<DB: InstrumentedDatabase>(shared: &Arc<Shared<DB>>) -> RegisterGauges {
    let weak: Weak<Shared<DB>> = Arc::downgrade(shared);
    Box::new(move |meter| {
        if let Some(shared) = weak.upgrade() {
            register(&shared, meter);
        }
    })
}

fn register<DB: InstrumentedDatabase>(shared: &Arc<Shared<DB>>, meter: &Meter) {
    let name = shared.instrumentation.pool_attribute();
    let idle = [name.clone(), KeyValue::new(DB_CLIENT_CONNECTION_STATE, "idle")];
    let used = [name.clone(), KeyValue::new(DB_CLIENT_CONNECTION_STATE, "used")];
    let weak: Weak<Shared<DB>> = Arc::downgrade(shared);
    meter
        .i64_observable_up_down_counter(DB_CLIENT_CONNECTION_COUNT)
        .with_unit("{connection}")
        .with_description(
            "The number of connections that are currently in state described by the `state` attribute.",
        )
        .with_callback(move |observer| {
            if let Some(shared) = weak.upgrade() {
                let size = i64::from(shared.pool.size());
                let idle_count = i64::try_from(shared.pool.num_idle()).unwrap_or(size);
                observer.observe(idle_count, &idle);
                observer.observe((size - idle_count).max(0), &used);
            }
        })
        .build();
    let weak: Weak<Shared<DB>> = Arc::downgrade(shared);
    let max = [name];
    meter
        .i64_observable_up_down_counter(DB_CLIENT_CONNECTION_MAX)
        .with_unit("{connection}")
        .with_description("The maximum number of open connections allowed.")
        .with_callback(move |observer| {
            if let Some(shared) = weak.upgrade() {
                observer.observe(i64::from(shared.pool.options().get_max_connections()), &max);
            }
        })
        .build();
}
