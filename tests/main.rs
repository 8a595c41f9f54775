//! One integration binary: every test runs the built `yap` against a real
//! HTTP server on 127.0.0.1 (see `support/server.rs`).

mod cases;
mod support;
