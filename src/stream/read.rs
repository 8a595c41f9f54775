//! The one chunk reader: the fast reader of `fast.rs` first, serde_json
//! when it declines (which also gives the error message). Every payload
//! yap parses goes through here, streamed or not.

use super::chunk::Chunk;
use super::fast::{self, Resume};

/// Parse one payload with every member read (metadata included).
pub fn parse(data: &str) -> Result<Chunk<'_>, serde_json::Error> {
    match fast::parse(data, true) {
        Some(chunk) => Ok(chunk),
        None => serde_json::from_str(data),
    }
}

/// Reads the payloads of one stream in order. Without `meta` (text mode)
/// it skips the metadata the text never shows and resumes at the content
/// of a chunk that repeats the previous one's prefix.
#[derive(Debug, Default)]
pub struct ChunkReader {
    meta: bool,
    resume: Resume,
    known: bool,
}

impl ChunkReader {
    /// `meta`: read `id`, `model`, `created`, `system_fingerprint` (the
    /// assembled document needs them; text output does not).
    pub fn new(meta: bool) -> ChunkReader {
        ChunkReader {
            meta,
            resume: Resume::default(),
            known: false,
        }
    }

    /// Whether the assembler reads every member of the payload read last
    /// itself (`false` when unsure: serde read it, or text mode, where
    /// nothing more is kept anyway): `--json` then skips `on_payload`.
    pub fn known(&self) -> bool {
        self.known
    }

    pub fn read<'a>(&mut self, data: &'a str) -> Result<Chunk<'a>, serde_json::Error> {
        if self.meta {
            return match fast::parse_known(data) {
                Some((chunk, known)) => {
                    self.known = known;
                    Ok(chunk)
                }
                None => {
                    self.known = false;
                    serde_json::from_str(data)
                }
            };
        }
        match self.resume.parse(data) {
            Some(chunk) => Ok(chunk),
            None => serde_json::from_str(data),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_modes_fall_back_to_serde_for_its_message() {
        for meta in [true, false] {
            let mut r = ChunkReader::new(meta);
            assert!(r.read("{not json").is_err());
            let c = r.read(r#"{"id":"x","choices":[{"index":0,"delta":{"content":"a"}}]}"#);
            let c = c.expect("a valid chunk");
            assert_eq!(c.id.is_some(), meta);
        }
    }
}
