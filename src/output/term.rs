//! Terminal facts and stderr: colour choice (`--color`, `NO_COLOR`, is it a
//! terminal?), and the one writer for `yap: error:`/`yap: warning:` lines,
//! reasoning and usage, so every message has the same prefix.

use std::io::{self, IsTerminal, Write};

/// Should stderr be coloured? `forced`: `--color always` (true) or
/// `never` (false), `None` for auto; `no_color_env`: `NO_COLOR` is set;
/// `term`: the value of `TERM`.
pub fn stderr_color(forced: Option<bool>, no_color_env: bool, term: Option<&str>) -> bool {
    match forced {
        Some(forced) => forced,
        None if no_color_env => false,
        _ => io::stderr().is_terminal() && term != Some("dumb"),
    }
}

/// Writes to stderr. Errors writing stderr are ignored: there is nowhere
/// left to report them.
#[derive(Clone, Copy, Debug, Default)]
pub struct Diag {
    pub color: bool,
    pub quiet: bool,
}

const RED: &str = "\x1b[1;31m";
const YELLOW: &str = "\x1b[1;33m";
const DIM: &str = "\x1b[2m";
const RESET: &str = "\x1b[0m";

impl Diag {
    fn paint(&self, style: &str, text: &str) -> String {
        if self.color {
            format!("{style}{text}{RESET}")
        } else {
            text.to_string()
        }
    }

    pub fn error(&self, message: &str) {
        let line = format!("yap: {} {message}\n", self.paint(RED, "error:"));
        let _ = io::stderr().lock().write_all(line.as_bytes());
    }

    pub fn warn(&self, message: &str) {
        if self.quiet {
            return;
        }
        let line = format!("yap: {} {message}\n", self.paint(YELLOW, "warning:"));
        let _ = io::stderr().lock().write_all(line.as_bytes());
    }

    /// A `-v` line or a retry notice.
    pub fn note(&self, message: &str) {
        if self.quiet {
            return;
        }
        let line = format!("yap: {}\n", self.paint(DIM, message));
        let _ = io::stderr().lock().write_all(line.as_bytes());
    }

    /// Raw text (reasoning, usage), dimmed on a terminal.
    pub fn text(&self, text: &str) {
        let _ = io::stderr()
            .lock()
            .write_all(self.paint(DIM, text).as_bytes());
    }

    /// A JSON line on stderr (the error object in `--json`/`--raw` mode).
    pub fn json(&self, value: &serde_json::Value) {
        let _ = writeln!(io::stderr().lock(), "{value}");
    }
}
