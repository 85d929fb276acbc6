//! Asking the server which system it is, when the driver cannot tell (MySQL's driver
//! also speaks to MariaDB): once per pool, before an operation's span starts.

use std::sync::Arc;

use futures_util::future::BoxFuture;
use sqlx::Pool;

use super::database::InstrumentedDatabase;
use super::frontend::Sqlx;
use crate::sql_core::instrumentation::Instrumentation;

/// What runs before a pool operation's span starts: asking a MySQL-protocol server
/// whether it is MariaDB, once per pool.
pub(crate) fn detection<DB: InstrumentedDatabase>(
    instrumentation: &Arc<Instrumentation<Sqlx>>,
    pool: &Pool<DB>,
) -> Option<BoxFuture<'static, ()>> {
    if !instrumentation.detection_pending() {
        return None;
    }
    let instrumentation = Arc::clone(instrumentation);
    let pool = pool.clone();
    Some(Box::pin(async move {
        if let Ok(mut connection) = pool.acquire().await {
            detect::<DB>(&instrumentation, &mut connection).await;
        }
    }))
}

/// Asks the server on `connection`, once per pool (again after a failed attempt).
pub(crate) async fn detect<DB: InstrumentedDatabase>(
    instrumentation: &Instrumentation<Sqlx>,
    connection: &mut DB::Connection,
) {
    if !instrumentation.detection_pending() {
        return;
    }
    if let Some(asking) = DB::detect_system(connection)
        && let Some(system) = asking.await
    {
        instrumentation.set_detected(system);
    }
}
