//! The settings the tower layer and the actix-web middleware share, as builder
//! methods: `server_builders!` writes them into each front-end's `impl` block, over its
//! `edit` (from `hook_builders!`) and its configuration (`Config`).

/// Writes the server settings' builder methods; `$layer` is the front-end's path from
/// the crate root, for the examples (`"ServerLayer"`, `"actix::ServerMiddleware"`).
macro_rules! server_builders {
    (layer $layer:literal) => {
        /// Sets which methods are recorded as themselves; others become `_OTHER`.
        ///
        /// ```
        #[doc = concat!("use otel_kit_http::conventions::KnownMethods;")]
        ///
        /// let purge = http::Method::from_bytes(b"PURGE").unwrap();
        #[doc = concat!("let layer = ", $layer, "::new().known_methods(KnownMethods::default().with(purge));")]
        /// # let _ = layer;
        /// ```
        pub fn known_methods(self, methods: crate::conventions::KnownMethods) -> Self {
            self.edit(|c| c.http.set_known_methods(methods))
        }

        /// The longest string taken from a request that the span and the metric points
        /// record, in bytes (`url.path`, `url.query`, `user_agent.original`,
        /// `http.request.method_original`, `http.route`, each captured header value);
        /// a longer one is cut at a character boundary, and a longer `Host` is not
        /// recorded. Default: 4096
        /// ([`DEFAULT_MAX_REQUEST_VALUE_BYTES`](otel_kit_core::request_value::DEFAULT_MAX_REQUEST_VALUE_BYTES)),
        /// or `OTEL_KIT_REQUEST_VALUE_MAX_BYTES` through otel-kit-init.
        ///
        /// ```
        #[doc = concat!("let layer = ", $layer, "::new().max_request_value_bytes(16 * 1024);")]
        /// # let _ = layer;
        /// ```
        pub fn max_request_value_bytes(self, max_bytes: usize) -> Self {
            self.edit(|c| c.http.set_value_limit(otel_kit_core::RequestValueLimit::bytes(max_bytes)))
        }

        /// Also excludes requests whose path is exactly `path`: they get no span and no
        /// metric, but the handler still runs inside the incoming trace context.
        ///
        /// ```
        #[doc = concat!("let layer = ", $layer, "::new().exclude_path(\"/status\");")]
        /// # let _ = layer;
        /// ```
        pub fn exclude_path(self, path: impl Into<String>) -> Self {
            self.edit(|c| c.exclusions.add_exact(path.into()))
        }

        /// Also excludes requests whose path starts with `prefix`.
        ///
        /// ```
        #[doc = concat!("let layer = ", $layer, "::new().exclude_prefix(\"/internal/\");")]
        /// # let _ = layer;
        /// ```
        pub fn exclude_prefix(self, prefix: impl Into<String>) -> Self {
            self.edit(|c| c.exclusions.add_prefix(prefix.into()))
        }

        /// Declares that every connection of this server is TLS it terminates itself
        /// (rustls in process, axum-server's `bind_rustls`, ...): a request whose URI names
        /// no scheme (every HTTP/1.1 request) gets `url.scheme = "https"`, on the span and
        /// the duration. HTTP/2 requests carry their `:scheme`, which is used as it is. Off
        /// by default (`http`). A server with a plain listener too should leave it off and
        /// mark the TLS listener's requests with
        /// [`TlsConnection`](crate::server::TlsConnection) instead, which is read per request
        /// before this setting.
        ///
        /// ```
        #[doc = concat!("let layer = ", $layer, "::new().served_over_tls(true);")]
        /// # let _ = layer;
        /// ```
        pub fn served_over_tls(self, tls: bool) -> Self {
            self.edit(|c| c.origin.tls = tls)
        }

        /// Trusts the `Forwarded` header (RFC 7239), or else `X-Forwarded-Proto`,
        /// `X-Forwarded-Host` and `X-Forwarded-For`, for `url.scheme`, `server.address` /
        /// `server.port` and `client.address`: set it when the service runs behind a
        /// reverse proxy or load balancer that sets them and strips what clients send. Off
        /// by default, because any client can send these headers: trusted, a forged `https`
        /// or host would go into the metrics. Only the first element (the proxy nearest the
        /// client) is read, `proto` only as `http` or `https`, `for` only as an IP address;
        /// a malformed value is ignored. `network.peer.address` / `network.peer.port` stay
        /// the connection's peer (the proxy).
        ///
        /// ```
        /// // Behind a TLS-terminating load balancer.
        #[doc = concat!("let layer = ", $layer, "::new().trust_forwarded_headers(true);")]
        /// # let _ = layer;
        /// ```
        pub fn trust_forwarded_headers(self, trust: bool) -> Self {
            self.edit(|c| c.origin.trust_forwarded = trust)
        }

        /// Removes every exclusion rule, the defaults and the `exclude_when` predicates
        /// included; rules added afterwards apply.
        ///
        /// ```
        /// // Trace `/health` too, but not `/metrics`.
        #[doc = concat!("let layer = ", $layer, "::new().exclude_nothing().exclude_path(\"/metrics\");")]
        /// # let _ = layer;
        /// ```
        pub fn exclude_nothing(self) -> Self {
            self.edit(|c| {
                c.exclusions = crate::server::exclude::Exclusions::none();
                c.hooks.exclude.clear();
            })
        }

        /// Captures these request headers as `http.request.header.<name>` span attributes
        /// (credentials are never captured, see [`HeaderCapture`](crate::conventions::HeaderCapture)).
        ///
        /// ```
        #[doc = concat!("let layer = ", $layer, "::new().capture_request_headers([\"x-request-id\"]);")]
        /// # let _ = layer;
        /// ```
        pub fn capture_request_headers(self, names: impl IntoIterator<Item = impl AsRef<str>>) -> Self {
            self.edit(|c| c.http.set_request_headers(names))
        }

        /// Captures these response headers as `http.response.header.<name>` span attributes.
        ///
        /// ```
        #[doc = concat!("let layer = ", $layer, "::new().capture_response_headers([\"content-type\"]);")]
        /// # let _ = layer;
        /// ```
        pub fn capture_response_headers(self, names: impl IntoIterator<Item = impl AsRef<str>>) -> Self {
            self.edit(|c| c.http.set_response_headers(names))
        }

        /// Records the opt-in `http.server.active_requests` up-down counter.
        ///
        /// ```
        #[doc = concat!("let layer = ", $layer, "::new().active_requests(true);")]
        /// # let _ = layer;
        /// ```
        pub fn active_requests(self, enabled: bool) -> Self {
            self.edit(|c| c.active_requests = enabled)
        }

        /// Records the opt-in `http.server.request.body.size` and
        /// `http.server.response.body.size` histograms, from `Content-Length` when the
        /// message has one (streamed bodies without it are not counted).
        ///
        /// ```
        #[doc = concat!("let layer = ", $layer, "::new().body_sizes(true);")]
        /// # let _ = layer;
        /// ```
        pub fn body_sizes(self, enabled: bool) -> Self {
            self.edit(|c| c.body_sizes = enabled)
        }

        /// Adds a `traceparent` header naming the server span to each traced response, so
        /// a caller without tracing can quote the trace id in a bug report. Off by default:
        /// it discloses trace ids to every client.
        ///
        /// ```
        #[doc = concat!("let layer = ", $layer, "::new().echo_traceparent(true);")]
        /// # let _ = layer;
        /// ```
        pub fn echo_traceparent(self, enabled: bool) -> Self {
            self.edit(|c| c.echo_traceparent = enabled)
        }

        /// For endpoints that face the internet: the incoming trace context is not trusted.
        /// Each request starts a new trace whose server span links to the caller's span
        /// context (when there is a valid one), and the caller's baggage is dropped.
        ///
        /// ```
        #[doc = concat!("let layer = ", $layer, "::new().public_endpoint(true);")]
        /// # let _ = layer;
        /// ```
        pub fn public_endpoint(self, enabled: bool) -> Self {
            self.edit(|c| c.public_endpoint = enabled)
        }
    };
}

pub(crate) use server_builders;
