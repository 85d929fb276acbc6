//! What the gRPC [`ServerLayer`](crate::ServerLayer) and
//! [`ClientLayer`](crate::ClientLayer) share besides the hooks: the builder methods for
//! excluded services and captured metadata, and their services' `tower::Service` impl.
//! Written once here, as the hooks are in otel-kit-core's `hook_builders!`.

/// Writes `exclude_service`, `exclude_nothing` and `capture_metadata` in a layer's
/// `impl` block; `$layer` names the layer in the examples, built with `new($new_args)`.
/// The layer's `Config` has `exclusions` and `capture` fields, and `hook_builders!`
/// wrote its `edit`.
macro_rules! grpc_builders {
    ($layer:literal, $new_args:literal) => {
        #[doc = "Also excludes calls to `service` (fully qualified, `package.Service`): no span,"]
        #[doc = " no metric; the trace context still flows."]
        #[doc = ""]
        #[doc = "```"]
        #[doc = concat!("let layer = otel_kit_grpc::", $layer, "::new(", $new_args, ").exclude_service(\"internal.Debug\");")]
        #[doc = "# let _ = layer;"]
        #[doc = "```"]
        pub fn exclude_service(self, service: impl Into<String>) -> Self {
            self.edit(|c| c.exclusions.add(service.into()))
        }

        #[doc = "Removes every excluded service, the defaults included; services excluded"]
        #[doc = " afterwards are excluded. The `exclude_when` predicates stay."]
        #[doc = ""]
        #[doc = "```"]
        #[doc = "// Trace health checks too."]
        #[doc = concat!("let layer = otel_kit_grpc::", $layer, "::new(", $new_args, ").exclude_nothing();")]
        #[doc = "# let _ = layer;"]
        #[doc = "```"]
        pub fn exclude_nothing(self) -> Self {
            self.edit(|c| c.exclusions = $crate::exclude::Exclusions::none())
        }

        #[doc = "Captures the listed request and response metadata as span attributes."]
        #[doc = ""]
        #[doc = "```"]
        #[doc = "use otel_kit_grpc::MetadataCapture;"]
        #[doc = ""]
        #[doc = "let capture = MetadataCapture::default().request([\"x-tenant\"]).response([\"x-shard\"]);"]
        #[doc = concat!("let layer = otel_kit_grpc::", $layer, "::new(", $new_args, ").capture_metadata(capture);")]
        #[doc = "# let _ = layer;"]
        #[doc = "```"]
        pub fn capture_metadata(self, capture: $crate::metadata::MetadataCapture) -> Self {
            self.edit(|c| c.capture = ::std::sync::Arc::new(capture))
        }

        #[doc = "The longest string taken from a call's request that its span and metric"]
        #[doc = " points record, in bytes: a request path longer than this is no method name"]
        #[doc = " (`rpc.method` is `_OTHER`, `rpc.method_original` the path cut to this length),"]
        #[doc = " and each captured request metadata value and `server.address` is cut to it."]
        #[doc = " Default: 4096, or `OTEL_KIT_REQUEST_VALUE_MAX_BYTES` through otel-kit-init."]
        #[doc = ""]
        #[doc = "```"]
        #[doc = concat!("let layer = otel_kit_grpc::", $layer, "::new(", $new_args, ").max_request_value_bytes(1024);")]
        #[doc = "# let _ = layer;"]
        #[doc = "```"]
        pub fn max_request_value_bytes(self, max_bytes: usize) -> Self {
            self.edit(|c| c.value_limit.set(otel_kit_core::RequestValueLimit::bytes(max_bytes)))
        }
    };
}

/// Writes `tower::Service` for `$service`, the service of a gRPC layer: the bounds, the
/// response types and readiness are the same on both sides; each side's inherent
/// `traced` makes the call's future.
macro_rules! grpc_service {
    ($service:ident) => {
        impl<S, ReqBody, ResBody> ::tower::Service<::http::Request<ReqBody>> for $service<S>
        where
            S: ::tower::Service<::http::Request<ReqBody>, Response = ::http::Response<ResBody>>,
            S::Error: ::std::fmt::Display + 'static,
        {
            type Response = ::http::Response<$crate::body::ResponseBody<ResBody>>;
            type Error = S::Error;
            type Future = $crate::future::ResponseFuture<S::Future>;

            fn poll_ready(
                &mut self,
                cx: &mut ::std::task::Context<'_>,
            ) -> ::std::task::Poll<Result<(), Self::Error>> {
                self.inner.poll_ready(cx)
            }

            fn call(&mut self, request: ::http::Request<ReqBody>) -> Self::Future {
                self.traced(request)
            }
        }
    };
}
