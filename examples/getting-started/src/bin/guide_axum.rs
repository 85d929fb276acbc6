//! docs/getting-started.md's axum service (section 2), as the guide writes it; `build.rs`
//! copies it here, with the port from `PORT`.

include!(concat!(env!("OUT_DIR"), "/guide_axum.rs"));
