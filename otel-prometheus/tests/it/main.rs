//! otel-kit-prometheus's integration tests, in one binary: the exposition read by real
//! parsers, the rules across instruments, and the listener over real TCP against
//! hostile clients. What the tests share is in `fixture`, `served` and `own_process`.

mod fair_cap;
mod fixture;
mod hostile_clients;
mod own_process;
mod parsers;
mod promtool;
mod rules;
mod served;
