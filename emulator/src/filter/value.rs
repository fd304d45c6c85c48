//! What JSON and space-delimited conditions compare: the operators, the right-hand operand, AWS's
//! `*` wildcard, and the number grammar.

use regex::Regex;

use super::lexer::{CmpOp, Tok};
use super::{ParseCtx, PatternError};

/// The right-hand side of a condition.
#[derive(Debug)]
pub(crate) enum Operand {
    /// A quoted string, or an unquoted word that is not a plain number. With a `*` it is a
    /// wildcard pattern (see [`wildcard_match`]), otherwise compared exactly.
    Text { text: String, wildcard: bool },
    /// An unquoted number without `*`: compared numerically with numbers, textually otherwise.
    Number { text: String, value: f64 },
    /// `%regex%`: matches when the regex is found anywhere in the value.
    Regex(Regex),
}

impl Operand {
    /// Reads the operand token that follows `op`.
    pub(crate) fn parse(
        op: CmpOp,
        tok: Option<Tok>,
        ctx: &mut ParseCtx,
    ) -> Result<Self, PatternError> {
        match tok {
            Some(Tok::Quoted { value, raw }) => {
                if op.is_numeric_only() {
                    // What AWS answers to `{ $.n >= "123" }` (observed with TestMetricFilter).
                    return Err(PatternError::invalid_chars(&raw));
                }
                Ok(Operand::Text {
                    wildcard: value.contains('*'),
                    text: value,
                })
            }
            Some(Tok::Regex(source)) => {
                if op.is_numeric_only() {
                    return Err(PatternError::invalid(format!(
                        "the regular expression %{source}% can only be compared with = or !="
                    )));
                }
                Ok(Operand::Regex(ctx.regex(&source)?))
            }
            Some(Tok::Word(word)) => {
                if let Some(bad) = first_invalid_char(&word, is_value_char) {
                    return Err(PatternError::invalid_chars(bad));
                }
                let number = if word.contains('*') {
                    None
                } else {
                    parse_number(&word)
                };
                match number {
                    Some(value) => Ok(Operand::Number { text: word, value }),
                    None if op.is_numeric_only() => Err(PatternError::invalid_chars(&word)),
                    None => Ok(Operand::Text {
                        wildcard: word.contains('*'),
                        text: word,
                    }),
                }
            }
            Some(Tok::Comma) => Err(PatternError::invalid_chars(",")),
            Some(other) => Err(PatternError::invalid(format!(
                "expected a value after '{op}', found {}",
                other.describe()
            ))),
            None => Err(PatternError::invalid(format!(
                "expected a value after '{op}', found the end of the pattern"
            ))),
        }
    }

    /// Whether `value <op> self` holds. `number` is the value read as a number, when it is one.
    pub(crate) fn compare(&self, op: CmpOp, value: &str, number: Option<f64>) -> bool {
        if op.is_numeric_only() {
            return match (self, number) {
                (Operand::Number { value: right, .. }, Some(left)) => op.holds(left, *right),
                _ => false,
            };
        }
        let equal = match self {
            Operand::Text {
                text,
                wildcard: true,
            } => wildcard_match(text, value),
            Operand::Text {
                text,
                wildcard: false,
            } => text == value,
            Operand::Number { text, value: right } => match number {
                Some(left) => left == *right,
                None => text == value,
            },
            Operand::Regex(regex) => regex.is_match(value),
        };
        if op == CmpOp::Eq {
            equal
        } else {
            !equal
        }
    }
}

/// Characters an unquoted value may contain. The AWS guide asks for quotes around anything but
/// letters, digits and `_`; its own examples use `.` (`123.123.*`), `*`, `+` and `-` (`1e+3`).
pub(crate) fn is_value_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '*' | '+' | '-')
}

/// Characters of an unquoted term or field name: letters, digits and `_` (AWS guide: "terms that
/// include non-alphanumeric characters" must be quoted).
pub(crate) fn is_term_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

/// The first character of `text` that fails `ok`: what AWS quotes in
/// "Invalid character(s) in term '...'" (`?Status: timeout` gives `':'`; a term with a backslash
/// gives `'\'`).
pub(crate) fn first_invalid_char(text: &str, ok: impl Fn(char) -> bool) -> Option<&str> {
    let (start, c) = text.char_indices().find(|&(_, c)| !ok(c))?;
    Some(&text[start..start + c.len_utf8()])
}

/// Reads a number as the AWS guide defines it: an integer or decimal with an optional sign and an
/// optional exponent (`+1000`, `55.5`, `10e-3`). Anything else (hex, `inf`, `1_000`) is not one.
pub(crate) fn parse_number(text: &str) -> Option<f64> {
    let bytes = text.as_bytes();
    let mut i = 0;
    if matches!(bytes.first(), Some(b'+' | b'-')) {
        i += 1;
    }
    let int_start = i;
    while bytes.get(i).is_some_and(u8::is_ascii_digit) {
        i += 1;
    }
    let mut digits = i - int_start;
    if bytes.get(i) == Some(&b'.') {
        i += 1;
        let frac_start = i;
        while bytes.get(i).is_some_and(u8::is_ascii_digit) {
            i += 1;
        }
        digits += i - frac_start;
    }
    if digits == 0 {
        return None;
    }
    if matches!(bytes.get(i), Some(b'e' | b'E')) {
        i += 1;
        if matches!(bytes.get(i), Some(b'+' | b'-')) {
            i += 1;
        }
        let exp_start = i;
        while bytes.get(i).is_some_and(u8::is_ascii_digit) {
            i += 1;
        }
        if i == exp_start {
            return None;
        }
    }
    if i != bytes.len() {
        return None;
    }
    text.parse::<f64>().ok()
}

/// AWS's `*` wildcard, as TestMetricFilter shows it behaves: the text before the first `*` must be
/// a prefix; every later piece is looked for at its *first* occurrence after the previous one, with
/// no backtracking; and unless the pattern ends with `*`, the last piece must end the value.
///
/// So on `111.111.111.111`, `*.111.111.111` matches but `*111.111.111` does not (its first
/// occurrence is at the start), `111*111` does not, and on `123`, `1*3` does. A regex or
/// backtracking glob would answer otherwise on those; AWS answers as here.
pub(crate) fn wildcard_match(pattern: &str, value: &str) -> bool {
    let mut pieces = pattern.split('*');
    let prefix = pieces.next().unwrap_or_default();
    let Some(mut rest) = value.strip_prefix(prefix) else {
        return false;
    };
    let pieces: Vec<&str> = pieces.collect();
    let Some((last, middle)) = pieces.split_last() else {
        // No `*` at all: plain equality.
        return rest.is_empty();
    };
    for piece in middle.iter().filter(|p| !p.is_empty()) {
        match rest.find(piece) {
            Some(at) => rest = &rest[at + piece.len()..],
            None => return false,
        }
    }
    if last.is_empty() {
        return true;
    }
    match rest.find(last) {
        Some(at) => at + last.len() == rest.len(),
        None => false,
    }
}
