//! [`ClientMiddleware`], the client builder for awc (`ClientLayer<Awc>`, its shared
//! builder methods written once in `outgoing/layer.rs`): what its hooks see, its own
//! timeout settings, and [`ClientService`], the service it wraps around awc's connector
//! (its `Service` impl: `service.rs`).

use std::sync::Arc;
use std::time::Duration;

use ::awc::ClientResponse;
use ::awc::error::SendRequestError;
use actix_http::RequestHead;

use crate::ClientLayer;
use crate::framework::Awc;
use crate::outgoing::framework::ClientFramework;
use crate::outgoing::framework::sealed;
use crate::outgoing::instruments::{ClientInstruments, Instruments};

/// awc's own request timeout when its `ClientBuilder` is not told otherwise.
const AWC_DEFAULT_TIMEOUT: Duration = Duration::from_secs(5);

/// awc middleware (`awc::ClientBuilder::wrap`) that gives every request the client
/// sends a CLIENT span and an `http.client.request.duration` point, and injects the
/// span's context into the request headers: the [`ClientLayer`] for awc, with its
/// conventions, settings and hooks (its methods are documented there), and the timeout
/// settings below. See the [module docs](crate::awc).
///
/// ```
/// use otel_kit_http::awc::ClientMiddleware;
///
/// let client = awc::ClientBuilder::new().wrap(ClientMiddleware::default()).finish();
/// # drop(client);
/// ```
///
/// Its request hooks and `propagate_if` see the request head (`actix_http::RequestHead`:
/// method, URI, headers; a request sent from a `FrozenClientRequest` shows its frozen
/// headers, not the extra ones of one send). `span_attributes_from_response` sees the
/// response (its head: status, version, headers), or the error awc returned
/// (`SendRequestError::Timeout` when the client's timeout ended the request):
///
/// ```
/// use std::borrow::Cow;
///
/// use opentelemetry::KeyValue;
///
/// let middleware = otel_kit_http::awc::ClientMiddleware::default()
///     .exclude_when(|head| head.uri.path() == "/v1/queue/poll")
///     .span_name(|head| (head.uri.host() == Some("api.payments.example")).then(|| Cow::Borrowed("payments")))
///     .span_attributes_from_response(|ended, span| {
///         if let Ok(response) = ended
///             && let Some(remaining) = response.headers().get("x-ratelimit-remaining")
///             && let Some(remaining) = remaining.to_str().ok().and_then(|v| v.parse::<i64>().ok())
///         {
///             span.push(KeyValue::new("app.ratelimit.remaining", remaining));
///         }
///     });
/// # drop(middleware);
/// ```
pub type ClientMiddleware = ClientLayer<Awc>;

/// What the awc builder alone keeps: the timeout its client was built with.
#[derive(Debug, Clone, Copy)]
pub struct AwcSettings {
    pub(super) client_timeout: Option<Duration>,
}

impl Default for AwcSettings {
    fn default() -> Self {
        Self {
            client_timeout: Some(AWC_DEFAULT_TIMEOUT),
        }
    }
}

impl sealed::Sealed for Awc {
    const NAME: &'static str = "awc::ClientMiddleware";
    type Settings = AwcSettings;

    fn describe(settings: &AwcSettings, out: &mut std::fmt::DebugStruct<'_, '_>) {
        out.field("client_timeout", &settings.client_timeout);
    }
}

impl sealed::Resolves<ClientInstruments> for Awc {
    const SWITCHES: &'static [&'static str] = &["HTTP_CLIENT", "AWC"];

    otel_kit_core::__private::instruments_cache!(fn cache() -> Instruments<Awc>);
}

impl ClientFramework for Awc {
    type Request<'a> = &'a RequestHead;
    type Response<'a> = Result<&'a ClientResponse, &'a SendRequestError>;
    type Destination = RequestHead;
}

/// Everything a [`ClientMiddleware`] was configured with.
pub(super) type Config = crate::outgoing::Config<Awc>;

impl ClientLayer<Awc> {
    /// The timeout the client was built with (`awc::ClientBuilder::timeout`; awc's
    /// default, 5 s, when not called). awc applies it outside every middleware: when it
    /// fires, awc drops the request inside the middleware, which by itself looks like
    /// a cancellation. With the client's timeout known, a request dropped once it has
    /// run that long ends its span as awc's error: status Error, `error.type` `timeout`.
    ///
    /// ```
    /// use std::time::Duration;
    ///
    /// let timeout = Duration::from_secs(30);
    /// let client = awc::ClientBuilder::new()
    ///     .timeout(timeout)
    ///     .wrap(otel_kit_http::awc::ClientMiddleware::default().client_timeout(timeout))
    ///     .finish();
    /// # drop(client);
    /// ```
    pub fn client_timeout(self, timeout: Duration) -> Self {
        self.edit(|c| c.settings.client_timeout = Some(timeout))
    }

    /// For a client built with `awc::ClientBuilder::disable_timeout`: a request dropped
    /// before its response is always a cancellation (status Unset, no `error.type`).
    ///
    /// ```
    /// let client = awc::ClientBuilder::new()
    ///     .disable_timeout()
    ///     .wrap(otel_kit_http::awc::ClientMiddleware::default().without_client_timeout())
    ///     .finish();
    /// # drop(client);
    /// ```
    pub fn without_client_timeout(self) -> Self {
        self.edit(|c| c.settings.client_timeout = None)
    }
}

/// awc's connector service wrapped by a [`ClientMiddleware`]: what
/// `awc::ClientBuilder::wrap` builds from it. Not named by applications.
#[derive(Debug)]
pub struct ClientService<S> {
    pub(super) inner: S,
    pub(super) config: Arc<Config>,
}

impl<S> ::awc::middleware::Transform<S, ::awc::ConnectRequest> for ClientLayer<Awc>
where
    S: actix_service::Service<
            ::awc::ConnectRequest,
            Response = ::awc::ConnectResponse,
            Error = SendRequestError,
        >,
{
    type Transform = ClientService<S>;

    fn new_transform(self, service: S) -> Self::Transform {
        ClientService {
            inner: service,
            config: self.config,
        }
    }
}
