//! (Extra target.) One payload through the fast chunk reader and through
//! serde_json: `fast.rs` promises the same result for a valid chunk. When
//! both accept, the chunks must be equal.
//!
//! `fast.rs` also says it returns `None` for anything but a well-formed
//! chunk; it is more lenient than that (its value skipper accepts some
//! invalid JSON), so "fast accepts what serde rejects" is only an error
//! when the environment variable `YAP_FUZZ_STRICT` is set.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use yap::stream::chunk::Chunk;
use yap::stream::{fast, read};

fn strict() -> bool {
    static STRICT: OnceLock<bool> = OnceLock::new();
    *STRICT.get_or_init(|| std::env::var_os("YAP_FUZZ_STRICT").is_some())
}

fuzz_target!(|input: &[u8]| {
    let Ok(data) = std::str::from_utf8(input) else {
        return;
    };
    let serde = serde_json::from_str::<Chunk>(data);
    if let Some(chunk) = fast::parse(data, true) {
        match &serde {
            Ok(s) => assert_eq!(
                format!("{chunk:?}"),
                format!("{s:?}"),
                "fast::parse(data, true) and serde_json differ on {data:?}"
            ),
            // Duplicate member names are valid JSON that serde's derive
            // refuses; the fast reader reads them last-wins, on purpose.
            Err(e) => assert!(
                !strict() || e.to_string().starts_with("duplicate field"),
                "fast::parse(data, true) accepts what serde_json rejects ({e}): {data:?}"
            ),
        }
    }
    // read::parse is the fast reader with the serde fallback: it accepts
    // at least what serde accepts.
    if serde.is_ok() {
        assert!(read::parse(data).is_ok(), "read::parse rejects what serde accepts: {data:?}");
    }
    // Text mode on its own: a fresh Resume reads as a full fast read.
    let resumed = fast::Resume::default().parse(data).map(|c| format!("{c:?}"));
    let full = fast::parse(data, false).map(|c| format!("{c:?}"));
    assert_eq!(resumed, full, "Resume::parse and fast::parse(data, false) differ on {data:?}");
});
