//! Redaction without otel-kit-init: its matchers, keyed hash and IP address truncation
//! through the public `Redactor`, and what a clean value allocates.

mod addresses;
mod alloc;
mod matchers;
mod never_blocks;
