//! [`CallBuilder::start`]: the span, its request attributes and the input content.

use std::time::Instant;

use opentelemetry::trace::{SpanBuilder, SpanKind};
use opentelemetry::{Context, KeyValue, StringValue};
use otel_kit_semconv::attribute::{SERVER_ADDRESS, SERVER_PORT};

use crate::attributes::*;
use crate::content::{self, ContentKind, into_array};
use otel_kit_core::__private::Resolver;

use crate::details_event::Details;
use crate::instruments::Instruments;
use crate::openai::OPENAI_PROVIDER;
use crate::settings::Settings;
use crate::{CallBuilder, GenAiCall, GenAiOperation};
use std::sync::Arc;

impl CallBuilder<'_> {
    /// Starts the span (a child of the current context, or of
    /// [`parent`](Self::parent)) and returns the call's handle. Content (input
    /// messages, system instructions, tool arguments) is turned into JSON here, and
    /// only when capture is on for this call.
    ///
    /// ```
    /// let call = otel_kit_genai::chat("openai", "gpt-4o").start();
    /// assert!(!call.captures_content()); // off by default
    /// call.end();
    /// ```
    pub fn start(self) -> GenAiCall {
        self.start_with(&Resolver::globals(), &Settings::shared_default())
    }

    /// Starts the call with `resolver`'s tracer and instruments and a `GenAi`'s settings.
    pub(crate) fn start_with(self, resolver: &Resolver<Instruments>, settings: &Arc<Settings>) -> GenAiCall {
        let start = Instant::now();
        let mode = content::effective(content::from_env(), settings.capture, self.capture);
        let operation = self.operation.as_str();

        let name = match self.span_target() {
            Some(target) => format!("{operation} {}", target.as_str()),
            None => operation.to_owned(),
        };
        let mut metric_attributes = Vec::with_capacity(7);
        metric_attributes.push(KeyValue::new(GEN_AI_OPERATION_NAME, operation));
        if let Some(provider) = &self.provider {
            metric_attributes.push(KeyValue::new(GEN_AI_PROVIDER_NAME, provider.clone()));
        }
        if let Some(model) = &self.model {
            metric_attributes.push(KeyValue::new(GEN_AI_REQUEST_MODEL, model.clone()));
        }
        if let Some(address) = &self.server_address {
            metric_attributes.push(KeyValue::new(SERVER_ADDRESS, address.clone()));
            if let Some(port) = self.server_port {
                metric_attributes.push(KeyValue::new(SERVER_PORT, port));
            }
        }
        let mut attributes = metric_attributes.clone();
        attributes.extend(self.attributes);

        let mut details = mode.on_event().then(Details::default);
        if let Some(details) = &mut details {
            details.keep(&attributes);
        }
        if mode.captures() {
            let mut record = |key: &'static str, kind: ContentKind, value: serde_json::Value| {
                let Some(rendered) = content::render(settings, kind, value) else {
                    return;
                };
                // Tool arguments are never on the details event: a span attribute
                // whenever content is captured.
                let on_span = mode.on_span() || kind == ContentKind::ToolArguments;
                if on_span {
                    attributes.push(KeyValue::new(key, rendered.json));
                }
                if let Some(details) = details.as_mut().filter(|_| kind != ContentKind::ToolArguments) {
                    details.content(key, rendered.value);
                }
            };
            if let Some(input) = self.input {
                record(
                    GEN_AI_INPUT_MESSAGES,
                    ContentKind::InputMessages,
                    into_array(input.take()),
                );
            }
            if let Some(instructions) = self.system_instructions {
                record(
                    GEN_AI_SYSTEM_INSTRUCTIONS,
                    ContentKind::SystemInstructions,
                    instructions.take(),
                );
            }
            if let Some(arguments) = self.tool_arguments {
                record(GEN_AI_TOOL_CALL_ARGUMENTS, ContentKind::ToolArguments, arguments);
            }
        }

        let parent = self.parent.unwrap_or_else(Context::current);
        let cx = resolver.with(Some(start), |resolved| {
            let builder = SpanBuilder::from_name(name)
                .with_kind(self.kind.clone())
                .with_attributes(attributes);
            let port = self.server_port.and_then(|port| u16::try_from(port).ok());
            let peer = (self.server_address.as_ref())
                .filter(|_| self.kind == SpanKind::Client)
                .map(|address| (address.as_str(), port, ""));
            resolved.start_span_to(builder, &parent, peer).0
        });
        let openai = self
            .provider
            .as_ref()
            .is_some_and(|p| p.as_str() == OPENAI_PROVIDER);
        GenAiCall {
            cx,
            start,
            first_chunk: None,
            last_chunk: None,
            metric_attributes,
            records_metrics: self.provider.is_some(),
            openai,
            request_model: self.model,
            resolver: resolver.clone(),
            settings: Arc::clone(settings),
            mode,
            details,
            ended: false,
        }
    }

    /// What the span is named after besides the operation: the tool's or agent's name
    /// for tool and agent calls, the model for the others.
    fn span_target(&self) -> Option<&StringValue> {
        match self.operation {
            GenAiOperation::ExecuteTool | GenAiOperation::InvokeAgent | GenAiOperation::CreateAgent => {
                self.target.as_ref()
            }
            _ => self.model.as_ref(),
        }
    }
}
