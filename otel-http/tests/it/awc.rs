//! The awc middleware (`otel_kit_http::awc::ClientMiddleware`) against a real actix-web
//! server over loopback (`HttpServer` with the actix middleware, both on one harness):
//! the CLIENT span's name and attributes, the status rule, `error.type` for a 500, a
//! refused connection and awc's own timeout against a peer that never answers, the
//! caller's cancellation, `http.client.request.duration`, header capture (never a
//! credential), the `traceparent` arriving at
//! the server (frozen requests too) with the server span the client span's child, and
//! credentials in the URL never recorded. Each test hands its harness to the middleware
//! (`.providers(..)`) and runs awc inside its own actix system, so they run in parallel.

use std::time::{Duration, Instant};

use actix_web::{HttpRequest, HttpResponse, web};
use opentelemetry::trace::SpanKind;
use otel_kit_http::Providers;
use otel_kit_http::actix::ServerMiddleware;
use otel_kit_http::awc::ClientMiddleware;
use otel_kit_http::conventions::{HTTP_RPC_DURATION_BUCKETS, HeaderCapture};
use otel_kit_semconv::metric::HTTP_CLIENT_REQUEST_DURATION;
use otel_kit_testing::{BlackHole, Conformance, TestTelemetry};

use crate::support::actix::serve_actix;
use crate::support::client::{
    assert_cancelled, assert_url_full_cut, closed_port, oversized_url, parse_traceparent,
};
use crate::support::exception_events;

const WAIT: Duration = Duration::from_secs(5);

/// The server: `/users/{id}` answers the `traceparent` it received, `/boom` a 500,
/// `/headers` with a header to capture and a cookie never to capture.
fn routes(config: &mut web::ServiceConfig) {
    config
        .route(
            "/users/{id}",
            web::get().to(|request: HttpRequest| async move {
                let traceparent = request
                    .headers()
                    .get("traceparent")
                    .and_then(|v| v.to_str().ok())
                    .unwrap_or("none")
                    .to_owned();
                HttpResponse::Ok().body(traceparent)
            }),
        )
        .route(
            "/boom",
            web::get().to(|| async { HttpResponse::InternalServerError().finish() }),
        )
        .route(
            "/chain",
            web::get().to(|request: HttpRequest| async move {
                // From inside a handler, as a service calls another: the SERVER span is current.
                let local = request.app_config().local_addr();
                let providers = request
                    .app_data::<web::Data<Providers>>()
                    .expect("providers")
                    .get_ref()
                    .clone();
                let client = awc::ClientBuilder::new()
                    .wrap(ClientMiddleware::default().providers(providers))
                    .finish();
                let response = client.get(format!("http://{local}/users/1")).send().await;
                HttpResponse::Ok().body(response.map(|r| r.status().to_string()).unwrap_or_default())
            }),
        )
        .route(
            "/headers",
            web::get().to(|| async {
                HttpResponse::Ok()
                    .insert_header(("x-served-by", "node-1"))
                    .insert_header(("set-cookie", "session=s3cr3t"))
                    .finish()
            }),
        );
}

/// Runs `test` in an actix system on this thread, as an actix service runs awc.
fn in_actix<F: Future<Output = ()>>(test: impl FnOnce() -> F) {
    actix_web::rt::System::new().block_on(test());
}

/// An awc client with the middleware sending to `t`.
fn client(t: &TestTelemetry) -> awc::Client {
    awc::ClientBuilder::new()
        .wrap(ClientMiddleware::default().providers(t.providers()))
        .finish()
}

fn port_of(base: &str) -> i64 {
    base.rsplit(':')
        .next()
        .and_then(|p| p.parse().ok())
        .expect("port")
}

#[test]
fn client_span_metric_and_context_arriving_at_the_server() {
    let t = TestTelemetry::new();
    let base = serve_actix(ServerMiddleware::default().providers(t.providers()), routes);
    let port = port_of(&base);
    in_actix(|| async move {
        // Credentials in the user info and a signed query value: never recorded.
        let url =
            base.replacen("http://", "http://admin:hunter2@", 1) + "/users/42?page=2&X-Amz-Signature=s3cr3t";
        let mut response = client(&t).get(url).send().await.expect("response");
        assert_eq!(response.status().as_u16(), 200);
        let traceparent = String::from_utf8(response.body().await.expect("body").to_vec()).expect("utf-8");
        let (trace_id, parent_id) = parse_traceparent(&traceparent);

        let spans = t.wait_for_spans(2, WAIT).await;
        let client_span = spans
            .span("GET")
            .has_kind(SpanKind::Client)
            .has_scope_name("otel-kit-http")
            .is_root()
            .has_status_unset()
            .has_trace_id(&trace_id)
            .has_attribute("http.request.method", "GET")
            .has_attribute("server.address", "127.0.0.1")
            .has_attribute("server.port", port)
            .has_attribute(
                "url.full",
                format!("http://REDACTED:REDACTED@127.0.0.1:{port}/users/42?page=2&X-Amz-Signature=REDACTED"),
            )
            .has_attribute("http.response.status_code", 200)
            .has_attribute("network.protocol.version", "1.1")
            .lacks_attribute("error.type");
        assert_eq!(
            client_span.record().span_id,
            parent_id,
            "the traceparent names the client span"
        );
        for span in spans.as_slice() {
            for (key, value) in &span.attributes {
                let value = format!("{value:?}");
                assert!(
                    !value.contains("hunter2") && !value.contains("s3cr3t"),
                    "{}: {key} = {value}",
                    span.name
                );
            }
        }
        spans
            .span("GET /users/{id}")
            .has_kind(SpanKind::Server)
            .has_parent(&client_span);
        Conformance::semconv()
            .check_spans(&spans)
            .report()
            .assert_conforms();

        let metrics = t.metrics();
        metrics
            .metric(HTTP_CLIENT_REQUEST_DURATION)
            .has_unit("s")
            .is_histogram()
            .histogram_point(&[
                ("http.request.method", "GET".into()),
                ("server.address", "127.0.0.1".into()),
                ("server.port", port.into()),
                ("http.response.status_code", 200.into()),
                ("network.protocol.version", "1.1".into()),
            ])
            .has_count(1)
            .has_bucket_boundaries(&HTTP_RPC_DURATION_BUCKETS);
    });
}

#[test]
fn a_500_is_an_error_of_the_client_span() {
    let t = TestTelemetry::new();
    let base = serve_actix(ServerMiddleware::default().providers(t.providers()), routes);
    in_actix(|| async move {
        let response = client(&t)
            .get(format!("{base}/boom"))
            .send()
            .await
            .expect("still a response");
        assert_eq!(response.status().as_u16(), 500);

        let spans = t.wait_for_spans(2, WAIT).await;
        spans
            .span("GET")
            .has_kind(SpanKind::Client)
            .is_error()
            .has_attribute("http.response.status_code", 500)
            .has_attribute("error.type", "500");
        assert_eq!(exception_events(&t.logs()), 0, "a response is no exception");
        t.metrics()
            .metric(HTTP_CLIENT_REQUEST_DURATION)
            .histogram_point(&[
                ("http.response.status_code", 500.into()),
                ("error.type", "500".into()),
            ])
            .has_count(1);
    });
}

#[test]
fn a_refused_connection_is_a_connect_error() {
    let t = TestTelemetry::new();
    in_actix(|| async move {
        let port = closed_port().await;
        let error = client(&t)
            .get(format!("http://127.0.0.1:{port}/"))
            .send()
            .await
            .expect_err("refused");
        assert!(
            matches!(error, awc::error::SendRequestError::Connect(_)),
            "{error:?}"
        );

        let spans = t.spans();
        spans
            .span("GET")
            .is_error()
            .has_attribute("error.type", "connect")
            .has_attribute("server.port", i64::from(port))
            .lacks_attribute("http.response.status_code");
        assert_eq!(exception_events(&t.logs()), 1);
        t.metrics()
            .metric(HTTP_CLIENT_REQUEST_DURATION)
            .histogram_point(&[("error.type", "connect".into())])
            .has_count(1);
    });
}

#[test]
fn a_silent_peer_ends_in_awcs_own_timeout_as_an_error() {
    let t = TestTelemetry::new();
    in_actix(|| async move {
        let hole = BlackHole::start().await.expect("black hole");
        let timeout = Duration::from_millis(300);
        let client = awc::ClientBuilder::new()
            .timeout(timeout)
            .wrap(
                ClientMiddleware::default()
                    .client_timeout(timeout)
                    .providers(t.providers()),
            )
            .finish();
        let started = Instant::now();
        let error = client
            .get(format!("{}/", hole.endpoint()))
            .send()
            .await
            .expect_err("no answer");
        assert!(
            matches!(error, awc::error::SendRequestError::Timeout),
            "{error:?}"
        );
        assert!(started.elapsed() < WAIT, "awc's timeout ended it: no hang");

        let spans = t.spans();
        spans
            .span("GET")
            .is_error()
            .has_error_description("timeout: Timeout while waiting for response")
            .has_attribute("error.type", "timeout")
            .lacks_attribute("http.response.status_code")
            .has_duration_at_most(WAIT);
        assert_eq!(exception_events(&t.logs()), 1);
        t.metrics()
            .metric(HTTP_CLIENT_REQUEST_DURATION)
            .histogram_point(&[("error.type", "timeout".into())])
            .has_count(1);
    });
}

#[test]
fn the_callers_own_timeout_is_a_cancellation() {
    let t = TestTelemetry::new();
    in_actix(|| async move {
        let hole = BlackHole::start().await.expect("black hole");
        // awc's timeout is the default 5 s; the caller gives up after 200 ms.
        let send = client(&t).get(format!("{}/", hole.endpoint())).send();
        let given_up = actix_web::rt::time::timeout(Duration::from_millis(200), send).await;
        assert!(given_up.is_err(), "the caller's timeout fired first");
        assert_cancelled(&t);
    });
}

#[test]
fn a_frozen_request_carries_a_fresh_traceparent_on_each_send() {
    let t = TestTelemetry::new();
    let base = serve_actix(ServerMiddleware::default().providers(t.providers()), routes);
    in_actix(|| async move {
        let frozen = client(&t)
            .get(format!("{base}/users/7"))
            .freeze()
            .expect("frozen");
        let mut seen = Vec::new();
        for _ in 0..2 {
            let mut response = frozen.send().await.expect("response");
            seen.push(String::from_utf8(response.body().await.expect("body").to_vec()).expect("utf-8"));
        }
        assert_ne!(
            seen[0], seen[1],
            "one traceparent per send, not the first one frozen in"
        );
        let spans = t.wait_for_spans(4, WAIT).await;
        let clients = spans.named("GET");
        assert_eq!(clients.len(), 2);
        for (client_span, traceparent) in clients.iter().zip(&seen) {
            assert_eq!(client_span.record().span_id, parse_traceparent(traceparent).1);
        }
    });
}

#[test]
fn excluded_and_unpropagated_requests() {
    let t = TestTelemetry::new();
    let base = serve_actix(ServerMiddleware::default().providers(t.providers()), routes);
    in_actix(|| async move {
        let client = awc::ClientBuilder::new()
            .wrap(
                ClientMiddleware::default()
                    .exclude_when(|head| head.uri.path() == "/users/1")
                    .propagate_if(|head| head.uri.path() != "/users/2")
                    .providers(t.providers()),
            )
            .finish();
        let mut excluded = client
            .get(format!("{base}/users/1"))
            .send()
            .await
            .expect("response");
        let mut refused = client
            .get(format!("{base}/users/2"))
            .send()
            .await
            .expect("response");
        let body = |bytes: actix_web::web::Bytes| String::from_utf8(bytes.to_vec()).expect("utf-8");
        // Excluded: no client span, and no current span whose context could travel.
        assert_eq!(body(excluded.body().await.expect("body")), "none");
        assert_eq!(
            body(refused.body().await.expect("body")),
            "none",
            "propagation refused"
        );
        let spans = t.wait_for_spans(3, WAIT).await;
        assert_eq!(spans.named("GET").len(), 1, "only /users/2 is traced");
    });
}

#[test]
fn listed_headers_are_captured_and_credentials_never() {
    let t = TestTelemetry::new();
    let base = serve_actix(ServerMiddleware::default().providers(t.providers()), routes);
    in_actix(|| async move {
        let capture = HeaderCapture::default()
            .request(["x-tenant", "authorization", "traceparent"])
            .response(["x-served-by", "set-cookie"]);
        let client = awc::ClientBuilder::new()
            .wrap(
                ClientMiddleware::default()
                    .capture_headers(capture)
                    .providers(t.providers()),
            )
            .finish();
        client
            .get(format!("{base}/headers"))
            .insert_header(("x-tenant", "acme"))
            .insert_header(("authorization", "Bearer hunter2"))
            .send()
            .await
            .expect("response");

        let spans = t.wait_for_spans(2, WAIT).await;
        let client_span = spans
            .span("GET")
            .has_kind(SpanKind::Client)
            .has_attribute("http.request.header.x-tenant", vec!["acme".to_owned()])
            .has_attribute_key("http.request.header.traceparent")
            .has_attribute("http.response.header.x-served-by", vec!["node-1".to_owned()])
            .lacks_attribute("http.request.header.authorization")
            .lacks_attribute("http.response.header.set-cookie");
        // The captured `traceparent` is the one injected: captured after injection.
        let captured = format!(
            "{:?}",
            client_span.record().attribute("http.request.header.traceparent")
        );
        assert!(captured.contains(&client_span.record().span_id), "{captured}");
    });
}

#[test]
fn from_a_handler_the_client_span_is_the_server_spans_child() {
    let t = TestTelemetry::new();
    let providers = t.providers();
    let base = serve_actix(
        ServerMiddleware::default().providers(t.providers()),
        move |config| {
            config.app_data(web::Data::new(providers.clone()));
            routes(config);
        },
    );
    in_actix(|| async move {
        let mut response = awc::Client::default()
            .get(format!("{base}/chain"))
            .send()
            .await
            .expect("response");
        assert_eq!(response.body().await.expect("body"), "200 OK");

        let spans = t.wait_for_spans(3, WAIT).await;
        let outer = spans.span("GET /chain").has_kind(SpanKind::Server).is_root();
        let client_span = spans.span("GET").has_kind(SpanKind::Client).has_parent(&outer);
        spans
            .span("GET /users/{id}")
            .has_kind(SpanKind::Server)
            .has_parent(&client_span);
    });
}

#[test]
fn url_full_is_cut_to_the_request_value_cap() {
    let t = TestTelemetry::new();
    let base = serve_actix(ServerMiddleware::default().providers(t.providers()), routes);
    in_actix(|| async move {
        // The server may refuse a request line this long; the span is recorded either way.
        let _ = client(&t).get(oversized_url(&base)).send().await;
        assert_url_full_cut(&t.spans());
    });
}
