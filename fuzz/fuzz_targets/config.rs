//! The config file parser (toml, with error positions turned into line and
//! column) and the error-body classifier must not panic on any input.
#![no_main]

use libfuzzer_sys::fuzz_target;
use yap::config::file::ConfigFile;
use yap::transport::classify::provider_message;

fuzz_target!(|input: &[u8]| {
    if let Ok(text) = std::str::from_utf8(input) {
        let _ = ConfigFile::parse(text, std::path::Path::new("fuzz.toml"));
    }
    let _ = provider_message("500 X", "text/html", input);
    let _ = provider_message("500 X", "application/json", input);
});
