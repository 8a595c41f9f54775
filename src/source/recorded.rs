//! A recorded source: one exchange of a cassette played back as the
//! network would have delivered it. The recorded head, then the events as
//! SSE bytes (`event:` when it had a name, `data:` lines, a blank line;
//! `[DONE]` when it came), or the recorded body; optionally at the recorded
//! pace (`--realtime`, `--speed X`). No key, no socket: the sinks cannot
//! tell it from a live answer, which is what makes stdout identical.
//!
//! The events are read from the file by a thread, a few hundred at a time,
//! while the exchange prints them: memory stays flat with the stream.

use std::collections::VecDeque;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use bytes::Bytes;
use tokio::sync::mpsc;

use super::{Activity, Body, Failed, Opened, Source};
use crate::cassette::read::{self, Summary};
use crate::error::{Failure, Kind};
use crate::request::Prepared;

/// Events per batch the reading thread sends, and bytes per piece.
const BATCH: usize = 4096;
const PIECE: usize = 64 * 1024;

pub struct Recorded {
    path: PathBuf,
    offset: u64,
    summary: Summary,
    /// `Some(speed)`: keep the recorded timing, scaled (`--speed`).
    speed: Option<f64>,
    broken: Arc<AtomicBool>,
}

impl Recorded {
    /// Line `offset` of the cassette at `path`, already read as `summary`.
    pub fn new(path: &Path, offset: u64, summary: Summary, speed: Option<f64>) -> Recorded {
        Recorded {
            path: path.to_path_buf(),
            offset,
            summary,
            speed: speed.filter(|s| s.is_finite() && *s > 0.0),
            broken: Arc::new(AtomicBool::new(false)),
        }
    }

    /// Did reading the cassette fail during playback (the file changed)?
    /// Then the exchange's failure is that, not the recorded one.
    pub fn broken(&self) -> bool {
        self.broken.load(Ordering::SeqCst)
    }

    /// The recorded verdict.
    pub fn failure(&self) -> Option<Failure> {
        self.summary.error.clone()
    }

    /// A failure that ended the reading of the body itself (a timeout, an
    /// interrupt), given again where the recorded events end; a verdict on
    /// the content (a cut stream, invalid JSON) the exchange finds again.
    fn failure_at_end(&self) -> Option<Failure> {
        self.summary
            .error
            .clone()
            .filter(|f| matches!(f.kind, Kind::Network | Kind::Interrupted | Kind::Other))
    }
}

/// SSE bytes of consecutive events, and where each event ends with its
/// recorded time: `(ms, end offset)`.
enum Batch {
    Events(Bytes, Vec<(u64, usize)>),
    Broken(String),
}

/// The reading thread's side: events appended to a piece, sent on when
/// it is full.
struct Batcher {
    tx: mpsc::Sender<Batch>,
    piece: Vec<u8>,
    marks: Vec<(u64, usize)>,
}

impl read::Player for Batcher {
    fn buf(&mut self) -> &mut Vec<u8> {
        &mut self.piece
    }

    fn played(&mut self, ms: u64) -> bool {
        self.marks.push((ms, self.piece.len()));
        if self.piece.len() >= PIECE || self.marks.len() >= BATCH {
            let full = std::mem::replace(&mut self.piece, Vec::with_capacity(PIECE + 4096));
            let marks = std::mem::take(&mut self.marks);
            return self
                .tx
                .blocking_send(Batch::Events(full.into(), marks))
                .is_ok();
        }
        true
    }
}

enum State {
    Whole(Option<Bytes>),
    Events {
        rx: mpsc::Receiver<Batch>,
        /// The batch being handed on, its marks, and how far it went.
        bytes: Bytes,
        marks: VecDeque<(u64, usize)>,
        sent: usize,
        ended: bool,
    },
}

pub struct RecordedBody {
    state: State,
    done: bool,
    done_sent: bool,
    fail_at_end: Option<Failure>,
    started: Instant,
    speed: Option<f64>,
    broken: Arc<AtomicBool>,
    path: PathBuf,
}

/// When an event recorded `ms` after the request is due at `speed`
/// (`None`: now). A time past what a `Duration` holds is no wait; any
/// other wait is made (Ctrl-C ends it).
fn due(started: Instant, speed: Option<f64>, ms: u64) -> Option<Instant> {
    let speed = speed?;
    let wait = Duration::try_from_secs_f64((ms as f64 / 1000.0) / speed).ok()?;
    started.checked_add(wait)
}

/// `bytes[from..to]`, whatever the offsets.
fn slice(bytes: &Bytes, from: usize, to: usize) -> Bytes {
    let to = to.min(bytes.len());
    bytes.slice(from.min(to)..to)
}

impl Body for RecordedBody {
    async fn next(&mut self) -> Result<Option<Bytes>, Failure> {
        loop {
            match &mut self.state {
                State::Whole(body) => {
                    if let Some(b) = body.take() {
                        return Ok(Some(b));
                    }
                }
                State::Events {
                    rx,
                    bytes,
                    marks,
                    sent,
                    ended,
                } => {
                    if marks.is_empty() && !*ended {
                        match rx.recv().await {
                            Some(Batch::Events(b, m)) => {
                                *bytes = b;
                                *marks = m.into();
                                *sent = 0;
                            }
                            Some(Batch::Broken(why)) => {
                                self.broken.store(true, Ordering::SeqCst);
                                return Err(Failure::usage(format!(
                                    "cassette {}: {why} (did the file change during replay?)",
                                    self.path.display()
                                )));
                            }
                            None => *ended = true,
                        }
                        continue;
                    }
                    if let Some(&(first_ms, _)) = marks.front() {
                        let end = if self.speed.is_none() {
                            // As fast as the sink takes it: the whole batch.
                            let end = marks.back().map_or(*sent, |m| m.1);
                            marks.clear();
                            end
                        } else {
                            if let Some(at) = due(self.started, self.speed, first_ms) {
                                tokio::time::sleep_until(at.into()).await;
                            }
                            // This event and every one already due.
                            let now = Instant::now();
                            let mut end = *sent;
                            let mut first = true;
                            while let Some(&(ms, e)) = marks.front() {
                                let later =
                                    due(self.started, self.speed, ms).is_some_and(|at| at > now);
                                if !first && later {
                                    break;
                                }
                                first = false;
                                end = e;
                                marks.pop_front();
                            }
                            end
                        };
                        let piece = slice(bytes, *sent, end);
                        *sent = end;
                        return Ok(Some(piece));
                    }
                }
            }
            if self.done && !self.done_sent {
                self.done_sent = true;
                return Ok(Some(Bytes::from_static(b"data: [DONE]\n\n")));
            }
            if let Some(f) = self.fail_at_end.take() {
                return Err(f);
            }
            return Ok(None);
        }
    }
}

impl Source for Recorded {
    type Body = RecordedBody;

    async fn open(
        &self,
        _req: &Prepared,
        _deadline: Option<Instant>,
        _activity: &dyn Activity,
    ) -> Result<Opened<RecordedBody>, Failed> {
        let Some(resp) = &self.summary.response else {
            let failure = self.failure().unwrap_or_else(|| {
                Failure::new(Kind::Other, "the recorded exchange has no response")
            });
            return Err(failure.into());
        };
        let status = resp.head.status;
        if !(200..300).contains(&status) {
            let failure = self.failure().unwrap_or_else(|| {
                Failure::new(Kind::from_status(status), format!("HTTP {status}"))
                    .with_status(status)
            });
            return Err(Failed {
                head: Some(resp.head.clone()),
                body: resp.body.clone().map(String::into_bytes),
                failure,
            });
        }
        let started = Instant::now();
        let state = match &resp.body {
            Some(body) => State::Whole(Some(Bytes::from(body.clone().into_bytes()))),
            None if resp.events == 0 => State::Whole(None),
            None => {
                // Up to 32 batches of 64 KiB ahead (2 MiB at most): with
                // 4, the two threads took turns on one core in about one
                // run of three (100k chunks: 32 ms median, 25 with 32).
                let (tx, rx) = mpsc::channel::<Batch>(32);
                let path = self.path.clone();
                let offset = self.offset;
                std::thread::spawn(move || {
                    let mut batcher = Batcher {
                        tx,
                        piece: Vec::with_capacity(PIECE + 4096),
                        marks: Vec::new(),
                    };
                    let result = read::play_into(&path, offset, &mut batcher);
                    if !batcher.marks.is_empty() {
                        let piece = std::mem::take(&mut batcher.piece);
                        let marks = std::mem::take(&mut batcher.marks);
                        let _ = batcher.tx.blocking_send(Batch::Events(piece.into(), marks));
                    }
                    if let Err(why) = result {
                        let _ = batcher.tx.blocking_send(Batch::Broken(why));
                    }
                });
                State::Events {
                    rx,
                    bytes: Bytes::new(),
                    marks: VecDeque::new(),
                    sent: 0,
                    ended: false,
                }
            }
        };
        Ok(Opened {
            head: resp.head.clone(),
            body: RecordedBody {
                state,
                done: resp.done && resp.body.is_none(),
                done_sent: false,
                fail_at_end: self.failure_at_end(),
                started,
                speed: self.speed,
                broken: Arc::clone(&self.broken),
                path: self.path.clone(),
            },
            started,
        })
    }
}
