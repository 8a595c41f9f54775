//! The command line, as clap sees it. Nothing here reads the environment,
//! files or the network: these structs hold what the user typed, and
//! `config::Settings::resolve` turns them into settings.

pub mod batch;
pub mod chat;
pub mod complete;
pub mod connection;
pub mod generate;
pub mod help;
pub mod hints;
pub mod logs;
pub mod models;
pub mod replay;

use std::path::PathBuf;

use clap::{CommandFactory, Parser, Subcommand};
use clap_complete::engine::{ArgValueCandidates, ArgValueCompleter};

pub use batch::{BatchAction, BatchArgs};
pub use chat::{ChatArgs, ColorChoice, CompleteArgs, OutputArgs};
pub use connection::ConnArgs;
pub use logs::{LogsAction, LogsArgs};
pub use models::{ModelsAction, ModelsArgs};
pub use replay::{CassetteArgs, CassetteMode, ReplayArgs};

const ABOUT: &str = "A command-line client for OpenAI-compatible Chat Completions APIs";

#[derive(Debug, Parser)]
#[command(
    name = "yap",
    version,
    about = ABOUT,
    propagate_version = true,
    args_override_self = true,
    max_term_width = 100
)]
pub struct Cli {
    #[command(flatten)]
    pub conn: ConnArgs,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Send a prompt to POST {base}/chat/completions and print the answer
    ///
    /// The user message is made of each -f FILE, then stdin's text (when stdin
    /// is not a terminal), then the PROMPT words, joined by blank lines.
    /// With no prompt, no stdin and no --messages on a terminal, an
    /// interactive chat starts.
    ///
    /// The interactive chat: each line is a message and the answer streams
    /// back; the conversation is kept and each turn is a history row (-c
    /// resumes the newest conversation and shows its last turns). Keys:
    /// the usual editing keys, Up and Down for the lines of earlier chats,
    /// Alt-Enter for a new line; a line """ starts a block that another
    /// """ line ends. Ctrl-C clears a typed line, stops an answer (what
    /// arrived is kept) or, on an empty line, ends yap (130); Ctrl-D ends
    /// it (0). Commands: /help, /model NAME, /system TEXT, /clear (a new
    /// conversation), /save PATH (the messages as JSON, for --messages
    /// PATH), /exit; a line starting with // sends one /.
    Chat(Box<ChatArgs>),

    /// Send a prompt to POST {base}/completions (legacy text completion)
    ///
    /// For base models and fill-in-the-middle (--suffix). The prompt comes
    /// from -f files, stdin and the PROMPT words, as for chat.
    Complete(Box<CompleteArgs>),

    /// List the model ids of GET {base}/models, sorted, one per line
    Models(ModelsArgs),

    /// Play recorded exchanges back offline, or re-send one with --live
    ///
    /// FILE is a cassette written by --record or --cassette. Offline (no key,
    /// no network), stdout is what the recorded command printed, in the mode
    /// it was printed in unless --text, --json or --raw converts; recorded
    /// errors are printed again on stderr; the exit code is the first
    /// non-zero recorded one.
    Replay(Box<ReplayArgs>),

    /// The provider's Batch API: submit a file of requests, wait, fetch the results
    ///
    /// For work larger than one machine should drive: the provider runs the
    /// requests within a window (24 h), at a lower price. POST {base}/files
    /// and {base}/batches, GET {base}/batches/ID and {base}/files/ID/content.
    /// Results come back in input order, in replay --live's JSONL shape.
    Batch(Box<BatchArgs>),

    /// List, show, locate or remove the local history of exchanges
    ///
    /// Every exchange of chat and complete is kept in a SQLite database in
    /// the data folder (YAP_DATA_DIR, else $XDG_DATA_HOME/yap); --no-log,
    /// YAP_NO_LOG=1 or history = false in the config keep it out.
    Logs(LogsArgs),

    /// Show the resolved settings and where each came from (key redacted)
    Config(ConfigArgs),

    /// List, show or locate the saved prompt templates (chat -T NAME)
    Templates(TemplatesArgs),

    /// Print the completion script of a shell on stdout
    ///
    /// The script asks yap for the candidates at completion time, so -P
    /// offers the profiles of the config file as it is then.
    Completions {
        /// The shell
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },

    /// Print the man page yap.1, or write every page into DIR
    Man {
        /// A folder to write yap.1 and every command's page into (created when missing)
        dir: Option<PathBuf>,
    },
}

#[derive(Debug, clap::Args)]
pub struct TemplatesArgs {
    #[command(subcommand)]
    pub action: Option<TemplatesAction>,
}

#[derive(Debug, Subcommand)]
pub enum TemplatesAction {
    /// Print a template's file as it is
    Show {
        /// The template's name
        #[arg(add = ArgValueCompleter::new(complete::template_names))]
        name: String,
    },
    /// Print the templates folder (also when it does not exist)
    Path,
}

#[derive(Debug, clap::Args)]
pub struct ConfigArgs {
    #[command(subcommand)]
    pub action: Option<ConfigAction>,
}

#[derive(Debug, Subcommand)]
pub enum ConfigAction {
    /// Print the path of the configuration file (also when it does not exist)
    Path,
}

/// The global flags `yap config` and `yap config path` list in their help
/// (the others are accepted, and hidden there: they do not change where
/// settings come from). `completions` and `man` list none.
const CONFIG_FLAGS: &[&str] = &["profile", "config", "api_key_env", "quiet"];
const CONFIG_PATH_FLAGS: &[&str] = &["config", "quiet"];

/// The command line as yap parses it: the derive definition plus the
/// examples and exit codes of every command's help, the completion of
/// `-P` and `--auth`, and the global flags hidden where they do nothing.
pub fn command() -> clap::Command {
    build(true)
}

/// [`command`]; without the `help` subcommand and built for the man pages.
pub(crate) fn build(help_subcommand: bool) -> clap::Command {
    let cmd = Cli::command()
        .mut_arg("profile", |a| {
            a.add(ArgValueCompleter::new(complete::profile_names))
        })
        .mut_arg("auth", |a| {
            a.add(ArgValueCandidates::new(complete::auth_styles))
        });
    let cmd = with_extra(cmd, &[], help_subcommand);
    // clap copies the global flags into every subcommand when it builds the
    // command, unless the subcommand has its own: these hidden copies are
    // the same flags (they parse and propagate alike), left out of the help.
    let globals: Vec<clap::Arg> = cmd
        .get_arguments()
        .filter(|a| a.is_global_set())
        .cloned()
        .collect();
    let cmd = cmd
        .mut_subcommand("config", |c| {
            hide_globals(c, &globals, CONFIG_FLAGS)
                .mut_subcommand("path", |p| hide_globals(p, &globals, CONFIG_PATH_FLAGS))
        })
        .mut_subcommand("templates", |c| {
            hide_globals(c, &globals, CONFIG_PATH_FLAGS)
                .mut_subcommand("show", |p| hide_globals(p, &globals, CONFIG_PATH_FLAGS))
                .mut_subcommand("path", |p| hide_globals(p, &globals, CONFIG_PATH_FLAGS))
        })
        .mut_subcommand("completions", |c| hide_globals(c, &globals, &[]))
        .mut_subcommand("man", |c| hide_globals(c, &globals, &[]));
    if help_subcommand {
        // Parsing builds only the subcommand it meets: cheaper for --version.
        cmd
    } else {
        let mut cmd = cmd;
        cmd.build();
        cmd
    }
}

/// Add each command's examples and exit codes to its help, recursively.
fn with_extra(mut cmd: clap::Command, path: &[&str], help_subcommand: bool) -> clap::Command {
    if let Some(extra) = help::extra(path) {
        cmd = cmd.after_help(help::after_help(&extra));
    }
    if !help_subcommand {
        cmd = cmd.disable_help_subcommand(true);
    }
    let names: Vec<String> = cmd
        .get_subcommands()
        .map(|s| s.get_name().to_string())
        .collect();
    for name in names {
        let mut sub_path = path.to_vec();
        sub_path.push(name.as_str());
        cmd = cmd.mut_subcommand(&name, |s| with_extra(s, &sub_path, help_subcommand));
    }
    cmd
}

/// Give `cmd` hidden copies of the global flags but those in `keep`.
fn hide_globals(mut cmd: clap::Command, globals: &[clap::Arg], keep: &[&str]) -> clap::Command {
    for arg in globals {
        if !keep.contains(&arg.get_id().as_str()) {
            cmd = cmd.arg(arg.clone().hide(true));
        }
    }
    cmd
}

/// Parse `args` (the program name first), or say why not: see [`hints`].
pub fn parse(args: Vec<std::ffi::OsString>) -> Result<Cli, hints::Refusal> {
    use clap::FromArgMatches;
    let mut cmd = command();
    let matches = cmd
        .try_get_matches_from_mut(&args)
        .map_err(|e| hints::refusal(e, &cmd, &args))?;
    Cli::from_arg_matches(&matches).map_err(|e| hints::refusal(e, &cmd, &args))
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn clap_definition_is_consistent() {
        Cli::command().debug_assert();
        command().debug_assert();
        build(false).debug_assert();
    }

    #[test]
    fn global_flags_parse_after_the_subcommand() {
        let cli = Cli::try_parse_from(["yap", "chat", "--dry-run", "-m", "x", "hi"]).unwrap();
        assert!(cli.conn.dry_run);
    }

    #[test]
    fn json_and_raw_conflict() {
        assert!(Cli::try_parse_from(["yap", "chat", "--json", "--raw", "hi"]).is_err());
    }
}
