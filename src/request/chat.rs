//! The `/chat/completions` body, built from already-read inputs. Pure: no
//! environment, files or network here.
//!
//! Precedence, lowest first: profile `body`, `--body`, named flags, `-o`.

use serde_json::{Value, json};

use super::params::{Layers, Sampling, layer, sampling_fields};
use crate::error::Failure;

/// Everything the body is made of, read and checked by the caller.
#[derive(Clone, Debug, Default)]
pub struct ChatInputs {
    pub model: String,
    pub system: Option<String>,
    /// From `--messages`, sent as given.
    pub messages: Vec<Value>,
    pub user_text: Option<String>,
    /// `image_url` URLs (http(s) or `data:`).
    pub images: Vec<String>,
    pub sampling: Sampling,
    pub max_completion_tokens: Option<u64>,
    pub user: Option<String>,
    /// `response_format` (`--json-object`, `--schema`).
    pub response_format: Option<Value>,
    /// The `tools` yap declares (`--tool`); empty sends none, so a `tools`
    /// field from `--body` or `-o` goes as given.
    pub tools: Vec<Value>,
    pub tool_choice: Option<Value>,
    pub parallel_tool_calls: Option<bool>,
    pub layers: Layers,
}

/// Build the request body.
pub fn build(inputs: ChatInputs) -> Result<Value, Failure> {
    let mut named = sampling_fields(&inputs.sampling);
    if let Some(n) = inputs.max_completion_tokens {
        named.insert("max_completion_tokens".into(), json!(n));
    }
    if let Some(user) = &inputs.user {
        named.insert("user".into(), json!(user));
    }
    if let Some(format) = inputs.response_format {
        named.insert("response_format".into(), format);
    }
    if !inputs.tools.is_empty() {
        named.insert("tools".into(), Value::Array(inputs.tools));
    }
    if let Some(choice) = inputs.tool_choice {
        named.insert("tool_choice".into(), choice);
    }
    if let Some(parallel) = inputs.parallel_tool_calls {
        named.insert("parallel_tool_calls".into(), json!(parallel));
    }
    named.insert("model".into(), Value::String(inputs.model));
    let mut messages = Vec::new();
    if let Some(system) = inputs.system {
        messages.push(json!({"role": "system", "content": system}));
    }
    messages.extend(inputs.messages);
    if let Some(user) = user_message(inputs.user_text, &inputs.images) {
        messages.push(user);
    }
    named.insert("messages".into(), Value::Array(messages));
    let map = layer(inputs.layers, named)?;
    let has_messages = map
        .get("messages")
        .and_then(Value::as_array)
        .is_some_and(|m| !m.is_empty());
    if !has_messages {
        return Err(Failure::usage(
            "nothing to send: give a prompt, pipe text on stdin, or pass --messages",
        ));
    }
    Ok(Value::Object(map))
}

fn user_message(text: Option<String>, images: &[String]) -> Option<Value> {
    if images.is_empty() {
        return text.map(|t| json!({"role": "user", "content": t}));
    }
    let mut parts = Vec::new();
    if let Some(t) = text {
        parts.push(json!({"type": "text", "text": t}));
    }
    for url in images {
        parts.push(json!({"type": "image_url", "image_url": {"url": url}}));
    }
    Some(json!({"role": "user", "content": parts}))
}

/// Parse `--messages` text: a JSON array of objects, or one object per line.
pub fn parse_messages(text: &str, from: &str) -> Result<Vec<Value>, Failure> {
    let trimmed = text.trim_start();
    let values: Vec<Value> = if trimmed.starts_with('[') {
        serde_json::from_str(trimmed).map_err(|e| {
            Failure::usage(format!("--messages {from}: not a valid JSON array: {e}"))
        })?
    } else {
        let mut out = Vec::new();
        for (i, line) in text.lines().enumerate() {
            if line.trim().is_empty() {
                continue;
            }
            out.push(serde_json::from_str(line).map_err(|e| {
                Failure::usage(format!(
                    "--messages {from}: line {}: not valid JSON: {e}",
                    i + 1
                ))
            })?);
        }
        out
    };
    for (i, v) in values.iter().enumerate() {
        if !v.get("role").is_some_and(Value::is_string) {
            return Err(Failure::usage(format!(
                "--messages {from}: message {} is not an object with a \"role\"",
                i + 1
            )));
        }
    }
    Ok(values)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::request::params::parse_logit_bias;

    fn inputs(text: &str) -> ChatInputs {
        ChatInputs {
            model: "m".into(),
            user_text: Some(text.into()),
            layers: Layers {
                stream: true,
                stream_usage: true,
                ..Default::default()
            },
            ..Default::default()
        }
    }

    #[test]
    fn flags_have_json_types() {
        let mut i = inputs("hi");
        i.sampling = Sampling {
            temperature: Some(0.7),
            max_tokens: Some(5),
            stop: vec!["END".into()],
            n: Some(2),
            seed: Some(-3),
            logit_bias: vec![
                parse_logit_bias("50256=-100").unwrap(),
                parse_logit_bias("42=0.5").unwrap(),
            ],
            ..Default::default()
        };
        let body = build(i).unwrap();
        assert_eq!(body["temperature"], json!(0.7));
        assert_eq!(body["max_tokens"], json!(5));
        assert_eq!(body["stop"], json!(["END"]));
        assert_eq!(body["n"], json!(2));
        assert_eq!(body["seed"], json!(-3));
        assert_eq!(body["logit_bias"], json!({"50256": -100, "42": 0.5}));
        assert_eq!(body["stream"], json!(true));
        assert_eq!(body["stream_options"], json!({"include_usage": true}));
        assert_eq!(body["messages"], json!([{"role": "user", "content": "hi"}]));
    }

    #[test]
    fn precedence_profile_body_flags_params() {
        let mut i = inputs("hi");
        i.sampling.temperature = Some(0.5);
        i.layers.params = vec!["temperature=0.9".into(), "labels.team=infra".into()];
        i.layers.profile_body =
            Some(json!({"temperature": 0.1, "store": true, "labels": {"env": "p"}}));
        i.layers.body_flag = Some(json!({"temperature": 0.2, "store": false}));
        let body = build(i).unwrap();
        assert_eq!(body["temperature"], json!(0.9));
        assert_eq!(body["store"], json!(false));
        assert_eq!(body["labels"], json!({"env": "p", "team": "infra"}));
    }

    #[test]
    fn stream_false_by_param_drops_stream_options() {
        let mut i = inputs("hi");
        i.layers.params = vec!["stream=false".into()];
        let body = build(i).unwrap();
        assert_eq!(body["stream"], json!(false));
        assert!(body.get("stream_options").is_none());
    }

    #[test]
    fn images_make_content_parts() {
        let mut i = inputs("what is this");
        i.images = vec!["https://x/cat.png".into()];
        let body = build(i).unwrap();
        assert_eq!(
            body["messages"][0]["content"],
            json!([
                {"type": "text", "text": "what is this"},
                {"type": "image_url", "image_url": {"url": "https://x/cat.png"}}
            ])
        );
    }

    #[test]
    fn messages_parse_as_array_or_jsonl() {
        let a = parse_messages(r#"[{"role":"user","content":"a","name":"x"}]"#, "f").unwrap();
        assert_eq!(a[0]["name"], json!("x"));
        let b = parse_messages(
            "{\"role\":\"user\",\"content\":\"a\"}\n\n{\"role\":\"assistant\",\"content\":\"b\"}\n",
            "f",
        )
        .unwrap();
        assert_eq!(b.len(), 2);
        assert!(parse_messages("[1]", "f").is_err());
        assert!(parse_messages("{bad", "f").is_err());
    }

    proptest::proptest! {
        /// Any mix of flags and `-o`/`--logit-bias` strings gives a body or
        /// a usage error, never a panic, and the body is always an object.
        #[test]
        fn the_builder_never_panics(
            params in proptest::collection::vec("[a-z._=\\[\\]{}\":0-9 -]{0,20}", 0..6),
            bias in proptest::collection::vec("[0-9a-z=.-]{0,8}", 0..3),
            temperature in proptest::option::of(proptest::num::f64::ANY),
            n in proptest::option::of(proptest::prelude::any::<u32>()),
            body in proptest::option::of(proptest::prelude::Just(json!({"a": {"b": 1}, "stream": "x"}))),
        ) {
            let Ok(logit_bias) = bias.iter().map(|b| parse_logit_bias(b)).collect::<Result<Vec<_>, _>>() else {
                return Ok(());
            };
            let mut i = inputs("hi");
            i.sampling = Sampling { temperature, n, logit_bias, ..Default::default() };
            i.layers.params = params;
            i.layers.body_flag = body;
            if let Ok(body) = build(i) {
                proptest::prop_assert!(body.is_object());
            }
        }
    }

    #[test]
    fn nothing_to_send_is_a_usage_error() {
        let mut i = inputs("x");
        i.user_text = None;
        assert_eq!(build(i).unwrap_err().kind.exit_code(), 2);
    }
}
