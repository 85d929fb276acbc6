//! The process metrics of semantic conventions v1.45 (`process.*`), read from
//! `/proc/self` on Linux at collection time. Other platforms register nothing here.
//!
//! Each instrument's callback reads the one file it needs (`/proc/self/stat`, `status`,
//! `io`, the `fd` listing), so every collection sees the process as it is then: a few
//! small reads per collection, nothing between collections.

use std::sync::{Arc, Mutex, PoisonError};
use std::time::Instant;

use opentelemetry::KeyValue;
use opentelemetry::metrics::Meter;
use otel_kit_semconv::attribute::{
    CPU_MODE, DISK_IO_DIRECTION, PROCESS_CONTEXT_SWITCH_TYPE, SYSTEM_PAGING_FAULT_TYPE,
};
use otel_kit_semconv::metric::{
    PROCESS_CONTEXT_SWITCHES, PROCESS_CPU_TIME, PROCESS_CPU_UTILIZATION, PROCESS_DISK_IO,
    PROCESS_MEMORY_USAGE, PROCESS_MEMORY_VIRTUAL, PROCESS_PAGING_FAULTS, PROCESS_THREAD_COUNT,
    PROCESS_UNIX_FILE_DESCRIPTOR_COUNT, PROCESS_UPTIME,
};

/// `USER_HZ`, the unit of the CPU times in `/proc/self/stat`: fixed at 100 by the
/// kernel's user-space ABI on every architecture Rust targets (reading it with
/// `sysconf` would need `unsafe`, which the workspace forbids).
const USER_HZ: f64 = 100.0;

/// What one read of `/proc` gives; a field the kernel did not give is `None`.
#[derive(Debug, Default, Clone, PartialEq)]
pub(crate) struct Snapshot {
    pub(crate) cpu_user_seconds: Option<f64>,
    pub(crate) cpu_system_seconds: Option<f64>,
    pub(crate) minor_faults: Option<u64>,
    pub(crate) major_faults: Option<u64>,
    pub(crate) threads: Option<i64>,
    pub(crate) virtual_bytes: Option<i64>,
    pub(crate) resident_bytes: Option<i64>,
    pub(crate) voluntary_switches: Option<u64>,
    pub(crate) involuntary_switches: Option<u64>,
    pub(crate) read_bytes: Option<u64>,
    pub(crate) write_bytes: Option<u64>,
    pub(crate) file_descriptors: Option<i64>,
    /// When the process started, in ticks after boot (`/proc/self/stat`).
    pub(crate) start_ticks: Option<u64>,
}

/// The `/proc` file one instrument reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Part {
    /// `/proc/self/stat`.
    Stat,
    Status,
    Io,
    Fd,
}

impl Snapshot {
    /// Reads the part of `/proc/self` one instrument needs; what cannot be read (no
    /// `/proc`, `io` refused) stays `None`.
    fn read(part: Part) -> Self {
        let mut snapshot = Snapshot::default();
        match part {
            Part::Stat => {
                snapshot.start_ticks = std::fs::read_to_string("/proc/self/stat")
                    .ok()
                    .and_then(|stat| snapshot.parse_stat(&stat));
            }
            Part::Status => {
                if let Ok(status) = std::fs::read_to_string("/proc/self/status") {
                    snapshot.parse_status(&status);
                }
            }
            Part::Io => {
                if let Ok(io) = std::fs::read_to_string("/proc/self/io") {
                    snapshot.parse_io(&io);
                }
            }
            Part::Fd => {
                // The listing holds one descriptor of its own while it runs: not the
                // application's.
                snapshot.file_descriptors = std::fs::read_dir("/proc/self/fd").ok().map(|entries| {
                    i64::try_from(entries.count())
                        .unwrap_or(i64::MAX)
                        .saturating_sub(1)
                });
            }
        }
        snapshot
    }

    /// The time since the process started: the system's uptime (`/proc/uptime`, read
    /// only here, for the two instruments that need it) less the start time.
    fn uptime_seconds(&self) -> Option<f64> {
        let start = self.start_ticks?;
        let system = std::fs::read_to_string("/proc/uptime")
            .ok()
            .and_then(|text| text.split_whitespace().next()?.parse::<f64>().ok())?;
        Some((system - start as f64 / USER_HZ).max(0.0))
    }

    /// `/proc/self/stat`: faults, CPU times, threads, virtual size; returns the start
    /// time in ticks after boot. The command name (field 2) may hold spaces and
    /// parentheses, so fields are counted after its last `)`.
    pub(crate) fn parse_stat(&mut self, stat: &str) -> Option<u64> {
        let after_name = &stat[stat.rfind(')')? + 1..];
        let fields: Vec<&str> = after_name.split_whitespace().collect();
        // Field N of proc(5) is at N - 3 here (field 3, the state, is first).
        let field = |n: usize| fields.get(n - 3).and_then(|f| f.parse::<u64>().ok());
        self.minor_faults = field(10);
        self.major_faults = field(12);
        self.cpu_user_seconds = field(14).map(|t| t as f64 / USER_HZ);
        self.cpu_system_seconds = field(15).map(|t| t as f64 / USER_HZ);
        self.threads = field(20).and_then(|t| i64::try_from(t).ok());
        self.virtual_bytes = field(23).and_then(|b| i64::try_from(b).ok());
        field(22)
    }

    /// `/proc/self/status`: the resident set (kB) and the context switches.
    pub(crate) fn parse_status(&mut self, status: &str) {
        for line in status.lines() {
            let Some((key, value)) = line.split_once(':') else {
                continue;
            };
            let number = value
                .split_whitespace()
                .next()
                .and_then(|v| v.parse::<u64>().ok());
            match key {
                "VmRSS" => {
                    self.resident_bytes = number.and_then(|kb| i64::try_from(kb.saturating_mul(1024)).ok());
                }
                "voluntary_ctxt_switches" => self.voluntary_switches = number,
                "nonvoluntary_ctxt_switches" => self.involuntary_switches = number,
                _ => {}
            }
        }
    }

    /// `/proc/self/io`: bytes the process caused to be read from and written to storage.
    pub(crate) fn parse_io(&mut self, io: &str) {
        for line in io.lines() {
            let Some((key, value)) = line.split_once(':') else {
                continue;
            };
            let number = value.trim().parse::<u64>().ok();
            match key {
                "read_bytes" => self.read_bytes = number,
                "write_bytes" => self.write_bytes = number,
                _ => {}
            }
        }
    }
}

/// The CPU times of the previous utilization, for `process.cpu.utilization`.
#[derive(Debug, Default)]
struct ProcessSource {
    /// When the last utilization was computed, and the user and system CPU times then.
    previous_cpu: Mutex<Option<(Instant, f64, f64)>>,
}

impl ProcessSource {
    /// CPU time over elapsed time and available CPUs since the previous call (since
    /// the process started, the first time), per mode.
    fn utilization(&self) -> Option<(f64, f64)> {
        let snapshot = Snapshot::read(Part::Stat);
        let (user, system) = (snapshot.cpu_user_seconds?, snapshot.cpu_system_seconds?);
        let cpus = std::thread::available_parallelism().map_or(1, |n| n.get()) as f64;
        let now = Instant::now();
        let mut previous = self.previous_cpu.lock().unwrap_or_else(PoisonError::into_inner);
        let (elapsed, user_before, system_before) = match *previous {
            Some((at, u, s)) => (now.duration_since(at).as_secs_f64(), u, s),
            None => (snapshot.uptime_seconds()?, 0.0, 0.0),
        };
        *previous = Some((now, user, system));
        if elapsed <= 0.0 {
            return None;
        }
        let ratio = |now: f64, before: f64| ((now - before).max(0.0) / elapsed / cpus).min(1.0);
        Some((ratio(user, user_before), ratio(system, system_before)))
    }
}

/// Registers the process instruments on `meter` (Linux; nothing elsewhere).
pub(crate) fn register(meter: &Meter) {
    if !cfg!(target_os = "linux") {
        return;
    }
    let source = Arc::new(ProcessSource::default());
    let user = [KeyValue::new(CPU_MODE, "user")];
    let system = [KeyValue::new(CPU_MODE, "system")];

    let (u, y) = (user.clone(), system.clone());
    let _ = meter
        .f64_observable_counter(PROCESS_CPU_TIME)
        .with_unit("s")
        .with_description("Total CPU seconds broken down by CPU mode")
        .with_callback(move |o| {
            let snapshot = Snapshot::read(Part::Stat);
            if let Some(v) = snapshot.cpu_user_seconds {
                o.observe(v, &u);
            }
            if let Some(v) = snapshot.cpu_system_seconds {
                o.observe(v, &y);
            }
        })
        .build();
    let s = source;
    let _ = meter
        .f64_observable_gauge(PROCESS_CPU_UTILIZATION)
        .with_unit("1")
        .with_description("CPU time since the last collection over elapsed time and available CPUs")
        .with_callback(move |o| {
            if let Some((u, y)) = s.utilization() {
                o.observe(u, &user);
                o.observe(y, &system);
            }
        })
        .build();
    let gauges: [UpDownCounter; 4] = [
        (
            Part::Status,
            PROCESS_MEMORY_USAGE,
            "By",
            "Resident set size",
            |s| s.resident_bytes,
        ),
        (
            Part::Stat,
            PROCESS_MEMORY_VIRTUAL,
            "By",
            "Virtual memory size",
            |s| s.virtual_bytes,
        ),
        (
            Part::Stat,
            PROCESS_THREAD_COUNT,
            "{thread}",
            "Process threads",
            |s| s.threads,
        ),
        (
            Part::Fd,
            PROCESS_UNIX_FILE_DESCRIPTOR_COUNT,
            "{file_descriptor}",
            "Open file descriptors",
            |s| s.file_descriptors,
        ),
    ];
    for gauge in gauges {
        up_down_counter(meter, gauge);
    }
    let pairs: [CounterPair; 3] = [
        CounterPair {
            part: Part::Status,
            name: PROCESS_CONTEXT_SWITCHES,
            unit: "{context_switch}",
            description: "Number of times the process has been context switched",
            attribute: (PROCESS_CONTEXT_SWITCH_TYPE, "voluntary", "involuntary"),
            values: |s| (s.voluntary_switches, s.involuntary_switches),
        },
        CounterPair {
            part: Part::Stat,
            name: PROCESS_PAGING_FAULTS,
            unit: "{fault}",
            description: "Number of page faults the process has made",
            attribute: (SYSTEM_PAGING_FAULT_TYPE, "minor", "major"),
            values: |s| (s.minor_faults, s.major_faults),
        },
        CounterPair {
            part: Part::Io,
            name: PROCESS_DISK_IO,
            unit: "By",
            description: "Disk bytes transferred",
            attribute: (DISK_IO_DIRECTION, "read", "write"),
            values: |s| (s.read_bytes, s.write_bytes),
        },
    ];
    for pair in pairs {
        counter_pair(meter, pair);
    }
    let _ = meter
        .f64_observable_gauge(PROCESS_UPTIME)
        .with_unit("s")
        .with_description("The time the process has been running")
        .with_callback(move |o| {
            if let Some(v) = Snapshot::read(Part::Stat).uptime_seconds() {
                o.observe(v, &[]);
            }
        })
        .build();
}

/// An up-down counter of one value of a part: the part, its name, unit, description
/// and reading.
type UpDownCounter = (
    Part,
    &'static str,
    &'static str,
    &'static str,
    fn(&Snapshot) -> Option<i64>,
);

/// Registers an up-down counter of one value of its part.
fn up_down_counter(meter: &Meter, (part, name, unit, description, value): UpDownCounter) {
    let _ = meter
        .i64_observable_up_down_counter(name)
        .with_unit(unit)
        .with_description(description)
        .with_callback(move |o| {
            if let Some(v) = value(&Snapshot::read(part)) {
                o.observe(v, &[]);
            }
        })
        .build();
}

/// A counter of two values of a part told apart by one attribute's two members.
struct CounterPair {
    part: Part,
    name: &'static str,
    unit: &'static str,
    description: &'static str,
    /// The attribute's key, then its value for the first and for the second value.
    attribute: (&'static str, &'static str, &'static str),
    values: fn(&Snapshot) -> (Option<u64>, Option<u64>),
}

/// Registers a [`CounterPair`].
fn counter_pair(meter: &Meter, pair: CounterPair) {
    let (key, first, second) = pair.attribute;
    let first = [KeyValue::new(key, first)];
    let second = [KeyValue::new(key, second)];
    let (part, values) = (pair.part, pair.values);
    let _ = meter
        .u64_observable_counter(pair.name)
        .with_unit(pair.unit)
        .with_description(pair.description)
        .with_callback(move |o| {
            let (a, b) = values(&Snapshot::read(part));
            if let Some(a) = a {
                o.observe(a, &first);
            }
            if let Some(b) = b {
                o.observe(b, &second);
            }
        })
        .build();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stat_fields_are_counted_after_the_last_parenthesis_of_the_name() {
        let stat = "42 (a) b (c)) S 1 42 42 0 -1 4194560 1500 0 7 0 250 30 0 0 20 0 5 0 1000 123456789 2048 \
                    18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 0 17 1 0 0 0 0 0";
        let mut s = Snapshot::default();
        assert_eq!(s.parse_stat(stat), Some(1000));
        assert_eq!(s.minor_faults, Some(1500));
        assert_eq!(s.major_faults, Some(7));
        assert_eq!(s.cpu_user_seconds, Some(2.5));
        assert_eq!(s.cpu_system_seconds, Some(0.3));
        assert_eq!(s.threads, Some(5));
        assert_eq!(s.virtual_bytes, Some(123_456_789));
    }

    #[test]
    fn bad_proc_text_gives_nothing_and_never_panics() {
        for text in [
            "",
            ")",
            "1 (x",
            "1 (x) S",
            "1 (x) S a b c d e f g h i j k l m n o p q r s t",
            "\u{0}\u{ffff}:",
        ] {
            let mut s = Snapshot::default();
            let _ = s.parse_stat(text);
            s.parse_status(text);
            s.parse_io(text);
            assert_eq!(s.cpu_user_seconds, None, "{text:?}");
            assert_eq!(s.resident_bytes, None, "{text:?}");
            assert_eq!(s.read_bytes, None, "{text:?}");
        }
    }

    #[test]
    fn status_and_io_give_resident_bytes_switches_and_disk_bytes() {
        let mut s = Snapshot::default();
        s.parse_status(
            "Name:\tx\nVmRSS:\t  2048 kB\nvoluntary_ctxt_switches:\t12\nnonvoluntary_ctxt_switches:\t3\n",
        );
        s.parse_io("rchar: 1\nread_bytes: 4096\nwrite_bytes: 8192\n");
        assert_eq!(s.resident_bytes, Some(2048 * 1024));
        assert_eq!(
            (s.voluntary_switches, s.involuntary_switches),
            (Some(12), Some(3))
        );
        assert_eq!((s.read_bytes, s.write_bytes), (Some(4096), Some(8192)));
    }
}
