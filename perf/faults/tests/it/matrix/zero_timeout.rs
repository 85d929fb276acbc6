//! A configuration file's `timeout: 0` (the schema's "no limit") over OTLP/HTTP, against
//! a collector that reads each request and never answers: the kit caps "no limit" at
//! 60 s (`otel_kit_config::ZERO_TIMEOUT_MILLIS`), so the export stuck on the silent
//! collector ends then, and export resumes without a restart. With the cap missing, the
//! export would wait about 49 days and never resume.
//!
//! One cell of its own (about 75 s), run beside the matrix (`matrix::`).

use std::time::{Duration, Instant};

use otel_kit_testing::{FaultRelay, RelayFault, TestCollector};

use super::child::CellProcess;

/// The cap, and what the test allows past it: the schedule delay, the counters'
/// sampling and a loaded machine.
const CAP: Duration = Duration::from_secs(60);
const MARGIN: Duration = Duration::from_secs(15);
/// How long the collector stays silent.
const FAULT: Duration = Duration::from_secs(5);

#[test]
fn a_files_zero_timeout_over_http_ends_the_stuck_export_at_the_cap_and_resumes() {
    if std::env::var_os("TEST_RELIABILITY").is_none_or(|v| v.is_empty()) {
        eprintln!("skipped: TEST_RELIABILITY is not set (.ci/run sets it)");
        return;
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .expect("runtime");
    let collector = runtime.block_on(TestCollector::start()).expect("collector");
    let relay = runtime
        .block_on(FaultRelay::start(collector.addr(), None))
        .expect("relay");
    let dir = std::env::temp_dir().join(format!("zero-timeout-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let file = dir.join("otel.yaml");
    // Both the processor's and the exporter's timeout zero: "no limit" wherever it is said.
    std::fs::write(
        &file,
        "file_format: \"1.1\"
resource:
  attributes:
    - name: service.name
      value: fault-cell
tracer_provider:
  processors:
    - batch:
        schedule_delay: 200
        export_timeout: 0
        exporter:
          otlp_http:
            endpoint: ${FAULT_CELL_ENDPOINT}/v1/traces
            timeout: 0
",
    )
    .expect("config file");
    let env = [
        ("OTEL_CONFIG_FILE", file.display().to_string()),
        ("FAULT_CELL_ENDPOINT", relay.endpoint()),
    ];
    let mut cell =
        CellProcess::start(std::path::Path::new(env!("CARGO_BIN_EXE_fault-cell")), &env).expect("fault-cell");
    let traces = |p: &CellProcess| p.latest().map_or(0, |s| s.signals[0].exported_batches);
    cell.wait_for(Duration::from_secs(15), |s| s.signals[0].exported_batches > 0)
        .unwrap_or_else(|| panic!("never exported while healthy: {:?}", cell.other_lines()));

    let fault_at = Instant::now();
    relay.set_fault(RelayFault::SilentAfterRequest);
    std::thread::sleep(FAULT);
    relay.set_fault(RelayFault::None);
    let before = traces(&cell);
    let resumed = cell
        .wait_for(CAP + MARGIN, |s| s.signals[0].exported_batches > before)
        .map(|at| at.saturating_duration_since(fault_at));
    let during = cell.samples();
    // The service was never held: spans kept ending while the export was stuck.
    let ended = |at: Instant| {
        during
            .iter()
            .rev()
            .find(|s| s.at <= at)
            .map_or(0, |s| s.queue.ended)
    };
    let ended_during = ended(fault_at + CAP) - ended(fault_at + FAULT);
    let shutdown = cell.shut_down(Duration::from_secs(10));
    println!(
        "OTLP/HTTP, a file's zero timeouts, the collector silent for {FAULT:?}: export resumed {resumed:?} \
         after the fault began; {ended_during} spans ended meanwhile; shutdown {shutdown:?}"
    );
    let resumed = resumed.expect("export resumed within the cap and its margin");
    assert!(
        resumed >= CAP - MARGIN,
        "resumed after {resumed:?}: the cap was not what ended it?"
    );
    assert!(
        ended_during > 1000,
        "the service was held: {ended_during} spans in {:?}",
        CAP - FAULT
    );
    assert!(shutdown.is_ok(), "{shutdown:?}");
}
