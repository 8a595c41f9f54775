//! The input of `yap batch submit` and `run`: every line read and checked
//! before anything is uploaded, each body given `replay --live`'s
//! precedence, turned into batch lines and split over the provider's limits.

use std::collections::HashSet;
use std::path::Path;

use serde::Serialize;
use serde_json::{Map, Value};

use crate::cassette::{self, read};
use crate::error::Failure;
use crate::request::params::{deep_merge, set_path};

/// What applies to every body, lowest first: the profile's `body`, the
/// line's body, `--body`, `-m`, `-o`; then the model that only fills a
/// body without one.
#[derive(Debug, Default, Clone)]
pub struct Layers {
    pub profile_body: Option<Value>,
    pub body_flag: Option<Value>,
    pub model_flag: Option<String>,
    pub params: Vec<(Vec<String>, Value)>,
    /// `YAP_MODEL` or the profile's model.
    pub fill_model: Option<String>,
    /// `--line-url-prefix` (replaces `/v1`).
    pub prefix: Option<String>,
}

/// One line of the uploaded JSONL.
#[derive(Debug, Clone)]
pub struct Line {
    /// 1-based, in the input file.
    pub number: usize,
    pub custom_id: String,
    /// The JSON text, no newline.
    pub json: String,
}

/// The checked input.
#[derive(Debug)]
pub struct Input {
    /// The `url` of the first line: the batch's `endpoint`.
    pub endpoint: String,
    pub lines: Vec<Line>,
}

#[derive(Serialize)]
struct BatchLine<'a> {
    custom_id: &'a str,
    method: &'a str,
    url: &'a str,
    body: &'a Value,
}

impl Input {
    /// The JSONL as uploaded (every line ends with a newline).
    pub fn jsonl(lines: &[Line]) -> String {
        let mut out = String::new();
        for l in lines {
            out.push_str(&l.json);
            out.push('\n');
        }
        out
    }

    /// The SHA-256 of the whole JSONL (hex): what `run` resumes by.
    pub fn hash(&self) -> String {
        let mut ctx = ring::digest::Context::new(&ring::digest::SHA256);
        for l in &self.lines {
            ctx.update(l.json.as_bytes());
            ctx.update(b"\n");
        }
        ctx.finish()
            .as_ref()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect()
    }

    /// The lines cut into batches of at most `max_lines` lines and
    /// `max_bytes` bytes of JSONL, in order.
    pub fn split(
        &self,
        max_lines: usize,
        max_bytes: usize,
        name: &str,
    ) -> Result<Vec<&[Line]>, Failure> {
        let mut out = Vec::new();
        let mut start = 0usize;
        let mut bytes = 0usize;
        for (i, line) in self.lines.iter().enumerate() {
            let size = line.json.len() + 1;
            if size > max_bytes {
                return Err(Failure::usage(format!(
                    "{name}: line {}: {size} bytes of JSONL, over --max-bytes ({max_bytes}); \
                     nothing was uploaded",
                    line.number
                )));
            }
            if i > start && (i - start >= max_lines || bytes + size > max_bytes) {
                out.push(&self.lines[start..i]);
                start = i;
                bytes = 0;
            }
            bytes += size;
        }
        if start < self.lines.len() {
            out.push(&self.lines[start..]);
        }
        Ok(out)
    }
}

/// Read and check every line of `path` (`name` in messages).
pub fn read(path: &Path, name: &str, layers: &Layers) -> Result<Input, Failure> {
    let mut reader =
        read::Reader::open(path).map_err(|e| Failure::usage(format!("cannot read {name}: {e}")))?;
    let prefix = layers
        .prefix
        .as_deref()
        .unwrap_or("/v1")
        .trim_end_matches('/');
    let mut lines = Vec::new();
    let mut seen = HashSet::new();
    let mut endpoint: Option<String> = None;
    loop {
        let entry = match reader.next_entry() {
            Ok(None) => break,
            Ok(Some(Ok(entry))) => entry,
            Ok(Some(Err(bad))) => {
                return Err(Failure::usage(format!(
                    "{name}: {bad}; nothing was uploaded"
                )));
            }
            Err(e) => return Err(Failure::usage(format!("cannot read {name}: {e}"))),
        };
        let at = |what: &str| {
            Failure::usage(format!(
                "{name}: line {}: {what}; nothing was uploaded",
                entry.line
            ))
        };
        let index = lines.len();
        let (custom_id, method, url, body) = match &entry.record {
            read::Record::Body(v) if v.get("custom_id").is_some() || v.get("url").is_some() => {
                batch_line(v).map_err(|what| at(&what))?
            }
            record => {
                let r = cassette::request::of(record).map_err(|what| at(&what))?;
                (
                    index.to_string(),
                    "POST".to_string(),
                    format!("{prefix}/{}", r.endpoint),
                    r.body,
                )
            }
        };
        let body = layered(body, layers).map_err(|what| at(&what))?;
        match &endpoint {
            None => endpoint = Some(url.clone()),
            Some(first) if *first != url => {
                return Err(at(&format!(
                    "its url {url} is another endpoint than the first line's ({first}); a \
                     batch has one endpoint"
                )));
            }
            Some(_) => {}
        }
        if !seen.insert(custom_id.clone()) {
            return Err(at(&format!("custom_id \"{custom_id}\" is used twice")));
        }
        let json = serde_json::to_string(&BatchLine {
            custom_id: &custom_id,
            method: &method,
            url: &url,
            body: &body,
        })
        .map_err(|e| at(&format!("cannot write the line: {e}")))?;
        lines.push(Line {
            number: entry.line,
            custom_id,
            json,
        });
    }
    let Some(endpoint) = endpoint else {
        return Err(Failure::usage(format!("{name}: no request in it")));
    };
    Ok(Input { endpoint, lines })
}

/// A line `{"custom_id", "method", "url", "body"}`: kept as given.
fn batch_line(v: &Value) -> Result<(String, String, String, Value), String> {
    let custom_id = match v.get("custom_id") {
        Some(Value::String(s)) if !s.is_empty() => s.clone(),
        Some(Value::String(_)) => return Err("custom_id is empty".to_string()),
        Some(other) => return Err(format!("custom_id is {other}, not a string")),
        None => return Err("a batch line (with url) needs a custom_id".to_string()),
    };
    let method = match v.get("method") {
        None => "POST".to_string(),
        Some(Value::String(m)) => m.clone(),
        Some(other) => return Err(format!("method is {other}, not a string")),
    };
    let url = match v.get("url") {
        Some(Value::String(u)) if u.starts_with('/') => u.clone(),
        Some(other) => {
            return Err(format!(
                "url is {other}, not a path such as /v1/chat/completions"
            ));
        }
        None => return Err("a batch line (with custom_id) needs a url".to_string()),
    };
    let body = match v.get("body") {
        Some(b @ Value::Object(_)) => b.clone(),
        Some(_) => return Err("body is not a JSON object".to_string()),
        None => return Err("a batch line needs a body".to_string()),
    };
    Ok((custom_id, method, url, body))
}

/// `replay --live`'s precedence, then no stream.
fn layered(body: Value, layers: &Layers) -> Result<Value, String> {
    let mut merged = layers
        .profile_body
        .clone()
        .unwrap_or_else(|| Value::Object(Map::new()));
    deep_merge(&mut merged, body);
    if let Some(flag) = &layers.body_flag {
        deep_merge(&mut merged, flag.clone());
    }
    let Value::Object(mut map) = merged else {
        return Err("the body is not a JSON object".to_string());
    };
    if let Some(m) = &layers.model_flag {
        map.insert("model".into(), Value::String(m.clone()));
    }
    for (path, value) in &layers.params {
        set_path(&mut map, path, value.clone());
    }
    // A batch is never streamed.
    map.remove("stream");
    map.remove("stream_options");
    if !map.contains_key("model") {
        match &layers.fill_model {
            Some(m) if !m.is_empty() => {
                map.insert("model".into(), Value::String(m.clone()));
            }
            _ => {
                return Err(
                    "no model: the body has none; pass -m MODEL, set YAP_MODEL, or set model \
                     in the profile"
                        .to_string(),
                );
            }
        }
    }
    match map.get("model") {
        Some(Value::String(m)) if !m.is_empty() => {}
        _ => return Err("the model is not a non-empty string".to_string()),
    }
    Ok(Value::Object(map))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(text: &str, layers: &Layers) -> Result<Input, Failure> {
        let dir = std::env::temp_dir().join(format!(
            "yap-batch-input-{}-{}",
            std::process::id(),
            text.len()
        ));
        std::fs::write(&dir, text).unwrap();
        let got = read(&dir, "in.jsonl", layers);
        let _ = std::fs::remove_file(&dir);
        got
    }

    fn with_model() -> Layers {
        Layers {
            fill_model: Some("m".into()),
            ..Layers::default()
        }
    }

    #[test]
    fn ids_urls_and_no_stream() {
        let got = input(
            "{\"messages\":[],\"stream\":true,\"stream_options\":{}}\n\n{\"messages\":[],\"model\":\"own\"}\n",
            &with_model(),
        )
        .unwrap();
        assert_eq!(got.endpoint, "/v1/chat/completions");
        assert_eq!(got.lines[1].number, 3);
        assert_eq!(
            got.lines[0].json,
            r#"{"custom_id":"0","method":"POST","url":"/v1/chat/completions","body":{"messages":[],"model":"m"}}"#
        );
        assert!(got.lines[1].json.contains("\"custom_id\":\"1\""));
        assert!(got.lines[1].json.contains("\"model\":\"own\""));
    }

    #[test]
    fn bad_lines_name_their_number() {
        for (text, want) in [
            ("{\"messages\":[]}\n[1]\n", "line 2"),
            (
                "{\"messages\":[]}\n{\"x\":1}\n",
                "line 2: a request body needs",
            ),
            (
                "{\"messages\":[]}\n{\"prompt\":\"p\"}\n",
                "another endpoint",
            ),
            (
                "{\"custom_id\":\"a\",\"url\":\"/v1/chat/completions\",\"body\":{}}\n{\"custom_id\":\"a\",\"url\":\"/v1/chat/completions\",\"body\":{}}\n",
                "line 2: custom_id \"a\" is used twice",
            ),
        ] {
            let err = input(text, &with_model()).unwrap_err();
            assert!(err.message.contains(want), "{text}: {}", err.message);
        }
        let err = input("{\"messages\":[]}\n", &Layers::default()).unwrap_err();
        assert!(err.message.contains("line 1: no model"), "{}", err.message);
    }

    #[test]
    fn splits_by_lines_and_bytes() {
        let text = "{\"messages\":[]}\n".repeat(5);
        let got = input(&text, &with_model()).unwrap();
        let parts = got.split(2, 1 << 20, "x").unwrap();
        assert_eq!(parts.iter().map(|p| p.len()).collect::<Vec<_>>(), [2, 2, 1]);
        let one = got.lines[0].json.len() + 1;
        let parts = got.split(100, one * 3, "x").unwrap();
        assert_eq!(parts.iter().map(|p| p.len()).collect::<Vec<_>>(), [3, 2]);
        assert!(got.split(100, one - 1, "x").is_err());
    }
}
