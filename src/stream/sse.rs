//! An incremental Server-Sent Events decoder (WHATWG HTML §9.2.5–9.2.6).
//!
//! Bytes go in as they arrive, in reads cut anywhere; events come out
//! through a callback, borrowed from the decoder's buffers, so the steady
//! state allocates nothing. Line ends are CR LF, lone CR or lone LF (a CR at
//! the end of one read and the LF at the start of the next are one line
//! end). Lines are split on bytes, and line ends are ASCII, so a UTF-8
//! character cut across reads is joined before it is decoded. One leading
//! BOM is skipped. A block not closed by an empty line when the stream ends
//! is discarded. The buffer holds at most one unfinished line.

const BOM: &[u8] = b"\xEF\xBB\xBF";

/// One dispatched event. `data` has its trailing LF removed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SseEvent<'a> {
    pub kind: &'a str,
    pub data: &'a str,
    pub last_event_id: &'a str,
}

#[derive(Debug, Default)]
pub struct SseDecoder {
    /// Bytes of a line whose end has not arrived yet.
    pending: Vec<u8>,
    started: bool,
    /// The previous read ended in CR: an LF first in this read is its pair.
    skip_lf: bool,
    data: String,
    kind: String,
    last_event_id: String,
    /// Comment lines seen (keep-alives).
    pub comments: u64,
    /// The largest line or event accepted; past it the decoder stops.
    limit: usize,
    over_limit: bool,
}

impl SseDecoder {
    pub fn new() -> SseDecoder {
        SseDecoder::with_limit(usize::MAX)
    }

    /// A decoder that gives up (see [`SseDecoder::over_limit`]) on a line
    /// or event longer than `limit` bytes, so that a server sending an
    /// endless line cannot exhaust memory.
    pub fn with_limit(limit: usize) -> SseDecoder {
        SseDecoder {
            limit,
            ..SseDecoder::default()
        }
    }

    /// Did a line or an event pass the limit? Nothing more is decoded then.
    pub fn over_limit(&self) -> bool {
        self.over_limit
    }

    /// Feed the next read. `on_event` may return an error to stop early.
    pub fn feed<E>(
        &mut self,
        input: &[u8],
        on_event: &mut impl FnMut(SseEvent<'_>) -> Result<(), E>,
    ) -> Result<(), E> {
        if self.over_limit {
            return Ok(());
        }
        if !self.started {
            self.pending.extend_from_slice(input);
            if self.pending.len() < BOM.len() && BOM.starts_with(&self.pending) {
                return Ok(());
            }
            self.started = true;
            let mut buf = std::mem::take(&mut self.pending);
            let start = if buf.starts_with(BOM) { BOM.len() } else { 0 };
            let result = self.lines(&buf[start..], on_event);
            if self.pending.is_empty() {
                buf.clear();
                self.pending = buf;
            }
            return result;
        }
        self.lines(input, on_event)
    }

    fn give_up(&mut self) {
        self.over_limit = true;
        self.pending = Vec::new();
        self.data = String::new();
    }

    /// The stream ended: whatever block or line is unfinished is dropped.
    /// Returns true when something was dropped.
    pub fn finish(&mut self) -> bool {
        let dropped = !self.pending.is_empty() || !self.data.is_empty();
        self.pending.clear();
        self.data.clear();
        self.kind.clear();
        dropped
    }

    fn lines<E>(
        &mut self,
        bytes: &[u8],
        on_event: &mut impl FnMut(SseEvent<'_>) -> Result<(), E>,
    ) -> Result<(), E> {
        let mut start = 0;
        if self.skip_lf && !bytes.is_empty() {
            self.skip_lf = false;
            if bytes[0] == b'\n' {
                start = 1;
            }
        }
        while start < bytes.len() {
            let rest = &bytes[start..];
            let Some(pos) = memchr::memchr2(b'\n', b'\r', rest) else {
                if self.pending.len() + rest.len() > self.limit {
                    self.give_up();
                } else {
                    self.pending.extend_from_slice(rest);
                }
                break;
            };
            let end = start + pos;
            if self.pending.is_empty() {
                self.line(&bytes[start..end], on_event)?;
            } else {
                self.pending.extend_from_slice(&bytes[start..end]);
                let line = std::mem::take(&mut self.pending);
                let result = self.line(&line, on_event);
                self.pending = line;
                self.pending.clear();
                result?;
            }
            if self.over_limit {
                return Ok(());
            }
            start = end + 1;
            if bytes[end] == b'\r' {
                if start < bytes.len() {
                    if bytes[start] == b'\n' {
                        start += 1;
                    }
                } else {
                    self.skip_lf = true;
                }
            }
        }
        Ok(())
    }

    fn line<E>(
        &mut self,
        raw: &[u8],
        on_event: &mut impl FnMut(SseEvent<'_>) -> Result<(), E>,
    ) -> Result<(), E> {
        if raw.is_empty() {
            return self.dispatch(on_event);
        }
        if raw[0] == b':' {
            self.comments += 1;
            return Ok(());
        }
        // The field name is compared as bytes; the value is validated, and
        // only invalid bytes take the (slower) lossy decoder, becoming
        // U+FFFD as the standard says.
        let (field, value): (&[u8], &[u8]) = match memchr::memchr(b':', raw) {
            Some(i) => {
                let v = &raw[i + 1..];
                (&raw[..i], v.strip_prefix(b" ").unwrap_or(v))
            }
            None => (raw, b""),
        };
        match field {
            b"data" => {
                if self.data.len() + value.len() >= self.limit {
                    self.give_up();
                    return Ok(());
                }
                push_text(&mut self.data, value);
                self.data.push('\n');
            }
            b"event" => {
                self.kind.clear();
                push_text(&mut self.kind, value);
            }
            b"id" if !value.contains(&0) => {
                self.last_event_id.clear();
                push_text(&mut self.last_event_id, value);
            }
            // `retry` only matters to EventSource reconnection; other
            // fields are ignored, as the standard says.
            _ => {}
        }
        Ok(())
    }

    fn dispatch<E>(
        &mut self,
        on_event: &mut impl FnMut(SseEvent<'_>) -> Result<(), E>,
    ) -> Result<(), E> {
        if self.data.is_empty() {
            self.kind.clear();
            return Ok(());
        }
        let data = &self.data[..self.data.len() - 1];
        let kind = if self.kind.is_empty() {
            "message"
        } else {
            &self.kind
        };
        let result = on_event(SseEvent {
            kind,
            data,
            last_event_id: &self.last_event_id,
        });
        self.data.clear();
        self.kind.clear();
        result
    }
}

/// Append `bytes` as text: validated, and only invalid bytes take the
/// (slower) lossy decoder, becoming U+FFFD as the standard says.
fn push_text(buf: &mut String, bytes: &[u8]) {
    match std::str::from_utf8(bytes) {
        Ok(text) => buf.push_str(text),
        Err(_) => buf.push_str(&String::from_utf8_lossy(bytes)),
    }
}

/// Decode a whole input cut at the given offsets (tests and benches).
pub fn decode_all(input: &[u8], cuts: &[usize]) -> Vec<(String, String, String)> {
    let mut out = Vec::new();
    let mut dec = SseDecoder::new();
    let mut push = |e: SseEvent<'_>| -> Result<(), ()> {
        out.push((
            e.kind.to_string(),
            e.data.to_string(),
            e.last_event_id.to_string(),
        ));
        Ok(())
    };
    let mut prev = 0;
    for &cut in cuts.iter().chain([&input.len()]) {
        let cut = cut.clamp(prev, input.len());
        let _ = dec.feed(&input[prev..cut], &mut push);
        prev = cut;
    }
    dec.finish();
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn events(input: &[u8]) -> Vec<(String, String, String)> {
        decode_all(input, &[])
    }

    fn ev(kind: &str, data: &str, id: &str) -> (String, String, String) {
        (kind.into(), data.into(), id.into())
    }

    #[test]
    fn line_ends_lf_cr_crlf_mixed() {
        let want = vec![
            ev("message", "a", ""),
            ev("message", "b", ""),
            ev("message", "c", ""),
        ];
        assert_eq!(events(b"data: a\n\ndata: b\r\rdata: c\r\n\r\n"), want);
    }

    #[test]
    fn cr_at_end_of_read_then_lf() {
        let input = b"data: a\r\n\r\ndata: b\r\n\r\n";
        for cut in 0..input.len() {
            assert_eq!(decode_all(input, &[cut]).len(), 2, "cut at {cut}");
        }
    }

    #[test]
    fn comments_fields_and_multiline_data() {
        let input = b": ping\nevent: error\nid: 7\ndata:x\ndata:  y\nretry: 10\nfoo: bar\n\n";
        assert_eq!(events(input), vec![ev("error", "x\n y", "7")]);
    }

    #[test]
    fn bare_data_and_bare_id() {
        let input = b"id: 1\ndata\n\nid\ndata: z\n\n";
        assert_eq!(
            events(input),
            vec![ev("message", "", "1"), ev("message", "z", "")]
        );
    }

    #[test]
    fn bom_is_skipped_once_even_when_split() {
        let input = b"\xEF\xBB\xBFdata: a\n\n";
        for cut in 0..5 {
            assert_eq!(
                decode_all(input, &[cut]),
                vec![ev("message", "a", "")],
                "cut {cut}"
            );
        }
        assert_eq!(events(b"\xEF\xBB\xBF\xEF\xBB\xBFdata: a\n\n").len(), 0);
    }

    #[test]
    fn unfinished_block_is_discarded() {
        assert_eq!(
            events(b"data: a\n\ndata: b\n"),
            vec![ev("message", "a", "")]
        );
        assert_eq!(events(b"data: a\n\ndata: b"), vec![ev("message", "a", "")]);
    }

    #[test]
    fn utf8_split_across_reads_is_whole() {
        let input = "data: é€😀\n\n".as_bytes();
        for cut in 0..input.len() {
            assert_eq!(decode_all(input, &[cut]), vec![ev("message", "é€😀", "")]);
        }
    }

    #[test]
    fn lines_and_events_over_the_limit_stop_the_decoder() {
        let mut n = 0;
        let mut count = |_: SseEvent<'_>| -> Result<(), ()> {
            n += 1;
            Ok(())
        };
        let mut dec = SseDecoder::with_limit(16);
        dec.feed(b"data: short\n\n", &mut count).unwrap();
        assert!(!dec.over_limit());
        for _ in 0..100 {
            dec.feed(b"xxxxxxxxxx", &mut count).unwrap();
        }
        assert!(dec.over_limit());
        assert!(dec.pending.capacity() <= 32);
        let mut dec = SseDecoder::with_limit(16);
        dec.feed(b"data: 0123456789\ndata: 0123456789\n\n", &mut count)
            .unwrap();
        assert!(dec.over_limit());
        assert_eq!(n, 1);
    }

    #[test]
    fn invalid_utf8_becomes_replacement() {
        assert_eq!(
            events(b"data: a\xFFb\n\n"),
            vec![ev("message", "a\u{FFFD}b", "")]
        );
    }

    // One test per WHATWG event-stream rule (HTML §9.2.6).

    #[test]
    fn rule_lf_cr_and_crlf_each_end_a_line() {
        for end in ["\n", "\r", "\r\n"] {
            let input = format!("data: x{end}{end}data: y{end}{end}");
            assert_eq!(
                events(input.as_bytes()),
                vec![ev("message", "x", ""), ev("message", "y", "")],
                "{end:?}"
            );
        }
    }

    #[test]
    fn rule_one_leading_bom_is_ignored() {
        assert_eq!(
            events(b"\xEF\xBB\xBFdata: a\n\n"),
            vec![ev("message", "a", "")]
        );
    }

    #[test]
    fn rule_a_field_with_no_colon_has_an_empty_value() {
        // `data` alone adds an empty line; `event` alone resets the type.
        assert_eq!(
            events(b"data\ndata: x\n\nevent: e\nevent\ndata: y\n\n"),
            vec![ev("message", "\nx", ""), ev("message", "y", "")]
        );
    }

    #[test]
    fn rule_one_leading_space_is_stripped_from_the_value() {
        assert_eq!(
            events(b"data:a\n\ndata: b\n\ndata:  c\n\n"),
            vec![
                ev("message", "a", ""),
                ev("message", "b", ""),
                ev("message", " c", "")
            ]
        );
    }

    #[test]
    fn rule_data_lines_join_with_lf_and_the_last_lf_goes() {
        assert_eq!(
            events(b"data: a\ndata:\ndata: b\n\n"),
            vec![ev("message", "a\n\nb", "")]
        );
    }

    #[test]
    fn rule_a_block_with_empty_data_is_not_dispatched() {
        // No data line at all: nothing, and the type does not leak on.
        assert_eq!(
            events(b"event: ping\n\nid: 3\n\ndata: x\n\n"),
            vec![ev("message", "x", "3")]
        );
    }

    #[test]
    fn rule_comments_and_unknown_fields_are_ignored() {
        assert_eq!(
            events(b": keep-alive\nfoo: bar\ndata: x\nDATA: y\n\n"),
            vec![ev("message", "x", "")]
        );
    }

    #[test]
    fn rule_retry_is_ignored_whatever_its_value() {
        assert_eq!(
            events(b"retry: 10\nretry: abc\nretry\nretry: -1\ndata: x\n\n"),
            vec![ev("message", "x", "")]
        );
    }

    #[test]
    fn rule_id_persists_an_empty_id_resets_and_a_nul_is_ignored() {
        assert_eq!(
            events(b"id: 1\ndata: a\n\ndata: b\n\nid: 2\x003\ndata: c\n\nid:\ndata: d\n\n"),
            vec![
                ev("message", "a", "1"),
                ev("message", "b", "1"),
                ev("message", "c", "1"),
                ev("message", "d", "")
            ]
        );
    }

    proptest! {
        #[test]
        fn any_chunking_gives_the_same_events(
            body in proptest::collection::vec(
                prop_oneof![
                    Just(b"data: x\n".to_vec()), Just(b"data:y\r\n".to_vec()),
                    Just(b"\n".to_vec()), Just(b"\r".to_vec()), Just(b"\r\n".to_vec()),
                    Just(b": c\n".to_vec()), Just(b"event: e\n".to_vec()),
                    Just("data: é😀\n".as_bytes().to_vec()), Just(b"id: 4\n".to_vec()),
                ],
                0..40,
            ),
            mut cuts in proptest::collection::vec(0usize..400, 0..12),
        ) {
            let input: Vec<u8> = body.concat();
            cuts.sort_unstable();
            prop_assert_eq!(decode_all(&input, &cuts), decode_all(&input, &[]));
            let bytewise: Vec<usize> = (1..input.len()).collect();
            prop_assert_eq!(decode_all(&input, &bytewise), decode_all(&input, &[]));
        }
    }
}
