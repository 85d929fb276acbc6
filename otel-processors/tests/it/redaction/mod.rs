//! Redaction without otel-kit-init: its matchers and keyed hash through the public
//! `Redactor`, and what a clean value allocates.

mod alloc;
mod matchers;
