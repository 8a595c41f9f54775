//! `yap replay` and the cassette flags of `chat` and `complete`.

use std::path::PathBuf;

use clap::{Args, ValueEnum};

use super::chat::{BodyArgs, OutputArgs};

/// `--cassette-mode`.
#[derive(Debug, Clone, Copy, ValueEnum, PartialEq, Eq, Default)]
pub enum CassetteMode {
    /// Play back a matching exchange, else send and append
    #[default]
    Auto,
    /// Never send: a request with no match is exit 2
    Replay,
    /// Always send and append
    Record,
}

/// `--cassette PATH` and its mode (chat and complete).
#[derive(Debug, Args, Default)]
pub struct CassetteArgs {
    /// Play the answer back from this JSONL cassette when it holds the same
    /// request (endpoint and body); otherwise send and append the exchange
    #[arg(long, value_name = "PATH", help_heading = "Recording")]
    pub cassette: Option<PathBuf>,

    /// What --cassette does: auto, replay (never send) or record (always send)
    /// [env: YAP_CASSETTE_MODE] [default: auto]
    #[arg(long, value_enum, value_name = "MODE", help_heading = "Recording")]
    pub cassette_mode: Option<CassetteMode>,
}

#[derive(Debug, Args, Default)]
pub struct ReplayArgs {
    /// A cassette (JSONL, from --record or --cassette) or, with --live, a
    /// file of request bodies; - reads stdin (with --merge: the shard outputs)
    #[arg(value_name = "FILE", required_unless_present = "log")]
    pub files: Vec<String>,

    /// Replay an exchange of the history instead of a cassette: its id (yap logs) or
    /// last; text or --json only
    #[arg(
        long,
        value_name = "ID|last",
        conflicts_with_all = ["live", "merge", "raw", "realtime", "speed", "index", "last"]
    )]
    pub log: Option<String>,

    /// Play only the record at this 0-based index
    #[arg(long, value_name = "N", conflicts_with = "last")]
    pub index: Option<usize>,

    /// Play only the last record
    #[arg(long)]
    pub last: bool,

    /// Keep the recorded timing
    #[arg(long)]
    pub realtime: bool,

    /// Keep the recorded timing, X times faster (implies --realtime)
    #[arg(long, value_name = "X")]
    pub speed: Option<f64>,

    /// Re-send the request (one recorded exchange or one request body) with
    /// the current settings, and print the answer as chat would
    #[arg(long)]
    pub live: bool,

    /// With --live: the model, replacing the body's own [env: YAP_MODEL and
    /// the profile's model only fill a body that has none]
    #[arg(short, long, value_name = "M", help_heading = "Request")]
    pub model: Option<String>,

    #[command(flatten)]
    pub body: BodyArgs,

    /// Print text (the content), whatever the record was printed in
    #[arg(long, conflicts_with_all = ["json", "raw"], help_heading = "Output")]
    pub text: bool,

    /// `--json`, `--raw`, `--usage`, `--reasoning`, `--color`, as chat has them.
    #[command(flatten)]
    pub output: OutputArgs,

    /// With --live: write the results (JSONL, one line per record, in input order) to
    /// PATH instead of stdout; a batch even for one record
    #[arg(
        short = 'O',
        long = "output",
        value_name = "PATH",
        help_heading = "Batches"
    )]
    pub output_file: Option<PathBuf>,

    /// With --live: records in flight at once [default: 4]
    #[arg(long, value_name = "N", help_heading = "Batches")]
    pub concurrency: Option<String>,

    /// With --live: start at most N records a minute, evenly spaced (120/min)
    #[arg(long, value_name = "N/min", help_heading = "Batches")]
    pub rate: Option<String>,

    /// With --live: after the first failed record start no other (those in flight finish)
    #[arg(long, help_heading = "Batches")]
    pub fail_fast: bool,

    /// With --live -O: skip every index already in the -O file (a killed batch goes on)
    #[arg(long, requires = "output_file", help_heading = "Batches")]
    pub resume: bool,

    /// With --live -O: like --resume, and run the failed records again (their old lines
    /// are taken out)
    #[arg(long, requires = "output_file", help_heading = "Batches")]
    pub retry_failed: bool,

    /// With --live: only the records whose index modulo N is K-1 (machines of a CI matrix)
    #[arg(long, value_name = "K/N", help_heading = "Batches")]
    pub shard: Option<String>,

    /// Interleave shard outputs (FILE...) back into input order, on stdout or -O
    #[arg(long, help_heading = "Batches")]
    pub merge: bool,
}

impl ReplayArgs {
    /// The one FILE (every use but --merge takes exactly one).
    pub fn file(&self) -> &str {
        self.files.first().map_or("-", String::as_str)
    }

    /// A batch flag given, if any (they need --live).
    pub fn batch_flag(&self) -> Option<&'static str> {
        [
            (self.output_file.is_some(), "-O"),
            (self.concurrency.is_some(), "--concurrency"),
            (self.rate.is_some(), "--rate"),
            (self.fail_fast, "--fail-fast"),
            (self.resume, "--resume"),
            (self.retry_failed, "--retry-failed"),
            (self.shard.is_some(), "--shard"),
        ]
        .into_iter()
        .find_map(|(set, name)| set.then_some(name))
    }
}
