//! Sampling through `init()`: the sampler read from the environment and wired to the
//! control. The samplers alone are tested in otel-kit-sampling.

mod jaeger_remote_init;
