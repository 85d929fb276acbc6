//! [`OtlpOptions`]: the OTLP export settings given in code (headers, a header source,
//! timeout, compression, TLS material), for every signal and per signal, and the one
//! place they are laid over what the environment or the configuration file says.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use otel_kit_core::otlp::{Compression, DynamicHeaders, Pem, Signal};

use super::otlp::{OtlpConfig, OtlpSignalConfig};
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
#[derive(Clone, Default)]
#[must_use]
pub struct OtlpOptions {
    /// In the order given, each laid over a signal's settings after those before it.
    given: Vec<Given>,
    /// What the setters refused, said by `validate` (values never shown).
    problems: Vec<String>,
    signals: Vec<(Signal, OtlpOptions)>,
}

/// One setting given in code: how `Debug` shows it, the variables it replaces (the
/// suffixes of `OTEL_EXPORTER_OTLP_[<SIGNAL>_]*`, or whole names), and how it is laid
/// over a signal's [`ExportSettings`](otel_kit_otlp::ExportSettings).
#[derive(Clone)]
struct Given {
    /// The setting, and its value when that is not a secret.
    shown: String,
    replaces: &'static [&'static str],
    lay: Arc<dyn Fn(&mut OtlpSignalConfig) + Send + Sync>,
}

impl fmt::Debug for OtlpOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OtlpOptions")
            .field("given", &self.given.iter().map(|g| &g.shown).collect::<Vec<_>>())
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
        let (name, value) = (name.into(), value.into());
        if http::HeaderName::from_bytes(name.as_bytes()).is_err() {
            self.problems.push(format!(
                "{name:?} is not a header name (letters, digits and -, no spaces)"
            ));
        } else if http::HeaderValue::from_str(&value).is_err() {
            self.problems.push(format!(
                "the value of header {name:?} holds a character a header cannot carry (a newline or a control character); the value is not shown"
            ));
        }
        let shown = format!("header {name}=<redacted>");
        self.lay(shown, &[], move |c| {
            let headers = &mut c.settings.headers;
            headers.retain(|(n, _)| !n.eq_ignore_ascii_case(&name));
            headers.push((name.clone(), value.clone()));
        })
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
    pub fn dynamic_headers(self, source: DynamicHeaders) -> Self {
        self.lay("dynamic_headers".to_owned(), &[], move |c| {
            c.settings.dynamic_headers = Some(source.clone());
        })
    }

    /// The export timeout (the specification's default: 10 s). Zero is an error.
    ///
    /// ```
    /// let otlp = otel_kit_init::OtlpOptions::new().timeout(std::time::Duration::from_secs(5));
    /// # drop(otlp);
    /// ```
    pub fn timeout(mut self, timeout: Duration) -> Self {
        if timeout.is_zero() {
            self.problems.push(
                "a timeout of zero would fail every export: give one of at least a millisecond (the default is 10 s)"
                    .to_owned(),
            );
        }
        self.lay(format!("timeout={timeout:?}"), &["TIMEOUT"], move |c| {
            c.settings.timeout = timeout;
        })
    }

    /// Compresses export requests with `compression` (its cargo feature must be on).
    ///
    /// ```
    /// let otlp = otel_kit_init::OtlpOptions::new().compression(otel_kit_init::Compression::Gzip);
    /// # drop(otlp);
    /// ```
    pub fn compression(self, compression: Compression) -> Self {
        self.lay(format!("compression={compression}"), &["COMPRESSION"], move |c| {
            c.settings.compression = Some(compression);
        })
    }

    /// Sends export requests uncompressed, whatever the environment says.
    ///
    /// ```
    /// let otlp = otel_kit_init::OtlpOptions::new().without_compression();
    /// # drop(otlp);
    /// ```
    pub fn without_compression(self) -> Self {
        self.lay("compression=none".to_owned(), &["COMPRESSION"], |c| {
            c.settings.compression = None;
        })
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
        let pem = pem.into();
        self.check_pem("ca_certificate", &pem);
        self.lay(format!("ca_certificate={pem:?}"), &["CERTIFICATE"], move |c| {
            c.settings.ca_certificate = Some(pem.clone());
            c.tls_vars.certificate = Some(format!("{CODE} (ca_certificate)"));
        })
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
        let identity = (certificate.into(), key.into());
        self.check_pem("client_identity's certificate", &identity.0);
        self.check_pem("client_identity's key", &identity.1);
        let shown = format!("client_identity={:?}", identity.0);
        self.lay(shown, &["CLIENT_CERTIFICATE", "CLIENT_KEY"], move |c| {
            c.settings.client_identity = Some(identity.clone());
            c.tls_vars.client_certificate = Some(format!("{CODE} (client_identity)"));
            c.tls_vars.client_key = Some(format!("{CODE} (client_identity)"));
        })
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

    /// Records `setting`, laid over a signal's settings by `lay`.
    fn lay(
        mut self,
        shown: String,
        replaces: &'static [&'static str],
        lay: impl Fn(&mut OtlpSignalConfig) + Send + Sync + 'static,
    ) -> Self {
        self.given.push(Given {
            shown,
            replaces,
            lay: Arc::new(lay),
        });
        self
    }

    /// PEM bytes must hold a PEM block: a path given as bytes is the likely mistake.
    fn check_pem(&mut self, what: &str, pem: &Pem) {
        if let Pem::Bytes(bytes) = pem
            && !bytes.windows(11).any(|w| w == b"-----BEGIN ")
        {
            self.problems.push(format!(
                "{what} holds {} bytes with no PEM block (-----BEGIN ...); give PEM text, or Pem::file for a path",
                bytes.len()
            ));
        }
    }

    /// Every signal's exports through `proxy`, or directly (`None`), whatever the proxy
    /// variables say: `Builder::proxy` and `Builder::without_proxy`.
    #[cfg(feature = "proxy")]
    pub(crate) fn proxy(self, proxy: Option<otel_kit_otlp::Proxy>) -> Self {
        let shown = match &proxy {
            Some(proxy) => format!("proxy={proxy}"),
            None => "proxy=none".to_owned(),
        };
        self.lay(shown, &super::proxy::VARIABLES, move |c| {
            c.settings.proxy = proxy.clone();
        })
    }

    fn own(&self, signal: Signal) -> Option<&OtlpOptions> {
        self.signals.iter().find(|(s, _)| *s == signal).map(|(_, o)| o)
    }

    /// What is laid over `signal`'s settings: the settings for every signal, then its own.
    fn given_for(&self, signal: Signal) -> impl Iterator<Item = &Given> {
        self.given
            .iter()
            .chain(self.own(signal).into_iter().flat_map(|o| &o.given))
    }

    /// Checks the values: a bad one is an error that says what to fix, naming a
    /// header but never showing its value.
    pub(crate) fn validate(&self) -> Result<(), InitError> {
        if let Some(problem) = self.problems.first() {
            return Err(invalid(format!("otlp: {problem}")));
        }
        for (signal, options) in &self.signals {
            if !options.signals.is_empty() {
                return Err(invalid(format!(
                    "the options for {signal} name signals of their own: give each signal's options to the outer OtlpOptions::signal"
                )));
            }
            if let Some(problem) = options.problems.first() {
                return Err(invalid(format!("otlp {signal}: {problem}")));
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
            for given in self.given_for(signal) {
                (given.lay)(c);
            }
        }
    }

    /// Whether `variable` (an `OTEL_EXPORTER_OTLP_*` one) is replaced by these settings
    /// for every signal it applies to.
    fn replaces(&self, variable: &str) -> bool {
        if self.given.iter().any(|g| g.replaces.contains(&variable)) {
            return true;
        }
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
        let set = |signal: Signal| self.given_for(signal).any(|g| g.replaces.contains(&suffix));
        signals.into_iter().all(set)
    }
}

fn invalid(why: String) -> InitError {
    InitError::InvalidValue { what: "otlp", why }
}
