//! Space-delimited patterns, `[ip, user, status=4*, bytes>1000, ...]`: their parser and evaluator.
//!
//! AWS user guide, "Using filter patterns to match terms in space-delimited log events":
//! - the message is split at spaces; characters between `[]` or `""` form one field (the brackets
//!   and quotes are not part of its value);
//! - the pattern names the fields, separated by commas; a field may carry conditions (`=`, `!=`
//!   with `*` wildcards or `%regex%`, numeric `<`, `<=`, `>`, `>=`), joined with `&&` and `||`;
//! - `...` stands for any number of fields.
//!
//! Without `...`, the last field of the pattern takes the rest of the message: the guide's
//! `[w1=ERROR, w2]` matches `ERROR 09/25/2014 12:00:02 Failed to process request`, and it notes
//! that `w2` must be there (so `[w1=ERROR]` alone compares `w1` with the whole line).
//!
//! TestMetricFilter reports the fields as `$name`, or `$N` (the field's 1-based position) for
//! unnamed fields and those that `...` stood for (the guide's example with
//! `[..., request=*.html*, status_code=4*,]` reports `$1` to `$4`, `$request`, `$status_code`, `$7`).

use std::collections::BTreeMap;

use super::expr::{self, Expr, Tokens};
use super::lexer::{self, is_space, CmpOp, Dialect, Tok};
use super::value::{first_invalid_char, is_term_char, parse_number, Operand};
use super::{ParseCtx, PatternError};

/// A parsed space-delimited pattern.
#[derive(Debug)]
pub(crate) struct DelimitedPattern {
    slots: Vec<Slot>,
    has_ellipsis: bool,
}

#[derive(Debug)]
enum Slot {
    /// `...`
    Ellipsis,
    /// A field: its name (none for an empty slot) and its conditions.
    Field {
        name: Option<String>,
        condition: Option<Expr<Condition>>,
    },
}

#[derive(Debug)]
struct Condition {
    op: CmpOp,
    operand: Operand,
}

/// Parses the inside of `[ ... ]`.
pub(crate) fn parse(inner: &str, ctx: &mut ParseCtx) -> Result<DelimitedPattern, PatternError> {
    if inner.trim().is_empty() {
        return Err(PatternError::invalid(
            "a space-delimited filter pattern needs at least one field between '[' and ']'",
        ));
    }
    let mut slots = Vec::new();
    let mut current = Vec::new();
    for token in lexer::lex(inner, Dialect::Delimited)? {
        if token == Tok::Comma {
            slots.push(slot(std::mem::take(&mut current), ctx)?);
        } else {
            current.push(token);
        }
    }
    slots.push(slot(current, ctx)?);
    let has_ellipsis = slots.iter().any(|s| matches!(s, Slot::Ellipsis));
    Ok(DelimitedPattern {
        slots,
        has_ellipsis,
    })
}

fn slot(tokens: Vec<Tok>, ctx: &mut ParseCtx) -> Result<Slot, PatternError> {
    match tokens.as_slice() {
        [] => {
            return Ok(Slot::Field {
                name: None,
                condition: None,
            })
        }
        [Tok::Word(word)] if word == "..." => return Ok(Slot::Ellipsis),
        [Tok::Word(word)] => {
            check_name(word)?;
            return Ok(Slot::Field {
                name: Some(word.clone()),
                condition: None,
            });
        }
        _ => {}
    }
    let mut name: Option<String> = None;
    let mut tokens = Tokens::new(tokens);
    let condition = expr::parse(&mut tokens, &mut |tokens| {
        field_condition(tokens, ctx, &mut name)
    })?;
    Ok(Slot::Field {
        name,
        condition: Some(condition),
    })
}

fn check_name(name: &str) -> Result<(), PatternError> {
    match first_invalid_char(name, is_term_char) {
        Some(bad) => Err(PatternError::invalid_chars(bad)),
        None => Ok(()),
    }
}

fn field_condition(
    tokens: &mut Tokens,
    ctx: &mut ParseCtx,
    name: &mut Option<String>,
) -> Result<Condition, PatternError> {
    let field = match tokens.next_token() {
        Some(Tok::Word(word)) if word == "..." => {
            return Err(PatternError::invalid(
                "'...' stands for any fields and takes no condition",
            ))
        }
        Some(Tok::Word(word)) => word,
        Some(other) => {
            return Err(PatternError::invalid(format!(
                "expected a field name, found {}",
                other.describe()
            )))
        }
        None => {
            return Err(PatternError::invalid(
                "expected a field name, found the end of the field",
            ))
        }
    };
    check_name(&field)?;
    match name {
        Some(first) if *first != field => {
            return Err(PatternError::invalid(format!(
                "the conditions of one field must all name that field, but '{first}' and '{field}' share one"
            )))
        }
        Some(_) => {}
        None => *name = Some(field.clone()),
    }
    let op = match tokens.next_token() {
        Some(Tok::Op(op)) => op,
        Some(other) => {
            return Err(PatternError::invalid(format!(
                "expected an operator (=, !=, <, <=, >, >=) after '{field}', found {}",
                other.describe()
            )))
        }
        None => {
            return Err(PatternError::invalid(format!(
                "expected an operator (=, !=, <, <=, >, >=) after '{field}' in a condition"
            )))
        }
    };
    let operand = Operand::parse(op, tokens.next_token(), ctx)?;
    Ok(Condition { op, operand })
}

/// One field of a message.
#[derive(Clone, Copy)]
struct Field<'m> {
    /// The value, without surrounding `[]` or `""`.
    value: &'m str,
    /// Where the field starts in the message (at its bracket or quote, if any).
    start: usize,
}

/// Splits a message into fields, lazily.
struct Fields<'m> {
    message: &'m str,
    pos: usize,
}

impl<'m> Iterator for Fields<'m> {
    type Item = Field<'m>;

    fn next(&mut self) -> Option<Field<'m>> {
        let bytes = self.message.as_bytes();
        while self.pos < bytes.len() && is_space(bytes[self.pos]) {
            self.pos += 1;
        }
        let start = self.pos;
        let closer = match bytes.get(start)? {
            b'"' => Some('"'),
            b'[' => Some(']'),
            _ => None,
        };
        if let Some(offset) = closer.and_then(|c| self.message[start + 1..].find(c)) {
            let end = start + 1 + offset;
            self.pos = end + 1;
            return Some(Field {
                value: &self.message[start + 1..end],
                start,
            });
        }
        let end = (start..bytes.len())
            .find(|&i| is_space(bytes[i]))
            .unwrap_or(bytes.len());
        self.pos = end;
        Some(Field {
            value: &self.message[start..end],
            start,
        })
    }
}

impl Condition {
    fn holds(&self, value: &str, number: Option<f64>) -> bool {
        self.operand.compare(self.op, value, number)
    }
}

impl Slot {
    fn accepts(&self, value: &str) -> bool {
        match self {
            Slot::Ellipsis
            | Slot::Field {
                condition: None, ..
            } => true,
            Slot::Field {
                condition: Some(condition),
                ..
            } => {
                let number = parse_number(value);
                condition.eval(&mut |c| c.holds(value, number))
            }
        }
    }
}

impl DelimitedPattern {
    /// Whether the message fits the pattern.
    pub(crate) fn matches(&self, message: &str) -> bool {
        self.assign(message).is_some()
    }

    /// The fields of a matching message, named as TestMetricFilter names them.
    pub(crate) fn extract(&self, message: &str) -> Option<BTreeMap<String, String>> {
        let assigned = self.assign(message)?;
        let mut values = BTreeMap::new();
        for (position, (slot, value)) in assigned.into_iter().enumerate() {
            let key = match slot.map(|s| &self.slots[s]) {
                Some(Slot::Field {
                    name: Some(name), ..
                }) => format!("${name}"),
                _ => format!("${}", position + 1),
            };
            values.insert(key, value.to_owned());
        }
        Some(values)
    }

    /// Fits the message's fields to the slots. On a match, gives each field of the message with
    /// the slot it filled (`None` for a field that `...` stood for) and its value.
    fn assign<'m>(&self, message: &'m str) -> Option<Vec<(Option<usize>, &'m str)>> {
        if self.has_ellipsis {
            let fields: Vec<Field<'m>> = Fields { message, pos: 0 }.collect();
            self.assign_with_ellipsis(&fields)
        } else {
            self.assign_fixed(message)
        }
    }

    /// Without `...`: exactly as many fields as slots, the last taking the rest of the message.
    fn assign_fixed<'m>(&self, message: &'m str) -> Option<Vec<(Option<usize>, &'m str)>> {
        let count = self.slots.len();
        let mut fields: Vec<Field<'m>> = Fields { message, pos: 0 }.take(count + 1).collect();
        if fields.len() < count {
            return None;
        }
        if fields.len() > count {
            fields.truncate(count);
            let last = fields.last_mut()?;
            last.value = message[last.start..].trim_end_matches(|c: char| c.is_ascii_whitespace());
        }
        let mut out = Vec::with_capacity(count);
        for (index, (slot, field)) in self.slots.iter().zip(&fields).enumerate() {
            if !slot.accepts(field.value) {
                return None;
            }
            out.push((Some(index), field.value));
        }
        Some(out)
    }

    /// With `...`: the classic wildcard walk, each `...` taking as few fields as it can. It does
    /// at most slots × fields steps and never recurses.
    fn assign_with_ellipsis<'m>(
        &self,
        fields: &[Field<'m>],
    ) -> Option<Vec<(Option<usize>, &'m str)>> {
        let slots = &self.slots;
        let mut filled: Vec<Option<usize>> = vec![None; fields.len()];
        let (mut s, mut f) = (0, 0);
        // The last `...` seen, and the first field it has not yet taken.
        let mut resume: Option<(usize, usize)> = None;
        while f < fields.len() {
            match slots.get(s) {
                Some(Slot::Ellipsis) => {
                    resume = Some((s, f));
                    s += 1;
                }
                Some(slot) if slot.accepts(fields[f].value) => {
                    filled[f] = Some(s);
                    s += 1;
                    f += 1;
                }
                _ => {
                    let (ellipsis, taken) = resume?;
                    // The `...` takes one more field; forget what the slots after it had filled.
                    filled[taken..f].iter_mut().for_each(|slot| *slot = None);
                    resume = Some((ellipsis, taken + 1));
                    s = ellipsis + 1;
                    f = taken + 1;
                }
            }
        }
        if slots[s..]
            .iter()
            .any(|slot| !matches!(slot, Slot::Ellipsis))
        {
            return None;
        }
        Some(
            filled
                .into_iter()
                .zip(fields)
                .map(|(slot, field)| (slot, field.value))
                .collect(),
        )
    }
}
