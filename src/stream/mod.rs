//! Bytes to events: the SSE decoder, the chunk types and the assembler.
//! Nothing here writes output.

pub mod assemble;
pub mod chunk;
pub mod fast;
pub mod read;
pub mod sse;
