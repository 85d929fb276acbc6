//! otel-kit-resource's integration tests, in one binary: the detectors over a throwaway
//! filesystem root and an injected environment (`support`), and the precedence.

mod cloud;
mod container;
mod detect;
mod precedence;
mod support;
