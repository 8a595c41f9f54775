
using namespace System.Management.Automation
using namespace System.Management.Automation.Language

Register-ArgumentCompleter -Native -CommandName 'yap' -ScriptBlock {
    param($wordToComplete, $commandAst, $cursorPosition)

    $commandElements = $commandAst.CommandElements
    $command = @(
        'yap'
        for ($i = 1; $i -lt $commandElements.Count; $i++) {
            $element = $commandElements[$i]
            if ($element -isnot [StringConstantExpressionAst] -or
                $element.StringConstantType -ne [StringConstantType]::BareWord -or
                $element.Value.StartsWith('-') -or
                $element.Value -eq $wordToComplete) {
                break
        }
        $element.Value
    }) -join ';'

    $completions = @(switch ($command) {
        'yap' {
            [CompletionResult]::new('-P', '-P ', [CompletionResultType]::ParameterName, 'Use a provider profile from the config file [env: YAP_PROFILE]')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Use a provider profile from the config file [env: YAP_PROFILE]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'The config file [env: YAP_CONFIG] [default: $XDG_CONFIG_HOME/yap/config.toml]')
            [CompletionResult]::new('--base-url', '--base-url', [CompletionResultType]::ParameterName, 'Base URL with its path prefix [env: YAP_BASE_URL, then OPENAI_BASE_URL] [default: https://api.openai.com/v1]')
            [CompletionResult]::new('--api-key-env', '--api-key-env', [CompletionResultType]::ParameterName, 'Read the API key from this environment variable (e.g. APOLLO_API_KEY) [default: YAP_API_KEY, then OPENAI_API_KEY]')
            [CompletionResult]::new('--auth', '--auth', [CompletionResultType]::ParameterName, 'How the key is sent: bearer, x-api-key, header:NAME or none [default: bearer]')
            [CompletionResult]::new('-H', '-H ', [CompletionResultType]::ParameterName, 'An extra request header, ''Name: value'' (repeatable)')
            [CompletionResult]::new('--header', '--header', [CompletionResultType]::ParameterName, 'An extra request header, ''Name: value'' (repeatable)')
            [CompletionResult]::new('-x', '-x', [CompletionResultType]::ParameterName, 'Send every request through this HTTP(S) proxy [default: from HTTPS_PROXY, HTTP_PROXY, ALL_PROXY, NO_PROXY]')
            [CompletionResult]::new('--proxy', '--proxy', [CompletionResultType]::ParameterName, 'Send every request through this HTTP(S) proxy [default: from HTTPS_PROXY, HTTP_PROXY, ALL_PROXY, NO_PROXY]')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Give up after this many seconds in all, retries and their waits included')
            [CompletionResult]::new('--connect-timeout', '--connect-timeout', [CompletionResultType]::ParameterName, 'Give up a connection attempt after this many seconds [default: 10]')
            [CompletionResult]::new('--idle-timeout', '--idle-timeout', [CompletionResultType]::ParameterName, 'Give up when a response sends no bytes at all for this many seconds (keep-alive comments count as bytes) [default: 300]')
            [CompletionResult]::new('--retries', '--retries', [CompletionResultType]::ParameterName, 'Retries on connection failures, 408, 409, 429 and 5xx [default: 2]')
            [CompletionResult]::new('--max-size', '--max-size', [CompletionResultType]::ParameterName, 'The largest SSE line or event, or non-streamed body, yap accepts (bytes; K, M, G suffixes) [default: 64M]')
            [CompletionResult]::new('--no-dotenv', '--no-dotenv', [CompletionResultType]::ParameterName, 'Do not read ./.env [env: YAP_NO_DOTENV=1]')
            [CompletionResult]::new('--insecure', '--insecure', [CompletionResultType]::ParameterName, 'Do not check the server''s TLS certificate (warns on stderr)')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Print the request (method, URL, headers with the key redacted, body); send nothing')
            [CompletionResult]::new('--curl', '--curl', [CompletionResultType]::ParameterName, 'Print an equivalent curl command (the key as $VARIABLE); send nothing')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Show the request and response lines and timings on stderr')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Show the request and response lines and timings on stderr')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'No spinner and no warnings on stderr')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No spinner and no warnings on stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('chat', 'chat', [CompletionResultType]::ParameterValue, 'Send a prompt to POST {base}/chat/completions and print the answer')
            [CompletionResult]::new('complete', 'complete', [CompletionResultType]::ParameterValue, 'Send a prompt to POST {base}/completions (legacy text completion)')
            [CompletionResult]::new('models', 'models', [CompletionResultType]::ParameterValue, 'List the model ids of GET {base}/models, sorted, one per line')
            [CompletionResult]::new('config', 'config', [CompletionResultType]::ParameterValue, 'Show the resolved settings and where each came from (key redacted)')
            [CompletionResult]::new('__generate', '__generate', [CompletionResultType]::ParameterValue, 'Write completions/ and man/ from this command-line definition')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'yap;chat' {
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'A text file put in the prompt, headed by its path (repeatable)')
            [CompletionResult]::new('--file', '--file', [CompletionResultType]::ParameterName, 'A text file put in the prompt, headed by its path (repeatable)')
            [CompletionResult]::new('-m', '-m', [CompletionResultType]::ParameterName, 'The model [env: YAP_MODEL] [profile: model]')
            [CompletionResult]::new('--model', '--model', [CompletionResultType]::ParameterName, 'The model [env: YAP_MODEL] [profile: model]')
            [CompletionResult]::new('-s', '-s', [CompletionResultType]::ParameterName, 'A leading system message')
            [CompletionResult]::new('--system', '--system', [CompletionResultType]::ParameterName, 'A leading system message')
            [CompletionResult]::new('--system-file', '--system-file', [CompletionResultType]::ParameterName, 'A leading system message read from a file')
            [CompletionResult]::new('--messages', '--messages', [CompletionResultType]::ParameterName, 'Messages sent before the prompt: a JSON array or JSONL of message objects (- for stdin)')
            [CompletionResult]::new('-i', '-i', [CompletionResultType]::ParameterName, 'An image: a local file (sent as a data: URL) or an http(s) URL (repeatable)')
            [CompletionResult]::new('--image', '--image', [CompletionResultType]::ParameterName, 'An image: a local file (sent as a data: URL) or an http(s) URL (repeatable)')
            [CompletionResult]::new('--max-completion-tokens', '--max-completion-tokens', [CompletionResultType]::ParameterName, 'max_completion_tokens')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'user')
            [CompletionResult]::new('-t', '-t', [CompletionResultType]::ParameterName, 'Sampling temperature')
            [CompletionResult]::new('--temperature', '--temperature', [CompletionResultType]::ParameterName, 'Sampling temperature')
            [CompletionResult]::new('--top-p', '--top-p', [CompletionResultType]::ParameterName, 'Nucleus sampling probability mass')
            [CompletionResult]::new('--max-tokens', '--max-tokens', [CompletionResultType]::ParameterName, 'max_tokens')
            [CompletionResult]::new('--stop', '--stop', [CompletionResultType]::ParameterName, 'A stop sequence (repeatable; sent as an array)')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'How many choices to generate')
            [CompletionResult]::new('--choices', '--choices', [CompletionResultType]::ParameterName, 'How many choices to generate')
            [CompletionResult]::new('--presence-penalty', '--presence-penalty', [CompletionResultType]::ParameterName, 'presence_penalty')
            [CompletionResult]::new('--frequency-penalty', '--frequency-penalty', [CompletionResultType]::ParameterName, 'frequency_penalty')
            [CompletionResult]::new('--logit-bias', '--logit-bias', [CompletionResultType]::ParameterName, 'A logit_bias entry, TOKEN=BIAS (repeatable)')
            [CompletionResult]::new('--seed', '--seed', [CompletionResultType]::ParameterName, 'seed')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Any body field, KEY=VALUE; VALUE is JSON if it parses, else a string; a dotted KEY sets a nested field (repeatable)')
            [CompletionResult]::new('--param', '--param', [CompletionResultType]::ParameterName, 'Any body field, KEY=VALUE; VALUE is JSON if it parses, else a string; a dotted KEY sets a nested field (repeatable)')
            [CompletionResult]::new('--body', '--body', [CompletionResultType]::ParameterName, 'A JSON object deep-merged into the body: a file, - for stdin, or inline JSON')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'Colour on stderr [default: auto; NO_COLOR turns it off]')
            [CompletionResult]::new('-P', '-P ', [CompletionResultType]::ParameterName, 'Use a provider profile from the config file [env: YAP_PROFILE]')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Use a provider profile from the config file [env: YAP_PROFILE]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'The config file [env: YAP_CONFIG] [default: $XDG_CONFIG_HOME/yap/config.toml]')
            [CompletionResult]::new('--base-url', '--base-url', [CompletionResultType]::ParameterName, 'Base URL with its path prefix [env: YAP_BASE_URL, then OPENAI_BASE_URL] [default: https://api.openai.com/v1]')
            [CompletionResult]::new('--api-key-env', '--api-key-env', [CompletionResultType]::ParameterName, 'Read the API key from this environment variable (e.g. APOLLO_API_KEY) [default: YAP_API_KEY, then OPENAI_API_KEY]')
            [CompletionResult]::new('--auth', '--auth', [CompletionResultType]::ParameterName, 'How the key is sent: bearer, x-api-key, header:NAME or none [default: bearer]')
            [CompletionResult]::new('-H', '-H ', [CompletionResultType]::ParameterName, 'An extra request header, ''Name: value'' (repeatable)')
            [CompletionResult]::new('--header', '--header', [CompletionResultType]::ParameterName, 'An extra request header, ''Name: value'' (repeatable)')
            [CompletionResult]::new('-x', '-x', [CompletionResultType]::ParameterName, 'Send every request through this HTTP(S) proxy [default: from HTTPS_PROXY, HTTP_PROXY, ALL_PROXY, NO_PROXY]')
            [CompletionResult]::new('--proxy', '--proxy', [CompletionResultType]::ParameterName, 'Send every request through this HTTP(S) proxy [default: from HTTPS_PROXY, HTTP_PROXY, ALL_PROXY, NO_PROXY]')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Give up after this many seconds in all, retries and their waits included')
            [CompletionResult]::new('--connect-timeout', '--connect-timeout', [CompletionResultType]::ParameterName, 'Give up a connection attempt after this many seconds [default: 10]')
            [CompletionResult]::new('--idle-timeout', '--idle-timeout', [CompletionResultType]::ParameterName, 'Give up when a response sends no bytes at all for this many seconds (keep-alive comments count as bytes) [default: 300]')
            [CompletionResult]::new('--retries', '--retries', [CompletionResultType]::ParameterName, 'Retries on connection failures, 408, 409, 429 and 5xx [default: 2]')
            [CompletionResult]::new('--max-size', '--max-size', [CompletionResultType]::ParameterName, 'The largest SSE line or event, or non-streamed body, yap accepts (bytes; K, M, G suffixes) [default: 64M]')
            [CompletionResult]::new('--no-stdin', '--no-stdin', [CompletionResultType]::ParameterName, 'Never read stdin, even when it is not a terminal [env: YAP_NO_STDIN=1]')
            [CompletionResult]::new('--json-object', '--json-object', [CompletionResultType]::ParameterName, 'Ask for a JSON object (response_format json_object)')
            [CompletionResult]::new('--no-stream', '--no-stream', [CompletionResultType]::ParameterName, 'Ask for one JSON response instead of a stream (stream: false)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document, the response object (a stream is assembled)')
            [CompletionResult]::new('--raw', '--raw', [CompletionResultType]::ParameterName, 'Print what the server sent: each SSE data payload as one line, or the body as is')
            [CompletionResult]::new('-u', '-u', [CompletionResultType]::ParameterName, 'Print token usage on stderr')
            [CompletionResult]::new('--usage', '--usage', [CompletionResultType]::ParameterName, 'Print token usage on stderr')
            [CompletionResult]::new('--reasoning', '--reasoning', [CompletionResultType]::ParameterName, 'Print the model''s reasoning text on stderr as it arrives')
            [CompletionResult]::new('--no-dotenv', '--no-dotenv', [CompletionResultType]::ParameterName, 'Do not read ./.env [env: YAP_NO_DOTENV=1]')
            [CompletionResult]::new('--insecure', '--insecure', [CompletionResultType]::ParameterName, 'Do not check the server''s TLS certificate (warns on stderr)')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Print the request (method, URL, headers with the key redacted, body); send nothing')
            [CompletionResult]::new('--curl', '--curl', [CompletionResultType]::ParameterName, 'Print an equivalent curl command (the key as $VARIABLE); send nothing')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Show the request and response lines and timings on stderr')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Show the request and response lines and timings on stderr')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'No spinner and no warnings on stderr')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No spinner and no warnings on stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'yap;complete' {
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'A text file put in the prompt, headed by its path (repeatable)')
            [CompletionResult]::new('--file', '--file', [CompletionResultType]::ParameterName, 'A text file put in the prompt, headed by its path (repeatable)')
            [CompletionResult]::new('-m', '-m', [CompletionResultType]::ParameterName, 'The model [env: YAP_MODEL] [profile: model]')
            [CompletionResult]::new('--model', '--model', [CompletionResultType]::ParameterName, 'The model [env: YAP_MODEL] [profile: model]')
            [CompletionResult]::new('--suffix', '--suffix', [CompletionResultType]::ParameterName, 'Text that comes after the completion (fill-in-the-middle)')
            [CompletionResult]::new('--logprobs', '--logprobs', [CompletionResultType]::ParameterName, 'Return the log probabilities of the N most likely tokens')
            [CompletionResult]::new('--best-of', '--best-of', [CompletionResultType]::ParameterName, 'Generate N completions server-side and return the best')
            [CompletionResult]::new('-t', '-t', [CompletionResultType]::ParameterName, 'Sampling temperature')
            [CompletionResult]::new('--temperature', '--temperature', [CompletionResultType]::ParameterName, 'Sampling temperature')
            [CompletionResult]::new('--top-p', '--top-p', [CompletionResultType]::ParameterName, 'Nucleus sampling probability mass')
            [CompletionResult]::new('--max-tokens', '--max-tokens', [CompletionResultType]::ParameterName, 'max_tokens')
            [CompletionResult]::new('--stop', '--stop', [CompletionResultType]::ParameterName, 'A stop sequence (repeatable; sent as an array)')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'How many choices to generate')
            [CompletionResult]::new('--choices', '--choices', [CompletionResultType]::ParameterName, 'How many choices to generate')
            [CompletionResult]::new('--presence-penalty', '--presence-penalty', [CompletionResultType]::ParameterName, 'presence_penalty')
            [CompletionResult]::new('--frequency-penalty', '--frequency-penalty', [CompletionResultType]::ParameterName, 'frequency_penalty')
            [CompletionResult]::new('--logit-bias', '--logit-bias', [CompletionResultType]::ParameterName, 'A logit_bias entry, TOKEN=BIAS (repeatable)')
            [CompletionResult]::new('--seed', '--seed', [CompletionResultType]::ParameterName, 'seed')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Any body field, KEY=VALUE; VALUE is JSON if it parses, else a string; a dotted KEY sets a nested field (repeatable)')
            [CompletionResult]::new('--param', '--param', [CompletionResultType]::ParameterName, 'Any body field, KEY=VALUE; VALUE is JSON if it parses, else a string; a dotted KEY sets a nested field (repeatable)')
            [CompletionResult]::new('--body', '--body', [CompletionResultType]::ParameterName, 'A JSON object deep-merged into the body: a file, - for stdin, or inline JSON')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'Colour on stderr [default: auto; NO_COLOR turns it off]')
            [CompletionResult]::new('-P', '-P ', [CompletionResultType]::ParameterName, 'Use a provider profile from the config file [env: YAP_PROFILE]')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Use a provider profile from the config file [env: YAP_PROFILE]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'The config file [env: YAP_CONFIG] [default: $XDG_CONFIG_HOME/yap/config.toml]')
            [CompletionResult]::new('--base-url', '--base-url', [CompletionResultType]::ParameterName, 'Base URL with its path prefix [env: YAP_BASE_URL, then OPENAI_BASE_URL] [default: https://api.openai.com/v1]')
            [CompletionResult]::new('--api-key-env', '--api-key-env', [CompletionResultType]::ParameterName, 'Read the API key from this environment variable (e.g. APOLLO_API_KEY) [default: YAP_API_KEY, then OPENAI_API_KEY]')
            [CompletionResult]::new('--auth', '--auth', [CompletionResultType]::ParameterName, 'How the key is sent: bearer, x-api-key, header:NAME or none [default: bearer]')
            [CompletionResult]::new('-H', '-H ', [CompletionResultType]::ParameterName, 'An extra request header, ''Name: value'' (repeatable)')
            [CompletionResult]::new('--header', '--header', [CompletionResultType]::ParameterName, 'An extra request header, ''Name: value'' (repeatable)')
            [CompletionResult]::new('-x', '-x', [CompletionResultType]::ParameterName, 'Send every request through this HTTP(S) proxy [default: from HTTPS_PROXY, HTTP_PROXY, ALL_PROXY, NO_PROXY]')
            [CompletionResult]::new('--proxy', '--proxy', [CompletionResultType]::ParameterName, 'Send every request through this HTTP(S) proxy [default: from HTTPS_PROXY, HTTP_PROXY, ALL_PROXY, NO_PROXY]')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Give up after this many seconds in all, retries and their waits included')
            [CompletionResult]::new('--connect-timeout', '--connect-timeout', [CompletionResultType]::ParameterName, 'Give up a connection attempt after this many seconds [default: 10]')
            [CompletionResult]::new('--idle-timeout', '--idle-timeout', [CompletionResultType]::ParameterName, 'Give up when a response sends no bytes at all for this many seconds (keep-alive comments count as bytes) [default: 300]')
            [CompletionResult]::new('--retries', '--retries', [CompletionResultType]::ParameterName, 'Retries on connection failures, 408, 409, 429 and 5xx [default: 2]')
            [CompletionResult]::new('--max-size', '--max-size', [CompletionResultType]::ParameterName, 'The largest SSE line or event, or non-streamed body, yap accepts (bytes; K, M, G suffixes) [default: 64M]')
            [CompletionResult]::new('--no-stdin', '--no-stdin', [CompletionResultType]::ParameterName, 'Never read stdin, even when it is not a terminal [env: YAP_NO_STDIN=1]')
            [CompletionResult]::new('--echo', '--echo', [CompletionResultType]::ParameterName, 'Echo the prompt back in the completion')
            [CompletionResult]::new('--no-stream', '--no-stream', [CompletionResultType]::ParameterName, 'Ask for one JSON response instead of a stream (stream: false)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document, the response object (a stream is assembled)')
            [CompletionResult]::new('--raw', '--raw', [CompletionResultType]::ParameterName, 'Print what the server sent: each SSE data payload as one line, or the body as is')
            [CompletionResult]::new('-u', '-u', [CompletionResultType]::ParameterName, 'Print token usage on stderr')
            [CompletionResult]::new('--usage', '--usage', [CompletionResultType]::ParameterName, 'Print token usage on stderr')
            [CompletionResult]::new('--reasoning', '--reasoning', [CompletionResultType]::ParameterName, 'Print the model''s reasoning text on stderr as it arrives')
            [CompletionResult]::new('--no-dotenv', '--no-dotenv', [CompletionResultType]::ParameterName, 'Do not read ./.env [env: YAP_NO_DOTENV=1]')
            [CompletionResult]::new('--insecure', '--insecure', [CompletionResultType]::ParameterName, 'Do not check the server''s TLS certificate (warns on stderr)')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Print the request (method, URL, headers with the key redacted, body); send nothing')
            [CompletionResult]::new('--curl', '--curl', [CompletionResultType]::ParameterName, 'Print an equivalent curl command (the key as $VARIABLE); send nothing')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Show the request and response lines and timings on stderr')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Show the request and response lines and timings on stderr')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'No spinner and no warnings on stderr')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No spinner and no warnings on stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'yap;models' {
            [CompletionResult]::new('-P', '-P ', [CompletionResultType]::ParameterName, 'Use a provider profile from the config file [env: YAP_PROFILE]')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Use a provider profile from the config file [env: YAP_PROFILE]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'The config file [env: YAP_CONFIG] [default: $XDG_CONFIG_HOME/yap/config.toml]')
            [CompletionResult]::new('--base-url', '--base-url', [CompletionResultType]::ParameterName, 'Base URL with its path prefix [env: YAP_BASE_URL, then OPENAI_BASE_URL] [default: https://api.openai.com/v1]')
            [CompletionResult]::new('--api-key-env', '--api-key-env', [CompletionResultType]::ParameterName, 'Read the API key from this environment variable (e.g. APOLLO_API_KEY) [default: YAP_API_KEY, then OPENAI_API_KEY]')
            [CompletionResult]::new('--auth', '--auth', [CompletionResultType]::ParameterName, 'How the key is sent: bearer, x-api-key, header:NAME or none [default: bearer]')
            [CompletionResult]::new('-H', '-H ', [CompletionResultType]::ParameterName, 'An extra request header, ''Name: value'' (repeatable)')
            [CompletionResult]::new('--header', '--header', [CompletionResultType]::ParameterName, 'An extra request header, ''Name: value'' (repeatable)')
            [CompletionResult]::new('-x', '-x', [CompletionResultType]::ParameterName, 'Send every request through this HTTP(S) proxy [default: from HTTPS_PROXY, HTTP_PROXY, ALL_PROXY, NO_PROXY]')
            [CompletionResult]::new('--proxy', '--proxy', [CompletionResultType]::ParameterName, 'Send every request through this HTTP(S) proxy [default: from HTTPS_PROXY, HTTP_PROXY, ALL_PROXY, NO_PROXY]')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Give up after this many seconds in all, retries and their waits included')
            [CompletionResult]::new('--connect-timeout', '--connect-timeout', [CompletionResultType]::ParameterName, 'Give up a connection attempt after this many seconds [default: 10]')
            [CompletionResult]::new('--idle-timeout', '--idle-timeout', [CompletionResultType]::ParameterName, 'Give up when a response sends no bytes at all for this many seconds (keep-alive comments count as bytes) [default: 300]')
            [CompletionResult]::new('--retries', '--retries', [CompletionResultType]::ParameterName, 'Retries on connection failures, 408, 409, 429 and 5xx [default: 2]')
            [CompletionResult]::new('--max-size', '--max-size', [CompletionResultType]::ParameterName, 'The largest SSE line or event, or non-streamed body, yap accepts (bytes; K, M, G suffixes) [default: 64M]')
            [CompletionResult]::new('-l', '-l', [CompletionResultType]::ParameterName, 'A table: id, owner, creation date (tab-separated when piped)')
            [CompletionResult]::new('--long', '--long', [CompletionResultType]::ParameterName, 'A table: id, owner, creation date (tab-separated when piped)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'The response as the server sent it')
            [CompletionResult]::new('--no-dotenv', '--no-dotenv', [CompletionResultType]::ParameterName, 'Do not read ./.env [env: YAP_NO_DOTENV=1]')
            [CompletionResult]::new('--insecure', '--insecure', [CompletionResultType]::ParameterName, 'Do not check the server''s TLS certificate (warns on stderr)')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Print the request (method, URL, headers with the key redacted, body); send nothing')
            [CompletionResult]::new('--curl', '--curl', [CompletionResultType]::ParameterName, 'Print an equivalent curl command (the key as $VARIABLE); send nothing')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Show the request and response lines and timings on stderr')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Show the request and response lines and timings on stderr')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'No spinner and no warnings on stderr')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No spinner and no warnings on stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Print one model as JSON: GET {base}/models/{ID}')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'yap;models;show' {
            [CompletionResult]::new('-P', '-P ', [CompletionResultType]::ParameterName, 'Use a provider profile from the config file [env: YAP_PROFILE]')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Use a provider profile from the config file [env: YAP_PROFILE]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'The config file [env: YAP_CONFIG] [default: $XDG_CONFIG_HOME/yap/config.toml]')
            [CompletionResult]::new('--base-url', '--base-url', [CompletionResultType]::ParameterName, 'Base URL with its path prefix [env: YAP_BASE_URL, then OPENAI_BASE_URL] [default: https://api.openai.com/v1]')
            [CompletionResult]::new('--api-key-env', '--api-key-env', [CompletionResultType]::ParameterName, 'Read the API key from this environment variable (e.g. APOLLO_API_KEY) [default: YAP_API_KEY, then OPENAI_API_KEY]')
            [CompletionResult]::new('--auth', '--auth', [CompletionResultType]::ParameterName, 'How the key is sent: bearer, x-api-key, header:NAME or none [default: bearer]')
            [CompletionResult]::new('-H', '-H ', [CompletionResultType]::ParameterName, 'An extra request header, ''Name: value'' (repeatable)')
            [CompletionResult]::new('--header', '--header', [CompletionResultType]::ParameterName, 'An extra request header, ''Name: value'' (repeatable)')
            [CompletionResult]::new('-x', '-x', [CompletionResultType]::ParameterName, 'Send every request through this HTTP(S) proxy [default: from HTTPS_PROXY, HTTP_PROXY, ALL_PROXY, NO_PROXY]')
            [CompletionResult]::new('--proxy', '--proxy', [CompletionResultType]::ParameterName, 'Send every request through this HTTP(S) proxy [default: from HTTPS_PROXY, HTTP_PROXY, ALL_PROXY, NO_PROXY]')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Give up after this many seconds in all, retries and their waits included')
            [CompletionResult]::new('--connect-timeout', '--connect-timeout', [CompletionResultType]::ParameterName, 'Give up a connection attempt after this many seconds [default: 10]')
            [CompletionResult]::new('--idle-timeout', '--idle-timeout', [CompletionResultType]::ParameterName, 'Give up when a response sends no bytes at all for this many seconds (keep-alive comments count as bytes) [default: 300]')
            [CompletionResult]::new('--retries', '--retries', [CompletionResultType]::ParameterName, 'Retries on connection failures, 408, 409, 429 and 5xx [default: 2]')
            [CompletionResult]::new('--max-size', '--max-size', [CompletionResultType]::ParameterName, 'The largest SSE line or event, or non-streamed body, yap accepts (bytes; K, M, G suffixes) [default: 64M]')
            [CompletionResult]::new('--no-dotenv', '--no-dotenv', [CompletionResultType]::ParameterName, 'Do not read ./.env [env: YAP_NO_DOTENV=1]')
            [CompletionResult]::new('--insecure', '--insecure', [CompletionResultType]::ParameterName, 'Do not check the server''s TLS certificate (warns on stderr)')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Print the request (method, URL, headers with the key redacted, body); send nothing')
            [CompletionResult]::new('--curl', '--curl', [CompletionResultType]::ParameterName, 'Print an equivalent curl command (the key as $VARIABLE); send nothing')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Show the request and response lines and timings on stderr')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Show the request and response lines and timings on stderr')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'No spinner and no warnings on stderr')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No spinner and no warnings on stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'yap;models;help' {
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Print one model as JSON: GET {base}/models/{ID}')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'yap;models;help;show' {
            break
        }
        'yap;models;help;help' {
            break
        }
        'yap;config' {
            [CompletionResult]::new('-P', '-P ', [CompletionResultType]::ParameterName, 'Use a provider profile from the config file [env: YAP_PROFILE]')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Use a provider profile from the config file [env: YAP_PROFILE]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'The config file [env: YAP_CONFIG] [default: $XDG_CONFIG_HOME/yap/config.toml]')
            [CompletionResult]::new('--base-url', '--base-url', [CompletionResultType]::ParameterName, 'Base URL with its path prefix [env: YAP_BASE_URL, then OPENAI_BASE_URL] [default: https://api.openai.com/v1]')
            [CompletionResult]::new('--api-key-env', '--api-key-env', [CompletionResultType]::ParameterName, 'Read the API key from this environment variable (e.g. APOLLO_API_KEY) [default: YAP_API_KEY, then OPENAI_API_KEY]')
            [CompletionResult]::new('--auth', '--auth', [CompletionResultType]::ParameterName, 'How the key is sent: bearer, x-api-key, header:NAME or none [default: bearer]')
            [CompletionResult]::new('-H', '-H ', [CompletionResultType]::ParameterName, 'An extra request header, ''Name: value'' (repeatable)')
            [CompletionResult]::new('--header', '--header', [CompletionResultType]::ParameterName, 'An extra request header, ''Name: value'' (repeatable)')
            [CompletionResult]::new('-x', '-x', [CompletionResultType]::ParameterName, 'Send every request through this HTTP(S) proxy [default: from HTTPS_PROXY, HTTP_PROXY, ALL_PROXY, NO_PROXY]')
            [CompletionResult]::new('--proxy', '--proxy', [CompletionResultType]::ParameterName, 'Send every request through this HTTP(S) proxy [default: from HTTPS_PROXY, HTTP_PROXY, ALL_PROXY, NO_PROXY]')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Give up after this many seconds in all, retries and their waits included')
            [CompletionResult]::new('--connect-timeout', '--connect-timeout', [CompletionResultType]::ParameterName, 'Give up a connection attempt after this many seconds [default: 10]')
            [CompletionResult]::new('--idle-timeout', '--idle-timeout', [CompletionResultType]::ParameterName, 'Give up when a response sends no bytes at all for this many seconds (keep-alive comments count as bytes) [default: 300]')
            [CompletionResult]::new('--retries', '--retries', [CompletionResultType]::ParameterName, 'Retries on connection failures, 408, 409, 429 and 5xx [default: 2]')
            [CompletionResult]::new('--max-size', '--max-size', [CompletionResultType]::ParameterName, 'The largest SSE line or event, or non-streamed body, yap accepts (bytes; K, M, G suffixes) [default: 64M]')
            [CompletionResult]::new('--no-dotenv', '--no-dotenv', [CompletionResultType]::ParameterName, 'Do not read ./.env [env: YAP_NO_DOTENV=1]')
            [CompletionResult]::new('--insecure', '--insecure', [CompletionResultType]::ParameterName, 'Do not check the server''s TLS certificate (warns on stderr)')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Print the request (method, URL, headers with the key redacted, body); send nothing')
            [CompletionResult]::new('--curl', '--curl', [CompletionResultType]::ParameterName, 'Print an equivalent curl command (the key as $VARIABLE); send nothing')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Show the request and response lines and timings on stderr')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Show the request and response lines and timings on stderr')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'No spinner and no warnings on stderr')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No spinner and no warnings on stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('path', 'path', [CompletionResultType]::ParameterValue, 'Print the path of the configuration file (also when it does not exist)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'yap;config;path' {
            [CompletionResult]::new('-P', '-P ', [CompletionResultType]::ParameterName, 'Use a provider profile from the config file [env: YAP_PROFILE]')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Use a provider profile from the config file [env: YAP_PROFILE]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'The config file [env: YAP_CONFIG] [default: $XDG_CONFIG_HOME/yap/config.toml]')
            [CompletionResult]::new('--base-url', '--base-url', [CompletionResultType]::ParameterName, 'Base URL with its path prefix [env: YAP_BASE_URL, then OPENAI_BASE_URL] [default: https://api.openai.com/v1]')
            [CompletionResult]::new('--api-key-env', '--api-key-env', [CompletionResultType]::ParameterName, 'Read the API key from this environment variable (e.g. APOLLO_API_KEY) [default: YAP_API_KEY, then OPENAI_API_KEY]')
            [CompletionResult]::new('--auth', '--auth', [CompletionResultType]::ParameterName, 'How the key is sent: bearer, x-api-key, header:NAME or none [default: bearer]')
            [CompletionResult]::new('-H', '-H ', [CompletionResultType]::ParameterName, 'An extra request header, ''Name: value'' (repeatable)')
            [CompletionResult]::new('--header', '--header', [CompletionResultType]::ParameterName, 'An extra request header, ''Name: value'' (repeatable)')
            [CompletionResult]::new('-x', '-x', [CompletionResultType]::ParameterName, 'Send every request through this HTTP(S) proxy [default: from HTTPS_PROXY, HTTP_PROXY, ALL_PROXY, NO_PROXY]')
            [CompletionResult]::new('--proxy', '--proxy', [CompletionResultType]::ParameterName, 'Send every request through this HTTP(S) proxy [default: from HTTPS_PROXY, HTTP_PROXY, ALL_PROXY, NO_PROXY]')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Give up after this many seconds in all, retries and their waits included')
            [CompletionResult]::new('--connect-timeout', '--connect-timeout', [CompletionResultType]::ParameterName, 'Give up a connection attempt after this many seconds [default: 10]')
            [CompletionResult]::new('--idle-timeout', '--idle-timeout', [CompletionResultType]::ParameterName, 'Give up when a response sends no bytes at all for this many seconds (keep-alive comments count as bytes) [default: 300]')
            [CompletionResult]::new('--retries', '--retries', [CompletionResultType]::ParameterName, 'Retries on connection failures, 408, 409, 429 and 5xx [default: 2]')
            [CompletionResult]::new('--max-size', '--max-size', [CompletionResultType]::ParameterName, 'The largest SSE line or event, or non-streamed body, yap accepts (bytes; K, M, G suffixes) [default: 64M]')
            [CompletionResult]::new('--no-dotenv', '--no-dotenv', [CompletionResultType]::ParameterName, 'Do not read ./.env [env: YAP_NO_DOTENV=1]')
            [CompletionResult]::new('--insecure', '--insecure', [CompletionResultType]::ParameterName, 'Do not check the server''s TLS certificate (warns on stderr)')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Print the request (method, URL, headers with the key redacted, body); send nothing')
            [CompletionResult]::new('--curl', '--curl', [CompletionResultType]::ParameterName, 'Print an equivalent curl command (the key as $VARIABLE); send nothing')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Show the request and response lines and timings on stderr')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Show the request and response lines and timings on stderr')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'No spinner and no warnings on stderr')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No spinner and no warnings on stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'yap;config;help' {
            [CompletionResult]::new('path', 'path', [CompletionResultType]::ParameterValue, 'Print the path of the configuration file (also when it does not exist)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'yap;config;help;path' {
            break
        }
        'yap;config;help;help' {
            break
        }
        'yap;__generate' {
            [CompletionResult]::new('-P', '-P ', [CompletionResultType]::ParameterName, 'Use a provider profile from the config file [env: YAP_PROFILE]')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Use a provider profile from the config file [env: YAP_PROFILE]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'The config file [env: YAP_CONFIG] [default: $XDG_CONFIG_HOME/yap/config.toml]')
            [CompletionResult]::new('--base-url', '--base-url', [CompletionResultType]::ParameterName, 'Base URL with its path prefix [env: YAP_BASE_URL, then OPENAI_BASE_URL] [default: https://api.openai.com/v1]')
            [CompletionResult]::new('--api-key-env', '--api-key-env', [CompletionResultType]::ParameterName, 'Read the API key from this environment variable (e.g. APOLLO_API_KEY) [default: YAP_API_KEY, then OPENAI_API_KEY]')
            [CompletionResult]::new('--auth', '--auth', [CompletionResultType]::ParameterName, 'How the key is sent: bearer, x-api-key, header:NAME or none [default: bearer]')
            [CompletionResult]::new('-H', '-H ', [CompletionResultType]::ParameterName, 'An extra request header, ''Name: value'' (repeatable)')
            [CompletionResult]::new('--header', '--header', [CompletionResultType]::ParameterName, 'An extra request header, ''Name: value'' (repeatable)')
            [CompletionResult]::new('-x', '-x', [CompletionResultType]::ParameterName, 'Send every request through this HTTP(S) proxy [default: from HTTPS_PROXY, HTTP_PROXY, ALL_PROXY, NO_PROXY]')
            [CompletionResult]::new('--proxy', '--proxy', [CompletionResultType]::ParameterName, 'Send every request through this HTTP(S) proxy [default: from HTTPS_PROXY, HTTP_PROXY, ALL_PROXY, NO_PROXY]')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Give up after this many seconds in all, retries and their waits included')
            [CompletionResult]::new('--connect-timeout', '--connect-timeout', [CompletionResultType]::ParameterName, 'Give up a connection attempt after this many seconds [default: 10]')
            [CompletionResult]::new('--idle-timeout', '--idle-timeout', [CompletionResultType]::ParameterName, 'Give up when a response sends no bytes at all for this many seconds (keep-alive comments count as bytes) [default: 300]')
            [CompletionResult]::new('--retries', '--retries', [CompletionResultType]::ParameterName, 'Retries on connection failures, 408, 409, 429 and 5xx [default: 2]')
            [CompletionResult]::new('--max-size', '--max-size', [CompletionResultType]::ParameterName, 'The largest SSE line or event, or non-streamed body, yap accepts (bytes; K, M, G suffixes) [default: 64M]')
            [CompletionResult]::new('--no-dotenv', '--no-dotenv', [CompletionResultType]::ParameterName, 'Do not read ./.env [env: YAP_NO_DOTENV=1]')
            [CompletionResult]::new('--insecure', '--insecure', [CompletionResultType]::ParameterName, 'Do not check the server''s TLS certificate (warns on stderr)')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Print the request (method, URL, headers with the key redacted, body); send nothing')
            [CompletionResult]::new('--curl', '--curl', [CompletionResultType]::ParameterName, 'Print an equivalent curl command (the key as $VARIABLE); send nothing')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Show the request and response lines and timings on stderr')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Show the request and response lines and timings on stderr')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'No spinner and no warnings on stderr')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No spinner and no warnings on stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'yap;help' {
            [CompletionResult]::new('chat', 'chat', [CompletionResultType]::ParameterValue, 'Send a prompt to POST {base}/chat/completions and print the answer')
            [CompletionResult]::new('complete', 'complete', [CompletionResultType]::ParameterValue, 'Send a prompt to POST {base}/completions (legacy text completion)')
            [CompletionResult]::new('models', 'models', [CompletionResultType]::ParameterValue, 'List the model ids of GET {base}/models, sorted, one per line')
            [CompletionResult]::new('config', 'config', [CompletionResultType]::ParameterValue, 'Show the resolved settings and where each came from (key redacted)')
            [CompletionResult]::new('__generate', '__generate', [CompletionResultType]::ParameterValue, 'Write completions/ and man/ from this command-line definition')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'yap;help;chat' {
            break
        }
        'yap;help;complete' {
            break
        }
        'yap;help;models' {
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Print one model as JSON: GET {base}/models/{ID}')
            break
        }
        'yap;help;models;show' {
            break
        }
        'yap;help;config' {
            [CompletionResult]::new('path', 'path', [CompletionResultType]::ParameterValue, 'Print the path of the configuration file (also when it does not exist)')
            break
        }
        'yap;help;config;path' {
            break
        }
        'yap;help;__generate' {
            break
        }
        'yap;help;help' {
            break
        }
    })

    $completions.Where{ $_.CompletionText -like "$wordToComplete*" } |
        Sort-Object -Property ListItemText
}
