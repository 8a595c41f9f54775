//! One cassette line read from a `BufRead` in bulk, its events split out.
//!
//! A JSON parser over a byte-at-a-time reader is slow on a line of a
//! hundred thousand events, and a parser over a slice needs the whole line
//! in memory. This scanner does neither: it follows the line's structure
//! (strings skipped with `memchr`), hands each element of
//! `response.events` on ([`Events`]), and keeps the rest of the line, the
//! skeleton, with `"events":[]` in place of the array. An element is first
//! offered where it lies in the reader's buffer (`Events::fast`, which
//! reads the shape yap writes without a copy); one declined there is copied
//! out as its own small slice (`Events::element`, which serde parses). It
//! checks no JSON grammar: serde does, on the skeleton and on each declined
//! event; whatever the input, the scanner only copies bytes (bounded by the
//! line) and never panics.

use std::io::{self, BufRead};

/// Where the elements of `response.events` go.
pub trait Events {
    /// An element starts at `buf[0]` (`buf` is the rest of the reader's
    /// buffer): `Some((bytes taken, go on))` when it was read here, the
    /// `,` after it included (never more than `buf.len()`); `None` to have
    /// it copied out and handed to [`Events::element`].
    fn fast(&mut self, buf: &[u8]) -> Option<(usize, bool)>;
    /// One element, whole (with any whitespace after it); false stops.
    fn element(&mut self, raw: &[u8]) -> bool;
    /// An element starts `at` bytes into the line: `Some(to)` when the
    /// elements from there to `to` (the next element or the array's end)
    /// were already checked elsewhere, and the scan goes on from `to`
    /// without reading them.
    fn jump(&mut self, _at: u64) -> Option<u64> {
        None
    }
    /// Whether [`Events::jump`] may say yes this line (asked once, so that
    /// a scan that never jumps makes no call per element).
    fn may_jump(&self) -> bool {
        false
    }
}

/// A reader the scanner can move forward without reading what it passes.
pub trait Skip: BufRead {
    fn skip(&mut self, n: u64) -> io::Result<()>;
}

impl Skip for &[u8] {
    fn skip(&mut self, n: u64) -> io::Result<()> {
        let n = usize::try_from(n).unwrap_or(usize::MAX).min(self.len());
        *self = &self[n..];
        Ok(())
    }
}

impl Skip for io::BufReader<std::fs::File> {
    fn skip(&mut self, n: u64) -> io::Result<()> {
        let n = i64::try_from(n).map_err(|_| io::Error::other("skip too far"))?;
        self.seek_relative(n)
    }
}

/// What scanning one line gave.
pub struct Scanned {
    /// The line without the elements of `response.events`.
    pub skeleton: Vec<u8>,
    /// Bytes consumed, the newline included.
    pub read: u64,
    /// The callback asked to stop (the rest of the line was not read).
    pub stopped: bool,
}

enum Frame {
    Obj {
        /// A key is expected next (after `{` or `,`).
        expect_key: bool,
        /// The last key, raw (escapes not decoded).
        key: Vec<u8>,
    },
    Arr,
}

#[derive(PartialEq, Eq)]
enum Str {
    No,
    /// Inside a string; `escaped`: the previous byte was a backslash.
    Yes {
        escaped: bool,
        key: bool,
    },
}

struct State<'a> {
    stack: Vec<Frame>,
    string: Str,
    skeleton: Vec<u8>,
    /// Depth of the `events` array being split, and the element so far.
    capture: Option<usize>,
    element: Vec<u8>,
    events: &'a mut dyn Events,
    stopped: bool,
}

impl State<'_> {
    fn out(&mut self, bytes: &[u8]) {
        if self.capture.is_some_and(|d| self.stack.len() > d)
            || (self.capture.is_some() && !self.element.is_empty())
        {
            self.element.extend_from_slice(bytes);
        } else if self.capture.is_some() {
            // Between elements: whitespace is dropped, anything else
            // starts an element.
            let start = bytes.iter().position(|b| !b.is_ascii_whitespace());
            if let Some(i) = start {
                self.element.extend_from_slice(&bytes[i..]);
            }
        } else {
            self.skeleton.extend_from_slice(bytes);
        }
    }

    fn key_byte(&mut self, bytes: &[u8]) {
        if let Some(Frame::Obj { key, .. }) = self.stack.last_mut()
            && key.len() < 16
        {
            key.extend_from_slice(&bytes[..bytes.len().min(16)]);
        }
    }

    /// The element of the events array ends here.
    fn flush(&mut self) {
        if !self.element.is_empty() {
            let element = std::mem::take(&mut self.element);
            if !self.events.element(&element) {
                self.stopped = true;
            }
            self.element = element;
            self.element.clear();
        }
    }

    /// Is the array that opens now `response.events` of the top object?
    fn opens_events(&self) -> bool {
        matches!(
            self.stack.as_slice(),
            [Frame::Obj { key: top, .. }, Frame::Obj { key: inner, .. }]
                if top == b"response" && inner == b"events"
        )
    }

    /// One byte outside strings.
    fn structural(&mut self, b: u8) {
        let depth = self.stack.len();
        let at_array = self.capture == Some(depth);
        match b {
            b'"' => {
                let key = matches!(
                    self.stack.last(),
                    Some(Frame::Obj {
                        expect_key: true,
                        ..
                    })
                ) && self.capture.is_none_or(|d| depth > d);
                if key && let Some(Frame::Obj { key: k, .. }) = self.stack.last_mut() {
                    k.clear();
                }
                self.string = Str::Yes {
                    escaped: false,
                    key,
                };
                self.out(b"\"");
            }
            b',' if at_array => self.flush(),
            b']' if at_array => {
                self.flush();
                self.capture = None;
                self.stack.pop();
                self.out(b"]");
            }
            b'{' | b'[' => {
                let events = b == b'[' && self.capture.is_none() && self.opens_events();
                self.out(&[b]);
                if let Some(Frame::Obj { expect_key, .. }) = self.stack.last_mut() {
                    *expect_key = false;
                }
                self.stack.push(if b == b'{' {
                    Frame::Obj {
                        expect_key: true,
                        key: Vec::new(),
                    }
                } else {
                    Frame::Arr
                });
                if events {
                    self.capture = Some(self.stack.len());
                }
            }
            b'}' | b']' => {
                self.out(&[b]);
                self.stack.pop();
                if self.capture.is_some_and(|d| self.stack.len() < d) {
                    // (A mismatched bracket closed the array: serde will
                    // refuse the skeleton.)
                    self.capture = None;
                }
            }
            b',' => {
                if let Some(Frame::Obj { expect_key, .. }) = self.stack.last_mut() {
                    *expect_key = true;
                }
                self.out(b",");
            }
            b':' => {
                if let Some(Frame::Obj { expect_key, .. }) = self.stack.last_mut() {
                    *expect_key = false;
                }
                self.out(b":");
            }
            _ => self.out(&[b]),
        }
    }
}

/// Scan the line at the reader's position (up to and with its `\n`, or the
/// end of input), handing each element of `response.events` to `events`
/// (which may stop the reading).
pub fn line<R: Skip>(reader: &mut R, events: &mut dyn Events) -> io::Result<Scanned> {
    let mut st = State {
        stack: Vec::new(),
        string: Str::No,
        skeleton: Vec::new(),
        capture: None,
        element: Vec::new(),
        events,
        stopped: false,
    };
    let may_jump = st.events.may_jump();
    let mut read = 0u64;
    'outer: loop {
        let buf = reader.fill_buf()?;
        if buf.is_empty() {
            break;
        }
        let mut i = 0;
        let mut ended = false;
        // Bytes to pass over after this buffer (a jump past its end).
        let mut beyond = 0;
        while i < buf.len() {
            if st.stopped {
                break;
            }
            match st.string {
                Str::Yes { escaped, key } => {
                    // A tight loop to the string's end: event data is
                    // JSON in JSON, full of escaped quotes.
                    let from = i;
                    let mut esc = escaped;
                    let mut end = None;
                    while i < buf.len() {
                        let b = buf[i];
                        if b == b'\n' {
                            end = Some(b);
                            break;
                        }
                        if esc {
                            esc = false;
                        } else if b == b'\\' {
                            esc = true;
                        } else if b == b'"' {
                            end = Some(b);
                            break;
                        }
                        i += 1;
                    }
                    st.out(&buf[from..i]);
                    if key {
                        st.key_byte(&buf[from..i]);
                    }
                    match end {
                        None => {
                            st.string = Str::Yes { escaped: esc, key };
                        }
                        Some(b'"') => {
                            st.out(b"\"");
                            st.string = Str::No;
                            i += 1;
                        }
                        Some(_) => {
                            // A raw newline ends the line, even in a
                            // string (JSON forbids it there).
                            i += 1;
                            ended = true;
                            break;
                        }
                    }
                }
                Str::No => {
                    let b = buf[i];
                    if b == b'{'
                        && st.element.is_empty()
                        && st.capture.is_some_and(|d| d == st.stack.len())
                    {
                        let at = read + i as u64;
                        if may_jump && let Some(to) = st.events.jump(at) {
                            let n = to.saturating_sub(at);
                            let left = (buf.len() - i) as u64;
                            if n <= left {
                                i += n as usize;
                            } else {
                                i = buf.len();
                                beyond = n - left;
                                break;
                            }
                            continue;
                        }
                        if let Some((n, go)) = st.events.fast(&buf[i..]) {
                            i = (i + n).min(buf.len());
                            st.stopped = !go;
                            continue;
                        }
                    }
                    i += 1;
                    if b == b'\n' {
                        ended = true;
                        break;
                    }
                    st.structural(b);
                }
            }
        }
        reader.consume(i);
        read += i as u64;
        if beyond > 0 {
            reader.skip(beyond)?;
            read += beyond;
        }
        if ended || st.stopped {
            break 'outer;
        }
    }
    // A line cut inside an element: the element goes to serde, which says
    // what is wrong with it.
    if !st.stopped && st.capture.is_some() {
        st.flush();
        // Keep the skeleton unbalanced so that serde refuses it.
    }
    Ok(Scanned {
        skeleton: st.skeleton,
        read,
        stopped: st.stopped,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Elements copied out, or (`fast`) those that start with `{"ms"`
    /// taken in place up to their `,`.
    struct Collect {
        fast: bool,
        got: Vec<String>,
    }

    impl Events for Collect {
        fn fast(&mut self, buf: &[u8]) -> Option<(usize, bool)> {
            if !self.fast || !buf.starts_with(b"{\"ms\"") {
                return None;
            }
            let n = buf.iter().position(|&b| b == b',')? + 1;
            self.got
                .push(format!("fast {}", String::from_utf8_lossy(&buf[..n])));
            Some((n, true))
        }

        fn element(&mut self, raw: &[u8]) -> bool {
            self.got.push(String::from_utf8_lossy(raw).into_owned());
            true
        }
    }

    fn scan_with(text: &str, fast: bool) -> (String, Vec<String>, u64) {
        let mut events = Collect {
            fast,
            got: Vec::new(),
        };
        let mut r = text.as_bytes();
        let s = line(&mut r, &mut events).unwrap();
        (String::from_utf8(s.skeleton).unwrap(), events.got, s.read)
    }

    fn scan(text: &str) -> (String, Vec<String>, u64) {
        scan_with(text, false)
    }

    #[test]
    fn elements_taken_in_place_leave_the_same_skeleton() {
        let text = r#"{"response":{"events":[{"ms":1},{"ms":2}, {"x":3}],"done":true}}"#;
        let (skeleton, events, _) = scan_with(text, true);
        assert_eq!(skeleton, r#"{"response":{"events":[],"done":true}}"#);
        assert_eq!(
            events,
            vec![r#"fast {"ms":1},"#, r#"fast {"ms":2},"#, r#"{"x":3}"#]
        );
    }

    #[test]
    fn events_are_split_out_of_the_skeleton() {
        let text = "{\"yap_cassette\":1,\"response\":{\"status\":200,\"events\":[ {\"ms\":1,\"data\":\"a]\\\"}\"} , {\"ms\":2,\"data\":\"b\"}],\"x\":[1,2]},\"z\":{\"events\":[3]}}\nnext";
        let (skeleton, events, read) = scan(text);
        assert_eq!(
            skeleton,
            "{\"yap_cassette\":1,\"response\":{\"status\":200,\"events\":[],\"x\":[1,2]},\"z\":{\"events\":[3]}}"
        );
        assert_eq!(
            events,
            vec![
                "{\"ms\":1,\"data\":\"a]\\\"}\"} ",
                "{\"ms\":2,\"data\":\"b\"}"
            ]
        );
        assert_eq!(read as usize, text.len() - 4);
    }

    #[test]
    fn an_escaped_key_is_not_the_events_key_and_nothing_panics() {
        let (skeleton, events, _) = scan(r#"{"response":{"\u0065vents":[1]}}"#);
        assert!(events.is_empty());
        assert!(skeleton.contains("[1]"));
        for text in [
            "]]]}}}",
            "{\"response\":{\"events\":[{",
            "\"\\",
            "{{{{[[[[",
            "",
        ] {
            scan(text);
        }
    }
}
