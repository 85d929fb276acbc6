//! The checkout demo binary as the tests start it.

use std::process::{Command, Stdio};

/// The demo binary with `args` and `env`, and nothing from the test's own environment
/// that would change what it does (`OTEL_*`, `OPENAI_*`, `DATABASE_URL`); stdout and
/// stderr piped.
pub(crate) fn demo(args: &[&str], env: &[(&str, &str)]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_checkout"));
    for (key, _) in std::env::vars_os() {
        let key_text = key.to_string_lossy();
        if key_text.starts_with("OTEL_") || key_text.starts_with("OPENAI_") || key_text == "DATABASE_URL" {
            command.env_remove(&key);
        }
    }
    command
        .args(args)
        .envs(env.iter().copied())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    command
}
