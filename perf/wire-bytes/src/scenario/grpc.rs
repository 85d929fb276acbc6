//! The gRPC scenarios: unary calls on loopback, with otel-kit-grpc's layer on one side.

use std::error::Error;
use std::net::SocketAddr;
use std::pin::Pin;

use opentelemetry::context::FutureExt as _;
use otel_kit_grpc_test_proto::pb::Msg;
use otel_kit_grpc_test_proto::pb::echo_client::EchoClient;
use otel_kit_grpc_test_proto::pb::echo_server::{Echo, EchoServer};
use tonic::transport::{Endpoint, Server};
use tonic::{Request, Response, Status, Streaming};
use tower::Layer as _;

use super::Ids;

type Result<T = ()> = std::result::Result<T, Box<dyn Error>>;

struct EchoImpl;

type MsgStream = Pin<Box<dyn futures_util::Stream<Item = std::result::Result<Msg, Status>> + Send>>;

#[tonic::async_trait]
impl Echo for EchoImpl {
    async fn unary(&self, request: Request<Msg>) -> std::result::Result<Response<Msg>, Status> {
        Ok(Response::new(request.into_inner()))
    }
    type ServerStreamStream = MsgStream;
    async fn server_stream(&self, _: Request<Msg>) -> std::result::Result<Response<MsgStream>, Status> {
        Err(Status::unimplemented(""))
    }
    async fn client_stream(&self, _: Request<Streaming<Msg>>) -> std::result::Result<Response<Msg>, Status> {
        Err(Status::unimplemented(""))
    }
    type BidiStream = MsgStream;
    async fn bidi(&self, _: Request<Streaming<Msg>>) -> std::result::Result<Response<MsgStream>, Status> {
        Err(Status::unimplemented(""))
    }
}

async fn serve(traced: bool) -> Result<SocketAddr> {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    let incoming = tonic::transport::server::TcpIncoming::from(listener);
    tokio::spawn(async move {
        let result = if traced {
            Server::builder()
                .layer(otel_kit_grpc::ServerLayer::new())
                .add_service(EchoServer::new(EchoImpl))
                .serve_with_incoming(incoming)
                .await
        } else {
            Server::builder()
                .add_service(EchoServer::new(EchoImpl))
                .serve_with_incoming(incoming)
                .await
        };
        if let Err(e) = result {
            eprintln!("echo server stopped: {e}");
        }
    });
    Ok(addr)
}

fn message(i: usize) -> Msg {
    Msg {
        text: format!("order {i}"),
        count: 2,
    }
}

/// `n` unary calls from an untraced client, each with a `traceparent`, to a server with
/// otel-kit-grpc's `ServerLayer`.
pub(super) async fn server(n: usize) -> Result {
    let addr = serve(true).await?;
    let mut client = EchoClient::new(Endpoint::from_shared(format!("http://{addr}"))?.connect().await?);
    let mut ids = Ids::new();
    for i in 0..n {
        let mut request = Request::new(message(i));
        request
            .metadata_mut()
            .insert("traceparent", ids.traceparent().parse()?);
        client.unary(request).await?;
    }
    Ok(())
}

/// `n` unary calls through otel-kit-grpc's `ClientLayer`, each under its own remote
/// parent, to an untraced server.
pub(super) async fn client(n: usize) -> Result {
    let addr = serve(false).await?;
    let endpoint = Endpoint::from_shared(format!("http://{addr}"))?;
    let channel = otel_kit_grpc::ClientLayer::new(endpoint.uri()).layer(endpoint.connect().await?);
    let mut client = EchoClient::new(channel);
    let mut ids = Ids::new();
    for i in 0..n {
        client
            .unary(Request::new(message(i)))
            .with_context(ids.remote_parent())
            .await?;
    }
    Ok(())
}
