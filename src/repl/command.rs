//! The slash commands of the interactive chat: what a typed line means.

/// What one typed line (not a `"""` block) asks for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Line {
    /// A user message (a leading `//` already turned into `/`).
    Prompt(String),
    Command(Command),
    /// A `/word` that is no command: the hint to print; nothing is sent.
    Unknown(String),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Command {
    Help,
    /// `/model`: show the model; `/model NAME`: use NAME from the next turn.
    Model(Option<String>),
    /// `/system TEXT`: the system prompt of the next turns; `/system`
    /// alone: none.
    System(Option<String>),
    /// A new conversation: a new history id, an empty memory.
    Clear,
    /// The conversation as a JSON array of messages.
    Save(String),
    Exit,
}

/// The commands, for `/help` (and the startup line's pointer to it).
pub const HELP: &str = "\
/help          this list
/model [NAME]  show the model, or use NAME from the next turn on
/system [TEXT] the system prompt of the next turns (none without TEXT)
/clear         start a new conversation (the model and system prompt stay)
/save PATH     write the conversation as a JSON array of messages
               (yap chat --messages PATH reads it back)
/exit          end the chat (as Ctrl-D does)
keys: Alt-Enter a new line; a line \"\"\" starts a block that another \"\"\" ends;
      Up/Down the input history; Ctrl-C clears the line, stops an answer,
      or on an empty line ends yap; a line starting with // sends one /
";

/// Read one typed line. A line that starts with `/` is a command, `//`
/// sends the rest with one `/`.
pub fn parse(line: &str) -> Line {
    if let Some(rest) = line.strip_prefix("//") {
        return Line::Prompt(format!("/{rest}"));
    }
    let Some(rest) = line.trim_end().strip_prefix('/') else {
        return Line::Prompt(line.to_string());
    };
    let (word, arg) = match rest.split_once(char::is_whitespace) {
        Some((word, arg)) => (word, Some(arg.trim()).filter(|a| !a.is_empty())),
        None => (rest, None),
    };
    if arg.is_some() && matches!(word, "help" | "?" | "clear" | "exit") {
        return Line::Unknown(format!(
            "/{word} takes no argument; /help lists the commands"
        ));
    }
    let arg = arg.map(str::to_string);
    let command = match word {
        "help" | "?" => Command::Help,
        "model" => Command::Model(arg),
        "system" => Command::System(arg),
        "clear" => Command::Clear,
        "save" => match arg {
            Some(path) => Command::Save(path),
            None => return Line::Unknown("/save needs a file: /save PATH".to_string()),
        },
        "exit" => Command::Exit,
        _ => {
            let shown: String = word.chars().take(40).collect();
            return Line::Unknown(format!(
                "/{shown} is not a command; /help lists them (start the line with // to send it \
                 as a message)"
            ));
        }
    };
    Line::Command(command)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commands_and_their_arguments() {
        assert_eq!(parse("/help"), Line::Command(Command::Help));
        assert_eq!(parse("/exit  "), Line::Command(Command::Exit));
        assert_eq!(parse("/model"), Line::Command(Command::Model(None)));
        assert_eq!(
            parse("/model  gpt-x "),
            Line::Command(Command::Model(Some("gpt-x".into())))
        );
        assert_eq!(
            parse("/system Be brief.  Very."),
            Line::Command(Command::System(Some("Be brief.  Very.".into())))
        );
        assert_eq!(parse("/system"), Line::Command(Command::System(None)));
        assert_eq!(
            parse("/save out dir/c.json"),
            Line::Command(Command::Save("out dir/c.json".into()))
        );
        assert!(matches!(parse("/save"), Line::Unknown(_)));
        assert!(matches!(parse("/clear now"), Line::Unknown(_)));
    }

    #[test]
    fn prompts_unknown_words_and_the_escape() {
        assert_eq!(parse("hello /help"), Line::Prompt("hello /help".into()));
        assert_eq!(parse("//etc/hosts?"), Line::Prompt("/etc/hosts?".into()));
        match parse("/etc/hosts what is it") {
            Line::Unknown(hint) => assert!(hint.starts_with("/etc/hosts is not"), "{hint}"),
            other => panic!("{other:?}"),
        }
        assert!(matches!(parse("/"), Line::Unknown(_)));
    }
}
