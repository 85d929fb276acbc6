//! The guide's two services, run: each binary on a free port with nothing configured
//! (the console fallback), one call to `/hello/ada`, then its output read back; and
//! (`collector_export`) the axum one exporting traces, metrics and logs to a real
//! collector, built from the guide's one otel-kit dependency line (`dependency_lines`).

mod collector_export;
mod dependency_lines;

use std::io::{BufRead as _, BufReader, Read as _, Write as _};
use std::net::{TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// Start-up is quick; a loaded CI machine is not.
const READY: Duration = Duration::from_secs(30);

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port()
}

/// One of the guide's binaries, running and listening on `port`, and what it has printed
/// so far (stdout and stderr, read as they come).
struct Guide {
    child: Child,
    port: u16,
    output: Arc<Mutex<String>>,
    readers: Vec<std::thread::JoinHandle<()>>,
}

/// The binary on a free port, with no `OTEL_*` variable from the test's environment so
/// the guide's console fallback applies.
fn start(bin: &str) -> Guide {
    start_with(bin, &[])
}

/// The binary on a free port with `env` and no other `OTEL_*` variable, once it has said
/// it listens there. A port found free can be taken before the binary binds it (by a
/// collector another test starts in this process): the binary then exits, and it is
/// started again on another port, rather than the call reaching the other listener.
fn start_with(bin: &str, env: &[(&str, &str)]) -> Guide {
    let mut exits = Vec::new();
    for _ in 0..5 {
        let port = free_port();
        let mut guide = spawn(bin, port, env);
        let listening = format!("127.0.0.1:{port}");
        let deadline = Instant::now() + READY;
        loop {
            let printed = guide.output.lock().expect("output").clone();
            if printed
                .lines()
                .any(|l| l.contains("listening on") && l.contains(&listening))
            {
                return guide;
            }
            if let Ok(Some(status)) = guide.child.try_wait() {
                for reader in guide.readers.drain(..) {
                    let _ = reader.join();
                }
                exits.push(format!(
                    "port {port}: {status}\n{}",
                    guide.output.lock().expect("output")
                ));
                break;
            }
            assert!(
                Instant::now() < deadline,
                "the service did not listen on {port} within {READY:?}:\n{printed}"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }
    panic!(
        "the service exited before listening, five times:\n{}",
        exits.join("\n")
    );
}

fn spawn(bin: &str, port: u16, env: &[(&str, &str)]) -> Guide {
    let mut command = Command::new(bin);
    for (name, _) in std::env::vars_os() {
        if name.to_string_lossy().starts_with("OTEL_") {
            command.env_remove(name);
        }
    }
    let mut child = command
        .env("PORT", port.to_string())
        .env("RUST_LOG", "info")
        .envs(env.iter().copied())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start the guide's binary");
    let output = Arc::new(Mutex::new(String::new()));
    let mut readers = Vec::new();
    let stdout: Box<dyn std::io::Read + Send> = Box::new(child.stdout.take().expect("stdout"));
    let stderr: Box<dyn std::io::Read + Send> = Box::new(child.stderr.take().expect("stderr"));
    for stream in [stdout, stderr] {
        let output = Arc::clone(&output);
        readers.push(std::thread::spawn(move || {
            for line in BufReader::new(stream).lines() {
                let Ok(line) = line else { break };
                let mut output = output.lock().expect("output");
                output.push_str(&line);
                output.push('\n');
            }
        }));
    }
    Guide {
        child,
        port,
        output,
        readers,
    }
}

/// `GET path` over HTTP/1.1, once the server listens: the status line and the body.
fn get(port: u16, path: &str) -> (String, String) {
    let deadline = Instant::now() + READY;
    let mut stream = loop {
        match TcpStream::connect(("127.0.0.1", port)) {
            Ok(stream) => break stream,
            Err(error) if Instant::now() < deadline => {
                let _ = error;
                std::thread::sleep(Duration::from_millis(50));
            }
            Err(error) => panic!("the service did not listen on {port}: {error}"),
        }
    };
    stream.set_read_timeout(Some(READY)).expect("timeout");
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
    )
    .expect("send");
    let mut response = String::new();
    stream.read_to_string(&mut response).expect("read the response");
    let (head, body) = response.split_once("\r\n\r\n").unwrap_or((&response, ""));
    let status = head.lines().next().unwrap_or_default().to_owned();
    (status, body.to_owned())
}

/// Stops the binary (spans are printed as they end, so nothing is lost) and returns
/// what it printed.
fn stop(mut guide: Guide) -> String {
    // The spans of the call are ended once the response is sent; give the console a beat.
    std::thread::sleep(Duration::from_millis(300));
    guide.child.kill().expect("kill");
    guide.child.wait().expect("wait");
    for reader in guide.readers.drain(..) {
        let _ = reader.join();
    }
    std::mem::take(&mut *guide.output.lock().expect("output"))
}

/// The `trace_id=` of the first console line holding `needle`.
fn trace_id_of<'a>(output: &'a str, needle: &str) -> &'a str {
    let line = output
        .lines()
        .find(|l| l.contains(needle))
        .unwrap_or_else(|| panic!("no line with {needle:?} in:\n{output}"));
    line.split_once("trace_id=")
        .and_then(|(_, rest)| rest.split_whitespace().next())
        .unwrap_or_else(|| panic!("no trace_id in {line:?}"))
}

fn run_the_guide(bin: &str) {
    let guide = start(bin);
    let (status, body) = get(guide.port, "/hello/ada");
    let output = stop(guide);
    assert!(status.contains(" 200 "), "{status}\n{output}");
    // `/hello/ada` answers with what `/greeting/ada` said, through the traced client.
    assert_eq!(
        body.trim_end().lines().last(),
        Some("Hello, ada!"),
        "{body:?}\n{output}"
    );
    assert!(
        output.contains(&format!(
            "service.name=hello-otel service.version={} ",
            env!("CARGO_PKG_VERSION")
        )),
        "the start-up line names the service and its version:\n{output}"
    );
    // Four spans of one trace: the two server spans, the handler's, the client's.
    let trace = trace_id_of(&output, "span GET /hello/{name} ");
    for span in [
        "span GET /greeting/{name} ",
        "span hello ",
        "span GET kind=client",
    ] {
        assert_eq!(
            trace_id_of(&output, span),
            trace,
            "{span} in another trace:\n{output}"
        );
    }
}

#[test]
fn the_axum_service_of_the_guide_runs() {
    run_the_guide(env!("CARGO_BIN_EXE_guide-axum"));
}

#[test]
fn the_actix_service_of_the_guide_runs() {
    run_the_guide(env!("CARGO_BIN_EXE_guide-actix"));
}
