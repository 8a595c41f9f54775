//! Connection flags: which provider, how to reach it, how to authenticate.
//! They are global: they work before or after the subcommand.

use std::path::PathBuf;

use clap::Args;

#[derive(Debug, Args, Default)]
#[command(next_help_heading = "Connection")]
pub struct ConnArgs {
    /// Use a provider profile from the config file [env: YAP_PROFILE]
    #[arg(short = 'P', long, global = true, value_name = "NAME")]
    pub profile: Option<String>,

    /// The config file [env: YAP_CONFIG] [default: $XDG_CONFIG_HOME/yap/config.toml]
    #[arg(long, global = true, value_name = "PATH")]
    pub config: Option<PathBuf>,

    /// Base URL with its path prefix [env: YAP_BASE_URL, then OPENAI_BASE_URL]
    /// [default: https://api.openai.com/v1]
    #[arg(long, global = true, value_name = "URL")]
    pub base_url: Option<String>,

    /// Read the API key from this environment variable (e.g. APOLLO_API_KEY)
    /// [default: YAP_API_KEY, then OPENAI_API_KEY]
    #[arg(long, global = true, value_name = "NAME")]
    pub api_key_env: Option<String>,

    /// How the key is sent: bearer, x-api-key, header:NAME or none [default: bearer]
    #[arg(long, global = true, value_name = "STYLE")]
    pub auth: Option<String>,

    /// An extra request header, 'Name: value' (repeatable)
    #[arg(short = 'H', long = "header", global = true, value_name = "HEADER")]
    pub headers: Vec<String>,

    /// Send every request through this HTTP(S) proxy
    /// [default: from HTTPS_PROXY, HTTP_PROXY, ALL_PROXY, NO_PROXY]
    #[arg(short = 'x', long, global = true, value_name = "URL")]
    pub proxy: Option<String>,

    /// Give up after this many seconds in all, retries and their waits included
    #[arg(allow_negative_numbers = true, long, global = true, value_name = "S")]
    pub timeout: Option<f64>,

    /// Give up a connection attempt after this many seconds [default: 10]
    #[arg(allow_negative_numbers = true, long, global = true, value_name = "S")]
    pub connect_timeout: Option<f64>,

    /// Give up when a response sends no bytes at all for this many seconds
    /// (keep-alive comments count as bytes) [default: 300]
    #[arg(allow_negative_numbers = true, long, global = true, value_name = "S")]
    pub idle_timeout: Option<f64>,

    /// Retries on connection failures, 408, 409, 429 and 5xx [default: 2]
    #[arg(allow_negative_numbers = true, long, global = true, value_name = "N")]
    pub retries: Option<u32>,

    /// The largest SSE line or event, or non-streamed body, yap accepts
    /// (bytes; K, M, G suffixes) [default: 64M]
    #[arg(long, global = true, value_name = "SIZE")]
    pub max_size: Option<String>,

    /// Do not read ./.env [env: YAP_NO_DOTENV=1]
    #[arg(long, global = true)]
    pub no_dotenv: bool,

    /// Do not check the server's TLS certificate (warns on stderr)
    #[arg(long, global = true)]
    pub insecure: bool,

    /// Print the request (method, URL, headers with the key redacted, body); send nothing
    #[arg(long, global = true, conflicts_with = "curl")]
    pub dry_run: bool,

    /// Print an equivalent curl command (the key as $VARIABLE); send nothing
    #[arg(long, global = true)]
    pub curl: bool,

    /// Append each exchange to this JSONL cassette (see yap replay)
    #[arg(long, global = true, value_name = "PATH")]
    pub record: Option<PathBuf>,

    /// Show the request and response lines and timings on stderr
    #[arg(short, long, global = true, conflicts_with = "quiet")]
    pub verbose: bool,

    /// Keep this exchange out of the local history [env: YAP_NO_LOG=1]
    #[arg(long, global = true)]
    pub no_log: bool,

    /// No spinner and no warnings on stderr
    #[arg(short, long, global = true)]
    pub quiet: bool,
}
