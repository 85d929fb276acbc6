//! The HTTP settings of the Java agent's switches (header capture, known methods), as the
//! layers use them when their builder did not set them: read from the global
//! [`InstrumentationSwitches`] at a layer's first request (otel-kit-init sets them in
//! `init()`, before requests arrive), then kept.

use std::sync::OnceLock;

use otel_kit_core::RequestValueLimit;
use otel_kit_core::instrumentation_switches::{InstrumentationSwitches, global_instrumentation_switches};
use otel_kit_core::request_value::LayerValueLimit;

use super::{HeaderCapture, KnownMethods};

/// Which side of a call a layer instruments.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Side {
    #[cfg(feature = "server")]
    Server,
    #[cfg(any(feature = "client", feature = "tower-client", feature = "awc"))]
    Client,
}

/// A layer's header capture and known methods: the builder's, else the switches', each
/// side of the capture on its own (a request list set in code keeps the environment's
/// response list). Resolved once, at the layer's first request.
#[derive(Debug, Clone, Default)]
pub(crate) struct HttpSettings {
    headers: HeaderCapture,
    request_headers_in_code: bool,
    response_headers_in_code: bool,
    known_methods: KnownMethods,
    known_methods_in_code: bool,
    effective: OnceLock<(HeaderCapture, KnownMethods)>,
    /// The longest request-derived string recorded.
    value_limit: LayerValueLimit,
}

impl HttpSettings {
    /// The builder's capture of both sides, replacing the switches'.
    pub(crate) fn set_headers(&mut self, edit: impl FnOnce(HeaderCapture) -> HeaderCapture) {
        self.headers = edit(std::mem::take(&mut self.headers));
        self.request_headers_in_code = true;
        self.response_headers_in_code = true;
        self.effective = OnceLock::new();
    }

    /// The builder's methods, replacing the switches'.
    pub(crate) fn set_known_methods(&mut self, methods: KnownMethods) {
        self.known_methods = methods;
        self.known_methods_in_code = true;
        self.effective = OnceLock::new();
    }

    /// The builder's request value limit, replacing the environment's.
    pub(crate) fn set_value_limit(&mut self, limit: RequestValueLimit) {
        self.value_limit.set(limit);
    }

    /// The request value limit in effect.
    #[inline]
    pub(crate) fn value_limit(&self) -> RequestValueLimit {
        self.value_limit.get()
    }

    pub(crate) fn headers(&self, side: Side) -> &HeaderCapture {
        &self.effective(side).0
    }

    pub(crate) fn known_methods(&self, side: Side) -> &KnownMethods {
        &self.effective(side).1
    }

    fn effective(&self, side: Side) -> &(HeaderCapture, KnownMethods) {
        self.effective.get_or_init(|| {
            let (headers, methods) =
                global_instrumentation_switches().map_or((None, None), |s| from(&s, side));
            let headers = match (
                self.request_headers_in_code,
                self.response_headers_in_code,
                headers,
            ) {
                (_, _, None) | (true, true, _) => self.headers.clone(),
                (false, false, Some(switches)) => switches,
                (true, false, Some(switches)) => self.headers.clone().with_response_of(&switches),
                (false, true, Some(switches)) => switches.with_response_of(&self.headers),
            };
            let methods = match methods {
                Some(methods) if !self.known_methods_in_code => methods,
                _ => self.known_methods.clone(),
            };
            (headers, methods)
        })
    }
}

fn from(switches: &InstrumentationSwitches, side: Side) -> (Option<HeaderCapture>, Option<KnownMethods>) {
    let (request, response) = match side {
        #[cfg(feature = "server")]
        Side::Server => (
            &switches.http_server_request_headers,
            &switches.http_server_response_headers,
        ),
        #[cfg(any(feature = "client", feature = "tower-client", feature = "awc"))]
        Side::Client => (
            &switches.http_client_request_headers,
            &switches.http_client_response_headers,
        ),
    };
    let headers = (!request.is_empty() || !response.is_empty())
        .then(|| HeaderCapture::default().request(request).response(response));
    let known = switches.http_known_methods.as_ref().map(|names| {
        KnownMethods::only(
            names
                .iter()
                .filter_map(|name| http::Method::from_bytes(name.trim().as_bytes()).ok()),
        )
    });
    (headers, known)
}
