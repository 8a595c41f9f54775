//! Tools and structured output: declarations as the server sees them, the
//! loop with real commands (parallel, failing, timed out, interrupted,
//! declined), --max-steps, and --json-object / --schema checks.

use std::time::Duration;

use serde_json::{Value, json};

use crate::support::*;

const WEATHER: &str = r#"{"name":"get_weather","description":"Weather in a city","parameters":{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}}"#;

/// A non-streamed answer asking for these calls (id, name, arguments).
fn calls(list: &[(&str, &str, &str)]) -> Reply {
    let calls: Vec<Value> = list
        .iter()
        .map(|(id, name, args)| json!({"id": id, "type": "function", "function": {"name": name, "arguments": args}}))
        .collect();
    Reply::json(
        200,
        &json!({"id": "c", "object": "chat.completion", "created": 1, "model": "m",
                "choices": [{"index": 0, "message": {"role": "assistant", "content": null, "tool_calls": calls},
                             "finish_reason": "tool_calls"}]})
        .to_string(),
    )
}

fn answer(text: &str) -> Reply {
    Reply::json(200, &completion(text))
}

#[test]
fn every_way_to_declare_a_tool_reaches_the_body() {
    let dir = Scratch::new();
    let toml = dir.write(
        "tools.toml",
        "[[tools]]\nname = \"lookup\"\ndescription = \"d\"\n[tools.parameters]\ntype = \"object\"\n",
    );
    let json_file = dir.write(
        "tool.json",
        r#"{"type":"function","function":{"name":"search","parameters":{"type":"object"}}}"#,
    );
    let server = Server::one(Reply::sse(stream_of(&["ok"])));
    chat(&dir, &server)
        .args(["--tool", WEATHER, "--tool", json_file.to_str().unwrap()])
        .args(["--tool", toml.to_str().unwrap()])
        .args([
            "--tool",
            r#"[{"name":"a"},{"type":"function","function":{"name":"b"}}]"#,
        ])
        .args([
            "--tool-choice",
            "get_weather",
            "--parallel-tool-calls",
            "false",
            "hi",
        ])
        .assert()
        .success();
    let body = server.only_request().json();
    let names: Vec<&str> = body["tools"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["function"]["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["get_weather", "search", "lookup", "a", "b"]);
    assert!(
        body["tools"]
            .as_array()
            .unwrap()
            .iter()
            .all(|t| t["type"] == "function")
    );
    assert_eq!(
        body["tools"][0]["function"]["parameters"]["required"],
        json!(["city"])
    );
    assert_eq!(
        body["tool_choice"],
        json!({"type":"function","function":{"name":"get_weather"}})
    );
    assert_eq!(body["parallel_tool_calls"], json!(false));
    // tool_choice words go as strings.
    let server = Server::one(Reply::sse(stream_of(&["ok"])));
    chat(&dir, &server)
        .args(["--tool", WEATHER, "--tool-choice", "required", "hi"])
        .assert()
        .success();
    assert_eq!(
        server.only_request().json()["tool_choice"],
        json!("required")
    );
}

#[test]
fn a_platforms_own_tools_field_is_sent_as_given() {
    let dir = Scratch::new();
    let server = Server::one(Reply::sse(stream_of(&["ok"])));
    chat(&dir, &server)
        .args([
            "--body",
            r#"{"tools":[{"id":"web","enabled":true}],"use_tools":true}"#,
            "hi",
        ])
        .assert()
        .success();
    let body = server.only_request().json();
    assert_eq!(body["tools"], json!([{"id": "web", "enabled": true}]));
    assert_eq!(body["use_tools"], json!(true));
}

#[test]
fn bad_tools_are_exit_2_and_nothing_is_sent() {
    let dir = Scratch::new();
    let nameless = dir.write("nameless.json", r#"{"description":"x"}"#);
    let garbage = dir.write("garbage.json", "not json = [");
    for (args, says) in [
        (
            vec!["--tool", nameless.to_str().unwrap()],
            "nameless.json: the tool has no \"name\"",
        ),
        (vec!["--tool", garbage.to_str().unwrap()], "garbage.json"),
        (
            vec!["--tool", r#"{"name":"x","parameters":"object"}"#],
            "\"parameters\"",
        ),
        (
            vec!["--tool", WEATHER, "--tool", WEATHER],
            "already declared",
        ),
        (
            vec!["--tool", WEATHER, "--tool-cmd", "other=echo"],
            "no --tool declares a tool named 'other'",
        ),
        (vec!["--tool-cmd", "x"], "expected NAME=COMMAND"),
        (
            vec![
                "--tool",
                WEATHER,
                "--tool-cmd",
                "get_weather=cat",
                "-n",
                "2",
            ],
            "needs one choice",
        ),
        (
            vec![
                "--tool",
                WEATHER,
                "--tool-cmd",
                "get_weather=cat",
                "--max-steps",
                "0",
            ],
            "--max-steps 0",
        ),
        (
            vec![
                "--tool",
                WEATHER,
                "--tool-cmd",
                "get_weather=cat",
                "--tool-timeout",
                "-1",
            ],
            "--tool-timeout",
        ),
        (
            vec!["--schema", r#"{"$ref":"https://example.invalid/s.json"}"#],
            "never fetches",
        ),
        (vec!["--schema", r#"{"type":7}"#], "not a valid JSON Schema"),
    ] {
        let server = Server::one(answer("x")).unused();
        let out = chat(&dir, &server).args(&args).arg("hi").output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
        assert!(stderr(&out).contains(says), "{args:?}: {}", stderr(&out));
    }
}

#[test]
fn a_two_step_loop_sends_the_commands_output_with_the_call_ids() {
    let dir = Scratch::new();
    let server = Server::start(vec![
        calls(&[("call_1", "get_weather", r#"{"city":"Paris"}"#)]),
        answer("It is sunny in Paris."),
    ]);
    let out = chat(&dir, &server)
        .args(["--tool", WEATHER, "--tool-choice", "required"])
        .args([
            "--tool-cmd",
            "get_weather=cat; echo ' -> sunny'",
            "weather?",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    // The call that was run is not printed; the final answer is.
    assert_eq!(stdout(&out), "It is sunny in Paris.\n");
    let reqs = server.requests();
    assert_eq!(reqs.len(), 2);
    let first = reqs[0].json();
    assert_eq!(first["tool_choice"], json!("required"));
    let second = reqs[1].json();
    assert!(second.get("tool_choice").is_none(), "{second}");
    assert_eq!(second["tools"], first["tools"]);
    let messages = second["messages"].as_array().unwrap();
    assert_eq!(messages.len(), 3);
    assert_eq!(messages[0], json!({"role": "user", "content": "weather?"}));
    assert_eq!(messages[1]["role"], json!("assistant"));
    assert_eq!(messages[1]["tool_calls"][0]["id"], json!("call_1"));
    assert_eq!(
        messages[1]["tool_calls"][0]["function"]["arguments"],
        json!(r#"{"city":"Paris"}"#)
    );
    assert_eq!(
        messages[2],
        json!({"role": "tool", "tool_call_id": "call_1", "content": "{\"city\":\"Paris\"} -> sunny\n"})
    );
}

#[test]
fn calls_of_one_step_run_in_parallel_and_answer_in_call_order() {
    let dir = Scratch::new();
    // Each command waits (up to 10 s) for the other's marker: run one after
    // the other, the first would time out.
    let a = format!(
        "touch {0}/a; for i in $(seq 100); do [ -e {0}/b ] && break; sleep 0.1; done; [ -e {0}/b ] && echo A",
        dir.path().display()
    );
    let b = format!(
        "touch {0}/b; for i in $(seq 100); do [ -e {0}/a ] && break; sleep 0.1; done; [ -e {0}/a ] && echo B",
        dir.path().display()
    );
    let server = Server::start(vec![
        calls(&[("c_a", "ta", "{}"), ("c_b", "tb", "{}")]),
        answer("done"),
    ]);
    let out = chat(&dir, &server)
        .args(["--tool", r#"[{"name":"ta"},{"name":"tb"}]"#])
        .args([
            "--tool-cmd",
            &format!("ta={a}"),
            "--tool-cmd",
            &format!("tb={b}"),
        ])
        .args(["--tool-timeout", "5", "go"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let second = server.requests()[1].json();
    let tools: Vec<&Value> = second["messages"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["role"] == "tool")
        .collect();
    assert_eq!(tools.len(), 2);
    assert_eq!(tools[0]["tool_call_id"], json!("c_a"));
    assert_eq!(tools[0]["content"], json!("A\n"));
    assert_eq!(tools[1]["tool_call_id"], json!("c_b"));
    assert_eq!(tools[1]["content"], json!("B\n"));
}

fn tool_message(server: &Server, step: usize) -> Value {
    let body = server.requests()[step].json();
    let last = body["messages"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(last["role"], json!("tool"), "{body}");
    serde_json::from_str(last["content"].as_str().unwrap()).unwrap_or(last["content"].clone())
}

#[test]
fn a_failing_command_sends_the_error_shape_and_the_loop_goes_on() {
    let dir = Scratch::new();
    let server = Server::start(vec![calls(&[("c1", "get_weather", "{}")]), answer("sorry")]);
    let out = chat(&dir, &server)
        .args([
            "--tool",
            WEATHER,
            "--tool-cmd",
            "get_weather=echo 'no such city' >&2; exit 3",
            "x",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stdout(&out), "sorry\n");
    assert!(stderr(&out).contains("no such city"), "{}", stderr(&out));
    assert_eq!(
        tool_message(&server, 1),
        json!({"error": "the command exited with status 3", "exit_status": 3, "stderr": "no such city\n"})
    );
}

/// The process no longer runs: no /proc entry, or a zombie left for its
/// new parent (init) to reap (yap has exited; it reaped its own child).
fn gone(pid: &str) -> bool {
    let stat = format!("/proc/{}/stat", pid.trim());
    for _ in 0..50 {
        match std::fs::read_to_string(&stat) {
            Err(_) => return true,
            Ok(s)
                if s.rsplit(')')
                    .next()
                    .is_some_and(|r| r.trim_start().starts_with('Z')) =>
            {
                return true;
            }
            Ok(_) => std::thread::sleep(Duration::from_millis(40)),
        }
    }
    false
}

#[test]
fn a_command_past_its_timeout_is_killed_with_its_children() {
    let dir = Scratch::new();
    let pids = dir.path().join("pids");
    let command = format!(
        "echo $$ > {0}; sleep 30 & echo $! >> {0}; wait",
        pids.display()
    );
    let server = Server::start(vec![calls(&[("c1", "get_weather", "{}")]), answer("ok")]);
    let out = chat(&dir, &server)
        .args([
            "--tool",
            WEATHER,
            "--tool-cmd",
            &format!("get_weather={command}"),
        ])
        .args(["--tool-timeout", "1", "x"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let message = tool_message(&server, 1);
    assert!(
        message["error"]
            .as_str()
            .unwrap()
            .contains("--tool-timeout"),
        "{message}"
    );
    assert_eq!(message["exit_status"], Value::Null);
    let pids = std::fs::read_to_string(&pids).unwrap();
    assert_eq!(pids.lines().count(), 2);
    for pid in pids.lines() {
        assert!(gone(pid), "process {pid} is still there");
    }
}

#[test]
fn ctrl_c_during_a_command_kills_it_and_exits_130() {
    let dir = Scratch::new();
    let pid_file = dir.path().join("pid");
    let server = Server::start(vec![calls(&[("c1", "get_weather", "{}")]), answer("never")]);
    let child = chat_command(&dir, &server)
        .args(["--tool", WEATHER])
        .args([
            "--tool-cmd",
            &format!("get_weather=echo $$ > {}; sleep 30", pid_file.display()),
            "x",
        ])
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let started = std::time::Instant::now();
    while !pid_file.exists()
        || std::fs::read_to_string(&pid_file)
            .unwrap()
            .trim()
            .is_empty()
    {
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "the command never started"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    let status = std::process::Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(130), "{}", stderr(&out));
    assert!(stderr(&out).contains("interrupted"));
    let pid = std::fs::read_to_string(&pid_file).unwrap();
    assert!(gone(&pid), "the command {pid} outlived Ctrl-C");
    assert_eq!(server.requests().len(), 1);
}

#[test]
fn max_steps_reached_prints_the_pending_calls_and_exits_8() {
    let dir = Scratch::new();
    let server = Server::one(calls(&[("again", "get_weather", r#"{"city":"Rome"}"#)]));
    let out = chat(&dir, &server)
        .args(["--tool", WEATHER, "--tool-cmd", "get_weather=echo cloudy"])
        .args(["--max-steps", "2", "x"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(8), "{}", stderr(&out));
    assert_eq!(server.requests().len(), 2);
    assert_eq!(
        stdout(&out),
        "{\"arguments\":{\"city\":\"Rome\"},\"id\":\"again\",\"name\":\"get_weather\"}\n"
    );
    assert!(
        stderr(&out).contains("--max-steps 2 reached"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn arguments_that_are_not_json_are_not_run() {
    let dir = Scratch::new();
    let marker = dir.path().join("ran");
    let server = Server::start(vec![
        calls(&[("c1", "get_weather", "{city: Paris")]),
        answer("ok"),
    ]);
    let out = chat(&dir, &server)
        .args(["--tool", WEATHER])
        .args([
            "--tool-cmd",
            &format!("get_weather=touch {}", marker.display()),
            "x",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(!marker.exists());
    let message = tool_message(&server, 1);
    assert!(
        message["error"]
            .as_str()
            .unwrap()
            .contains("not valid JSON"),
        "{message}"
    );
    assert!(stderr(&out).contains("not valid JSON"), "{}", stderr(&out));
}

#[test]
fn a_call_to_a_tool_without_a_command_ends_the_loop_with_the_calls_printed() {
    let dir = Scratch::new();
    let marker = dir.path().join("ran");
    let server = Server::one(calls(&[
        ("c1", "get_weather", r#"{"city":"Oslo"}"#),
        ("c2", "search", r#"{"q":"x"}"#),
    ]));
    let out = chat(&dir, &server)
        .args(["--tool", WEATHER, "--tool", r#"{"name":"search"}"#])
        .args([
            "--tool-cmd",
            &format!("get_weather=touch {}", marker.display()),
            "x",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(!marker.exists());
    assert_eq!(stdout(&out).lines().count(), 2, "{}", stdout(&out));
    assert!(stdout(&out).contains("\"name\":\"search\""));
}

#[test]
fn the_key_variables_are_not_in_a_commands_environment() {
    let dir = Scratch::new();
    let server = Server::start(vec![calls(&[("c1", "get_weather", "{}")]), answer("ok")]);
    let out = chat(&dir, &server)
        .env("YAP_API_KEY", KEY)
        .env("TEAM_TOKEN_NAME", "kept")
        .args(["--tool", WEATHER])
        .args([
            "--tool-cmd",
            "get_weather=echo \"${OPENAI_API_KEY-unset} ${YAP_API_KEY-unset} ${TEAM_TOKEN_NAME-unset} $(pwd)\"",
            "x",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let body = server.requests()[1].json();
    let content = body["messages"].as_array().unwrap().last().unwrap()["content"].clone();
    let cwd = std::fs::canonicalize(dir.path()).unwrap();
    assert_eq!(
        content,
        json!(format!("unset unset kept {}\n", cwd.display()))
    );
}

#[test]
fn json_in_a_loop_prints_only_the_final_document() {
    let dir = Scratch::new();
    let server = Server::start(vec![calls(&[("c1", "get_weather", "{}")]), answer("final")]);
    let out = chat(&dir, &server)
        .args([
            "--json",
            "--tool",
            WEATHER,
            "--tool-cmd",
            "get_weather=echo x",
            "q",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stdout(&out).lines().count(), 1);
    let doc: Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(doc["choices"][0]["message"]["content"], json!("final"));
}

#[test]
fn dry_run_lists_every_command_the_run_may_start() {
    let dir = Scratch::new();
    let file = dir.write(
        "t.json",
        r#"{"name":"grep_files","command":"grep -rn \"$(jq -r .pattern)\" ."}"#,
    );
    let out = yap(&dir)
        .args([
            "chat",
            "-m",
            "m",
            "--dry-run",
            "--tool",
            WEATHER,
            "--tool",
            file.to_str().unwrap(),
        ])
        .args(["--tool-cmd", "get_weather=./weather.sh", "hi"])
        .write_stdin("")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(text.contains("\"tools\""), "{text}");
    assert!(!text.contains("\"command\""), "{text}");
    assert!(text.contains("#   get_weather: ./weather.sh\n"), "{text}");
    assert!(text.contains("#   grep_files: grep -rn"), "{text}");
}

#[test]
fn confirm_without_a_terminal_is_exit_2_before_any_request() {
    let dir = Scratch::new();
    let server = Server::one(answer("x")).unused();
    // setsid: no controlling terminal, so /dev/tty cannot be opened.
    let out = std::process::Command::new("setsid")
        .arg("-w")
        .arg(assert_cmd::cargo::cargo_bin("yap"))
        .args([
            "chat",
            "--base-url",
            &server.base(),
            "-m",
            "m",
            "--no-stdin",
        ])
        .args([
            "--tool",
            WEATHER,
            "--tool-cmd",
            "get_weather=echo",
            "--confirm",
            "x",
        ])
        .env_clear()
        .env("OPENAI_API_KEY", KEY)
        .env("HOME", dir.path())
        .current_dir(dir.path())
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("--confirm needs a terminal"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn confirm_on_a_terminal_asks_before_each_command() {
    use std::io::Write;
    let dir = Scratch::new();
    let marker = dir.path().join("ran");
    for (answer_typed, runs) in [("y\n", true), ("n\n", false)] {
        let _ = std::fs::remove_file(&marker);
        let server = Server::start(vec![
            calls(&[("c1", "get_weather", r#"{"city":"Lima"}"#)]),
            answer("ok"),
        ]);
        let command = format!(
            "{} chat -q --base-url {} -m m --tool '{}' --tool-cmd 'get_weather=touch {}' --confirm weather",
            assert_cmd::cargo::cargo_bin("yap").display(),
            server.base(),
            WEATHER,
            marker.display()
        );
        let mut child = on_terminal(&dir, &command, "xterm")
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        let mut stdin = child.stdin.take().unwrap();
        std::thread::sleep(Duration::from_millis(700));
        stdin.write_all(answer_typed.as_bytes()).unwrap();
        stdin.flush().unwrap();
        let out = child.wait_with_output().unwrap();
        drop(stdin);
        let screen = stdout(&out);
        assert_eq!(out.status.code(), Some(0), "{screen}");
        assert!(screen.contains("run `touch"), "{screen}");
        assert!(screen.contains("{\"city\":\"Lima\"}"), "{screen}");
        assert_eq!(marker.exists(), runs, "{answer_typed:?}: {screen}");
        if !runs {
            assert_eq!(
                tool_message(&server, 1),
                json!({"error": "declined by the user"})
            );
        }
    }
}

#[test]
fn a_schema_is_sent_and_the_answer_checked() {
    let dir = Scratch::new();
    let schema = r#"{"type":"object","properties":{"name":{"type":"string"},"age":{"type":"integer"}},"required":["name","age"]}"#;
    // Valid: exit 0, the schema in the body, named and strict.
    let server = Server::one(Reply::sse(stream_of(&[
        r#"{"name":"Ada","#,
        r#""age":36}"#,
    ])));
    let out = chat(&dir, &server)
        .args(["--schema", schema, "x"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stdout(&out), "{\"name\":\"Ada\",\"age\":36}\n");
    let format = &server.only_request().json()["response_format"];
    assert_eq!(format["type"], json!("json_schema"));
    assert_eq!(format["json_schema"]["name"], json!("response"));
    assert_eq!(format["json_schema"]["strict"], json!(true));
    assert_eq!(
        format["json_schema"]["schema"]["required"],
        json!(["name", "age"])
    );
    // Invalid: the content stays, each violation with its path, exit 8.
    let server = Server::one(Reply::sse(stream_of(&[r#"{"age":"old"}"#])));
    let out = chat(&dir, &server)
        .args(["--schema", schema, "--schema-name", "person", "--json", "x"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(8), "{}", stderr(&out));
    let doc: Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(
        doc["choices"][0]["message"]["content"],
        json!(r#"{"age":"old"}"#)
    );
    let err = stderr(&out);
    assert!(err.contains("yap: choice 0: /age: "), "{err}");
    assert!(err.contains("yap: choice 0: /: "), "{err}");
    assert!(err.contains("\"kind\":\"invalid_output\""), "{err}");
    assert_eq!(
        server.only_request().json()["response_format"]["json_schema"]["name"],
        json!("person")
    );
    // A file shaped {name, schema, strict} goes as it is.
    let file = dir.write(
        "s.json",
        r#"{"name":"t","schema":{"type":"object"},"strict":false}"#,
    );
    let server = Server::one(Reply::sse(stream_of(&["{}"])));
    chat(&dir, &server)
        .args(["--schema", file.to_str().unwrap(), "x"])
        .assert()
        .success();
    assert_eq!(
        server.only_request().json()["response_format"]["json_schema"],
        json!({"name":"t","schema":{"type":"object"},"strict":false})
    );
}

#[test]
fn json_object_with_an_answer_that_is_not_json_is_exit_8() {
    let dir = Scratch::new();
    let server = Server::one(Reply::sse(stream_of(&["Sure! Here it is."])));
    let out = chat(&dir, &server)
        .args(["--json-object", "x"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(8));
    assert_eq!(stdout(&out), "Sure! Here it is.\n");
    assert!(stderr(&out).contains("not valid JSON"), "{}", stderr(&out));
}

#[test]
fn two_streamed_parallel_calls_are_assembled_run_and_answered() {
    let dir = Scratch::new();
    let server = Server::start(vec![
        Reply::sse(fixture("streams/openai-parallel-tool-calls.sse")),
        Reply::sse(stream_of(&["Trains at 9:05; 250 EUR is about 40,000 JPY."])),
    ]);
    let out = chat(&dir, &server)
        .args([
            "--tool",
            r#"[{"name":"LookupTrainTimes"},{"name":"convert_currency"}]"#,
        ])
        .args([
            "--tool-cmd",
            "LookupTrainTimes=jq -r .origin",
            "--tool-cmd",
            "convert_currency=jq -c .amount",
        ])
        .arg("plan my day")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(
        stdout(&out),
        "Trains at 9:05; 250 EUR is about 40,000 JPY.\n"
    );
    let second = server.requests()[1].json();
    let messages = second["messages"].as_array().unwrap();
    let calls = messages[1]["tool_calls"].as_array().unwrap();
    assert_eq!(calls.len(), 2);
    assert_eq!(
        serde_json::from_str::<Value>(calls[0]["function"]["arguments"].as_str().unwrap()).unwrap(),
        json!({"origin": "Leeds", "destination": "York", "date": "2025-03-14"})
    );
    assert_eq!(
        messages[2],
        json!({"role": "tool", "tool_call_id": "call_cHhE2MrhyjNz6FfFJLda9rmw", "content": "Leeds\n"})
    );
    assert_eq!(
        messages[3],
        json!({"role": "tool", "tool_call_id": "call_5BKJR9dVAnMH0V5Oojnt0Llg", "content": "250\n"})
    );
}

#[test]
fn each_step_of_a_loop_is_a_history_row_of_one_conversation() {
    let dir = Scratch::new();
    let server = Server::start(vec![calls(&[("c1", "get_weather", "{}")]), answer("warm")]);
    chat(&dir, &server)
        .args([
            "--tool",
            WEATHER,
            "--tool-cmd",
            "get_weather=echo 25C",
            "--cid",
            "trip-1",
            "x",
        ])
        .assert()
        .success();
    let out = yap(&dir)
        .args(["logs", "--json", "--cid", "trip-1"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let rows: Vec<Value> = stdout(&out)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(rows.len(), 2, "{}", stdout(&out));
    assert!(rows.iter().all(|r| r["cid"] == json!("trip-1")));
    // Newest first: the final answer, then the step that asked for the tool.
    assert_eq!(rows[0]["response"], json!("warm"));
    assert_eq!(rows[0]["state"], json!("ok"));
}

#[test]
fn a_recorded_loop_replays_as_it_printed() {
    let dir = Scratch::new();
    let server = Server::start(vec![
        calls(&[("c1", "get_weather", r#"{"city":"Oslo"}"#)]),
        answer("Cold in Oslo."),
    ]);
    let live = chat(&dir, &server)
        .args(["--tool", WEATHER, "--tool-cmd", "get_weather=echo -5C"])
        .args(["--record", "loop.jsonl", "x"])
        .output()
        .unwrap();
    assert_eq!(live.status.code(), Some(0), "{}", stderr(&live));
    let text = std::fs::read_to_string(dir.path().join("loop.jsonl")).unwrap();
    assert_eq!(text.lines().count(), 2);
    assert!(
        text.lines()
            .next()
            .unwrap()
            .contains("\"tool_calls_run\":true")
    );
    // The server is gone: the replay prints what the loop printed.
    drop(server);
    let replayed = yap(&dir).args(["replay", "loop.jsonl"]).output().unwrap();
    assert_eq!(replayed.status.code(), Some(0), "{}", stderr(&replayed));
    assert_eq!(stdout(&replayed), stdout(&live));
    assert_eq!(stdout(&replayed), "Cold in Oslo.\n");
}

#[test]
fn a_cassette_plays_each_step_of_a_loop_while_the_commands_run_locally() {
    let dir = Scratch::new();
    let server = Server::start(vec![
        calls(&[("c1", "get_weather", r#"{"city":"Rome"}"#)]),
        answer("Sunny in Rome."),
    ]);
    let marker = dir.path().join("ran");
    let command = format!("get_weather=touch {}; echo 30C", marker.display());
    let first = chat(&dir, &server)
        .args([
            "--tool",
            WEATHER,
            "--tool-cmd",
            &command,
            "--cassette",
            "loop.jsonl",
            "x",
        ])
        .output()
        .unwrap();
    assert_eq!(first.status.code(), Some(0), "{}", stderr(&first));
    let cassette = dir.path().join("loop.jsonl");
    assert_eq!(
        std::fs::read_to_string(&cassette).unwrap().lines().count(),
        2
    );
    drop(server);
    std::fs::remove_file(&marker).unwrap();
    // No server, no key: both steps come from the cassette, the command runs.
    let offline = |cassette: &str| {
        yap(&dir)
            .env_remove("OPENAI_API_KEY")
            .args([
                "chat",
                "--base-url",
                "http://127.0.0.1:1/v1",
                "-m",
                "test-model",
            ])
            .args(["--tool", WEATHER, "--tool-cmd", &command])
            .args(["--cassette", cassette, "--cassette-mode", "replay", "x"])
            .write_stdin("")
            .output()
            .unwrap()
    };
    let again = offline("loop.jsonl");
    assert_eq!(again.status.code(), Some(0), "{}", stderr(&again));
    assert_eq!(stdout(&again), stdout(&first));
    assert!(marker.exists(), "the tool command did not run");
    assert_eq!(
        std::fs::read_to_string(&cassette).unwrap().lines().count(),
        2
    );
    // A cassette that lacks the second step: replay mode names it, exit 2.
    let text = std::fs::read_to_string(&cassette).unwrap();
    dir.write("half.jsonl", format!("{}\n", text.lines().next().unwrap()));
    let half = offline("half.jsonl");
    assert_eq!(half.status.code(), Some(2), "{}", stderr(&half));
    assert!(
        stderr(&half).contains("this step's request"),
        "{}",
        stderr(&half)
    );
}
