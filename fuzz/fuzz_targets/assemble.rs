//! An SSE stream through the chunk readers into the assembler, the way
//! `exchange/mod.rs` does it, in both modes:
//! - `--json` mode: `read::parse` (fast reader, serde_json fallback) into
//!   `Assembler::new(true)`, with `on_payload` (unknown members kept);
//! - text mode: `fast::Resume::parse`, which must read exactly what a full
//!   `fast::parse(data, false)` reads, into `Assembler::new(false)`.
//! Then `to_document()`, `check()` and `warnings()`. Nothing may panic,
//! and skipping `on_payload` for payloads `ChunkReader::known` says
//! are all known (as `exchange/mod.rs` does) gives the same document.
#![no_main]

use libfuzzer_sys::fuzz_target;
use serde_json::Value;
use yap::stream::assemble::Assembler;
use yap::stream::chunk::Chunk;
use yap::stream::{fast, read};
use yap::stream::sse::decode_all;

fuzz_target!(|input: &[u8]| {
    let mut json_mode = Assembler::new(true);
    // `--json` as the exchange runs it: `on_payload` only for a payload
    // the fast reader did not say is all known; `json_mode` always calls it.
    let mut json_skip = Assembler::new(true);
    let mut reader = read::ChunkReader::new(true);
    let mut text_mode = Assembler::new(false);
    let mut resume = fast::Resume::default();

    for (kind, data, _id) in decode_all(input, &[]) {
        if data == "[DONE]" {
            json_mode.done_seen = true;
            json_skip.done_seen = true;
            text_mode.done_seen = true;
            continue;
        }
        if kind == "error" {
            let value = serde_json::from_str::<Value>(&data)
                .map(|v| v.get("error").cloned().unwrap_or(v))
                .unwrap_or_else(|_| Value::String(data.clone()));
            json_mode.on_error(value.clone());
            json_skip.on_error(value.clone());
            text_mode.on_error(value);
        }

        if let Ok(chunk) = read::parse(&data) {
            json_mode.on_chunk(&chunk);
            // The members yap does not know, kept for `--json`.
            json_mode.on_payload(&data);
            let _ = chunk.usage();
            let _ = chunk.error();
        }
        if let Ok(chunk) = reader.read(&data) {
            json_skip.on_chunk(&chunk);
            if !reader.known() {
                json_skip.on_payload(&data);
            }
        }

        match resume.parse(&data) {
            Some(chunk) => {
                let resumed = format!("{chunk:?}");
                let full = fast::parse(&data, false)
                    .map(|c| format!("{c:?}"))
                    .unwrap_or_else(|| "None".to_string());
                assert_eq!(
                    resumed, full,
                    "Resume::parse differs from fast::parse(data, false) on {data:?}"
                );
                text_mode.on_chunk(&chunk);
            }
            None => {
                if let Ok(chunk) = serde_json::from_str::<Chunk>(&data) {
                    text_mode.on_chunk(&chunk);
                }
            }
        }
    }

    assert_eq!(
        json_skip.to_document(),
        json_mode.to_document(),
        "a payload said known had members only on_payload keeps"
    );
    for asm in [&json_mode, &text_mode] {
        let doc = asm.to_document();
        let _ = serde_json::to_string(&doc).unwrap();
        let _ = asm.check();
        let _ = asm.warnings();
    }
});
