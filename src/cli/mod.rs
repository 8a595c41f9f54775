//! The command line, as clap sees it. Nothing here reads the environment,
//! files or the network: these structs hold what the user typed, and
//! `config::Settings::resolve` turns them into settings.

pub mod chat;
pub mod connection;
pub mod generate;
pub mod models;

use std::path::PathBuf;

use clap::{Parser, Subcommand};

pub use chat::{ChatArgs, ColorChoice, CompleteArgs, OutputArgs};
pub use connection::ConnArgs;
pub use models::{ModelsAction, ModelsArgs};

const ABOUT: &str = "A command-line client for OpenAI-compatible Chat Completions APIs";

const AFTER_HELP: &str = "\
Examples:
  yap chat \"Name three prime numbers\"
  git diff | yap chat \"write the commit message\"
  yap -P local chat --json -t 0 \"Say hi\"
  yap models llama
  yap complete --max-tokens 20 \"Once upon a time\"

Exit codes: 0 ok, 1 other, 2 usage/config, 3 auth refused, 4 request rejected,
5 rate limited, 6 server error, 7 network/timeout, 8 incomplete or malformed
response, 9 content filter, 130 interrupted.";

#[derive(Debug, Parser)]
#[command(
    name = "yap",
    version,
    about = ABOUT,
    after_help = AFTER_HELP,
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
    Chat(Box<ChatArgs>),

    /// Send a prompt to POST {base}/completions (legacy text completion)
    ///
    /// For base models and fill-in-the-middle (--suffix). The prompt comes
    /// from -f files, stdin and the PROMPT words, as for chat.
    Complete(Box<CompleteArgs>),

    /// List the model ids of GET {base}/models, sorted, one per line
    Models(ModelsArgs),

    /// Show the resolved settings and where each came from (key redacted)
    Config(ConfigArgs),

    /// Write completions/ and man/ from this command-line definition
    #[command(hide = true, name = "__generate")]
    Generate {
        /// The directory holding completions/ and man/
        dir: PathBuf,
    },
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

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn clap_definition_is_consistent() {
        Cli::command().debug_assert();
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
