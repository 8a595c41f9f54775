//! yap: a command-line client for OpenAI-compatible Chat Completions APIs.
//!
//! Data flows one way: arguments ([`cli`]) → settings ([`config`]) →
//! request body ([`request`]) → a [`source`] of responses (the network
//! through [`transport`], or bytes in memory) → events ([`stream`]) →
//! sinks ([`output`]), all driven by one [`exchange`], whose finished value
//! the command reads. [`cmd`] wires them; [`app`] turns the outcome into an
//! exit code. `docs/architecture.md` draws the map.

pub mod app;
pub mod batch;
pub mod batchapi;
pub mod cassette;
pub mod cli;
pub mod cmd;
pub mod config;
pub mod error;
pub mod exchange;
pub mod history;
pub mod input;
pub mod output;
pub mod repl;
pub mod request;
pub mod source;
pub mod stream;
pub mod structured;
pub mod template;
pub mod tools;
pub mod transport;
