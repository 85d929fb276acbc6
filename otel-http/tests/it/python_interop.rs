//! Cross-language propagation against the Python OpenTelemetry SDK: a Python client
//! (W3C Trace Context, B3 multi-header, Jaeger, OT Trace, AWS X-Ray) calls our axum service through
//! `ServerLayer` and our actix-web service through `actix::ServerMiddleware`, and our reqwest client through `ClientMiddleware` calls a Python
//! `http.server` that extracts the context with the Python SDK's propagator. Both
//! directions must end up in one trace, parented across the process boundary.
//!
//! The Python side is `tests/it/python/{client,server}.py`, run by the interpreter named by
//! `TEST_PYTHON_OTEL` (a python3 in a venv with `opentelemetry-sdk`,
//! `opentelemetry-propagator-b3`, `-jaeger`, `-ot-trace` and `-aws-xray`; `.ci/run` provides one). Without the variable each
//! test says why on stderr and passes.

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;

use axum::Router;
use axum::routing::get;
use opentelemetry::trace::{SpanKind, TraceContextExt as _, Tracer as _};
use opentelemetry::{Context, context::FutureExt as _, global};
use opentelemetry_sdk::trace::Sampler;
use otel_kit_http::actix::ServerMiddleware;
use otel_kit_http::{ClientMiddleware, ServerLayer};
use otel_kit_init::reexports::otel_kit_propagators::{PropagatorName, Propagators};
use otel_kit_testing::TestTelemetry;
use serde_json::Value;
use tokio::io::{AsyncBufReadExt as _, BufReader};
use tokio::process::{Child, Command};

const PYTHON_VAR: &str = "TEST_PYTHON_OTEL";
/// For a Python process to start (imports included) and answer.
const WAIT: Duration = Duration::from_secs(30);
/// For our SERVER span to end once the Python client has its response.
const SPANS_WAIT: Duration = Duration::from_secs(5);

/// OTLP span flags: the sampled trace flag, and "the parent's remoteness is known" plus
/// "the parent is remote".
const SAMPLED: u32 = 0x01;
const HAS_IS_REMOTE: u32 = 0x100;
const IS_REMOTE: u32 = 0x200;

/// The propagation format both sides use in a test, and only that one.
#[derive(Clone, Copy, Debug)]
enum Format {
    W3c,
    B3Multi,
    Jaeger,
    OtTrace,
    XRay,
}

const ALL_FORMATS: [Format; 5] = [
    Format::W3c,
    Format::B3Multi,
    Format::Jaeger,
    Format::OtTrace,
    Format::XRay,
];

impl Format {
    /// The name the Python scripts take (`OTEL_PROPAGATORS` spelling).
    fn python_name(self) -> &'static str {
        match self {
            Format::W3c => "tracecontext",
            Format::B3Multi => "b3multi",
            Format::Jaeger => "jaeger",
            Format::OtTrace => "ottrace",
            Format::XRay => "xray",
        }
    }

    /// The trace id the other side reads from `sent`: OT Trace carries only its low 64
    /// bits.
    fn received_trace_id(self, sent: &str) -> String {
        match self {
            Format::OtTrace => format!("{:0>32}", &sent[16..]),
            _ => sent.to_owned(),
        }
    }

    /// Installs otel-kit-init's propagator for this format as the global one, replacing the
    /// W3C + baggage one `install_global` set.
    fn install(self) {
        let name = match self {
            Format::W3c => PropagatorName::TraceContext,
            Format::B3Multi => PropagatorName::B3Multi,
            Format::Jaeger => PropagatorName::Jaeger,
            Format::OtTrace => PropagatorName::OtTrace,
            Format::XRay => PropagatorName::XRay,
        };
        Propagators::new([name]).install_global();
    }

    /// Header names (lower-case) this format must put on the wire.
    fn headers(self) -> &'static [&'static str] {
        match self {
            Format::W3c => &["traceparent"],
            Format::B3Multi => &["x-b3-traceid", "x-b3-spanid", "x-b3-sampled"],
            Format::Jaeger => &["uber-trace-id"],
            Format::OtTrace => &["ot-tracer-traceid", "ot-tracer-spanid", "ot-tracer-sampled"],
            Format::XRay => &["x-amzn-trace-id"],
        }
    }

    /// Header names (lower-case) of the other format, which must not be on the wire: so
    /// a test cannot pass through the wrong propagator.
    fn foreign_headers(self) -> impl Iterator<Item = &'static str> {
        ALL_FORMATS
            .into_iter()
            .filter(move |other| other.python_name() != self.python_name())
            .flat_map(|other| other.headers().iter().copied())
    }

    /// Checks the header names a peer sent or received (any case) against this format.
    fn check_header_names<'a>(self, names: impl IntoIterator<Item = &'a str>, what: &str) {
        let names: Vec<String> = names.into_iter().map(str::to_ascii_lowercase).collect();
        for expected in self.headers() {
            assert!(
                names.iter().any(|n| n == expected),
                "{self:?}: {what} lack `{expected}`: {names:?}"
            );
        }
        for foreign in self.foreign_headers() {
            assert!(
                !names.iter().any(|n| n == foreign),
                "{self:?}: {what} include `{foreign}`: {names:?}"
            );
        }
    }
}

/// The interpreter from `TEST_PYTHON_OTEL`, or `None` after saying on stderr why the
/// test is skipped. A variable that is set but names no file is a broken setup: panic.
fn python(test: &str) -> Option<PathBuf> {
    let Some(path) = std::env::var_os(PYTHON_VAR).filter(|v| !v.is_empty()) else {
        eprintln!(
            "skipping {test}: {PYTHON_VAR} is not set (the path of a python3 whose venv has \
             opentelemetry-sdk and opentelemetry-propagator-b3; .ci/run sets it)"
        );
        return None;
    };
    let path = PathBuf::from(path);
    assert!(path.is_file(), "{PYTHON_VAR}={} is not a file", path.display());
    Some(path)
}

/// `python tests/it/python/<script>`, killed when its handle is dropped, without the
/// caller's `OTEL_*` variables (an `OTEL_TRACES_SAMPLER` or `OTEL_SDK_DISABLED` there
/// would change what the Python SDK does).
fn python_command(python: &Path, script: &str) -> Command {
    let mut command = Command::new(python);
    command
        .arg(
            Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("tests/it/python")
                .join(script),
        )
        .kill_on_drop(true);
    for (name, _) in std::env::vars_os() {
        if name.to_string_lossy().starts_with("OTEL_") {
            command.env_remove(name);
        }
    }
    command
}

fn field<'a>(json: &'a Value, pointer: &str) -> &'a Value {
    json.pointer(pointer)
        .unwrap_or_else(|| panic!("no `{pointer}` in {json}"))
}

fn str_field<'a>(json: &'a Value, pointer: &str) -> &'a str {
    field(json, pointer)
        .as_str()
        .unwrap_or_else(|| panic!("`{pointer}` is not a string in {json}"))
}

fn bool_field(json: &Value, pointer: &str) -> bool {
    field(json, pointer)
        .as_bool()
        .unwrap_or_else(|| panic!("`{pointer}` is not a boolean in {json}"))
}

/// Lower-case hex of the given length, not all zeros: a real id, so equal ids cannot
/// come from two invalid (zero) contexts.
fn assert_valid_id(id: &str, digits: usize, what: &str) {
    assert!(
        id.len() == digits
            && id.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
            && id.bytes().any(|b| b != b'0'),
        "{what} `{id}` is not a valid {digits}-digit id"
    );
}

/// Runs `client.py url format`; returns its JSON report. Fails if it does not exit
/// successfully within `WAIT` (the process is killed then: `kill_on_drop`).
async fn run_python_client(python: &Path, url: &str, format: Format) -> Value {
    run_python_client_with(python, url, format, &[]).await
}

/// `client.py url format baggage`, the baggage as a JSON object.
async fn run_python_client_with(python: &Path, url: &str, format: Format, baggage: &[&str]) -> Value {
    let mut command = python_command(python, "client.py");
    command.arg(url).arg(format.python_name());
    if !baggage.is_empty() {
        let entries: serde_json::Map<String, Value> = baggage
            .iter()
            .filter_map(|entry| entry.split_once('='))
            .map(|(k, v)| (k.to_owned(), Value::from(v)))
            .collect();
        command.arg(Value::Object(entries).to_string());
    }
    let output = tokio::time::timeout(WAIT, command.stdin(Stdio::null()).output())
        .await
        .unwrap_or_else(|_| panic!("client.py did not finish within {WAIT:?}"))
        .expect("run client.py");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "client.py failed ({}):\nstdout: {stdout}\nstderr: {}",
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("client.py printed {stdout:?}: {e}"))
}

/// `server.py` running on 127.0.0.1; killed when dropped. It also exits by itself when
/// its stdin (held here) closes, so it does not outlive a test process that is killed.
struct PythonServer {
    _child: Child,
    port: u16,
}

impl PythonServer {
    async fn start(python: &Path, format: Format) -> Self {
        let mut child = python_command(python, "server.py")
            .arg(format.python_name())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .expect("spawn server.py");
        let stdout = child.stdout.take().expect("server.py stdout");
        let line = tokio::time::timeout(WAIT, BufReader::new(stdout).lines().next_line())
            .await
            .unwrap_or_else(|_| panic!("server.py printed no port within {WAIT:?}"))
            .expect("read server.py stdout")
            .expect("server.py exited before printing its port");
        let json: Value =
            serde_json::from_str(&line).unwrap_or_else(|e| panic!("server.py printed {line:?}: {e}"));
        let port = field(&json, "/port")
            .as_u64()
            .and_then(|p| u16::try_from(p).ok())
            .unwrap_or_else(|| panic!("server.py printed {line:?}"));
        PythonServer { _child: child, port }
    }
}

/// Our service: one route behind `ServerLayer`, on an ephemeral port.
/// Which of our server front-ends the Python client calls.
#[derive(Clone, Copy, Debug)]
enum Front {
    Axum,
    Actix,
}

async fn serve_ours(front: Front) -> String {
    if let Front::Actix = front {
        return crate::support::actix::serve_actix(ServerMiddleware::default(), |routes| {
            routes.route(
                "/interop/{peer}",
                actix_web::web::get().to(|| async { "hello from rust" }),
            );
        });
    }
    let app = Router::new()
        .route("/interop/{peer}", get(|| async { "hello from rust" }))
        .layer(ServerLayer::new());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("local addr");
    tokio::spawn(async move {
        axum::serve(listener, app).await.expect("serve");
    });
    format!("http://{addr}")
}

/// A Python client span is the remote parent of our SERVER span.
async fn python_client_parents_our_server_span(test: &str, format: Format, front: Front) {
    let Some(python) = python(test) else { return };
    // Parent-based, always off for roots: our span is recorded only if the sampled flag
    // crossed over with the ids.
    let t = TestTelemetry::builder()
        .sampler(Sampler::ParentBased(Box::new(Sampler::AlwaysOff)))
        .build()
        .install_global();
    format.install();
    let base = serve_ours(front).await;

    let report = run_python_client(&python, &format!("{base}/interop/python"), format).await;
    assert_eq!(field(&report, "/status"), 200, "{report}");
    assert_eq!(str_field(&report, "/body"), "hello from rust");
    let trace_id = str_field(&report, "/trace_id");
    let span_id = str_field(&report, "/span_id");
    assert_valid_id(trace_id, 32, "Python trace id");
    assert_valid_id(span_id, 16, "Python span id");
    assert!(bool_field(&report, "/sampled"), "{report}");
    let sent = field(&report, "/sent_headers")
        .as_object()
        .unwrap_or_else(|| panic!("sent_headers: {report}"));
    format.check_header_names(sent.keys().map(String::as_str), "the Python client's headers");

    // Without a span here, the context (or its sampled flag) did not cross over.
    let spans = t.wait_for_spans(1, SPANS_WAIT).await;
    spans.assert_count(1);
    let server = spans
        .span("GET /interop/{peer}")
        .has_kind(SpanKind::Server)
        .has_trace_id(&format.received_trace_id(trace_id))
        .has_parent_span_id(span_id);
    let flags = server.record().flags;
    assert_eq!(
        flags & (HAS_IS_REMOTE | IS_REMOTE),
        HAS_IS_REMOTE | IS_REMOTE,
        "the parent is remote: flags {flags:#x}"
    );
    assert_eq!(flags & SAMPLED, SAMPLED, "sampled: flags {flags:#x}");
    eprintln!(
        "{test}: client.py sent {sent:?}; our {front:?} SERVER span {} has OTLP flags {flags:#x}",
        server.record().span_id
    );
}

/// Our reqwest client with `ClientMiddleware`, as a service would build it.
fn traced_client() -> reqwest_middleware::ClientWithMiddleware {
    reqwest_middleware::ClientBuilder::new(
        reqwest::Client::builder()
            .timeout(WAIT)
            .build()
            .expect("reqwest client"),
    )
    .with(ClientMiddleware::default())
    .build()
}

/// Our CLIENT span is the remote parent the Python server extracts and continues.
async fn our_client_parents_python_server_span(test: &str, format: Format) {
    let Some(python) = python(test) else { return };
    let t = TestTelemetry::new().install_global();
    format.install();
    let server = PythonServer::start(&python, format).await;

    let client = traced_client();
    let parent_cx = Context::current_with_span(global::tracer("interop").start("parent"));
    let response = client
        .get(format!("http://127.0.0.1:{}/interop/rust", server.port))
        .send()
        .with_context(parent_cx.clone())
        .await
        .expect("call server.py");
    assert_eq!(response.status(), 200);
    let body = response.text().await.expect("server.py body");
    parent_cx.span().end();
    let report: Value =
        serde_json::from_str(&body).unwrap_or_else(|e| panic!("server.py answered {body:?}: {e}"));

    let spans = t.spans();
    spans
        .assert_count(2)
        .assert_single_trace()
        .assert_tree("parent\n  GET");
    let ours = spans
        .span("GET")
        .has_kind(SpanKind::Client)
        .has_parent(&spans.span("parent"))
        .record();
    assert_eq!(
        ours.flags & (HAS_IS_REMOTE | IS_REMOTE | SAMPLED),
        HAS_IS_REMOTE | SAMPLED,
        "a sampled span with a local parent: flags {:#x}",
        ours.flags
    );

    let received: Vec<(&str, &str)> = field(&report, "/headers")
        .as_array()
        .unwrap_or_else(|| panic!("headers: {report}"))
        .iter()
        .map(|pair| (str_field(pair, "/0"), str_field(pair, "/1")))
        .collect();
    format.check_header_names(
        received.iter().map(|(name, _)| *name),
        "the headers server.py received",
    );
    // What the Python SDK's propagator extracted: our CLIENT span, remote and sampled.
    assert!(bool_field(&report, "/extracted/valid"), "{report}");
    assert_eq!(
        str_field(&report, "/extracted/trace_id"),
        format.received_trace_id(&ours.trace_id),
        "{report}"
    );
    assert_eq!(str_field(&report, "/extracted/span_id"), ours.span_id, "{report}");
    assert!(bool_field(&report, "/extracted/remote"), "{report}");
    assert!(bool_field(&report, "/extracted/sampled"), "{report}");
    // And the SERVER span the Python SDK started from it continues our trace.
    assert_eq!(
        str_field(&report, "/server_span/trace_id"),
        format.received_trace_id(&ours.trace_id),
        "{report}"
    );
    assert_eq!(
        str_field(&report, "/server_span/parent_span_id"),
        ours.span_id,
        "{report}"
    );
    assert!(bool_field(&report, "/server_span/sampled"), "{report}");
    eprintln!("{test}: server.py received {received:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn python_client_w3c_parents_our_server_span() {
    python_client_parents_our_server_span(
        "python_client_w3c_parents_our_server_span",
        Format::W3c,
        Front::Axum,
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn python_client_b3_multi_parents_our_server_span() {
    python_client_parents_our_server_span(
        "python_client_b3_multi_parents_our_server_span",
        Format::B3Multi,
        Front::Axum,
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn our_client_w3c_parents_python_server_span() {
    our_client_parents_python_server_span("our_client_w3c_parents_python_server_span", Format::W3c).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn our_client_b3_multi_parents_python_server_span() {
    our_client_parents_python_server_span("our_client_b3_multi_parents_python_server_span", Format::B3Multi)
        .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn python_client_jaeger_parents_our_server_span() {
    python_client_parents_our_server_span(
        "python_client_jaeger_parents_our_server_span",
        Format::Jaeger,
        Front::Axum,
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn our_client_jaeger_parents_python_server_span() {
    our_client_parents_python_server_span("our_client_jaeger_parents_python_server_span", Format::Jaeger)
        .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn python_client_ottrace_parents_our_server_span() {
    python_client_parents_our_server_span(
        "python_client_ottrace_parents_our_server_span",
        Format::OtTrace,
        Front::Axum,
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn our_client_ottrace_parents_python_server_span() {
    our_client_parents_python_server_span("our_client_ottrace_parents_python_server_span", Format::OtTrace)
        .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn python_client_xray_parents_our_server_span() {
    python_client_parents_our_server_span(
        "python_client_xray_parents_our_server_span",
        Format::XRay,
        Front::Axum,
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn our_client_xray_parents_python_server_span() {
    our_client_parents_python_server_span("our_client_xray_parents_python_server_span", Format::XRay).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn python_client_w3c_parents_our_actix_server_span() {
    python_client_parents_our_server_span(
        "python_client_w3c_parents_our_actix_server_span",
        Format::W3c,
        Front::Actix,
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn python_client_b3_multi_parents_our_actix_server_span() {
    python_client_parents_our_server_span(
        "python_client_b3_multi_parents_our_actix_server_span",
        Format::B3Multi,
        Front::Actix,
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn python_client_jaeger_parents_our_actix_server_span() {
    python_client_parents_our_server_span(
        "python_client_jaeger_parents_our_actix_server_span",
        Format::Jaeger,
        Front::Actix,
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn python_client_xray_parents_our_actix_server_span() {
    python_client_parents_our_server_span(
        "python_client_xray_parents_our_actix_server_span",
        Format::XRay,
        Front::Actix,
    )
    .await;
}

/// The baggage both sides send, with what the Jaeger format URL-encodes (a space, a
/// slash, a non-ASCII letter).
const JAEGER_BAGGAGE: [&str; 2] = ["tenant=acme corp", "region=eu/west-ü"];

/// A Python client's `uberctx-` baggage (Python's Jaeger propagator) reaches our
/// handler's context through otel-kit-init's Jaeger propagator.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn python_client_jaeger_baggage_reaches_our_handler() {
    use opentelemetry::baggage::BaggageExt as _;

    let test = "python_client_jaeger_baggage_reaches_our_handler";
    let Some(python) = python(test) else { return };
    let _t = TestTelemetry::new().install_global();
    Format::Jaeger.install();
    let app = Router::new()
        .route(
            "/baggage",
            get(|| async {
                let cx = Context::current();
                let mut entries: Vec<String> = cx
                    .baggage()
                    .iter()
                    .map(|(k, (v, _))| format!("{k}={v}"))
                    .collect();
                entries.sort();
                entries.join(";")
            }),
        )
        .layer(ServerLayer::new());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("local addr");
    tokio::spawn(async move { axum::serve(listener, app).await.expect("serve") });

    let report = run_python_client_with(
        &python,
        &format!("http://{addr}/baggage"),
        Format::Jaeger,
        &JAEGER_BAGGAGE,
    )
    .await;
    let sent = field(&report, "/sent_headers")
        .as_object()
        .unwrap_or_else(|| panic!("sent_headers: {report}"));
    assert!(
        sent.keys()
            .any(|name| name.eq_ignore_ascii_case("uberctx-tenant")),
        "{sent:?}"
    );
    let mut expected = JAEGER_BAGGAGE.to_vec();
    expected.sort_unstable();
    assert_eq!(str_field(&report, "/body"), expected.join(";"), "{report}");
}

/// Our client's baggage, injected as `uberctx-` headers by otel-kit-init's Jaeger
/// propagator, is what Python's Jaeger propagator extracts.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn our_client_jaeger_baggage_reaches_python() {
    use opentelemetry::KeyValue;
    use opentelemetry::baggage::BaggageExt as _;

    let test = "our_client_jaeger_baggage_reaches_python";
    let Some(python) = python(test) else { return };
    let _t = TestTelemetry::new().install_global();
    Format::Jaeger.install();
    let server = PythonServer::start(&python, Format::Jaeger).await;
    let client = traced_client();
    let entries = JAEGER_BAGGAGE
        .iter()
        .filter_map(|entry| entry.split_once('='))
        .map(|(k, v)| KeyValue::new(k, v));
    let cx = Context::current_with_span(global::tracer("interop").start("parent")).with_baggage(entries);
    let body = client
        .get(format!("http://127.0.0.1:{}/interop/rust", server.port))
        .send()
        .with_context(cx)
        .await
        .expect("call server.py")
        .text()
        .await
        .expect("server.py body");
    let report: Value =
        serde_json::from_str(&body).unwrap_or_else(|e| panic!("server.py answered {body:?}: {e}"));
    for entry in JAEGER_BAGGAGE {
        let (key, value) = entry.split_once('=').expect("an entry");
        assert_eq!(str_field(&report, &format!("/baggage/{key}")), value, "{report}");
    }
}
