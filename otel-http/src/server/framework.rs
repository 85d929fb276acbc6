//! [`ServerFramework`]: what [`ServerLayer<F>`](super::ServerLayer) is generic over, the
//! request and response types a framework's hooks see, and [`Tower`]'s implementation
//! (actix-web's sits beside its front-end). Sealed: what the server core needs of a
//! framework (its switches, its cache) is the crate's own.

use super::instruments::{Instruments, ServerInstruments};
use crate::framework::Tower;

/// What the server core needs of a framework besides the types its hooks see.
pub(crate) mod sealed {
    use super::ServerInstruments;
    pub(crate) use crate::instruments::Resolves;

    /// Implemented by this crate's frameworks only; [`Resolves`] gives their switches and
    /// cache.
    pub trait Sealed: Resolves<ServerInstruments> + Send + Sync {}
}

/// A framework the server layer serves: [`Tower`] or, with the `actix` feature,
/// [`Actix`](crate::framework::Actix). Sealed: implemented by this crate's frameworks
/// only.
pub trait ServerFramework: sealed::Sealed {
    /// What the request hooks (`exclude_when`, `span_name`, `span_attributes_from_request`,
    /// `metric_attributes_from_request`) see.
    type Request;
    /// What `span_attributes_from_response` sees.
    type Response;
}

impl sealed::Sealed for Tower {}

impl sealed::Resolves<ServerInstruments> for Tower {
    const SWITCHES: &'static [&'static str] = &["HTTP_SERVER", "AXUM", "HYPER"];

    otel_kit_core::__private::instruments_cache!(fn cache() -> Instruments<Tower>);
}

impl ServerFramework for Tower {
    type Request = http::request::Parts;
    type Response = http::response::Parts;
}
