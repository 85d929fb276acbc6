//! What the tests share: a local downstream server and instrumented clients for the
//! client tests (`client`), and serving an app with `traceparent` values for the
//! server tests (`server`).

pub(crate) mod client;
pub(crate) mod server;
