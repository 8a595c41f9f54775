//! From parsed arguments to an exit code: the environment snapshot, the
//! runtime, the command, and the one place errors are printed.

use std::process::ExitCode;

use crate::cli::{Cli, ColorChoice, Command, OutputArgs};
use crate::config::Env;
use crate::error::{self, Failure, Kind};
use crate::exchange::Cancel;
use crate::output::Mode;
use crate::output::term::{self, Diag};

/// The output mode the flags ask for.
fn mode_of(args: &OutputArgs) -> Mode {
    if args.json {
        Mode::Json
    } else if args.raw {
        Mode::Raw
    } else {
        Mode::Text
    }
}

/// `--color`: forced on or off, or `None` for auto.
fn forced_color(choice: Option<ColorChoice>) -> Option<bool> {
    match choice {
        Some(ColorChoice::Always) => Some(true),
        Some(ColorChoice::Never) => Some(false),
        Some(ColorChoice::Auto) | None => None,
    }
}

pub fn run(cli: Cli) -> ExitCode {
    let (mode, color) = match &cli.command {
        Command::Chat(args) => (mode_of(&args.output), forced_color(args.output.color)),
        Command::Complete(args) => (mode_of(&args.output), forced_color(args.output.color)),
        Command::Models(args) if args.json => (Mode::Json, None),
        _ => (Mode::Text, None),
    };
    let (env, dotenv_warnings) = Env::capture(cli.conn.no_dotenv);
    let env = env.map_err(anyhow::Error::from);
    let no_color = env
        .as_ref()
        .is_ok_and(|e| e.non_empty("NO_COLOR").is_some());
    let term_name = env
        .as_ref()
        .ok()
        .and_then(|e| e.get("TERM"))
        .map(|(t, _)| t.to_string());
    let diag = Diag {
        color: term::stderr_color(color, no_color, term_name.as_deref()),
        quiet: cli.conn.quiet,
    };
    for warning in &dotenv_warnings {
        diag.warn(warning);
    }
    let result = match env {
        Ok(env) => dispatch(&cli, &env, diag, mode).map_err(|e| (e, Some(env))),
        Err(e) => Err((e, None)),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err((err, env)) => {
            let code = error::exit_code(&err);
            if code == 0 {
                return ExitCode::SUCCESS;
            }
            let mut line = error::one_line(&err);
            if let Some(env) = &env {
                line = env.scrub_secrets(&line);
            }
            diag.error(&line);
            if mode != Mode::Text {
                let mut failure = error::failure_of(&err)
                    .cloned()
                    .unwrap_or_else(|| Failure::new(Kind::Other, ""));
                failure.message = line;
                diag.json(&failure.to_json());
            }
            ExitCode::from(code)
        }
    }
}

fn dispatch(cli: &Cli, env: &Env, diag: Diag, mode: Mode) -> anyhow::Result<()> {
    match &cli.command {
        Command::Config(args) => crate::cmd::config::run(&cli.conn, args, env, diag),
        Command::Generate { dir } => crate::cli::generate::write_all(dir),
        Command::Chat(args) => block_on(async {
            let cancel = Cancel::on_ctrl_c();
            crate::cmd::chat::run(&cli.conn, args, env, diag, mode, &cancel).await
        }),
        Command::Complete(args) => block_on(async {
            let cancel = Cancel::on_ctrl_c();
            crate::cmd::complete::run(&cli.conn, args, env, diag, mode, &cancel).await
        }),
        Command::Models(args) => block_on(async {
            let cancel = Cancel::on_ctrl_c();
            crate::cmd::models::run(&cli.conn, args, env, diag, &cancel).await
        }),
    }
}

/// Run a command on a current-thread runtime (one request needs no more).
fn block_on(work: impl std::future::Future<Output = anyhow::Result<()>>) -> anyhow::Result<()> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| Failure::new(Kind::Other, format!("cannot start the runtime: {e}")))?;
    let result = runtime.block_on(work);
    // The interactive chat may leave a thread blocked reading stdin after
    // Ctrl-C: exit without waiting for it.
    runtime.shutdown_background();
    result
}
