//! What identifies Redis in the conventions.

/// `db.system.name` of every Redis span and measurement.
pub(super) const SYSTEM: &str = "redis";

/// Redis's port: `server.port` is recorded for any other.
pub(super) const DEFAULT_PORT: u16 = 6379;
