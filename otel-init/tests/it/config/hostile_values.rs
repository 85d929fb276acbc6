//! Every `OTEL_*` variable the kit reads ([`known_variables`], so a variable added later
//! is covered without a change here), with hostile values: zero, negative, past
//! `u64`, `NaN`, 10 KB, control characters. `init()` returns `Ok` and never panics, an
//! empty value is unset, a value that cannot be used gets exactly one warning that
//! names the variable and what is used instead, and nothing spins afterwards (the
//! process's CPU, measured from `/proc/self/stat` in child processes).

use std::fs::File;
use std::panic::AssertUnwindSafe;
use std::process::Command;
use std::time::Duration;

use opentelemetry_sdk::Resource;
use otel_kit_init::Telemetry;
use otel_kit_init::config::{Config, EffectiveConfig, Protocol, known_variables};
use otel_kit_testing::TestCollector;

use crate::support::env;

/// The hostile values, by name (the name is what a failure shows).
fn hostile_values() -> Vec<(&'static str, String)> {
    vec![
        ("zero", "0".to_owned()),
        ("negative", "-1".to_owned()),
        ("u64::MAX", u64::MAX.to_string()),
        ("past u64", "18446744073709551616".to_owned()),
        ("NaN", "NaN".to_owned()),
        ("10 KB of digits", "7".repeat(10 * 1024)),
        ("10 KB of text", "x".repeat(10 * 1024)),
        // Escape, bell, CR LF with a forged line, DEL: what a log line must not carry raw.
        (
            "control characters",
            "\u{1b}[31mred\u{7}\r\nforged: line\t\u{7f}".to_owned(),
        ),
    ]
}

/// `init()` as a service would call it, reading `pairs` only; globals off.
fn init(pairs: &[(&str, &str)]) -> Result<Telemetry, otel_kit_init::InitError> {
    otel_kit_init::builder()
        .without_globals()
        .without_tracing_subscriber()
        .environment(env(pairs))
        .init()
}

/// Short enough to print: a 10 KB value is shown by its start and length.
fn shown(value: &str) -> String {
    if value.len() > 40 {
        format!("{:?}... ({} bytes)", &value[..40], value.len())
    } else {
        format!("{value:?}")
    }
}

/// `text` with each run of one character longer than 8 written as its length.
fn shortened(text: &str) -> String {
    let mut out = String::new();
    let chars: Vec<char> = text.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let run = chars[i..].iter().take_while(|c| **c == chars[i]).count();
        if run > 8 {
            out.push_str(&format!("{}<{run} times>", chars[i]));
        } else {
            out.extend(&chars[i..i + run]);
        }
        i += run;
    }
    out
}

/// The words with which a warning says what applies instead of the value ("ignoring
/// it": an endpoint, whose precedence then applies).
const SAYS_WHAT_APPLIES: &[&str] = &[
    "using",
    "ignored",
    "ignoring it",
    "skipped",
    "instead",
    "nothing is",
    "no client certificate",
    "default",
];

/// Variables whose use the configuration cannot show: read by otel-kit-genai at its first
/// use, which warns there (`init()` only knows the name); a secret, never shown; the
/// Operator's pod and node addresses, there for other variables to refer to; the export
/// threads' nice value, applied to the threads (`0`, the default, leaves them as they are).
fn use_is_invisible(variable: &str) -> bool {
    variable == "OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT"
        || variable == "OTEL_KIT_EXPORT_THREAD_NICE"
        || variable.ends_with("_SECRET")
        // The Operator injects these for other variables to refer to; the kit reads none.
        || ["OTEL_NODE_IP", "OTEL_POD_IP"].contains(&variable)
}

/// What goes wrong with `variable` set to `value`, if anything, against the
/// configuration and resource `init()` makes with `base` alone.
fn check_case(
    base: &[(&str, &str)],
    baseline: &(EffectiveConfig, Resource),
    variable: &str,
    name: &str,
    value: &str,
) -> Vec<String> {
    let case = format!("{variable}={} ({name})", shown(value));
    let mut pairs: Vec<(&str, &str)> = base.iter().copied().filter(|(k, _)| *k != variable).collect();
    pairs.push((variable, value));
    let telemetry = match std::panic::catch_unwind(AssertUnwindSafe(|| init(&pairs))) {
        Ok(Ok(telemetry)) => telemetry,
        Ok(Err(error)) => return vec![format!("{case}: init() failed: {error}")],
        Err(_) => return vec![format!("{case}: init() panicked")],
    };
    let mut failures = Vec::new();
    let prefix = format!("{variable}=");
    let naming: Vec<&String> = telemetry
        .warnings()
        .iter()
        .filter(|w| w.starts_with(&prefix))
        .collect();
    if naming.len() > 1 {
        let said: Vec<String> = naming.iter().map(|w| shortened(w)).collect();
        failures.push(format!("{case}: {} warnings name it: {said:#?}", naming.len()));
    }
    for warning in &naming {
        if !SAYS_WHAT_APPLIES.iter().any(|words| warning.contains(words)) {
            failures.push(format!(
                "{case}: the warning does not say what applies instead: {}",
                shortened(warning)
            ));
        }
    }
    // A warning is one log line: a value's control characters are escaped.
    for warning in telemetry.warnings() {
        if warning.chars().any(char::is_control) {
            failures.push(format!(
                "{case}: a warning carries a raw control character: {:?}",
                shortened(warning)
            ));
        }
    }
    // A value that changed nothing was not used: it must have been said.
    let unchanged = telemetry.effective_config() == &baseline.0 && telemetry.resource() == &baseline.1;
    if naming.is_empty() && unchanged && !use_is_invisible(variable) {
        failures.push(format!("{case}: ignored without a warning"));
    }
    failures
}

#[tokio::test(flavor = "multi_thread")]
async fn every_known_variable_with_every_hostile_value_inits_and_warns_at_most_once() {
    // Exports succeed at once, so that each `init()`'s shutdown is quick.
    let collector = TestCollector::start().await.expect("collector");
    let endpoint = collector.endpoint();
    let failures = tokio::task::spawn_blocking(move || {
        let base = [
            ("OTEL_SERVICE_NAME", "hostile"),
            ("OTEL_EXPORTER_OTLP_ENDPOINT", endpoint.as_str()),
        ];
        let baseline = init(&base).expect("init with the base environment");
        let baseline_values = (baseline.effective_config().clone(), baseline.resource().clone());
        drop(baseline);
        let variables = known_variables();
        assert!(
            variables.len() > 90,
            "the kit reads more variables than {variables:?}"
        );
        let cases: Vec<(String, &'static str, String)> = variables
            .iter()
            .flat_map(|v| {
                hostile_values()
                    .into_iter()
                    .map(move |(name, value)| (v.clone(), name, value))
            })
            .collect();
        // Each `init()` waits more than it computes (its shutdown): a few at once.
        let next = std::sync::atomic::AtomicUsize::new(0);
        let failures = std::sync::Mutex::new(Vec::new());
        std::thread::scope(|scope| {
            for _ in 0..8 {
                scope.spawn(|| {
                    while let Some((variable, name, value)) =
                        cases.get(next.fetch_add(1, std::sync::atomic::Ordering::Relaxed))
                    {
                        let found = check_case(&base, &baseline_values, variable, name, value);
                        failures.lock().expect("failures").extend(found);
                    }
                });
            }
        });
        failures.into_inner().expect("failures")
    })
    .await
    .expect("the cases ran");
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn an_empty_or_blank_value_is_unset_for_every_known_variable() {
    let (unset, none) = Config::from_lookup(|_| None);
    assert!(none.is_empty());
    for variable in known_variables() {
        for value in ["", "   ", "\t"] {
            let (config, warnings) = Config::from_lookup(|k| (k == variable).then(|| value.to_owned()));
            assert_eq!(config, unset, "{variable}={value:?} is not read as unset");
            assert!(warnings.is_empty(), "{variable}={value:?}: {warnings:?}");
        }
    }
}

#[test]
fn a_zero_otlp_timeout_is_one_warning_and_the_default_on_every_protocol() {
    for protocol in ["http/protobuf", "grpc"] {
        for variable in [
            "OTEL_EXPORTER_OTLP_TIMEOUT",
            "OTEL_EXPORTER_OTLP_TRACES_TIMEOUT",
            "OTEL_EXPORTER_OTLP_METRICS_TIMEOUT",
            "OTEL_EXPORTER_OTLP_LOGS_TIMEOUT",
        ] {
            let telemetry = init(&[(variable, "0"), ("OTEL_EXPORTER_OTLP_PROTOCOL", protocol)])
                .unwrap_or_else(|e| panic!("{variable}=0 over {protocol}: init() failed: {e}"));
            let naming: Vec<&String> = telemetry
                .warnings()
                .iter()
                .filter(|w| w.starts_with(&format!("{variable}=")))
                .collect();
            assert_eq!(
                naming,
                [&format!(
                    "{variable}=\"0\" is zero, and a zero timeout is not \"no limit\"; using the default 10000 ms"
                )],
                "{protocol}"
            );
            let otlp = &telemetry.effective_config().export.otlp;
            for signal in [&otlp.traces, &otlp.metrics, &otlp.logs] {
                assert_eq!(
                    signal.settings.timeout,
                    Duration::from_secs(10),
                    "{variable} over {protocol}"
                );
            }
        }
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_10_kb_header_holding_a_token_is_accepted_and_sent_on_every_protocol() {
    let collector = TestCollector::start().await.expect("collector");
    let token: String = (0..10 * 1024)
        .map(|i| char::from(b'a' + (i % 26) as u8))
        .collect();
    let headers = format!("authorization=Bearer%20{token}");
    for protocol in [Protocol::HttpProtobuf, Protocol::Grpc] {
        collector.reset();
        let endpoint = collector.endpoint();
        let telemetry = init(&[
            ("OTEL_SERVICE_NAME", "hostile"),
            ("OTEL_EXPORTER_OTLP_ENDPOINT", &endpoint),
            ("OTEL_EXPORTER_OTLP_PROTOCOL", protocol.as_str()),
            ("OTEL_EXPORTER_OTLP_HEADERS", &headers),
            ("OTEL_METRICS_EXPORTER", "none"),
            ("OTEL_LOGS_EXPORTER", "none"),
        ])
        .expect("init");
        assert!(telemetry.warnings().is_empty(), "{:?}", telemetry.warnings());
        {
            use opentelemetry::trace::{Tracer as _, TracerProvider as _};
            telemetry
                .tracer_provider()
                .tracer("hostile")
                .in_span("with a long token", |_| {});
        }
        let flushed = tokio::task::spawn_blocking(move || telemetry.shutdown())
            .await
            .expect("join");
        flushed.expect("the export with the 10 KB header succeeds");
        let requests = collector.requests();
        assert!(!requests.is_empty(), "{}: nothing arrived", protocol.as_str());
        let expected = format!("Bearer {token}");
        for request in requests {
            assert_eq!(
                request.header("authorization"),
                Some(expected.as_str()),
                "{}",
                protocol.as_str()
            );
        }
    }
}

/// The environment variable that tells a child process which hostile value it runs with.
const CHILD_CASE: &str = "OTEL_KIT_TEST_HOSTILE_CASE";

/// utime + stime of this process, in clock ticks (10 ms).
fn process_cpu_ticks() -> u64 {
    let stat = std::fs::read_to_string("/proc/self/stat").expect("/proc/self/stat");
    let after = &stat[stat.rfind(')').expect("the command's end") + 2..];
    let fields: Vec<&str> = after.split_whitespace().collect();
    // Fields 14 and 15 (1-based) of stat; `after` starts at field 3.
    fields[11].parse::<u64>().expect("utime") + fields[12].parse::<u64>().expect("stime")
}

/// At most this many ticks (0.3 s) of CPU over the 2 s measured: an idle process uses a
/// tick or two; one spinning thread uses about 200.
const IDLE_TICKS: u64 = 30;

/// In the shared process: one child per hostile value (and per value again with every
/// pipeline on and healthy: exporters on OTLP to a live collector, no certificate
/// files), each with every known variable
/// set to that value in its real environment, as the SDK also reads some of them
/// itself. In a child: `init()` from that environment, then the process's CPU over two
/// seconds. Measured in the child, so the parallel suite's load cannot add to it.
#[test]
fn hostile_values_leave_the_process_idle() {
    let test = "config::hostile_values::hostile_values_leave_the_process_idle";
    if let Ok(case) = std::env::var(CHILD_CASE) {
        let telemetry = otel_kit_init::init().expect("init() from the hostile environment");
        std::thread::sleep(Duration::from_secs(1));
        let before = process_cpu_ticks();
        std::thread::sleep(Duration::from_secs(2));
        let used = process_cpu_ticks() - before;
        println!("{case}: {used} ticks of CPU over 2 s after init()");
        assert!(
            used < IDLE_TICKS,
            "{case}: the idle process used {used} ticks (of 200) over 2 s"
        );
        drop(telemetry);
        return;
    }
    let runtime = tokio::runtime::Runtime::new().expect("a runtime for the collector");
    let collector = runtime.block_on(TestCollector::start()).expect("collector");
    let exe = std::env::current_exe().expect("the test binary");
    let dir = std::env::temp_dir().join(format!("otel-kit-hostile-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("a directory for the children's output");
    let mut children = Vec::new();
    for (name, value) in hostile_values() {
        for pinned in [false, true] {
            let case = format!("{name}{}", if pinned { ", pipelines on" } else { "" });
            let mut command = Command::new(&exe);
            command.args([test, "--exact", "--nocapture", "--test-threads=1"]);
            for (variable, _) in std::env::vars().filter(|(k, _)| k.starts_with("OTEL_")) {
                command.env_remove(variable);
            }
            for variable in known_variables() {
                command.env(variable, &value);
            }
            if pinned {
                for variable in [
                    "OTEL_TRACES_EXPORTER",
                    "OTEL_METRICS_EXPORTER",
                    "OTEL_LOGS_EXPORTER",
                ] {
                    command.env(variable, "otlp");
                }
                command.env("OTEL_SDK_DISABLED", "false");
                // A certificate or key file that cannot be read turns its signal off, and
                // an export that waits on a dead endpoint parks its thread: either would
                // hide a pipeline that spins once its exports return.
                for variable in known_variables() {
                    if variable.ends_with("_CERTIFICATE")
                        || variable.ends_with("_CLIENT_KEY")
                        || variable.ends_with("_ENDPOINT")
                        || variable.ends_with("_PROTOCOL")
                    {
                        command.env_remove(variable);
                    }
                }
                command.env("OTEL_EXPORTER_OTLP_ENDPOINT", collector.endpoint());
            }
            command.env(CHILD_CASE, &case);
            // Into files, not pipes: the children run at once, and their warnings
            // (10 KB values among them) would fill a pipe no one reads yet.
            let out = dir.join(format!("{}.out", children.len()));
            let err = dir.join(format!("{}.err", children.len()));
            command.stdout(File::create(&out).expect("stdout file"));
            command.stderr(File::create(&err).expect("stderr file"));
            let child = command.spawn().expect("start the test binary again");
            children.push((case, child, out, err));
        }
    }
    let mut failures = Vec::new();
    for (case, mut child, out, err) in children {
        let status = child.wait().expect("the child ends");
        let stdout = std::fs::read_to_string(&out).unwrap_or_default();
        print!(
            "{}",
            stdout
                .lines()
                .filter(|l| l.contains("ticks"))
                .map(|l| format!("{l}\n"))
                .collect::<String>()
        );
        if !(status.success() && stdout.contains(" 1 passed;")) {
            let stderr = std::fs::read_to_string(&err).unwrap_or_default();
            let stderr: String = stderr
                .chars()
                .rev()
                .take(4000)
                .collect::<Vec<_>>()
                .into_iter()
                .rev()
                .collect();
            failures.push(format!("{case}: {status}\n{stdout}\n...{stderr}"));
        }
    }
    std::fs::remove_dir_all(&dir).ok();
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// The certificate, key and header-file variables against an `https://` endpoint, so
/// that their files are opened: the hostile values, a missing path with control
/// characters, and an existing file under such a path (not PEM, or a token with a
/// control character). Each warning is one line, with the path escaped.
#[tokio::test(flavor = "multi_thread")]
async fn credential_files_against_an_https_endpoint_warn_with_escaped_paths() {
    let collector = TestCollector::start().await.expect("collector");
    let endpoint = format!("https://{}", collector.addr());
    let failures = tokio::task::spawn_blocking(move || {
        let dir = std::env::temp_dir().join(format!("otel-kit-hostile-paths-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("dir");
        let hostile_name = "\u{1b}[31mred\u{7}\r\nforged: line\t\u{7f}";
        let missing = dir.join(format!("missing-{hostile_name}.pem"));
        let existing = dir.join(format!("existing-{hostile_name}.pem"));
        std::fs::write(&existing, "Bearer x\u{7}y\nnot PEM\n").expect("write");
        let base = [
            ("OTEL_SERVICE_NAME", "hostile"),
            ("OTEL_EXPORTER_OTLP_ENDPOINT", endpoint.as_str()),
        ];
        let baseline = init(&base).expect("init with the base environment");
        let baseline_values = (baseline.effective_config().clone(), baseline.resource().clone());
        drop(baseline);
        let variables: Vec<String> = known_variables()
            .into_iter()
            .filter(|v| {
                v.ends_with("_CERTIFICATE") || v.ends_with("_CLIENT_KEY") || v.ends_with("_HEADERS_FILE")
            })
            .collect();
        assert!(variables.len() >= 13, "{variables:?}");
        let mut cases = Vec::new();
        for variable in &variables {
            let mut values = hostile_values();
            for (name, path) in [("a missing path", &missing), ("an existing path", &existing)] {
                let path = path.to_str().expect("utf-8").to_owned();
                let value = if variable.ends_with("_HEADERS_FILE") {
                    format!("authorization={path}")
                } else {
                    path
                };
                values.push((name, value));
            }
            cases.extend(values.into_iter().map(|(name, value)| (variable, name, value)));
        }
        // Each `init()` waits more than it computes (its shutdown): a few at once.
        let next = std::sync::atomic::AtomicUsize::new(0);
        let failures = std::sync::Mutex::new(Vec::new());
        std::thread::scope(|scope| {
            for _ in 0..8 {
                scope.spawn(|| {
                    while let Some((variable, name, value)) =
                        cases.get(next.fetch_add(1, std::sync::atomic::Ordering::Relaxed))
                    {
                        let found = check_case(&base, &baseline_values, variable, name, value);
                        failures.lock().expect("failures").extend(found);
                    }
                });
            }
        });
        std::fs::remove_dir_all(&dir).ok();
        failures.into_inner().expect("failures")
    })
    .await
    .expect("the cases ran");
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
