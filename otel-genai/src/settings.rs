//! [`Settings`]: what a [`GenAi`](crate::GenAi) records beyond the conventions'
//! defaults (content capture, its size limit and hook, prices), set through its builder
//! methods. Calls started without a `GenAi` use the defaults.

use std::fmt;
use std::sync::{Arc, LazyLock};

use crate::PriceTable;
use crate::content::hook::ContentHook;
use crate::content::mode::CaptureMode;

/// The default limit of one captured content attribute, in bytes of JSON.
///
/// ```
/// assert_eq!(otel_kit_genai::DEFAULT_CONTENT_LIMIT, 32 * 1024);
/// ```
pub const DEFAULT_CONTENT_LIMIT: usize = 32 * 1024;

/// A `GenAi`'s settings. The default captures no content (unless the environment
/// variable says so), limits content to [`DEFAULT_CONTENT_LIMIT`], has no hook and no
/// prices.
#[derive(Clone)]
pub(crate) struct Settings {
    /// In place of the environment variable's mode; a `NO_CONTENT` in the environment
    /// still wins (the operator's off switch).
    pub(crate) capture: Option<CaptureMode>,
    pub(crate) content_limit: usize,
    pub(crate) hook: Option<Arc<dyn ContentHook>>,
    pub(crate) prices: Option<Arc<PriceTable>>,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            capture: None,
            content_limit: DEFAULT_CONTENT_LIMIT,
            hook: None,
            prices: None,
        }
    }
}

impl fmt::Debug for Settings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Settings")
            .field("capture", &self.capture)
            .field("content_limit", &self.content_limit)
            .field("hook", &self.hook.is_some())
            .field("prices", &self.prices)
            .finish()
    }
}

impl Settings {
    /// The defaults, shared: what a call started without a `GenAi` uses.
    pub(crate) fn shared_default() -> Arc<Settings> {
        static DEFAULT: LazyLock<Arc<Settings>> = LazyLock::new(Arc::default);
        Arc::clone(&DEFAULT)
    }

    pub(crate) fn hook(&self) -> Option<&dyn ContentHook> {
        self.hook.as_deref()
    }

    pub(crate) fn price_table(&self) -> Option<&PriceTable> {
        self.prices.as_deref()
    }
}
