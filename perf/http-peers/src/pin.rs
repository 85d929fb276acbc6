//! CPU pinning with `taskset` (util-linux): the server on one core, the driver and the
//! collector on another, as issue 17 measured its baseline. Pinning keeps the server's
//! threads from migrating and from sharing a core with the load generator, so its CPU
//! time per request is its own work, not the scheduler's.

use std::io;
use std::path::Path;
use std::process::Command;

/// Pins every thread of this process (and so every thread and child it starts later) to
/// `cpu`.
pub fn pin_this_process(cpu: usize) -> io::Result<()> {
    let status = Command::new("taskset")
        // taskset [options] <cpu list> <pid>: the list is positional, after the flags.
        .args(["--all-tasks", "--cpu-list", "--pid", &cpu.to_string()])
        .arg(std::process::id().to_string())
        .stdout(std::process::Stdio::null())
        .status()
        .map_err(|e| io::Error::new(e.kind(), format!("cannot run taskset: {e}")))?;
    if status.success() {
        Ok(())
    } else {
        Err(io::Error::other(format!(
            "taskset -p on cpu {cpu} exited with {status}"
        )))
    }
}

/// A command that runs `program` pinned to `cpu`, or unpinned when `cpu` is `None`.
/// `taskset` execs `program`, so the child's pid is the program's.
pub fn command(program: &Path, cpu: Option<usize>) -> Command {
    match cpu {
        Some(cpu) => {
            let mut c = Command::new("taskset");
            c.args(["--cpu-list", &cpu.to_string()]).arg(program);
            c
        }
        None => Command::new(program),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pinned_child_runs_on_its_cpu() {
        let out = command(Path::new("grep"), Some(0))
            .args(["Cpus_allowed_list", "/proc/self/status"])
            .output()
            .unwrap();
        let text = String::from_utf8_lossy(&out.stdout);
        assert_eq!(text.split_whitespace().last(), Some("0"), "{text}");
    }
}
