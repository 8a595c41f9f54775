//! `yap chat`: wiring only. Arguments → settings → inputs → body →
//! prepared request → (preview | exchange) → sink.

use std::io::{self, Write};
use std::path::Path;
use std::time::Duration;

use serde_json::Value;

use super::{common, interactive, save};
use crate::cli::{ChatArgs, ConnArgs};
use crate::config::{Env, Settings};
use crate::error::Failure;
use crate::exchange::Cancel;
use crate::history::{self, Continue};
use crate::input::{self, Stdin};
use crate::output::Mode;
use crate::output::term::Diag;
use crate::request::Prepared;
use crate::request::chat::{self as body, ChatInputs};
use crate::stream::assemble::Shape;
use crate::structured;
use crate::template;
use crate::tools::command::Limits;
use crate::tools::{self, Toolbox, steps};

pub async fn run(
    conn: &ConnArgs,
    args: &ChatArgs,
    env: &Env,
    diag: Diag,
    mode: Mode,
    cancel: &Cancel,
) -> anyhow::Result<()> {
    // `-c`/`--cid`: the conversation's messages, and its model unless -m.
    let continued = match (&args.cid, args.continue_last) {
        (Some(cid), _) => Some(Continue::Id(cid.clone())),
        (None, true) => Some(Continue::Newest),
        (None, false) => None,
    };
    let (cid, resume) = match &continued {
        Some(which) => {
            let path = history::db_path(env).map_err(Failure::usage)?;
            let (cid, resume) = history::continuation(&path, which)?;
            (Some(cid), resume)
        }
        None => (None, None),
    };
    let model_flag = args
        .model
        .clone()
        .or_else(|| resume.as_ref().and_then(|r| r.model.clone()));
    let settings = Settings::resolve(conn, model_flag.as_deref(), env)?;
    if let Some(name) = &args.save {
        return save::template(&settings, args, name, args.force);
    }
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
    let mut system = match (&args.system, &args.system_file) {
        (Some(s), _) => Some(s.clone()),
        (None, Some(p)) => Some(input::read_text_file(p, "--system-file")?),
        (None, None) => None,
    };
    let images = args
        .images
        .iter()
        .map(|i| input::image_url(i))
        .collect::<Result<Vec<_>, _>>()?;
    let mut user_text = common::prompt_text(&args.prompt, &mut stdin, no_stdin)?;

    // A template: rendered with the input, layered between the YAP_*
    // variables and the flags (SPEC, Templates).
    let rendered = match &args.template {
        Some(name) => {
            let template = template::load(name, &settings.config_path)?;
            let rendered = template.render(
                user_text.take(),
                &args.vars,
                args.schema.is_none() && !args.json_object,
                args.tools.tools.is_empty(),
            )?;
            for var in &rendered.unused {
                diag.warn(&format!("--var {var}: template {name} does not use it"));
            }
            rendered
        }
        None => {
            if let Some(var) = args.vars.first() {
                diag.warn(&format!("--var {var}: there is no template (-T) to use it"));
            }
            template::Rendered::default()
        }
    };
    user_text = user_text.or(rendered.user_text);
    if system.is_none() {
        system = rendered.system;
    }

    let nothing = user_text.is_none() && images.is_empty() && messages.is_empty();
    let interactive = nothing && stdin.is_terminal() && !no_stdin && !stdin.taken();
    if nothing && !interactive {
        return Err(Failure::usage(
            "no prompt: give PROMPT words, pipe text on stdin, or pass --messages (stdin was empty, \
             not read, or --no-stdin was set)",
        )
        .into());
    }

    let declared = if args.tools.tools.is_empty() {
        rendered.tools
    } else {
        let mut read = Vec::new();
        for arg in &args.tools.tools {
            read.extend(tools::parse_arg(arg)?);
        }
        read
    };
    let toolbox = Toolbox::from_tools(declared, &args.tools.tool_cmds)?;
    let format = match (&args.schema, args.json_object) {
        (Some(schema), _) => Some(structured::schema(schema, args.schema_name.as_deref())?),
        (None, true) => Some(structured::json_object()),
        (None, false) => rendered.schema,
    };
    let model = match (&args.model, rendered.model) {
        (None, Some(model)) if !model.is_empty() => model,
        _ => settings.require_model()?.to_string(),
    };
    let mut layers = common::layers(&settings, body_flag, &args.body);
    layers.template_body = rendered.body;
    let (response_format, check) = match format {
        Some(f) => (Some(f.response_format), Some(f.expect)),
        None => (None, None),
    };
    let mut sent_again = resume.map(|r| r.messages).unwrap_or_default();
    if system.is_some() {
        // `-s` replaces the conversation's system prompt.
        let leading = sent_again
            .iter()
            .take_while(|m| m.get("role").and_then(Value::as_str) == Some("system"))
            .count();
        sent_again.drain(..leading);
    }
    sent_again.extend(messages);
    let inputs = ChatInputs {
        model,
        system,
        messages: sent_again,
        user_text,
        images,
        sampling: common::sampling(&args.sampling)?,
        max_completion_tokens: args.max_completion_tokens,
        user: args.user.clone(),
        response_format,
        tools: toolbox.definitions(),
        tool_choice: args.tools.tool_choice.as_deref().map(tools::tool_choice),
        parallel_tool_calls: args.tools.parallel_tool_calls,
        layers,
    };
    if interactive && (conn.record.is_some() || args.cassette.cassette.is_some()) {
        return Err(Failure::usage(
            "--record and --cassette record one request: give a prompt (the interactive chat \
             is not recorded)",
        )
        .into());
    }
    if interactive {
        let history_file = interactive::history_file(&settings, env);
        return interactive::run(&settings, inputs, args, diag, cancel, cid, history_file).await;
    }
    let body = body::build(inputs)?;
    let looping = toolbox.runs_commands();
    if looping
        && body
            .get("n")
            .and_then(serde_json::Value::as_u64)
            .unwrap_or(1)
            > 1
    {
        return Err(Failure::usage(
            "a tool loop (--tool-cmd or a tool's command) needs one choice: drop -n (or n in the body)",
        )
        .into());
    }
    let max_steps = args.tools.max_steps.unwrap_or(8);
    if max_steps == 0 {
        return Err(Failure::usage("--max-steps 0: a loop makes at least one request").into());
    }
    let tool_timeout = match args.tools.tool_timeout {
        None => Duration::from_secs(60),
        Some(t) if t.is_finite() && t > 0.0 && t < 1e9 => Duration::from_secs_f64(t),
        Some(t) => {
            return Err(Failure::usage(format!(
                "--tool-timeout {t}: expected a positive number of seconds"
            ))
            .into());
        }
    };
    let prepared = Prepared::post(&settings, "chat/completions", body);
    if common::preview(conn, &settings, &prepared, diag)? {
        list_commands(&toolbox)?;
        return Ok(());
    }
    let tools = if looping {
        Some(steps::Plan {
            toolbox: &toolbox,
            max_steps,
            limits: Limits {
                timeout: tool_timeout,
                hidden_env: settings.key_variables(),
                max_output: settings.max_size,
            },
            confirm: if args.tools.confirm {
                Some(steps::Confirm::open()?)
            } else {
                None
            },
        })
    } else {
        None
    };
    common::send_and_print(
        &settings,
        prepared,
        &args.output,
        diag,
        mode,
        Shape::Chat,
        common::Extras { tools, check },
        cancel,
        cid,
        &common::Tape::new(conn, &args.cassette, env)?,
    )
    .await
}

/// After `--dry-run` or `--curl`: every command the run may start, as
/// shell comments (so that a `--curl` line still runs as it is).
fn list_commands(toolbox: &Toolbox) -> io::Result<()> {
    let commands = toolbox.commands();
    if commands.is_empty() {
        return Ok(());
    }
    let mut out = io::stdout().lock();
    writeln!(
        out,
        "# tool commands this run may start (sh -c, arguments as JSON on stdin):"
    )?;
    for (name, command) in commands {
        writeln!(out, "#   {name}: {}", command.replace('\n', "\n#     "))?;
    }
    Ok(())
}
