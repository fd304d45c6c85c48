//! Boolean expressions over conditions, shared by JSON and space-delimited patterns:
//! `&&`, `||` and parentheses, with AWS's precedence `()` > `&&` > `||`.

use super::lexer::Tok;
use super::{PatternError, MAX_NESTING};

/// An expression whose leaves are conditions of type `C`.
#[derive(Debug)]
pub(crate) enum Expr<C> {
    Cond(C),
    /// `a && b && ...`
    All(Vec<Expr<C>>),
    /// `a || b || ...`
    Any(Vec<Expr<C>>),
}

impl<C> Expr<C> {
    /// Evaluates with short-circuit, asking `holds` about each condition reached.
    pub(crate) fn eval(&self, holds: &mut dyn FnMut(&C) -> bool) -> bool {
        match self {
            Expr::Cond(cond) => holds(cond),
            Expr::All(items) => {
                for item in items {
                    if !item.eval(holds) {
                        return false;
                    }
                }
                true
            }
            Expr::Any(items) => {
                for item in items {
                    if item.eval(holds) {
                        return true;
                    }
                }
                false
            }
        }
    }

    /// Every condition, left to right.
    pub(crate) fn conditions(&self) -> Vec<&C> {
        let mut out = Vec::new();
        self.collect(&mut out);
        out
    }

    fn collect<'a>(&'a self, out: &mut Vec<&'a C>) {
        match self {
            Expr::Cond(cond) => out.push(cond),
            Expr::All(items) | Expr::Any(items) => items.iter().for_each(|item| item.collect(out)),
        }
    }
}

/// A cursor over tokens, with the nesting depth of parentheses.
pub(crate) struct Tokens {
    tokens: Vec<Tok>,
    pos: usize,
    depth: usize,
}

impl Tokens {
    pub(crate) fn new(tokens: Vec<Tok>) -> Self {
        Tokens {
            tokens,
            pos: 0,
            depth: 0,
        }
    }

    pub(crate) fn peek(&self) -> Option<&Tok> {
        self.tokens.get(self.pos)
    }

    pub(crate) fn next_token(&mut self) -> Option<Tok> {
        let token = self.tokens.get(self.pos).cloned();
        if token.is_some() {
            self.pos += 1;
        }
        token
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.tokens.is_empty()
    }
}

/// A reader of one condition, called where the grammar expects one.
pub(crate) type CondParser<'a, C> = dyn FnMut(&mut Tokens) -> Result<C, PatternError> + 'a;

/// Parses a whole expression: the tokens must all be used.
pub(crate) fn parse<C>(
    tokens: &mut Tokens,
    cond: &mut CondParser<'_, C>,
) -> Result<Expr<C>, PatternError> {
    let expr = parse_or(tokens, cond)?;
    match tokens.next_token() {
        None => Ok(expr),
        Some(Tok::RParen) => Err(PatternError::invalid(
            "unbalanced parentheses: a ')' has no opening '('",
        )),
        Some(Tok::Comma) => Err(PatternError::invalid_chars(",")),
        Some(other) => Err(PatternError::invalid(format!(
            "unexpected {} after a complete condition: join conditions with && or ||",
            other.describe()
        ))),
    }
}

fn parse_or<C>(tokens: &mut Tokens, cond: &mut CondParser<'_, C>) -> Result<Expr<C>, PatternError> {
    let mut items = vec![parse_and(tokens, cond)?];
    while tokens.peek() == Some(&Tok::Or) {
        tokens.next_token();
        items.push(parse_and(tokens, cond)?);
    }
    Ok(join(items, Expr::Any))
}

fn parse_and<C>(
    tokens: &mut Tokens,
    cond: &mut CondParser<'_, C>,
) -> Result<Expr<C>, PatternError> {
    let mut items = vec![parse_primary(tokens, cond)?];
    while tokens.peek() == Some(&Tok::And) {
        tokens.next_token();
        items.push(parse_primary(tokens, cond)?);
    }
    Ok(join(items, Expr::All))
}

fn parse_primary<C>(
    tokens: &mut Tokens,
    cond: &mut CondParser<'_, C>,
) -> Result<Expr<C>, PatternError> {
    if tokens.peek() != Some(&Tok::LParen) {
        return cond(tokens).map(Expr::Cond);
    }
    tokens.next_token();
    tokens.depth += 1;
    if tokens.depth > MAX_NESTING {
        return Err(PatternError::invalid(format!(
            "parentheses are nested more than {MAX_NESTING} deep"
        )));
    }
    let expr = parse_or(tokens, cond)?;
    if tokens.next_token() != Some(Tok::RParen) {
        return Err(PatternError::invalid(
            "unbalanced parentheses: a '(' has no closing ')'",
        ));
    }
    tokens.depth -= 1;
    Ok(expr)
}

fn join<C>(mut items: Vec<Expr<C>>, make: fn(Vec<Expr<C>>) -> Expr<C>) -> Expr<C> {
    match items.pop() {
        Some(only) if items.is_empty() => only,
        Some(last) => {
            items.push(last);
            make(items)
        }
        None => make(items),
    }
}
