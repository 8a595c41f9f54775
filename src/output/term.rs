//! Terminal facts and stderr: colour choice (`--color`, `NO_COLOR`, is it a
//! terminal?), and the one writer for `yap: error:`/`yap: warning:` lines,
//! reasoning and usage, so every message has the same prefix.

use std::borrow::Cow;
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

/// Text that came from a server, made safe to show on a terminal (SPEC,
/// Output): control characters other than LF, TAB and a CR right before an
/// LF in caret notation (ESC as `^[`, BEL as `^G`, DEL as `^?`), C1
/// controls as `\u009b`. Text with none of them is returned as it is.
pub fn shown(text: &str) -> Cow<'_, str> {
    let b = text.as_bytes();
    let needs = b.iter().enumerate().any(|(i, &c)| {
        (c < 0x20 && c != b'\n' && c != b'\t' && !(c == b'\r' && b.get(i + 1) == Some(&b'\n')))
            || c == 0x7f
            || (c == 0xc2 && b.get(i + 1).is_some_and(|n| (0x80..0xa0).contains(n)))
    });
    if !needs {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\n' | '\t' => out.push(c),
            '\r' if chars.peek() == Some(&'\n') => out.push(c),
            '\u{7f}' => out.push_str("^?"),
            c if (c as u32) < 0x20 => {
                out.push('^');
                out.push(char::from((c as u8) ^ 0x40));
            }
            c if (0x80..0xa0).contains(&(c as u32)) => {
                out.push_str(&format!("\\u{:04x}", c as u32));
            }
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// Writes to stderr. Errors writing stderr are ignored: there is nowhere
/// left to report them.
#[derive(Clone, Copy, Debug, Default)]
pub struct Diag {
    pub color: bool,
    pub quiet: bool,
    /// stderr is a terminal: text from a server is [`shown`], not obeyed.
    pub terminal: bool,
}

const RED: &str = "\x1b[1;31m";
const YELLOW: &str = "\x1b[1;33m";
const DIM: &str = "\x1b[2m";
const RESET: &str = "\x1b[0m";

impl Diag {
    fn paint(&self, style: &str, text: &str) -> String {
        let text = if self.terminal {
            shown(text)
        } else {
            Cow::Borrowed(text)
        };
        if self.color {
            format!("{style}{text}{RESET}")
        } else {
            text.into_owned()
        }
    }

    pub fn error(&self, message: &str) {
        let message = self.plain(message);
        let line = format!("yap: {} {message}\n", self.paint(RED, "error:"));
        let _ = io::stderr().lock().write_all(line.as_bytes());
    }

    pub fn warn(&self, message: &str) {
        if self.quiet {
            return;
        }
        let message = self.plain(message);
        let line = format!("yap: {} {message}\n", self.paint(YELLOW, "warning:"));
        let _ = io::stderr().lock().write_all(line.as_bytes());
    }

    /// A line that belongs to an error (a violation of `--schema`): shown
    /// even with `-q`.
    pub fn line(&self, message: &str) {
        let line = format!("yap: {}\n", self.plain(message));
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
        let line = value.to_string();
        let _ = writeln!(io::stderr().lock(), "{}", self.plain(&line));
    }

    /// Unpainted text, [`shown`] when stderr is a terminal.
    fn plain<'a>(&self, text: &'a str) -> Cow<'a, str> {
        if self.terminal {
            shown(text)
        } else {
            Cow::Borrowed(text)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn controls_are_shown_in_caret_notation() {
        assert!(matches!(shown("plain\ttext\r\nok"), Cow::Borrowed(_)));
        assert_eq!(
            shown("\x1b]52;c;aGk=\x07 and \x1b[2J"),
            "^[]52;c;aGk=^G and ^[[2J"
        );
        assert_eq!(shown("a\rb\x00\x7f"), "a^Mb^@^?");
        assert_eq!(shown("csi \u{9b}31m é"), "csi \\u009b31m é");
        assert_eq!(shown("ends in cr\r"), "ends in cr^M");
    }
}
