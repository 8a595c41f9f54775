//! One integration binary: every test runs the built `yap` against a real
//! HTTP server on 127.0.0.1 (see `support/server.rs`).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test helpers outside #[test] fns: a panic there fails the test, which is what it should do"
)]

mod cases;
mod support;
