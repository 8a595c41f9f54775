//! What a newcomer meets first: completions, man pages, help texts, the
//! hints of usage errors, the note about a silent stdin.

use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

use crate::support::*;

const SHELLS: [(&str, &str); 5] = [
    ("bash", "yap.bash"),
    ("zsh", "_yap"),
    ("fish", "yap.fish"),
    ("elvish", "yap.elv"),
    ("powershell", "_yap.ps1"),
];

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn completions_print_the_committed_script_of_each_shell() {
    let dir = Scratch::new();
    for (shell, file) in SHELLS {
        let out = yap(&dir).args(["completions", shell]).output().unwrap();
        assert_eq!(out.status.code(), Some(0), "{shell}: {}", stderr(&out));
        assert!(!out.stdout.is_empty(), "{shell}");
        assert!(stderr(&out).is_empty());
        assert_eq!(
            out.stdout,
            std::fs::read(root().join("completions").join(file)).unwrap(),
            "{shell}"
        );
        assert!(!stdout(&out).contains("__generate"), "{shell}");
    }
    let out = yap(&dir).args(["completions", "tcsh"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).starts_with("yap: error: invalid value 'tcsh'"));
}

/// What the completion scripts run: `COMPLETE=SHELL yap -- WORDS`, the
/// index of the word being completed in `_CLAP_COMPLETE_INDEX`.
fn complete(dir: &Scratch, words: &[&str]) -> String {
    let out = yap(dir)
        .env("COMPLETE", "bash")
        .env("_CLAP_COMPLETE_INDEX", (words.len() - 1).to_string())
        .env("_CLAP_IFS", "\n")
        .arg("--")
        .args(words)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    stdout(&out)
}

const CONFIG: &str = r#"
default_profile = "apollo"

[profiles.apollo]
model = "gpt-oss-120b"

[profiles.example]
model = "myproject/mymodel"

[profiles.local]
"#;

#[test]
fn profile_names_complete_from_the_users_config() {
    let dir = Scratch::new();
    assert_eq!(
        complete(&dir, &["yap", "-P", ""]),
        "",
        "no config: no names"
    );
    dir.write("config/yap/config.toml", CONFIG);
    assert_eq!(complete(&dir, &["yap", "-P", ""]), "apollo\nexample\nlocal");
    assert_eq!(
        complete(&dir, &["yap", "chat", "--profile", "ex"]),
        "example"
    );
    dir.write("other.toml", "[profiles.elsewhere]\n");
    let out = yap(&dir)
        .env("YAP_CONFIG", dir.path().join("other.toml"))
        .env("COMPLETE", "bash")
        .env("_CLAP_COMPLETE_INDEX", "2")
        .args(["--", "yap", "-P", ""])
        .output()
        .unwrap();
    assert_eq!(stdout(&out), "elsewhere");
}

#[test]
fn the_bash_script_asks_yap_for_profile_names() {
    let dir = Scratch::new();
    dir.write("config/yap/config.toml", CONFIG);
    let bin = assert_cmd::cargo::cargo_bin("yap");
    let path = format!(
        "{}:{}",
        bin.parent().unwrap().display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let script = r#"source <(yap completions bash)
COMP_WORDS=(yap -P ""); COMP_CWORD=2; COMP_TYPE=9
_clap_complete_yap yap "" -P
printf '%s\n' "${COMPREPLY[@]}""#;
    let out = Command::new("bash")
        .args(["-c", script])
        .env_clear()
        .env("PATH", path)
        .env("XDG_CONFIG_HOME", dir.path().join("config"))
        .output()
        .unwrap();
    assert_eq!(stdout(&out), "apollo\nexample\nlocal\n", "{}", stderr(&out));
}

#[test]
fn auth_completes_its_styles_and_hidden_commands_do_not_show() {
    let dir = Scratch::new();
    assert_eq!(
        complete(&dir, &["yap", "--auth", ""]),
        "bearer\nx-api-key\nheader:\nnone"
    );
    let commands = complete(&dir, &["yap", ""]);
    assert!(commands.contains("chat\n") && commands.contains("man\n"));
    assert!(!commands.contains("__generate"), "{commands}");
    assert_eq!(complete(&dir, &["yap", "__"]), "");
}

#[test]
fn man_prints_the_committed_main_page() {
    let dir = Scratch::new();
    yap(&dir)
        .arg("man")
        .assert()
        .success()
        .stderr("")
        .stdout(std::fs::read(root().join("man/yap.1")).unwrap());
}

#[test]
fn man_dir_writes_every_page_and_pages_name_only_pages_that_exist() {
    let dir = Scratch::new();
    yap(&dir)
        .args(["man", "share/man/man1"])
        .assert()
        .success()
        .stdout("")
        .stderr("");
    let written = dir.path().join("share/man/man1");
    let mut names: Vec<String> = std::fs::read_dir(&written)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    let mut committed: Vec<String> = std::fs::read_dir(root().join("man"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    committed.sort();
    assert_eq!(names, committed);
    for name in &names {
        let page = std::fs::read_to_string(written.join(name)).unwrap();
        assert_eq!(
            page,
            std::fs::read_to_string(root().join("man").join(name)).unwrap()
        );
        for section in ["EXAMPLES", "\"EXIT STATUS\"", "\"SEE ALSO\""] {
            assert!(
                page.contains(&format!("\n.SH {section}\n")),
                "{name}: {section}"
            );
        }
        if name != "yap-man.1" {
            assert!(page.contains("\n.SH ENVIRONMENT\n") && page.contains("\n.SH FILES\n"));
        }
        // Every reference such as yap\-config\-path(1) is a page written.
        let text = page.replace("\\-", "-");
        for (at, _) in text.match_indices("(1)") {
            let start = text[..at]
                .rfind(|c: char| !(c.is_ascii_alphanumeric() || c == '-'))
                .map_or(0, |i| i + 1);
            let referenced = format!("{}.1", &text[start..at]);
            assert!(names.contains(&referenced), "{name} names {referenced}");
        }
    }
}

#[test]
fn each_command_help_has_examples_and_exit_codes() {
    let dir = Scratch::new();
    for (args, example) in [
        (
            &["--help"][..],
            "yap chat -m gpt-4o-mini \"Name three prime numbers\"",
        ),
        (&["chat", "--help"], "git diff | yap chat -m gpt-4o-mini"),
        (
            &["complete", "--help"],
            "yap complete -m some-coder --suffix",
        ),
        (&["models", "--help"], "yap models 'gpt-4o*' -l"),
        (
            &["models", "show", "--help"],
            "yap models show org/name:tag",
        ),
        (&["config", "--help"], "yap -P apollo config"),
        (&["config", "path", "--help"], "yap config path"),
        (&["completions", "--help"], "yap completions bash >"),
        (&["man", "--help"], "yap man ~/.local/share/man/man1"),
    ] {
        let out = yap(&dir).args(args).output().unwrap();
        assert_eq!(out.status.code(), Some(0), "{args:?}");
        let text = stdout(&out);
        assert!(text.contains("\nExamples:\n"), "{args:?}");
        assert!(text.contains(example), "{args:?}: {text}");
        assert!(
            text.contains("Exit codes: 0 success, 1 other error, 2 usage or configuration error"),
            "{args:?}"
        );
    }
    let chat = stdout(&yap(&dir).args(["chat", "--help"]).output().unwrap());
    assert!(chat.contains("9 stopped by a content filter, 130 interrupted."));
}

#[test]
fn config_help_lists_only_the_flags_that_choose_the_settings() {
    let dir = Scratch::new();
    let text = stdout(&yap(&dir).args(["config", "--help"]).output().unwrap());
    for shown in ["--profile", "--config", "--api-key-env", "--quiet"] {
        assert!(text.contains(shown), "{shown}: {text}");
    }
    for hidden in [
        "--proxy",
        "--timeout",
        "--dry-run",
        "--curl",
        "--retries",
        "--insecure",
    ] {
        assert!(!text.contains(hidden), "{hidden}: {text}");
    }
    let path = stdout(
        &yap(&dir)
            .args(["config", "path", "--help"])
            .output()
            .unwrap(),
    );
    assert!(path.contains("--config") && !path.contains("--profile") && !path.contains("--proxy"));
    let man = stdout(&yap(&dir).args(["completions", "--help"]).output().unwrap());
    assert!(!man.contains("--proxy") && !man.contains("--profile"));
    // Hidden, still accepted, before or after the subcommand.
    for args in [
        &["config", "--proxy", "http://127.0.0.1:9"][..],
        &["--proxy", "http://127.0.0.1:9", "config"],
    ] {
        let out = yap(&dir).args(args).output().unwrap();
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        assert!(stdout(&out).contains("http://127.0.0.1:9"));
    }
}

fn usage_error(dir: &Scratch, args: &[&str]) -> String {
    let out = yap(dir).args(args).write_stdin("").output().unwrap();
    assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
    assert!(out.stdout.is_empty());
    stderr(&out)
}

#[test]
fn a_prompt_without_chat_suggests_chat() {
    let dir = Scratch::new();
    assert_eq!(
        usage_error(&dir, &["a question"]),
        "yap: error: 'a question' is not a command (chat, complete, models, replay, batch, logs, config, templates, completions, man); \
         to send a prompt, run: yap chat \"a question\"\n"
    );
    assert!(
        usage_error(&dir, &["-P", "local", "what", "is", "rust?"])
            .ends_with("run: yap -P local chat what is \"rust?\"\n")
    );
}

#[test]
fn a_subcommand_flag_before_the_subcommand_says_where_it_goes() {
    let dir = Scratch::new();
    assert_eq!(
        usage_error(&dir, &["-m", "x", "chat", "hi"]),
        "yap: error: -m belongs to 'yap chat': put it after the subcommand: yap chat -m x hi\n"
    );
    assert_eq!(
        usage_error(&dir, &["--model", "x", "complete", "once"]),
        "yap: error: --model belongs to 'yap complete': put it after the subcommand: \
         yap complete --model x once\n"
    );
}

#[test]
fn parser_errors_have_the_yap_prefix() {
    let dir = Scratch::new();
    for args in [
        &["chat", "--bogus"][..],
        &["--nope", "models"],
        &["chat", "-t", "warm", "hi"],
        &["chat", "--json", "--raw", "hi"],
        &["chta"],
    ] {
        let err = usage_error(&dir, args);
        assert!(err.starts_with("yap: error: "), "{args:?}: {err}");
        assert!(!err.contains("\nerror:"), "{args:?}: {err}");
    }
    // A typo keeps clap's suggestion.
    assert!(usage_error(&dir, &["chta"]).contains("'chat'"));
    // Help and version are not errors.
    yap(&dir)
        .arg("--version")
        .assert()
        .success()
        .stdout("yap 0.1.0\n");
}

#[test]
fn a_binary_file_given_to_f_points_at_i() {
    let dir = Scratch::new();
    dir.write("photo.png", b"\x89PNG\r\n\x1a\n\x00\xff\xfe");
    dir.write("data.bin", b"ab\xff\xfe");
    assert_eq!(
        usage_error(
            &dir,
            &["chat", "-m", "m", "--dry-run", "-f", "photo.png", "hi"]
        ),
        "yap: error: file photo.png is not UTF-8 text (invalid byte at offset 0); \
         it is an image (image/png): attach it with -i photo.png\n"
    );
    assert_eq!(
        usage_error(
            &dir,
            &["chat", "-m", "m", "--dry-run", "-f", "data.bin", "hi"]
        ),
        "yap: error: file data.bin is not UTF-8 text (invalid byte at offset 2); \
         -f takes text files (images go with -i PATH)\n"
    );
}

const STDIN_NOTE: &str = "yap: waiting for stdin (no input for 5 s); pass --no-stdin \
                          (or set YAP_NO_STDIN=1) when nothing is piped in\n";

#[test]
fn a_silent_stdin_gets_one_note_and_is_still_read() {
    let dir = Scratch::new();
    let server = Server::start(vec![
        Reply::sse(stream_of(&["ok"])),
        Reply::sse(stream_of(&["ok"])),
    ]);
    let spawn = |extra: &[&str]| {
        chat_command(&dir, &server)
            .args(["--retries", "0"])
            .args(extra)
            .arg("translate")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap()
    };
    let mut children = [spawn(&[]), spawn(&["-q"])];
    std::thread::sleep(Duration::from_secs(6));
    for child in &mut children {
        let mut stdin = child.stdin.take().unwrap();
        stdin.write_all(b"bonjour\n").unwrap();
    }
    let [loud, quiet] = children.map(|c| c.wait_with_output().unwrap());
    assert_eq!(loud.status.code(), Some(0), "{}", stderr(&loud));
    assert_eq!(stdout(&loud), "ok\n");
    assert_eq!(stderr(&loud), STDIN_NOTE);
    assert_eq!(quiet.status.code(), Some(0));
    assert_eq!(stdout(&quiet), "ok\n");
    assert_eq!(stderr(&quiet), "");
    for req in server.requests() {
        assert_eq!(req.json()["messages"][0]["content"], "bonjour\n\ntranslate");
    }
}

#[test]
fn a_stdin_that_answers_at_once_gets_no_note() {
    let dir = Scratch::new();
    let server = Server::one(Reply::sse(stream_of(&["ok"])));
    chat(&dir, &server)
        .arg("hi")
        .write_stdin("text")
        .assert()
        .success()
        .stdout("ok\n")
        .stderr("");
}
