//! [`ConsoleFormat`]: text or JSON console lines.

/// How console lines are written.
///
/// ```
/// use otel_kit_init::subscriber::ConsoleFormat;
///
/// assert_eq!(ConsoleFormat::default(), ConsoleFormat::Text);
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub enum ConsoleFormat {
    /// tracing-subscriber's default human-readable line, then
    /// ` trace_id=<32 hex> span_id=<16 hex>` inside a span.
    #[default]
    Text,
    /// One JSON object per line (`timestamp`, `level`, `fields`, `target`, `span`, `spans`),
    /// plus `trace_id` and `span_id` inside a span.
    Json,
}
