//! Credentials an exporter may read from files, read again when the files change, so
//! that a rotation (cert-manager renewing a certificate, a short-lived bearer token) needs
//! no restart: the TLS material (CA, client certificate and key) and header values.
//!
//! A checker task on the export runtime reads the files every
//! [`check interval`](crate::ExporterBuilder::with_credentials_check_interval) (off the
//! request path: the application's threads never read them) and compares their bytes
//! with the last read. When they changed and can be used, new connections use them and
//! the connections made with the old material are closed (`retired`), so the next
//! request reconnects. Material that cannot be used (a key that does not match its
//! certificate half-way through a rotation, an unreadable file) is warned about once per
//! change, and the previous material stays in use.
//!
//! At start (`init()`'s thread) each file is read on a thread of its own, all of one
//! exporter's at once, within one [`START_READ_DEADLINE`]: files on a hung network mount
//! delay start-up by at most that (the other exporters naming them join the same reads),
//! are warned about, and are read again at each check. A header file rewritten in
//! place is used once it has stood unchanged for [`SETTLED`], so a token is never sent
//! half-written.

// The HTTP client alone (otel-kit-init's http/json) takes bytes, never files.
#![cfg_attr(not(feature = "__proto"), allow(dead_code))]

use otel_kit_core::otlp::Pem;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, PoisonError, Weak};
use std::time::Duration;

#[cfg(feature = "__tls")]
use crate::error::{BuildWarning, CertificateSetting};

/// PEM files are small; a huge file is a mistake, not a certificate or a token.
const MAX_FILE: u64 = 1024 * 1024;

/// The longest a credential file's first read may hold start-up.
pub(crate) const START_READ_DEADLINE: Duration = Duration::from_secs(5);

/// How long a changed header file must have stood unchanged before it is used: a
/// writer rewriting it in place has finished by then.
pub(crate) const SETTLED: Duration = Duration::from_millis(200);

/// A credential file's bytes (a PEM certificate or key, a token), or why not, as the
/// exporters read them. Only a regular file is read, opened without blocking: a FIFO
/// with no writer, `/dev/stdin` or a device would otherwise hold the thread that reads
/// it for as long as nobody writes. A file over 1 MiB is refused, not cut short. For an
/// exporter of one's own that takes PEM bytes.
///
/// ```
/// let why = otel_kit_otlp::read_credential_file("/nonexistent/ca.pem".as_ref()).unwrap_err();
/// assert!(why.starts_with("cannot be read"));
/// ```
pub fn read_credential_file(path: &std::path::Path) -> Result<Vec<u8>, String> {
    otel_kit_core::__private::regular_file::read(path, MAX_FILE).map_err(|error| why_unread(&error))
}

/// Why a credential file gave no bytes, as the warnings say it.
fn why_unread(error: &otel_kit_core::__private::regular_file::ReadError) -> String {
    use otel_kit_core::__private::regular_file::ReadError;
    match error {
        ReadError::NotRegular => "is not a regular file (a FIFO, socket or device is not read)".to_owned(),
        ReadError::TooLarge { bytes } => {
            format!("is {bytes} bytes or more, over the limit of {MAX_FILE} for a credential file")
        }
        ReadError::Io(e) => format!("cannot be read ({e})"),
        ReadError::Unanswered { .. } => {
            format!("did not answer within {START_READ_DEADLINE:?} (a hung mount?)")
        }
        _ => "cannot be read".to_owned(),
    }
}

/// Whether the file at `path` has stood unchanged for [`SETTLED`]. A modification time
/// in the future (a clock apart from the file server's) counts as settled.
fn settled(path: &std::path::Path) -> bool {
    let Ok(modified) = std::fs::metadata(path).and_then(|m| m.modified()) else {
        return true;
    };
    std::time::SystemTime::now()
        .duration_since(modified)
        .map_or(true, |age| age >= SETTLED)
}

/// A credential's bytes, or why they cannot be read (naming the file).
fn read(pem: &Pem) -> Result<Vec<u8>, String> {
    match pem {
        Pem::Bytes(bytes) => Ok(bytes.clone()),
        Pem::File(path) => read_credential_file(path).map_err(|why| format!("file {path:?} {why}")),
    }
}

/// A credential's first read, on a thread of its own: `init()`'s thread must not hang on
/// a file on a hung network mount.
pub(crate) enum StartRead {
    /// Bytes given as bytes.
    Given(Vec<u8>),
    /// A file, read until the deadline.
    File(PathBuf, otel_kit_core::__private::regular_file::ReadUnderWay),
}

impl StartRead {
    /// Begins reading `pem` (a header file first waits for its writer to finish,
    /// `settle`); [`finish`](Self::finish) gives up at `deadline`. Reads of one file
    /// begun while an earlier one is under way join it (`begin_read`).
    pub(crate) fn begin(pem: &Pem, deadline: std::time::Instant, settle: bool) -> Self {
        match pem {
            Pem::Bytes(bytes) => StartRead::Given(bytes.clone()),
            Pem::File(path) => StartRead::File(
                path.clone(),
                otel_kit_core::__private::regular_file::begin_read(path, MAX_FILE, deadline, move |path| {
                    // Written a moment ago: maybe not whole yet. Its `stat` may hang too.
                    if settle && !settled(path) {
                        std::thread::sleep(SETTLED);
                    }
                }),
            ),
        }
    }

    /// The bytes, or why not (`cannot be read (...)`), for a caller that names the file
    /// (HTTP/JSON's settings warnings).
    #[cfg(feature = "http-json")]
    pub(crate) fn finish(self) -> Result<Vec<u8>, String> {
        match self {
            StartRead::Given(bytes) => Ok(bytes),
            StartRead::File(_, read) => read.finish().map_err(|error| why_unread(&error)),
        }
    }

    /// The bytes, or why not, naming the file (as [`read`] does).
    fn finish_named(self) -> Result<Vec<u8>, String> {
        match self {
            StartRead::Given(bytes) => Ok(bytes),
            StartRead::File(path, read) => read
                .finish()
                .map_err(|error| format!("file {path:?} {}", why_unread(&error))),
        }
    }
}

/// Every credential file of one exporter, its first read begun at once and left under
/// way: the loads that follow join these reads, so that files on a hung mount hold
/// start-up for [`START_READ_DEADLINE`] in all, not once per file or per load.
pub(crate) fn begin_start_reads<'a>(
    tls: impl IntoIterator<Item = &'a Pem>,
    header_files: impl IntoIterator<Item = &'a PathBuf>,
) -> Vec<StartRead> {
    let deadline = std::time::Instant::now() + START_READ_DEADLINE;
    let tls = tls.into_iter().map(|pem| StartRead::begin(pem, deadline, false));
    let headers = header_files
        .into_iter()
        .map(|path| StartRead::begin(&Pem::File(path.clone()), deadline, true));
    tls.chain(headers).collect()
}

/// What was read of every file, compared with the next read to see a change.
#[cfg(feature = "__tls")]
type Read = (
    Option<Result<Vec<u8>, String>>,
    Option<(Result<Vec<u8>, String>, Result<Vec<u8>, String>)>,
);

/// The TLS client configuration of one exporter (or shared client), rebuilt when its
/// files change.
#[cfg(feature = "__tls")]
pub(crate) struct TlsMaterial {
    inputs: TlsInputs,
    state: Mutex<TlsState>,
    /// Bumped when new material is in use; the connections made before it close.
    generation: tokio::sync::watch::Sender<u64>,
}

/// What the configuration is made of.
#[cfg(feature = "__tls")]
struct TlsInputs {
    ca: Option<Pem>,
    identity: Option<(Pem, Pem)>,
    /// The ALPN protocols offered: `h2` for gRPC, `http/1.1` for OTLP/HTTP.
    alpn: Vec<Vec<u8>>,
    /// The system's roots, read once.
    system_roots: Vec<rustls::pki_types::CertificateDer<'static>>,
}

#[cfg(feature = "__tls")]
struct TlsState {
    read: Read,
    config: Arc<rustls::ClientConfig>,
}

#[cfg(feature = "__tls")]
impl TlsMaterial {
    /// The material as it is now, and what of it could not be used (the configuration is
    /// built without it). `Err` only when rustls refuses every configuration.
    pub(crate) fn load(
        ca: Option<Pem>,
        identity: Option<(Pem, Pem)>,
        alpn: &[u8],
    ) -> Result<(Arc<Self>, Vec<BuildWarning>), String> {
        let native = rustls_native_certs::load_native_certs();
        let inputs = TlsInputs {
            ca,
            identity,
            alpn: vec![alpn.to_vec()],
            system_roots: native.certs,
        };
        // Begun together, finished together: at most one deadline in all.
        let deadline = std::time::Instant::now() + START_READ_DEADLINE;
        let begin = |pem: &Pem| StartRead::begin(pem, deadline, false);
        let ca = inputs.ca.as_ref().map(begin);
        let identity = inputs.identity.as_ref().map(|(c, k)| (begin(c), begin(k)));
        let read = (
            ca.map(StartRead::finish_named),
            identity.map(|(c, k)| (c.finish_named(), k.finish_named())),
        );
        let (config, mut problems) = inputs.build(&read, Moment::Start);
        let config = config.map_err(|e| format!("TLS could not be set up ({e})"))?;
        // Without any root every handshake fails: said once, here, not at each export.
        if inputs.system_roots.is_empty() && !has_certificate(&read) {
            let why = native
                .errors
                .first()
                .map(|e| format!(" ({e})"))
                .unwrap_or_default();
            problems.push(BuildWarning {
                setting: CertificateSetting::CaCertificate,
                why: format!(
                    "is not given, and this system has no CA certificates{why}; the collector cannot be \
                     verified, so every export fails (and is counted as lost) until a CA is given"
                ),
            });
        }
        let material = TlsMaterial {
            inputs,
            state: Mutex::new(TlsState {
                read,
                config: Arc::new(config),
            }),
            generation: tokio::sync::watch::Sender::new(0),
        };
        Ok((Arc::new(material), problems))
    }

    /// Whether any of the material is a file (and so worth checking).
    pub(crate) fn has_files(&self) -> bool {
        let TlsInputs { ca, identity, .. } = &self.inputs;
        ca.as_ref().is_some_and(Pem::is_file)
            || identity.as_ref().is_some_and(|(c, k)| c.is_file() || k.is_file())
    }

    /// The configuration for a new connection, and what tells that connection when it
    /// is to close (new material is in use).
    pub(crate) fn current(&self) -> (Arc<rustls::ClientConfig>, Retirement) {
        // Both under the lock `check` bumps the generation under: a connection made with
        // the old configuration always sees the bump that replaced it.
        let state = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        let generation = self.generation.subscribe();
        (Arc::clone(&state.config), Retirement::new(generation))
    }

    /// How many times new material has been put in use; a gRPC sender replaces its
    /// channel when this moves.
    #[cfg(feature = "grpc")]
    pub(crate) fn generation(&self) -> u64 {
        *self.generation.borrow()
    }

    /// Reads the files; when they changed, uses them if they can be used in full, else
    /// warns (once per change) and keeps what is in use.
    pub(crate) fn check(&self) {
        let read = self.inputs.read_with(read);
        let mut state = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        if read == state.read {
            return;
        }
        let (config, problems) = self.inputs.build(&read, Moment::Check);
        state.read = read;
        match config {
            Ok(config) if problems.is_empty() => {
                state.config = Arc::new(config);
                self.generation.send_modify(|g| *g += 1);
                drop(state);
                tracing::info!(
                    target: "otel_kit_otlp",
                    "the OTLP exporter's TLS files changed; new connections use them, and the older ones are closed"
                );
            }
            Ok(_) => {
                drop(state);
                for problem in problems {
                    tracing::warn!(
                        target: "otel_kit_otlp",
                        "the OTLP exporter's TLS files changed, and {problem}; the previous TLS material stays in use until they change again"
                    );
                }
            }
            Err(e) => {
                drop(state);
                tracing::warn!(
                    target: "otel_kit_otlp",
                    "the OTLP exporter's TLS files changed, and TLS cannot be set up with them ({e}); the previous TLS material stays in use until they change again"
                );
            }
        }
    }
}

#[cfg(feature = "__tls")]
impl TlsInputs {
    /// Every source, each read with `read`.
    fn read_with(&self, read: impl Fn(&Pem) -> Result<Vec<u8>, String>) -> Read {
        (
            self.ca.as_ref().map(&read),
            self.identity.as_ref().map(|(c, k)| (read(c), read(k))),
        )
    }

    /// The configuration from what was read, and what of it could not be used: a file
    /// that could not be read is left out, as is a PEM that cannot be parsed. At start,
    /// a warning says what is used instead; at a later check the caller says it (the
    /// previous material stays in use).
    fn build(
        &self,
        read: &Read,
        moment: Moment,
    ) -> (Result<rustls::ClientConfig, rustls::Error>, Vec<BuildWarning>) {
        let (without_ca, without_identity) = match moment {
            Moment::Start => (
                "; using the system roots until it can be read",
                "; no client certificate is presented until it can be read",
            ),
            Moment::Check => ("", ""),
        };
        let mut problems = Vec::new();
        let ca = match &read.0 {
            Some(Ok(pem)) => Some(pem.as_slice()),
            Some(Err(e)) => {
                problems.push(BuildWarning {
                    setting: CertificateSetting::CaCertificate,
                    why: format!("{e}{without_ca}"),
                });
                None
            }
            None => None,
        };
        let identity = match &read.1 {
            Some((Ok(c), Ok(k))) => Some((c.as_slice(), k.as_slice())),
            Some((cert, key)) => {
                let settings = [CertificateSetting::ClientIdentity, CertificateSetting::ClientKey];
                for (setting, e) in settings
                    .into_iter()
                    .zip([cert, key])
                    .filter_map(|(s, r)| Some((s, r.as_ref().err()?)))
                {
                    problems.push(BuildWarning {
                        setting,
                        why: format!("{e}{without_identity}"),
                    });
                }
                None
            }
            None => None,
        };
        use crate::transport::tls_config::{Instead, client_config};
        let instead = match moment {
            Moment::Start => Instead::AT_START,
            Moment::Check => Instead::AT_CHECK,
        };
        let (config, more) = client_config(&self.system_roots, ca, identity, instead);
        problems.extend(more);
        let config = config.map(|mut c| {
            c.alpn_protocols = self.alpn.clone();
            c
        });
        (config, problems)
    }
}

/// When TLS material is built: at start, when what cannot be used is left out, or at a
/// later check, when the previous material stays in use instead.
#[cfg(feature = "__tls")]
#[derive(Clone, Copy)]
enum Moment {
    Start,
    Check,
}

/// Whether the CA that was read holds a certificate.
#[cfg(feature = "__tls")]
fn has_certificate(read: &Read) -> bool {
    use rustls::pki_types::CertificateDer;
    use rustls::pki_types::pem::PemObject as _;
    matches!(&read.0, Some(Ok(pem)) if CertificateDer::pem_slice_iter(pem).any(|c| c.is_ok()))
}

/// Tells one connection that the material it was made with has been replaced.
#[cfg(feature = "__tls")]
pub(crate) struct Retirement(std::pin::Pin<Box<dyn std::future::Future<Output = ()> + Send>>);

#[cfg(feature = "__tls")]
impl Retirement {
    fn new(mut generation: tokio::sync::watch::Receiver<u64>) -> Self {
        Retirement(Box::pin(async move {
            // Without a sender (the exporter is gone) the connection is never retired.
            if generation.changed().await.is_err() {
                std::future::pending::<()>().await;
            }
        }))
    }

    /// Ready once the connection is to close.
    pub(crate) fn poll(&mut self, cx: &mut std::task::Context<'_>) -> std::task::Poll<()> {
        self.0.as_mut().poll(cx)
    }
}

/// Header values read from files (a bearer token), read again when the files change.
/// The values are never printed.
pub(crate) struct HeaderFiles {
    files: Vec<(http::HeaderName, PathBuf)>,
    values: Mutex<Vec<HeaderFromFile>>,
}

/// One header's name, its value in use (none until the file could be used), and what
/// was last read of its file.
type HeaderFromFile = (
    http::HeaderName,
    Option<http::HeaderValue>,
    Result<Vec<u8>, String>,
);

impl std::fmt::Debug for HeaderFiles {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Names only: the values are credentials.
        f.debug_list().entries(self.files.iter().map(|(n, _)| n)).finish()
    }
}

impl HeaderFiles {
    /// The header files, each read now; a file that cannot be read or used is a warning,
    /// and its header is left out until it can be.
    pub(crate) fn load(files: Vec<(http::HeaderName, PathBuf)>) -> (Arc<Self>, Vec<String>) {
        let headers = HeaderFiles {
            values: Mutex::new(Vec::new()),
            files,
        };
        let mut warnings = Vec::new();
        // Begun together, finished together: at most one deadline in all.
        let deadline = std::time::Instant::now() + START_READ_DEADLINE;
        let reads: Vec<_> = headers
            .files
            .iter()
            .map(|(_, path)| StartRead::begin(&Pem::File(path.clone()), deadline, true))
            .collect();
        let values = headers
            .files
            .iter()
            .zip(reads)
            .map(|((name, path), read)| {
                let read = read.finish_named();
                let (value, problem) = header_value(name, path, &read);
                warnings.extend(problem.map(|problem| problem + NOT_SENT));
                (name.clone(), value, read)
            })
            .collect();
        *headers.values.lock().unwrap_or_else(PoisonError::into_inner) = values;
        (Arc::new(headers), warnings)
    }

    /// Reads the files again; a changed value is used from the next request on. A file
    /// that now cannot be read or used is warned about, and its last value kept.
    pub(crate) fn check(&self) {
        // Read before the lock, which every request takes (`apply`): a slow file must
        // not hold the requests.
        let reads: Vec<_> = self
            .files
            .iter()
            .map(|(_, path)| read(&Pem::File(path.clone())))
            .collect();
        let mut values = self.values.lock().unwrap_or_else(PoisonError::into_inner);
        for (((name, path), (_, value, last)), read) in self.files.iter().zip(values.iter_mut()).zip(reads) {
            if read == *last {
                continue;
            }
            // Changed a moment ago: maybe half-written. Read again at the next check.
            if !settled(path) {
                continue;
            }
            let (fresh, problem) = header_value(name, path, &read);
            *last = read;
            match (fresh, problem) {
                (Some(fresh), _) => *value = Some(fresh),
                (None, Some(problem)) => {
                    // A value in use is still sent: only without one is the header not.
                    let not_sent = if value.is_some() { "" } else { NOT_SENT };
                    tracing::warn!(
                        target: "otel_kit_otlp",
                        "the OTLP header file {problem}{not_sent} (its previous value, if any, stays in use until the file changes again)"
                    );
                }
                (None, None) => {}
            }
        }
    }

    /// Sets the headers that have a value on `headers`.
    pub(crate) fn apply(&self, headers: &mut http::HeaderMap) {
        for (name, value, _) in self.values.lock().unwrap_or_else(PoisonError::into_inner).iter() {
            if let Some(value) = value {
                headers.insert(name.clone(), value.clone());
            }
        }
    }
}

/// How a header file's problem ends when no value read before is in use: what is sent
/// instead (nothing).
const NOT_SENT: &str = "; the header is not sent until it can be";

/// The value of header `name` from a file's bytes, trimmed of surrounding white space
/// (a token file usually ends with a newline); marked sensitive, so that hyper and h2
/// never log it.
fn header_value(
    name: &http::HeaderName,
    path: &std::path::Path,
    read: &Result<Vec<u8>, String>,
) -> (Option<http::HeaderValue>, Option<String>) {
    let unusable = |why: String| format!("for '{name}' cannot be used: {why}");
    let bytes = match read {
        Ok(bytes) => bytes.trim_ascii(),
        Err(e) => return (None, Some(unusable(e.clone()))),
    };
    match http::HeaderValue::from_bytes(bytes) {
        Ok(mut value) if !bytes.is_empty() => {
            value.set_sensitive(true);
            (Some(value), None)
        }
        // Paths are printed escaped (`{:?}`): a control character in one must not reach
        // a log line raw.
        Ok(_) => (None, Some(unusable(format!("file {path:?} is empty")))),
        Err(_) => (
            None,
            Some(unusable(format!(
                "file {path:?} holds a character a header cannot carry"
            ))),
        ),
    }
}

/// Reads `check`'s files every `every` on `runtime`, for as long as `owner` lives.
pub(crate) fn watch<T: Send + Sync + 'static>(
    owner: &Arc<T>,
    runtime: &tokio::runtime::Handle,
    every: Duration,
    check: fn(&T),
) {
    let owner: Weak<T> = Arc::downgrade(owner);
    runtime.spawn(async move {
        let mut ticks = tokio::time::interval(every);
        ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        // The first tick is at once: the files were just read.
        ticks.tick().await;
        // The check reads files, which may block (a hung network mount): it runs on a
        // blocking thread, never on the export runtime's, and is not awaited. While one
        // still runs, the next ticks are skipped, so a hung file holds one thread.
        let mut running: Option<tokio::task::JoinHandle<()>> = None;
        loop {
            ticks.tick().await;
            if owner.strong_count() == 0 {
                return;
            }
            if running.as_ref().is_some_and(|r| !r.is_finished()) {
                continue;
            }
            let owner = Weak::clone(&owner);
            running = Some(tokio::task::spawn_blocking(move || {
                if let Some(owner) = owner.upgrade() {
                    check(&owner);
                }
            }));
        }
    });
}

#[cfg(all(test, feature = "__tls"))]
mod tests;
