//! An idle span worker sleeps, even with `OTEL_BSP_SCHEDULE_DELAY=0` (it once spun a
//! whole core). In its own process, so the worker thread it measures is the only one.

use std::time::Duration;

use opentelemetry_sdk::trace::InMemorySpanExporter;
use otel_kit_init::batch::{BatchSettings, SpanQueueProcessor};

use crate::support::own_process::ran_in_own_process;

/// utime+stime in clock ticks of this process's thread named `name`.
fn thread_cpu_ticks(name: &str) -> Option<u64> {
    for task in std::fs::read_dir("/proc/self/task").ok()? {
        let path = task.ok()?.path();
        let comm = std::fs::read_to_string(path.join("comm")).ok()?;
        if comm.trim() == name {
            let stat = std::fs::read_to_string(path.join("stat")).ok()?;
            let after = &stat[stat.rfind(')')? + 2..];
            let f: Vec<&str> = after.split_whitespace().collect();
            // fields 14 and 15 of stat (1-based) are utime, stime; `after` starts at field 3
            return Some(f[11].parse::<u64>().ok()? + f[12].parse::<u64>().ok()?);
        }
    }
    None
}

#[test]
fn zero_schedule_delay_does_not_burn_a_cpu_while_idle() {
    if ran_in_own_process(
        module_path!(),
        "zero_schedule_delay_does_not_burn_a_cpu_while_idle",
    ) {
        return;
    }
    let config = BatchSettings {
        schedule_delay: Duration::ZERO,
        ..BatchSettings::SPAN_DEFAULTS
    };
    // The same value `Config` accepts from OTEL_BSP_SCHEDULE_DELAY=0 without a warning.
    let (parsed, warnings) = otel_kit_init::config::Config::from_lookup(|k| {
        (k == "OTEL_BSP_SCHEDULE_DELAY").then(|| "0".to_owned())
    });
    assert_eq!(parsed.export.bsp.schedule_delay, Duration::ZERO);
    assert!(warnings.is_empty());

    let processor = SpanQueueProcessor::new(InMemorySpanExporter::default(), config);
    std::thread::sleep(Duration::from_millis(100));
    let before = thread_cpu_ticks("otel-span-batch").expect("worker thread");
    std::thread::sleep(Duration::from_secs(1));
    let after = thread_cpu_ticks("otel-span-batch").expect("worker thread");
    drop(processor);
    // Clock ticks are 10 ms; an idle thread uses ~0 of the 100 ticks in a second.
    assert!(
        after - before < 10,
        "idle span worker used {} ticks (of ~100) of CPU in 1 s",
        after - before
    );
}
