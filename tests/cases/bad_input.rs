//! Every flag given a wrong value, and other bad input: exit 2, an error
//! that names the flag or file, and nothing sent.

use crate::support::*;

/// Runs `yap chat` with `args`; expects exit 2, `names` in stderr, no
/// request (the server fails the test on drop if it was called).
fn refused(dir: &Scratch, args: &[&str], names: &str) {
    let server = Server::one(Reply::sse(stream_of(&["x"]))).unused();
    let out = chat(dir, &server).args(args).output().unwrap();
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
    assert!(err.contains(names), "{args:?}: want {names:?} in {err}");
    assert!(!err.contains("panicked"), "{err}");
    assert_eq!(stdout(&out), "", "{args:?}");
}

#[test]
fn wrong_values_for_every_kind_of_flag() {
    let dir = Scratch::new();
    dir.write("notes.txt", "text");
    dir.write("bad.json", "{not json");
    dir.write("array.json", "[1, 2]");
    std::fs::create_dir_all(dir.path().join("folder")).unwrap();
    let cases: &[(&[&str], &str)] = &[
        (&["-t", "warm", "hi"], "--temperature"),
        (&["--top-p", "x", "hi"], "--top-p"),
        (&["--max-tokens", "-1", "hi"], "--max-tokens"),
        (
            &["--max-completion-tokens", "many", "hi"],
            "--max-completion-tokens",
        ),
        (&["-n", "-2", "hi"], "--choices"),
        (&["--seed", "abc", "hi"], "--seed"),
        (&["--presence-penalty", "high", "hi"], "--presence-penalty"),
        (&["--retries", "-1", "hi"], "--retries"),
        (&["--timeout", "abc", "hi"], "--timeout"),
        (&["--timeout", "-5", "hi"], "--timeout"),
        (&["--connect-timeout", "0", "hi"], "--connect-timeout"),
        (&["--idle-timeout", "inf", "hi"], "--idle-timeout"),
        (&["--max-size", "12Q", "hi"], "--max-size"),
        (&["--color", "sometimes", "hi"], "--color"),
        (&["--auth", "basic", "hi"], "auth style 'basic'"),
        (&["-H", "NoColon", "hi"], "-H 'NoColon'"),
        (&["-H", "Bad Name: x", "hi"], "header name 'Bad Name'"),
        (&["-o", "novalue", "hi"], "-o 'novalue'"),
        (&["-o", ".a=1", "hi"], "-o '.a=1'"),
        (&["--logit-bias", "5", "hi"], "--logit-bias '5'"),
        (&["--logit-bias", "5=lots", "hi"], "--logit-bias '5=lots'"),
        (&["--logit-bias", "5=500", "hi"], "between -100 and 100"),
        (&["--body", "{bad", "hi"], "--body (inline)"),
        (&["--body", "array.json", "hi"], "--body array.json"),
        (&["--body", "missing.json", "hi"], "missing.json"),
        (&["--messages", "missing.json", "hi"], "missing.json"),
        (&["--messages", "bad.json", "hi"], "--messages bad.json"),
        (&["--messages", "folder", "hi"], "folder"),
        (&["-f", "missing.txt", "hi"], "missing.txt"),
        (&["-f", "folder", "hi"], "folder"),
        (&["-i", "missing.png", "hi"], "missing.png"),
        (&["-i", "notes.txt", "hi"], "image notes.txt"),
        (
            &["--system-file", "missing.txt", "hi"],
            "--system-file missing.txt",
        ),
        (&["--base-url", "ftp://x/v1", "hi"], "base URL 'ftp://x/v1'"),
        (&["--base-url", "not a url", "hi"], "base URL 'not a url'"),
        (&["-x", "::nope::", "hi"], "proxy '::nope::'"),
        (&["-m", "", "hi"], "no model"),
        (&[""], "no prompt"),
        (&["--no-stdin", "-"], "--no-stdin"),
    ];
    for (args, names) in cases {
        refused(&dir, args, names);
    }
}

#[test]
fn bad_config_files_name_the_file() {
    let dir = Scratch::new();
    let path = dir.write("config/yap/config.toml", "[profiles.p]\nmodel = 3\n");
    refused(
        &dir,
        &["-P", "p", "hi"],
        &format!("{}: line 2", path.display()),
    );
    dir.write(
        "config/yap/config.toml",
        "[profiles.p]\nbase_url = \"http://x\"\nsurprise = true\n",
    );
    refused(&dir, &["-P", "p", "hi"], "unknown field `surprise`");
    dir.write(
        "config/yap/config.toml",
        "[profiles.p]\nauth = \"kerberos\"\n",
    );
    refused(&dir, &["-P", "p", "hi"], "auth style 'kerberos'");
    dir.write("config/yap/config.toml", "default_profile = \"gone\"\n");
    refused(&dir, &["hi"], "no profile 'gone'");
    dir.write("config/yap/config.toml", [0xff, 0xfe, 0x00]);
    refused(&dir, &["hi"], "not UTF-8");
    dir.write(".env", "BROKEN LINE WITHOUT EQUALS\n");
    refused(&dir, &["hi"], ".env");
}

#[test]
fn a_large_stdin_is_sent_whole() {
    let dir = Scratch::new();
    let server = Server::one(Reply::sse(stream_of(&["ok"])));
    let big = "0123456789abcdef\n".repeat(50 * 1024 * 1024 / 17);
    chat(&dir, &server)
        .arg("summarise")
        .write_stdin(big.clone())
        .assert()
        .success();
    let content = server.only_request().json()["messages"][0]["content"]
        .as_str()
        .unwrap()
        .len();
    assert_eq!(content, big.trim_end().len() + "\n\nsummarise".len());
}
