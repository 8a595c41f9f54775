//! The fast path for one element of `response.events`, read straight from
//! the scanner's buffer: the shape yap writes (`{"ms":N,"event":"…",
//! "data":"…"}`, no whitespace, keys without escapes, `event` before
//! `data`), followed by the `,` or `]` after it. Anything else (another
//! member, spaces, an element cut by the buffer's end, an error) is
//! declined (`None`) and read the general way (the scanner's copy, then
//! serde), which is also what words an error: the fast path accepts only
//! what serde accepts and never reports anything itself.
//!
//! Two uses, one walk: [`check`] (the first pass: strings checked as JSON
//! checks them, nothing kept) and [`play`] (the second: the event written
//! as the SSE bytes a server sends, its strings unescaped on the way).
//! The strings themselves are read 64 bytes at a time ([`super::block`]).

use super::block;

/// Bytes a JSON string cannot hold raw, or that end or escape it.
const QUOTE: u8 = 1;
const BACKSLASH: u8 = 2;
const CONTROL: u8 = 3;

const CLASS: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut b = 0;
    while b < 256 {
        t[b] = if b < 0x20 {
            CONTROL
        } else if b == b'"' as usize {
            QUOTE
        } else if b == b'\\' as usize {
            BACKSLASH
        } else {
            0
        };
        b += 1;
    }
    t
};

/// What is done with the two strings of an event.
trait Strings {
    /// The string whose content starts at `s[i]` (after its opening quote):
    /// the index after its closing quote, or `None` to decline.
    fn event(&mut self, s: &[u8], i: usize) -> Option<usize>;
    fn data(&mut self, s: &[u8], i: usize) -> Option<usize>;
}

/// One element at the start of `s`: its `ms` and the bytes it took (its
/// `,` included; a `]` after it is left to the scanner).
fn element<S: Strings>(s: &[u8], strings: &mut S) -> Option<(u64, usize)> {
    if s.first() != Some(&b'{') {
        return None;
    }
    let mut i = 1;
    let mut ms = None;
    let mut event = false;
    let mut data = false;
    loop {
        if *s.get(i)? != b'"' {
            return None;
        }
        let k = i + 1;
        let n = s
            .get(k..)?
            .iter()
            .position(|&b| CLASS[usize::from(b)] != 0)?;
        if s[k + n] != b'"' {
            return None;
        }
        let key = &s[k..k + n];
        i = k + n + 1;
        if *s.get(i)? != b':' {
            return None;
        }
        i += 1;
        match *key {
            [b'm', b's'] if ms.is_none() => {
                let (v, j) = number(s, i)?;
                ms = Some(v);
                i = j;
            }
            [b'e', b'v', b'e', b'n', b't'] if !event && !data && *s.get(i)? == b'"' => {
                event = true;
                i = strings.event(s, i + 1)?;
            }
            [b'd', b'a', b't', b'a'] if !data && *s.get(i)? == b'"' => {
                data = true;
                i = strings.data(s, i + 1)?;
            }
            _ => return None,
        }
        match *s.get(i)? {
            b',' => i += 1,
            b'}' => {
                i += 1;
                break;
            }
            _ => return None,
        }
    }
    let ms = ms.filter(|_| data)?;
    match *s.get(i)? {
        b',' => Some((ms, i + 1)),
        b']' => Some((ms, i)),
        _ => None,
    }
}

/// A `u64` as JSON writes it (no sign, fraction, exponent or leading 0).
fn number(s: &[u8], from: usize) -> Option<(u64, usize)> {
    let mut i = from;
    let mut v: u64 = 0;
    while let Some(&b) = s.get(i) {
        if !b.is_ascii_digit() {
            break;
        }
        v = v.checked_mul(10)?.checked_add(u64::from(b - b'0'))?;
        i += 1;
    }
    if i == from || (s[from] == b'0' && i - from > 1) {
        return None;
    }
    Some((v, i))
}

struct Check;

impl Strings for Check {
    fn event(&mut self, s: &[u8], i: usize) -> Option<usize> {
        block::check_str(s, i)
    }

    fn data(&mut self, s: &[u8], i: usize) -> Option<usize> {
        block::check_str(s, i)
    }
}

/// The first pass: is the element at the start of `s` a good event? Its
/// length (with its `,`), or `None`: read it the general way.
pub fn check(s: &[u8]) -> Option<usize> {
    element(s, &mut Check).map(|(_, n)| n)
}

/// The code point of the `\u` escape whose hex digits start at `s[i]`,
/// with a surrogate pair's second half: the char (`None`: U+FFFD) and the
/// index after what was used. Bad hex uses nothing.
pub fn code_point(s: &[u8], mut i: usize) -> (Option<char>, usize) {
    let hex = |at: usize| {
        s.get(at..at + 4)
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u32::from_str_radix(h, 16).ok())
    };
    let Some(first) = hex(i) else {
        return (None, i);
    };
    i += 4;
    let code = if (0xD800..0xDC00).contains(&first)
        && s.get(i) == Some(&b'\\')
        && s.get(i + 1) == Some(&b'u')
        && let Some(second) = hex(i + 2)
        && (0xDC00..0xE000).contains(&second)
    {
        i += 6;
        0x10000 + ((first - 0xD800) << 10) + (second - 0xDC00)
    } else {
        first
    };
    (char::from_u32(code), i)
}

struct Play<'a> {
    out: &'a mut Vec<u8>,
}

impl Strings for Play<'_> {
    fn event(&mut self, s: &[u8], i: usize) -> Option<usize> {
        self.out.extend_from_slice(b"event: ");
        let start = self.out.len();
        let end = block::unescape(s, i, self.out, b"\n")?;
        // A name cannot hold a line break: it would end the field.
        for b in &mut self.out[start..] {
            if *b == b'\n' || *b == b'\r' {
                *b = b' ';
            }
        }
        self.out.push(b'\n');
        Some(end)
    }

    fn data(&mut self, s: &[u8], i: usize) -> Option<usize> {
        self.out.extend_from_slice(b"data: ");
        let end = block::unescape(s, i, self.out, b"\ndata: ")?;
        self.out.extend_from_slice(b"\n\n");
        Some(end)
    }
}

/// The second pass: append the element at the start of `s` to `out` as
/// SSE bytes; its `ms` and length (with its `,`), or `None` (and `out` as
/// it was): read it the general way.
pub fn play(s: &[u8], out: &mut Vec<u8>) -> Option<(u64, usize)> {
    let mark = out.len();
    let got = element(s, &mut Play { out: &mut *out });
    if got.is_none() {
        out.truncate(mark);
    }
    got
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_written_shape_is_taken_and_others_declined() {
        let good = br#"{"ms":12,"event":"error","data":"{\"a\":\"b\\nc\u00e9\ud83d\ude00\"}\n"},x"#;
        let n = check(good).unwrap();
        assert_eq!(&good[n..], b"x");
        let mut out = b"keep".to_vec();
        assert_eq!(play(good, &mut out), Some((12, n)));
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "keepevent: error\ndata: {\"a\":\"b\\nc\u{e9}\u{1f600}\"}\ndata: \n\n"
        );
        assert_eq!(check(br#"{"ms":1,"data":"x"}]"#), Some(19));
        for bad in [
            &br#"{"ms":1,"data":"x"}"#[..],
            br#"{"ms":1,"data":"x"} ,"#,
            br#"{"ms":1,"data":"x"}{"#,
            br#"{ "ms":1,"data":"x"},"#,
            br#"{"ms":01,"data":"x"},"#,
            br#"{"ms":1.0,"data":"x"},"#,
            br#"{"ms":-1,"data":"x"},"#,
            br#"{"ms":99999999999999999999,"data":"x"},"#,
            br#"{"ms":1,"ms":2,"data":"x"},"#,
            br#"{"ms":1,"data":"x","data":"y"},"#,
            br#"{"ms":1,"data":"x","event":"e"},"#,
            br#"{"ms":1,"data":"x","other":1},"#,
            br#"{"ms":1,"data":1},"#,
            br#"{"ms":1,"event":null,"data":"x"},"#,
            br#"{"data":"x"},"#,
            br#"{"ms":1},"#,
            br#"{"m\u0073":1,"data":"x"},"#,
            br#"{"ms":1,"data":"\x"},"#,
            br#"{"ms":1,"data":"\u12g4"},"#,
            b"{\"ms\":1,\"data\":\"a\tb\"},",
            b"{\"ms\":1,\"data\":\"\xff\"},",
            br#"{"ms":1,"data":"x"#,
            br#"{"ms":1,"data":"x\"#,
            b"",
        ] {
            assert_eq!(check(bad), None, "{}", String::from_utf8_lossy(bad));
            let mut out = b"keep".to_vec();
            if play(bad, &mut out).is_none() {
                assert_eq!(out, b"keep");
            }
        }
    }
}
