//! Text mode: choice 0's content to stdout as it arrives; the other choices
//! (with `-n`) after the stream, each after a blank line; then one JSON line
//! per tool call. Reasoning goes to stderr with `--reasoning`. A final
//! newline is added unless the content already ends with one. On a
//! terminal, the server's text is shown in caret notation where it holds
//! control characters (`term::shown`); piped, it is written byte for byte.

use std::io::{self, Write};

use serde_json::{Value, json};

use super::Sink;
use super::term::{self, Diag};
use crate::stream::assemble::{Assembler, ToolCall};
use crate::stream::chunk::Chunk;

pub struct TextSink<W: Write> {
    out: W,
    diag: Diag,
    show_reasoning: bool,
    /// Bytes written to stdout so far, and whether the last one was `\n`.
    wrote: bool,
    ends_newline: bool,
    /// Reasoning was written to stderr and not yet closed by a newline.
    reasoning_open: bool,
    warnings: Vec<String>,
    /// stdout is a terminal: show control characters, do not send them.
    terminal: bool,
    /// A CR that ended the last piece, held until we know whether an LF
    /// follows (terminal only).
    held_cr: bool,
    print_calls: bool,
}

impl<W: Write> TextSink<W> {
    pub fn new(out: W, diag: Diag, show_reasoning: bool) -> TextSink<W> {
        TextSink {
            out,
            diag,
            show_reasoning,
            wrote: false,
            ends_newline: false,
            reasoning_open: false,
            warnings: Vec::new(),
            terminal: false,
            held_cr: false,
            print_calls: true,
        }
    }

    /// Writing to a terminal: control characters from the server are shown
    /// in caret notation (SPEC, Output).
    pub fn on_terminal(mut self, terminal: bool) -> TextSink<W> {
        self.terminal = terminal;
        self
    }

    fn write(&mut self, text: &str) -> io::Result<()> {
        if text.is_empty() {
            return Ok(());
        }
        if self.terminal {
            return self.write_shown(text);
        }
        self.out.write_all(text.as_bytes())?;
        self.wrote = true;
        self.ends_newline = text.ends_with('\n');
        Ok(())
    }

    fn write_shown(&mut self, text: &str) -> io::Result<()> {
        let mut piece = String::with_capacity(text.len() + 1);
        if std::mem::take(&mut self.held_cr) {
            piece.push('\r');
        }
        piece.push_str(text);
        if piece.ends_with('\r') {
            piece.pop();
            self.held_cr = true;
        }
        self.out.write_all(term::shown(&piece).as_bytes())?;
        self.wrote = true;
        self.ends_newline = piece.ends_with('\n');
        Ok(())
    }

    /// A CR still held at the end: it was not before an LF.
    fn release_cr(&mut self) -> io::Result<()> {
        if std::mem::take(&mut self.held_cr) {
            self.out.write_all(b"^M")?;
            self.ends_newline = false;
        }
        Ok(())
    }

    fn close_line(&mut self) -> io::Result<()> {
        self.release_cr()?;
        if self.wrote && !self.ends_newline {
            self.write("\n")?;
        }
        Ok(())
    }

    fn close_reasoning(&mut self) {
        if self.reasoning_open {
            self.diag.text("\n");
            self.reasoning_open = false;
        }
    }

    fn tool_call_line(&mut self, call: &ToolCall) -> io::Result<()> {
        let (line, warning) = tool_call_line(call);
        self.warnings.extend(warning);
        self.write(&line)
    }

    /// Leave tool calls out of `finish` (a tool loop prints the calls it
    /// does not run itself, with [`tool_call_line`]).
    pub fn hold_tool_calls(mut self) -> TextSink<W> {
        self.print_calls = false;
        self
    }
}

/// A tool call as text mode prints it: one JSON object and a newline, with
/// a warning when its arguments are not valid JSON (printed raw).
pub fn tool_call_line(call: &ToolCall) -> (String, Option<String>) {
    let args = if call.arguments.trim().is_empty() {
        "{}"
    } else {
        &call.arguments
    };
    match serde_json::from_str::<Value>(args) {
        Ok(args) => (
            format!(
                "{}\n",
                json!({"id": call.id, "name": call.name, "arguments": args})
            ),
            None,
        ),
        Err(_) => (
            format!(
                "{}\n",
                json!({"id": call.id, "name": call.name, "arguments_raw": call.arguments})
            ),
            Some(format!(
                "the arguments of tool call {} ({}) are not valid JSON; printed as arguments_raw",
                call.id, call.name
            )),
        ),
    }
}

impl<W: Write> Sink for TextSink<W> {
    fn chunk(&mut self, chunk: &Chunk<'_>) -> io::Result<()> {
        for (pos, c) in chunk.choices.iter().flatten().enumerate() {
            if c.index.unwrap_or(pos as u32) != 0 {
                continue;
            }
            if let Some(text) = c.text.as_deref() {
                self.write(text)?;
            }
            let Some(delta) = &c.delta else { continue };
            if self.show_reasoning
                && let Some(r) = delta.reasoning_text()
            {
                self.diag.text(r);
                self.reasoning_open = !r.ends_with('\n');
            }
            if let Some(text) = delta.content_text() {
                self.close_reasoning();
                self.write(text)?;
            }
        }
        Ok(())
    }

    fn flush(&mut self) -> io::Result<()> {
        self.out.flush()
    }

    fn finish(&mut self, asm: &Assembler) -> io::Result<Vec<String>> {
        self.close_reasoning();
        self.close_line()?;
        for (index, choice) in &asm.choices {
            if *index == 0 || !choice.saw_content {
                continue;
            }
            if self.wrote {
                self.write("\n")?;
            }
            self.write(&choice.content)?;
            self.close_line()?;
        }
        if self.print_calls {
            for choice in asm.choices.values() {
                for call in choice.tool_calls.values() {
                    self.tool_call_line(call)?;
                }
            }
        }
        self.out.flush()?;
        Ok(std::mem::take(&mut self.warnings))
    }
}
