//! The lexer of the condition languages: the inside of `{ ... }` (JSON) and of `[ ... ]`
//! (space-delimited). Term patterns have their own, simpler reader in `terms`; quoted strings are
//! read the same way by both.

use std::fmt;

use super::PatternError;

/// A comparison operator of a JSON or space-delimited condition.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum CmpOp {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

impl CmpOp {
    /// `<`, `<=`, `>` and `>=` take numbers only; `=` and `!=` take anything.
    pub(crate) fn is_numeric_only(self) -> bool {
        matches!(self, CmpOp::Lt | CmpOp::Le | CmpOp::Gt | CmpOp::Ge)
    }

    pub(super) fn holds(self, left: f64, right: f64) -> bool {
        match self {
            CmpOp::Eq => left == right,
            CmpOp::Ne => left != right,
            CmpOp::Lt => left < right,
            CmpOp::Le => left <= right,
            CmpOp::Gt => left > right,
            CmpOp::Ge => left >= right,
        }
    }
}

impl fmt::Display for CmpOp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            CmpOp::Eq => "=",
            CmpOp::Ne => "!=",
            CmpOp::Lt => "<",
            CmpOp::Le => "<=",
            CmpOp::Gt => ">",
            CmpOp::Ge => ">=",
        })
    }
}

/// Which pattern family is being read: `$` starts a selector only in JSON; the other family's
/// brackets are errors.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Dialect {
    Json,
    Delimited,
}

/// One token.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Tok {
    LParen,
    RParen,
    And,
    Or,
    Op(CmpOp),
    Comma,
    /// `"..."`: the unescaped value and the text as written, quotes included.
    Quoted {
        value: String,
        raw: String,
    },
    /// `%...%`: the regex between the percent signs.
    Regex(String),
    /// A JSON property selector, `$.` and what follows.
    Selector(String),
    /// Anything else: a field name, a keyword (`IS`, `NOT`, ...), an unquoted value or `...`.
    Word(String),
}

impl Tok {
    /// The token as an error message shows it.
    pub(crate) fn describe(&self) -> String {
        match self {
            Tok::LParen => "'('".to_owned(),
            Tok::RParen => "')'".to_owned(),
            Tok::And => "'&&'".to_owned(),
            Tok::Or => "'||'".to_owned(),
            Tok::Op(op) => format!("'{op}'"),
            Tok::Comma => "','".to_owned(),
            Tok::Quoted { raw, .. } => raw.clone(),
            Tok::Regex(source) => format!("%{source}%"),
            Tok::Selector(text) | Tok::Word(text) => format!("'{text}'"),
        }
    }
}

/// ASCII whitespace, the only kind that separates tokens.
pub(crate) fn is_space(byte: u8) -> bool {
    matches!(byte, b' ' | b'\t' | b'\n' | b'\r' | 0x0B | 0x0C)
}

/// Bytes that end a word.
fn ends_word(byte: u8) -> bool {
    is_space(byte)
        || matches!(
            byte,
            b'(' | b')' | b'&' | b'|' | b'=' | b'!' | b'<' | b'>' | b',' | b'"' | b'%'
        )
}

/// Splits `source` into tokens.
pub(crate) fn lex(source: &str, dialect: Dialect) -> Result<Vec<Tok>, PatternError> {
    let bytes = source.as_bytes();
    let mut tokens = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let next = bytes.get(i + 1).copied();
        let (token, width) =
            match bytes[i] {
                b if is_space(b) => {
                    i += 1;
                    continue;
                }
                b'(' => (Tok::LParen, 1),
                b')' => (Tok::RParen, 1),
                b'&' if next == Some(b'&') => (Tok::And, 2),
                b'&' => return Err(PatternError::invalid("a lone '&': use '&&' for AND")),
                b'|' if next == Some(b'|') => (Tok::Or, 2),
                b'|' => return Err(PatternError::invalid("a lone '|': use '||' for OR")),
                b'=' => (Tok::Op(CmpOp::Eq), 1),
                b'!' if next == Some(b'=') => (Tok::Op(CmpOp::Ne), 2),
                b'!' => return Err(PatternError::invalid("'!' can only be used as '!='")),
                b'<' if next == Some(b'=') => (Tok::Op(CmpOp::Le), 2),
                b'<' => (Tok::Op(CmpOp::Lt), 1),
                b'>' if next == Some(b'=') => (Tok::Op(CmpOp::Ge), 2),
                b'>' => (Tok::Op(CmpOp::Gt), 1),
                b',' => (Tok::Comma, 1),
                b'"' => {
                    let (value, end) = quoted(source, i)?;
                    let raw = source[i..end].to_owned();
                    (Tok::Quoted { value, raw }, end - i)
                }
                b'%' => {
                    let (regex, end) = percent_regex(source, i)?;
                    (Tok::Regex(regex.to_owned()), end - i)
                }
                b'{' | b'}' if dialect == Dialect::Json => {
                    return Err(PatternError::invalid(
                        "unbalanced braces: a JSON filter pattern is a single '{ ... }'",
                    ))
                }
                b'[' | b']' if dialect == Dialect::Delimited => return Err(PatternError::invalid(
                    "unbalanced brackets: a space-delimited filter pattern is a single '[ ... ]'",
                )),
                b'$' if dialect == Dialect::Json => {
                    let end = selector_end(source, i)?;
                    (Tok::Selector(source[i..end].to_owned()), end - i)
                }
                _ => {
                    let end = (i..bytes.len())
                        .find(|&j| ends_word(bytes[j]))
                        .unwrap_or(bytes.len());
                    (Tok::Word(source[i..end].to_owned()), end - i)
                }
            };
        tokens.push(token);
        i += width;
    }
    Ok(tokens)
}

/// Reads the quoted string that starts at `start` (a `"`). `\"` and `\\` are escapes; any other
/// backslash is kept as written. Returns the value and the index just past the closing quote.
pub(crate) fn quoted(source: &str, start: usize) -> Result<(String, usize), PatternError> {
    let bytes = source.as_bytes();
    let mut value = String::new();
    let mut segment = start + 1;
    let mut i = start + 1;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' if matches!(bytes.get(i + 1), Some(b'"' | b'\\')) => {
                value.push_str(&source[segment..i]);
                value.push(char::from(bytes[i + 1]));
                i += 2;
                segment = i;
            }
            b'"' => {
                value.push_str(&source[segment..i]);
                return Ok((value, i + 1));
            }
            _ => i += 1,
        }
    }
    Err(PatternError::invalid(format!(
        "unterminated quoted string {}: a '\"' has no closing '\"'",
        &source[start..]
    )))
}

/// Reads the `%regex%` that starts at `start`. Returns the regex and the index past the closing `%`.
pub(crate) fn percent_regex(source: &str, start: usize) -> Result<(&str, usize), PatternError> {
    match source[start + 1..].find('%') {
        Some(offset) => {
            let end = start + 1 + offset;
            Ok((&source[start + 1..end], end + 1))
        }
        None => Err(PatternError::invalid(format!(
            "unterminated regular expression {}: a regex starts and ends with '%'",
            &source[start..]
        ))),
    }
}

/// Finds where the selector starting at `start` (a `$`) ends: letters, digits, `_`, `-`, `.`,
/// `*` and bracket groups (`[0]`, `[*]`, `['a.b']`) belong to it.
fn selector_end(source: &str, start: usize) -> Result<usize, PatternError> {
    let bytes = source.as_bytes();
    let mut i = start + 1;
    while i < bytes.len() {
        let byte = bytes[i];
        if byte == b'[' {
            let mut j = i + 1;
            if let Some(&quote @ (b'\'' | b'"')) = bytes.get(j) {
                j += 1;
                while j < bytes.len() && bytes[j] != quote {
                    j += 1;
                }
                j += 1;
            } else {
                while j < bytes.len() && bytes[j] != b']' && !is_space(bytes[j]) {
                    j += 1;
                }
            }
            if bytes.get(j) != Some(&b']') {
                return Err(PatternError::invalid(format!(
                    "unbalanced '[' in the property selector {}",
                    &source[start..]
                )));
            }
            i = j + 1;
        } else if byte.is_ascii_alphanumeric() || matches!(byte, b'_' | b'-' | b'.' | b'*') {
            i += 1;
        } else if ends_word(byte) && byte != b'"' && byte != b'%' {
            break;
        } else {
            // AWS quotes the selector up to the offending character: `{ $."sc-status" = 5* }`
            // answers "Invalid character(s) in term '$."'".
            let width = source[i..].chars().next().map_or(1, char::len_utf8);
            return Err(PatternError::invalid_chars(&source[start..i + width]));
        }
    }
    Ok(i)
}
