//! The connection-pool metrics: `db.client.connection.count` (idle and used) and
//! `db.client.connection.limit`, observed from a pool at each collection. Registered
//! with every meter provider the pool's operations resolve (see
//! [`Instrumentation::with`](crate::sql_core::instrumentation::Instrumentation::with)). The
//! pool is read through a [`Snapshot`], so sqlx's pool and deadpool's report alike.

use std::sync::Arc;

use opentelemetry::KeyValue;
use opentelemetry::metrics::Meter;
use otel_kit_semconv::attribute::DB_CLIENT_CONNECTION_STATE;
use otel_kit_semconv::metric::{DB_CLIENT_CONNECTION_COUNT, DB_CLIENT_CONNECTION_LIMIT};

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
        .i64_observable_up_down_counter(DB_CLIENT_CONNECTION_LIMIT)
        .with_unit("{connection}")
        .with_description("The maximum number of open connections allowed.")
        .with_callback(move |observer| {
            if let Some(counts) = counts() {
                observer.observe(counts.max, &max);
            }
        })
        .build();
}

/// A default pool name held by a live pool: the first pool on a database gets
/// `address:port/database`, a second one alive at the same time `address:port/database#2`,
/// and so on, so that two pools' gauges are two series rather than one that mixes their
/// counts. Released when the pool is dropped, so a service that rebuilds its pool keeps
/// its name (the lowest free number is taken).
#[derive(Debug)]
pub(crate) struct PoolNameLease {
    base: String,
    number: u32,
    name: String,
}

/// The numbers taken, per default name, by the pools alive now.
static TAKEN: std::sync::Mutex<std::collections::BTreeMap<String, std::collections::BTreeSet<u32>>> =
    std::sync::Mutex::new(std::collections::BTreeMap::new());

impl PoolNameLease {
    /// A name for a new pool whose default name is `base`.
    pub(crate) fn take(base: String) -> Self {
        let mut taken = TAKEN.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        let numbers = taken.entry(base.clone()).or_default();
        let number = (1..).find(|n| !numbers.contains(n)).unwrap_or(u32::MAX);
        numbers.insert(number);
        let name = if number == 1 {
            base.clone()
        } else {
            format!("{base}#{number}")
        };
        Self { base, number, name }
    }

    /// The pool's name.
    pub(crate) fn name(&self) -> &str {
        &self.name
    }
}

impl Drop for PoolNameLease {
    fn drop(&mut self) {
        let mut taken = TAKEN.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some(numbers) = taken.get_mut(&self.base) {
            numbers.remove(&self.number);
            if numbers.is_empty() {
                taken.remove(&self.base);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::PoolNameLease;

    #[test]
    fn pools_alive_together_are_named_apart_and_a_freed_name_is_taken_again() {
        let base = "db.test:5432/names".to_owned();
        let first = PoolNameLease::take(base.clone());
        let second = PoolNameLease::take(base.clone());
        let third = PoolNameLease::take(base.clone());
        assert_eq!(
            [first.name(), second.name(), third.name()],
            [
                "db.test:5432/names",
                "db.test:5432/names#2",
                "db.test:5432/names#3"
            ]
        );
        drop(second);
        assert_eq!(PoolNameLease::take(base.clone()).name(), "db.test:5432/names#2");
        let other = PoolNameLease::take("db.test:5432/other".to_owned());
        assert_eq!(other.name(), "db.test:5432/other");
    }
}
