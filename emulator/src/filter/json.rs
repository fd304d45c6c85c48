//! JSON patterns, `{ SELECTOR OPERATOR VALUE && ... }`: their parser and evaluator.
//!
//! AWS user guide, "Using filter patterns to match terms in JSON log events":
//! - selectors start with `$.`; names are letters, digits, `-` and `_`; `[n]` picks an array
//!   element; `['a.b']` names a key with other characters; `*` (`$.*`, `[*]`) is a wildcard, at
//!   most one per selector and three per pattern;
//! - `=` and `!=` compare strings (with `*` wildcards) and numbers; `<`, `<=`, `>`, `>=` numbers;
//!   `IS TRUE`, `IS FALSE`, `IS NULL`, `NOT EXISTS` (`IS NOT` and `EXISTS` "aren't supported");
//! - a selector that points to an object or an array, or to nothing, matches neither `=` nor `!=`;
//! - a message that is not JSON matches no JSON pattern.
//!
//! Comparisons follow what TestMetricFilter shows: a quoted value is compared with the text of the
//! JSON value, numbers included as written (`{ $.n = "123" }` matches `123`, `{ $.f != "12" }`
//! matches `12.0`); an unquoted number is compared numerically with numbers (`{ $.n = 123.0 }`
//! matches `123`) and textually with strings; a numeric operator never matches a string.

use std::collections::BTreeMap;

use super::expr::{self, Expr, Tokens};
use super::json_value::{self, Json};
use super::lexer::{self, CmpOp, Dialect, Tok};
use super::value::{first_invalid_char, is_value_char, Operand};
use super::{ParseCtx, PatternError};

/// Most wildcards in one selector (AWS guide, "Quotas").
const MAX_WILDCARDS_PER_SELECTOR: usize = 1;
/// Most wildcard selectors in one pattern (AWS guide, "Quotas").
const MAX_WILDCARDS_PER_PATTERN: usize = 3;

/// A parsed JSON pattern.
#[derive(Debug)]
pub(crate) struct JsonPattern {
    expr: Expr<Condition>,
}

#[derive(Debug)]
struct Condition {
    selector: Selector,
    test: Test,
}

#[derive(Debug)]
enum Test {
    Compare(CmpOp, Operand),
    IsTrue,
    IsFalse,
    IsNull,
    NotExists,
}

/// A property selector: its text as written and its steps from the root.
#[derive(Debug)]
struct Selector {
    text: String,
    steps: Vec<Step>,
}

#[derive(Debug, PartialEq)]
enum Step {
    Key(String),
    Index(usize),
    /// `.*` or `[*]`: every field of an object, every element of an array.
    Wildcard,
}

/// Parses the inside of `{ ... }`.
pub(crate) fn parse(inner: &str, ctx: &mut ParseCtx) -> Result<JsonPattern, PatternError> {
    let tokens = lexer::lex(inner, Dialect::Json)?;
    let mut tokens = Tokens::new(tokens);
    if tokens.is_empty() {
        return Err(PatternError::invalid(
            "a JSON filter pattern needs a condition between '{' and '}'",
        ));
    }
    let mut wildcards = 0;
    let expr = expr::parse(&mut tokens, &mut |tokens| {
        condition(tokens, ctx, &mut wildcards)
    })?;
    Ok(JsonPattern { expr })
}

fn condition(
    tokens: &mut Tokens,
    ctx: &mut ParseCtx,
    wildcards: &mut usize,
) -> Result<Condition, PatternError> {
    let text = match tokens.next_token() {
        Some(Tok::Selector(text)) => text,
        Some(Tok::Comma) => return Err(PatternError::invalid_chars(",")),
        Some(Tok::Word(word)) => {
            if let Some(bad) = first_invalid_char(&word, is_value_char) {
                return Err(PatternError::invalid_chars(bad));
            }
            return Err(PatternError::invalid(format!(
                "expected a property selector starting with '$.', found '{word}'"
            )));
        }
        Some(other) => {
            return Err(PatternError::invalid(format!(
                "expected a property selector starting with '$.', found {}",
                other.describe()
            )))
        }
        None => {
            return Err(PatternError::invalid(
                "expected a property selector starting with '$.', found the end of the pattern",
            ))
        }
    };
    let selector = parse_selector(&text)?;
    let selector_wildcards = selector
        .steps
        .iter()
        .filter(|s| **s == Step::Wildcard)
        .count();
    if selector_wildcards > MAX_WILDCARDS_PER_SELECTOR {
        return Err(PatternError::invalid(format!(
            "the property selector {text} has more than one wildcard"
        )));
    }
    if selector_wildcards > 0 {
        *wildcards += 1;
        if *wildcards > MAX_WILDCARDS_PER_PATTERN {
            return Err(PatternError::invalid(format!(
                "a filter pattern can have at most {MAX_WILDCARDS_PER_PATTERN} wildcard selectors"
            )));
        }
    }
    let test = match tokens.next_token() {
        Some(Tok::Op(op)) => Test::Compare(op, Operand::parse(op, tokens.next_token(), ctx)?),
        Some(Tok::Word(word)) if word == "IS" => match tokens.next_token() {
            Some(Tok::Word(w)) if w == "TRUE" => Test::IsTrue,
            Some(Tok::Word(w)) if w == "FALSE" => Test::IsFalse,
            Some(Tok::Word(w)) if w == "NULL" => Test::IsNull,
            Some(Tok::Word(w)) if w == "NOT" => {
                return Err(PatternError::invalid("IS NOT is not supported"))
            }
            _ => {
                return Err(PatternError::invalid(
                    "IS must be followed by TRUE, FALSE or NULL",
                ))
            }
        },
        Some(Tok::Word(word)) if word == "NOT" => match tokens.next_token() {
            Some(Tok::Word(w)) if w == "EXISTS" => Test::NotExists,
            _ => return Err(PatternError::invalid("NOT must be followed by EXISTS")),
        },
        Some(Tok::Word(word)) if word == "EXISTS" => {
            return Err(PatternError::invalid(
                "EXISTS is not supported: use NOT EXISTS, or = * to require a value",
            ))
        }
        Some(Tok::Comma) => return Err(PatternError::invalid_chars(",")),
        Some(other) => {
            return Err(PatternError::invalid(format!(
                "expected an operator (=, !=, <, <=, >, >=, IS, NOT EXISTS) after {text}, found {}",
                other.describe()
            )))
        }
        None => {
            return Err(PatternError::invalid(format!(
                "expected an operator (=, !=, <, <=, >, >=, IS, NOT EXISTS) after {text}"
            )))
        }
    };
    Ok(Condition { selector, test })
}

/// Parses a selector token (`$.a.b[0]`, `$.['a.b']`, `$.*`, `$.a[*].c`).
fn parse_selector(text: &str) -> Result<Selector, PatternError> {
    let bad = |why: &str| PatternError::invalid(format!("invalid property selector {text}: {why}"));
    let Some(path) = text.strip_prefix("$.") else {
        return Err(bad("a selector starts with '$.'"));
    };
    let bytes = path.as_bytes();
    let mut steps = Vec::new();
    // True right after `$.` or a `.`: a name, `*` or `['key']` must come next.
    let mut want_name = true;
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'[' => {
                let close = bracket_end(path, i).ok_or_else(|| bad("a '[' has no closing ']'"))?;
                let inside = &path[i + 1..close];
                let step = if let Some(key) = quoted_key(inside) {
                    Step::Key(key.to_owned())
                } else if want_name {
                    return Err(bad("an array index must follow a property name"));
                } else if inside == "*" {
                    Step::Wildcard
                } else if !inside.is_empty() && inside.bytes().all(|b| b.is_ascii_digit()) {
                    Step::Index(
                        inside
                            .parse()
                            .map_err(|_| bad("the array index is too large"))?,
                    )
                } else {
                    return Err(bad("an array index is a number, '*' or a quoted key"));
                };
                steps.push(step);
                want_name = false;
                i = close + 1;
            }
            b'.' => {
                if want_name {
                    return Err(bad("it has an empty property name"));
                }
                want_name = true;
                i += 1;
            }
            _ if !want_name => return Err(bad("a property name must follow a '.'")),
            b'*' => {
                steps.push(Step::Wildcard);
                want_name = false;
                i += 1;
            }
            _ => {
                let end = (i..bytes.len())
                    .find(|&j| {
                        !(bytes[j].is_ascii_alphanumeric() || matches!(bytes[j], b'-' | b'_'))
                    })
                    .unwrap_or(bytes.len());
                if end == i {
                    return Err(bad("a property name is letters, digits, '-' and '_'"));
                }
                steps.push(Step::Key(path[i..end].to_owned()));
                want_name = false;
                i = end;
            }
        }
    }
    if want_name {
        return Err(bad("it ends with '.' and no property name"));
    }
    Ok(Selector {
        text: text.to_owned(),
        steps,
    })
}

/// Where the `]` closing the `[` at `open` is, skipping a quoted key.
fn bracket_end(path: &str, open: usize) -> Option<usize> {
    let bytes = path.as_bytes();
    match bytes.get(open + 1) {
        Some(&quote @ (b'\'' | b'"')) => {
            let close_quote = open + 2 + path[open + 2..].find(char::from(quote))?;
            (bytes.get(close_quote + 1) == Some(&b']')).then_some(close_quote + 1)
        }
        _ => path[open..].find(']').map(|offset| open + offset),
    }
}

/// `'key'` or `"key"` → `key`.
fn quoted_key(inside: &str) -> Option<&str> {
    let bytes = inside.as_bytes();
    match (bytes.first(), bytes.last()) {
        (Some(b'\''), Some(b'\'')) | (Some(b'"'), Some(b'"')) if inside.len() >= 2 => {
            Some(&inside[1..inside.len() - 1])
        }
        _ => None,
    }
}

impl Selector {
    /// The nodes the selector reaches; several only through a wildcard.
    fn resolve<'a>(&self, root: &'a Json) -> Vec<&'a Json> {
        let mut current = vec![root];
        for step in &self.steps {
            let mut next = Vec::new();
            for node in current {
                match (step, node) {
                    (Step::Key(key), Json::Object(_)) => next.extend(node.get(key)),
                    (Step::Index(index), Json::Array(items)) => next.extend(items.get(*index)),
                    (Step::Wildcard, Json::Object(entries)) => {
                        next.extend(entries.iter().map(|(_, v)| v))
                    }
                    (Step::Wildcard, Json::Array(items)) => next.extend(items.iter()),
                    _ => {}
                }
            }
            if next.is_empty() {
                return next;
            }
            current = next;
        }
        current
    }
}

/// The text and number of a string or number node: the only nodes `=`, `!=` and the numeric
/// operators apply to ("Value nodes can be strings or numbers").
fn value_node(node: &Json) -> Option<(&str, Option<f64>)> {
    match node {
        Json::String(text) => Some((text, None)),
        Json::Number(text) => Some((text, text.parse::<f64>().ok())),
        _ => None,
    }
}

/// The text TestMetricFilter reports for a scalar node.
fn scalar_text(node: &Json) -> Option<String> {
    match node {
        Json::String(text) | Json::Number(text) => Some(text.clone()),
        Json::Bool(flag) => Some(flag.to_string()),
        Json::Null => Some("null".to_owned()),
        Json::Array(_) | Json::Object(_) => None,
    }
}

impl Condition {
    fn holds(&self, root: &Json) -> bool {
        let nodes = self.selector.resolve(root);
        match &self.test {
            Test::NotExists => nodes.is_empty(),
            Test::IsNull => nodes.iter().any(|n| matches!(n, Json::Null)),
            Test::IsTrue => nodes.iter().any(|n| matches!(n, Json::Bool(true))),
            Test::IsFalse => nodes.iter().any(|n| matches!(n, Json::Bool(false))),
            Test::Compare(op, operand) => nodes.iter().any(|node| {
                value_node(node).is_some_and(|(text, number)| operand.compare(*op, text, number))
            }),
        }
    }
}

impl JsonPattern {
    /// Whether the message is a JSON object that satisfies the pattern.
    pub(crate) fn matches(&self, message: &str) -> bool {
        json_value::parse_object(message).is_some_and(|root| self.holds(&root))
    }

    /// The selectors of the pattern mapped to the values they reach in a matching message.
    pub(crate) fn extract(&self, message: &str) -> Option<BTreeMap<String, String>> {
        let root = json_value::parse_object(message)?;
        if !self.holds(&root) {
            return None;
        }
        let mut values = BTreeMap::new();
        for condition in self.expr.conditions() {
            let selector = &condition.selector;
            if values.contains_key(&selector.text) {
                continue;
            }
            if let Some(text) = selector.resolve(&root).into_iter().find_map(scalar_text) {
                values.insert(selector.text.clone(), text);
            }
        }
        Some(values)
    }

    fn holds(&self, root: &Json) -> bool {
        self.expr.eval(&mut |condition| condition.holds(root))
    }
}
