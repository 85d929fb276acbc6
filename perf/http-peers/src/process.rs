//! What Linux says about a process: CPU time from `/proc/<pid>/stat`, peak RSS from
//! `/proc/<pid>/status`.

use std::io;
use std::time::Duration;

/// CPU time a process has used so far, all its threads (live and exited) included:
/// `utime + stime` from `/proc/<pid>/stat`, converted from clock ticks with `ticks_per_second`.
pub fn cpu_time(pid: u32, ticks_per_second: u64) -> io::Result<Duration> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat"))?;
    cpu_time_from_stat(&stat, ticks_per_second)
}

/// Parses `utime + stime` out of the text of a `/proc/<pid>/stat` file.
pub fn cpu_time_from_stat(stat: &str, ticks_per_second: u64) -> io::Result<Duration> {
    let bad = || {
        io::Error::new(
            io::ErrorKind::InvalidData,
            format!("unexpected /proc stat: {stat:?}"),
        )
    };
    // The command name (field 2) is in parentheses and may hold spaces: count fields
    // from the last ')'. After it come field 3 (state), ..., field 14 (utime), 15 (stime).
    let rest = stat.rfind(')').map(|i| &stat[i + 1..]).ok_or_else(bad)?;
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let field = |n: usize| -> io::Result<u64> {
        fields
            .get(n - 3)
            .and_then(|f| f.parse::<u64>().ok())
            .ok_or_else(bad)
    };
    let ticks = field(14)? + field(15)?;
    let tps = ticks_per_second.max(1);
    Ok(Duration::from_secs(ticks / tps) + Duration::from_nanos((ticks % tps) * 1_000_000_000 / tps))
}

/// Peak resident set size (`VmHWM`) in bytes, from `/proc/<pid>/status`.
pub fn peak_rss(pid: u32) -> io::Result<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status"))?;
    peak_rss_from_status(&status)
}

/// Current resident set size (`VmRSS`) in bytes, from `/proc/<pid>/status`.
pub fn rss(pid: u32) -> io::Result<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status"))?;
    status_field_bytes(&status, "VmRSS:")
}

/// Parses `VmHWM` (in kB) out of the text of a `/proc/<pid>/status` file, in bytes.
pub fn peak_rss_from_status(status: &str) -> io::Result<u64> {
    status_field_bytes(status, "VmHWM:")
}

/// A `kB` field of a `/proc/<pid>/status` file, in bytes.
fn status_field_bytes(status: &str, field: &str) -> io::Result<u64> {
    status
        .lines()
        .find_map(|line| line.strip_prefix(field))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
        .map(|kb| kb * 1024)
        .ok_or_else(|| {
            io::Error::new(
                io::ErrorKind::InvalidData,
                format!("no {field} line in /proc status"),
            )
        })
}

/// Clock ticks per second (`getconf CLK_TCK`), the unit of `/proc/<pid>/stat` CPU times;
/// 100 (the Linux default) when `getconf` cannot tell.
pub fn clock_ticks_per_second() -> u64 {
    std::process::Command::new("getconf")
        .arg("CLK_TCK")
        .output()
        .ok()
        .and_then(|o| String::from_utf8(o.stdout).ok())
        .and_then(|s| s.trim().parse::<u64>().ok())
        .filter(|&t| t > 0)
        .unwrap_or(100)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_stat_with_spaces_in_the_name() {
        let stat = "4242 (my (odd) name) S 1 4242 4242 0 -1 4194560 100 0 0 0 250 50 0 0 20 0 3 0 1 2 3";
        assert_eq!(cpu_time_from_stat(stat, 100).unwrap(), Duration::from_secs(3));
    }

    #[test]
    fn parses_vmhwm() {
        let status = "Name:\tx\nVmPeak:\t  9000 kB\nVmHWM:\t    1234 kB\nVmRSS:\t 1000 kB\n";
        assert_eq!(peak_rss_from_status(status).unwrap(), 1234 * 1024);
    }

    #[test]
    fn reads_own_process() {
        let pid = std::process::id();
        cpu_time(pid, clock_ticks_per_second()).unwrap();
        assert!(peak_rss(pid).unwrap() > 0);
        assert!(rss(pid).unwrap() > 0);
    }
}
