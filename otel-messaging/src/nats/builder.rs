//! [`Builder`]: what an instrumented NATS client records, chosen before it is built.

use std::sync::Arc;

use opentelemetry::StringValue;
use otel_kit_core::Providers;

use crate::messaging::Messaging;
use crate::nats::client::Client;
use crate::nats::instrumentation::{Instrumentation, SYSTEM};
use crate::nats::subjects::SubjectTemplates;
use crate::parent::ProcessParent;

/// Builds an instrumented [`Client`] with other than the defaults (the global providers,
/// the server's address from its `INFO`, [`ProcessParent::Auto`], no body sizes, no
/// subject templates).
///
/// ```no_run
/// use otel_kit_messaging::ProcessParent;
/// use otel_kit_messaging::nats::Client;
///
/// # async fn run() -> Result<(), async_nats::Error> {
/// let nats = Client::builder(async_nats::connect("nats.internal:4222").await?)
///     .server("nats.internal", 4222)
///     .subject_template("orders.*.shipped")
///     .process_parent(ProcessParent::LinkOnly)
///     .record_body_size(true)
///     .build();
/// # drop(nats);
/// # Ok(())
/// # }
/// ```
#[derive(Debug)]
#[must_use = "`build()` makes the client"]
pub struct Builder {
    client: async_nats::Client,
    messaging: Messaging,
    templates: SubjectTemplates,
}

impl Builder {
    pub(crate) fn new(client: async_nats::Client) -> Self {
        Self {
            client,
            messaging: Messaging::new(SYSTEM),
            templates: SubjectTemplates::default(),
        }
    }

    /// The providers to use instead of the globals.
    pub fn providers(mut self, providers: Providers) -> Self {
        self.messaging = self.messaging.providers(providers);
        self
    }

    /// `server.address` and `server.port`, instead of the host and port the server
    /// announces (or, when it announces `0.0.0.0` because it listens on every interface,
    /// the address the client was given and connected to).
    pub fn server(mut self, address: impl Into<StringValue>, port: u16) -> Self {
        self.messaging = self.messaging.server(address, Some(port));
        self
    }

    /// The parent of a single message's process span; see [`ProcessParent`].
    pub fn process_parent(mut self, mode: ProcessParent) -> Self {
        self.messaging = self.messaging.process_parent(mode);
        self
    }

    /// Records `messaging.message.body.size` (opt-in in the conventions).
    pub fn record_body_size(mut self, on: bool) -> Self {
        self.messaging = self.messaging.record_body_size(on);
        self
    }

    /// A subject pattern with NATS wildcards (`orders.*.shipped`, `tenants.>`) standing
    /// for the subjects it matches: it names their spans and replaces them on metrics
    /// (`messaging.destination.template`). Declare one for every subject that carries
    /// an id; the first match wins. See [`nats`](crate::nats) on cardinality.
    pub fn subject_template(mut self, pattern: impl Into<StringValue>) -> Self {
        self.templates.add(pattern);
        self
    }

    /// The instrumented client.
    pub fn build(self) -> Client {
        let instrumentation = Instrumentation::new(self.messaging, self.templates, self.client.clone());
        Client::new(self.client, Arc::new(instrumentation))
    }
}

impl Client {
    /// A builder to choose what is recorded; see [`Builder`].
    pub fn builder(client: async_nats::Client) -> Builder {
        Builder::new(client)
    }
}
