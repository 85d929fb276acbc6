//! The checkout demo's integration tests, one binary, each running the demo binary as
//! a child process (`demo`), with its embedded defaults and, when `TEST_NATS_URL` /
//! `TEST_REDIS_URL` are set, with NATS JetStream and the Redis cache: through rotel
//! (`end_to_end`), with nothing configured (`report`), under SIGTERM (`serve`), with a
//! server it cannot reach at start-up (`startup`); scraped by a real Prometheus with
//! the shipped rules, and with payments failing (`scraped_by_prometheus`, its server in
//! `prometheus_server`); the
//! drift test of `docs/dashboards` against the metrics it emits (`dashboards`); and the
//! registry check of everything it exports (`registry`). `traces`, `totals` and
//! `broker_and_cache` are what they share: the expected trees, metric totals, and the
//! checks of the queue's and the cache's telemetry.

mod broker_and_cache;
mod dashboards;
mod demo;
mod end_to_end;
mod prometheus_server;
mod registry;
mod report;
mod scraped_by_prometheus;
mod serve;
mod startup;
mod totals;
mod traces;
