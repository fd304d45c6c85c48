//! Term patterns for unstructured messages: `ERROR`, `"exact phrase"`, `?optional`, `-excluded`,
//! `%regex%`.
//!
//! AWS user guide, "Using filter patterns to match terms in unstructured log events":
//! - terms are case sensitive and match anywhere in the message (`ERROR` matches `ERRORCODE`);
//!   all of them must match;
//! - exact phrases, and terms with characters other than letters, digits and `_`, are quoted;
//! - `-term` excludes; `?term` makes terms optional: `?ERROR ?ARGUMENTS` matches either, but
//!   "if you combine `?` with other filter patterns [include or exclude terms], all question mark
//!   terms will be ignored";
//! - `" "` matches every event.

use regex::Regex;

use super::lexer::{is_space, percent_regex, quoted};
use super::value::{first_invalid_char, is_term_char};
use super::{ParseCtx, PatternError};

/// A parsed term pattern.
#[derive(Debug, Default)]
pub(crate) struct TermPattern {
    required: Vec<Term>,
    excluded: Vec<Term>,
    optional: Vec<Term>,
}

#[derive(Debug)]
enum Term {
    /// A word or phrase, found anywhere in the message. The searcher is built once per
    /// pattern rather than once per message, which is what a scan of millions of events needs.
    Text(Box<memchr::memmem::Finder<'static>>),
    /// `%regex%`, found anywhere in the message.
    Regex(Regex),
    /// A quoted phrase of only whitespace (`" "`): the guide's "match everything".
    Anything,
}

impl Term {
    fn matches(&self, message: &str) -> bool {
        match self {
            Term::Text(finder) => finder.find(message.as_bytes()).is_some(),
            Term::Regex(regex) => regex.is_match(message),
            Term::Anything => true,
        }
    }
}

fn text_term(text: &str) -> Term {
    Term::Text(Box::new(
        memchr::memmem::Finder::new(text.as_bytes()).into_owned(),
    ))
}

/// Parses a whole term pattern.
pub(crate) fn parse(pattern: &str, ctx: &mut ParseCtx) -> Result<TermPattern, PatternError> {
    let bytes = pattern.as_bytes();
    let mut terms = TermPattern::default();
    let mut i = 0;
    while i < bytes.len() {
        if is_space(bytes[i]) {
            i += 1;
            continue;
        }
        let prefix = bytes[i];
        let list = match prefix {
            b'?' => &mut terms.optional,
            b'-' => &mut terms.excluded,
            _ => &mut terms.required,
        };
        if matches!(prefix, b'?' | b'-') {
            i += 1;
            // The guide's older examples write an exclusion as `"ERROR" - "Exiting"`.
            while prefix == b'-' && i < bytes.len() && is_space(bytes[i]) {
                i += 1;
            }
            if i >= bytes.len() || is_space(bytes[i]) {
                return Err(PatternError::invalid(format!(
                    "'{}' must be followed by a term",
                    char::from(prefix)
                )));
            }
        }
        let term = match bytes[i] {
            b'"' => {
                let (phrase, end) = quoted(pattern, i)?;
                i = end;
                if phrase.trim().is_empty() {
                    Term::Anything
                } else {
                    text_term(&phrase)
                }
            }
            b'%' => {
                let (source, end) = percent_regex(pattern, i)?;
                i = end;
                Term::Regex(ctx.regex(source)?)
            }
            _ => {
                let end = (i..bytes.len())
                    .find(|&j| is_space(bytes[j]))
                    .unwrap_or(bytes.len());
                let word = &pattern[i..end];
                i = end;
                if let Some(bad) = first_invalid_char(word, is_term_char) {
                    return Err(PatternError::invalid_chars(bad));
                }
                text_term(word)
            }
        };
        list.push(term);
    }
    Ok(terms)
}

impl TermPattern {
    /// Whether the message satisfies the pattern.
    pub(crate) fn matches(&self, message: &str) -> bool {
        if self.required.is_empty() && self.excluded.is_empty() {
            return self.optional.is_empty() || self.optional.iter().any(|t| t.matches(message));
        }
        self.required.iter().all(|t| t.matches(message))
            && !self.excluded.iter().any(|t| t.matches(message))
    }

    /// A word or phrase every matching message contains, if the pattern requires one: the
    /// longest, as the likeliest to be rare.
    pub(crate) fn required_text(&self) -> Option<&memchr::memmem::Finder<'static>> {
        self.required
            .iter()
            .filter_map(|term| match term {
                Term::Text(finder) => Some(&**finder),
                _ => None,
            })
            .max_by_key(|finder| finder.needle().len())
    }

    /// Whether every message matches (the pattern is only `" "`-like phrases).
    pub(crate) fn matches_everything(&self) -> bool {
        let anything = |terms: &[Term]| terms.iter().all(|t| matches!(t, Term::Anything));
        if self.required.is_empty() && self.excluded.is_empty() {
            self.optional.is_empty() || self.optional.iter().any(|t| matches!(t, Term::Anything))
        } else {
            anything(&self.required) && self.excluded.is_empty()
        }
    }
}
