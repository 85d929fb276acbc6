//! The process and tokio runtime metrics registered on a meter provider: what its
//! reader collects, with the registry's names, instruments, units and attributes and
//! plausible values; read at collection time; runtimes added later.

use std::time::Duration;

use opentelemetry::metrics::MeterProvider as _;
use otel_kit_runtime_metrics::TokioRuntimes;
use otel_kit_testing::{AttributeValue, Conformance, MetricData, Metrics, NumberPoint, TestTelemetry};

/// A harness whose meter provider has the metrics, for the current runtime (`main`).
fn registered_with_runtimes() -> (TestTelemetry, TokioRuntimes) {
    let telemetry = TestTelemetry::new();
    let runtimes = TokioRuntimes::default();
    runtimes.add("main", tokio::runtime::Handle::current());
    let meter = telemetry
        .meter_provider()
        .meter_with_scope(otel_kit_runtime_metrics::scope());
    otel_kit_runtime_metrics::register(&meter, &runtimes);
    (telemetry, runtimes)
}

fn registered() -> TestTelemetry {
    registered_with_runtimes().0
}

fn points<'a>(metrics: &'a Metrics, name: &str) -> &'a [NumberPoint] {
    match metrics.find(name).map(|m| &m.data) {
        Some(MetricData::Gauge(points) | MetricData::Sum { points, .. }) => points,
        other => panic!("{name}: {other:?}\n{}", metrics.listing()),
    }
}

/// The value of the one point of `name` whose attributes include `key = value`.
fn value(metrics: &Metrics, name: &str, attribute: Option<(&str, AttributeValue)>) -> f64 {
    let found: Vec<&NumberPoint> = points(metrics, name)
        .iter()
        .filter(|p| {
            attribute
                .as_ref()
                .is_none_or(|(k, v)| p.attributes.iter().any(|(pk, pv)| pk == k && pv == v))
        })
        .collect();
    assert_eq!(found.len(), 1, "{name} {attribute:?}: {found:?}");
    found[0].value.as_f64()
}

fn main_runtime() -> Option<(&'static str, AttributeValue)> {
    Some(("tokio.runtime.name", AttributeValue::from("main")))
}

#[cfg(target_os = "linux")]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn process_and_tokio_metrics_arrive_as_the_registry_defines_them() {
    let telemetry = registered();
    // CPU times are counted in 10 ms ticks: spend some, in user code.
    let spin = std::time::Instant::now();
    let mut x = 0_u64;
    while spin.elapsed() < Duration::from_millis(100) {
        x = std::hint::black_box(x.wrapping_mul(31).wrapping_add(7));
    }
    let metrics = telemetry.metrics();

    for (name, unit) in [
        ("process.cpu.time", "s"),
        ("process.context_switches", "{context_switch}"),
        ("process.paging.faults", "{fault}"),
        ("tokio.worker.busy_time", "s"),
        ("tokio.worker.parks", "{park}"),
    ] {
        metrics
            .metric(name)
            .is_counter()
            .has_unit(unit)
            .has_scope_name("otel-kit-runtime-metrics");
    }
    for (name, unit) in [
        ("process.memory.usage", "By"),
        ("process.memory.virtual", "By"),
        ("process.thread.count", "{thread}"),
        ("process.unix.file_descriptor.count", "{file_descriptor}"),
        ("tokio.worker.count", "{thread}"),
        ("tokio.task.alive.count", "{task}"),
        ("tokio.global_queue.depth", "{task}"),
    ] {
        metrics.metric(name).is_up_down_counter().has_unit(unit);
    }
    metrics.metric("process.uptime").is_gauge().has_unit("s");
    // What `--cfg tokio_unstable` adds (RUSTFLAGS="--cfg tokio_unstable" cargo test ...).
    #[cfg(tokio_unstable)]
    {
        metrics
            .metric("tokio.task.spawned")
            .is_counter()
            .has_unit("{task}");
        metrics
            .metric("tokio.worker.polls")
            .is_counter()
            .has_unit("{poll}");
        metrics.metric("tokio.blocking_thread.count").is_up_down_counter();
        metrics
            .metric("tokio.worker.local_queue.depth")
            .is_up_down_counter();
    }
    metrics.metric("process.cpu.utilization").is_gauge().has_unit("1");

    let mode = |m: &str| Some(("cpu.mode", AttributeValue::from(m)));
    assert!(value(&metrics, "process.cpu.time", mode("user")) > 0.0);
    assert!(value(&metrics, "process.cpu.time", mode("system")) >= 0.0);
    let utilization = value(&metrics, "process.cpu.utilization", mode("user"));
    assert!((0.0..=1.0).contains(&utilization), "{utilization}");
    let switch = |t: &str| Some(("process.context_switch.type", AttributeValue::from(t)));
    assert!(value(&metrics, "process.context_switches", switch("voluntary")) > 0.0);
    value(&metrics, "process.context_switches", switch("involuntary"));
    let fault = |t: &str| Some(("system.paging.fault.type", AttributeValue::from(t)));
    assert!(value(&metrics, "process.paging.faults", fault("minor")) > 0.0);
    value(&metrics, "process.paging.faults", fault("major"));
    let resident = value(&metrics, "process.memory.usage", None);
    assert!(resident > 1e6, "{resident}");
    assert!(value(&metrics, "process.memory.virtual", None) > resident);
    let uptime = value(&metrics, "process.uptime", None);
    assert!((0.0..3600.0).contains(&uptime), "{uptime}");
    assert!(value(&metrics, "process.unix.file_descriptor.count", None) >= 3.0);

    assert_eq!(value(&metrics, "tokio.worker.count", main_runtime()), 2.0);
    let threads = value(&metrics, "process.thread.count", None);
    assert!(
        threads >= 3.0,
        "the test's thread and two workers at least: {threads}"
    );
    for worker in 0..2_i64 {
        let attributes = points(&metrics, "tokio.worker.parks");
        assert!(
            attributes.iter().any(|p| p
                .attributes
                .contains(&("tokio.worker.index".to_owned(), AttributeValue::from(worker)))),
            "worker {worker}: {attributes:?}"
        );
    }

    let report = Conformance::semconv().check_metrics(&metrics).report();
    println!("{report}");
    report.assert_conforms();
}

/// Values are read when the reader collects: tasks spawned between two collections
/// show in the second, and are gone from the third once they end.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn values_are_read_at_collection_time() {
    let telemetry = registered();
    let before = value(&telemetry.metrics(), "tokio.task.alive.count", main_runtime());

    let (release, released) = tokio::sync::watch::channel(false);
    let tasks: Vec<_> = (0..50)
        .map(|_| {
            let mut released = released.clone();
            tokio::spawn(async move { released.wait_for(|r| *r).await.map(|_| ()) })
        })
        .collect();
    let during = value(&telemetry.metrics(), "tokio.task.alive.count", main_runtime());
    // A margin of 5 for tasks the test harness may run meanwhile; a value not read at
    // collection time would be off by the whole 50.
    assert!(
        during >= before + 45.0,
        "before {before}, with 50 more tasks {during}"
    );

    release.send(true).expect("release");
    for task in tasks {
        task.await.expect("join").expect("released");
    }
    let after = value(&telemetry.metrics(), "tokio.task.alive.count", main_runtime());
    assert!(
        after <= during - 45.0,
        "with 50 more tasks {during}, after they ended {after}"
    );
}

/// The descriptor count follows files opened and closed between collections (alone
/// in its process: the other tests open and close descriptors meanwhile).
#[cfg(target_os = "linux")]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_file_descriptor_count_follows_open_files() {
    if otel_kit_testing::ran_alone("metrics::the_file_descriptor_count_follows_open_files") {
        return;
    }
    let telemetry = registered();
    let name = "process.unix.file_descriptor.count";
    let before = value(&telemetry.metrics(), name, None);
    let files: Vec<std::fs::File> = (0..20)
        .map(|_| std::fs::File::open("/proc/self/stat").expect("open"))
        .collect();
    let during = value(&telemetry.metrics(), name, None);
    assert!(during >= before + 20.0, "before {before}, with 20 files {during}");
    drop(files);
    let after = value(&telemetry.metrics(), name, None);
    assert!(after <= during - 20.0, "with 20 files {during}, closed {after}");
}

/// A runtime added after registration is observed under its name, beside the first.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_runtime_added_later_is_observed_under_its_name() {
    let (telemetry, runtimes) = registered_with_runtimes();
    let late = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(3)
        .build()
        .expect("runtime");
    runtimes.add("late", late.handle().clone());
    let metrics = telemetry.metrics();
    let named = |n: &str| Some(("tokio.runtime.name", AttributeValue::from(n)));
    assert_eq!(value(&metrics, "tokio.worker.count", named("late")), 3.0);
    assert_eq!(value(&metrics, "tokio.worker.count", named("main")), 2.0);
    // Re-added under its name, it is replaced, not doubled.
    runtimes.add("late", late.handle().clone());
    assert_eq!(
        value(&telemetry.metrics(), "tokio.worker.count", named("late")),
        3.0
    );
    tokio::task::spawn_blocking(move || drop(late))
        .await
        .expect("join");
}
