//! `distribution` (file_format 1.1): the kit's own section, `otel_kit`, holding what the
//! `OTEL_KIT_*` variables set. Other distributions' sections are kept by name only.
//!
//! ```yaml
//! distribution:
//!   otel_kit:
//!     redaction:
//!       enabled: true                  # OTEL_KIT_REDACT (default / none)
//!       drop_keys: [app.ssn, "*.dob"]  # OTEL_KIT_REDACT_DROP_KEYS
//!       hash_keys: [enduser.id]        # OTEL_KIT_REDACT_HASH_KEYS
//!       hash_secret: ${HASH_SECRET}    # OTEL_KIT_REDACT_HASH_SECRET
//!       hash_secret_file: /run/secret  # OTEL_KIT_REDACT_HASH_SECRET_FILE
//!       scrub: [card, bearer, jwt]     # OTEL_KIT_REDACT_SCRUB
//!     sampler:
//!       excluded_routes: [/healthz]    # OTEL_KIT_SAMPLER_EXCLUDED_ROUTES
//!       ratio_arithmetic: consistent   # consistent (default) or legacy
//!     bsp_max_trace_share: 50          # OTEL_KIT_BSP_MAX_TRACE_SHARE
//!     request_value_max_bytes: 4096    # OTEL_KIT_REQUEST_VALUE_MAX_BYTES
//!     db_slow_query_threshold: 500     # OTEL_KIT_DB_SLOW_QUERY_THRESHOLD (ms)
//!     db_query_text: always_sanitized  # OTEL_KIT_DB_QUERY_TEXT
//!     export_thread_nice: 10           # OTEL_KIT_EXPORT_THREAD_NICE
//!     exporter_otlp:
//!       credentials_check_interval: 10000  # OTEL_KIT_EXPORTER_OTLP_CREDENTIALS_CHECK_INTERVAL
//!       headers_files:                     # OTEL_KIT_EXPORTER_OTLP_HEADERS_FILE
//!         - name: authorization
//!           value: /var/run/secrets/otlp/token
//! ```
//!
//! Every setting left out is `None`: the kit's own default applies, as when the
//! variable is unset.

use std::time::Duration;

use super::common::NameStringValuePair;
use crate::error::ConfigFileErrorKind as Kind;
use crate::reader::{At, Ctx, Result};

/// `distribution`.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Distribution {
    /// `otel_kit`: the kit's settings.
    pub otel_kit: Option<OtelKit>,
    /// The names of other distributions' sections (read by them, not by the kit).
    pub others: Vec<String>,
}

/// `distribution.otel_kit`.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct OtelKit {
    /// `redaction`
    pub redaction: Option<Redaction>,
    /// `sampler`
    pub sampler: Option<KitSampler>,
    /// `bsp_max_trace_share`: percent of the span queue one trace may hold (1 to 100).
    pub bsp_max_trace_share: Option<u8>,
    /// `request_value_max_bytes`: the longest request-derived string recorded (positive).
    pub request_value_max_bytes: Option<u64>,
    /// `db_slow_query_threshold`: milliseconds at or above which a database operation is
    /// flagged as slow (positive).
    pub db_slow_query_threshold: Option<u64>,
    /// `db_query_text`: `sanitized`, `always_sanitized` or `off`.
    pub db_query_text: Option<String>,
    /// `export_thread_nice`: the nice value of telemetry's own threads (0, off, to 19).
    pub export_thread_nice: Option<u8>,
    /// `exporter_otlp`
    pub exporter_otlp: Option<KitExporterOtlp>,
}

/// `distribution.otel_kit.redaction`.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Redaction {
    /// `enabled` (`false` is `OTEL_KIT_REDACT=none`).
    pub enabled: Option<bool>,
    /// `drop_keys`: key patterns dropped in addition to the default set.
    pub drop_keys: Vec<String>,
    /// `hash_keys`: key patterns whose values are HMAC-hashed.
    pub hash_keys: Vec<String>,
    /// `hash_secret`: the HMAC key (write `${VAR}`, not the secret itself).
    pub hash_secret: Option<String>,
    /// `hash_secret_file`: a file holding the HMAC key.
    pub hash_secret_file: Option<String>,
    /// `scrub`: the kinds scrubbed out of values (`email`, `card`, `bearer`, `jwt`, `none`).
    pub scrub: Option<Vec<String>>,
}

/// `distribution.otel_kit.sampler`.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct KitSampler {
    /// `excluded_routes`: routes never sampled (`default` names the health checks).
    pub excluded_routes: Vec<String>,
    /// `ratio_arithmetic`
    pub ratio_arithmetic: Option<RatioArithmetic>,
}

/// `ratio_arithmetic`: how ratio samplers decide roots.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RatioArithmetic {
    /// `consistent`: the specification's consistent-probability threshold (the default).
    Consistent,
    /// `legacy`: the Rust SDK's trace-id-ratio arithmetic.
    Legacy,
}

/// `distribution.otel_kit.exporter_otlp`.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct KitExporterOtlp {
    /// `credentials_check_interval`: how often the TLS and header files are read again.
    pub credentials_check_interval: Option<Duration>,
    /// `headers_files`: each header's `value` is a file path whose content is sent.
    pub headers_files: Vec<NameStringValuePair>,
}

impl Distribution {
    pub(crate) fn read(at: At<'_>, ctx: &mut Ctx) -> Result<Self> {
        let Some(entries) = at.entries() else {
            return Err(at.error(Kind::Type, "a mapping"));
        };
        let mut model = Self::default();
        for (key, node) in entries {
            if key.name == "otel_kit" {
                let path = crate::reader::join(at.path, "otel_kit");
                model.otel_kit = Some(OtelKit::read(At { node, path: &path }, ctx)?);
            } else {
                model.others.push(key.name.clone());
            }
        }
        Ok(model)
    }
}

impl OtelKit {
    fn read(at: At<'_>, ctx: &mut Ctx) -> Result<Self> {
        let known = [
            "redaction",
            "sampler",
            "bsp_max_trace_share",
            "request_value_max_bytes",
            "db_slow_query_threshold",
            "db_query_text",
            "export_thread_nice",
            "exporter_otlp",
        ];
        let fields = at.fields(&known, ctx)?;
        let redaction = match fields.get_even_null("redaction") {
            Some(field) => {
                let known = [
                    "enabled",
                    "drop_keys",
                    "hash_keys",
                    "hash_secret",
                    "hash_secret_file",
                    "scrub",
                ];
                let r = field.at().fields(&known, ctx)?;
                Some(Redaction {
                    enabled: r.get("enabled").map(|f| f.at().bool()).transpose()?,
                    drop_keys: r.strings("drop_keys")?.unwrap_or_default(),
                    hash_keys: r.strings("hash_keys")?.unwrap_or_default(),
                    hash_secret: r.string("hash_secret")?,
                    hash_secret_file: r.string("hash_secret_file")?,
                    scrub: r.strings("scrub")?,
                })
            }
            None => None,
        };
        let sampler = match fields.get_even_null("sampler") {
            Some(field) => {
                let s = field.at().fields(&["excluded_routes", "ratio_arithmetic"], ctx)?;
                Some(KitSampler {
                    excluded_routes: s.strings("excluded_routes")?.unwrap_or_default(),
                    ratio_arithmetic: s
                        .choice("ratio_arithmetic", &["consistent", "legacy"])?
                        .map(|index| {
                            if index == 0 {
                                RatioArithmetic::Consistent
                            } else {
                                RatioArithmetic::Legacy
                            }
                        }),
                })
            }
            None => None,
        };
        let bsp_max_trace_share = match fields.get("bsp_max_trace_share") {
            Some(field) => match field.at().u64()? {
                share @ 1..=100 => Some(share as u8),
                _ => return Err(field.at().error(Kind::Value, "a percent from 1 to 100")),
            },
            None => None,
        };
        let request_value_max_bytes = match fields.get("request_value_max_bytes") {
            Some(field) => match field.at().u64()? {
                0 => return Err(field.at().error(Kind::Value, "a positive number of bytes")),
                bytes => Some(bytes),
            },
            None => None,
        };
        let db_slow_query_threshold = match fields.get("db_slow_query_threshold") {
            Some(field) => match field.at().u64()? {
                0 => {
                    return Err(field.at().error(
                        Kind::Value,
                        "a positive number of milliseconds (leave it out for no threshold)",
                    ));
                }
                ms => Some(ms),
            },
            None => None,
        };
        let db_query_text = match fields.get("db_query_text") {
            Some(field) => {
                let name = field.at().string()?;
                if !["sanitized", "always_sanitized", "off"].contains(&name.as_str()) {
                    return Err(field
                        .at()
                        .error(Kind::Value, "sanitized, always_sanitized or off"));
                }
                Some(name)
            }
            None => None,
        };
        let export_thread_nice = match fields.get("export_thread_nice") {
            Some(field) => match field.at().u64()? {
                nice @ 0..=19 => Some(nice as u8),
                _ => return Err(field.at().error(Kind::Value, "a nice value from 0 to 19")),
            },
            None => None,
        };
        let exporter_otlp = match fields.get_even_null("exporter_otlp") {
            Some(field) => {
                let e = field
                    .at()
                    .fields(&["credentials_check_interval", "headers_files"], ctx)?;
                let interval = match e.get("credentials_check_interval") {
                    Some(field) => match field.at().u64()? {
                        millis @ 100.. => Some(Duration::from_millis(millis)),
                        _ => return Err(field.at().error(Kind::Value, "at least 100 (milliseconds)")),
                    },
                    None => None,
                };
                Some(KitExporterOtlp {
                    credentials_check_interval: interval,
                    headers_files: NameStringValuePair::read_list(&e, "headers_files", ctx)?,
                })
            }
            None => None,
        };
        Ok(Self {
            redaction,
            sampler,
            bsp_max_trace_share,
            request_value_max_bytes,
            db_slow_query_threshold,
            db_query_text,
            export_thread_nice,
            exporter_otlp,
        })
    }
}
