//! [`OtlpOptions`]: the OTLP export settings given in code (headers, a header source,
//! timeout, compression, TLS material), for every signal and per signal, and the one
//! place they are laid over what the environment or the configuration file says.

use std::fmt;
use std::time::Duration;

use otel_kit_core::otlp::{Compression, DynamicHeaders, Pem, Signal};

use super::otlp::{OtlpConfig, RedactedHeaders};
use crate::InitError;
use crate::env::ConfigWarning;

/// How a setting given in code is named in warnings and errors.
const CODE: &str = "Builder::otlp";

/// OTLP export settings given in code, taken by
/// [`Builder::otlp`](crate::Builder::otlp): what the environment
/// (`OTEL_EXPORTER_OTLP_*`) or a configuration file can say, and a function that makes
/// headers at each export. Each setting applies to every signal, unless
/// [`signal`](Self::signal) gives that signal its own.
///
/// **Precedence**, per setting: a signal's own value in code, then the value in code for
/// every signal, then the environment or the file. Headers are merged by name (in any
/// case): a header set in code replaces the environment's header of that name and keeps
/// the others; the headers a [`DynamicHeaders`] makes replace both. Header values and PEM
/// bytes are never printed.
///
/// ```no_run
/// use std::time::Duration;
///
/// use otel_kit_init::{Compression, OtlpOptions, Pem, Signal};
///
/// let api_key = std::env::var("VENDOR_API_KEY")?; // or from a secret store
/// let otlp = OtlpOptions::new()
///     .header("x-api-key", api_key)
///     .timeout(Duration::from_secs(5))
///     .compression(Compression::Gzip)
///     .ca_certificate(Pem::file("/etc/otel/tls/ca.crt"))
///     // Log batches are larger: give them longer.
///     .signal(Signal::Logs, OtlpOptions::new().timeout(Duration::from_secs(20)));
/// let telemetry = otel_kit_init::builder().otlp_endpoint("https://otlp.vendor.example").otlp(otlp).init()?;
/// # drop(telemetry);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Default, PartialEq)]
#[must_use]
pub struct OtlpOptions {
    /// Values are secrets: never printed.
    headers: Vec<(String, String)>,
    dynamic_headers: Option<DynamicHeaders>,
    timeout: Option<Duration>,
    /// `Some(None)`: uncompressed, whatever the environment says.
    compression: Option<Option<Compression>>,
    ca_certificate: Option<Pem>,
    client_identity: Option<(Pem, Pem)>,
    signals: Vec<(Signal, OtlpOptions)>,
}

impl fmt::Debug for OtlpOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OtlpOptions")
            .field("timeout", &self.timeout)
            .field("compression", &self.compression)
            .field("headers", &RedactedHeaders(&self.headers))
            .field("dynamic_headers", &self.dynamic_headers)
            .field("ca_certificate", &self.ca_certificate)
            .field("client_identity", &self.client_identity)
            .field("signals", &self.signals)
            .finish()
    }
}

impl OtlpOptions {
    /// Nothing set: every setting left to the environment or the file.
    pub fn new() -> Self {
        Self::default()
    }

    /// Sends header `name` with every export request, with `value` (an API key). Each
    /// call adds one; a name given twice keeps the last value.
    ///
    /// ```
    /// let otlp = otel_kit_init::OtlpOptions::new().header("x-api-key", "s3cr3t");
    /// assert!(!format!("{otlp:?}").contains("s3cr3t"));
    /// ```
    pub fn header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        let name = name.into();
        self.headers.retain(|(n, _)| !n.eq_ignore_ascii_case(&name));
        self.headers.push((name, value.into()));
        self
    }

    /// Headers made by `source` before each export request (a token the application
    /// rotates): see [`DynamicHeaders`]. They replace headers of the same name given
    /// otherwise.
    ///
    /// ```
    /// use otel_kit_init::{DynamicHeaders, OtlpOptions};
    ///
    /// let otlp = OtlpOptions::new().dynamic_headers(DynamicHeaders::new(|| {
    ///     vec![("authorization".to_owned(), format!("Bearer {}", "token from the cache"))]
    /// }));
    /// # drop(otlp);
    /// ```
    pub fn dynamic_headers(mut self, source: DynamicHeaders) -> Self {
        self.dynamic_headers = Some(source);
        self
    }

    /// The export timeout (the specification's default: 10 s). Zero is an error.
    ///
    /// ```
    /// let otlp = otel_kit_init::OtlpOptions::new().timeout(std::time::Duration::from_secs(5));
    /// # drop(otlp);
    /// ```
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// Compresses export requests with `compression` (its cargo feature must be on).
    ///
    /// ```
    /// let otlp = otel_kit_init::OtlpOptions::new().compression(otel_kit_init::Compression::Gzip);
    /// # drop(otlp);
    /// ```
    pub fn compression(mut self, compression: Compression) -> Self {
        self.compression = Some(Some(compression));
        self
    }

    /// Sends export requests uncompressed, whatever the environment says.
    ///
    /// ```
    /// let otlp = otel_kit_init::OtlpOptions::new().without_compression();
    /// # drop(otlp);
    /// ```
    pub fn without_compression(mut self) -> Self {
        self.compression = Some(None);
        self
    }

    /// The CA that signs the collector's certificate (`https://` endpoints): a PEM file,
    /// read again when it changes, or PEM bytes from a secret store.
    ///
    /// ```
    /// use otel_kit_init::{OtlpOptions, Pem};
    ///
    /// let from_file = OtlpOptions::new().ca_certificate(Pem::file("/etc/otel/tls/ca.crt"));
    /// let from_bytes = OtlpOptions::new().ca_certificate(b"-----BEGIN CERTIFICATE-----\n...".to_vec());
    /// # drop((from_file, from_bytes));
    /// ```
    pub fn ca_certificate(mut self, pem: impl Into<Pem>) -> Self {
        self.ca_certificate = Some(pem.into());
        self
    }

    /// The client certificate chain and private key presented to a collector that asks
    /// for one (mutual TLS): PEM files or bytes.
    ///
    /// ```
    /// use otel_kit_init::{OtlpOptions, Pem};
    ///
    /// let otlp = OtlpOptions::new().client_identity(Pem::file("/etc/otel/tls/tls.crt"), Pem::file("/etc/otel/tls/tls.key"));
    /// # drop(otlp);
    /// ```
    pub fn client_identity(mut self, certificate: impl Into<Pem>, key: impl Into<Pem>) -> Self {
        self.client_identity = Some((certificate.into(), key.into()));
        self
    }

    /// `signal`'s own settings, which win over the ones for every signal. Given twice,
    /// the last wins; `options` may not name signals of its own.
    ///
    /// ```
    /// use otel_kit_init::{OtlpOptions, Signal};
    ///
    /// let otlp = OtlpOptions::new()
    ///     .header("x-api-key", "for traces and logs")
    ///     .signal(Signal::Metrics, OtlpOptions::new().header("x-api-key", "for metrics"));
    /// # drop(otlp);
    /// ```
    pub fn signal(mut self, signal: Signal, options: OtlpOptions) -> Self {
        self.signals.retain(|(s, _)| *s != signal);
        self.signals.push((signal, options));
        self
    }

    fn own(&self, signal: Signal) -> Option<&OtlpOptions> {
        self.signals.iter().find(|(s, _)| *s == signal).map(|(_, o)| o)
    }

    /// A setting for `signal`: its own, else the one for every signal.
    fn pick<T>(&self, signal: Signal, get: impl Fn(&OtlpOptions) -> Option<T>) -> Option<T> {
        self.own(signal).and_then(&get).or_else(|| get(self))
    }

    /// Checks the values: a bad one is an error that says what to fix, naming a
    /// header but never showing its value.
    pub(crate) fn validate(&self) -> Result<(), InitError> {
        self.validate_one("otlp")?;
        for (signal, options) in &self.signals {
            if !options.signals.is_empty() {
                return Err(invalid(format!(
                    "the options for {signal} name signals of their own: give each signal's options to the outer OtlpOptions::signal"
                )));
            }
            options.validate_one(&format!("otlp {signal}"))?;
        }
        Ok(())
    }

    fn validate_one(&self, whose: &str) -> Result<(), InitError> {
        for (name, value) in &self.headers {
            if http::HeaderName::from_bytes(name.as_bytes()).is_err() {
                return Err(invalid(format!(
                    "{whose}: {:?} is not a header name (letters, digits and -, no spaces)",
                    name
                )));
            }
            if http::HeaderValue::from_str(value).is_err() {
                return Err(invalid(format!(
                    "{whose}: the value of header {:?} holds a character a header cannot carry (a newline or a control character); the value is not shown",
                    name
                )));
            }
        }
        if self.timeout.is_some_and(|t| t.is_zero()) {
            return Err(invalid(format!(
                "{whose}: a timeout of zero would fail every export: give one of at least a millisecond (the default is 10 s)"
            )));
        }
        let pems = [("ca_certificate", self.ca_certificate.as_ref())]
            .into_iter()
            .chain(self.client_identity.iter().flat_map(|(c, k)| {
                [
                    ("client_identity's certificate", Some(c)),
                    ("client_identity's key", Some(k)),
                ]
            }));
        for (what, pem) in pems {
            if let Some(Pem::Bytes(bytes)) = pem
                && !bytes.windows(11).any(|w| w == b"-----BEGIN ")
            {
                return Err(invalid(format!(
                    "{whose}: {what} holds {} bytes with no PEM block (-----BEGIN ...); give PEM text, or Pem::file for a path",
                    bytes.len()
                )));
            }
        }
        Ok(())
    }

    /// Lays these settings over `config`; warnings about the variables they replace for
    /// every signal are dropped.
    pub(crate) fn apply(&self, config: &mut OtlpConfig, warnings: &mut Vec<ConfigWarning>) {
        warnings.retain(|w| !self.replaces(&w.variable));
        for signal in Signal::ALL {
            let c = config.signal_mut(signal);
            let headers = self
                .headers
                .iter()
                .chain(self.own(signal).into_iter().flat_map(|o| &o.headers));
            for (name, value) in headers {
                c.headers.retain(|(n, _)| !n.eq_ignore_ascii_case(name));
                c.headers.push((name.clone(), value.clone()));
            }
            if let Some(source) = self.pick(signal, |o| o.dynamic_headers.clone()) {
                c.dynamic_headers = Some(source);
            }
            if let Some(timeout) = self.pick(signal, |o| o.timeout) {
                c.timeout = timeout;
            }
            if let Some(compression) = self.pick(signal, |o| o.compression) {
                c.compression = compression;
            }
            if let Some(ca) = self.pick(signal, |o| o.ca_certificate.clone()) {
                c.certificate = Some(ca);
                c.tls_vars.certificate = Some(format!("{CODE} (ca_certificate)"));
            }
            if let Some((certificate, key)) = self.pick(signal, |o| o.client_identity.clone()) {
                c.client_certificate = Some(certificate);
                c.client_key = Some(key);
                c.tls_vars.client_certificate = Some(format!("{CODE} (client_identity)"));
                c.tls_vars.client_key = Some(format!("{CODE} (client_identity)"));
            }
        }
    }

    /// Whether `variable` (an `OTEL_EXPORTER_OTLP_*` one) is replaced by these settings
    /// for every signal it applies to.
    fn replaces(&self, variable: &str) -> bool {
        let Some(rest) = variable.strip_prefix("OTEL_EXPORTER_OTLP_") else {
            return false;
        };
        let (signals, suffix) = match Signal::ALL
            .into_iter()
            .find(|s| rest.starts_with(&format!("{}_", s.env_name())))
        {
            Some(signal) => (vec![signal], &rest[signal.env_name().len() + 1..]),
            None => (Signal::ALL.to_vec(), rest),
        };
        let set = |signal: Signal| match suffix {
            "TIMEOUT" => self.pick(signal, |o| o.timeout).is_some(),
            "COMPRESSION" => self.pick(signal, |o| o.compression).is_some(),
            "CERTIFICATE" => self
                .pick(signal, |o| o.ca_certificate.as_ref().map(|_| ()))
                .is_some(),
            "CLIENT_CERTIFICATE" | "CLIENT_KEY" => self
                .pick(signal, |o| o.client_identity.as_ref().map(|_| ()))
                .is_some(),
            _ => false,
        };
        signals.into_iter().all(set)
    }
}

fn invalid(why: String) -> InitError {
    InitError::InvalidValue { what: "otlp", why }
}
