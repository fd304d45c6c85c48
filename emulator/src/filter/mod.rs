//! The CloudWatch Logs filter-pattern engine: pure, with no HTTP and no store. It owns the parsing,
//! validation and evaluation of `filterPattern`, for FilterLogEvents, TestMetricFilter and the
//! validation of PutMetricFilter, so every feature that filters agrees with every other.
//!
//! The grammar is AWS's, from the CloudWatch Logs user guide, "Filter pattern syntax for metric
//! filters, subscription filters, filter log events, and Live Tail", and its sections on
//! unstructured, JSON and space-delimited log events and on regular expressions. The first
//! character of the pattern picks the family:
//!
//! | pattern | family | module |
//! |---|---|---|
//! | empty or only whitespace | matches every event | here |
//! | `{ $.status = 500 && $.user != "bot" }` | JSON | `json` |
//! | `[ip, user, status=4*, bytes>1000, ...]` | space-delimited | `delimited` |
//! | anything else: `ERROR -DEBUG "exact phrase" ?a ?b %regex%` | terms | `terms` |
//!
//! `%regex%` is AWS's restricted dialect (`aws_regex`), usable as a term and as a value in JSON and
//! space-delimited conditions, at most [`MAX_REGEXES`] in a pattern. It runs on the `regex`
//! crate, whose matching time is linear in the message: no pattern can backtrack catastrophically.
//!
//! What AWS does not document is settled by what its API answers (TestMetricFilter results and
//! error messages that users have recorded), noted where it applies. Whatever this engine does
//! not support it refuses with a [`PatternError`]: a pattern is never half understood and matched
//! loosely. Parsing is bounded: patterns are at most [`MAX_PATTERN_CHARS`] characters, parentheses
//! nest at most 32 deep, and nothing recurses on the length of the input.

mod aws_regex;
mod delimited;
mod expr;
mod json;
mod json_value;
mod lexer;
mod terms;
mod value;

#[cfg(test)]
mod tests;

use std::collections::BTreeMap;
use std::sync::Arc;

/// Longest pattern, in characters (model: `FilterPattern` max length 1024).
pub const MAX_PATTERN_CHARS: usize = 1024;

/// Most `%regex%` in one pattern (AWS guide, "Quotas": "a limit of 2 regex for each filter
/// pattern").
pub const MAX_REGEXES: usize = 2;

/// Deepest nesting of parentheses accepted (AWS states none; this bounds the parser's recursion).
pub(crate) const MAX_NESTING: usize = 32;

/// The start of AWS's message for a pattern it cannot parse. FilterLogEvents answers
/// "Invalid filter pattern"; PutMetricFilter and TestMetricFilter answer
/// "Invalid metric filter pattern" (see [`PatternError::metric_filter_message`]).
const INVALID: &str = "Invalid filter pattern";

/// Why a pattern was refused. The caller answers it as `InvalidParameterException`.
///
/// The message uses AWS's wording where it is known:
/// - `Invalid character(s) in term '<chars>'`, for characters a term or value may not have
///   unquoted (`?Status: timeout` gives `':'`);
/// - `If a filter pattern starts with '{' it must end with '}'` (and the same for `[` and `]`);
/// - the 1,024-character limit, in the wording of AWS's request validation;
/// - otherwise `Invalid filter pattern`, which is all AWS says, followed here by what is wrong.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct PatternError {
    /// The message, as the error response carries it.
    pub message: String,
}

impl PatternError {
    /// A syntax error: AWS's generic message, then what is wrong.
    pub(crate) fn invalid(detail: impl AsRef<str>) -> Self {
        PatternError {
            message: format!("{INVALID}: {}", detail.as_ref()),
        }
    }

    /// AWS's message for characters that need quotes.
    pub(crate) fn invalid_chars(term: &str) -> Self {
        PatternError {
            message: format!("Invalid character(s) in term '{term}'"),
        }
    }

    /// The message as PutMetricFilter and TestMetricFilter word it: their generic error is
    /// "Invalid metric filter pattern" where FilterLogEvents says "Invalid filter pattern"
    /// (both observed on AWS; the specific messages are the same).
    pub fn metric_filter_message(&self) -> String {
        match self.message.strip_prefix(INVALID) {
            Some(rest) => format!("Invalid metric filter pattern{rest}"),
            None => self.message.clone(),
        }
    }
}

/// A parsed filter pattern: immutable, `Send + Sync`, and cheap to clone (it shares its parts).
#[derive(Debug, Clone)]
pub struct FilterPattern {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    kind: Kind,
    /// The pattern as written.
    source: Box<str>,
}

#[derive(Debug)]
enum Kind {
    Everything,
    Terms(terms::TermPattern),
    Json(json::JsonPattern),
    Delimited(delimited::DelimitedPattern),
}

/// State shared by the parsers of one pattern.
#[derive(Default)]
pub(crate) struct ParseCtx {
    regexes: usize,
}

impl ParseCtx {
    /// Compiles one `%regex%`, counting it against [`MAX_REGEXES`].
    pub(crate) fn regex(&mut self, source: &str) -> Result<regex::Regex, PatternError> {
        self.regexes += 1;
        if self.regexes > MAX_REGEXES {
            return Err(PatternError::invalid(format!(
                "a filter pattern can contain at most {MAX_REGEXES} regular expressions"
            )));
        }
        aws_regex::compile(source)
    }
}

impl FilterPattern {
    /// Parses and validates a pattern.
    pub fn parse(pattern: &str) -> Result<FilterPattern, PatternError> {
        if pattern.chars().count() > MAX_PATTERN_CHARS {
            return Err(PatternError {
                message: format!(
                    "1 validation error detected: Value '{pattern}' at 'filterPattern' failed to \
                     satisfy constraint: Member must have length less than or equal to {MAX_PATTERN_CHARS}"
                ),
            });
        }
        let mut ctx = ParseCtx::default();
        let kind = if pattern.trim().is_empty() {
            Kind::Everything
        } else if let Some(rest) = pattern.strip_prefix('{') {
            let inner = rest.strip_suffix('}').ok_or_else(|| PatternError {
                message: "If a filter pattern starts with '{' it must end with '}'".to_owned(),
            })?;
            Kind::Json(json::parse(inner, &mut ctx)?)
        } else if let Some(rest) = pattern.strip_prefix('[') {
            let inner = rest.strip_suffix(']').ok_or_else(|| PatternError {
                message: "If a filter pattern starts with '[' it must end with ']'".to_owned(),
            })?;
            Kind::Delimited(delimited::parse(inner, &mut ctx)?)
        } else if pattern.trim_start().starts_with(['{', '[']) {
            // AWS refuses ` {$.ThisFlag IS TRUE} ` (observed with TestMetricFilter).
            return Err(PatternError::invalid(
                "a JSON or space-delimited pattern must begin with '{' or '[', with nothing before it",
            ));
        } else {
            let terms = terms::parse(pattern, &mut ctx)?;
            if terms.matches_everything() {
                Kind::Everything
            } else {
                Kind::Terms(terms)
            }
        };
        Ok(FilterPattern {
            inner: Arc::new(Inner {
                kind,
                source: pattern.into(),
            }),
        })
    }

    /// The pattern as written (two patterns of the same text match the same messages).
    pub fn source(&self) -> &str {
        &self.inner.source
    }

    /// Whether a log event's message matches.
    pub fn matches(&self, message: &str) -> bool {
        match &self.inner.kind {
            Kind::Everything => true,
            Kind::Terms(terms) => terms.matches(message),
            Kind::Json(json) => json.matches(message),
            Kind::Delimited(delimited) => delimited.matches(message),
        }
    }

    /// For TestMetricFilter: `None` if the message does not match; otherwise its extracted values.
    /// Space-delimited patterns map every field of the message, as `$name` for a named field and
    /// `$N` (its 1-based position) otherwise; JSON patterns map each selector (`$.path`) to the
    /// value it reaches; term patterns extract nothing.
    pub fn extract(&self, message: &str) -> Option<BTreeMap<String, String>> {
        match &self.inner.kind {
            Kind::Everything => Some(BTreeMap::new()),
            Kind::Terms(terms) => terms.matches(message).then(BTreeMap::new),
            Kind::Json(json) => json.extract(message),
            Kind::Delimited(delimited) => delimited.extract(message),
        }
    }

    /// A substring every matching message contains, when the pattern requires one (a term
    /// pattern with a required word or phrase). A scan can skip to candidates with it and
    /// still call [`FilterPattern::matches`] on each.
    pub fn required_text(&self) -> Option<&memchr::memmem::Finder<'static>> {
        match &self.inner.kind {
            Kind::Terms(terms) => terms.required_text(),
            _ => None,
        }
    }

    /// Whether the pattern matches every message: empty, whitespace, or `" "` (how the parser
    /// classified it; the tests check that classification). Live Tail skips the match then.
    pub fn matches_everything(&self) -> bool {
        matches!(self.inner.kind, Kind::Everything)
    }
}
