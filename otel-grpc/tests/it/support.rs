//! What the tests share: the test protos, an Echo service with scripted
//! behaviour, a tonic server with the layer on 127.0.0.1 and traced clients.

#![allow(dead_code, unreachable_pub, missing_docs)]

use std::net::SocketAddr;
use std::pin::Pin;
use std::time::Duration;

use futures_util::{Stream, StreamExt as _, stream};
use otel_kit_grpc::client::ClientService;
use otel_kit_grpc::{ClientLayer, ServerLayer};
use tonic::transport::{Channel, Endpoint, Server};
use tonic::{Code, Request, Response, Status, Streaming};

pub use otel_kit_grpc_test_proto::{health, pb};

use pb::Msg;
use pb::echo_client::EchoClient;
use pb::echo_server::{Echo, EchoServer};

pub const WAIT: Duration = Duration::from_secs(5);

pub fn msg(text: &str, count: i32) -> Msg {
    Msg {
        text: text.to_owned(),
        count,
    }
}

/// The Echo service. `Unary` answers by its text: `not-found`, `internal` and
/// `unimplemented` fail with that status, `slow` sleeps 2 s, `log` emits a `tracing`
/// span and event, `order` records `order.id` (the count) on the server span from an
/// `#[instrument]`ed function; the `x-tenant` metadata is copied to the response's
/// headers (to `not-found`'s status, trailers-only, when it fails so).
#[derive(Debug, Default)]
pub struct EchoImpl;

type MsgStream = Pin<Box<dyn Stream<Item = Result<Msg, Status>> + Send>>;

#[tonic::async_trait]
impl Echo for EchoImpl {
    async fn unary(&self, request: Request<Msg>) -> Result<Response<Msg>, Status> {
        let tenant = request.metadata().get("x-tenant").cloned();
        let message = request.into_inner();
        match message.text.as_str() {
            "not-found" => {
                let mut metadata = tonic::metadata::MetadataMap::new();
                if let Some(tenant) = tenant {
                    metadata.insert("x-tenant", tenant);
                }
                return Err(Status::with_metadata(Code::NotFound, "no such thing", metadata));
            }
            "internal" => return Err(Status::internal("it broke")),
            "unimplemented" => return Err(Status::unimplemented("not yet")),
            "slow" => tokio::time::sleep(Duration::from_secs(2)).await,
            "log" => {
                let span = tracing::info_span!("handler.work");
                let _entered = span.enter();
                tracing::info!("handling unary");
            }
            "order" => place_order(message.count).await,
            _ => {}
        }
        let mut response = Response::new(message);
        if let Some(tenant) = tenant {
            response.metadata_mut().insert("x-tenant", tenant);
        }
        Ok(response)
    }

    type ServerStreamStream = MsgStream;

    /// `count` messages, then OK; with the text `fail-late`, `count` messages and
    /// then `DATA_LOSS` in the trailers; with `shard`, `count` messages and then OK with
    /// `x-shard: 7` in the trailers (and `x-tenant: acme` in the response headers); with
    /// `endless`, a message every 5 ms forever.
    async fn server_stream(&self, request: Request<Msg>) -> Result<Response<MsgStream>, Status> {
        let message = request.into_inner();
        if message.text == "endless" {
            let stream = stream::repeat(()).then(|()| async {
                tokio::time::sleep(Duration::from_millis(5)).await;
                Ok(msg("again", 0))
            });
            return Ok(Response::new(Box::pin(stream)));
        }
        let items = (0..message.count).map(|i| Ok(msg("item", i)));
        let tail = match message.text.as_str() {
            "fail-late" => Some(Status::data_loss("lost the rest")),
            // tonic writes a status the stream ends with, and its metadata, as the
            // trailers: an OK one is how a handler sends trailers of its own.
            "shard" => {
                let mut trailers = tonic::metadata::MetadataMap::new();
                trailers.insert("x-shard", tonic::metadata::MetadataValue::from_static("7"));
                Some(Status::with_metadata(Code::Ok, "", trailers))
            }
            _ => None,
        };
        let stream = stream::iter(items.chain(tail.map(Err))).then(|item| async move {
            tokio::task::yield_now().await;
            item
        });
        let mut response = Response::new(Box::pin(stream) as MsgStream);
        if message.text == "shard" {
            response
                .metadata_mut()
                .insert("x-tenant", tonic::metadata::MetadataValue::from_static("acme"));
        }
        Ok(response)
    }

    async fn client_stream(&self, request: Request<Streaming<Msg>>) -> Result<Response<Msg>, Status> {
        let mut stream = request.into_inner();
        let mut total = 0;
        while let Some(message) = stream.next().await {
            total += message?.count;
        }
        Ok(Response::new(msg("sum", total)))
    }

    type BidiStream = MsgStream;

    async fn bidi(&self, request: Request<Streaming<Msg>>) -> Result<Response<MsgStream>, Status> {
        let stream = request
            .into_inner()
            .map(|message| message.map(|m| msg("echo", m.count)));
        Ok(Response::new(Box::pin(stream)))
    }
}

/// Records the order on the request's SERVER span, from inside its own span.
#[tracing::instrument]
async fn place_order(id: i32) {
    tokio::task::yield_now().await;
    otel_kit_grpc::ServerSpan::current()
        .set_attribute(opentelemetry::KeyValue::new("order.id", i64::from(id)));
    // The current span is this function's own, not the server span.
    opentelemetry::trace::get_active_span(|span| {
        span.set_attribute(opentelemetry::KeyValue::new("app.current_span", "place_order"));
    });
}

/// A trivial health service, to check exclusion.
#[derive(Debug, Default)]
pub struct HealthImpl;

#[tonic::async_trait]
impl health::health_server::Health for HealthImpl {
    async fn check(
        &self,
        _request: Request<health::HealthCheckRequest>,
    ) -> Result<Response<health::HealthCheckResponse>, Status> {
        Ok(Response::new(health::HealthCheckResponse { status: 1 }))
    }
}

/// Serves Echo and Health with `layer` on an ephemeral loopback port.
pub async fn serve(layer: ServerLayer) -> SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("local addr");
    let incoming = tonic::transport::server::TcpIncoming::from(listener);
    tokio::spawn(async move {
        Server::builder()
            .layer(layer)
            .add_service(EchoServer::new(EchoImpl))
            .add_service(health::health_server::HealthServer::new(HealthImpl))
            .serve_with_incoming(incoming)
            .await
            .expect("serve");
    });
    addr
}

pub fn endpoint(addr: SocketAddr) -> Endpoint {
    Endpoint::from_shared(format!("http://{addr}")).expect("endpoint")
}

pub type TracedChannel = ClientService<Channel>;

/// The client layer for a channel to `addr`, made the documented way: from the URI the
/// channel's endpoint was built from.
pub fn client_layer(addr: SocketAddr) -> ClientLayer {
    ClientLayer::new(endpoint(addr).uri())
}

/// A channel to `addr` with `layer` (made for that address, with [`client_layer`]).
pub fn traced_channel(addr: SocketAddr, layer: ClientLayer) -> TracedChannel {
    tower::ServiceBuilder::new()
        .layer(layer)
        .service(endpoint(addr).connect_lazy())
}

/// An Echo client with the default client layer.
pub fn client(addr: SocketAddr) -> EchoClient<TracedChannel> {
    EchoClient::new(traced_channel(addr, client_layer(addr)))
}

/// The port of `addr` as the `i64` span attributes carry.
pub fn port(addr: SocketAddr) -> i64 {
    i64::from(addr.port())
}

/// The span's duration in seconds, as the duration metric records it.
pub fn seconds(span: &otel_kit_testing::SpanRecord) -> f64 {
    span.duration().as_secs_f64()
}

/// Waits until `count` spans of this crate's scope have ended (hyper and h2 make
/// `tracing` spans of their own, which `wait_for_spans` would count), then returns
/// every span.
pub async fn wait_for_calls(t: &otel_kit_testing::TestTelemetry, count: usize) -> otel_kit_testing::Spans {
    let deadline = std::time::Instant::now() + WAIT;
    loop {
        let spans = t.spans();
        let ours = spans
            .iter()
            .filter(|s| s.scope.name == otel_kit_grpc::INSTRUMENTATION_SCOPE)
            .count();
        if ours >= count {
            return spans;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "expected {count} otel-kit-grpc spans, got {ours}\n{}",
            spans.tree()
        );
        tokio::time::sleep(Duration::from_millis(2)).await;
    }
}

/// The registry check (`otel_kit_testing::Conformance`, semantic conventions 1.45) over
/// this crate's spans and every metric in `t`: no violation. hyper's and h2's own
/// `tracing` spans are left out.
pub fn assert_conforms(t: &otel_kit_testing::TestTelemetry) {
    let ours = otel_kit_testing::Spans::new(
        t.spans()
            .into_vec()
            .into_iter()
            .filter(|s| s.scope.name == otel_kit_grpc::INSTRUMENTATION_SCOPE)
            .collect(),
    );
    let report = otel_kit_testing::Conformance::semconv()
        .check_spans(&ours)
        .check_metrics(&t.metrics())
        .report();
    report.assert_conforms();
}
