//! The HTTP settings of the Java agent's switches (header capture, known methods), as the
//! layers use them when their builder did not set them: read from the global
//! [`InstrumentationSwitches`] at a layer's first request (otel-kit-init sets them in
//! `init()`, before requests arrive), then kept.

use std::sync::OnceLock;

use otel_kit_core::instrumentation_switches::{InstrumentationSwitches, global_instrumentation_switches};

use super::{HeaderCapture, KnownMethods};

/// Which side of a call a layer instruments.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Side {
    #[cfg(feature = "server")]
    Server,
    #[cfg(feature = "client")]
    Client,
}

/// A layer's header capture and known methods: the builder's, else the switches'.
#[derive(Debug, Clone, Default)]
pub(crate) struct HttpSettings {
    headers: HeaderCapture,
    headers_in_code: bool,
    known_methods: KnownMethods,
    known_methods_in_code: bool,
    from_switches: OnceLock<(Option<HeaderCapture>, Option<KnownMethods>)>,
}

impl HttpSettings {
    /// The builder's capture, replacing the switches'.
    pub(crate) fn set_headers(&mut self, edit: impl FnOnce(HeaderCapture) -> HeaderCapture) {
        self.headers = edit(std::mem::take(&mut self.headers));
        self.headers_in_code = true;
    }

    /// The builder's methods, replacing the switches'.
    pub(crate) fn set_known_methods(&mut self, methods: KnownMethods) {
        self.known_methods = methods;
        self.known_methods_in_code = true;
    }

    pub(crate) fn headers(&self, side: Side) -> &HeaderCapture {
        if self.headers_in_code {
            return &self.headers;
        }
        self.switches(side).0.as_ref().unwrap_or(&self.headers)
    }

    pub(crate) fn known_methods(&self, side: Side) -> &KnownMethods {
        if self.known_methods_in_code {
            return &self.known_methods;
        }
        self.switches(side).1.as_ref().unwrap_or(&self.known_methods)
    }

    fn switches(&self, side: Side) -> &(Option<HeaderCapture>, Option<KnownMethods>) {
        self.from_switches
            .get_or_init(|| global_instrumentation_switches().map_or((None, None), |s| from(&s, side)))
    }
}

fn from(switches: &InstrumentationSwitches, side: Side) -> (Option<HeaderCapture>, Option<KnownMethods>) {
    let (request, response) = match side {
        #[cfg(feature = "server")]
        Side::Server => (
            &switches.http_server_request_headers,
            &switches.http_server_response_headers,
        ),
        #[cfg(feature = "client")]
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
