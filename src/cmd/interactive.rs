//! `yap chat` on a terminal with no prompt: wiring only. The line editor
//! and the slash commands are `repl/`; each turn is one `exchange::run`
//! whose `Exchange` is printed, recorded and remembered.

use std::io::{self, IsTerminal};
use std::path::Path;

use serde_json::{Value, json};

use super::common;
use crate::cli::ChatArgs;
use crate::config::{Env, Settings};
use crate::error::{Failure, Kind};
use crate::exchange::{self, Cancel};
use crate::history::{self, Conversation};
use crate::output::progress::Spinner;
use crate::output::term::Diag;
use crate::output::text::TextSink;
use crate::repl::command::{self, Command, Line};
use crate::repl::editor::{self, Entry, HistoryFile, LineEditor, TerminalMode};
use crate::repl::recap;
use crate::request::Prepared;
use crate::request::chat::{self as body, ChatInputs};
use crate::source::live::Live;
use crate::stream::assemble::Shape;

/// Where the typed lines are kept: `chat_history` in the data folder,
/// read when it is there, written only when the history is on.
pub fn history_file(settings: &Settings, env: &Env) -> HistoryFile {
    HistoryFile {
        path: history::data_dir(env)
            .ok()
            .map(|dir| dir.join(editor::HISTORY_FILE)),
        write: matches!(settings.history, Some(Ok(_))),
    }
}

/// The chat: each entry a user message (or a slash command), each answer
/// streamed, the conversation kept in memory and recorded turn by turn.
/// Ctrl-D or `/exit` ends it (0), Ctrl-C on an empty line too (130); an
/// exchange that fails or is stopped is said and the chat goes on.
pub async fn run(
    settings: &Settings,
    mut inputs: ChatInputs,
    args: &ChatArgs,
    diag: Diag,
    cancel: &Cancel,
    cid: Option<String>,
    history_file: HistoryFile,
) -> anyhow::Result<()> {
    let live = common::live(settings, diag)?;
    let resumed = cid.is_some() && !inputs.messages.is_empty();
    let memory = std::mem::take(&mut inputs.messages);
    let mut chat = Chat {
        settings,
        live,
        conversation: common::conversation(settings, cid),
        inputs,
        memory,
        args,
        diag,
    };
    chat.greet(resumed);
    let (editor, warnings) = LineEditor::open(history_file).map_err(Failure::usage)?;
    for w in &warnings {
        diag.warn(w);
    }
    let mut editor = Some(editor);
    loop {
        // The editor blocks on the terminal: on its own thread, handed
        // back with what it read.
        let Some(mut ed) = editor.take() else {
            return Ok(());
        };
        let mode = TerminalMode::save();
        let reading = tokio::task::spawn_blocking(move || {
            let read = ed.read();
            (ed, read)
        });
        let (ed, read) = tokio::select! {
            r = reading => r.map_err(|e| Failure::new(Kind::Other, format!("reading the terminal: {e}")))?,
            // SIGINT while a line is read: not the key (raw mode makes Ctrl-C
            // a key), but a signal from outside, or a terminal the editor
            // reads plain lines from (TERM=dumb). The thread is left behind.
            () = cancel.cancelled() => {
                mode.restore();
                diag.text("\n");
                return Err(Failure::new(Kind::Interrupted, "interrupted").into());
            }
        };
        editor = Some(ed);
        let (entry, warning) = read.map_err(|e| Failure::new(Kind::Other, e))?;
        if let Some(w) = warning {
            diag.warn(&w);
        }
        let text = match entry {
            Entry::End => return Ok(()),
            Entry::Interrupt => return Err(Failure::new(Kind::Interrupted, "interrupted").into()),
            Entry::Block(text) => text,
            Entry::Line(line) => match command::parse(&line) {
                Line::Prompt(text) => text,
                Line::Unknown(hint) => {
                    diag.note(&hint);
                    continue;
                }
                Line::Command(Command::Exit) => return Ok(()),
                Line::Command(c) => {
                    chat.command(c);
                    continue;
                }
            },
        };
        chat.turn(text, cancel).await?;
    }
}

struct Chat<'a> {
    settings: &'a Settings,
    live: Live,
    conversation: Option<Conversation>,
    /// The request of the next turn, less its memory and user text.
    inputs: ChatInputs,
    /// The messages so far (a resumed conversation's first).
    memory: Vec<Value>,
    args: &'a ChatArgs,
    diag: Diag,
}

impl Chat<'_> {
    /// The first line, and a resumed conversation's last turns.
    fn greet(&self, resumed: bool) {
        let diag = self.diag;
        let continuing = match (&self.conversation, resumed) {
            (Some(c), true) => format!(" (continuing conversation {})", c.cid()),
            (None, true) => " (continuing a conversation)".to_string(),
            _ => String::new(),
        };
        diag.text(&format!(
            "yap: chatting with {}{continuing}; /help lists the commands, Ctrl-D or /exit ends\n",
            self.inputs.model
        ));
        if !resumed {
            return;
        }
        let (lines, skipped) = recap::recap(&self.memory);
        if skipped > 0 {
            diag.text(&format!("  … {skipped} earlier messages\n"));
        }
        for line in lines {
            diag.text(&format!("  {}\n", line.replace('\n', "\n  ")));
        }
    }

    fn command(&mut self, command: Command) {
        let diag = self.diag;
        match command {
            Command::Help => diag.text(command::HELP),
            Command::Model(None) => diag.note(&format!("the model is {}", self.inputs.model)),
            Command::Model(Some(name)) => {
                diag.note(&format!("the model is now {name}"));
                self.inputs.model = name;
            }
            Command::System(text) => {
                // The new prompt replaces the conversation's own too.
                let leading = self
                    .memory
                    .iter()
                    .take_while(|m| m.get("role").and_then(Value::as_str) == Some("system"))
                    .count();
                self.memory.drain(..leading);
                diag.note(match &text {
                    Some(_) => "the system prompt of the next turns is set",
                    None => "the next turns have no system prompt",
                });
                self.inputs.system = text;
            }
            Command::Clear => {
                self.memory.clear();
                self.conversation = common::conversation(self.settings, None);
                diag.note("a new conversation: the earlier turns are not sent any more");
            }
            Command::Save(path) => match self.save(Path::new(&path)) {
                Ok(n) => diag.note(&format!(
                    "{n} messages written to {path} (yap chat --messages {path} reads them)"
                )),
                Err(e) => diag.error(&e),
            },
            Command::Exit => {}
        }
    }

    /// The messages the next turn would send before its user message.
    fn messages(&self) -> Result<Vec<Value>, Failure> {
        let next = ChatInputs {
            messages: self.memory.clone(),
            user_text: None,
            ..self.inputs.clone()
        };
        let body = body::build(next)?;
        Ok(body
            .get("messages")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default())
    }

    fn save(&self, path: &Path) -> Result<usize, String> {
        let messages = self
            .messages()
            .map_err(|_| "/save: nothing to save yet: the conversation is empty".to_string())?;
        let mut text = serde_json::to_string_pretty(&messages)
            .map_err(|e| format!("/save: cannot write the messages as JSON: {e}"))?;
        text.push('\n');
        std::fs::write(path, text).map_err(|e| {
            format!(
                "/save: cannot write {}: {e}; give a path in a folder you can write to",
                path.display()
            )
        })?;
        Ok(messages.len())
    }

    /// One exchange: sent, streamed, recorded; remembered unless it failed
    /// (a stopped answer is remembered as far as it came).
    async fn turn(&mut self, text: String, cancel: &Cancel) -> anyhow::Result<()> {
        let diag = self.diag;
        let turn = ChatInputs {
            messages: self.memory.clone(),
            user_text: Some(text.clone()),
            ..self.inputs.clone()
        };
        let body = match body::build(turn) {
            Ok(body) => body,
            Err(f) => {
                diag.error(&f.message);
                return Ok(());
            }
        };
        let prepared = Prepared::post(self.settings, "chat/completions", body);
        let opts = common::options(self.settings, Shape::Chat, true);
        let mut sink = TextSink::new(io::stdout().lock(), diag, self.args.output.reasoning)
            .on_terminal(io::stdout().is_terminal());
        // Ctrl-C during the answer stops this turn only.
        let intercept = cancel.intercept();
        let spinner = Spinner::start(diag, "waiting for the model");
        let ex = exchange::run(
            &self.live,
            prepared,
            &opts,
            &mut sink,
            &spinner,
            intercept.token(),
        )
        .await;
        spinner.stop();
        drop(intercept);
        drop(sink);
        let ex = ex?;
        common::report(&ex.warnings, &ex, self.args.output.usage, diag);
        common::record(self.conversation.as_mut(), &ex, diag);
        let answer = ex
            .document()
            .pointer("/choices/0/message/content")
            .cloned()
            .unwrap_or(Value::Null);
        match &ex.failure {
            Some(f) if f.kind == Kind::Interrupted => {
                if answer.as_str().is_none_or(str::is_empty) {
                    diag.note("stopped before the answer began; the turn is not kept");
                    return Ok(());
                }
                diag.note("stopped; what arrived is kept in the conversation");
            }
            Some(f) => {
                diag.error(&f.message);
                return Ok(());
            }
            None => {}
        }
        self.memory.push(json!({"role": "user", "content": text}));
        self.memory
            .push(json!({"role": "assistant", "content": answer}));
        Ok(())
    }
}
