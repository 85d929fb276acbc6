//! Redaction rules, their matchers, their environment variables, and redaction in the pipelines.

mod alloc;
mod env;
mod globals;
mod matchers;
mod pipeline;
