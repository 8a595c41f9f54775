//! Commands: each wires the layers together and holds no parsing or
//! formatting of its own.

pub mod batch;
pub mod chat;
pub mod common;
pub mod complete;
pub mod config;
pub mod interactive;
pub mod logs;
pub mod models;
pub mod replay;
pub mod save;
pub mod templates;
