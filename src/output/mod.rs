//! Sinks: where events go. Text, `--json` and `--raw` are three sinks of
//! one trait; the exchange puts an event log in front of one when a
//! recording is asked for. Sinks know events and writers, never HTTP.

pub mod json;
pub mod models;
pub mod progress;
pub mod raw;
pub mod term;
pub mod text;

use std::io;
use std::time::Duration;

use crate::stream::assemble::Assembler;
use crate::stream::chunk::Chunk;

pub trait Sink {
    /// One SSE `data` payload as it arrived (`[DONE]` excluded), or the
    /// whole body of a non-streamed response (`streamed` false).
    fn payload(&mut self, _data: &[u8], _streamed: bool, _at: Duration) -> io::Result<()> {
        Ok(())
    }

    /// The SSE `event:` name of the payload that comes next, when it is
    /// not the default `message` (a cassette keeps it).
    fn event_name(&mut self, _name: &str) {}

    /// One parsed chunk (a non-streamed answer comes as one chunk).
    fn chunk(&mut self, _chunk: &Chunk<'_>) -> io::Result<()> {
        Ok(())
    }

    /// Called after each network read: push out what is buffered.
    fn flush(&mut self) -> io::Result<()>;

    /// The response ended (completely or not): write what is left, and
    /// return the warnings this sink has for stderr.
    fn finish(&mut self, asm: &Assembler) -> io::Result<Vec<String>>;
}

/// The output mode a command was asked for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    Text,
    Json,
    Raw,
}

/// A sink that prints nothing (a tool loop's steps in `--json` mode: only
/// the final document is printed).
pub struct NullSink;

impl Sink for NullSink {
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }

    fn finish(&mut self, _asm: &Assembler) -> io::Result<Vec<String>> {
        Ok(Vec::new())
    }
}
