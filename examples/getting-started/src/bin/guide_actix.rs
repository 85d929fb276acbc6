//! docs/getting-started.md's actix-web service ("The actix-web path"), as the guide
//! writes it; `build.rs` copies it here, with the port from `PORT`.

include!(concat!(env!("OUT_DIR"), "/guide_actix.rs"));
