//! [`GenAi`]: the instrumentation value a service holds: where its calls' spans and
//! metrics go, and what they capture.

use std::sync::Arc;

use otel_kit_core::__private::Resolver;
use otel_kit_core::Providers;

use crate::content::{CaptureMode, ContentHook};
use crate::instruments::Instruments;
use crate::settings::Settings;
use crate::{CallBuilder, GenAiCall, PriceTable};

/// Starts GenAI calls with this value's settings and [`Providers`]. Build one per
/// service and keep it (clones share what was resolved and the settings); calls
/// started with [`CallBuilder::start`] use the defaults and the OpenTelemetry globals
/// instead (read per thread, and again as soon as the kit sets a global).
///
/// ```
/// use opentelemetry_sdk::trace::SdkTracerProvider;
/// use otel_kit_genai::content::CaptureMode;
/// use otel_kit_genai::{GenAi, Price, PriceTable, Providers};
///
/// let genai = GenAi::new()
///     .providers(Providers::new().tracer_provider(SdkTracerProvider::default()))
///     .capture_mode(CaptureMode::SpanOnly)
///     .content_limit(8 * 1024)
///     .content_hook(|_kind, content| Some(content))
///     .prices(PriceTable::new("USD").with("gpt-4o", Price::per_million(2.5, 10.0)));
/// let call = genai.start(otel_kit_genai::chat("openai", "gpt-4o").temperature(0.2));
/// assert!(call.captures_content());
/// call.end();
/// ```
#[derive(Debug, Clone, Default)]
#[must_use]
pub struct GenAi {
    resolver: Resolver<Instruments>,
    settings: Arc<Settings>,
}

impl GenAi {
    /// Calls recorded to the globals with the default settings, as
    /// [`CallBuilder::start`] records them.
    ///
    /// ```
    /// let genai = otel_kit_genai::GenAi::new();
    /// genai.start(otel_kit_genai::embeddings("openai", "text-embedding-3-small")).end();
    /// ```
    pub fn new() -> Self {
        Self::default()
    }

    /// Sends spans and metrics to `providers` instead of the globals (each one not
    /// given in `providers` is still read from its global).
    ///
    /// ```
    /// use otel_kit_genai::{GenAi, Providers};
    ///
    /// let genai = GenAi::new().providers(Providers::new().meter_provider(opentelemetry_sdk::metrics::SdkMeterProvider::default()));
    /// # drop(genai);
    /// ```
    pub fn providers(mut self, providers: Providers) -> Self {
        self.resolver = Resolver::new(providers);
        self
    }

    /// Whether and where calls capture content, in place of the
    /// `OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT` variable; a `NO_CONTENT` in
    /// the environment still wins (the operator's off switch), and so does a call's own
    /// [`CallBuilder::capture_content`].
    ///
    /// ```
    /// use otel_kit_genai::{GenAi, content::CaptureMode};
    ///
    /// let genai = GenAi::new().capture_mode(CaptureMode::EventOnly);
    /// # drop(genai);
    /// ```
    pub fn capture_mode(mut self, mode: CaptureMode) -> Self {
        Arc::make_mut(&mut self.settings).capture = Some(mode);
        self
    }

    /// The limit of one captured content attribute, in bytes of JSON (default
    /// [`DEFAULT_CONTENT_LIMIT`](crate::DEFAULT_CONTENT_LIMIT)).
    ///
    /// ```
    /// let genai = otel_kit_genai::GenAi::new().content_limit(4096);
    /// # drop(genai);
    /// ```
    pub fn content_limit(mut self, bytes: usize) -> Self {
        Arc::make_mut(&mut self.settings).content_limit = bytes;
        self
    }

    /// The hook that sees content before it is recorded (to redact or drop it).
    ///
    /// ```
    /// use otel_kit_genai::content::ContentKind;
    ///
    /// // Never record tool results.
    /// let genai = otel_kit_genai::GenAi::new()
    ///     .content_hook(|kind, content| (kind != ContentKind::ToolResult).then_some(content));
    /// # drop(genai);
    /// ```
    pub fn content_hook(mut self, hook: impl ContentHook) -> Self {
        Arc::make_mut(&mut self.settings).hook = Some(Arc::new(hook));
        self
    }

    /// The price table for the cost estimate.
    ///
    /// ```
    /// use otel_kit_genai::{GenAi, Price, PriceTable};
    ///
    /// let genai = GenAi::new().prices(PriceTable::new("USD").with("gpt-4o", Price::per_million(2.5, 10.0)));
    /// # drop(genai);
    /// ```
    pub fn prices(mut self, prices: PriceTable) -> Self {
        Arc::make_mut(&mut self.settings).prices = Some(Arc::new(prices));
        self
    }

    /// Starts the call `builder` describes (see [`CallBuilder::start`]).
    ///
    /// ```
    /// let genai = otel_kit_genai::GenAi::new();
    /// let call = genai.start(otel_kit_genai::execute_tool("get_weather"));
    /// call.end();
    /// ```
    pub fn start(&self, builder: CallBuilder<'_>) -> GenAiCall {
        builder.start_with(&self.resolver, &self.settings)
    }
}
