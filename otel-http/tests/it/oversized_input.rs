//! Oversized and hostile request headers through the server layer, in process (a
//! `tower::service_fn` behind `ServerLayer`, otel-kit-init's propagators installed as the
//! global propagator, as `otel_kit_init::init()` does): a 1 MB `traceparent`, a 1 MB
//! `tracestate`, a `traceparent` repeated in 1,000 values, 10,000 baggage members, and
//! 64 KB values of captured headers (server and client `HeaderCapture`).
//!
//! Each case asserts the documented outcome (a new trace; captured values cut to 4096
//! bytes), a time bound, and the bytes allocated by the request over those of the same
//! request with ordinary headers, and prints what it measured. Memory is counted by
//! otel-kit-testing's `allocations` (this binary's global allocator): "allocated" is
//! every byte allocated, by any thread, while the request is served and its span
//! recorded (an upper bound on the peak). Each test runs alone in a child process of
//! this binary, so that no other test's allocations are counted.

use std::convert::Infallible;
use std::time::Duration;

use http::{HeaderMap, HeaderValue, Request, Response};
use otel_kit_http::ServerLayer;
use otel_kit_http::conventions::HeaderCapture;
use otel_kit_init::reexports::otel_kit_propagators::{LimitedBaggagePropagator, Propagators};
use otel_kit_testing::allocations::measure;
use otel_kit_testing::{AttributeValue, GlobalTelemetry, TestTelemetry, alone};
use tower::{Layer as _, Service, ServiceExt as _};

const ONE_MB: usize = 1 << 20;
const TRACE_ID: &str = "4bf92f3577b34da6a3ce929d0e0e4736";
const TRACEPARENT: &str = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
/// `otel_kit_http::conventions` cuts captured values to this many bytes (docs/http.md,
/// "Header capture").
const MAX_CAPTURED: usize = 4096;

/// Generous for a debug build on a loaded 2-core machine (the cases take 1-20 ms
/// there), far below what a quadratic pass over a megabyte would take.
const TIME_BOUND: Duration = Duration::from_millis(250);
/// What an oversized request may allocate beyond the same request with ordinary
/// headers: no copy of the input (1 MB), only bounded work.
const EXTRA_ALLOC_BOUND: usize = 64 * 1024;

/// What an oversized request cost over the same request with ordinary headers.
struct Extra {
    elapsed: Duration,
    allocated: usize,
}

type Handler =
    tower::util::ServiceFn<fn(Request<String>) -> std::future::Ready<Result<Response<String>, Infallible>>>;

fn handler(_: Request<String>) -> std::future::Ready<Result<Response<String>, Infallible>> {
    let mut response = Response::new(String::new());
    response.headers_mut().insert(
        "x-big",
        HeaderValue::from_str(&"r".repeat(64 * 1024)).expect("header value"),
    );
    std::future::ready(Ok(response))
}

struct Harness {
    t: GlobalTelemetry,
    runtime: tokio::runtime::Runtime,
}

impl Harness {
    fn new() -> Self {
        let t = TestTelemetry::new().install_global();
        // What `otel_kit_init::init()` installs: W3C trace context (strict) and baggage
        // (with the W3C limits).
        Propagators::default().install_global();
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("runtime");
        Harness { t, runtime }
    }

    fn serve<S>(&self, service: &S, headers: &HeaderMap) -> Response<String>
    where
        S: Service<Request<String>, Response = Response<String>> + Clone,
        S::Error: std::fmt::Debug,
    {
        self.serve_request(service.clone(), request(headers))
    }

    fn serve_request<S>(&self, service: S, request: Request<String>) -> Response<String>
    where
        S: Service<Request<String>, Response = Response<String>>,
        S::Error: std::fmt::Debug,
    {
        self.runtime.block_on(service.oneshot(request)).expect("response")
    }

    /// Serves the request and measures it against the same request with `baseline`
    /// headers; returns the extra bytes allocated and the time.
    fn measure<S>(
        &self,
        what: &str,
        input: usize,
        service: &S,
        baseline: &HeaderMap,
        headers: &HeaderMap,
    ) -> Extra
    where
        S: Service<Request<String>, Response = Response<String>> + Clone,
        S::Error: std::fmt::Debug,
    {
        // Warm up (thread-local globals, interned names), then the baseline.
        // The request and the service are built before measuring.
        self.serve(service, baseline);
        let (base_request, base_service) = (request(baseline), service.clone());
        let (_, base) = measure(&format!("{what} (baseline)"), 0, || {
            self.serve_request(base_service, base_request)
        });
        self.t.reset();
        let (big_request, big_service) = (request(headers), service.clone());
        let (_, cost) = measure(what, input, || self.serve_request(big_service, big_request));
        Extra {
            elapsed: cost.elapsed,
            allocated: cost.allocated.saturating_sub(base.allocated),
        }
    }
}

fn request(headers: &HeaderMap) -> Request<String> {
    let mut request = Request::get("/items").body(String::new()).expect("request");
    *request.headers_mut() = headers.clone();
    request
}

fn assert_bounded(what: &str, cost: &Extra, extra_bound: usize) {
    println!("{what}: {} B over the baseline", cost.allocated);
    assert!(cost.elapsed < TIME_BOUND, "{what} took {:?}", cost.elapsed);
    assert!(
        cost.allocated < extra_bound,
        "{what} allocated {} B over the baseline (bound {extra_bound} B)",
        cost.allocated
    );
}

fn server() -> otel_kit_http::server::ServerService<Handler> {
    ServerLayer::new().layer(tower::service_fn(handler as fn(_) -> _))
}

fn with_traceparent() -> HeaderMap {
    let mut headers = HeaderMap::new();
    headers.insert("traceparent", HeaderValue::from_static(TRACEPARENT));
    headers
}

#[test]
fn oversized_trace_context_headers_start_a_new_trace() {
    alone(
        "oversized_input::oversized_trace_context_headers_start_a_new_trace",
        || {
            let h = Harness::new();
            let service = server();
            let baseline = with_traceparent();

            // The caller's context is used when it is well-formed.
            h.serve(&service, &baseline);
            let spans = h.t.spans();
            let span = spans.span("GET");
            assert_eq!(span.record().trace_id, TRACE_ID);
            h.t.reset();

            let mut cases: Vec<(&str, HeaderMap, usize)> = Vec::new();

            let mut long = TRACEPARENT.to_owned();
            long.push_str(&"0".repeat(ONE_MB - long.len()));
            let mut headers = HeaderMap::new();
            headers.insert("traceparent", HeaderValue::from_str(&long).unwrap());
            cases.push(("1 MB traceparent", headers, ONE_MB));

            let mut headers = HeaderMap::new();
            for _ in 0..1000 {
                headers.append("traceparent", HeaderValue::from_static(TRACEPARENT));
            }
            cases.push(("traceparent in 1,000 values", headers, 1000 * TRACEPARENT.len()));

            for (what, headers, input) in cases {
                let cost = h.measure(what, input, &service, &baseline, &headers);
                let spans = h.t.spans();
                let span = spans.span("GET");
                assert!(span.record().is_root(), "{what}: a new trace starts");
                assert_ne!(span.record().trace_id, TRACE_ID, "{what}");
                assert_bounded(what, &cost, EXTRA_ALLOC_BOUND);
                h.t.reset();
            }

            // A 1 MB `tracestate` next to a valid `traceparent`: the list is invalid (a member
            // over 256 characters), so it is dropped and the parent kept.
            let mut headers = with_traceparent();
            headers.insert(
                "tracestate",
                HeaderValue::from_str(&format!("k={}", "v".repeat(ONE_MB - 2))).unwrap(),
            );
            let what = "1 MB tracestate";
            let cost = h.measure(what, ONE_MB, &service, &baseline, &headers);
            let spans = h.t.spans();
            let span = spans.span("GET");
            assert_eq!(span.record().trace_id, TRACE_ID, "{what}: the parent is kept");
            assert_eq!(span.record().trace_state, "", "{what}: the state is dropped");
            assert_bounded(what, &cost, EXTRA_ALLOC_BOUND);
        },
    );
}

#[test]
fn ten_thousand_baggage_members_are_cut_to_the_limits_in_the_handler_context() {
    alone(
        "oversized_input::ten_thousand_baggage_members_are_cut_to_the_limits_in_the_handler_context",
        || {
            let h = Harness::new();
            // A handler that reports the baggage it sees (the caller's baggage stays in the
            // handler's context, docs/http.md "Propagation").
            let service = ServerLayer::new().layer(tower::service_fn(|_: Request<String>| async {
                use opentelemetry::baggage::BaggageExt as _;
                let cx = opentelemetry::Context::current();
                let body = format!("{}", cx.baggage().len());
                Ok::<_, Infallible>(Response::new(body))
            }));
            let mut headers = with_traceparent();
            let mut input = 0;
            for header in 0..100 {
                let members: Vec<String> = (0..100).map(|m| format!("k{}=v", header * 100 + m)).collect();
                let value = members.join(",");
                input += value.len();
                headers.append("baggage", HeaderValue::from_str(&value).unwrap());
            }
            let what = "10,000 baggage members in 100 headers";
            let baseline = with_traceparent();
            // Before the fix in `globals.rs` this request panicked ("RefCell already borrowed"):
            // the baggage propagator logs the members it drops, the test harness's log bridge
            // attaches a context, and extraction ran inside `Context::map_current`.
            let cost = h.measure(what, input, &service, &baseline, &headers);
            h.t.reset();
            let response = h.serve(&service, &headers);
            assert_eq!(
                response.body(),
                &LimitedBaggagePropagator::MAX_MEMBERS.to_string(),
                "{what}: at most 64 members reach the handler"
            );
            assert_eq!(h.t.spans().span("GET").record().trace_id, TRACE_ID);
            // The kept list (at most 8192 bytes) and the parsed baggage.
            assert_bounded(what, &cost, EXTRA_ALLOC_BOUND);
        },
    );
}

#[test]
fn a_64_kb_captured_header_value_is_cut_to_4096_bytes() {
    alone(
        "oversized_input::a_64_kb_captured_header_value_is_cut_to_4096_bytes",
        || {
            let h = Harness::new();
            let service = ServerLayer::new()
                .capture_headers(HeaderCapture::default().request(["x-big"]).response(["x-big"]))
                .layer(tower::service_fn(handler as fn(_) -> _));
            let big = "q".repeat(64 * 1024);
            let mut headers = HeaderMap::new();
            headers.insert("x-big", HeaderValue::from_str(&big).unwrap());
            let mut baseline = HeaderMap::new();
            baseline.insert("x-big", HeaderValue::from_static("small"));
            let what = "server: 64 KB x-big request header (and a 64 KB response header)";
            let cost = h.measure(what, big.len(), &service, &baseline, &headers);
            let spans = h.t.spans();
            let span = spans.span("GET");
            for key in ["http.request.header.x-big", "http.response.header.x-big"] {
                let Some(AttributeValue::Array(values)) = span.record().attribute(key) else {
                    panic!(
                        "{key}: a string array, got {:?}",
                        span.record().attribute(key).map(|v| v.type_name())
                    );
                };
                assert_eq!(values.len(), 1);
                let value = values[0].as_str().unwrap();
                assert_eq!(value.len(), MAX_CAPTURED, "{key}: cut to 4096 bytes");
            }
            // Two 4 KB copies on the span, and the span's copy in the test exporter.
            assert_bounded(what, &cost, 8 * MAX_CAPTURED + EXTRA_ALLOC_BOUND);
            h.t.reset();

            // The same header sent 100 times (hyper's default limit on header count): each
            // value is cut, and only the first 16 are kept, so the attribute stays at
            // 16 x 4 KB = 64 KB on one span.
            let mut headers = HeaderMap::new();
            for _ in 0..100 {
                headers.append("x-big", HeaderValue::from_str(&big).unwrap());
            }
            let what = "server: x-big request header, 100 values of 64 KB";
            let cost = h.measure(what, 100 * big.len(), &service, &baseline, &headers);
            let spans = h.t.spans();
            let Some(AttributeValue::Array(values)) =
                spans.span("GET").record().attribute("http.request.header.x-big")
            else {
                panic!("a string array");
            };
            assert_eq!(values.len(), 16, "the first 16 values are captured");
            let total: usize = values.iter().map(|v| v.as_str().unwrap().len()).sum();
            println!("{what}: attribute of {total} B");
            assert!(values.iter().all(|v| v.as_str().unwrap().len() == MAX_CAPTURED));
            assert_bounded(what, &cost, 16 * 3 * MAX_CAPTURED + EXTRA_ALLOC_BOUND);
        },
    );
}

#[test]
fn the_client_header_capture_cuts_values_to_4096_bytes() {
    alone(
        "oversized_input::the_client_header_capture_cuts_values_to_4096_bytes",
        || {
            let capture = HeaderCapture::default().request(["x-big"]).response(["x-big"]);
            let big = "c".repeat(64 * 1024);
            let mut headers = HeaderMap::new();
            headers.insert("x-big", HeaderValue::from_str(&big).unwrap());
            let _ = capture.request_attributes(&headers);
            let (attributes, cost) = measure("client: 64 KB x-big header", big.len(), || {
                capture.request_attributes(&headers)
            });
            assert_eq!(attributes.len(), 1);
            let opentelemetry::Value::Array(opentelemetry::Array::String(values)) = &attributes[0].value
            else {
                panic!("a string array");
            };
            assert_eq!(values[0].as_str().len(), MAX_CAPTURED);
            assert!(cost.elapsed < TIME_BOUND);
            // The 4 KB copy and the vectors; never the 64 KB value.
            assert!(cost.allocated < 2 * MAX_CAPTURED, "{} B", cost.allocated);

            // Not UTF-8: replaced with U+FFFD. `String::from_utf8_lossy` copies the whole value
            // once before it is cut (64 KB in, 4 KB kept; about 130 KB allocated as the copy
            // grows): transient, and bounded by the header size the server accepts.
            let mut bytes = vec![b'c'; 64 * 1024];
            bytes[10] = 0xff;
            let mut headers = HeaderMap::new();
            headers.insert("x-big", HeaderValue::from_bytes(&bytes).unwrap());
            let (attributes, cost) = measure("client: 64 KB x-big header, not UTF-8", bytes.len(), || {
                capture.response_attributes(&headers)
            });
            let opentelemetry::Value::Array(opentelemetry::Array::String(values)) = &attributes[0].value
            else {
                panic!("a string array");
            };
            assert!(values[0].as_str().len() <= MAX_CAPTURED);
            assert!(values[0].as_str().contains('\u{fffd}'));
            assert!(cost.allocated < 4 * bytes.len(), "{} B", cost.allocated);
        },
    );
}
