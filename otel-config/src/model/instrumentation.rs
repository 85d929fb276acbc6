//! `instrumentation/development`: the general HTTP settings (captured headers, known
//! methods) and the `rust` section's per-instrumentation switches.
//!
//! The `rust` section's shape (the schema leaves each language's section open):
//!
//! ```yaml
//! instrumentation/development:
//!   rust:
//!     default_enabled: true     # OTEL_INSTRUMENTATION_COMMON_DEFAULT_ENABLED
//!     axum:                     # OTEL_INSTRUMENTATION_AXUM_ENABLED
//!       enabled: false
//!     sqlx:
//!       enabled: true
//! ```
//!
//! Each key other than `default_enabled` names one instrumentation, as the kit's
//! `OTEL_INSTRUMENTATION_<NAME>_ENABLED` variables do, in lower case.

use crate::reader::{At, Ctx, Result};

/// The instrumentations the `rust` section can switch, lower case.
pub const RUST_INSTRUMENTATIONS: &[&str] = &[
    "http_server",
    "axum",
    "hyper",
    "actix_web",
    "http_client",
    "reqwest",
    "tower_client",
    "grpc",
    "tonic",
    "sqlx",
    "tokio_postgres",
    "diesel",
    "redis",
    "genai",
    "openai",
    "messaging",
    "runtime_telemetry",
];

const LANGUAGES: &[&str] = &[
    "cpp", "dotnet", "erlang", "go", "java", "js", "php", "python", "ruby", "swift",
];

/// `instrumentation/development`.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Instrumentation {
    /// `general.http.client`
    pub http_client: HttpInstrumentation,
    /// `general.http.server`
    pub http_server: HttpInstrumentation,
    /// `rust.default_enabled` (`None`: each instrumentation's own default).
    pub default_enabled: Option<bool>,
    /// `rust.<name>.enabled`, in file order.
    pub enabled: Vec<(String, bool)>,
}

/// `general.http.client` or `general.http.server`.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct HttpInstrumentation {
    /// `request_captured_headers` (none by default).
    pub request_captured_headers: Vec<String>,
    /// `response_captured_headers` (none by default).
    pub response_captured_headers: Vec<String>,
    /// `known_methods` (`None`: the nine of RFC 9110 and PATCH).
    pub known_methods: Option<Vec<String>>,
}

impl Instrumentation {
    pub(crate) fn read(at: At<'_>, ctx: &mut Ctx) -> Result<Self> {
        let known: Vec<&str> = ["general", "rust"].iter().chain(LANGUAGES).copied().collect();
        let fields = at.fields(&known, ctx)?;
        let mut model = Self::default();
        if let Some(general) = fields.get("general") {
            let known = [
                "http",
                "code",
                "db",
                "gen_ai",
                "messaging",
                "rpc",
                "sanitization",
                "stability_opt_in_list",
            ];
            let general = general.at().fields(&known, ctx)?;
            for other in &known[1..] {
                if let Some(field) = general.get(other) {
                    ctx.unsupported(&format!("general.{other}"), &field.path, field.node.line);
                }
            }
            if let Some(http) = general.get("http") {
                let http = http.at().fields(&["semconv", "client", "server"], ctx)?;
                if let Some(field) = http.get("semconv") {
                    ctx.unsupported("general.http.semconv", &field.path, field.node.line);
                }
                if let Some(client) = http.get("client") {
                    model.http_client = HttpInstrumentation::read(client.at(), ctx)?;
                }
                if let Some(server) = http.get("server") {
                    model.http_server = HttpInstrumentation::read(server.at(), ctx)?;
                }
            }
        }
        if let Some(rust) = fields.get("rust") {
            let rust_at = rust.at();
            let known: Vec<&str> = ["default_enabled"]
                .iter()
                .chain(RUST_INSTRUMENTATIONS)
                .copied()
                .collect();
            let rust = rust_at.fields(&known, ctx)?;
            model.default_enabled = rust
                .get("default_enabled")
                .map(|field| field.at().bool())
                .transpose()?;
            for name in RUST_INSTRUMENTATIONS {
                if let Some(field) = rust.get_even_null(name) {
                    let switch = field.at().fields(&["enabled"], ctx)?;
                    let enabled = switch.bool("enabled", true)?;
                    model.enabled.push(((*name).to_owned(), enabled));
                }
            }
        }
        Ok(model)
    }
}

impl HttpInstrumentation {
    fn read(at: At<'_>, ctx: &mut Ctx) -> Result<Self> {
        let fields = at.fields(
            &[
                "request_captured_headers",
                "response_captured_headers",
                "known_methods",
            ],
            ctx,
        )?;
        Ok(Self {
            request_captured_headers: fields.strings("request_captured_headers")?.unwrap_or_default(),
            response_captured_headers: fields.strings("response_captured_headers")?.unwrap_or_default(),
            known_methods: fields.strings("known_methods")?,
        })
    }
}
