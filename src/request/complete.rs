//! The `/completions` body: the prompt and the flags that endpoint has.
//! Pure, like `chat.rs`, and layered the same way.

use serde_json::{Value, json};

use super::params::{Layers, Sampling, layer, sampling_fields};
use crate::error::Failure;

#[derive(Clone, Debug, Default)]
pub struct CompleteInputs {
    pub model: String,
    pub prompt: Option<String>,
    pub suffix: Option<String>,
    pub echo: bool,
    pub logprobs: Option<u32>,
    pub best_of: Option<u32>,
    pub sampling: Sampling,
    pub layers: Layers,
}

pub fn build(inputs: CompleteInputs) -> Result<Value, Failure> {
    let mut named = sampling_fields(&inputs.sampling);
    named.insert("model".into(), Value::String(inputs.model));
    if let Some(prompt) = inputs.prompt {
        named.insert("prompt".into(), Value::String(prompt));
    }
    if let Some(suffix) = &inputs.suffix {
        named.insert("suffix".into(), json!(suffix));
    }
    if inputs.echo {
        named.insert("echo".into(), json!(true));
    }
    if let Some(n) = inputs.logprobs {
        named.insert("logprobs".into(), json!(n));
    }
    if let Some(n) = inputs.best_of {
        named.insert("best_of".into(), json!(n));
    }
    let map = layer(inputs.layers, named)?;
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

    #[test]
    fn fields_and_types() {
        let inputs = CompleteInputs {
            model: "m".into(),
            prompt: Some("def f(".into()),
            suffix: Some("}".into()),
            echo: true,
            logprobs: Some(2),
            best_of: Some(3),
            sampling: Sampling {
                max_tokens: Some(7),
                stop: vec!["\n".into()],
                ..Default::default()
            },
            layers: Layers {
                stream: true,
                stream_usage: true,
                ..Default::default()
            },
        };
        let body = build(inputs).unwrap();
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
        assert_eq!(build(inputs).unwrap_err().kind.exit_code(), 2);
    }
}
