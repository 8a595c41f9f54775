//! Body fields from `-o KEY=VALUE`, `--body` and profile `body`, and the deep
//! merge that layers them in SPEC's precedence.

use serde_json::{Map, Value};

use crate::error::Failure;

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
    use serde_json::json;

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
