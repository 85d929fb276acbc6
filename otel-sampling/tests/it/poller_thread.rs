//! The remote samplers' polling threads (`otel-kit-jaeger`, `otel-kit-xray`): each
//! fetches at start, not one interval later, and ends when the tracer provider holding
//! its sampler is dropped. In their own processes, so the threads counted are theirs.

use std::time::{Duration, Instant};

use opentelemetry_sdk::trace::SdkTracer;
use otel_kit_sampling::{JaegerRemote, Sampling, XrayRemote};

use super::strategies_server::{StrategiesServer, probabilistic};
use super::xray_server::{XrayApi, rule, rules, targets};
use crate::own_process::ran_in_own_process;
use crate::pipeline::{Pipeline, root};

fn threads_named(name: &str) -> usize {
    std::fs::read_dir("/proc/self/task")
        .expect("procfs")
        .filter_map(|t| std::fs::read_to_string(t.ok()?.path().join("comm")).ok())
        .filter(|c| c.trim() == name)
        .count()
}

fn wait_until(what: &str, limit: Duration, mut done: impl FnMut() -> bool) {
    let start = Instant::now();
    while !done() {
        assert!(start.elapsed() < limit, "{what} within {limit:?}");
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// One thread named `thread` polls for `pipeline`'s sampler, whose answer (sampling
/// everything, where the sampler starts far lower) applies within seconds although the
/// polling interval is 10 minutes; it ends with the pipeline.
fn polls_at_start_and_ends_with_the_provider(thread: &str, pipeline: Pipeline) {
    // (A new thread names itself once it runs.)
    wait_until("one polling thread", Duration::from_secs(5), || {
        threads_named(thread) == 1
    });
    let tracer: SdkTracer = pipeline.tracer();
    wait_until("the first answer", Duration::from_secs(5), || {
        (0..20).all(|_| root(&tracer, "op", &[]))
    });
    drop(tracer);
    drop(pipeline);
    wait_until("the polling thread's end", Duration::from_secs(5), || {
        threads_named(thread) == 0
    });
}

#[test]
fn the_jaeger_polling_thread_fetches_at_start_and_ends_with_the_tracer_provider() {
    if ran_in_own_process(
        module_path!(),
        "the_jaeger_polling_thread_fetches_at_start_and_ends_with_the_tracer_provider",
    ) {
        return;
    }
    let server = StrategiesServer::start(probabilistic(1.0));
    let remote = JaegerRemote::new(server.endpoint())
        .polling_interval(Duration::from_secs(600))
        .service_name("checkout");
    polls_at_start_and_ends_with_the_provider(
        "otel-kit-jaeger",
        Pipeline::new(Sampling::jaeger_remote(remote)),
    );
}

#[test]
fn the_xray_polling_thread_fetches_at_start_and_ends_with_the_tracer_provider() {
    if ran_in_own_process(
        module_path!(),
        "the_xray_polling_thread_fetches_at_start_and_ends_with_the_tracer_provider",
    ) {
        return;
    }
    let api = XrayApi::start(
        rules(&[rule("Default", 10000, 1.0, 0)]),
        targets(&[], Duration::ZERO),
    );
    let remote = XrayRemote::new(api.endpoint()).polling_interval(Duration::from_secs(600));
    polls_at_start_and_ends_with_the_provider("otel-kit-xray", Pipeline::new(Sampling::xray(remote)));
}
