//! OpenTelemetry messaging instrumentation following the messaging semantic conventions
//! 1.42: PRODUCER `send` and CONSUMER `process` spans, trace context carried in message
//! headers, links from a batch's process span to each message's producer, and the
//! messaging metrics. Being built (issue 18): see `docs/architecture.md`.
