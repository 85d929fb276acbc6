//! The `tracing` span bridge, set up as production sets it up.

/// The `tracing` span bridge as otel-kit-init's subscriber sets it up, so tests see
/// what production exports: no thread, busy/idle time or target attributes (none is a
/// semantic convention).
pub(crate) fn bridge_layer<S, T>(tracer: T) -> tracing_opentelemetry::OpenTelemetryLayer<S, T>
where
    S: tracing::Subscriber + for<'span> tracing_subscriber::registry::LookupSpan<'span>,
    T: opentelemetry::trace::Tracer + 'static,
    T::Span: Send + Sync,
{
    tracing_opentelemetry::layer()
        .with_tracer(tracer)
        .with_threads(false)
        .with_tracked_inactivity(false)
        .with_target(false)
}
