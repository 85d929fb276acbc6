// The end-to-end cases of `quickstart` and `quickstart-actix`, included by each one's
// `tests/end_to_end.rs` after it defines `BINARY` (the binary's path) and `SERVICE` (its
// `service.name`, which is also its meter's scope): the two services must behave alike.

use std::process::{ExitStatus, Stdio};
use std::time::{Duration, Instant};

use otel_kit::opentelemetry::logs::Severity;
use otel_kit::opentelemetry::trace::SpanKind;
use otel_kit::testing::TestCollector;
use tokio::io::AsyncReadExt as _;
use tokio::process::{Child, Command};
use tokio::task::JoinHandle;

const WAIT: Duration = Duration::from_secs(10);

/// The schema URL of the semantic conventions the kit's names follow.
const SCHEMA_1_45: &str = "https://opentelemetry.io/schemas/1.45.0";

/// The one trace a `GET /hello/ada` makes, exactly.
const TREE: &str = "
    GET /hello/{name}
      GET
        GET /greeting/{name}
          compose_greeting
";

/// The running binary. Dropping it kills the process (`kill_on_drop`), so a failing
/// test leaves nothing behind.
struct Quickstart {
    child: Child,
    base_url: String,
    stdout: JoinHandle<String>,
}

impl Quickstart {
    /// Starts the binary on a free port with `env` and no other `OTEL_*` or `RUST_LOG`
    /// variable, and waits until `/health` answers.
    async fn start(env: &[(&str, &str)]) -> Self {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("a free port")
            .port();
        let mut command = Command::new(BINARY);
        for (key, _) in std::env::vars_os() {
            if key.to_string_lossy().starts_with("OTEL_") {
                command.env_remove(key);
            }
        }
        command
            .env_remove("RUST_LOG")
            .env("NO_COLOR", "1")
            .env("PORT", port.to_string())
            .envs(env.iter().copied())
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .kill_on_drop(true);
        let mut child = command.spawn().expect("start the quickstart binary");
        let mut pipe = child.stdout.take().expect("stdout is piped");
        // Read all along, so a full pipe never blocks the child.
        let stdout = tokio::spawn(async move {
            let mut text = String::new();
            let _ = pipe.read_to_string(&mut text).await;
            text
        });
        let service = Quickstart {
            child,
            base_url: format!("http://127.0.0.1:{port}"),
            stdout,
        };
        service.wait_until_listening().await
    }

    async fn wait_until_listening(mut self) -> Self {
        let deadline = Instant::now() + WAIT;
        loop {
            if let Ok(response) = client().get(format!("{}/health", self.base_url)).send().await {
                assert_eq!(response.status(), 200, "GET /health");
                return self;
            }
            if let Some(status) = self.child.try_wait().expect("try_wait") {
                panic!("the quickstart exited early ({status}):\n{}", self.output().await);
            }
            assert!(
                Instant::now() < deadline,
                "the quickstart did not listen within {WAIT:?}"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    async fn get(&self, path: &str) -> (u16, String) {
        let response = client()
            .get(format!("{}{path}", self.base_url))
            .send()
            .await
            .expect("request");
        let status = response.status().as_u16();
        (status, response.text().await.expect("body"))
    }

    /// Sends SIGTERM, waits for the exit and returns its status with everything printed.
    async fn terminate(mut self) -> (ExitStatus, String) {
        let pid = self.child.id().expect("still running").to_string();
        let kill = std::process::Command::new("kill")
            .args(["-TERM", &pid])
            .status()
            .expect("run kill");
        assert!(kill.success(), "kill -TERM {pid}");
        let status = tokio::time::timeout(WAIT, self.child.wait())
            .await
            .unwrap_or_else(|_| panic!("no exit within {WAIT:?} of SIGTERM"))
            .expect("wait");
        (status, self.output().await)
    }

    async fn output(&mut self) -> String {
        let _ = self.child.start_kill();
        tokio::time::timeout(WAIT, &mut self.stdout)
            .await
            .map(|text| text.unwrap_or_default())
            .unwrap_or_else(|_| "<stdout still open>".to_owned())
    }
}

fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .no_proxy()
        .timeout(WAIT)
        .build()
        .expect("client")
}

async fn run_against_collector(protocol: &str) {
    let collector = TestCollector::start().await.expect("collector");
    let endpoint = collector.endpoint();
    let service = Quickstart::start(&[
        ("OTEL_EXPORTER_OTLP_ENDPOINT", &endpoint),
        ("OTEL_EXPORTER_OTLP_PROTOCOL", protocol),
        ("OTEL_SERVICE_NAME", SERVICE),
        ("OTEL_BSP_SCHEDULE_DELAY", "100"),
        ("OTEL_BLRP_SCHEDULE_DELAY", "100"),
        ("OTEL_METRIC_EXPORT_INTERVAL", "200"),
    ])
    .await;
    assert_eq!(service.get("/hello/ada").await, (200, "Hello, ada!\n".to_owned()));
    assert_eq!(service.get("/health").await, (200, "ok\n".to_owned()));
    let base_url = service.base_url.clone();
    let (status, stdout) = service.terminate().await;
    assert!(status.success(), "exit status {status}; stdout:\n{stdout}");
    // The start-up line says who started and where telemetry goes.
    let version = env!("CARGO_PKG_VERSION");
    assert!(
        stdout.contains(&format!(
            "telemetry: otel_kit.version={version} service.name={SERVICE} service.version={version} service.instance.id="
        )),
        "{stdout}"
    );
    assert!(stdout.contains(&format!("otlp.traces=[{protocol} ")), "{stdout}");

    // Shutdown flushed everything before the exit: what is here is all there is.
    let spans = collector.wait_for_spans(4, WAIT).await;
    spans.assert_count(4).assert_single_trace().assert_tree(TREE);
    assert!(spans.find("GET /health").is_none(), "/health is not traced");

    let hello = spans.span("GET /hello/{name}");
    hello
        .has_kind(SpanKind::Server)
        .is_root()
        .has_attribute("http.request.method", "GET")
        .has_attribute("http.route", "/hello/{name}")
        .has_attribute("http.response.status_code", 200)
        .has_status_unset()
        .lacks_attribute("otel.kind")
        .has_resource_attribute("service.name", SERVICE)
        // `otel_kit::builder!()`: the application's own Cargo version.
        .has_resource_attribute("service.version", env!("CARGO_PKG_VERSION"));
    // The names follow semantic conventions 1.45, and the resource says so.
    assert_eq!(otel_kit::semconv::SCHEMA_URL, SCHEMA_1_45);
    assert_eq!(hello.record().resource.schema_url, SCHEMA_1_45);
    let call = spans.span("GET");
    call.has_kind(SpanKind::Client)
        .has_parent(&hello)
        .has_attribute("http.request.method", "GET")
        .has_attribute("url.full", format!("{base_url}/greeting/ada"))
        .has_attribute("http.response.status_code", 200);
    let greeting = spans.span("GET /greeting/{name}");
    greeting
        .has_kind(SpanKind::Server)
        .has_parent(&call)
        .has_attribute("http.route", "/greeting/{name}")
        .has_attribute("http.response.status_code", 200);
    let compose = spans.span("compose_greeting");
    compose
        .has_kind(SpanKind::Internal)
        .has_parent(&greeting)
        .has_attribute("name", "ada");

    collector
        .wait_for_logs(1, WAIT)
        .await
        .record("composing a greeting for ada")
        .has_severity(Severity::Info)
        .has_resource_attribute("service.name", SERVICE)
        .is_in_span(&compose);

    let metrics = collector.wait_for_metric("greetings", WAIT).await;
    let greetings = metrics.metric("greetings");
    assert_eq!(greetings.record().resource.schema_url, SCHEMA_1_45);
    let point = greetings
        .is_counter()
        .has_scope_name(SERVICE)
        .has_point_count(1)
        .point(&[("route", "/greeting/{name}".into())])
        .has_value(1);
    let keys: Vec<&str> = point
        .record()
        .attributes
        .iter()
        .map(|(k, _)| k.as_str())
        .collect();
    assert_eq!(keys, ["route"], "no per-name attribute on the counter");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn exports_one_trace_with_logs_and_metrics_over_grpc() {
    run_against_collector("grpc").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn exports_one_trace_with_logs_and_metrics_over_http_protobuf() {
    run_against_collector("http/protobuf").await;
}

/// The value of ` key=` in a console line.
/// A start-up line from its target on, with `service.instance.id`'s value (new each
/// run) and `service.name`'s (the actix quickstart runs these cases as itself) taken
/// out.
fn without_time_and_instance(line: &str) -> String {
    let from_target = line.split_once(" otel_kit_init: ").map_or(line, |(_, rest)| rest);
    from_target
        .split(' ')
        .map(|word| match word.split_once('=') {
            Some(("service.instance.id", _)) => "service.instance.id=<id>",
            Some(("service.name", _)) => "service.name=<service>",
            _ => word,
        })
        .collect::<Vec<_>>()
        .join(" ")
}

fn field<'a>(line: &'a str, key: &str) -> &'a str {
    line.split(' ')
        .find_map(|word| word.strip_prefix(key))
        .unwrap_or_else(|| panic!("no {key} in {line:?}"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_configuration_prints_spans_metrics_and_correlated_logs() {
    let service = Quickstart::start(&[]).await;
    assert_eq!(service.get("/hello/ada").await, (200, "Hello, ada!\n".to_owned()));
    assert_eq!(service.get("/health").await, (200, "ok\n".to_owned()));
    let (status, stdout) = service.terminate().await;
    assert!(status.success(), "exit status {status}; stdout:\n{stdout}");

    let lines: Vec<&str> = stdout.lines().collect();
    let find = |what: &str, test: &dyn Fn(&str) -> bool| {
        let found: Vec<&str> = lines.iter().copied().filter(|l| test(l)).collect();
        assert_eq!(found.len(), 1, "one {what} line expected in:\n{stdout}");
        found[0]
    };
    let span = find("server span", &|l| l.starts_with("span GET /hello/{name} "));
    assert!(span.contains(" kind=server "), "{span}");
    assert!(span.contains(" http.response.status_code=200"), "{span}");
    let trace_id = field(span, "trace_id=");
    assert_eq!(trace_id.len(), 32, "{span}");

    let spans: Vec<&str> = lines.iter().copied().filter(|l| l.starts_with("span ")).collect();
    assert_eq!(
        spans.len(),
        4,
        "four spans (none for /health) expected in:\n{stdout}"
    );
    for line in &spans {
        assert_eq!(field(line, "trace_id="), trace_id, "one trace: {line}");
    }
    let compose = find("function span", &|l| l.starts_with("span compose_greeting "));

    // The console line of the log event carries the function span's ids. (In console
    // mode no separate log-record line is printed: it would repeat this one.)
    let console = find("console log", &|l| {
        l.contains("INFO") && l.contains(" composing a greeting for ada trace_id=")
    });
    assert_eq!(field(console, "trace_id="), trace_id, "{console}");
    assert_eq!(
        field(console, "span_id="),
        field(compose, "span_id="),
        "{console}"
    );
    assert!(
        !lines.iter().any(|l| l.starts_with("log ")),
        "no duplicate log-record lines:\n{stdout}"
    );

    // The start-up line is the one the README shows (its time and instance id aside).
    let startup = find("start-up", &|l| l.contains(" otel_kit_init: telemetry: "));
    let shown = include_str!("../../README.md")
        .lines()
        .find(|l| l.contains(" otel_kit_init: telemetry: "))
        .expect("the README shows the start-up line");
    assert_eq!(
        without_time_and_instance(shown),
        without_time_and_instance(startup),
        "examples/quickstart/README.md's start-up line, against what the service prints"
    );
    assert!(
        startup.contains(&format!(" otel_kit.version={} ", env!("CARGO_PKG_VERSION"))),
        "{startup}"
    );

    find("metric", &|l| l == "metric greetings counter");
    find("metric point", &|l| {
        l.trim() == "{route=\"/greeting/{name}\"} value=1"
    });
}

/// `OTEL_METRICS_EXPORTER=prometheus,otlp`: the same meter provider answers a Prometheus
/// scrape on `OTEL_EXPORTER_PROMETHEUS_HOST:PORT` and exports over OTLP.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn serves_prometheus_beside_its_otlp_export() {
    let collector = TestCollector::start().await.expect("collector");
    let endpoint = collector.endpoint();
    let prometheus_port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port()
        .to_string();
    let service = Quickstart::start(&[
        ("OTEL_EXPORTER_OTLP_ENDPOINT", &endpoint),
        ("OTEL_EXPORTER_OTLP_PROTOCOL", "grpc"),
        ("OTEL_SERVICE_NAME", SERVICE),
        ("OTEL_METRIC_EXPORT_INTERVAL", "200"),
        ("OTEL_METRICS_EXPORTER", "prometheus,otlp"),
        ("OTEL_EXPORTER_PROMETHEUS_HOST", "127.0.0.1"),
        ("OTEL_EXPORTER_PROMETHEUS_PORT", &prometheus_port),
    ])
    .await;
    assert_eq!(service.get("/hello/ada").await, (200, "Hello, ada!\n".to_owned()));

    let response = client()
        .get(format!("http://127.0.0.1:{prometheus_port}/metrics"))
        .header("accept", "application/openmetrics-text; version=1.0.0")
        .send()
        .await
        .expect("the Prometheus endpoint answers");
    assert_eq!(response.status(), 200);
    let content_type = response.headers()["content-type"]
        .to_str()
        .expect("ascii")
        .to_owned();
    assert!(
        content_type.starts_with("application/openmetrics-text"),
        "{content_type}"
    );
    let body = response.text().await.expect("body");
    let line = |prefix: &str, needle: &str| {
        body.lines()
            .find(|l| l.starts_with(prefix) && l.contains(needle))
            .unwrap_or_else(|| panic!("no {prefix}..{needle}.. line in:\n{body}"))
            .to_owned()
    };
    assert!(
        line("greetings_total{", "route=\"/greeting/{name}\"").contains(&format!("otel_scope_name=\"{SERVICE}\""))
    );
    assert!(
        line("greetings_total{", "route=\"/greeting/{name}\"")
            .split(' ')
            .nth(1)
            == Some("1")
    );
    line(
        "http_server_request_duration_seconds_count{",
        "http_route=\"/hello/{name}\"",
    );
    line("target_info{", &format!("service_name=\"{SERVICE}\""));
    assert_eq!(body.lines().last(), Some("# EOF"));

    // The same counter, over OTLP.
    collector
        .wait_for_metric("greetings", WAIT)
        .await
        .metric("greetings")
        .point(&[("route", "/greeting/{name}".into())])
        .has_value(1);
    let (status, stdout) = service.terminate().await;
    assert!(status.success(), "exit status {status}; stdout:\n{stdout}");
}

/// What issue 27 asks of the environment alone: a proxy from `HTTP_PROXY` (a real
/// tinyproxy; skipped without `TEST_TINYPROXY`), `service.version` from
/// `OTEL_RESOURCE_ATTRIBUTES` over the Cargo version, a warning that names the right way
/// to set a variable the kit does not read, a Jaeger caller's trace continued, the
/// Lambda resource, and header capture from the Java agent's variable.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn from_the_environment_alone_exports_through_a_proxy_with_the_deployed_version() {
    let Some(bin) = otel_kit::testing::Tinyproxy::binary_from_env() else {
        return;
    };
    let proxy = otel_kit::testing::Tinyproxy::start(&bin, None).expect("tinyproxy");
    let collector = TestCollector::start().await.expect("collector");
    let endpoint = collector.endpoint();
    let proxy_url = proxy.url();
    let service = Quickstart::start(&[
        ("OTEL_EXPORTER_OTLP_ENDPOINT", &endpoint),
        ("HTTP_PROXY", &proxy_url),
        ("OTEL_RESOURCE_ATTRIBUTES", "service.version=9.9.9-deployed"),
        ("OTEL_SERVICE_VERSION", "1.0"),
        ("OTEL_BSP_SCHEDULE_DELAY", "100"),
        // A Jaeger caller, on AWS Lambda, header capture as the Java agent says it.
        ("OTEL_PROPAGATORS", "tracecontext,baggage,jaeger,xray"),
        ("AWS_LAMBDA_FUNCTION_NAME", "quickstart-fn"),
        ("AWS_REGION", "eu-central-1"),
        (
            "OTEL_INSTRUMENTATION_HTTP_SERVER_CAPTURE_REQUEST_HEADERS",
            "x-tenant,authorization",
        ),
    ])
    .await;
    let response = client()
        .get(format!("{}/hello/ada", service.base_url))
        .header(
            "uber-trace-id",
            "4bf92f3577b34da6a3ce929d0e0e4736:00f067aa0ba902b7:0:01",
        )
        .header("x-tenant", "acme")
        .header("authorization", "Bearer s3cret")
        .send()
        .await
        .expect("response");
    assert_eq!(response.status(), 200);
    let (status, stdout) = service.terminate().await;
    assert!(status.success(), "exit status {status}; stdout:\n{stdout}");
    let spans = collector.wait_for_spans(4, WAIT).await;
    let hello = spans.span("GET /hello/{name}");
    hello
        .has_resource_attribute("service.version", "9.9.9-deployed")
        .has_resource_attribute("cloud.platform", "aws_lambda")
        .has_resource_attribute("faas.name", "quickstart-fn")
        .lacks_attribute("http.request.header.authorization");
    let record = hello.record();
    assert_eq!(
        record.trace_id, "4bf92f3577b34da6a3ce929d0e0e4736",
        "the Jaeger caller's trace"
    );
    assert_eq!(record.parent_span_id.as_deref(), Some("00f067aa0ba902b7"));
    assert!(
        format!("{:?}", record.attribute("http.request.header.x-tenant")).contains("acme"),
        "{:?}",
        record.attributes
    );
    let target = format!("127.0.0.1:{}", collector.addr().port());
    assert!(!proxy.requests_to(&target).is_empty(), "{}", proxy.log());
    assert!(
        stdout.contains("OTEL_SERVICE_VERSION")
            && stdout.contains("OTEL_RESOURCE_ATTRIBUTES=service.version=..."),
        "{stdout}"
    );
    assert!(
        stdout.contains(&format!("otlp.proxy=[http={proxy_url}")),
        "{stdout}"
    );
}

/// The rest of issue 27 from the environment alone, over OTLP: an X-Ray caller's trace
/// continued beside W3C, a dependency's `log` records (reqwest's connector logs through
/// the `log` crate) exported in the request's trace, the reqwest instrumentation turned
/// off by the Java agent's switch with the trace still flowing through the call, a
/// method outside `OTEL_INSTRUMENTATION_HTTP_KNOWN_METHODS` recorded as `_OTHER`, and a
/// generated `service.instance.id` on the resource and the start-up line.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn from_the_environment_alone_bridges_log_records_and_honours_the_java_switches() {
    let collector = TestCollector::start().await.expect("collector");
    let endpoint = collector.endpoint();
    let service = Quickstart::start(&[
        ("OTEL_EXPORTER_OTLP_ENDPOINT", &endpoint),
        ("OTEL_BSP_SCHEDULE_DELAY", "100"),
        ("OTEL_BLRP_SCHEDULE_DELAY", "100"),
        ("OTEL_PROPAGATORS", "xray,tracecontext"),
        ("RUST_LOG", "info,reqwest=debug"),
        ("OTEL_INSTRUMENTATION_REQWEST_ENABLED", "false"),
        ("OTEL_INSTRUMENTATION_HTTP_KNOWN_METHODS", "GET,HEAD"),
    ])
    .await;
    let response = client()
        .get(format!("{}/hello/ada", service.base_url))
        .header(
            "x-amzn-trace-id",
            "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1",
        )
        .send()
        .await
        .expect("response");
    assert_eq!(response.status(), 200);
    let not_allowed = client()
        .post(format!("{}/hello/ada", service.base_url))
        .send()
        .await
        .expect("response");
    assert_eq!(not_allowed.status(), 405);
    let (status, stdout) = service.terminate().await;
    assert!(status.success(), "exit status {status}; stdout:\n{stdout}");

    let spans = collector.wait_for_spans(4, WAIT).await;
    let hello = spans.span("GET /hello/{name}");
    let record = hello.record();
    assert_eq!(
        record.trace_id, "5759e988bd862e3fe1be46a994272793",
        "the X-Ray caller's trace"
    );
    assert_eq!(record.parent_span_id.as_deref(), Some("53995c3f42cd8ad8"));
    assert!(spans.find("GET").is_none(), "the reqwest instrumentation is off");
    // The call is not traced, yet its context still reaches the next service.
    spans.span("GET /greeting/{name}").has_parent(&hello);
    let other = spans.span("HTTP /hello/{name}");
    other
        .has_attribute("http.request.method", "_OTHER")
        .has_attribute("http.request.method_original", "POST")
        .has_attribute("http.response.status_code", 405);
    let instance = hello
        .record()
        .resource_attribute("service.instance.id")
        .map(|value| format!("{value:?}"))
        .expect("service.instance.id on the resource");
    let line = stdout
        .lines()
        .find(|line| line.contains(" otel_kit_init: telemetry: "))
        .unwrap_or_else(|| panic!("no start-up line:\n{stdout}"));
    let announced = field(line, "service.instance.id=");
    assert!(
        !announced.is_empty() && instance.contains(announced),
        "{instance} / {line}"
    );

    let logs = collector.wait_for_logs(2, WAIT).await;
    logs.record_where("from reqwest's connector through the log crate", |record| {
        record
            .body_str()
            .is_some_and(|body| body.starts_with("starting new connection"))
    })
    .has_severity(Severity::Debug)
    .has_scope_name("reqwest::connect")
    .is_in_span(&hello);
}
