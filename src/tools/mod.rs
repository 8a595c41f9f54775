//! Tools: the declarations sent as `tools` (`--tool PATH|JSON`), the local
//! commands that answer them (`--tool-cmd NAME=COMMAND`, a tool file's
//! `command` key), and the loop that runs those commands between
//! exchanges (`steps.rs`, a layer above one exchange).

pub mod command;
pub mod steps;

use std::path::Path;

use serde_json::{Map, Value, json};

use crate::error::Failure;

/// One declared tool: what is sent, and the command that answers it.
#[derive(Clone, Debug, PartialEq)]
pub struct Tool {
    /// The function's name (for a tool of another type, its type).
    pub name: String,
    /// The tool object sent in `tools` (without any `command` key).
    pub definition: Value,
    /// The local command run when the model calls it.
    pub command: Option<String>,
    /// Where it was declared (a file, or `--tool` inline JSON).
    pub from: String,
}

/// Every declared tool, in order.
#[derive(Clone, Debug, Default)]
pub struct Toolbox {
    pub tools: Vec<Tool>,
}

impl Toolbox {
    /// Read every `--tool` value, then apply every `--tool-cmd`.
    pub fn from_args(tools: &[String], commands: &[String]) -> Result<Toolbox, Failure> {
        let mut read = Vec::new();
        for arg in tools {
            read.extend(parse_arg(arg)?);
        }
        Toolbox::from_tools(read, commands)
    }

    /// Tools already read (a template's, or `--tool`'s), then every
    /// `--tool-cmd`.
    pub fn from_tools(tools: Vec<Tool>, commands: &[String]) -> Result<Toolbox, Failure> {
        let mut box_ = Toolbox::default();
        {
            for tool in tools {
                if let Some(first) = box_.tools.iter().find(|t| t.name == tool.name) {
                    return Err(Failure::usage(format!(
                        "--tool {}: a tool named '{}' is already declared (by {})",
                        tool.from, tool.name, first.from
                    )));
                }
                box_.tools.push(tool);
            }
        }
        for raw in commands {
            let (name, command) = raw.split_once('=').ok_or_else(|| {
                Failure::usage(format!("--tool-cmd '{raw}': expected NAME=COMMAND"))
            })?;
            let (name, command) = (name.trim(), command.trim());
            if command.is_empty() {
                return Err(Failure::usage(format!(
                    "--tool-cmd '{raw}': the COMMAND is empty"
                )));
            }
            let Some(tool) = box_.tools.iter_mut().find(|t| t.name == name) else {
                let known: Vec<&str> = box_.tools.iter().map(|t| t.name.as_str()).collect();
                return Err(Failure::usage(format!(
                    "--tool-cmd '{name}': no --tool declares a tool named '{name}' (declared: {})",
                    if known.is_empty() {
                        "none".to_string()
                    } else {
                        known.join(", ")
                    }
                )));
            };
            tool.command = Some(command.to_string());
        }
        Ok(box_)
    }

    pub fn is_empty(&self) -> bool {
        self.tools.is_empty()
    }

    /// The `tools` array to send.
    pub fn definitions(&self) -> Vec<Value> {
        self.tools.iter().map(|t| t.definition.clone()).collect()
    }

    /// The command that answers `name`, if any.
    pub fn command(&self, name: &str) -> Option<&str> {
        self.tools
            .iter()
            .find(|t| t.name == name)
            .and_then(|t| t.command.as_deref())
    }

    /// Does any tool have a command (so that a run may loop)?
    pub fn runs_commands(&self) -> bool {
        self.tools.iter().any(|t| t.command.is_some())
    }

    /// Every (name, command) a run may start, in declaration order.
    pub fn commands(&self) -> Vec<(&str, &str)> {
        self.tools
            .iter()
            .filter_map(|t| Some((t.name.as_str(), t.command.as_deref()?)))
            .collect()
    }
}

/// `--tool-choice auto|none|required|NAME` as the body field.
pub fn tool_choice(choice: &str) -> Value {
    match choice {
        "auto" | "none" | "required" => json!(choice),
        name => json!({"type": "function", "function": {"name": name}}),
    }
}

/// One `--tool` value: inline JSON, or a JSON or TOML file.
pub fn parse_arg(arg: &str) -> Result<Vec<Tool>, Failure> {
    let trimmed = arg.trim_start();
    if trimmed.starts_with('{') || trimmed.starts_with('[') {
        let value: Value = serde_json::from_str(arg)
            .map_err(|e| Failure::usage(format!("--tool (inline JSON): not valid JSON: {e}")))?;
        return parse_value(value, "--tool (inline JSON)");
    }
    let path = Path::new(arg);
    let text = std::fs::read_to_string(path)
        .map_err(|e| Failure::usage(format!("--tool {arg}: cannot read the tool file: {e}")))?;
    let value = parse_file_text(&text, path)?;
    parse_value(value, arg)
}

/// A tool file's text: JSON, or TOML (by its extension, or when it is not
/// JSON).
fn parse_file_text(text: &str, path: &Path) -> Result<Value, Failure> {
    let is_toml = path.extension().is_some_and(|e| e == "toml");
    if !is_toml && let Ok(value) = serde_json::from_str::<Value>(text) {
        return Ok(value);
    }
    match toml::from_str::<toml::Table>(text) {
        Ok(table) => {
            let value = serde_json::to_value(table)
                .map_err(|e| Failure::usage(format!("--tool {}: {e}", path.display())))?;
            // `[[tools]]` in TOML: an array of tools.
            Ok(match value {
                Value::Object(mut obj) if obj.len() == 1 && obj.contains_key("tools") => {
                    obj.remove("tools").unwrap_or(Value::Null)
                }
                other => other,
            })
        }
        Err(toml_err) => {
            let json_err = serde_json::from_str::<Value>(text).err();
            Err(Failure::usage(match (is_toml, json_err) {
                (false, Some(j)) => format!(
                    "--tool {}: neither JSON ({j}) nor TOML ({})",
                    path.display(),
                    crate::error::fold_whitespace(&toml_err.to_string())
                ),
                _ => format!(
                    "--tool {}: not valid TOML: {}",
                    path.display(),
                    crate::error::fold_whitespace(&toml_err.to_string())
                ),
            }))
        }
    }
}

/// A tool object, a bare function object, or an array of either.
pub fn parse_value(value: Value, from: &str) -> Result<Vec<Tool>, Failure> {
    match value {
        Value::Array(items) => {
            if items.is_empty() {
                return Err(Failure::usage(format!("--tool {from}: an empty array")));
            }
            items.into_iter().map(|v| one_tool(v, from)).collect()
        }
        other => Ok(vec![one_tool(other, from)?]),
    }
}

fn one_tool(value: Value, from: &str) -> Result<Tool, Failure> {
    let bad = |what: &str| Failure::usage(format!("--tool {from}: {what}"));
    let Value::Object(mut obj) = value else {
        return Err(bad("a tool must be a JSON object"));
    };
    let command = take_command(&mut obj, from)?;
    let kind = obj.get("type").and_then(Value::as_str).map(str::to_string);
    match kind.as_deref() {
        Some("function") => {
            let Some(Value::Object(function)) = obj.get_mut("function") else {
                return Err(bad("a \"function\" tool needs a \"function\" object"));
            };
            let inner_command = take_command(function, from)?;
            let name = check_function(function, from)?;
            Ok(Tool {
                name,
                definition: Value::Object(obj),
                command: command.or(inner_command),
                from: from.to_string(),
            })
        }
        Some(other) => {
            // A tool of another type (a provider's own): sent as given.
            if command.is_some() {
                return Err(bad(&format!(
                    "a \"command\" needs a function tool, not a \"{other}\" one"
                )));
            }
            let name = obj
                .get(other)
                .and_then(|t| t.get("name"))
                .and_then(Value::as_str)
                .unwrap_or(other)
                .to_string();
            Ok(Tool {
                name,
                definition: Value::Object(obj),
                command: None,
                from: from.to_string(),
            })
        }
        None => {
            // A bare function object: wrapped.
            let name = check_function(&obj, from)?;
            Ok(Tool {
                name,
                definition: json!({"type": "function", "function": Value::Object(obj)}),
                command,
                from: from.to_string(),
            })
        }
    }
}

fn take_command(obj: &mut Map<String, Value>, from: &str) -> Result<Option<String>, Failure> {
    match obj.remove("command") {
        None => Ok(None),
        Some(Value::String(c)) if !c.trim().is_empty() => Ok(Some(c)),
        Some(_) => Err(Failure::usage(format!(
            "--tool {from}: \"command\" must be a non-empty string"
        ))),
    }
}

/// `name` a non-empty string, `parameters` (when present) an object.
fn check_function(function: &Map<String, Value>, from: &str) -> Result<String, Failure> {
    let name = match function.get("name") {
        Some(Value::String(n)) if !n.trim().is_empty() => n.clone(),
        Some(_) => {
            return Err(Failure::usage(format!(
                "--tool {from}: \"name\" must be a non-empty string"
            )));
        }
        None => {
            return Err(Failure::usage(format!(
                "--tool {from}: the tool has no \"name\""
            )));
        }
    };
    if let Some(p) = function.get("parameters")
        && !p.is_object()
    {
        return Err(Failure::usage(format!(
            "--tool {from}: \"parameters\" of '{name}' must be a JSON object (a JSON Schema)"
        )));
    }
    Ok(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_shape_is_read_and_wrapped() {
        let bare =
            r#"{"name":"w","description":"d","parameters":{"type":"object"},"command":"./w.sh"}"#;
        let t = parse_arg(bare).unwrap();
        assert_eq!(t[0].name, "w");
        assert_eq!(t[0].command.as_deref(), Some("./w.sh"));
        assert_eq!(
            t[0].definition,
            json!({"type":"function","function":{"name":"w","description":"d","parameters":{"type":"object"}}})
        );
        let full = r#"[{"type":"function","function":{"name":"a"}},{"name":"b"}]"#;
        let t = parse_arg(full).unwrap();
        assert_eq!(t.len(), 2);
        assert_eq!(t[1].definition["type"], json!("function"));
    }

    #[test]
    fn bad_tools_are_usage_errors() {
        for bad in [
            r#"{"description":"no name"}"#,
            r#"{"name":"x","parameters":[1]}"#,
            r#"{"name":""}"#,
            r#"[]"#,
            r#"{"type":"function"}"#,
            r#"{"name":"x","command":5}"#,
            "[1]",
            "{not json",
        ] {
            assert_eq!(parse_arg(bad).unwrap_err().kind.exit_code(), 2, "{bad}");
        }
    }

    #[test]
    fn duplicates_and_undeclared_commands_are_refused() {
        let t = r#"{"name":"a"}"#.to_string();
        let e = Toolbox::from_args(&[t.clone(), t.clone()], &[]).unwrap_err();
        assert!(e.message.contains("already declared"), "{}", e.message);
        let e = Toolbox::from_args(std::slice::from_ref(&t), &["b=echo".into()]).unwrap_err();
        assert!(e.message.contains("no --tool declares"), "{}", e.message);
        let b = Toolbox::from_args(&[t], &["a = echo hi".into()]).unwrap();
        assert_eq!(b.command("a"), Some("echo hi"));
        assert!(b.runs_commands());
    }

    #[test]
    fn tool_choice_names_a_function() {
        assert_eq!(tool_choice("required"), json!("required"));
        assert_eq!(
            tool_choice("get_weather"),
            json!({"type":"function","function":{"name":"get_weather"}})
        );
    }
}
