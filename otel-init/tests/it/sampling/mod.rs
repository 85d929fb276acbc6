//! Sampler presets, their environment variables, route exclusion, consistent
//! probability sampling and the parent-based sampler with five delegates.

mod consistent;
mod env;
mod interop;
mod parent_based;
mod presets;
mod routes;
