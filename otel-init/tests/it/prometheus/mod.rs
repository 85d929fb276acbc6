//! The Prometheus exporter (`prometheus` feature): its exposition read by real parsers.

mod fair_cap;
mod fixture;
mod hostile_clients;
mod parsers;
mod rules;
pub(crate) mod serving;
