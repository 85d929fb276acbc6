//! Which services get no telemetry: health checks and reflection would otherwise
//! drown the real calls in spans and skew the duration histograms.

/// The services excluded by default on both sides: the standard health check and
/// server reflection (both versions). Compared with the service part of the path.
///
/// ```
/// assert!(otel_kit_grpc::DEFAULT_EXCLUDED_SERVICES.contains(&"grpc.health.v1.Health"));
/// ```
pub const DEFAULT_EXCLUDED_SERVICES: &[&str] = &[
    "grpc.health.v1.Health",
    "grpc.reflection.v1.ServerReflection",
    "grpc.reflection.v1alpha.ServerReflection",
];

/// The excluded services of one layer.
#[derive(Debug, Clone)]
pub(crate) struct Exclusions {
    services: Vec<String>,
}

impl Default for Exclusions {
    fn default() -> Self {
        Self {
            services: DEFAULT_EXCLUDED_SERVICES
                .iter()
                .map(|s| (*s).to_owned())
                .collect(),
        }
    }
}

impl Exclusions {
    pub(crate) fn none() -> Self {
        Self { services: Vec::new() }
    }

    pub(crate) fn add(&mut self, service: String) {
        self.services.push(service);
    }

    /// True when calls to `service` get no telemetry.
    pub(crate) fn excludes(&self, service: &str) -> bool {
        self.services.iter().any(|s| s == service)
    }
}
