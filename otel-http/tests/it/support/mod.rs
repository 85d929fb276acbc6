//! What the tests share: an actix-web server (`actix`), a local downstream server and instrumented clients for the
//! client tests (`client`), serving an app with `traceparent` values for the server
//! tests (`server`), the Prometheus listener scraped (`prometheus`), how many exception events a test's logs hold, and a sampler that decides on an attribute a hook adds
//! (`sampler`).

pub(crate) mod actix;
pub(crate) mod client;
pub(crate) mod prometheus;
pub(crate) mod sampler;
pub(crate) mod server;

/// How many exception events (`*.exception` log records) there are among `logs`.
pub(crate) fn exception_events(logs: &otel_kit_testing::Logs) -> usize {
    logs.as_slice()
        .iter()
        .filter(|r| r.event_name.ends_with(".exception"))
        .count()
}
