//! `OTEL_KIT_EXPORT_THREAD_NICE`: telemetry's own threads at a lower CPU priority (Linux).
//!
//! The span and log queues' workers, the export runtime and the SDK's metric
//! reader encode and send in bursts; on a busy core the scheduler shares it fairly with
//! the request workers, so a request that arrives during a burst waits for it. A higher
//! nice value lets request work preempt them. Off by default: on a core that is
//! saturated, the export threads then get less of it and a span queue can fill and drop.

/// The variable naming the nice value (1 to 19) for telemetry's threads.
pub(crate) const VARIABLE: &str = "OTEL_KIT_EXPORT_THREAD_NICE";

/// Where a configuration file sets it (`OTEL_KIT_EXPORT_THREAD_NICE` is then ignored).
pub(crate) const FILE_KEY: &str = "distribution.otel_kit.export_thread_nice";

/// Reads [`VARIABLE`] through `lookup` (the builder's environment) and [`apply`]s it.
pub(crate) fn apply_from_env(lookup: &dyn Fn(&str) -> Option<String>, warnings: &mut Vec<String>) {
    if let Some(value) = lookup(VARIABLE) {
        apply(VARIABLE, &value, warnings);
    }
}

/// The warning [`apply_from_env`] gives when [`VARIABLE`] names no nice value, without
/// applying anything (for `environment_warnings`, which builds nothing).
pub(crate) fn env_value_warning(lookup: &dyn Fn(&str) -> Option<String>) -> Option<String> {
    parse(VARIABLE, &lookup(VARIABLE)?).err()
}

/// The nice value `name` (the variable, or the file's key) gives: `None` for `0` (off);
/// a warning naming `name` when `value` is not a nice value from 0 to 19.
fn parse(name: &str, value: &str) -> Result<Option<i32>, String> {
    match value.trim().parse::<i32>() {
        Ok(0) => Ok(None),
        Ok(nice @ 1..=19) => Ok(Some(nice)),
        _ => Err(format!(
            "{name}={value:?}: not a nice value from 0 to 19; ignored, telemetry's threads keep the process's priority"
        )),
    }
}

/// Applies the nice `value` that `name` (the variable, or the file's key) gave to the
/// threads that exist now; a bad value is a warning naming `name` and changes nothing.
/// Threads those threads start later inherit their nice value (Linux copies it to a new
/// thread).
pub(crate) fn apply(name: &str, value: &str, warnings: &mut Vec<String>) {
    let nice = match parse(name, value) {
        Ok(Some(nice)) => nice,
        Ok(None) => return,
        Err(warning) => return warnings.push(warning),
    };
    // A new thread names itself once it runs (Rust's std), so the SDK's threads, just
    // spawned, can still carry the process's name: look again shortly.
    for pause in [0, 5, 20] {
        std::thread::sleep(std::time::Duration::from_millis(pause));
        if let Err(e) = lower_telemetry_threads(nice) {
            warnings.push(format!("{name}={value}: not applied ({e})"));
            return;
        }
    }
}

/// Whether a thread name (`comm`, cut at 15 bytes by the kernel) is telemetry's own:
/// the kit's (`otel-*`) or the SDK's processors and readers (`OpenTelemetry.*`).
#[cfg(all(target_os = "linux", feature = "thread-priority"))]
fn is_telemetry_thread(comm: &str) -> bool {
    comm.starts_with("otel-") || comm.starts_with("OpenTelemetry")
}

/// Sets `nice` on every thread of this process that [`is_telemetry_thread`]; returns how
/// many. Only ever raises the value (unprivileged processes cannot lower it back).
#[cfg(all(target_os = "linux", feature = "thread-priority"))]
pub(crate) fn lower_telemetry_threads(nice: i32) -> std::io::Result<usize> {
    let mut lowered = 0;
    for task in std::fs::read_dir("/proc/self/task")? {
        let task = task?;
        let Some(tid) = task.file_name().to_str().and_then(|t| t.parse::<i32>().ok()) else {
            continue;
        };
        // A thread that ended since the listing has no comm: skipped.
        let Ok(comm) = std::fs::read_to_string(task.path().join("comm")) else {
            continue;
        };
        if !is_telemetry_thread(comm.trim_end()) {
            continue;
        }
        let Some(pid) = rustix::process::Pid::from_raw(tid) else {
            continue;
        };
        // PRIO_PROCESS with a thread id sets that one thread's nice value on Linux.
        rustix::process::setpriority_process(Some(pid), nice)?;
        lowered += 1;
    }
    Ok(lowered)
}

/// Elsewhere, or without the `thread-priority` feature, nothing to apply it with.
#[cfg(not(all(target_os = "linux", feature = "thread-priority")))]
pub(crate) fn lower_telemetry_threads(_nice: i32) -> std::io::Result<usize> {
    Err(std::io::Error::other(
        "Linux only, with otel-kit-init's `thread-priority` feature",
    ))
}

#[cfg(all(test, target_os = "linux", feature = "thread-priority"))]
mod tests {
    use super::*;

    /// The nice value of thread `tid` of this process, field 19 of its `stat`.
    fn nice_of(tid: i32) -> i32 {
        let stat = std::fs::read_to_string(format!("/proc/self/task/{tid}/stat")).expect("the thread's stat");
        let after_comm = &stat[stat.rfind(')').expect("comm in parentheses") + 2..];
        after_comm
            .split(' ')
            .nth(16)
            .and_then(|n| n.parse().ok())
            .expect("field 19, nice")
    }

    fn spawn_named(name: &str) -> (i32, std::sync::mpsc::Sender<()>, std::thread::JoinHandle<()>) {
        let (tid_tx, tid_rx) = std::sync::mpsc::channel();
        let (stop_tx, stop_rx) = std::sync::mpsc::channel::<()>();
        let handle = std::thread::Builder::new()
            .name(name.to_owned())
            .spawn(move || {
                // `/proc/thread-self` links to `<pid>/task/<tid>`.
                let link = std::fs::read_link("/proc/thread-self").expect("/proc/thread-self");
                let tid = link
                    .file_name()
                    .and_then(|t| t.to_str()?.parse().ok())
                    .expect("a tid");
                tid_tx.send(tid).expect("the test waits");
                let _ = stop_rx.recv();
            })
            .expect("a thread");
        (tid_rx.recv().expect("its tid"), stop_tx, handle)
    }

    #[test]
    fn telemetry_threads_are_lowered_and_others_are_not() {
        let (ours, stop_ours, h1) = spawn_named("otel-span-batch");
        let (sdk, stop_sdk, h2) = spawn_named("OpenTelemetry.Logs.BatchProcessor");
        let (app, stop_app, h3) = spawn_named("tokio-runtime-worker");
        let before = nice_of(app);
        let lowered = lower_telemetry_threads(10).expect("setpriority");
        assert!(lowered >= 2, "{lowered}");
        assert_eq!(nice_of(ours), 10);
        assert_eq!(nice_of(sdk), 10);
        assert_eq!(nice_of(app), before, "an application thread was changed");
        for (stop, h) in [(stop_ours, h1), (stop_sdk, h2), (stop_app, h3)] {
            stop.send(()).expect("the thread waits");
            h.join().expect("the thread ends");
        }
    }

    #[test]
    fn names_are_matched_as_the_kernel_cuts_them() {
        assert!(is_telemetry_thread("OpenTelemetry.M"));
        assert!(is_telemetry_thread("otel-export"));
        assert!(!is_telemetry_thread("tokio-runtime-w"));
        assert!(!is_telemetry_thread("main"));
    }
}

#[cfg(test)]
mod value_tests {
    use super::*;

    // `environment_warnings` must warn exactly as `init()` does, for each value; `0`
    // (off) and a valid value apply nothing here, so they warn in neither.
    #[test]
    fn the_value_warning_is_the_one_apply_gives() {
        for value in ["loud", "-1", "20", "1.5", "", "\u{1b}[31m", "0", " 0 "] {
            let mut applied = Vec::new();
            apply(VARIABLE, value, &mut applied);
            let lookup = |name: &str| (name == VARIABLE).then(|| value.to_owned());
            let checked: Vec<String> = env_value_warning(&lookup).into_iter().collect();
            assert_eq!(checked, applied, "{value:?}");
        }
        let lookup = |name: &str| (name == VARIABLE).then(|| "loud".to_owned());
        let warning = env_value_warning(&lookup).expect("a warning");
        assert!(
            warning
                .starts_with("OTEL_KIT_EXPORT_THREAD_NICE=\"loud\": not a nice value from 0 to 19; ignored")
        );
        assert_eq!(env_value_warning(&|_: &str| None), None, "unset");
    }
}
