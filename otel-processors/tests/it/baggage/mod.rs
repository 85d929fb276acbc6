//! Baggage onto spans and log records without otel-kit-init: the processors in front of
//! redaction as `init()` puts them, the hostile inputs, and what a span start without
//! baggage costs in allocations.

mod alloc;
mod processors;
