//! [`Builder`], the NATS client's builder (`Builder<Nats>`, its shared settings written
//! once in `builder.rs`): its own setting, subject templates, and `build()`.

use std::sync::Arc;

use opentelemetry::StringValue;

use crate::builder::{MessagingSystem, sealed};
use crate::messaging::Messaging;
use crate::nats::client::Client;
use crate::nats::instrumentation::{Instrumentation, SYSTEM};
use crate::nats::subjects::SubjectTemplates;
use crate::system::Nats;

/// Builds an instrumented [`Client`] with other than the defaults (the global providers,
/// the server's address from its `INFO`, [`ProcessParent::Auto`](crate::ProcessParent::Auto),
/// no body sizes, no subject templates): the shared settings of
/// [`Builder<S>`](crate::Builder), and subject templates.
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
pub type Builder = crate::Builder<Nats>;

/// What the NATS builder alone keeps: the client and its subject templates.
#[derive(Debug)]
pub struct NatsParts {
    client: async_nats::Client,
    templates: SubjectTemplates,
}

impl MessagingSystem for Nats {}

impl sealed::Sealed for Nats {
    type Parts = NatsParts;
}

impl Builder {
    /// A subject pattern with NATS wildcards (`orders.*.shipped`, `tenants.>`) standing
    /// for the subjects it matches: it names their spans and replaces them on metrics
    /// (`messaging.destination.template`). Declare one for every subject that carries
    /// an id; the first match wins. See [`nats`](crate::nats) on cardinality.
    pub fn subject_template(mut self, pattern: impl Into<StringValue>) -> Self {
        self.parts.templates.add(pattern);
        self
    }

    /// The instrumented client.
    pub fn build(self) -> Client {
        let NatsParts { client, templates } = self.parts;
        let instrumentation = Instrumentation::new(self.messaging, templates, client.clone());
        Client::new(client, Arc::new(instrumentation))
    }
}

impl Client {
    /// A builder to choose what is recorded; see [`Builder`].
    pub fn builder(client: async_nats::Client) -> Builder {
        let parts = NatsParts {
            client,
            templates: SubjectTemplates::default(),
        };
        Builder::from_parts(Messaging::new(SYSTEM), parts)
    }
}
