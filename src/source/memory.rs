//! A source that answers every request from memory: a head and the body in
//! the pieces it was cut into. No socket: tests drive the exchange with it,
//! and a recorded exchange plays back through the same seam.

use std::collections::VecDeque;
use std::time::Instant;

use bytes::Bytes;

use super::{Activity, Body, Failed, Head, Opened, Source};
use crate::error::Failure;
use crate::request::Prepared;

#[derive(Clone, Debug)]
pub struct Memory {
    answer: Result<(Head, Vec<Bytes>), Failed>,
}

impl Memory {
    /// A 200 response with this Content-Type and body, read in `pieces`.
    pub fn new(content_type: &str, pieces: Vec<Bytes>) -> Memory {
        let head = Head {
            status: 200,
            headers: vec![("content-type".into(), content_type.into())],
        };
        Memory {
            answer: Ok((head, pieces)),
        }
    }

    /// `body` cut into pieces of at most `size` bytes.
    pub fn cut(content_type: &str, body: &[u8], size: usize) -> Memory {
        let pieces = body
            .chunks(size.max(1))
            .map(Bytes::copy_from_slice)
            .collect();
        Memory::new(content_type, pieces)
    }

    /// Every request fails this way.
    pub fn failing(failed: Failed) -> Memory {
        Memory {
            answer: Err(failed),
        }
    }
}

pub struct MemoryBody(VecDeque<Bytes>);

impl Body for MemoryBody {
    async fn next(&mut self) -> Result<Option<Bytes>, Failure> {
        Ok(self.0.pop_front())
    }
}

impl Source for Memory {
    type Body = MemoryBody;

    async fn open(
        &self,
        _req: &Prepared,
        _deadline: Option<Instant>,
        _activity: &dyn Activity,
    ) -> Result<Opened<MemoryBody>, Failed> {
        let (head, pieces) = self.answer.clone()?;
        Ok(Opened {
            head,
            body: MemoryBody(pieces.into()),
            started: Instant::now(),
        })
    }
}
