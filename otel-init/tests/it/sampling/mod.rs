//! Sampler presets, their environment variables, and route exclusion.

mod env;
mod presets;
mod routes;
