//! [`Config`]: what a client front-end was configured with, shared by its clones and by
//! the calls it has in flight.

use std::fmt;
use std::sync::Arc;

use otel_kit_core::__private::Resolver;
use otel_kit_core::__private::hooks::Hooks;

use super::framework::{ClientFramework, ClientHooks, PropagationFilter};
use super::instruments::Instruments;
use crate::conventions::from_switches::{HttpSettings, Side};

/// Everything a client front-end was configured with.
// `pub` in a private module: the tower client's public `ClientService` alias names it;
// users never do. Without the tower client nothing public names it.
#[cfg_attr(not(feature = "tower-client"), allow(unreachable_pub))]
pub struct Config<F: ClientFramework> {
    /// Header capture and known methods: the builder's, else the switches'.
    pub(crate) http: HttpSettings,
    pub(crate) propagate: Option<Arc<PropagationFilter<F>>>,
    pub(crate) hooks: Hooks<ClientHooks<F>>,
    pub(crate) resolver: Resolver<Instruments<F>>,
    /// What this framework alone keeps.
    pub(crate) settings: F::Settings,
}

// By hand: derived, they would ask `F` (a marker type) to be `Clone` and `Default`.
impl<F: ClientFramework> Clone for Config<F> {
    fn clone(&self) -> Self {
        Self {
            http: self.http.clone(),
            propagate: self.propagate.clone(),
            hooks: self.hooks.clone(),
            resolver: self.resolver.clone(),
            settings: self.settings.clone(),
        }
    }
}

impl<F: ClientFramework> Default for Config<F> {
    fn default() -> Self {
        Self {
            http: HttpSettings::default(),
            propagate: None,
            hooks: Hooks::default(),
            resolver: Resolver::default(),
            settings: F::Settings::default(),
        }
    }
}

impl<F: ClientFramework> fmt::Debug for Config<F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut out = f.debug_struct(F::NAME);
        out.field("known_methods", self.http.known_methods(Side::Client))
            .field("headers", self.http.headers(Side::Client))
            .field("propagate_if", &self.propagate.as_ref().map(|_| "<filter>"))
            .field("hooks", &self.hooks)
            .field("providers", self.resolver.providers());
        F::describe(&self.settings, &mut out);
        out.finish()
    }
}
