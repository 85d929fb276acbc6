//! The hook with the defaults, in one call.

use super::builder::DieselBuilder;
use super::hook::DieselInstrumentation;

/// The instrumentation of one connection established with `url`, with the defaults
/// ([`DieselBuilder::new`]); see [`DieselBuilder::build`].
///
/// ```
/// let hook = otel_kit_db::diesel::instrumentation("mysql://app:secret@db.internal:3307/shop");
/// assert_eq!(hook.system_name(), Some("mysql"));
/// ```
pub fn instrumentation(url: &str) -> DieselInstrumentation {
    DieselBuilder::new().build(url)
}

/// Traces every connection diesel establishes from now on, with the defaults
/// ([`DieselBuilder::new`]); see [`DieselBuilder::install_default`].
///
/// ```
/// otel_kit_db::diesel::install_default().expect("installed");
/// ```
pub fn install_default() -> diesel::QueryResult<()> {
    DieselBuilder::new().install_default()
}
