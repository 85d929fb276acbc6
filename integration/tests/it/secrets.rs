//! Secrets never reach the collector.
//!
//! A small app with every instrumentation of the kit (otel-kit-http server and client,
//! otel-kit-grpc server and client, otel-kit-db on SQLite and, when `TEST_POSTGRES_URL` is set,
//! PostgreSQL, otel-kit-genai) reports through `otel_kit_init::builder()...init()` (real
//! pipelines, globals installed: the test runs alone in a child process of this binary,
//! as `init()` sets the process's globals and `tracing` dispatcher) over OTLP/HTTP
//! protobuf, uncompressed, to a recording TCP proxy in front of a `TestCollector`. It is
//! fed credentials and other secrets, each a fresh random token, in every place the
//! instrumentation might pick them up, including header and metadata allow-lists that
//! (wrongly) list credentials. After a flush and shutdown every byte the collector got is
//! searched for every secret, as it is and base64-encoded (Basic auth, `-bin`
//! metadata): the raw bytes on the wire (request lines, headers, protobuf bodies), the
//! decoded export requests re-encoded as protobuf, as JSON and as `Debug` text, and the
//! recorded request headers. Canaries planted in harmless places (a captured header, a
//! log attribute, a metric attribute, a resource attribute) must be found in the same
//! bytes, so the search cannot pass vacuously. The same telemetry then goes through the
//! registry check (`otel_kit_testing::Conformance`), which prints its counts.

use std::collections::hash_map::RandomState;
use std::collections::{BTreeMap, HashMap};
use std::fmt::Write as _;
use std::hash::BuildHasher as _;
use std::net::SocketAddr;
use std::str::FromStr as _;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::body::Bytes;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use opentelemetry::KeyValue;
use opentelemetry::trace::SpanKind;
use otel_kit_genai::openai;
use otel_kit_grpc::{ClientLayer, HeaderCapture};
use otel_kit_grpc_test_proto::pb::Msg;
use otel_kit_grpc_test_proto::pb::echo_client::EchoClient;
use otel_kit_testing::{TestCollector, alone};
use serde_json::{Value, json};
use sqlx::AssertSqlSafe;
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::{TcpListener, TcpStream};

const WAIT: Duration = Duration::from_secs(10);

/// Every header an allow-list (wrongly) names: the credentials must be refused, the
/// harmless `x-request-id` captured (it carries the traces canary).
const LISTED_HEADERS: &[&str] = &[
    "authorization",
    "cookie",
    "set-cookie",
    "proxy-authorization",
    "x-request-id",
];

/// A fresh 32-hex-digit token: std's `RandomState` is seeded randomly per process.
fn token() -> String {
    let a = RandomState::new().hash_one(0_u8);
    let b = RandomState::new().hash_one(1_u8);
    format!("{a:016x}{b:016x}")
}

/// The secrets sent, by what they stand for; none may reach the collector.
#[derive(Default)]
struct Secrets(BTreeMap<String, String>);

impl Secrets {
    fn new_secret(&mut self, label: &str) -> String {
        let value = token();
        let previous = self.0.insert(label.to_owned(), value.clone());
        assert!(previous.is_none(), "label {label} used twice");
        value
    }

    /// A secret made of decimal digits only (a card number, a PIN-like value).
    fn new_number(&mut self, label: &str) -> String {
        let value = format!(
            "{}",
            RandomState::new().hash_one(2_u8) % 900_000_000_000_000_000 + 1
        );
        let value = format!("{value:0>18}");
        self.0.insert(label.to_owned(), value.clone());
        value
    }
}

// ---------------------------------------------------------------------------------
// The wire: a TCP proxy in front of the collector that keeps every byte sent to it.

/// The bytes each connection sent towards the collector, in order.
type Wire = Arc<Mutex<Vec<Vec<u8>>>>;

async fn recording_proxy(upstream: SocketAddr) -> (SocketAddr, Wire) {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind proxy");
    let addr = listener.local_addr().expect("proxy addr");
    let wire = Wire::default();
    let recorded = Arc::clone(&wire);
    tokio::spawn(async move {
        while let Ok((inbound, _)) = listener.accept().await {
            let recorded = Arc::clone(&recorded);
            tokio::spawn(async move {
                let Ok(outbound) = TcpStream::connect(upstream).await else {
                    return;
                };
                let index = {
                    let mut connections = recorded.lock().expect("wire lock");
                    connections.push(Vec::new());
                    connections.len() - 1
                };
                let (mut from_client, mut to_client) = inbound.into_split();
                let (mut from_collector, mut to_collector) = outbound.into_split();
                let up = async {
                    let mut buffer = vec![0; 64 * 1024];
                    loop {
                        let n = from_client.read(&mut buffer).await?;
                        if n == 0 {
                            return to_collector.shutdown().await;
                        }
                        // Recorded before it is forwarded: whatever the collector has
                        // answered to is already here.
                        recorded.lock().expect("wire lock")[index].extend_from_slice(&buffer[..n]);
                        to_collector.write_all(&buffer[..n]).await?;
                    }
                };
                let down = tokio::io::copy(&mut from_collector, &mut to_client);
                let _ = tokio::join!(up, down);
            });
        }
    });
    (addr, wire)
}

// ---------------------------------------------------------------------------------
// The app: one axum server (pages, a signed download, an OpenAI-compatible mock) with
// otel-kit-http's `ServerLayer`, a gRPC Echo service with otel-kit-grpc's `ServerLayer`.

async fn login(headers: HeaderMap, session: String) -> Response {
    let mut response = (StatusCode::OK, "welcome").into_response();
    let cookie = format!("session={session}; HttpOnly; Secure");
    response
        .headers_mut()
        .insert(header::SET_COOKIE, cookie.parse().expect("cookie value"));
    if let Some(id) = headers.get("x-request-id") {
        response.headers_mut().insert("x-request-id", id.clone());
    }
    response
}

/// Answers a chat completion whose content is `completion`.
async fn chat_completion(body: Bytes, completion: String) -> Response {
    let request: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
    let answer = json!({
        "id": "chatcmpl-1",
        "object": "chat.completion",
        "model": request["model"].as_str().unwrap_or("gpt-4o"),
        "choices": [{
            "index": 0,
            "message": {"role": "assistant", "content": format!("the code is {completion}")},
            "finish_reason": "stop"
        }],
        "usage": {"prompt_tokens": 12, "completion_tokens": 7, "total_tokens": 19}
    });
    (
        StatusCode::OK,
        [(header::CONTENT_TYPE, "application/json")],
        answer.to_string(),
    )
        .into_response()
}

async fn serve_http(session: String, completion: String) -> SocketAddr {
    let app = Router::new()
        .route(
            "/login",
            get(move |headers: HeaderMap| login(headers, session.clone())),
        )
        .route("/files/{name}", get(|| async { "file contents" }))
        .route(
            "/v1/chat/completions",
            post(move |body: Bytes| chat_completion(body, completion.clone())),
        )
        .layer(
            otel_kit_http::ServerLayer::new().capture_headers(
                HeaderCapture::default()
                    .request(LISTED_HEADERS)
                    .response(LISTED_HEADERS),
            ),
        );
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind app");
    let addr = listener.local_addr().expect("app addr");
    tokio::spawn(async move {
        axum::serve(listener, app.into_make_service_with_connect_info::<SocketAddr>())
            .await
            .expect("serve app");
    });
    addr
}

fn grpc_capture() -> HeaderCapture {
    let keys = ["authorization", "cookie", "x-tenant"];
    HeaderCapture::default().request(keys).response(keys)
}

// ---------------------------------------------------------------------------------
// Exercising it.

fn http_client() -> reqwest_middleware::ClientWithMiddleware {
    let capture = HeaderCapture::default()
        .request(LISTED_HEADERS)
        .response(LISTED_HEADERS);
    reqwest_middleware::ClientBuilder::new(reqwest::Client::new())
        .with(otel_kit_http::ClientMiddleware::default().capture_headers(capture))
        .build()
}

async fn exercise_http(
    client: &reqwest_middleware::ClientWithMiddleware,
    app: SocketAddr,
    s: &mut Secrets,
    request_id: &str,
) {
    // Credentials in request headers, a session cookie set in the response, and signed
    // query values, against header allow-lists that list them all.
    let bearer = s.new_secret("http: Authorization: Bearer");
    let cookie = s.new_secret("http: Cookie");
    let proxy_auth = s.new_secret("http: Proxy-Authorization");
    let token = s.new_secret("http query: token");
    let amz_signature = s.new_secret("http query: X-Amz-Signature");
    let sig = s.new_secret("http query: sig");
    let url = format!("http://{app}/login?page=2&token={token}&X-Amz-Signature={amz_signature}&sig={sig}");
    let response = client
        .get(url)
        .header("authorization", format!("Bearer {bearer}"))
        .header("cookie", format!("session={cookie}; theme=dark"))
        .header("proxy-authorization", format!("Basic {proxy_auth}"))
        .header("x-request-id", request_id)
        .send()
        .await
        .expect("login");
    assert_eq!(response.status(), 200);
    assert!(response.headers().contains_key("set-cookie"));

    // User info and a pre-signed URL on the client side (also the server's `url.query`).
    let password = s.new_secret("http client: URL user info password");
    let credential = s.new_secret("http query: X-Amz-Credential");
    let signature = s.new_secret("http query: X-Amz-Signature (presigned)");
    let security_token = s.new_secret("http query: X-Amz-Security-Token");
    let url = format!(
        "http://user:{password}@{app}/files/report.pdf?X-Amz-Algorithm=AWS4-HMAC-SHA256\
         &X-Amz-Credential={credential}%2F20260101%2Fus-east-1%2Fs3%2Faws4_request\
         &X-Amz-Date=20260101T000000Z&X-Amz-Expires=300&X-Amz-SignedHeaders=host\
         &X-Amz-Security-Token={security_token}&X-Amz-Signature={signature}"
    );
    let response = client.get(url).send().await.expect("presigned download");
    assert_eq!(response.status(), 200);

    // A transport error: the span's description must not quote the URL.
    let closed = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("free port");
    let password = s.new_secret("http client error: URL user info password");
    let sig = s.new_secret("http client error: sig");
    let failed = client
        .get(format!("http://user:{password}@{closed}/x?sig={sig}"))
        .send()
        .await;
    assert!(failed.is_err(), "nothing listens on {closed}");
}

async fn exercise_grpc(grpc: SocketAddr, s: &mut Secrets) {
    let endpoint = tonic::transport::Endpoint::from_shared(format!("http://{grpc}")).expect("endpoint");
    let channel = tower::ServiceBuilder::new()
        .layer(ClientLayer::new(endpoint.uri()).capture_headers(grpc_capture()))
        .service(endpoint.connect_lazy());
    let mut client = EchoClient::new(channel);
    let bearer = s.new_secret("grpc metadata: authorization");
    let cookie = s.new_secret("grpc metadata: cookie");
    let body = s.new_secret("grpc message body");
    let mut request = tonic::Request::new(Msg {
        text: body.clone(),
        count: 1,
    });
    let metadata = request.metadata_mut();
    metadata.insert(
        "authorization",
        format!("Bearer {bearer}").parse().expect("metadata"),
    );
    metadata.insert("cookie", format!("sid={cookie}").parse().expect("metadata"));
    metadata.insert("x-tenant", "acme".parse().expect("metadata"));
    let reply = client.unary(request).await.expect("grpc call");
    assert_eq!(reply.get_ref().text, body);
}

/// Queries with secrets where sanitising must remove them: literals of queries without
/// bind values (strings, numbers, blobs), comments, bind values.
async fn exercise_sqlite(s: &mut Secrets) {
    let raw = sqlx::sqlite::SqlitePoolOptions::new()
        .max_connections(1)
        .connect("sqlite::memory:")
        .await
        .expect("sqlite");
    let pool = otel_kit_db::instrument(raw);
    let literal = s.new_secret("sqlite: string literal (query)");
    sqlx::query(AssertSqlSafe(format!("SELECT 1 WHERE 'x' <> '{literal}'")))
        .fetch_all(&pool)
        .await
        .expect("select");
    let literal = s.new_secret("sqlite: string literal (raw_sql)");
    sqlx::raw_sql(AssertSqlSafe(format!("SELECT 1 WHERE 'x' <> '{literal}'")))
        .execute(&pool)
        .await
        .expect("raw select");
    sqlx::query("CREATE TABLE notes (body TEXT)")
        .execute(&pool)
        .await
        .expect("create");
    let inserted = s.new_secret("sqlite: INSERT literal");
    sqlx::query(AssertSqlSafe(format!(
        "INSERT INTO notes (body) VALUES ('{inserted}')"
    )))
    .execute(&pool)
    .await
    .expect("insert");
    let number = s.new_number("sqlite: number literal");
    sqlx::query(AssertSqlSafe(format!("SELECT 1 WHERE 0 <> {number}")))
        .fetch_all(&pool)
        .await
        .expect("number");
    let blob = s.new_secret("sqlite: blob literal X'..'");
    sqlx::query(AssertSqlSafe(format!("SELECT X'{blob}'")))
        .fetch_all(&pool)
        .await
        .expect("blob");
    let block = s.new_secret("sqlite: block comment");
    let line = s.new_secret("sqlite: line comment");
    sqlx::query(AssertSqlSafe(format!("SELECT 1 /* {block} */ -- {line}\n")))
        .fetch_all(&pool)
        .await
        .expect("comments");
    let bound = s.new_secret("sqlite: bind value");
    sqlx::query("INSERT INTO notes (body) VALUES (?1)")
        .bind(bound)
        .execute(&pool)
        .await
        .expect("insert bound");
    // A failing statement: its error message goes into the span status.
    let failing = s.new_secret("sqlite: literal of a failing statement");
    let error = sqlx::query(AssertSqlSafe(format!(
        "INSERT INTO no_such_table VALUES ('{failing}')"
    )))
    .execute(&pool)
    .await
    .expect_err("no such table");
    assert!(error.to_string().contains("no_such_table"), "{error}");
}

/// The same over PostgreSQL, connected with a password in the URL (trust authentication
/// accepts any), plus PostgreSQL's own literal forms and errors that quote values.
async fn exercise_postgres(base_url: &str, s: &mut Secrets) {
    let password = s.new_secret("postgres: password in the connection URL");
    let mut url = reqwest::Url::parse(base_url).expect("TEST_POSTGRES_URL is a URL");
    url.set_password(Some(&password)).expect("URL with a password");
    let options = sqlx::postgres::PgConnectOptions::from_str(url.as_str()).expect("connect options");
    let raw = sqlx::postgres::PgPoolOptions::new()
        .max_connections(1)
        .connect_with(options)
        .await
        .expect("postgres (trust authentication)");
    let pool = otel_kit_db::instrument(raw);
    let literal = s.new_secret("postgres: string literal");
    sqlx::query(AssertSqlSafe(format!("SELECT 1 WHERE 'x' <> '{literal}'")))
        .fetch_all(&pool)
        .await
        .expect("select");
    sqlx::query("CREATE TEMP TABLE notes (body TEXT)")
        .execute(&pool)
        .await
        .expect("create");
    let inserted = s.new_secret("postgres: INSERT literal");
    sqlx::query(AssertSqlSafe(format!(
        "INSERT INTO notes (body) VALUES ('{inserted}')"
    )))
    .execute(&pool)
    .await
    .expect("insert");
    let number = s.new_number("postgres: number literal");
    sqlx::query(AssertSqlSafe(format!("SELECT 1 WHERE 0 <> {number}")))
        .fetch_all(&pool)
        .await
        .expect("number");
    let dollar = s.new_secret("postgres: dollar-quoted literal");
    sqlx::query(AssertSqlSafe(format!("SELECT $${dollar}$$")))
        .fetch_all(&pool)
        .await
        .expect("dollar quoted");
    let escaped = s.new_secret("postgres: E'..' literal with an escaped quote");
    sqlx::query(AssertSqlSafe(format!(r"SELECT E'it\'s {escaped}'")))
        .fetch_all(&pool)
        .await
        .expect("escape string");
    let block = s.new_secret("postgres: block comment");
    sqlx::query(AssertSqlSafe(format!("SELECT 1 /* {block} */")))
        .fetch_all(&pool)
        .await
        .expect("comment");
    let bound = s.new_secret("postgres: bind value");
    sqlx::query("INSERT INTO notes (body) VALUES ($1)")
        .bind(bound)
        .execute(&pool)
        .await
        .expect("insert bound");
    // A statement slower than sqlx's slow-statement threshold (1 s by default): sqlx then
    // logs its text at WARN (`sqlx::query`, field `db.statement`), which otel-kit-init's
    // `tracing` bridge exports as a log record unless it holds the literals back.
    let slow = s.new_secret("postgres: literal of a slow statement (sqlx's WARN log)");
    sqlx::query(AssertSqlSafe(format!(
        "SELECT pg_sleep(1.05) WHERE 'x' <> '{slow}'"
    )))
    .fetch_all(&pool)
    .await
    .expect("slow select");
    // Errors whose server message quotes the offending value.
    let cast = s.new_secret("postgres: literal quoted by an error message");
    sqlx::query(AssertSqlSafe(format!("SELECT '{cast}'::int")))
        .fetch_all(&pool)
        .await
        .expect_err("not an integer");
    let bound_cast = s.new_secret("postgres: bind value quoted by an error message");
    sqlx::query("SELECT $1::text::int")
        .bind(bound_cast)
        .fetch_all(&pool)
        .await
        .expect_err("not an integer");
}

async fn exercise_genai(client: &reqwest_middleware::ClientWithMiddleware, app: SocketAddr, s: &mut Secrets) {
    let api_key = s.new_secret("genai: API key (Authorization: Bearer)");
    let prompt = s.new_secret("genai: prompt content");
    let base_url = format!("http://{app}/v1");
    let request = json!({
        "model": "gpt-4o",
        "messages": [
            {"role": "system", "content": "You keep secrets."},
            {"role": "user", "content": format!("my password is {prompt}")}
        ],
    });
    let call = openai::chat("openai", &request).server_url(&base_url).start();
    assert!(!call.captures_content(), "content capture is off by default");
    let send = client
        .post(format!("{base_url}/chat/completions"))
        .header("authorization", format!("Bearer {api_key}"))
        .header("content-type", "application/json")
        .body(serde_json::to_vec(&request).expect("json"))
        .send();
    let response = call.in_call(send).await.expect("chat call");
    assert_eq!(response.status(), 200);
    let body = response.bytes().await.expect("chat body");
    call.record_response(&openai::chat_response(&body).expect("a chat completion"));
}

// ---------------------------------------------------------------------------------
// Searching.

/// One body of bytes the collector received, or a decoding of it.
struct Corpus {
    name: String,
    bytes: Vec<u8>,
    /// `bytes` with ASCII upper case lowered, for the case-insensitive search.
    lowercase: Vec<u8>,
}

impl Corpus {
    fn new(name: impl Into<String>, bytes: Vec<u8>) -> Self {
        Corpus {
            name: name.into(),
            lowercase: bytes.to_ascii_lowercase(),
            bytes,
        }
    }
}

/// One form of a secret to look for.
struct Needle {
    encoding: String,
    bytes: Vec<u8>,
    case_sensitive: bool,
}

const BASE64: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

fn base64(bytes: &[u8]) -> String {
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0_u32, |n, (i, b)| n | u32::from(*b) << (16 - 8 * i));
        for i in 0..=chunk.len() {
            out.push(char::from(BASE64[((n >> (18 - 6 * i)) & 63) as usize]));
        }
    }
    out
}

/// The secret, and its base64 encodings at the three possible alignments inside a
/// longer encoded value (whole 3-byte groups only, so they match wherever it sits).
fn needles(secret: &str) -> Vec<Needle> {
    let mut all = vec![Needle {
        encoding: "as is".to_owned(),
        bytes: secret.to_ascii_lowercase().into_bytes(),
        case_sensitive: false,
    }];
    for skip in 0..3 {
        let rest = &secret.as_bytes()[skip..];
        let whole = &rest[..rest.len() / 3 * 3];
        all.push(Needle {
            encoding: format!("base64, offset {skip}"),
            bytes: base64(whole).into_bytes(),
            case_sensitive: true,
        });
    }
    all
}

/// Where `needle` first occurs in `haystack` (slice equality: a `memcmp` per position,
/// fast enough unoptimised).
fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    let first = *needle.first()?;
    haystack
        .windows(needle.len())
        .position(|w| w[0] == first && w == needle)
}

/// Where `needle` occurs in `corpus`: ASCII case-insensitively for the plain form (the
/// tokens are lower-case), exactly for base64.
fn find_in(corpus: &Corpus, needle: &Needle) -> Option<usize> {
    if needle.case_sensitive {
        find(&corpus.bytes, &needle.bytes)
    } else {
        find(&corpus.lowercase, &needle.bytes)
    }
}

fn context(haystack: &[u8], at: usize) -> String {
    let start = at.saturating_sub(80);
    let end = (at + 120).min(haystack.len());
    String::from_utf8_lossy(&haystack[start..end])
        .escape_debug()
        .to_string()
}

/// Everything the collector received: the wire bytes, the recorded headers, the decoded
/// requests as protobuf, JSON and `Debug` text, and the collector's span/metric/log
/// records.
fn corpora(collector: &TestCollector, wire: &Wire) -> Vec<Corpus> {
    let mut all = Vec::new();
    for (i, connection) in wire.lock().expect("wire lock").iter().enumerate() {
        all.push(Corpus::new(format!("wire, connection {i}"), connection.clone()));
    }
    let mut headers = String::new();
    for request in collector.requests() {
        for (name, value) in &request.headers {
            let _ = writeln!(headers, "{name}: {}", String::from_utf8_lossy(value.as_bytes()));
        }
    }
    all.push(Corpus::new("recorded request headers", headers.into_bytes()));
    fn add<M: prost::Message + serde::Serialize + std::fmt::Debug>(
        all: &mut Vec<Corpus>,
        signal: &str,
        requests: &[M],
    ) {
        for (i, request) in requests.iter().enumerate() {
            all.push(Corpus::new(
                format!("{signal} request {i}, protobuf"),
                request.encode_to_vec(),
            ));
            all.push(Corpus::new(
                format!("{signal} request {i}, JSON"),
                serde_json::to_vec(request).expect("json"),
            ));
            all.push(Corpus::new(
                format!("{signal} request {i}, Debug"),
                format!("{request:?}").into_bytes(),
            ));
        }
    }
    add(&mut all, "trace", &collector.trace_requests());
    add(&mut all, "metric", &collector.metric_requests());
    add(&mut all, "log", &collector.log_requests());
    all.push(Corpus::new(
        "collector spans",
        format!("{:?}", collector.spans()).into_bytes(),
    ));
    all.push(Corpus::new(
        "collector metrics",
        format!("{:?}", collector.metrics()).into_bytes(),
    ));
    all.push(Corpus::new(
        "collector logs",
        format!("{:?}", collector.logs()).into_bytes(),
    ));
    all
}

/// Where `value` was found, as is: corpus names.
fn found_in<'a>(corpora: &'a [Corpus], value: &str) -> Vec<&'a str> {
    corpora
        .iter()
        .filter(|c| find(&c.lowercase, value.to_ascii_lowercase().as_bytes()).is_some())
        .map(|c| c.name.as_str())
        .collect()
}

fn postgres_url() -> Option<String> {
    std::env::var("TEST_POSTGRES_URL")
        .ok()
        .filter(|u| !u.trim().is_empty())
}

fn env(pairs: Vec<(&'static str, String)>) -> impl Fn(&str) -> Option<String> + Send + Sync + 'static {
    let map: HashMap<&'static str, String> = pairs.into_iter().collect();
    move |key| map.get(key).cloned()
}

#[test]
fn no_secret_reaches_the_collector() {
    alone("secrets::no_secret_reaches_the_collector", || {
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(4)
            .enable_all()
            .build()
            .expect("runtime")
            .block_on(exercise_the_app_and_search_the_collector());
    });
}

async fn exercise_the_app_and_search_the_collector() {
    let mut secrets = Secrets::default();
    let canary_trace = token();
    let canary_log = token();
    let canary_metric = token();
    let canary_resource = token();

    let collector = TestCollector::start().await.expect("collector");
    let (proxy, wire) = recording_proxy(collector.addr()).await;
    let telemetry = otel_kit_init::builder()
        .service_name("secrets-app")
        .environment(env(vec![
            ("OTEL_EXPORTER_OTLP_ENDPOINT", format!("http://{proxy}")),
            ("OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf".into()),
            ("OTEL_EXPORTER_OTLP_COMPRESSION", "none".into()),
            (
                "OTEL_RESOURCE_ATTRIBUTES",
                format!("canary.resource={canary_resource}"),
            ),
            ("OTEL_BSP_SCHEDULE_DELAY", "50".into()),
            ("OTEL_BLRP_SCHEDULE_DELAY", "50".into()),
            // Metrics are exported by the flush: one export, less to search.
            ("OTEL_METRIC_EXPORT_INTERVAL", "60000".into()),
        ]))
        .init()
        .expect("init");

    let session = secrets.new_secret("http: Set-Cookie (response)");
    let completion = secrets.new_secret("genai: completion content");
    let app = serve_http(session, completion).await;
    let grpc = crate::echo::serve(otel_kit_grpc::ServerLayer::new().capture_headers(grpc_capture())).await;
    let client = http_client();

    exercise_http(&client, app, &mut secrets, &canary_trace).await;
    exercise_grpc(grpc, &mut secrets).await;
    exercise_sqlite(&mut secrets).await;
    let postgres = postgres_url();
    match &postgres {
        Some(url) => exercise_postgres(url, &mut secrets).await,
        None => eprintln!("TEST_POSTGRES_URL is not set: the PostgreSQL part is skipped"),
    }
    exercise_genai(&client, app, &mut secrets).await;

    // The app's own telemetry: canaries for the logs and metrics signals. An `app.password`
    // field of the app's own log is the app's data, which the instrumentation crates do
    // not claim to redact, so it is not one of the secrets: whether it arrives is
    // reported below, not asserted.
    let log_password = token();
    tracing::info!(app.request_id = %canary_log, "canary log record");
    tracing::info!(app.password = %log_password, "user logged in");
    opentelemetry::global::meter("secrets-app")
        .u64_counter("canary.count")
        .with_unit("{canary}")
        .build()
        .add(1, &[KeyValue::new("canary.value", canary_metric.clone())]);

    // Flush and shut down (both block: off the runtime); then everything was received.
    tokio::task::spawn_blocking(move || {
        telemetry.force_flush().expect("flush");
        telemetry.shutdown().expect("shutdown");
    })
    .await
    .expect("join");
    let spans = collector.wait_for_spans(1, WAIT).await;

    // The telemetry did arrive: spans of each kind, the logs and the metrics.
    let count = |scope: &str, kind: SpanKind| {
        spans
            .iter()
            .filter(|s| s.scope.name == scope && s.kind == kind)
            .count()
    };
    let expected_db = if postgres.is_some() { 8 + 10 } else { 8 };
    for (scope, kind, at_least) in [
        (otel_kit_http::server::INSTRUMENTATION_SCOPE, SpanKind::Server, 3),
        (otel_kit_http::server::INSTRUMENTATION_SCOPE, SpanKind::Client, 4),
        (otel_kit_grpc::INSTRUMENTATION_SCOPE, SpanKind::Server, 1),
        (otel_kit_grpc::INSTRUMENTATION_SCOPE, SpanKind::Client, 1),
        (otel_kit_db::INSTRUMENTATION_SCOPE, SpanKind::Client, expected_db),
        (otel_kit_genai::INSTRUMENTATION_SCOPE, SpanKind::Client, 1),
    ] {
        let got = count(scope, kind.clone());
        assert!(
            got >= at_least,
            "{scope} {kind:?}: {got} spans, expected {at_least}\n{}",
            spans.tree()
        );
    }
    spans
        .span("GET /login")
        .has_attribute("http.request.header.x-request-id", vec![canary_trace.as_str()])
        .has_attribute("http.response.header.x-request-id", vec![canary_trace.as_str()]);
    let metrics = collector.metrics();
    for name in [
        "http.server.request.duration",
        "http.client.request.duration",
        "rpc.server.call.duration",
        "rpc.client.call.duration",
        "db.client.operation.duration",
        "gen_ai.client.operation.duration",
        "canary.count",
    ] {
        metrics.metric(name);
    }
    assert!(
        collector
            .logs()
            .as_slice()
            .iter()
            .any(|l| format!("{:?}", l.body).contains("canary log record")),
        "{:?}",
        collector.logs()
    );
    assert!(
        collector.requests().iter().all(|r| r.compression().is_none()),
        "uncompressed, so the wire bytes can be searched"
    );

    let searched = std::time::Instant::now();
    let corpora = corpora(&collector, &wire);

    // Self-check: the search finds the canaries in the raw wire bytes, in the protobuf
    // bytes and in the JSON text of their signal's requests.
    for (canary, signal) in [
        (&canary_trace, "trace"),
        (&canary_log, "log"),
        (&canary_metric, "metric"),
        (&canary_resource, "trace"),
        (&canary_resource, "metric"),
        (&canary_resource, "log"),
    ] {
        let places = found_in(&corpora, canary);
        for kind in ["protobuf", "JSON"] {
            assert!(
                places.iter().any(|p| p.starts_with(signal) && p.ends_with(kind)),
                "the {signal} canary is not in the {kind} requests: {places:?}"
            );
        }
        assert!(
            places.iter().any(|p| p.starts_with("wire")),
            "the {signal} canary is not on the wire: {places:?}"
        );
    }
    // The same telemetry against the semantic-conventions registry: the app's own
    // names are under `app.` and `canary.`.
    let conformance = otel_kit_testing::Conformance::semconv()
        .custom_namespace("app")
        .custom_namespace("canary")
        .check_spans(&spans)
        .check_metrics(&metrics)
        .check_logs(&collector.logs())
        .report();
    eprintln!("{conformance}");
    conformance.assert_conforms();

    // Not asserted: the kit does not promise to redact the app's own log fields.
    let log_password_places = found_in(&corpora, &log_password);
    eprintln!(
        "note: the `app.password` field of the app's own `tracing` log reached the collector: {} ({:?})",
        !log_password_places.is_empty(),
        log_password_places
    );

    // The check: no secret, in any encoding, anywhere.
    let mut leaks = Vec::new();
    let mut leaked = std::collections::BTreeSet::new();
    for (label, secret) in &secrets.0 {
        for needle in needles(secret) {
            for corpus in &corpora {
                if let Some(at) = find_in(corpus, &needle) {
                    leaked.insert(label.as_str());
                    leaks.push(format!(
                        "{label} ({}) in {}: ...{}...",
                        needle.encoding,
                        corpus.name,
                        context(&corpus.bytes, at)
                    ));
                }
            }
        }
    }
    eprintln!(
        "{} secrets searched in {} corpora ({} bytes) in {:?}",
        secrets.0.len(),
        corpora.len(),
        corpora.iter().map(|c| c.bytes.len()).sum::<usize>(),
        searched.elapsed()
    );
    assert!(
        leaks.is_empty(),
        "{} of {} secrets reached the collector: {leaked:#?}\n{}",
        leaked.len(),
        secrets.0.len(),
        leaks.join("\n")
    );
    eprintln!(
        "{} secrets checked in {} corpora ({} bytes) in {:?}: no leak",
        secrets.0.len(),
        corpora.len(),
        corpora.iter().map(|c| c.bytes.len()).sum::<usize>(),
        searched.elapsed()
    );
}
