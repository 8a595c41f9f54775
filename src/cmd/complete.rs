//! `yap complete`: wiring only, like `chat`, for `POST {base}/completions`.

use super::common;
use crate::cli::{CompleteArgs, ConnArgs};
use crate::config::{Env, Settings};
use crate::error::Failure;
use crate::exchange::Cancel;
use crate::input::Stdin;
use crate::output::Mode;
use crate::output::term::Diag;
use crate::request::Prepared;
use crate::request::complete::{self as body, CompleteInputs};
use crate::stream::assemble::Shape;

pub async fn run(
    conn: &ConnArgs,
    args: &CompleteArgs,
    env: &Env,
    diag: Diag,
    mode: Mode,
    cancel: &Cancel,
) -> anyhow::Result<()> {
    let settings = Settings::resolve(conn, args.model.as_deref(), env)?;
    let mut stdin = Stdin::new();
    let no_stdin = args.prompt.no_stdin || settings.no_stdin;
    let body_flag = common::body_flag(args.body.body.as_deref(), &mut stdin)?;
    let prompt = common::prompt_text(&args.prompt, &mut stdin, no_stdin)?;
    let from_body = body_flag
        .as_ref()
        .is_some_and(|b| b.get("prompt").is_some())
        || args.body.params.iter().any(|p| p.starts_with("prompt="));
    if prompt.is_none() && !from_body {
        return Err(Failure::usage(
            "no prompt: give PROMPT words, pipe text on stdin, or use -f FILE \
             (stdin was empty, not read, or --no-stdin was set)",
        )
        .into());
    }
    let inputs = CompleteInputs {
        model: settings.require_model()?.to_string(),
        prompt,
        suffix: args.suffix.clone(),
        echo: args.echo,
        logprobs: args.logprobs,
        best_of: args.best_of,
        sampling: common::sampling(&args.sampling)?,
        layers: common::layers(&settings, body_flag, &args.body),
    };
    let prepared = Prepared::post(&settings, "completions", body::build(inputs)?);
    if common::preview(conn, &settings, &prepared, diag)? {
        return Ok(());
    }
    common::send_and_print(
        &settings,
        prepared,
        &args.output,
        diag,
        mode,
        Shape::Completion,
        common::Extras::default(),
        cancel,
        None,
        &common::Tape::new(conn, &args.cassette, env)?,
    )
    .await
}
