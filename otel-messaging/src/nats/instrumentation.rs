//! What every operation of one instrumented NATS client shares: the core
//! [`Messaging`], the subject templates, and the client, asked once for the server's
//! address.

use std::net::IpAddr;

use async_nats::HeaderMap;
use opentelemetry::Context;

use crate::message::MessageInfo;
use crate::messaging::{Messaging, Server};
use crate::nats::headers::{self, HeaderExtractor};
use crate::nats::subjects::SubjectTemplates;

/// `messaging.system` of NATS: the registry has no value for it, and the conventions say
/// "a custom value MAY be used" then; `nats` is the one other instrumentations use.
pub(crate) const SYSTEM: &str = "nats";

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
        // per operation only while the client has not connected yet.
        self.messaging.find_server(|| {
            let info = self.client.try_server_info()?;
            // A server listening on every interface says `0.0.0.0`: not an address.
            let unspecified =
                info.host.is_empty() || info.host.parse::<IpAddr>().is_ok_and(|ip| ip.is_unspecified());
            Some((!unspecified).then(|| Server {
                address: info.host.into(),
                port: Some(info.port),
            }))
        });
        &self.messaging
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
        let mut info = MessageInfo::new(self.templates.destination(subject, None, reply)).body_size(body);
        if let Some(id) = headers::message_id(headers) {
            info = info.id(id);
        }
        if let Some(headers) = headers.filter(|h| !h.is_empty()) {
            let ambient = Context::current();
            let extracted = self.messaging().extract(&HeaderExtractor(headers));
            info = info.with_creation_context(extracted, &ambient);
        }
        info
    }

    /// A received message, through a subscription to `subscribed`; `reply` when it is
    /// the reply to a request (its subject is the request's inbox).
    pub(crate) fn incoming(
        &self,
        message: &async_nats::Message,
        subscribed: Option<&str>,
        reply: bool,
    ) -> MessageInfo {
        let mut info = MessageInfo::new(self.templates.destination(
            message.subject.as_str(),
            subscribed,
            reply,
        ))
        .body_size(message.payload.len());
        if let Some(id) = headers::message_id(message.headers.as_ref()) {
            info = info.id(id);
        }
        if let Some(headers) = message.headers.as_ref().filter(|h| !h.is_empty()) {
            let ambient = Context::current();
            let extracted = self.messaging().extract(&HeaderExtractor(headers));
            info = info.with_creation_context(extracted, &ambient);
        }
        info
    }
}
