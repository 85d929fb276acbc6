//! The batch span and log record processors: bounded queue, counted drops, one wake
//! per full batch.

mod explosion;
mod log_records;
mod logging;
mod processor;
mod wakeups;
