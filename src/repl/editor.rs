//! The line editor of the interactive chat (rustyline): editing keys, the
//! input history file, multi-line input.
//!
//! While it reads a line it owns the terminal in raw mode, so Ctrl-C is a
//! key, not a signal: on a typed line it clears the line, on an empty one
//! it asks to end yap. A `"""` line starts a block that another `"""` line
//! ends; Alt-Enter inserts a new line in the line being typed.

use std::path::PathBuf;

use rustyline::config::{Behavior, Config};
use rustyline::error::ReadlineError;
use rustyline::history::{FileHistory, History};
use rustyline::{
    Cmd, ConditionalEventHandler, Editor, Event, EventContext, EventHandler, KeyCode, KeyEvent,
    Modifiers, Movement, RepeatCount,
};

/// The prompt of a line, and of the lines of a `"""` block.
pub const PROMPT: &str = "> ";
pub const BLOCK_PROMPT: &str = "... ";
/// The line that starts and ends a block.
pub const FENCE: &str = "\"\"\"";
/// How many entries the input history keeps.
const HISTORY_SIZE: usize = 1000;

/// One thing the user entered.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Entry {
    /// A line (possibly with Alt-Enter new lines): a prompt or a command.
    Line(String),
    /// The text of a `"""` block: always a prompt.
    Block(String),
    /// Ctrl-C on an empty line.
    Interrupt,
    /// Ctrl-D on an empty line.
    End,
}

/// The input history file: read when it exists, written only when
/// `write` (the history is on).
#[derive(Clone, Debug, Default)]
pub struct HistoryFile {
    pub path: Option<PathBuf>,
    pub write: bool,
}

/// The terminal's mode as it was before the line editor changed it, to put
/// back when yap ends while the editor's thread still holds it (a signal
/// from outside). Unix only; elsewhere nothing is saved.
pub struct TerminalMode {
    #[cfg(unix)]
    saved: Option<rustix::termios::Termios>,
}

impl TerminalMode {
    pub fn save() -> TerminalMode {
        TerminalMode {
            #[cfg(unix)]
            saved: rustix::termios::tcgetattr(std::io::stdin()).ok(),
        }
    }

    pub fn restore(&self) {
        #[cfg(unix)]
        if let Some(mode) = &self.saved {
            // Nothing else to do when it fails: yap is ending.
            let _ = rustix::termios::tcsetattr(
                std::io::stdin(),
                rustix::termios::OptionalActions::Now,
                mode,
            );
        }
    }
}

/// The input history's file name in the data folder.
pub const HISTORY_FILE: &str = "chat_history";

pub struct LineEditor {
    editor: Editor<(), FileHistory>,
    history: HistoryFile,
    /// The first failure to read or write the history file, said once.
    warned: bool,
}

/// Ctrl-C: clear a typed line; on an empty one, the default (interrupt).
struct CtrlC;

impl ConditionalEventHandler for CtrlC {
    fn handle(&self, _: &Event, _: RepeatCount, _: bool, ctx: &EventContext) -> Option<Cmd> {
        (!ctx.line().is_empty()).then_some(Cmd::Kill(Movement::WholeBuffer))
    }
}

impl LineEditor {
    /// An editor on the terminal (`/dev/tty`, so that prompts never go into
    /// a redirected stdout); the history file loaded. A history file that
    /// cannot be read is a warning in the returned list.
    pub fn open(history: HistoryFile) -> Result<(LineEditor, Vec<String>), String> {
        let config = Config::builder()
            .behavior(Behavior::PreferTerm)
            .auto_add_history(false)
            .history_ignore_space(true)
            .max_history_size(HISTORY_SIZE)
            .and_then(|b| b.history_ignore_dups(true))
            .map_err(|e| format!("cannot set up the line editor: {e}"))?
            .build();
        let mut editor = Editor::<(), FileHistory>::with_config(config)
            .map_err(|e| format!("cannot open the terminal for the line editor: {e}"))?;
        editor.bind_sequence(
            KeyEvent(KeyCode::Enter, Modifiers::ALT),
            EventHandler::Simple(Cmd::Newline),
        );
        editor.bind_sequence(
            KeyEvent::ctrl('C'),
            EventHandler::Conditional(Box::new(CtrlC)),
        );
        let mut warnings = Vec::new();
        if let Some(path) = &history.path
            && path.exists()
            && let Err(e) = editor.load_history(path)
        {
            warnings.push(format!(
                "the input history {} was not read: {e}",
                path.display()
            ));
        }
        let warned = !warnings.is_empty();
        Ok((
            LineEditor {
                editor,
                history,
                warned,
            },
            warnings,
        ))
    }

    /// Read one entry (blocking). Empty lines are skipped. A warning about
    /// the history file comes with it.
    pub fn read(&mut self) -> Result<(Entry, Option<String>), String> {
        loop {
            let line = match self.editor.readline(PROMPT) {
                Ok(line) => line,
                Err(ReadlineError::Interrupted) => return Ok((Entry::Interrupt, None)),
                Err(ReadlineError::Eof) => return Ok((Entry::End, None)),
                Err(e) => return Err(format!("cannot read the terminal: {e}")),
            };
            if line.trim().is_empty() {
                continue;
            }
            let entry = if line.trim() == FENCE {
                match self.block()? {
                    Some(Entry::Block(text)) if text.trim().is_empty() => continue,
                    Some(entry) => entry,
                    // Ctrl-C in a block: back to the prompt.
                    None => continue,
                }
            } else {
                Entry::Line(line)
            };
            let remembered = match &entry {
                Entry::Line(text) | Entry::Block(text) => text.clone(),
                _ => return Ok((entry, None)),
            };
            let warning = self.remember(&remembered);
            return Ok((entry, warning));
        }
    }

    /// The lines of a block up to its closing `"""`; `None` when Ctrl-C
    /// dropped it.
    fn block(&mut self) -> Result<Option<Entry>, String> {
        let mut lines = Vec::new();
        loop {
            match self.editor.readline(BLOCK_PROMPT) {
                Ok(line) if line.trim() == FENCE => {
                    return Ok(Some(Entry::Block(lines.join("\n"))));
                }
                Ok(line) => lines.push(line),
                Err(ReadlineError::Interrupted) => return Ok(None),
                Err(ReadlineError::Eof) => return Ok(Some(Entry::End)),
                Err(e) => return Err(format!("cannot read the terminal: {e}")),
            }
        }
    }

    /// Add an entry to the input history (and its file, when written).
    fn remember(&mut self, text: &str) -> Option<String> {
        if self.editor.history_mut().add(text).is_err() || !self.history.write {
            return None;
        }
        let path = self.history.path.as_ref()?;
        let written = match path.parent() {
            Some(dir) => std::fs::create_dir_all(dir).map_err(|e| e.to_string()),
            None => Ok(()),
        }
        .and_then(|()| self.editor.append_history(path).map_err(|e| e.to_string()));
        match written {
            Err(e) if !self.warned => {
                self.warned = true;
                Some(format!(
                    "the input history {} was not written: {e} (--no-log turns it off)",
                    path.display()
                ))
            }
            _ => None,
        }
    }
}
