//! Where the servers under load export, and how the driver counts what arrived.

use std::error::Error;
use std::time::Duration;

use otel_kit_testing::{Protocol, ROTEL_BIN_ENV, Rotel, TestCollector};

use crate::sink::CountingSink;

/// Where the servers export.
pub enum Collector {
    /// The sink itself, over OTLP/gRPC.
    Counting(CountingSink),
    /// The test collector, over OTLP/gRPC.
    Test(TestCollector),
    /// rotel over OTLP/HTTP protobuf, forwarding (OTLP/gRPC, gzip) to the sink.
    Rotel(Rotel, CountingSink),
}

impl Collector {
    /// Starts the counting sink on the current runtime and rotel forwarding to it.
    pub async fn start_rotel() -> Result<Collector, Box<dyn Error + Send + Sync>> {
        let bin = Rotel::binary_from_env()
            .ok_or_else(|| format!("--collector rotel needs {ROTEL_BIN_ENV} (the rotel-agent binary)"))?;
        let sink = CountingSink::start().await?;
        // rotel 0.0.1a15 gzips its gRPC exports even with `--otlp-exporter-compression
        // none`; the sink inflates them (on the driver's CPU, not the server's).
        let rotel = Rotel::start_forwarding(&bin, &sink.endpoint(), Protocol::Grpc, &[])?;
        Ok(Collector::Rotel(rotel, sink))
    }

    /// The servers' `OTEL_EXPORTER_OTLP_ENDPOINT` and `OTEL_EXPORTER_OTLP_PROTOCOL`.
    pub fn endpoint(&self) -> (String, &'static str) {
        match self {
            Collector::Counting(s) => (s.endpoint(), "grpc"),
            Collector::Test(c) => (c.endpoint(), "grpc"),
            Collector::Rotel(r, _) => (r.http_endpoint(), "http/protobuf"),
        }
    }

    /// Where the spans went, in words, for the report.
    pub fn description(&self) -> &'static str {
        match self {
            Collector::Counting(_) => {
                "an in-process counting sink (http_peers::sink::CountingSink) as OTLP/gRPC protobuf"
            }
            Collector::Test(_) => "an in-process `otel_kit_testing::TestCollector` as OTLP/gRPC protobuf",
            Collector::Rotel(..) => {
                "rotel 0.0.1a15 as OTLP/HTTP protobuf, counted after rotel forwarded them \
                 (OTLP/gRPC, gzip, batches of 100 ms) to the counting sink"
            }
        }
    }

    /// The counting sink, when the spans end there.
    pub fn sink(&self) -> Option<&CountingSink> {
        match self {
            Collector::Counting(s) | Collector::Rotel(_, s) => Some(s),
            Collector::Test(_) => None,
        }
    }

    /// Spans received since the last reset.
    pub fn spans(&self) -> usize {
        match self {
            Collector::Test(c) => c.spans().len(),
            Collector::Counting(s) | Collector::Rotel(_, s) => {
                usize::try_from(s.spans()).unwrap_or(usize::MAX)
            }
        }
    }

    /// How often to count while waiting: counting is an atomic load for the sink, a copy
    /// of every stored span for the test collector.
    pub fn poll_interval(&self) -> Duration {
        match self {
            Collector::Test(_) => Duration::from_millis(100),
            _ => Duration::from_millis(2),
        }
    }

    /// Forgets what was received.
    pub fn reset(&self) {
        match self {
            Collector::Test(c) => c.reset(),
            Collector::Counting(s) | Collector::Rotel(_, s) => s.reset(),
        }
    }
}
