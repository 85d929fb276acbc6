//! [`Config`]: everything a server front-end (the tower layer, the actix-web
//! middleware) was configured with, shared by its services.

use otel_kit_core::__private::Resolver;
use otel_kit_core::__private::hooks::Hooks;

use super::exclude::Exclusions;
use super::framework::ServerFramework;
use super::hooks::ServerHooks;
use super::instruments::Instruments;
use super::origin::OriginRules;
use crate::conventions::from_switches::HttpSettings;

/// Everything a `ServerLayer<F>` (the tower layer, or the actix-web middleware) was
/// configured with, shared by its services.
// `pub` in a private module: named by the public `ServerService` alias, never by users.
pub struct Config<F: ServerFramework> {
    pub(crate) hooks: Hooks<ServerHooks<F>>,
    pub(crate) resolver: Resolver<Instruments<F>>,
    pub(crate) exclusions: Exclusions,
    /// Header capture and known methods: the builder's, else the switches'.
    pub(crate) http: HttpSettings,
    pub(crate) active_requests: bool,
    pub(crate) body_sizes: bool,
    pub(crate) echo_traceparent: bool,
    pub(crate) public_endpoint: bool,
    pub(crate) origin: OriginRules,
}

// By hand: derived, they would ask `F` (a marker type) to be `Clone` and `Default`.
impl<F: ServerFramework> Clone for Config<F> {
    fn clone(&self) -> Self {
        Self {
            hooks: self.hooks.clone(),
            resolver: self.resolver.clone(),
            exclusions: self.exclusions.clone(),
            http: self.http.clone(),
            active_requests: self.active_requests,
            body_sizes: self.body_sizes,
            echo_traceparent: self.echo_traceparent,
            public_endpoint: self.public_endpoint,
            origin: self.origin,
        }
    }
}

impl<F: ServerFramework> Default for Config<F> {
    fn default() -> Self {
        Self {
            hooks: Hooks::default(),
            resolver: Resolver::default(),
            exclusions: Exclusions::default(),
            http: HttpSettings::default(),
            active_requests: false,
            body_sizes: false,
            echo_traceparent: false,
            public_endpoint: false,
            origin: OriginRules::default(),
        }
    }
}

impl<F: ServerFramework> std::fmt::Debug for Config<F> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Config")
            .field("hooks", &self.hooks)
            .field("resolver", &self.resolver)
            .field("exclusions", &self.exclusions)
            .field("http", &self.http)
            .field("active_requests", &self.active_requests)
            .field("body_sizes", &self.body_sizes)
            .field("echo_traceparent", &self.echo_traceparent)
            .field("public_endpoint", &self.public_endpoint)
            .field("origin", &self.origin)
            .finish()
    }
}
