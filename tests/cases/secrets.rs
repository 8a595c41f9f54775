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

#[test]
fn the_key_never_appears_for_any_fixture_in_any_mode() {
    let names: Vec<String> = ["streams", "errors"]
        .iter()
        .flat_map(|d| {
            std::fs::read_dir(
                std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                    .join("tests/fixtures")
                    .join(d),
            )
            .unwrap()
            .filter_map(|e| {
                let p = e.unwrap().path();
                p.is_file()
                    .then(|| format!("{d}/{}", p.file_name().unwrap().to_string_lossy()))
            })
            .collect::<Vec<_>>()
        })
        .collect();
    assert!(names.len() > 60);
    for name in names {
        let bytes = fixture(&name);
        for mode in [["-v", "-u"], ["--json", "-v"], ["--raw", "--reasoning"]] {
            let reply = if name.starts_with("errors/") {
                Reply::raw(bytes.clone())
            } else {
                Reply::sse(bytes.clone())
            };
            let dir = Scratch::new();
            let server = Server::one(reply);
            let out = chat(&dir, &server).args(mode).arg("hi").output().unwrap();
            check(&out, &format!("{name} {mode:?}"));
        }
    }
}

/// The sweep every run goes through does catch a leak (here from `sh`
/// standing in for a yap that would print the key).
#[test]
fn the_sweep_catches_a_leak() {
    let mut cmd = assert_cmd::Command::new("sh");
    cmd.args(["-c", "echo \"key: $K\" >&2"]).env("K", KEY);
    let mut leaky = Yap::wrap(cmd);
    let caught = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| leaky.output()));
    assert!(caught.is_err(), "a key on stderr went unnoticed");

    let dir = Scratch::new();
    dir.write("cassette.jsonl", format!("{{\"auth\":\"{KEY}\"}}"));
    let caught = std::panic::catch_unwind(std::panic::AssertUnwindSafe(move || drop(dir)));
    assert!(caught.is_err(), "a key in a file went unnoticed");
}
