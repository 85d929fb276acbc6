//! The process and tokio runtime metrics (`runtime-metrics`): what arrives at the OTLP
//! test collector after a flush, with the registry's names, instruments, units and
//! attributes and plausible values; read at collection time; off when asked.

use std::time::Duration;

use otel_kit_init::Telemetry;
use otel_kit_testing::{AttributeValue, Conformance, MetricData, Metrics, NumberPoint, TestCollector};

use crate::support::env;

const WAIT: Duration = Duration::from_secs(10);

fn init(collector: &TestCollector, extra: &[(&str, &str)]) -> otel_kit_init::Builder {
    let endpoint = collector.endpoint();
    let mut vars = vec![
        ("OTEL_EXPORTER_OTLP_ENDPOINT", endpoint.as_str()),
        ("OTEL_EXPORTER_OTLP_PROTOCOL", "grpc"),
        // Only the flushes below export.
        ("OTEL_METRIC_EXPORT_INTERVAL", "600000"),
        ("OTEL_TRACES_EXPORTER", "none"),
        ("OTEL_LOGS_EXPORTER", "none"),
        ("OTEL_SERVICE_NAME", "runtime-metrics"),
    ];
    vars.extend_from_slice(extra);
    otel_kit_init::builder()
        .without_globals()
        .without_tracing_subscriber()
        .environment(env(&vars))
}

/// One collection: what one flush exports.
async fn collect(collector: &TestCollector, telemetry: &Telemetry, wait_for: &str) -> Metrics {
    collector.reset();
    telemetry.meter_provider().inner().force_flush().expect("flush");
    collector.wait_for_metric(wait_for, WAIT).await;
    collector.metrics()
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

async fn shut_down(telemetry: Telemetry) {
    tokio::task::spawn_blocking(move || telemetry.shutdown())
        .await
        .expect("join")
        .expect("clean shutdown");
}

#[cfg(target_os = "linux")]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn process_and_tokio_metrics_arrive_as_the_registry_defines_them() {
    let collector = TestCollector::start().await.expect("collector");
    let telemetry = init(&collector, &[]).init().expect("init");
    // CPU times are counted in 10 ms ticks: spend some, in user code.
    let spin = std::time::Instant::now();
    let mut x = 0_u64;
    while spin.elapsed() < Duration::from_millis(100) {
        x = std::hint::black_box(x.wrapping_mul(31).wrapping_add(7));
    }
    let metrics = collect(&collector, &telemetry, "process.uptime").await;

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
            .has_scope_name("otel-kit-init");
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
    shut_down(telemetry).await;
}

/// Values are read when the reader collects: tasks spawned between two collections
/// show in the second, and are gone from the third once they end.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn values_are_read_at_collection_time() {
    let collector = TestCollector::start().await.expect("collector");
    let telemetry = init(&collector, &[]).init().expect("init");
    let before = value(
        &collect(&collector, &telemetry, "tokio.task.alive.count").await,
        "tokio.task.alive.count",
        main_runtime(),
    );

    let (release, released) = tokio::sync::watch::channel(false);
    let tasks: Vec<_> = (0..50)
        .map(|_| {
            let mut released = released.clone();
            tokio::spawn(async move { released.wait_for(|r| *r).await.map(|_| ()) })
        })
        .collect();
    let during = value(
        &collect(&collector, &telemetry, "tokio.task.alive.count").await,
        "tokio.task.alive.count",
        main_runtime(),
    );
    // The in-process collector and the exporter spawn and end tasks of their own in this
    // runtime between collections (a connection's, under load a few): a margin of 5 for
    // them; a value not read at collection time would be off by the whole 50.
    assert!(
        during >= before + 45.0,
        "before {before}, with 50 more tasks {during}"
    );

    release.send(true).expect("release");
    for task in tasks {
        task.await.expect("join").expect("released");
    }
    let after = value(
        &collect(&collector, &telemetry, "tokio.task.alive.count").await,
        "tokio.task.alive.count",
        main_runtime(),
    );
    assert!(
        after <= during - 45.0,
        "with 50 more tasks {during}, after they ended {after}"
    );
    shut_down(telemetry).await;
}

/// The descriptor count follows files opened and closed between collections (alone
/// in its process: the other tests open and close descriptors meanwhile).
#[cfg(target_os = "linux")]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_file_descriptor_count_follows_open_files() {
    if crate::support::own_process::ran_in_own_process(
        module_path!(),
        "the_file_descriptor_count_follows_open_files",
    ) {
        return;
    }
    let collector = TestCollector::start().await.expect("collector");
    let telemetry = init(&collector, &[]).init().expect("init");
    let name = "process.unix.file_descriptor.count";
    let before = value(&collect(&collector, &telemetry, name).await, name, None);
    let files: Vec<std::fs::File> = (0..20)
        .map(|_| std::fs::File::open("/proc/self/stat").expect("open"))
        .collect();
    let during = value(&collect(&collector, &telemetry, name).await, name, None);
    // The exporter's connection may open meanwhile: at least the 20 files.
    assert!(during >= before + 20.0, "before {before}, with 20 files {during}");
    drop(files);
    let after = value(&collect(&collector, &telemetry, name).await, name, None);
    assert!(after <= during - 20.0, "with 20 files {during}, closed {after}");
    shut_down(telemetry).await;
}

/// A runtime built after `init()` is observed under its name, beside the current one.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_runtime_built_later_is_observed_under_its_name() {
    let collector = TestCollector::start().await.expect("collector");
    let telemetry = init(&collector, &[]).init().expect("init");
    let late = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(3)
        .build()
        .expect("runtime");
    assert!(telemetry.observe_tokio_runtime("late", late.handle()));
    let metrics = collect(&collector, &telemetry, "tokio.worker.count").await;
    let named = |n: &str| Some(("tokio.runtime.name", AttributeValue::from(n)));
    assert_eq!(value(&metrics, "tokio.worker.count", named("late")), 3.0);
    assert_eq!(value(&metrics, "tokio.worker.count", named("main")), 2.0);
    shut_down(telemetry).await;
    tokio::task::spawn_blocking(move || drop(late))
        .await
        .expect("join");
}

/// Off in code, with `OTEL_INSTRUMENTATION_RUNTIME_TELEMETRY_ENABLED=false`, or with
/// `OTEL_INSTRUMENTATION_COMMON_DEFAULT_ENABLED=false` (the Java agent's default for
/// every instrumentation no switch names): no `process.*` nor `tokio.*` metric, and no
/// runtime can be added.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn turned_off_in_code_or_by_the_variable_nothing_is_registered() {
    let collector = TestCollector::start().await.expect("collector");
    let in_code = init(&collector, &[])
        .without_runtime_metrics()
        .init()
        .expect("init");
    let by_variable = init(
        &collector,
        &[("OTEL_INSTRUMENTATION_RUNTIME_TELEMETRY_ENABLED", "false")],
    )
    .init()
    .expect("init");
    let by_common_default = init(
        &collector,
        &[("OTEL_INSTRUMENTATION_COMMON_DEFAULT_ENABLED", "false")],
    )
    .init()
    .expect("init");
    // Named on, it wins over the common default.
    let named_on = init(
        &collector,
        &[
            ("OTEL_INSTRUMENTATION_COMMON_DEFAULT_ENABLED", "false"),
            ("OTEL_INSTRUMENTATION_RUNTIME_TELEMETRY_ENABLED", "true"),
        ],
    )
    .init()
    .expect("init");
    assert!(named_on.runtime_metrics_enabled());
    shut_down(named_on).await;
    for telemetry in [in_code, by_variable, by_common_default] {
        assert!(!telemetry.runtime_metrics_enabled());
        assert!(!telemetry.observe_tokio_runtime("late", &tokio::runtime::Handle::current()));
        // Something to wait for: the collection did happen.
        use opentelemetry::metrics::MeterProvider as _;
        telemetry
            .meter_provider()
            .meter("app")
            .u64_counter("app.marker")
            .build()
            .add(1, &[]);
        let metrics = collect(&collector, &telemetry, "app.marker").await;
        let ours: Vec<&str> = metrics
            .names()
            .into_iter()
            .filter(|n| n.starts_with("process.") || n.starts_with("tokio."))
            .collect();
        assert!(ours.is_empty(), "{ours:?}");
        shut_down(telemetry).await;
    }
}
