//! Resource detection and precedence.

mod cloud;
mod container;
mod detect;
mod precedence;
