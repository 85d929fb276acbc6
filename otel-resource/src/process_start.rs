//! `process.creation.time`: when the process started, which with `process.pid` identifies
//! the `process` entity (a pid alone is reused).
//!
//! Linux only: the process's start in clock ticks after boot (`/proc/self/stat`, field
//! 22) plus the boot time (`btime` in `/proc/stat`). Elsewhere, or when either file is
//! missing or malformed, the attribute is left out rather than guessed.

/// `/proc/stat` has a line per CPU before `btime`: enough for thousands of CPUs.
pub(crate) const PROC_STAT_CAP: u64 = 1024 * 1024;
/// `/proc/<pid>/stat` is one line; the command name in it is at most 64 bytes.
pub(crate) const PID_STAT_CAP: u64 = 4 * 1024;
/// The kernel reports times in `/proc` in USER_HZ, which is 100 on every architecture
/// Rust supports on Linux (it is fixed ABI, unlike the kernel's internal HZ).
const USER_HZ: u64 = 100;

/// The process's start as RFC 3339 in UTC with milliseconds, e.g.
/// `2026-11-25T07:51:10.420Z`, from the texts of `/proc/self/stat` and `/proc/stat`;
/// `None` when they do not say.
pub(crate) fn creation_time(pid_stat: &str, proc_stat: &str) -> Option<String> {
    let ticks = start_ticks(pid_stat)?;
    let boot = boot_time(proc_stat)?;
    let millis = boot
        .checked_mul(1000)?
        .checked_add(ticks.checked_mul(1000 / USER_HZ)?)?;
    Some(rfc3339_millis(millis))
}

/// Field 22 (`starttime`) of a `/proc/<pid>/stat` line. The command name (field 2) is in
/// parentheses and may itself hold spaces and parentheses, so fields are counted after
/// its last `)`.
pub(crate) fn start_ticks(stat: &str) -> Option<u64> {
    let after_name = &stat[stat.rfind(')')? + 1..];
    // Field 3 (`state`) is the first after the name: field 22 is the 20th.
    after_name.split_ascii_whitespace().nth(19)?.parse().ok()
}

/// The `btime` line of `/proc/stat`: the boot time in seconds since the Unix epoch.
pub(crate) fn boot_time(proc_stat: &str) -> Option<u64> {
    proc_stat
        .lines()
        .find_map(|line| line.strip_prefix("btime "))?
        .trim()
        .parse()
        .ok()
}

/// Milliseconds since the Unix epoch as `YYYY-MM-DDTHH:MM:SS.mmmZ`.
pub(crate) fn rfc3339_millis(millis: u64) -> String {
    let (secs, ms) = (millis / 1000, millis % 1000);
    let (days, of_day) = (secs / 86_400, secs % 86_400);
    let (year, month, day) = civil_from_days(days);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}.{ms:03}Z",
        of_day / 3600,
        of_day % 3600 / 60,
        of_day % 60
    )
}

/// Days since 1970-01-01 to a proleptic Gregorian date (Howard Hinnant's
/// `civil_from_days`, for non-negative days).
fn civil_from_days(days: u64) -> (u64, u64, u64) {
    let z = days + 719_468;
    let era = z / 146_097;
    let doe = z % 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + u64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_across_leap_years_and_centuries() {
        assert_eq!(rfc3339_millis(0), "1970-01-01T00:00:00.000Z");
        assert_eq!(rfc3339_millis(951_782_400_000), "2000-02-29T00:00:00.000Z");
        assert_eq!(rfc3339_millis(1_709_251_199_999), "2024-02-29T23:59:59.999Z");
        assert_eq!(rfc3339_millis(4_107_542_400_000), "2100-03-01T00:00:00.000Z");
        assert_eq!(rfc3339_millis(1_795_593_070_420), "2026-11-25T07:51:10.420Z");
    }

    #[test]
    fn start_ticks_after_a_hostile_command_name() {
        let rest = "S 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 4242 20 21";
        assert_eq!(start_ticks(&format!("77 (a) (b) c) {rest}")), Some(4242));
        assert_eq!(start_ticks(&format!("77 (plain) {rest}")), Some(4242));
        assert_eq!(start_ticks("77 (short) S 1 2"), None);
        assert_eq!(start_ticks("no parenthesis at all"), None);
        let not_a_number = rest.replace("4242", "x");
        assert_eq!(start_ticks(&format!("77 (a) {not_a_number}")), None);
    }

    #[test]
    fn boot_time_line_only() {
        let stat = "cpu  1 2 3\ncpu0 1 2 3\nbtime 1795679000\nprocesses 5\n";
        assert_eq!(boot_time(stat), Some(1_795_679_000));
        assert_eq!(boot_time("cpu 1 2 3\n"), None);
        assert_eq!(boot_time("btime -5\n"), None);
        assert_eq!(boot_time("btime 99999999999999999999999\n"), None);
    }
}
