//! Batches (`yap replay --live` over many records): many exchanges over one
//! live source (one pooled client, one shared back-off), started in input
//! order at most `--concurrency` at a time and no faster than `--rate`,
//! each result written as one JSONL line as soon as it and every earlier
//! one are done. Only the out-of-order window is held in memory: records
//! are built one at a time from the input, results streamed out.

pub mod files;

use std::collections::{HashMap, VecDeque};
use std::future::Future;
use std::io::{self, Write};
use std::pin::Pin;
use std::task::Poll;
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::error::{Failure, Kind};
use crate::exchange::{self, Cancel, Exchange};
use crate::output::NullSink;
use crate::request::Prepared;
use crate::source::{Activity, Source};
use crate::stream::assemble::Shape;

/// How a batch runs.
#[derive(Clone, Debug)]
pub struct Plan {
    pub concurrency: usize,
    /// `--rate N/min`: starts at least this far apart.
    pub interval: Option<Duration>,
    pub fail_fast: bool,
    /// `--timeout`, per record.
    pub timeout: Option<Duration>,
    pub max_size: usize,
    /// Keep each record's events (a cassette is being written).
    pub record: bool,
}

/// One record, ready to send.
pub struct Job {
    pub index: usize,
    pub request: Prepared,
    pub shape: Shape,
}

/// How a batch went.
#[derive(Clone, Debug, Default)]
pub struct Outcome {
    pub run: usize,
    pub ok: usize,
    pub failed: usize,
    /// The first failed record in input order, and its exit code.
    pub first_failure: Option<(usize, Kind)>,
    /// Ctrl-C (or `--fail-fast`) stopped the starts.
    pub interrupted: bool,
    pub stopped_early: bool,
}

/// `--concurrency N` (1 to 1024).
pub fn concurrency(text: Option<&str>) -> Result<usize, Failure> {
    let Some(text) = text else { return Ok(4) };
    text.trim()
        .parse::<usize>()
        .ok()
        .filter(|n| (1..=1024).contains(n))
        .ok_or_else(|| {
            Failure::usage(format!(
                "--concurrency {text}: expected a number from 1 to 1024"
            ))
        })
}

/// `--rate N/min` (or `N`, per minute): the interval between starts.
pub fn rate(text: Option<&str>) -> Result<Option<Duration>, Failure> {
    let Some(text) = text else { return Ok(None) };
    let number = text.trim().trim_end_matches("/min").trim();
    let per_min: f64 = number
        .parse()
        .ok()
        .filter(|n: &f64| n.is_finite() && *n > 0.0 && *n <= 6_000_000.0)
        .ok_or_else(|| {
            Failure::usage(format!(
                "--rate {text}: expected requests per minute, such as 120/min"
            ))
        })?;
    Ok(Some(Duration::from_secs_f64(60.0 / per_min)))
}

/// `--shard K/N`: the records whose index modulo N is K−1.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Shard {
    pub k: usize,
    pub n: usize,
}

impl Shard {
    pub fn parse(text: &str) -> Result<Shard, Failure> {
        let bad = || {
            Failure::usage(format!(
                "--shard {text}: expected K/N with K from 1 to N, such as 2/3"
            ))
        };
        let (k, n) = text.split_once('/').ok_or_else(bad)?;
        let k: usize = k.trim().parse().map_err(|_| bad())?;
        let n: usize = n.trim().parse().map_err(|_| bad())?;
        if n == 0 || k == 0 || k > n {
            return Err(bad());
        }
        Ok(Shard { k, n })
    }

    pub fn takes(&self, index: usize) -> bool {
        index % self.n == self.k - 1
    }
}

/// One result line (without its newline) and whether the record failed.
pub fn result_line(index: usize, ex: &Exchange) -> (String, bool) {
    let status = ex.head.as_ref().map(|h| h.status);
    match &ex.failure {
        None => (
            json!({"index": index, "status": status, "response": ex.document()}).to_string(),
            false,
        ),
        Some(f) => (
            json!({
                "index": index,
                "status": status,
                "error": {"kind": f.kind.word(), "status": f.status, "message": f.message},
            })
            .to_string(),
            true,
        ),
    }
}

/// Results in input order: each line is written (and flushed) as soon as
/// it and every earlier one are done.
pub struct Ordered<W: Write> {
    out: W,
    order: VecDeque<usize>,
    ready: HashMap<usize, String>,
}

impl<W: Write> Ordered<W> {
    pub fn new(out: W) -> Ordered<W> {
        Ordered {
            out,
            order: VecDeque::new(),
            ready: HashMap::new(),
        }
    }

    /// A record started: its line comes in this place.
    pub fn expect(&mut self, index: usize) {
        self.order.push_back(index);
    }

    /// Results held back until an earlier one is done.
    pub fn held(&self) -> usize {
        self.ready.len()
    }

    pub fn done(&mut self, index: usize, line: String) -> io::Result<()> {
        self.ready.insert(index, line);
        let mut wrote = false;
        while let Some(front) = self.order.front() {
            let Some(line) = self.ready.remove(front) else {
                break;
            };
            self.out.write_all(line.as_bytes())?;
            self.out.write_all(b"\n")?;
            self.order.pop_front();
            wrote = true;
        }
        if wrote {
            self.out.flush()?;
        }
        Ok(())
    }
}

/// Futures in flight, polled together on the current thread.
struct Running<'a, T> {
    set: Vec<Pin<Box<dyn Future<Output = T> + 'a>>>,
}

impl<'a, T> Running<'a, T> {
    fn len(&self) -> usize {
        self.set.len()
    }

    fn push(&mut self, f: impl Future<Output = T> + 'a) {
        self.set.push(Box::pin(f));
    }

    /// The next one to finish (pending forever when none runs).
    async fn next(&mut self) -> T {
        std::future::poll_fn(|cx| {
            for i in 0..self.set.len() {
                if let Poll::Ready(v) = self.set[i].as_mut().poll(cx) {
                    drop(self.set.swap_remove(i));
                    return Poll::Ready(v);
                }
            }
            Poll::Pending
        })
        .await
    }
}

/// Progress as records start and end (a bar on a terminal, nothing else).
pub trait Progress: Activity {
    fn started(&self) {}
    fn finished(&self, _failed: bool) {}
}

/// One record ended: its line (held until every earlier one is written),
/// its count, its cassette line.
fn finished<W: Write>(
    (index, ex): (usize, io::Result<Exchange>),
    outcome: &mut Outcome,
    out: &mut Ordered<W>,
    progress: &dyn Progress,
    on_done: &mut dyn FnMut(&Exchange),
) -> io::Result<()> {
    let ex = ex?;
    on_done(&ex);
    let (line, failed) = result_line(index, &ex);
    progress.finished(failed);
    if failed {
        outcome.failed += 1;
        let kind = ex.failure.as_ref().map_or(Kind::Other, |f| f.kind);
        if outcome.first_failure.is_none_or(|(i, _)| index < i) {
            outcome.first_failure = Some((index, kind));
        }
    } else {
        outcome.ok += 1;
    }
    out.done(index, line)
}

/// Run every job. `jobs` yields them in input order (built one at a time);
/// `on_done` gets each finished exchange (a cassette line).
#[allow(clippy::too_many_arguments)]
pub async fn run<S: Source, W: Write>(
    plan: &Plan,
    source: &S,
    jobs: &mut dyn Iterator<Item = Result<Job, Failure>>,
    out: &mut Ordered<W>,
    progress: &dyn Progress,
    cancel: &Cancel,
    on_done: &mut dyn FnMut(&Exchange),
) -> anyhow::Result<Outcome> {
    // Records already started finish even after Ctrl-C: they get a token
    // of their own that nothing fires.
    let in_flight_cancel = Cancel::new();
    let window = plan.concurrency.saturating_mul(4).max(16);
    let mut outcome = Outcome::default();
    let mut running: Running<'_, (usize, io::Result<Exchange>)> = Running { set: Vec::new() };
    let mut next_start = Instant::now();
    let mut exhausted = false;
    loop {
        let stop = cancel.is_cancelled() || (plan.fail_fast && outcome.failed > 0);
        if stop && !exhausted {
            outcome.interrupted = cancel.is_cancelled();
            outcome.stopped_early = true;
            exhausted = true;
        }
        let can_start = !exhausted && running.len() < plan.concurrency && out.held() < window;
        if can_start {
            // A start that --rate puts later: wait for it while the records
            // in flight go on (and are written as they end).
            if plan.interval.is_some() && next_start > Instant::now() {
                tokio::select! {
                    () = tokio::time::sleep_until(next_start.into()) => {}
                    done = running.next(), if running.len() > 0 => {
                        finished(done, &mut outcome, out, progress, on_done)?;
                    }
                    () = cancel.cancelled() => {}
                }
                continue;
            }
            match jobs.next() {
                None => exhausted = true,
                Some(job) => {
                    let job = job?;
                    if let Some(interval) = plan.interval {
                        next_start = next_start.max(Instant::now()) + interval;
                    }
                    let mut opts = exchange::Options::new(job.shape, plan.max_size, plan.timeout);
                    opts.keep_all = true;
                    opts.record = plan.record;
                    out.expect(job.index);
                    progress.started();
                    outcome.run += 1;
                    let index = job.index;
                    let request = job.request;
                    let token = &in_flight_cancel;
                    running.push(async move {
                        let mut sink = NullSink;
                        let ex =
                            exchange::run(source, request, &opts, &mut sink, progress, token).await;
                        (index, ex)
                    });
                    continue;
                }
            }
        }
        if running.len() == 0 {
            if exhausted {
                break;
            }
            continue;
        }
        tokio::select! {
            done = running.next() => finished(done, &mut outcome, out, progress, on_done)?,
            () = cancel.cancelled(), if !exhausted => {}
        }
    }
    Ok(outcome)
}

impl Outcome {
    /// The exit code of the batch: 130 when interrupted, else the first
    /// failed record's in input order, else 0.
    pub fn exit_code(&self) -> u8 {
        if self.interrupted {
            return Kind::Interrupted.exit_code();
        }
        self.first_failure.map_or(0, |(_, kind)| kind.exit_code())
    }
}

/// A result line's index, if it is one.
pub fn index_of(line: &str) -> Option<usize> {
    serde_json::from_str::<Value>(line)
        .ok()?
        .get("index")?
        .as_u64()
        .and_then(|i| usize::try_from(i).ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flags_parse() {
        assert_eq!(concurrency(None).unwrap(), 4);
        assert!(concurrency(Some("0")).is_err());
        assert_eq!(
            rate(Some("120/min")).unwrap(),
            Some(Duration::from_millis(500))
        );
        assert!(rate(Some("fast")).is_err());
        assert_eq!(Shard::parse("2/3").unwrap(), Shard { k: 2, n: 3 });
        for bad in ["0/3", "4/3", "1/0", "x", "1/"] {
            assert!(Shard::parse(bad).is_err(), "{bad}");
        }
        assert!(Shard { k: 2, n: 3 }.takes(4));
    }

    #[test]
    fn lines_leave_in_input_order() {
        let mut out = Ordered::new(Vec::new());
        for i in [0, 1, 2] {
            out.expect(i);
        }
        out.done(2, "two".into()).unwrap();
        out.done(1, "one".into()).unwrap();
        assert!(out.out.is_empty());
        out.done(0, "zero".into()).unwrap();
        assert_eq!(String::from_utf8(out.out).unwrap(), "zero\none\ntwo\n");
    }
}
