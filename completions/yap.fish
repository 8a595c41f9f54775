# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_yap_global_optspecs
    string join \n P/profile= config= base-url= api-key-env= auth= H/header= x/proxy= timeout= connect-timeout= idle-timeout= retries= max-size= no-dotenv insecure dry-run curl v/verbose q/quiet h/help V/version
end

function __fish_yap_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_yap_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_yap_using_subcommand
    set -l cmd (__fish_yap_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c yap -n "__fish_yap_needs_command" -s P -l profile -d 'Use a provider profile from the config file [env: YAP_PROFILE]' -r
complete -c yap -n "__fish_yap_needs_command" -l config -d 'The config file [env: YAP_CONFIG] [default: $XDG_CONFIG_HOME/yap/config.toml]' -r -F
complete -c yap -n "__fish_yap_needs_command" -l base-url -d 'Base URL with its path prefix [env: YAP_BASE_URL, then OPENAI_BASE_URL] [default: https://api.openai.com/v1]' -r
complete -c yap -n "__fish_yap_needs_command" -l api-key-env -d 'Read the API key from this environment variable (e.g. APOLLO_API_KEY) [default: YAP_API_KEY, then OPENAI_API_KEY]' -r
complete -c yap -n "__fish_yap_needs_command" -l auth -d 'How the key is sent: bearer, x-api-key, header:NAME or none [default: bearer]' -r
complete -c yap -n "__fish_yap_needs_command" -s H -l header -d 'An extra request header, \'Name: value\' (repeatable)' -r
complete -c yap -n "__fish_yap_needs_command" -s x -l proxy -d 'Send every request through this HTTP(S) proxy [default: from HTTPS_PROXY, HTTP_PROXY, ALL_PROXY, NO_PROXY]' -r
complete -c yap -n "__fish_yap_needs_command" -l timeout -d 'Give up after this many seconds in all, retries and their waits included' -r
complete -c yap -n "__fish_yap_needs_command" -l connect-timeout -d 'Give up a connection attempt after this many seconds [default: 10]' -r
complete -c yap -n "__fish_yap_needs_command" -l idle-timeout -d 'Give up when a response sends no bytes at all for this many seconds (keep-alive comments count as bytes) [default: 300]' -r
complete -c yap -n "__fish_yap_needs_command" -l retries -d 'Retries on connection failures, 408, 409, 429 and 5xx [default: 2]' -r
complete -c yap -n "__fish_yap_needs_command" -l max-size -d 'The largest SSE line or event, or non-streamed body, yap accepts (bytes; K, M, G suffixes) [default: 64M]' -r
complete -c yap -n "__fish_yap_needs_command" -l no-dotenv -d 'Do not read ./.env [env: YAP_NO_DOTENV=1]'
complete -c yap -n "__fish_yap_needs_command" -l insecure -d 'Do not check the server\'s TLS certificate (warns on stderr)'
complete -c yap -n "__fish_yap_needs_command" -l dry-run -d 'Print the request (method, URL, headers with the key redacted, body); send nothing'
complete -c yap -n "__fish_yap_needs_command" -l curl -d 'Print an equivalent curl command (the key as $VARIABLE); send nothing'
complete -c yap -n "__fish_yap_needs_command" -s v -l verbose -d 'Show the request and response lines and timings on stderr'
complete -c yap -n "__fish_yap_needs_command" -s q -l quiet -d 'No spinner and no warnings on stderr'
complete -c yap -n "__fish_yap_needs_command" -s h -l help -d 'Print help'
complete -c yap -n "__fish_yap_needs_command" -s V -l version -d 'Print version'
complete -c yap -n "__fish_yap_needs_command" -f -a "chat" -d 'Send a prompt to POST {base}/chat/completions and print the answer'
complete -c yap -n "__fish_yap_needs_command" -f -a "complete" -d 'Send a prompt to POST {base}/completions (legacy text completion)'
complete -c yap -n "__fish_yap_needs_command" -f -a "models" -d 'List the model ids of GET {base}/models, sorted, one per line'
complete -c yap -n "__fish_yap_needs_command" -f -a "config" -d 'Show the resolved settings and where each came from (key redacted)'
complete -c yap -n "__fish_yap_needs_command" -f -a "__generate" -d 'Write completions/ and man/ from this command-line definition'
complete -c yap -n "__fish_yap_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c yap -n "__fish_yap_using_subcommand chat" -s f -l file -d 'A text file put in the prompt, headed by its path (repeatable)' -r -F
complete -c yap -n "__fish_yap_using_subcommand chat" -s m -l model -d 'The model [env: YAP_MODEL] [profile: model]' -r
complete -c yap -n "__fish_yap_using_subcommand chat" -s s -l system -d 'A leading system message' -r
complete -c yap -n "__fish_yap_using_subcommand chat" -l system-file -d 'A leading system message read from a file' -r -F
complete -c yap -n "__fish_yap_using_subcommand chat" -l messages -d 'Messages sent before the prompt: a JSON array or JSONL of message objects (- for stdin)' -r
complete -c yap -n "__fish_yap_using_subcommand chat" -s i -l image -d 'An image: a local file (sent as a data: URL) or an http(s) URL (repeatable)' -r
complete -c yap -n "__fish_yap_using_subcommand chat" -l max-completion-tokens -d 'max_completion_tokens' -r
complete -c yap -n "__fish_yap_using_subcommand chat" -l user -d 'user' -r
complete -c yap -n "__fish_yap_using_subcommand chat" -s t -l temperature -d 'Sampling temperature' -r
complete -c yap -n "__fish_yap_using_subcommand chat" -l top-p -d 'Nucleus sampling probability mass' -r
complete -c yap -n "__fish_yap_using_subcommand chat" -l max-tokens -d 'max_tokens' -r
complete -c yap -n "__fish_yap_using_subcommand chat" -l stop -d 'A stop sequence (repeatable; sent as an array)' -r
complete -c yap -n "__fish_yap_using_subcommand chat" -s n -l choices -d 'How many choices to generate' -r
complete -c yap -n "__fish_yap_using_subcommand chat" -l presence-penalty -d 'presence_penalty' -r
complete -c yap -n "__fish_yap_using_subcommand chat" -l frequency-penalty -d 'frequency_penalty' -r
complete -c yap -n "__fish_yap_using_subcommand chat" -l logit-bias -d 'A logit_bias entry, TOKEN=BIAS (repeatable)' -r
complete -c yap -n "__fish_yap_using_subcommand chat" -l seed -d 'seed' -r
complete -c yap -n "__fish_yap_using_subcommand chat" -s o -l param -d 'Any body field, KEY=VALUE; VALUE is JSON if it parses, else a string; a dotted KEY sets a nested field (repeatable)' -r
complete -c yap -n "__fish_yap_using_subcommand chat" -l body -d 'A JSON object deep-merged into the body: a file, - for stdin, or inline JSON' -r
complete -c yap -n "__fish_yap_using_subcommand chat" -l color -d 'Colour on stderr [default: auto; NO_COLOR turns it off]' -r -f -a "auto\t''
always\t''
never\t''"
complete -c yap -n "__fish_yap_using_subcommand chat" -s P -l profile -d 'Use a provider profile from the config file [env: YAP_PROFILE]' -r
complete -c yap -n "__fish_yap_using_subcommand chat" -l config -d 'The config file [env: YAP_CONFIG] [default: $XDG_CONFIG_HOME/yap/config.toml]' -r -F
complete -c yap -n "__fish_yap_using_subcommand chat" -l base-url -d 'Base URL with its path prefix [env: YAP_BASE_URL, then OPENAI_BASE_URL] [default: https://api.openai.com/v1]' -r
complete -c yap -n "__fish_yap_using_subcommand chat" -l api-key-env -d 'Read the API key from this environment variable (e.g. APOLLO_API_KEY) [default: YAP_API_KEY, then OPENAI_API_KEY]' -r
complete -c yap -n "__fish_yap_using_subcommand chat" -l auth -d 'How the key is sent: bearer, x-api-key, header:NAME or none [default: bearer]' -r
complete -c yap -n "__fish_yap_using_subcommand chat" -s H -l header -d 'An extra request header, \'Name: value\' (repeatable)' -r
complete -c yap -n "__fish_yap_using_subcommand chat" -s x -l proxy -d 'Send every request through this HTTP(S) proxy [default: from HTTPS_PROXY, HTTP_PROXY, ALL_PROXY, NO_PROXY]' -r
complete -c yap -n "__fish_yap_using_subcommand chat" -l timeout -d 'Give up after this many seconds in all, retries and their waits included' -r
complete -c yap -n "__fish_yap_using_subcommand chat" -l connect-timeout -d 'Give up a connection attempt after this many seconds [default: 10]' -r
complete -c yap -n "__fish_yap_using_subcommand chat" -l idle-timeout -d 'Give up when a response sends no bytes at all for this many seconds (keep-alive comments count as bytes) [default: 300]' -r
complete -c yap -n "__fish_yap_using_subcommand chat" -l retries -d 'Retries on connection failures, 408, 409, 429 and 5xx [default: 2]' -r
complete -c yap -n "__fish_yap_using_subcommand chat" -l max-size -d 'The largest SSE line or event, or non-streamed body, yap accepts (bytes; K, M, G suffixes) [default: 64M]' -r
complete -c yap -n "__fish_yap_using_subcommand chat" -l no-stdin -d 'Never read stdin, even when it is not a terminal [env: YAP_NO_STDIN=1]'
complete -c yap -n "__fish_yap_using_subcommand chat" -l json-object -d 'Ask for a JSON object (response_format json_object)'
complete -c yap -n "__fish_yap_using_subcommand chat" -l no-stream -d 'Ask for one JSON response instead of a stream (stream: false)'
complete -c yap -n "__fish_yap_using_subcommand chat" -l json -d 'Print one JSON document, the response object (a stream is assembled)'
complete -c yap -n "__fish_yap_using_subcommand chat" -l raw -d 'Print what the server sent: each SSE data payload as one line, or the body as is'
complete -c yap -n "__fish_yap_using_subcommand chat" -s u -l usage -d 'Print token usage on stderr'
complete -c yap -n "__fish_yap_using_subcommand chat" -l reasoning -d 'Print the model\'s reasoning text on stderr as it arrives'
complete -c yap -n "__fish_yap_using_subcommand chat" -l no-dotenv -d 'Do not read ./.env [env: YAP_NO_DOTENV=1]'
complete -c yap -n "__fish_yap_using_subcommand chat" -l insecure -d 'Do not check the server\'s TLS certificate (warns on stderr)'
complete -c yap -n "__fish_yap_using_subcommand chat" -l dry-run -d 'Print the request (method, URL, headers with the key redacted, body); send nothing'
complete -c yap -n "__fish_yap_using_subcommand chat" -l curl -d 'Print an equivalent curl command (the key as $VARIABLE); send nothing'
complete -c yap -n "__fish_yap_using_subcommand chat" -s v -l verbose -d 'Show the request and response lines and timings on stderr'
complete -c yap -n "__fish_yap_using_subcommand chat" -s q -l quiet -d 'No spinner and no warnings on stderr'
complete -c yap -n "__fish_yap_using_subcommand chat" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c yap -n "__fish_yap_using_subcommand chat" -s V -l version -d 'Print version'
complete -c yap -n "__fish_yap_using_subcommand complete" -s f -l file -d 'A text file put in the prompt, headed by its path (repeatable)' -r -F
complete -c yap -n "__fish_yap_using_subcommand complete" -s m -l model -d 'The model [env: YAP_MODEL] [profile: model]' -r
complete -c yap -n "__fish_yap_using_subcommand complete" -l suffix -d 'Text that comes after the completion (fill-in-the-middle)' -r
complete -c yap -n "__fish_yap_using_subcommand complete" -l logprobs -d 'Return the log probabilities of the N most likely tokens' -r
complete -c yap -n "__fish_yap_using_subcommand complete" -l best-of -d 'Generate N completions server-side and return the best' -r
complete -c yap -n "__fish_yap_using_subcommand complete" -s t -l temperature -d 'Sampling temperature' -r
complete -c yap -n "__fish_yap_using_subcommand complete" -l top-p -d 'Nucleus sampling probability mass' -r
complete -c yap -n "__fish_yap_using_subcommand complete" -l max-tokens -d 'max_tokens' -r
complete -c yap -n "__fish_yap_using_subcommand complete" -l stop -d 'A stop sequence (repeatable; sent as an array)' -r
complete -c yap -n "__fish_yap_using_subcommand complete" -s n -l choices -d 'How many choices to generate' -r
complete -c yap -n "__fish_yap_using_subcommand complete" -l presence-penalty -d 'presence_penalty' -r
complete -c yap -n "__fish_yap_using_subcommand complete" -l frequency-penalty -d 'frequency_penalty' -r
complete -c yap -n "__fish_yap_using_subcommand complete" -l logit-bias -d 'A logit_bias entry, TOKEN=BIAS (repeatable)' -r
complete -c yap -n "__fish_yap_using_subcommand complete" -l seed -d 'seed' -r
complete -c yap -n "__fish_yap_using_subcommand complete" -s o -l param -d 'Any body field, KEY=VALUE; VALUE is JSON if it parses, else a string; a dotted KEY sets a nested field (repeatable)' -r
complete -c yap -n "__fish_yap_using_subcommand complete" -l body -d 'A JSON object deep-merged into the body: a file, - for stdin, or inline JSON' -r
complete -c yap -n "__fish_yap_using_subcommand complete" -l color -d 'Colour on stderr [default: auto; NO_COLOR turns it off]' -r -f -a "auto\t''
always\t''
never\t''"
complete -c yap -n "__fish_yap_using_subcommand complete" -s P -l profile -d 'Use a provider profile from the config file [env: YAP_PROFILE]' -r
complete -c yap -n "__fish_yap_using_subcommand complete" -l config -d 'The config file [env: YAP_CONFIG] [default: $XDG_CONFIG_HOME/yap/config.toml]' -r -F
complete -c yap -n "__fish_yap_using_subcommand complete" -l base-url -d 'Base URL with its path prefix [env: YAP_BASE_URL, then OPENAI_BASE_URL] [default: https://api.openai.com/v1]' -r
complete -c yap -n "__fish_yap_using_subcommand complete" -l api-key-env -d 'Read the API key from this environment variable (e.g. APOLLO_API_KEY) [default: YAP_API_KEY, then OPENAI_API_KEY]' -r
complete -c yap -n "__fish_yap_using_subcommand complete" -l auth -d 'How the key is sent: bearer, x-api-key, header:NAME or none [default: bearer]' -r
complete -c yap -n "__fish_yap_using_subcommand complete" -s H -l header -d 'An extra request header, \'Name: value\' (repeatable)' -r
complete -c yap -n "__fish_yap_using_subcommand complete" -s x -l proxy -d 'Send every request through this HTTP(S) proxy [default: from HTTPS_PROXY, HTTP_PROXY, ALL_PROXY, NO_PROXY]' -r
complete -c yap -n "__fish_yap_using_subcommand complete" -l timeout -d 'Give up after this many seconds in all, retries and their waits included' -r
complete -c yap -n "__fish_yap_using_subcommand complete" -l connect-timeout -d 'Give up a connection attempt after this many seconds [default: 10]' -r
complete -c yap -n "__fish_yap_using_subcommand complete" -l idle-timeout -d 'Give up when a response sends no bytes at all for this many seconds (keep-alive comments count as bytes) [default: 300]' -r
complete -c yap -n "__fish_yap_using_subcommand complete" -l retries -d 'Retries on connection failures, 408, 409, 429 and 5xx [default: 2]' -r
complete -c yap -n "__fish_yap_using_subcommand complete" -l max-size -d 'The largest SSE line or event, or non-streamed body, yap accepts (bytes; K, M, G suffixes) [default: 64M]' -r
complete -c yap -n "__fish_yap_using_subcommand complete" -l no-stdin -d 'Never read stdin, even when it is not a terminal [env: YAP_NO_STDIN=1]'
complete -c yap -n "__fish_yap_using_subcommand complete" -l echo -d 'Echo the prompt back in the completion'
complete -c yap -n "__fish_yap_using_subcommand complete" -l no-stream -d 'Ask for one JSON response instead of a stream (stream: false)'
complete -c yap -n "__fish_yap_using_subcommand complete" -l json -d 'Print one JSON document, the response object (a stream is assembled)'
complete -c yap -n "__fish_yap_using_subcommand complete" -l raw -d 'Print what the server sent: each SSE data payload as one line, or the body as is'
complete -c yap -n "__fish_yap_using_subcommand complete" -s u -l usage -d 'Print token usage on stderr'
complete -c yap -n "__fish_yap_using_subcommand complete" -l reasoning -d 'Print the model\'s reasoning text on stderr as it arrives'
complete -c yap -n "__fish_yap_using_subcommand complete" -l no-dotenv -d 'Do not read ./.env [env: YAP_NO_DOTENV=1]'
complete -c yap -n "__fish_yap_using_subcommand complete" -l insecure -d 'Do not check the server\'s TLS certificate (warns on stderr)'
complete -c yap -n "__fish_yap_using_subcommand complete" -l dry-run -d 'Print the request (method, URL, headers with the key redacted, body); send nothing'
complete -c yap -n "__fish_yap_using_subcommand complete" -l curl -d 'Print an equivalent curl command (the key as $VARIABLE); send nothing'
complete -c yap -n "__fish_yap_using_subcommand complete" -s v -l verbose -d 'Show the request and response lines and timings on stderr'
complete -c yap -n "__fish_yap_using_subcommand complete" -s q -l quiet -d 'No spinner and no warnings on stderr'
complete -c yap -n "__fish_yap_using_subcommand complete" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c yap -n "__fish_yap_using_subcommand complete" -s V -l version -d 'Print version'
complete -c yap -n "__fish_yap_using_subcommand models; and not __fish_seen_subcommand_from show help" -s P -l profile -d 'Use a provider profile from the config file [env: YAP_PROFILE]' -r
complete -c yap -n "__fish_yap_using_subcommand models; and not __fish_seen_subcommand_from show help" -l config -d 'The config file [env: YAP_CONFIG] [default: $XDG_CONFIG_HOME/yap/config.toml]' -r -F
complete -c yap -n "__fish_yap_using_subcommand models; and not __fish_seen_subcommand_from show help" -l base-url -d 'Base URL with its path prefix [env: YAP_BASE_URL, then OPENAI_BASE_URL] [default: https://api.openai.com/v1]' -r
complete -c yap -n "__fish_yap_using_subcommand models; and not __fish_seen_subcommand_from show help" -l api-key-env -d 'Read the API key from this environment variable (e.g. APOLLO_API_KEY) [default: YAP_API_KEY, then OPENAI_API_KEY]' -r
complete -c yap -n "__fish_yap_using_subcommand models; and not __fish_seen_subcommand_from show help" -l auth -d 'How the key is sent: bearer, x-api-key, header:NAME or none [default: bearer]' -r
complete -c yap -n "__fish_yap_using_subcommand models; and not __fish_seen_subcommand_from show help" -s H -l header -d 'An extra request header, \'Name: value\' (repeatable)' -r
complete -c yap -n "__fish_yap_using_subcommand models; and not __fish_seen_subcommand_from show help" -s x -l proxy -d 'Send every request through this HTTP(S) proxy [default: from HTTPS_PROXY, HTTP_PROXY, ALL_PROXY, NO_PROXY]' -r
complete -c yap -n "__fish_yap_using_subcommand models; and not __fish_seen_subcommand_from show help" -l timeout -d 'Give up after this many seconds in all, retries and their waits included' -r
complete -c yap -n "__fish_yap_using_subcommand models; and not __fish_seen_subcommand_from show help" -l connect-timeout -d 'Give up a connection attempt after this many seconds [default: 10]' -r
complete -c yap -n "__fish_yap_using_subcommand models; and not __fish_seen_subcommand_from show help" -l idle-timeout -d 'Give up when a response sends no bytes at all for this many seconds (keep-alive comments count as bytes) [default: 300]' -r
complete -c yap -n "__fish_yap_using_subcommand models; and not __fish_seen_subcommand_from show help" -l retries -d 'Retries on connection failures, 408, 409, 429 and 5xx [default: 2]' -r
complete -c yap -n "__fish_yap_using_subcommand models; and not __fish_seen_subcommand_from show help" -l max-size -d 'The largest SSE line or event, or non-streamed body, yap accepts (bytes; K, M, G suffixes) [default: 64M]' -r
complete -c yap -n "__fish_yap_using_subcommand models; and not __fish_seen_subcommand_from show help" -s l -l long -d 'A table: id, owner, creation date (tab-separated when piped)'
complete -c yap -n "__fish_yap_using_subcommand models; and not __fish_seen_subcommand_from show help" -l json -d 'The response as the server sent it'
complete -c yap -n "__fish_yap_using_subcommand models; and not __fish_seen_subcommand_from show help" -l no-dotenv -d 'Do not read ./.env [env: YAP_NO_DOTENV=1]'
complete -c yap -n "__fish_yap_using_subcommand models; and not __fish_seen_subcommand_from show help" -l insecure -d 'Do not check the server\'s TLS certificate (warns on stderr)'
complete -c yap -n "__fish_yap_using_subcommand models; and not __fish_seen_subcommand_from show help" -l dry-run -d 'Print the request (method, URL, headers with the key redacted, body); send nothing'
complete -c yap -n "__fish_yap_using_subcommand models; and not __fish_seen_subcommand_from show help" -l curl -d 'Print an equivalent curl command (the key as $VARIABLE); send nothing'
complete -c yap -n "__fish_yap_using_subcommand models; and not __fish_seen_subcommand_from show help" -s v -l verbose -d 'Show the request and response lines and timings on stderr'
complete -c yap -n "__fish_yap_using_subcommand models; and not __fish_seen_subcommand_from show help" -s q -l quiet -d 'No spinner and no warnings on stderr'
complete -c yap -n "__fish_yap_using_subcommand models; and not __fish_seen_subcommand_from show help" -s h -l help -d 'Print help'
complete -c yap -n "__fish_yap_using_subcommand models; and not __fish_seen_subcommand_from show help" -s V -l version -d 'Print version'
complete -c yap -n "__fish_yap_using_subcommand models; and not __fish_seen_subcommand_from show help" -a "show" -d 'Print one model as JSON: GET {base}/models/{ID}'
complete -c yap -n "__fish_yap_using_subcommand models; and not __fish_seen_subcommand_from show help" -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c yap -n "__fish_yap_using_subcommand models; and __fish_seen_subcommand_from show" -s P -l profile -d 'Use a provider profile from the config file [env: YAP_PROFILE]' -r
complete -c yap -n "__fish_yap_using_subcommand models; and __fish_seen_subcommand_from show" -l config -d 'The config file [env: YAP_CONFIG] [default: $XDG_CONFIG_HOME/yap/config.toml]' -r -F
complete -c yap -n "__fish_yap_using_subcommand models; and __fish_seen_subcommand_from show" -l base-url -d 'Base URL with its path prefix [env: YAP_BASE_URL, then OPENAI_BASE_URL] [default: https://api.openai.com/v1]' -r
complete -c yap -n "__fish_yap_using_subcommand models; and __fish_seen_subcommand_from show" -l api-key-env -d 'Read the API key from this environment variable (e.g. APOLLO_API_KEY) [default: YAP_API_KEY, then OPENAI_API_KEY]' -r
complete -c yap -n "__fish_yap_using_subcommand models; and __fish_seen_subcommand_from show" -l auth -d 'How the key is sent: bearer, x-api-key, header:NAME or none [default: bearer]' -r
complete -c yap -n "__fish_yap_using_subcommand models; and __fish_seen_subcommand_from show" -s H -l header -d 'An extra request header, \'Name: value\' (repeatable)' -r
complete -c yap -n "__fish_yap_using_subcommand models; and __fish_seen_subcommand_from show" -s x -l proxy -d 'Send every request through this HTTP(S) proxy [default: from HTTPS_PROXY, HTTP_PROXY, ALL_PROXY, NO_PROXY]' -r
complete -c yap -n "__fish_yap_using_subcommand models; and __fish_seen_subcommand_from show" -l timeout -d 'Give up after this many seconds in all, retries and their waits included' -r
complete -c yap -n "__fish_yap_using_subcommand models; and __fish_seen_subcommand_from show" -l connect-timeout -d 'Give up a connection attempt after this many seconds [default: 10]' -r
complete -c yap -n "__fish_yap_using_subcommand models; and __fish_seen_subcommand_from show" -l idle-timeout -d 'Give up when a response sends no bytes at all for this many seconds (keep-alive comments count as bytes) [default: 300]' -r
complete -c yap -n "__fish_yap_using_subcommand models; and __fish_seen_subcommand_from show" -l retries -d 'Retries on connection failures, 408, 409, 429 and 5xx [default: 2]' -r
complete -c yap -n "__fish_yap_using_subcommand models; and __fish_seen_subcommand_from show" -l max-size -d 'The largest SSE line or event, or non-streamed body, yap accepts (bytes; K, M, G suffixes) [default: 64M]' -r
complete -c yap -n "__fish_yap_using_subcommand models; and __fish_seen_subcommand_from show" -l no-dotenv -d 'Do not read ./.env [env: YAP_NO_DOTENV=1]'
complete -c yap -n "__fish_yap_using_subcommand models; and __fish_seen_subcommand_from show" -l insecure -d 'Do not check the server\'s TLS certificate (warns on stderr)'
complete -c yap -n "__fish_yap_using_subcommand models; and __fish_seen_subcommand_from show" -l dry-run -d 'Print the request (method, URL, headers with the key redacted, body); send nothing'
complete -c yap -n "__fish_yap_using_subcommand models; and __fish_seen_subcommand_from show" -l curl -d 'Print an equivalent curl command (the key as $VARIABLE); send nothing'
complete -c yap -n "__fish_yap_using_subcommand models; and __fish_seen_subcommand_from show" -s v -l verbose -d 'Show the request and response lines and timings on stderr'
complete -c yap -n "__fish_yap_using_subcommand models; and __fish_seen_subcommand_from show" -s q -l quiet -d 'No spinner and no warnings on stderr'
complete -c yap -n "__fish_yap_using_subcommand models; and __fish_seen_subcommand_from show" -s h -l help -d 'Print help'
complete -c yap -n "__fish_yap_using_subcommand models; and __fish_seen_subcommand_from show" -s V -l version -d 'Print version'
complete -c yap -n "__fish_yap_using_subcommand models; and __fish_seen_subcommand_from help" -f -a "show" -d 'Print one model as JSON: GET {base}/models/{ID}'
complete -c yap -n "__fish_yap_using_subcommand models; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c yap -n "__fish_yap_using_subcommand config; and not __fish_seen_subcommand_from path help" -s P -l profile -d 'Use a provider profile from the config file [env: YAP_PROFILE]' -r
complete -c yap -n "__fish_yap_using_subcommand config; and not __fish_seen_subcommand_from path help" -l config -d 'The config file [env: YAP_CONFIG] [default: $XDG_CONFIG_HOME/yap/config.toml]' -r -F
complete -c yap -n "__fish_yap_using_subcommand config; and not __fish_seen_subcommand_from path help" -l base-url -d 'Base URL with its path prefix [env: YAP_BASE_URL, then OPENAI_BASE_URL] [default: https://api.openai.com/v1]' -r
complete -c yap -n "__fish_yap_using_subcommand config; and not __fish_seen_subcommand_from path help" -l api-key-env -d 'Read the API key from this environment variable (e.g. APOLLO_API_KEY) [default: YAP_API_KEY, then OPENAI_API_KEY]' -r
complete -c yap -n "__fish_yap_using_subcommand config; and not __fish_seen_subcommand_from path help" -l auth -d 'How the key is sent: bearer, x-api-key, header:NAME or none [default: bearer]' -r
complete -c yap -n "__fish_yap_using_subcommand config; and not __fish_seen_subcommand_from path help" -s H -l header -d 'An extra request header, \'Name: value\' (repeatable)' -r
complete -c yap -n "__fish_yap_using_subcommand config; and not __fish_seen_subcommand_from path help" -s x -l proxy -d 'Send every request through this HTTP(S) proxy [default: from HTTPS_PROXY, HTTP_PROXY, ALL_PROXY, NO_PROXY]' -r
complete -c yap -n "__fish_yap_using_subcommand config; and not __fish_seen_subcommand_from path help" -l timeout -d 'Give up after this many seconds in all, retries and their waits included' -r
complete -c yap -n "__fish_yap_using_subcommand config; and not __fish_seen_subcommand_from path help" -l connect-timeout -d 'Give up a connection attempt after this many seconds [default: 10]' -r
complete -c yap -n "__fish_yap_using_subcommand config; and not __fish_seen_subcommand_from path help" -l idle-timeout -d 'Give up when a response sends no bytes at all for this many seconds (keep-alive comments count as bytes) [default: 300]' -r
complete -c yap -n "__fish_yap_using_subcommand config; and not __fish_seen_subcommand_from path help" -l retries -d 'Retries on connection failures, 408, 409, 429 and 5xx [default: 2]' -r
complete -c yap -n "__fish_yap_using_subcommand config; and not __fish_seen_subcommand_from path help" -l max-size -d 'The largest SSE line or event, or non-streamed body, yap accepts (bytes; K, M, G suffixes) [default: 64M]' -r
complete -c yap -n "__fish_yap_using_subcommand config; and not __fish_seen_subcommand_from path help" -l no-dotenv -d 'Do not read ./.env [env: YAP_NO_DOTENV=1]'
complete -c yap -n "__fish_yap_using_subcommand config; and not __fish_seen_subcommand_from path help" -l insecure -d 'Do not check the server\'s TLS certificate (warns on stderr)'
complete -c yap -n "__fish_yap_using_subcommand config; and not __fish_seen_subcommand_from path help" -l dry-run -d 'Print the request (method, URL, headers with the key redacted, body); send nothing'
complete -c yap -n "__fish_yap_using_subcommand config; and not __fish_seen_subcommand_from path help" -l curl -d 'Print an equivalent curl command (the key as $VARIABLE); send nothing'
complete -c yap -n "__fish_yap_using_subcommand config; and not __fish_seen_subcommand_from path help" -s v -l verbose -d 'Show the request and response lines and timings on stderr'
complete -c yap -n "__fish_yap_using_subcommand config; and not __fish_seen_subcommand_from path help" -s q -l quiet -d 'No spinner and no warnings on stderr'
complete -c yap -n "__fish_yap_using_subcommand config; and not __fish_seen_subcommand_from path help" -s h -l help -d 'Print help'
complete -c yap -n "__fish_yap_using_subcommand config; and not __fish_seen_subcommand_from path help" -s V -l version -d 'Print version'
complete -c yap -n "__fish_yap_using_subcommand config; and not __fish_seen_subcommand_from path help" -f -a "path" -d 'Print the path of the configuration file (also when it does not exist)'
complete -c yap -n "__fish_yap_using_subcommand config; and not __fish_seen_subcommand_from path help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c yap -n "__fish_yap_using_subcommand config; and __fish_seen_subcommand_from path" -s P -l profile -d 'Use a provider profile from the config file [env: YAP_PROFILE]' -r
complete -c yap -n "__fish_yap_using_subcommand config; and __fish_seen_subcommand_from path" -l config -d 'The config file [env: YAP_CONFIG] [default: $XDG_CONFIG_HOME/yap/config.toml]' -r -F
complete -c yap -n "__fish_yap_using_subcommand config; and __fish_seen_subcommand_from path" -l base-url -d 'Base URL with its path prefix [env: YAP_BASE_URL, then OPENAI_BASE_URL] [default: https://api.openai.com/v1]' -r
complete -c yap -n "__fish_yap_using_subcommand config; and __fish_seen_subcommand_from path" -l api-key-env -d 'Read the API key from this environment variable (e.g. APOLLO_API_KEY) [default: YAP_API_KEY, then OPENAI_API_KEY]' -r
complete -c yap -n "__fish_yap_using_subcommand config; and __fish_seen_subcommand_from path" -l auth -d 'How the key is sent: bearer, x-api-key, header:NAME or none [default: bearer]' -r
complete -c yap -n "__fish_yap_using_subcommand config; and __fish_seen_subcommand_from path" -s H -l header -d 'An extra request header, \'Name: value\' (repeatable)' -r
complete -c yap -n "__fish_yap_using_subcommand config; and __fish_seen_subcommand_from path" -s x -l proxy -d 'Send every request through this HTTP(S) proxy [default: from HTTPS_PROXY, HTTP_PROXY, ALL_PROXY, NO_PROXY]' -r
complete -c yap -n "__fish_yap_using_subcommand config; and __fish_seen_subcommand_from path" -l timeout -d 'Give up after this many seconds in all, retries and their waits included' -r
complete -c yap -n "__fish_yap_using_subcommand config; and __fish_seen_subcommand_from path" -l connect-timeout -d 'Give up a connection attempt after this many seconds [default: 10]' -r
complete -c yap -n "__fish_yap_using_subcommand config; and __fish_seen_subcommand_from path" -l idle-timeout -d 'Give up when a response sends no bytes at all for this many seconds (keep-alive comments count as bytes) [default: 300]' -r
complete -c yap -n "__fish_yap_using_subcommand config; and __fish_seen_subcommand_from path" -l retries -d 'Retries on connection failures, 408, 409, 429 and 5xx [default: 2]' -r
complete -c yap -n "__fish_yap_using_subcommand config; and __fish_seen_subcommand_from path" -l max-size -d 'The largest SSE line or event, or non-streamed body, yap accepts (bytes; K, M, G suffixes) [default: 64M]' -r
complete -c yap -n "__fish_yap_using_subcommand config; and __fish_seen_subcommand_from path" -l no-dotenv -d 'Do not read ./.env [env: YAP_NO_DOTENV=1]'
complete -c yap -n "__fish_yap_using_subcommand config; and __fish_seen_subcommand_from path" -l insecure -d 'Do not check the server\'s TLS certificate (warns on stderr)'
complete -c yap -n "__fish_yap_using_subcommand config; and __fish_seen_subcommand_from path" -l dry-run -d 'Print the request (method, URL, headers with the key redacted, body); send nothing'
complete -c yap -n "__fish_yap_using_subcommand config; and __fish_seen_subcommand_from path" -l curl -d 'Print an equivalent curl command (the key as $VARIABLE); send nothing'
complete -c yap -n "__fish_yap_using_subcommand config; and __fish_seen_subcommand_from path" -s v -l verbose -d 'Show the request and response lines and timings on stderr'
complete -c yap -n "__fish_yap_using_subcommand config; and __fish_seen_subcommand_from path" -s q -l quiet -d 'No spinner and no warnings on stderr'
complete -c yap -n "__fish_yap_using_subcommand config; and __fish_seen_subcommand_from path" -s h -l help -d 'Print help'
complete -c yap -n "__fish_yap_using_subcommand config; and __fish_seen_subcommand_from path" -s V -l version -d 'Print version'
complete -c yap -n "__fish_yap_using_subcommand config; and __fish_seen_subcommand_from help" -f -a "path" -d 'Print the path of the configuration file (also when it does not exist)'
complete -c yap -n "__fish_yap_using_subcommand config; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c yap -n "__fish_yap_using_subcommand __generate" -s P -l profile -d 'Use a provider profile from the config file [env: YAP_PROFILE]' -r
complete -c yap -n "__fish_yap_using_subcommand __generate" -l config -d 'The config file [env: YAP_CONFIG] [default: $XDG_CONFIG_HOME/yap/config.toml]' -r -F
complete -c yap -n "__fish_yap_using_subcommand __generate" -l base-url -d 'Base URL with its path prefix [env: YAP_BASE_URL, then OPENAI_BASE_URL] [default: https://api.openai.com/v1]' -r
complete -c yap -n "__fish_yap_using_subcommand __generate" -l api-key-env -d 'Read the API key from this environment variable (e.g. APOLLO_API_KEY) [default: YAP_API_KEY, then OPENAI_API_KEY]' -r
complete -c yap -n "__fish_yap_using_subcommand __generate" -l auth -d 'How the key is sent: bearer, x-api-key, header:NAME or none [default: bearer]' -r
complete -c yap -n "__fish_yap_using_subcommand __generate" -s H -l header -d 'An extra request header, \'Name: value\' (repeatable)' -r
complete -c yap -n "__fish_yap_using_subcommand __generate" -s x -l proxy -d 'Send every request through this HTTP(S) proxy [default: from HTTPS_PROXY, HTTP_PROXY, ALL_PROXY, NO_PROXY]' -r
complete -c yap -n "__fish_yap_using_subcommand __generate" -l timeout -d 'Give up after this many seconds in all, retries and their waits included' -r
complete -c yap -n "__fish_yap_using_subcommand __generate" -l connect-timeout -d 'Give up a connection attempt after this many seconds [default: 10]' -r
complete -c yap -n "__fish_yap_using_subcommand __generate" -l idle-timeout -d 'Give up when a response sends no bytes at all for this many seconds (keep-alive comments count as bytes) [default: 300]' -r
complete -c yap -n "__fish_yap_using_subcommand __generate" -l retries -d 'Retries on connection failures, 408, 409, 429 and 5xx [default: 2]' -r
complete -c yap -n "__fish_yap_using_subcommand __generate" -l max-size -d 'The largest SSE line or event, or non-streamed body, yap accepts (bytes; K, M, G suffixes) [default: 64M]' -r
complete -c yap -n "__fish_yap_using_subcommand __generate" -l no-dotenv -d 'Do not read ./.env [env: YAP_NO_DOTENV=1]'
complete -c yap -n "__fish_yap_using_subcommand __generate" -l insecure -d 'Do not check the server\'s TLS certificate (warns on stderr)'
complete -c yap -n "__fish_yap_using_subcommand __generate" -l dry-run -d 'Print the request (method, URL, headers with the key redacted, body); send nothing'
complete -c yap -n "__fish_yap_using_subcommand __generate" -l curl -d 'Print an equivalent curl command (the key as $VARIABLE); send nothing'
complete -c yap -n "__fish_yap_using_subcommand __generate" -s v -l verbose -d 'Show the request and response lines and timings on stderr'
complete -c yap -n "__fish_yap_using_subcommand __generate" -s q -l quiet -d 'No spinner and no warnings on stderr'
complete -c yap -n "__fish_yap_using_subcommand __generate" -s h -l help -d 'Print help'
complete -c yap -n "__fish_yap_using_subcommand __generate" -s V -l version -d 'Print version'
complete -c yap -n "__fish_yap_using_subcommand help; and not __fish_seen_subcommand_from chat complete models config __generate help" -f -a "chat" -d 'Send a prompt to POST {base}/chat/completions and print the answer'
complete -c yap -n "__fish_yap_using_subcommand help; and not __fish_seen_subcommand_from chat complete models config __generate help" -f -a "complete" -d 'Send a prompt to POST {base}/completions (legacy text completion)'
complete -c yap -n "__fish_yap_using_subcommand help; and not __fish_seen_subcommand_from chat complete models config __generate help" -f -a "models" -d 'List the model ids of GET {base}/models, sorted, one per line'
complete -c yap -n "__fish_yap_using_subcommand help; and not __fish_seen_subcommand_from chat complete models config __generate help" -f -a "config" -d 'Show the resolved settings and where each came from (key redacted)'
complete -c yap -n "__fish_yap_using_subcommand help; and not __fish_seen_subcommand_from chat complete models config __generate help" -f -a "__generate" -d 'Write completions/ and man/ from this command-line definition'
complete -c yap -n "__fish_yap_using_subcommand help; and not __fish_seen_subcommand_from chat complete models config __generate help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c yap -n "__fish_yap_using_subcommand help; and __fish_seen_subcommand_from models" -f -a "show" -d 'Print one model as JSON: GET {base}/models/{ID}'
complete -c yap -n "__fish_yap_using_subcommand help; and __fish_seen_subcommand_from config" -f -a "path" -d 'Print the path of the configuration file (also when it does not exist)'
