//! Propagators, carriers, baggage limits and the global-propagator helpers.

mod baggage;
mod carriers;
mod global;
mod names;
mod oversized_input;
mod properties;
mod roundtrip;
mod upstream;
