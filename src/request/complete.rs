//! The `/completions` body: the prompt and the flags that endpoint has.
//! Pure, like `chat.rs`, and layered the same way.

use serde_json::{Value, json};

use super::params::{Layers, layer, sampling_fields};
use crate::cli::CompleteArgs;
use crate::error::Failure;

#[derive(Debug, Default)]
pub struct CompleteInputs {
    pub model: String,
    pub prompt: Option<String>,
    pub profile_body: Option<Value>,
    pub body_flag: Option<Value>,
    pub stream: bool,
    pub stream_usage: bool,
}

pub fn build(inputs: CompleteInputs, args: &CompleteArgs) -> Result<Value, Failure> {
    let mut named = sampling_fields(&args.sampling)?;
    named.insert("model".into(), Value::String(inputs.model));
    if let Some(prompt) = inputs.prompt {
        named.insert("prompt".into(), Value::String(prompt));
    }
    if let Some(suffix) = &args.suffix {
        named.insert("suffix".into(), json!(suffix));
    }
    if args.echo {
        named.insert("echo".into(), json!(true));
    }
    if let Some(n) = args.logprobs {
        named.insert("logprobs".into(), json!(n));
    }
    if let Some(n) = args.best_of {
        named.insert("best_of".into(), json!(n));
    }
    let map = layer(Layers {
        profile_body: inputs.profile_body,
        body_flag: inputs.body_flag,
        named,
        params: &args.body.params,
        stream: inputs.stream,
        stream_usage: inputs.stream_usage,
    })?;
    if !map.contains_key("prompt") {
        return Err(Failure::usage(
            "nothing to send: give a prompt, pipe text on stdin, or use -f FILE",
        ));
    }
    Ok(Value::Object(map))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cli::chat::SamplingArgs;

    #[test]
    fn fields_and_types() {
        let args = CompleteArgs {
            suffix: Some("}".into()),
            echo: true,
            logprobs: Some(2),
            best_of: Some(3),
            sampling: SamplingArgs {
                max_tokens: Some(7),
                stop: vec!["\n".into()],
                ..Default::default()
            },
            ..Default::default()
        };
        let inputs = CompleteInputs {
            model: "m".into(),
            prompt: Some("def f(".into()),
            stream: true,
            stream_usage: true,
            ..Default::default()
        };
        let body = build(inputs, &args).unwrap();
        assert_eq!(
            body,
            json!({
                "model": "m", "prompt": "def f(", "suffix": "}", "echo": true, "logprobs": 2,
                "best_of": 3, "max_tokens": 7, "stop": ["\n"], "stream": true,
                "stream_options": {"include_usage": true}
            })
        );
    }

    #[test]
    fn no_prompt_is_a_usage_error() {
        let inputs = CompleteInputs {
            model: "m".into(),
            ..Default::default()
        };
        assert_eq!(
            build(inputs, &CompleteArgs::default())
                .unwrap_err()
                .kind
                .exit_code(),
            2
        );
    }
}
