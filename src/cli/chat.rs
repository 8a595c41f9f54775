//! Flags of the commands that talk to a model: where the prompt comes
//! from, the request body fields, and the output mode. `chat` and
//! `complete` share the groups their endpoints have in common.

use std::path::PathBuf;

use clap::{Args, ValueEnum};

#[derive(Debug, Args, Default)]
pub struct ChatArgs {
    #[command(flatten)]
    pub prompt: PromptArgs,

    /// A saved prompt: templates/NAME.toml beside the config file, or a PATH
    /// (with / or ending in .toml)
    #[arg(
        short = 'T',
        long,
        value_name = "NAME|PATH",
        help_heading = "Templates"
    )]
    pub template: Option<String>,

    /// A template variable, NAME=VALUE (repeatable)
    #[arg(long = "var", value_name = "NAME=VALUE", help_heading = "Templates")]
    pub vars: Vec<String>,

    /// Save this command line's -s, -m, request flags, -o, --body, --schema, --tool,
    /// --tool-cmd and PROMPT words as templates/NAME.toml; send nothing
    #[arg(
        long,
        value_name = "NAME",
        conflicts_with = "template",
        help_heading = "Templates"
    )]
    pub save: Option<String>,

    /// With --save: replace a template that exists
    #[arg(long, requires = "save", help_heading = "Templates")]
    pub force: bool,

    /// The model [env: YAP_MODEL] [profile: model]
    #[arg(short, long, value_name = "M", help_heading = "Request")]
    pub model: Option<String>,

    /// A leading system message
    #[arg(short, long, value_name = "TEXT", help_heading = "Request")]
    pub system: Option<String>,

    /// Continue the newest conversation of the history (its messages and
    /// answer are sent again before the prompt)
    #[arg(
        short = 'c',
        long = "continue",
        conflicts_with = "cid",
        help_heading = "Conversation"
    )]
    pub continue_last: bool,

    /// Continue conversation ID, or start one under that id
    #[arg(long, value_name = "ID", help_heading = "Conversation")]
    pub cid: Option<String>,

    /// A leading system message read from a file
    #[arg(
        long,
        value_name = "PATH",
        conflicts_with = "system",
        help_heading = "Request"
    )]
    pub system_file: Option<PathBuf>,

    /// Messages sent before the prompt: a JSON array or JSONL of message objects (- for stdin)
    #[arg(long, value_name = "PATH|-", help_heading = "Request")]
    pub messages: Option<String>,

    /// An image: a local file (sent as a data: URL) or an http(s) URL (repeatable)
    #[arg(
        short,
        long = "image",
        value_name = "PATH|URL",
        help_heading = "Request"
    )]
    pub images: Vec<String>,

    /// max_completion_tokens
    #[arg(
        allow_negative_numbers = true,
        long,
        value_name = "N",
        help_heading = "Request"
    )]
    pub max_completion_tokens: Option<u64>,

    /// user
    #[arg(long, value_name = "ID", help_heading = "Request")]
    pub user: Option<String>,

    /// Ask for a JSON object (response_format json_object) and check the answer is one
    #[arg(long, help_heading = "Request")]
    pub json_object: bool,

    /// Ask for JSON a schema accepts (response_format json_schema) and check it:
    /// a file or inline JSON
    #[arg(
        long,
        value_name = "PATH|JSON",
        conflicts_with = "json_object",
        help_heading = "Request"
    )]
    pub schema: Option<String>,

    /// The name an inline --schema is sent under [default: response]
    #[arg(
        long,
        value_name = "NAME",
        requires = "schema",
        help_heading = "Request"
    )]
    pub schema_name: Option<String>,

    #[command(flatten)]
    pub tools: ToolArgs,

    #[command(flatten)]
    pub sampling: SamplingArgs,

    #[command(flatten)]
    pub body: BodyArgs,

    #[command(flatten)]
    pub output: OutputArgs,

    #[command(flatten)]
    pub cassette: super::replay::CassetteArgs,
}

#[derive(Debug, Args, Default)]
pub struct CompleteArgs {
    #[command(flatten)]
    pub prompt: PromptArgs,

    /// The model [env: YAP_MODEL] [profile: model]
    #[arg(short, long, value_name = "M", help_heading = "Request")]
    pub model: Option<String>,

    /// Text that comes after the completion (fill-in-the-middle)
    #[arg(long, value_name = "TEXT", help_heading = "Request")]
    pub suffix: Option<String>,

    /// Echo the prompt back in the completion
    #[arg(long, help_heading = "Request")]
    pub echo: bool,

    /// Return the log probabilities of the N most likely tokens
    #[arg(
        allow_negative_numbers = true,
        long,
        value_name = "N",
        help_heading = "Request"
    )]
    pub logprobs: Option<u32>,

    /// Generate N completions server-side and return the best
    #[arg(
        allow_negative_numbers = true,
        long,
        value_name = "N",
        help_heading = "Request"
    )]
    pub best_of: Option<u32>,

    #[command(flatten)]
    pub sampling: SamplingArgs,

    #[command(flatten)]
    pub body: BodyArgs,

    #[command(flatten)]
    pub output: OutputArgs,

    #[command(flatten)]
    pub cassette: super::replay::CassetteArgs,
}

/// Tools the model may call, and the local commands that answer them.
#[derive(Debug, Args, Default)]
pub struct ToolArgs {
    /// A tool the model may call: a JSON or TOML file, or inline JSON; an OpenAI tool
    /// object, an array of them, or a bare function object (repeatable)
    #[arg(long = "tool", value_name = "PATH|JSON", help_heading = "Tools")]
    pub tools: Vec<String>,

    /// tool_choice of the first request: auto, none, required, or a tool's NAME
    #[arg(long, value_name = "CHOICE", help_heading = "Tools")]
    pub tool_choice: Option<String>,

    /// parallel_tool_calls
    #[arg(long, value_name = "BOOL", help_heading = "Tools")]
    pub parallel_tool_calls: Option<bool>,

    /// Run COMMAND (with sh -c, the call's arguments as JSON on stdin) when the model
    /// calls NAME, and send its stdout back (repeatable)
    #[arg(long = "tool-cmd", value_name = "NAME=COMMAND", help_heading = "Tools")]
    pub tool_cmds: Vec<String>,

    /// The most model requests a tool loop makes [default: 8]
    #[arg(
        allow_negative_numbers = true,
        long,
        value_name = "N",
        help_heading = "Tools"
    )]
    pub max_steps: Option<u32>,

    /// Kill a tool command (and its children) after this many seconds [default: 60]
    #[arg(
        allow_negative_numbers = true,
        long,
        value_name = "S",
        help_heading = "Tools"
    )]
    pub tool_timeout: Option<f64>,

    /// Ask on the terminal before each tool command runs
    #[arg(long, help_heading = "Tools")]
    pub confirm: bool,
}

/// Where the prompt comes from.
#[derive(Debug, Args, Default)]
pub struct PromptArgs {
    /// The prompt; words are joined with spaces; a lone - stands for stdin's text
    #[arg(value_name = "PROMPT")]
    pub words: Vec<String>,

    /// A text file put in the prompt, headed by its path (repeatable)
    #[arg(short, long = "file", value_name = "PATH", help_heading = "Request")]
    pub files: Vec<PathBuf>,

    /// Never read stdin, even when it is not a terminal [env: YAP_NO_STDIN=1]
    #[arg(long, help_heading = "Request")]
    pub no_stdin: bool,
}

/// Sampling fields both endpoints have.
#[derive(Debug, Args, Default)]
pub struct SamplingArgs {
    /// Sampling temperature
    #[arg(
        allow_negative_numbers = true,
        short,
        long,
        value_name = "F",
        help_heading = "Request"
    )]
    pub temperature: Option<f64>,

    /// Nucleus sampling probability mass
    #[arg(
        allow_negative_numbers = true,
        long,
        value_name = "F",
        help_heading = "Request"
    )]
    pub top_p: Option<f64>,

    /// max_tokens
    #[arg(
        allow_negative_numbers = true,
        long,
        value_name = "N",
        help_heading = "Request"
    )]
    pub max_tokens: Option<u64>,

    /// A stop sequence (repeatable; sent as an array)
    #[arg(
        allow_negative_numbers = true,
        long,
        value_name = "S",
        help_heading = "Request"
    )]
    pub stop: Vec<String>,

    /// How many choices to generate
    #[arg(
        allow_negative_numbers = true,
        short = 'n',
        long = "choices",
        value_name = "N",
        help_heading = "Request"
    )]
    pub n: Option<u32>,

    /// presence_penalty
    #[arg(
        long,
        value_name = "F",
        allow_negative_numbers = true,
        help_heading = "Request"
    )]
    pub presence_penalty: Option<f64>,

    /// frequency_penalty
    #[arg(
        long,
        value_name = "F",
        allow_negative_numbers = true,
        help_heading = "Request"
    )]
    pub frequency_penalty: Option<f64>,

    /// A logit_bias entry, TOKEN=BIAS (repeatable)
    #[arg(
        long,
        value_name = "TOKEN=BIAS",
        allow_hyphen_values = true,
        help_heading = "Request"
    )]
    pub logit_bias: Vec<String>,

    /// seed
    #[arg(
        long,
        value_name = "N",
        allow_negative_numbers = true,
        help_heading = "Request"
    )]
    pub seed: Option<i64>,
}

/// Raw body control.
#[derive(Debug, Args, Default)]
pub struct BodyArgs {
    /// Any body field, KEY=VALUE; VALUE is JSON if it parses, else a string;
    /// a dotted KEY sets a nested field (repeatable)
    #[arg(
        short = 'o',
        long = "param",
        value_name = "KEY=VALUE",
        help_heading = "Request"
    )]
    pub params: Vec<String>,

    /// A JSON object deep-merged into the body: a file, - for stdin, or inline JSON
    #[arg(long, value_name = "PATH|-|JSON", help_heading = "Request")]
    pub body: Option<String>,

    /// Ask for one JSON response instead of a stream (stream: false)
    #[arg(long, help_heading = "Request")]
    pub no_stream: bool,
}

#[derive(Debug, Args, Default)]
pub struct OutputArgs {
    /// Print one JSON document, the response object (a stream is assembled)
    #[arg(long, conflicts_with = "raw", help_heading = "Output")]
    pub json: bool,

    /// Print what the server sent: each SSE data payload as one line, or the body as is
    #[arg(long, help_heading = "Output")]
    pub raw: bool,

    /// Print token usage on stderr
    #[arg(short, long, help_heading = "Output")]
    pub usage: bool,

    /// Print the model's reasoning text on stderr as it arrives
    #[arg(long, help_heading = "Output")]
    pub reasoning: bool,

    /// Colour on stderr [default: auto; NO_COLOR turns it off]
    #[arg(long, value_enum, value_name = "WHEN", help_heading = "Output")]
    pub color: Option<ColorChoice>,
}

#[derive(Debug, Clone, Copy, ValueEnum, PartialEq, Eq)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}
