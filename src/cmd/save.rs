//! `yap chat --save NAME`: this command line as a template, sent nowhere.
//! It keeps `-s`, `-m`, the request flags, `-o` and `--body` (as `body`),
//! `--schema` and `--tool` (their files inlined), `--tool-cmd` (as
//! `command` keys) and the PROMPT words (as `prompt`); never stdin or the
//! key.

use std::io::Write;
use std::path::Path;

use serde_json::{Map, Value, json};

use super::common;
use crate::cli::ChatArgs;
use crate::config::Settings;
use crate::error::Failure;
use crate::input;
use crate::request::params::{
    deep_merge, parse_body_object, parse_param, sampling_fields, set_path,
};
use crate::structured;
use crate::template::{self, TemplateFile, to_toml};
use crate::tools::{self, Toolbox};

pub fn template(
    settings: &Settings,
    args: &ChatArgs,
    name: &str,
    force: bool,
) -> anyhow::Result<()> {
    let plain = !name.is_empty()
        && !name.starts_with('.')
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'));
    if !plain {
        return Err(Failure::usage(format!(
            "--save '{name}': a template name is letters, digits, '_', '-' and '.', \
             not starting with '.'"
        ))
        .into());
    }
    if args.prompt.words.iter().any(|w| w == "-") || args.body.body.as_deref() == Some("-") {
        return Err(Failure::usage("--save never reads stdin: drop the - argument").into());
    }
    let folder = template::folder(&settings.config_path);
    let path = folder.join(format!("{name}.toml"));
    if path.exists() && !force {
        return Err(Failure::usage(format!(
            "template {} exists; pass --force to replace it",
            path.display()
        ))
        .into());
    }

    let system = match (&args.system, &args.system_file) {
        (Some(s), _) => Some(s.clone()),
        (None, Some(p)) => Some(input::read_text_file(p, "--system-file")?),
        (None, None) => None,
    };
    let prompt = (!args.prompt.words.is_empty()).then(|| args.prompt.words.join(" "));

    // The body: --body, then the named request flags, then -o.
    let mut body = match args.body.body.as_deref() {
        None => Value::Object(Map::new()),
        Some(text) if text.trim_start().starts_with('{') => parse_body_object(text, "(inline)")?,
        Some(path) => parse_body_object(
            &input::read_text_file(Path::new(path), "--body file")?,
            path,
        )?,
    };
    let mut named = sampling_fields(&common::sampling(&args.sampling)?);
    if let Some(n) = args.max_completion_tokens {
        named.insert("max_completion_tokens".into(), json!(n));
    }
    if let Some(user) = &args.user {
        named.insert("user".into(), json!(user));
    }
    if args.json_object {
        named.insert("response_format".into(), json!({"type": "json_object"}));
    }
    if let Some(choice) = &args.tools.tool_choice {
        named.insert("tool_choice".into(), tools::tool_choice(choice));
    }
    if let Some(parallel) = args.tools.parallel_tool_calls {
        named.insert("parallel_tool_calls".into(), json!(parallel));
    }
    if args.body.no_stream {
        named.insert("stream".into(), json!(false));
    }
    deep_merge(&mut body, Value::Object(named));
    if let Value::Object(map) = &mut body {
        for raw in &args.body.params {
            let (path, value) = parse_param(raw)?;
            set_path(map, &path, value);
        }
    }
    let body = match to_toml(&body) {
        Some(toml::Value::Table(t)) if !t.is_empty() => Some(t),
        _ => None,
    };

    let schema = match &args.schema {
        None => None,
        Some(arg) => {
            // Checked as a run would check it, then kept as written.
            structured::schema(arg, args.schema_name.as_deref())?;
            let text = if arg.trim_start().starts_with('{') {
                arg.clone()
            } else {
                input::read_text_file(Path::new(arg), "--schema file")?
            };
            let value: Value = serde_json::from_str(&text)
                .map_err(|e| Failure::usage(format!("--schema {arg}: not valid JSON: {e}")))?;
            let value = match (args.schema_name.as_deref(), value) {
                (Some(name), Value::Object(obj)) if !obj.contains_key("schema") => {
                    json!({"name": name, "schema": Value::Object(obj), "strict": true})
                }
                (_, v) => v,
            };
            to_toml(&value)
        }
    };

    let toolbox = Toolbox::from_args(&args.tools.tools, &args.tools.tool_cmds)?;
    let tools: Vec<toml::Value> = toolbox
        .tools
        .iter()
        .filter_map(|t| {
            let mut def = t.definition.clone();
            if let (Some(command), Value::Object(obj)) = (&t.command, &mut def) {
                obj.insert("command".into(), json!(command));
            }
            to_toml(&def)
        })
        .collect();

    let file = TemplateFile {
        system,
        prompt,
        model: args.model.clone(),
        vars: Default::default(),
        body,
        schema,
        tools,
    };
    let text = toml::to_string(&file)
        .map_err(|e| Failure::usage(format!("cannot write the template: {e}")))?;
    std::fs::create_dir_all(&folder)
        .map_err(|e| Failure::usage(format!("cannot create {}: {e}", folder.display())))?;
    std::fs::write(&path, text)
        .map_err(|e| Failure::usage(format!("cannot write {}: {e}", path.display())))?;
    writeln!(std::io::stdout().lock(), "{}", path.display())?;
    Ok(())
}
