//! otel-kit-testing's integration tests, one binary: the harness and its assertions
//! (`harness`), global mode (`global`), the in-process collector against the upstream
//! exporters and hand-made requests (`collector`), hostile exports (`bad_input`), and
//! the real rotel collector relaying to it (`rotel`), and the registry check
//! (`conformance`), and the waterfall failures print (`waterfall`).

mod bad_input;
mod collector;
mod conformance;
mod fault_relay;
mod global;
mod harness;
#[cfg(feature = "privacy")]
mod privacy;
mod rotel;
mod waterfall;
