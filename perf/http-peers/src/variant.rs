use std::fmt;
use std::str::FromStr;

/// What wraps the hello-world route.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Variant {
    /// No middleware and no telemetry at all: the baseline.
    Plain,
    /// `otel_kit_http::ServerLayer::new()`, added with `Router::layer`, over
    /// `otel_kit_init`'s whole default pipeline (traces, metrics, logs, redaction, the
    /// batch span processor): every span and the duration metric exported. Runtime
    /// metrics off, as before they existed: the baseline of `OursFullRuntime`.
    OursFull,
    /// `OursFull` with the process and tokio runtime metrics on (otel-kit-init's
    /// default) and the Prometheus exporter beside OTLP on a listener of its own
    /// (`OTEL_METRICS_EXPORTER=otlp,prometheus`, port 0): what they add per request.
    OursFullRuntime,
    /// The same as `OursFull` with `OTEL_TRACES_SAMPLER=always_off`: every request is
    /// sampled out (its span is not recorded or exported; the metric still is).
    OursSampledOut,
    /// `OursFull` with glibc's heap kept rather than given back between batches
    /// (`GLIBC_TUNABLES`: trim and mmap thresholds at 256 MiB): what the allocator's
    /// churn of freed span batches costs.
    OursFullHeapKept,
    /// axum-tracing-opentelemetry: `OtelAxumLayer::default()` outermost, then
    /// `OtelInResponseLayer::default()`, as its README shows.
    AxumTracingOpentelemetry,
    /// tower-http: `TraceLayer::new_for_http()` with its span at `INFO`, so the span reaches
    /// the tracing-opentelemetry bridge and is exported.
    TowerHttp,
    /// The same route on actix-web 4, no middleware and no telemetry: the actix
    /// variants' baseline.
    ActixPlain,
    /// actix-web with `otel_kit_http::actix::ServerMiddleware`, over the same pipeline as
    /// `OursFull` (runtime metrics off).
    ActixOurs,
    /// actix-web with opentelemetry-instrumentation-actix-web 0.25's `RequestTracing`
    /// and `RequestMetrics` (its defaults), over `otel_kit_init`.
    ActixContrib,
    /// The realistic service ([`crate::realistic`]: a row read, an outgoing call, JSON,
    /// a log line) with no telemetry: plain sqlx and reqwest, the line to stdout.
    ServicePlain,
    /// The service with the kit: `ServerLayer`, otel-kit-db's sqlx pool and
    /// otel-kit-http's reqwest middleware, every request sampled.
    ServiceKit,
    /// `ServiceKit` at a 10 % ratio (`parentbased_traceidratio`, 0.1).
    ServiceKit10,
    /// `ServiceKit` at a 1 % ratio, the rollout guide's canary (`parentbased_traceidratio`,
    /// 0.01).
    ServiceKit1,
    /// `ServiceKit` with the kit's export threads at the lowest priority
    /// (`OTEL_KIT_EXPORT_THREAD_NICE=19`, otel-kit-init's `thread-priority`).
    ServiceKitNice,
    /// The service with axum-tracing-opentelemetry's layers on the server (plain sqlx
    /// and reqwest: it instruments neither).
    ServiceAxumTracing,
    /// The service with tower-otel 0.12: its trace and metrics layers on the server and,
    /// through its `reqwest_013` feature, on the reqwest client (plain sqlx).
    ServiceTowerOtel,
    /// The service with opentelemetry-instrumentation-tower 0.19's server layer (a span
    /// and the HTTP server metrics; plain sqlx and reqwest).
    ServiceContribTower,
}

impl Variant {
    /// Every variant, in the order one round runs them.
    pub const ALL: [Variant; 18] = [
        Variant::Plain,
        Variant::OursFull,
        Variant::OursFullRuntime,
        Variant::OursSampledOut,
        Variant::OursFullHeapKept,
        Variant::AxumTracingOpentelemetry,
        Variant::TowerHttp,
        Variant::ActixPlain,
        Variant::ActixOurs,
        Variant::ActixContrib,
        Variant::ServicePlain,
        Variant::ServiceKit,
        Variant::ServiceKit10,
        Variant::ServiceKit1,
        Variant::ServiceKitNice,
        Variant::ServiceAxumTracing,
        Variant::ServiceTowerOtel,
        Variant::ServiceContribTower,
    ];

    /// What `compare --scenario realistic` runs without `--variants`.
    pub const REALISTIC: [Variant; 8] = [
        Variant::ServicePlain,
        Variant::ServiceKit,
        Variant::ServiceKit10,
        Variant::ServiceKit1,
        Variant::ServiceKitNice,
        Variant::ServiceAxumTracing,
        Variant::ServiceTowerOtel,
        Variant::ServiceContribTower,
    ];

    /// What `compare` runs without `--variants`: the axum ones.
    pub const DEFAULT: [Variant; 6] = [
        Variant::Plain,
        Variant::OursFull,
        Variant::OursFullRuntime,
        Variant::OursSampledOut,
        Variant::AxumTracingOpentelemetry,
        Variant::TowerHttp,
    ];

    /// Served by actix-web rather than axum.
    pub fn is_actix(self) -> bool {
        matches!(
            self,
            Variant::ActixPlain | Variant::ActixOurs | Variant::ActixContrib
        )
    }

    /// The realistic service ([`crate::realistic`]) rather than the hello world.
    pub fn is_service(self) -> bool {
        Variant::REALISTIC.contains(&self)
    }

    /// The realistic service instrumented by the kit (its server layer, sqlx pool and
    /// reqwest middleware), whatever its settings.
    pub fn is_kit_service(self) -> bool {
        matches!(
            self,
            Variant::ServiceKit | Variant::ServiceKit10 | Variant::ServiceKit1 | Variant::ServiceKitNice
        )
    }

    /// The variant whose CPU and throughput this one is compared with in the same
    /// round: the same framework with no middleware.
    pub fn baseline(self) -> Variant {
        if self.is_actix() {
            Variant::ActixPlain
        } else if self.is_service() {
            Variant::ServicePlain
        } else {
            Variant::Plain
        }
    }

    /// Spans each request sends to the collector, when that is a fixed number: the
    /// server span, plus one per instrumented database query and outgoing call. `None`
    /// for a variant that samples a ratio (or exports none).
    pub fn spans_per_request(self) -> Option<usize> {
        match self {
            Variant::ServiceKit | Variant::ServiceKitNice => Some(3),
            Variant::ServiceTowerOtel => Some(2),
            Variant::ServiceKit10 | Variant::ServiceKit1 => None,
            v if v.exports_spans() => Some(1),
            _ => None,
        }
    }

    /// What the variant's telemetry covers, for the realistic table.
    pub fn covers(self) -> &'static str {
        match self {
            Variant::ServicePlain => "nothing (the log line to stdout only)",
            v if v.is_kit_service() => {
                "server span and duration metric; a span and a duration metric per query (sqlx); \
                 a client span and duration metric for the outgoing call, context propagated; \
                 the log line as an OTLP log record"
            }
            Variant::ServiceAxumTracing => "server span; the log line as an OTLP log record",
            Variant::ServiceTowerOtel => {
                "server span and HTTP server metrics; a client span and metrics for the outgoing \
                 call, context propagated; the log line as an OTLP log record"
            }
            Variant::ServiceContribTower => {
                "server span and HTTP server metrics; the log line as an OTLP log record"
            }
            _ => "",
        }
    }

    /// The name used on the command line and in the table.
    pub fn name(self) -> &'static str {
        match self {
            Variant::Plain => "plain",
            Variant::OursFull => "ours-full",
            Variant::OursFullRuntime => "ours-full-runtime",
            Variant::OursSampledOut => "ours-sampled-out",
            Variant::OursFullHeapKept => "ours-full-heap-kept",
            Variant::AxumTracingOpentelemetry => "axum-tracing-opentelemetry",
            Variant::TowerHttp => "tower-http",
            Variant::ActixPlain => "actix-plain",
            Variant::ActixOurs => "actix-ours",
            Variant::ActixContrib => "actix-contrib",
            Variant::ServicePlain => "service-plain",
            Variant::ServiceKit => "service-kit",
            Variant::ServiceKit10 => "service-kit-10pct",
            Variant::ServiceKit1 => "service-kit-1pct",
            Variant::ServiceKitNice => "service-kit-nice",
            Variant::ServiceAxumTracing => "service-axum-tracing-opentelemetry",
            Variant::ServiceTowerOtel => "service-tower-otel",
            Variant::ServiceContribTower => "service-contrib-tower",
        }
    }

    /// Whether this variant sets up telemetry and exports one span per request.
    pub fn traced(self) -> bool {
        self != self.baseline()
    }

    /// Whether each request's span reaches the collector.
    pub fn exports_spans(self) -> bool {
        self.traced() && self != Variant::OursSampledOut
    }

    /// Whether the server records `http.server.request.duration` for every request (ours,
    /// sampled or not; of the peers, tower-otel and opentelemetry-instrumentation-tower).
    pub fn records_duration_metric(self) -> bool {
        matches!(
            self,
            Variant::OursFull
                | Variant::OursFullRuntime
                | Variant::OursSampledOut
                | Variant::OursFullHeapKept
                | Variant::ActixOurs
                | Variant::ServiceKit
                | Variant::ServiceKit10
                | Variant::ServiceKit1
                | Variant::ServiceKitNice
                | Variant::ServiceTowerOtel
                | Variant::ServiceContribTower
        )
    }

    /// Environment the server of this variant runs with, beyond the shared one.
    pub fn env(self) -> &'static [(&'static str, &'static str)] {
        const NO_RUNTIME_METRICS: (&str, &str) = ("OTEL_INSTRUMENTATION_RUNTIME_TELEMETRY_ENABLED", "false");
        match self {
            Variant::OursFull | Variant::ActixOurs | Variant::ActixContrib => &[NO_RUNTIME_METRICS],
            Variant::OursFullRuntime => &[
                ("OTEL_METRICS_EXPORTER", "otlp,prometheus"),
                ("OTEL_EXPORTER_PROMETHEUS_PORT", "0"),
            ],
            Variant::OursSampledOut => &[("OTEL_TRACES_SAMPLER", "always_off"), NO_RUNTIME_METRICS],
            Variant::OursFullHeapKept => &[
                (
                    "GLIBC_TUNABLES",
                    "glibc.malloc.trim_threshold=268435456:glibc.malloc.mmap_threshold=268435456",
                ),
                NO_RUNTIME_METRICS,
            ],
            Variant::ServiceKit10 => &[
                ("OTEL_TRACES_SAMPLER", "parentbased_traceidratio"),
                ("OTEL_TRACES_SAMPLER_ARG", "0.1"),
                NO_RUNTIME_METRICS,
            ],
            Variant::ServiceKit1 => &[
                ("OTEL_TRACES_SAMPLER", "parentbased_traceidratio"),
                ("OTEL_TRACES_SAMPLER_ARG", "0.01"),
                NO_RUNTIME_METRICS,
            ],
            Variant::ServiceKitNice => &[("OTEL_KIT_EXPORT_THREAD_NICE", "19"), NO_RUNTIME_METRICS],
            v if v.is_service() && v.traced() => &[NO_RUNTIME_METRICS],
            _ => &[],
        }
    }
}

impl fmt::Display for Variant {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A variant name that is not one of [`Variant::ALL`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownVariant(pub String);

impl fmt::Display for UnknownVariant {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let known: Vec<&str> = Variant::ALL.iter().map(|v| v.name()).collect();
        write!(
            f,
            "unknown variant {:?}; expected one of {}",
            self.0,
            known.join(", ")
        )
    }
}

impl std::error::Error for UnknownVariant {}

impl FromStr for Variant {
    type Err = UnknownVariant;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Variant::ALL
            .into_iter()
            .find(|v| v.name() == s)
            .ok_or_else(|| UnknownVariant(s.to_owned()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for v in Variant::ALL {
            assert_eq!(v.name().parse::<Variant>(), Ok(v));
        }
        assert!("nope".parse::<Variant>().is_err());
    }
}
