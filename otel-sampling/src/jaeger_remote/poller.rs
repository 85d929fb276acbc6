//! Builds the SDK's Jaeger remote sampler for a [`JaegerRemote`], polling on a thread of
//! its own, which stops when the last copy of the sampler is dropped. Rate-limiting
//! strategies are applied by the kit's bucket rather than the SDK's (see
//! [`CurrentRateLimit`]); the rest is the SDK's decision.
//!
//! The SDK's poll loop holds its own reference to the sampler's state, so it would never
//! end; here it runs on a [`PollerThread`], whose runtime is dropped (ending the loop)
//! once the [`RemoteSampler`] holding it is gone. The application's runtime, if any,
//! never runs the fetches.

use std::fmt;
use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use opentelemetry::trace::{Link, SpanKind, TraceId};
use opentelemetry::{Context, KeyValue};
use opentelemetry_sdk::Resource;
use opentelemetry_sdk::runtime::{Runtime, RuntimeChannel, TrySend, TrySendError};
use opentelemetry_sdk::trace::{Sampler, SamplingDecision, SamplingResult, ShouldSample};
use otel_kit_semconv::resource::SERVICE_NAME;

use crate::jaeger_remote::client::{CurrentRateLimit, StrategyClient};
use crate::preset::JaegerRemote;
use crate::remote::http::RemoteHttp;
use crate::remote::poller_thread::PollerThread;

/// The remote sampler, parent-based or not, which `init()` runs as a custom preset.
pub(crate) fn build(remote: &JaegerRemote, parent_based: bool) -> Result<Box<dyn ShouldSample>, String> {
    let url = remote.strategies_url()?;
    if remote.polling_interval_value().is_zero() {
        return Err("its polling interval is zero".into());
    }
    let service = match remote.service_name_value() {
        Some(name) if !name.is_empty() => name.to_owned(),
        _ => Resource::builder()
            .build()
            .get(&opentelemetry::Key::from_static_str(SERVICE_NAME))
            .map(|v| v.to_string())
            .unwrap_or_else(|| "unknown_service".to_owned()),
    };
    let poller = PollerThread::start("otel-kit-jaeger")?;
    let runtime = PollerRuntime {
        handle: poller.handle().clone(),
        waited_once: Arc::new(AtomicBool::new(false)),
    };
    let rate_limit = Arc::new(CurrentRateLimit::default());
    let client = StrategyClient {
        http: RemoteHttp::new(remote.fetch_timeout(), JaegerRemote::MAX_RESPONSE_BYTES),
        rate_limit: Arc::clone(&rate_limit),
    };
    let initial = Initial(Arc::from(remote.initial().clone().into_sampler()));
    let sampler = Sampler::jaeger_remote(runtime, client, initial, service)
        .with_endpoint(url.to_string())
        .with_update_interval(remote.polling_interval_value())
        .build()
        .map_err(|e| e.to_string())?;
    let sampler = if parent_based {
        Sampler::ParentBased(Box::new(sampler))
    } else {
        sampler
    };
    Ok(Box::new(RemoteSampler {
        sampler,
        parent_based,
        rate_limit,
        _poller: Arc::new(poller),
    }))
}

/// The SDK sampler, the kit's bucket for rate-limiting strategies, and the thread
/// polling for them.
#[derive(Clone, Debug)]
struct RemoteSampler {
    sampler: Sampler,
    parent_based: bool,
    rate_limit: Arc<CurrentRateLimit>,
    _poller: Arc<PollerThread>,
}

impl ShouldSample for RemoteSampler {
    fn should_sample(
        &self,
        parent_context: Option<&Context>,
        trace_id: TraceId,
        name: &str,
        span_kind: &SpanKind,
        attributes: &[KeyValue],
        links: &[Link],
    ) -> SamplingResult {
        let has_parent = || parent_context.and_then(crate::runtime::parent_flags).is_some();
        if let Some(root) = self.rate_limit.get()
            && !(self.parent_based && has_parent())
        {
            return SamplingResult {
                decision: if root.try_acquire() {
                    SamplingDecision::RecordAndSample
                } else {
                    SamplingDecision::Drop
                },
                attributes: Vec::new(),
                trace_state: crate::parent_state::parent_trace_state(parent_context),
            };
        }
        self.sampler
            .should_sample(parent_context, trace_id, name, span_kind, attributes, links)
    }
}

/// The sampling used until the first strategy arrives.
#[derive(Clone, Debug)]
struct Initial(Arc<dyn ShouldSample>);

impl ShouldSample for Initial {
    fn should_sample(
        &self,
        parent_context: Option<&Context>,
        trace_id: TraceId,
        name: &str,
        span_kind: &SpanKind,
        attributes: &[KeyValue],
        links: &[Link],
    ) -> SamplingResult {
        self.0
            .should_sample(parent_context, trace_id, name, span_kind, attributes, links)
    }
}

/// The SDK's runtime abstraction over the poller's tokio runtime. The SDK's poll loop
/// waits one interval before each fetch; the first wait here is none, so the strategy is
/// fetched at start rather than one interval (a minute by default) later.
#[derive(Clone, Debug)]
struct PollerRuntime {
    handle: tokio::runtime::Handle,
    waited_once: Arc<AtomicBool>,
}

impl Runtime for PollerRuntime {
    fn spawn<F>(&self, future: F)
    where
        F: Future<Output = ()> + Send + 'static,
    {
        drop(self.handle.spawn(future));
    }

    fn delay(&self, duration: Duration) -> impl Future<Output = ()> + Send + 'static {
        let first = !self.waited_once.swap(true, Ordering::Relaxed);
        tokio::time::sleep(if first { Duration::ZERO } else { duration })
    }
}

/// The remote sampler uses no batch channel; this one is closed from the start.
impl RuntimeChannel for PollerRuntime {
    type Receiver<T: fmt::Debug + Send> = futures_util::stream::Empty<T>;
    type Sender<T: fmt::Debug + Send> = ClosedChannel<T>;

    fn batch_message_channel<T: fmt::Debug + Send>(
        &self,
        _capacity: usize,
    ) -> (Self::Sender<T>, Self::Receiver<T>) {
        (
            ClosedChannel(std::marker::PhantomData),
            futures_util::stream::empty(),
        )
    }
}

/// A channel nobody receives from.
struct ClosedChannel<T>(std::marker::PhantomData<fn(T)>);

impl<T> fmt::Debug for ClosedChannel<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ClosedChannel")
    }
}

impl<T: Send> TrySend for ClosedChannel<T> {
    type Message = T;

    fn try_send(&self, _item: T) -> Result<(), TrySendError> {
        Err(TrySendError::ChannelClosed)
    }
}
