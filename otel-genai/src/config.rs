//! [`Config`]: the process-wide settings (content capture, size limit, hook, prices),
//! installed with [`set_config`].

use std::fmt;
use std::sync::{Arc, LazyLock, PoisonError, RwLock};

use crate::PriceTable;
use crate::content::{CaptureMode, ContentHook};

/// The default limit of one captured content attribute, in bytes of JSON.
///
/// ```
/// assert_eq!(otel_kit_genai::DEFAULT_CONTENT_LIMIT, 32 * 1024);
/// ```
pub const DEFAULT_CONTENT_LIMIT: usize = 32 * 1024;

/// Process-wide settings. The default captures no content (unless the environment
/// variable says so), limits content to [`DEFAULT_CONTENT_LIMIT`], has no hook and no
/// prices.
///
/// ```standalone_crate
/// use otel_kit_genai::content::CaptureMode;
/// use otel_kit_genai::{Config, Price, PriceTable};
///
/// otel_kit_genai::set_config(
///     Config::new()
///         .capture_mode(CaptureMode::SpanOnly)
///         .content_limit(8 * 1024)
///         .content_hook(|_kind, content| Some(content))
///         .prices(PriceTable::new("USD").with("gpt-4o", Price::per_million(2.5, 10.0))),
/// );
/// # otel_kit_genai::set_config(Config::new());
/// ```
#[derive(Clone)]
pub struct Config {
    capture: Option<CaptureMode>,
    content_limit: usize,
    hook: Option<Arc<dyn ContentHook>>,
    prices: Option<Arc<PriceTable>>,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            capture: None,
            content_limit: DEFAULT_CONTENT_LIMIT,
            hook: None,
            prices: None,
        }
    }
}

impl fmt::Debug for Config {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Config")
            .field("capture", &self.capture)
            .field("content_limit", &self.content_limit)
            .field("hook", &self.hook.is_some())
            .field("prices", &self.prices)
            .finish()
    }
}

impl Config {
    /// The defaults.
    pub fn new() -> Self {
        Config::default()
    }

    /// The process's capture mode, in place of the environment variable's; but a
    /// `NO_CONTENT` in the environment still wins (the operator's off switch).
    pub fn capture_mode(mut self, mode: CaptureMode) -> Self {
        self.capture = Some(mode);
        self
    }

    /// The limit of one captured content attribute, in bytes of JSON.
    pub fn content_limit(mut self, bytes: usize) -> Self {
        self.content_limit = bytes;
        self
    }

    /// The hook that sees content before it is recorded.
    pub fn content_hook(mut self, hook: impl ContentHook) -> Self {
        self.hook = Some(Arc::new(hook));
        self
    }

    /// The price table for the cost estimate.
    pub fn prices(mut self, prices: PriceTable) -> Self {
        self.prices = Some(Arc::new(prices));
        self
    }

    pub(crate) fn capture(&self) -> Option<CaptureMode> {
        self.capture
    }

    pub(crate) fn hook(&self) -> Option<&dyn ContentHook> {
        self.hook.as_deref()
    }

    pub(crate) fn limit(&self) -> usize {
        self.content_limit
    }

    pub(crate) fn price_table(&self) -> Option<&PriceTable> {
        self.prices.as_deref()
    }
}

static CURRENT: LazyLock<RwLock<Arc<Config>>> = LazyLock::new(|| RwLock::new(Arc::default()));

/// Installs `config` for every call started from now on, on every thread.
///
/// ```standalone_crate
/// otel_kit_genai::set_config(otel_kit_genai::Config::new().content_limit(4096));
/// # otel_kit_genai::set_config(otel_kit_genai::Config::new());
/// ```
pub fn set_config(config: Config) {
    *CURRENT.write().unwrap_or_else(PoisonError::into_inner) = Arc::new(config);
}

pub(crate) fn current() -> Arc<Config> {
    CURRENT.read().unwrap_or_else(PoisonError::into_inner).clone()
}
