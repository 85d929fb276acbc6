//! The blocking HTTP client of the OTLP/HTTP exporters, which says why a request failed.
//!
//! opentelemetry-otlp 0.33 turns every transport error of an HTTP export into "HTTP
//! export failed: network error" and logs the cause only at debug level, so a wrong CA,
//! a refused connection or a bad proxy all look the same at the default level. This
//! client logs the cause (the whole error chain) as a warning, at most once per
//! [`REPORT_EVERY`](crate::report_gate::REPORT_EVERY) per client, and returns the error
//! unchanged.

use std::sync::Arc;

use opentelemetry_http::{Bytes, HttpClient, HttpError, Request, Response};

use crate::report_gate::ReportGate;

/// A reqwest blocking client that explains its failures.
#[derive(Debug, Clone)]
pub(crate) struct ExplainingClient {
    inner: reqwest::blocking::Client,
    report_gate: Arc<ReportGate>,
}

impl ExplainingClient {
    pub(crate) fn new(inner: reqwest::blocking::Client) -> Self {
        ExplainingClient {
            inner,
            report_gate: Arc::new(ReportGate::new()),
        }
    }

    fn report(&self, target: &str, error: &HttpError) {
        if !self.report_gate.pass() {
            return;
        }
        tracing::warn!(target: "otel_kit_init", "OTLP/HTTP request to {target} failed: {}", chain(error.as_ref()));
    }
}

#[async_trait::async_trait]
impl HttpClient for ExplainingClient {
    async fn send_bytes(&self, request: Request<Bytes>) -> Result<Response<Bytes>, HttpError> {
        // Scheme, host, port and path only: never credentials or a query.
        let uri = request.uri();
        let target = format!(
            "{}://{}{}",
            uri.scheme_str().unwrap_or("http"),
            uri.host().unwrap_or_default(),
            uri.port().map(|p| format!(":{p}")).unwrap_or_default()
        ) + uri.path();
        let result = self.inner.send_bytes(request).await;
        if let Err(error) = &result {
            self.report(&target, error);
        }
        result
    }
}

/// An error and its sources, `outer: inner: innermost`, each message once (reqwest and
/// hyper repeat their source's text in their own).
fn chain(error: &(dyn std::error::Error + 'static)) -> String {
    let mut out = error.to_string();
    let mut source = error.source();
    while let Some(e) = source {
        let text = e.to_string();
        if !out.contains(&text) {
            out.push_str(": ");
            out.push_str(&text);
        }
        source = e.source();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug)]
    struct Layer(&'static str, Option<Box<Layer>>);

    impl std::fmt::Display for Layer {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str(self.0)
        }
    }

    impl std::error::Error for Layer {
        fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
            self.1.as_deref().map(|e| e as _)
        }
    }

    #[test]
    fn the_chain_names_every_cause_once() {
        let error = Layer(
            "error sending request",
            Some(Box::new(Layer(
                "client error (Connect)",
                Some(Box::new(Layer("invalid peer certificate: UnknownIssuer", None))),
            ))),
        );
        assert_eq!(
            chain(&error),
            "error sending request: client error (Connect): invalid peer certificate: UnknownIssuer"
        );
        let repeated = Layer("connect failed: refused", Some(Box::new(Layer("refused", None))));
        assert_eq!(chain(&repeated), "connect failed: refused");
    }
}
