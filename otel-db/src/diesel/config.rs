//! What the connections of one [`DieselBuilder`](super::DieselBuilder) share: its
//! settings, and one instrumentation per database they go to.

use std::sync::{Arc, Mutex, PoisonError};

use super::connection_url::{self, Target};
use super::failure;
use super::frontend::Diesel;
use crate::sql::SqlDialect;
use crate::sql_core::builder::Settings;
use crate::sql_core::instrumentation::Instrumentation;
use crate::sql_core::outcome::Failure;

/// The most distinct databases whose instrumentation a [`DieselBuilder`] keeps for its
/// connections to share; connections to any further one each get their own.
const MAX_TARGETS: usize = 64;

/// A builder's settings, shared by the connections it instruments, with one
/// instrumentation per database they go to (so that a pool's connections share the
/// attributes made once per statement).
pub(crate) struct Config {
    pub(super) settings: Settings,
    pub(super) targets: Mutex<Vec<(String, Connection)>>,
}

/// What the calls of one connection share.
#[derive(Clone)]
pub(crate) struct Connection {
    pub(crate) instrumentation: Arc<Instrumentation<Diesel>>,
    pub(crate) dialect: SqlDialect,
    /// How this backend's errors are read.
    pub(crate) classify: fn(&diesel::result::Error) -> Failure,
}

impl Config {
    /// The instrumentation of a connection to `url`.
    pub(crate) fn connection(&self, url: &str) -> Connection {
        let target = connection_url::target(url);
        let key = connection_url::key(&target);
        let mut targets = self.targets.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some((_, connection)) = targets.iter().find(|(k, _)| *k == key) {
            return connection.clone();
        }
        let connection = self.make(target);
        if targets.len() < MAX_TARGETS {
            targets.push((key, connection.clone()));
        }
        connection
    }

    fn make(&self, target: Target) -> Connection {
        let Target { dialect, endpoint } = target;
        let classify: fn(&diesel::result::Error) -> Failure = match dialect {
            SqlDialect::PostgreSql => failure::classify_postgres,
            _ => failure::classify_other,
        };
        Connection {
            instrumentation: self.settings.clone().instrumentation(endpoint, false),
            dialect,
            classify,
        }
    }
}
