//! Span-tree waterfalls of a trace, in the manner of Jaeger's trace view: the renderer
//! ([`Waterfall`]) and its input ([`WaterfallSpan`]). The exporter that prints one per
//! finished trace is [`WaterfallSpanExporter`](crate::WaterfallSpanExporter).

mod exporter;
mod pending;
mod processor;
mod render;
mod span;
mod text;
mod tree;

pub use exporter::WaterfallSpanExporter;
pub use processor::WaterfallSpanProcessor;
pub use render::Waterfall;
pub use span::WaterfallSpan;

#[cfg(test)]
mod tests;
