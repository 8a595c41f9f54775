//! A fast reader for chunk payloads.
//!
//! Profiling a 1M-chunk stream showed serde_json's derived deserializer
//! taking about 70% of yap's time (twice the cost of merely scanning the
//! JSON), so the hot path reads the chunk's few members by hand: strings
//! are borrowed when they have no escapes (escaped ones are decoded by
//! serde_json), unknown members are skipped, and rare or nested members
//! (`usage`, `error`, `logprobs`, `tool_calls`, `x_groq`, `created`) are
//! kept as raw slices or handed to serde_json.
//!
//! Duplicate member names (valid JSON that serde's derive refuses) are
//! read last-wins. It returns `None` whenever the payload is anything but a
//! well-formed chunk, and the caller then asks serde_json, which gives the same
//! result for a valid chunk (a property test checks it) and the error
//! message for an invalid one.

use std::borrow::Cow;

use super::assemble::{KNOWN_CHOICE, KNOWN_DELTA, KNOWN_TOP};
use super::chunk::{ChoiceChunk, Chunk, Delta, Raw, ToolCallDelta, XGroq};

/// `meta`: read `id`, `model`, `system_fingerprint` and `created` (only
/// the assembled `--json` document needs them; text mode skips them).
pub fn parse(data: &str, meta: bool) -> Option<Chunk<'_>> {
    let mut r = Reader::new(data, meta);
    let chunk = r.chunk()?;
    r.ws();
    (r.i == r.b.len()).then_some(chunk)
}

/// [`parse`] with every member read (`meta`), and whether each member of
/// the chunk, its choices and their deltas is one the assembler reads
/// itself: then `--json` has nothing more to keep from the payload.
pub fn parse_known(data: &str) -> Option<(Chunk<'_>, bool)> {
    let mut r = Reader::new(data, true);
    let chunk = r.chunk()?;
    r.ws();
    (r.i == r.b.len()).then_some((chunk, !r.unknown))
}

/// JSON's number grammar: `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`.
fn is_number(t: &[u8]) -> bool {
    let digits = |t: &[u8], mut i: usize| {
        let from = i;
        while t.get(i).is_some_and(u8::is_ascii_digit) {
            i += 1;
        }
        (i > from).then_some(i)
    };
    let mut i = usize::from(t.first() == Some(&b'-'));
    match t.get(i) {
        Some(b'0') => i += 1,
        Some(b'1'..=b'9') => match digits(t, i) {
            Some(end) => i = end,
            None => return false,
        },
        _ => return false,
    }
    if t.get(i) == Some(&b'.') {
        match digits(t, i + 1) {
            Some(end) => i = end,
            None => return false,
        }
    }
    if matches!(t.get(i), Some(b'e' | b'E')) {
        i += 1;
        if matches!(t.get(i), Some(b'+' | b'-')) {
            i += 1;
        }
        match digits(t, i) {
            Some(end) => i = end,
            None => return false,
        }
    }
    i == t.len()
}

/// Bytes that end the plain run of a string: `"`, `\\` and controls.
static SPECIAL: [bool; 256] = {
    let mut table = [false; 256];
    let mut i = 0;
    while i < 0x20 {
        table[i] = true;
        i += 1;
    }
    table[b'"' as usize] = true;
    table[b'\\' as usize] = true;
    table
};

struct Reader<'a> {
    s: &'a str,
    b: &'a [u8],
    i: usize,
    meta: bool,
    track: Track,
    /// With `meta`: a member the assembler does not know was passed over
    /// (`--json` keeps those, through `Assembler::on_payload`).
    unknown: bool,
}

type Opt<T> = Option<Option<T>>;

impl<'a> Reader<'a> {
    fn new(data: &'a str, meta: bool) -> Reader<'a> {
        Reader {
            s: data,
            b: data.as_bytes(),
            i: 0,
            meta,
            track: Track::default(),
            unknown: false,
        }
    }

    /// Pass over a member the chunk does not read; with `meta`, note it
    /// when it is not one of `known` (the assembler's list for its level).
    fn other(&mut self, key: &[u8], known: &[&str]) -> Option<()> {
        if self.meta && !known.iter().any(|k| k.as_bytes() == key) {
            self.unknown = true;
        }
        self.skip()
    }

    fn ws(&mut self) {
        while let Some(&c) = self.b.get(self.i) {
            if !matches!(c, b' ' | b'\t' | b'\n' | b'\r') {
                break;
            }
            self.i += 1;
        }
    }

    fn peek(&mut self) -> Option<u8> {
        self.ws();
        self.b.get(self.i).copied()
    }

    fn eat(&mut self, c: u8) -> Option<()> {
        (self.peek()? == c).then(|| self.i += 1)
    }

    /// Each member of an object: `f` gets the key and must read the value.
    fn object(&mut self, mut f: impl FnMut(&mut Self, &[u8]) -> Option<()>) -> Option<()> {
        self.eat(b'{')?;
        if self.peek()? == b'}' {
            self.i += 1;
            return Some(());
        }
        loop {
            if self.peek()? != b'"' {
                return None;
            }
            let key = self.key()?;
            self.eat(b':')?;
            f(self, key)?;
            match self.peek()? {
                b',' => self.i += 1,
                b'}' => {
                    self.i += 1;
                    return Some(());
                }
                _ => return None,
            }
        }
    }

    fn array(&mut self, mut f: impl FnMut(&mut Self) -> Option<()>) -> Option<()> {
        self.eat(b'[')?;
        if self.peek()? == b']' {
            self.i += 1;
            return Some(());
        }
        loop {
            f(self)?;
            match self.peek()? {
                b',' => self.i += 1,
                b']' => {
                    self.i += 1;
                    return Some(());
                }
                _ => return None,
            }
        }
    }

    /// At an opening quote: the index just past the closing quote, and
    /// whether the string has escapes. `None` for anything JSON does not
    /// allow in a string (a raw control character, an unknown escape),
    /// which leaves the payload to serde_json and its error message.
    fn string_end(&self) -> Option<(usize, bool)> {
        let b = self.b;
        let mut j = self.i + 1;
        let mut escaped = false;
        loop {
            while j < b.len() && !SPECIAL[usize::from(b[j])] {
                j += 1;
            }
            match *b.get(j)? {
                b'"' => return Some((j + 1, escaped)),
                b'\\' => {
                    escaped = true;
                    match *b.get(j + 1)? {
                        b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't' => j += 2,
                        b'u' if b.get(j + 2..j + 6)?.iter().all(u8::is_ascii_hexdigit) => j += 6,
                        _ => return None,
                    }
                }
                _ => return None,
            }
        }
    }

    /// A member name (at its opening quote), as bytes; names with escapes
    /// are left to serde.
    fn key(&mut self) -> Option<&'a [u8]> {
        let (end, escaped) = self.string_end()?;
        if escaped {
            return None;
        }
        let key = self.b.get(self.i + 1..end - 1)?;
        self.i = end;
        Some(key)
    }

    /// A string (at its opening quote), borrowed unless it has escapes.
    fn string(&mut self) -> Option<Cow<'a, str>> {
        let (end, escaped) = self.string_end()?;
        let start = self.i;
        self.i = end;
        if escaped {
            serde_json::from_str::<String>(self.s.get(start..end)?)
                .ok()
                .map(Cow::Owned)
        } else {
            self.s.get(start + 1..end - 1).map(Cow::Borrowed)
        }
    }

    fn literal(&mut self, word: &[u8]) -> Option<()> {
        self.ws();
        if self.b.get(self.i..self.i + word.len())? == word {
            self.i += word.len();
            Some(())
        } else {
            None
        }
    }

    fn opt_str(&mut self) -> Opt<Cow<'a, str>> {
        match self.peek()? {
            b'"' => Some(Some(self.string()?)),
            b'n' => self.literal(b"null").map(|()| None),
            _ => None,
        }
    }

    fn opt_u32(&mut self) -> Opt<u32> {
        match self.peek()? {
            b'n' => self.literal(b"null").map(|()| None),
            b'0'..=b'9' => {
                let start = self.i;
                while self.b.get(self.i).is_some_and(u8::is_ascii_digit) {
                    self.i += 1;
                }
                // No fraction or exponent (not a u32), no leading zero
                // (not JSON).
                if matches!(self.b.get(self.i), Some(b'.' | b'e' | b'E'))
                    || !is_number(&self.b[start..self.i])
                {
                    return None;
                }
                self.s[start..self.i].parse().ok().map(Some)
            }
            _ => None,
        }
    }

    /// Skip any value, checking it is valid JSON: strings and numbers by
    /// hand, and an object or array (rare on the hot path) by serde_json
    /// once its end is found.
    fn skip(&mut self) -> Option<()> {
        match self.peek()? {
            b'"' => {
                self.i = self.string_end()?.0;
                Some(())
            }
            b'{' | b'[' => {
                let start = self.i;
                let mut depth = 0usize;
                loop {
                    match *self.b.get(self.i)? {
                        b'"' => {
                            self.i = self.string_end()?.0;
                            continue;
                        }
                        b'{' | b'[' => depth += 1,
                        b'}' | b']' => {
                            depth = depth.checked_sub(1)?;
                            if depth == 0 {
                                self.i += 1;
                                break;
                            }
                        }
                        _ => {}
                    }
                    self.i += 1;
                }
                serde_json::from_str::<serde::de::IgnoredAny>(&self.s[start..self.i])
                    .ok()
                    .map(|_| ())
            }
            _ => {
                let start = self.i;
                while let Some(&c) = self.b.get(self.i) {
                    if matches!(c, b',' | b'}' | b']' | b' ' | b'\t' | b'\n' | b'\r') {
                        break;
                    }
                    self.i += 1;
                }
                let token = &self.b[start..self.i];
                (matches!(token, b"true" | b"false" | b"null") || is_number(token)).then_some(())
            }
        }
    }

    /// A value as its raw text; `null` is `None`.
    fn raw(&mut self) -> Opt<Raw<'a>> {
        if self.peek()? == b'n' {
            return self.literal(b"null").map(|()| None);
        }
        let start = self.i;
        self.skip()?;
        Some(Some(Raw(&self.s[start..self.i])))
    }

    fn chunk(&mut self) -> Option<Chunk<'a>> {
        let mut c = Chunk::default();
        self.object(|r, key| r.top_member(key, &mut c))?;
        Some(c)
    }

    fn top_member(&mut self, key: &[u8], c: &mut Chunk<'a>) -> Option<()> {
        match key {
            b"id" if self.meta => c.id = self.opt_str()?,
            b"model" if self.meta => c.model = self.opt_str()?,
            b"system_fingerprint" if self.meta => c.system_fingerprint = self.opt_str()?,
            b"created" if self.meta => c.created = self.raw()?,
            b"usage" => c.usage = self.captured(Self::raw)?,
            b"error" => c.error = self.captured(Self::raw)?,
            b"x_groq" => {
                // Read for its usage, and kept whole by `--json`.
                self.unknown = true;
                c.x_groq = match self.captured(Self::raw)? {
                    None => None,
                    Some(raw) => Some(serde_json::from_str::<XGroq<'a>>(raw.0).ok()?),
                }
            }
            b"choices" => {
                if self.peek()? == b'n' {
                    self.literal(b"null")?;
                    c.choices = None;
                } else {
                    let mut list: Vec<ChoiceChunk<'a>> = Vec::with_capacity(1);
                    self.array(|r| r.push_choice(&mut list))?;
                    c.choices = Some(list);
                }
            }
            _ => self.other(key, &KNOWN_TOP)?,
        }
        Some(())
    }

    fn push_choice(&mut self, list: &mut Vec<ChoiceChunk<'a>>) -> Option<()> {
        self.track.first_choice = list.is_empty();
        list.push(ChoiceChunk::default());
        let last = list.last_mut()?;
        self.object(|r, key| r.choice_member(key, last))
    }

    fn choice_member(&mut self, key: &[u8], c: &mut ChoiceChunk<'a>) -> Option<()> {
        match key {
            b"index" => {
                c.index = self.opt_u32()?;
                if self.track.first_choice {
                    self.track.index = c.index;
                }
            }
            b"delta" | b"message" => {
                if self.peek()? == b'n' {
                    self.literal(b"null")?;
                    c.delta = None;
                } else {
                    let d = c.delta.insert(Delta::default());
                    self.object(|r, key| r.delta_member(key, d))?;
                }
            }
            b"text" => c.text = self.captured(Self::opt_str)?,
            b"finish_reason" => c.finish_reason = self.captured(Self::opt_str)?,
            b"logprobs" => c.logprobs = self.captured(Self::raw)?,
            _ => self.other(key, &KNOWN_CHOICE)?,
        }
        Some(())
    }

    fn delta_member(&mut self, key: &[u8], d: &mut Delta<'a>) -> Option<()> {
        match key {
            b"content" => {
                self.peek()?;
                if self.track.clean && self.track.first_choice && self.track.content_at.is_none() {
                    self.track.content_at = Some(self.i);
                }
                d.content = self.captured(Self::opt_str)?;
            }
            b"role" => d.role = self.captured(Self::opt_str)?,
            b"reasoning_content" => d.reasoning_content = self.captured(Self::opt_str)?,
            b"reasoning" => d.reasoning = self.captured(Self::opt_str)?,
            b"refusal" => d.refusal = self.captured(Self::opt_str)?,
            b"tool_calls" => {
                d.tool_calls = match self.captured(Self::raw)? {
                    None => None,
                    Some(raw) => Some(serde_json::from_str::<Vec<ToolCallDelta<'a>>>(raw.0).ok()?),
                }
            }
            _ => self.other(key, &KNOWN_DELTA)?,
        }
        Some(())
    }

    /// Read a value the chunk keeps: from here on, the bytes read so far
    /// are no longer "nothing but metadata and the index".
    fn captured<T>(&mut self, read: impl FnOnce(&mut Self) -> Option<T>) -> Option<T> {
        self.peek()?;
        if self.track.content_at.is_none() && !self.at_content() {
            self.track.clean = false;
        }
        read(self)
    }

    fn at_content(&self) -> bool {
        self.track.content_at == Some(self.i)
    }

    /// The members after one already read (at `,` or `}`).
    fn members_after(&mut self, mut f: impl FnMut(&mut Self, &[u8]) -> Option<()>) -> Option<()> {
        loop {
            match self.peek()? {
                b',' => {
                    self.i += 1;
                    if self.peek()? != b'"' {
                        return None;
                    }
                    let key = self.key()?;
                    self.eat(b':')?;
                    f(self, key)?;
                }
                b'}' => {
                    self.i += 1;
                    return Some(());
                }
                _ => return None,
            }
        }
    }

    /// The elements after one already read (at `,` or `]`).
    fn elements_after(&mut self, mut f: impl FnMut(&mut Self) -> Option<()>) -> Option<()> {
        loop {
            match self.peek()? {
                b',' => {
                    self.i += 1;
                    f(self)?;
                }
                b']' => {
                    self.i += 1;
                    return Some(());
                }
                _ => return None,
            }
        }
    }
}

/// What a parse saw before the first choice's `content` value.
#[derive(Debug)]
struct Track {
    /// Nothing kept so far but what `Resume` can restore (the index).
    clean: bool,
    first_choice: bool,
    index: Option<u32>,
    content_at: Option<usize>,
}

impl Default for Track {
    fn default() -> Track {
        Track {
            clean: true,
            first_choice: true,
            index: None,
            content_at: None,
        }
    }
}

/// Streams repeat themselves: chunk after chunk starts with the same bytes
/// (id, object, created, model, `"choices":[{"index":0,"delta":{"content":`)
/// and differs only from the content on. When a text-mode parse found that
/// everything before the first choice's content was metadata it skips
/// anyway plus the choice index, it keeps those bytes; a next payload that
/// starts with the very same bytes would parse to the very same state
/// there, so reading resumes at the content. Anything else takes the full
/// read.
#[derive(Debug, Default)]
pub struct Resume {
    prefix: Vec<u8>,
    index: Option<u32>,
}

impl Resume {
    /// Text-mode parse (no metadata) of one payload.
    pub fn parse<'a>(&mut self, data: &'a str) -> Option<Chunk<'a>> {
        let p = self.prefix.len();
        if p > 0
            && data.as_bytes().starts_with(&self.prefix)
            && let Some(chunk) = resume_at(data, p, self.index)
        {
            return Some(chunk);
        }
        let mut r = Reader::new(data, false);
        let chunk = r.chunk()?;
        r.ws();
        if r.i != r.b.len() {
            return None;
        }
        self.prefix.clear();
        if let (true, Some(at)) = (r.track.clean, r.track.content_at) {
            self.prefix.extend_from_slice(&r.b[..at]);
            self.index = r.track.index;
        }
        Some(chunk)
    }
}

/// Read on from the first choice's content value at `at`.
fn resume_at(data: &str, at: usize, index: Option<u32>) -> Option<Chunk<'_>> {
    let mut r = Reader::new(data, false);
    r.i = at;
    r.track.clean = false;
    let mut delta = Delta {
        content: r.opt_str()?,
        ..Delta::default()
    };
    r.members_after(|r, key| r.delta_member(key, &mut delta))?;
    let mut choice = ChoiceChunk {
        index,
        delta: Some(delta),
        ..ChoiceChunk::default()
    };
    r.members_after(|r, key| r.choice_member(key, &mut choice))?;
    let mut list = vec![choice];
    r.elements_after(|r| r.push_choice(&mut list))?;
    let mut chunk = Chunk {
        choices: Some(list),
        ..Chunk::default()
    };
    r.members_after(|r, key| r.top_member(key, &mut chunk))?;
    r.ws();
    (r.i == r.b.len()).then_some(chunk)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use serde_json::{Value, json};

    fn same(data: &str) {
        let fast = parse(data, true).map(|c| format!("{c:?}"));
        let slow = serde_json::from_str::<Chunk>(data).map(|c| format!("{c:?}"));
        match (fast, slow) {
            (Some(f), Ok(s)) => assert_eq!(f, s, "{data}"),
            (Some(f), Err(e)) => panic!("fast accepted what serde rejects ({e}): {data} -> {f}"),
            (None, _) => {}
        }
    }

    #[test]
    fn typical_chunks_take_the_fast_path() {
        for data in [
            r#"{"id":"c","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{"content":"tok "},"finish_reason":null}]}"#,
            r#"{"choices":[],"usage":{"prompt_tokens":1,"completion_tokens":2,"total_tokens":3}}"#,
            r#"{ "choices" : [ { "index" : 1 , "delta" : { "content" : "a\"b\n", "role": null } , "logprobs": {"content":[]} } ] , "x": [1, {"y": "]"}] }"#,
            r#"{"choices":[{"delta":{"tool_calls":[{"index":0,"id":"c","function":{"name":"f","arguments":"{\"a\":1}"}}]}}]}"#,
            r#"{"choices":[{"index":0,"text":"é😀","finish_reason":"length"}],"x_groq":{"usage":{"total_tokens":1}}}"#,
            r#"{"choices":null,"error":{"message":"m"}}"#,
        ] {
            assert!(parse(data, true).is_some(), "{data}");
            assert!(parse(data, false).is_some(), "{data}");
            same(data);
        }
    }

    #[test]
    fn anything_odd_is_left_to_serde() {
        for data in [
            "{",
            "{not json",
            r#"{"choices":[{"index":-1}]}"#,
            r#"{"id":3}"#,
            "[]",
            r#"{"a":1} x"#,
            "{\"id\":\"a\u{1}b\"}",
        ] {
            assert!(parse(data, true).is_none(), "{data}");
        }
    }

    fn arb_json() -> impl Strategy<Value = Value> {
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::Bool),
            any::<i32>().prop_map(|n| json!(n)),
            (-1e6f64..1e6).prop_map(|f| json!(f)),
            "[a-z\"\\\\\n é😀/]{0,8}".prop_map(Value::String),
        ];
        leaf.prop_recursive(3, 16, 4, |inner| {
            prop_oneof![
                proptest::collection::vec(inner.clone(), 0..3).prop_map(Value::Array),
                proptest::collection::btree_map("[a-z_]{1,6}", inner, 0..3)
                    .prop_map(|m| Value::Object(m.into_iter().collect())),
            ]
        })
    }

    fn arb_str() -> impl Strategy<Value = Value> {
        prop_oneof![
            Just(Value::Null),
            "[a-z\"\\\\\n é😀]{0,10}".prop_map(Value::String)
        ]
    }

    fn arb_chunk() -> impl Strategy<Value = Value> {
        let delta = (arb_str(), arb_str(), arb_str(), arb_str(), arb_json()).prop_map(|(role, content, rc, refusal, extra)| {
            json!({"role": role, "content": content, "reasoning_content": rc, "refusal": refusal, "extra": extra})
        });
        let choice = (0u32..4, delta, arb_str(), prop_oneof![Just(Value::Null), arb_json()]).prop_map(|(i, d, fr, lp)| {
            json!({"index": i, "delta": d, "finish_reason": fr, "logprobs": lp})
        });
        (arb_str(), proptest::collection::vec(choice, 0..3), arb_json(), arb_json()).prop_map(|(id, choices, usage, extra)| {
            json!({"id": id, "choices": choices, "usage": usage, "unknown": extra, "created": 5})
        })
    }

    #[test]
    fn resume_skips_a_repeated_prefix_and_reads_the_same() {
        let mut resume = Resume::default();
        let first = r#"{"id":"c","object":"chunk","created":1,"model":"m","choices":[{"index":0,"delta":{"role":"assistant","content":""},"finish_reason":null}]}"#;
        let next = r#"{"id":"c","object":"chunk","created":1,"model":"m","choices":[{"index":0,"delta":{"content":"tok"},"finish_reason":null}]}"#;
        let last = r#"{"id":"c","object":"chunk","created":1,"model":"m","choices":[{"index":0,"delta":{"content":null},"finish_reason":"stop"}],"usage":{"total_tokens":3}}"#;
        for data in [first, next, next, last, next] {
            let got = format!("{:?}", resume.parse(data).unwrap());
            assert_eq!(got, format!("{:?}", parse(data, false).unwrap()), "{data}");
        }
        assert!(!resume.prefix.is_empty());
        assert!(resume.prefix.ends_with(br#""content":"#));
    }

    /// Found by hand against LiteLLM with -n 2: the index kept for the
    /// resumed read must be the first choice's, not the last one's.
    #[test]
    fn resume_keeps_the_first_choices_index() {
        let mut resume = Resume::default();
        let chunk = |a: &str, b: &str| {
            format!(
                r#"{{"id":"c","choices":[{{"index":0,"delta":{{"content":"{a}"}}}},{{"index":1,"delta":{{"content":"{b}"}}}}]}}"#
            )
        };
        for data in [chunk("Hel", "Hi"), chunk("lo", " there"), chunk("!", "!")] {
            let got = format!("{:?}", resume.parse(&data).unwrap());
            assert_eq!(got, format!("{:?}", parse(&data, false).unwrap()), "{data}");
        }
    }

    proptest! {
        #[test]
        fn resume_agrees_with_a_full_read(
            chunks in proptest::collection::vec(
                (
                    proptest::collection::vec((0u32..3, arb_str(), arb_str(), any::<bool>()), 1..4),
                    any::<bool>(),
                ),
                1..12,
            )
        ) {
            let mut resume = Resume::default();
            for (choices, usage) in chunks {
                let choices: Vec<Value> = choices
                    .into_iter()
                    .map(|(index, content, finish, role)| {
                        let mut delta = serde_json::Map::new();
                        if role {
                            delta.insert("role".into(), json!("assistant"));
                        }
                        delta.insert("content".into(), content);
                        json!({"index": index, "delta": delta, "finish_reason": finish})
                    })
                    .collect();
                let mut chunk = json!({"id": "c", "object": "x", "model": "m", "choices": choices});
                if usage {
                    chunk["usage"] = json!({"total_tokens": 1});
                }
                let data = chunk.to_string();
                let got = resume.parse(&data).map(|c| format!("{c:?}"));
                prop_assert_eq!(got, parse(&data, false).map(|c| format!("{c:?}")), "{}", data);
            }
        }

        #[test]
        fn fast_and_serde_agree(chunk in arb_chunk(), pretty in any::<bool>()) {
            let data = if pretty { serde_json::to_string_pretty(&chunk).unwrap() } else { chunk.to_string() };
            prop_assert!(parse(&data, true).is_some(), "{}", data);
            same(&data);
        }

        #[test]
        fn arbitrary_text_never_panics(data in "[{}\\[\\]\",:a-z0-9 \\\\nule]{0,40}") {
            same(&data);
        }
    }
}
