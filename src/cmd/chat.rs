//! `yap chat`: wiring only. Arguments → settings → inputs → body →
//! prepared request → (preview | exchange) → sink.

use std::io::{self, BufRead, IsTerminal};
use std::path::Path;

use serde_json::{Value, json};

use super::common;
use crate::cli::{ChatArgs, ConnArgs};
use crate::config::{Env, Settings};
use crate::error::{Failure, Kind};
use crate::exchange::{self, Cancel};
use crate::input::{self, Stdin};
use crate::output::Mode;
use crate::output::progress::Spinner;
use crate::output::term::Diag;
use crate::output::text::TextSink;
use crate::request::Prepared;
use crate::request::chat::{self as body, ChatInputs};
use crate::stream::assemble::Shape;

pub async fn run(
    conn: &ConnArgs,
    args: &ChatArgs,
    env: &Env,
    diag: Diag,
    mode: Mode,
    cancel: &Cancel,
) -> anyhow::Result<()> {
    let settings = Settings::resolve(conn, args.model.as_deref(), env)?;
    let mut stdin = Stdin::new();
    let no_stdin = args.prompt.no_stdin || settings.no_stdin;

    let messages = match args.messages.as_deref() {
        None => Vec::new(),
        Some("-") => body::parse_messages(&stdin.take("--messages -")?, "-")?,
        Some(path) => body::parse_messages(
            &input::read_text_file(Path::new(path), "--messages file")?,
            path,
        )?,
    };
    let body_flag = common::body_flag(args.body.body.as_deref(), &mut stdin)?;
    let system = match (&args.system, &args.system_file) {
        (Some(s), _) => Some(s.clone()),
        (None, Some(p)) => Some(input::read_text_file(p, "--system-file")?),
        (None, None) => None,
    };
    let images = args
        .images
        .iter()
        .map(|i| input::image_url(i))
        .collect::<Result<Vec<_>, _>>()?;
    let user_text = common::prompt_text(&args.prompt, &mut stdin, no_stdin)?;

    let nothing = user_text.is_none() && images.is_empty() && messages.is_empty();
    let interactive = nothing && stdin.is_terminal() && !no_stdin && !stdin.taken();
    if nothing && !interactive {
        return Err(Failure::usage(
            "no prompt: give PROMPT words, pipe text on stdin, or pass --messages (stdin was empty, \
             not read, or --no-stdin was set)",
        )
        .into());
    }

    let inputs = ChatInputs {
        model: settings.require_model()?.to_string(),
        system,
        messages,
        user_text,
        images,
        sampling: common::sampling(&args.sampling)?,
        max_completion_tokens: args.max_completion_tokens,
        user: args.user.clone(),
        json_object: args.json_object,
        layers: common::layers(&settings, body_flag, &args.body),
    };
    if interactive && (conn.record.is_some() || args.cassette.cassette.is_some()) {
        return Err(Failure::usage(
            "--record and --cassette record one request: give a prompt (the interactive chat \
             is not recorded)",
        )
        .into());
    }
    if interactive {
        return interactive_chat(&settings, inputs, args, diag, cancel).await;
    }
    let prepared = Prepared::post(&settings, "chat/completions", body::build(inputs)?);
    if common::preview(conn, &settings, &prepared, diag)? {
        return Ok(());
    }
    common::send_and_print(
        &settings,
        prepared,
        &args.output,
        diag,
        mode,
        Shape::Chat,
        cancel,
        &common::Tape::new(conn, &args.cassette, env)?,
    )
    .await
}

/// A chat on a terminal: each line a user message, each answer streamed,
/// the conversation kept in memory. Ctrl-D (or `/exit`) ends it; an
/// exchange that fails is said and the chat goes on.
async fn interactive_chat(
    settings: &Settings,
    mut inputs: ChatInputs,
    args: &ChatArgs,
    diag: Diag,
    cancel: &Cancel,
) -> anyhow::Result<()> {
    let live = common::live(settings, diag)?;
    diag.text(&format!(
        "yap: chatting with {}; an empty line does nothing, Ctrl-D or /exit ends\n",
        inputs.model
    ));
    let mut history: Vec<Value> = std::mem::take(&mut inputs.messages);
    loop {
        diag.text("> ");
        // Read on a blocking thread, so that Ctrl-C at the prompt ends yap.
        let read = tokio::task::spawn_blocking(|| {
            let mut line = String::new();
            io::stdin().lock().read_line(&mut line).map(|n| (n, line))
        });
        let (n, line) = tokio::select! {
            r = read => r.map_err(|e| Failure::new(Kind::Other, format!("reading stdin: {e}")))??,
            () = cancel.cancelled() => {
                diag.text("\n");
                return Err(Failure::new(Kind::Interrupted, "interrupted").into());
            }
        };
        if n == 0 {
            diag.text("\n");
            return Ok(());
        }
        let line = line.trim_end_matches(['\n', '\r']);
        if line.trim().is_empty() {
            continue;
        }
        if line.trim() == "/exit" {
            return Ok(());
        }
        let turn = ChatInputs {
            messages: history.clone(),
            user_text: Some(line.to_string()),
            ..inputs.clone()
        };
        let prepared = Prepared::post(settings, "chat/completions", body::build(turn)?);
        let opts = common::options(settings, Shape::Chat, true);
        let mut sink = TextSink::new(io::stdout().lock(), diag, args.output.reasoning)
            .on_terminal(io::stdout().is_terminal());
        let spinner = Spinner::start(diag, "waiting for the model");
        let ex = exchange::run(&live, prepared, &opts, &mut sink, &spinner, cancel).await;
        spinner.stop();
        let ex = ex?;
        common::report(&ex, args.output.usage, diag);
        if let Some(f) = &ex.failure {
            if f.kind == Kind::Interrupted {
                return ex.into_result().map_err(Into::into);
            }
            diag.error(&f.message);
            continue;
        }
        let answer = ex
            .document()
            .pointer("/choices/0/message/content")
            .cloned()
            .unwrap_or(Value::Null);
        history.push(json!({"role": "user", "content": line}));
        history.push(json!({"role": "assistant", "content": answer}));
    }
}
