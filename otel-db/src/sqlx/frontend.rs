//! The sqlx pool wrapper as a front-end of the shared SQL core.

crate::instrumentation::frontend!(
    /// The sqlx pool wrapper.
    Sqlx,
    &["SQLX"]
);
