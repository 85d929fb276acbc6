//! The exporters of spans and log records (`SpanExporter`, `LogRecordExporter`): OTLP
//! over HTTP and gRPC with their TLS, headers, compression and timeout, and the console.

use std::time::Duration;

use super::common::NameStringValuePair;
use crate::reader::{At, Ctx, Fields, Result, join};
use crate::warning::ConfigFileWarningKind as WarningKind;

/// Which signal an exporter sends: it picks the OTLP HTTP default path.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Signal {
    /// `/v1/traces`
    Traces,
    /// `/v1/metrics`
    Metrics,
    /// `/v1/logs`
    Logs,
}

impl Signal {
    /// The schema's default OTLP HTTP endpoint for the signal.
    pub fn default_http_endpoint(self) -> &'static str {
        match self {
            Signal::Traces => "http://localhost:4318/v1/traces",
            Signal::Metrics => "http://localhost:4318/v1/metrics",
            Signal::Logs => "http://localhost:4318/v1/logs",
        }
    }
}

/// The schema's default OTLP gRPC endpoint.
pub const DEFAULT_GRPC_ENDPOINT: &str = "http://localhost:4317";
/// The schema's default export timeout.
pub const DEFAULT_EXPORT_TIMEOUT: Duration = Duration::from_millis(10_000);

/// A span or log-record exporter (`SpanExporter`, `LogRecordExporter`).
#[derive(Debug, Clone, PartialEq)]
pub enum Exporter {
    /// `otlp_http`
    OtlpHttp(OtlpHttpExporter),
    /// `otlp_grpc`
    OtlpGrpc(OtlpGrpcExporter),
    /// `console`
    Console,
    /// An exporter the kit does not implement (`zipkin`, `otlp_file/development`, ...;
    /// one warning names it).
    Unsupported {
        /// Its key.
        name: String,
    },
}

/// `tracer_provider.processors[].*.exporter`.
pub type SpanExporter = Exporter;
/// `logger_provider.processors[].*.exporter`.
pub type LogRecordExporter = Exporter;

/// `compression`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Compression {
    /// `none` (the schema's default).
    #[default]
    None,
    /// `gzip`
    Gzip,
    /// `zstd` (an exporter built without otel-kit-init's `zstd` feature warns and sends
    /// uncompressed).
    Zstd,
}

/// `otlp_http.encoding`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum OtlpHttpEncoding {
    /// `protobuf` (the default).
    #[default]
    Protobuf,
    /// `json`
    Json,
}

/// `tls` of an OTLP exporter (`HttpTls`, `GrpcTls`).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Tls {
    /// `ca_file`: the CA bundle; `None` uses the system's roots.
    pub ca_file: Option<String>,
    /// `key_file`: the client key for mTLS.
    pub key_file: Option<String>,
    /// `cert_file`: the client certificate for mTLS.
    pub cert_file: Option<String>,
    /// `insecure` (gRPC only): plaintext to an `http` endpoint; false by default.
    pub insecure: bool,
}

/// `otlp_http` (`OtlpHttpExporter`), defaults filled in.
#[derive(Debug, Clone, PartialEq)]
pub struct OtlpHttpExporter {
    /// `endpoint`, the full URL (default `http://localhost:4318/v1/<signal>`).
    pub endpoint: String,
    /// `tls`
    pub tls: Tls,
    /// `headers`
    pub headers: Vec<NameStringValuePair>,
    /// `headers_list`: `name=value,...` as `OTEL_EXPORTER_OTLP_HEADERS`; `headers` win.
    pub headers_list: Option<String>,
    /// `compression` (default none).
    pub compression: Compression,
    /// `timeout` (default 10 s; 0 is no limit).
    pub timeout: Duration,
    /// `encoding` (default protobuf).
    pub encoding: OtlpHttpEncoding,
}

/// `otlp_grpc` (`OtlpGrpcExporter`), defaults filled in.
#[derive(Debug, Clone, PartialEq)]
pub struct OtlpGrpcExporter {
    /// `endpoint` (default `http://localhost:4317`).
    pub endpoint: String,
    /// `tls`
    pub tls: Tls,
    /// `headers`
    pub headers: Vec<NameStringValuePair>,
    /// `headers_list`
    pub headers_list: Option<String>,
    /// `compression` (default none).
    pub compression: Compression,
    /// `timeout` (default 10 s; 0 is no limit).
    pub timeout: Duration,
}

const COMMON: &[&str] = &[
    "endpoint",
    "tls",
    "headers",
    "headers_list",
    "compression",
    "timeout",
];
/// The metric exporters' extra keys: read by the meter side, known here.
pub(crate) const METRIC_KEYS: &[&str] = &["temporality_preference", "default_histogram_aggregation"];

impl OtlpHttpExporter {
    pub(crate) fn read(at: At<'_>, signal: Signal, ctx: &mut Ctx) -> Result<Self> {
        let known: Vec<&str> = COMMON
            .iter()
            .chain(&["encoding"])
            .chain(extra(signal))
            .copied()
            .collect();
        let fields = at.fields(&known, ctx)?;
        let encoding = match fields.choice("encoding", &["protobuf", "json"])? {
            Some(1) => OtlpHttpEncoding::Json,
            _ => OtlpHttpEncoding::Protobuf,
        };
        Ok(Self {
            endpoint: fields
                .string("endpoint")?
                .unwrap_or_else(|| signal.default_http_endpoint().to_owned()),
            tls: read_tls(&fields, false, ctx)?,
            headers: NameStringValuePair::read_list(&fields, "headers", ctx)?,
            headers_list: fields.string("headers_list")?,
            compression: read_compression(&fields, ctx)?,
            timeout: fields.millis("timeout", 10_000, true, ctx)?,
            encoding,
        })
    }
}

impl OtlpGrpcExporter {
    pub(crate) fn read(at: At<'_>, signal: Signal, ctx: &mut Ctx) -> Result<Self> {
        let known: Vec<&str> = COMMON.iter().chain(extra(signal)).copied().collect();
        let fields = at.fields(&known, ctx)?;
        Ok(Self {
            endpoint: fields
                .string("endpoint")?
                .unwrap_or_else(|| DEFAULT_GRPC_ENDPOINT.to_owned()),
            tls: read_tls(&fields, true, ctx)?,
            headers: NameStringValuePair::read_list(&fields, "headers", ctx)?,
            headers_list: fields.string("headers_list")?,
            compression: read_compression(&fields, ctx)?,
            timeout: fields.millis("timeout", 10_000, true, ctx)?,
        })
    }
}

fn extra(signal: Signal) -> &'static [&'static str] {
    if signal == Signal::Metrics {
        METRIC_KEYS
    } else {
        &[]
    }
}

fn read_tls(fields: &Fields<'_>, grpc: bool, ctx: &mut Ctx) -> Result<Tls> {
    let Some(field) = fields.get("tls") else {
        return Ok(Tls::default());
    };
    let known: &[&str] = if grpc {
        &["ca_file", "key_file", "cert_file", "insecure"]
    } else {
        &["ca_file", "key_file", "cert_file"]
    };
    let tls = field.at().fields(known, ctx)?;
    Ok(Tls {
        ca_file: tls.string("ca_file")?,
        key_file: tls.string("key_file")?,
        cert_file: tls.string("cert_file")?,
        insecure: grpc && tls.bool("insecure", false)?,
    })
}

/// `none`, `gzip` or `zstd`; another name (the schema leaves it open) is one warning,
/// and none.
fn read_compression(fields: &Fields<'_>, ctx: &mut Ctx) -> Result<Compression> {
    let Some(field) = fields.get("compression") else {
        return Ok(Compression::None);
    };
    Ok(match field.at().string()?.as_str() {
        "none" => Compression::None,
        "gzip" => Compression::Gzip,
        "zstd" => Compression::Zstd,
        other => {
            let detail = format!(
                "the kit has no compression `{other}` (only `gzip`, `zstd` and `none`); none is used"
            );
            ctx.warn(WarningKind::Replaced { detail }, &field.path, field.node.line);
            Compression::None
        }
    })
}

impl Exporter {
    /// A span or log-record exporter component.
    pub(crate) fn read(at: At<'_>, signal: Signal, ctx: &mut Ctx) -> Result<Self> {
        let (key, node) = at.component()?;
        let path = join(at.path, &key.name);
        let inner = At { node, path: &path };
        Ok(match key.name.as_str() {
            "otlp_http" => Exporter::OtlpHttp(OtlpHttpExporter::read(inner, signal, ctx)?),
            "otlp_grpc" => Exporter::OtlpGrpc(OtlpGrpcExporter::read(inner, signal, ctx)?),
            "console" => {
                inner.fields(&[], ctx)?;
                Exporter::Console
            }
            other => {
                ctx.unsupported(other, &path, key.line);
                Exporter::Unsupported {
                    name: other.to_owned(),
                }
            }
        })
    }
}
