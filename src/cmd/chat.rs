//! `yap chat`: wiring only. Arguments → settings → inputs → body →
//! prepared request → (preview | exchange) → sink.

use std::io::{self, BufRead, BufWriter, Write};
use std::path::Path;
use std::time::Instant;

use serde_json::{Value, json};

use super::exchange::{self, Interrupt};
use crate::cli::{ChatArgs, ConnArgs};
use crate::config::{Env, Settings};
use crate::error::{Failure, Kind};
use crate::input::{self, Stdin};
use crate::output::Mode;
use crate::output::json::JsonSink;
use crate::output::raw::RawSink;
use crate::output::term::Diag;
use crate::output::text::TextSink;
use crate::request::chat::{self as body, ChatInputs};
use crate::request::{Prepared, preview};

pub async fn run(
    conn: &ConnArgs,
    args: &ChatArgs,
    env: &Env,
    diag: Diag,
    mode: Mode,
    ctrl_c: &mut Interrupt,
) -> anyhow::Result<()> {
    let settings = Settings::resolve(conn, args.model.as_deref(), env)?;
    let mut stdin = Stdin::new();
    let no_stdin = args.no_stdin || settings.no_stdin;

    let messages = match args.messages.as_deref() {
        None => Vec::new(),
        Some("-") => body::parse_messages(&stdin.take("--messages -")?, "-")?,
        Some(path) => body::parse_messages(
            &input::read_text_file(Path::new(path), "--messages file")?,
            path,
        )?,
    };
    let body_flag = match args.body.as_deref() {
        None => None,
        Some("-") => Some(crate::request::params::parse_body_object(
            &stdin.take("--body -")?,
            "-",
        )?),
        Some(text) if text.trim_start().starts_with('{') => {
            Some(crate::request::params::parse_body_object(text, "(inline)")?)
        }
        Some(path) => Some(crate::request::params::parse_body_object(
            &input::read_text_file(Path::new(path), "--body file")?,
            path,
        )?),
    };
    let system = match (&args.system, &args.system_file) {
        (Some(s), _) => Some(s.clone()),
        (None, Some(p)) => Some(input::read_text_file(p, "--system-file")?),
        (None, None) => None,
    };
    let mut file_parts = Vec::new();
    for path in &args.files {
        file_parts.push(input::file_part(
            path,
            &input::read_text_file(path, "file")?,
        ));
    }
    let images = args
        .images
        .iter()
        .map(|i| input::image_url(i))
        .collect::<Result<Vec<_>, _>>()?;

    let has_dash = args.prompt.iter().any(|w| w == "-");
    let (words, stdin_text) = if has_dash {
        if no_stdin {
            return Err(Failure::usage(
                "a lone - reads stdin, but --no-stdin (or YAP_NO_STDIN) is set",
            )
            .into());
        }
        let text = stdin.take("the - argument")?;
        (input::substitute_dash(&args.prompt, &text), None)
    } else if !no_stdin && !stdin.is_terminal() && !stdin.taken() {
        (args.prompt.clone(), Some(stdin.take("the prompt")?))
    } else {
        (args.prompt.clone(), None)
    };
    let user_text = input::compose(&file_parts, stdin_text.as_deref(), &words);

    let interactive = user_text.is_none()
        && images.is_empty()
        && messages.is_empty()
        && stdin.is_terminal()
        && !no_stdin
        && !stdin.taken();
    if user_text.is_none() && images.is_empty() && messages.is_empty() && !interactive {
        return Err(Failure::usage(
            "no prompt: give PROMPT words, pipe text on stdin, or pass --messages (stdin was empty, \
             not read, or --no-stdin was set)",
        )
        .into());
    }

    let model = settings.require_model()?.to_string();
    let inputs = ChatInputs {
        model,
        system,
        messages,
        user_text,
        images,
        profile_body: settings.profile_body.clone(),
        body_flag,
        stream: !args.no_stream,
        stream_usage: settings.stream_usage,
    };
    if interactive {
        return interactive_chat(&settings, inputs, args, diag, ctrl_c).await;
    }
    let request_body = body::build(inputs, args)?;
    let prepared = Prepared::post(&settings, "chat/completions", request_body);
    if conn.dry_run || conn.curl {
        let text = if conn.dry_run {
            preview::dry_run(&prepared)
        } else {
            preview::curl(
                &prepared,
                &preview::CurlOptions {
                    proxy: settings.proxy.as_ref().map(|p| p.value.as_str()),
                    connect_timeout: conn.connect_timeout.map(|_| settings.connect_timeout),
                    timeout: settings.timeout,
                },
            )
        };
        io::stdout().lock().write_all(text.as_bytes())?;
        return Ok(());
    }
    let key = settings.require_key()?;
    let opts = exchange::Options {
        settings: &settings,
        key,
        diag,
        spinner: true,
        keep_all: mode == Mode::Json,
        deadline: settings.timeout.map(|t| Instant::now() + t),
    };
    let out = BufWriter::with_capacity(64 * 1024, io::stdout().lock());
    let (exchange, extra_warnings) = match mode {
        Mode::Text => {
            let mut sink = TextSink::new(out, diag, args.output.reasoning);
            let ex = exchange::run(&opts, &prepared, &mut sink, ctrl_c).await?;
            (ex, std::mem::take(&mut sink.warnings))
        }
        Mode::Json => {
            let mut sink = JsonSink::new(out);
            (
                exchange::run(&opts, &prepared, &mut sink, ctrl_c).await?,
                Vec::new(),
            )
        }
        Mode::Raw => {
            let mut sink = RawSink::new(out);
            (
                exchange::run(&opts, &prepared, &mut sink, ctrl_c).await?,
                Vec::new(),
            )
        }
    };
    report(
        &exchange.assembler,
        &extra_warnings,
        args.output.usage,
        diag,
    );
    exchange.result.map_err(Into::into)
}

/// Warnings and `--usage` on stderr, after the answer.
fn report(asm: &crate::stream::assemble::Assembler, extra: &[String], usage: bool, diag: Diag) {
    for w in asm.warnings().iter().chain(extra) {
        diag.warn(w);
    }
    if usage {
        diag.text(&format!("{}\n", usage_line(asm.usage.as_ref())));
    }
}

/// `usage: 19 prompt + 36 completion = 55 tokens`.
pub fn usage_line(usage: Option<&Value>) -> String {
    let Some(u) = usage else {
        return "usage: not reported by the server".to_string();
    };
    let n = |k: &str| u.get(k).and_then(Value::as_u64);
    let mut line = format!(
        "usage: {} prompt + {} completion = {} tokens",
        n("prompt_tokens").map_or("?".into(), |v| v.to_string()),
        n("completion_tokens").map_or("?".into(), |v| v.to_string()),
        n("total_tokens").map_or("?".into(), |v| v.to_string()),
    );
    if let Some(r) = u
        .pointer("/completion_tokens_details/reasoning_tokens")
        .and_then(Value::as_u64)
        .filter(|r| *r > 0)
    {
        line.push_str(&format!(" ({r} reasoning)"));
    }
    line
}

/// A chat on a terminal: each line a user message, each answer streamed,
/// the conversation kept in memory. Ctrl-D (or `/exit`) ends it.
async fn interactive_chat(
    settings: &Settings,
    mut inputs: ChatInputs,
    args: &ChatArgs,
    diag: Diag,
    ctrl_c: &mut Interrupt,
) -> anyhow::Result<()> {
    let key = settings.require_key()?;
    diag.text(&format!(
        "yap: chatting with {}; an empty line does nothing, Ctrl-D or /exit ends\n",
        inputs.model
    ));
    let mut history: Vec<Value> = std::mem::take(&mut inputs.messages);
    let stdin = io::stdin();
    loop {
        diag.text("> ");
        let mut line = String::new();
        if stdin.lock().read_line(&mut line)? == 0 {
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
            model: inputs.model.clone(),
            system: inputs.system.clone(),
            messages: history.clone(),
            user_text: Some(line.to_string()),
            images: Vec::new(),
            profile_body: inputs.profile_body.clone(),
            body_flag: inputs.body_flag.clone(),
            stream: inputs.stream,
            stream_usage: inputs.stream_usage,
        };
        let prepared = Prepared::post(settings, "chat/completions", body::build(turn, args)?);
        let opts = exchange::Options {
            settings,
            key,
            diag,
            spinner: true,
            keep_all: true,
            deadline: settings.timeout.map(|t| Instant::now() + t),
        };
        let mut sink = TextSink::new(io::stdout().lock(), diag, args.output.reasoning);
        let ex = exchange::run(&opts, &prepared, &mut sink, ctrl_c).await?;
        report(&ex.assembler, &sink.warnings, args.output.usage, diag);
        match ex.result {
            Ok(()) => {}
            Err(f) if f.kind == Kind::Interrupted => return Err(f.into()),
            Err(f) => {
                diag.error(&f.message);
                continue;
            }
        }
        let doc = ex.assembler.to_document();
        let answer = doc
            .pointer("/choices/0/message/content")
            .cloned()
            .unwrap_or(Value::Null);
        history.push(json!({"role": "user", "content": line}));
        history.push(json!({"role": "assistant", "content": answer}));
    }
}
