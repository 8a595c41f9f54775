//! The spinner: stderr only, only on a terminal, never with `-q`, and only
//! until the first byte of the response arrives. A command owns it and
//! hands it to its exchanges as their [`Activity`]: notes (retries, `-v`)
//! are written with the spinner out of the way.

use std::io::IsTerminal;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use super::term::Diag;
use crate::source::Activity;

pub struct Spinner {
    bar: Option<ProgressBar>,
    stopped: AtomicBool,
    diag: Diag,
}

impl Spinner {
    /// Spin with `message` when stderr is a terminal and `-q` is not set.
    pub fn start(diag: Diag, message: &str) -> Spinner {
        let bar = (!diag.quiet && std::io::stderr().is_terminal()).then(|| {
            let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
            bar.set_style(
                ProgressStyle::with_template("{spinner} {msg} {elapsed}")
                    .unwrap_or_else(|_| ProgressStyle::default_spinner()),
            );
            bar.set_message(message.to_string());
            bar.enable_steady_tick(Duration::from_millis(80));
            bar
        });
        Spinner {
            bar,
            stopped: AtomicBool::new(false),
            diag,
        }
    }

    /// Clear it (idempotent).
    pub fn stop(&self) {
        if let Some(bar) = &self.bar
            && !self.stopped.swap(true, Ordering::SeqCst)
        {
            bar.finish_and_clear();
        }
    }
}

impl Activity for Spinner {
    fn note(&self, line: &str) {
        match &self.bar {
            Some(bar) if !self.stopped.load(Ordering::SeqCst) => {
                bar.suspend(|| self.diag.note(line));
            }
            _ => self.diag.note(line),
        }
    }

    fn arrived(&self) {
        self.stop();
    }
}

impl Drop for Spinner {
    fn drop(&mut self) {
        self.stop();
    }
}
