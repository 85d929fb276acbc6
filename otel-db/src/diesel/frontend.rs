//! diesel's hook as a front end of the shared SQL core.

crate::sql_core::instrumentation::frontend!(
    /// diesel's instrumentation hook.
    Diesel,
    &["DIESEL"]
);
