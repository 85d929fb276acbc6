//! [`GenAi`]: the instrumentation value that starts calls with given providers.

use otel_kit_core::{Providers, Resolver};

use crate::instruments::Instruments;
use crate::{CallBuilder, GenAiCall};

/// Starts GenAI calls whose spans and metrics go to given [`Providers`]. Build one per
/// service and keep it (clones share what was resolved); calls started with
/// [`CallBuilder::start`] use the OpenTelemetry globals instead, read per thread and
/// refreshed every 10 ms.
///
/// ```
/// use opentelemetry_sdk::trace::SdkTracerProvider;
/// use otel_kit_genai::{GenAi, Providers};
///
/// let genai = GenAi::new().providers(Providers::new().tracer_provider(SdkTracerProvider::default()));
/// let call = genai.start(otel_kit_genai::chat("openai", "gpt-4o").temperature(0.2));
/// call.end();
/// ```
#[derive(Debug, Clone, Default)]
#[must_use]
pub struct GenAi {
    resolver: Resolver<Instruments>,
}

impl GenAi {
    /// Calls recorded to the globals, as [`CallBuilder::start`] records them.
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

    /// Starts the call `builder` describes (see [`CallBuilder::start`]).
    ///
    /// ```
    /// let genai = otel_kit_genai::GenAi::new();
    /// let call = genai.start(otel_kit_genai::execute_tool("get_weather"));
    /// call.end();
    /// ```
    pub fn start(&self, builder: CallBuilder<'_>) -> GenAiCall {
        builder.start_with(&self.resolver)
    }
}
