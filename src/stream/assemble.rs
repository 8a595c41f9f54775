//! One assembler from events to the response document. Every response,
//! streamed or not, goes through it: it decides the outcome (complete, cut,
//! error mid-stream, content filter), and in `--json` mode it builds the
//! non-streamed `chat.completion` shape from the chunks. In text mode it
//! keeps only what is printed at the end (choices other than 0, tool calls,
//! refusals), so memory stays flat however long the stream.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::fmt;

use serde::de::{self, Deserialize, Deserializer, MapAccess, Visitor};
use serde_json::value::RawValue;
use serde_json::{Map, Value, json};

use super::chunk::{Chunk, error_message, parse_raw};
use crate::error::{Failure, Kind};

#[derive(Debug, Default, Clone)]
pub struct ToolCall {
    pub id: String,
    pub kind: String,
    pub name: String,
    pub arguments: String,
}

#[derive(Debug, Default, Clone)]
pub struct ChoiceState {
    pub role: Option<String>,
    /// Kept unless this is choice 0 in text mode (printed as it arrives).
    pub content: String,
    pub saw_content: bool,
    /// Reasoning text under each name a server uses (kept with `keep_all`).
    pub reasoning_content: String,
    pub reasoning: String,
    pub refusal: Option<String>,
    pub tool_calls: BTreeMap<u32, ToolCall>,
    /// The logprobs objects of the chunks, merged (arrays concatenated).
    pub logprobs: Option<Value>,
    pub finish_reason: Option<String>,
    /// Members of the choice and of its delta yap does not know, each with
    /// the last value sent (kept with `keep_all`).
    pub extra: Map<String, Value>,
    pub message_extra: Map<String, Value>,
}

/// Which document a response is assembled into.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Shape {
    /// `chat.completion`: `choices[].message`.
    #[default]
    Chat,
    /// `text_completion`: `choices[].text`.
    Completion,
}

#[derive(Debug, Default)]
pub struct Assembler {
    keep_all: bool,
    /// Keep choice 0's content even without `keep_all` (the history).
    keep_text: bool,
    shape: Shape,
    id: Option<String>,
    created: Option<Value>,
    model: Option<String>,
    fingerprint: Option<String>,
    pub choices: BTreeMap<u32, ChoiceState>,
    pub usage: Option<Value>,
    pub error: Option<Value>,
    pub done_seen: bool,
    /// A non-streamed answer, kept as the server sent it.
    document: Option<Value>,
    /// Top-level members yap does not know, each with the last value sent.
    extra: Map<String, Value>,
}

/// The members each level of a chunk has that the assembler reads itself.
pub(crate) const KNOWN_TOP: [&str; 8] = [
    "id",
    "object",
    "created",
    "model",
    "system_fingerprint",
    "choices",
    "usage",
    "error",
];
pub(crate) const KNOWN_CHOICE: [&str; 6] = [
    "index",
    "delta",
    "message",
    "text",
    "finish_reason",
    "logprobs",
];
pub(crate) const KNOWN_DELTA: [&str; 6] = [
    "role",
    "content",
    "reasoning_content",
    "reasoning",
    "refusal",
    "tool_calls",
];

impl Assembler {
    /// `keep_all`: keep every text (for `--json`); otherwise choice 0's
    /// content and all reasoning are left to the sinks that print them.
    pub fn new(keep_all: bool) -> Assembler {
        Assembler {
            keep_all,
            ..Default::default()
        }
    }

    /// Keep choice 0's content too (for a consumer of the document, the
    /// history), without the cost of `keep_all`.
    pub fn keeping_text(mut self, keep: bool) -> Assembler {
        self.keep_text = keep;
        self
    }

    /// Assemble into this document shape (chat by default).
    pub fn with_shape(mut self, shape: Shape) -> Assembler {
        self.shape = shape;
        self
    }

    pub fn on_chunk(&mut self, chunk: &Chunk<'_>) {
        set_once(&mut self.id, chunk.id.as_deref());
        set_once(&mut self.model, chunk.model.as_deref());
        set_once(&mut self.fingerprint, chunk.system_fingerprint.as_deref());
        if self.created.is_none() {
            self.created = parse_raw(chunk.created).filter(|c| c.as_i64().unwrap_or(0) != 0);
        }
        if let Some(usage) = chunk.usage() {
            self.usage = Some(usage);
        }
        for (pos, c) in chunk.choices.iter().flatten().enumerate() {
            let index = c.index.unwrap_or(pos as u32);
            let keep_content = self.keep_all || self.keep_text || index != 0;
            let state = self.choices.entry(index).or_default();
            if let Some(reason) = c.finish_reason.as_deref().filter(|r| !r.is_empty()) {
                state.finish_reason = Some(reason.to_string());
            }
            if self.keep_all
                && let Some(lp) = parse_raw(c.logprobs)
            {
                merge_logprobs(&mut state.logprobs, lp);
            }
            if let Some(text) = c.text.as_deref().filter(|t| !t.is_empty()) {
                state.saw_content = true;
                if keep_content {
                    state.content.push_str(text);
                }
            }
            let Some(delta) = &c.delta else { continue };
            if let Some(role) = delta.role.as_deref().filter(|r| !r.is_empty()) {
                state.role.get_or_insert_with(|| role.to_string());
            }
            if let Some(text) = delta.content_text() {
                state.saw_content = true;
                if keep_content {
                    state.content.push_str(text);
                }
            }
            if self.keep_all {
                if let Some(text) = delta.reasoning_content.as_deref() {
                    state.reasoning_content.push_str(text);
                }
                if let Some(text) = delta.reasoning.as_deref() {
                    state.reasoning.push_str(text);
                }
            }
            if let Some(text) = delta.refusal.as_deref().filter(|t| !t.is_empty()) {
                state.refusal.get_or_insert_with(String::new).push_str(text);
            }
            for (tpos, tc) in delta.tool_calls.iter().flatten().enumerate() {
                let key = tc.index.unwrap_or(tpos as u32);
                let call = state.tool_calls.entry(key).or_default();
                set_empty(&mut call.id, tc.id.as_deref());
                set_empty(&mut call.kind, tc.kind.as_deref());
                if let Some(f) = &tc.function {
                    set_empty(&mut call.name, f.name.as_deref());
                    if let Some(args) = &f.arguments {
                        call.arguments.push_str(args);
                    }
                }
            }
        }
        if let Some(err) = chunk.error() {
            self.error = Some(err);
        }
    }

    /// The members of a payload the chunk types do not read, kept where
    /// they came (`--json` only: without `keep_all` this does nothing).
    pub fn on_payload(&mut self, data: &str) {
        if !self.keep_all {
            return;
        }
        // Each member borrowed as raw JSON (checked, not built): only those
        // yap does not know become values. Building every chunk as a
        // `Value` took most of the time of a `--json` stream.
        let Some(top) = members(data) else {
            return;
        };
        for (n, (key, raw)) in top.iter().enumerate() {
            if key == "choices" {
                let Ok(choices) = serde_json::from_str::<Vec<&RawValue>>(raw.get()) else {
                    continue;
                };
                if is_repeated(&top, n) {
                    continue;
                }
                for (pos, choice) in choices.into_iter().enumerate() {
                    self.choice_extras(pos, choice.get());
                }
            } else if !KNOWN_TOP.contains(&key.as_ref()) {
                self.extra.insert(key.to_string(), value_of(raw));
            }
        }
    }

    fn choice_extras(&mut self, pos: usize, choice: &str) {
        let Some(choice) = members(choice) else {
            return;
        };
        let index = choice
            .iter()
            .rev()
            .find(|(k, _)| k == "index")
            .and_then(|(_, raw)| serde_json::from_str::<u64>(raw.get()).ok())
            .and_then(|i| u32::try_from(i).ok())
            .or_else(|| u32::try_from(pos).ok());
        let Some(state) = index.and_then(|i| self.choices.get_mut(&i)) else {
            return;
        };
        for (n, (key, raw)) in choice.iter().enumerate() {
            if key == "delta" || key == "message" {
                if is_repeated(&choice, n) {
                    continue;
                }
                for (k, v) in members(raw.get()).unwrap_or_default() {
                    if !KNOWN_DELTA.contains(&k.as_ref()) {
                        state.message_extra.insert(k.into_owned(), value_of(v));
                    }
                }
            } else if !KNOWN_CHOICE.contains(&key.as_ref()) {
                state.extra.insert(key.to_string(), value_of(raw));
            }
        }
    }

    /// An `event: error` payload, or an `error` member seen mid-stream.
    pub fn on_error(&mut self, error: Value) {
        self.error = Some(error);
    }

    /// A non-streamed answer: printed as sent by `--json`.
    pub fn set_document(&mut self, doc: Value) {
        self.document = Some(doc);
        self.done_seen = true;
    }

    /// The `chat.completion` document (the server's own when not streamed).
    pub fn to_document(&self) -> Value {
        if let Some(doc) = &self.document {
            return doc.clone();
        }
        let mut doc = Map::new();
        doc.insert("id".into(), json!(self.id.clone().unwrap_or_default()));
        let object = match self.shape {
            Shape::Chat => "chat.completion",
            Shape::Completion => "text_completion",
        };
        doc.insert("object".into(), json!(object));
        doc.insert("created".into(), self.created.clone().unwrap_or(json!(0)));
        doc.insert(
            "model".into(),
            json!(self.model.clone().unwrap_or_default()),
        );
        if let Some(fp) = &self.fingerprint {
            doc.insert("system_fingerprint".into(), json!(fp));
        }
        let choices: Vec<Value> = self
            .choices
            .iter()
            .map(|(index, c)| match self.shape {
                Shape::Chat => choice_document(*index, c),
                Shape::Completion => with_extra(
                    json!({
                        "index": index,
                        "text": c.content,
                        "logprobs": c.logprobs,
                        "finish_reason": c.finish_reason,
                    }),
                    &c.extra,
                ),
            })
            .collect();
        doc.insert("choices".into(), Value::Array(choices));
        doc.insert("usage".into(), self.usage.clone().unwrap_or(Value::Null));
        for (key, value) in &self.extra {
            doc.entry(key.clone()).or_insert_with(|| value.clone());
        }
        Value::Object(doc)
    }

    /// The verdict SPEC's exit-code table gives this response.
    pub fn check(&self) -> Result<(), Failure> {
        if let Some(err) = &self.error {
            let when = if self.document.is_some() {
                ""
            } else {
                " mid-stream"
            };
            return Err(Failure {
                kind: Kind::Incomplete,
                status: None,
                message: format!(
                    "the server reported an error{when}: {}",
                    crate::error::fold_whitespace(&error_message(err))
                ),
                extra: machine_fields(err),
            });
        }
        if self.choices.is_empty() {
            return Err(Failure::new(
                Kind::Incomplete,
                if self.done_seen {
                    "the response holds no answer (no choices)"
                } else {
                    "the stream ended before any answer arrived"
                },
            ));
        }
        if !self.done_seen && self.choices.values().any(|c| c.finish_reason.is_none()) {
            return Err(Failure::new(
                Kind::Incomplete,
                "the stream ended before the answer was complete (no finish_reason, no [DONE]); \
                 what arrived was printed",
            ));
        }
        if self
            .choices
            .values()
            .any(|c| c.finish_reason.as_deref() == Some("content_filter"))
        {
            return Err(Failure::new(
                Kind::ContentFilter,
                "the answer was stopped by a content filter (finish_reason content_filter)",
            ));
        }
        Ok(())
    }

    /// Warnings for stderr: answers cut by the token limit, refusals.
    pub fn warnings(&self) -> Vec<String> {
        let many = self.choices.len() > 1;
        let mut out = Vec::new();
        for (i, c) in &self.choices {
            let which = if many {
                format!(" (choice {i})")
            } else {
                String::new()
            };
            if c.finish_reason.as_deref() == Some("length") {
                out.push(format!(
                    "the answer{which} was cut at the token limit (finish_reason length); raise --max-tokens"
                ));
            }
            if let Some(r) = &c.refusal {
                out.push(format!("the model refused{which}: {r}"));
            }
        }
        out
    }
}

fn choice_document(index: u32, c: &ChoiceState) -> Value {
    let mut msg = Map::new();
    msg.insert(
        "role".into(),
        json!(c.role.clone().unwrap_or_else(|| "assistant".into())),
    );
    let content = if c.content.is_empty() && (c.refusal.is_some() || !c.tool_calls.is_empty()) {
        Value::Null
    } else {
        json!(c.content)
    };
    msg.insert("content".into(), content);
    if let Some(r) = &c.refusal {
        msg.insert("refusal".into(), json!(r));
    }
    if !c.reasoning_content.is_empty() {
        msg.insert("reasoning_content".into(), json!(c.reasoning_content));
    }
    if !c.reasoning.is_empty() {
        msg.insert("reasoning".into(), json!(c.reasoning));
    }
    if !c.tool_calls.is_empty() {
        let calls: Vec<Value> = c
            .tool_calls
            .values()
            .map(|t| {
                json!({
                    "id": t.id,
                    "type": if t.kind.is_empty() { "function" } else { &t.kind },
                    "function": {"name": t.name, "arguments": t.arguments},
                })
            })
            .collect();
        msg.insert("tool_calls".into(), Value::Array(calls));
    }
    for (key, value) in &c.message_extra {
        msg.entry(key.clone()).or_insert_with(|| value.clone());
    }
    with_extra(
        json!({
            "index": index,
            "message": Value::Object(msg),
            "logprobs": c.logprobs,
            "finish_reason": c.finish_reason,
        }),
        &c.extra,
    )
}

/// The members of the JSON object `text`, in order, each value raw and
/// borrowed (checked as JSON, not built); `None` when `text` is not one
/// object.
fn members(text: &str) -> Option<Vec<(Cow<'_, str>, &RawValue)>> {
    struct Members;
    impl<'de> Visitor<'de> for Members {
        type Value = Vec<(Cow<'de, str>, &'de RawValue)>;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a JSON object")
        }

        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
            let mut out = Vec::new();
            while let Some(Key(key)) = map.next_key()? {
                out.push((key, map.next_value()?));
            }
            Ok(out)
        }
    }
    let mut de = serde_json::Deserializer::from_str(text);
    let out = de.deserialize_map(Members).ok()?;
    de.end().ok()?;
    Some(out)
}

/// A key, borrowed unless it held escapes.
struct Key<'de>(Cow<'de, str>);

impl<'de> Deserialize<'de> for Key<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct KeyVisitor;
        impl<'de> Visitor<'de> for KeyVisitor {
            type Value = Key<'de>;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string")
            }

            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Borrowed(v)))
            }

            fn visit_str<E: de::Error>(self, v: &str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Owned(v.to_string())))
            }
        }
        d.deserialize_str(KeyVisitor)
    }
}

/// A later member has the same key (the last one counts, as in a `Value`).
fn is_repeated(members: &[(Cow<'_, str>, &RawValue)], n: usize) -> bool {
    members
        .get(n)
        .is_some_and(|(key, _)| members[n + 1..].iter().any(|(k, _)| k == key))
}

/// A raw member as a value (it was checked: `Null` never stands in).
fn value_of(raw: &RawValue) -> Value {
    serde_json::from_str(raw.get()).unwrap_or(Value::Null)
}

/// `obj` with the members of `extra` it does not have yet.
fn with_extra(mut obj: Value, extra: &Map<String, Value>) -> Value {
    if let Value::Object(map) = &mut obj {
        for (key, value) in extra {
            map.entry(key.clone()).or_insert_with(|| value.clone());
        }
    }
    obj
}

/// Merge one chunk's logprobs object into what came before: arrays are
/// concatenated, other values replaced; `null` never erases.
fn merge_logprobs(slot: &mut Option<Value>, new: Value) {
    match (slot.as_mut(), new) {
        (_, Value::Null) => {}
        (Some(Value::Object(old)), Value::Object(new)) => {
            for (key, value) in new {
                match (old.get_mut(&key), value) {
                    (Some(Value::Array(a)), Value::Array(b)) => a.extend(b),
                    (_, Value::Null) => {}
                    (_, value) => {
                        old.insert(key, value);
                    }
                }
            }
        }
        (_, new) => *slot = Some(new),
    }
}

/// `type`, `code`, `param` of a provider error object.
pub fn machine_fields(err: &Value) -> Option<Value> {
    let obj = err.as_object()?;
    let mut out = Map::new();
    for key in ["type", "code", "param"] {
        if let Some(v) = obj.get(key).filter(|v| !v.is_null()) {
            out.insert(key.into(), v.clone());
        }
    }
    (!out.is_empty()).then_some(Value::Object(out))
}

fn set_once(slot: &mut Option<String>, value: Option<&str>) {
    if slot.is_none()
        && let Some(v) = value.filter(|v| !v.is_empty())
    {
        *slot = Some(v.to_string());
    }
}

fn set_empty(slot: &mut String, value: Option<&str>) {
    if slot.is_empty()
        && let Some(v) = value
    {
        slot.push_str(v);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn feed(asm: &mut Assembler, lines: &[&str]) {
        for l in lines {
            asm.on_chunk(&crate::stream::read::parse(l).unwrap());
        }
    }

    #[test]
    fn tool_call_fragments_merge_by_index() {
        let mut asm = Assembler::new(true);
        feed(
            &mut asm,
            &[
                r#"{"id":"c1","choices":[{"index":0,"delta":{"role":"assistant","content":null,"tool_calls":[{"index":0,"id":"call_a","type":"function","function":{"name":"w","arguments":"{\""}}]}}]}"#,
                r#"{"choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"c\":\"Le"}}]}}]}"#,
                r#"{"choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"eds\"}"}}]},"finish_reason":"tool_calls"}]}"#,
            ],
        );
        asm.done_seen = true;
        let doc = asm.to_document();
        let call = &doc["choices"][0]["message"]["tool_calls"][0];
        assert_eq!(call["function"]["arguments"], json!("{\"c\":\"Leeds\"}"));
        assert_eq!(call["id"], json!("call_a"));
        assert_eq!(doc["choices"][0]["message"]["content"], Value::Null);
        assert!(asm.check().is_ok());
    }

    #[test]
    fn choices_are_ordered_by_index_and_usage_is_the_last() {
        let mut asm = Assembler::new(true);
        feed(
            &mut asm,
            &[
                r#"{"choices":[{"index":1,"delta":{"content":"B"},"finish_reason":"stop"},{"index":0,"delta":{"content":"A"},"finish_reason":"length"}],"usage":{"total_tokens":1}}"#,
                r#"{"choices":[],"usage":{"total_tokens":2}}"#,
                r#"{"choices":[],"usage":null}"#,
            ],
        );
        let doc = asm.to_document();
        assert_eq!(doc["choices"][0]["message"]["content"], json!("A"));
        assert_eq!(doc["choices"][1]["message"]["content"], json!("B"));
        assert_eq!(doc["usage"], json!({"total_tokens": 2}));
        assert_eq!(asm.warnings().len(), 1);
    }

    #[test]
    fn cut_stream_and_content_filter() {
        let mut asm = Assembler::new(false);
        feed(
            &mut asm,
            &[r#"{"choices":[{"index":0,"delta":{"content":"A"}}]}"#],
        );
        assert_eq!(asm.check().unwrap_err().kind, Kind::Incomplete);
        feed(
            &mut asm,
            &[r#"{"choices":[{"index":0,"delta":{},"finish_reason":"content_filter"}]}"#],
        );
        assert_eq!(asm.check().unwrap_err().kind, Kind::ContentFilter);
    }

    #[test]
    fn unknown_members_are_kept_where_they_came_with_the_last_value() {
        let mut asm = Assembler::new(true);
        for line in [
            r#"{"id":"c","session_id":"s1","choices":[{"index":0,"completion_id":"a","delta":{"role":"assistant","content":"Hi","id":"m1"}}]}"#,
            r#"{"id":"c","session_id":"s2","choices":[{"index":0,"completion_id":"b","delta":{"content":"!","reasoning":"r"},"finish_reason":"stop"}]}"#,
        ] {
            asm.on_chunk(&crate::stream::read::parse(line).unwrap());
            asm.on_payload(line);
        }
        let doc = asm.to_document();
        assert_eq!(doc["session_id"], json!("s2"));
        assert_eq!(doc["choices"][0]["completion_id"], json!("b"));
        assert_eq!(doc["choices"][0]["message"]["id"], json!("m1"));
        assert_eq!(doc["choices"][0]["message"]["content"], json!("Hi!"));
        assert_eq!(doc["choices"][0]["message"]["reasoning"], json!("r"));
        assert!(
            doc["choices"][0]["message"]
                .get("reasoning_content")
                .is_none()
        );
        // Text mode keeps none of it.
        let mut text = Assembler::new(false);
        text.on_payload(r#"{"session_id":"s"}"#);
        assert!(text.to_document().get("session_id").is_none());
    }

    proptest::proptest! {
        /// When the fast reader says the assembler knows every member of a
        /// payload, `on_payload` has nothing to add: `--json` skips it.
        #[test]
        fn a_payload_said_known_adds_nothing_to_the_document(
            top in proptest::sample::subsequence(
                vec!["id", "object", "created", "model", "system_fingerprint", "usage",
                     "error", "x_groq", "other"], 0..=9),
            choice in proptest::sample::subsequence(
                vec!["index", "delta", "text", "finish_reason", "logprobs", "extra"], 0..=6),
            delta in proptest::sample::subsequence(
                vec!["role", "content", "reasoning_content", "reasoning", "refusal",
                     "tool_calls", "who"], 0..=7),
        ) {
            let value = |k: &str| match k {
                "id" | "model" | "system_fingerprint" | "content" | "text" | "reasoning"
                | "reasoning_content" => json!("x"),
                "object" => json!("chat.completion.chunk"),
                "created" | "index" => json!(0),
                "usage" => json!({"prompt_tokens": 1}),
                "x_groq" => json!({"usage": {"prompt_tokens": 1}}),
                "role" => json!("assistant"),
                "tool_calls" => json!([{"index": 0, "id": "t", "type": "function",
                                         "function": {"name": "f", "arguments": "{}"}}]),
                "error" | "finish_reason" | "logprobs" | "refusal" => Value::Null,
                _ => json!({"a": [1, "b"]}),
            };
            let object = |keys: &[&str]| {
                Value::Object(keys.iter().map(|k| (k.to_string(), value(k))).collect())
            };
            let mut c = object(&choice);
            if choice.contains(&"delta") {
                c["delta"] = object(&delta);
            }
            let mut chunk = object(&top);
            chunk["choices"] = json!([c]);
            let data = chunk.to_string();
            let unknown = top.iter().any(|k| ["x_groq", "other"].contains(k))
                || choice.contains(&"extra")
                || (choice.contains(&"delta") && delta.contains(&"who"));
            let (parsed, known) = crate::stream::fast::parse_known(&data).unwrap();
            proptest::prop_assert_eq!(known, !unknown, "{}", data);
            let mut with = Assembler::new(true);
            let mut without = Assembler::new(true);
            with.on_chunk(&parsed);
            with.on_payload(&data);
            without.on_chunk(&parsed);
            if known {
                proptest::prop_assert_eq!(with.to_document(), without.to_document());
            } else {
                proptest::prop_assert_ne!(with.to_document(), without.to_document());
            }
        }
    }

    #[test]
    fn unknown_members_read_as_a_json_value_would_have_them() {
        let doc = |lines: &[&str]| {
            let mut asm = Assembler::new(true);
            asm.on_chunk(
                &crate::stream::read::parse(r#"{"choices":[{"index":0,"delta":{"content":"x"}}]}"#)
                    .unwrap(),
            );
            for line in lines {
                asm.on_payload(line);
            }
            asm.to_document()
        };
        // A key with escapes is its text; the last of a repeated key counts.
        let d = doc(&[r#"{"sess\u0069on_id":"a","n":1,"n":2}"#]);
        assert_eq!((&d["session_id"], &d["n"]), (&json!("a"), &json!(2)));
        // A later `choices` that is no array hides an earlier one.
        let d = doc(&[r#"{"choices":[{"index":0,"k":1}],"choices":7}"#]);
        assert!(d["choices"][0].get("k").is_none(), "{d}");
        // An index that is no number falls back to the position.
        let d = doc(&[r#"{"choices":[{"index":"0","k":1,"delta":{"d":2}}]}"#]);
        assert_eq!(
            (&d["choices"][0]["k"], &d["choices"][0]["message"]["d"]),
            (&json!(1), &json!(2))
        );
        // Of two deltas, the last one's members only.
        let d = doc(&[r#"{"choices":[{"index":0,"delta":{"a":1},"delta":{"b":2}}]}"#]);
        assert!(d["choices"][0]["message"].get("a").is_none(), "{d}");
        assert_eq!(d["choices"][0]["message"]["b"], json!(2));
        // Not one JSON object: nothing.
        for bad in [r#"{"z":1} x"#, r#"{"z":1"#, "[1]", r#"{"z":tru}"#] {
            assert!(doc(&[bad]).get("z").is_none(), "{bad}");
        }
    }

    #[test]
    fn text_mode_does_not_keep_choice_zero() {
        let mut asm = Assembler::new(false);
        feed(
            &mut asm,
            &[r#"{"choices":[{"index":0,"delta":{"content":"A","reasoning":"r"}}]}"#],
        );
        assert!(asm.choices[&0].content.is_empty());
        assert!(asm.choices[&0].reasoning.is_empty());
    }
}
