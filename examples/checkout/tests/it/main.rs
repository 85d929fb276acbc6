//! The checkout demo's integration tests, one binary, each running the demo binary as
//! a child process (`demo`): as a user runs it, through rotel, with nothing
//! configured and under SIGTERM (`end_to_end`); and the drift test of
//! `docs/dashboards` against the metrics it emits (`dashboards`); and the registry
//! check of everything it exports (`registry`).

mod dashboards;
mod demo;
mod end_to_end;
mod registry;
