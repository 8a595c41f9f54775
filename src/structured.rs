//! Structured output: the `response_format` that `--json-object` and
//! `--schema` send, and the check of the final answer against it. The
//! check is a consumer of the finished exchange: the content stays on
//! stdout, each violation goes to stderr with its JSON path, and the
//! command exits 8 with the kind `invalid_output`.

use std::path::Path;

use serde_json::{Value, json};

use crate::error::{Failure, Kind};

/// What the answer must be.
pub enum Expect {
    /// `--json-object`: a JSON object.
    Object,
    /// `--schema`: a value the schema accepts.
    Schema {
        validator: Box<jsonschema::Validator>,
    },
}

/// The `response_format` to send and the check to make.
pub struct Format {
    pub response_format: Value,
    pub expect: Expect,
}

impl std::fmt::Debug for Format {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Format")
            .field("response_format", &self.response_format)
            .finish_non_exhaustive()
    }
}

/// `--json-object`.
pub fn json_object() -> Format {
    Format {
        response_format: json!({"type": "json_object"}),
        expect: Expect::Object,
    }
}

/// `--schema PATH|JSON` with `--schema-name`: an inline or bare schema is
/// named (`response` by default) and sent with `strict: true`; a value
/// already shaped `{name, schema, strict}` is sent as is.
pub fn schema(arg: &str, name: Option<&str>) -> Result<Format, Failure> {
    let trimmed = arg.trim_start();
    let (value, from): (Value, String) = if trimmed.starts_with('{') {
        let v = serde_json::from_str(arg)
            .map_err(|e| Failure::usage(format!("--schema (inline JSON): not valid JSON: {e}")))?;
        (v, "--schema (inline JSON)".to_string())
    } else {
        let text = std::fs::read_to_string(Path::new(arg))
            .map_err(|e| Failure::usage(format!("--schema {arg}: cannot read the file: {e}")))?;
        let v = serde_json::from_str(&text)
            .map_err(|e| Failure::usage(format!("--schema {arg}: not valid JSON: {e}")))?;
        (v, format!("--schema {arg}"))
    };
    schema_value(value, name, &from)
}

/// A schema (or a `{name, schema, strict}` object) already read; `from`
/// names where it came from in messages.
pub fn schema_value(value: Value, name: Option<&str>, from: &str) -> Result<Format, Failure> {
    let Value::Object(obj) = &value else {
        return Err(Failure::usage(format!(
            "{from}: a JSON Schema must be a JSON object"
        )));
    };
    let shaped = obj.contains_key("schema") && obj.get("name").is_some_and(Value::is_string);
    let (json_schema, schema) = if shaped {
        let schema = obj.get("schema").cloned().unwrap_or(Value::Null);
        (value.clone(), schema)
    } else {
        (
            json!({"name": name.unwrap_or("response"), "schema": value, "strict": true}),
            value.clone(),
        )
    };
    if let Some(remote) = remote_ref(&schema) {
        return Err(Failure::usage(format!(
            "{from}: the schema refers to {remote}; yap never fetches a schema: \
             inline it, or use a \"#/...\" reference inside the schema"
        )));
    }
    let validator = jsonschema::validator_for(&schema).map_err(|e| {
        Failure::usage(format!(
            "{from}: not a valid JSON Schema: {}",
            crate::error::fold_whitespace(&e.to_string())
        ))
    })?;
    Ok(Format {
        response_format: json!({"type": "json_schema", "json_schema": json_schema}),
        expect: Expect::Schema {
            validator: Box::new(validator),
        },
    })
}

/// The first `$ref` that leaves the schema (anything but `#…`).
fn remote_ref(schema: &Value) -> Option<String> {
    match schema {
        Value::Object(obj) => {
            if let Some(Value::String(r)) = obj.get("$ref")
                && !r.starts_with('#')
            {
                return Some(r.clone());
            }
            obj.values().find_map(remote_ref)
        }
        Value::Array(items) => items.iter().find_map(remote_ref),
        _ => None,
    }
}

/// Check the content of every choice of the final document. Returns the
/// violations, each `choice N: PATH: message` (PATH a JSON pointer, `/`
/// for the whole answer); an answer with only tool calls is not checked.
pub fn violations(expect: &Expect, document: &Value) -> Vec<String> {
    let mut out = Vec::new();
    let choices = document
        .get("choices")
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or_default();
    for (pos, choice) in choices.iter().enumerate() {
        let index = choice
            .get("index")
            .and_then(Value::as_u64)
            .unwrap_or(pos as u64);
        let message = choice.get("message");
        let content = message.and_then(|m| m.get("content"));
        let has_calls = message
            .and_then(|m| m.get("tool_calls"))
            .and_then(Value::as_array)
            .is_some_and(|c| !c.is_empty());
        let text = match content {
            Some(Value::String(t)) if !(t.is_empty() && has_calls) => t,
            None | Some(Value::Null) if has_calls => continue,
            Some(Value::String(_)) => continue,
            _ => {
                out.push(format!("choice {index}: /: the answer has no text content"));
                continue;
            }
        };
        let value: Value = match serde_json::from_str(text) {
            Ok(v) => v,
            Err(e) => {
                out.push(format!(
                    "choice {index}: /: the answer is not valid JSON ({e})"
                ));
                continue;
            }
        };
        match expect {
            Expect::Object => {
                if !value.is_object() {
                    out.push(format!(
                        "choice {index}: /: the answer is JSON but not an object"
                    ));
                }
            }
            Expect::Schema { validator } => {
                for error in validator.iter_errors(&value) {
                    let path = error.instance_path().to_string();
                    let path = if path.is_empty() {
                        "/".to_string()
                    } else {
                        path
                    };
                    out.push(format!(
                        "choice {index}: {path}: {}",
                        crate::error::fold_whitespace(&error.to_string())
                    ));
                }
            }
        }
    }
    out
}

/// The failure of an answer with violations.
pub fn invalid(violations: &[String], expect: &Expect) -> Failure {
    let what = match expect {
        Expect::Object => "a JSON object (--json-object)",
        Expect::Schema { .. } => "valid against --schema",
    };
    Failure::new(
        Kind::InvalidOutput,
        format!(
            "the answer is not {what}: {} violation{} (listed above); the answer was printed as it came",
            violations.len(),
            if violations.len() == 1 { "" } else { "s" }
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(content: &str) -> Value {
        json!({"choices": [{"index": 0, "message": {"role": "assistant", "content": content}}]})
    }

    #[test]
    fn inline_schemas_are_named_and_strict_and_shaped_ones_sent_as_is() {
        let f = schema(r#"{"type":"object"}"#, None).unwrap();
        assert_eq!(
            f.response_format,
            json!({"type":"json_schema","json_schema":{"name":"response","schema":{"type":"object"},"strict":true}})
        );
        let f = schema(r#"{"type":"object"}"#, Some("ticket")).unwrap();
        assert_eq!(f.response_format["json_schema"]["name"], json!("ticket"));
        let shaped = r#"{"name":"t","schema":{"type":"object"},"strict":false}"#;
        let f = schema(shaped, None).unwrap();
        assert_eq!(
            f.response_format["json_schema"],
            serde_json::from_str::<Value>(shaped).unwrap()
        );
    }

    #[test]
    fn remote_refs_and_bad_schemas_are_usage_errors() {
        let e = schema(r#"{"properties":{"a":{"$ref":"https://x/s.json"}}}"#, None).unwrap_err();
        assert_eq!(e.kind, Kind::Usage);
        assert!(e.message.contains("https://x/s.json"), "{}", e.message);
        assert!(
            schema(
                r##"{"$defs":{"a":{"type":"string"}},"$ref":"#/$defs/a"}"##,
                None
            )
            .is_ok()
        );
        assert_eq!(schema(r#"{"type":5}"#, None).unwrap_err().kind, Kind::Usage);
        assert_eq!(schema("[1]", None).unwrap_err().kind, Kind::Usage);
    }

    #[test]
    fn violations_name_their_paths() {
        let f = schema(
            r#"{"type":"object","properties":{"age":{"type":"integer"}},"required":["name"]}"#,
            None,
        )
        .unwrap();
        let v = violations(&f.expect, &doc(r#"{"age":"x"}"#));
        assert_eq!(v.len(), 2, "{v:?}");
        assert!(v.iter().any(|l| l.starts_with("choice 0: /age: ")), "{v:?}");
        assert!(v.iter().any(|l| l.starts_with("choice 0: /: ")), "{v:?}");
        assert!(violations(&f.expect, &doc(r#"{"name":"a","age":3}"#)).is_empty());
        let o = json_object();
        assert_eq!(violations(&o.expect, &doc("[1]")).len(), 1);
        assert_eq!(violations(&o.expect, &doc("not json")).len(), 1);
        let calls =
            json!({"choices":[{"index":0,"message":{"content":null,"tool_calls":[{"id":"c"}]}}]});
        assert!(violations(&o.expect, &calls).is_empty());
    }
}
