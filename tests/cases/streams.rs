//! Every stream fixture served three ways (one write, one byte per write,
//! 7-byte pieces): the same stdout and exit code each time, as the
//! manifest expects. And the SSE decoder against the fixtures' expected
//! events, with every chunking.

use serde_json::Value;

use crate::support::*;

fn manifest() -> Vec<Value> {
    let m: Value = serde_json::from_slice(&fixture("manifest.json")).unwrap();
    m["fixtures"].as_array().unwrap().clone()
}

fn expected_stdout(expected: &Value) -> String {
    let mut out = String::new();
    if let Some(text) = expected["text"].as_str() {
        out.push_str(text);
        if !text.is_empty() && !text.ends_with('\n') {
            out.push('\n');
        }
    }
    for call in expected["tool_calls"].as_array().into_iter().flatten() {
        let line = serde_json::json!({"id": call["id"], "name": call["name"], "arguments": call["arguments"]});
        out.push_str(&line.to_string());
        out.push('\n');
    }
    out
}

#[test]
fn every_stream_fixture_any_chunking() {
    let mut checked = 0;
    for entry in manifest() {
        if entry["kind"] != "stream" {
            continue;
        }
        let file = entry["file"].as_str().unwrap();
        let expected = &entry["expected"];
        let Some(code) = expected["exit_code"].as_i64() else {
            continue;
        };
        if expected["text"].is_null() {
            continue; // n > 1: see output.rs
        }
        let body = fixture(file);
        let replies = [
            Reply::sse(body.clone()),
            Reply::sse_bytewise(&body),
            Reply::sse_pieces(body.chunks(7).map(<[u8]>::to_vec).collect()),
        ];
        for (how, reply) in ["one write", "bytewise", "7-byte pieces"]
            .iter()
            .zip(replies)
        {
            let dir = Scratch::new();
            let server = Server::one(reply);
            let out = chat(&dir, &server).arg("hi").output().unwrap();
            assert_eq!(
                out.status.code(),
                Some(code as i32),
                "{file} ({how}): stderr {}",
                stderr(&out)
            );
            assert_eq!(stdout(&out), expected_stdout(expected), "{file} ({how})");
            checked += 1;
        }
    }
    assert!(checked >= 60, "only {checked} runs");
}

#[test]
fn decoder_matches_expected_events_for_every_chunking() {
    use yap::stream::sse::decode_all;
    for entry in manifest() {
        if entry["kind"] != "stream" {
            continue;
        }
        let body = fixture(entry["file"].as_str().unwrap());
        let events_file = entry["expected"]["events"].as_str().unwrap();
        let want: Vec<(String, String, String)> = String::from_utf8(fixture(events_file))
            .unwrap()
            .lines()
            .map(|l| {
                let v: Value = serde_json::from_str(l).unwrap();
                (
                    v["type"].as_str().unwrap().to_string(),
                    v["data"].as_str().unwrap().to_string(),
                    v["lastEventId"].as_str().unwrap().to_string(),
                )
            })
            .collect();
        assert_eq!(decode_all(&body, &[]), want, "{events_file}");
        let bytewise: Vec<usize> = (1..body.len()).collect();
        assert_eq!(decode_all(&body, &bytewise), want, "{events_file} bytewise");
        let odd: Vec<usize> = (1..body.len()).step_by(13).collect();
        assert_eq!(
            decode_all(&body, &odd),
            want,
            "{events_file} 13-byte pieces"
        );
    }
}

#[test]
fn utf8_split_across_network_reads_comes_out_whole() {
    let body = stream_of(&["héllo ", "wörld 😀"]);
    let text = String::from_utf8(body.clone()).unwrap();
    // Cut inside the two-byte é and inside the four-byte emoji, with pauses.
    let e = text.find('é').unwrap() + 1;
    let emoji = text.find('😀').unwrap() + 2;
    let pieces = vec![
        body[..e].to_vec(),
        body[e..emoji].to_vec(),
        body[emoji..].to_vec(),
    ];
    let mut reply = Reply::sse_pieces(vec![]);
    for p in pieces {
        reply = reply
            .then(Step::Write(p))
            .then(Step::Pause(std::time::Duration::from_millis(30)));
    }
    let dir = Scratch::new();
    let server = Server::one(reply);
    chat(&dir, &server)
        .arg("hi")
        .assert()
        .success()
        .stdout("héllo wörld 😀\n");
}

#[test]
fn crlf_split_between_reads() {
    let body = String::from_utf8(stream_of(&["a", "b"]))
        .unwrap()
        .replace('\n', "\r\n");
    let bytes = body.as_bytes();
    let cr = body.find('\r').unwrap() + 1; // CR ends one read, LF starts the next
    let reply = Reply::sse_pieces(vec![])
        .then(Step::Write(bytes[..cr].to_vec()))
        .then(Step::Pause(std::time::Duration::from_millis(30)))
        .then(Step::Write(bytes[cr..].to_vec()));
    let dir = Scratch::new();
    let server = Server::one(reply);
    chat(&dir, &server)
        .arg("hi")
        .assert()
        .success()
        .stdout("ab\n");
}

#[test]
fn cut_mid_stream_keeps_text_and_exits_8() {
    let cut_body = cut_stream(&["partial ", "answer"]);
    let dir = Scratch::new();
    let server = Server::one(Reply::sse(cut_body));
    let out = chat(&dir, &server).arg("hi").output().unwrap();
    assert_eq!(out.status.code(), Some(8));
    assert_eq!(stdout(&out), "partial answer\n");
    assert!(
        stderr(&out).contains("yap: error: the stream ended before the answer was complete"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn invalid_json_event_is_exit_8() {
    let dir = Scratch::new();
    let server = Server::one(Reply::sse(b"data: {not json\n\n".to_vec()));
    let out = chat(&dir, &server).arg("hi").output().unwrap();
    assert_eq!(out.status.code(), Some(8));
    assert!(stderr(&out).contains("not valid JSON"), "{}", stderr(&out));
}

#[test]
fn event_error_mid_stream_is_exit_8_with_message() {
    let mut body = String::from_utf8(stream_of(&["so far"])).unwrap();
    body.truncate(body.find("{\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{},\"finish").unwrap() - 6);
    body.push_str("event: error\ndata: {\"error\":{\"message\":\"upstream went away\"}}\n\n");
    let dir = Scratch::new();
    let server = Server::one(Reply::sse(body.into_bytes()));
    let out = chat(&dir, &server).arg("hi").output().unwrap();
    assert_eq!(out.status.code(), Some(8));
    assert_eq!(stdout(&out), "so far\n");
    assert!(
        stderr(&out).contains("upstream went away"),
        "{}",
        stderr(&out)
    );
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(64))]
    /// Every stream fixture gives exactly its expected events, however the
    /// reads are cut.
    #[test]
    fn every_fixture_gives_its_events_under_random_splits(
        pick in 0usize..1000,
        mut cuts in proptest::collection::vec(0usize..5000, 0..24),
    ) {
        use yap::stream::sse::decode_all;
        let streams: Vec<Value> = manifest().into_iter().filter(|e| e["kind"] == "stream").collect();
        let entry = &streams[pick % streams.len()];
        let body = fixture(entry["file"].as_str().unwrap());
        let events_file = entry["expected"]["events"].as_str().unwrap();
        let want: Vec<(String, String, String)> = String::from_utf8(fixture(events_file))
            .unwrap()
            .lines()
            .map(|l| {
                let v: Value = serde_json::from_str(l).unwrap();
                (
                    v["type"].as_str().unwrap().to_string(),
                    v["data"].as_str().unwrap().to_string(),
                    v["lastEventId"].as_str().unwrap().to_string(),
                )
            })
            .collect();
        for c in &mut cuts {
            *c %= body.len() + 1;
        }
        cuts.sort_unstable();
        proptest::prop_assert_eq!(decode_all(&body, &cuts), want, "{}", events_file);
    }
}
