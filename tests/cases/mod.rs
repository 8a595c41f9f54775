mod bad_input; // wrong flag values, files, configs: exit 2, nothing sent
mod batch; // yap batch: a fake Batch API with state; submit, split, wait, results, run resumed
mod batches; // replay --live over many records: order, concurrency, resume, rate, shards
mod body; // what the server receives: every request flag, its JSON type
mod chat; // prompt sources, text output, end to end
mod cli; // completions, man pages, help texts, usage hints, the silent-stdin note
mod complete; // yap complete: /completions, flags, streamed and not
mod config; // profiles, env, .env, precedence, `yap config`
mod dotenv; // .env: hosts it may not choose, variables it may not set, bad lines
mod errors; // HTTP error fixtures, exit codes, retries, network failures
mod faults; // servers that misbehave: cuts, lies, caps, TLS, redirects
mod generated;
mod history; // the history: fields, migrations, concurrency, failures to write, logs, -c and --cid // completions/ and man/ match the clap definition
mod interactive; // the interactive chat on a pty: line editor, input history, slash commands, Ctrl-C
mod models; // yap models: shapes, filters, --long, show
mod output; // --json, --raw, --usage, --reasoning, n>1, closed stdout
mod preview; // --dry-run and --curl
mod providers; // other servers' streams and errors: empty events, error chunks, unknown fields, controls
mod replay; // cassettes: record, replay offline, --cassette, --live, concurrent appends, bad lines
mod seam; // an exchange from memory prints what the live one prints; the exchange value
mod secrets; // the key never appears anywhere
mod streams; // every SSE fixture, cut three ways
mod templates; // -T, --var, --save, yap templates: rendering, precedence, bad input
mod tools; // --tool, --tool-cmd, the loop, --confirm, --schema, --json-object
mod transport; // timeouts, proxies, redirects, Ctrl-C
