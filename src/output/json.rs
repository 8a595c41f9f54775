//! `--json`: one document, the response object, written at the end. A
//! streamed response is assembled into the non-streamed shape; a
//! non-streamed one is written as the server sent it.

use std::io::{self, Write};

use super::Sink;
use crate::stream::assemble::Assembler;

pub struct JsonSink<W: Write> {
    out: W,
}

impl<W: Write> JsonSink<W> {
    pub fn new(out: W) -> JsonSink<W> {
        JsonSink { out }
    }
}

impl<W: Write> Sink for JsonSink<W> {
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }

    fn finish(&mut self, asm: &Assembler) -> io::Result<Vec<String>> {
        if asm.choices.is_empty() {
            // No choice arrived: no placeholder document; the error object
            // on stderr says what happened.
            self.out.flush()?;
            return Ok(Vec::new());
        }
        serde_json::to_writer(&mut self.out, &asm.to_document()).map_err(io::Error::other)?;
        self.out.write_all(b"\n")?;
        self.out.flush()?;
        Ok(Vec::new())
    }
}
