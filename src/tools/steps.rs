//! The tool loop, a layer above one exchange: send, run every call the
//! model asked for (in parallel), send the results with their
//! `tool_call_id`s, ask again, until an answer has no calls or
//! `--max-steps` is reached. Each step is one whole `Exchange`, handed to
//! `on_step` (where a history row or a cassette line is written, with
//! whether the step's calls are run) the
//! moment it ends.

use std::io::{self, BufRead, BufWriter, Write};

use serde_json::{Map, Value, json};

use super::Toolbox;
use super::command::{self, Limits};
use crate::error::{Failure, Kind};
use crate::exchange::{self, Cancel, Exchange};
use crate::output::json::JsonSink;
use crate::output::raw::RawSink;
use crate::output::term::{self, Diag};
use crate::output::text::{self, TextSink};
use crate::output::{Mode, NullSink, Sink};
use crate::request::Prepared;
use crate::source::{Activity, Source};
use crate::stream::assemble::ToolCall;

/// How the loop runs.
pub struct Plan<'a> {
    pub toolbox: &'a Toolbox,
    /// Model requests at most (SPEC: `--max-steps`, default 8).
    pub max_steps: u32,
    pub limits: Limits,
    /// `--confirm`: the terminal to ask on.
    pub confirm: Option<Confirm>,
}

/// How each step prints.
#[derive(Clone, Copy, Debug)]
pub struct Output {
    pub mode: Mode,
    pub diag: Diag,
    pub reasoning: bool,
    /// stdout is a terminal.
    pub terminal: bool,
    pub verbose: bool,
}

/// How a loop ended: its last exchange, and a failure of the loop's own
/// (`--max-steps` reached, interrupted while a command ran) that takes
/// precedence over the exchange's verdict.
pub struct Finished {
    pub last: Exchange,
    pub failure: Option<Failure>,
    pub warnings: Vec<String>,
}

impl Finished {
    pub fn into_result(self) -> Result<(), Failure> {
        match self.failure {
            Some(f) => Err(f),
            None => self.last.into_result(),
        }
    }
}

/// `--confirm`'s terminal: `/dev/tty`, whatever stdin is.
pub struct Confirm {
    tty: std::fs::File,
}

impl Confirm {
    /// Exit 2 when no terminal can be opened (never a silent yes).
    pub fn open() -> Result<Confirm, Failure> {
        std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .open("/dev/tty")
            .map(|tty| Confirm { tty })
            .map_err(|e| {
                Failure::usage(format!(
                    "--confirm needs a terminal to ask on, and /dev/tty cannot be opened ({e}); \
                     drop --confirm to run the tool commands without asking"
                ))
            })
    }

    /// Ask about one call; true for `y` or `yes`.
    async fn ask(
        &mut self,
        name: &str,
        command: &str,
        arguments: &str,
        cancel: &Cancel,
    ) -> Option<bool> {
        let question = format!(
            "yap: the model calls {name} with {}\nyap: run `{}`? [y/N] ",
            term::shown(arguments),
            term::shown(command)
        );
        let mut tty = self.tty.try_clone().ok()?;
        let read = tokio::task::spawn_blocking(move || {
            tty.write_all(question.as_bytes())?;
            tty.flush()?;
            let mut line = String::new();
            io::BufReader::new(tty).read_line(&mut line)?;
            Ok::<String, io::Error>(line)
        });
        tokio::select! {
            r = read => {
                let answer = r.ok()?.ok()?;
                let answer = answer.trim().to_ascii_lowercase();
                Some(answer == "y" || answer == "yes")
            }
            () = cancel.cancelled() => None,
        }
    }
}

fn step_sink(out: &Output) -> Box<dyn Sink + 'static> {
    let w = BufWriter::with_capacity(64 * 1024, io::stdout().lock());
    match out.mode {
        Mode::Text => Box::new(
            TextSink::new(w, out.diag, out.reasoning)
                .on_terminal(out.terminal)
                .hold_tool_calls(),
        ),
        Mode::Json => Box::new(NullSink),
        Mode::Raw => Box::new(RawSink::new(w)),
    }
}

/// Run the loop from the first request.
#[allow(clippy::too_many_arguments)]
pub async fn run<S: Source>(
    plan: &mut Plan<'_>,
    source: &S,
    first: Prepared,
    opts: &exchange::Options,
    out: &Output,
    activity: &dyn Activity,
    cancel: &Cancel,
    on_step: &mut dyn FnMut(&Exchange, bool),
) -> io::Result<Finished> {
    let mut request = first;
    let mut warnings = Vec::new();
    let mut step = 1u32;
    loop {
        let mut sink = step_sink(out);
        let ex = exchange::run(source, request, opts, sink.as_mut(), activity, cancel).await?;
        drop(sink);
        warnings.extend(ex.warnings.iter().cloned());
        let calls: Vec<ToolCall> = ex
            .assembler
            .choices
            .get(&0)
            .map(|c| c.tool_calls.values().cloned().collect())
            .unwrap_or_default();
        if ex.failure.is_some() || calls.is_empty() {
            on_step(&ex, false);
            return finish(ex, None, warnings, out);
        }
        let all_run = calls
            .iter()
            .all(|c| plan.toolbox.command(&c.name).is_some());
        if !all_run {
            // A call to a tool with no command: nothing of this step runs.
            on_step(&ex, false);
            print_calls(&calls, out, &mut warnings)?;
            return finish(ex, None, warnings, out);
        }
        if step >= plan.max_steps {
            on_step(&ex, false);
            print_calls(&calls, out, &mut warnings)?;
            let failure = Failure::new(
                Kind::Incomplete,
                format!(
                    "--max-steps {} reached and the model still asks for {} tool call{} (printed); \
                     raise --max-steps to let the loop go on",
                    plan.max_steps,
                    calls.len(),
                    if calls.len() == 1 { "" } else { "s" }
                ),
            );
            return finish(ex, Some(failure), warnings, out);
        }
        // This step's calls are run (their lines are not printed).
        on_step(&ex, true);
        let Some(results) = run_calls(plan, &calls, out, cancel).await else {
            let failure = Failure::new(Kind::Interrupted, "interrupted");
            return finish(ex, Some(failure), warnings, out);
        };
        request = next_request(&ex, &calls, results);
        step += 1;
    }
}

/// Print the final document in `--json` mode, and hand back the end.
fn finish(
    last: Exchange,
    failure: Option<Failure>,
    warnings: Vec<String>,
    out: &Output,
) -> io::Result<Finished> {
    if out.mode == Mode::Json {
        JsonSink::new(io::stdout().lock()).finish(&last.assembler)?;
    }
    Ok(Finished {
        last,
        failure,
        warnings,
    })
}

/// The lines of calls that are not run, as text mode prints tool calls.
fn print_calls(calls: &[ToolCall], out: &Output, warnings: &mut Vec<String>) -> io::Result<()> {
    if out.mode != Mode::Text {
        return Ok(());
    }
    let mut stdout = io::stdout().lock();
    for call in calls {
        let (line, warning) = text::tool_call_line(call);
        warnings.extend(warning);
        if out.terminal {
            stdout.write_all(term::shown(&line).as_bytes())?;
        } else {
            stdout.write_all(line.as_bytes())?;
        }
    }
    stdout.flush()
}

/// Run every call of a step: confirmed one by one when asked to, then all
/// at once. The tool messages, in the order of the calls; `None` when
/// interrupted.
async fn run_calls(
    plan: &mut Plan<'_>,
    calls: &[ToolCall],
    out: &Output,
    cancel: &Cancel,
) -> Option<Vec<String>> {
    let mut results: Vec<Option<String>> = vec![None; calls.len()];
    let mut handles = Vec::new();
    for (i, call) in calls.iter().enumerate() {
        let command = plan
            .toolbox
            .command(&call.name)
            .unwrap_or_default()
            .to_string();
        let arguments = match command::checked_arguments(&call.arguments) {
            Ok(a) => a,
            Err(error) => {
                out.diag.warn(&format!(
                    "the arguments of tool call {} ({}) are not valid JSON; the command was not run",
                    call.id, call.name
                ));
                results[i] = Some(error);
                continue;
            }
        };
        if let Some(confirm) = plan.confirm.as_mut() {
            match confirm.ask(&call.name, &command, &arguments, cancel).await {
                None => return None,
                Some(false) => {
                    results[i] = Some(json!({"error": "declined by the user"}).to_string());
                    continue;
                }
                Some(true) => {}
            }
        }
        if out.verbose {
            out.diag.note(&format!(
                "* tool {} ({}): running `{command}`",
                call.name, call.id
            ));
        }
        let limits = plan.limits.clone();
        let cancel = cancel.clone();
        handles.push((
            i,
            tokio::spawn(async move { command::run(&command, &arguments, &limits, &cancel).await }),
        ));
    }
    for (i, handle) in handles {
        let ran = match handle.await {
            Ok(Some(ran)) => ran,
            Ok(None) => return None,
            Err(e) => command::Ran {
                content: command::error_message(
                    &format!("the command's task failed: {e}"),
                    None,
                    b"",
                ),
                ok: false,
                stderr: Vec::new(),
            },
        };
        if !ran.stderr.is_empty() {
            let mut err = io::stderr().lock();
            let _ = err.write_all(&ran.stderr);
            if !ran.stderr.ends_with(b"\n") {
                let _ = err.write_all(b"\n");
            }
        }
        if !ran.ok {
            out.diag.warn(&format!(
                "tool {} ({}) failed; the error goes back to the model",
                calls[i].name, calls[i].id
            ));
        }
        results[i] = Some(ran.content);
    }
    if cancel.is_cancelled() {
        return None;
    }
    Some(results.into_iter().map(Option::unwrap_or_default).collect())
}

/// The next request: the same body with the assistant's message and one
/// tool message per call added, and no `tool_choice` (SPEC: first request
/// only, so a model told `required` can still answer).
fn next_request(ex: &Exchange, calls: &[ToolCall], results: Vec<String>) -> Prepared {
    let mut request = ex.request.clone();
    let content = ex
        .document()
        .pointer("/choices/0/message/content")
        .cloned()
        .unwrap_or(Value::Null);
    let tool_calls: Vec<Value> = calls
        .iter()
        .map(|c| {
            json!({
                "id": c.id,
                "type": if c.kind.is_empty() { "function" } else { &c.kind },
                "function": {"name": c.name, "arguments": c.arguments},
            })
        })
        .collect();
    let mut added =
        vec![json!({"role": "assistant", "content": content, "tool_calls": tool_calls})];
    for (call, result) in calls.iter().zip(results) {
        added.push(json!({"role": "tool", "tool_call_id": call.id, "content": result}));
    }
    if let Some(Value::Object(body)) = request.body.as_mut() {
        body.remove("tool_choice");
        match body.get_mut("messages") {
            Some(Value::Array(messages)) => messages.extend(added),
            _ => {
                body.insert("messages".into(), Value::Array(added));
            }
        }
    } else {
        let mut body = Map::new();
        body.insert("messages".into(), Value::Array(added));
        request.body = Some(Value::Object(body));
    }
    request
}
