//! Sampler presets, their environment variables, and route exclusion.

mod env;
mod jaeger_remote;
mod presets;
mod routes;
mod strategies_server;
