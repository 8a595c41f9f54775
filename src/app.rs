//! From parsed arguments to an exit code: the environment snapshot, the
//! runtime, the command, and the one place errors are printed.

use std::process::ExitCode;

use crate::cli::hints::Refusal;
use crate::cli::{Cli, ColorChoice, Command};
use crate::config::Env;
use crate::error::{self, Failure, Kind};
use crate::exchange::Cancel;
use crate::output::Mode;
use crate::output::term::{self, Diag};

/// The whole program: a shell's completion request, the command line, the
/// command. `--help` and `--version` end in `cli::parse`, before any
/// config, `.env` or runtime is touched.
pub fn main() -> ExitCode {
    crate::cli::complete::answer_if_asked();
    let args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    // `yap __generate DIR` rewrites the repository's completions/ and man/
    // (a developer's command, outside the clap definition so that no help
    // or completion shows it).
    if let [_, command, dir] = args.as_slice()
        && command == "__generate"
    {
        return local(|| crate::cli::generate::write_all(std::path::Path::new(dir)));
    }
    match crate::cli::parse(args) {
        Ok(cli) => run(cli),
        Err(Refusal::Show(err)) => {
            let _ = err.print();
            ExitCode::from(u8::try_from(err.exit_code()).unwrap_or(2))
        }
        Err(Refusal::Usage(message)) => {
            // No Env yet: the parse failed before it was captured.
            let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
            let term_name = std::env::var("TERM").ok();
            let diag = Diag {
                color: term::stderr_color(None, no_color, term_name.as_deref()),
                quiet: false,
                terminal: std::io::IsTerminal::is_terminal(&std::io::stderr()),
            };
            diag.error(&message);
            ExitCode::from(2)
        }
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
    // Commands that only print what yap knows about itself: no environment.
    match &cli.command {
        Command::Completions { shell } => return local(|| print_completions(*shell)),
        Command::Man { dir } => return local(|| print_man(dir.as_deref())),
        _ => {}
    }
    let (mode, color) = match &cli.command {
        Command::Chat(args) => (
            crate::cmd::common::mode_of(&args.output),
            forced_color(args.output.color),
        ),
        Command::Complete(args) => (
            crate::cmd::common::mode_of(&args.output),
            forced_color(args.output.color),
        ),
        Command::Models(args) if args.json => (Mode::Json, None),
        Command::Batch(args)
            if matches!(
                args.action,
                crate::cli::BatchAction::Status { json: true, .. }
                    | crate::cli::BatchAction::List { json: true, .. }
            ) =>
        {
            (Mode::Json, None)
        }
        Command::Logs(args) if args.json => (Mode::Json, None),
        Command::Replay(args) => (
            crate::cmd::common::mode_of(&args.output),
            forced_color(args.output.color),
        ),
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
        terminal: std::io::IsTerminal::is_terminal(&std::io::stderr()),
    };
    for warning in &dotenv_warnings {
        diag.warn(warning);
    }
    crate::input::set_notes(diag);
    let result = match env {
        Ok(env) => dispatch(&cli, &env, diag, mode).map_err(|e| (e, Some(env))),
        Err(e) => Err((e, None)),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err((err, env)) => {
            let code = error::exit_code(&err);
            if code == 0 || error::reported(&err).is_some() {
                return ExitCode::from(code);
            }
            let failure = error::failure_of(&err)
                .cloned()
                .unwrap_or_else(|| Failure::new(Kind::Other, ""));
            show_error(&error::one_line(&err), failure, env.as_ref(), diag, mode);
            ExitCode::from(code)
        }
    }
}

/// The error line on stderr, and in `--json`/`--raw` mode the JSON error
/// object, every secret-named variable's value scrubbed from the message.
pub fn show_error(line: &str, mut failure: Failure, env: Option<&Env>, diag: Diag, mode: Mode) {
    let line = match env {
        Some(env) => env.scrub_secrets(line),
        None => line.to_string(),
    };
    diag.error(&line);
    if mode != Mode::Text {
        failure.message = line;
        diag.json(&failure.to_json());
    }
}

fn dispatch(cli: &Cli, env: &Env, diag: Diag, mode: Mode) -> anyhow::Result<()> {
    match &cli.command {
        Command::Config(args) => crate::cmd::config::run(&cli.conn, args, env, diag),
        Command::Templates(args) => crate::cmd::templates::run(&cli.conn, args, env),
        Command::Logs(args) => crate::cmd::logs::run(args, env, diag),
        Command::Completions { shell } => print_completions(*shell),
        Command::Man { dir } => print_man(dir.as_deref()),
        Command::Chat(args) => block_on(async {
            let cancel = Cancel::on_ctrl_c();
            crate::cmd::chat::run(&cli.conn, args, env, diag, mode, &cancel).await
        }),
        Command::Complete(args) => block_on(async {
            let cancel = Cancel::on_ctrl_c();
            crate::cmd::complete::run(&cli.conn, args, env, diag, mode, &cancel).await
        }),
        Command::Replay(args) => block_on(async {
            let cancel = Cancel::on_ctrl_c();
            crate::cmd::replay::run(&cli.conn, args, env, diag, &cancel).await
        }),
        Command::Batch(args) => block_on(async {
            let cancel = Cancel::on_ctrl_c();
            crate::cmd::batch::run(&cli.conn, args, env, diag, &cancel).await
        }),
        Command::Models(args) => block_on(async {
            let cancel = Cancel::on_ctrl_c();
            crate::cmd::models::run(&cli.conn, args, env, diag, &cancel).await
        }),
    }
}

/// Run a command that needs no environment, printing its error as usual.
fn local(work: impl FnOnce() -> anyhow::Result<()>) -> ExitCode {
    match work() {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            let code = error::exit_code(&err);
            if code == 0 {
                return ExitCode::SUCCESS;
            }
            Diag::default().error(&error::one_line(&err));
            ExitCode::from(code)
        }
    }
}

fn print_completions(shell: clap_complete::Shell) -> anyhow::Result<()> {
    let mut out = Vec::new();
    crate::cli::complete::script(&shell.to_string(), &mut out)?;
    std::io::Write::write_all(&mut std::io::stdout().lock(), &out)?;
    Ok(())
}

fn print_man(dir: Option<&std::path::Path>) -> anyhow::Result<()> {
    match dir {
        Some(dir) => crate::cli::generate::write_man_pages(dir),
        None => {
            let pages = crate::cli::generate::man_pages()?;
            let (_, main_page) = pages
                .first()
                .ok_or_else(|| anyhow::anyhow!("no man page was generated"))?;
            std::io::Write::write_all(&mut std::io::stdout().lock(), main_page)?;
            Ok(())
        }
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
