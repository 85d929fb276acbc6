//! HTTP -> gRPC -> HTTP with otel-kit-http on the HTTP hops and otel-kit-grpc on the gRPC
//! hop: one trace, each span the child of the one before.

use std::net::SocketAddr;

use crate::support::pb::echo_server::{Echo, EchoServer};
use crate::support::pb::{Msg, echo_client::EchoClient};
use crate::support::{TracedChannel, client_layer, msg, traced_channel, wait_for_calls};
use axum::Router;
use axum::routing::get;
use opentelemetry::trace::SpanKind;
use otel_kit_grpc::ServerLayer;
use otel_kit_testing::TestTelemetry;
use tonic::transport::Server;
use tonic::{Request, Response, Status, Streaming};

async fn serve_http(app: Router) -> SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("addr");
    tokio::spawn(async move { axum::serve(listener, app).await.expect("serve") });
    addr
}

/// A gRPC service whose `Unary` calls an HTTP backend with otel-kit-http's client.
struct CallsHttp {
    backend: String,
}

type Stream = std::pin::Pin<Box<dyn futures_util::Stream<Item = Result<Msg, Status>> + Send>>;

#[tonic::async_trait]
impl Echo for CallsHttp {
    async fn unary(&self, _request: Request<Msg>) -> Result<Response<Msg>, Status> {
        let client = reqwest_middleware::ClientBuilder::new(reqwest::Client::new())
            .with(otel_kit_http::ClientMiddleware::default())
            .build();
        let body = client
            .get(format!("{}/inventory", self.backend))
            .send()
            .await
            .map_err(|e| Status::unavailable(e.to_string()))?
            .text()
            .await
            .map_err(|e| Status::internal(e.to_string()))?;
        Ok(Response::new(msg(&body, 1)))
    }

    type ServerStreamStream = Stream;
    async fn server_stream(&self, _: Request<Msg>) -> Result<Response<Stream>, Status> {
        Err(Status::unimplemented(""))
    }
    async fn client_stream(&self, _: Request<Streaming<Msg>>) -> Result<Response<Msg>, Status> {
        Err(Status::unimplemented(""))
    }
    type BidiStream = Stream;
    async fn bidi(&self, _: Request<Streaming<Msg>>) -> Result<Response<Stream>, Status> {
        Err(Status::unimplemented(""))
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn http_grpc_http_is_one_trace_tree() {
    let t = TestTelemetry::new().install_global();
    let backend = serve_http(
        Router::new()
            .route("/inventory", get(|| async { "in stock" }))
            .layer(otel_kit_http::ServerLayer::new()),
    )
    .await;

    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let grpc_addr = listener.local_addr().expect("addr");
    let service = EchoServer::new(CallsHttp {
        backend: format!("http://{backend}"),
    });
    tokio::spawn(async move {
        Server::builder()
            .layer(ServerLayer::new())
            .add_service(service)
            .serve_with_incoming(tonic::transport::server::TcpIncoming::from(listener))
            .await
            .expect("serve");
    });

    let channel: TracedChannel = traced_channel(grpc_addr, client_layer(grpc_addr));
    let frontend = serve_http(
        Router::new()
            .route(
                "/order",
                get(move || {
                    let mut client = EchoClient::new(channel.clone());
                    async move {
                        let reply = client.unary(msg("order", 1)).await.expect("grpc call");
                        reply.into_inner().text
                    }
                }),
            )
            .layer(otel_kit_http::ServerLayer::new()),
    )
    .await;

    let body = reqwest::get(format!("http://{frontend}/order"))
        .await
        .expect("request")
        .text()
        .await
        .expect("body");
    assert_eq!(body, "in stock");

    // Both HTTP server spans ended before the response body was sent.
    let spans = wait_for_calls(&t, 2).await;
    let front = spans.span("GET /order");
    let spans = spans.in_trace(&front.record().trace_id);
    spans.assert_tree(
        "
        GET /order
          otel.test.Echo/Unary
            otel.test.Echo/Unary
              GET
                GET /inventory
        ",
    );
    let client_span = spans.span_where("grpc client", |s| {
        s.kind == SpanKind::Client && s.name.contains("Echo")
    });
    let server_span = spans.span_where("grpc server", |s| {
        s.kind == SpanKind::Server && s.name.contains("Echo")
    });
    client_span.has_parent(&spans.span("GET /order"));
    server_span.has_parent(&client_span);
    spans.span("GET").has_parent(&server_span);
    spans.span("GET /inventory").has_parent(&spans.span("GET"));
}
