//! One link argument for yap's own executable on x86-64 Linux: a plain
//! (non-PIE) executable. As a position-independent executable, the dynamic
//! loader spent ~0.7 ms on every start applying ~16,600 relative
//! relocations (the bundled SQLite's and the parsers' tables); a plain
//! executable has none, and `yap --version` starts in about a millisecond
//! (bench/RESULTS.md, "Startup"). Shared libraries are still loaded at
//! random addresses. Only the binaries get it: libraries, proc macros and
//! build scripts link as usual.

fn main() {
    let os = std::env::var("CARGO_CFG_TARGET_OS").unwrap_or_default();
    let arch = std::env::var("CARGO_CFG_TARGET_ARCH").unwrap_or_default();
    let env = std::env::var("CARGO_CFG_TARGET_ENV").unwrap_or_default();
    if os == "linux" && arch == "x86_64" && env == "gnu" {
        println!("cargo:rustc-link-arg-bins=-no-pie");
    }
    println!("cargo:rerun-if-changed=build.rs");
}
