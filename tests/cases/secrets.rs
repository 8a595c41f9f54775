//! The key never appears in stdout or stderr, whatever happens: errors
//! that echo it, -v, --dry-run, --curl, config, --json error objects.

use crate::support::*;

fn check(out: &std::process::Output, what: &str) {
    assert!(!stdout(out).contains(KEY), "{what}: key on stdout");
    assert!(
        !stderr(out).contains(KEY),
        "{what}: key on stderr: {}",
        stderr(out)
    );
}

#[test]
fn the_key_never_appears() {
    let echo = format!("{{\"error\":{{\"message\":\"Incorrect API key provided: {KEY}\"}}}}");
    let scenarios: Vec<(&str, Reply, Vec<&str>)> = vec![
        ("401 echoing the key", Reply::json(401, &echo), vec!["hi"]),
        (
            "401 echo --json",
            Reply::json(401, &echo),
            vec!["--json", "hi"],
        ),
        (
            "500 echo --raw",
            Reply::json(500, &echo),
            vec!["--raw", "hi"],
        ),
        (
            "stream",
            Reply::sse(stream_of(&["ok"])),
            vec!["-v", "-u", "hi"],
        ),
        (
            "json",
            Reply::sse(stream_of(&["ok"])),
            vec!["--json", "-v", "hi"],
        ),
        (
            "mid-stream error",
            Reply::sse(format!("data: {echo}\n\n").into_bytes()),
            vec!["hi"],
        ),
    ];
    for (what, reply, args) in scenarios {
        let dir = Scratch::new();
        let server = Server::one(reply);
        let out = chat(&dir, &server).args(&args).output().unwrap();
        check(&out, what);
    }
    for args in [
        vec!["--dry-run", "hi"],
        vec!["--curl", "hi"],
        vec!["-v", "--dry-run", "hi"],
    ] {
        let dir = Scratch::new();
        let server = Server::one(Reply::sse(stream_of(&["ok"]))).unused();
        let out = chat(&dir, &server).args(&args).output().unwrap();
        assert!(out.status.success());
        check(&out, &format!("{args:?}"));
    }
    let dir = Scratch::new();
    let out = yap(&dir).arg("config").output().unwrap();
    assert!(out.status.success());
    check(&out, "config");
}
