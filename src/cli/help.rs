//! Examples, exit codes, environment and files of each command: one source
//! for the `--help` texts (after_help) and the man pages' EXAMPLES, EXIT
//! STATUS, ENVIRONMENT and FILES sections.

/// What the help and the man page of one command add to clap's text.
pub struct Extra {
    /// `(what it does, the command line)`.
    pub examples: &'static [(&'static str, &'static str)],
    /// The exit codes this command can end with.
    pub exit_codes: &'static [(u8, &'static str)],
    /// Whether it reads the environment and the config file (ENVIRONMENT
    /// and FILES sections).
    pub reads_config: bool,
}

const OK: (u8, &str) = (0, "success");
const OTHER: (u8, &str) = (1, "other error");
const USAGE: (u8, &str) = (
    2,
    "usage or configuration error (bad flag, no model, no key, unreadable file, non-UTF-8 input)",
);
const NETWORK_CODES: [(u8, &str); 7] = [
    (3, "authentication refused (401, 403)"),
    (4, "request rejected (other 4xx)"),
    (5, "rate limited (429) after retries"),
    (6, "server error (5xx) after retries"),
    (7, "network error (DNS, connect, TLS, timeout)"),
    (8, "incomplete or malformed response"),
    (9, "stopped by a content filter"),
];
const INTERRUPTED: (u8, &str) = (130, "interrupted (Ctrl-C)");

const ALL_CODES: [(u8, &str); 11] = [
    OK,
    OTHER,
    USAGE,
    NETWORK_CODES[0],
    NETWORK_CODES[1],
    NETWORK_CODES[2],
    NETWORK_CODES[3],
    NETWORK_CODES[4],
    NETWORK_CODES[5],
    NETWORK_CODES[6],
    INTERRUPTED,
];
const MODELS_CODES: [(u8, &str); 10] = [
    OK,
    OTHER,
    USAGE,
    NETWORK_CODES[0],
    NETWORK_CODES[1],
    NETWORK_CODES[2],
    NETWORK_CODES[3],
    NETWORK_CODES[4],
    NETWORK_CODES[5],
    INTERRUPTED,
];
const LOCAL_CODES: [(u8, &str); 3] = [OK, OTHER, USAGE];
/// `results` and `run`: a result line's code is its request's, as for
/// `replay --live`; a batch not final yet is a usage error.
const BATCH_CODES: [(u8, &str); 11] = [
    OK,
    OTHER,
    (
        2,
        "usage error (a bad input line, named; no model; a batch not final yet; another input for the same -O)",
    ),
    NETWORK_CODES[0],
    (4, "request rejected (other 4xx; a failed batch)"),
    NETWORK_CODES[2],
    NETWORK_CODES[3],
    NETWORK_CODES[4],
    (
        8,
        "incomplete (a request never run: batch expired or cancelled)",
    ),
    NETWORK_CODES[6],
    INTERRUPTED,
];
const BATCH_WAIT_CODES: [(u8, &str); 10] = [
    (0, "success (every batch completed)"),
    OTHER,
    USAGE,
    NETWORK_CODES[0],
    (
        4,
        "a batch failed (the provider rejected its file), or a request rejected",
    ),
    NETWORK_CODES[2],
    NETWORK_CODES[3],
    NETWORK_CODES[4],
    (8, "a batch expired or was cancelled"),
    INTERRUPTED,
];

/// The extra text of the command at `path` (`[]` for yap itself,
/// `["config", "path"]` for `yap config path`).
pub fn extra(path: &[&str]) -> Option<Extra> {
    let extra = |examples, exit_codes, reads_config| Extra {
        examples,
        exit_codes,
        reads_config,
    };
    Some(match path {
        [] => extra(YAP, &ALL_CODES, true),
        ["chat"] => extra(CHAT, &ALL_CODES, true),
        ["complete"] => extra(COMPLETE, &ALL_CODES, true),
        ["models"] => extra(MODELS, &MODELS_CODES, true),
        ["replay"] => extra(REPLAY, &ALL_CODES, true),
        ["batch"] => extra(BATCH, &BATCH_CODES, true),
        ["batch", "submit"] => extra(BATCH_SUBMIT, &ALL_CODES, true),
        ["batch", "status"] => extra(BATCH_STATUS, &ALL_CODES, true),
        ["batch", "list"] => extra(BATCH_LIST, &ALL_CODES, true),
        ["batch", "cancel"] => extra(BATCH_CANCEL, &ALL_CODES, true),
        ["batch", "wait"] => extra(BATCH_WAIT, &BATCH_WAIT_CODES, true),
        ["batch", "results"] => extra(BATCH_RESULTS, &BATCH_CODES, true),
        ["batch", "run"] => extra(BATCH_RUN, &BATCH_CODES, true),
        ["models", "show"] => extra(MODELS_SHOW, &MODELS_CODES, true),
        ["logs"] => extra(LOGS, &LOCAL_CODES, true),
        ["logs", "show"] => extra(LOGS_SHOW, &LOCAL_CODES, true),
        ["logs", "path"] => extra(LOGS_PATH, &LOCAL_CODES, true),
        ["logs", "rm"] => extra(LOGS_RM, &LOCAL_CODES, true),
        ["config"] => extra(CONFIG, &LOCAL_CODES, true),
        ["config", "path"] => extra(CONFIG_PATH, &LOCAL_CODES, true),
        ["templates"] => extra(TEMPLATES, &LOCAL_CODES, true),
        ["templates", "show"] => extra(TEMPLATES_SHOW, &LOCAL_CODES, true),
        ["templates", "path"] => extra(TEMPLATES_PATH, &LOCAL_CODES, true),
        ["completions"] => extra(COMPLETIONS, &LOCAL_CODES, true),
        ["man"] => extra(MAN, &LOCAL_CODES, false),
        _ => return None,
    })
}

const YAP: &[(&str, &str)] = &[
    (
        "A question (the model from -m, YAP_MODEL or the profile)",
        "yap chat -m gpt-4o-mini \"Name three prime numbers\"",
    ),
    (
        "Text piped through a model",
        "git diff | yap chat -m gpt-4o-mini \"write the commit message\"",
    ),
    (
        "An interactive chat: no prompt, on a terminal",
        "yap chat -m gpt-4o-mini",
    ),
    ("The model ids a server offers", "yap models"),
    (
        "A recorded answer played back: no key, no network",
        "yap replay examples/hello.jsonl --realtime",
    ),
    (
        "What the settings resolve to, and where each came from",
        "yap config",
    ),
];

const CHAT: &[(&str, &str)] = &[
    (
        "A question; the answer streams to stdout",
        "yap chat -m gpt-4o-mini \"Name three prime numbers\"",
    ),
    (
        "stdin's text, then the prompt, in one message",
        "git diff | yap chat -m gpt-4o-mini \"write the commit message\"",
    ),
    (
        "A file and a system message",
        "yap chat -m gpt-4o-mini -s \"Be brief\" -f notes.txt \"Summarise\"",
    ),
    (
        "An image",
        "yap chat -m gpt-4o-mini -i photo.jpg \"What is in this picture?\"",
    ),
    (
        "The response as one JSON document",
        "yap chat -m gpt-4o-mini --json -t 0 \"Say hi\" | jq -r '.choices[0].message.content'",
    ),
    (
        "The request yap would send, sending nothing",
        "yap chat -m gpt-4o-mini --dry-run \"hi\"",
    ),
    (
        "A tool answered by a local command (the call's arguments on its stdin)",
        "yap chat -m gpt-4o-mini --tool weather.json --tool-cmd 'get_weather=./weather.sh' \"Rain in Oslo?\"",
    ),
    (
        "An answer checked against a JSON Schema (exit 8 when it does not fit)",
        "yap chat -m gpt-4o-mini --schema person.schema.json -f bio.txt \"Extract the person\"",
    ),
    (
        "A saved template with a variable, the diff as its input",
        "git diff | yap chat -T review --var lang=English",
    ),
    (
        "Record the exchange in a cassette (JSONL) for yap replay",
        "yap chat -m gpt-4o-mini --record session.jsonl \"Say hi\"",
    ),
    (
        "A test that never sends: answers come from the cassette (exit 2 on a miss)",
        "YAP_CASSETTE_MODE=replay yap chat --cassette tests/answers.jsonl -m gpt-4o-mini \"Say hi\"",
    ),
    (
        "An interactive chat (no prompt, stdin on a terminal)",
        "yap chat -m gpt-4o-mini",
    ),
    (
        "Continue the newest conversation of the history",
        "yap chat -c \"and in French?\"",
    ),
    (
        "A conversation a script names and continues",
        "yap chat --cid review-42 -m gpt-4o-mini \"review this\" && yap chat --cid review-42 \"now the tests\"",
    ),
    (
        "Keep this exchange out of the history",
        "yap chat --no-log -m gpt-4o-mini \"a private question\"",
    ),
];

const REPLAY: &[(&str, &str)] = &[
    (
        "Every recorded exchange, printed as it was (no key, no network)",
        "yap replay session.jsonl",
    ),
    (
        "The last one, at the recorded pace",
        "yap replay session.jsonl --last --realtime",
    ),
    (
        "The first one as one JSON document, twice as fast",
        "yap replay session.jsonl --index 0 --json --speed 2",
    ),
    (
        "Send a recorded request again, to another model",
        "yap replay --live session.jsonl --last -m gpt-4o",
    ),
    (
        "Send one request body from a file",
        "echo '{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}' | yap replay --live - -m gpt-4o-mini",
    ),
];

const BATCH: &[(&str, &str)] = &[
    (
        "Submit, wait and collect in one go (run it again after a crash: it resumes)",
        "yap batch run evals.jsonl -O results.jsonl -m gpt-4o-mini",
    ),
    (
        "The same in steps",
        "id=$(yap batch submit evals.jsonl -m gpt-4o-mini) && yap batch wait \"$id\" && yap batch results \"$id\" -O results.jsonl",
    ),
    ("The batches of the account, newest first", "yap batch list"),
];

const BATCH_SUBMIT: &[(&str, &str)] = &[
    (
        "Upload a file of request bodies; print the batch id",
        "yap batch submit evals.jsonl -m gpt-4o-mini",
    ),
    (
        "See the JSONL that would be uploaded, send nothing",
        "yap batch submit evals.jsonl -m gpt-4o-mini --dry-run",
    ),
    (
        "Azure OpenAI: its own line URLs, and metadata",
        "yap batch submit evals.jsonl -P azure --line-url-prefix /openai/deployments/gpt4o --metadata team=evals",
    ),
];

const BATCH_STATUS: &[(&str, &str)] = &[
    ("Status and request counts", "yap batch status batch_abc123"),
    (
        "The batch object as the server sent it",
        "yap batch status batch_abc123 --json",
    ),
];

const BATCH_LIST: &[(&str, &str)] = &[
    ("The 20 newest batches", "yap batch list"),
    (
        "The 5 newest, as the server sent them",
        "yap batch list -n 5 --json",
    ),
];

const BATCH_CANCEL: &[(&str, &str)] = &[("Stop a batch", "yap batch cancel batch_abc123")];

const BATCH_WAIT: &[(&str, &str)] = &[
    (
        "Wait for two batches, polling every 30 s",
        "yap batch wait batch_abc123 batch_def456",
    ),
    (
        "Poll every 5 minutes, give up after 25 hours",
        "yap batch wait batch_abc123 --poll 300 --timeout 90000",
    ),
];

const BATCH_RESULTS: &[(&str, &str)] = &[
    (
        "One JSONL line per input line, in input order",
        "yap batch results batch_abc123 > results.jsonl",
    ),
    (
        "Several batches of one split input, written whole to a file",
        "yap batch results batch_abc123 batch_def456 -O results.jsonl",
    ),
];

const BATCH_RUN: &[(&str, &str)] = &[
    (
        "Submit, wait, write the results (state in results.jsonl.yap-batch.json)",
        "yap batch run evals.jsonl -O results.jsonl -m gpt-4o-mini",
    ),
    (
        "Poll every minute from a nightly job",
        "yap batch run nightly.jsonl -O out/nightly.jsonl --poll 60",
    ),
];

const COMPLETE: &[(&str, &str)] = &[
    (
        "Continue a text",
        "yap complete -m gpt-3.5-turbo-instruct --max-tokens 20 \"Once upon a time\"",
    ),
    (
        "Fill in the middle",
        "yap complete -m some-coder --suffix \"    return x\" \"def f(x):\"",
    ),
];

const LOGS: &[(&str, &str)] = &[
    ("The 20 newest exchanges, newest first", "yap logs"),
    (
        "The 100 newest whose prompt or response mentions invoice",
        "yap logs -n 100 -q invoice",
    ),
    (
        "One conversation as JSON lines",
        "yap logs --cid review-42 --json | jq -r .response",
    ),
];

const LOGS_SHOW: &[(&str, &str)] = &[
    ("The newest exchange in full", "yap logs show last"),
    (
        "The request and response documents of exchange 42",
        "yap logs show 42 --json | jq .request.messages",
    ),
];

const LOGS_PATH: &[(&str, &str)] = &[
    ("Where the history database is", "yap logs path"),
    (
        "Open it with sqlite3",
        "sqlite3 \"$(yap logs path)\" .tables",
    ),
];

const LOGS_RM: &[(&str, &str)] = &[
    ("Remove two exchanges", "yap logs rm 42 43"),
    (
        "Remove everything, from a script",
        "yap logs rm --all --yes",
    ),
];

const MODELS: &[(&str, &str)] = &[
    ("Every model id, sorted", "yap models"),
    ("Ids containing a word (any case)", "yap models llama"),
    ("A glob, with owner and date", "yap models 'gpt-4o*' -l"),
    ("One model as JSON", "yap models show gpt-4o-mini"),
];

const MODELS_SHOW: &[(&str, &str)] = &[
    ("One model as JSON", "yap models show gpt-4o-mini"),
    (
        "An id with / and : (URL-encoded for you)",
        "yap models show org/name:tag",
    ),
];

const CONFIG: &[(&str, &str)] = &[
    ("The resolved settings and their sources", "yap config"),
    ("The same with a profile", "yap -P apollo config"),
    ("Where the config file is", "yap config path"),
];

const CONFIG_PATH: &[(&str, &str)] = &[
    ("Where the config file is", "yap config path"),
    ("Edit it", "${EDITOR:-vi} \"$(yap config path)\""),
];

const TEMPLATES: &[(&str, &str)] = &[
    ("The saved templates, one name per line", "yap templates"),
    (
        "Save a command line as a template, then use it",
        "yap chat --save review -s \"You review diffs\" -t 0 \"Review:\" && git diff | yap chat -T review",
    ),
    (
        "A template with a variable",
        "yap chat -T translate --var lang=French -f notes.txt",
    ),
];

const TEMPLATES_SHOW: &[(&str, &str)] = &[(
    "A template's file (read it before using a template you did not write: its tools may run commands)",
    "yap templates show review",
)];

const TEMPLATES_PATH: &[(&str, &str)] = &[
    ("Where the templates are", "yap templates path"),
    (
        "Write one by hand",
        "${EDITOR:-vi} \"$(yap templates path)/review.toml\"",
    ),
];

const COMPLETIONS: &[(&str, &str)] = &[
    (
        "bash",
        "yap completions bash > ~/.local/share/bash-completion/completions/yap",
    ),
    ("zsh (in ~/.zshrc)", "source <(yap completions zsh)"),
    (
        "fish",
        "yap completions fish > ~/.config/fish/completions/yap.fish",
    ),
];

const MAN: &[(&str, &str)] = &[
    ("Read the main page", "yap man | man -l -"),
    ("Install every page", "yap man ~/.local/share/man/man1"),
];

/// The `--help` text after the options: examples, then the exit codes.
pub fn after_help(extra: &Extra) -> String {
    let mut out = String::from("Examples:\n");
    for (what, line) in extra.examples {
        out.push_str(&format!("  # {what}\n  {line}\n"));
    }
    out.push_str("\nExit codes: ");
    let codes: Vec<String> = extra
        .exit_codes
        .iter()
        .map(|(code, what)| format!("{code} {}", short(what)))
        .collect();
    out.push_str(&codes.join(", "));
    out.push('.');
    out
}

/// A meaning without its parenthesised detail, for the one-line list.
fn short(what: &str) -> &str {
    what.split(" (").next().unwrap_or(what)
}

/// `(variable, meaning)` for the ENVIRONMENT section.
pub const ENVIRONMENT: &[(&str, &str)] = &[
    ("YAP_MODEL", "the model, when -m is not given"),
    (
        "YAP_BASE_URL, OPENAI_BASE_URL",
        "the base URL, when --base-url is not given (default https://api.openai.com/v1)",
    ),
    (
        "YAP_API_KEY, OPENAI_API_KEY",
        "the API key, when neither --api-key-env nor the profile names a variable",
    ),
    ("YAP_PROFILE", "the profile, when -P is not given"),
    ("YAP_CONFIG", "the config file, when --config is not given"),
    ("YAP_NO_STDIN", "1: never read stdin, as --no-stdin"),
    (
        "YAP_NO_LOG",
        "1: keep exchanges out of the history, as --no-log",
    ),
    (
        "YAP_DATA_DIR",
        "the folder of the history (never from .env); default $XDG_DATA_HOME/yap, else ~/.local/share/yap",
    ),
    (
        "HTTPS_PROXY, HTTP_PROXY, ALL_PROXY, NO_PROXY",
        "proxies (either case), when -x is not given",
    ),
    (
        "YAP_CASSETTE_MODE",
        "auto, replay or record: what --cassette does, when --cassette-mode is not given",
    ),
    ("NO_COLOR", "set: no colour on stderr"),
    (
        "XDG_CONFIG_HOME, HOME",
        "where the config file is looked for",
    ),
];

/// `(path, meaning)` for the FILES section.
pub const FILES: &[(&str, &str)] = &[
    (
        "$XDG_CONFIG_HOME/yap/config.toml",
        "the config file (default_profile and [profiles.NAME] tables); ~/.config/yap/config.toml when XDG_CONFIG_HOME is not set",
    ),
    (
        "$XDG_DATA_HOME/yap/history.sqlite3",
        "the history of exchanges (yap logs); YAP_DATA_DIR moves it, history = false in the config turns it off",
    ),
    (
        "$XDG_DATA_HOME/yap/chat_history",
        "the lines typed in the interactive chat (Up recalls them); not written with --no-log, YAP_NO_LOG=1 or history = false",
    ),
    (
        "./.env",
        "variables read from the working directory; never overrides a variable that is set",
    ),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_drops_the_detail() {
        assert_eq!(short("server error (5xx) after retries"), "server error");
        assert_eq!(short("success"), "success");
    }

    #[test]
    fn every_command_has_examples_and_codes() {
        for path in [
            &[][..],
            &["chat"],
            &["complete"],
            &["models"],
            &["logs"],
            &["logs", "show"],
            &["logs", "path"],
            &["logs", "rm"],
            &["replay"],
            &["batch"],
            &["batch", "submit"],
            &["batch", "status"],
            &["batch", "list"],
            &["batch", "cancel"],
            &["batch", "wait"],
            &["batch", "results"],
            &["batch", "run"],
            &["templates"],
            &["config"],
            &["completions"],
            &["man"],
        ] {
            let e = extra(path).unwrap();
            assert!(!e.examples.is_empty() && !e.exit_codes.is_empty());
            assert!(after_help(&e).contains("Exit codes: 0 success"));
        }
    }
}
