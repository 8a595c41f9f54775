//! Templates: saved prompts with variables (`-T NAME|PATH`, `--var`,
//! `--save`), TOML files in `templates/` beside the config file. Reading
//! and rendering are pure; the command layers the result between the
//! `YAP_*` variables and the flags (SPEC, Templates).

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::error::Failure;
use crate::structured::{self, Format};
use crate::tools::{self, Tool};

/// A template file as written. Unknown keys are errors.
#[derive(Debug, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct TemplateFile {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub system: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub prompt: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub model: Option<String>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub vars: BTreeMap<String, toml::Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub body: Option<toml::Table>,
    /// A path (relative to the template's folder) or an inline table.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub schema: Option<toml::Value>,
    /// Paths or inline tables.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tools: Vec<toml::Value>,
}

/// A template read from its file.
#[derive(Debug)]
pub struct Template {
    /// How the user named it (`-T` value), for messages.
    pub name: String,
    pub path: PathBuf,
    pub file: TemplateFile,
}

/// The folder of named templates: `templates/` beside the config file.
pub fn folder(config_path: &Path) -> PathBuf {
    config_path
        .parent()
        .unwrap_or_else(|| Path::new("."))
        .join("templates")
}

/// `-T NAME` reads `templates/NAME.toml`; a value with `/` or ending in
/// `.toml` is a path.
pub fn locate(arg: &str, config_path: &Path) -> PathBuf {
    if arg.contains('/') || arg.ends_with(".toml") {
        PathBuf::from(arg)
    } else {
        folder(config_path).join(format!("{arg}.toml"))
    }
}

/// The names in the folder, sorted (none when it does not exist).
pub fn names(folder: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(folder)
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|e| {
            let name = e.file_name().into_string().ok()?;
            let stem = name.strip_suffix(".toml")?;
            (!stem.is_empty() && !stem.starts_with('.')).then(|| stem.to_string())
        })
        .collect();
    names.sort();
    names
}

/// Read and parse `-T ARG`.
pub fn load(arg: &str, config_path: &Path) -> Result<Template, Failure> {
    let path = locate(arg, config_path);
    let text = match std::fs::read_to_string(&path) {
        Ok(t) => t,
        Err(e)
            if e.kind() == std::io::ErrorKind::NotFound
                && !arg.contains('/')
                && !arg.ends_with(".toml") =>
        {
            let known = names(&folder(config_path));
            return Err(Failure::usage(format!(
                "no template '{arg}' in {} (templates there: {}); `yap templates path` shows the folder",
                folder(config_path).display(),
                if known.is_empty() {
                    "none".to_string()
                } else {
                    known.join(", ")
                }
            )));
        }
        Err(e) => {
            return Err(Failure::usage(format!(
                "template {}: cannot read it: {e}",
                path.display()
            )));
        }
    };
    let file: TemplateFile = toml::from_str(&text).map_err(|e| {
        let place = e
            .span()
            .map(|span| {
                let (line, col) = crate::config::file::line_col(&text, span.start);
                format!("line {line}, column {col}: ")
            })
            .unwrap_or_default();
        Failure::usage(format!(
            "template {}: {place}{}",
            path.display(),
            crate::error::fold_whitespace(e.message())
        ))
    })?;
    if file.vars.contains_key("input") {
        return Err(Failure::usage(format!(
            "template {}: [vars] may not set 'input': it is the user message",
            path.display()
        )));
    }
    Ok(Template {
        name: arg.to_string(),
        path,
        file,
    })
}

/// What a template gives the request, rendered.
#[derive(Debug, Default)]
pub struct Rendered {
    pub system: Option<String>,
    /// The user message (the rendered prompt, with the input in it).
    pub user_text: Option<String>,
    pub model: Option<String>,
    pub body: Option<Value>,
    pub schema: Option<Format>,
    pub tools: Vec<Tool>,
    /// `--var`s the template does not use.
    pub unused: Vec<String>,
}

impl Template {
    fn dir(&self) -> &Path {
        self.path.parent().unwrap_or_else(|| Path::new("."))
    }

    /// Render with `input` (the user message of `-f`, stdin and the words)
    /// and the `--var NAME=VALUE` strings. `want_schema`/`want_tools`:
    /// false when the command line gives its own (they replace the
    /// template's).
    pub fn render(
        &self,
        input: Option<String>,
        var_args: &[String],
        want_schema: bool,
        want_tools: bool,
    ) -> Result<Rendered, Failure> {
        let mut vars: BTreeMap<String, String> = BTreeMap::new();
        for (name, value) in &self.file.vars {
            let text = match value {
                toml::Value::String(s) => s.clone(),
                toml::Value::Integer(_) | toml::Value::Float(_) | toml::Value::Boolean(_) => {
                    value.to_string()
                }
                _ => {
                    return Err(Failure::usage(format!(
                        "template {}: [vars] {name} must be a string, number or boolean",
                        self.path.display()
                    )));
                }
            };
            vars.insert(name.clone(), text);
        }
        let mut given = BTreeSet::new();
        for raw in var_args {
            let (name, value) = raw
                .split_once('=')
                .ok_or_else(|| Failure::usage(format!("--var '{raw}': expected NAME=VALUE")))?;
            let name = name.trim();
            if !is_name(name) {
                return Err(Failure::usage(format!(
                    "--var '{raw}': NAME is letters, digits and _, not starting with a digit"
                )));
            }
            if name == "input" {
                return Err(Failure::usage(
                    "--var input=…: 'input' is the user message (from -f, stdin and the PROMPT words)",
                ));
            }
            vars.insert(name.to_string(), value.to_string());
            given.insert(name.to_string());
        }
        let mut used = BTreeSet::new();
        let system = match &self.file.system {
            Some(s) => Some(fill(s, &vars, None, &self.name, &mut used)?),
            None => None,
        };
        let user_text = match &self.file.prompt {
            None => input,
            Some(prompt) => {
                let uses_input = placeholders(prompt).any(|n| n == "input");
                if uses_input && input.is_none() {
                    return Err(Failure::usage(format!(
                        "template {}: its prompt uses {{{{input}}}} and there is no input: \
                         give PROMPT words, pipe text on stdin, or use -f FILE",
                        self.name
                    )));
                }
                let rendered = fill(prompt, &vars, input.as_deref(), &self.name, &mut used)?;
                match input {
                    Some(input) if !uses_input => Some(format!("{rendered}\n\n{input}")),
                    _ => Some(rendered),
                }
            }
        };
        let unused = given.into_iter().filter(|n| !used.contains(n)).collect();
        let body = match &self.file.body {
            Some(table) => Some(serde_json::to_value(table).map_err(|e| {
                Failure::usage(format!("template {}: body: {e}", self.path.display()))
            })?),
            None => None,
        };
        let schema = match (&self.file.schema, want_schema) {
            (Some(schema), true) => Some(self.schema(schema)?),
            _ => None,
        };
        let mut tools = Vec::new();
        if want_tools {
            for tool in &self.file.tools {
                tools.extend(self.tool(tool)?);
            }
        }
        Ok(Rendered {
            system,
            user_text,
            model: self.file.model.clone(),
            body,
            schema,
            tools,
            unused,
        })
    }

    fn relative(&self, path: &str) -> PathBuf {
        let p = Path::new(path);
        if p.is_absolute() {
            p.to_path_buf()
        } else {
            self.dir().join(p)
        }
    }

    fn schema(&self, schema: &toml::Value) -> Result<Format, Failure> {
        let from = format!("template {} schema", self.path.display());
        match schema {
            toml::Value::String(path) => {
                let full = self.relative(path);
                let text = std::fs::read_to_string(&full).map_err(|e| {
                    Failure::usage(format!("{from}: cannot read {}: {e}", full.display()))
                })?;
                let value: Value = serde_json::from_str(&text).map_err(|e| {
                    Failure::usage(format!("{from}: {} is not valid JSON: {e}", full.display()))
                })?;
                structured::schema_value(value, None, &from)
            }
            toml::Value::Table(table) => {
                let value = serde_json::to_value(table)
                    .map_err(|e| Failure::usage(format!("{from}: {e}")))?;
                structured::schema_value(value, None, &from)
            }
            _ => Err(Failure::usage(format!("{from}: a path or an inline table"))),
        }
    }

    fn tool(&self, tool: &toml::Value) -> Result<Vec<Tool>, Failure> {
        match tool {
            toml::Value::String(path) => {
                let full = self.relative(path);
                tools::parse_arg(&full.to_string_lossy())
            }
            toml::Value::Table(table) => {
                let value = serde_json::to_value(table).map_err(|e| {
                    Failure::usage(format!("template {}: tools: {e}", self.path.display()))
                })?;
                tools::parse_value(value, &format!("(template {})", self.path.display()))
            }
            _ => Err(Failure::usage(format!(
                "template {}: tools holds paths or inline tables",
                self.path.display()
            ))),
        }
    }
}

/// NAME: letters, digits and `_`, not starting with a digit.
fn is_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// The placeholder names in `text`, in order.
fn placeholders(text: &str) -> impl Iterator<Item = &str> {
    let mut rest = text;
    std::iter::from_fn(move || {
        loop {
            let open = rest.find("{{")?;
            let after = &rest[open + 2..];
            let Some(close) = after.find("}}") else {
                rest = "";
                return None;
            };
            let inner = after[..close].trim();
            if is_name(inner) {
                rest = &after[close + 2..];
                return Some(inner);
            }
            rest = after;
        }
    })
}

/// Replace every `{{NAME}}` (spaces inside allowed) with its value;
/// anything else in braces stays. Values are inserted as they are and
/// never rendered again.
fn fill(
    text: &str,
    vars: &BTreeMap<String, String>,
    input: Option<&str>,
    template: &str,
    used: &mut BTreeSet<String>,
) -> Result<String, Failure> {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(open) = rest.find("{{") {
        let after = &rest[open + 2..];
        let Some(close) = after.find("}}") else {
            break;
        };
        let inner = after[..close].trim();
        if !is_name(inner) {
            out.push_str(&rest[..open + 2]);
            rest = after;
            continue;
        }
        out.push_str(&rest[..open]);
        let value = if inner == "input" {
            input.unwrap_or_default()
        } else {
            vars.get(inner).map(String::as_str).ok_or_else(|| {
                Failure::usage(format!(
                    "template {template}: {{{{{inner}}}}} has no value: pass --var {inner}=VALUE or set it in [vars]"
                ))
            })?
        };
        used.insert(inner.to_string());
        out.push_str(value);
        rest = &after[close + 2..];
    }
    out.push_str(rest);
    Ok(out)
}

/// A JSON value as TOML (members that are `null` are left out: TOML has
/// no null).
pub fn to_toml(value: &Value) -> Option<toml::Value> {
    Some(match value {
        Value::Null => return None,
        Value::Bool(b) => toml::Value::Boolean(*b),
        Value::Number(n) => match n.as_i64() {
            Some(i) => toml::Value::Integer(i),
            None => toml::Value::Float(n.as_f64()?),
        },
        Value::String(s) => toml::Value::String(s.clone()),
        Value::Array(items) => toml::Value::Array(items.iter().filter_map(to_toml).collect()),
        Value::Object(obj) => toml::Value::Table(
            obj.iter()
                .filter_map(|(k, v)| Some((k.clone(), to_toml(v)?)))
                .collect(),
        ),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn template(text: &str) -> Template {
        Template {
            name: "t".into(),
            path: PathBuf::from("/nowhere/t.toml"),
            file: toml::from_str(text).unwrap(),
        }
    }

    #[test]
    fn placeholders_defaults_overrides_and_other_braces() {
        let t = template(
            "system = \"Answer in {{ lang }}.\"\nprompt = \"Review {{input}} {not} {{x-y}} {{1a}}\"\n[vars]\nlang = \"English\"\n",
        );
        let r = t.render(Some("DIFF".into()), &[], true, true).unwrap();
        assert_eq!(r.system.as_deref(), Some("Answer in English."));
        assert_eq!(
            r.user_text.as_deref(),
            Some("Review DIFF {not} {{x-y}} {{1a}}")
        );
        let r = t
            .render(Some("D".into()), &["lang=French".into()], true, true)
            .unwrap();
        assert_eq!(r.system.as_deref(), Some("Answer in French."));
    }

    #[test]
    fn input_is_appended_when_the_prompt_does_not_place_it() {
        let t = template("prompt = \"Summarise:\"\n");
        let r = t.render(Some("text".into()), &[], true, true).unwrap();
        assert_eq!(r.user_text.as_deref(), Some("Summarise:\n\ntext"));
        let r = template("")
            .render(Some("plain".into()), &[], true, true)
            .unwrap();
        assert_eq!(r.user_text.as_deref(), Some("plain"));
    }

    #[test]
    fn values_are_never_rendered_again() {
        let t = template("prompt = \"{{a}} {{input}}\"\n");
        let r = t
            .render(Some("{{a}}".into()), &["a={{input}}".into()], true, true)
            .unwrap();
        assert_eq!(r.user_text.as_deref(), Some("{{input}} {{a}}"));
    }

    #[test]
    fn missing_reserved_and_unused_variables() {
        let t = template("prompt = \"{{who}} {{input}}\"\n");
        let e = t.render(Some("x".into()), &[], true, true).unwrap_err();
        assert!(e.message.contains("{{who}} has no value"), "{}", e.message);
        assert!(
            t.render(Some("x".into()), &["input=y".into()], true, true)
                .is_err()
        );
        let e = t.render(None, &["who=me".into()], true, true).unwrap_err();
        assert!(e.message.contains("no input"), "{}", e.message);
        let r = t
            .render(
                Some("x".into()),
                &["who=me".into(), "extra=1".into()],
                true,
                true,
            )
            .unwrap();
        assert_eq!(r.unused, ["extra"]);
    }

    #[test]
    fn unknown_keys_are_refused() {
        assert!(toml::from_str::<TemplateFile>("sytem = \"x\"\n").is_err());
    }
}
