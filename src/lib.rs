//! yap: a command-line client for OpenAI-compatible Chat Completions APIs.
//!
//! Data flows one way: arguments ([`cli`]) → settings ([`config`]) →
//! request body ([`request`]) → transport ([`transport`]) → events
//! ([`stream`]) → sinks ([`output`]). [`cmd`] wires them; [`app`] turns
//! the outcome into an exit code.

pub mod app;
pub mod cli;
pub mod cmd;
pub mod config;
pub mod error;
pub mod input;
pub mod output;
pub mod request;
pub mod stream;
pub mod transport;
