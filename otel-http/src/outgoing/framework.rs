//! [`ClientFramework`]: what [`ClientLayer<F>`](super::ClientLayer) is generic over, the
//! types a client framework's hooks see; the hook signatures it gives the shared core
//! ([`ClientHooks`]); and the default framework's, [`Tower`]'s, implementation (each
//! other framework's sits beside its front-end). Sealed: what the client core needs of a
//! framework (its names, settings and cache) is the crate's own.

use std::borrow::Cow;
use std::convert::Infallible;
use std::error::Error;
use std::fmt;
use std::marker::PhantomData;

use http::request::Parts;
use http::response::Parts as ResponseParts;
use otel_kit_core::__private::hooks::Signatures;
use otel_kit_core::{MetricAttributes, SpanAttributes};
use otel_kit_semconv::attribute as semconv;

use super::instruments::{ClientInstruments, Instruments};
use crate::framework::Tower;

/// What the client core needs of a framework besides the types its hooks see.
pub(crate) mod sealed {
    use super::{ClientInstruments, fmt};
    pub(crate) use crate::instruments::Resolves;

    /// Implemented by this crate's frameworks only; [`Resolves`] gives their switches and
    /// cache.
    pub trait Sealed: Resolves<ClientInstruments> + Send + Sync {
        /// The builder's type name, in `Debug`.
        const NAME: &'static str;
        /// What the builder keeps for this framework alone (awc: its client's timeout).
        type Settings: Clone + Default + fmt::Debug + Send + Sync;

        /// Adds `settings` to the builder's `Debug` output (nothing when it keeps none).
        fn describe(settings: &Self::Settings, out: &mut fmt::DebugStruct<'_, '_>) {
            let _ = (settings, out);
        }
    }
}

/// A client framework [`ClientLayer<F>`](crate::ClientLayer) serves: [`Tower`] or, with
/// their features, `Reqwest` and `Awc` ([`framework`](crate::framework) lists what each
/// one's hooks see). Sealed: implemented by this crate's frameworks only.
pub trait ClientFramework: sealed::Sealed {
    /// What the request hooks (`exclude_when`, `span_name`,
    /// `span_attributes_from_request`, `metric_attributes_from_request`) see.
    type Request<'a>;
    /// What `span_attributes_from_response` sees: the response, or the error the client
    /// returned.
    type Response<'a>;
    /// What `propagate_if`'s filter sees.
    type Destination: ?Sized;
}

/// The hook signatures of framework `F`'s builder: a type, never a value.
pub(crate) enum ClientHooks<F> {
    _Never(Infallible, PhantomData<fn() -> F>),
}

impl<F: ClientFramework> Signatures for ClientHooks<F> {
    type Exclude = dyn for<'a> Fn(F::Request<'a>) -> bool + Send + Sync;
    type SpanName = dyn for<'a> Fn(F::Request<'a>) -> Option<Cow<'static, str>> + Send + Sync;
    type RequestSpanAttributes = dyn for<'a> Fn(F::Request<'a>, &mut SpanAttributes<'_>) + Send + Sync;
    type ResponseSpanAttributes = dyn for<'a> Fn(F::Response<'a>, &mut SpanAttributes<'_>) + Send + Sync;
    type RequestMetricAttributes = dyn for<'a> Fn(F::Request<'a>, &mut MetricAttributes<'_>) + Send + Sync;
    const RESERVED_METRIC_KEYS: &'static [&'static str] = &[
        semconv::HTTP_REQUEST_METHOD,
        semconv::SERVER_ADDRESS,
        semconv::SERVER_PORT,
        semconv::HTTP_RESPONSE_STATUS_CODE,
        semconv::NETWORK_PROTOCOL_VERSION,
        semconv::ERROR_TYPE,
    ];
}

/// `propagate_if`'s filter for framework `F`.
pub(crate) type PropagationFilter<F> = dyn Fn(&<F as ClientFramework>::Destination) -> bool + Send + Sync;

impl sealed::Sealed for Tower {
    const NAME: &'static str = "ClientLayer";
    type Settings = ();
}

impl sealed::Resolves<ClientInstruments> for Tower {
    const SWITCHES: &'static [&'static str] = &["HTTP_CLIENT", "TOWER_CLIENT"];

    otel_kit_core::__private::instruments_cache!(fn cache() -> Instruments<Tower>);
}

impl ClientFramework for Tower {
    type Request<'a> = &'a Parts;
    type Response<'a> = Result<&'a ResponseParts, &'a (dyn Error + 'static)>;
    type Destination = Parts;
}
