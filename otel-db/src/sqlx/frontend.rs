//! The sqlx pool wrapper as a front-end of the shared SQL core.

crate::sql_core::instrumentation::frontend!(
    /// The sqlx pool wrapper.
    Sqlx,
    &["SQLX"]
);
