//! The cassette reader on untrusted bytes: every line through the first
//! pass (`Reader::next_entry`), and each exchange's events read again from
//! its offset (`play_from`), as `yap replay` does.
#![no_main]

use libfuzzer_sys::fuzz_target;
use yap::cassette::read::{Reader, Record, play_from};
use yap::cassette::{error_value, failure_of_value, json_eq};

fuzz_target!(|input: &[u8]| {
    let mut reader = Reader::new(input);
    let mut last_line = 0;
    // An I/O error cannot come from a slice; a bad line is an answer.
    while let Ok(Some(entry)) = reader.next_entry() {
        let Ok(entry) = entry else { continue };
        assert!(entry.line > last_line, "line numbers go up");
        last_line = entry.line;
        let Ok(offset) = usize::try_from(entry.offset) else {
            continue;
        };
        assert!(offset <= input.len());
        let Record::Exchange(summary) = entry.record else {
            continue;
        };
        // The second pass hands on exactly the events the first counted.
        let mut played = 0u64;
        let result = play_from(&input[offset..], &mut |_ms, _sse| {
            played += 1;
            true
        });
        if let Some(response) = &summary.response {
            // (A `response` written before `yap_cassette` was read whole
            // by the first pass; the second pass reads it too.)
            assert!(result.is_ok(), "{result:?}");
            assert_eq!(played, response.events, "events counted vs played");
        }
        // A recorded error reads back as itself.
        if let Some(failure) = &summary.error {
            let again = failure_of_value(&error_value(failure));
            assert!(again.is_some_and(|f| f.kind == failure.kind && f.message == failure.message));
        }
        if let Some(body) = &summary.request.body {
            assert!(json_eq(body, body), "a body equals itself");
        }
    }
});
