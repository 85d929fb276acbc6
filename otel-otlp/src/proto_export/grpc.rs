//! OTLP/gRPC: one unary `Export` call per batch through tonic's channel, the body our
//! encoder wrote passed through as the message (`RawCodec`), with the metadata,
//! compression, timeout and TLS opentelemetry-otlp's exporter has.

use std::sync::{Mutex, PoisonError};
use std::time::Duration;

use http::uri::PathAndQuery;
use otel_kit_core::otlp::Compression;
use prost::bytes::Bytes;
use tonic::client::Grpc;
use tonic::metadata::MetadataMap;
use tonic::transport::Channel;
use tonic::{Code, GrpcMethod, Status};

use super::raw_codec::RawCodec;
use super::response::{loggable, retry_delay};
use super::retry::{Failure, Retry};
use super::services::GrpcService;
use crate::error_chain::chain;

/// Makes the channel to the collector (lazily connected), on the export runtime.
pub(crate) type Connect = Box<dyn Fn() -> Channel + Send + Sync>;

/// Sends export requests to one collector over one (lazily connected) channel, which a
/// timed-out attempt replaces.
pub(crate) struct GrpcSender {
    grpc: Mutex<Grpc<Channel>>,
    connect: Connect,
    compression: Option<Compression>,
    service: GrpcService,
    metadata: MetadataMap,
    /// Metadata whose values are read from files (a bearer token), read again when they change.
    extra_headers: crate::transport::made_headers::ExportHeaders,
    /// The TLS material the channel's connections are made with, and its generation
    /// when the channel was made: new material gets a new channel (see `attempt`).
    #[cfg(feature = "__tls")]
    tls: Option<(
        std::sync::Arc<crate::transport::credentials::TlsMaterial>,
        std::sync::atomic::AtomicU64,
    )>,
}

impl GrpcSender {
    /// `connect` must build its channel on the export runtime (tonic spawns its
    /// connection tasks on the current runtime).
    pub(crate) fn new(
        connect: Connect,
        service: GrpcService,
        metadata: MetadataMap,
        compression: Option<Compression>,
    ) -> Self {
        GrpcSender {
            grpc: Mutex::new(grpc(connect(), compression)),
            connect,
            compression,
            service,
            metadata,
            extra_headers: Default::default(),
            #[cfg(feature = "__tls")]
            tls: None,
        }
    }

    /// Makes a new channel when `material` changes (the channel's connector must not
    /// retire its connections itself).
    #[cfg(feature = "__tls")]
    pub(crate) fn with_tls_material(
        mut self,
        material: std::sync::Arc<crate::transport::credentials::TlsMaterial>,
    ) -> Self {
        let generation = material.generation().into();
        self.tls = Some((material, generation));
        self
    }

    /// Sends these headers (read from files, made by the application) with every call.
    pub(crate) fn with_extra_headers(
        mut self,
        headers: crate::transport::made_headers::ExportHeaders,
    ) -> Self {
        self.extra_headers = headers;
        self
    }

    /// One `Export` call; the response's bytes, or why it failed and whether to retry.
    pub(super) async fn attempt(&self, body: Bytes) -> Result<Bytes, Failure> {
        // New TLS material: a new channel, which connects with it. The calls open on the
        // old channel finish on its connection, which closes after them.
        #[cfg(feature = "__tls")]
        if let Some((material, built_with)) = &self.tls {
            let now = material.generation();
            if built_with.swap(now, std::sync::atomic::Ordering::Relaxed) != now {
                self.reconnect();
            }
        }
        let mut grpc = self.grpc.lock().unwrap_or_else(PoisonError::into_inner).clone();
        grpc.ready()
            .await
            .map_err(|e| failure(&Status::unavailable(format!("the channel is not ready: {e}"))))?;
        let mut request = tonic::Request::new(body);
        *request.metadata_mut() = if self.extra_headers.is_empty() {
            self.metadata.clone()
        } else {
            let mut headers = self.metadata.clone().into_headers();
            self.extra_headers.apply(&mut headers).await;
            MetadataMap::from_headers(headers)
        };
        request
            .extensions_mut()
            .insert(GrpcMethod::new(self.service.service, "Export"));
        let path = PathAndQuery::from_static(self.service.path);
        match grpc.unary(request, path, RawCodec).await {
            Ok(response) => Ok(response.into_inner()),
            Err(status) => {
                let mut failure = failure(&status);
                // A collector without the encoding answers `UNIMPLEMENTED`, in words of
                // its own (or a proxy's).
                if let (Code::Unimplemented, Some(compression)) = (status.code(), self.compression) {
                    failure.message.push_str(&format!(
                        " (the messages were sent with grpc-encoding: {compression}; a collector that does \
                         not accept {compression} answers UNIMPLEMENTED: {})",
                        super::retry::instead_of(compression)
                    ));
                }
                Err(failure)
            }
        }
    }

    /// Replaces the channel with a new one, which connects on the next call. The old
    /// one's connection closes once the calls still holding it end: an attempt that
    /// timed out may have found a peer that no longer answers (a relay or load balancer
    /// that stopped forwarding and holds the sockets open), and HTTP/2 would keep
    /// sending every call down that connection.
    pub(super) fn reconnect(&self) {
        let fresh = grpc((self.connect)(), self.compression);
        *self.grpc.lock().unwrap_or_else(PoisonError::into_inner) = fresh;
    }
}

/// tonic compresses the messages and sends `grpc-encoding`. Without the compression's
/// feature, the exporter's build has refused it already.
fn grpc(channel: Channel, compression: Option<Compression>) -> Grpc<Channel> {
    let grpc = Grpc::new(channel);
    let encoding = match compression {
        #[cfg(feature = "gzip")]
        Some(Compression::Gzip) => Some(tonic::codec::CompressionEncoding::Gzip),
        #[cfg(feature = "zstd")]
        Some(Compression::Zstd) => Some(tonic::codec::CompressionEncoding::Zstd),
        _ => None,
    };
    match encoding {
        Some(encoding) => grpc.send_compressed(encoding).accept_compressed(encoding),
        None => grpc,
    }
}

/// The metadata's names only: their values may be credentials.
impl std::fmt::Debug for GrpcSender {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let names: Vec<&str> = self
            .metadata
            .keys()
            .map(|key| match key {
                tonic::metadata::KeyRef::Ascii(key) => key.as_str(),
                tonic::metadata::KeyRef::Binary(key) => key.as_str(),
            })
            .collect();
        f.debug_struct("GrpcSender")
            .field("service", &self.service.service)
            .field("metadata", &names)
            .field("compression", &self.compression)
            .finish_non_exhaustive()
    }
}

/// A failed call, classified as opentelemetry-otlp 0.33 classifies gRPC codes: the
/// transient ones retried, a `RetryInfo` delay honoured.
fn failure(status: &Status) -> Failure {
    let delay = retry_delay(status.details());
    let retry = match status.code() {
        Code::ResourceExhausted => delay.map_or(Retry::No, Retry::After),
        Code::Unavailable => delay.filter(|d| !d.is_zero()).map_or(Retry::Yes, Retry::After),
        Code::Cancelled | Code::DeadlineExceeded | Code::Aborted | Code::OutOfRange | Code::DataLoss => {
            Retry::Yes
        }
        _ => Retry::No,
    };
    let retry = match retry {
        Retry::After(d) => Retry::After(d.min(Duration::from_secs(600))),
        other => other,
    };
    // The status's message, then its causes (a transport error's TLS or connect error).
    // The message is the collector's (or a proxy's) text: cut and escaped, so that a
    // hostile peer can neither flood the log nor forge lines in it.
    let mut message = format!(
        "OTLP/gRPC export failed with code {:?}: {}",
        status.code(),
        loggable(status.message())
    );
    if let Some(source) = std::error::Error::source(status) {
        message.push_str(": ");
        message.push_str(&chain(source));
    }
    Failure::new(message, retry)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_hostile_status_message_is_cut_and_escaped() {
        let hostile = format!("{}\nWARN forged line\u{1b}[31m", "x".repeat(400 * 1024));
        let message = failure(&Status::internal(hostile)).message;
        assert!(message.len() < 4096, "{} bytes logged", message.len());
        assert!(!message.chars().any(char::is_control), "{message:?}");
    }

    #[test]
    fn transient_codes_are_retried_and_the_rest_are_not() {
        assert_eq!(failure(&Status::unavailable("down")).retry, Retry::Yes);
        assert_eq!(failure(&Status::deadline_exceeded("slow")).retry, Retry::Yes);
        assert_eq!(failure(&Status::resource_exhausted("full")).retry, Retry::No);
        assert_eq!(failure(&Status::invalid_argument("bad")).retry, Retry::No);
        assert_eq!(failure(&Status::unauthenticated("who")).retry, Retry::No);
        let message = failure(&Status::unavailable("connection refused")).message;
        assert_eq!(
            message,
            "OTLP/gRPC export failed with code Unavailable: connection refused"
        );
    }
}
