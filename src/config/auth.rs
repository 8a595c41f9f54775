//! How the key is sent: `Authorization: Bearer`, `x-api-key`, a named
//! header, or not at all.

use std::fmt;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Auth {
    Bearer,
    XApiKey,
    Header(String),
    None,
}

impl Auth {
    pub fn parse(text: &str) -> Result<Auth, String> {
        let lower = text.trim().to_ascii_lowercase();
        match lower.as_str() {
            "bearer" => Ok(Auth::Bearer),
            "x-api-key" => Ok(Auth::XApiKey),
            "none" => Ok(Auth::None),
            _ => match text.trim().split_once(':') {
                Some((kind, name))
                    if kind.eq_ignore_ascii_case("header") && is_token(name.trim()) =>
                {
                    Ok(Auth::Header(name.trim().to_string()))
                }
                _ => Err(format!(
                    "unknown auth style '{text}': use bearer, x-api-key, header:NAME or none"
                )),
            },
        }
    }

    /// The header name and the text put before the key, or `None` for no auth.
    pub fn header(&self) -> Option<(&str, &'static str)> {
        match self {
            Auth::Bearer => Some(("Authorization", "Bearer ")),
            Auth::XApiKey => Some(("x-api-key", "")),
            Auth::Header(name) => Some((name, "")),
            Auth::None => None,
        }
    }
}

impl fmt::Display for Auth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Auth::Bearer => f.write_str("bearer"),
            Auth::XApiKey => f.write_str("x-api-key"),
            Auth::Header(name) => write!(f, "header:{name}"),
            Auth::None => f.write_str("none"),
        }
    }
}

/// An HTTP header name (RFC 9110 token).
pub fn is_token(name: &str) -> bool {
    !name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_every_style() {
        assert_eq!(Auth::parse("bearer"), Ok(Auth::Bearer));
        assert_eq!(Auth::parse("X-API-KEY"), Ok(Auth::XApiKey));
        assert_eq!(Auth::parse("none"), Ok(Auth::None));
        assert_eq!(
            Auth::parse("header:api-key"),
            Ok(Auth::Header("api-key".into()))
        );
        assert!(Auth::parse("header:").is_err());
        assert!(Auth::parse("basic").is_err());
    }
}
