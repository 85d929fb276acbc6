//! The batch span processor: bounded queue, counted drops, one wake per full batch.

mod idle_cpu;
mod logging;
mod processor;
mod wakeups;
