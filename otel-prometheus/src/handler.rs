//! Serve `/metrics` from any tower-based router.
//!
//! [`PrometheusHandler`] is a [`Service`](tower_service::Service) answering every
//! `GET` or `HEAD` request with an exposition of the meter provider's metrics: in
//! OpenMetrics 1.0 when the `Accept` header prefers `application/openmetrics-text`,
//! else in the Prometheus text format 0.0.4, with the matching `Content-Type`. Other
//! methods get `405 Method Not Allowed`. It never fails.
//!
//! # Example
//!
//! ```
//! use http::{Request, StatusCode};
//! use opentelemetry_sdk::metrics::SdkMeterProvider;
//! use otel_kit_prometheus::{PrometheusHandler, PrometheusReader};
//!
//! let reader = PrometheusReader::new(None);
//! let _provider = SdkMeterProvider::builder().with_reader(reader.clone()).build();
//! let metrics = PrometheusHandler::new(reader);
//! // With axum: `Router::new().route_service("/metrics", metrics)`.
//! let response = metrics.respond(&Request::get("/metrics").body(()).unwrap());
//! assert_eq!(response.status(), StatusCode::OK);
//! ```

use std::convert::Infallible;
use std::future::{Ready, ready};
use std::task::{Context, Poll};

use bytes::Bytes;
use http::{HeaderValue, Method, Request, Response, StatusCode, header};
use http_body_util::Full;

use crate::format::ExpositionFormat;
use crate::reader::PrometheusReader;

/// Answers scrapes with the exposition of a [`PrometheusReader`]; clones share it.
#[derive(Debug, Clone)]
pub struct PrometheusHandler {
    reader: PrometheusReader,
}

impl PrometheusHandler {
    /// A handler serving `reader`'s collections.
    pub fn new(reader: PrometheusReader) -> Self {
        PrometheusHandler { reader }
    }

    /// The response to `request`, built without waiting: the collection is in memory.
    pub fn respond<B>(&self, request: &Request<B>) -> Response<Full<Bytes>> {
        self.respond_with(request, |reader, format| Bytes::from(reader.render(format)))
    }

    /// [`respond`](Self::respond), with the body of a `GET` from `body` (the listener's
    /// shared rendering).
    pub(crate) fn respond_with<B>(
        &self,
        request: &Request<B>,
        body: impl FnOnce(&PrometheusReader, ExpositionFormat) -> Bytes,
    ) -> Response<Full<Bytes>> {
        let method = request.method();
        if method != Method::GET && method != Method::HEAD {
            let mut response = Response::new(Full::new(Bytes::new()));
            *response.status_mut() = StatusCode::METHOD_NOT_ALLOWED;
            response
                .headers_mut()
                .insert(header::ALLOW, HeaderValue::from_static("GET, HEAD"));
            return response;
        }
        let accept = request
            .headers()
            .get(header::ACCEPT)
            .and_then(|v| v.to_str().ok());
        let format = ExpositionFormat::from_accept(accept);
        let body = if method == Method::HEAD {
            Bytes::new()
        } else {
            body(&self.reader, format)
        };
        let mut response = Response::new(Full::new(body));
        response.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static(format.content_type()),
        );
        response
    }
}

impl<B> tower_service::Service<Request<B>> for PrometheusHandler {
    type Response = Response<Full<Bytes>>;
    type Error = Infallible;
    type Future = Ready<Result<Self::Response, Infallible>>;

    fn poll_ready(&mut self, _cx: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, request: Request<B>) -> Self::Future {
        ready(Ok(self.respond(&request)))
    }
}
