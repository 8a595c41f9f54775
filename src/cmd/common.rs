//! The steps `chat` and `complete` share: gathering the prompt, reading
//! `--body`, and previewing or sending a prepared request into the sink of
//! the chosen output mode.

use std::io::{self, BufWriter, Write};
use std::path::Path;

use serde_json::Value;

use super::exchange::{self, Interrupt};
use crate::cli::ConnArgs;
use crate::cli::chat::{OutputArgs, PromptArgs};
use crate::config::Settings;
use crate::error::Failure;
use crate::input::{self, Stdin};
use crate::output::Mode;
use crate::output::json::JsonSink;
use crate::output::raw::RawSink;
use crate::output::term::Diag;
use crate::output::text::TextSink;
use crate::request::params::parse_body_object;
use crate::request::{Prepared, preview};
use crate::stream::assemble::{Assembler, Shape};

/// `--body PATH|-|JSON`.
pub fn body_flag(arg: Option<&str>, stdin: &mut Stdin) -> Result<Option<Value>, Failure> {
    Ok(match arg {
        None => None,
        Some("-") => Some(parse_body_object(&stdin.take("--body -")?, "-")?),
        Some(text) if text.trim_start().starts_with('{') => {
            Some(parse_body_object(text, "(inline)")?)
        }
        Some(path) => Some(parse_body_object(
            &input::read_text_file(Path::new(path), "--body file")?,
            path,
        )?),
    })
}

/// The prompt text from `-f` files, stdin and the words (SPEC "Where the
/// prompt comes from"). `None` when all are empty.
pub fn prompt_text(
    args: &PromptArgs,
    stdin: &mut Stdin,
    no_stdin: bool,
) -> Result<Option<String>, Failure> {
    let mut file_parts = Vec::new();
    for path in &args.files {
        file_parts.push(input::file_part(
            path,
            &input::read_text_file(path, "file")?,
        ));
    }
    let has_dash = args.words.iter().any(|w| w == "-");
    let (words, stdin_text) = if has_dash {
        if no_stdin {
            return Err(Failure::usage(
                "a lone - reads stdin, but --no-stdin (or YAP_NO_STDIN) is set",
            ));
        }
        let text = stdin.take("the - argument")?;
        (input::substitute_dash(&args.words, &text), None)
    } else if !no_stdin && !stdin.is_terminal() && !stdin.taken() {
        (args.words.clone(), Some(stdin.take("the prompt")?))
    } else {
        (args.words.clone(), None)
    };
    Ok(input::compose(&file_parts, stdin_text.as_deref(), &words))
}

/// `--dry-run`/`--curl` print the request and return true; else false.
/// With no key anywhere, one warning says where yap looked (the preview
/// still prints; the real run would fail).
pub fn preview(
    conn: &ConnArgs,
    settings: &Settings,
    req: &Prepared,
    diag: Diag,
) -> io::Result<bool> {
    if !(conn.dry_run || conn.curl) {
        return Ok(false);
    }
    if let Some(missing) = settings.missing_key() {
        diag.warn(&format!("the real request would fail: {missing}"));
    }
    let text = if conn.dry_run {
        preview::dry_run(req)
    } else {
        preview::curl(
            req,
            &preview::CurlOptions {
                proxy: settings.proxy.as_ref().map(|p| p.value.as_str()),
                connect_timeout: conn.connect_timeout.map(|_| settings.connect_timeout),
                timeout: settings.timeout,
            },
        )
    };
    io::stdout().lock().write_all(text.as_bytes())?;
    Ok(true)
}

/// Send `req` and print the answer in `mode`; warnings and usage after it.
pub async fn send_and_print(
    settings: &Settings,
    req: &Prepared,
    output: &OutputArgs,
    diag: Diag,
    mode: Mode,
    shape: Shape,
    ctrl_c: &mut Interrupt,
) -> anyhow::Result<()> {
    let key = settings.key_for_request()?;
    let opts = exchange::Options::new(settings, key, diag, mode == Mode::Json, shape);
    let out = BufWriter::with_capacity(64 * 1024, io::stdout().lock());
    let (exchange, extra_warnings) = match mode {
        Mode::Text => {
            let mut sink = TextSink::new(out, diag, output.reasoning);
            let ex = exchange::run(&opts, req, &mut sink, ctrl_c).await?;
            (ex, std::mem::take(&mut sink.warnings))
        }
        Mode::Json => {
            let mut sink = JsonSink::new(out);
            (
                exchange::run(&opts, req, &mut sink, ctrl_c).await?,
                Vec::new(),
            )
        }
        Mode::Raw => {
            let mut sink = RawSink::new(out);
            (
                exchange::run(&opts, req, &mut sink, ctrl_c).await?,
                Vec::new(),
            )
        }
    };
    report(&exchange.assembler, &extra_warnings, output.usage, diag);
    exchange.result.map_err(Into::into)
}

/// Warnings and `--usage` on stderr, after the answer.
pub fn report(asm: &Assembler, extra: &[String], usage: bool, diag: Diag) {
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
