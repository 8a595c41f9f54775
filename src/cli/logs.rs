//! `yap logs` flags.

use clap::{Args, Subcommand};

#[derive(Debug, Args, Default)]
pub struct LogsArgs {
    /// How many exchanges to list, newest first
    #[arg(short = 'n', value_name = "N", default_value_t = 20)]
    pub count: usize,

    /// Only exchanges whose prompt or response contains TEXT (any case)
    #[arg(short = 'q', long = "query", value_name = "TEXT")]
    pub query: Option<String>,

    /// Only the exchanges of conversation ID
    #[arg(long, value_name = "ID")]
    pub cid: Option<String>,

    /// One JSON object per line
    #[arg(long)]
    pub json: bool,

    /// No warnings on stderr (the global flag; -q is --query here)
    #[arg(long, hide = true, global = true)]
    pub quiet: bool,

    #[command(subcommand)]
    pub action: Option<LogsAction>,
}

#[derive(Debug, Subcommand)]
pub enum LogsAction {
    /// Show one exchange: its prompt and response, or with --json the whole
    /// request and response documents
    Show {
        /// The exchange's id (from `yap logs`), or `last`
        #[arg(value_name = "ID|last")]
        id: String,

        /// The whole row as one JSON object
        #[arg(long)]
        json: bool,
    },

    /// Print where the history database is (also before it exists)
    Path,

    /// Remove exchanges by id, or all of them
    Rm {
        /// Ids of exchanges (from `yap logs`)
        #[arg(
            value_name = "ID",
            required_unless_present = "all",
            conflicts_with = "all"
        )]
        ids: Vec<String>,

        /// Remove every exchange (asks first on a terminal)
        #[arg(long)]
        all: bool,

        /// Do not ask (needed with --all when stdin is not a terminal)
        #[arg(short = 'y', long)]
        yes: bool,
    },
}
