//! JSON string literals read 64 bytes at a time.
//!
//! An event's `data` is a JSON text inside a JSON string: an escaped quote
//! every few bytes. Stopping at each escape (a branch the processor cannot
//! predict) cost more than the bytes. Here a block of 64 bytes is turned
//! into bit masks of its quotes, backslashes and control bytes (SSE2 on
//! x86-64 through `safe_arch`, 8-byte words elsewhere; no unsafe code),
//! the escaped characters found for the whole block at once with
//! simdjson's carry trick, and the string's end is the first quote not
//! escaped. [`check_str`] then only looks at the escapes (each must be one
//! JSON knows); [`unescape`] copies the runs between them.
//!
//! Both take the buffer `s` and the index of the string's first byte
//! (after its opening quote), and return the index after its closing
//! quote, or `None`: the string does not end in `s`, or is not what
//! serde_json accepts (the caller reads it the general way, which words
//! the error). Nothing here panics, whatever the bytes.

#[cfg(any(test, not(all(target_arch = "x86_64", target_feature = "sse2"))))]
const LOW7: u64 = 0x7f7f_7f7f_7f7f_7f7f;
#[cfg(any(test, not(all(target_arch = "x86_64", target_feature = "sse2"))))]
const HIGH: u64 = 0x8080_8080_8080_8080;
const ODD: u64 = 0xAAAA_AAAA_AAAA_AAAA;

/// The high bit of each byte of `x` that is zero (exact: no carry crosses
/// a byte).
#[cfg(any(test, not(all(target_arch = "x86_64", target_feature = "sse2"))))]
fn zero_bytes(x: u64) -> u64 {
    !(((x & LOW7).wrapping_add(LOW7)) | x | LOW7)
}

/// The high bits of a word's bytes as the low 8 bits (byte 0 first).
#[cfg(any(test, not(all(target_arch = "x86_64", target_feature = "sse2"))))]
fn pack(m: u64) -> u64 {
    ((m >> 7).wrapping_mul(0x0102_0408_1020_4080)) >> 56
}

/// What a block holds: a bit per byte (byte 0 is bit 0).
#[derive(Default)]
struct Masks {
    quote: u64,
    backslash: u64,
    /// Bytes below 0x20.
    control: u64,
    /// Some byte is not ASCII.
    high: bool,
}

/// SSE2 (every x86-64 has it), 16 bytes per compare, through `safe_arch`
/// (safe wrappers of the intrinsics): four times the speed of words.
#[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
fn masks(b: &[u8; 64]) -> Masks {
    use safe_arch::{
        cmp_eq_mask_i8_m128i, load_unaligned_m128i, max_u8_m128i, move_mask_i8_m128i,
        set_splat_i8_m128i,
    };
    let quote_v = set_splat_i8_m128i(b'"' as i8);
    let backslash_v = set_splat_i8_m128i(b'\\' as i8);
    let below_v = set_splat_i8_m128i(0x1f);
    let mut m = Masks::default();
    let mut high = 0;
    for (k, lane) in b.chunks_exact(16).enumerate() {
        let mut bytes = [0u8; 16];
        bytes.copy_from_slice(lane);
        let v = load_unaligned_m128i(&bytes);
        let bits = |x| u64::from(move_mask_i8_m128i(x) as u16) << (16 * k);
        m.quote |= bits(cmp_eq_mask_i8_m128i(v, quote_v));
        m.backslash |= bits(cmp_eq_mask_i8_m128i(v, backslash_v));
        // max(x, 0x1f) == 0x1f: x <= 0x1f, unsigned.
        m.control |= bits(cmp_eq_mask_i8_m128i(max_u8_m128i(v, below_v), below_v));
        high |= move_mask_i8_m128i(v);
    }
    m.high = high != 0;
    m
}

/// Elsewhere: 8 bytes per word (SWAR).
#[cfg(any(test, not(all(target_arch = "x86_64", target_feature = "sse2"))))]
fn masks_by_words(b: &[u8; 64]) -> Masks {
    let mut m = Masks::default();
    let mut any = 0;
    for (j, w) in b.chunks_exact(8).enumerate() {
        let mut bytes = [0u8; 8];
        bytes.copy_from_slice(w);
        let x = u64::from_le_bytes(bytes);
        m.quote |= pack(zero_bytes(x ^ 0x2222_2222_2222_2222)) << (8 * j);
        m.backslash |= pack(zero_bytes(x ^ 0x5c5c_5c5c_5c5c_5c5c)) << (8 * j);
        m.control |= pack(zero_bytes(x & 0xe0e0_e0e0_e0e0_e0e0)) << (8 * j);
        any |= x;
    }
    m.high = any & HIGH != 0;
    m
}

#[cfg(not(all(target_arch = "x86_64", target_feature = "sse2")))]
fn masks(b: &[u8; 64]) -> Masks {
    masks_by_words(b)
}

/// The characters a backslash escapes (simdjson's scan: runs of
/// backslashes told odd from even by one subtraction). `next` carries
/// whether the next block's first byte is escaped.
fn escaped(backslash: u64, next: &mut u64) -> u64 {
    let potential = backslash & !*next;
    let code = ((potential << 1 | ODD).wrapping_sub(potential)) ^ ODD;
    let escaped = code ^ (backslash | *next);
    *next = (code & backslash) >> 63;
    escaped
}

/// What a block says of the string: its escaped characters and where it
/// ends (64: not in this block).
struct Scan {
    escaped: u64,
    end: usize,
}

/// The block at `s[i..]` (a padded copy when fewer than 64 bytes are
/// left: the padding is no quote, backslash or control byte). `None`: a
/// control byte before the end, or the string does not end in `s`.
fn scan<'a>(
    s: &'a [u8],
    i: usize,
    pad: &'a mut [u8; 64],
    next: &mut u64,
    high: &mut bool,
) -> Option<(Scan, &'a [u8; 64])> {
    let rest = s.get(i..)?;
    let (block, partial): (&[u8; 64], bool) = match rest.first_chunk::<64>() {
        Some(b) => (b, false),
        None => {
            *pad = [b'a'; 64];
            pad[..rest.len()].copy_from_slice(rest);
            (pad, true)
        }
    };
    let m = masks(block);
    *high |= m.high;
    let escaped = escaped(m.backslash, next);
    let quotes = m.quote & !escaped;
    let end = quotes.trailing_zeros() as usize;
    let before = if quotes == 0 { !0 } else { (1u64 << end) - 1 };
    if (partial && quotes == 0) || m.control & before != 0 {
        return None;
    }
    Some((
        Scan {
            escaped: escaped & before,
            end: end.min(64),
        },
        block,
    ))
}

/// The characters JSON allows after a backslash.
const ESCAPES: [bool; 256] = {
    let mut t = [false; 256];
    let ok = b"\"\\/bfnrtu";
    let mut k = 0;
    while k < ok.len() {
        t[ok[k] as usize] = true;
        k += 1;
    }
    t
};

/// Check the string as serde_json does (no raw control byte, known
/// escapes, four hex digits after `\u`, UTF-8).
pub fn check_str(s: &[u8], from: usize) -> Option<usize> {
    let mut i = from;
    let mut next = 0;
    let mut high = false;
    let mut pad = [0; 64];
    loop {
        let (scan, block) = scan(s, i, &mut pad, &mut next, &mut high)?;
        let mut e = scan.escaped;
        while e != 0 {
            let p = e.trailing_zeros() as usize;
            e &= e - 1;
            let c = block[p];
            if !ESCAPES[usize::from(c)]
                || (c == b'u'
                    && !s
                        .get(i + p + 1..i + p + 5)?
                        .iter()
                        .all(u8::is_ascii_hexdigit))
            {
                return None;
            }
        }
        if scan.end < 64 {
            let end = i + scan.end;
            if high && std::str::from_utf8(s.get(from..end)?).is_err() {
                return None;
            }
            return Some(end + 1);
        }
        i += 64;
    }
}

/// The byte an escaped character stands for (0: `n` and `u`, which take
/// more). A CR becomes a space: it would end the SSE line.
const BYTE: [u8; 256] = {
    let mut t = [0u8; 256];
    t[b'"' as usize] = b'"';
    t[b'\\' as usize] = b'\\';
    t[b'/' as usize] = b'/';
    t[b'b' as usize] = 8;
    t[b'f' as usize] = 12;
    t[b'r' as usize] = b' ';
    t[b't' as usize] = b'\t';
    t
};

/// Copy `s[from..to]` to `o[at..]`. A run between two escapes is a few
/// bytes: one copy of a fixed 16 bytes (`o` has room for the overshoot)
/// costs less than a copy of the exact length, which is a call.
fn copy_run(o: &mut [u8], at: usize, s: &[u8], from: usize, to: usize) -> Option<()> {
    let n = to.checked_sub(from)?;
    if n <= 16
        && let (Some(src), Some(dst)) = (s.get(from..from + 16), o.get_mut(at..at + 16))
    {
        dst.copy_from_slice(src);
        return Some(());
    }
    o.get_mut(at..at + n)?.copy_from_slice(s.get(from..to)?);
    Some(())
}

/// Append the text of the string to `out`, writing `newline` for each LF
/// and a space for each CR (as `read::unescape_into`). A lone surrogate
/// or bad hex after `\u` becomes U+FFFD; a raw control byte or an unknown
/// escape declines (`out` may then hold part of the string: the caller
/// cuts it back).
pub fn unescape(s: &[u8], from: usize, out: &mut Vec<u8>, newline: &[u8]) -> Option<usize> {
    let mut i = from;
    let mut next = 0;
    let mut high = false;
    // Bytes at the start of this block a `\u` escape already used.
    let mut skip = 0;
    // The most one block can write: an escape (2 bytes in) writes at most
    // the newline or 4 bytes, plain bytes one each; then a copy's overshoot.
    let room = 32 * newline.len().max(4) + 24;
    let mut pad = [0; 64];
    loop {
        let (scan, block) = scan(s, i, &mut pad, &mut next, &mut high)?;
        let base = out.len();
        out.resize(base + room, 0);
        let o = &mut out[base..];
        let mut k = 0;
        let mut pos = skip;
        let mut e = scan.escaped & (!0u64).checked_shl(skip as u32).unwrap_or(0);
        while e != 0 {
            let p = e.trailing_zeros() as usize;
            e &= e - 1;
            // The run before the backslash (none: it ended the last block).
            let run_end = p.saturating_sub(1).max(pos);
            copy_run(o, k, s, i + pos, i + run_end)?;
            k += run_end - pos;
            pos = p + 1;
            let c = block[p];
            let b = BYTE[usize::from(c)];
            let put: &[u8] = if b != 0 {
                o[k] = b;
                k += 1;
                continue;
            } else if c == b'n' {
                newline
            } else if c == b'u' {
                let (ch, j) = super::fast::code_point(s, i + p + 1);
                // Escapes inside what the code point used are not escapes.
                pos = j - i;
                e &= (!0u64).checked_shl(pos as u32).unwrap_or(0);
                match ch {
                    Some('\n') => newline,
                    Some('\r') => b" ",
                    Some(ch) => {
                        k += ch.encode_utf8(o.get_mut(k..k + 4)?).len();
                        continue;
                    }
                    None => "\u{fffd}".as_bytes(),
                }
            } else {
                return None;
            };
            o.get_mut(k..k + put.len())?.copy_from_slice(put);
            k += put.len();
        }
        // A backslash that ends the block escapes the next one's first
        // byte: it is not copied.
        let stop = if scan.end < 64 {
            scan.end
        } else {
            64 - next as usize
        };
        if pos < stop {
            copy_run(o, k, s, i + pos, i + stop)?;
            k += stop - pos;
        }
        out.truncate(base + k);
        if scan.end < 64 {
            return Some(i + scan.end + 1);
        }
        // A code point that ran into the next block used its first bytes;
        // the backslash carry is then no escape of that block.
        skip = pos.saturating_sub(64);
        if skip > 0 {
            next = 0;
        }
        i += 64;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The escaped characters of `s`, one byte at a time.
    fn escaped_slow(s: &[u8]) -> Vec<bool> {
        let mut out = vec![false; s.len()];
        let mut esc = false;
        for (k, &b) in s.iter().enumerate() {
            if esc {
                out[k] = true;
                esc = false;
            } else if b == b'\\' {
                esc = true;
            }
        }
        out
    }

    /// The old walk, byte by byte: the reference for `unescape`.
    fn unescape_slow(s: &[u8], from: usize, newline: &[u8]) -> Option<(Vec<u8>, usize)> {
        let mut out = Vec::new();
        let mut i = from;
        loop {
            let b = *s.get(i)?;
            i += 1;
            match b {
                b'"' => return Some((out, i)),
                0..0x20 => return None,
                b'\\' => {
                    let c = *s.get(i)?;
                    i += 1;
                    match c {
                        b'n' => out.extend_from_slice(newline),
                        b'u' => {
                            let (ch, j) = super::super::fast::code_point(s, i);
                            i = j;
                            match ch {
                                Some('\n') => out.extend_from_slice(newline),
                                Some('\r') => out.push(b' '),
                                Some(ch) => {
                                    out.extend_from_slice(ch.encode_utf8(&mut [0; 4]).as_bytes())
                                }
                                None => out.extend_from_slice("\u{fffd}".as_bytes()),
                            }
                        }
                        _ if BYTE[usize::from(c)] != 0 => out.push(BYTE[usize::from(c)]),
                        _ => return None,
                    }
                }
                _ => out.push(b),
            }
        }
    }

    /// Does serde_json take `s[from-1..end]` as a string?
    fn serde_end(s: &[u8], from: usize) -> Option<usize> {
        let text = s.get(from - 1..)?;
        let mut de = serde_json::Deserializer::from_slice(text);
        let raw: &serde_json::value::RawValue = serde::Deserialize::deserialize(&mut de).ok()?;
        raw.get()
            .starts_with('"')
            .then(|| from - 1 + raw.get().len())
    }

    /// Strings dense in what matters: quotes, backslash runs, escapes,
    /// control bytes, non-ASCII, block edges.
    fn piece() -> impl Strategy<Value = Vec<u8>> {
        prop_oneof![
            Just(b"\\\"".to_vec()),
            Just(b"\\\\".to_vec()),
            Just(b"\\n".to_vec()),
            Just(b"\\r".to_vec()),
            Just(b"\\/".to_vec()),
            Just(b"\\u00e9".to_vec()),
            Just(b"\\u000a".to_vec()),
            Just(b"\\ud83d\\ude00".to_vec()),
            Just(b"\\ud83d".to_vec()),
            Just(b"\\u12g4".to_vec()),
            Just(b"\\x".to_vec()),
            Just(b"\\".to_vec()),
            Just(b"\"".to_vec()),
            Just(b"\t".to_vec()),
            Just("é€😀".as_bytes().to_vec()),
            Just(vec![0xff]),
            "[a-z ]{0,70}".prop_map(String::into_bytes),
        ]
    }

    fn text() -> impl Strategy<Value = Vec<u8>> {
        prop::collection::vec(piece(), 0..40).prop_map(|v| v.concat())
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]

        #[test]
        fn escaped_matches_a_walk_byte_by_byte(s in prop::collection::vec(
            prop_oneof![Just(b'\\'), Just(b'a'), Just(b'"')], 0..300)) {
            let slow = escaped_slow(&s);
            let mut next = 0;
            for (k, chunk) in s.chunks(64).enumerate() {
                let mut block = [b'a'; 64];
                block[..chunk.len()].copy_from_slice(chunk);
                let m = masks(&block);
                let e = escaped(m.backslash, &mut next);
                for (j, &want) in slow[k * 64..k * 64 + chunk.len()].iter().enumerate() {
                    prop_assert_eq!(e >> j & 1 == 1, want, "byte {}", k * 64 + j);
                }
            }
        }

        #[test]
        fn check_str_takes_what_serde_json_takes(lead in 1usize..70, body in text(), tail in text()) {
            let mut s = vec![b'x'; lead];
            s[lead - 1] = b'"';
            s.extend_from_slice(&body);
            s.extend_from_slice(&tail);
            let got = check_str(&s, lead);
            let want = serde_end(&s, lead);
            prop_assert_eq!(got, want);
        }

        #[test]
        fn unescape_writes_what_a_walk_writes(lead in 1usize..70, body in text(), tail in text(), nl in 0usize..2) {
            let newline: &[u8] = [&b"\n"[..], b"\ndata: "][nl];
            let mut s = vec![b'x'; lead];
            s[lead - 1] = b'"';
            s.extend_from_slice(&body);
            s.extend_from_slice(&tail);
            let mut out = b"keep".to_vec();
            let got = unescape(&s, lead, &mut out, newline);
            let want = unescape_slow(&s, lead, newline);
            match want {
                Some((text, end)) => {
                    prop_assert_eq!(got, Some(end));
                    prop_assert_eq!(&out[4..], &text[..]);
                    prop_assert_eq!(&out[..4], b"keep");
                }
                None => prop_assert_eq!(got, None),
            }
        }
    }

    proptest! {
        #[test]
        fn both_ways_of_making_masks_agree(v in prop::collection::vec(
            prop_oneof![Just(b'"'), Just(b'\\'), any::<u8>()], 64)) {
            let b: [u8; 64] = v.try_into().unwrap();
            let (x, y) = (masks(&b), masks_by_words(&b));
            prop_assert_eq!(
                (x.quote, x.backslash, x.control, x.high),
                (y.quote, y.backslash, y.control, y.high)
            );
            let want = |f: fn(u8) -> bool| {
                b.iter().enumerate().fold(0u64, |m, (j, &c)| m | (u64::from(f(c)) << j))
            };
            prop_assert_eq!(x.quote, want(|c| c == b'"'));
            prop_assert_eq!(x.backslash, want(|c| c == b'\\'));
            prop_assert_eq!(x.control, want(|c| c < 0x20));
            prop_assert_eq!(x.high, !b.is_ascii());
        }
    }

    #[test]
    fn a_string_cut_by_the_buffer_is_declined() {
        for s in [&b"abc"[..], b"abc\\", b"abc\\\"", b""] {
            assert_eq!(check_str(s, 0), None);
            assert_eq!(unescape(s, 0, &mut Vec::new(), b"\n"), None);
        }
        let long = [b'a'; 200];
        assert_eq!(check_str(&long, 0), None);
        let mut s = long.to_vec();
        s.push(b'"');
        assert_eq!(check_str(&s, 3), Some(201));
    }
}
