//! One cell: its peers (a collector, relays, tinyproxy), two `fault-cell` processes
//! (one recovers after the fault, one shuts down during it), and what they showed.

use std::path::{Path as FsPath, PathBuf};
use std::time::{Duration, Instant};

use otel_kit_testing::{
    CollectorTls, ExportFailure, FaultRelay, RelayFault, Rotel, TestCollector, Tinyproxy,
};

use otel_kit_testing::Protocol;

use super::axes::{Fault, Path};
use super::child::{CellProcess, Sample};

/// `OTEL_EXPORTER_OTLP_TIMEOUT`: the longest one export may take, retries included.
pub(super) const EXPORT_TIMEOUT: Duration = Duration::from_millis(1500);
/// The longest period between exports: the metric interval (the span and log schedule
/// delays are 200 ms).
pub(super) const PERIOD: Duration = Duration::from_millis(500);
/// No signal may go longer than this without an export ending, fault or not: the export
/// timeout, the period, and a margin of 1 s for the counters' sampling (100 ms) and the
/// scheduling of a loaded 2-core machine.
pub(super) const EXPORT_BOUND: Duration = Duration::from_millis(1500 + 500 + 1000);
/// How long the fault lasts: twice the export bound, so that a stuck export shows.
pub(super) const FAULT_PHASE: Duration = Duration::from_secs(6);
/// Export resumes within this after the fault is lifted: the export in flight ends, the
/// next one connects again and succeeds.
pub(super) const RESUME_BOUND: Duration = Duration::from_secs(5);
/// How long a cell waits for export to resume before calling it failed.
const RESUME_WAIT: Duration = Duration::from_secs(20);
/// `Telemetry::shutdown`'s own bound (`fault-cell`'s `shutdown_timeout`) and its margin.
pub(super) const SHUTDOWN_BOUND: Duration = Duration::from_millis(3000 + 500);
/// The signals, in the order of `fault-cell`'s line.
pub(super) const SIGNALS: [&str; 3] = ["traces", "metrics", "logs"];

/// What every cell shares: the certificate the TLS relays serve, the CA file the
/// exporters trust, tinyproxy, the runtime the peers run on.
pub(super) struct Setup {
    pub(super) runtime: tokio::runtime::Runtime,
    pub(super) cell_bin: PathBuf,
    pub(super) tinyproxy: Option<PathBuf>,
    /// rotel (`TEST_OTLP_COLLECTOR_BIN`): when set, the healthy peer behind the relay is
    /// a real collector, forwarding to the `TestCollector`.
    pub(super) rotel: Option<PathBuf>,
    certificate_pem: String,
    key_pem: String,
    ca_file: PathBuf,
}

impl Setup {
    pub(super) fn new(cell_bin: &FsPath, tinyproxy: Option<PathBuf>, rotel: Option<PathBuf>) -> Setup {
        let certified =
            rcgen::generate_simple_self_signed(vec!["127.0.0.1".to_owned()]).expect("certificate");
        let certificate_pem = certified.cert.pem();
        let dir = std::env::temp_dir().join(format!("fault-matrix-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("temp dir");
        let ca_file = dir.join("ca.pem");
        std::fs::write(&ca_file, &certificate_pem).expect("ca file");
        Setup {
            runtime: tokio::runtime::Builder::new_multi_thread()
                .worker_threads(2)
                .enable_all()
                .build()
                .expect("runtime"),
            cell_bin: cell_bin.to_owned(),
            tinyproxy,
            rotel,
            certificate_pem,
            key_pem: certified.signing_key.serialize_pem(),
            ca_file,
        }
    }

    fn tls(&self) -> CollectorTls {
        CollectorTls::new(self.certificate_pem.clone(), self.key_pem.clone())
    }
}

/// What one cell showed.
#[derive(Debug, Default)]
pub(super) struct Report {
    /// Per signal: the longest time during the fault with no export ending.
    pub(super) longest_wait: [Duration; 3],
    /// Per signal: batches and items counted as failed during the fault.
    pub(super) failed: [(u64, u64); 3],
    /// Spans dropped (queue full) during the fault.
    pub(super) dropped_spans: u64,
    /// Per signal: time from lifting the fault to its next accepted export.
    pub(super) resumed_after: [Option<Duration>; 3],
    /// `Telemetry::shutdown` during the fault: how long it took, its result.
    pub(super) shutdown_in_fault: Option<(Duration, String)>,
    /// `Telemetry::shutdown` after the fault was lifted.
    pub(super) shutdown_after: Option<(Duration, String)>,
    /// Every bound or count that did not hold, in words.
    pub(super) problems: Vec<String>,
}

impl Report {
    pub(super) fn passed(&self) -> bool {
        self.problems.is_empty()
    }
}

/// The peers of one cell: the collector (the healthy peer), the relay that plays the
/// fault, and what the exporter is pointed at.
struct Peers {
    collector: TestCollector,
    _rotel: Option<Rotel>,
    faulty: FaultRelay,
    _behind: Option<FaultRelay>,
    _tinyproxy: Option<Tinyproxy>,
    env: Vec<(&'static str, String)>,
}

fn peers(setup: &Setup, protocol: Protocol, path: Path, fault: Fault) -> Result<Peers, String> {
    let rt = &setup.runtime;
    let collector = rt
        .block_on(TestCollector::start())
        .map_err(|e| format!("collector: {e}"))?;
    // rotel in front of the collector, except where the collector must answer a status.
    let rotel = match &setup.rotel {
        Some(bin) if fault.collector_status().is_none() => Some(
            Rotel::start(bin, &collector, otel_kit_testing::Protocol::Grpc)
                .map_err(|e| format!("rotel: {e}"))?,
        ),
        _ => None,
    };
    let healthy: std::net::SocketAddr = match &rotel {
        Some(rotel) => rotel
            .endpoint(protocol.as_str())
            .trim_start_matches("http://")
            .parse()
            .map_err(|e| format!("rotel's endpoint: {e}"))?,
        None => collector.addr(),
    };
    let relay = |upstream, tls: Option<CollectorTls>| {
        rt.block_on(FaultRelay::start(upstream, tls))
            .map_err(|e| format!("relay: {e}"))
    };
    let tinyproxy = || -> Result<Tinyproxy, String> {
        let bin = setup.tinyproxy.as_deref().ok_or("TEST_TINYPROXY is not set")?;
        Tinyproxy::start(bin, None).map_err(|e| format!("tinyproxy: {e}"))
    };
    let mut env = vec![
        ("OTEL_EXPORTER_OTLP_PROTOCOL", protocol.as_str().to_owned()),
        (
            "OTEL_EXPORTER_OTLP_TIMEOUT",
            EXPORT_TIMEOUT.as_millis().to_string(),
        ),
        (
            "OTEL_METRIC_EXPORT_TIMEOUT",
            EXPORT_TIMEOUT.as_millis().to_string(),
        ),
        ("OTEL_METRIC_EXPORT_INTERVAL", PERIOD.as_millis().to_string()),
        ("OTEL_BSP_SCHEDULE_DELAY", "200".to_owned()),
        ("OTEL_BLRP_SCHEDULE_DELAY", "200".to_owned()),
    ];
    let (faulty, behind, proxy) = match path {
        Path::Plain => (relay(healthy, None)?, None, None),
        Path::Tls => (relay(healthy, Some(setup.tls()))?, None, None),
        Path::Tinyproxy => (relay(healthy, Some(setup.tls()))?, None, Some(tinyproxy()?)),
        Path::SilentProxy => {
            let tls = relay(healthy, Some(setup.tls()))?;
            let proxy = tinyproxy()?;
            let upstream = std::net::SocketAddr::from(([127, 0, 0, 1], proxy.port()));
            (relay(upstream, None)?, Some(tls), Some(proxy))
        }
    };
    let endpoint = match (&behind, path) {
        (Some(tls), _) => tls.endpoint(),
        (None, _) => faulty.endpoint(),
    };
    env.push(("OTEL_EXPORTER_OTLP_ENDPOINT", endpoint));
    if path != Path::Plain {
        env.push((
            "OTEL_EXPORTER_OTLP_CERTIFICATE",
            setup.ca_file.display().to_string(),
        ));
    }
    match path {
        Path::Tinyproxy => env.push((
            "https_proxy",
            proxy.as_ref().map(Tinyproxy::url).unwrap_or_default(),
        )),
        Path::SilentProxy => env.push(("https_proxy", faulty.endpoint())),
        Path::Plain | Path::Tls => {}
    }
    Ok(Peers {
        collector,
        _rotel: rotel,
        faulty,
        _behind: behind,
        _tinyproxy: proxy,
        env,
    })
}

/// Runs one applicable cell.
pub(super) fn run(setup: &Setup, protocol: Protocol, path: Path, fault: Fault) -> Report {
    let mut report = Report::default();
    let peers = match peers(setup, protocol, path, fault) {
        Ok(peers) => peers,
        Err(e) => {
            report.problems.push(e);
            return report;
        }
    };
    let start = || CellProcess::start(&setup.cell_bin, &peers.env);
    let (mut recovering, mut stopping) = match (start(), start()) {
        (Ok(a), Ok(b)) => (a, b),
        (Err(e), _) | (_, Err(e)) => {
            report.problems.push(format!("fault-cell: {e}"));
            return report;
        }
    };
    // Healthy first: every signal of both processes delivered once.
    let healthy = |p: &CellProcess| {
        p.wait_for(Duration::from_secs(15), |s| {
            s.signals.iter().all(|c| c.exported_batches > 0)
        })
    };
    if healthy(&recovering).is_none() || healthy(&stopping).is_none() {
        report.problems.push(format!(
            "never exported while healthy: {:?}; its output: {:?}",
            recovering.latest(),
            recovering.other_lines()
        ));
        return report;
    }

    let fault_at = Instant::now();
    peers.faulty.set_fault(fault.relay_fault());
    if let Some(status) = fault.collector_status() {
        peers.collector.fail_next(usize::MAX, status);
    }
    // The second process shuts down in the middle of the fault.
    std::thread::sleep(FAULT_PHASE / 2);
    match stopping.shut_down(SHUTDOWN_BOUND + Duration::from_secs(5)) {
        Ok((took, result, _)) => report.shutdown_in_fault = Some((took, result)),
        Err(e) => report.problems.push(format!("shutdown during the fault: {e}")),
    }
    std::thread::sleep(FAULT_PHASE.saturating_sub(fault_at.elapsed()));
    let lifted_at = Instant::now();
    peers.faulty.set_fault(RelayFault::None);
    peers.collector.fail_next(0, ExportFailure::unavailable());
    let at_lift = recovering.latest().unwrap_or(Sample {
        at: lifted_at,
        signals: Default::default(),
        queue: Default::default(),
    });
    for (k, resumed) in report.resumed_after.iter_mut().enumerate() {
        let before = at_lift.signals[k].exported_batches;
        *resumed = recovering
            .wait_for(RESUME_WAIT.saturating_sub(lifted_at.elapsed()), |s| {
                s.at >= lifted_at && s.signals[k].exported_batches > before
            })
            .map(|at| at.saturating_duration_since(lifted_at));
    }
    match recovering.shut_down(SHUTDOWN_BOUND + Duration::from_secs(5)) {
        Ok((took, result, _)) => report.shutdown_after = Some((took, result)),
        Err(e) => report.problems.push(format!("shutdown after the fault: {e}")),
    }
    judge(&mut report, &recovering.samples(), fault_at, lifted_at);
    report
}

/// Checks the bounds on what the recovering process showed.
fn judge(report: &mut Report, samples: &[Sample], fault_at: Instant, lifted_at: Instant) {
    let before = samples.iter().rev().find(|s| s.at <= fault_at);
    let during: Vec<&Sample> = samples
        .iter()
        .filter(|s| s.at > fault_at && s.at <= lifted_at)
        .collect();
    let (Some(before), Some(last)) = (before, during.last()) else {
        report.problems.push("no counters around the fault".to_owned());
        return;
    };
    for (k, name) in SIGNALS.iter().enumerate() {
        // The gaps between exports ending, from the fault's start to its end.
        let mut ended = before.signals[k].ended();
        let mut since = fault_at;
        let mut longest = Duration::ZERO;
        for sample in &during {
            if sample.signals[k].ended() > ended {
                ended = sample.signals[k].ended();
                longest = longest.max(sample.at.saturating_duration_since(since));
                since = sample.at;
            }
        }
        longest = longest.max(lifted_at.saturating_duration_since(since));
        report.longest_wait[k] = longest;
        if longest > EXPORT_BOUND {
            report.problems.push(format!(
                "{name}: no export ended for {longest:.1?} (bound {EXPORT_BOUND:?})"
            ));
        }
        let failed = (
            last.signals[k].failed_batches - before.signals[k].failed_batches,
            last.signals[k].failed_items - before.signals[k].failed_items,
        );
        report.failed[k] = failed;
        if failed.0 == 0 {
            report
                .problems
                .push(format!("{name}: no failed export counted during the fault"));
        }
        match report.resumed_after[k] {
            Some(after) if after <= RESUME_BOUND => {}
            Some(after) => report.problems.push(format!(
                "{name}: export resumed {after:.1?} after the fault was lifted (bound {RESUME_BOUND:?})"
            )),
            None => report.problems.push(format!(
                "{name}: export did not resume within {RESUME_WAIT:?} of the fault being lifted"
            )),
        }
    }
    report.dropped_spans = last.queue.dropped - before.queue.dropped;
    if let Some(end) = samples.last() {
        let q = end.queue;
        if q.ended != q.exported + q.dropped + q.failed + q.queued {
            report.problems.push(format!("spans unaccounted for: {q:?}"));
        }
    }
    for (when, shutdown) in [
        ("during the fault", &report.shutdown_in_fault),
        ("after the fault", &report.shutdown_after),
    ] {
        if let Some((took, _)) = shutdown
            && *took > SHUTDOWN_BOUND
        {
            report.problems.push(format!(
                "shutdown {when} took {took:?} (bound {SHUTDOWN_BOUND:?})"
            ));
        }
    }
}
