//! The `.env` format yap reads: `NAME=VALUE` lines, an optional `export`,
//! values quoted as in a shell (`'…'` literal, `"…"` with `\` escapes, both
//! may span lines), `#` comments. A line that does not fit is reported with
//! its number and skipped; the other lines still count. `$NAME` is never
//! expanded: a `.env` must not copy the shell's variables (its keys) into
//! other settings.

/// A line that could not be read, and why (the line itself is never
/// repeated: it may hold a secret).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BadLine {
    pub line: usize,
    pub reason: &'static str,
}

/// Every `NAME=VALUE` of `text`, in order (a later one of the same name
/// wins when the caller inserts them in order), and the lines skipped.
pub fn parse(text: &str) -> (Vec<(String, String)>, Vec<BadLine>) {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let text = text.replace("\r\n", "\n");
    let chars: Vec<char> = text.chars().collect();
    // The index of the first char of each line, to restart after an error.
    let mut line_starts = vec![0];
    line_starts.extend(
        chars
            .iter()
            .enumerate()
            .filter(|(_, c)| **c == '\n')
            .map(|(i, _)| i + 1),
    );
    let mut pairs = Vec::new();
    let mut bad = Vec::new();
    let mut line = 0;
    while line < line_starts.len() {
        let mut p = Parser {
            chars: &chars,
            pos: line_starts[line],
            line,
        };
        match p.entry() {
            Ok(pair) => {
                pairs.extend(pair);
                // An entry may span lines (a quoted value with line breaks).
                line = p.line + 1;
            }
            Err(reason) => {
                bad.push(BadLine {
                    line: line + 1,
                    reason,
                });
                line += 1;
            }
        }
    }
    (pairs, bad)
}

struct Parser<'a> {
    chars: &'a [char],
    pos: usize,
    /// The 0-based line the cursor is on.
    line: usize,
}

impl Parser<'_> {
    fn peek(&self) -> Option<char> {
        self.chars.get(self.pos).copied()
    }

    fn bump(&mut self) -> Option<char> {
        let c = self.peek()?;
        self.pos += 1;
        if c == '\n' {
            self.line += 1;
        }
        Some(c)
    }

    fn skip_blanks(&mut self) {
        while matches!(self.peek(), Some(' ' | '\t')) {
            self.pos += 1;
        }
    }

    /// At the end of the line (or file), or at a comment that runs to it.
    fn at_line_end(&self) -> bool {
        matches!(self.peek(), None | Some('\n' | '#'))
    }

    /// One entry from the start of a line; `Ok(None)` for a blank line or
    /// a comment. Leaves the cursor on the entry's last line.
    fn entry(&mut self) -> Result<Option<(String, String)>, &'static str> {
        self.skip_blanks();
        if self.at_line_end() {
            return Ok(None);
        }
        let mut name = self.name();
        if name == "export" && matches!(self.peek(), Some(' ' | '\t')) {
            self.skip_blanks();
            name = self.name();
        }
        if name.is_empty() {
            return Err("expected NAME=VALUE (a name of letters, digits and _)");
        }
        self.skip_blanks();
        if self.peek() != Some('=') {
            return Err("expected NAME=VALUE (no = after the name)");
        }
        self.pos += 1;
        self.skip_blanks();
        let value = self.value()?;
        self.skip_blanks();
        if !self.at_line_end() {
            return Err("a space in a value that is not quoted (quote the value)");
        }
        Ok(Some((name, value)))
    }

    fn name(&mut self) -> String {
        let mut name = String::new();
        while let Some(c) = self.peek() {
            let ok =
                c == '_' || c.is_ascii_alphabetic() || (!name.is_empty() && c.is_ascii_digit());
            if !ok {
                break;
            }
            name.push(c);
            self.pos += 1;
        }
        name
    }

    /// The value, up to an unquoted blank or the end of the line.
    fn value(&mut self) -> Result<String, &'static str> {
        let mut out = String::new();
        loop {
            match self.peek() {
                None | Some('\n' | ' ' | '\t') => return Ok(out),
                Some('\'') => {
                    self.bump();
                    loop {
                        match self.bump() {
                            None => return Err("a quote (') that is never closed"),
                            Some('\'') => break,
                            Some(c) => out.push(c),
                        }
                    }
                }
                Some('"') => {
                    self.bump();
                    loop {
                        match self.bump() {
                            None => return Err("a quote (\") that is never closed"),
                            Some('"') => break,
                            Some('\\') => match self.bump() {
                                None => return Err("a quote (\") that is never closed"),
                                Some(c @ ('"' | '\\' | '$' | '`')) => out.push(c),
                                Some('n') => out.push('\n'),
                                Some('\n') => {}
                                Some(c) => {
                                    out.push('\\');
                                    out.push(c);
                                }
                            },
                            Some(c) => out.push(c),
                        }
                    }
                }
                Some('\\') => {
                    self.bump();
                    match self.bump() {
                        None | Some('\n') => {}
                        Some(c) => out.push(c),
                    }
                }
                Some(c) => {
                    self.bump();
                    out.push(c);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(text: &str) -> Vec<(String, String)> {
        let (pairs, bad) = parse(text);
        assert!(bad.is_empty(), "{bad:?}");
        pairs
    }

    fn one(text: &str) -> String {
        let p = pairs(text);
        assert_eq!(p.len(), 1, "{p:?}");
        p[0].1.clone()
    }

    #[test]
    fn shell_quoting() {
        assert_eq!(one("A=plain"), "plain");
        assert_eq!(one("export A=plain"), "plain");
        assert_eq!(one("A = spaced  # comment"), "spaced");
        assert_eq!(one("A='it''s $HOME'"), "its $HOME");
        assert_eq!(one(r#"A="say \"hi\" \$HOME\n""#), "say \"hi\" $HOME\n");
        assert_eq!(one("A=\"two\nlines\""), "two\nlines");
        assert_eq!(one("A="), "");
        assert_eq!(one("A=x#not-a-comment"), "x#not-a-comment");
        assert_eq!(one("A=one\\ word"), "one word");
        assert_eq!(one("\u{feff}A=bom\r\n"), "bom");
        assert_eq!(one("export=1"), "1");
    }

    #[test]
    fn comments_and_blank_lines() {
        let p = pairs("# top\n\n  A=1\n\t# indented\nB=2\n");
        assert_eq!(p, vec![("A".into(), "1".into()), ("B".into(), "2".into())]);
    }

    #[test]
    fn bad_lines_are_skipped_with_their_number() {
        let text = "A=1\nGREETING=hello world\nB=2\n3X=no\nC='open\nD=4\nE ok\nexport\n";
        let (pairs, bad) = parse(text);
        let names: Vec<&str> = pairs.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(names, ["A", "B", "D"]);
        let lines: Vec<usize> = bad.iter().map(|b| b.line).collect();
        assert_eq!(lines, [2, 4, 5, 7, 8]);
        assert!(bad[0].reason.contains("quote"), "{bad:?}");
    }

    #[test]
    fn a_multi_line_value_keeps_later_line_numbers() {
        let (pairs, bad) = parse("A=\"x\ny\"\nB=1 2\nC=3\n");
        assert_eq!(pairs.len(), 2);
        assert_eq!(
            bad,
            vec![BadLine {
                line: 3,
                reason: bad[0].reason
            }]
        );
    }
}
