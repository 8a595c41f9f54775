//! `--raw`: what the server sent, as it arrives: each SSE `data` payload on
//! its own line (JSONL; `[DONE]` is left out), or a non-streamed body byte
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
        self.out.write_all(data)?;
        if streamed {
            self.out.write_all(b"\n")?;
        }
        Ok(())
    }

    fn flush(&mut self) -> io::Result<()> {
        self.out.flush()
    }

    fn finish(&mut self, _asm: &Assembler) -> io::Result<Vec<String>> {
        self.out.flush()?;
        Ok(Vec::new())
    }
}
