//! The HTTP client the SDK's Jaeger remote sampler fetches its strategy with: the
//! remote samplers' [`RemoteHttp`] (one kept connection, one deadline over the whole
//! fetch, a bounded body), and the body checked
//! ([`normalise`](crate::jaeger_remote::strategy::normalise)) before the SDK sees it.
//! Every failure is an `Err`, on which the SDK keeps its last strategy.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, RwLock};

use opentelemetry_http::{Bytes, HttpClient, HttpError, Request, Response};

use crate::jaeger_remote::strategy::normalise;
use crate::rate_limit::RateLimitedRoot;
use crate::remote::http::RemoteHttp;

/// See the module docs.
#[derive(Clone)]
pub(crate) struct StrategyClient {
    pub(crate) http: RemoteHttp,
    /// Set from each accepted strategy, for the sampler to read.
    pub(crate) rate_limit: Arc<CurrentRateLimit>,
}

/// The bucket of the last accepted strategy when it is a rate limit, else `None`.
///
/// opentelemetry_sdk 0.33's rate limiter refills only by whole seconds since its last
/// decision, so under steady traffic (a decision more often than once a second) it never
/// refills after its first 100 traces. The kit's GCRA bucket
/// ([`RateLimitedRoot`]) applies the rate instead, with a burst of max(1, rate) as the
/// Jaeger clients allow.
#[derive(Debug, Default)]
pub(crate) struct CurrentRateLimit(RwLock<Option<(f64, RateLimitedRoot)>>);

impl CurrentRateLimit {
    /// The bucket, while the strategy is a rate limit.
    pub(crate) fn get(&self) -> Option<RateLimitedRoot> {
        self.0
            .read()
            .ok()
            .and_then(|current| current.as_ref().map(|(_, root)| root.clone()))
    }

    /// A new strategy: the same rate keeps its bucket (and what it has used up).
    fn set(&self, traces_per_second: Option<f64>) {
        if let Ok(mut current) = self.0.write() {
            match (traces_per_second, current.as_ref()) {
                (Some(rate), Some((same, _))) if *same == rate => {}
                (Some(rate), _) => *current = Some((rate, RateLimitedRoot::new(rate))),
                (None, _) => *current = None,
            }
        }
    }
}

impl fmt::Debug for StrategyClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StrategyClient")
            .field("http", &self.http)
            .field("rate_limit", &self.rate_limit)
            .finish()
    }
}

impl StrategyClient {
    async fn fetch(&self, uri: http::Uri) -> Result<Bytes, String> {
        let body = self.http.exchange(&uri, None).await?;
        let accepted = normalise(&body)?;
        self.rate_limit.set(accepted.traces_per_second);
        Ok(Bytes::from(accepted.body))
    }
}

impl HttpClient for StrategyClient {
    // As `#[async_trait]` writes it: the trait is declared with that macro.
    fn send_bytes<'life0, 'async_trait>(
        &'life0 self,
        request: Request<Bytes>,
    ) -> Pin<Box<dyn Future<Output = Result<Response<Bytes>, HttpError>> + Send + 'async_trait>>
    where
        'life0: 'async_trait,
        Self: 'async_trait,
    {
        Box::pin(async move {
            let uri = request.uri().clone();
            let body = self.http.bounded(self.fetch(uri)).await?;
            Ok(Response::new(body))
        })
    }
}
