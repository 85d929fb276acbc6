//! The Echo gRPC service the cross-crate tests call: unary only, echoing the message
//! and the `x-tenant` metadata.

use std::net::SocketAddr;
use std::pin::Pin;

use futures_util::Stream;
use otel_kit_grpc_test_proto::pb::Msg;
use otel_kit_grpc_test_proto::pb::echo_server::{Echo, EchoServer};
use tokio::net::TcpListener;

/// Serves [`EchoService`] on a loopback port behind `layer`; returns its address.
pub(crate) async fn serve(layer: otel_kit_grpc::ServerLayer) -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind grpc");
    let addr = listener.local_addr().expect("grpc addr");
    let incoming = tonic::transport::server::TcpIncoming::from(listener);
    tokio::spawn(async move {
        tonic::transport::Server::builder()
            .layer(layer)
            .add_service(EchoServer::new(EchoService))
            .serve_with_incoming(incoming)
            .await
            .expect("serve grpc");
    });
    addr
}

type MsgStream = Pin<Box<dyn Stream<Item = Result<Msg, tonic::Status>> + Send>>;

pub(crate) struct EchoService;

#[tonic::async_trait]
impl Echo for EchoService {
    async fn unary(&self, request: tonic::Request<Msg>) -> Result<tonic::Response<Msg>, tonic::Status> {
        let tenant = request.metadata().get("x-tenant").cloned();
        let mut response = tonic::Response::new(request.into_inner());
        if let Some(tenant) = tenant {
            response.metadata_mut().insert("x-tenant", tenant);
        }
        Ok(response)
    }

    type ServerStreamStream = MsgStream;

    async fn server_stream(
        &self,
        _request: tonic::Request<Msg>,
    ) -> Result<tonic::Response<MsgStream>, tonic::Status> {
        Err(tonic::Status::unimplemented("unary only"))
    }

    async fn client_stream(
        &self,
        _request: tonic::Request<tonic::Streaming<Msg>>,
    ) -> Result<tonic::Response<Msg>, tonic::Status> {
        Err(tonic::Status::unimplemented("unary only"))
    }

    type BidiStream = MsgStream;

    async fn bidi(
        &self,
        _request: tonic::Request<tonic::Streaming<Msg>>,
    ) -> Result<tonic::Response<MsgStream>, tonic::Status> {
        Err(tonic::Status::unimplemented("unary only"))
    }
}
