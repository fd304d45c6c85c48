//! CloudWatch Logs' regex dialect, `%...%`, checked against AWS's list and translated to the
//! `regex` crate, which matches in linear time (no catastrophic backtracking).
//!
//! AWS user guide, "Filter pattern syntax ...", section "Supported regular expressions (regex)
//! syntax": a regex may contain only letters, digits, the symbols `: _ # = @ / ; , -` and the
//! operators `^ $ ? [ ] { } | \ * + .`; `(` and `)` are not supported; multi-byte characters are
//! not supported. Operators: anchors `^` `$`, quantifiers `?` `*` `+` `{m,n}` (either bound may be
//! omitted), classes `[...]` (`[^...]` negated), alternation `|`, `.`, escapes `\d \D \s \S \w \W`,
//! `\xhh` (an ASCII character) and `\` before an operator or symbol for its literal meaning.
//! Anything else is refused here rather than guessed at: no groups, so no backreferences or
//! lookaround; no `\b`, `\n`, `\p{..}` and so on.

use regex::{Regex, RegexBuilder};

use super::PatternError;

/// Symbols a regex may contain as literals. The space is not in AWS's list but is in its own
/// example, `%^starting|^initializing|^shutting down%`.
const SYMBOLS: &str = ":_#=@/;,- ";
/// AWS's operators.
const OPERATORS: &str = "^$?[]{}|\\*+.";
/// The largest bound of `{m,n}` accepted.
const MAX_REPEAT: u32 = 1000;
/// Cap on the compiled program. Matching time grows with the program when the lazy DFA gives
/// up, so this is what bounds the cost per byte of message: measured (release build, 1 MB
/// message) at most ~0.15 s for the largest program it admits, where an 8 MiB cap let
/// `%a{1000}b|...%` (40 alternatives, 361 characters) run for minutes.
const SIZE_LIMIT: usize = 512 << 10;
/// Cap on the lazy DFA's cache: generous, so the DFA rarely falls back to the slow engine.
const DFA_SIZE_LIMIT: usize = 16 << 20;

/// Checks and compiles the regex between `%` signs.
pub(crate) fn compile(source: &str) -> Result<Regex, PatternError> {
    let translated = translate(source).map_err(|reason| {
        PatternError::invalid(format!("invalid regular expression %{source}%: {reason}"))
    })?;
    RegexBuilder::new(&translated)
        .size_limit(SIZE_LIMIT)
        .dfa_size_limit(DFA_SIZE_LIMIT)
        .build()
        .map_err(|_| {
            PatternError::invalid(format!("the regular expression %{source}% is too large"))
        })
}

/// What came last, to tell whether a quantifier has something to repeat.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Last {
    /// The start, or just after `|`.
    Nothing,
    /// `^` or `$`.
    Anchor,
    /// A character, class or `.`.
    Atom,
    /// A quantifier.
    Quantifier,
}

/// A shorthand class.
#[derive(Clone, Copy)]
enum Shorthand {
    Digit,
    NotDigit,
    Space,
    NotSpace,
    Word,
    NotWord,
}

impl Shorthand {
    /// Java's (ASCII) definitions, as AWS describes them: `\d` is `[0-9]`, `\w` is `[a-zA-Z_0-9]`,
    /// `\s` covers tab, newline and space (and the other ASCII spaces).
    fn members(self) -> &'static str {
        match self {
            Shorthand::Digit | Shorthand::NotDigit => "0-9",
            Shorthand::Space | Shorthand::NotSpace => r"\x{09}\x{0A}\x{0B}\x{0C}\x{0D}\x{20}",
            Shorthand::Word | Shorthand::NotWord => "0-9A-Za-z_",
        }
    }

    fn negated(self) -> bool {
        matches!(
            self,
            Shorthand::NotDigit | Shorthand::NotSpace | Shorthand::NotWord
        )
    }

    /// As a class of its own (outside brackets, or nested inside them).
    fn class(self) -> String {
        format!(
            "[{}{}]",
            if self.negated() { "^" } else { "" },
            self.members()
        )
    }

    /// As members of an enclosing class.
    fn inside_class(self) -> String {
        if self.negated() {
            self.class()
        } else {
            self.members().to_owned()
        }
    }
}

/// What a backslash sequence stands for.
enum Escaped {
    Char(char),
    Class(Shorthand),
}

fn check_char(c: char) -> Result<(), String> {
    if !c.is_ascii() {
        Err(format!(
            "multi-byte characters such as '{c}' are not supported"
        ))
    } else if c == '(' || c == ')' {
        Err("the ( and ) operators are not supported".to_owned())
    } else if c.is_ascii_alphanumeric() || SYMBOLS.contains(c) || OPERATORS.contains(c) {
        Ok(())
    } else {
        Err(format!(
            "the character '{}' is not supported",
            c.escape_default()
        ))
    }
}

/// A literal character in the `regex` crate's syntax.
fn literal(c: char) -> String {
    if c.is_ascii_alphanumeric() {
        c.to_string()
    } else {
        format!(r"\x{{{:02X}}}", u32::from(c))
    }
}

fn translate(source: &str) -> Result<String, String> {
    if source.is_empty() {
        return Err("it is empty".to_owned());
    }
    let chars: Vec<char> = source.chars().collect();
    let mut out = String::with_capacity(source.len() * 2);
    let mut last = Last::Nothing;
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        check_char(c)?;
        match c {
            '^' | '$' => {
                out.push(c);
                last = Last::Anchor;
                i += 1;
            }
            '|' => {
                out.push('|');
                last = Last::Nothing;
                i += 1;
            }
            '.' => {
                out.push('.');
                last = Last::Atom;
                i += 1;
            }
            '?' | '*' | '+' => {
                can_repeat(last, c)?;
                out.push(c);
                last = Last::Quantifier;
                i += 1;
            }
            '{' => {
                can_repeat(last, c)?;
                let (text, next) = repetition(&chars, i)?;
                out.push_str(&text);
                last = Last::Quantifier;
                i = next;
            }
            '}' => return Err("a '}' has no opening '{'".to_owned()),
            '[' => {
                let (text, next) = class(&chars, i)?;
                out.push_str(&text);
                last = Last::Atom;
                i = next;
            }
            ']' => return Err("a ']' has no opening '['".to_owned()),
            '\\' => {
                let (escaped, next) = escape(&chars, i)?;
                match escaped {
                    Escaped::Char(ch) => out.push_str(&literal(ch)),
                    Escaped::Class(shorthand) => out.push_str(&shorthand.class()),
                }
                last = Last::Atom;
                i = next;
            }
            _ => {
                out.push_str(&literal(c));
                last = Last::Atom;
                i += 1;
            }
        }
    }
    Ok(out)
}

fn can_repeat(last: Last, quantifier: char) -> Result<(), String> {
    match last {
        Last::Atom => Ok(()),
        Last::Quantifier => Err(format!("'{quantifier}' cannot follow another quantifier")),
        Last::Nothing | Last::Anchor => Err(format!("'{quantifier}' has nothing to repeat")),
    }
}

/// Reads `{m}`, `{m,}`, `{,n}` or `{m,n}` at `start`; returns it in the `regex` crate's syntax.
fn repetition(chars: &[char], start: usize) -> Result<(String, usize), String> {
    let close = chars[start..]
        .iter()
        .position(|&c| c == '}')
        .map(|offset| start + offset)
        .ok_or("a '{' has no closing '}'")?;
    let body: String = chars[start + 1..close]
        .iter()
        .filter(|c| **c != ' ')
        .collect();
    let bound = |text: &str| -> Result<Option<u32>, String> {
        if text.is_empty() {
            return Ok(None);
        }
        if !text.bytes().all(|b| b.is_ascii_digit()) {
            return Err(format!("'{{{body}}}' is not a repetition: write {{m,n}}"));
        }
        match text.parse::<u32>() {
            Ok(n) if n <= MAX_REPEAT => Ok(Some(n)),
            _ => Err(format!(
                "repetition counts above {MAX_REPEAT} are not supported"
            )),
        }
    };
    let text = match body.split_once(',') {
        None => match bound(&body)? {
            Some(n) => format!("{{{n}}}"),
            None => return Err("'{}' is not a repetition: write {m,n}".to_owned()),
        },
        Some((low, high)) => match (bound(low)?, bound(high)?) {
            (None, None) => return Err("'{,}' is not a repetition: write {m,n}".to_owned()),
            (Some(m), None) => format!("{{{m},}}"),
            (None, Some(n)) => format!("{{0,{n}}}"),
            (Some(m), Some(n)) if m <= n => format!("{{{m},{n}}}"),
            (Some(m), Some(n)) => {
                return Err(format!("in {{{m},{n}}} the minimum is above the maximum"))
            }
        },
    };
    Ok((text, close + 1))
}

/// Reads the backslash sequence at `start`.
fn escape(chars: &[char], start: usize) -> Result<(Escaped, usize), String> {
    let Some(&c) = chars.get(start + 1) else {
        return Err("it ends with a lone '\\'".to_owned());
    };
    check_char(c)?;
    let shorthand = match c {
        'd' => Some(Shorthand::Digit),
        'D' => Some(Shorthand::NotDigit),
        's' => Some(Shorthand::Space),
        'S' => Some(Shorthand::NotSpace),
        'w' => Some(Shorthand::Word),
        'W' => Some(Shorthand::NotWord),
        _ => None,
    };
    if let Some(shorthand) = shorthand {
        return Ok((Escaped::Class(shorthand), start + 2));
    }
    if c == 'x' {
        let hex: String = chars.iter().skip(start + 2).take(2).collect();
        return match u8::from_str_radix(&hex, 16) {
            Ok(code) if hex.len() == 2 && code.is_ascii() => {
                Ok((Escaped::Char(char::from(code)), start + 4))
            }
            _ => Err(
                "\\x must be followed by two hexadecimal digits naming an ASCII character"
                    .to_owned(),
            ),
        };
    }
    if c.is_ascii_alphanumeric() {
        return Err(format!("the escape '\\{c}' is not supported"));
    }
    Ok((Escaped::Char(c), start + 2))
}

/// Reads the character class at `start` (a `[`).
fn class(chars: &[char], start: usize) -> Result<(String, usize), String> {
    let mut i = start + 1;
    let negated = chars.get(i) == Some(&'^');
    if negated {
        i += 1;
    }
    let mut body = String::new();
    let mut members = 0;
    loop {
        let Some(&c) = chars.get(i) else {
            return Err("a '[' has no closing ']'".to_owned());
        };
        check_char(c)?;
        if c == ']' {
            if members == 0 {
                return Err("an empty character class '[]' matches nothing".to_owned());
            }
            i += 1;
            break;
        }
        if c == '[' {
            return Err("'[' inside a character class must be escaped as '\\['".to_owned());
        }
        let (member, next) = class_member(chars, i)?;
        let is_range =
            chars.get(next) == Some(&'-') && chars.get(next + 1).is_some_and(|&c| c != ']');
        match member {
            Escaped::Char(low) if is_range => {
                let (high, after) = class_member(chars, next + 1)?;
                let Escaped::Char(high) = high else {
                    return Err("a range cannot end with a class such as \\d".to_owned());
                };
                if low > high {
                    return Err(format!("the range {low}-{high} is out of order"));
                }
                body.push_str(&literal(low));
                body.push('-');
                body.push_str(&literal(high));
                i = after;
            }
            Escaped::Char(ch) => {
                body.push_str(&literal(ch));
                i = next;
            }
            Escaped::Class(_) if is_range => {
                return Err("a range cannot start with a class such as \\d".to_owned())
            }
            Escaped::Class(shorthand) => {
                body.push_str(&shorthand.inside_class());
                i = next;
            }
        }
        members += 1;
    }
    Ok((format!("[{}{body}]", if negated { "^" } else { "" }), i))
}

fn class_member(chars: &[char], at: usize) -> Result<(Escaped, usize), String> {
    match chars.get(at) {
        Some('\\') => escape(chars, at),
        Some(&c) => {
            check_char(c)?;
            if c == '[' || c == ']' {
                return Err("a bracket inside a character class must be escaped".to_owned());
            }
            Ok((Escaped::Char(c), at + 1))
        }
        None => Err("a '[' has no closing ']'".to_owned()),
    }
}
