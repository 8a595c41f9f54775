//! `yap batch wait`: poll until every batch is final, with a progress bar
//! on a terminal and one stderr line per status (or count) seen otherwise.
//! A failed poll (429, 5xx, no connection) is polled again after the
//! server's `Retry-After` however long (a batch is meant to be waited
//! for), else after a growing back-off.

use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use serde_json::Value;

use super::api::{self, Api};
use crate::error::{Failure, Kind};
use crate::output::term::Diag;
use crate::source::{Activity, Head};
use crate::transport::retry;

/// Failed polls in a row before yap gives up.
pub const MAX_FAILED_POLLS: u32 = 10;
/// The longest back-off between failed polls (without a `Retry-After`).
const MAX_POLL_BACKOFF: Duration = Duration::from_secs(300);

/// Where progress goes: a bar on a terminal, else lines.
pub struct Display {
    bar: Option<ProgressBar>,
    diag: Diag,
}

impl Display {
    pub fn new(diag: Diag, terminal: bool) -> Display {
        let bar = (terminal && !diag.quiet).then(|| {
            let bar = ProgressBar::with_draw_target(Some(0), ProgressDrawTarget::stderr());
            bar.set_style(
                ProgressStyle::with_template("{bar:30} {pos}/{len} {msg} {elapsed}")
                    .unwrap_or_else(|_| ProgressStyle::default_bar()),
            );
            bar.enable_steady_tick(Duration::from_millis(200));
            bar
        });
        Display { bar, diag }
    }

    fn status(&self, line: &str) {
        if self.bar.is_none() {
            self.diag.note(line);
        }
    }

    pub fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}

impl Activity for Display {
    fn note(&self, line: &str) {
        match &self.bar {
            Some(bar) => bar.suspend(|| self.diag.note(line)),
            None => self.diag.note(line),
        }
    }
}

impl Drop for Display {
    fn drop(&mut self) {
        self.finish();
    }
}

/// (status, completed, failed, total) of a batch object.
pub fn counts(batch: &Value) -> (String, u64, u64, u64) {
    let status = batch
        .get("status")
        .and_then(Value::as_str)
        .unwrap_or("unknown")
        .to_string();
    let n = |k: &str| {
        batch
            .get("request_counts")
            .and_then(|c| c.get(k))
            .and_then(Value::as_u64)
            .unwrap_or(0)
    };
    (status, n("completed"), n("failed"), n("total"))
}

/// One line about a batch: `ID: STATUS, C/T completed, F failed`.
pub fn describe(id: &str, batch: &Value) -> String {
    let (status, completed, failed, total) = counts(batch);
    format!("{id}: {status}, {completed}/{total} completed, {failed} failed")
}

/// Poll every batch until all are final; their last objects, in order.
pub async fn wait(
    api: &Api<'_>,
    ids: &[String],
    poll: Duration,
    display: &Display,
) -> Result<Vec<Value>, Failure> {
    let mut last: Vec<Option<Value>> = vec![None; ids.len()];
    let mut shown: Vec<Option<(String, u64, u64, u64)>> = vec![None; ids.len()];
    let mut failed_polls = 0u32;
    loop {
        let mut pause = poll;
        for (i, id) in ids.iter().enumerate() {
            if last[i]
                .as_ref()
                .is_some_and(|b| api::is_final(&counts(b).0))
            {
                continue;
            }
            match api.get(id, display).await {
                Ok((batch, _)) => {
                    failed_polls = 0;
                    let now = counts(&batch);
                    if shown[i].as_ref() != Some(&now) {
                        display.status(&describe(id, &batch));
                        shown[i] = Some(now);
                    }
                    last[i] = Some(batch);
                }
                Err(failed) => {
                    let f = &failed.failure;
                    let again = match f.status {
                        Some(s) => retry::retryable_status(s) && !retry::is_quota(f),
                        None => f.kind == Kind::Network && !past(api.opts.deadline),
                    };
                    failed_polls += 1;
                    if !again || failed_polls > MAX_FAILED_POLLS {
                        let mut f = failed.failure;
                        f.message = format!("polling batch {id}: {}", f.message);
                        return Err(f);
                    }
                    let wait = failed
                        .head
                        .as_ref()
                        .and_then(server_wait)
                        .unwrap_or_else(|| {
                            poll.saturating_mul(1 << (failed_polls - 1).min(8))
                                .min(MAX_POLL_BACKOFF.max(poll))
                        });
                    display.note(&format!(
                        "polling {id} failed ({}); polling again in {:.1} s",
                        f.message,
                        wait.as_secs_f64()
                    ));
                    pause = pause.max(wait);
                    break;
                }
            }
        }
        if let Some(bar) = &display.bar {
            let (mut done, mut total) = (0, 0);
            let mut statuses: Vec<String> = Vec::new();
            for b in last.iter().flatten() {
                let (status, c, f, t) = counts(b);
                done += c + f;
                total += t;
                if !statuses.contains(&status) {
                    statuses.push(status);
                }
            }
            bar.set_length(total);
            bar.set_position(done);
            bar.set_message(statuses.join(", "));
        }
        if last
            .iter()
            .all(|b| b.as_ref().is_some_and(|b| api::is_final(&counts(b).0)))
        {
            return Ok(last.into_iter().flatten().collect());
        }
        if let Some(deadline) = api.opts.deadline
            && Instant::now() + pause >= deadline
        {
            let states: Vec<String> = ids
                .iter()
                .zip(&last)
                .map(|(id, b)| match b {
                    Some(b) => format!("{id} {}", counts(b).0),
                    None => format!("{id} unknown"),
                })
                .collect();
            return Err(Failure::new(
                Kind::Network,
                format!(
                    "timed out after {} s (--timeout) waiting for the batches ({}); yap batch \
                     wait resumes",
                    api.opts.timeout.map_or(0.0, |t| t.as_secs_f64()),
                    states.join(", ")
                ),
            ));
        }
        tokio::select! {
            () = tokio::time::sleep(pause) => {}
            () = api.cancel.cancelled() => {
                return Err(Failure::new(Kind::Interrupted, "interrupted"));
            }
        }
    }
}

fn past(deadline: Option<Instant>) -> bool {
    deadline.is_some_and(|d| Instant::now() >= d)
}

/// The wait a failed poll's head asks for, with no ceiling.
fn server_wait(head: &Head) -> Option<Duration> {
    let mut map = HeaderMap::new();
    for (n, v) in &head.headers {
        if let (Ok(n), Ok(v)) = (
            HeaderName::from_bytes(n.as_bytes()),
            HeaderValue::from_str(v),
        ) {
            map.insert(n, v);
        }
    }
    retry::server_wait(&map, std::time::SystemTime::now())
}

/// The exit of `wait`: 0 when all completed, else the first batch (in the
/// order given) that did not: `failed` 4, `expired` or `cancelled` 8.
pub fn verdict(ids: &[String], batches: &[Value]) -> Result<(), Failure> {
    for (id, b) in ids.iter().zip(batches) {
        let (status, ..) = counts(b);
        match status.as_str() {
            "completed" => {}
            "failed" => {
                let why = super::results::batch_errors(b)
                    .unwrap_or_else(|| "the provider gave no reason".to_string());
                return Err(Failure::new(
                    Kind::Rejected,
                    format!("batch {id} failed: {why}"),
                ));
            }
            other => {
                return Err(Failure::new(
                    Kind::Incomplete,
                    format!(
                        "batch {id} is {other}; yap batch results {id} gives what it ran \
                         (the rest as incomplete lines)"
                    ),
                ));
            }
        }
    }
    Ok(())
}
