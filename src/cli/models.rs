//! `yap models` flags.

use clap::{Args, Subcommand};

#[derive(Debug, Args, Default)]
pub struct ModelsArgs {
    /// Only ids that contain PATTERN (case-insensitive), or match it as a
    /// glob when it has * or ?
    #[arg(value_name = "PATTERN")]
    pub pattern: Option<String>,

    /// A table: id, owner, creation date (tab-separated when piped)
    #[arg(short, long, conflicts_with = "json")]
    pub long: bool,

    /// The response as the server sent it
    #[arg(long)]
    pub json: bool,

    #[command(subcommand)]
    pub action: Option<ModelsAction>,
}

#[derive(Debug, Subcommand)]
pub enum ModelsAction {
    /// Print one model as JSON: GET {base}/models/{ID}
    Show {
        /// The model id (URL-encoded for you: project/model and org/name:tag work)
        id: String,
    },
}
