//! The batch span processor: bounded queue, counted drops, one wake per full batch.

mod explosion;
mod logging;
mod processor;
mod wakeups;
