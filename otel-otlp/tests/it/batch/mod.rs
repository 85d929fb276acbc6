//! The batch span processor: bounded queue, counted drops, one wake per full batch.

mod logging;
mod processor;
mod wakeups;
