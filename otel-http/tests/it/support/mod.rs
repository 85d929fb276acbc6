//! What the tests share: an actix-web server (`actix`), a local downstream server and instrumented clients for the
//! client tests (`client`), serving an app with `traceparent` values for the server
//! tests (`server`), and a sampler that decides on an attribute a hook adds
//! (`sampler`).

pub(crate) mod actix;
pub(crate) mod client;
pub(crate) mod sampler;
pub(crate) mod server;
