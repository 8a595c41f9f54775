//! `--raw`: what the server sent, as it arrives: each SSE `data` payload on
//! its own line (JSONL; `[DONE]` is left out; a payload spread over several
//! `data:` lines is joined with spaces), or a non-streamed body byte
//! for byte with nothing added.

use std::io::{self, Write};
use std::time::Duration;

use super::Sink;
use crate::stream::assemble::Assembler;

pub struct RawSink<W: Write> {
    out: W,
}

impl<W: Write> RawSink<W> {
    pub fn new(out: W) -> RawSink<W> {
        RawSink { out }
    }
}

impl<W: Write> Sink for RawSink<W> {
    fn payload(&mut self, data: &[u8], streamed: bool, _at: Duration) -> io::Result<()> {
        if !streamed {
            return self.out.write_all(data);
        }
        // A payload spread over several `data:` lines comes joined with LF:
        // one line of JSONL, its line breaks turned into spaces.
        let mut rest = data;
        while let Some(i) = memchr::memchr(b'\n', rest) {
            self.out.write_all(&rest[..i])?;
            self.out.write_all(b" ")?;
            rest = &rest[i + 1..];
        }
        self.out.write_all(rest)?;
        self.out.write_all(b"\n")
    }

    fn flush(&mut self) -> io::Result<()> {
        self.out.flush()
    }

    fn finish(&mut self, _asm: &Assembler) -> io::Result<Vec<String>> {
        self.out.flush()?;
        Ok(Vec::new())
    }
}
