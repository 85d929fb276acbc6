//! The parent side: runs a scenario in a child process (this same binary, `child
//! <scenario> <n>`) exporting to the receiver with one compression, and collects what
//! the receiver got from it.

use std::path::Path;

use crate::receiver::{Export, Receiver};
use crate::scenario::Scenario;

/// `OTEL_EXPORTER_OTLP_COMPRESSION` values, in table order.
pub const COMPRESSIONS: [&str; 3] = ["none", "gzip", "zstd"];

/// Runs `scenario` for `n` operations in a child process started from `exe`, exporting
/// OTLP/HTTP protobuf to `receiver` with `compression`, every other setting the default
/// (the parent's own `OTEL_*` variables are not passed on; the metric export interval is
/// an hour, so that the only metrics export is the one at shutdown, and the span and log
/// schedule delays are a minute, so that a slow machine's timer does not cut the batches
/// short: only full batches are measured). Returns the exports the receiver got.
pub async fn in_child(
    exe: &Path,
    receiver: &Receiver,
    scenario: Scenario,
    n: usize,
    compression: &str,
) -> std::io::Result<Vec<Export>> {
    receiver.take();
    let mut command = tokio::process::Command::new(exe);
    command.arg("child").arg(scenario.name()).arg(n.to_string());
    for (key, _) in std::env::vars_os() {
        if key.to_string_lossy().starts_with("OTEL_") {
            command.env_remove(key);
        }
    }
    command
        .env("OTEL_EXPORTER_OTLP_ENDPOINT", receiver.endpoint())
        .env("OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf")
        .env("OTEL_EXPORTER_OTLP_COMPRESSION", compression)
        .env("OTEL_METRIC_EXPORT_INTERVAL", "3600000")
        .env("OTEL_BSP_SCHEDULE_DELAY", "60000")
        .env("OTEL_BLRP_SCHEDULE_DELAY", "60000");
    // The child's console lines would interleave with the table.
    let status = command.stdout(std::process::Stdio::null()).status().await?;
    if !status.success() {
        return Err(std::io::Error::other(format!(
            "{} with {compression}: the child failed ({status})",
            scenario.name()
        )));
    }
    Ok(receiver.take())
}
