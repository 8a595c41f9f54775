//! The JSON payloads: a streamed `chat.completion.chunk`, or a whole
//! non-streamed `chat.completion` read through the same types (`message`
//! is an alias of `delta`). Tolerant by design: unknown fields are
//! ignored, a missing or `null` field means "no change", and strings are
//! borrowed from the payload when they need no unescaping.

use std::borrow::Cow;

use serde::Deserialize;
use serde_json::Value;
use serde_json::value::RawValue;

#[derive(Debug, Default, Deserialize)]
pub struct Chunk<'a> {
    #[serde(borrow, default, deserialize_with = "opt_cow")]
    pub id: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    pub created: Option<Raw<'a>>,
    #[serde(borrow, default, deserialize_with = "opt_cow")]
    pub model: Option<Cow<'a, str>>,
    #[serde(borrow, default, deserialize_with = "opt_cow")]
    pub system_fingerprint: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    pub choices: Option<Vec<ChoiceChunk<'a>>>,
    // Rare or bulky members are kept as raw JSON slices and parsed only
    // when used: most chunks carry none of them.
    #[serde(borrow, default)]
    pub usage: Option<Raw<'a>>,
    #[serde(borrow, default)]
    pub x_groq: Option<XGroq<'a>>,
    #[serde(borrow, default)]
    pub error: Option<Raw<'a>>,
}

#[derive(Debug, Default, Deserialize)]
pub struct XGroq<'a> {
    #[serde(borrow, default)]
    pub usage: Option<Raw<'a>>,
}

#[derive(Debug, Default, Deserialize)]
pub struct ChoiceChunk<'a> {
    #[serde(default)]
    pub index: Option<u32>,
    #[serde(borrow, default, alias = "message")]
    pub delta: Option<Delta<'a>>,
    /// `/completions` puts the text here.
    #[serde(borrow, default, deserialize_with = "opt_cow")]
    pub text: Option<Cow<'a, str>>,
    #[serde(borrow, default, deserialize_with = "opt_cow")]
    pub finish_reason: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    pub logprobs: Option<Raw<'a>>,
}

#[derive(Debug, Default, Deserialize)]
pub struct Delta<'a> {
    #[serde(borrow, default, deserialize_with = "opt_cow")]
    pub role: Option<Cow<'a, str>>,
    #[serde(borrow, default, deserialize_with = "opt_cow")]
    pub content: Option<Cow<'a, str>>,
    #[serde(borrow, default, deserialize_with = "opt_cow")]
    pub reasoning_content: Option<Cow<'a, str>>,
    #[serde(borrow, default, deserialize_with = "opt_cow")]
    pub reasoning: Option<Cow<'a, str>>,
    #[serde(borrow, default, deserialize_with = "opt_cow")]
    pub refusal: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    pub tool_calls: Option<Vec<ToolCallDelta<'a>>>,
}

impl Delta<'_> {
    /// The reasoning text of this delta, once: `reasoning_content` when it
    /// has text, else `reasoning` (vLLM sends the same text in both).
    pub fn reasoning_text(&self) -> Option<&str> {
        let rc = self.reasoning_content.as_deref().filter(|s| !s.is_empty());
        rc.or_else(|| self.reasoning.as_deref().filter(|s| !s.is_empty()))
    }

    pub fn content_text(&self) -> Option<&str> {
        self.content.as_deref().filter(|s| !s.is_empty())
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct ToolCallDelta<'a> {
    #[serde(default)]
    pub index: Option<u32>,
    #[serde(borrow, default, deserialize_with = "opt_cow")]
    pub id: Option<Cow<'a, str>>,
    #[serde(borrow, default, rename = "type", deserialize_with = "opt_cow")]
    pub kind: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    pub function: Option<FunctionDelta<'a>>,
}

#[derive(Debug, Default, Deserialize)]
pub struct FunctionDelta<'a> {
    #[serde(borrow, default, deserialize_with = "opt_cow")]
    pub name: Option<Cow<'a, str>>,
    /// A string fragment; a non-streamed answer from some servers carries
    /// an object here, kept as its JSON text.
    #[serde(default, deserialize_with = "args_text")]
    pub arguments: Option<String>,
}

/// `Option<Cow<str>>` that borrows from the payload when the string has
/// no escapes (serde's `borrow` alone does not reach through `Option`).
/// A direct visitor: this runs for every string of every chunk.
fn opt_cow<'de: 'a, 'a, D: serde::Deserializer<'de>>(
    d: D,
) -> Result<Option<Cow<'a, str>>, D::Error> {
    use serde::de::{Error, Visitor};
    use std::fmt;

    struct Str;
    impl<'de> Visitor<'de> for Str {
        type Value = Option<Cow<'de, str>>;
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("a string or null")
        }
        fn visit_borrowed_str<E: Error>(self, v: &'de str) -> Result<Self::Value, E> {
            Ok(Some(Cow::Borrowed(v)))
        }
        fn visit_str<E: Error>(self, v: &str) -> Result<Self::Value, E> {
            Ok(Some(Cow::Owned(v.to_owned())))
        }
        fn visit_string<E: Error>(self, v: String) -> Result<Self::Value, E> {
            Ok(Some(Cow::Owned(v)))
        }
        fn visit_none<E: Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_unit<E: Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_some<D2: serde::Deserializer<'de>>(self, d: D2) -> Result<Self::Value, D2::Error> {
            d.deserialize_str(Str)
        }
    }
    d.deserialize_option(Str)
}

fn args_text<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    Ok(match Option::<Value>::deserialize(d)? {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) => Some(s),
        Some(other) => Some(other.to_string()),
    })
}

impl<'a> Chunk<'a> {
    /// The usage this chunk reports: top-level, else Groq's `x_groq.usage`.
    pub fn usage(&self) -> Option<Value> {
        let parse = |raw: Option<Raw<'_>>| parse_raw(raw).filter(Value::is_object);
        parse(self.usage).or_else(|| parse(self.x_groq.as_ref()?.usage))
    }

    /// The `error` member, when it is there and not `null`.
    pub fn error(&self) -> Option<Value> {
        parse_raw(self.error).filter(|e| !e.is_null())
    }
}

/// Parse a raw member (always valid JSON: the parser checked it).
pub fn parse_raw(raw: Option<Raw<'_>>) -> Option<Value> {
    raw.and_then(|r| serde_json::from_str(r.0).ok())
}

/// A member kept as its JSON text, borrowed from the payload.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Raw<'a>(pub &'a str);

impl<'de: 'a, 'a> Deserialize<'de> for Raw<'a> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        <&'de RawValue>::deserialize(d).map(|r| Raw(r.get()))
    }
}

/// A payload that is an error object itself rather than a chunk with an
/// `error` member (vLLM's `{"object": "error", "message": …}`).
pub fn error_object(value: &Value) -> Option<Value> {
    let obj = value.as_object()?;
    (obj.get("object").and_then(Value::as_str) == Some("error") && obj.contains_key("message"))
        .then(|| value.clone())
}

/// The message of an `error` member (an object or a string) or an
/// `event: error` payload.
pub fn error_message(error: &Value) -> String {
    match error {
        Value::String(s) => s.clone(),
        Value::Object(o) => match o.get("message") {
            Some(Value::String(m)) => m.clone(),
            _ => match o.get("error") {
                Some(inner) if !inner.is_null() => error_message(inner),
                _ => error.to_string(),
            },
        },
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nulls_are_absent_and_strings_borrow() {
        let data = r#"{"id":"x","choices":[{"index":0,"delta":{"role":null,"content":"Hi","reasoning_content":null,"tool_calls":null},"finish_reason":null}],"usage":null}"#;
        let c = serde_json::from_str::<Chunk>(data).unwrap();
        let d = c.choices.as_ref().unwrap()[0].delta.as_ref().unwrap();
        assert!(matches!(d.content, Some(Cow::Borrowed("Hi"))));
        assert!(d.role.is_none() && d.tool_calls.is_none());
        assert!(c.usage().is_none());
    }

    #[test]
    fn non_streamed_message_reads_as_delta() {
        let data = r#"{"choices":[{"index":0,"message":{"role":"assistant","content":"Yes","tool_calls":[{"id":"c","type":"function","function":{"name":"f","arguments":"{}"}}]},"finish_reason":"stop"}]}"#;
        let c = serde_json::from_str::<Chunk>(data).unwrap();
        let d = c.choices.as_ref().unwrap()[0].delta.as_ref().unwrap();
        assert_eq!(d.content.as_deref(), Some("Yes"));
        assert_eq!(d.tool_calls.as_ref().unwrap()[0].index, None);
    }

    #[test]
    fn reasoning_is_taken_once() {
        let c = serde_json::from_str::<Chunk>(
            r#"{"choices":[{"delta":{"reasoning":"r","reasoning_content":"r"}}]}"#,
        )
        .unwrap();
        let d = c.choices.as_ref().unwrap()[0].delta.as_ref().unwrap();
        assert_eq!(d.reasoning_text(), Some("r"));
    }

    #[test]
    fn error_messages() {
        assert_eq!(
            error_message(&serde_json::json!({"message": "m", "code": 1})),
            "m"
        );
        assert_eq!(error_message(&serde_json::json!("s")), "s");
        assert_eq!(
            error_message(&serde_json::json!({"error": {"message": "n"}})),
            "n"
        );
    }
}
