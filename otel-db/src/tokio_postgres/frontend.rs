//! The tokio-postgres client wrapper as a front end of the shared SQL core.

crate::sql_core::instrumentation::frontend!(
    /// The tokio-postgres client wrapper.
    TokioPostgres,
    &["TOKIO_POSTGRES"]
);
