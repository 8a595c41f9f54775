//! `yap batch`: the provider's Batch API.

use std::path::PathBuf;

use clap::{Args, Subcommand};

#[derive(Debug, Args)]
pub struct BatchArgs {
    #[command(subcommand)]
    pub action: BatchAction,
}

#[derive(Debug, Subcommand)]
pub enum BatchAction {
    /// Check every line, upload the JSONL and create the batch; print its id
    ///
    /// A line is a request body (messages → /v1/chat/completions, prompt →
    /// /v1/completions), a recorded cassette exchange, or a batch line
    /// {"custom_id", "method", "url", "body"}. Input over --max-lines or
    /// --max-bytes becomes several batches, one id per line.
    Submit(SubmitArgs),
    /// Print a batch's status and request counts
    Status {
        /// The batch id
        id: String,
        /// The batch object as the server sent it
        #[arg(long)]
        json: bool,
    },
    /// List the batches, newest first: id, status, created, counts
    List {
        /// How many
        #[arg(short = 'n', long = "limit", value_name = "N", default_value_t = 20)]
        limit: usize,
        /// The list as the server sent it
        #[arg(long)]
        json: bool,
    },
    /// Ask the provider to cancel a batch
    Cancel {
        /// The batch id
        id: String,
    },
    /// Poll until every batch is final (completed, failed, expired, cancelled)
    Wait(WaitArgs),
    /// Download the results: one JSONL line per input line, in input order
    Results(ResultsArgs),
    /// Submit, wait and write the results; run again to resume (never submits twice)
    ///
    /// The state file PATH.yap-batch.json (batch ids, input hash, line count)
    /// is written right after each submission. Run again with the same FILE
    /// and -O PATH to resume waiting; -O is written whole or not at all.
    Run(RunArgs),
}

/// How the input becomes the uploaded JSONL.
#[derive(Debug, Args, Default)]
pub struct PrepArgs {
    /// The model of every body, replacing its own [env: YAP_MODEL and the
    /// profile's model only fill a body that has none]
    #[arg(short, long, value_name = "M", help_heading = "Request")]
    pub model: Option<String>,

    /// Any body field, KEY=VALUE; VALUE is JSON if it parses, else a string;
    /// a dotted KEY sets a nested field (repeatable)
    #[arg(
        short = 'o',
        long = "param",
        value_name = "KEY=VALUE",
        help_heading = "Request"
    )]
    pub params: Vec<String>,

    /// A JSON object deep-merged into every body: a file, or inline JSON
    #[arg(long, value_name = "PATH|JSON", help_heading = "Request")]
    pub body: Option<String>,

    /// Replaces /v1 in each line's url and the batch's endpoint (Azure
    /// OpenAI: /openai/deployments/NAME)
    #[arg(long, value_name = "P", help_heading = "Batch")]
    pub line_url_prefix: Option<String>,

    /// The completion window
    #[arg(long, value_name = "W", default_value = "24h", help_heading = "Batch")]
    pub window: String,

    /// Metadata of the batch, KEY=VALUE (repeatable)
    #[arg(long, value_name = "KEY=VALUE", help_heading = "Batch")]
    pub metadata: Vec<String>,

    /// The most lines in one batch; more are split over several
    #[arg(
        long,
        value_name = "N",
        default_value_t = 50_000,
        help_heading = "Batch"
    )]
    pub max_lines: usize,

    /// The largest JSONL of one batch (K, M, G suffixes); more is split
    #[arg(
        long,
        value_name = "SIZE",
        default_value = "190M",
        help_heading = "Batch"
    )]
    pub max_bytes: String,
}

#[derive(Debug, Args)]
pub struct SubmitArgs {
    /// JSONL of requests; - reads stdin
    #[arg(value_name = "FILE")]
    pub file: String,

    #[command(flatten)]
    pub prep: PrepArgs,
}

#[derive(Debug, Args)]
pub struct WaitArgs {
    /// The batch ids
    #[arg(value_name = "ID", required = true)]
    pub ids: Vec<String>,

    /// Seconds between polls (decimals allowed)
    #[arg(long, value_name = "S", default_value_t = 30.0)]
    pub poll: f64,
}

#[derive(Debug, Args)]
pub struct ResultsArgs {
    /// The batch ids, read as one input in the order given
    #[arg(value_name = "ID", required = true)]
    pub ids: Vec<String>,

    /// Write the JSONL to PATH (whole or not at all) instead of stdout
    #[arg(short = 'O', long = "output", value_name = "PATH")]
    pub output: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct RunArgs {
    /// JSONL of requests; - reads stdin
    #[arg(value_name = "FILE")]
    pub file: String,

    /// Where the results go (whole or not at all); PATH.yap-batch.json keeps the state
    #[arg(short = 'O', long = "output", value_name = "PATH", required = true)]
    pub output: PathBuf,

    /// Seconds between polls (decimals allowed)
    #[arg(long, value_name = "S", default_value_t = 30.0)]
    pub poll: f64,

    #[command(flatten)]
    pub prep: PrepArgs,
}
