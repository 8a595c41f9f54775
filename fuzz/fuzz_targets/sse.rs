//! The SSE decoder gives the same events however the input is cut into
//! reads: whole, at a few offsets derived from the input, and one byte at a
//! time. Also checked: the comment count and `finish()`'s verdict do not
//! depend on the cuts, and a callback that stops early has seen a prefix of
//! the events.
#![no_main]

use libfuzzer_sys::fuzz_target;
use yap::stream::sse::{SseDecoder, SseEvent, decode_all};

type Event = (String, String, String);

fn own(e: SseEvent<'_>) -> Event {
    (
        e.kind.to_string(),
        e.data.to_string(),
        e.last_event_id.to_string(),
    )
}

/// Feed `input` cut at `cuts` (sorted, in range); the events, the comment
/// count and what `finish()` returned.
fn run(input: &[u8], cuts: &[usize]) -> (Vec<Event>, u64, bool) {
    let mut dec = SseDecoder::new();
    let mut out = Vec::new();
    let mut push = |e: SseEvent<'_>| -> Result<(), ()> {
        out.push(own(e));
        Ok(())
    };
    let mut prev = 0;
    for &cut in cuts.iter().chain([&input.len()]) {
        dec.feed(&input[prev..cut], &mut push).unwrap();
        prev = cut;
    }
    let dropped = dec.finish();
    (out, dec.comments, dropped)
}

/// Up to five cut offsets from a small PRNG seeded by the first byte and
/// the length, plus the offset just after the first CR (the CR|LF split).
fn cuts_for(input: &[u8]) -> Vec<usize> {
    let len = input.len();
    let Some(&seed) = input.first() else {
        return Vec::new();
    };
    let mut x = u64::from(seed) << 32 | len as u64 | 1;
    let mut cuts: Vec<usize> = (0..usize::from(seed % 5))
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            (x % (len as u64 + 1)) as usize
        })
        .collect();
    if let Some(cr) = input.iter().position(|&b| b == b'\r') {
        cuts.push(cr + 1);
    }
    // Inside a leading BOM.
    if seed & 0x80 != 0 {
        cuts.push(1.min(len));
    }
    cuts.sort_unstable();
    cuts
}

fuzz_target!(|input: &[u8]| {
    let whole = run(input, &[]);
    let reference = decode_all(input, &[]);
    assert_eq!(whole.0, reference, "feed(whole) differs from decode_all");

    let cuts = cuts_for(input);
    let split = run(input, &cuts);
    assert_eq!(split.0, reference, "events differ when cut at {cuts:?}");
    assert_eq!(split.1, whole.1, "comment count differs when cut at {cuts:?}");
    assert_eq!(split.2, whole.2, "finish() differs when cut at {cuts:?}");
    assert_eq!(decode_all(input, &cuts), reference, "decode_all with cuts {cuts:?}");

    let bytewise: Vec<usize> = (1..input.len()).collect();
    let bytes = run(input, &bytewise);
    assert_eq!(bytes.0, reference, "events differ when fed byte by byte");
    assert_eq!(bytes.1, whole.1, "comment count differs when fed byte by byte");
    assert_eq!(bytes.2, whole.2, "finish() differs when fed byte by byte");

    // A callback that stops after `k` events has seen exactly the first `k`.
    if !reference.is_empty() {
        let k = 1 + usize::from(input[0]) % reference.len();
        let mut dec = SseDecoder::new();
        let mut seen = Vec::new();
        let mut stop = |e: SseEvent<'_>| -> Result<(), ()> {
            seen.push(own(e));
            if seen.len() == k { Err(()) } else { Ok(()) }
        };
        let mut prev = 0;
        for &cut in cuts.iter().chain([&input.len()]) {
            if dec.feed(&input[prev..cut], &mut stop).is_err() {
                break;
            }
            prev = cut;
        }
        assert_eq!(seen[..], reference[..k], "early stop after {k} events");
    }
});
