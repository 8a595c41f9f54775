//! Body fields from `-o KEY=VALUE`, `--body` and profile `body`, and the deep
//! merge that layers them in SPEC's precedence. Plain data in, JSON out:
//! `cmd/` converts the flags.

use serde_json::{Map, Value, json};

use crate::error::Failure;

/// The layers of a body besides its named fields, lowest first (SPEC:
/// profile `body`, a template's `body`, `--body`, named fields, `-o`), and
/// the streaming fields yap adds.
#[derive(Clone, Debug, Default)]
pub struct Layers {
    pub profile_body: Option<Value>,
    /// A template's `body`: above the profile's, below `--body`.
    pub template_body: Option<Value>,
    pub body_flag: Option<Value>,
    /// `-o KEY=VALUE` strings, applied last.
    pub params: Vec<String>,
    pub stream: bool,
    pub stream_usage: bool,
}

/// Merge the layers and the named fields (`model`, the prompt or
/// messages, the flags) into one body object.
pub fn layer(layers: Layers, named: Map<String, Value>) -> Result<Map<String, Value>, Failure> {
    let mut body = Value::Object(Map::new());
    if let Some(profile) = layers.profile_body {
        deep_merge(&mut body, profile);
    }
    if let Some(template) = layers.template_body {
        deep_merge(&mut body, template);
    }
    if let Some(flag) = layers.body_flag {
        deep_merge(&mut body, flag);
    }
    let mut named = named;
    named.insert("stream".into(), Value::Bool(layers.stream));
    let added_usage = layers.stream && layers.stream_usage;
    if added_usage {
        named.insert("stream_options".into(), json!({"include_usage": true}));
    }
    deep_merge(&mut body, Value::Object(named));
    let mut map = match body {
        Value::Object(map) => map,
        _ => Map::new(),
    };
    for raw in &layers.params {
        let (path, value) = parse_param(raw)?;
        set_path(&mut map, &path, value);
    }
    // A server rejects stream_options on a non-streamed request: drop what
    // yap added when `-o stream=false` (or --body) turned streaming off.
    if added_usage
        && map.get("stream") != Some(&Value::Bool(true))
        && let Some(Value::Object(opts)) = map.get_mut("stream_options")
    {
        opts.remove("include_usage");
        if opts.is_empty() {
            map.remove("stream_options");
        }
    }
    Ok(map)
}

/// The sampling fields both endpoints have, as plain values.
#[derive(Clone, Debug, Default)]
pub struct Sampling {
    pub temperature: Option<f64>,
    pub top_p: Option<f64>,
    pub max_tokens: Option<u64>,
    pub stop: Vec<String>,
    pub n: Option<u32>,
    pub presence_penalty: Option<f64>,
    pub frequency_penalty: Option<f64>,
    /// `logit_bias` entries, checked by [`parse_logit_bias`].
    pub logit_bias: Vec<(String, f64)>,
    pub seed: Option<i64>,
}

/// The sampling fields with their JSON types.
pub fn sampling_fields(s: &Sampling) -> Map<String, Value> {
    let mut m = Map::new();
    let mut num = |key: &str, v: Option<f64>| {
        if let Some(v) = v {
            m.insert(key.into(), json!(v));
        }
    };
    num("temperature", s.temperature);
    num("top_p", s.top_p);
    num("presence_penalty", s.presence_penalty);
    num("frequency_penalty", s.frequency_penalty);
    if let Some(n) = s.max_tokens {
        m.insert("max_tokens".into(), json!(n));
    }
    if !s.stop.is_empty() {
        m.insert("stop".into(), json!(s.stop));
    }
    if let Some(n) = s.n {
        m.insert("n".into(), json!(n));
    }
    if let Some(seed) = s.seed {
        m.insert("seed".into(), json!(seed));
    }
    if !s.logit_bias.is_empty() {
        let mut bias = Map::new();
        for (token, value) in &s.logit_bias {
            let number = if value.fract() == 0.0 {
                json!(*value as i64)
            } else {
                json!(value)
            };
            bias.insert(token.clone(), number);
        }
        m.insert("logit_bias".into(), Value::Object(bias));
    }
    m
}

/// One `--logit-bias TOKEN=BIAS`, BIAS a number from -100 to 100.
pub fn parse_logit_bias(raw: &str) -> Result<(String, f64), Failure> {
    let (token, value) = raw
        .split_once('=')
        .ok_or_else(|| Failure::usage(format!("--logit-bias '{raw}': expected TOKEN=BIAS")))?;
    let value: f64 = value.trim().parse().map_err(|_| {
        Failure::usage(format!(
            "--logit-bias '{raw}': BIAS must be a number (-100 to 100)"
        ))
    })?;
    if !(-100.0..=100.0).contains(&value) {
        return Err(Failure::usage(format!(
            "--logit-bias '{raw}': BIAS must be between -100 and 100"
        )));
    }
    Ok((token.trim().to_string(), value))
}

/// Parse `KEY=VALUE`: VALUE is JSON if it parses, else a string.
pub fn parse_param(raw: &str) -> Result<(Vec<String>, Value), Failure> {
    let (key, value) = raw
        .split_once('=')
        .ok_or_else(|| Failure::usage(format!("-o '{raw}': expected KEY=VALUE")))?;
    let path: Vec<String> = key.split('.').map(str::to_string).collect();
    if path.iter().any(String::is_empty) {
        return Err(Failure::usage(format!(
            "-o '{raw}': the key has an empty part; write a.b=value"
        )));
    }
    let value = serde_json::from_str(value).unwrap_or_else(|_| Value::String(value.to_string()));
    Ok((path, value))
}

/// Set `value` at a dotted path, creating (or replacing non-object) parents.
pub fn set_path(target: &mut Map<String, Value>, path: &[String], value: Value) {
    let Some((last, parents)) = path.split_last() else {
        return;
    };
    let mut obj = target;
    for key in parents {
        let slot = obj
            .entry(key.clone())
            .or_insert_with(|| Value::Object(Map::new()));
        if !slot.is_object() {
            *slot = Value::Object(Map::new());
        }
        let Value::Object(next) = slot else { return };
        obj = next;
    }
    obj.insert(last.clone(), value);
}

/// Merge `over` into `base`: objects recursively, anything else replaced.
pub fn deep_merge(base: &mut Value, over: Value) {
    match (base, over) {
        (Value::Object(b), Value::Object(o)) => {
            for (k, v) in o {
                match b.get_mut(&k) {
                    Some(existing) => deep_merge(existing, v),
                    None => {
                        b.insert(k, v);
                    }
                }
            }
        }
        (slot, over) => *slot = over,
    }
}

/// Parse a `--body` value (already read from a file or stdin when needed).
pub fn parse_body_object(text: &str, from: &str) -> Result<Value, Failure> {
    let value: Value = serde_json::from_str(text)
        .map_err(|e| Failure::usage(format!("--body {from}: not valid JSON: {e}")))?;
    if !value.is_object() {
        return Err(Failure::usage(format!(
            "--body {from}: expected a JSON object"
        )));
    }
    Ok(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_json_when_they_parse() {
        assert_eq!(parse_param("a=1").unwrap().1, json!(1));
        assert_eq!(parse_param("a=true").unwrap().1, json!(true));
        assert_eq!(parse_param("a=[\"cli\"]").unwrap().1, json!(["cli"]));
        assert_eq!(parse_param("a=hello").unwrap().1, json!("hello"));
        assert_eq!(parse_param("a=").unwrap().1, json!(""));
        assert_eq!(parse_param("a=x=y").unwrap().1, json!("x=y"));
        assert!(parse_param("novalue").is_err());
        assert!(parse_param("a..b=1").is_err());
    }

    #[test]
    fn dotted_keys_nest() {
        let mut m = Map::new();
        let (p, v) = parse_param("labels.team=infra").unwrap();
        set_path(&mut m, &p, v);
        let (p, v) = parse_param("labels.env=prod").unwrap();
        set_path(&mut m, &p, v);
        assert_eq!(
            Value::Object(m),
            json!({"labels": {"team": "infra", "env": "prod"}})
        );
    }

    #[test]
    fn deep_merge_merges_objects_and_replaces_the_rest() {
        let mut base = json!({"a": {"x": 1, "y": 2}, "b": [1], "c": 1});
        deep_merge(&mut base, json!({"a": {"y": 3, "z": 4}, "b": [2]}));
        assert_eq!(
            base,
            json!({"a": {"x": 1, "y": 3, "z": 4}, "b": [2], "c": 1})
        );
    }
}
