//! What keeps the exporters' connections from waiting forever: a deadline on making one
//! (TCP, a proxy's `CONNECT` reply, the TLS handshake), TCP keep-alive, and for gRPC
//! HTTP/2 pings. The values, and why:
//!
//! | What | Value | Why |
//! |------|-------|-----|
//! | connect deadline | the export timeout, at most [`MAX_CONNECT_DEADLINE`] (30 s) | no attempt may wait longer; one deadline covers TCP, `CONNECT` and TLS; a very long export timeout (a configuration file's `timeout: 0`, "no limit") still connects within 30 s |
//! | TCP keep-alive | first probe after 60 s idle, then every 15 s, 4 probes | finds a host that vanished without a reset in about 2 min, and keeps NAT entries and load balancers' idle timers (often 350 s) from dropping a quiet connection |
//! | HTTP/2 ping (gRPC) | after 300 s without a frame, only while a call is open; 20 s for the answer | grpc-go servers answer pings closer than 5 min (`MinTime`), or any ping on a connection with no call, with `GOAWAY too_many_pings`: never pinging while idle, and never more often than every 5 min, keeps within that |
//!
//! A peer that vanishes without a reset and whose sockets stay open (a relay or a load
//! balancer that stops forwarding) answers TCP probes and is found by neither of the
//! above in time. The exporters handle it themselves: a gRPC attempt that runs out the
//! export timeout drops its channel, and the next export connects afresh; an HTTP/1
//! request that is given up closes its connection (hyper does), so the next one does too.

use std::time::Duration;

/// The longest a connection may take to be made (TCP, a proxy's `CONNECT` reply, the
/// TLS handshake), whatever the export timeout: a collector that does not answer is
/// found within it even when exports may take as long as they like.
pub const MAX_CONNECT_DEADLINE: Duration = Duration::from_secs(30);

/// The deadline for making a connection under an export `timeout`.
pub(crate) fn connect_deadline(timeout: Duration) -> Duration {
    timeout.min(MAX_CONNECT_DEADLINE)
}

/// Idle time before the first TCP keep-alive probe.
pub(crate) const TCP_KEEPALIVE_IDLE: Duration = Duration::from_secs(60);
/// Time between TCP keep-alive probes.
pub(crate) const TCP_KEEPALIVE_INTERVAL: Duration = Duration::from_secs(15);
/// Unanswered TCP keep-alive probes before the kernel drops the connection.
pub(crate) const TCP_KEEPALIVE_RETRIES: u32 = 4;
/// Time without a frame from the collector, while a gRPC call is open, before an HTTP/2
/// ping: grpc-go's default `MinTime`, which hyper only ever exceeds (it counts from the
/// last frame read, and a ping's answer is one).
#[cfg(feature = "grpc")]
pub(crate) const HTTP2_PING_INTERVAL: Duration = Duration::from_secs(300);
/// How long an HTTP/2 ping may go unanswered before the connection is closed (hyper's
/// default).
#[cfg(feature = "grpc")]
pub(crate) const HTTP2_PING_TIMEOUT: Duration = Duration::from_secs(20);

/// Turns TCP keep-alive on for the connections `tcp` makes.
#[cfg(any(
    feature = "__http",
    all(feature = "grpc", any(feature = "__tls", feature = "proxy"))
))]
pub(crate) fn keep_alive(tcp: &mut hyper_util::client::legacy::connect::HttpConnector) {
    tcp.set_keepalive(Some(TCP_KEEPALIVE_IDLE));
    tcp.set_keepalive_interval(Some(TCP_KEEPALIVE_INTERVAL));
    tcp.set_keepalive_retries(Some(TCP_KEEPALIVE_RETRIES));
}

#[cfg(feature = "__http")]
pub(crate) use deadline::ConnectDeadline;

#[cfg(feature = "__http")]
mod deadline {
    use std::future::Future;
    use std::pin::Pin;
    use std::task::{Context, Poll};
    use std::time::Duration;

    use tower_service::Service;

    type BoxError = Box<dyn std::error::Error + Send + Sync>;

    /// A connector whose connections are made within `deadline`, or fail saying so:
    /// TCP, the proxy's `CONNECT` reply and the TLS handshake, whatever `C` does.
    #[derive(Debug, Clone)]
    pub(crate) struct ConnectDeadline<C> {
        inner: C,
        deadline: Duration,
    }

    impl<C> ConnectDeadline<C> {
        pub(crate) fn new(inner: C, deadline: Duration) -> Self {
            ConnectDeadline {
                inner,
                deadline: super::connect_deadline(deadline),
            }
        }
    }

    /// The connection was not made in time.
    #[derive(Debug, thiserror::Error)]
    #[error("no connection within {0:?} (TCP connect, proxy CONNECT reply or TLS handshake)")]
    pub(crate) struct ConnectTimedOut(Duration);

    impl<C> Service<http::Uri> for ConnectDeadline<C>
    where
        C: Service<http::Uri>,
        C::Future: Send + 'static,
        C::Error: Into<BoxError>,
    {
        type Response = C::Response;
        type Error = BoxError;
        type Future = Pin<Box<dyn Future<Output = Result<C::Response, BoxError>> + Send>>;

        fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), BoxError>> {
            self.inner.poll_ready(cx).map_err(Into::into)
        }

        fn call(&mut self, uri: http::Uri) -> Self::Future {
            let connecting = self.inner.call(uri);
            let deadline = self.deadline;
            Box::pin(async move {
                match tokio::time::timeout(deadline, connecting).await {
                    Ok(connected) => connected.map_err(Into::into),
                    Err(_) => Err(ConnectTimedOut(deadline).into()),
                }
            })
        }
    }
}
