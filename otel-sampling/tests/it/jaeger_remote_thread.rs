//! The Jaeger remote sampler's polling thread: it fetches at start, not one interval
//! later, and ends when the tracer provider holding the sampler is dropped. In its own
//! process, so the threads it counts are its own.

use std::time::{Duration, Instant};

use otel_kit_sampling::{JaegerRemote, Sampling};

use super::strategies_server::{StrategiesServer, probabilistic};
use crate::own_process::ran_in_own_process;
use crate::pipeline::{Pipeline, root};

const THREAD: &str = "otel-kit-jaeger";

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

#[test]
fn the_polling_thread_fetches_at_start_and_ends_with_the_tracer_provider() {
    if ran_in_own_process(
        module_path!(),
        "the_polling_thread_fetches_at_start_and_ends_with_the_tracer_provider",
    ) {
        return;
    }
    let server = StrategiesServer::start(probabilistic(1.0));
    let remote = JaegerRemote::new(server.endpoint())
        .polling_interval(Duration::from_secs(600))
        .service_name("checkout");
    let pipeline = Pipeline::new(Sampling::jaeger_remote(remote));
    // (A new thread names itself once it runs.)
    wait_until("one polling thread", Duration::from_secs(5), || {
        threads_named(THREAD) == 1
    });

    // The interval is 10 minutes, yet the strategy (1.0, over the initial 0.001) applies
    // within seconds.
    let tracer = pipeline.tracer();
    wait_until("the first strategy", Duration::from_secs(5), || {
        (0..20).all(|_| root(&tracer, "op", &[]))
    });

    drop(tracer);
    drop(pipeline);
    wait_until("the polling thread's end", Duration::from_secs(5), || {
        threads_named(THREAD) == 0
    });
}
