//! Resource detection and precedence.

mod container;
mod detect;
mod precedence;
