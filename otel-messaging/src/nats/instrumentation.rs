//! What every operation of one instrumented NATS client shares: the core
//! [`Messaging`], the subject templates, and the client, asked once for the server's
//! address.

use std::net::IpAddr;

use async_nats::HeaderMap;
use opentelemetry::Context;

use crate::message::MessageInfo;
use crate::messaging::{Messaging, Server};
use crate::nats::headers::{self, NatsHeaderExtractor};
use crate::nats::subjects::SubjectTemplates;

/// `messaging.system.name` of NATS: the registry has no value for it, and the conventions say
/// "a custom value MAY be used" then; `nats` is the one other instrumentations use.
pub(crate) const SYSTEM: &str = "nats";

/// Whether `host`, as a server announces it, is an address (`0.0.0.0` and `::` are not:
/// a server listening on every interface says that).
fn announced(host: &str) -> bool {
    !host.is_empty() && !host.parse::<IpAddr>().is_ok_and(|ip| ip.is_unspecified())
}

#[derive(Debug)]
pub(crate) struct Instrumentation {
    messaging: Messaging,
    pub(crate) templates: SubjectTemplates,
    client: async_nats::Client,
}

impl Instrumentation {
    pub(crate) fn new(messaging: Messaging, templates: SubjectTemplates, client: async_nats::Client) -> Self {
        Self {
            messaging,
            templates,
            client,
        }
    }

    /// The core instrumentation, with the server's address once the client knows it.
    pub(crate) fn messaging(&self) -> &Messaging {
        // Asked until the client has the server's INFO, then settled: the INFO is cloned
        // per operation only while the client has not connected yet. A server that
        // announces no address is left to `settle_server`.
        self.messaging.find_server(|| {
            let info = self.client.try_server_info()?;
            announced(&info.host)
                .then(|| Server::new(info.host, Some(info.port)))
                .map(Some)
        });
        // The id the server gave this client's connection (its `CID`), asked while unknown.
        self.messaging
            .found_client_id(|| Some(self.client.try_server_info()?.client_id.to_string().into()));
        &self.messaging
    }

    /// Settles the server's address where an operation can wait: from the INFO, else,
    /// for a server that announces `0.0.0.0` (it listens on every interface), from the
    /// address this client was given and connected to, asked of its server pool once.
    pub(crate) async fn settle_server(&self) {
        if self.messaging().server_settled() {
            return;
        }
        if self.client.try_server_info().is_none() {
            return; // not connected yet: asked again next time
        }
        // Connected, and not settled by `messaging()`: the server announced no address.
        let pool = self.client.server_pool().await.unwrap_or_default();
        let connected = pool
            .iter()
            .filter(|server| !server.is_discovered)
            .find(|server| server.did_connect)
            .or_else(|| pool.iter().find(|server| !server.is_discovered));
        let server =
            connected.map(|server| Server::new(server.addr.host().to_owned(), Some(server.addr.port())));
        self.messaging.find_server(|| Some(server));
    }

    /// An outgoing message on `subject` (a reply inbox when `reply`): its destination,
    /// id, size, and the creation context its headers already carry, if any.
    pub(crate) fn outgoing(
        &self,
        subject: &str,
        headers: Option<&HeaderMap>,
        body: usize,
        reply: bool,
    ) -> MessageInfo {
        let info = MessageInfo::new(self.templates.destination(subject, None, reply)).body_size(body);
        self.with_headers(info, headers)
    }

    /// A received message, through a subscription to `subscribed`; `reply` when it is
    /// the reply to a request (its subject is the request's inbox).
    pub(crate) fn incoming(
        &self,
        message: &async_nats::Message,
        subscribed: Option<&str>,
        reply: bool,
    ) -> MessageInfo {
        let info = MessageInfo::new(
            self.templates
                .destination(message.subject.as_str(), subscribed, reply),
        )
        .body_size(message.payload.len());
        self.with_headers(info, message.headers.as_ref())
    }

    /// `info` with what a message's `headers` carry: its id, and the creation context.
    fn with_headers(&self, mut info: MessageInfo, headers: Option<&HeaderMap>) -> MessageInfo {
        if let Some(id) = headers::message_id(headers) {
            info = info.id(id);
        }
        if let Some(headers) = headers.filter(|h| !h.is_empty()) {
            let ambient = Context::current();
            let extracted = self.messaging().extract(&NatsHeaderExtractor(headers));
            info = info.with_creation_context(extracted, &ambient);
        }
        info
    }
}
