
use builtin;
use str;

set edit:completion:arg-completer[yap] = {|@words|
    fn spaces {|n|
        builtin:repeat $n ' ' | str:join ''
    }
    fn cand {|text desc|
        edit:complex-candidate $text &display=$text' '(spaces (- 14 (wcswidth $text)))$desc
    }
    var command = 'yap'
    for word $words[1..-1] {
        if (str:has-prefix $word '-') {
            break
        }
        set command = $command';'$word
    }
    var completions = [
        &'yap'= {
            cand -P 'Use a provider profile from the config file [env: YAP_PROFILE]'
            cand --profile 'Use a provider profile from the config file [env: YAP_PROFILE]'
            cand --config 'The config file [env: YAP_CONFIG] [default: $XDG_CONFIG_HOME/yap/config.toml]'
            cand --base-url 'Base URL with its path prefix [env: YAP_BASE_URL, then OPENAI_BASE_URL] [default: https://api.openai.com/v1]'
            cand --api-key-env 'Read the API key from this environment variable (e.g. APOLLO_API_KEY) [default: YAP_API_KEY, then OPENAI_API_KEY]'
            cand --auth 'How the key is sent: bearer, x-api-key, header:NAME or none [default: bearer]'
            cand -H 'An extra request header, ''Name: value'' (repeatable)'
            cand --header 'An extra request header, ''Name: value'' (repeatable)'
            cand -x 'Send every request through this HTTP(S) proxy [default: from HTTPS_PROXY, HTTP_PROXY, ALL_PROXY, NO_PROXY]'
            cand --proxy 'Send every request through this HTTP(S) proxy [default: from HTTPS_PROXY, HTTP_PROXY, ALL_PROXY, NO_PROXY]'
            cand --timeout 'Give up after this many seconds in all, retries and their waits included'
            cand --connect-timeout 'Give up a connection attempt after this many seconds [default: 10]'
            cand --idle-timeout 'Give up when a response sends no bytes at all for this many seconds (keep-alive comments count as bytes) [default: 300]'
            cand --retries 'Retries on connection failures, 408, 409, 429 and 5xx [default: 2]'
            cand --dry-run 'Print the request (method, URL, headers with the key redacted, body); send nothing'
            cand --curl 'Print an equivalent curl command (the key as $VARIABLE); send nothing'
            cand -v 'Show the request and response lines and timings on stderr'
            cand --verbose 'Show the request and response lines and timings on stderr'
            cand -q 'No spinner and no warnings on stderr'
            cand --quiet 'No spinner and no warnings on stderr'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
            cand chat 'Send a prompt to POST {base}/chat/completions and print the answer'
            cand config 'Show the resolved settings and where each came from (key redacted)'
            cand __generate 'Write completions/ and man/ from this command-line definition'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'yap;chat'= {
            cand -f 'A text file put in the prompt, headed by its path (repeatable)'
            cand --file 'A text file put in the prompt, headed by its path (repeatable)'
            cand -m 'The model [env: YAP_MODEL] [profile: model]'
            cand --model 'The model [env: YAP_MODEL] [profile: model]'
            cand -s 'A leading system message'
            cand --system 'A leading system message'
            cand --system-file 'A leading system message read from a file'
            cand --messages 'Messages sent before the prompt: a JSON array or JSONL of message objects (- for stdin)'
            cand -i 'An image: a local file (sent as a data: URL) or an http(s) URL (repeatable)'
            cand --image 'An image: a local file (sent as a data: URL) or an http(s) URL (repeatable)'
            cand --max-completion-tokens 'max_completion_tokens'
            cand --user 'user'
            cand -t 'Sampling temperature'
            cand --temperature 'Sampling temperature'
            cand --top-p 'Nucleus sampling probability mass'
            cand --max-tokens 'max_tokens'
            cand --stop 'A stop sequence (repeatable; sent as an array)'
            cand -n 'How many choices to generate'
            cand --choices 'How many choices to generate'
            cand --presence-penalty 'presence_penalty'
            cand --frequency-penalty 'frequency_penalty'
            cand --logit-bias 'A logit_bias entry, TOKEN=BIAS (repeatable)'
            cand --seed 'seed'
            cand -o 'Any body field, KEY=VALUE; VALUE is JSON if it parses, else a string; a dotted KEY sets a nested field (repeatable)'
            cand --param 'Any body field, KEY=VALUE; VALUE is JSON if it parses, else a string; a dotted KEY sets a nested field (repeatable)'
            cand --body 'A JSON object deep-merged into the body: a file, - for stdin, or inline JSON'
            cand --color 'Colour on stderr [default: auto; NO_COLOR turns it off]'
            cand -P 'Use a provider profile from the config file [env: YAP_PROFILE]'
            cand --profile 'Use a provider profile from the config file [env: YAP_PROFILE]'
            cand --config 'The config file [env: YAP_CONFIG] [default: $XDG_CONFIG_HOME/yap/config.toml]'
            cand --base-url 'Base URL with its path prefix [env: YAP_BASE_URL, then OPENAI_BASE_URL] [default: https://api.openai.com/v1]'
            cand --api-key-env 'Read the API key from this environment variable (e.g. APOLLO_API_KEY) [default: YAP_API_KEY, then OPENAI_API_KEY]'
            cand --auth 'How the key is sent: bearer, x-api-key, header:NAME or none [default: bearer]'
            cand -H 'An extra request header, ''Name: value'' (repeatable)'
            cand --header 'An extra request header, ''Name: value'' (repeatable)'
            cand -x 'Send every request through this HTTP(S) proxy [default: from HTTPS_PROXY, HTTP_PROXY, ALL_PROXY, NO_PROXY]'
            cand --proxy 'Send every request through this HTTP(S) proxy [default: from HTTPS_PROXY, HTTP_PROXY, ALL_PROXY, NO_PROXY]'
            cand --timeout 'Give up after this many seconds in all, retries and their waits included'
            cand --connect-timeout 'Give up a connection attempt after this many seconds [default: 10]'
            cand --idle-timeout 'Give up when a response sends no bytes at all for this many seconds (keep-alive comments count as bytes) [default: 300]'
            cand --retries 'Retries on connection failures, 408, 409, 429 and 5xx [default: 2]'
            cand --no-stdin 'Never read stdin, even when it is not a terminal [env: YAP_NO_STDIN=1]'
            cand --json-object 'Ask for a JSON object (response_format json_object)'
            cand --no-stream 'Ask for one JSON response instead of a stream (stream: false)'
            cand --json 'Print one JSON document, the response object (a stream is assembled)'
            cand --raw 'Print what the server sent: each SSE data payload as one line, or the body as is'
            cand -u 'Print token usage on stderr'
            cand --usage 'Print token usage on stderr'
            cand --reasoning 'Print the model''s reasoning text on stderr as it arrives'
            cand --dry-run 'Print the request (method, URL, headers with the key redacted, body); send nothing'
            cand --curl 'Print an equivalent curl command (the key as $VARIABLE); send nothing'
            cand -v 'Show the request and response lines and timings on stderr'
            cand --verbose 'Show the request and response lines and timings on stderr'
            cand -q 'No spinner and no warnings on stderr'
            cand --quiet 'No spinner and no warnings on stderr'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'yap;config'= {
            cand -P 'Use a provider profile from the config file [env: YAP_PROFILE]'
            cand --profile 'Use a provider profile from the config file [env: YAP_PROFILE]'
            cand --config 'The config file [env: YAP_CONFIG] [default: $XDG_CONFIG_HOME/yap/config.toml]'
            cand --base-url 'Base URL with its path prefix [env: YAP_BASE_URL, then OPENAI_BASE_URL] [default: https://api.openai.com/v1]'
            cand --api-key-env 'Read the API key from this environment variable (e.g. APOLLO_API_KEY) [default: YAP_API_KEY, then OPENAI_API_KEY]'
            cand --auth 'How the key is sent: bearer, x-api-key, header:NAME or none [default: bearer]'
            cand -H 'An extra request header, ''Name: value'' (repeatable)'
            cand --header 'An extra request header, ''Name: value'' (repeatable)'
            cand -x 'Send every request through this HTTP(S) proxy [default: from HTTPS_PROXY, HTTP_PROXY, ALL_PROXY, NO_PROXY]'
            cand --proxy 'Send every request through this HTTP(S) proxy [default: from HTTPS_PROXY, HTTP_PROXY, ALL_PROXY, NO_PROXY]'
            cand --timeout 'Give up after this many seconds in all, retries and their waits included'
            cand --connect-timeout 'Give up a connection attempt after this many seconds [default: 10]'
            cand --idle-timeout 'Give up when a response sends no bytes at all for this many seconds (keep-alive comments count as bytes) [default: 300]'
            cand --retries 'Retries on connection failures, 408, 409, 429 and 5xx [default: 2]'
            cand --dry-run 'Print the request (method, URL, headers with the key redacted, body); send nothing'
            cand --curl 'Print an equivalent curl command (the key as $VARIABLE); send nothing'
            cand -v 'Show the request and response lines and timings on stderr'
            cand --verbose 'Show the request and response lines and timings on stderr'
            cand -q 'No spinner and no warnings on stderr'
            cand --quiet 'No spinner and no warnings on stderr'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
            cand path 'Print the path of the configuration file (also when it does not exist)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'yap;config;path'= {
            cand -P 'Use a provider profile from the config file [env: YAP_PROFILE]'
            cand --profile 'Use a provider profile from the config file [env: YAP_PROFILE]'
            cand --config 'The config file [env: YAP_CONFIG] [default: $XDG_CONFIG_HOME/yap/config.toml]'
            cand --base-url 'Base URL with its path prefix [env: YAP_BASE_URL, then OPENAI_BASE_URL] [default: https://api.openai.com/v1]'
            cand --api-key-env 'Read the API key from this environment variable (e.g. APOLLO_API_KEY) [default: YAP_API_KEY, then OPENAI_API_KEY]'
            cand --auth 'How the key is sent: bearer, x-api-key, header:NAME or none [default: bearer]'
            cand -H 'An extra request header, ''Name: value'' (repeatable)'
            cand --header 'An extra request header, ''Name: value'' (repeatable)'
            cand -x 'Send every request through this HTTP(S) proxy [default: from HTTPS_PROXY, HTTP_PROXY, ALL_PROXY, NO_PROXY]'
            cand --proxy 'Send every request through this HTTP(S) proxy [default: from HTTPS_PROXY, HTTP_PROXY, ALL_PROXY, NO_PROXY]'
            cand --timeout 'Give up after this many seconds in all, retries and their waits included'
            cand --connect-timeout 'Give up a connection attempt after this many seconds [default: 10]'
            cand --idle-timeout 'Give up when a response sends no bytes at all for this many seconds (keep-alive comments count as bytes) [default: 300]'
            cand --retries 'Retries on connection failures, 408, 409, 429 and 5xx [default: 2]'
            cand --dry-run 'Print the request (method, URL, headers with the key redacted, body); send nothing'
            cand --curl 'Print an equivalent curl command (the key as $VARIABLE); send nothing'
            cand -v 'Show the request and response lines and timings on stderr'
            cand --verbose 'Show the request and response lines and timings on stderr'
            cand -q 'No spinner and no warnings on stderr'
            cand --quiet 'No spinner and no warnings on stderr'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'yap;config;help'= {
            cand path 'Print the path of the configuration file (also when it does not exist)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'yap;config;help;path'= {
        }
        &'yap;config;help;help'= {
        }
        &'yap;__generate'= {
            cand -P 'Use a provider profile from the config file [env: YAP_PROFILE]'
            cand --profile 'Use a provider profile from the config file [env: YAP_PROFILE]'
            cand --config 'The config file [env: YAP_CONFIG] [default: $XDG_CONFIG_HOME/yap/config.toml]'
            cand --base-url 'Base URL with its path prefix [env: YAP_BASE_URL, then OPENAI_BASE_URL] [default: https://api.openai.com/v1]'
            cand --api-key-env 'Read the API key from this environment variable (e.g. APOLLO_API_KEY) [default: YAP_API_KEY, then OPENAI_API_KEY]'
            cand --auth 'How the key is sent: bearer, x-api-key, header:NAME or none [default: bearer]'
            cand -H 'An extra request header, ''Name: value'' (repeatable)'
            cand --header 'An extra request header, ''Name: value'' (repeatable)'
            cand -x 'Send every request through this HTTP(S) proxy [default: from HTTPS_PROXY, HTTP_PROXY, ALL_PROXY, NO_PROXY]'
            cand --proxy 'Send every request through this HTTP(S) proxy [default: from HTTPS_PROXY, HTTP_PROXY, ALL_PROXY, NO_PROXY]'
            cand --timeout 'Give up after this many seconds in all, retries and their waits included'
            cand --connect-timeout 'Give up a connection attempt after this many seconds [default: 10]'
            cand --idle-timeout 'Give up when a response sends no bytes at all for this many seconds (keep-alive comments count as bytes) [default: 300]'
            cand --retries 'Retries on connection failures, 408, 409, 429 and 5xx [default: 2]'
            cand --dry-run 'Print the request (method, URL, headers with the key redacted, body); send nothing'
            cand --curl 'Print an equivalent curl command (the key as $VARIABLE); send nothing'
            cand -v 'Show the request and response lines and timings on stderr'
            cand --verbose 'Show the request and response lines and timings on stderr'
            cand -q 'No spinner and no warnings on stderr'
            cand --quiet 'No spinner and no warnings on stderr'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'yap;help'= {
            cand chat 'Send a prompt to POST {base}/chat/completions and print the answer'
            cand config 'Show the resolved settings and where each came from (key redacted)'
            cand __generate 'Write completions/ and man/ from this command-line definition'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'yap;help;chat'= {
        }
        &'yap;help;config'= {
            cand path 'Print the path of the configuration file (also when it does not exist)'
        }
        &'yap;help;config;path'= {
        }
        &'yap;help;__generate'= {
        }
        &'yap;help;help'= {
        }
    ]
    $completions[$command]
}
