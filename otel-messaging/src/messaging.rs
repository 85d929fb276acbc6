//! [`Messaging`]: the broker-agnostic instrumentation every adapter is built on.

use std::fmt;
use std::sync::{Arc, OnceLock};

use opentelemetry::propagation::{Extractor, Injector};
use opentelemetry::{Context, StringValue};
use otel_kit_core::__private::Resolver;
use otel_kit_core::Providers;

use crate::instruments::Instruments;
use crate::parent::ProcessParent;

/// The instrumentation of one messaging client: what every adapter is built on, and
/// what an application instrumenting another client uses directly. Cheap to clone;
/// clones share it. It holds the messaging system,
/// the broker's address, the providers, and the options; it starts operations
/// ([`MessagingOperation`](crate::MessagingOperation) to [`MessagingCall`](crate::MessagingCall)), runs handlers in process spans, and reads and writes
/// trace context in headers.
///
/// ```
/// use opentelemetry::trace::SpanKind;
/// use otel_kit_messaging::{Destination, MessageInfo, Messaging, MessagingOperation, OperationType};
/// use otel_kit_testing::TestTelemetry;
///
/// let t = TestTelemetry::new();
/// let messaging = Messaging::new("kafka").providers(t.providers()).server("broker.internal", Some(9092));
///
/// let mut headers = std::collections::HashMap::new();
/// let call = messaging.start(
///     MessagingOperation::new(OperationType::Send, "send").message(MessageInfo::new(Destination::named("orders"))),
/// );
/// call.inject(&mut headers);
/// call.finish(None);
///
/// assert!(headers.contains_key("traceparent"));
/// t.spans()
///     .span("send orders")
///     .has_kind(SpanKind::Producer)
///     .has_attribute("messaging.system.name", "kafka")
///     .has_attribute("server.port", 9092);
/// t.metrics().metric("messaging.client.sent.messages").point(&[]).has_value(1);
/// ```
#[derive(Clone)]
pub struct Messaging {
    pub(crate) shared: Arc<Shared>,
}

#[derive(Clone)]
pub(crate) struct Shared {
    pub(crate) system: StringValue,
    pub(crate) resolver: Resolver<Instruments>,
    /// Given, or found by the adapter once the client knows it (`None` inside: the
    /// client knows, and has no usable address).
    pub(crate) server: OnceLock<Option<Server>>,
    /// `messaging.client.id`: given, or found by the adapter once the client knows it.
    pub(crate) client_id: OnceLock<StringValue>,
    pub(crate) process_parent: ProcessParent,
    pub(crate) body_size: bool,
}

/// `server.address` and `server.port` of the broker.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Server {
    pub(crate) address: StringValue,
    pub(crate) port: Option<u16>,
    /// The address is an IP, so it is the intermediary node itself: its `network.peer.*`
    /// (Recommended "if applicable") are known without the socket. Read once, here, not
    /// per span.
    pub(crate) is_ip: bool,
}

impl Server {
    pub(crate) fn new(address: impl Into<StringValue>, port: Option<u16>) -> Self {
        let address = address.into();
        let is_ip = otel_kit_core::__private::network::ip_literal(address.as_str()).is_some();
        Server { address, port, is_ip }
    }
}

impl fmt::Debug for Messaging {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Messaging")
            .field("system", &self.shared.system.as_str())
            .field("server", &self.known_server())
            .field("process_parent", &self.shared.process_parent)
            .field("body_size", &self.shared.body_size)
            .field("providers", self.shared.resolver.providers())
            .finish()
    }
}

impl Messaging {
    /// The instrumentation of a client of `system` (`messaging.system.name`: one of the
    /// registry's values, `otel_kit_semconv::value::messaging_system_name` (`rabbitmq`,
    /// `kafka`, `aws.sqs`, ...), or the system's own lower-case name when the registry has
    /// none, as `nats`), with the global providers.
    pub fn new(system: impl Into<StringValue>) -> Self {
        Self {
            shared: Arc::new(Shared {
                system: system.into(),
                resolver: Resolver::globals(),
                server: OnceLock::new(),
                client_id: OnceLock::new(),
                process_parent: ProcessParent::default(),
                body_size: false,
            }),
        }
    }

    fn change(mut self, f: impl FnOnce(&mut Shared)) -> Self {
        f(Arc::make_mut(&mut self.shared));
        self
    }

    /// The tracer, meter, propagator and logger providers to use instead of the globals
    /// (read when operations run, so the globals may be installed later).
    #[must_use]
    pub fn providers(self, providers: Providers) -> Self {
        self.change(|shared| shared.resolver = Resolver::new(providers))
    }

    /// The broker's address (`server.address`, a host name when known without a reverse
    /// lookup) and port, instead of what the adapter finds.
    #[must_use]
    pub fn server(self, address: impl Into<StringValue>, port: Option<u16>) -> Self {
        let server = Server::new(address, port);
        self.change(|shared| shared.server = OnceLock::from(Some(server)))
    }

    /// `messaging.client.id`: the identifier of the client that sends or receives (a
    /// broker's connection id), on every span. The NATS adapter records the client id
    /// the server gave its connection.
    #[must_use]
    pub fn client_id(self, id: impl Into<StringValue>) -> Self {
        let id = id.into();
        self.change(|shared| shared.client_id = OnceLock::from(id))
    }

    /// Records what `find` gives as `messaging.client.id`, unless one is known: `find`
    /// is called only then, and `None` (not known yet) asks again next time.
    #[cfg(feature = "nats")]
    pub(crate) fn found_client_id(&self, find: impl FnOnce() -> Option<StringValue>) {
        if self.shared.client_id.get().is_none()
            && let Some(id) = find()
        {
            let _ = self.shared.client_id.set(id);
        }
    }

    /// The parent of a single message's process span; see [`ProcessParent`].
    #[must_use]
    pub fn process_parent(self, mode: ProcessParent) -> Self {
        self.change(|shared| shared.process_parent = mode)
    }

    /// Records `messaging.message.body.size` on single-message spans (opt-in in the
    /// conventions: off by default).
    #[must_use]
    pub fn record_body_size(self, on: bool) -> Self {
        self.change(|shared| shared.body_size = on)
    }

    /// `messaging.system.name`.
    pub fn system(&self) -> &str {
        self.shared.system.as_str()
    }

    /// The providers given, or the globals.
    pub fn providers_ref(&self) -> &Providers {
        self.shared.resolver.providers()
    }

    /// The mode of single-message process spans.
    pub fn process_parent_mode(&self) -> ProcessParent {
        self.shared.process_parent
    }

    /// Settles the broker's address when it was neither given nor settled yet, from
    /// `find`, called only then: `None` when it cannot tell yet (not connected), so it is
    /// asked again next time; `Some(None)` when there is no usable address, for good.
    #[cfg(feature = "nats")]
    pub(crate) fn find_server(&self, find: impl FnOnce() -> Option<Option<Server>>) {
        if self.shared.server.get().is_none()
            && let Some(server) = find()
        {
            let _ = self.shared.server.set(server);
        }
    }

    /// Whether the broker's address was given or settled (present or, for good, not).
    #[cfg(feature = "nats")]
    pub(crate) fn server_settled(&self) -> bool {
        self.shared.server.get().is_some()
    }

    pub(crate) fn known_server(&self) -> Option<&Server> {
        self.shared.server.get().and_then(Option::as_ref)
    }

    /// Reads a message's context from `extractor` with the propagator, over the current
    /// context (see [`MessageInfo::with_creation_context`](crate::MessageInfo::with_creation_context)
    /// for telling whether it found one).
    pub fn extract(&self, extractor: &dyn Extractor) -> Context {
        self.shared
            .resolver
            .with(None, |resolved| resolved.extract(extractor))
    }

    /// Writes `cx` into `injector` with the propagator.
    pub fn inject(&self, cx: &Context, injector: &mut dyn Injector) {
        self.shared
            .resolver
            .with(None, |resolved| resolved.inject(cx, injector));
    }

    pub(crate) fn with_instruments(&self, f: impl FnOnce(&Instruments)) {
        self.shared
            .resolver
            .with(None, |resolved| f(resolved.instruments()));
    }

    pub(crate) fn with_resolved(&self, f: impl FnOnce(&otel_kit_core::__private::Resolved<Instruments>)) {
        self.shared.resolver.with(None, f);
    }
}
