//! Sources of responses: what an exchange reads from. The live source
//! sends the request over the network (the key, retries and back-off are
//! its business); a recorded source plays bytes back and needs no key.
//! Either way the exchange gets a response head and a body to read piece
//! by piece, or the failure that ended the request before a body.

pub mod live;
pub mod memory;
pub mod recorded;
pub mod taped;

use std::future::Future;
use std::time::Instant;

use bytes::Bytes;

use crate::error::Failure;
use crate::request::Prepared;

/// What an exchange reports while it runs, for whoever shows progress (a
/// spinner today, a batch's progress bar later). Notes are `-v` lines and
/// retry notices; `arrived` marks the first byte of a response body.
pub trait Activity {
    fn note(&self, line: &str);
    fn arrived(&self) {}
}

/// Progress shown nowhere (tests, and callers that print nothing).
pub struct Silent;

impl Activity for Silent {
    fn note(&self, _line: &str) {}
}

/// The head of a response: its status and the headers that matter to a
/// reader of the exchange (never one named like a secret).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Head {
    pub status: u16,
    pub headers: Vec<(String, String)>,
}

impl Head {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The Content-Type, lowercased ("" when none).
    pub fn content_type(&self) -> String {
        self.header("content-type")
            .unwrap_or("")
            .to_ascii_lowercase()
    }

    /// Is this header worth keeping with the exchange? The body's type,
    /// the provider's request id and rate-limit state, the server's wait.
    pub fn keeps(name: &str) -> bool {
        let n = name.to_ascii_lowercase();
        matches!(
            n.as_str(),
            "content-type" | "date" | "retry-after" | "retry-after-ms" | "openai-model"
        ) || n.contains("request-id")
            || n.starts_with("x-ratelimit-")
            || n.starts_with("openai-processing")
    }
}

/// A response whose body is still to be read.
pub struct Opened<B> {
    pub head: Head,
    pub body: B,
    /// When the request that got this response was sent (its last attempt):
    /// event times are offsets from here.
    pub started: Instant,
}

/// A request that ended before a body to read: an HTTP error status (with
/// its head and body), a refused connection, a timeout.
#[derive(Clone, Debug)]
pub struct Failed {
    pub head: Option<Head>,
    pub body: Option<Vec<u8>>,
    pub failure: Failure,
}

impl From<Failure> for Failed {
    fn from(failure: Failure) -> Failed {
        Failed {
            head: None,
            body: None,
            failure,
        }
    }
}

/// The pieces of a response body as they arrive.
pub trait Body {
    /// The next piece; `Ok(None)` at the end, or where the connection broke
    /// (the assembler tells a complete answer from a cut one).
    fn next(&mut self) -> impl Future<Output = Result<Option<Bytes>, Failure>>;
}

/// Where responses come from.
pub trait Source {
    type Body: Body;

    /// Send `req` (or find its recording). `deadline` bounds any wait the
    /// source makes of its own (a retry's back-off).
    fn open(
        &self,
        req: &Prepared,
        deadline: Option<Instant>,
        activity: &dyn Activity,
    ) -> impl Future<Output = Result<Opened<Self::Body>, Failed>>;
}
